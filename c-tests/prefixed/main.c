/* The prefixed library next to another engine (see CMakeLists.txt of c-tests): this file uses
 * wasmrt through wasmrt-prefixed.h with the standard names, while other_engine.c, linked into the
 * same program, defines every one of those standard names itself (as V8 or wasmtime would). The
 * program links (no duplicate symbols), runs a module through wasmrt (a host function import, a
 * result, a trap, wasm.h's inline helpers), and checks that none of it reached the other engine,
 * whose functions still answer to the standard names. Linked against libwasmrt-prefixed.so and,
 * as another test, libwasmrt-prefixed.a. */
#include "wasmrt-prefixed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MODULES_DIR
#error "MODULES_DIR must be defined (the directory of the test modules)"
#endif

/* The header maps the standard names (and only those) onto the prefixed symbols. */
#if !defined(wasm_engine_new) || !defined(wasm_func_call) || !defined(wasm_valtype_kind)
#error "wasmrt-prefixed.h does not map the standard names"
#endif
#if defined(wasmrt_trap_code)
#error "wasmrt's own wasmrt_* names are not renamed"
#endif

/* other_engine.c */
extern int other_engine_calls;
int other_engine_call_all(void);

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

  /* Inline helpers of wasm.h (wasm_functype_new_1_1, wasm_valtype_new_i32, wasm_valtype_is_num,
   * wasm_name_new_from_string, the wasm_name_* macros) call the mapped names too. */
  wasm_valtype_t* i32 = wasm_valtype_new_i32();
  CHECK(wasm_valtype_is_num(i32));
  wasm_functype_t* add_one_type = wasm_functype_new_1_1(i32, wasm_valtype_new_i32());
  wasm_func_t* add_one_func = wasm_func_new(store, add_one_type, add_one);
  CHECK(add_one_func != NULL);
  wasm_functype_delete(add_one_type);
  wasm_name_t name;
  wasm_name_new_from_string(&name, "add_one");
  CHECK(name.size == 7 && memcmp(name.data, "add_one", 7) == 0);
  wasm_name_delete(&name);

  wasm_extern_t* imports_data[] = {wasm_func_as_extern(add_one_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL);
  CHECK(trap == NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 3); /* memory, run, trap */

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

  /* trap() divides by zero; wasmrt_trap_code is an extension, under its own name. */
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
#if defined(WASI_H)
  /* wasi.h's functions are mapped too (wasmrt_wasi_*). */
  wasi_config_t* wasi = wasi_config_new();
  CHECK(wasi != NULL);
  wasi_config_delete(wasi);
#endif
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* Nothing above reached the other engine (neither this file nor wasmrt itself called an
   * unprefixed name), and the standard names are still the other engine's. */
  CHECK(other_engine_calls == 0);
  int defined = other_engine_call_all();
  CHECK(defined >= 280);
  CHECK(other_engine_calls == defined);
  printf("prefixed: ok (wasmrt through wasmrt_* symbols; the other engine's %d wasm_* functions beside it)\n", defined);
  return 0;
}
