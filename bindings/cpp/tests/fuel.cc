// Fuel, interruption (also from another thread), call depth and store limits.
#include "test.hh"

#include <chrono>
#include <cstdio>
#include <thread>

using namespace wasmrt;

int main() {
  // Fuel: a store runs while it has fuel.
  {
    Config config;
    config.consume_fuel().max_call_depth(1000);
    Engine engine(std::move(config));
    CHECK(!config);  // the engine took it
    Store store(engine);
    Module module(store, read_module("fuel.wasm"));
    Func tick(store, FuncType({}, {}), [](const std::vector<Val>&) { return std::vector<Val>{}; });
    Instance instance(store, module, {tick});
    CHECK(store.fuel() == 0);
    CHECK(EXPECT_THROW(TrapError, instance.func("count")(10)).code() == TrapCode::OutOfFuel);
    store.add_fuel(100000);
    CHECK(store.fuel() == 100000);
    CHECK(instance.func("count")(10)[0].i32() == 10);
    uint64_t left = store.fuel();
    CHECK(left < 100000);
    TrapError e = EXPECT_THROW(TrapError, instance.func("spin")());
    std::printf("spin: %s\n", e.what());
    CHECK(e.code() == TrapCode::OutOfFuel && store.fuel() < left);
  }

  // Interruption from a host function, then from another thread.
  {
    Engine engine;
    Store store(engine);
    Module module(store, read_module("fuel.wasm"));
    InterruptHandle handle = store.interrupt_handle();
    int ticks = 0;
    Func tick(store, FuncType({}, {}), [&](const std::vector<Val>&) {
      if (++ticks == 1000) handle.interrupt();
      return std::vector<Val>{};
    });
    Instance instance(store, module, {tick});
    TrapError e = EXPECT_THROW(TrapError, instance.func("spin_tick")());
    std::printf("spin_tick: %s after %d ticks\n", e.what(), ticks);
    CHECK(e.code() == TrapCode::Interrupted && ticks == 1000);
    CHECK(instance.func("count")(5)[0].i32() == 5);  // the interruption was consumed

    std::thread interrupter([&handle] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      handle.interrupt();
    });
    e = EXPECT_THROW(TrapError, instance.func("spin")());
    interrupter.join();
    std::printf("spin: %s\n", e.what());
    CHECK(e.code() == TrapCode::Interrupted);
  }

  // Call depth: unbounded recursion through a host function traps.
  {
    Config config;
    config.max_call_depth(50);
    Engine engine(std::move(config));
    Store store(engine);
    Func* self = nullptr;
    int depth = 0;
    Func recurse(store, FuncType({}, {}), [&](const std::vector<Val>&) {
      ++depth;
      self->call();
      return std::vector<Val>{};
    });
    self = &recurse;
    TrapError e = EXPECT_THROW(TrapError, recurse());
    std::printf("recursion: %s at depth %d\n", e.what(), depth);
    CHECK(e.code() == TrapCode::CallStackExhausted && depth <= 50);
  }

  // Store limits: memories past the limit cannot be created or grown.
  {
    Engine engine;
    Store store(engine);
    wasmrt_store_limits_t limits{};
    limits.memory_pages = 2;
    limits.memories = 1;
    store.set_limits(limits);
    Memory mem(store, MemoryType({1, 10}));
    CHECK(mem.grow(1) && !mem.grow(1));
    EXPECT_THROW(Error, Memory(store, MemoryType({1, 10})));  // a second memory
  }
  std::printf("fuel: ok\n");
  return 0;
}
