/* hello: the basic embedding: engine, store, module, a host function as import, instance,
 * an exported function called with arguments and results, and cleanup. */
#include "test.h"

static int hello_calls = 0;

static wasm_trap_t* hello(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  hello_calls++;
  CHECK_EQ_UINT(args->size, 1);
  CHECK_EQ_INT(args->data[0].kind, WASM_I32);
  CHECK_EQ_UINT(results->size, 1);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 * 10;
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  CHECK(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(store != NULL);
  wasm_module_t* module = load_module(store, "hello");

  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, type, hello);
  CHECK(host != NULL);
  wasm_functype_delete(type);
  CHECK_EQ_UINT(wasm_func_param_arity(host), 1);
  CHECK_EQ_UINT(wasm_func_result_arity(host), 1);

  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK_EQ_UINT(exports.size, 1);
  CHECK_EQ_INT(wasm_extern_kind(exports.data[0]), WASM_EXTERN_FUNC);
  wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  CHECK(run != NULL);

  wasm_val_t args_data[] = {WASM_I32_VAL(4)};
  wasm_val_t results_data[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_data);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_data);
  CHECK_NO_TRAP(wasm_func_call(run, &args, &results));
  CHECK_EQ_INT(results_data[0].kind, WASM_I32);
  CHECK_EQ_INT(results_data[0].of.i32, 41);
  CHECK_EQ_INT(hello_calls, 1);

  /* The host function can be called directly too. */
  args_data[0].of.i32 = 7;
  CHECK_NO_TRAP(wasm_func_call(host, &args, &results));
  CHECK_EQ_INT(results_data[0].of.i32, 70);
  CHECK_EQ_INT(hello_calls, 2);

  wasm_extern_vec_delete(&exports);
  CHECK(exports.size == 0 && exports.data == NULL);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
