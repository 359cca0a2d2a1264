/* types: type representations: value types of every kind (and the inline helpers),
 * function, global, table and memory types, their conversions to and from extern types,
 * copies (deep, equal), limits, import and export types. */
#include "test.h"

static void check_limits(const wasm_limits_t* l, uint32_t min, uint32_t max) {
  CHECK(l != NULL);
  CHECK_EQ_UINT(l->min, min);
  CHECK_EQ_UINT(l->max, max);
}

int main(void) {
  /* Value types. */
  const wasm_valkind_t kinds[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_EXTERNREF, WASM_FUNCREF};
  for (size_t i = 0; i < 6; i++) {
    wasm_valtype_t* t = wasm_valtype_new(kinds[i]);
    CHECK(t != NULL);
    CHECK_EQ_INT(wasm_valtype_kind(t), kinds[i]);
    CHECK(wasm_valtype_is_num(t) == (i < 4));
    CHECK(wasm_valtype_is_ref(t) == (i >= 4));
    CHECK(wasm_valkind_is_num(kinds[i]) == (i < 4));
    CHECK(wasm_valkind_is_ref(kinds[i]) == (i >= 4));
    wasm_valtype_t* c = wasm_valtype_copy(t);
    CHECK(c != NULL && c != t);
    CHECK_EQ_INT(wasm_valtype_kind(c), kinds[i]);
    wasm_valtype_delete(t);
    wasm_valtype_delete(c);
  }
  wasm_valtype_t* helpers[] = {wasm_valtype_new_i32(),       wasm_valtype_new_i64(),
                               wasm_valtype_new_f32(),       wasm_valtype_new_f64(),
                               wasm_valtype_new_externref(), wasm_valtype_new_funcref()};
  for (size_t i = 0; i < 6; i++) {
    CHECK_EQ_INT(wasm_valtype_kind(helpers[i]), kinds[i]);
    wasm_valtype_delete(helpers[i]);
  }
  /* wasmrt's v128 kind exists for types; unknown kinds do not. */
  wasm_valtype_t* v128 = wasm_valtype_new(WASMRT_V128);
  CHECK(v128 != NULL);
  CHECK_EQ_INT(wasm_valtype_kind(v128), WASMRT_V128);
  wasm_valtype_delete(v128);
  CHECK(wasm_valtype_new(5) == NULL);
  CHECK(wasm_valtype_new(127) == NULL);
  CHECK(wasm_valtype_new(130) == NULL);

  /* Function types, as extern types and back. */
  wasm_functype_t* ft = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_f64(), wasm_valtype_new_i64());
  wasm_externtype_t* et = wasm_functype_as_externtype(ft);
  CHECK(et != NULL);
  CHECK_EQ_INT(wasm_externtype_kind(et), WASM_EXTERN_FUNC);
  CHECK(wasm_externtype_as_functype(et) == ft);
  CHECK(wasm_externtype_as_functype_const(wasm_functype_as_externtype_const(ft)) == ft);
  CHECK(wasm_externtype_as_globaltype(et) == NULL);
  CHECK(wasm_externtype_as_tabletype(et) == NULL);
  CHECK(wasm_externtype_as_memorytype(et) == NULL);
  wasm_externtype_t* et_copy = wasm_externtype_copy(et);
  CHECK(et_copy != et);
  const wasm_functype_t* ft_copy = wasm_externtype_as_functype_const(et_copy);
  CHECK(ft_copy != NULL);
  CHECK_EQ_UINT(wasm_functype_params(ft_copy)->size, 2);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_functype_params(ft_copy)->data[1]), WASM_F64);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_functype_results(ft_copy)->data[0]), WASM_I64);
  wasm_externtype_delete(et_copy); /* an extern type deletes as one */
  wasm_externtype_delete(et);      /* the function type, viewed as an extern type */

  /* Global types. */
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_funcref(), WASM_VAR);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_globaltype_content(gt)), WASM_FUNCREF);
  CHECK_EQ_INT(wasm_globaltype_mutability(gt), WASM_VAR);
  et = wasm_globaltype_as_externtype(gt);
  CHECK_EQ_INT(wasm_externtype_kind(et), WASM_EXTERN_GLOBAL);
  CHECK(wasm_externtype_as_globaltype(et) == gt);
  CHECK(wasm_externtype_as_globaltype_const(wasm_globaltype_as_externtype_const(gt)) == gt);
  CHECK(wasm_externtype_as_functype(et) == NULL);
  wasm_globaltype_t* gt_copy = wasm_globaltype_copy(gt);
  CHECK(gt_copy != gt && wasm_globaltype_content(gt_copy) != wasm_globaltype_content(gt));
  CHECK_EQ_INT(wasm_valtype_kind(wasm_globaltype_content(gt_copy)), WASM_FUNCREF);
  CHECK_EQ_INT(wasm_globaltype_mutability(gt_copy), WASM_VAR);
  wasm_globaltype_delete(gt_copy);
  wasm_globaltype_delete(gt);
  gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  CHECK_EQ_INT(wasm_globaltype_mutability(gt), WASM_CONST);
  wasm_globaltype_delete(gt);

  /* Table types. */
  wasm_limits_t limits = {3, wasm_limits_max_default};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_externref(), &limits);
  limits.min = 99; /* the type copied the limits */
  CHECK_EQ_INT(wasm_valtype_kind(wasm_tabletype_element(tt)), WASM_EXTERNREF);
  check_limits(wasm_tabletype_limits(tt), 3, 0xffffffffu);
  et = wasm_tabletype_as_externtype(tt);
  CHECK_EQ_INT(wasm_externtype_kind(et), WASM_EXTERN_TABLE);
  CHECK(wasm_externtype_as_tabletype(et) == tt);
  CHECK(wasm_externtype_as_tabletype_const(wasm_tabletype_as_externtype_const(tt)) == tt);
  CHECK(wasm_externtype_as_memorytype(et) == NULL);
  wasm_tabletype_t* tt_copy = wasm_tabletype_copy(tt);
  check_limits(wasm_tabletype_limits(tt_copy), 3, wasm_limits_max_default);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_tabletype_element(tt_copy)), WASM_EXTERNREF);
  wasm_tabletype_delete(tt_copy);
  wasm_tabletype_delete(tt);

  /* Memory types. */
  limits = (wasm_limits_t){1, 65536};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  check_limits(wasm_memorytype_limits(mt), 1, 65536);
  et = wasm_memorytype_as_externtype(mt);
  CHECK_EQ_INT(wasm_externtype_kind(et), WASM_EXTERN_MEMORY);
  CHECK(wasm_externtype_as_memorytype(et) == mt);
  CHECK(wasm_externtype_as_memorytype_const(wasm_memorytype_as_externtype_const(mt)) == mt);
  CHECK(wasm_externtype_as_tabletype(et) == NULL);
  wasm_memorytype_t* mt_copy = wasm_memorytype_copy(mt);
  check_limits(wasm_memorytype_limits(mt_copy), 1, 65536);
  wasm_memorytype_delete(mt_copy);
  et_copy = wasm_externtype_copy(et);
  check_limits(wasm_memorytype_limits(wasm_externtype_as_memorytype(et_copy)), 1, 65536);
  wasm_externtype_delete(et_copy);
  wasm_memorytype_delete(mt);

  /* Import and export types of each kind of extern type. */
  wasm_externtype_t* ets[] = {
      wasm_functype_as_externtype(wasm_functype_new_0_0()),
      wasm_globaltype_as_externtype(wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR)),
      wasm_tabletype_as_externtype(wasm_tabletype_new(wasm_valtype_new_funcref(), &limits)),
      wasm_memorytype_as_externtype(wasm_memorytype_new(&limits)),
  };
  for (size_t i = 0; i < 4; i++) {
    wasm_name_t module_name, name;
    wasm_name_new_from_string(&module_name, "m");
    wasm_name_new_from_string(&name, "n");
    wasm_externtype_t* et2 = wasm_externtype_copy(ets[i]);
    wasm_importtype_t* it = wasm_importtype_new(&module_name, &name, ets[i]);
    CHECK_EQ_INT(wasm_externtype_kind(wasm_importtype_type(it)), (wasm_externkind_t)i);
    CHECK_NAME(wasm_importtype_module(it), "m");
    CHECK_NAME(wasm_importtype_name(it), "n");
    wasm_importtype_delete(it);
    wasm_name_new_from_string(&name, "");
    wasm_exporttype_t* xt = wasm_exporttype_new(&name, et2);
    CHECK_EQ_INT(wasm_externtype_kind(wasm_exporttype_type(xt)), (wasm_externkind_t)i);
    CHECK_NAME(wasm_exporttype_name(xt), "");
    wasm_exporttype_delete(xt);
  }
  return 0;
}
