/* globals: host-created and exported globals; get/set from the host and from wasm; types;
 * mutability rules (setting a const global, or a value of another type, does nothing);
 * wasm_global_new rejects mismatched values. */
#include "test.h"

static wasm_global_t* new_global(wasm_store_t* store, wasm_valkind_t kind, wasm_mutability_t mut,
                                 wasm_val_t init) {
  wasm_globaltype_t* type = wasm_globaltype_new(wasm_valtype_new(kind), mut);
  CHECK(type != NULL);
  wasm_global_t* g = wasm_global_new(store, type, &init);
  wasm_globaltype_delete(type);
  return g;
}

static wasm_val_t call0(const wasm_func_t* f) {
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(r);
  CHECK_NO_TRAP(wasm_func_call(f, &args, &results));
  return r[0];
}

static void call1(const wasm_func_t* f, wasm_val_t arg) {
  wasm_val_t a[] = {arg};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_EMPTY_VEC;
  CHECK_NO_TRAP(wasm_func_call(f, &args, &results));
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "globals");

  wasm_global_t* const_i32 = new_global(store, WASM_I32, WASM_CONST, (wasm_val_t)WASM_I32_VAL(42));
  wasm_global_t* var_i64 = new_global(store, WASM_I64, WASM_VAR, (wasm_val_t)WASM_I64_VAL(-5));
  CHECK(const_i32 && var_i64);

  /* Types of host globals. */
  wasm_globaltype_t* type = wasm_global_type(const_i32);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_globaltype_content(type)), WASM_I32);
  CHECK_EQ_INT(wasm_globaltype_mutability(type), WASM_CONST);
  wasm_globaltype_delete(type);
  type = wasm_global_type(var_i64);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_globaltype_content(type)), WASM_I64);
  CHECK_EQ_INT(wasm_globaltype_mutability(type), WASM_VAR);
  wasm_globaltype_delete(type);

  wasm_extern_t* imports[] = {wasm_global_as_extern(const_i32), wasm_global_as_extern(var_i64)};
  wasm_instance_t* instance = instantiate(store, module, imports, 2);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_global_t* own_const = wasm_extern_as_global(exports.data[export_index(module, "own_const")]);
  wasm_global_t* own_var = wasm_extern_as_global(exports.data[export_index(module, "own_var")]);
  wasm_global_t* own_ref = wasm_extern_as_global(exports.data[export_index(module, "own_ref")]);
  wasm_global_t* reexported = wasm_extern_as_global(exports.data[export_index(module, "var_i64")]);
  CHECK(own_const && own_var && own_ref && reexported);
  const wasm_func_t* get_const_i32 = export_func(module, &exports, "get_const_i32");
  const wasm_func_t* get_var_i64 = export_func(module, &exports, "get_var_i64");
  const wasm_func_t* set_var_i64 = export_func(module, &exports, "set_var_i64");
  const wasm_func_t* get_own_var = export_func(module, &exports, "get_own_var");
  const wasm_func_t* set_own_var = export_func(module, &exports, "set_own_var");

  /* The re-exported import is the host global. */
  CHECK(wasm_global_same(reexported, var_i64));
  CHECK(!wasm_global_same(reexported, const_i32));

  /* Host-created globals seen from wasm. */
  wasm_val_t v = call0(get_const_i32);
  CHECK_EQ_INT(v.kind, WASM_I32);
  CHECK_EQ_INT(v.of.i32, 42);
  v = call0(get_var_i64);
  CHECK_EQ_INT(v.kind, WASM_I64);
  CHECK_EQ_INT(v.of.i64, -5);

  /* Host sets, wasm reads; wasm sets, host reads. */
  wasm_val_t x = WASM_I64_VAL(INT64_C(1) << 40);
  wasm_global_set(var_i64, &x);
  CHECK_EQ_INT(call0(get_var_i64).of.i64, INT64_C(1) << 40);
  call1(set_var_i64, (wasm_val_t)WASM_I64_VAL(77));
  wasm_global_get(var_i64, &v);
  CHECK_EQ_INT(v.kind, WASM_I64);
  CHECK_EQ_INT(v.of.i64, 77);
  wasm_global_get(reexported, &v);
  CHECK_EQ_INT(v.of.i64, 77);

  /* Exported globals: initial values, get/set both ways. */
  wasm_global_get(own_const, &v);
  CHECK_EQ_INT(v.kind, WASM_F32);
  CHECK(v.of.f32 == 1.5f);
  wasm_global_get(own_var, &v);
  CHECK_EQ_INT(v.kind, WASM_F64);
  CHECK(v.of.f64 == 2.5);
  x = (wasm_val_t)WASM_F64_VAL(-0.25);
  wasm_global_set(own_var, &x);
  CHECK(call0(get_own_var).of.f64 == -0.25);
  call1(set_own_var, (wasm_val_t)WASM_F64_VAL(1e300));
  wasm_global_get(own_var, &v);
  CHECK(v.of.f64 == 1e300);
  type = wasm_global_type(own_const);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_globaltype_content(type)), WASM_F32);
  CHECK_EQ_INT(wasm_globaltype_mutability(type), WASM_CONST);
  wasm_globaltype_delete(type);

  /* Mutability rules: setting a const global does nothing. */
  x = (wasm_val_t)WASM_I32_VAL(1);
  wasm_global_set(const_i32, &x);
  wasm_global_get(const_i32, &v);
  CHECK_EQ_INT(v.of.i32, 42);
  CHECK_EQ_INT(call0(get_const_i32).of.i32, 42);
  x = (wasm_val_t)WASM_F32_VAL(9.0f);
  wasm_global_set(own_const, &x);
  wasm_global_get(own_const, &v);
  CHECK(v.of.f32 == 1.5f);

  /* A value of another type does nothing either. */
  x = (wasm_val_t)WASM_I32_VAL(3);
  wasm_global_set(var_i64, &x);
  wasm_global_get(var_i64, &v);
  CHECK_EQ_INT(v.kind, WASM_I64);
  CHECK_EQ_INT(v.of.i64, 77);
  x = (wasm_val_t)WASM_F32_VAL(3.0f);
  wasm_global_set(own_var, &x);
  wasm_global_get(own_var, &v);
  CHECK_EQ_INT(v.kind, WASM_F64);
  CHECK(v.of.f64 == 1e300);

  /* Reference globals: a foreign object in, the same object out. */
  wasm_global_get(own_ref, &v);
  CHECK_EQ_INT(v.kind, WASM_EXTERNREF);
  CHECK(v.of.ref == NULL);
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  x = (wasm_val_t)WASM_REF_VAL(wasm_foreign_as_ref(foreign));
  wasm_global_set(own_ref, &x);
  wasm_global_get(own_ref, &v);
  CHECK_EQ_INT(v.kind, WASM_EXTERNREF);
  CHECK(v.of.ref != NULL);
  CHECK(wasm_ref_same(v.of.ref, wasm_foreign_as_ref(foreign)));
  CHECK(wasm_foreign_same(wasm_ref_as_foreign(v.of.ref), foreign));
  wasm_val_delete(&v);

  /* wasm_global_new: every value kind; mismatched values give NULL. */
  wasm_global_t* gf32 = new_global(store, WASM_F32, WASM_VAR, (wasm_val_t)WASM_F32_VAL(0.5f));
  wasm_global_t* gf64 = new_global(store, WASM_F64, WASM_CONST, (wasm_val_t)WASM_F64_VAL(0.125));
  wasm_global_t* gfunc = new_global(store, WASM_FUNCREF, WASM_VAR,
                                    (wasm_val_t){.kind = WASM_FUNCREF, .of = {.ref = NULL}});
  CHECK(gf32 && gf64 && gfunc);
  wasm_global_get(gf32, &v);
  CHECK(v.kind == WASM_F32 && v.of.f32 == 0.5f);
  wasm_global_get(gf64, &v);
  CHECK(v.kind == WASM_F64 && v.of.f64 == 0.125);
  /* A funcref global holding an exported function. */
  wasm_val_t fv = {.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref((wasm_func_t*)get_own_var)}};
  wasm_global_set(gfunc, &fv);
  wasm_global_get(gfunc, &v);
  CHECK(v.kind == WASM_FUNCREF && v.of.ref != NULL);
  CHECK(wasm_func_same(wasm_ref_as_func(v.of.ref), get_own_var));
  wasm_val_delete(&v);
  CHECK(new_global(store, WASM_I32, WASM_CONST, (wasm_val_t)WASM_I64_VAL(1)) == NULL);
  CHECK(new_global(store, WASM_F64, WASM_VAR, (wasm_val_t)WASM_F32_VAL(1.0f)) == NULL);
  CHECK(new_global(store, WASM_EXTERNREF, WASM_VAR, fv) == NULL);
  CHECK(new_global(store, WASM_FUNCREF, WASM_VAR, (wasm_val_t)WASM_REF_VAL(wasm_foreign_as_ref(foreign))) == NULL);

  /* An import of a mismatched global type fails to link. */
  wasm_extern_t* swapped[] = {wasm_global_as_extern(var_i64), wasm_global_as_extern(const_i32)};
  wasm_extern_vec_t swapped_vec = WASM_ARRAY_VEC(swapped);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &swapped_vec, &trap) == NULL);
  CHECK_TRAP(trap, "import");
  /* Mutability must match too: a const i64 where a mutable one is imported. */
  wasm_global_t* const_i64 = new_global(store, WASM_I64, WASM_CONST, (wasm_val_t)WASM_I64_VAL(0));
  wasm_extern_t* immutable[] = {wasm_global_as_extern(const_i32), wasm_global_as_extern(const_i64)};
  wasm_extern_vec_t immutable_vec = WASM_ARRAY_VEC(immutable);
  CHECK(wasm_instance_new(store, module, &immutable_vec, &trap) == NULL);
  CHECK_TRAP(trap, "import");

  wasm_global_delete(const_i64);
  wasm_global_delete(gf32);
  wasm_global_delete(gf64);
  wasm_global_delete(gfunc);
  wasm_foreign_delete(foreign);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(const_i32);
  wasm_global_delete(var_i64);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
