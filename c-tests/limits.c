/* limits: wasmrt_store_set_limits (instances, memories, tables, memory pages, table
 * elements; 0 keeps a default; only live objects count) and wasmrt_config_max_call_depth (deeper recursion traps with
 * "call stack exhausted"). */
#include "test.h"

static wasm_trap_t* down(const wasm_func_t* f, int32_t n, int32_t* result) {
  wasm_val_t a[] = {WASM_I32_VAL(n)};
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  *result = r[0].of.i32;
  return trap;
}

static void check_instance_fails(wasm_store_t* store, const wasm_module_t* module, const char* why) {
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &none, &trap) == NULL);
  CHECK_TRAP(trap, why);
}

int main(void) {
  /* Store limits. */
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasmrt_store_limits_t limits = {0};
  limits.instances = 2;
  limits.memories = 1;
  limits.tables = 1;
  limits.memory_pages = 3;
  limits.table_elements = 5;
  wasmrt_store_set_limits(store, &limits);
  wasm_module_t* memory_module = load_module(store, "memory"); /* memory 1..4 pages */
  wasm_module_t* tiny = load_module(store, "tiny");

  wasm_instance_t* with_memory = instantiate(store, memory_module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(with_memory, &exports);
  wasm_memory_t* mem = wasm_extern_as_memory(exports.data[export_index(memory_module, "mem")]);
  /* memory_pages: 3 at most, though the type allows 4; from the host and from wasm. */
  CHECK(wasm_memory_grow(mem, 2));
  CHECK(!wasm_memory_grow(mem, 1));
  CHECK_EQ_UINT(wasm_memory_size(mem), 3);
  wasm_val_t a[] = {WASM_I32_VAL(1)};
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  CHECK_NO_TRAP(wasm_func_call(export_func(memory_module, &exports, "grow"), &args, &results));
  CHECK_EQ_INT(r[0].of.i32, -1);
  /* memories: 1 at most (the instance's). */
  wasm_limits_t ml = {1, 1};
  wasm_memorytype_t* mt = wasm_memorytype_new(&ml);
  CHECK(wasm_memory_new(store, mt) == NULL);
  wasm_memorytype_delete(mt);
  /* tables: 1 at most; table_elements: 5 at most. */
  wasm_limits_t tl = {4, wasm_limits_max_default};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &tl);
  wasm_table_t* table = wasm_table_new(store, tt, NULL);
  CHECK(table != NULL);
  CHECK(wasm_table_new(store, tt, NULL) == NULL);
  wasm_tabletype_delete(tt);
  CHECK(wasm_table_grow(table, 1, NULL));
  CHECK(!wasm_table_grow(table, 1, NULL));
  CHECK_EQ_UINT(wasm_table_size(table), 5);
  /* instances: 2 at most; and the memory limit stops a second memory module first. */
  check_instance_fails(store, memory_module, "memory");
  wasm_instance_t* second = instantiate(store, tiny, NULL, 0);
  check_instance_fails(store, tiny, "instances");
  /* The limit counts live instances: deleting the last handle to one frees it. */
  wasm_instance_delete(second);
  second = instantiate(store, tiny, NULL, 0);
  check_instance_fails(store, tiny, "instances");
  wasm_instance_delete(second);
  wasm_table_delete(table);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(with_memory);
  wasm_store_delete(store);

  /* Zeros keep the defaults (e.g. more than 2 instances). */
  store = wasm_store_new(engine);
  limits = (wasmrt_store_limits_t){0};
  wasmrt_store_set_limits(store, &limits);
  for (int i = 0; i < 5; i++) wasm_instance_delete(instantiate(store, tiny, NULL, 0));
  wasm_store_delete(store);
  wasm_module_delete(tiny);
  wasm_module_delete(memory_module);
  wasm_engine_delete(engine);

  /* Call depth. */
  wasm_config_t* config = wasm_config_new();
  wasmrt_config_max_call_depth(config, 50);
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  wasm_module_t* depth = load_module(store, "depth");
  wasm_instance_t* instance = instantiate(store, depth, NULL, 0);
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* f = wasm_extern_as_func(exports.data[0]);
  int32_t result;
  CHECK_NO_TRAP(down(f, 40, &result));
  CHECK_EQ_INT(result, 40);
  wasm_trap_t* trap = down(f, 60, &result);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_CALL_STACK_EXHAUSTED);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size >= 40 && trace.size <= 51);
  wasm_frame_vec_delete(&trace);
  CHECK_TRAP(trap, "call stack exhausted");
  /* The store works after exhaustion. */
  CHECK_NO_TRAP(down(f, 10, &result));
  CHECK_EQ_INT(result, 10);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(depth);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* The default depth allows deep recursion; 0 keeps it. */
  config = wasm_config_new();
  wasmrt_config_max_call_depth(config, 0);
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  depth = load_module(store, "depth");
  instance = instantiate(store, depth, NULL, 0);
  wasm_instance_exports(instance, &exports);
  CHECK_NO_TRAP(down(wasm_extern_as_func(exports.data[0]), 5000, &result));
  CHECK_EQ_INT(result, 5000);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(depth);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
