// wasmrt.hh: a header-only C++17 RAII wrapper over wasmrt's C API (wasm.h and wasmrt.h).
//
// - Every object is a move-only owning handle whose destructor calls the matching _delete.
//   A moved-from or default-constructed handle is empty (`explicit operator bool` is false).
//   `copy()` makes another handle to the same object; `raw()` / `release()` give the C pointer.
// - Errors are exceptions: `Error` (bad arguments, NULL results), `CompileError` (a rejected
//   module, with wasmrt_last_error_message) and `TrapError` (a trap: message, code, frames).
// - Host functions are `std::function`s (which must be copyable: capture handles by
//   reference or through a std::shared_ptr). An exception thrown by one never crosses the C
//   boundary: it becomes a trap carrying the exception's message (a `TrapError` thrown by a
//   nested call is passed on as the original trap).
// - Objects may be destroyed in any order, but must not be used after their `Store` is
//   destroyed. Destroying a `Store` destroys its host functions' `std::function`s (and what
//   they captured, so a callback may capture handles of its own store without a leak).
// - Like the C API, a store and everything made from it belong to one thread at a time; only
//   `InterruptHandle::interrupt` may be called from any thread.
//
//   wasmrt::Engine engine;
//   wasmrt::Store store(engine);
//   wasmrt::Module module(store, bytes);  // std::string_view of the binary
//   wasmrt::Func hello(store, wasmrt::FuncType({wasmrt::ValKind::I32}, {}),
//                      [](const std::vector<wasmrt::Val>& args) -> std::vector<wasmrt::Val> {
//                        std::printf("%d\n", args[0].i32());
//                        return {};
//                      });
//   wasmrt::Instance instance(store, module, {hello});
//   try {
//     int32_t r = instance.func("run")(1, 2)[0].i32();
//   } catch (const wasmrt::TrapError& e) { /* e.what(), e.code(), e.frames() */ }
#ifndef WASMRT_HH
#define WASMRT_HH

#include <wasm.h>
#include <wasmrt.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace wasmrt {

// ---------------------------------------------------------------------------------- errors

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A module was malformed or invalid; what() is wasmrt_last_error_message.
class CompileError : public Error {
 public:
  using Error::Error;
};

namespace detail {

// The owning base of every handle: a unique_ptr calling `Delete`.
template <typename T, void (*Delete)(T*)>
class Owned {
 public:
  Owned() = default;
  explicit Owned(T* p) noexcept : p_(p) {}
  T* raw() const noexcept { return p_.get(); }
  T* release() noexcept { return p_.release(); }
  explicit operator bool() const noexcept { return p_ != nullptr; }

 protected:
  void reset(T* p) noexcept { p_.reset(p); }

 private:
  struct Deleter {
    void operator()(T* p) const noexcept { Delete(p); }
  };
  std::unique_ptr<T, Deleter> p_;
};

template <typename T>
T* check(T* p, const char* what) {
  if (!p) throw Error(what);
  return p;
}

// A name or message as a string (without the trailing NUL of messages).
inline std::string to_string(const wasm_byte_vec_t& v) {
  size_t n = v.size;
  if (n > 0 && v.data[n - 1] == '\0') --n;
  return std::string(v.data ? v.data : "", n);
}

// Takes an own byte vector written by the C API.
template <typename F>
std::string take_string(F&& write) {
  wasm_byte_vec_t v{0, nullptr};
  write(&v);
  std::string s = to_string(v);
  wasm_byte_vec_delete(&v);
  return s;
}

// Moves the elements of an own C vector into handles, then frees the vector.
template <typename H, typename Vec, typename Delete>
std::vector<H> take_vec(Vec& v, Delete del) {
  std::vector<H> out;
  out.reserve(v.size);
  for (size_t i = 0; i < v.size; ++i) {
    out.emplace_back(v.data[i]);
    v.data[i] = nullptr;
  }
  del(&v);
  return out;
}

}  // namespace detail

// ------------------------------------------------------------------------------------ types

enum class ValKind : wasm_valkind_t {
  I32 = WASM_I32,
  I64 = WASM_I64,
  F32 = WASM_F32,
  F64 = WASM_F64,
  V128 = 4,  // WASMRT_V128
  ExternRef = WASM_EXTERNREF,
  FuncRef = WASM_FUNCREF,
};

enum class ExternKind : wasm_externkind_t {
  Func = WASM_EXTERN_FUNC,
  Global = WASM_EXTERN_GLOBAL,
  Table = WASM_EXTERN_TABLE,
  Memory = WASM_EXTERN_MEMORY,
};

