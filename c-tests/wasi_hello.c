/* WASI through wasi.h: the bundled example (examples/modules/hello.wasm, a C program built with
 * wasi-libc) run with arguments, its standard output captured by a callback and by a file; the
 * callbacks' finalizers; the configuration setters' results, including for bad arguments. */
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "wasi.h"

#define HELLO "../../examples/modules/hello"
#define EXPECTED "hello from wasm\narg 1: 1\narg 2: 2\narg 3: 39\nsum: 42\n"

typedef struct {
  char data[4096];
  size_t len;
  int writes;
  int finalized;
} capture_t;

static void capture(void* env, const char* data, size_t len) {
  capture_t* c = env;
  CHECK(c->len + len <= sizeof c->data);
  memcpy(c->data + c->len, data, len);
  c->len += len;
  c->writes++;
}

static void finalize(void* env) { ((capture_t*)env)->finalized++; }

/* Runs hello with `config` (taken) in a new store; returns the exit status. */
static int run_hello(wasm_engine_t* engine, wasi_config_t* config) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, HELLO);
  wasm_extern_vec_t imports;
  wasm_trap_t* trap = NULL;
  if (!wasi_instance_imports(store, module, config, NULL, 0, &imports, &trap)) CHECK_NO_TRAP(trap);
  CHECK(trap == NULL);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK_NO_TRAP(trap);
  CHECK(instance != NULL);
  int status = -1;
  if (!wasi_run_start(instance, &status, &trap)) CHECK_NO_TRAP(trap);
  wasm_instance_delete(instance);
  wasm_extern_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return status;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  const char* argv[] = {"hello", "1", "2", "39"};
  const char* names[] = {"GREETING", "EMPTY"};
  const char* values[] = {"hi", ""};

  /* Output to callbacks; every setter succeeds. */
  capture_t out = {0}, err = {0};
  wasi_config_t* config = wasi_config_new();
  CHECK(config != NULL);
  CHECK(wasi_config_set_argv(config, 4, argv));
  CHECK(wasi_config_set_env(config, 2, names, values));
  CHECK(wasi_config_set_stdout_callback(config, capture, &out, finalize));
  CHECK(wasi_config_set_stderr_callback(config, capture, &err, finalize));
  wasm_byte_vec_t input;
  wasm_byte_vec_new(&input, 5, "input");
  wasi_config_set_stdin_bytes(config, &input);
  CHECK(input.size == 0 && input.data == NULL); /* the contents were taken */
  wasm_byte_vec_delete(&input);
  CHECK_EQ_INT(run_hello(engine, config), 0);
  CHECK_EQ_INT(out.len, strlen(EXPECTED));
  CHECK(memcmp(out.data, EXPECTED, out.len) == 0);
  CHECK(out.writes >= 1);
  CHECK_EQ_INT(err.len, 0);
  /* The store and every handle are gone: so are the callbacks. */
  CHECK_EQ_INT(out.finalized, 1);
  CHECK_EQ_INT(err.finalized, 1);

  /* Output to a file, created (truncated) when set. */
  char path[] = "/tmp/wasmrt-wasi-hello-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  CHECK(write(fd, "old contents that are longer than the output, to be truncated............", 74) == 74);
  close(fd);
  config = wasi_config_new();
  CHECK(wasi_config_set_argv(config, 4, argv));
  CHECK(wasi_config_set_stdout_file(config, path));
  CHECK_EQ_INT(run_hello(engine, config), 0);
  FILE* f = fopen(path, "rb");
  CHECK(f != NULL);
  char text[256] = {0};
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  unlink(path);
  CHECK_EQ_INT(n, strlen(EXPECTED));
  CHECK(strcmp(text, EXPECTED) == 0);

  /* Defaults: no arguments (so argc is 0 in the program), output discarded. */
  CHECK_EQ_INT(run_hello(engine, wasi_config_new()), 0);

  /* Setters: bad arguments change nothing and return false; finalizers of callbacks not taken
   * run at once; a replaced callback is finalized; a deleted configuration finalizes its own. */
  capture_t a = {0}, b = {0};
  config = wasi_config_new();
  const char* bad_utf8[] = {"prog", "\xff\xfe"};
  const char* with_null[] = {"prog", NULL};
  CHECK(!wasi_config_set_argv(config, 2, bad_utf8));
  CHECK(!wasi_config_set_argv(config, 2, with_null));
  CHECK(!wasi_config_set_argv(config, 1, NULL));
  CHECK(wasi_config_set_argv(config, 0, NULL));
  CHECK(!wasi_config_set_env(config, 1, names, NULL));
  CHECK(!wasi_config_set_stdin_file(config, "/nonexistent/wasmrt/input"));
  CHECK(!wasi_config_set_stdin_file(config, NULL));
  CHECK(wasi_config_set_stdin_file(config, MODULES_DIR "/wasi_exit.wat"));
  CHECK(!wasi_config_set_stdout_file(config, "/nonexistent/wasmrt/output"));
  CHECK(!wasi_config_set_stderr_file(config, NULL));
  CHECK(!wasi_config_preopen_dir(config, "/nonexistent/wasmrt", "/"));
  CHECK(!wasi_config_preopen_dir(config, MODULES_DIR "/wasi_exit.wat", "/")); /* not a directory */
  CHECK(!wasi_config_preopen_dir_readonly(config, MODULES_DIR, NULL));
  CHECK(!wasi_config_set_stdout_callback(config, NULL, &a, finalize));
  CHECK_EQ_INT(a.finalized, 1);
  CHECK(!wasi_config_set_stdout_callback(NULL, capture, &a, finalize));
  CHECK_EQ_INT(a.finalized, 2);
  CHECK(wasi_config_set_stdout_callback(config, capture, &a, finalize));
  CHECK(wasi_config_set_stdout_callback(config, capture, &b, finalize));
  CHECK_EQ_INT(a.finalized, 3);
  CHECK(wasi_config_set_stderr_callback(config, capture, &a, NULL));
  wasi_config_inherit_argv(config);
  wasi_config_inherit_env(config);
  wasi_config_inherit_stdin(config);
  wasi_config_inherit_stdout(config); /* replaces (finalizes) b */
  CHECK_EQ_INT(b.finalized, 1);
  wasi_config_inherit_stderr(config);
  CHECK(wasi_config_set_stderr_callback(config, capture, &b, finalize));
  wasi_config_delete(config);
  CHECK_EQ_INT(b.finalized, 2);
  CHECK_EQ_INT(a.finalized, 3);

  /* NULL configurations. */
  wasi_config_delete(NULL);
  CHECK(!wasi_config_set_argv(NULL, 1, argv));
  CHECK(!wasi_config_set_env(NULL, 0, NULL, NULL));
  CHECK(!wasi_config_preopen_dir(NULL, MODULES_DIR, "/"));
  wasi_config_inherit_argv(NULL);
  wasi_config_inherit_env(NULL);
  wasi_config_inherit_stdin(NULL);
  wasi_config_inherit_stdout(NULL);
  wasi_config_inherit_stderr(NULL);
  wasi_config_set_stdin_bytes(NULL, NULL);

  wasm_engine_delete(engine);
  printf("wasi_hello: ok\n");
  return 0;
}
