/* interrupt: wasmrt_interrupt_handle_new / wasmrt_interrupt stop a store's running code
 * from another thread (WASMRT_TRAP_INTERRUPTED, "interrupted"); an interruption requested
 * while nothing runs makes the next call trap at once, and only that one; a host callback
 * may interrupt its own store; a handle outlives its store safely. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>

#include "test.h"

static const wasmrt_interrupt_handle_t* poll_handle;
static int polls = 0;

static wasm_trap_t* poll(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  if (++polls == 50) wasmrt_interrupt(poll_handle);
  return NULL;
}

static void* interrupt_later(void* arg) {
  struct timespec delay = {0, 100 * 1000 * 1000};
  nanosleep(&delay, NULL);
  wasmrt_interrupt(arg);
  return NULL;
}

static void check_interrupted(wasm_trap_t* trap) {
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_INTERRUPTED);
  CHECK_TRAP(trap, "interrupted");
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "loops");
  wasm_functype_t* t = wasm_functype_new_0_0();
  wasm_func_t* poll_func = wasm_func_new(store, t, poll);
  wasm_functype_delete(t);
  wasm_extern_t* imports[] = {wasm_func_as_extern(poll_func)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* count = export_func(module, &exports, "count");
  const wasm_func_t* forever = export_func(module, &exports, "forever");
  const wasm_func_t* poll_forever = export_func(module, &exports, "poll_forever");
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_t a[] = {WASM_I32_VAL(1000)};
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);

  wasmrt_interrupt_handle_t* handle = wasmrt_interrupt_handle_new(store);
  CHECK(handle != NULL);

  /* From another thread, while an endless loop runs. */
  pthread_t thread;
  CHECK_EQ_INT(pthread_create(&thread, NULL, interrupt_later, handle), 0);
  check_interrupted(wasm_func_call(forever, &none, &none));
  CHECK_EQ_INT(pthread_join(thread, NULL), 0);

  /* The store works normally afterwards. */
  CHECK_NO_TRAP(wasm_func_call(count, &args, &results));
  CHECK_EQ_INT(r[0].of.i32, 1000);

  /* Requested while nothing runs: the next call traps at once, the one after does not. */
  wasmrt_interrupt(handle);
  check_interrupted(wasm_func_call(count, &args, &results));
  CHECK_NO_TRAP(wasm_func_call(count, &args, &results));

  /* From a host callback of the same store, through a second handle. */
  wasmrt_interrupt_handle_t* handle2 = wasmrt_interrupt_handle_new(store);
  poll_handle = handle2;
  check_interrupted(wasm_func_call(poll_forever, &none, &none));
  CHECK_EQ_INT(polls, 50);
  CHECK_NO_TRAP(wasm_func_call(count, &args, &results));

  /* Another store is not affected by this store's handle. */
  wasm_store_t* other = wasm_store_new(engine);
  wasm_module_t* other_module = load_module(other, "tiny");
  wasm_instance_t* other_instance = instantiate(other, other_module, NULL, 0);
  wasm_extern_vec_t other_exports;
  wasm_instance_exports(other_instance, &other_exports);
  wasmrt_interrupt(handle);
  wasm_val_t tr[] = {WASM_INIT_VAL};
  wasm_val_vec_t tiny_results = WASM_ARRAY_VEC(tr);
  CHECK_NO_TRAP(wasm_func_call(wasm_extern_as_func(other_exports.data[0]), &none, &tiny_results));
  check_interrupted(wasm_func_call(count, &args, &results));
  wasm_extern_vec_delete(&other_exports);
  wasm_instance_delete(other_instance);
  wasm_module_delete(other_module);
  wasm_store_delete(other);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(poll_func);
  wasm_module_delete(module);
  wasm_store_delete(store);

  /* Handles outlive their store safely. */
  wasmrt_interrupt(handle);
  wasmrt_interrupt_handle_delete(handle);
  wasmrt_interrupt_handle_delete(handle2);
  CHECK(wasmrt_interrupt_handle_new(NULL) == NULL);
  wasmrt_interrupt(NULL);
  wasmrt_interrupt_handle_delete(NULL);
  wasm_engine_delete(engine);
  return 0;
}