enum class TrapCode : int32_t {
  Unreachable = WASMRT_TRAP_UNREACHABLE,
  MemoryOutOfBounds = WASMRT_TRAP_MEMORY_OUT_OF_BOUNDS,
  IntegerDivideByZero = WASMRT_TRAP_INTEGER_DIVIDE_BY_ZERO,
  IntegerOverflow = WASMRT_TRAP_INTEGER_OVERFLOW,
  InvalidConversionToInteger = WASMRT_TRAP_INVALID_CONVERSION_TO_INTEGER,
  IndirectCallTypeMismatch = WASMRT_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
  UndefinedElement = WASMRT_TRAP_UNDEFINED_ELEMENT,
  UninitializedElement = WASMRT_TRAP_UNINITIALIZED_ELEMENT,
  TableOutOfBounds = WASMRT_TRAP_TABLE_OUT_OF_BOUNDS,
  CallStackExhausted = WASMRT_TRAP_CALL_STACK_EXHAUSTED,
  OutOfFuel = WASMRT_TRAP_OUT_OF_FUEL,
  Interrupted = WASMRT_TRAP_INTERRUPTED,
  Host = WASMRT_TRAP_HOST,
};

using Limits = wasm_limits_t;  // {min, max}; max wasm_limits_max_default means none

class ValType : public detail::Owned<wasm_valtype_t, wasm_valtype_delete> {
 public:
  using Owned::Owned;
  ValType() = default;
  ValType(ValKind kind) : Owned(detail::check(wasm_valtype_new(wasm_valkind_t(kind)), "unknown value kind")) {}
  ValKind kind() const { return ValKind(wasm_valtype_kind(raw())); }
  ValType copy() const { return ValType(wasm_valtype_copy(raw())); }
};

namespace detail {
inline std::vector<ValKind> kinds(const wasm_valtype_vec_t* v) {
  std::vector<ValKind> out;
  for (size_t i = 0; i < v->size; ++i) out.push_back(ValKind(wasm_valtype_kind(v->data[i])));
  return out;
}
inline wasm_valtype_vec_t valtypes(const std::vector<ValKind>& kinds) {
  wasm_valtype_vec_t v{0, nullptr};
  wasm_valtype_vec_new_uninitialized(&v, kinds.size());
  try {
    for (size_t i = 0; i < kinds.size(); ++i) v.data[i] = ValType(kinds[i]).release();
  } catch (...) {
    wasm_valtype_vec_delete(&v);
    throw;
  }
  return v;
}
}  // namespace detail

class FuncType : public detail::Owned<wasm_functype_t, wasm_functype_delete> {
 public:
  using Owned::Owned;
  FuncType() = default;
  FuncType(const std::vector<ValKind>& params, const std::vector<ValKind>& results) {
    wasm_valtype_vec_t p = detail::valtypes(params), r{0, nullptr};
    try {
      r = detail::valtypes(results);
    } catch (...) {
      wasm_valtype_vec_delete(&p);
      throw;
    }
    reset(detail::check(wasm_functype_new(&p, &r), "wasm_functype_new failed"));
  }
  std::vector<ValKind> params() const { return detail::kinds(wasm_functype_params(raw())); }
  std::vector<ValKind> results() const { return detail::kinds(wasm_functype_results(raw())); }
  FuncType copy() const { return FuncType(wasm_functype_copy(raw())); }
};

class GlobalType : public detail::Owned<wasm_globaltype_t, wasm_globaltype_delete> {
 public:
  using Owned::Owned;
  GlobalType() = default;
  GlobalType(ValKind content, bool is_mutable)
      : Owned(detail::check(wasm_globaltype_new(ValType(content).release(), is_mutable ? WASM_VAR : WASM_CONST),
                            "wasm_globaltype_new failed")) {}
  ValKind content() const { return ValKind(wasm_valtype_kind(wasm_globaltype_content(raw()))); }
  bool is_mutable() const { return wasm_globaltype_mutability(raw()) == WASM_VAR; }
  GlobalType copy() const { return GlobalType(wasm_globaltype_copy(raw())); }
};

class TableType : public detail::Owned<wasm_tabletype_t, wasm_tabletype_delete> {
 public:
  using Owned::Owned;
  TableType() = default;
  TableType(ValKind element, Limits limits)
      : Owned(detail::check(wasm_tabletype_new(ValType(element).release(), &limits),
                            "table elements must be references")) {}
  ValKind element() const { return ValKind(wasm_valtype_kind(wasm_tabletype_element(raw()))); }
  Limits limits() const { return *wasm_tabletype_limits(raw()); }
  TableType copy() const { return TableType(wasm_tabletype_copy(raw())); }
};

