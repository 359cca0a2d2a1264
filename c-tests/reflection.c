/* reflection: a module's imports and exports (names, types, in order), function type
 * parameters and results, extern kinds and types, and the same for an instance's exports. */
#include "test.h"

static void check_valtypes(const wasm_valtype_vec_t* v, size_t n, const wasm_valkind_t* kinds) {
  CHECK_EQ_UINT(v->size, n);
  for (size_t i = 0; i < n; i++) CHECK_EQ_INT(wasm_valtype_kind(v->data[i]), kinds[i]);
}

static void check_functype(const wasm_externtype_t* t, size_t np, const wasm_valkind_t* params, size_t nr,
                           const wasm_valkind_t* results) {
  CHECK_EQ_INT(wasm_externtype_kind(t), WASM_EXTERN_FUNC);
  const wasm_functype_t* f = wasm_externtype_as_functype_const(t);
  CHECK(f != NULL);
  CHECK(wasm_externtype_as_globaltype_const(t) == NULL);
  CHECK(wasm_externtype_as_tabletype_const(t) == NULL);
  CHECK(wasm_externtype_as_memorytype_const(t) == NULL);
  check_valtypes(wasm_functype_params(f), np, params);
  check_valtypes(wasm_functype_results(f), nr, results);
}

static void check_globaltype(const wasm_externtype_t* t, wasm_valkind_t kind, wasm_mutability_t mutability) {
  CHECK_EQ_INT(wasm_externtype_kind(t), WASM_EXTERN_GLOBAL);
  const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(t);
  CHECK(g != NULL);
  CHECK(wasm_externtype_as_functype_const(t) == NULL);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_globaltype_content(g)), kind);
  CHECK_EQ_INT(wasm_globaltype_mutability(g), mutability);
}

static void check_tabletype(const wasm_externtype_t* t, wasm_valkind_t element, uint32_t min, uint32_t max) {
  CHECK_EQ_INT(wasm_externtype_kind(t), WASM_EXTERN_TABLE);
  const wasm_tabletype_t* tt = wasm_externtype_as_tabletype_const(t);
  CHECK(tt != NULL);
  CHECK(wasm_externtype_as_memorytype_const(t) == NULL);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_tabletype_element(tt)), element);
  CHECK_EQ_UINT(wasm_tabletype_limits(tt)->min, min);
  CHECK_EQ_UINT(wasm_tabletype_limits(tt)->max, max);
}

static void check_memorytype(const wasm_externtype_t* t, uint32_t min, uint32_t max) {
  CHECK_EQ_INT(wasm_externtype_kind(t), WASM_EXTERN_MEMORY);
  const wasm_memorytype_t* m = wasm_externtype_as_memorytype_const(t);
  CHECK(m != NULL);
  CHECK(wasm_externtype_as_tabletype_const(t) == NULL);
  CHECK_EQ_UINT(wasm_memorytype_limits(m)->min, min);
  CHECK_EQ_UINT(wasm_memorytype_limits(m)->max, max);
}

static const wasm_valkind_t f_params[] = {WASM_I32, WASM_I64};
static const wasm_valkind_t f_results[] = {WASM_F32};
static const wasm_valkind_t func_params[] = {WASM_F64, WASM_EXTERNREF};
static const wasm_valkind_t func_results[] = {WASM_I32, WASM_I64};

/* The types of the exports, in order (also checks instance exports' types). */
static void check_export_types(const wasm_externtype_t* const* types) {
  check_functype(types[0], 2, func_params, 2, func_results);
  check_globaltype(types[1], WASM_I32, WASM_CONST);
  check_globaltype(types[2], WASM_I64, WASM_VAR);
  check_tabletype(types[3], WASM_EXTERNREF, 2, wasm_limits_max_default);
  check_memorytype(types[4], 1, 2);
  check_functype(types[5], 2, f_params, 1, f_results);
  check_globaltype(types[6], WASM_F64, WASM_VAR);
  check_tabletype(types[7], WASM_FUNCREF, 1, 10);
}

static wasm_trap_t* f_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_F32;
  results->data[0].of.f32 = (float)args->data[0].of.i32 + (float)args->data[1].of.i64;
  return NULL;
}

