/* threads: one engine and one module shared by 10 threads via wasm_module_share; each
 * thread obtains the module in its own store, instantiates it with its own host function
 * and calls it many times. Obtaining the shared module in a store of another engine gives
 * NULL. */
#include <pthread.h>

#include "test.h"

#define THREADS 10
#define CALLS 1000

static wasm_engine_t* engine;
static const wasm_shared_module_t* shared;

typedef struct {
  int index;
  int calls;
} thread_env_t;

static wasm_trap_t* hello(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  thread_env_t* t = env;
  t->calls++;
  results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 + t->index * 1000);
  return NULL;
}

static void* run_thread(void* arg) {
  thread_env_t* env = arg;
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(store != NULL);
  wasm_module_t* module = wasm_module_obtain(store, shared);
  CHECK(module != NULL);
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new_with_env(store, type, hello, env, NULL);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* run = export_func(module, &exports, "run");
  for (int i = 0; i < CALLS; i++) {
    wasm_val_t a[] = {WASM_I32_VAL(i)};
    wasm_val_t r[] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
    CHECK_NO_TRAP(wasm_func_call(run, &args, &results));
    CHECK_EQ_INT(r[0].of.i32, i + env->index * 1000 + 1);
  }
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

int main(void) {
  engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "hello");
  wasm_shared_module_t* share = wasm_module_share(module);
  CHECK(share != NULL);
  shared = share;
  /* The module may go: the shared handle keeps what it needs. */
  wasm_module_delete(module);

  pthread_t threads[THREADS];
  thread_env_t envs[THREADS];
  for (int i = 0; i < THREADS; i++) {
    envs[i] = (thread_env_t){i, 0};
    CHECK_EQ_INT(pthread_create(&threads[i], NULL, run_thread, &envs[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    CHECK_EQ_INT(pthread_join(threads[i], NULL), 0);
    CHECK_EQ_INT(envs[i].calls, CALLS);
  }

  /* Obtained on this thread too, it is usable here. */
  wasm_module_t* obtained = wasm_module_obtain(store, shared);
  CHECK(obtained != NULL);
  wasm_exporttype_vec_t exports;
  wasm_module_exports(obtained, &exports);
  CHECK_EQ_UINT(exports.size, 1);
  CHECK_NAME(wasm_exporttype_name(exports.data[0]), "run");
  wasm_exporttype_vec_delete(&exports);
  wasm_module_delete(obtained);

  /* Another engine cannot obtain it. */
  wasm_engine_t* other_engine = wasm_engine_new();
  wasm_store_t* other_store = wasm_store_new(other_engine);
  CHECK(wasm_module_obtain(other_store, shared) == NULL);
  wasm_store_delete(other_store);
  wasm_engine_delete(other_engine);

  wasm_shared_module_delete(share);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
