// Move semantics: handles are move-only; moved-from handles are empty; moves keep objects.
#include "test.hh"

#include <cstdio>
#include <type_traits>

using namespace wasmrt;

template <typename T>
constexpr bool move_only = !std::is_copy_constructible_v<T> && !std::is_copy_assignable_v<T> &&
                           std::is_nothrow_move_constructible_v<T> && std::is_nothrow_move_assignable_v<T>;
static_assert(move_only<Engine> && move_only<Config> && move_only<Store> && move_only<Module>);
static_assert(move_only<Instance> && move_only<Func> && move_only<Global> && move_only<Table>);
static_assert(move_only<Memory> && move_only<Trap> && move_only<Frame> && move_only<Extern>);
static_assert(move_only<Foreign> && move_only<ValType> && move_only<FuncType> && move_only<GlobalType>);
static_assert(move_only<TableType> && move_only<MemoryType> && move_only<ExternType>);
static_assert(move_only<ImportType> && move_only<ExportType> && move_only<InterruptHandle>);
// Values and exceptions copy.
static_assert(std::is_copy_constructible_v<Val> && std::is_nothrow_move_constructible_v<Val>);
static_assert(std::is_copy_constructible_v<TrapError>);

int main() {
  Engine engine;
  Engine moved_engine = std::move(engine);
  CHECK(!engine && moved_engine);

  Store first(moved_engine);
  int calls = 0;
  Func f(first, FuncType({}, {ValKind::I32}), [&calls](const std::vector<Val>&) {
    return std::vector<Val>{++calls};
  });
  // A moved store keeps its objects and host functions.
  Store store = std::move(first);
  CHECK(!first && store);
  CHECK(f()[0].i32() == 1);

  // Move construction and assignment of handles.
  Func g = std::move(f);
  CHECK(!f && g && g()[0].i32() == 2);
  Func h;
  CHECK(!h);
  h = std::move(g);
  CHECK(!g && h()[0].i32() == 3);
  Func copy = h.copy();
  CHECK(copy.same(h) && copy.raw() != h.raw());
  h = Func();  // deletes the handle, not the function
  CHECK(copy()[0].i32() == 4);

  // Containers of handles.
  std::vector<Func> funcs;
  for (int i = 0; i < 20; ++i) {
    funcs.push_back(Func(store, FuncType({}, {ValKind::I32}), [i](const std::vector<Val>&) {
      return std::vector<Val>{i};
    }));
  }
  for (int i = 0; i < 20; ++i) CHECK(funcs[size_t(i)]()[0].i32() == i);

  // Module, instance and exports move.
  Module module(store, read_module("traps.wasm"));
  Module m2 = std::move(module);
  Instance instance(store, m2);
  Instance i2 = std::move(instance);
  CHECK(!instance && i2.func("div")(9, 3)[0].i32() == 3);
  Instance i3 = i2.copy();  // copies keep export names
  CHECK(i3.same(i2) && i3.func("div")(8, 2)[0].i32() == 4);
  Memory mem;
  mem = Memory(store, MemoryType({1, 1}));
  Memory mem2 = std::move(mem);
  CHECK(!mem && mem2.pages() == 1);

  // Releasing and re-adopting the C pointer.
  wasm_func_t* raw = copy.release();
  CHECK(!copy);
  Func adopted(raw);
  CHECK(adopted()[0].i32() == 5);

  // Values: copies own new references; moves take them.
  Val v(adopted);
  Val v2 = v;
  CHECK(v2.func().same(adopted) && v.func().same(adopted));
  Val v3 = std::move(v);
  CHECK(v3.func().same(adopted) && v.kind() == ValKind::I32);
  v2 = Val(7);
  CHECK(v2.i32() == 7);
  v2 = v3;
  CHECK(v2.func()()[0].i32() == 6);

  // Moved stores: assigning a store destroys the old one's callbacks.
  Engine e2;
  Store s2(e2);
  auto token = std::make_shared<int>(1);
  Func held(s2, FuncType({}, {}), [token](const std::vector<Val>&) { return std::vector<Val>{}; });
  CHECK(token.use_count() == 2);
  s2 = Store(e2);
  CHECK(token.use_count() == 1);

  // Traps as values.
  Trap t(store, "moved trap");
  Trap t2 = std::move(t);
  CHECK(!t && t2.message() == "moved trap");
  TrapError err(std::move(t2));
  TrapError err2 = err;
  CHECK(std::string(err2.what()) == "moved trap" && &err2.trap() == &err.trap());
  std::printf("move: ok\n");
  return 0;
}
