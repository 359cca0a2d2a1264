/* multi_value: wasm functions returning several values, a host callback returning several
 * values (to wasm and to the host), larger results vectors, and types with several results. */
#include "test.h"

static wasm_trap_t* quad(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  int32_t x = args->data[0].of.i32;
  CHECK_EQ_UINT(results->size, 4);
  results->data[0] = (wasm_val_t)WASM_I32_VAL(x);
  results->data[1] = (wasm_val_t)WASM_I64_VAL((int64_t)x * 1000000000000);
  results->data[2] = (wasm_val_t)WASM_F32_VAL(0.5f);
  results->data[3] = (wasm_val_t)WASM_F64_VAL(0.25);
  return NULL;
}

/* The parameters in reverse order but for the second, dropped (as the module's "reverse"). */
static wasm_trap_t* wide(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ_UINT(args->size, 10);
  CHECK_EQ_UINT(results->size, 9);
  for (size_t i = 0; i < 8; i++) results->data[i] = args->data[9 - i];
  results->data[8] = args->data[0];
  return NULL;
}

/* Calls `f` (of "reverse"'s type) with ten arguments and checks its nine results. */
static void check_wide(const wasm_func_t* f) {
  wasm_val_t a[] = {WASM_I32_VAL(1), WASM_I64_VAL(-2), WASM_F32_VAL(3.5f), WASM_F64_VAL(-4.25),
                    WASM_I32_VAL(5), WASM_I64_VAL(INT64_MIN), WASM_F32_VAL(-7.0f), WASM_F64_VAL(8e300),
                    WASM_I32_VAL(INT32_MIN), WASM_I64_VAL(10)};
  wasm_val_t r[9];
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  CHECK_NO_TRAP(wasm_func_call(f, &args, &results));
  CHECK(r[0].kind == WASM_I64 && r[0].of.i64 == 10);
  CHECK(r[1].kind == WASM_I32 && r[1].of.i32 == INT32_MIN);
  CHECK(r[2].kind == WASM_F64 && r[2].of.f64 == 8e300);
  CHECK(r[3].kind == WASM_F32 && r[3].of.f32 == -7.0f);
  CHECK(r[4].kind == WASM_I64 && r[4].of.i64 == INT64_MIN);
  CHECK(r[5].kind == WASM_I32 && r[5].of.i32 == 5);
  CHECK(r[6].kind == WASM_F64 && r[6].of.f64 == -4.25);
  CHECK(r[7].kind == WASM_F32 && r[7].of.f32 == 3.5f);
  CHECK(r[8].kind == WASM_I32 && r[8].of.i32 == 1);
  /* A wrong argument is caught past the eighth too. */
  a[9] = (wasm_val_t)WASM_I32_VAL(10);
  CHECK_TRAP(wasm_func_call(f, &args, &results), "arguments");
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "multi_value");

  const wasm_valkind_t params[] = {WASM_I32};
  const wasm_valkind_t results_kinds[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64};
  wasm_functype_t* quad_type = functype(1, params, 4, results_kinds);
  CHECK_EQ_UINT(wasm_functype_results(quad_type)->size, 4);
  wasm_func_t* host = wasm_func_new(store, quad_type, quad);
  wasm_functype_delete(quad_type);
  CHECK_EQ_UINT(wasm_func_result_arity(host), 4);

  const wasm_valkind_t wide_params[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_I32,
                                        WASM_I64, WASM_F32, WASM_F64, WASM_I32, WASM_I64};
  const wasm_valkind_t wide_results[] = {WASM_I64, WASM_I32, WASM_F64, WASM_F32, WASM_I64,
                                         WASM_I32, WASM_F64, WASM_F32, WASM_I32};
  wasm_functype_t* wide_type = functype(10, wide_params, 9, wide_results);
  wasm_func_t* wide_host = wasm_func_new(store, wide_type, wide);
  wasm_functype_delete(wide_type);

  wasm_extern_t* imports[] = {wasm_func_as_extern(host), wasm_func_as_extern(wide_host)};
  wasm_instance_t* instance = instantiate(store, module, imports, 2);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  /* swap: (i32, i64) -> (i64, i32). */
  const wasm_func_t* swap = export_func(module, &exports, "swap");
  CHECK_EQ_UINT(wasm_func_result_arity(swap), 2);
  wasm_functype_t* swap_type = wasm_func_type(swap);
  const wasm_valtype_vec_t* swap_results = wasm_functype_results(swap_type);
  CHECK_EQ_UINT(swap_results->size, 2);
  CHECK_EQ_INT(wasm_valtype_kind(swap_results->data[0]), WASM_I64);
  CHECK_EQ_INT(wasm_valtype_kind(swap_results->data[1]), WASM_I32);
  wasm_functype_delete(swap_type);
  wasm_val_t a[] = {WASM_I32_VAL(-1), WASM_I64_VAL(INT64_MAX)};
  wasm_val_t r[] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  CHECK_NO_TRAP(wasm_func_call(swap, &args, &results));
  CHECK(r[0].kind == WASM_I64 && r[0].of.i64 == INT64_MAX);
  CHECK(r[1].kind == WASM_I32 && r[1].of.i32 == -1);

  /* A results vector larger than needed: the extra element is left alone. */
  wasm_val_t big[] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_I32_VAL(99)};
  wasm_val_vec_t big_results = WASM_ARRAY_VEC(big);
  CHECK_NO_TRAP(wasm_func_call(swap, &args, &big_results));
  CHECK(big[0].of.i64 == INT64_MAX && big[1].of.i32 == -1);
  CHECK(big[2].kind == WASM_I32 && big[2].of.i32 == 99);

  /* The host callback's four results, through wasm to the host. */
  const wasm_func_t* call_quad = export_func(module, &exports, "call_quad");
  wasm_val_t qa[] = {WASM_I32_VAL(3)};
  wasm_val_t qr[4];
  wasm_val_vec_t qargs = WASM_ARRAY_VEC(qa), qresults = WASM_ARRAY_VEC(qr);
  CHECK_NO_TRAP(wasm_func_call(call_quad, &qargs, &qresults));
  CHECK(qr[0].kind == WASM_I32 && qr[0].of.i32 == 3);
  CHECK(qr[1].kind == WASM_I64 && qr[1].of.i64 == 3000000000000);
  CHECK(qr[2].kind == WASM_F32 && qr[2].of.f32 == 0.5f);
  CHECK(qr[3].kind == WASM_F64 && qr[3].of.f64 == 0.25);
  /* And directly. */
  qa[0].of.i32 = -2;
  CHECK_NO_TRAP(wasm_func_call(host, &qargs, &qresults));
  CHECK(qr[0].of.i32 == -2 && qr[1].of.i64 == -2000000000000);
  /* Used inside wasm. */
  const wasm_func_t* sum_quad = export_func(module, &exports, "sum_quad");
  wasm_val_t sr[1];
  wasm_val_vec_t sresults = WASM_ARRAY_VEC(sr);
  qa[0].of.i32 = 1;
  CHECK_NO_TRAP(wasm_func_call(sum_quad, &qargs, &sresults));
  CHECK(sr[0].kind == WASM_F64 && sr[0].of.f64 == 1.0 + 1000000000000.0 + 0.5 + 0.25);

  /* A multi-value block. */
  const wasm_func_t* block_pair = export_func(module, &exports, "block_pair");
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_t br[2];
  wasm_val_vec_t bresults = WASM_ARRAY_VEC(br);
  CHECK_NO_TRAP(wasm_func_call(block_pair, &none, &bresults));
  CHECK(br[0].of.i32 == 3 && br[1].of.i32 == 4);

  /* Ten arguments and nine results: to wasm, to the host, to the host through wasm. */
  check_wide(export_func(module, &exports, "reverse"));
  check_wide(wide_host);
  check_wide(export_func(module, &exports, "call_wide"));

  /* Too small a results vector traps. */
  wasm_val_vec_t small = {1, r};
  CHECK_TRAP(wasm_func_call(swap, &args, &small), "results");
  CHECK_TRAP(wasm_func_call(block_pair, &none, &none), "results");

  /* The inline type helpers with two results. */
  wasm_functype_t* t12 = wasm_functype_new_1_2(wasm_valtype_new_i32(), wasm_valtype_new_f32(), wasm_valtype_new_f64());
  CHECK_EQ_UINT(wasm_functype_params(t12)->size, 1);
  CHECK_EQ_UINT(wasm_functype_results(t12)->size, 2);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_functype_results(t12)->data[1]), WASM_F64);
  wasm_functype_delete(t12);
  wasm_functype_t* t32 = wasm_functype_new_3_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                                               wasm_valtype_new_externref(), wasm_valtype_new_funcref());
  CHECK_EQ_UINT(wasm_functype_params(t32)->size, 3);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_functype_results(t32)->data[0]), WASM_EXTERNREF);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_functype_results(t32)->data[1]), WASM_FUNCREF);
  wasm_functype_delete(t32);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_func_delete(wide_host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
