/* misuse: what hosts get when they misuse the API. NULL arguments everywhere give the
 * documented result (deleting NULL does nothing; NULL, false, 0, an empty vector or nothing
 * otherwise; a call returns a trap); calls with the wrong number or types of arguments, or
 * a results vector that is too small, return a trap; values and externs of another store
 * (or engine) are rejected; objects viewed as the wrong kind give NULL. */
#include "test.h"

static wasm_trap_t* nop(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

static wasm_trap_t* nop_env(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)env;
  (void)args;
  (void)results;
  return NULL;
}

static int finalized = 0;

static void finalizer(void* p) {
  (void)p;
  finalized++;
}

/* A vector with a recognizable non-empty value, to see whether a function wrote it. */
#define SENTINEL_VEC {1234, (void*)&sentinel}
static int sentinel;

static void null_deletes(void) {
  wasm_extern_delete(NULL);
  wasm_frame_delete(NULL);
  wasm_func_delete(NULL);
  wasm_global_delete(NULL);
  wasm_instance_delete(NULL);
  wasm_memory_delete(NULL);
  wasm_module_delete(NULL);
  wasm_shared_module_delete(NULL);
  wasm_ref_delete(NULL);
  wasm_foreign_delete(NULL);
  wasm_trap_delete(NULL);
  wasm_table_delete(NULL);
  wasm_config_delete(NULL);
  wasm_engine_delete(NULL);
  wasm_store_delete(NULL);
  wasm_valtype_delete(NULL);
  wasm_functype_delete(NULL);
  wasm_globaltype_delete(NULL);
  wasm_tabletype_delete(NULL);
  wasm_memorytype_delete(NULL);
  wasm_externtype_delete(NULL);
  wasm_importtype_delete(NULL);
  wasm_exporttype_delete(NULL);
  wasm_val_delete(NULL);
  wasm_byte_vec_delete(NULL);
  wasm_valtype_vec_delete(NULL);
  wasm_functype_vec_delete(NULL);
  wasm_globaltype_vec_delete(NULL);
  wasm_tabletype_vec_delete(NULL);
  wasm_memorytype_vec_delete(NULL);
  wasm_externtype_vec_delete(NULL);
  wasm_importtype_vec_delete(NULL);
  wasm_exporttype_vec_delete(NULL);
  wasm_val_vec_delete(NULL);
  wasm_frame_vec_delete(NULL);
  wasm_extern_vec_delete(NULL);
  wasmrt_interrupt_handle_delete(NULL);
}