class MemoryType : public detail::Owned<wasm_memorytype_t, wasm_memorytype_delete> {
 public:
  using Owned::Owned;
  MemoryType() = default;
  explicit MemoryType(Limits limits) : Owned(detail::check(wasm_memorytype_new(&limits), "wasm_memorytype_new failed")) {}
  Limits limits() const { return *wasm_memorytype_limits(raw()); }
  MemoryType copy() const { return MemoryType(wasm_memorytype_copy(raw())); }
};

class ExternType : public detail::Owned<wasm_externtype_t, wasm_externtype_delete> {
 public:
  using Owned::Owned;
  ExternType() = default;
  ExternKind kind() const { return ExternKind(wasm_externtype_kind(raw())); }
  // Copies of the type as a specific kind; Error if it is another kind.
  FuncType func_type() const { return FuncType(wasm_functype_copy(as(wasm_externtype_as_functype_const(raw())))); }
  GlobalType global_type() const { return GlobalType(wasm_globaltype_copy(as(wasm_externtype_as_globaltype_const(raw())))); }
  TableType table_type() const { return TableType(wasm_tabletype_copy(as(wasm_externtype_as_tabletype_const(raw())))); }
  MemoryType memory_type() const { return MemoryType(wasm_memorytype_copy(as(wasm_externtype_as_memorytype_const(raw())))); }
  ExternType copy() const { return ExternType(wasm_externtype_copy(raw())); }

 private:
  template <typename T>
  static const T* as(const T* t) { return detail::check(t, "extern type is of another kind"); }
};

class ImportType : public detail::Owned<wasm_importtype_t, wasm_importtype_delete> {
 public:
  using Owned::Owned;
  ImportType() = default;
  std::string module() const { return detail::to_string(*wasm_importtype_module(raw())); }
  std::string name() const { return detail::to_string(*wasm_importtype_name(raw())); }
  ExternType type() const { return ExternType(wasm_externtype_copy(wasm_importtype_type(raw()))); }
};

class ExportType : public detail::Owned<wasm_exporttype_t, wasm_exporttype_delete> {
 public:
  using Owned::Owned;
  ExportType() = default;
  std::string name() const { return detail::to_string(*wasm_exporttype_name(raw())); }
  ExternType type() const { return ExternType(wasm_externtype_copy(wasm_exporttype_type(raw()))); }
};

// ----------------------------------------------------------------------------------- values

class Func;
class Foreign;
class Instance;
class Store;

// A value: a number, or an owned reference (funcref or externref; null allowed).
class Val {
 public:
  Val(int32_t x) noexcept : v_{} { v_.kind = WASM_I32; v_.of.i32 = x; }
  Val(int64_t x) noexcept : v_{} { v_.kind = WASM_I64; v_.of.i64 = x; }
  Val(float x) noexcept : v_{} { v_.kind = WASM_F32; v_.of.f32 = x; }
  Val(double x) noexcept : v_{} { v_.kind = WASM_F64; v_.of.f64 = x; }
  Val(const Func& f);     // a funcref (null if `f` is empty)
  Val(const Foreign& f);  // an externref (null if `f` is empty)
  static Val null(ValKind ref_kind) {
    if (ref_kind != ValKind::FuncRef && ref_kind != ValKind::ExternRef) throw Error("not a reference kind");
    wasm_val_t v{};
    v.kind = wasm_valkind_t(ref_kind);
    return adopt(v);
  }
  // Takes ownership of a C value's reference / copies a C value.
  static Val adopt(wasm_val_t v) noexcept { return Val(v); }
  static Val copy_of(const wasm_val_t& v) {
    wasm_val_t c{};
    wasm_val_copy(&c, &v);
    return Val(c);
  }

  Val(const Val& o) : v_{} { wasm_val_copy(&v_, &o.v_); }
  Val(Val&& o) noexcept : v_(o.release()) {}
  Val& operator=(Val o) noexcept {
    std::swap(v_, o.v_);
    return *this;
  }
  ~Val() { wasm_val_delete(&v_); }

