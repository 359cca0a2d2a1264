/* finalizers: 100,000 instances of a tiny module, each with host info and a finalizer; after
 * wasm_store_delete every finalizer has run exactly once. Also the host-info finalizers of
 * every other kind of object: store objects at store deletion, modules and traps with their
 * last handle, and a replaced host info at once. */
#include "test.h"

#define N 100000

static unsigned char runs[N];
static int total_runs = 0;

static void finalize_instance(void* info) {
  size_t i = (size_t)((unsigned char*)info - runs);
  CHECK(i < N);
  runs[i]++;
  total_runs++;
}

static int other_runs[16];

static void finalize_other(void* info) {
  int* p = info;
  CHECK(p >= other_runs && p < other_runs + 16);
  (*p)++;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasmrt_store_limits_t limits = {0};
  limits.instances = N + 10;
  wasmrt_store_set_limits(store, &limits);
  wasm_module_t* module = load_module(store, "tiny");

  for (size_t i = 0; i < N; i++) {
    wasm_instance_t* instance = instantiate(store, module, NULL, 0);
    wasm_instance_set_host_info_with_finalizer(instance, &runs[i], finalize_instance);
    if (i % 10000 == 0) {
      /* Sometimes use the instance, and look at the info through a copy. */
      wasm_instance_t* copy = wasm_instance_copy(instance);
      CHECK(wasm_instance_get_host_info(copy) == &runs[i]);
      CHECK(wasm_instance_same(copy, instance));
      wasm_instance_delete(copy);
      wasm_extern_vec_t exports;
      wasm_instance_exports(instance, &exports);
      wasm_val_t r[] = {WASM_INIT_VAL};
      wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(r);
      CHECK_NO_TRAP(wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results));
      CHECK_EQ_INT(r[0].of.i32, 1);
      wasm_extern_vec_delete(&exports);
    }
    wasm_instance_delete(instance);
  }
  CHECK_EQ_INT(total_runs, 0);

  /* Host info of every other kind of object. */
  wasm_extern_vec_t exports;
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_instance_exports(instance, &exports);
  wasm_func_t* func = wasm_extern_as_func(exports.data[0]);
  wasm_func_set_host_info_with_finalizer(func, &other_runs[0], finalize_other);
  wasm_val_t init = WASM_I32_VAL(0);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR);
  wasm_global_t* global = wasm_global_new(store, gt, &init);
  wasm_globaltype_delete(gt);
  wasm_global_set_host_info_with_finalizer(global, &other_runs[1], finalize_other);
  wasm_limits_t tl = {1, 1};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &tl);
  wasm_table_t* table = wasm_table_new(store, tt, NULL);
  wasm_tabletype_delete(tt);
  wasm_table_set_host_info_with_finalizer(table, &other_runs[2], finalize_other);
  wasm_memorytype_t* mt = wasm_memorytype_new(&tl);
  wasm_memory_t* memory = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  wasm_memory_set_host_info_with_finalizer(memory, &other_runs[3], finalize_other);
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(foreign, &other_runs[4], finalize_other);
  /* Through the extern and ref views of an object: the object's host info. */
  wasm_extern_set_host_info_with_finalizer(wasm_global_as_extern(global), &other_runs[5], finalize_other);
  CHECK_EQ_INT(other_runs[1], 1); /* replaced */
  CHECK(wasm_global_get_host_info(global) == &other_runs[5]);
  wasm_ref_set_host_info_with_finalizer(wasm_table_as_ref(table), &other_runs[6], finalize_other);
  CHECK_EQ_INT(other_runs[2], 1);
  CHECK(wasm_table_get_host_info(table) == &other_runs[6]);
  CHECK(wasm_extern_get_host_info(wasm_table_as_extern(table)) == &other_runs[6]);

  /* Traps: the finalizer runs with the last handle. */
  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, "t");
  wasm_trap_t* trap = wasm_trap_new(store, &msg);
  wasm_byte_vec_delete(&msg);
  wasm_trap_set_host_info_with_finalizer(trap, &other_runs[7], finalize_other);
  wasm_trap_t* trap_copy = wasm_trap_copy(trap);
  wasm_trap_delete(trap);
  CHECK_EQ_INT(other_runs[7], 0);
  wasm_trap_delete(trap_copy);
  CHECK_EQ_INT(other_runs[7], 1);

  /* Modules: the finalizer runs with the last handle (instances do not hold it). */
  wasm_module_set_host_info_with_finalizer(module, &other_runs[8], finalize_other);
  wasm_module_t* module_copy = wasm_module_copy(module);
  CHECK(wasm_module_get_host_info(module_copy) == &other_runs[8]);
  wasm_module_delete(module);
  CHECK_EQ_INT(other_runs[8], 0);
  wasm_module_delete(module_copy);
  CHECK_EQ_INT(other_runs[8], 1);

  /* Store objects: deleting handles does not finalize; deleting the store does. */
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(global);
  wasm_table_delete(table);
  wasm_memory_delete(memory);
  wasm_foreign_delete(foreign);
  CHECK_EQ_INT(total_runs, 0);
  CHECK_EQ_INT(other_runs[0] + other_runs[3] + other_runs[4] + other_runs[5] + other_runs[6], 0);

  wasm_store_delete(store);
  CHECK_EQ_INT(total_runs, N);
  for (size_t i = 0; i < N; i++) {
    if (runs[i] != 1) FAIL("finalizer of instance %zu ran %d times", i, runs[i]);
  }
  const int expected[] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
    if (other_runs[i] != expected[i]) FAIL("finalizer %zu ran %d times", i, other_runs[i]);
  }
  wasm_engine_delete(engine);
  return 0;
}
