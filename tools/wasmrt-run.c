/* wasmrt-run: runs a WASI command (or reactor) with wasmrt, using only the public headers
 * (wasm.h, wasi.h, wasmrt.h).
 *
 *   wasmrt-run [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--tier interp|jit] [--]
 *              module.wasm [args...]
 *
 * The program gets module.wasm (as given) and args as its arguments, only the environment
 * variables given with --env (NAME alone: the host's value, if set), the host's standard
 * input, output and error, and the directories given with --dir (HOST visible as GUEST,
 * default HOST; read-write).
 *
 * Exit status: the program's (0 when _start returns, else the proc_exit status, modulo 256);
 * 134 when it traps (the message and backtrace go to stderr); 125 when wasmrt-run cannot run it
 * (bad usage, unreadable, malformed or invalid module, unknown import, unavailable tier), with
 * the reason on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi.h"
#include "wasm.h"
#include "wasmrt.h"

#define EXIT_RUNNER_ERROR 125
#define EXIT_TRAP 134

static const char* usage =
    "usage: wasmrt-run [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--tier interp|jit] [--]\n"
    "                  module.wasm [args...]\n"
    "Runs a WASI command; exits with its status, 134 if it traps, 125 if it cannot be run.\n";

static int runner_error(const char* fmt, const char* arg) {
  fprintf(stderr, "wasmrt-run: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n");
  return EXIT_RUNNER_ERROR;
}

/* Reads a whole file into `out`; false (errno set) if it cannot. */
static int read_file(const char* path, wasm_byte_vec_t* out) {
  FILE* f = fopen(path, "rb");
  if (!f) return 0;
  long size = -1;
  if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
  if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return 0;
  }
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  if ((size_t)size != out->size || fread(out->data, 1, out->size, f) != out->size) {
    int e = ferror(f) ? errno : ENOMEM;
    wasm_byte_vec_delete(out);
    fclose(f);
    errno = e;
    return 0;
  }
  fclose(f);
  return 1;
}

/* Prints a trap: its message, then one line per frame, innermost first. */
static void print_trap(const char* module_path, const wasm_trap_t* trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  fprintf(stderr, "wasmrt-run: %s: trap: %.*s\n", module_path, (int)(message.size ? message.size - 1 : 0),
          message.data ? message.data : "");
  wasm_byte_vec_delete(&message);
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap, &frames);
  for (size_t i = 0; i < frames.size; i++) {
    const wasm_frame_t* frame = frames.data[i];
    wasm_name_t func, module;
    wasmrt_frame_func_name(frame, &func);
    wasmrt_frame_module_name(frame, &module);
    fprintf(stderr, "  %zu: func[%u] ", i, wasm_frame_func_index(frame));
    if (module.size > 1) fprintf(stderr, "%s!", module.data);
    fprintf(stderr, "%s at offset 0x%zx\n", func.size > 1 ? func.data : "<unnamed>", wasm_frame_module_offset(frame));
    wasm_byte_vec_delete(&func);
    wasm_byte_vec_delete(&module);
  }
  wasm_frame_vec_delete(&frames);
}

/* Whether the module exports a function _start or _initialize. */
static int exports_entry_point(const wasm_module_t* module) {
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  int found = 0;
  for (size_t i = 0; i < exports.size; i++) {
    const wasm_name_t* name = wasm_exporttype_name(exports.data[i]);
    int func = wasm_externtype_kind(wasm_exporttype_type(exports.data[i])) == WASM_EXTERN_FUNC;
    if (func && ((name->size == 6 && memcmp(name->data, "_start", 6) == 0) ||
                 (name->size == 11 && memcmp(name->data, "_initialize", 11) == 0)))
      found = 1;
  }
  wasm_exporttype_vec_delete(&exports);
  return found;
}

