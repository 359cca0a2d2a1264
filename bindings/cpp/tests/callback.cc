// Exceptions thrown by host functions never cross the C boundary: they become traps.
#include "test.hh"

#include <cstdio>
#include <stdexcept>

using namespace wasmrt;

int main() {
  Engine engine;
  Store store(engine);
  Module module(store, read_module("callback.wasm"));

  Func fail(store, FuncType({ValKind::I32}, {ValKind::I32}), [](const std::vector<Val>& args) -> std::vector<Val> {
    switch (args[0].i32()) {
      case 0: throw std::runtime_error("boom from C++");
      case 1: throw 42;  // not a std::exception
      case 2: return {};  // too few results
      case 3: return {Val(int64_t(1))};  // a result of the wrong type
      case 4: return {args[0].i64()};  // Error: the argument is an i32
      default: return {args[0].i32() + 100};
    }
  });
  Func boom;  // set once instantiated
  Func reenter(store, FuncType({}, {}), [&boom](const std::vector<Val>&) {
    boom();  // traps: TrapError propagates through this host function as the same trap
    return std::vector<Val>{};
  });
  Instance instance(store, module, {fail, reenter});
  boom = instance.func("boom");
  Func call_fail = instance.func("call_fail");

  TrapError e = EXPECT_THROW(TrapError, call_fail(0));
  std::printf("std::exception: %s\n", e.what());
  CHECK(std::string(e.what()) == "boom from C++");
  CHECK(e.code() == TrapCode::Host);
  // The backtrace holds the wasm frame that called the host function.
  std::vector<Frame> frames = e.frames();
  CHECK(!frames.empty() && frames.back().func_name() == "call_fail");

  e = EXPECT_THROW(TrapError, call_fail(1));
  std::printf("other exception: %s\n", e.what());
  CHECK(std::string(e.what()) == "unknown C++ exception in host function");

  e = EXPECT_THROW(TrapError, call_fail(2));
  std::printf("missing result: %s\n", e.what());
  CHECK(e.code() == TrapCode::Host);

  e = EXPECT_THROW(TrapError, call_fail(3));
  std::printf("wrong result type: %s\n", e.what());
  CHECK(e.code() == TrapCode::Host);

  e = EXPECT_THROW(TrapError, call_fail(4));
  std::printf("wasmrt::Error: %s\n", e.what());
  CHECK(std::string(e.what()) == "value is of another type");

  // The same exceptions when the host function is called directly, not from wasm.
  CHECK(std::string(EXPECT_THROW(TrapError, fail(0)).what()) == "boom from C++");

  // A trap in wasm called back from a host function keeps its code and message.
  e = EXPECT_THROW(TrapError, instance.func("call_reenter")());
  std::printf("nested trap: %s\n", e.what());
  CHECK(e.code() == TrapCode::Unreachable && std::string(e.what()) == "unreachable");
  CHECK(e.frames().at(0).func_name() == "boom");

  // After all that, the store works.
  CHECK(call_fail(5)[0].i32() == 105);
  std::printf("callback: ok\n");
  return 0;
}
