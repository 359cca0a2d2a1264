/* tiers: wasmrt_config_set_tier, wasmrt_config_set_compile_threads and wasmrt_module_is_compiled.
 * On the JIT tier (x86_64) modules compile to machine code, with guard regions and with explicit
 * bounds checks, and run with the same results and traps as on the interpreter, whatever the
 * number of compile threads; the interpreter says why its modules are not compiled; the default
 * tier is the one WASMRT_TIER names (without it, the JIT on x86_64 and the interpreter
 * elsewhere). */
#include "test.h"

#if defined(__x86_64__)
#define HAVE_JIT true
#else
#define HAVE_JIT false
#endif

/* Runs the memory module's functions on `engine`: loads, stores, growth and an out-of-bounds
 * trap. Returns whether the module ran compiled. */
static bool run(wasm_engine_t* engine) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "memory");
  wasm_message_t why = WASM_EMPTY_VEC;
  bool compiled = wasmrt_module_is_compiled(module, &why);
  CHECK(compiled == (why.size == 0));
  if (!compiled) CHECK_EQ_INT(strlen(why.data), why.size - 1);
  wasm_byte_vec_delete(&why);

  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* load = wasm_extern_as_func(exports.data[export_index(module, "load")]);
  const wasm_func_t* store_fn = wasm_extern_as_func(exports.data[export_index(module, "store")]);
  const wasm_func_t* grow = wasm_extern_as_func(exports.data[export_index(module, "grow")]);

  wasm_val_t args_data[2] = {WASM_I32_VAL(16), WASM_I32_VAL(0)};
  wasm_val_t results_data[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {1, args_data}, results = {1, results_data};
  CHECK_NO_TRAP(wasm_func_call(load, &args, &results));
  CHECK_EQ_INT(results_data[0].of.i32, 'h');

  args_data[0].of.i32 = 65535;
  args_data[1].of.i32 = 7;
  wasm_val_vec_t store_args = {2, args_data}, none = WASM_EMPTY_VEC;
  CHECK_NO_TRAP(wasm_func_call(store_fn, &store_args, &none));
  CHECK_NO_TRAP(wasm_func_call(load, &args, &results));
  CHECK_EQ_INT(results_data[0].of.i32, 7);

  args_data[0].of.i32 = 65536;
  wasm_trap_t* trap = wasm_func_call(load, &args, &results);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_MEMORY_OUT_OF_BOUNDS);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL);
  CHECK_EQ_INT(wasm_frame_func_index(origin), 0); /* "load" */
  wasm_frame_delete(origin);
  wasm_trap_delete(trap);

  args_data[0].of.i32 = 1;
  CHECK_NO_TRAP(wasm_func_call(grow, &args, &results));
  CHECK_EQ_INT(results_data[0].of.i32, 1);
  args_data[0].of.i32 = 65536;
  CHECK_NO_TRAP(wasm_func_call(load, &args, &results));
  CHECK_EQ_INT(results_data[0].of.i32, 0);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return compiled;
}

static wasm_engine_t* engine_with(wasmrt_tier_t tier, wasmrt_bounds_checks_t checks) {
  wasm_config_t* config = wasm_config_new();
  CHECK(wasmrt_config_set_tier(config, tier));
  CHECK(wasmrt_config_set_bounds_checks(config, checks));
  return wasm_engine_new_with_config(config);
}

int main(void) {
  /* memcheck reports the accesses that guard regions turn into traps as invalid reads. */
  bool valgrind = getenv("WASMRT_UNDER_VALGRIND") != NULL;
  wasmrt_bounds_checks_t modes[] = {WASMRT_BOUNDS_GUARD_REGIONS, WASMRT_BOUNDS_EXPLICIT};
  for (size_t i = 0; i < 2; i++) {
    wasm_engine_t* engine = engine_with(WASMRT_TIER_INTERPRETER, modes[i]);
    CHECK(!run(engine));
    wasm_engine_delete(engine);
#if defined(__x86_64__)
    if (valgrind && modes[i] == WASMRT_BOUNDS_GUARD_REGIONS) {
      printf("tiers: SKIPPED under valgrind: compiled code with guard regions (run by the plain and ASan tests)\n");
      continue;
    }
    engine = engine_with(WASMRT_TIER_JIT, modes[i]);
    CHECK(run(engine));
    wasm_engine_delete(engine);
#else
    wasm_config_t* config = wasm_config_new();
    CHECK(!wasmrt_config_set_tier(config, WASMRT_TIER_JIT));
    wasm_config_delete(config);
#endif
  }

  /* Compile threads: any number, 0 for as many as the process may run; the module runs the same. */
  wasm_config_t* threads_config = wasm_config_new();
  CHECK(wasmrt_config_set_bounds_checks(threads_config, WASMRT_BOUNDS_EXPLICIT));
#if defined(__x86_64__)
  CHECK(wasmrt_config_set_tier(threads_config, WASMRT_TIER_JIT));
#endif
  CHECK(wasmrt_config_set_compile_threads(threads_config, 4));
  CHECK(wasmrt_config_set_compile_threads(threads_config, 1));
  CHECK(!wasmrt_config_set_compile_threads(NULL, 4));
  wasm_engine_t* threads_engine = wasm_engine_new_with_config(threads_config);
  CHECK(run(threads_engine) == HAVE_JIT);
  wasm_engine_delete(threads_engine);

  /* The reason the interpreter gives. */
  wasm_engine_t* engine = engine_with(WASMRT_TIER_INTERPRETER, WASMRT_BOUNDS_GUARD_REGIONS);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "memory");
  wasm_message_t why;
  CHECK(!wasmrt_module_is_compiled(module, &why));
  CHECK(strcmp(why.data, "the engine runs the interpreter") == 0);
  wasm_byte_vec_delete(&why);
  CHECK(!wasmrt_module_is_compiled(NULL, NULL));
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* The default tier: WASMRT_TIER's, else the JIT where there is one. */
  const char* tier = getenv("WASMRT_TIER");
  engine = wasm_engine_new();
  store = wasm_store_new(engine);
  module = load_module(store, "memory");
  bool jit = tier != NULL ? strcmp(tier, "jit") == 0 : HAVE_JIT;
  CHECK(wasmrt_module_is_compiled(module, NULL) == jit);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  printf("tiers: ok\n");
  return 0;
}
