/* memory: data segments, data/data_size, host writes seen by wasm and vice versa, growth
 * from the host and from wasm (and its limits), out-of-bounds access from wasm traps, host
 * memories (wasm_memory_new) imported by a module; with guard regions (the default) and with
 * explicit bounds checks (wasmrt_config_set_bounds_checks). */
#include "test.h"

static const wasm_func_t *load, *load32, *store_fn, *size_fn, *grow_fn;

static int32_t call_i(const wasm_func_t* f, size_t n, int32_t a, int32_t b, wasm_trap_t** trap) {
  wasm_val_t args_data[] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results_data[] = {WASM_I32_VAL(-12345)};
  wasm_val_vec_t args = {n, args_data};
  wasm_val_vec_t results = {wasm_func_result_arity(f), results_data};
  *trap = wasm_func_call(f, &args, &results);
  return results_data[0].of.i32;
}

static int32_t call_ok(const wasm_func_t* f, size_t n, int32_t a, int32_t b) {
  wasm_trap_t* trap;
  int32_t r = call_i(f, n, a, b, &trap);
  CHECK_NO_TRAP(trap);
  return r;
}

static void check_oob(const wasm_func_t* f, size_t n, int32_t a, int32_t b) {
  wasm_trap_t* trap;
  call_i(f, n, a, b, &trap);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_MEMORY_OUT_OF_BOUNDS);
  CHECK_TRAP(trap, "out of bounds memory access");
}

