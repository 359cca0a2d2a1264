/* reentrancy: host callbacks that call back into wasm (100 levels of wasm -> host -> wasm),
 * and that grow the calling instance's memory and table, write to them, and instantiate and
 * run another module while wasm code is on the stack; wasm sees the changes on return. */
#include "test.h"

static wasm_store_t* store;
static wasm_module_t* module;
static wasm_extern_vec_t exports;
static int depth = 0, max_depth = 0;

static int32_t call_i32(const wasm_func_t* f, int32_t x) {
  wasm_val_t a[] = {WASM_I32_VAL(x)};
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {wasm_func_param_arity(f), a}, results = WASM_ARRAY_VEC(r);
  CHECK_NO_TRAP(wasm_func_call(f, &args, &results));
  return r[0].of.i32;
}

static wasm_trap_t* hundred(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0] = (wasm_val_t)WASM_I32_VAL(100);
  return NULL;
}

static wasm_trap_t* cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  int32_t n = args->data[0].of.i32;
  if (n > 0) {
    depth++;
    if (depth > max_depth) max_depth = depth;
    int32_t r = call_i32(export_func(module, &exports, "recurse"), n - 1);
    depth--;
    results->data[0] = (wasm_val_t)WASM_I32_VAL(r + 1);
    return NULL;
  }
  /* Change the running instance's memory and table. */
  wasm_memory_t* mem = wasm_extern_as_memory(exports.data[export_index(module, "mem")]);
  CHECK(wasm_memory_grow(mem, 1));
  wasm_memory_data(mem)[65536] = 7;
  wasm_table_t* table = wasm_extern_as_table(exports.data[export_index(module, "t")]);
  wasm_functype_t* type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* f = wasm_func_new(store, type, hundred);
  wasm_functype_delete(type);
  CHECK(wasm_table_grow(table, 1, wasm_func_as_ref(f)));
  wasm_func_delete(f);
  /* Instantiate and run another module meanwhile. */
  wasm_module_t* tiny = load_module(store, "tiny");
  for (int i = 0; i < 20; i++) {
    wasm_instance_t* instance = instantiate(store, tiny, NULL, 0);
    wasm_extern_vec_t tiny_exports;
    wasm_instance_exports(instance, &tiny_exports);
    CHECK_EQ_INT(call_i32(wasm_extern_as_func(tiny_exports.data[0]), 0), 1);
    wasm_extern_vec_delete(&tiny_exports);
    wasm_instance_delete(instance);
  }
  wasm_module_delete(tiny);
  results->data[0] = (wasm_val_t)WASM_I32_VAL(0);
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  store = wasm_store_new(engine);
  module = load_module(store, "reentrancy");
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, type, cb);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_instance_exports(instance, &exports);

  CHECK_EQ_INT(call_i32(export_func(module, &exports, "recurse"), 100), 100);
  CHECK_EQ_INT(max_depth, 100);
  CHECK_EQ_INT(depth, 0);
  /* 2 pages + 7 + 100 */
  CHECK_EQ_INT(call_i32(export_func(module, &exports, "grow_during_call"), 0), 109);
  /* Still consistent afterwards. */
  CHECK_EQ_INT(call_i32(export_func(module, &exports, "recurse"), 3), 3);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