  ValKind kind() const noexcept { return ValKind(v_.kind); }
  int32_t i32() const { return expect(ValKind::I32).of.i32; }
  int64_t i64() const { return expect(ValKind::I64).of.i64; }
  float f32() const { return expect(ValKind::F32).of.f32; }
  double f64() const { return expect(ValKind::F64).of.f64; }
  bool is_ref() const noexcept { return wasm_valkind_is_ref(v_.kind); }
  bool is_null() const noexcept { return is_ref() && v_.of.ref == nullptr; }
  Func func() const;        // a new handle to a funcref's function (empty if null)
  Foreign foreign() const;  // a new handle to an externref's foreign object (empty if null)

  const wasm_val_t& raw() const noexcept { return v_; }
  wasm_val_t release() noexcept {
    wasm_val_t v = v_;
    v_ = wasm_val_t{};  // i32 0
    return v;
  }

 private:
  explicit Val(wasm_val_t v) noexcept : v_(v) {}
  const wasm_val_t& expect(ValKind k) const {
    if (kind() != k) throw Error("value is of another type");
    return v_;
  }
  wasm_val_t v_;
};

// A host function: takes the arguments, returns the results. It may throw.
using HostFunc = std::function<std::vector<Val>(const std::vector<Val>& args)>;

namespace detail {
struct Closure;
// The closures of a Store's host functions that the library has not finalized yet.
using Closures = std::unordered_set<Closure*>;
struct Closure {
  HostFunc fn;
  wasm_store_t* store;  // NULL once the Store is destroyed
  std::shared_ptr<Closures> registry;
};
}  // namespace detail

// ------------------------------------------------------------------ runtime environment

class Config : public detail::Owned<wasm_config_t, wasm_config_delete> {
 public:
  Config() : Owned(detail::check(wasm_config_new(), "wasm_config_new failed")) {}
  // Engines from this configuration count fuel (see Store::add_fuel).
  Config& consume_fuel(bool enable = true) {
    wasmrt_config_consume_fuel(raw(), enable);
    return *this;
  }
  // How many calls may nest before a CallStackExhausted trap (0: the default).
  Config& max_call_depth(uint32_t depth) {
    wasmrt_config_max_call_depth(raw(), depth);
    return *this;
  }
};

class Engine : public detail::Owned<wasm_engine_t, wasm_engine_delete> {
 public:
  Engine() : Owned(detail::check(wasm_engine_new(), "wasm_engine_new failed")) {}
  explicit Engine(Config config)
      : Owned(detail::check(wasm_engine_new_with_config(config.release()), "wasm_engine_new failed")) {}
};

// Interrupts a store's running code; interrupt() may be called from any thread.
class InterruptHandle : public detail::Owned<wasmrt_interrupt_handle_t, wasmrt_interrupt_handle_delete> {
 public:
  using Owned::Owned;
  InterruptHandle() = default;
  void interrupt() const noexcept { wasmrt_interrupt(raw()); }
};

class Store : public detail::Owned<wasm_store_t, wasm_store_delete> {
 public:
  explicit Store(Engine& engine)
      : Owned(detail::check(wasm_store_new(engine.raw()), "wasm_store_new failed")),
        closures_(std::make_shared<detail::Closures>()) {}
  Store(Store&& o) noexcept : Owned(std::move(o)), closures_(std::exchange(o.closures_, {})) {}
  Store& operator=(Store&& o) noexcept {
    if (this != &o) {
      release_closures();
      reset(o.release());
      closures_ = std::exchange(o.closures_, {});
    }
    return *this;
  }
  ~Store() { release_closures(); }

  void add_fuel(uint64_t fuel) { wasmrt_store_add_fuel(raw(), fuel); }
  uint64_t fuel() const { return wasmrt_store_fuel(raw()); }
  void set_limits(const wasmrt_store_limits_t& limits) { wasmrt_store_set_limits(raw(), &limits); }
  InterruptHandle interrupt_handle() {
    return InterruptHandle(detail::check(wasmrt_interrupt_handle_new(raw()), "empty Store"));
  }

 private:
  friend class Func;
  // The library frees a closure (its finalizer) when its function is freed or at
  // wasm_store_delete; the ones still registered are alive. Destroying their std::functions
  // breaks cycles through captured handles; that may release handles and so finalize other
  // closures, which then leave the registry.
  void release_closures() noexcept {
    if (!closures_) return;
    std::vector<detail::Closure*> snapshot(closures_->begin(), closures_->end());
    for (detail::Closure* c : snapshot) {
      if (closures_->erase(c) == 0) continue;  // finalized meanwhile
      c->store = nullptr;
      HostFunc fn = std::move(c->fn);
      c->fn = nullptr;
    }
  }
  std::shared_ptr<detail::Closures> closures_;
};

// ------------------------------------------------------------------------- traps and frames

