/* WASI exit statuses and failures through wasi.h and wasmrt.h: proc_exit from _start and from a
 * start function (wasmrt_trap_exit_status), a trap with its named backtrace, an unknown import,
 * a reactor whose host import comes from the host's table, NULL arguments, and the tier choice
 * (wasmrt_config_set_tier). */
#include "test.h"
#include "wasi.h"

typedef struct {
  char data[256];
  size_t len;
} capture_t;

static void capture(void* env, const char* data, size_t len) {
  capture_t* c = env;
  CHECK(c->len + len <= sizeof c->data);
  memcpy(c->data + c->len, data, len);
  c->len += len;
}

static wasm_trap_t* add(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 + args->data[1].of.i32);
  return NULL;
}

/* The imports of `name` with a default configuration whose stdout goes to `out`. */
static wasm_module_t* link_module(wasm_store_t* store, const char* name, capture_t* out, wasm_extern_vec_t* imports) {
  wasm_module_t* module = load_module(store, name);
  wasi_config_t* config = wasi_config_new();
  if (out) CHECK(wasi_config_set_stdout_callback(config, capture, out, NULL));
  wasm_trap_t* trap = NULL;
  if (!wasi_instance_imports(store, module, config, NULL, 0, imports, &trap)) CHECK_NO_TRAP(trap);
  return module;
}