/* Everything above, on an engine (each bounds-check mode gets one). */
static void run(wasm_engine_t* engine) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "memory");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* mem = wasm_extern_as_memory(exports.data[export_index(module, "mem")]);
  CHECK(mem != NULL);
  load = export_func(module, &exports, "load");
  load32 = export_func(module, &exports, "load32");
  store_fn = export_func(module, &exports, "store");
  size_fn = export_func(module, &exports, "size");
  grow_fn = export_func(module, &exports, "grow");

  /* Size, data and the data segment. */
  CHECK_EQ_UINT(wasm_memory_size(mem), 1);
  CHECK_EQ_UINT(wasm_memory_data_size(mem), MEMORY_PAGE_SIZE);
  char* data = wasm_memory_data(mem);
  CHECK(data != NULL);
  CHECK(memcmp(data + 16, "hello", 5) == 0);
  CHECK_EQ_INT(data[0], 0);
  CHECK_EQ_INT(data[21], 0);
  wasm_memorytype_t* type = wasm_memory_type(mem);
  CHECK_EQ_UINT(wasm_memorytype_limits(type)->min, 1);
  CHECK_EQ_UINT(wasm_memorytype_limits(type)->max, 4);
  wasm_memorytype_delete(type);

  /* Host writes, wasm reads; wasm writes, host reads. */
  CHECK_EQ_INT(call_ok(load, 1, 16, 0), 'h');
  data[100] = 'x';
  data[0xffff] = 7;
  CHECK_EQ_INT(call_ok(load, 1, 100, 0), 'x');
  CHECK_EQ_INT(call_ok(load, 1, 0xffff, 0), 7);
  call_ok(store_fn, 2, 200, 0xab);
  CHECK_EQ_INT((unsigned char)data[200], 0xab);

  /* Out of bounds from wasm: the last byte is fine, one past is not; a 4-byte load that
   * straddles the end traps; nothing was written. */
  check_oob(load, 1, 0x10000, 0);
  check_oob(load, 1, -1, 0);
  check_oob(load32, 1, 0xfffd, 0);
  check_oob(store_fn, 2, 0x10000, 1);
  CHECK_EQ_INT(call_ok(load32, 1, 0xfffc, 0), 7 << 24);

  /* Host-side growth: the new page is zeroed and visible to wasm. */
  CHECK(wasm_memory_grow(mem, 1));
  CHECK_EQ_UINT(wasm_memory_size(mem), 2);
  CHECK_EQ_UINT(wasm_memory_data_size(mem), 2 * MEMORY_PAGE_SIZE);
  CHECK_EQ_INT(call_ok(size_fn, 0, 0, 0), 2);
  data = wasm_memory_data(mem); /* may have moved */
  CHECK(memcmp(data + 16, "hello", 5) == 0);
  for (size_t i = MEMORY_PAGE_SIZE; i < 2 * MEMORY_PAGE_SIZE; i++) CHECK(data[i] == 0);
  CHECK_EQ_INT(call_ok(load, 1, 0x10000, 0), 0);
  call_ok(store_fn, 2, 0x1ffff, 5);
  CHECK_EQ_INT(data[0x1ffff], 5);
  check_oob(load, 1, 0x20000, 0);
  type = wasm_memory_type(mem); /* the current size is the minimum */
  CHECK_EQ_UINT(wasm_memorytype_limits(type)->min, 2);
  CHECK_EQ_UINT(wasm_memorytype_limits(type)->max, 4);
  wasm_memorytype_delete(type);

  /* Growing by 0 succeeds; past the maximum fails and changes nothing. */
  CHECK(wasm_memory_grow(mem, 0));
  CHECK(!wasm_memory_grow(mem, 3));
  CHECK(!wasm_memory_grow(mem, 0xffffffffu));
  CHECK_EQ_UINT(wasm_memory_size(mem), 2);
  /* Growth from wasm is seen by the host. */
  CHECK_EQ_INT(call_ok(grow_fn, 1, 2, 0), 2);
  CHECK_EQ_UINT(wasm_memory_size(mem), 4);
  CHECK_EQ_UINT(wasm_memory_data_size(mem), 4 * MEMORY_PAGE_SIZE);
  CHECK_EQ_INT(call_ok(grow_fn, 1, 1, 0), -1);
  CHECK(!wasm_memory_grow(mem, 1));
  data = wasm_memory_data(mem);
  data[4 * MEMORY_PAGE_SIZE - 1] = 9;
  CHECK_EQ_INT(call_ok(load, 1, 4 * 0x10000 - 1, 0), 9);

  /* Host memories: limits, growth without maximum, import into a module. */
  wasm_limits_t limits = {2, wasm_limits_max_default};
  wasm_memorytype_t* host_type = wasm_memorytype_new(&limits);
  wasm_memory_t* host_mem = wasm_memory_new(store, host_type);
  wasm_memorytype_delete(host_type);
  CHECK(host_mem != NULL);
  CHECK_EQ_UINT(wasm_memory_size(host_mem), 2);
  CHECK_EQ_UINT(wasm_memory_data_size(host_mem), 2 * MEMORY_PAGE_SIZE);
  type = wasm_memory_type(host_mem);
  CHECK_EQ_UINT(wasm_memorytype_limits(type)->max, wasm_limits_max_default);
  wasm_memorytype_delete(type);
  wasm_memory_data(host_mem)[0x1234] = 42;
  wasm_module_t* importer = load_module(store, "memory_import");
  wasm_extern_t* imports[] = {wasm_memory_as_extern(host_mem)};
  wasm_instance_t* importer_instance = instantiate(store, importer, imports, 1);
  wasm_extern_vec_t importer_exports;
  wasm_instance_exports(importer_instance, &importer_exports);
  const wasm_func_t* imported_load = export_func(importer, &importer_exports, "load");
  const wasm_func_t* imported_size = export_func(importer, &importer_exports, "size");
  CHECK_EQ_INT(call_ok(imported_load, 1, 0x1234, 0), 42);
  CHECK(wasm_memory_grow(host_mem, 3));
  CHECK_EQ_INT(call_ok(imported_size, 0, 0, 0), 5);
  wasm_memory_data(host_mem)[5 * MEMORY_PAGE_SIZE - 1] = 1;
  CHECK_EQ_INT(call_ok(imported_load, 1, 5 * 0x10000 - 1, 0), 1);
  check_oob(imported_load, 1, 5 * 0x10000, 0);

  /* A memory too small for the import fails to link. */
  limits = (wasm_limits_t){1, 1};
  host_type = wasm_memorytype_new(&limits);
  wasm_memory_t* small = wasm_memory_new(store, host_type);
  wasm_memorytype_delete(host_type);
  CHECK(small != NULL);
  wasm_extern_t* small_imports[] = {wasm_memory_as_extern(small)};
  wasm_extern_vec_t small_vec = WASM_ARRAY_VEC(small_imports);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, importer, &small_vec, &trap) == NULL);
  CHECK_TRAP(trap, "import");

  /* Invalid limits give NULL: maximum below minimum, more than 65536 pages. */
  limits = (wasm_limits_t){3, 2};
  host_type = wasm_memorytype_new(&limits);
  CHECK(wasm_memory_new(store, host_type) == NULL);
  wasm_memorytype_delete(host_type);
  limits = (wasm_limits_t){65537, wasm_limits_max_default};
  host_type = wasm_memorytype_new(&limits);
  CHECK(wasm_memory_new(store, host_type) == NULL);
  wasm_memorytype_delete(host_type);

  /* A zero-page memory. */
  limits = (wasm_limits_t){0, 1};
  host_type = wasm_memorytype_new(&limits);
  wasm_memory_t* empty = wasm_memory_new(store, host_type);
  wasm_memorytype_delete(host_type);
  CHECK(empty != NULL);
  CHECK_EQ_UINT(wasm_memory_size(empty), 0);
  CHECK_EQ_UINT(wasm_memory_data_size(empty), 0);
  CHECK(wasm_memory_grow(empty, 1));
  CHECK_EQ_UINT(wasm_memory_data_size(empty), MEMORY_PAGE_SIZE);
  wasm_memory_data(empty)[MEMORY_PAGE_SIZE - 1] = 1;
  CHECK(!wasm_memory_grow(empty, 1));

  wasm_memory_delete(empty);
  wasm_memory_delete(small);
  wasm_extern_vec_delete(&importer_exports);
  wasm_instance_delete(importer_instance);
  wasm_module_delete(importer);
  wasm_memory_delete(host_mem);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  run(engine);
  wasm_engine_delete(engine);

  /* Explicit bounds checks (no guard regions): the same behaviour. */
  wasm_config_t* config = wasm_config_new();
  CHECK(wasmrt_config_set_bounds_checks(config, WASMRT_BOUNDS_EXPLICIT));
  CHECK(!wasmrt_config_set_bounds_checks(config, 7));
  CHECK(!wasmrt_config_set_bounds_checks(NULL, WASMRT_BOUNDS_EXPLICIT));
  engine = wasm_engine_new_with_config(config);
  run(engine);
  wasm_engine_delete(engine);
  config = wasm_config_new();
  CHECK(wasmrt_config_set_bounds_checks(config, WASMRT_BOUNDS_GUARD_REGIONS));
  wasm_config_delete(config);
  return 0;
}
