// A module calling host lambdas, and host calls of its exports.
#include "test.hh"

#include <cstdio>

using namespace wasmrt;

int main() {
  Engine engine;
  Store store(engine);
  Module module(store, read_module("hello.wasm"));

  CHECK(module.imports().size() == 2);
  CHECK(module.imports()[0].module() == "env" && module.imports()[0].name() == "hello");
  CHECK(module.imports()[0].type().kind() == ExternKind::Func);
  CHECK(module.exports().size() == 2 && module.exports()[1].name() == "swap");
  FuncType swap_type = module.exports()[1].type().func_type();
  CHECK((swap_type.params() == std::vector<ValKind>{ValKind::I32, ValKind::I64}));
  CHECK((swap_type.results() == std::vector<ValKind>{ValKind::I64, ValKind::I32}));

  int calls = 0;
  Func hello(store, FuncType({ValKind::I32}, {ValKind::I32}), [&calls](const std::vector<Val>& args) {
    ++calls;
    std::printf("hello from C++, wasm passed %d\n", args[0].i32());
    return std::vector<Val>{args[0].i32() * 10};
  });
  bool logged = false;
  Func log(store, FuncType({ValKind::I64, ValKind::F32, ValKind::F64}, {}), [&](const std::vector<Val>& args) {
    CHECK(args.size() == 3);
    CHECK(args[0].kind() == ValKind::I64 && args[0].i64() == 1234567890123);
    CHECK(args[1].f32() == 1.5f && args[2].f64() == 2.25);
    logged = true;
    return std::vector<Val>{};
  });
  CHECK(hello.param_arity() == 1 && hello.result_arity() == 1);

  Instance instance(store, module, {hello, log});
  Func run = instance.func("run");
  std::vector<Val> results = run.call({Val(4)});
  CHECK(results.size() == 1 && results[0].i32() == 41);
  CHECK(run(5)[0].i32() == 51);
  CHECK(calls == 2 && logged);

  // Multiple results, and an i64 argument.
  std::vector<Val> swapped = instance.func("swap")(7, int64_t(1) << 40);
  CHECK(swapped.size() == 2 && swapped[0].i64() == int64_t(1) << 40 && swapped[1].i32() == 7);

  // The host function can be called directly too.
  CHECK(hello(3)[0].i32() == 30 && calls == 3);

  // Exports by position and by name.
  std::vector<Extern> exports = instance.exports();
  CHECK(exports.size() == 2 && exports[0].kind() == ExternKind::Func);
  CHECK(exports[0].func().same(run));
  CHECK(instance.get("swap").type().func_type().results().size() == 2);
  Error missing = EXPECT_THROW(Error, instance.get("nope"));
  CHECK(std::string(missing.what()).find("nope") != std::string::npos);
  EXPECT_THROW(Error, instance.memory("run"));  // of another kind

  // Wrong value accessors throw.
  EXPECT_THROW(Error, results[0].i64());
  std::printf("hello: ok\n");
  return 0;
}
