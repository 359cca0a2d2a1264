/* churn: a store stays flat under create/delete churn. One store with the default limits
 * goes through 1,000,000 cycles, each creating and deleting a host function (with an
 * environment and its finalizer), an instance importing it (host info and finalizer; it holds
 * the function in its table and a global, owns a memory, and is called), and a host global,
 * table, memory and foreign object (each with host info and a finalizer). Every finalizer runs
 * exactly once, in the cycle that made its object, and the process's resident and virtual
 * memory after the last cycle are within a small margin of what they were after a warm-up.
 *
 * Under AddressSanitizer or valgrind (whose allocators keep freed memory aside on purpose) it
 * runs fewer cycles and checks the finalizers only, and says so. */
#include <stdbool.h>
#include <unistd.h>

#include "test.h"

#define CYCLES 1000000
#define ASAN_CYCLES 20000
#define VALGRIND_CYCLES 5000
#define WARM_UP 10000
#define MARGIN_KIB (4 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static long finalized = 0;

static void finalize(void* info) {
  (void)info;
  finalized++;
}

static wasm_trap_t* answer(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0] = (wasm_val_t)WASM_I32_VAL(*(int32_t*)env);
  return NULL;
}

/* Virtual and resident size of this process, in KiB, from /proc/self/statm. */
static void memory_use(long* virtual_kib, long* resident_kib) {
  FILE* f = fopen("/proc/self/statm", "r");
  if (f == NULL) FAIL("cannot open /proc/self/statm");
  long size = 0, resident = 0;
  if (fscanf(f, "%ld %ld", &size, &resident) != 2) FAIL("cannot read /proc/self/statm");
  fclose(f);
  long page_kib = sysconf(_SC_PAGESIZE) / 1024;
  *virtual_kib = size * page_kib;
  *resident_kib = resident * page_kib;
}

static bool under_valgrind(void) {
  const char* preload = getenv("LD_PRELOAD");
  return preload != NULL && strstr(preload, "vgpreload") != NULL;
}

int main(void) {
  long cycles = under_valgrind() ? VALGRIND_CYCLES : CYCLES;
#ifdef UNDER_ASAN
  cycles = ASAN_CYCLES;
#endif
  bool checked = cycles != CYCLES;
  if (checked) {
    printf("churn: %ld cycles under ASan/valgrind; memory flatness is checked by the plain run\n", cycles);
  }

  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "churn");
  wasm_functype_t* type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_limits_t limits = {1, 2};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  size_t call_index = export_index(module, "call");
  int32_t env = 7;

  long virtual_start = 0, resident_start = 0;
  for (long i = 0; i < cycles; i++) {
    if (i == WARM_UP) memory_use(&virtual_start, &resident_start);
    long before = finalized;

    wasm_func_t* f = wasm_func_new_with_env(store, type, answer, &env, finalize);
    wasm_extern_t* imports[] = {wasm_func_as_extern(f)};
    wasm_instance_t* instance = instantiate(store, module, imports, 1);
    wasm_instance_set_host_info_with_finalizer(instance, &env, finalize);
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_val_t r[] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(r);
    CHECK_NO_TRAP(wasm_func_call(wasm_extern_as_func(exports.data[call_index]), &args, &results));
    CHECK_EQ_INT(r[0].of.i32, 7);

    wasm_val_t init = WASM_I64_VAL(i);
    wasm_global_t* global = wasm_global_new(store, gt, &init);
    wasm_table_t* table = wasm_table_new(store, tt, wasm_func_as_ref(f));
    wasm_memory_t* memory = wasm_memory_new(store, mt);
    wasm_foreign_t* foreign = wasm_foreign_new(store);
    CHECK(global && table && memory && foreign);
    wasm_global_set_host_info_with_finalizer(global, &env, finalize);
    wasm_table_set_host_info_with_finalizer(table, &env, finalize);
    wasm_memory_set_host_info_with_finalizer(memory, &env, finalize);
    wasm_foreign_set_host_info_with_finalizer(foreign, &env, finalize);

    wasm_foreign_delete(foreign);
    wasm_memory_delete(memory);
    wasm_global_delete(global);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_func_delete(f);
    if (finalized != before + 4) FAIL("cycle %ld: %ld finalizers ran early or late", i, finalized - before);
    wasm_table_delete(table); /* the last reference to f */
    if (finalized != before + 6) FAIL("cycle %ld: %ld finalizers ran, expected 6", i, finalized - before);
  }

  if (!checked) {
    long virtual_end = 0, resident_end = 0;
    memory_use(&virtual_end, &resident_end);
    printf("churn: %ld cycles; after %d: %ld KiB resident, %ld KiB virtual; after all: %ld KiB, %ld KiB\n", cycles,
           WARM_UP, resident_start, virtual_start, resident_end, virtual_end);
    if (resident_end > resident_start + MARGIN_KIB) FAIL("resident memory grew by %ld KiB", resident_end - resident_start);
    if (virtual_end > virtual_start + MARGIN_KIB) FAIL("virtual memory grew by %ld KiB", virtual_end - virtual_start);
  }

  wasm_memorytype_delete(mt);
  wasm_tabletype_delete(tt);
  wasm_globaltype_delete(gt);
  wasm_functype_delete(type);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK_EQ_INT(finalized, 6 * cycles);
  wasm_engine_delete(engine);
  return 0;
}