static wasm_trap_t* h_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "reflection");

  /* Imports, in order. */
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  CHECK_EQ_UINT(imports.size, 5);
  const char* import_modules[] = {"m", "m", "m", "m", "other"};
  const char* import_names[] = {"f", "g", "t", "mem", "h"};
  for (size_t i = 0; i < imports.size; i++) {
    CHECK_NAME(wasm_importtype_module(imports.data[i]), import_modules[i]);
    CHECK_NAME(wasm_importtype_name(imports.data[i]), import_names[i]);
  }
  check_functype(wasm_importtype_type(imports.data[0]), 2, f_params, 1, f_results);
  check_globaltype(wasm_importtype_type(imports.data[1]), WASM_F64, WASM_VAR);
  check_tabletype(wasm_importtype_type(imports.data[2]), WASM_FUNCREF, 1, 10);
  check_memorytype(wasm_importtype_type(imports.data[3]), 1, 2);
  check_functype(wasm_importtype_type(imports.data[4]), 0, NULL, 0, NULL);

  /* A copy of the vector is deep and equal. */
  wasm_importtype_vec_t imports_copy;
  wasm_importtype_vec_copy(&imports_copy, &imports);
  CHECK_EQ_UINT(imports_copy.size, 5);
  CHECK(imports_copy.data[0] != imports.data[0]);
  CHECK_NAME(wasm_importtype_name(imports_copy.data[3]), "mem");
  check_memorytype(wasm_importtype_type(imports_copy.data[3]), 1, 2);
  wasm_importtype_vec_delete(&imports_copy);

  /* Exports, in order. */
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  const char* export_names[] = {"func", "gconst", "gvar", "tab", "mem2", "f_again", "g_again", "t_again"};
  CHECK_EQ_UINT(exports.size, 8);
  const wasm_externtype_t* export_types[8];
  for (size_t i = 0; i < exports.size; i++) {
    CHECK_NAME(wasm_exporttype_name(exports.data[i]), export_names[i]);
    export_types[i] = wasm_exporttype_type(exports.data[i]);
  }
  check_export_types(export_types);

  /* Host objects of the imported types, made from the import types. */
  const wasm_externtype_t* t;
  t = wasm_importtype_type(imports.data[0]);
  wasm_func_t* f = wasm_func_new(store, wasm_externtype_as_functype_const(t), f_callback);
  t = wasm_importtype_type(imports.data[1]);
  wasm_val_t g_init = WASM_F64_VAL(0.5);
  wasm_global_t* g = wasm_global_new(store, wasm_externtype_as_globaltype_const(t), &g_init);
  t = wasm_importtype_type(imports.data[2]);
  wasm_table_t* table = wasm_table_new(store, wasm_externtype_as_tabletype_const(t), NULL);
  t = wasm_importtype_type(imports.data[3]);
  wasm_memory_t* memory = wasm_memory_new(store, wasm_externtype_as_memorytype_const(t));
  t = wasm_importtype_type(imports.data[4]);
  wasm_func_t* h = wasm_func_new(store, wasm_externtype_as_functype_const(t), h_callback);
  CHECK(f && g && table && memory && h);

  /* Extern kinds and types of host objects. */
  wasm_extern_t* externs[] = {wasm_func_as_extern(f), wasm_global_as_extern(g), wasm_table_as_extern(table),
                              wasm_memory_as_extern(memory), wasm_func_as_extern(h)};
  const wasm_externkind_t kinds[] = {WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_TABLE, WASM_EXTERN_MEMORY,
                                     WASM_EXTERN_FUNC};
  for (size_t i = 0; i < 5; i++) {
    CHECK_EQ_INT(wasm_extern_kind(externs[i]), kinds[i]);
    wasm_externtype_t* et = wasm_extern_type(externs[i]);
    CHECK_EQ_INT(wasm_externtype_kind(et), kinds[i]);
    wasm_externtype_delete(et);
  }
  wasm_functype_t* ft = wasm_func_type(f);
  check_functype(wasm_functype_as_externtype_const(ft), 2, f_params, 1, f_results);
  wasm_functype_delete(ft);
  wasm_globaltype_t* gt = wasm_global_type(g);
  check_globaltype(wasm_globaltype_as_externtype_const(gt), WASM_F64, WASM_VAR);
  wasm_globaltype_delete(gt);
  wasm_tabletype_t* tt = wasm_table_type(table);
  check_tabletype(wasm_tabletype_as_externtype_const(tt), WASM_FUNCREF, 1, 10);
  wasm_tabletype_delete(tt);
  wasm_memorytype_t* mt = wasm_memory_type(memory);
  check_memorytype(wasm_memorytype_as_externtype_const(mt), 1, 2);
  wasm_memorytype_delete(mt);

  /* Instance exports: same order, kinds and types as the module's exports. */
  wasm_instance_t* instance = instantiate(store, module, externs, 5);
  wasm_extern_vec_t instance_exports;
  wasm_instance_exports(instance, &instance_exports);
  CHECK_EQ_UINT(instance_exports.size, 8);
  wasm_externtype_t* instance_types[8];
  for (size_t i = 0; i < 8; i++) {
    instance_types[i] = wasm_extern_type(instance_exports.data[i]);
    CHECK_EQ_INT(wasm_extern_kind(instance_exports.data[i]), wasm_externtype_kind(export_types[i]));
  }
  check_export_types((const wasm_externtype_t* const*)instance_types);
  for (size_t i = 0; i < 8; i++) wasm_externtype_delete(instance_types[i]);

  /* Re-exported imports are the host objects. */
  CHECK(wasm_extern_same(instance_exports.data[5], externs[0]));
  CHECK(wasm_func_same(wasm_extern_as_func(instance_exports.data[5]), f));
  CHECK(wasm_global_same(wasm_extern_as_global(instance_exports.data[6]), g));
  CHECK(wasm_table_same(wasm_extern_as_table(instance_exports.data[7]), table));
  CHECK(wasm_memory_same(wasm_extern_as_memory(instance_exports.data[4]), memory));
  CHECK(!wasm_extern_same(instance_exports.data[0], externs[0]));

  /* The exported function's arities and a call. */
  wasm_func_t* func = wasm_extern_as_func(instance_exports.data[0]);
  CHECK_EQ_UINT(wasm_func_param_arity(func), 2);
  CHECK_EQ_UINT(wasm_func_result_arity(func), 2);
  wasm_val_t args_data[] = {WASM_F64_VAL(1.0), WASM_REF_VAL(NULL)};
  wasm_val_t results_data[] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_data), results = WASM_ARRAY_VEC(results_data);
  CHECK_NO_TRAP(wasm_func_call(func, &args, &results));
  CHECK_EQ_INT(results_data[0].kind, WASM_I32);
  CHECK_EQ_INT(results_data[0].of.i32, 1);
  CHECK_EQ_INT(results_data[1].kind, WASM_I64);
  CHECK_EQ_INT(results_data[1].of.i64, 2);

  wasm_extern_vec_delete(&instance_exports);
  wasm_instance_delete(instance);
  wasm_func_delete(f);
  wasm_global_delete(g);
  wasm_table_delete(table);
  wasm_memory_delete(memory);
  wasm_func_delete(h);
  wasm_exporttype_vec_delete(&exports);
  wasm_importtype_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
