/* callbacks: host functions with an environment (wasm_func_new_with_env): the callback gets
 * its env, may call back into wasm, may trap; the env finalizer runs exactly once: when the
 * function is freed (nothing can reach it any more), or when the store is deleted, even if
 * handles to the function outlive the store (it then traps when called) or the environment
 * itself holds handles of the store. */
#include "test.h"

typedef struct {
  int adds;
  int ticks;
  int finalized;
  const wasm_func_t* reenter; /* called from tick, if set */
  int fail_at_tick;           /* tick traps on this count (0: never) */
  wasm_store_t* store;
} env_t;

static int finalizer_runs = 0;

static void env_finalizer(void* p) {
  env_t* env = p;
  env->finalized++;
  finalizer_runs++;
}

static wasm_trap_t* add(void* p, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  env_t* env = p;
  env->adds++;
  CHECK_EQ_UINT(args->size, 2);
  CHECK_EQ_UINT(results->size, 1);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

static wasm_trap_t* tick(void* p, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  env_t* env = p;
  env->ticks++;
  CHECK_EQ_UINT(args->size, 0);
  CHECK_EQ_UINT(results->size, 0);
  if (env->fail_at_tick != 0 && env->ticks == env->fail_at_tick) {
    wasm_message_t msg;
    wasm_name_new_from_string_nt(&msg, "tick failed");
    wasm_trap_t* trap = wasm_trap_new(env->store, &msg);
    wasm_byte_vec_delete(&msg);
    return trap;
  }
  if (env->reenter != NULL) {
    /* Re-entrant call: wasm -> host -> wasm -> host. */
    wasm_val_t a[] = {WASM_I32_VAL(env->ticks), WASM_I32_VAL(100)};
    wasm_val_t r[] = {WASM_INIT_VAL};
    wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
    CHECK_NO_TRAP(wasm_func_call(env->reenter, &av, &rv));
    CHECK_EQ_INT(r[0].of.i32, env->ticks + 100);
  }
  return NULL;
}

/* An environment that owns handles of its store. */
typedef struct {
  wasm_memory_t* memory;
  wasm_func_t* self;
} holder_t;

static int holders_finalized = 0;

static void holder_finalizer(void* p) {
  holder_t* holder = p;
  wasm_memory_delete(holder->memory);
  wasm_func_delete(holder->self);
  free(holder);
  holders_finalized++;
}

static wasm_trap_t* holder_callback(void* p, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  holder_t* holder = p;
  wasm_memory_data(holder->memory)[0]++;
  return NULL;
}

static wasm_trap_t* wrong_result(void* p, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)p;
  (void)args;
  results->data[0].kind = WASM_F64; /* the type says i32 */
  results->data[0].of.f64 = 1.0;
  return NULL;
}

static int call_add(const wasm_func_t* f, int a, int b) {
  wasm_val_t args_data[] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results_data[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_data), results = WASM_ARRAY_VEC(results_data);
  CHECK_NO_TRAP(wasm_func_call(f, &args, &results));
  CHECK_EQ_INT(results_data[0].kind, WASM_I32);
  return results_data[0].of.i32;
}

