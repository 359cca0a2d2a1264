/* WASI preopened directories through wasi.h (modules/wasi_cat.wat): the program reads a file
 * of a read-write preopen and creates one there; in a read-only preopen creating fails with
 * ENOTCAPABLE; without a preopen it has nothing to open. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "wasi.h"

#define ENOTCAPABLE 76

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

/* Runs wasi_cat with `config` (taken) and returns its exit status. */
static int run_cat(wasm_engine_t* engine, wasi_config_t* config) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "wasi_cat");
  wasm_extern_vec_t imports;
  wasm_trap_t* trap = NULL;
  if (!wasi_instance_imports(store, module, config, NULL, 0, &imports, &trap)) CHECK_NO_TRAP(trap);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK_NO_TRAP(trap);
  int status = -1;
  if (!wasi_run_start(instance, &status, &trap)) CHECK_NO_TRAP(trap);
  wasm_instance_delete(instance);
  wasm_extern_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return status;
}

static void write_file(const char* path, const char* text) {
  FILE* f = fopen(path, "wb");
  CHECK(f != NULL);
  CHECK(fputs(text, f) >= 0);
  fclose(f);
}

/* The file's contents (NUL-terminated, static buffer), or NULL if it does not exist. */
static const char* read_file(const char* path) {
  static char text[256];
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = '\0';
  return text;
}

int main(void) {
  char dir[] = "/tmp/wasmrt-wasi-files-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char input[sizeof dir + 16], copy[sizeof dir + 16];
  snprintf(input, sizeof input, "%s/input.txt", dir);
  snprintf(copy, sizeof copy, "%s/copy.txt", dir);
  write_file(input, "read through a preopen\n");
  wasm_engine_t* engine = wasm_engine_new();

  /* Read-write: read input.txt, create copy.txt. */
  capture_t out = {{0}, 0};
  wasi_config_t* config = wasi_config_new();
  CHECK(wasi_config_preopen_dir(config, dir, "/"));
  CHECK(wasi_config_set_stdout_callback(config, capture, &out, NULL));
  CHECK_EQ_INT(run_cat(engine, config), 0);
  CHECK_EQ_INT(out.len, strlen("read through a preopen\n"));
  CHECK(memcmp(out.data, "read through a preopen\n", out.len) == 0);
  const char* copied = read_file(copy);
  CHECK(copied != NULL && strcmp(copied, "read through a preopen\n") == 0);
  CHECK(unlink(copy) == 0);

  /* Read-only: reading works, creating fails with ENOTCAPABLE and leaves nothing. */
  out.len = 0;
  config = wasi_config_new();
  CHECK(wasi_config_preopen_dir_readonly(config, dir, "/"));
  CHECK(wasi_config_set_stdout_callback(config, capture, &out, NULL));
  CHECK_EQ_INT(run_cat(engine, config), ENOTCAPABLE);
  CHECK_EQ_INT(out.len, strlen("read through a preopen\n"));
  CHECK(read_file(copy) == NULL);

  /* No preopen: descriptor 3 does not exist, so input.txt cannot be opened (status 100). */
  CHECK_EQ_INT(run_cat(engine, wasi_config_new()), 100);

  /* A preopen that disappeared before the context was made: wasi_instance_imports fails. */
  char gone[sizeof dir + 16];
  snprintf(gone, sizeof gone, "%s/gone", dir);
  CHECK(mkdir(gone, 0700) == 0);
  config = wasi_config_new();
  CHECK(wasi_config_preopen_dir(config, gone, "/"));
  CHECK(rmdir(gone) == 0);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "wasi_cat");
  wasm_extern_vec_t imports;
  wasm_trap_t* trap = NULL;
  CHECK(!wasi_instance_imports(store, module, config, NULL, 0, &imports, &trap));
  CHECK(imports.size == 0);
  CHECK_TRAP(trap, "WASI configuration");
  wasm_extern_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_store_delete(store);

  wasm_engine_delete(engine);
  CHECK(unlink(input) == 0);
  CHECK(rmdir(dir) == 0);
  printf("wasi_files: ok\n");
  return 0;
}
