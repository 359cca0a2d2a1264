/* finalizers: host-info finalizers run exactly once, as soon as their object is unreachable
 * (no handle to it, nothing live refers to it) and never before; whatever is still alive is
 * finalized by wasm_store_delete. 100,000 instances in one store with the default limits
 * (10,000 instances), each with host info and a finalizer; instances kept alive by an export
 * handle, an importing instance, a table, a global and a trap; every other kind of object;
 * modules and traps with their last handle. */
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

static int other_runs[32];

static void finalize_other(void* info) {
  int* p = info;
  CHECK(p >= other_runs && p < other_runs + 32);
  (*p)++;
}

static wasm_trap_t* one(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0] = (wasm_val_t)WASM_I32_VAL(1);
  return NULL;
}

/* An instance of `tiny` whose host info is other_runs[slot]. */
static wasm_instance_t* tracked(wasm_store_t* store, const wasm_module_t* module, int slot) {
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_instance_set_host_info_with_finalizer(instance, &other_runs[slot], finalize_other);
  return instance;
}

/* A new handle to the first export of `instance`, as a function. */
static wasm_func_t* first_func(const wasm_instance_t* instance) {
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* f = wasm_func_copy(wasm_extern_as_func(exports.data[0]));
  wasm_extern_vec_delete(&exports);
  return f;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine); /* default limits: 10,000 instances */
  wasm_module_t* module = load_module(store, "tiny");

  for (size_t i = 0; i < N; i++) {
    wasm_instance_t* instance = instantiate(store, module, NULL, 0);
    wasm_instance_set_host_info_with_finalizer(instance, &runs[i], finalize_instance);
    wasm_func_t* kept = NULL;
    if (i % 10000 == 0) {
      /* Sometimes use the instance, look at the info through a copy, and keep an export. */
      wasm_instance_t* copy = wasm_instance_copy(instance);
      CHECK(wasm_instance_get_host_info(copy) == &runs[i]);
      CHECK(wasm_instance_same(copy, instance));
      wasm_instance_delete(copy);
      kept = first_func(instance);
      wasm_val_t r[] = {WASM_INIT_VAL};
      wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(r);
      CHECK_NO_TRAP(wasm_func_call(kept, &args, &results));
      CHECK_EQ_INT(r[0].of.i32, 1);
    }
    CHECK_EQ_INT(runs[i], 0);
    wasm_instance_delete(instance);
    if (kept) {
      /* The exported function keeps its instance alive, and works. */
      CHECK_EQ_INT(runs[i], 0);
      wasm_val_t r[] = {WASM_INIT_VAL};
      wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(r);
      CHECK_NO_TRAP(wasm_func_call(kept, &args, &results));
      CHECK_EQ_INT(r[0].of.i32, 1);
      wasm_func_delete(kept);
    }
    if (runs[i] != 1) FAIL("instance %zu: finalizer ran %d times after its last handle went", i, runs[i]);
  }
  CHECK_EQ_INT(total_runs, N);

  /* An instance whose function another live instance imports (and holds in its table and a
   * global) lives as long as that instance. */
  wasm_module_t* churn = load_module(store, "churn");
  wasm_instance_t* exporter = tracked(store, module, 10);
  wasm_func_t* f = first_func(exporter);
  wasm_extern_t* imports[] = {wasm_func_as_extern(f)};
  wasm_instance_t* importer = instantiate(store, churn, imports, 1);
  wasm_instance_set_host_info_with_finalizer(importer, &other_runs[11], finalize_other);
  wasm_instance_delete(exporter);
  wasm_func_delete(f);
  CHECK_EQ_INT(other_runs[10], 0);
  wasm_instance_delete(importer);
  CHECK_EQ_INT(other_runs[10], 1);
  CHECK_EQ_INT(other_runs[11], 1);

  /* A host table, a host global and an externref table keep what they refer to; overwriting
   * the reference lets it go. */
  wasm_limits_t one_elem = {1, 1};
  wasm_tabletype_t* ftt = wasm_tabletype_new(wasm_valtype_new_funcref(), &one_elem);
  wasm_table_t* ftable = wasm_table_new(store, ftt, NULL);
  wasm_tabletype_delete(ftt);
  wasm_tabletype_t* ett = wasm_tabletype_new(wasm_valtype_new_externref(), &one_elem);
  wasm_table_t* etable = wasm_table_new(store, ett, NULL);
  wasm_tabletype_delete(ett);
  wasm_globaltype_t* fgt = wasm_globaltype_new(wasm_valtype_new_funcref(), WASM_VAR);
  wasm_val_t null_ref = {.kind = WASM_FUNCREF, .of = {.ref = NULL}};
  wasm_global_t* fglobal = wasm_global_new(store, fgt, &null_ref);
  wasm_globaltype_delete(fgt);
  CHECK(ftable && etable && fglobal);

  wasm_instance_t* in_table = tracked(store, module, 12);
  f = first_func(in_table);
  CHECK(wasm_table_set(ftable, 0, wasm_func_as_ref(f)));
  wasm_func_delete(f);
  wasm_instance_delete(in_table);
  CHECK_EQ_INT(other_runs[12], 0);
  CHECK(wasm_table_set(ftable, 0, NULL));
  CHECK_EQ_INT(other_runs[12], 1);

  wasm_instance_t* in_global = tracked(store, module, 13);
  f = first_func(in_global);
  wasm_val_t fval = {.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(f)}};
  wasm_global_set(fglobal, &fval);
  wasm_func_delete(f);
  wasm_instance_delete(in_global);
  CHECK_EQ_INT(other_runs[13], 0);
  wasm_global_set(fglobal, &null_ref);
  CHECK_EQ_INT(other_runs[13], 1);

  wasm_foreign_t* held = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(held, &other_runs[14], finalize_other);
  CHECK(wasm_table_set(etable, 0, wasm_foreign_as_ref(held)));
  wasm_foreign_delete(held);
  CHECK_EQ_INT(other_runs[14], 0);
  CHECK(wasm_table_set(etable, 0, NULL));
  CHECK_EQ_INT(other_runs[14], 1);
  wasm_table_delete(ftable);
  wasm_table_delete(etable);
  wasm_global_delete(fglobal);

  /* A trap keeps the instances of its frames: they can still be asked for. */
  wasm_functype_t* one_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* host_one = wasm_func_new(store, one_type, one);
  wasm_functype_delete(one_type);
  wasm_extern_t* host_imports[] = {wasm_func_as_extern(host_one)};
  wasm_instance_t* trapping = instantiate(store, churn, host_imports, 1);
  wasm_instance_set_host_info_with_finalizer(trapping, &other_runs[15], finalize_other);
  wasm_func_delete(host_one);
  wasm_extern_vec_t exports;
  wasm_instance_exports(trapping, &exports);
  wasm_trap_t* trap = wasm_func_call(export_func(churn, &exports, "trap"), NULL, NULL);
  CHECK(trap != NULL);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(trapping);
  CHECK_EQ_INT(other_runs[15], 0);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(wasm_instance_get_host_info(wasm_frame_instance(origin)) == &other_runs[15]);
  wasm_trap_delete(trap);
  CHECK_EQ_INT(other_runs[15], 0);
  wasm_frame_delete(origin);
  CHECK_EQ_INT(other_runs[15], 1);
  wasm_module_delete(churn);

  /* Host info of every other kind of object. */
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
  trap = wasm_trap_new(store, &msg);
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

  /* Store objects: each is finalized when its last handle goes (the exported function with
   * its instance, once neither has a handle). */
  wasm_global_delete(global);
  CHECK_EQ_INT(other_runs[5], 1);
  wasm_table_delete(table);
  CHECK_EQ_INT(other_runs[6], 1);
  wasm_memory_delete(memory);
  CHECK_EQ_INT(other_runs[3], 1);
  wasm_foreign_delete(foreign);
  CHECK_EQ_INT(other_runs[4], 1);
  wasm_instance_delete(instance);
  CHECK_EQ_INT(other_runs[0], 0);
  wasm_extern_vec_delete(&exports);
  CHECK_EQ_INT(other_runs[0], 1);

  /* What is alive when the store is deleted is finalized then. */
  wasm_module_t* tiny = load_module(store, "tiny");
  wasm_instance_t* survivor = tracked(store, tiny, 16);
  wasm_module_delete(tiny);
  wasm_store_delete(store);
  CHECK_EQ_INT(other_runs[16], 1);
  wasm_instance_delete(survivor);

  CHECK_EQ_INT(total_runs, N);
  for (size_t i = 0; i < N; i++) {
    if (runs[i] != 1) FAIL("finalizer of instance %zu ran %d times", i, runs[i]);
  }
  const int expected[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1};
  for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
    if (other_runs[i] != expected[i]) FAIL("finalizer %zu ran %d times", i, other_runs[i]);
  }
  wasm_engine_delete(engine);
  return 0;
}