static void check_frame(const wasm_frame_t* frame, const char* func) {
  wasm_name_t name;
  wasmrt_frame_func_name(frame, &name);
  CHECK(name.size == strlen(func) + 1 && strcmp(name.data, func) == 0);
  wasm_byte_vec_delete(&name);
  wasmrt_frame_module_name(frame, &name);
  CHECK(name.size == strlen("trapper") + 1 && strcmp(name.data, "trapper") == 0);
  wasm_byte_vec_delete(&name);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_extern_vec_t imports;
  wasm_trap_t* trap = NULL;
  int status = -1;

  /* proc_exit(7) in _start: a normal end with status 7. */
  wasm_module_t* module = link_module(store, "wasi_exit", NULL, &imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK_NO_TRAP(trap);
  CHECK(wasi_run_start(instance, &status, &trap));
  CHECK(trap == NULL);
  CHECK_EQ_INT(status, 7);
  CHECK(wasi_run_start(instance, NULL, NULL)); /* exit_status and trap may be NULL */
  wasm_instance_delete(instance);
  wasm_extern_vec_delete(&imports);
  wasm_module_delete(module);

  /* proc_exit(3) in the start function: instantiation fails with a trap carrying status 3. */
  module = link_module(store, "wasi_exit_in_start", NULL, &imports);
  CHECK(wasm_instance_new(store, module, &imports, &trap) == NULL);
  CHECK(trap != NULL);
  status = -1;
  CHECK(wasmrt_trap_exit_status(trap, &status));
  CHECK_EQ_INT(status, 3);
  CHECK(wasmrt_trap_exit_status(trap, NULL));
  wasm_trap_delete(trap);
  trap = NULL;
  wasm_extern_vec_delete(&imports);
  wasm_module_delete(module);
  CHECK(!wasmrt_trap_exit_status(NULL, &status));

  /* A trap: false, with the trap (not an exit), its message and named backtrace. */
  capture_t out = {{0}, 0};
  module = link_module(store, "wasi_trap", &out, &imports);
  instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK_NO_TRAP(trap);
  status = -1;
  CHECK(!wasi_run_start(instance, &status, &trap));
  CHECK_EQ_INT(status, -1);
  CHECK(out.len == 14 && memcmp(out.data, "about to trap\n", 14) == 0);
  CHECK(trap != NULL);
  CHECK(!wasmrt_trap_exit_status(trap, &status));
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_UNREACHABLE);
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap, &frames);
  CHECK_EQ_INT(frames.size, 3);
  check_frame(frames.data[0], "inner");
  check_frame(frames.data[1], "middle");
  check_frame(frames.data[2], "_start");
  CHECK_EQ_INT(wasm_frame_func_index(frames.data[0]), 1);
  wasm_frame_vec_delete(&frames);
  CHECK_TRAP(trap, "unreachable");
  trap = NULL;
  wasm_instance_delete(instance);
  wasm_extern_vec_delete(&imports);
  wasm_module_delete(module);

  /* A reactor importing env.add: without it, linking fails naming the import. */
  module = load_module(store, "wasi_reactor");
  CHECK(!wasi_instance_imports(store, module, wasi_config_new(), NULL, 0, &imports, &trap));
  CHECK(imports.size == 0);
  CHECK_TRAP(trap, "unknown import \"env\" \"add\"");
  trap = NULL;
  wasm_extern_vec_delete(&imports);

  /* With it in the host's table (unrelated entries are ignored), _initialize runs. */
  wasm_valkind_t i32x2[] = {WASM_I32, WASM_I32};
  wasm_functype_t* add_type = functype(2, i32x2, 1, i32x2);
  wasm_func_t* add_func = wasm_func_new(store, add_type, add);
  wasm_functype_delete(add_type);
  wasi_host_import_t host[] = {
      {"env", "sub", wasm_func_as_extern(add_func)},
      {"other", "add", wasm_func_as_extern(add_func)},
      {"env", "add", wasm_func_as_extern(add_func)},
  };
  wasi_config_t* config = wasi_config_new();
  out.len = 0;
  CHECK(wasi_config_set_stdout_callback(config, capture, &out, NULL));
  CHECK(wasi_instance_imports(store, module, config, host, 3, &imports, &trap));
  CHECK(trap == NULL);
  CHECK_EQ_INT(imports.size, 2);
  CHECK(wasm_extern_same(imports.data[0], wasm_func_as_extern(add_func)));
  instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK_NO_TRAP(trap);
  status = -1;
  CHECK(wasi_run_start(instance, &status, &trap));
  CHECK_EQ_INT(status, 0);
  CHECK(out.len == 12 && memcmp(out.data, "initialized\n", 12) == 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t results_data[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(results_data);
  CHECK_NO_TRAP(wasm_func_call(export_func(module, &exports, "value"), &args, &results));
  CHECK_EQ_INT(results_data[0].of.i32, 42);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_extern_vec_delete(&imports);
  wasm_func_delete(add_func);

  /* NULL arguments: false with a trap; the configuration is taken all the same. */
  CHECK(!wasi_instance_imports(NULL, module, wasi_config_new(), NULL, 0, &imports, &trap));
  CHECK(imports.size == 0);
  CHECK_TRAP(trap, "NULL");
  trap = NULL;
  CHECK(!wasi_instance_imports(store, NULL, wasi_config_new(), NULL, 0, &imports, NULL));
  CHECK(!wasi_instance_imports(store, module, NULL, NULL, 0, &imports, NULL));
  CHECK(!wasi_instance_imports(store, module, wasi_config_new(), NULL, 0, NULL, NULL));
  CHECK(!wasi_run_start(NULL, &status, &trap));
  CHECK_TRAP(trap, "NULL");
  trap = NULL;
  CHECK(!wasi_run_start(NULL, NULL, NULL));
  wasm_module_delete(module);

  /* A module exporting neither _start nor _initialize. */
  wasm_byte_vec_t empty;
  wasm_byte_vec_new(&empty, 8, "\0asm\1\0\0\0");
  module = wasm_module_new(store, &empty);
  wasm_byte_vec_delete(&empty);
  CHECK(module != NULL);
  CHECK(wasi_instance_imports(store, module, wasi_config_new(), NULL, 0, &imports, &trap));
  instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK_NO_TRAP(trap);
  CHECK(!wasi_run_start(instance, &status, &trap));
  CHECK_TRAP(trap, "_start");
  trap = NULL;
  wasm_instance_delete(instance);
  wasm_extern_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* Tiers: the interpreter is available everywhere, the JIT on x86_64; unknown tiers and NULL
   * fail. */
  wasm_config_t* wconfig = wasm_config_new();
  CHECK(wasmrt_config_set_tier(wconfig, WASMRT_TIER_INTERPRETER));
#if defined(__x86_64__)
  CHECK(wasmrt_config_set_tier(wconfig, WASMRT_TIER_JIT));
#else
  CHECK(!wasmrt_config_set_tier(wconfig, WASMRT_TIER_JIT));
#endif
  CHECK(!wasmrt_config_set_tier(wconfig, 99));
  CHECK(!wasmrt_config_set_tier(NULL, WASMRT_TIER_INTERPRETER));
  engine = wasm_engine_new_with_config(wconfig);
  CHECK(engine != NULL);
  wasm_engine_delete(engine);

  printf("wasi_exit: ok\n");
  return 0;
}
