#ifndef WASI_H
#define WASI_H

/* wasi.h: WASI preview1 for hosts of the standard WebAssembly C API (wasm.h), as implemented by
 * wasmrt. The function declarations are generated from the library's Rust sources; the types
 * below are written by hand.
 *
 * The configuration functions (wasi_config_*) follow wasmtime's wasi.h, with two differences:
 * wasi_config_preopen_dir takes no permission arguments (the directory is readable and
 * writable; wasi_config_preopen_dir_readonly is the read-only variant), and standard output and
 * error can also go to a callback (wasi_config_set_stdout_callback / _stderr_callback).
 * A plain wasm.h host then needs two more functions: wasi_instance_imports, which makes the
 * import list for wasm_instance_new (WASI imports bound to the configuration, the host's own
 * imports taken from a table of module name, field name and external), and wasi_run_start,
 * which runs the program and gives its exit status. For example:
 *
 *   wasi_config_t* config = wasi_config_new();
 *   const char* argv[] = {"prog", "42"};
 *   wasi_config_set_argv(config, 2, argv);
 *   wasi_config_inherit_stdout(config);
 *   wasi_config_preopen_dir(config, "/srv/data", "/");
 *   wasi_host_import_t host[] = {{"env", "log", wasm_func_as_extern(log_func)}};
 *   wasm_extern_vec_t imports;
 *   wasm_trap_t* trap = NULL;
 *   int status = 1;
 *   if (wasi_instance_imports(store, module, config, host, 1, &imports, &trap)) {  // takes config
 *     wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
 *     wasm_extern_vec_delete(&imports);
 *     if (instance) {
 *       wasi_run_start(instance, &status, &trap);  // false: trapped (trap set)
 *       wasm_instance_delete(instance);
 *     } else {
 *       wasmrt_trap_exit_status(trap, &status);    // (wasmrt.h) proc_exit in a start function
 *     }
 *   }
 *   // report and delete `trap` if set
 *
 * The functions (declared at the end):
 * - wasi_config_new / wasi_config_delete: a configuration with the defaults / free one that was
 *   not given to wasi_instance_imports.
 * - wasi_config_set_argv(config, argc, argv) (argv[0] is the program name) / _inherit_argv;
 *   wasi_config_set_env(config, envc, names, values) / _inherit_env. Strings are copied; the
 *   setters return false, changing nothing, for a NULL or non-UTF-8 string.
 * - Standard input: wasi_config_set_stdin_file(config, path) (false if it cannot be opened),
 *   wasi_config_set_stdin_bytes(config, bytes) (takes the vector's contents, leaving it empty),
 *   wasi_config_inherit_stdin.
 * - Standard output and error: wasi_config_set_stdout_file / _stderr_file(config, path) (the
 *   file is created or truncated now; false if it cannot be), wasi_config_inherit_stdout /
 *   _stderr, wasi_config_set_stdout_callback / _stderr_callback(config, callback, env,
 *   finalizer): callback(env, data, len) for each write (it must not call into the store);
 *   finalizer(env), if not NULL, runs when the callback is no longer needed (configuration
 *   deleted, stream set again, or the store holding the WASI functions gone), or at once if the
 *   call returns false.
 * - wasi_config_preopen_dir(config, host_path, guest_path): read-write;
 *   wasi_config_preopen_dir_readonly: nothing beneath it may be created, written, renamed or
 *   removed. False if host_path is not a directory or guest_path is not UTF-8 (host paths may be
 *   any bytes).
 * - wasi_instance_imports(store, module, config, host_imports, host_imports_len, out, trap):
 *   TAKES `config` (deleted whether it succeeds or not). Writes to `out` one new external per
 *   import of `module`, in its import order, for wasm_instance_new (the host deletes `out` with
 *   wasm_extern_vec_delete): WASI imports (wasi_snapshot_preview1, wasi_unstable) bound to a
 *   context made from `config`, every other import taken from `host_imports` (first entry with
 *   the same module and name). On failure (an import nobody provides, a preopened directory that
 *   cannot be opened, a NULL argument) returns false, writes an empty vector and, if `trap` is
 *   not NULL, a trap saying why, e.g. `unknown import "env" "f"`.
 * - wasi_run_start(instance, exit_status, trap): runs the program once: a command's _start, or
 *   for a reactor (exports _initialize and no _start) its _initialize, after which its exports
 *   are ready to call. True when it ended normally, with *exit_status (if not NULL) 0 when the
 *   function returned, else the status passed to proc_exit. False when it trapped, or exports
 *   neither function, with the trap (message and backtrace) in *trap if `trap` is not NULL.
 *
 * Sandbox: the program reaches host files only beneath preopened directories (absolute paths,
 * ".." above a preopen and symbolic links leading out are refused); by default it gets no
 * arguments, no environment, an empty standard input and discarded output.
 */
