/* compile_error: a module that fails to compile gives NULL from wasm_module_new (and false
 * from wasm_module_validate); wasmrt_last_error_message says why and names the offset, NUL-
 * terminated. Malformed binaries (bad magic, truncated, empty) too; a component or a module
 * needing a later proposal is named as such. Valid modules validate. */
#include "test.h"

/* The last error message; checks it is NUL-terminated and names an offset; returns the
 * offset. */
static unsigned long last_error_offset(const char* expected) {
  wasm_name_t error;
  wasmrt_last_error_message(&error);
  CHECK_MESSAGE_CONTAINS(&error, expected);
  const char* at = strstr(error.data, "offset 0x");
  if (at == NULL) FAIL("no offset in \"%s\"", error.data);
  unsigned long offset = strtoul(at + strlen("offset 0x"), NULL, 16);
  wasm_byte_vec_delete(&error);
  return offset;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  /* Invalid: the body's i64.const (at 0x18) where an i32 is expected. */
  wasm_byte_vec_t invalid;
  read_module_bytes("invalid", &invalid);
  CHECK(wasm_module_new(store, &invalid) == NULL);
  unsigned long offset = last_error_offset("type mismatch");
  CHECK(offset < invalid.size);
  CHECK(offset >= 0x16); /* inside the function body */
  CHECK(offset <= 0x1a);
  CHECK(!wasm_module_validate(store, &invalid));
  CHECK_EQ_UINT(last_error_offset("type mismatch"), offset);

  /* Malformed: bad magic, at offset 0. */
  wasm_byte_vec_t bad;
  wasm_byte_vec_copy(&bad, &invalid);
  bad.data[1] = 'x';
  CHECK(wasm_module_new(store, &bad) == NULL);
  CHECK_EQ_UINT(last_error_offset("magic"), 0);
  CHECK(!wasm_module_validate(store, &bad));
  wasm_byte_vec_delete(&bad);

  /* Truncated in the code section. */
  wasm_byte_vec_t truncated = {invalid.size - 3, invalid.data};
  CHECK(wasm_module_new(store, &truncated) == NULL);
  CHECK(last_error_offset("") <= invalid.size);
  /* Empty. */
  wasm_byte_vec_t empty = WASM_EMPTY_VEC;
  CHECK(wasm_module_new(store, &empty) == NULL);
  CHECK_EQ_UINT(last_error_offset(""), 0);
  CHECK(!wasm_module_validate(store, &empty));

  /* A component (component-model binary, layer 1), and a module that needs a proposal past
   * WebAssembly 2.0: the message says what it is, or what it needs. */
  wasm_byte_vec_t component;
  wasm_byte_vec_new(&component, 8, "\0asm\x0d\x00\x01\x00");
  CHECK(wasm_module_new(store, &component) == NULL);
  CHECK_EQ_UINT(last_error_offset("a WebAssembly component, not a core module"), 4);
  CHECK(!wasm_module_validate(store, &component));
  CHECK_EQ_UINT(last_error_offset("a WebAssembly component, not a core module"), 4);
  wasm_byte_vec_delete(&component);
  /* (memory 1 1 shared): the memory section's limits flags 0x03, at 0xb. */
  static const char shared_memory[] = "\0asm\x01\x00\x00\x00\x05\x04\x01\x03\x01\x01";
  wasm_byte_vec_t threads;
  wasm_byte_vec_new(&threads, sizeof shared_memory - 1, shared_memory);
  CHECK(wasm_module_new(store, &threads) == NULL);
  CHECK_EQ_UINT(last_error_offset("a shared memory requires the threads proposal"), 0xb);
  wasm_byte_vec_delete(&threads);

  /* Valid modules validate and compile; a success leaves the message of the last failure. */
  wasm_byte_vec_t valid;
  read_module_bytes("hello", &valid);
  CHECK(wasm_module_validate(store, &valid));
  wasm_module_t* module = wasm_module_new(store, &valid);
  CHECK(module != NULL);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&valid);
  CHECK_EQ_UINT(last_error_offset("threads"), 0xb);

  wasm_byte_vec_delete(&invalid);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
