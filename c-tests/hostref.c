/* hostref: host references (wasm_foreign_t) passed as externref through wasm (returned,
 * stored in a table, given to a host function) and back: wasm_foreign_same holds, host info
 * is the object's; host info get/set, replacement and finalizers; foreign objects of another
 * store are rejected. */
#include "test.h"

typedef struct {
  int finalized;
} info_t;

static void finalize(void* p) {
  ((info_t*)p)->finalized++;
}

static const wasm_foreign_t* expected_in_echo;
static int echo_calls = 0;

static wasm_trap_t* echo(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  echo_calls++;
  CHECK_EQ_INT(args->data[0].kind, WASM_EXTERNREF);
  CHECK(args->data[0].of.ref != NULL);
  const wasm_foreign_t* f = wasm_ref_as_foreign_const(args->data[0].of.ref);
  CHECK(f != NULL);
  CHECK(wasm_foreign_same(f, expected_in_echo));
  /* The result must be owned by the vector: a new handle. */
  results->data[0].kind = WASM_EXTERNREF;
  results->data[0].of.ref = wasm_ref_copy(args->data[0].of.ref);
  return NULL;
}

static wasm_ref_t* call_ref(const wasm_func_t* f, wasm_val_t arg0, wasm_val_t arg1, size_t nargs) {
  wasm_val_t a[] = {arg0, arg1};
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {nargs, a}, results = {wasm_func_result_arity(f), r};
  CHECK_NO_TRAP(wasm_func_call(f, &args, &results));
  if (results.size == 0) return NULL;
  CHECK_EQ_INT(r[0].kind, WASM_EXTERNREF);
  return r[0].of.ref;
}