int main(int argc, char** argv) {
  const char** dirs = calloc((size_t)argc, sizeof *dirs);
  const char** env = calloc((size_t)argc, sizeof *env);
  size_t ndirs = 0, nenv = 0;
  const char* tier = "interp";
  int i = 1;
  for (; i < argc; i++) {
    const char* a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(usage, stdout);
      free(dirs);
      free(env);
      return 0;
    } else if ((strcmp(a, "--dir") == 0 || strcmp(a, "--env") == 0 || strcmp(a, "--tier") == 0) && i + 1 < argc) {
      const char* v = argv[++i];
      if (a[2] == 'd') dirs[ndirs++] = v;
      else if (a[2] == 'e') env[nenv++] = v;
      else tier = v;
    } else if (strncmp(a, "--dir=", 6) == 0) {
      dirs[ndirs++] = a + 6;
    } else if (strncmp(a, "--env=", 6) == 0) {
      env[nenv++] = a + 6;
    } else if (strncmp(a, "--tier=", 7) == 0) {
      tier = a + 7;
    } else if (a[0] == '-' && a[1] != '\0') {
      free(dirs);
      free(env);
      fputs(usage, stderr);
      return runner_error("unknown or incomplete option %s", a);
    } else {
      break;
    }
  }
  if (i >= argc) {
    free(dirs);
    free(env);
    fputs(usage, stderr);
    return runner_error("%s", "no module given");
  }
  const char* module_path = argv[i];

  int status = EXIT_RUNNER_ERROR;
  wasm_config_t* config = wasm_config_new();
  if (strcmp(tier, "jit") == 0) {
    if (!wasmrt_config_set_tier(config, WASMRT_TIER_JIT)) {
      wasm_config_delete(config);
      free(dirs);
      free(env);
      return runner_error("%s", "the JIT tier is not available yet");
    }
  } else if (strcmp(tier, "interp") != 0 || !wasmrt_config_set_tier(config, WASMRT_TIER_INTERPRETER)) {
    wasm_config_delete(config);
    free(dirs);
    free(env);
    return runner_error("unknown tier \"%s\" (interp or jit)", tier);
  }
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasi_config_t* wasi = wasi_config_new();
  wasm_module_t* module = NULL;
  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  wasm_extern_vec_t imports = {0, NULL};
  wasm_byte_vec_t binary = {0, NULL};
  char** names = calloc(nenv + 1, sizeof *names);
  const char** values = calloc(nenv + 1, sizeof *values);
  size_t nvars = 0;

  if (!wasi_config_set_argv(wasi, (size_t)(argc - i), (const char* const*)(argv + i))) {
    runner_error("%s", "the arguments are not valid UTF-8");
    goto done;
  }
  for (size_t k = 0; k < nenv; k++) {
    const char* eq = strchr(env[k], '=');
    size_t len = eq ? (size_t)(eq - env[k]) : strlen(env[k]);
    names[nvars] = malloc(len + 1);
    memcpy(names[nvars], env[k], len);
    names[nvars][len] = '\0';
    values[nvars] = eq ? eq + 1 : getenv(names[nvars]);
    if (values[nvars]) nvars++;
    else free(names[nvars]);
  }
  if (!wasi_config_set_env(wasi, nvars, (const char* const*)names, values)) {
    runner_error("%s", "the environment is not valid UTF-8");
    goto done;
  }
  for (size_t k = 0; k < ndirs; k++) {
    char* host = strdup(dirs[k]);
    char* sep = strstr(host, "::");
    const char* guest = host;
    if (sep) {
      *sep = '\0';
      guest = sep + 2;
    }
    int ok = wasi_config_preopen_dir(wasi, host, guest);
    free(host);
    if (!ok) {
      runner_error("--dir %s: not a directory (or not UTF-8)", dirs[k]);
      goto done;
    }
  }
  wasi_config_inherit_stdin(wasi);
  wasi_config_inherit_stdout(wasi);
  wasi_config_inherit_stderr(wasi);

  if (!read_file(module_path, &binary)) {
    fprintf(stderr, "wasmrt-run: %s: %s\n", module_path, strerror(errno));
    goto done;
  }
  module = wasm_module_new(store, &binary);
  if (!module) {
    wasm_message_t error;
    wasmrt_last_error_message(&error);
    fprintf(stderr, "wasmrt-run: %s: %s\n", module_path, error.size ? error.data : "cannot compile");
    wasm_byte_vec_delete(&error);
    goto done;
  }
  if (!exports_entry_point(module)) {
    runner_error("%s: the module exports neither _start (a command) nor _initialize (a reactor)", module_path);
    goto done;
  }
  int ok = wasi_instance_imports(store, module, wasi, NULL, 0, &imports, &trap);
  wasi = NULL; /* taken by wasi_instance_imports */
  if (!ok) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    fprintf(stderr, "wasmrt-run: %s: %s\n", module_path, message.size ? message.data : "cannot link");
    wasm_byte_vec_delete(&message);
    goto done;
  }
  instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) {
    if (wasmrt_trap_exit_status(trap, &status)) goto done; /* proc_exit in a start function */
    if (trap && wasmrt_trap_code(trap) != WASMRT_TRAP_HOST) {
      print_trap(module_path, trap);
      status = EXIT_TRAP;
    } else if (trap) {
      wasm_message_t message;
      wasm_trap_message(trap, &message);
      fprintf(stderr, "wasmrt-run: %s: cannot instantiate: %s\n", module_path, message.size ? message.data : "");
      wasm_byte_vec_delete(&message);
      status = EXIT_RUNNER_ERROR;
    }
    goto done;
  }
  if (!wasi_run_start(instance, &status, &trap)) {
    print_trap(module_path, trap);
    status = EXIT_TRAP;
  }

done:
  for (size_t k = 0; k < nvars; k++) free(names[k]);
  free(names);
  free(values);
  free(dirs);
  free(env);
  wasm_trap_delete(trap);
  wasm_instance_delete(instance);
  wasm_extern_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&binary);
  wasi_config_delete(wasi);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  fflush(stdout);
  return status;
}
