/* functype_ownership: wasm_functype_new takes ownership of the valtypes in both vectors and
 * leaves the vectors empty (deleting them afterwards is harmless); the same for the other
 * constructors that take ownership (globaltype, tabletype, importtype, exporttype); the
 * accessors return objects owned by the type. */
#include "test.h"

int main(void) {
  /* wasm_functype_new empties both vectors. */
  wasm_valtype_vec_t params, results;
  wasm_valtype_t* ps[] = {wasm_valtype_new_i32(), wasm_valtype_new_f64(), wasm_valtype_new_externref()};
  wasm_valtype_t* rs[] = {wasm_valtype_new_funcref()};
  wasm_valtype_vec_new(&params, 3, ps);
  wasm_valtype_vec_new(&results, 1, rs);
  wasm_functype_t* ft = wasm_functype_new(&params, &results);
  CHECK(ft != NULL);
  CHECK_EQ_UINT(params.size, 0);
  CHECK(params.data == NULL);
  CHECK_EQ_UINT(results.size, 0);
  CHECK(results.data == NULL);
  wasm_valtype_vec_delete(&params); /* harmless: nothing left */
  wasm_valtype_vec_delete(&results);

  /* The type owns the valtypes (the same objects: no copy was needed). */
  const wasm_valtype_vec_t* p = wasm_functype_params(ft);
  CHECK_EQ_UINT(p->size, 3);
  CHECK(p->data[0] == ps[0] && p->data[1] == ps[1] && p->data[2] == ps[2]);
  CHECK_EQ_INT(wasm_valtype_kind(p->data[1]), WASM_F64);
  const wasm_valtype_vec_t* r = wasm_functype_results(ft);
  CHECK_EQ_UINT(r->size, 1);
  CHECK_EQ_INT(wasm_valtype_kind(r->data[0]), WASM_FUNCREF);
  /* Accessors return the same (borrowed) vector each time. */
  CHECK(wasm_functype_params(ft) == p);

  /* A copy is deep. */
  wasm_functype_t* ft2 = wasm_functype_copy(ft);
  CHECK(wasm_functype_params(ft2) != p);
  CHECK(wasm_functype_params(ft2)->data[0] != p->data[0]);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_functype_params(ft2)->data[2]), WASM_EXTERNREF);
  wasm_functype_delete(ft);
  CHECK_EQ_UINT(wasm_functype_results(ft2)->size, 1);
  wasm_functype_delete(ft2);

  /* Empty vectors, and vectors made with new_uninitialized and filled in. */
  wasm_valtype_vec_new_empty(&params);
  wasm_valtype_vec_new_uninitialized(&results, 2);
  results.data[0] = wasm_valtype_new_i64();
  results.data[1] = wasm_valtype_new_f32();
  ft = wasm_functype_new(&params, &results);
  CHECK(results.size == 0 && results.data == NULL);
  CHECK_EQ_UINT(wasm_functype_params(ft)->size, 0);
  CHECK_EQ_UINT(wasm_functype_results(ft)->size, 2);
  /* A function type as an extern type is the same object. */
  wasm_externtype_t* et = wasm_functype_as_externtype(ft);
  CHECK((void*)et == (void*)ft);
  CHECK(wasm_externtype_as_functype(et) == ft);
  wasm_functype_delete(ft);

  /* The inline helpers take ownership too (nothing leaks under valgrind). */
  ft = wasm_functype_new_3_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                             wasm_valtype_new_i64());
  CHECK_EQ_UINT(wasm_functype_params(ft)->size, 3);
  wasm_functype_delete(ft);
  ft = wasm_functype_new_0_2(wasm_valtype_new_f32(), wasm_valtype_new_f64());
  wasm_functype_delete(ft);
  ft = wasm_functype_new_2_2(wasm_valtype_new_f32(), wasm_valtype_new_f64(), wasm_valtype_new_i32(),
                             wasm_valtype_new_i64());
  wasm_functype_delete(ft);
  ft = wasm_functype_new_3_0(wasm_valtype_new_f32(), wasm_valtype_new_f64(), wasm_valtype_new_i32());
  wasm_functype_delete(ft);
  ft = wasm_functype_new_1_0(wasm_valtype_new_f32());
  wasm_functype_delete(ft);
  ft = wasm_functype_new_2_0(wasm_valtype_new_f32(), wasm_valtype_new_f32());
  wasm_functype_delete(ft);
  ft = wasm_functype_new_0_1(wasm_valtype_new_f32());
  wasm_functype_delete(ft);

  /* wasm_globaltype_new and wasm_tabletype_new own their valtype. */
  wasm_valtype_t* content = wasm_valtype_new_i64();
  wasm_globaltype_t* gt = wasm_globaltype_new(content, WASM_VAR);
  CHECK(wasm_globaltype_content(gt) != NULL);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_globaltype_content(gt)), WASM_I64);
  wasm_globaltype_delete(gt);
  wasm_limits_t limits = {1, 2};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_tabletype_element(tt)), WASM_FUNCREF);
  wasm_tabletype_delete(tt);
  /* A rejected argument is still taken (freed): no leak. */
  CHECK(wasm_tabletype_new(wasm_valtype_new_i32(), &limits) == NULL);
  CHECK(wasm_globaltype_new(wasm_valtype_new_i32(), 7) == NULL);

  /* wasm_importtype_new / wasm_exporttype_new take the names (leaving them empty) and the
   * extern type. */
  wasm_name_t module_name, name;
  wasm_name_new_from_string(&module_name, "env");
  wasm_name_new_from_string(&name, "memory");
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_importtype_t* it = wasm_importtype_new(&module_name, &name, wasm_memorytype_as_externtype(mt));
  CHECK(it != NULL);
  CHECK(module_name.size == 0 && module_name.data == NULL);
  CHECK(name.size == 0 && name.data == NULL);
  CHECK_NAME(wasm_importtype_module(it), "env");
  CHECK_NAME(wasm_importtype_name(it), "memory");
  CHECK(wasm_importtype_type(it) == wasm_memorytype_as_externtype(mt));
  wasm_importtype_t* it2 = wasm_importtype_copy(it);
  wasm_importtype_delete(it);
  CHECK_NAME(wasm_importtype_name(it2), "memory");
  CHECK_EQ_UINT(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(wasm_importtype_type(it2)))->max, 2);
  wasm_importtype_delete(it2);

  wasm_name_new_from_string(&name, "f");
  ft = wasm_functype_new_0_0();
  wasm_exporttype_t* xt = wasm_exporttype_new(&name, wasm_functype_as_externtype(ft));
  CHECK(name.size == 0 && name.data == NULL);
  CHECK_NAME(wasm_exporttype_name(xt), "f");
  CHECK_EQ_INT(wasm_externtype_kind(wasm_exporttype_type(xt)), WASM_EXTERN_FUNC);
  wasm_exporttype_t* xt2 = wasm_exporttype_copy(xt);
  wasm_exporttype_delete(xt);
  CHECK_NAME(wasm_exporttype_name(xt2), "f");
  wasm_exporttype_delete(xt2);
  return 0;
}
