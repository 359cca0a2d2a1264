/* serialize: wasm_module_serialize / wasm_module_deserialize round trip (the restored module
 * has the same imports and exports and runs, in another store too); foreign bytes (a plain
 * wasm binary, garbage, empty, truncated) and corrupted bytes are rejected with NULL. */
#include "test.h"

static wasm_trap_t* hello(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 * 2);
  return NULL;
}

static int32_t run(wasm_store_t* store, const wasm_module_t* module, int32_t x) {
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, type, hello);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t a[] = {WASM_I32_VAL(x)};
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  CHECK_NO_TRAP(wasm_func_call(export_func(module, &exports, "run"), &args, &results));
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  return r[0].of.i32;
}

static void check_rejected(wasm_store_t* store, const wasm_byte_vec_t* bytes) {
  CHECK(wasm_module_deserialize(store, bytes) == NULL);
  wasm_name_t error;
  wasmrt_last_error_message(&error);
  CHECK(error.size > 1);
  CHECK(error.data[error.size - 1] == '\0');
  wasm_byte_vec_delete(&error);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "hello");

  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  CHECK(serialized.size > 0);

  /* Round trip in the same store and in another store of the engine. */
  wasm_module_t* restored = wasm_module_deserialize(store, &serialized);
  CHECK(restored != NULL);
  CHECK(!wasm_module_same(restored, module));
  CHECK_EQ_INT(run(store, module, 5), 11);
  CHECK_EQ_INT(run(store, restored, 5), 11);
  wasm_store_t* store2 = wasm_store_new(engine);
  wasm_module_t* restored2 = wasm_module_deserialize(store2, &serialized);
  CHECK(restored2 != NULL);
  CHECK_EQ_INT(run(store2, restored2, 20), 41);

  /* Same imports and exports. */
  wasm_importtype_vec_t imports;
  wasm_module_imports(restored, &imports);
  CHECK_EQ_UINT(imports.size, 1);
  CHECK_NAME(wasm_importtype_module(imports.data[0]), "host");
  CHECK_NAME(wasm_importtype_name(imports.data[0]), "hello");
  wasm_importtype_vec_delete(&imports);
  wasm_exporttype_vec_t exports;
  wasm_module_exports(restored, &exports);
  CHECK_EQ_UINT(exports.size, 1);
  CHECK_NAME(wasm_exporttype_name(exports.data[0]), "run");
  wasm_exporttype_vec_delete(&exports);

  /* Serializing the restored module gives the same bytes. */
  wasm_byte_vec_t again;
  wasm_module_serialize(restored, &again);
  CHECK_EQ_UINT(again.size, serialized.size);
  CHECK(memcmp(again.data, serialized.data, again.size) == 0);
  wasm_byte_vec_delete(&again);

  /* Another engine can restore it too (it recompiles for that engine). */
  wasm_engine_t* engine2 = wasm_engine_new();
  wasm_store_t* store3 = wasm_store_new(engine2);
  wasm_module_t* restored3 = wasm_module_deserialize(store3, &serialized);
  CHECK(restored3 != NULL);
  CHECK_EQ_INT(run(store3, restored3, 1), 3);
  wasm_module_delete(restored3);
  wasm_store_delete(store3);
  wasm_engine_delete(engine2);

  /* Foreign bytes: a plain wasm binary, garbage, empty, NULL data. */
  wasm_byte_vec_t binary;
  read_module_bytes("hello", &binary);
  check_rejected(store, &binary);
  wasm_byte_vec_delete(&binary);
  wasm_byte_vec_t garbage;
  wasm_byte_vec_new(&garbage, 23, "this is not a module!!");
  check_rejected(store, &garbage);
  wasm_byte_vec_delete(&garbage);
  wasm_byte_vec_t empty;
  wasm_byte_vec_new_empty(&empty);
  check_rejected(store, &empty);

  /* Corrupted bytes: every single-byte change and every truncation is rejected. */
  wasm_byte_vec_t copy;
  wasm_byte_vec_copy(&copy, &serialized);
  for (size_t i = 0; i < copy.size; i++) {
    copy.data[i] ^= 0x5a;
    check_rejected(store, &copy);
    copy.data[i] ^= 0x5a;
  }
  for (size_t n = 0; n < copy.size; n++) {
    wasm_byte_vec_t prefix = {n, copy.data};
    check_rejected(store, &prefix);
  }
  /* Trailing bytes are corruption too. */
  wasm_byte_vec_t longer;
  wasm_byte_vec_new_uninitialized(&longer, copy.size + 1);
  memcpy(longer.data, copy.data, copy.size);
  longer.data[copy.size] = 0;
  check_rejected(store, &longer);
  wasm_byte_vec_delete(&longer);
  /* Restored from the untouched copy, it still works. */
  wasm_module_t* from_copy = wasm_module_deserialize(store, &copy);
  CHECK(from_copy != NULL);
  wasm_module_delete(from_copy);
  wasm_byte_vec_delete(&copy);

  wasm_byte_vec_delete(&serialized);
  wasm_module_delete(restored);
  wasm_module_delete(restored2);
  wasm_module_delete(module);
  wasm_store_delete(store2);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
