// RAII: every handle frees what it owns (run under valgrind: no errors, no leaks).
#include "test.hh"

#include <cstdio>
#include <memory>
#include <optional>

using namespace wasmrt;

static int finalized = 0;
static void count_finalizer(void*) { ++finalized; }

// Tracks its destruction: the std::function of a host function owns one.
struct Probe {
  std::shared_ptr<int> alive = std::make_shared<int>(0);
};

int main() {
  std::weak_ptr<int> probe_alive;
  std::optional<TrapError> kept_trap;
  Func kept_func;
  Memory kept_memory;
  {
    Engine engine;
    Store store(engine);
    Module module(store, read_module("objects.wasm"));
    Global limit(store, GlobalType(ValKind::I32, false), Val(1));
    Table host_table(store, TableType(ValKind::FuncRef, {1, 1}));
    Instance instance(store, module, {limit, host_table});
    Memory mem = instance.memory("mem");

    // A callback owning handles of its own store (memory, function, global; shared, as a
    // std::function must be copyable): a cycle through the store that ~Store breaks by
    // destroying the std::function.
    Probe probe;
    probe_alive = probe.alive;
    auto sum = std::make_shared<Func>(instance.func("sum"));
    auto owned_mem = std::make_shared<Memory>(mem.copy());
    auto owned_limit = std::make_shared<Global>(std::move(limit));
    Func reader(store, FuncType({ValKind::I32}, {ValKind::I32}),
                [owned_mem, sum, owned_limit, probe](const std::vector<Val>& args) {
                  owned_mem->data()[0] = uint8_t(args[0].i32());
                  return (*sum)(0, owned_limit->get().i32());
                });
    CHECK(probe_alive.use_count() == 2);  // here and in the callback
    probe = Probe();
    CHECK(reader(9)[0].i32() == 9);
    host_table.set(0, Val(reader));

    // Host info finalizers run when the store goes away.
    Foreign foreign(store);
    foreign.set_host_info(new int(3), [](void* p) { delete static_cast<int*>(p); });
    Foreign other(store);
    other.set_host_info(nullptr, count_finalizer);
    other.set_host_info(nullptr, count_finalizer);  // replacing runs the previous finalizer
    CHECK(finalized == 1);

    // Values owning references, copied and dropped.
    std::vector<Val> vals;
    for (int i = 0; i < 10; ++i) {
      vals.push_back(Val(reader));
      vals.push_back(Val(foreign));
      vals.push_back(host_table.get(0));
      vals.push_back(Val::null(ValKind::ExternRef));
    }
    std::vector<Val> copies = vals;
    copies.erase(copies.begin(), copies.begin() + 7);
    vals = copies;

    // Traps and frames of several kinds, kept and dropped.
    for (int i = 0; i < 3; ++i) {
      try {
        instance.func("call_at")(1, 0);
      } catch (const TrapError& e) {
        std::vector<Frame> frames = e.frames();
        CHECK(!frames.empty() && frames[0].instance().same(instance));
        kept_trap = e;
      }
    }
    EXPECT_THROW(CompileError, Module(store, "junk"));
    EXPECT_THROW(TrapError, Instance(store, module));  // missing imports
    EXPECT_THROW(Error, Table(store, TableType(ValKind::FuncRef, {1, 1}), Val(1)));

    // Type objects and reflection.
    for (const ImportType& i : module.imports()) CHECK(!i.name().empty() && i.type());
    for (const ExportType& e : module.exports()) CHECK(e.type().copy());
    FuncType ft({ValKind::I32, ValKind::I64, ValKind::F32, ValKind::F64}, {ValKind::FuncRef, ValKind::ExternRef});
    CHECK(ft.copy().params().size() == 4 && reader.type().results().size() == 1);
    TableType tt = host_table.type();
    CHECK(tt.copy().limits().max == 1);
    ValType vt(ValKind::F64);
    CHECK(vt.copy().kind() == ValKind::F64);
    EXPECT_THROW(Error, TableType(ValKind::I32, {1, 1}));  // elements must be references

    // Handles may outlive their store (not be used): these stay alive past ~Store.
    kept_func = reader.copy();
    kept_memory = mem.copy();
    std::string bytes = module.serialize();
    Module restored = Module::deserialize(store, bytes);
    EXPECT_THROW(TrapError, Instance(store, restored, {instance.global("counter"), host_table}));
    Instance second(store, restored, {Global(store, GlobalType(ValKind::I32, false), Val(10)), host_table});
    CHECK(second.func("limit")()[0].i32() == 10);
  }
  // ~Store destroyed the callback and what it captured (also what the table held).
  CHECK(probe_alive.expired());
  CHECK(finalized == 2);
  CHECK(kept_trap && kept_trap->code() == TrapCode::UninitializedElement);
  CHECK(kept_trap->frames().size() == 1);
  std::printf("raii: ok\n");
  return 0;
}
