/* Smoke test of the C API's main path: engine, store, compile modules/smoke.wasm, instantiate it
 * with one host function import, call its exports (a result, then a trap), delete everything.
 * Run by CTest as is, under ASan/UBSan and under valgrind: it must also leak nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"
#include "wasmrt.h"

#ifndef MODULES_DIR
#error "MODULES_DIR must be defined (the directory of the test modules)"
#endif

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

static int host_calls = 0;

/* env.add_one: (i32) -> i32 */
static wasm_trap_t* add_one(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  host_calls++;
  if (args->size != 1 || args->data[0].kind != WASM_I32 || results->size != 1) return NULL;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 1;
  return NULL;
}

static void read_file(const char* path, wasm_byte_vec_t* out) {
  FILE* f = fopen(path, "rb");
  CHECK(f != NULL);
  CHECK(fseek(f, 0, SEEK_END) == 0);
  long size = ftell(f);
  CHECK(size > 0);
  CHECK(fseek(f, 0, SEEK_SET) == 0);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  CHECK(fread(out->data, 1, (size_t)size, f) == (size_t)size);
  fclose(f);
}

static const wasm_func_t* export_func(const wasm_extern_vec_t* exports, size_t i) {
  CHECK(i < exports->size);
  const wasm_func_t* f = wasm_extern_as_func_const(exports->data[i]);
  CHECK(f != NULL);
  return f;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  CHECK(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(store != NULL);

  wasm_byte_vec_t binary;
  read_file(MODULES_DIR "/smoke.wasm", &binary);
  CHECK(wasm_module_validate(store, &binary));
  wasm_module_t* module = wasm_module_new(store, &binary);
  CHECK(module != NULL);
  wasm_byte_vec_delete(&binary);

  /* The host function. */
  wasm_functype_t* add_one_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* add_one_func = wasm_func_new(store, add_one_type, add_one);
  CHECK(add_one_func != NULL);
  wasm_functype_delete(add_one_type);

  wasm_extern_t* imports_data[] = {wasm_func_as_extern(add_one_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL);
  CHECK(trap == NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 3); /* memory, run, trap */
  CHECK(wasm_extern_kind(exports.data[0]) == WASM_EXTERN_MEMORY);
  CHECK(wasm_memory_size(wasm_extern_as_memory(exports.data[0])) == 1);

  /* run(40, 1) = add_one(41) = 42 */
  wasm_val_t args_data[] = {WASM_I32_VAL(40), WASM_I32_VAL(1)};
  wasm_val_t results_data[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_data);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_data);
  trap = wasm_func_call(export_func(&exports, 1), &args, &results);
  CHECK(trap == NULL);
  CHECK(results_data[0].kind == WASM_I32);
  CHECK(results_data[0].of.i32 == 42);
  CHECK(host_calls == 1);

  /* trap() divides by zero. */
  wasm_val_vec_t no_args = WASM_EMPTY_VEC;
  trap = wasm_func_call(export_func(&exports, 2), &no_args, &results);
  CHECK(trap != NULL);
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  CHECK(message.size > 0 && message.data[message.size - 1] == '\0');
  CHECK(wasmrt_trap_code(trap) == WASMRT_TRAP_INTEGER_DIVIDE_BY_ZERO);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(add_one_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("smoke: ok\n");
  return 0;
}