class Frame : public detail::Owned<wasm_frame_t, wasm_frame_delete> {
 public:
  using Owned::Owned;
  Frame() = default;
  uint32_t func_index() const { return wasm_frame_func_index(raw()); }
  size_t func_offset() const { return wasm_frame_func_offset(raw()); }
  size_t module_offset() const { return wasm_frame_module_offset(raw()); }
  // Names from the name section; empty if none.
  std::string func_name() const {
    return detail::take_string([&](wasm_name_t* out) { wasmrt_frame_func_name(raw(), out); });
  }
  std::string module_name() const {
    return detail::take_string([&](wasm_name_t* out) { wasmrt_frame_module_name(raw(), out); });
  }
  Instance instance() const;
  Frame copy() const { return Frame(wasm_frame_copy(raw())); }
};

class Trap : public detail::Owned<wasm_trap_t, wasm_trap_delete> {
 public:
  using Owned::Owned;
  Trap() = default;
  Trap(Store& store, const std::string& message) {
    wasm_message_t m{message.size() + 1, const_cast<char*>(message.c_str())};  // borrowed
    reset(detail::check(wasm_trap_new(store.raw(), &m), "wasm_trap_new failed"));
  }
  std::string message() const {
    return detail::take_string([&](wasm_message_t* out) { wasm_trap_message(raw(), out); });
  }
  TrapCode code() const { return TrapCode(wasmrt_trap_code(raw())); }
  Frame origin() const { return Frame(wasm_trap_origin(raw())); }  // empty if no frames
  std::vector<Frame> trace() const {                                // innermost first
    wasm_frame_vec_t v{0, nullptr};
    wasm_trap_trace(raw(), &v);
    return detail::take_vec<Frame>(v, wasm_frame_vec_delete);
  }
  Trap copy() const { return Trap(wasm_trap_copy(raw())); }
};

// A trap as an exception: what() is the trap's message.
class TrapError : public Error {
 public:
  explicit TrapError(Trap trap) : Error(trap.message()), trap_(std::make_shared<Trap>(std::move(trap))) {}
  const Trap& trap() const noexcept { return *trap_; }
  TrapCode code() const { return trap_->code(); }
  std::vector<Frame> frames() const { return trap_->trace(); }

 private:
  std::shared_ptr<Trap> trap_;  // shared: exceptions are copyable
};

// ----------------------------------------------------------------------- reference objects

// An opaque host object wasm can hold as an externref.
class Foreign : public detail::Owned<wasm_foreign_t, wasm_foreign_delete> {
 public:
  using Owned::Owned;
  Foreign() = default;
  explicit Foreign(Store& store) : Owned(detail::check(wasm_foreign_new(store.raw()), "wasm_foreign_new failed")) {}
  void* host_info() const { return wasm_foreign_get_host_info(raw()); }
  // `finalizer(info)` runs when the info is replaced or the object goes away.
  void set_host_info(void* info, void (*finalizer)(void*) = nullptr) {
    wasm_foreign_set_host_info_with_finalizer(raw(), info, finalizer);
  }
  bool same(const Foreign& o) const { return wasm_foreign_same(raw(), o.raw()); }
  Foreign copy() const { return Foreign(wasm_foreign_copy(raw())); }
};

class Extern;

class Func : public detail::Owned<wasm_func_t, wasm_func_delete> {
 public:
  using Owned::Owned;
  Func() = default;
  // A host function of `type` running `fn`.
  Func(Store& store, const FuncType& type, HostFunc fn) {
    auto closure = std::make_unique<detail::Closure>(detail::Closure{std::move(fn), store.raw(), store.closures_});
    if (store.closures_) store.closures_->insert(closure.get());
    // On failure the library runs the finalizer at once, freeing the closure.
    wasm_func_t* f = wasm_func_new_with_env(store.raw(), type.raw(), &trampoline, closure.get(), &finalize);
    closure.release();
    reset(detail::check(f, "wasm_func_new failed"));
  }

  FuncType type() const { return FuncType(wasm_func_type(raw())); }
  size_t param_arity() const { return wasm_func_param_arity(raw()); }
  size_t result_arity() const { return wasm_func_result_arity(raw()); }

