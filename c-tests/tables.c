/* tables: element segments, host get/set/grow, funcref round trips through the table
 * (wasm_func_same holds across them), call_indirect on host-set entries (including a type
 * mismatch, a null entry and an index out of range), growth limits, host-created tables. */
#include "test.h"

static int triple_calls = 0;

static wasm_trap_t* triple(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  triple_calls++;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 * 3;
  return NULL;
}

static wasm_trap_t* add2(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

static const wasm_func_t* call_indirect_fn;

static wasm_trap_t* call_indirect(int32_t index, int32_t arg, int32_t* result) {
  wasm_val_t a[] = {WASM_I32_VAL(index), WASM_I32_VAL(arg)};
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(call_indirect_fn, &args, &results);
  *result = r[0].of.i32;
  return trap;
}

static int32_t call_indirect_ok(int32_t index, int32_t arg) {
  int32_t r;
  CHECK_NO_TRAP(call_indirect(index, arg, &r));
  return r;
}

static void check_indirect_trap(int32_t index, int code, const char* message) {
  int32_t r;
  wasm_trap_t* trap = call_indirect(index, 1, &r);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), code);
  CHECK_TRAP(trap, message);
}

/* Whether table[index] (read by the host) is the function `f`; deletes the handle. */
static int entry_is(const wasm_table_t* t, uint32_t index, const wasm_func_t* f) {
  wasm_ref_t* r = wasm_table_get(t, index);
  if (r == NULL) return f == NULL;
  int same = f != NULL && wasm_ref_as_func(r) != NULL && wasm_func_same(wasm_ref_as_func(r), f);
  wasm_ref_delete(r);
  return same;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "tables");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t* table = wasm_extern_as_table(exports.data[export_index(module, "table")]);
  CHECK(table != NULL);
  const wasm_func_t* dbl = export_func(module, &exports, "double");
  call_indirect_fn = export_func(module, &exports, "call_indirect");
  const wasm_func_t* wasm_get = export_func(module, &exports, "get");
  const wasm_func_t* wasm_set = export_func(module, &exports, "set");
  const wasm_func_t* wasm_size = export_func(module, &exports, "size");
  const wasm_func_t* wasm_grow = export_func(module, &exports, "grow");

  wasm_functype_t* i2i = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, i2i, triple);
  wasm_functype_t* ii2i =
      wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* wrong_type = wasm_func_new(store, ii2i, add2);
  wasm_functype_delete(i2i);
  wasm_functype_delete(ii2i);

  /* Initial state: the element segment put `double` at 0; 1 is null; 2 is out of range. */
  CHECK_EQ_UINT(wasm_table_size(table), 2);
  wasm_tabletype_t* type = wasm_table_type(table);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_tabletype_element(type)), WASM_FUNCREF);
  CHECK_EQ_UINT(wasm_tabletype_limits(type)->min, 2);
  CHECK_EQ_UINT(wasm_tabletype_limits(type)->max, 10);
  wasm_tabletype_delete(type);
  CHECK(entry_is(table, 0, dbl));
  CHECK(entry_is(table, 1, NULL));
  CHECK(wasm_table_get(table, 2) == NULL);
  CHECK_EQ_INT(call_indirect_ok(0, 21), 42);

  /* A host function set by the host: the same function comes back, and call_indirect calls
   * the host callback. */
  CHECK(wasm_table_set(table, 1, wasm_func_as_ref(host)));
  CHECK(entry_is(table, 1, host));
  CHECK_EQ_INT(call_indirect_ok(1, 5), 15);
  CHECK_EQ_INT(triple_calls, 1);

  /* Round trip through wasm: table.get returns the host function. */
  wasm_val_t a1[] = {WASM_I32_VAL(1)};
  wasm_val_t r1[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a1), results = WASM_ARRAY_VEC(r1);
  CHECK_NO_TRAP(wasm_func_call(wasm_get, &args, &results));
  CHECK_EQ_INT(r1[0].kind, WASM_FUNCREF);
  CHECK(r1[0].of.ref != NULL);
  wasm_func_t* got = wasm_ref_as_func(r1[0].of.ref);
  CHECK(got != NULL);
  CHECK(wasm_func_same(got, host));
  CHECK(!wasm_func_same(got, dbl));
  /* The handle that came back is callable. */
  wasm_val_t a2[] = {WASM_I32_VAL(7)};
  wasm_val_t r2[] = {WASM_INIT_VAL};
  wasm_val_vec_t args2 = WASM_ARRAY_VEC(a2), results2 = WASM_ARRAY_VEC(r2);
  CHECK_NO_TRAP(wasm_func_call(got, &args2, &results2));
  CHECK_EQ_INT(r2[0].of.i32, 21);
  wasm_val_delete(&r1[0]);

  /* table.set from wasm with a host-provided funcref: the host sees the same function. */
  wasm_val_t set_args[] = {WASM_I32_VAL(1), {.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref((wasm_func_t*)dbl)}}};
  wasm_val_vec_t set_vec = WASM_ARRAY_VEC(set_args), no_results = WASM_EMPTY_VEC;
  CHECK_NO_TRAP(wasm_func_call(wasm_set, &set_vec, &no_results));
  CHECK(entry_is(table, 1, dbl));
  CHECK_EQ_INT(call_indirect_ok(1, 8), 16);

  /* call_indirect on a host entry of the wrong type, a null entry, an index out of range. */
  CHECK(wasm_table_set(table, 1, wasm_func_as_ref(wrong_type)));
  check_indirect_trap(1, WASMRT_TRAP_INDIRECT_CALL_TYPE_MISMATCH, "indirect call type mismatch");
  CHECK(wasm_table_set(table, 1, NULL));
  CHECK(entry_is(table, 1, NULL));
  check_indirect_trap(1, WASMRT_TRAP_UNINITIALIZED_ELEMENT, "uninitialized element");
  check_indirect_trap(2, WASMRT_TRAP_UNDEFINED_ELEMENT, "undefined element");
  check_indirect_trap(-1, WASMRT_TRAP_UNDEFINED_ELEMENT, "undefined element");

  /* Out-of-range and wrong-kind sets fail and change nothing. */
  CHECK(!wasm_table_set(table, 2, wasm_func_as_ref(host)));
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  CHECK(!wasm_table_set(table, 0, wasm_foreign_as_ref(foreign)));
  CHECK(entry_is(table, 0, dbl));

  /* Host-side growth with an initial value, then calls through the new entries. */
  CHECK(wasm_table_grow(table, 3, wasm_func_as_ref(host)));
  CHECK_EQ_UINT(wasm_table_size(table), 5);
  for (uint32_t i = 2; i < 5; i++) CHECK(entry_is(table, i, host));
  CHECK_EQ_INT(call_indirect_ok(4, 100), 300);
  wasm_val_t rs[] = {WASM_INIT_VAL};
  wasm_val_vec_t size_results = WASM_ARRAY_VEC(rs), no_args = WASM_EMPTY_VEC;
  CHECK_NO_TRAP(wasm_func_call(wasm_size, &no_args, &size_results));
  CHECK_EQ_INT(rs[0].of.i32, 5);
  type = wasm_table_type(table);
  CHECK_EQ_UINT(wasm_tabletype_limits(type)->min, 5);
  wasm_tabletype_delete(type);

  /* Growth limits: by 0 is fine, past the maximum fails and changes nothing; a null init. */
  CHECK(wasm_table_grow(table, 0, NULL));
  CHECK(!wasm_table_grow(table, 6, NULL));
  CHECK(!wasm_table_grow(table, 0xffffffffu, NULL));
  CHECK(!wasm_table_grow(table, 1, wasm_foreign_as_ref(foreign)));
  CHECK_EQ_UINT(wasm_table_size(table), 5);
  CHECK(wasm_table_grow(table, 1, NULL));
  CHECK(entry_is(table, 5, NULL));
  /* From wasm: grow to the maximum, then one more fails (-1). */
  wasm_val_t ga[] = {{.kind = WASM_FUNCREF, .of = {.ref = NULL}}, WASM_I32_VAL(4)};
  wasm_val_t gr[] = {WASM_INIT_VAL};
  wasm_val_vec_t grow_args = WASM_ARRAY_VEC(ga), grow_results = WASM_ARRAY_VEC(gr);
  CHECK_NO_TRAP(wasm_func_call(wasm_grow, &grow_args, &grow_results));
  CHECK_EQ_INT(gr[0].of.i32, 6);
  CHECK_EQ_UINT(wasm_table_size(table), 10);
  ga[1].of.i32 = 1;
  CHECK_NO_TRAP(wasm_func_call(wasm_grow, &grow_args, &grow_results));
  CHECK_EQ_INT(gr[0].of.i32, -1);
  CHECK(!wasm_table_grow(table, 1, NULL));

  /* Host-created tables: externref with a foreign init, funcref with a function init. */
  wasm_limits_t limits = {3, wasm_limits_max_default};
  wasm_tabletype_t* ext_type = wasm_tabletype_new(wasm_valtype_new_externref(), &limits);
  wasm_table_t* ext_table = wasm_table_new(store, ext_type, wasm_foreign_as_ref(foreign));
  CHECK(ext_table != NULL);
  CHECK_EQ_UINT(wasm_table_size(ext_table), 3);
  for (uint32_t i = 0; i < 3; i++) {
    wasm_ref_t* r = wasm_table_get(ext_table, i);
    CHECK(r != NULL && wasm_ref_as_foreign(r) != NULL);
    CHECK(wasm_foreign_same(wasm_ref_as_foreign(r), foreign));
    wasm_ref_delete(r);
  }
  /* Any reference object may be an externref: a function comes back as the same function. */
  CHECK(wasm_table_set(ext_table, 1, wasm_func_as_ref(host)));
  CHECK(entry_is(ext_table, 1, host));
  CHECK(wasm_table_set(ext_table, 0, NULL));
  CHECK(wasm_table_get(ext_table, 0) == NULL);
  CHECK(wasm_table_grow(ext_table, 100, NULL));
  CHECK_EQ_UINT(wasm_table_size(ext_table), 103);
  /* A funcref table cannot be initialized with a foreign object. */
  limits = (wasm_limits_t){1, 1};
  wasm_tabletype_t* func_type = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  CHECK(wasm_table_new(store, func_type, wasm_foreign_as_ref(foreign)) == NULL);
  wasm_table_t* func_table = wasm_table_new(store, func_type, wasm_func_as_ref(host));
  CHECK(func_table != NULL);
  CHECK(entry_is(func_table, 0, host));
  CHECK(!wasm_table_grow(func_table, 1, NULL));
  /* Table types need a reference element type. */
  CHECK(wasm_tabletype_new(wasm_valtype_new_i32(), &limits) == NULL);

  wasm_tabletype_delete(ext_type);
  wasm_tabletype_delete(func_type);
  wasm_table_delete(ext_table);
  wasm_table_delete(func_table);
  wasm_foreign_delete(foreign);
  wasm_func_delete(host);
  wasm_func_delete(wrong_type);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
