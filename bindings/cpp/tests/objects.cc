// Memories, globals and tables: exported by a module, made by the host, and imported.
#include "test.hh"

#include <cstdio>
#include <cstring>

using namespace wasmrt;

int main() {
  Engine engine;
  Store store(engine);
  Module module(store, read_module("objects.wasm"));

  // Host-made imports: an immutable global and a table holding a host function.
  Global limit(store, GlobalType(ValKind::I32, false), Val(99));
  Func triple(store, FuncType({ValKind::I32}, {ValKind::I32}),
              [](const std::vector<Val>& args) { return std::vector<Val>{args[0].i32() * 3}; });
  Table host_table(store, TableType(ValKind::FuncRef, {1, 1}), Val(triple));
  Instance instance(store, module, {limit, host_table});
  CHECK(instance.func("limit")()[0].i32() == 99);
  CHECK(instance.func("call_host_table")(5)[0].i32() == 15);

  // Memory: the host writes, wasm reads, and the other way round.
  Memory mem = instance.memory("mem");
  CHECK(mem.pages() == 1 && mem.data_size() == 65536 && mem.data().size() == 65536);
  Span<uint8_t> bytes = mem.data();
  const char text[] = "\x01\x02\x03\x04";
  std::memcpy(bytes.data() + 100, text, 4);
  CHECK(instance.func("sum")(100, 4)[0].i32() == 10);
  instance.func("store8")(200, 0xab);
  CHECK(mem.data()[200] == 0xab);
  uint32_t total = 0;
  for (uint8_t b : mem.data()) total += b;
  CHECK(total == 10 + 0xab);
  // Growing, from the host and from wasm, up to the maximum of 4 pages.
  CHECK(mem.grow(1) && mem.pages() == 2);
  CHECK(instance.func("grow")(1)[0].i32() == 2 && mem.pages() == 3);
  CHECK(mem.data().size() == 3 * 65536 && mem.data()[200] == 0xab);
  CHECK(!mem.grow(2) && mem.pages() == 3);
  CHECK(mem.type().limits().min == 3 && mem.type().limits().max == 4);

  // A host-made memory.
  Memory own(store, MemoryType({1, 2}));
  CHECK(own.pages() == 1 && own.grow(1) && !own.grow(1));
  own.data()[0] = 7;
  CHECK(own.data()[0] == 7);

  // Globals.
  Global counter = instance.global("counter");
  CHECK(counter.type().content() == ValKind::I64 && counter.type().is_mutable());
  CHECK(counter.get().i64() == 10);
  instance.func("bump")();
  CHECK(counter.get().i64() == 11);
  counter.set(Val(int64_t(500)));
  instance.func("bump")();
  CHECK(counter.get().i64() == 501);
  EXPECT_THROW(Error, counter.set(Val(1)));  // an i32 for an i64 global
  Global pi = instance.global("pi");
  CHECK(pi.get().f64() == 3.5 && !pi.type().is_mutable());
  EXPECT_THROW(Error, pi.set(Val(1.0)));  // immutable
  EXPECT_THROW(Error, Global(store, GlobalType(ValKind::F32, true), Val(1)));  // wrong init type
  Global host_var(store, GlobalType(ValKind::F32, true), Val(1.25f));
  host_var.set(Val(2.5f));
  CHECK(host_var.get().f32() == 2.5f);

  // Tables: funcref elements are Funcs; calls through the table see host changes.
  Table table = instance.table("table");
  CHECK(table.size() == 2 && table.type().element() == ValKind::FuncRef);
  Val first = table.get(0);
  CHECK(first.kind() == ValKind::FuncRef && !first.is_null());
  CHECK(first.func().same(instance.func("double")));
  CHECK(first.func()(21)[0].i32() == 42);
  CHECK(table.get(1).is_null() && !table.get(1).func());
  EXPECT_THROW(TrapError, instance.func("call_at")(1, 5));  // uninitialized element
  table.set(1, Val(instance.func("inc")));
  CHECK(instance.func("call_at")(1, 5)[0].i32() == 6);
  table.set(1, Val(triple));  // a host function in a wasm table
  CHECK(instance.func("call_at")(1, 5)[0].i32() == 15);
  CHECK(table.grow(3) && table.size() == 5 && table.get(4).is_null());
  CHECK(table.grow(1, Val(triple)) && table.get(5).func().same(triple));
  CHECK(!table.grow(100));
  EXPECT_THROW(Error, table.get(6));
  EXPECT_THROW(Error, table.set(6, Val::null(ValKind::FuncRef)));
  EXPECT_THROW(Error, table.set(0, Val(1)));

  // An externref table holding host objects.
  Table refs(store, TableType(ValKind::ExternRef, {2, wasm_limits_max_default}));
  Foreign object(store);
  int payload = 5;
  object.set_host_info(&payload);
  refs.set(1, Val(object));
  CHECK(refs.get(0).is_null());
  Foreign back = refs.get(1).foreign();
  CHECK(back.same(object) && back.host_info() == &payload);
  EXPECT_THROW(Error, refs.get(1).func());  // an externref is not a funcref

  // References through host functions: arguments and results.
  Func identity(store, FuncType({ValKind::ExternRef, ValKind::FuncRef}, {ValKind::FuncRef, ValKind::ExternRef}),
                [](const std::vector<Val>& args) { return std::vector<Val>{args[1], args[0]}; });
  std::vector<Val> swapped = identity(object, triple);
  CHECK(swapped[0].func().same(triple) && swapped[1].foreign().same(object));
  swapped = identity(Val::null(ValKind::ExternRef), Val::null(ValKind::FuncRef));
  CHECK(swapped[0].is_null() && swapped[1].is_null() && !swapped[1].foreign());

  // Externs view any of them.
  std::vector<Extern> exports = instance.exports();
  CHECK(exports.size() == module.exports().size());
  CHECK(instance.get("mem").kind() == ExternKind::Memory);
  CHECK(instance.get("mem").memory().same(mem));
  CHECK(instance.get("counter").type().global_type().content() == ValKind::I64);
  CHECK(mem.as_extern().kind() == ExternKind::Memory && counter.as_extern().same(instance.get("counter")));
  CHECK(table.as_extern().table().same(table) && triple.as_extern().func().same(triple));
  EXPECT_THROW(Error, instance.get("mem").func());
  EXPECT_THROW(Error, instance.get("mem").type().func_type());
  std::printf("objects: ok\n");
  return 0;
}