static wasm_trap_t* tick_n(const wasm_func_t* f, int n) {
  wasm_val_t args_data[] = {WASM_I32_VAL(n)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_data), results = WASM_EMPTY_VEC;
  return wasm_func_call(f, &args, &results);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "callbacks");

  env_t add_env = {0}, tick_env = {0}, other_env = {0};
  tick_env.store = store;
  wasm_functype_t* add_type =
      wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_functype_t* tick_type = wasm_functype_new_0_0();
  wasm_func_t* add_func = wasm_func_new_with_env(store, add_type, add, &add_env, env_finalizer);
  wasm_func_t* tick_func = wasm_func_new_with_env(store, tick_type, tick, &tick_env, env_finalizer);
  /* A function that is never used, and whose handle outlives the store. */
  wasm_func_t* unused = wasm_func_new_with_env(store, tick_type, tick, &other_env, env_finalizer);
  /* A function without a finalizer. */
  wasm_func_t* no_finalizer = wasm_func_new_with_env(store, tick_type, tick, &other_env, NULL);
  CHECK(add_func && tick_func && unused && no_finalizer);

  wasm_extern_t* imports[] = {wasm_func_as_extern(add_func), wasm_func_as_extern(tick_func)};
  wasm_instance_t* instance = instantiate(store, module, imports, 2);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* wasm_add = export_func(module, &exports, "call_add");
  const wasm_func_t* wasm_tick_n = export_func(module, &exports, "tick_n");

  /* The environment reaches the callback. */
  CHECK_EQ_INT(call_add(wasm_add, 2, 3), 5);
  CHECK_EQ_INT(call_add(wasm_add, -7, 3), -4);
  CHECK_EQ_INT(add_env.adds, 2);
  CHECK_NO_TRAP(tick_n(wasm_tick_n, 10));
  CHECK_EQ_INT(tick_env.ticks, 10);
  CHECK_EQ_INT(add_env.adds, 2);

  /* Re-entrant calls: each tick calls call_add, which calls the add callback. */
  tick_env.reenter = wasm_add;
  CHECK_NO_TRAP(tick_n(wasm_tick_n, 5));
  CHECK_EQ_INT(tick_env.ticks, 15);
  CHECK_EQ_INT(add_env.adds, 7);
  tick_env.reenter = NULL;

  /* A callback's trap stops the wasm loop and reaches the caller with its message. */
  tick_env.fail_at_tick = 18;
  wasm_trap_t* trap = tick_n(wasm_tick_n, 100);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_HOST);
  CHECK_EQ_INT(tick_env.ticks, 18);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL); /* the wasm function that called the host */
  wasm_frame_delete(origin);
  CHECK_TRAP(trap, "tick failed");
  tick_env.fail_at_tick = 0;
  CHECK_NO_TRAP(tick_n(wasm_tick_n, 1));
  CHECK_EQ_INT(tick_env.ticks, 19);

  /* A callback returning a value of the wrong type makes the call trap. */
  wasm_func_t* wrong = wasm_func_new_with_env(store, add_type, wrong_result, NULL, NULL);
  wasm_val_t args_data[] = {WASM_I32_VAL(1), WASM_I32_VAL(2)};
  wasm_val_t results_data[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_data), results = WASM_ARRAY_VEC(results_data);
  CHECK_TRAP(wasm_func_call(wrong, &args, &results), "wrong type");
  wasm_func_delete(wrong);

  /* Copies of a function share the environment. */
  wasm_func_t* add_copy = wasm_func_copy(add_func);
  CHECK(wasm_func_same(add_copy, add_func));
  CHECK_EQ_INT(call_add(add_copy, 20, 22), 42);
  CHECK_EQ_INT(add_env.adds, 8);
  wasm_func_delete(add_copy);

  /* A NULL callback gives NULL, and the finalizer runs at once. */
  env_t rejected = {0};
  CHECK(wasm_func_new_with_env(store, tick_type, NULL, &rejected, env_finalizer) == NULL);
  CHECK_EQ_INT(rejected.finalized, 1);
  CHECK(wasm_func_new_with_env(NULL, tick_type, tick, &rejected, env_finalizer) == NULL);
  CHECK_EQ_INT(rejected.finalized, 2);
  CHECK(wasm_func_new_with_env(store, NULL, tick, &rejected, env_finalizer) == NULL);
  CHECK_EQ_INT(rejected.finalized, 3);
  finalizer_runs = 0;

  /* An environment is finalized, once, when its function is freed: when no handle and no live
   * instance can reach it any more. Deleting the store finalizes the rest. */
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance); /* imported add_func and tick_func, which have handles */
  CHECK_EQ_INT(finalizer_runs, 0);
  wasm_func_delete(add_func);
  CHECK_EQ_INT(add_env.finalized, 1);
  wasm_func_delete(tick_func);
  CHECK_EQ_INT(tick_env.finalized, 1);
  wasm_func_delete(no_finalizer);
  CHECK_EQ_INT(finalizer_runs, 2);
  wasm_module_delete(module);
  CHECK_EQ_INT(other_env.finalized, 0);
  wasm_store_delete(store); /* `unused` still has a handle */
  CHECK_EQ_INT(other_env.finalized, 1);
  wasm_func_delete(unused);
  CHECK_EQ_INT(finalizer_runs, 3);
  CHECK_EQ_INT(add_env.finalized, 1);
  CHECK_EQ_INT(tick_env.finalized, 1);
  CHECK_EQ_INT(other_env.finalized, 1);

  /* A handle that outlives the store: the environment was finalized with the store, so the
   * function traps instead of calling back. */
  finalizer_runs = 0;
  env_t late = {0};
  store = wasm_store_new(engine);
  wasm_func_t* survivor = wasm_func_new_with_env(store, tick_type, tick, &late, env_finalizer);
  CHECK_NO_TRAP(wasm_func_call(survivor, NULL, NULL));
  CHECK_EQ_INT(late.ticks, 1);
  wasm_store_delete(store);
  CHECK_EQ_INT(late.finalized, 1);
  CHECK_TRAP(wasm_func_call(survivor, NULL, NULL), "store was deleted");
  CHECK_EQ_INT(late.ticks, 1);
  wasm_func_delete(survivor);
  CHECK_EQ_INT(late.finalized, 1);
  CHECK_EQ_INT(finalizer_runs, 1);

  /* An environment holding handles of its own store (a common pattern: the memory and the
   * function the callback uses), released by its finalizer: it runs when the store is
   * deleted, and nothing leaks. */
  store = wasm_store_new(engine);
  holder_t* holder = calloc(1, sizeof *holder);
  wasm_limits_t limits = {1, 1};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  holder->memory = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  holder->self = wasm_func_new_with_env(store, tick_type, holder_callback, holder, holder_finalizer);
  CHECK(holder->memory && holder->self);
  CHECK_NO_TRAP(wasm_func_call(holder->self, NULL, NULL));
  CHECK_EQ_INT(wasm_memory_data(holder->memory)[0], 1);
  CHECK_EQ_INT(holders_finalized, 0);
  wasm_store_delete(store);
  CHECK_EQ_INT(holders_finalized, 1);

  wasm_functype_delete(add_type);
  wasm_functype_delete(tick_type);
  wasm_engine_delete(engine);
  return 0;
}
