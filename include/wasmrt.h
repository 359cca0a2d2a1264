#ifndef WASMRT_H
#define WASMRT_H

/* wasmrt.h: wasmrt's extensions to the standard WebAssembly C API (wasm.h). All names are
 * prefixed wasmrt_. The function declarations are generated from the library's Rust sources;
 * the types and constants below are written by hand.
 */
#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why a trap happened (wasmrt_trap_code). */
typedef int32_t wasmrt_trap_code_t;
enum wasmrt_trap_code_enum {
  WASMRT_TRAP_UNREACHABLE = 0,
  WASMRT_TRAP_MEMORY_OUT_OF_BOUNDS = 1,
  WASMRT_TRAP_INTEGER_DIVIDE_BY_ZERO = 2,
  WASMRT_TRAP_INTEGER_OVERFLOW = 3,
  WASMRT_TRAP_INVALID_CONVERSION_TO_INTEGER = 4,
  WASMRT_TRAP_INDIRECT_CALL_TYPE_MISMATCH = 5,
  WASMRT_TRAP_UNDEFINED_ELEMENT = 6,
  WASMRT_TRAP_UNINITIALIZED_ELEMENT = 7,
  WASMRT_TRAP_TABLE_OUT_OF_BOUNDS = 8,
  WASMRT_TRAP_CALL_STACK_EXHAUSTED = 9,
  WASMRT_TRAP_OUT_OF_FUEL = 10,
  WASMRT_TRAP_INTERRUPTED = 11,
  WASMRT_TRAP_HOST = 12,
};

/* The v128 value kind: types of SIMD functions use it; v128 values cannot cross the API. */
#define WASMRT_V128 ((wasm_valkind_t)4)

/* Limits on what a store creates; 0 in a field keeps that limit's default. */
typedef struct wasmrt_store_limits_t {
  uint64_t memory_pages;
  uint64_t table_elements;
  uint32_t instances;
  uint32_t tables;
  uint32_t memories;
} wasmrt_store_limits_t;

/* Execution tiers (wasmrt_config_set_tier). A new configuration has the JIT on x86_64 and the
 * interpreter elsewhere, or the tier named by the environment variable WASMRT_TIER ("interpreter"
 * or "jit"). */
typedef uint32_t wasmrt_tier_t;
enum wasmrt_tier_enum {
  WASMRT_TIER_INTERPRETER = 0,
  WASMRT_TIER_JIT = 1, /* x86_64: compiled code; a CPU without SSE4.1 runs the interpreter */
};

/* How linear memory accesses are kept in bounds (wasmrt_config_set_bounds_checks). A new
 * configuration has guard regions, or what the environment variable WASMRT_BOUNDS_CHECKS names
 * ("guard-regions" or "explicit"). */
typedef uint32_t wasmrt_bounds_checks_t;
enum wasmrt_bounds_checks_enum {
  WASMRT_BOUNDS_GUARD_REGIONS = 0, /* default: guard regions around each memory, faults become traps */
  WASMRT_BOUNDS_EXPLICIT = 1,      /* every access checked; no guard regions, no reliance on signals */
};

/* Interrupts a store's running code from any thread. */
typedef struct wasmrt_interrupt_handle_t wasmrt_interrupt_handle_t;

/* Functions */
WASM_API_EXTERN void wasmrt_last_error_message(wasm_name_t *out);
WASM_API_EXTERN int32_t wasmrt_trap_code(const wasm_trap_t *trap);
WASM_API_EXTERN void wasmrt_frame_func_name(const wasm_frame_t *frame, wasm_name_t *out);
WASM_API_EXTERN void wasmrt_frame_module_name(const wasm_frame_t *frame, wasm_name_t *out);
WASM_API_EXTERN bool wasmrt_trap_exit_status(const wasm_trap_t *trap, int *status);
WASM_API_EXTERN bool wasmrt_config_set_tier(wasm_config_t *config, wasmrt_tier_t tier);
WASM_API_EXTERN bool wasmrt_config_set_compile_threads(wasm_config_t *config, uint32_t threads);
WASM_API_EXTERN bool wasmrt_module_is_compiled(const wasm_module_t *module, wasm_message_t *why);
WASM_API_EXTERN bool wasmrt_config_set_bounds_checks(wasm_config_t *config, wasmrt_bounds_checks_t checks);
WASM_API_EXTERN void wasmrt_config_consume_fuel(wasm_config_t *config, bool enable);
WASM_API_EXTERN void wasmrt_config_max_call_depth(wasm_config_t *config, uint32_t depth);
WASM_API_EXTERN void wasmrt_store_add_fuel(wasm_store_t *store, uint64_t fuel);
WASM_API_EXTERN uint64_t wasmrt_store_fuel(const wasm_store_t *store);
WASM_API_EXTERN void wasmrt_store_set_limits(wasm_store_t *store, const wasmrt_store_limits_t *limits);
WASM_API_EXTERN wasmrt_interrupt_handle_t *wasmrt_interrupt_handle_new(wasm_store_t *store);
WASM_API_EXTERN void wasmrt_interrupt(const wasmrt_interrupt_handle_t *handle);
WASM_API_EXTERN void wasmrt_interrupt_handle_delete(wasmrt_interrupt_handle_t *handle);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WASMRT_H */
