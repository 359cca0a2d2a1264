/* refs_in_vals: funcref and externref values in wasm_val_t: passed to and returned from
 * wasm (new owned handles to the same objects), null references, funcrefs given to a host
 * callback and called there, wasm_val_copy / wasm_val_delete, vectors of reference values
 * (new takes ownership, copy is deep, delete frees). */
#include "test.h"

static const wasm_func_t* expected_k;

static wasm_trap_t* call_it(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ_INT(args->data[0].kind, WASM_FUNCREF);
  const wasm_func_t* f = wasm_ref_as_func_const(args->data[0].of.ref);
  CHECK(f != NULL);
  CHECK(wasm_func_same(f, expected_k));
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC, fr = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(f, &none, &fr);
  if (trap != NULL) return trap;
  results->data[0] = (wasm_val_t)WASM_I32_VAL(r[0].of.i32 * 10);
  return NULL;
}

/* Calls f with one argument, expects one result of `kind`; returns it (owned). */
static wasm_val_t call1(const wasm_func_t* f, wasm_val_t arg, wasm_valkind_t kind) {
  wasm_val_t a[] = {arg};
  wasm_val_t r[] = {WASM_I32_VAL(0)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  CHECK_NO_TRAP(wasm_func_call(f, &args, &results));
  CHECK_EQ_INT(r[0].kind, kind);
  return r[0];
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "refs_in_vals");
  wasm_functype_t* cb_type = wasm_functype_new_1_1(wasm_valtype_new_funcref(), wasm_valtype_new_i32());
  wasm_func_t* cb = wasm_func_new(store, cb_type, call_it);
  wasm_functype_delete(cb_type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(cb)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* k = (wasm_func_t*)export_func(module, &exports, "k");
  const wasm_func_t* id_func = export_func(module, &exports, "id_func");
  const wasm_func_t* id_ext = export_func(module, &exports, "id_ext");
  const wasm_func_t* get_k = export_func(module, &exports, "get_k");
  const wasm_func_t* swap = export_func(module, &exports, "swap");
  const wasm_func_t* pass_k = export_func(module, &exports, "pass_k");
  expected_k = k;

  /* funcref in, funcref out: a new handle to the same function. */
  wasm_val_t fk = {.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(k)}};
  wasm_val_t out = call1(id_func, fk, WASM_FUNCREF);
  CHECK(out.of.ref != NULL && out.of.ref != wasm_func_as_ref(k));
  CHECK(wasm_ref_same(out.of.ref, wasm_func_as_ref(k)));
  CHECK(wasm_func_same(wasm_ref_as_func(out.of.ref), k));
  wasm_val_delete(&out);
  CHECK(out.of.ref == NULL);
  /* Null funcref. */
  out = call1(id_func, (wasm_val_t){.kind = WASM_FUNCREF, .of = {.ref = NULL}}, WASM_FUNCREF);
  CHECK(out.of.ref == NULL);
  /* ref.func from wasm: callable by the host, the same as the export. */
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_t r1[] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(r1);
  CHECK_NO_TRAP(wasm_func_call(get_k, &none, &results));
  CHECK_EQ_INT(r1[0].kind, WASM_FUNCREF);
  CHECK(wasm_func_same(wasm_ref_as_func(r1[0].of.ref), k));
  wasm_val_t r2[] = {WASM_INIT_VAL};
  wasm_val_vec_t results2 = WASM_ARRAY_VEC(r2);
  CHECK_NO_TRAP(wasm_func_call(wasm_ref_as_func(r1[0].of.ref), &none, &results2));
  CHECK_EQ_INT(r2[0].of.i32, 7);
  wasm_val_delete(&r1[0]);
  /* A funcref handed to a host callback, which calls it. */
  CHECK_NO_TRAP(wasm_func_call(pass_k, &none, &results2));
  CHECK_EQ_INT(r2[0].of.i32, 70);

  /* externref: a foreign object, a function, a null. */
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  out = call1(id_ext, (wasm_val_t)WASM_REF_VAL(wasm_foreign_as_ref(foreign)), WASM_EXTERNREF);
  CHECK(wasm_foreign_same(wasm_ref_as_foreign(out.of.ref), foreign));
  wasm_val_delete(&out);
  out = call1(id_ext, (wasm_val_t)WASM_REF_VAL(wasm_func_as_ref(k)), WASM_EXTERNREF);
  CHECK(wasm_ref_as_func(out.of.ref) != NULL);
  CHECK(wasm_func_same(wasm_ref_as_func(out.of.ref), k));
  wasm_val_delete(&out);
  out = call1(id_ext, (wasm_val_t)WASM_REF_VAL(NULL), WASM_EXTERNREF);
  CHECK(out.of.ref == NULL);

  /* Both kinds at once, swapped. */
  wasm_val_t sa[] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign)), fk};
  wasm_val_t sr[2];
  wasm_val_vec_t sargs = WASM_ARRAY_VEC(sa), sresults = WASM_ARRAY_VEC(sr);
  CHECK_NO_TRAP(wasm_func_call(swap, &sargs, &sresults));
  CHECK(sr[0].kind == WASM_FUNCREF && wasm_func_same(wasm_ref_as_func(sr[0].of.ref), k));
  CHECK(sr[1].kind == WASM_EXTERNREF && wasm_foreign_same(wasm_ref_as_foreign(sr[1].of.ref), foreign));
  /* A reference of the wrong kind for the parameter: a foreign object is no funcref. */
  wasm_val_t bad[] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign)),
                      {.kind = WASM_FUNCREF, .of = {.ref = wasm_foreign_as_ref(foreign)}}};
  wasm_val_vec_t bad_args = WASM_ARRAY_VEC(bad);
  wasm_trap_t* trap = wasm_func_call(swap, &bad_args, &sresults);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);

  /* wasm_val_copy: a new handle to the same object; numbers copy as they are. */
  wasm_val_t copy;
  wasm_val_copy(&copy, &sr[0]);
  CHECK(copy.kind == WASM_FUNCREF && copy.of.ref != sr[0].of.ref);
  CHECK(wasm_ref_same(copy.of.ref, sr[0].of.ref));
  wasm_val_delete(&copy);
  wasm_val_t num = WASM_F64_VAL(2.5);
  wasm_val_copy(&copy, &num);
  CHECK(copy.kind == WASM_F64 && copy.of.f64 == 2.5);
  wasm_val_delete(&copy); /* a number owns nothing */
  wasm_val_t null_ref = WASM_REF_VAL(NULL);
  wasm_val_copy(&copy, &null_ref);
  CHECK(copy.kind == WASM_EXTERNREF && copy.of.ref == NULL);
  wasm_val_delete(&copy);

  /* Vectors of values own their references: new takes them, copy is deep. */
  wasm_val_vec_t vec;
  wasm_val_vec_new(&vec, 2, sr); /* takes ownership of sr's two handles */
  CHECK_EQ_UINT(vec.size, 2);
  CHECK(vec.data[0].of.ref == sr[0].of.ref);
  wasm_val_vec_t vec_copy;
  wasm_val_vec_copy(&vec_copy, &vec);
  CHECK_EQ_UINT(vec_copy.size, 2);
  CHECK(vec_copy.data[1].of.ref != vec.data[1].of.ref);
  CHECK(wasm_ref_same(vec_copy.data[1].of.ref, vec.data[1].of.ref));
  wasm_val_vec_delete(&vec);
  CHECK(vec.size == 0 && vec.data == NULL);
  CHECK(wasm_foreign_same(wasm_ref_as_foreign(vec_copy.data[1].of.ref), foreign));
  wasm_val_vec_delete(&vec_copy);
  wasm_val_vec_new_uninitialized(&vec, 3);
  CHECK_EQ_UINT(vec.size, 3);
  vec.data[1] = (wasm_val_t){.kind = WASM_FUNCREF, .of = {.ref = wasm_ref_copy(wasm_func_as_ref(k))}};
  wasm_val_vec_delete(&vec);

  wasm_foreign_delete(foreign);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(cb);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