  // Calls the function; a trap throws TrapError.
  std::vector<Val> call(const std::vector<Val>& args = {}) const {
    if (!*this) throw Error("call of an empty Func");
    std::vector<wasm_val_t> in, out(result_arity(), wasm_val_t{});
    for (const Val& a : args) in.push_back(a.raw());  // borrowed
    std::vector<Val> results;
    results.reserve(out.size());
    wasm_val_vec_t in_vec{in.size(), in.data()}, out_vec{out.size(), out.data()};
    if (wasm_trap_t* trap = wasm_func_call(raw(), &in_vec, &out_vec)) throw TrapError(Trap(trap));
    for (const wasm_val_t& v : out) results.push_back(Val::adopt(v));
    return results;
  }
  template <typename... Args>
  std::vector<Val> operator()(Args&&... args) const {
    return call({Val(std::forward<Args>(args))...});
  }

  Extern as_extern() const;
  bool same(const Func& o) const { return wasm_func_same(raw(), o.raw()); }
  Func copy() const { return Func(wasm_func_copy(raw())); }

 private:
  static wasm_trap_t* trampoline(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) noexcept {
    auto* c = static_cast<detail::Closure*>(env);
    if (!c->store) return nullptr;  // the Store is gone (misuse): return blank results
    auto trap = [&](const char* message) {
      wasm_message_t m{std::char_traits<char>::length(message) + 1, const_cast<char*>(message)};
      return wasm_trap_new(c->store, &m);
    };
    try {
      std::vector<Val> in;
      in.reserve(args->size);
      for (size_t i = 0; i < args->size; ++i) in.push_back(Val::copy_of(args->data[i]));
      std::vector<Val> out = c->fn(in);
      if (out.size() != results->size) throw Error("host function returned the wrong number of results");
      for (size_t i = 0; i < out.size(); ++i) results->data[i] = out[i].release();
      return nullptr;
    } catch (const TrapError& e) {
      return wasm_trap_copy(e.trap().raw());
    } catch (const std::exception& e) {
      return trap(e.what());
    } catch (...) {
      return trap("unknown C++ exception in host function");
    }
  }
  static void finalize(void* env) noexcept {
    auto* c = static_cast<detail::Closure*>(env);
    if (c->registry) c->registry->erase(c);
    delete c;
  }
};

class Global : public detail::Owned<wasm_global_t, wasm_global_delete> {
 public:
  using Owned::Owned;
  Global() = default;
  Global(Store& store, const GlobalType& type, const Val& init)
      : Owned(detail::check(wasm_global_new(store.raw(), type.raw(), &init.raw()),
                            "wasm_global_new: the value does not match the type")) {}
  GlobalType type() const { return GlobalType(wasm_global_type(raw())); }
  Val get() const {
    wasm_val_t v{};
    wasm_global_get(raw(), &v);
    return Val::adopt(v);
  }
  // Error if the global is immutable or the value has another type.
  void set(const Val& v) {
    GlobalType t = type();
    if (!t.is_mutable()) throw Error("global is immutable");
    if (t.content() != v.kind()) throw Error("value does not match the global's type");
    wasm_global_set(raw(), &v.raw());
  }
  Extern as_extern() const;
  bool same(const Global& o) const { return wasm_global_same(raw(), o.raw()); }
  Global copy() const { return Global(wasm_global_copy(raw())); }
};

class Table : public detail::Owned<wasm_table_t, wasm_table_delete> {
 public:
  using Owned::Owned;
  Table() = default;
  // A table with every element `init` (default: null).
  Table(Store& store, const TableType& type) : Table(store, type, Val::null(type.element())) {}
  Table(Store& store, const TableType& type, const Val& init)
      : Owned(detail::check(wasm_table_new(store.raw(), type.raw(), ref(init)), "wasm_table_new failed")) {}
  TableType type() const { return TableType(wasm_table_type(raw())); }
  uint32_t size() const { return wasm_table_size(raw()); }
  Val get(uint32_t index) const {
    if (index >= size()) throw Error("table index out of bounds");
    wasm_val_t v{};
    v.kind = wasm_valkind_t(type().element());
    v.of.ref = wasm_table_get(raw(), index);
    return Val::adopt(v);
  }
  void set(uint32_t index, const Val& v) {
    if (!wasm_table_set(raw(), index, ref(v))) throw Error("table set: index out of bounds or wrong value");
  }
  bool grow(uint32_t delta) { return grow(delta, Val::null(type().element())); }
  bool grow(uint32_t delta, const Val& init) { return wasm_table_grow(raw(), delta, ref(init)); }
  Extern as_extern() const;
  bool same(const Table& o) const { return wasm_table_same(raw(), o.raw()); }
  Table copy() const { return Table(wasm_table_copy(raw())); }

 private:
  static wasm_ref_t* ref(const Val& v) {
    if (!v.is_ref()) throw Error("tables hold references");
    return v.raw().of.ref;
  }
};

