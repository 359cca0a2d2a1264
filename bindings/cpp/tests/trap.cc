// Traps as TrapError exceptions (message, code, frames), compile errors and link errors.
#include "test.hh"

#include <cstdio>

using namespace wasmrt;

int main() {
  Engine engine;
  Store store(engine);
  Module module(store, read_module("traps.wasm"));
  Instance instance(store, module);

  // unreachable three calls deep: the backtrace names each function, innermost first.
  TrapError e = EXPECT_THROW(TrapError, instance.func("outer")());
  std::printf("trap: %s\n", e.what());
  CHECK(std::string(e.what()) == "unreachable");
  CHECK(e.code() == TrapCode::Unreachable);
  CHECK(e.trap().message() == e.what());
  std::vector<Frame> frames = e.frames();
  CHECK(frames.size() == 3);
  const char* names[] = {"inner", "middle", "outer"};
  for (size_t i = 0; i < frames.size(); ++i) {
    std::printf("  #%zu %s!%s (func %u, offset 0x%zx)\n", i, frames[i].module_name().c_str(),
                frames[i].func_name().c_str(), frames[i].func_index(), frames[i].module_offset());
    CHECK(frames[i].func_name() == names[i]);
    CHECK(frames[i].module_name() == "traps");
    CHECK(frames[i].func_index() == i);
    CHECK(frames[i].instance().same(instance));
  }
  Frame origin = e.trap().origin();
  CHECK(origin && origin.func_name() == "inner" && origin.module_offset() == frames[0].module_offset());
  CHECK(origin.copy().func_index() == 0);

  // Exceptions are copyable and share the trap.
  TrapError copy = e;
  CHECK(copy.code() == TrapCode::Unreachable && copy.frames().size() == 3);
  // TrapError is an Error is a std::runtime_error.
  try {
    instance.func("inner")();
    CHECK(false);
  } catch (const Error& err) {
    CHECK(std::string(err.what()) == "unreachable");
  }

  // Other trap codes.
  CHECK(instance.func("div")(7, 2)[0].i32() == 3);
  TrapError div = EXPECT_THROW(TrapError, instance.func("div")(1, 0));
  CHECK(div.code() == TrapCode::IntegerDivideByZero);
  std::printf("trap: %s\n", div.what());
  CHECK(EXPECT_THROW(TrapError, instance.func("div")(INT32_MIN, -1)).code() == TrapCode::IntegerOverflow);
  TrapError oob = EXPECT_THROW(TrapError, instance.func("oob")());
  CHECK(oob.code() == TrapCode::MemoryOutOfBounds && oob.frames().at(0).func_name() == "oob");

  // Mismatched arguments: a trap too (from the C API), not a crash.
  TrapError bad_args = EXPECT_THROW(TrapError, instance.func("div")(1));
  std::printf("bad arguments: %s\n", bad_args.what());
  CHECK(bad_args.code() == TrapCode::Host);

  // A host-made trap.
  Trap made(store, "made by the host");
  CHECK(made.message() == "made by the host" && made.code() == TrapCode::Host);
  CHECK(made.trace().empty() && !made.origin());

  // A trapping start function: instantiation throws TrapError.
  Module start(store, read_module("start_trap.wasm"));
  TrapError start_trap = EXPECT_THROW(TrapError, Instance(store, start));
  CHECK(start_trap.code() == TrapCode::Unreachable);

  // Missing imports: instantiation throws TrapError with the reason.
  Module hello(store, read_module("hello.wasm"));
  TrapError link = EXPECT_THROW(TrapError, Instance(store, hello));
  std::printf("link error: %s\n", link.what());
  CHECK(link.code() == TrapCode::Host && !std::string(link.what()).empty());

  // Compile errors carry wasmrt_last_error_message.
  CompileError bad = EXPECT_THROW(CompileError, Module(store, std::string("\0asm\x01\0\0\0\x05", 9)));
  std::printf("compile error: %s\n", bad.what());
  CHECK(!std::string(bad.what()).empty());
  CHECK(!Module::validate(store, "not wasm") && !Module::last_error().empty());
  CHECK(Module::validate(store, read_module("traps.wasm")));
  CompileError garbage = EXPECT_THROW(CompileError, Module(store, "not wasm"));
  std::printf("compile error: %s\n", garbage.what());

  // Serialization round trip.
  Module restored = Module::deserialize(store, module.serialize());
  CHECK(restored.exports().size() == module.exports().size());
  EXPECT_THROW(CompileError, Module::deserialize(store, "nonsense"));

  // A call of an empty handle.
  EXPECT_THROW(Error, Func().call());
  std::printf("trap: ok\n");
  return 0;
}