static void null_reference_functions(void) {
  static int info;
  /* copy, same, host info: for every reference type. */
#define REF_BASE(T)                                             \
  CHECK(wasm_##T##_copy(NULL) == NULL);                         \
  CHECK(!wasm_##T##_same(NULL, NULL));                          \
  CHECK(wasm_##T##_get_host_info(NULL) == NULL);                \
  wasm_##T##_set_host_info(NULL, &info);                        \
  wasm_##T##_set_host_info_with_finalizer(NULL, &info, finalizer);
  REF_BASE(ref)
  REF_BASE(extern)
  REF_BASE(func)
  REF_BASE(global)
  REF_BASE(table)
  REF_BASE(memory)
  REF_BASE(instance)
  REF_BASE(module)
  REF_BASE(foreign)
  REF_BASE(trap)
#undef REF_BASE
  /* Conversions to and from wasm_ref_t and wasm_extern_t. */
#define REF_CONV(T)                                      \
  CHECK(wasm_##T##_as_ref(NULL) == NULL);                \
  CHECK(wasm_##T##_as_ref_const(NULL) == NULL);          \
  CHECK(wasm_ref_as_##T(NULL) == NULL);                  \
  CHECK(wasm_ref_as_##T##_const(NULL) == NULL);
  REF_CONV(extern)
  REF_CONV(func)
  REF_CONV(global)
  REF_CONV(table)
  REF_CONV(memory)
  REF_CONV(instance)
  REF_CONV(module)
  REF_CONV(foreign)
  REF_CONV(trap)
#undef REF_CONV
#define EXTERN_CONV(T)                                   \
  CHECK(wasm_##T##_as_extern(NULL) == NULL);             \
  CHECK(wasm_##T##_as_extern_const(NULL) == NULL);       \
  CHECK(wasm_extern_as_##T(NULL) == NULL);               \
  CHECK(wasm_extern_as_##T##_const(NULL) == NULL);
  EXTERN_CONV(func)
  EXTERN_CONV(global)
  EXTERN_CONV(table)
  EXTERN_CONV(memory)
#undef EXTERN_CONV
  CHECK_EQ_INT(finalized, 0);
}

static void null_types(void) {
  CHECK(wasm_valtype_copy(NULL) == NULL);
  CHECK_EQ_INT(wasm_valtype_kind(NULL), WASM_I32);
  CHECK(wasm_valtype_new(7) == NULL);
  CHECK(wasm_valtype_new(200) == NULL);
  CHECK(wasm_functype_copy(NULL) == NULL);
  CHECK(wasm_globaltype_copy(NULL) == NULL);
  CHECK(wasm_tabletype_copy(NULL) == NULL);
  CHECK(wasm_memorytype_copy(NULL) == NULL);
  CHECK(wasm_externtype_copy(NULL) == NULL);
  CHECK(wasm_importtype_copy(NULL) == NULL);
  CHECK(wasm_exporttype_copy(NULL) == NULL);
  /* Params and results of NULL: an empty vector. */
  CHECK(wasm_functype_params(NULL) != NULL && wasm_functype_params(NULL)->size == 0);
  CHECK(wasm_functype_results(NULL) != NULL && wasm_functype_results(NULL)->size == 0);
  /* NULL vectors for wasm_functype_new: empty ones. */
  wasm_functype_t* ft = wasm_functype_new(NULL, NULL);
  CHECK(ft != NULL);
  CHECK_EQ_UINT(wasm_functype_params(ft)->size, 0);
  wasm_functype_delete(ft);
  CHECK(wasm_globaltype_new(NULL, WASM_CONST) == NULL);
  CHECK(wasm_globaltype_content(NULL) == NULL);
  CHECK_EQ_INT(wasm_globaltype_mutability(NULL), WASM_CONST);
  wasm_limits_t limits = {0, 1};
  CHECK(wasm_tabletype_new(NULL, &limits) == NULL);
  CHECK(wasm_tabletype_new(wasm_valtype_new_funcref(), NULL) == NULL); /* the valtype is freed */
  CHECK(wasm_tabletype_element(NULL) == NULL);
  CHECK(wasm_tabletype_limits(NULL) == NULL);
  CHECK(wasm_memorytype_new(NULL) == NULL);
  CHECK(wasm_memorytype_limits(NULL) == NULL);
  wasm_name_t a, b;
  wasm_name_new_from_string(&a, "a");
  wasm_name_new_from_string(&b, "b");
  CHECK(wasm_importtype_new(&a, &b, NULL) == NULL);
  CHECK(wasm_exporttype_new(&a, NULL) == NULL);
  wasm_name_delete(&a);
  wasm_name_delete(&b);
  CHECK(wasm_importtype_module(NULL) == NULL);
  CHECK(wasm_importtype_name(NULL) == NULL);
  CHECK(wasm_importtype_type(NULL) == NULL);
  CHECK(wasm_exporttype_name(NULL) == NULL);
  CHECK(wasm_exporttype_type(NULL) == NULL);
  CHECK_EQ_INT(wasm_externtype_kind(NULL), WASM_EXTERN_FUNC);
  CHECK(wasm_externtype_as_functype(NULL) == NULL);
  CHECK(wasm_externtype_as_globaltype(NULL) == NULL);
  CHECK(wasm_externtype_as_tabletype(NULL) == NULL);
  CHECK(wasm_externtype_as_memorytype(NULL) == NULL);
  CHECK(wasm_externtype_as_functype_const(NULL) == NULL);
  CHECK(wasm_externtype_as_globaltype_const(NULL) == NULL);
  CHECK(wasm_externtype_as_tabletype_const(NULL) == NULL);
  CHECK(wasm_externtype_as_memorytype_const(NULL) == NULL);
  CHECK(wasm_functype_as_externtype(NULL) == NULL);
  CHECK(wasm_globaltype_as_externtype(NULL) == NULL);
  CHECK(wasm_tabletype_as_externtype(NULL) == NULL);
  CHECK(wasm_memorytype_as_externtype(NULL) == NULL);
  CHECK(wasm_functype_as_externtype_const(NULL) == NULL);
  CHECK(wasm_globaltype_as_externtype_const(NULL) == NULL);
  CHECK(wasm_tabletype_as_externtype_const(NULL) == NULL);
  CHECK(wasm_memorytype_as_externtype_const(NULL) == NULL);
}

static void null_vectors_and_values(void) {
  wasm_byte_vec_new_empty(NULL);
  wasm_byte_vec_new_uninitialized(NULL, 3);
  wasm_byte_vec_new(NULL, 1, "x");
  wasm_byte_vec_copy(NULL, NULL);
  wasm_val_vec_new_empty(NULL);
  wasm_val_vec_new_uninitialized(NULL, 2);
  wasm_extern_vec_copy(NULL, NULL);
  /* Copying NULL gives an empty vector. */
  wasm_byte_vec_t bytes = SENTINEL_VEC;
  wasm_byte_vec_copy(&bytes, NULL);
  CHECK(bytes.size == 0);
  wasm_byte_vec_delete(&bytes);
  wasm_val_vec_t vals = SENTINEL_VEC;
  wasm_val_vec_copy(&vals, NULL);
  CHECK(vals.size == 0);
  wasm_val_vec_delete(&vals);
  /* new with NULL data: empty. */
  wasm_byte_vec_new(&bytes, 5, NULL);
  CHECK(bytes.size == 0);
  wasm_byte_vec_delete(&bytes);
  /* Sizes that cannot be allocated give empty vectors, not garbage. */
  bytes = (wasm_byte_vec_t)SENTINEL_VEC;
  wasm_byte_vec_new_uninitialized(&bytes, SIZE_MAX);
  CHECK(bytes.size == 0 && bytes.data == NULL);
  vals = (wasm_val_vec_t)SENTINEL_VEC;
  wasm_val_vec_new_uninitialized(&vals, SIZE_MAX / 16);
  CHECK(vals.size == 0 && vals.data == NULL);
  wasm_extern_vec_t externs = SENTINEL_VEC;
  wasm_extern_vec_new_uninitialized(&externs, SIZE_MAX / 8);
  CHECK(externs.size == 0 && externs.data == NULL);
  /* Values. */
  wasm_val_t v = WASM_I32_VAL(5);
  wasm_val_copy(NULL, &v);
  wasm_val_copy(&v, NULL);
  CHECK(v.kind == WASM_I32 && v.of.i32 == 5);
}

static void null_runtime(wasm_store_t* store) {
  wasm_engine_t* engine = wasm_engine_new_with_config(NULL); /* the defaults */
  CHECK(engine != NULL);
  wasm_engine_delete(engine);
  CHECK(wasm_store_new(NULL) == NULL);
  CHECK(wasm_foreign_new(NULL) == NULL);

  /* Modules. */
  wasm_byte_vec_t binary;
  read_module_bytes("tiny", &binary);
  CHECK(wasm_module_new(NULL, &binary) == NULL);
  CHECK(wasm_module_new(store, NULL) == NULL);
  CHECK(!wasm_module_validate(NULL, &binary));
  CHECK(!wasm_module_validate(store, NULL));
  CHECK(wasm_module_deserialize(NULL, &binary) == NULL);
  CHECK(wasm_module_deserialize(store, NULL) == NULL);
  wasm_byte_vec_delete(&binary);
  wasm_importtype_vec_t imports = SENTINEL_VEC;
  wasm_module_imports(NULL, &imports);
  CHECK(imports.size == 0);
  wasm_importtype_vec_delete(&imports);
  wasm_exporttype_vec_t exports = SENTINEL_VEC;
  wasm_module_exports(NULL, &exports);
  CHECK(exports.size == 0);
  wasm_exporttype_vec_delete(&exports);
  wasm_byte_vec_t serialized = SENTINEL_VEC;
  wasm_module_serialize(NULL, &serialized);
  CHECK(serialized.size == 0);
  wasm_byte_vec_delete(&serialized);
  wasm_module_imports(NULL, NULL);
  wasm_module_exports(NULL, NULL);
  wasm_module_serialize(NULL, NULL);
  CHECK(wasm_module_share(NULL) == NULL);
  CHECK(wasm_module_obtain(store, NULL) == NULL);
  wasm_module_t* module = load_module(store, "tiny");
  wasm_shared_module_t* shared = wasm_module_share(module);
  CHECK(wasm_module_obtain(NULL, shared) == NULL);
  wasm_shared_module_delete(shared);
  wasm_module_imports(module, NULL);
  wasm_module_exports(module, NULL);
  wasm_module_serialize(module, NULL);

  /* Instances. */
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(NULL, module, &none, &trap) == NULL);
  wasm_trap_delete(trap); /* whether or not one was set */
  trap = NULL;
  CHECK(wasm_instance_new(store, NULL, &none, &trap) == NULL);
  wasm_trap_delete(trap);
  wasm_extern_vec_t externs = SENTINEL_VEC;
  wasm_instance_exports(NULL, &externs);
  CHECK(externs.size == 0);
  wasm_extern_vec_delete(&externs);
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_instance_exports(instance, NULL);
  wasm_instance_delete(instance);
  wasm_module_delete(module);

  /* Functions. */
  wasm_functype_t* ft = wasm_functype_new_0_0();
  CHECK(wasm_func_new(NULL, ft, nop) == NULL);
  CHECK(wasm_func_new(store, NULL, nop) == NULL);
  CHECK(wasm_func_new(store, ft, NULL) == NULL);
  CHECK(wasm_func_new_with_env(NULL, ft, nop_env, NULL, NULL) == NULL);
  wasm_functype_delete(ft);
  CHECK(wasm_func_type(NULL) == NULL);
  CHECK_EQ_UINT(wasm_func_param_arity(NULL), 0);
  CHECK_EQ_UINT(wasm_func_result_arity(NULL), 0);
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
  CHECK_TRAP(wasm_func_call(NULL, &args, &results), "");
  CHECK_TRAP(wasm_func_call(NULL, NULL, NULL), "");

  /* Globals. */
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR);
  wasm_val_t v = WASM_I32_VAL(1);
  CHECK(wasm_global_new(NULL, gt, &v) == NULL);
  CHECK(wasm_global_new(store, NULL, &v) == NULL);
  CHECK(wasm_global_new(store, gt, NULL) == NULL);
  wasm_global_t* g = wasm_global_new(store, gt, &v);
  wasm_globaltype_delete(gt);
  CHECK(wasm_global_type(NULL) == NULL);
  wasm_val_t out = WASM_I64_VAL(77);
  wasm_global_get(NULL, &out);
  CHECK(out.kind == WASM_I64 && out.of.i64 == 77);
  wasm_global_get(g, NULL);
  wasm_global_set(NULL, &v);
  wasm_global_set(g, NULL);
  wasm_global_get(g, &out);
  CHECK(out.kind == WASM_I32 && out.of.i32 == 1);
  wasm_global_delete(g);

  /* Tables. */
  wasm_limits_t limits = {1, 2};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  CHECK(wasm_table_new(NULL, tt, NULL) == NULL);
  CHECK(wasm_table_new(store, NULL, NULL) == NULL);
  wasm_tabletype_delete(tt);
  CHECK(wasm_table_type(NULL) == NULL);
  CHECK(wasm_table_get(NULL, 0) == NULL);
  CHECK(!wasm_table_set(NULL, 0, NULL));
  CHECK_EQ_UINT(wasm_table_size(NULL), 0);
  CHECK(!wasm_table_grow(NULL, 1, NULL));

  /* Memories. */
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  CHECK(wasm_memory_new(NULL, mt) == NULL);
  CHECK(wasm_memory_new(store, NULL) == NULL);
  wasm_memorytype_delete(mt);
  CHECK(wasm_memory_type(NULL) == NULL);
  CHECK(wasm_memory_data(NULL) == NULL);
  CHECK_EQ_UINT(wasm_memory_data_size(NULL), 0);
  CHECK_EQ_UINT(wasm_memory_size(NULL), 0);
  CHECK(!wasm_memory_grow(NULL, 1));

  /* Externs. */
  CHECK_EQ_INT(wasm_extern_kind(NULL), WASM_EXTERN_FUNC);
  CHECK(wasm_extern_type(NULL) == NULL);

  /* Traps and frames. */
  CHECK(wasm_trap_new(NULL, NULL) == NULL);
  trap = wasm_trap_new(store, NULL); /* no message: an empty one */
  CHECK(trap != NULL);
  wasm_message_t msg = SENTINEL_VEC;
  wasm_trap_message(NULL, &msg);
  CHECK(msg.size == 1234);
  wasm_trap_message(trap, NULL);
  CHECK_EQ_INT(wasmrt_trap_code(NULL), -1);
  CHECK(wasm_trap_origin(NULL) == NULL);
  wasm_frame_vec_t frames = SENTINEL_VEC;
  wasm_trap_trace(NULL, &frames);
  CHECK(frames.size == 0);
  wasm_frame_vec_delete(&frames);
  wasm_trap_trace(trap, NULL);
  CHECK_TRAP(trap, "");
  CHECK(wasm_frame_copy(NULL) == NULL);
  CHECK(wasm_frame_instance(NULL) == NULL);
  CHECK_EQ_UINT(wasm_frame_func_index(NULL), 0);
  CHECK_EQ_UINT(wasm_frame_func_offset(NULL), 0);
  CHECK_EQ_UINT(wasm_frame_module_offset(NULL), 0);
  wasm_name_t name = SENTINEL_VEC;
  wasmrt_frame_func_name(NULL, &name);
  CHECK(name.size == 1234);
  wasmrt_frame_module_name(NULL, &name);
  CHECK(name.size == 1234);

  /* wasmrt extensions. */
  wasmrt_last_error_message(NULL);
  wasmrt_config_consume_fuel(NULL, true);
  wasmrt_config_max_call_depth(NULL, 10);
  wasmrt_store_add_fuel(NULL, 10);
  CHECK_EQ_UINT(wasmrt_store_fuel(NULL), 0);
  wasmrt_store_limits_t store_limits = {0};
  wasmrt_store_set_limits(NULL, &store_limits);
  wasmrt_store_set_limits(store, NULL);
}

/* Wrong arguments to calls: count, types, malformed kinds; results vectors too small. */
static void bad_calls(wasm_store_t* store) {
  wasm_module_t* module = load_module(store, "refs_in_vals");
  wasm_functype_t* ft = wasm_functype_new_1_1(wasm_valtype_new_funcref(), wasm_valtype_new_i32());
  wasm_func_t* cb = wasm_func_new(store, ft, nop);
  wasm_functype_delete(ft);
  wasm_extern_t* imports[] = {wasm_func_as_extern(cb)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* k = export_func(module, &exports, "k");             /* () -> i32 */
  const wasm_func_t* id_ext = export_func(module, &exports, "id_ext");   /* externref -> externref */
  const wasm_func_t* swap = export_func(module, &exports, "swap");       /* (externref, funcref) -> (funcref, externref) */

  wasm_val_t r[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t one_result = {1, r}, two_results = {2, r}, no_results = WASM_EMPTY_VEC;
  wasm_val_vec_t no_args = WASM_EMPTY_VEC;

  /* Wrong number of arguments. */
  wasm_val_t extra[] = {WASM_I32_VAL(1)};
  wasm_val_vec_t extra_args = WASM_ARRAY_VEC(extra);
  CHECK_TRAP(wasm_func_call(k, &extra_args, &one_result), "argument");
  CHECK_TRAP(wasm_func_call(id_ext, &no_args, &one_result), "argument");
  CHECK_TRAP(wasm_func_call(id_ext, NULL, &one_result), "argument");
  /* Wrong types: numbers for references, a funcref for an externref, an unknown kind. */
  wasm_val_t i32_arg[] = {WASM_I32_VAL(0)};
  wasm_val_vec_t i32_args = WASM_ARRAY_VEC(i32_arg);
  CHECK_TRAP(wasm_func_call(id_ext, &i32_args, &one_result), "argument");
  wasm_val_t funcref_arg[] = {{.kind = WASM_FUNCREF, .of = {.ref = NULL}}};
  wasm_val_vec_t funcref_args = WASM_ARRAY_VEC(funcref_arg);
  CHECK_TRAP(wasm_func_call(id_ext, &funcref_args, &one_result), "argument");
  wasm_val_t odd_arg[] = {{.kind = 77, .of = {.i64 = 0}}};
  wasm_val_vec_t odd_args = WASM_ARRAY_VEC(odd_arg);
  CHECK_TRAP(wasm_func_call(id_ext, &odd_args, &one_result), "argument");
  wasm_val_t swapped[] = {{.kind = WASM_FUNCREF, .of = {.ref = NULL}}, WASM_REF_VAL(NULL)};
  wasm_val_vec_t swapped_args = WASM_ARRAY_VEC(swapped);
  CHECK_TRAP(wasm_func_call(swap, &swapped_args, &two_results), "argument");
  /* Host functions check their arguments the same way. */
  CHECK_TRAP(wasm_func_call(cb, &i32_args, &one_result), "argument");

  /* Results vectors too small, NULL, or without data. */
  CHECK_TRAP(wasm_func_call(k, &no_args, &no_results), "results");
  CHECK_TRAP(wasm_func_call(k, &no_args, NULL), "results");
  wasm_val_vec_t no_data = {1, NULL};
  CHECK_TRAP(wasm_func_call(k, &no_args, &no_data), "results");
  wasm_val_t ok_args[] = {WASM_REF_VAL(NULL), {.kind = WASM_FUNCREF, .of = {.ref = NULL}}};
  wasm_val_vec_t swap_args = WASM_ARRAY_VEC(ok_args);
  CHECK_TRAP(wasm_func_call(swap, &swap_args, &one_result), "results");
  /* A correct call still works. */
  CHECK_NO_TRAP(wasm_func_call(swap, &swap_args, &two_results));
  CHECK(r[0].kind == WASM_FUNCREF && r[0].of.ref == NULL);

  /* Objects viewed as the wrong kind. */
  wasm_extern_t* k_extern = exports.data[export_index(module, "k")];
  CHECK(wasm_extern_as_global(k_extern) == NULL);
  CHECK(wasm_extern_as_table(k_extern) == NULL);
  CHECK(wasm_extern_as_memory(k_extern) == NULL);
  CHECK(wasm_ref_as_foreign(wasm_extern_as_ref(k_extern)) == NULL);
  CHECK(wasm_ref_as_instance(wasm_extern_as_ref(k_extern)) == NULL);
  CHECK(wasm_ref_as_trap(wasm_extern_as_ref(k_extern)) == NULL);
  CHECK(wasm_ref_as_module(wasm_extern_as_ref(k_extern)) == NULL);
  CHECK(wasm_ref_as_func(wasm_extern_as_ref(k_extern)) != NULL);
  CHECK(wasm_ref_as_extern(wasm_instance_as_ref(instance)) == NULL);
  CHECK(wasm_ref_as_extern(wasm_module_as_ref(module)) == NULL);

  /* Imports of the wrong kind, NULL imports, too few imports. */
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t zero = WASM_I32_VAL(0);
  wasm_global_t* g = wasm_global_new(store, gt, &zero);
  wasm_globaltype_delete(gt);
  wasm_extern_t* wrong_kind[] = {wasm_global_as_extern(g)};
  wasm_extern_vec_t wrong_vec = WASM_ARRAY_VEC(wrong_kind);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &wrong_vec, &trap) == NULL);
  CHECK_TRAP(trap, "import");
  wasm_extern_t* null_import[] = {NULL};
  wasm_extern_vec_t null_vec = WASM_ARRAY_VEC(null_import);
  CHECK(wasm_instance_new(store, module, &null_vec, &trap) == NULL);
  CHECK_TRAP(trap, "import");
  /* A function of the wrong type. */
  ft = wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_i32());
  wasm_func_t* wrong_type = wasm_func_new(store, ft, nop);
  wasm_functype_delete(ft);
  wasm_extern_t* wrong_type_imports[] = {wasm_func_as_extern(wrong_type)};
  wasm_extern_vec_t wrong_type_vec = WASM_ARRAY_VEC(wrong_type_imports);
  CHECK(wasm_instance_new(store, module, &wrong_type_vec, &trap) == NULL);
  CHECK_TRAP(trap, "import");
  wasm_func_delete(wrong_type);
  wasm_global_delete(g);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(cb);
  wasm_module_delete(module);
}

/* Values and externs of another store or engine. */
static void other_store(wasm_engine_t* engine, wasm_store_t* store) {
  wasm_store_t* other = wasm_store_new(engine);
  wasm_functype_t* ft = wasm_functype_new_1_1(wasm_valtype_new_funcref(), wasm_valtype_new_i32());
  wasm_func_t* cb_other = wasm_func_new(other, ft, nop);
  wasm_func_t* cb = wasm_func_new(store, ft, nop);
  wasm_functype_delete(ft);
  wasm_foreign_t* foreign_other = wasm_foreign_new(other);
  CHECK(!wasm_func_same(cb, cb_other));

  /* An import from another store. */
  wasm_module_t* module = load_module(store, "refs_in_vals");
  wasm_extern_t* imports[] = {wasm_func_as_extern(cb_other)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &import_vec, &trap) == NULL);
  CHECK_TRAP(trap, "import");

  wasm_extern_t* good_imports[] = {wasm_func_as_extern(cb)};
  wasm_instance_t* instance = instantiate(store, module, good_imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* id_func = export_func(module, &exports, "id_func");
  const wasm_func_t* id_ext = export_func(module, &exports, "id_ext");

  /* Call arguments from another store. */
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  wasm_val_t fa[] = {{.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(cb_other)}}};
  wasm_val_vec_t fargs = WASM_ARRAY_VEC(fa);
  CHECK_TRAP(wasm_func_call(id_func, &fargs, &results), "store");
  wasm_val_t ea[] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign_other))};
  wasm_val_vec_t eargs = WASM_ARRAY_VEC(ea);
  CHECK_TRAP(wasm_func_call(id_ext, &eargs, &results), "store");
  wasm_val_t xa[] = {WASM_REF_VAL(wasm_func_as_ref(cb_other))};
  wasm_val_vec_t xargs = WASM_ARRAY_VEC(xa);
  CHECK_TRAP(wasm_func_call(id_ext, &xargs, &results), "store");
  /* ... also to host functions. */
  CHECK_TRAP(wasm_func_call(cb, &fargs, &results), "store");

  /* Globals. */
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_funcref(), WASM_VAR);
  CHECK(wasm_global_new(store, gt, &fa[0]) == NULL);
  wasm_val_t null_func = {.kind = WASM_FUNCREF, .of = {.ref = NULL}};
  wasm_global_t* g = wasm_global_new(store, gt, &null_func);
  wasm_globaltype_delete(gt);
  wasm_global_set(g, &fa[0]);
  wasm_val_t v;
  wasm_global_get(g, &v);
  CHECK(v.kind == WASM_FUNCREF && v.of.ref == NULL);
  wasm_global_delete(g);

  /* Tables. */
  wasm_limits_t limits = {1, 10};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  CHECK(wasm_table_new(store, tt, wasm_func_as_ref(cb_other)) == NULL);
  wasm_table_t* table = wasm_table_new(store, tt, NULL);
  wasm_tabletype_delete(tt);
  CHECK(!wasm_table_set(table, 0, wasm_func_as_ref(cb_other)));
  CHECK(!wasm_table_grow(table, 1, wasm_func_as_ref(cb_other)));
  CHECK_EQ_UINT(wasm_table_size(table), 1);
  CHECK(wasm_table_get(table, 0) == NULL);
  wasm_table_delete(table);

  /* A module of another engine cannot be instantiated in this store. */
  wasm_engine_t* engine2 = wasm_engine_new();
  wasm_store_t* store2 = wasm_store_new(engine2);
  wasm_module_t* module2 = load_module(store2, "tiny");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_instance_new(store, module2, &none, &trap) == NULL);
  CHECK_TRAP(trap, "engine");
  wasm_module_delete(module2);
  wasm_store_delete(store2);
  wasm_engine_delete(engine2);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_foreign_delete(foreign_other);
  wasm_func_delete(cb);
  wasm_func_delete(cb_other);
  wasm_store_delete(other);
}

int main(void) {
  null_deletes();
  null_reference_functions();
  null_types();
  null_vectors_and_values();
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  null_runtime(store);
  bad_calls(store);
  other_store(engine, store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