// A pointer and a size (std::span-like).
template <typename T>
class Span {
 public:
  Span(T* data, size_t size) noexcept : data_(data), size_(size) {}
  T* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  T* begin() const noexcept { return data_; }
  T* end() const noexcept { return data_ + size_; }
  T& operator[](size_t i) const noexcept { return data_[i]; }

 private:
  T* data_;
  size_t size_;
};

class Memory : public detail::Owned<wasm_memory_t, wasm_memory_delete> {
 public:
  using Owned::Owned;
  Memory() = default;
  Memory(Store& store, const MemoryType& type)
      : Owned(detail::check(wasm_memory_new(store.raw(), type.raw()), "wasm_memory_new failed")) {}
  MemoryType type() const { return MemoryType(wasm_memory_type(raw())); }
  // The bytes: valid until the memory grows (also from wasm) or the store goes away.
  Span<uint8_t> data() const {
    return Span<uint8_t>(reinterpret_cast<uint8_t*>(wasm_memory_data(raw())), wasm_memory_data_size(raw()));
  }
  size_t data_size() const { return wasm_memory_data_size(raw()); }
  uint32_t pages() const { return wasm_memory_size(raw()); }
  bool grow(uint32_t delta_pages) { return wasm_memory_grow(raw(), delta_pages); }
  Extern as_extern() const;
  bool same(const Memory& o) const { return wasm_memory_same(raw(), o.raw()); }
  Memory copy() const { return Memory(wasm_memory_copy(raw())); }
};

// A function, global, table or memory.
class Extern : public detail::Owned<wasm_extern_t, wasm_extern_delete> {
 public:
  using Owned::Owned;
  Extern() = default;
  ExternKind kind() const { return ExternKind(wasm_extern_kind(raw())); }
  ExternType type() const { return ExternType(wasm_extern_type(raw())); }
  // New handles of a specific kind; Error if it is another kind.
  Func func() const { return Func(wasm_func_copy(as(wasm_extern_as_func_const(raw())))); }
  Global global() const { return Global(wasm_global_copy(as(wasm_extern_as_global_const(raw())))); }
  Table table() const { return Table(wasm_table_copy(as(wasm_extern_as_table_const(raw())))); }
  Memory memory() const { return Memory(wasm_memory_copy(as(wasm_extern_as_memory_const(raw())))); }
  bool same(const Extern& o) const { return wasm_extern_same(raw(), o.raw()); }
  Extern copy() const { return Extern(wasm_extern_copy(raw())); }

 private:
  template <typename T>
  static const T* as(const T* x) { return detail::check(x, "external is of another kind"); }
};

inline Extern Func::as_extern() const { return Extern(wasm_extern_copy(wasm_func_as_extern_const(raw()))); }
inline Extern Global::as_extern() const { return Extern(wasm_extern_copy(wasm_global_as_extern_const(raw()))); }
inline Extern Table::as_extern() const { return Extern(wasm_extern_copy(wasm_table_as_extern_const(raw()))); }
inline Extern Memory::as_extern() const { return Extern(wasm_extern_copy(wasm_memory_as_extern_const(raw()))); }

// ----------------------------------------------------------------------- modules, instances

class Module : public detail::Owned<wasm_module_t, wasm_module_delete> {
 public:
  using Owned::Owned;
  Module() = default;
  // Compiles a binary module; CompileError if it is malformed or invalid.
  Module(Store& store, std::string_view binary) {
    wasm_byte_vec_t bytes = borrow(binary);
    wasm_module_t* m = wasm_module_new(store.raw(), &bytes);
    if (!m) throw CompileError(last_error());
    reset(m);
  }
  static bool validate(Store& store, std::string_view binary) {
    wasm_byte_vec_t bytes = borrow(binary);
    return wasm_module_validate(store.raw(), &bytes);
  }
  // Why the last compilation or validation on this thread failed.
  static std::string last_error() { return detail::take_string(wasmrt_last_error_message); }

  std::vector<ImportType> imports() const {
    wasm_importtype_vec_t v{0, nullptr};
    wasm_module_imports(raw(), &v);
    return detail::take_vec<ImportType>(v, wasm_importtype_vec_delete);
  }
  std::vector<ExportType> exports() const {
    wasm_exporttype_vec_t v{0, nullptr};
    wasm_module_exports(raw(), &v);
    return detail::take_vec<ExportType>(v, wasm_exporttype_vec_delete);
  }
  std::string serialize() const {
    return detail::take_string([&](wasm_byte_vec_t* out) { wasm_module_serialize(raw(), out); });
  }
  static Module deserialize(Store& store, std::string_view bytes) {
    wasm_byte_vec_t v = borrow(bytes);
    wasm_module_t* m = wasm_module_deserialize(store.raw(), &v);
    if (!m) throw CompileError(last_error());
    return Module(m);
  }
  Module copy() const { return Module(wasm_module_copy(raw())); }

