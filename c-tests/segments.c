/* segments: instantiation that fails in a segment: a data segment that does not fit traps
 * ("out of bounds memory access") after the segments before it were written (WebAssembly
 * 2.0 semantics), and the start function does not run; an element segment that does not
 * fit traps ("out of bounds table access") before any data segment is written; with room,
 * all segments are written and the start function runs once, after them. */
#include "test.h"

static int started = 0;
static int32_t started_arg = -1;

static wasm_trap_t* on_start(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  started++;
  started_arg = args->data[0].of.i32;
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "segments");

  wasm_limits_t one_page = {1, wasm_limits_max_default};
  wasm_memorytype_t* mt = wasm_memorytype_new(&one_page);
  wasm_memory_t* mem = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  wasm_limits_t one = {1, wasm_limits_max_default};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &one);
  wasm_table_t* small_table = wasm_table_new(store, tt, NULL); /* 1 element */
  wasm_table_t* table = wasm_table_new(store, tt, NULL);
  wasm_tabletype_delete(tt);
  CHECK(wasm_table_grow(table, 1, NULL)); /* 2 elements */
  wasm_functype_t* ft = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* start_cb = wasm_func_new(store, ft, on_start);
  wasm_functype_delete(ft);

  /* One page: the second data segment does not fit. */
  wasm_extern_t* imports[] = {wasm_memory_as_extern(mem), wasm_table_as_extern(table),
                              wasm_func_as_extern(start_cb)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &import_vec, &trap) == NULL);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_MEMORY_OUT_OF_BOUNDS);
  CHECK_TRAP(trap, "out of bounds memory access");
  CHECK_EQ_INT(wasm_memory_data(mem)[0], 'x');   /* the first segment was written */
  CHECK_EQ_INT(wasm_memory_data(mem)[65535], 0); /* the second was not, not even in part */
  wasm_ref_t* entry = wasm_table_get(table, 1);  /* the element segment came before */
  CHECK(entry != NULL && wasm_ref_as_func(entry) != NULL);
  wasm_ref_delete(entry);
  CHECK(wasm_table_set(table, 1, NULL));
  CHECK_EQ_INT(started, 0);

  /* A table too small for the element segment (the grown memory is fine now). */
  CHECK(wasm_memory_grow(mem, 1));
  imports[1] = wasm_table_as_extern(small_table);
  wasm_memory_data(mem)[0] = 0;
  CHECK(wasm_instance_new(store, module, &import_vec, &trap) == NULL);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_TABLE_OUT_OF_BOUNDS);
  CHECK_TRAP(trap, "out of bounds table access");
  CHECK_EQ_INT(wasm_memory_data(mem)[0], 0); /* elements come first: no data segment ran */
  CHECK_EQ_INT(started, 0);

  /* With room: every segment, then the start function, which sees the data. */
  imports[1] = wasm_table_as_extern(table);
  wasm_instance_t* instance = instantiate(store, module, imports, 3);
  CHECK_EQ_INT(started, 1);
  CHECK_EQ_INT(started_arg, 'z');
  CHECK_EQ_INT(wasm_memory_data(mem)[0], 'x');
  CHECK_EQ_INT(wasm_memory_data(mem)[65535], 'y');
  CHECK_EQ_INT(wasm_memory_data(mem)[65536], 'z');
  entry = wasm_table_get(table, 1);
  CHECK(entry != NULL && wasm_ref_as_func(entry) != NULL);
  wasm_ref_delete(entry);

  wasm_instance_delete(instance);
  wasm_table_delete(small_table);
  wasm_table_delete(table);
  wasm_memory_delete(mem);
  wasm_func_delete(start_cb);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