static int32_t call_is_null(const wasm_func_t* f, wasm_ref_t* ref) {
  wasm_val_t a[] = {WASM_REF_VAL(ref)};
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  CHECK_NO_TRAP(wasm_func_call(f, &args, &results));
  return r[0].of.i32;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "hostref");
  wasm_functype_t* echo_type = wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_externref());
  wasm_func_t* echo_func = wasm_func_new(store, echo_type, echo);
  wasm_functype_delete(echo_type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(echo_func)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* id = export_func(module, &exports, "id");
  const wasm_func_t* store_fn = export_func(module, &exports, "store");
  const wasm_func_t* load = export_func(module, &exports, "load");
  const wasm_func_t* is_null = export_func(module, &exports, "is_null");
  const wasm_func_t* via_host = export_func(module, &exports, "via_host");
  wasm_table_t* table = wasm_extern_as_table(exports.data[export_index(module, "t")]);

  info_t info_a = {0}, info_b = {0}, info_c = {0};
  wasm_foreign_t* f1 = wasm_foreign_new(store);
  wasm_foreign_t* f2 = wasm_foreign_new(store);
  CHECK(f1 && f2);
  CHECK(!wasm_foreign_same(f1, f2));
  CHECK(wasm_foreign_same(f1, f1));
  CHECK(wasm_foreign_get_host_info(f1) == NULL);
  wasm_foreign_set_host_info_with_finalizer(f1, &info_a, finalize);
  CHECK(wasm_foreign_get_host_info(f1) == &info_a);
  wasm_foreign_set_host_info(f2, &info_c);

  /* Through wasm and back: the same object, with its host info. */
  wasm_ref_t* r = call_ref(id, (wasm_val_t)WASM_REF_VAL(wasm_foreign_as_ref(f1)), (wasm_val_t)WASM_INIT_VAL, 1);
  CHECK(r != NULL);
  wasm_foreign_t* back = wasm_ref_as_foreign(r);
  CHECK(back != NULL);
  CHECK(wasm_foreign_same(back, f1));
  CHECK(!wasm_foreign_same(back, f2));
  CHECK(wasm_ref_same(r, wasm_foreign_as_ref(f1)));
  CHECK(wasm_foreign_get_host_info(back) == &info_a);
  CHECK(wasm_ref_get_host_info(r) == &info_a);
  CHECK(wasm_ref_as_func(r) == NULL);
  wasm_ref_delete(r);

  /* Through a table (set and read by wasm, read by the host). */
  call_ref(store_fn, (wasm_val_t)WASM_I32_VAL(2), (wasm_val_t)WASM_REF_VAL(wasm_foreign_as_ref(f2)), 2);
  r = call_ref(load, (wasm_val_t)WASM_I32_VAL(2), (wasm_val_t)WASM_INIT_VAL, 1);
  CHECK(wasm_foreign_same(wasm_ref_as_foreign(r), f2));
  CHECK(wasm_foreign_get_host_info(wasm_ref_as_foreign(r)) == &info_c);
  wasm_ref_delete(r);
  r = wasm_table_get(table, 2);
  CHECK(r != NULL && wasm_foreign_same(wasm_ref_as_foreign(r), f2));
  wasm_ref_delete(r);
  CHECK(wasm_table_set(table, 3, wasm_foreign_as_ref(f1)));
  r = call_ref(load, (wasm_val_t)WASM_I32_VAL(3), (wasm_val_t)WASM_INIT_VAL, 1);
  CHECK(wasm_foreign_same(wasm_ref_as_foreign(r), f1));
  wasm_ref_delete(r);
  CHECK(call_ref(load, (wasm_val_t)WASM_I32_VAL(0), (wasm_val_t)WASM_INIT_VAL, 1) == NULL);

  /* Null references. */
  CHECK_EQ_INT(call_is_null(is_null, NULL), 1);
  CHECK_EQ_INT(call_is_null(is_null, wasm_foreign_as_ref(f1)), 0);
  CHECK(call_ref(id, (wasm_val_t)WASM_REF_VAL(NULL), (wasm_val_t)WASM_INIT_VAL, 1) == NULL);

  /* Through a host function called by wasm. */
  expected_in_echo = f1;
  r = call_ref(via_host, (wasm_val_t)WASM_REF_VAL(wasm_foreign_as_ref(f1)), (wasm_val_t)WASM_INIT_VAL, 1);
  CHECK_EQ_INT(echo_calls, 1);
  CHECK(wasm_foreign_same(wasm_ref_as_foreign(r), f1));
  wasm_ref_delete(r);

  /* Host info: copies share it; replacing it runs the old finalizer once. */
  wasm_foreign_t* copy = wasm_foreign_copy(f1);
  CHECK(wasm_foreign_same(copy, f1));
  CHECK(wasm_foreign_get_host_info(copy) == &info_a);
  wasm_foreign_set_host_info_with_finalizer(copy, &info_b, finalize);
  CHECK_EQ_INT(info_a.finalized, 1);
  CHECK(wasm_foreign_get_host_info(f1) == &info_b);
  wasm_foreign_delete(copy);
  /* Through wasm_ref_t. */
  wasm_ref_t* as_ref = wasm_foreign_as_ref(f2);
  CHECK(wasm_ref_get_host_info(as_ref) == &info_c);
  wasm_ref_set_host_info(as_ref, NULL);
  CHECK(wasm_foreign_get_host_info(f2) == NULL);
  CHECK(wasm_ref_as_foreign(as_ref) == f2);
  CHECK(wasm_ref_as_foreign_const(wasm_foreign_as_ref_const(f2)) == f2);

  /* Deleting the last handle of an object nothing else refers to frees it: the finalizer
   * runs then, once. */
  wasm_foreign_t* f3 = wasm_foreign_new(store);
  info_t info_d = {0};
  wasm_foreign_set_host_info_with_finalizer(f3, &info_d, finalize);
  wasm_foreign_t* f3_copy = wasm_foreign_copy(f3);
  wasm_foreign_delete(f3);
  CHECK_EQ_INT(info_d.finalized, 0);
  wasm_foreign_delete(f3_copy);
  CHECK_EQ_INT(info_d.finalized, 1);

  /* A foreign object of another store is rejected: the call traps, table_set fails. */
  wasm_store_t* other = wasm_store_new(engine);
  wasm_foreign_t* alien = wasm_foreign_new(other);
  wasm_val_t a[] = {WASM_REF_VAL(wasm_foreign_as_ref(alien))};
  wasm_val_t res[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(res);
  CHECK_TRAP(wasm_func_call(id, &args, &results), "store");
  CHECK(res[0].of.ref == NULL);
  CHECK(!wasm_table_set(table, 0, wasm_foreign_as_ref(alien)));
  CHECK(!wasm_foreign_same(alien, f1));
  wasm_foreign_delete(alien);
  wasm_store_delete(other);

  /* f1 sits in a table of a live instance: deleting its handle does not free it. */
  wasm_foreign_delete(f1);
  CHECK_EQ_INT(info_b.finalized, 0);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  CHECK_EQ_INT(info_b.finalized, 1); /* the instance and its table are gone */
  wasm_func_delete(echo_func);
  wasm_foreign_delete(f2);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK_EQ_INT(info_a.finalized, 1);
  CHECK_EQ_INT(info_b.finalized, 1);
  CHECK_EQ_INT(info_c.finalized, 0); /* set without a finalizer */
  CHECK_EQ_INT(info_d.finalized, 1);
  wasm_engine_delete(engine);
  return 0;
}