 private:
  static wasm_byte_vec_t borrow(std::string_view s) { return {s.size(), const_cast<char*>(s.data())}; }
};

// An import given to Instance's constructor (borrowed: the handle must outlive the call).
class Import {
 public:
  Import(const Func& f) noexcept : e_(wasm_func_as_extern_const(f.raw())) {}
  Import(const Global& g) noexcept : e_(wasm_global_as_extern_const(g.raw())) {}
  Import(const Table& t) noexcept : e_(wasm_table_as_extern_const(t.raw())) {}
  Import(const Memory& m) noexcept : e_(wasm_memory_as_extern_const(m.raw())) {}
  Import(const Extern& e) noexcept : e_(e.raw()) {}
  wasm_extern_t* raw() const noexcept { return const_cast<wasm_extern_t*>(e_); }

 private:
  const wasm_extern_t* e_;
};

class Instance : public detail::Owned<wasm_instance_t, wasm_instance_delete> {
 public:
  using Owned::Owned;  // an instance without export names (only exports() works)
  Instance() = default;
  // Instantiates `module` with imports in the module's import order. A link error or a
  // trapping start function throws TrapError.
  Instance(Store& store, const Module& module, const std::vector<Import>& imports = {}) {
    std::vector<wasm_extern_t*> externs;
    for (const Import& i : imports) externs.push_back(i.raw());
    wasm_extern_vec_t v{externs.size(), externs.data()};  // borrowed
    wasm_trap_t* trap = nullptr;
    wasm_instance_t* i = wasm_instance_new(store.raw(), module.raw(), &v, &trap);
    if (!i) {
      if (trap) throw TrapError(Trap(trap));
      throw Error("wasm_instance_new failed");
    }
    reset(i);
    for (const ExportType& e : module.exports()) names_.push_back(e.name());
  }

  // The exports in the module's order.
  std::vector<Extern> exports() const {
    wasm_extern_vec_t v{0, nullptr};
    wasm_instance_exports(raw(), &v);
    return detail::take_vec<Extern>(v, wasm_extern_vec_delete);
  }
  // An export by name; Error if there is none (or it is of another kind).
  Extern get(std::string_view name) const {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return std::move(exports().at(i));
    }
    throw Error("no export named '" + std::string(name) + "'");
  }
  Func func(std::string_view name) const { return get(name).func(); }
  Global global(std::string_view name) const { return get(name).global(); }
  Table table(std::string_view name) const { return get(name).table(); }
  Memory memory(std::string_view name) const { return get(name).memory(); }

  bool same(const Instance& o) const { return wasm_instance_same(raw(), o.raw()); }
  Instance copy() const {
    Instance i(wasm_instance_copy(raw()));
    i.names_ = names_;
    return i;
  }

 private:
  std::vector<std::string> names_;
};

// ---------------------------------------------------------------- out-of-line definitions

inline Val::Val(const Func& f) : v_{} {
  v_.kind = WASM_FUNCREF;
  v_.of.ref = f ? wasm_func_as_ref(wasm_func_copy(f.raw())) : nullptr;
}

inline Val::Val(const Foreign& f) : v_{} {
  v_.kind = WASM_EXTERNREF;
  v_.of.ref = f ? wasm_foreign_as_ref(wasm_foreign_copy(f.raw())) : nullptr;
}

inline Func Val::func() const {
  if (kind() != ValKind::FuncRef) throw Error("value is not a funcref");
  return v_.of.ref ? Func(wasm_func_copy(wasm_ref_as_func_const(v_.of.ref))) : Func();
}

inline Foreign Val::foreign() const {
  if (kind() != ValKind::ExternRef) throw Error("value is not an externref");
  if (!v_.of.ref) return Foreign();
  return Foreign(wasm_foreign_copy(detail::check(wasm_ref_as_foreign_const(v_.of.ref), "externref is not a Foreign")));
}

inline Instance Frame::instance() const {
  const wasm_instance_t* i = wasm_frame_instance(raw());  // owned by the frame
  return Instance(i ? wasm_instance_copy(i) : nullptr);
}

}  // namespace wasmrt

#endif  // WASMRT_HH
