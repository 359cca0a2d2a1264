/* lifetime: exported externs keep their instance and module alive after
 * wasm_instance_delete and wasm_module_delete: functions still run (using the instance's
 * memory, global and table), and memories, globals and tables still work. Also handles
 * copied before and after, and the host info of an instance that is gone. */
#include "test.h"

static int32_t call_f(const wasm_func_t* f) {
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(r);
  CHECK_NO_TRAP(wasm_func_call(f, &args, &results));
  return r[0].of.i32;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "lifetime");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK_EQ_UINT(exports.size, 4);
  /* Export order: mem, g, t, f. */
  wasm_memory_t* mem = wasm_extern_as_memory(exports.data[0]);
  wasm_global_t* g = wasm_extern_as_global(exports.data[1]);
  wasm_table_t* t = wasm_extern_as_table(exports.data[2]);
  wasm_func_t* f = wasm_extern_as_func(exports.data[3]);
  CHECK(mem && g && t && f);
  wasm_func_t* f_copy = wasm_func_copy(f);

  /* Drop the instance and the module first. */
  wasm_instance_delete(instance);
  wasm_module_delete(module);

  CHECK_EQ_INT(call_f(f), 5);
  wasm_memory_data(mem)[0] = 10;
  CHECK_EQ_INT(call_f(f), 15);
  wasm_val_t v = WASM_I32_VAL(100);
  wasm_global_set(g, &v);
  CHECK_EQ_INT(call_f(f_copy), 110);
  CHECK(wasm_memory_grow(mem, 1));
  CHECK_EQ_UINT(wasm_memory_size(mem), 2);
  wasm_ref_t* entry = wasm_table_get(t, 0);
  CHECK(entry != NULL);
  CHECK(wasm_func_same(wasm_ref_as_func(entry), f));
  CHECK_EQ_INT(call_f(wasm_ref_as_func(entry)), 110);
  wasm_ref_delete(entry);
  wasm_functype_t* ft = wasm_func_type(f);
  CHECK_EQ_UINT(wasm_functype_results(ft)->size, 1);
  wasm_functype_delete(ft);
  for (size_t i = 0; i < exports.size; i++) {
    wasm_externtype_t* et = wasm_extern_type(exports.data[i]);
    CHECK(et != NULL);
    wasm_externtype_delete(et);
  }

  /* Copies of the exports vector, made after the instance is gone, work too. */
  wasm_extern_vec_t exports_copy;
  wasm_extern_vec_copy(&exports_copy, &exports);
  wasm_extern_vec_delete(&exports);
  CHECK_EQ_INT(call_f(wasm_extern_as_func(exports_copy.data[3])), 110);
  wasm_extern_vec_delete(&exports_copy);
  CHECK_EQ_INT(call_f(f_copy), 110);
  wasm_func_delete(f_copy);

  /* Modules: a module's instance outlives the module; the module's exports its instance. */
  module = load_module(store, "lifetime");
  instance = instantiate(store, module, NULL, 0);
  wasm_module_delete(module);
  wasm_instance_exports(instance, &exports);
  wasm_instance_delete(instance);
  CHECK_EQ_INT(call_f(wasm_extern_as_func(exports.data[3])), 5);
  wasm_extern_vec_delete(&exports);

  /* A store's handles keep the store's objects after wasm_store_delete. */
  module = load_module(store, "lifetime");
  instance = instantiate(store, module, NULL, 0);
  wasm_instance_exports(instance, &exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK_EQ_INT(call_f(wasm_extern_as_func(exports.data[3])), 5);
  wasm_memory_data(wasm_extern_as_memory(exports.data[0]))[0] = 1;
  CHECK_EQ_INT(call_f(wasm_extern_as_func(exports.data[3])), 6);
  wasm_extern_vec_delete(&exports);

  /* And the engine may go before its stores and modules. */
  store = wasm_store_new(engine);
  module = load_module(store, "lifetime");
  wasm_engine_delete(engine);
  instance = instantiate(store, module, NULL, 0);
  wasm_instance_exports(instance, &exports);
  CHECK_EQ_INT(call_f(wasm_extern_as_func(exports.data[3])), 5);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return 0;
}
