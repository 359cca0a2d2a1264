#ifndef WASM_H
#define WASM_H

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
WASM_API_EXTERN void wasm_extern_delete(wasm_extern_t *r);
WASM_API_EXTERN wasm_extern_t *wasm_extern_copy(const wasm_extern_t *r);
WASM_API_EXTERN bool wasm_extern_same(const wasm_extern_t *a, const wasm_extern_t *b);
WASM_API_EXTERN void *wasm_extern_get_host_info(const wasm_extern_t *r);
WASM_API_EXTERN void wasm_extern_set_host_info(wasm_extern_t *r, void *info);
WASM_API_EXTERN void wasm_extern_set_host_info_with_finalizer(wasm_extern_t *r, void *info, void (*finalizer)(void*));
WASM_API_EXTERN wasm_ref_t *wasm_extern_as_ref(wasm_extern_t *r);
WASM_API_EXTERN const wasm_ref_t *wasm_extern_as_ref_const(const wasm_extern_t *r);
WASM_API_EXTERN wasm_extern_t *wasm_ref_as_extern(wasm_ref_t *r);
WASM_API_EXTERN const wasm_extern_t *wasm_ref_as_extern_const(const wasm_ref_t *r);
WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t *e);
WASM_API_EXTERN wasm_externtype_t *wasm_extern_type(const wasm_extern_t *e);
WASM_API_EXTERN wasm_extern_t *wasm_func_as_extern(wasm_func_t *x);
WASM_API_EXTERN const wasm_extern_t *wasm_func_as_extern_const(const wasm_func_t *x);
WASM_API_EXTERN wasm_func_t *wasm_extern_as_func(wasm_extern_t *e);
WASM_API_EXTERN const wasm_func_t *wasm_extern_as_func_const(const wasm_extern_t *e);
WASM_API_EXTERN wasm_extern_t *wasm_global_as_extern(wasm_global_t *x);
WASM_API_EXTERN const wasm_extern_t *wasm_global_as_extern_const(const wasm_global_t *x);
WASM_API_EXTERN wasm_global_t *wasm_extern_as_global(wasm_extern_t *e);
WASM_API_EXTERN const wasm_global_t *wasm_extern_as_global_const(const wasm_extern_t *e);
WASM_API_EXTERN wasm_extern_t *wasm_table_as_extern(wasm_table_t *x);
WASM_API_EXTERN const wasm_extern_t *wasm_table_as_extern_const(const wasm_table_t *x);
WASM_API_EXTERN wasm_table_t *wasm_extern_as_table(wasm_extern_t *e);
WASM_API_EXTERN const wasm_table_t *wasm_extern_as_table_const(const wasm_extern_t *e);
WASM_API_EXTERN wasm_extern_t *wasm_memory_as_extern(wasm_memory_t *x);
WASM_API_EXTERN const wasm_extern_t *wasm_memory_as_extern_const(const wasm_memory_t *x);
WASM_API_EXTERN wasm_memory_t *wasm_extern_as_memory(wasm_extern_t *e);
WASM_API_EXTERN const wasm_memory_t *wasm_extern_as_memory_const(const wasm_extern_t *e);
WASM_API_EXTERN void wasm_frame_delete(wasm_frame_t *f);
WASM_API_EXTERN wasm_frame_t *wasm_frame_copy(const wasm_frame_t *f);
WASM_API_EXTERN wasm_instance_t *wasm_frame_instance(const wasm_frame_t *f);
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t *f);
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t *f);
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t *f);
WASM_API_EXTERN void wasm_func_delete(wasm_func_t *r);
WASM_API_EXTERN wasm_func_t *wasm_func_copy(const wasm_func_t *r);
WASM_API_EXTERN bool wasm_func_same(const wasm_func_t *a, const wasm_func_t *b);
WASM_API_EXTERN void *wasm_func_get_host_info(const wasm_func_t *r);
WASM_API_EXTERN void wasm_func_set_host_info(wasm_func_t *r, void *info);
WASM_API_EXTERN void wasm_func_set_host_info_with_finalizer(wasm_func_t *r, void *info, void (*finalizer)(void*));
WASM_API_EXTERN wasm_ref_t *wasm_func_as_ref(wasm_func_t *r);
WASM_API_EXTERN const wasm_ref_t *wasm_func_as_ref_const(const wasm_func_t *r);
WASM_API_EXTERN wasm_func_t *wasm_ref_as_func(wasm_ref_t *r);
WASM_API_EXTERN const wasm_func_t *wasm_ref_as_func_const(const wasm_ref_t *r);
WASM_API_EXTERN wasm_func_t *wasm_func_new(wasm_store_t *store, const wasm_functype_t *ty, wasm_func_callback_t callback);
WASM_API_EXTERN wasm_func_t *wasm_func_new_with_env(wasm_store_t *store, const wasm_functype_t *ty, wasm_func_callback_with_env_t callback, void *env, void (*finalizer)(void*));
WASM_API_EXTERN wasm_functype_t *wasm_func_type(const wasm_func_t *f);
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t *f);
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t *f);
WASM_API_EXTERN wasm_trap_t *wasm_func_call(const wasm_func_t *f, const wasm_val_vec_t *args, wasm_val_vec_t *results);
WASM_API_EXTERN void wasm_global_delete(wasm_global_t *r);
WASM_API_EXTERN wasm_global_t *wasm_global_copy(const wasm_global_t *r);
WASM_API_EXTERN bool wasm_global_same(const wasm_global_t *a, const wasm_global_t *b);
WASM_API_EXTERN void *wasm_global_get_host_info(const wasm_global_t *r);
WASM_API_EXTERN void wasm_global_set_host_info(wasm_global_t *r, void *info);
WASM_API_EXTERN void wasm_global_set_host_info_with_finalizer(wasm_global_t *r, void *info, void (*finalizer)(void*));
WASM_API_EXTERN wasm_ref_t *wasm_global_as_ref(wasm_global_t *r);
WASM_API_EXTERN const wasm_ref_t *wasm_global_as_ref_const(const wasm_global_t *r);
WASM_API_EXTERN wasm_global_t *wasm_ref_as_global(wasm_ref_t *r);
WASM_API_EXTERN const wasm_global_t *wasm_ref_as_global_const(const wasm_ref_t *r);
WASM_API_EXTERN wasm_global_t *wasm_global_new(wasm_store_t *store, const wasm_globaltype_t *ty, const wasm_val_t *val);
WASM_API_EXTERN wasm_globaltype_t *wasm_global_type(const wasm_global_t *g);
WASM_API_EXTERN void wasm_global_get(const wasm_global_t *g, wasm_val_t *out);
WASM_API_EXTERN void wasm_global_set(wasm_global_t *g, const wasm_val_t *val);
WASM_API_EXTERN void wasm_instance_delete(wasm_instance_t *r);
WASM_API_EXTERN wasm_instance_t *wasm_instance_copy(const wasm_instance_t *r);
WASM_API_EXTERN bool wasm_instance_same(const wasm_instance_t *a, const wasm_instance_t *b);
WASM_API_EXTERN void *wasm_instance_get_host_info(const wasm_instance_t *r);
WASM_API_EXTERN void wasm_instance_set_host_info(wasm_instance_t *r, void *info);
WASM_API_EXTERN void wasm_instance_set_host_info_with_finalizer(wasm_instance_t *r, void *info, void (*finalizer)(void*));
WASM_API_EXTERN wasm_ref_t *wasm_instance_as_ref(wasm_instance_t *r);
WASM_API_EXTERN const wasm_ref_t *wasm_instance_as_ref_const(const wasm_instance_t *r);
WASM_API_EXTERN wasm_instance_t *wasm_ref_as_instance(wasm_ref_t *r);
WASM_API_EXTERN const wasm_instance_t *wasm_ref_as_instance_const(const wasm_ref_t *r);
WASM_API_EXTERN wasm_instance_t *wasm_instance_new(wasm_store_t *store, const wasm_module_t *module, const wasm_extern_vec_t *imports, wasm_trap_t **trap);
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t *instance, wasm_extern_vec_t *out);
WASM_API_EXTERN void wasm_memory_delete(wasm_memory_t *r);
WASM_API_EXTERN wasm_memory_t *wasm_memory_copy(const wasm_memory_t *r);
WASM_API_EXTERN bool wasm_memory_same(const wasm_memory_t *a, const wasm_memory_t *b);
WASM_API_EXTERN void *wasm_memory_get_host_info(const wasm_memory_t *r);
WASM_API_EXTERN void wasm_memory_set_host_info(wasm_memory_t *r, void *info);
WASM_API_EXTERN void wasm_memory_set_host_info_with_finalizer(wasm_memory_t *r, void *info, void (*finalizer)(void*));
WASM_API_EXTERN wasm_ref_t *wasm_memory_as_ref(wasm_memory_t *r);
WASM_API_EXTERN const wasm_ref_t *wasm_memory_as_ref_const(const wasm_memory_t *r);
WASM_API_EXTERN wasm_memory_t *wasm_ref_as_memory(wasm_ref_t *r);
WASM_API_EXTERN const wasm_memory_t *wasm_ref_as_memory_const(const wasm_ref_t *r);
WASM_API_EXTERN wasm_memory_t *wasm_memory_new(wasm_store_t *store, const wasm_memorytype_t *ty);
WASM_API_EXTERN wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *m);
WASM_API_EXTERN char *wasm_memory_data(wasm_memory_t *m);
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t *m);
WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *m);
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t *m, wasm_memory_pages_t delta);
WASM_API_EXTERN void wasm_module_delete(wasm_module_t *r);
WASM_API_EXTERN wasm_module_t *wasm_module_copy(const wasm_module_t *r);
WASM_API_EXTERN bool wasm_module_same(const wasm_module_t *a, const wasm_module_t *b);
WASM_API_EXTERN void *wasm_module_get_host_info(const wasm_module_t *r);
WASM_API_EXTERN void wasm_module_set_host_info(wasm_module_t *r, void *info);
WASM_API_EXTERN void wasm_module_set_host_info_with_finalizer(wasm_module_t *r, void *info, void (*finalizer)(void*));
WASM_API_EXTERN wasm_ref_t *wasm_module_as_ref(wasm_module_t *r);
WASM_API_EXTERN const wasm_ref_t *wasm_module_as_ref_const(const wasm_module_t *r);
WASM_API_EXTERN wasm_module_t *wasm_ref_as_module(wasm_ref_t *r);
WASM_API_EXTERN const wasm_module_t *wasm_ref_as_module_const(const wasm_ref_t *r);
WASM_API_EXTERN wasm_module_t *wasm_module_new(wasm_store_t *store, const wasm_byte_vec_t *binary);
WASM_API_EXTERN bool wasm_module_validate(wasm_store_t *store, const wasm_byte_vec_t *binary);
WASM_API_EXTERN void wasm_module_imports(const wasm_module_t *module, wasm_importtype_vec_t *out);
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t *module, wasm_exporttype_vec_t *out);
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t *module, wasm_byte_vec_t *out);
WASM_API_EXTERN wasm_module_t *wasm_module_deserialize(wasm_store_t *store, const wasm_byte_vec_t *bytes);
WASM_API_EXTERN wasm_shared_module_t *wasm_module_share(const wasm_module_t *module);
WASM_API_EXTERN wasm_module_t *wasm_module_obtain(wasm_store_t *store, const wasm_shared_module_t *shared);
WASM_API_EXTERN void wasm_shared_module_delete(wasm_shared_module_t *shared);
WASM_API_EXTERN void wasm_ref_delete(wasm_ref_t *r);
WASM_API_EXTERN wasm_ref_t *wasm_ref_copy(const wasm_ref_t *r);
WASM_API_EXTERN bool wasm_ref_same(const wasm_ref_t *a, const wasm_ref_t *b);
WASM_API_EXTERN void *wasm_ref_get_host_info(const wasm_ref_t *r);
WASM_API_EXTERN void wasm_ref_set_host_info(wasm_ref_t *r, void *info);
WASM_API_EXTERN void wasm_ref_set_host_info_with_finalizer(wasm_ref_t *r, void *info, void (*finalizer)(void*));
WASM_API_EXTERN void wasm_foreign_delete(wasm_foreign_t *r);
WASM_API_EXTERN wasm_foreign_t *wasm_foreign_copy(const wasm_foreign_t *r);
WASM_API_EXTERN bool wasm_foreign_same(const wasm_foreign_t *a, const wasm_foreign_t *b);
WASM_API_EXTERN void *wasm_foreign_get_host_info(const wasm_foreign_t *r);
WASM_API_EXTERN void wasm_foreign_set_host_info(wasm_foreign_t *r, void *info);
WASM_API_EXTERN void wasm_foreign_set_host_info_with_finalizer(wasm_foreign_t *r, void *info, void (*finalizer)(void*));
WASM_API_EXTERN wasm_ref_t *wasm_foreign_as_ref(wasm_foreign_t *r);
WASM_API_EXTERN const wasm_ref_t *wasm_foreign_as_ref_const(const wasm_foreign_t *r);
WASM_API_EXTERN wasm_foreign_t *wasm_ref_as_foreign(wasm_ref_t *r);
WASM_API_EXTERN const wasm_foreign_t *wasm_ref_as_foreign_const(const wasm_ref_t *r);
WASM_API_EXTERN wasm_foreign_t *wasm_foreign_new(wasm_store_t *store);
WASM_API_EXTERN wasm_config_t *wasm_config_new(void);
WASM_API_EXTERN void wasm_config_delete(wasm_config_t *c);
WASM_API_EXTERN wasm_engine_t *wasm_engine_new(void);
WASM_API_EXTERN wasm_engine_t *wasm_engine_new_with_config(wasm_config_t *config);
WASM_API_EXTERN void wasm_engine_delete(wasm_engine_t *e);
WASM_API_EXTERN wasm_store_t *wasm_store_new(wasm_engine_t *engine);
WASM_API_EXTERN void wasm_store_delete(wasm_store_t *s);
WASM_API_EXTERN void wasm_table_delete(wasm_table_t *r);
WASM_API_EXTERN wasm_table_t *wasm_table_copy(const wasm_table_t *r);
WASM_API_EXTERN bool wasm_table_same(const wasm_table_t *a, const wasm_table_t *b);
WASM_API_EXTERN void *wasm_table_get_host_info(const wasm_table_t *r);
WASM_API_EXTERN void wasm_table_set_host_info(wasm_table_t *r, void *info);
WASM_API_EXTERN void wasm_table_set_host_info_with_finalizer(wasm_table_t *r, void *info, void (*finalizer)(void*));
WASM_API_EXTERN wasm_ref_t *wasm_table_as_ref(wasm_table_t *r);
WASM_API_EXTERN const wasm_ref_t *wasm_table_as_ref_const(const wasm_table_t *r);
WASM_API_EXTERN wasm_table_t *wasm_ref_as_table(wasm_ref_t *r);
WASM_API_EXTERN const wasm_table_t *wasm_ref_as_table_const(const wasm_ref_t *r);
WASM_API_EXTERN wasm_table_t *wasm_table_new(wasm_store_t *store, const wasm_tabletype_t *ty, wasm_ref_t *init);
WASM_API_EXTERN wasm_tabletype_t *wasm_table_type(const wasm_table_t *t);
WASM_API_EXTERN wasm_ref_t *wasm_table_get(const wasm_table_t *t, wasm_table_size_t index);
WASM_API_EXTERN bool wasm_table_set(wasm_table_t *t, wasm_table_size_t index, wasm_ref_t *r);
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t *t);
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t *t, wasm_table_size_t delta, wasm_ref_t *init);
WASM_API_EXTERN void wasm_trap_delete(wasm_trap_t *r);
WASM_API_EXTERN wasm_trap_t *wasm_trap_copy(const wasm_trap_t *r);
WASM_API_EXTERN bool wasm_trap_same(const wasm_trap_t *a, const wasm_trap_t *b);
WASM_API_EXTERN void *wasm_trap_get_host_info(const wasm_trap_t *r);
WASM_API_EXTERN void wasm_trap_set_host_info(wasm_trap_t *r, void *info);
WASM_API_EXTERN void wasm_trap_set_host_info_with_finalizer(wasm_trap_t *r, void *info, void (*finalizer)(void*));
WASM_API_EXTERN wasm_ref_t *wasm_trap_as_ref(wasm_trap_t *r);
WASM_API_EXTERN const wasm_ref_t *wasm_trap_as_ref_const(const wasm_trap_t *r);
WASM_API_EXTERN wasm_trap_t *wasm_ref_as_trap(wasm_ref_t *r);
WASM_API_EXTERN const wasm_trap_t *wasm_ref_as_trap_const(const wasm_ref_t *r);
WASM_API_EXTERN wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *message);
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t *trap, wasm_message_t *out);
WASM_API_EXTERN wasm_frame_t *wasm_trap_origin(const wasm_trap_t *trap);
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t *trap, wasm_frame_vec_t *out);
WASM_API_EXTERN wasm_valtype_t *wasm_valtype_new(wasm_valkind_t kind);
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *t);
WASM_API_EXTERN void wasm_valtype_delete(wasm_valtype_t *t);
WASM_API_EXTERN void wasm_functype_delete(wasm_functype_t *t);
WASM_API_EXTERN void wasm_globaltype_delete(wasm_globaltype_t *t);
WASM_API_EXTERN void wasm_tabletype_delete(wasm_tabletype_t *t);
WASM_API_EXTERN void wasm_memorytype_delete(wasm_memorytype_t *t);
WASM_API_EXTERN void wasm_externtype_delete(wasm_externtype_t *t);
WASM_API_EXTERN void wasm_importtype_delete(wasm_importtype_t *t);
WASM_API_EXTERN void wasm_exporttype_delete(wasm_exporttype_t *t);
WASM_API_EXTERN wasm_valtype_t *wasm_valtype_copy(const wasm_valtype_t *t);
WASM_API_EXTERN wasm_functype_t *wasm_functype_copy(const wasm_functype_t *t);
WASM_API_EXTERN wasm_externtype_t *wasm_functype_as_externtype(wasm_functype_t *t);
WASM_API_EXTERN const wasm_externtype_t *wasm_functype_as_externtype_const(const wasm_functype_t *t);
WASM_API_EXTERN wasm_functype_t *wasm_externtype_as_functype(wasm_externtype_t *t);
WASM_API_EXTERN const wasm_functype_t *wasm_externtype_as_functype_const(const wasm_externtype_t *t);
WASM_API_EXTERN wasm_globaltype_t *wasm_globaltype_copy(const wasm_globaltype_t *t);
WASM_API_EXTERN wasm_externtype_t *wasm_globaltype_as_externtype(wasm_globaltype_t *t);
WASM_API_EXTERN const wasm_externtype_t *wasm_globaltype_as_externtype_const(const wasm_globaltype_t *t);
WASM_API_EXTERN wasm_globaltype_t *wasm_externtype_as_globaltype(wasm_externtype_t *t);
WASM_API_EXTERN const wasm_globaltype_t *wasm_externtype_as_globaltype_const(const wasm_externtype_t *t);
WASM_API_EXTERN wasm_tabletype_t *wasm_tabletype_copy(const wasm_tabletype_t *t);
WASM_API_EXTERN wasm_externtype_t *wasm_tabletype_as_externtype(wasm_tabletype_t *t);
WASM_API_EXTERN const wasm_externtype_t *wasm_tabletype_as_externtype_const(const wasm_tabletype_t *t);
WASM_API_EXTERN wasm_tabletype_t *wasm_externtype_as_tabletype(wasm_externtype_t *t);
WASM_API_EXTERN const wasm_tabletype_t *wasm_externtype_as_tabletype_const(const wasm_externtype_t *t);
WASM_API_EXTERN wasm_memorytype_t *wasm_memorytype_copy(const wasm_memorytype_t *t);
WASM_API_EXTERN wasm_externtype_t *wasm_memorytype_as_externtype(wasm_memorytype_t *t);
WASM_API_EXTERN const wasm_externtype_t *wasm_memorytype_as_externtype_const(const wasm_memorytype_t *t);
WASM_API_EXTERN wasm_memorytype_t *wasm_externtype_as_memorytype(wasm_externtype_t *t);
WASM_API_EXTERN const wasm_memorytype_t *wasm_externtype_as_memorytype_const(const wasm_externtype_t *t);
WASM_API_EXTERN wasm_externtype_t *wasm_externtype_copy(const wasm_externtype_t *t);
WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *t);
WASM_API_EXTERN wasm_functype_t *wasm_functype_new(wasm_valtype_vec_t *params, wasm_valtype_vec_t *results);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *t);
WASM_API_EXTERN const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *t);
WASM_API_EXTERN wasm_globaltype_t *wasm_globaltype_new(wasm_valtype_t *content, wasm_mutability_t mutability);
WASM_API_EXTERN const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *t);
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *t);
WASM_API_EXTERN wasm_tabletype_t *wasm_tabletype_new(wasm_valtype_t *element, const wasm_limits_t *limits);
WASM_API_EXTERN const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *t);
WASM_API_EXTERN const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *t);
WASM_API_EXTERN wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *limits);
WASM_API_EXTERN const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *t);
WASM_API_EXTERN wasm_importtype_t *wasm_importtype_new(wasm_name_t *module, wasm_name_t *name, wasm_externtype_t *ty);
WASM_API_EXTERN wasm_importtype_t *wasm_importtype_copy(const wasm_importtype_t *t);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *t);
WASM_API_EXTERN const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *t);
WASM_API_EXTERN const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *t);
WASM_API_EXTERN wasm_exporttype_t *wasm_exporttype_new(wasm_name_t *name, wasm_externtype_t *ty);
WASM_API_EXTERN wasm_exporttype_t *wasm_exporttype_copy(const wasm_exporttype_t *t);
WASM_API_EXTERN const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *t);
WASM_API_EXTERN const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *t);
WASM_API_EXTERN void wasm_val_delete(wasm_val_t *v);
WASM_API_EXTERN void wasm_val_copy(wasm_val_t *out, const wasm_val_t *v);
WASM_API_EXTERN void wasm_byte_vec_new_empty(wasm_byte_vec_t *out);
WASM_API_EXTERN void wasm_byte_vec_new_uninitialized(wasm_byte_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_byte_vec_new(wasm_byte_vec_t *out, size_t size, const wasm_byte_t *data);
WASM_API_EXTERN void wasm_byte_vec_copy(wasm_byte_vec_t *out, const wasm_byte_vec_t *src);
WASM_API_EXTERN void wasm_byte_vec_delete(wasm_byte_vec_t *v);
WASM_API_EXTERN void wasm_valtype_vec_new_empty(wasm_valtype_vec_t *out);
WASM_API_EXTERN void wasm_valtype_vec_new_uninitialized(wasm_valtype_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_valtype_vec_new(wasm_valtype_vec_t *out, size_t size, wasm_valtype_t *const *data);
WASM_API_EXTERN void wasm_valtype_vec_copy(wasm_valtype_vec_t *out, const wasm_valtype_vec_t *src);
WASM_API_EXTERN void wasm_valtype_vec_delete(wasm_valtype_vec_t *v);
WASM_API_EXTERN void wasm_functype_vec_new_empty(wasm_functype_vec_t *out);
WASM_API_EXTERN void wasm_functype_vec_new_uninitialized(wasm_functype_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_functype_vec_new(wasm_functype_vec_t *out, size_t size, wasm_functype_t *const *data);
WASM_API_EXTERN void wasm_functype_vec_copy(wasm_functype_vec_t *out, const wasm_functype_vec_t *src);
WASM_API_EXTERN void wasm_functype_vec_delete(wasm_functype_vec_t *v);
WASM_API_EXTERN void wasm_globaltype_vec_new_empty(wasm_globaltype_vec_t *out);
WASM_API_EXTERN void wasm_globaltype_vec_new_uninitialized(wasm_globaltype_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_globaltype_vec_new(wasm_globaltype_vec_t *out, size_t size, wasm_globaltype_t *const *data);
WASM_API_EXTERN void wasm_globaltype_vec_copy(wasm_globaltype_vec_t *out, const wasm_globaltype_vec_t *src);
WASM_API_EXTERN void wasm_globaltype_vec_delete(wasm_globaltype_vec_t *v);
WASM_API_EXTERN void wasm_tabletype_vec_new_empty(wasm_tabletype_vec_t *out);
WASM_API_EXTERN void wasm_tabletype_vec_new_uninitialized(wasm_tabletype_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_tabletype_vec_new(wasm_tabletype_vec_t *out, size_t size, wasm_tabletype_t *const *data);
WASM_API_EXTERN void wasm_tabletype_vec_copy(wasm_tabletype_vec_t *out, const wasm_tabletype_vec_t *src);
WASM_API_EXTERN void wasm_tabletype_vec_delete(wasm_tabletype_vec_t *v);
WASM_API_EXTERN void wasm_memorytype_vec_new_empty(wasm_memorytype_vec_t *out);
WASM_API_EXTERN void wasm_memorytype_vec_new_uninitialized(wasm_memorytype_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_memorytype_vec_new(wasm_memorytype_vec_t *out, size_t size, wasm_memorytype_t *const *data);
WASM_API_EXTERN void wasm_memorytype_vec_copy(wasm_memorytype_vec_t *out, const wasm_memorytype_vec_t *src);
WASM_API_EXTERN void wasm_memorytype_vec_delete(wasm_memorytype_vec_t *v);
WASM_API_EXTERN void wasm_externtype_vec_new_empty(wasm_externtype_vec_t *out);
WASM_API_EXTERN void wasm_externtype_vec_new_uninitialized(wasm_externtype_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_externtype_vec_new(wasm_externtype_vec_t *out, size_t size, wasm_externtype_t *const *data);
WASM_API_EXTERN void wasm_externtype_vec_copy(wasm_externtype_vec_t *out, const wasm_externtype_vec_t *src);
WASM_API_EXTERN void wasm_externtype_vec_delete(wasm_externtype_vec_t *v);
WASM_API_EXTERN void wasm_importtype_vec_new_empty(wasm_importtype_vec_t *out);
WASM_API_EXTERN void wasm_importtype_vec_new_uninitialized(wasm_importtype_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_importtype_vec_new(wasm_importtype_vec_t *out, size_t size, wasm_importtype_t *const *data);
WASM_API_EXTERN void wasm_importtype_vec_copy(wasm_importtype_vec_t *out, const wasm_importtype_vec_t *src);
WASM_API_EXTERN void wasm_importtype_vec_delete(wasm_importtype_vec_t *v);
WASM_API_EXTERN void wasm_exporttype_vec_new_empty(wasm_exporttype_vec_t *out);
WASM_API_EXTERN void wasm_exporttype_vec_new_uninitialized(wasm_exporttype_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_exporttype_vec_new(wasm_exporttype_vec_t *out, size_t size, wasm_exporttype_t *const *data);
WASM_API_EXTERN void wasm_exporttype_vec_copy(wasm_exporttype_vec_t *out, const wasm_exporttype_vec_t *src);
WASM_API_EXTERN void wasm_exporttype_vec_delete(wasm_exporttype_vec_t *v);
WASM_API_EXTERN void wasm_val_vec_new_empty(wasm_val_vec_t *out);
WASM_API_EXTERN void wasm_val_vec_new_uninitialized(wasm_val_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_val_vec_new(wasm_val_vec_t *out, size_t size, const wasm_val_t *data);
WASM_API_EXTERN void wasm_val_vec_copy(wasm_val_vec_t *out, const wasm_val_vec_t *src);
WASM_API_EXTERN void wasm_val_vec_delete(wasm_val_vec_t *v);
WASM_API_EXTERN void wasm_frame_vec_new_empty(wasm_frame_vec_t *out);
WASM_API_EXTERN void wasm_frame_vec_new_uninitialized(wasm_frame_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_frame_vec_new(wasm_frame_vec_t *out, size_t size, wasm_frame_t *const *data);
WASM_API_EXTERN void wasm_frame_vec_copy(wasm_frame_vec_t *out, const wasm_frame_vec_t *src);
WASM_API_EXTERN void wasm_frame_vec_delete(wasm_frame_vec_t *v);
WASM_API_EXTERN void wasm_extern_vec_new_empty(wasm_extern_vec_t *out);
WASM_API_EXTERN void wasm_extern_vec_new_uninitialized(wasm_extern_vec_t *out, size_t size);
WASM_API_EXTERN void wasm_extern_vec_new(wasm_extern_vec_t *out, size_t size, wasm_extern_t *const *data);
WASM_API_EXTERN void wasm_extern_vec_copy(wasm_extern_vec_t *out, const wasm_extern_vec_t *src);
WASM_API_EXTERN void wasm_extern_vec_delete(wasm_extern_vec_t *v);

/* Convenience */

static inline void wasm_name_new_from_string(own wasm_name_t* out, const char* s) {
  wasm_name_new(out, strlen(s), s);
}

static inline void wasm_name_new_from_string_nt(own wasm_name_t* out, const char* s) {
  wasm_name_new(out, strlen(s) + 1, s);
}

static inline bool wasm_valkind_is_num(wasm_valkind_t k) {
  return k < WASM_EXTERNREF;
}

static inline bool wasm_valkind_is_ref(wasm_valkind_t k) {
  return k >= WASM_EXTERNREF;
}

static inline bool wasm_valtype_is_num(const wasm_valtype_t* t) {
  return wasm_valkind_is_num(wasm_valtype_kind(t));
}

static inline bool wasm_valtype_is_ref(const wasm_valtype_t* t) {
  return wasm_valkind_is_ref(wasm_valtype_kind(t));
}

#define WASM_EMPTY_VEC {0, NULL}
#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}

static inline own wasm_valtype_t* wasm_valtype_new_i32(void) {
  return wasm_valtype_new(WASM_I32);
}

static inline own wasm_valtype_t* wasm_valtype_new_i64(void) {
  return wasm_valtype_new(WASM_I64);
}

static inline own wasm_valtype_t* wasm_valtype_new_f32(void) {
  return wasm_valtype_new(WASM_F32);
}

static inline own wasm_valtype_t* wasm_valtype_new_f64(void) {
  return wasm_valtype_new(WASM_F64);
}

static inline own wasm_valtype_t* wasm_valtype_new_externref(void) {
  return wasm_valtype_new(WASM_EXTERNREF);
}

static inline own wasm_valtype_t* wasm_valtype_new_funcref(void) {
  return wasm_valtype_new(WASM_FUNCREF);
}

static inline own wasm_functype_t* wasm_functype_new_0_0(void) {
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new_empty(&params);
  wasm_valtype_vec_new_empty(&results);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_0_1(own wasm_valtype_t* r1) {
  wasm_valtype_t* rs[1] = {r1};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new_empty(&params);
  wasm_valtype_vec_new(&results, 1, rs);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_0_2(own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* rs[2] = {r1, r2};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new_empty(&params);
  wasm_valtype_vec_new(&results, 2, rs);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_1_0(own wasm_valtype_t* p1) {
  wasm_valtype_t* ps[1] = {p1};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 1, ps);
  wasm_valtype_vec_new_empty(&results);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_1_1(own wasm_valtype_t* p1, own wasm_valtype_t* r1) {
  wasm_valtype_t* ps[1] = {p1};
  wasm_valtype_t* rs[1] = {r1};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 1, ps);
  wasm_valtype_vec_new(&results, 1, rs);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_1_2(own wasm_valtype_t* p1, own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[1] = {p1};
  wasm_valtype_t* rs[2] = {r1, r2};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 1, ps);
  wasm_valtype_vec_new(&results, 2, rs);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_2_0(own wasm_valtype_t* p1, own wasm_valtype_t* p2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 2, ps);
  wasm_valtype_vec_new_empty(&results);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_2_1(own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* r1) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[1] = {r1};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 2, ps);
  wasm_valtype_vec_new(&results, 1, rs);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_2_2(own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[2] = {r1, r2};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 2, ps);
  wasm_valtype_vec_new(&results, 2, rs);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_3_0(own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* p3) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 3, ps);
  wasm_valtype_vec_new_empty(&results);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_3_1(own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* p3, own wasm_valtype_t* r1) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[1] = {r1};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 3, ps);
  wasm_valtype_vec_new(&results, 1, rs);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_3_2(own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* p3, own wasm_valtype_t* r1, own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[2] = {r1, r2};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 3, ps);
  wasm_valtype_vec_new(&results, 2, rs);
  return wasm_functype_new(&params, &results);
}

static inline void wasm_val_init_ptr(own wasm_val_t* out, void* p) {
#if UINTPTR_MAX == UINT32_MAX
  out->kind = WASM_I32;
  out->of.i32 = (intptr_t)p;
#elif UINTPTR_MAX == UINT64_MAX
  out->kind = WASM_I64;
  out->of.i64 = (intptr_t)p;
#endif
}

static inline void* wasm_val_ptr(const wasm_val_t* val) {
#if UINTPTR_MAX == UINT32_MAX
  return (void*)(intptr_t)val->of.i32;
#elif UINTPTR_MAX == UINT64_MAX
  return (void*)(intptr_t)val->of.i64;
#endif
}

#define WASM_I32_VAL(i) {.kind = WASM_I32, .of = {.i32 = i}}
#define WASM_I64_VAL(i) {.kind = WASM_I64, .of = {.i64 = i}}
#define WASM_F32_VAL(z) {.kind = WASM_F32, .of = {.f32 = z}}
#define WASM_F64_VAL(z) {.kind = WASM_F64, .of = {.f64 = z}}
#define WASM_REF_VAL(r) {.kind = WASM_EXTERNREF, .of = {.ref = r}}
#define WASM_INIT_VAL {.kind = WASM_EXTERNREF, .of = {.ref = NULL}}

#undef own

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WASM_H */
