/* wasm.h: the standard WebAssembly C API (wasm-c-api), as implemented by wasmrt.
 *
 * Source- and ABI-compatible with the standard header: a host written against the standard API
 * compiles unchanged and links against libwasmrt. The declarations of functions are generated
 * from the library's Rust sources; the types, constants and inline helpers below are written by
 * hand. wasmrt's extensions are in wasmrt.h, WASI in wasi.h.
 *
 * Conventions (all functions):
 * - `own` marks ownership passing: an `own` result belongs to the caller, who releases it with
 *   the matching `_delete`; an `own` parameter is taken by the callee; `own` out-parameters are
 *   written by the callee and then belong to the caller.
 * - Deleting NULL does nothing. Functions given NULL where an object is required return NULL,
 *   false, 0 or an empty vector, or do nothing; a call returns a trap.
 * - A store and everything made from it belong to one thread at a time. Modules and engines may
 *   be shared across threads (wasm_module_share / wasm_module_obtain).
 * - No call unwinds into the host: errors are results, traps or NULL.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <assert.h>

#ifndef WASM_API_EXTERN
#define WASM_API_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Machine types */
typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

/* Ownership marker (documentation only) */
#define own

/* Byte vectors and names */
typedef byte_t wasm_byte_t;
typedef struct wasm_byte_vec_t {
  size_t size;
  wasm_byte_t* data;
} wasm_byte_vec_t;

typedef wasm_byte_vec_t wasm_name_t;
#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

/* Runtime environment */
typedef struct wasm_config_t wasm_config_t;
typedef struct wasm_engine_t wasm_engine_t;
typedef struct wasm_store_t wasm_store_t;

/* Type attributes */
typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum {
  WASM_CONST,
  WASM_VAR,
};

typedef struct wasm_limits_t {
  uint32_t min;
  uint32_t max;
} wasm_limits_t;

static const uint32_t wasm_limits_max_default = 0xffffffff;

/* Type objects and their vectors (vectors own their elements) */
typedef struct wasm_valtype_t wasm_valtype_t;
typedef struct wasm_valtype_vec_t {
  size_t size;
  wasm_valtype_t** data;
} wasm_valtype_vec_t;
typedef struct wasm_functype_t wasm_functype_t;
typedef struct wasm_functype_vec_t {
  size_t size;
  wasm_functype_t** data;
} wasm_functype_vec_t;
typedef struct wasm_globaltype_t wasm_globaltype_t;
typedef struct wasm_globaltype_vec_t {
  size_t size;
  wasm_globaltype_t** data;
} wasm_globaltype_vec_t;
typedef struct wasm_tabletype_t wasm_tabletype_t;
typedef struct wasm_tabletype_vec_t {
  size_t size;
  wasm_tabletype_t** data;
} wasm_tabletype_vec_t;
typedef struct wasm_memorytype_t wasm_memorytype_t;
typedef struct wasm_memorytype_vec_t {
  size_t size;
  wasm_memorytype_t** data;
} wasm_memorytype_vec_t;
typedef struct wasm_externtype_t wasm_externtype_t;
typedef struct wasm_externtype_vec_t {
  size_t size;
  wasm_externtype_t** data;
} wasm_externtype_vec_t;
typedef struct wasm_importtype_t wasm_importtype_t;
typedef struct wasm_importtype_vec_t {
  size_t size;
  wasm_importtype_t** data;
} wasm_importtype_vec_t;
typedef struct wasm_exporttype_t wasm_exporttype_t;
typedef struct wasm_exporttype_vec_t {
  size_t size;
  wasm_exporttype_t** data;
} wasm_exporttype_vec_t;

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32,
  WASM_I64,
  WASM_F32,
  WASM_F64,
  WASM_EXTERNREF = 128,
  WASM_FUNCREF,
};

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC,
  WASM_EXTERN_GLOBAL,
  WASM_EXTERN_TABLE,
  WASM_EXTERN_MEMORY,
};

/* Reference objects */
typedef struct wasm_ref_t wasm_ref_t;
typedef struct wasm_trap_t wasm_trap_t;
typedef struct wasm_foreign_t wasm_foreign_t;
typedef struct wasm_module_t wasm_module_t;
typedef struct wasm_func_t wasm_func_t;
typedef struct wasm_global_t wasm_global_t;
typedef struct wasm_table_t wasm_table_t;
typedef struct wasm_memory_t wasm_memory_t;
typedef struct wasm_extern_t wasm_extern_t;
typedef struct wasm_instance_t wasm_instance_t;
typedef struct wasm_shared_module_t wasm_shared_module_t;

/* Values: a kind and an 8-byte payload; references are owned (NULL is the null reference) */
typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    struct wasm_ref_t* ref;
  } of;
} wasm_val_t;

typedef struct wasm_val_vec_t {
  size_t size;
  wasm_val_t* data;
} wasm_val_vec_t;

/* Frames and traps */
typedef struct wasm_frame_t wasm_frame_t;
typedef struct wasm_frame_vec_t {
  size_t size;
  wasm_frame_t** data;
} wasm_frame_vec_t;

/* A trap message: NUL-terminated */
typedef wasm_name_t wasm_message_t;

/* Host functions: return NULL, or a trap the callee owns */
typedef own wasm_trap_t* (*wasm_func_callback_t)(const wasm_val_vec_t* args, own wasm_val_vec_t* results);
typedef own wasm_trap_t* (*wasm_func_callback_with_env_t)(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results);

typedef uint32_t wasm_table_size_t;

typedef uint32_t wasm_memory_pages_t;
static const size_t MEMORY_PAGE_SIZE = 0x10000;

typedef struct wasm_extern_vec_t {
  size_t size;
  wasm_extern_t** data;
} wasm_extern_vec_t;

/* Functions */
