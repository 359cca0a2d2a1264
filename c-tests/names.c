/* names: every name the library returns (import module and name, export name, copies, names
 * made through the library, frame and error messages) has a hidden NUL byte after its last byte, not
 * counted in `size`, so hosts that read names with strlen or "%s" read exactly the name; an
 * empty name is "" rather than a NULL pointer. */
#include "test.h"

/* The name read as a C string must be exactly the sized name. */
static void check_c_string(const wasm_name_t* name, const char* expected) {
  CHECK(name != NULL && name->data != NULL);
  if (name->size != strlen(expected)) FAIL("name of size %zu, expected \"%s\"", name->size, expected);
  CHECK(memcmp(name->data, expected, name->size) == 0);
  if (strlen(name->data) != name->size) FAIL("strlen reads %zu bytes of \"%s\"", strlen(name->data), expected);
  char printed[64];
  snprintf(printed, sizeof printed, "%s", name->data);
  CHECK(strcmp(printed, expected) == 0);
}

static wasm_trap_t* do_nothing(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "names");

  const char* import_modules[] = {"env", "environment", ""};
  const char* import_names[] = {"f", "ff", ""};
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  CHECK_EQ_UINT(imports.size, 3);
  for (size_t i = 0; i < imports.size; i++) {
    check_c_string(wasm_importtype_module(imports.data[i]), import_modules[i]);
    check_c_string(wasm_importtype_name(imports.data[i]), import_names[i]);
  }
  /* Copies of import types and of names. */
  wasm_importtype_t* import_copy = wasm_importtype_copy(imports.data[1]);
  check_c_string(wasm_importtype_module(import_copy), "environment");
  wasm_name_t name_copy;
  wasm_name_copy(&name_copy, wasm_importtype_name(imports.data[1]));
  check_c_string(&name_copy, "ff");
  wasm_name_delete(&name_copy);
  wasm_importtype_delete(import_copy);

  const char* export_names[] = {"a", "ab", "", "gr\xc3\xb6\xc3\x9f" "e"};
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  CHECK_EQ_UINT(exports.size, 4);
  for (size_t i = 0; i < exports.size; i++) {
    check_c_string(wasm_exporttype_name(exports.data[i]), export_names[i]);
  }
  wasm_exporttype_vec_t exports_copy;
  wasm_exporttype_vec_copy(&exports_copy, &exports);
  for (size_t i = 0; i < exports_copy.size; i++) {
    check_c_string(wasm_exporttype_name(exports_copy.data[i]), export_names[i]);
  }
  wasm_exporttype_vec_delete(&exports_copy);

  /* Names the host makes through the library: from a string, from bytes, a fresh vector. */
  wasm_name_t made;
  wasm_name_new_from_string(&made, "made");
  check_c_string(&made, "made");
  wasm_name_delete(&made);
  wasm_name_new(&made, 3, "abcdef");
  check_c_string(&made, "abc");
  wasm_name_delete(&made);
  wasm_name_new_empty(&made);
  check_c_string(&made, "");
  wasm_name_delete(&made);
  wasm_byte_vec_new_uninitialized(&made, 5);
  CHECK(made.data[5] == 0);
  memset(made.data, 'x', 5);
  check_c_string(&made, "xxxxx");
  wasm_byte_vec_delete(&made);

  /* An import type built by the host, with names it made. */
  wasm_name_t module_name, field_name;
  wasm_name_new_from_string(&module_name, "m");
  wasm_name_new_from_string(&field_name, "field");
  wasm_importtype_t* built =
      wasm_importtype_new(&module_name, &field_name, wasm_functype_as_externtype(wasm_functype_new_0_0()));
  check_c_string(wasm_importtype_module(built), "m");
  check_c_string(wasm_importtype_name(built), "field");
  wasm_importtype_delete(built);

  /* The function name of a trap's frame, and the library's last error message. */
  wasm_functype_t* nothing = wasm_functype_new_0_0();
  wasm_func_t* noop = wasm_func_new(store, nothing, do_nothing);
  wasm_functype_delete(nothing);
  wasm_extern_t* host[] = {wasm_func_as_extern(noop), wasm_func_as_extern(noop), wasm_func_as_extern(noop)};
  wasm_instance_t* instance = instantiate(store, module, host, 3);
  wasm_extern_vec_t instance_exports;
  wasm_instance_exports(instance, &instance_exports);
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(instance_exports.data[3]), NULL, NULL);
  CHECK(trap != NULL);
  wasm_frame_t* frame = wasm_trap_origin(trap);
  wasm_name_t frame_name;
  /* Frame names are NUL-terminated messages (the NUL counted in their size, as wasmrt.h says). */
  wasmrt_frame_func_name(frame, &frame_name);
  CHECK(frame_name.size == 5 && strcmp(frame_name.data, "trap") == 0);
  wasm_name_delete(&frame_name);
  wasmrt_frame_module_name(frame, &frame_name);
  CHECK(frame_name.size == 6 && strcmp(frame_name.data, "names") == 0);
  wasm_name_delete(&frame_name);
  wasm_frame_delete(frame);
  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&instance_exports);
  wasm_instance_delete(instance);
  wasm_func_delete(noop);
  wasm_byte_vec_t garbage;
  wasm_byte_vec_new(&garbage, 4, "\0asX");
  CHECK(wasm_module_new(store, &garbage) == NULL);
  wasm_byte_vec_delete(&garbage);
  wasm_name_t error;
  wasmrt_last_error_message(&error);
  CHECK(error.size > 0 && strlen(error.data) <= error.size);
  CHECK(strstr(error.data, "offset") != NULL);
  wasm_name_delete(&error);

  wasm_exporttype_vec_delete(&exports);
  wasm_importtype_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
