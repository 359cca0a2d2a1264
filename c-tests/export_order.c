/* export_order: wasm_instance_exports lists the exports in the module's export order (not by
 * name or index), matching wasm_module_exports kind for kind; a function exported twice is
 * the same function under both names. */
#include "test.h"

static int32_t call_i32(const wasm_extern_t* e) {
  const wasm_func_t* f = wasm_extern_as_func_const(e);
  CHECK(f != NULL);
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(r);
  CHECK_NO_TRAP(wasm_func_call(f, &args, &results));
  return r[0].of.i32;
}

static int32_t global_i32(const wasm_extern_t* e) {
  const wasm_global_t* g = wasm_extern_as_global_const(e);
  CHECK(g != NULL);
  wasm_val_t v;
  wasm_global_get(g, &v);
  return v.of.i32;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "export_order");

  const char* names[] = {"zeta", "alpha", "mid", "beta", "", "gamma", "zeta2"};
  const wasm_externkind_t kinds[] = {WASM_EXTERN_FUNC,  WASM_EXTERN_GLOBAL, WASM_EXTERN_MEMORY, WASM_EXTERN_FUNC,
                                     WASM_EXTERN_TABLE, WASM_EXTERN_GLOBAL, WASM_EXTERN_FUNC};
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  CHECK_EQ_UINT(types.size, 7);
  for (size_t i = 0; i < 7; i++) {
    CHECK_NAME(wasm_exporttype_name(types.data[i]), names[i]);
    CHECK_EQ_INT(wasm_externtype_kind(wasm_exporttype_type(types.data[i])), kinds[i]);
  }

  /* Two instances: each lists its exports in that order. */
  for (int round = 0; round < 2; round++) {
    wasm_instance_t* instance = instantiate(store, module, NULL, 0);
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    CHECK_EQ_UINT(exports.size, 7);
    for (size_t i = 0; i < 7; i++) CHECK_EQ_INT(wasm_extern_kind(exports.data[i]), kinds[i]);
    CHECK_EQ_INT(call_i32(exports.data[0]), 2); /* zeta = $b */
    CHECK_EQ_INT(global_i32(exports.data[1]), 20); /* alpha = $g2 */
    CHECK_EQ_INT(call_i32(exports.data[3]), 1); /* beta = $a */
    CHECK_EQ_INT(global_i32(exports.data[5]), 10); /* gamma = $g1 */
    CHECK_EQ_INT(call_i32(exports.data[6]), 2); /* zeta2 = $b */
    CHECK(wasm_extern_same(exports.data[0], exports.data[6]));
    CHECK(!wasm_extern_same(exports.data[0], exports.data[3]));
    CHECK(!wasm_extern_same(exports.data[1], exports.data[5]));
    /* Calling wasm_instance_exports again gives new handles to the same objects. */
    wasm_extern_vec_t again;
    wasm_instance_exports(instance, &again);
    CHECK_EQ_UINT(again.size, 7);
    for (size_t i = 0; i < 7; i++) {
      CHECK(again.data[i] != exports.data[i]);
      CHECK(wasm_extern_same(again.data[i], exports.data[i]));
    }
    wasm_extern_vec_delete(&again);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
  }

  wasm_exporttype_vec_delete(&types);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