#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a WASI program is given: arguments, environment, standard streams, preopened
 * directories. Made by wasi_config_new; consumed by wasi_instance_imports. */
typedef struct wasi_config_t wasi_config_t;

/* Receives each write of the program to standard output or error: `len` bytes at `data`,
 * valid during the call only. */
typedef void (*wasi_output_callback_t)(void* env, const char* data, size_t len);

/* One import the host provides to wasi_instance_imports: `item` (borrowed, of the same store)
 * for the import named `module` `name` (NUL-terminated UTF-8). */
typedef struct wasi_host_import_t {
  const char* module;
  const char* name;
  const wasm_extern_t* item;
} wasi_host_import_t;

/* Functions */
WASM_API_EXTERN wasi_config_t *wasi_config_new(void);
WASM_API_EXTERN void wasi_config_delete(wasi_config_t *config);
WASM_API_EXTERN bool wasi_config_set_argv(wasi_config_t *config, size_t argc, const char *const *argv);
WASM_API_EXTERN void wasi_config_inherit_argv(wasi_config_t *config);
WASM_API_EXTERN bool wasi_config_set_env(wasi_config_t *config, size_t envc, const char *const *names, const char *const *values);
WASM_API_EXTERN void wasi_config_inherit_env(wasi_config_t *config);
WASM_API_EXTERN bool wasi_config_set_stdin_file(wasi_config_t *config, const char *path);
WASM_API_EXTERN void wasi_config_set_stdin_bytes(wasi_config_t *config, wasm_byte_vec_t *bytes);
WASM_API_EXTERN void wasi_config_inherit_stdin(wasi_config_t *config);
WASM_API_EXTERN bool wasi_config_set_stdout_file(wasi_config_t *config, const char *path);
WASM_API_EXTERN void wasi_config_inherit_stdout(wasi_config_t *config);
WASM_API_EXTERN bool wasi_config_set_stdout_callback(wasi_config_t *config, wasi_output_callback_t callback, void *env, void (*finalizer)(void*));
WASM_API_EXTERN bool wasi_config_set_stderr_file(wasi_config_t *config, const char *path);
WASM_API_EXTERN void wasi_config_inherit_stderr(wasi_config_t *config);
WASM_API_EXTERN bool wasi_config_set_stderr_callback(wasi_config_t *config, wasi_output_callback_t callback, void *env, void (*finalizer)(void*));
WASM_API_EXTERN bool wasi_config_preopen_dir(wasi_config_t *config, const char *path, const char *guest_path);
WASM_API_EXTERN bool wasi_config_preopen_dir_readonly(wasi_config_t *config, const char *path, const char *guest_path);
WASM_API_EXTERN bool wasi_instance_imports(wasm_store_t *store, const wasm_module_t *module, wasi_config_t *config, const wasi_host_import_t *host_imports, size_t host_imports_len, wasm_extern_vec_t *out, wasm_trap_t **trap);
WASM_API_EXTERN bool wasi_run_start(const wasm_instance_t *instance, int *exit_status, wasm_trap_t **trap);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WASI_H */
