/* fuel: wasmrt_config_consume_fuel makes stores run only while they have fuel
 * (wasmrt_store_add_fuel / wasmrt_store_fuel); running out traps with "all fuel consumed"
 * (WASMRT_TRAP_OUT_OF_FUEL), which stops endless loops; fuel use is deterministic and per
 * store; engines without fuel ignore it. */
#include "test.h"

static wasm_trap_t* poll(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

typedef struct {
  wasm_store_t* store;
  wasm_module_t* module;
  wasm_func_t* poll;
  wasm_instance_t* instance;
  wasm_extern_vec_t exports;
  const wasm_func_t *count, *forever, *poll_forever;
} setup_t;

static void setup(setup_t* s, wasm_engine_t* engine) {
  s->store = wasm_store_new(engine);
  s->module = load_module(s->store, "loops");
  wasm_functype_t* t = wasm_functype_new_0_0();
  s->poll = wasm_func_new(s->store, t, poll);
  wasm_functype_delete(t);
  wasm_extern_t* imports[] = {wasm_func_as_extern(s->poll)};
  s->instance = instantiate(s->store, s->module, imports, 1);
  wasm_instance_exports(s->instance, &s->exports);
  s->count = export_func(s->module, &s->exports, "count");
  s->forever = export_func(s->module, &s->exports, "forever");
  s->poll_forever = export_func(s->module, &s->exports, "poll_forever");
}

static void teardown(setup_t* s) {
  wasm_extern_vec_delete(&s->exports);
  wasm_instance_delete(s->instance);
  wasm_func_delete(s->poll);
  wasm_module_delete(s->module);
  wasm_store_delete(s->store);
}

static wasm_trap_t* count(const setup_t* s, int32_t n, int32_t* result) {
  wasm_val_t a[] = {WASM_I32_VAL(n)};
  wasm_val_t r[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(s->count, &args, &results);
  *result = r[0].of.i32;
  return trap;
}

/* Fuel ran out in wasm code (with a frame where it did), or before the called function ran
 * (at its entry: no frame). */
static void check_out_of_fuel(wasm_trap_t* trap, bool in_wasm) {
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_OUT_OF_FUEL);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK((origin != NULL) == in_wasm);
  wasm_frame_delete(origin);
  CHECK_TRAP(trap, "all fuel consumed");
}

int main(void) {
  wasm_config_t* config = wasm_config_new();
  CHECK(config != NULL);
  wasmrt_config_consume_fuel(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config); /* takes the config */
  setup_t s;
  setup(&s, engine);
  int32_t result;
  wasm_val_vec_t none = WASM_EMPTY_VEC;

  /* A new store has no fuel: the first function entry traps, before the function runs. */
  CHECK_EQ_UINT(wasmrt_store_fuel(s.store), 0);
  check_out_of_fuel(count(&s, 10, &result), false);

  /* With fuel, the loop runs and uses some; the same call uses the same amount again. */
  wasmrt_store_add_fuel(s.store, 1000);
  CHECK_EQ_UINT(wasmrt_store_fuel(s.store), 1000);
  CHECK_NO_TRAP(count(&s, 10, &result));
  CHECK_EQ_INT(result, 10);
  uint64_t used = 1000 - wasmrt_store_fuel(s.store);
  CHECK(used >= 10 && used < 100);
  CHECK_NO_TRAP(count(&s, 10, &result));
  CHECK_EQ_UINT(1000 - wasmrt_store_fuel(s.store), 2 * used);
  /* More iterations use more fuel. */
  uint64_t before = wasmrt_store_fuel(s.store);
  CHECK_NO_TRAP(count(&s, 100, &result));
  CHECK(before - wasmrt_store_fuel(s.store) > used);

  /* Too little fuel for the loop: traps part-way, with no fuel left. */
  check_out_of_fuel(count(&s, 1000000, &result), true);
  CHECK_EQ_UINT(wasmrt_store_fuel(s.store), 0);

  /* Endless loops stop, with and without host calls in them. */
  wasmrt_store_add_fuel(s.store, 10000);
  check_out_of_fuel(wasm_func_call(s.forever, &none, &none), true);
  CHECK_EQ_UINT(wasmrt_store_fuel(s.store), 0);
  wasmrt_store_add_fuel(s.store, 10000);
  check_out_of_fuel(wasm_func_call(s.poll_forever, &none, &none), true);
  CHECK_EQ_UINT(wasmrt_store_fuel(s.store), 0);

  /* Refuelled, the store works again; adding saturates rather than wrapping. */
  wasmrt_store_add_fuel(s.store, UINT64_MAX - 5);
  wasmrt_store_add_fuel(s.store, 100);
  CHECK_EQ_UINT(wasmrt_store_fuel(s.store), UINT64_MAX);
  CHECK_NO_TRAP(count(&s, 10, &result));
  CHECK_EQ_UINT(wasmrt_store_fuel(s.store), UINT64_MAX - used);

  /* Fuel belongs to a store: another store of the engine has none. */
  setup_t s2;
  setup(&s2, engine);
  CHECK_EQ_UINT(wasmrt_store_fuel(s2.store), 0);
  check_out_of_fuel(count(&s2, 1, &result), false);
  teardown(&s2);
  teardown(&s);
  wasm_engine_delete(engine);

  /* Engines without fuel run regardless (explicitly disabled, and by default). */
  config = wasm_config_new();
  wasmrt_config_consume_fuel(config, true);
  wasmrt_config_consume_fuel(config, false);
  engine = wasm_engine_new_with_config(config);
  setup(&s, engine);
  CHECK_NO_TRAP(count(&s, 100000, &result));
  CHECK_EQ_INT(result, 100000);
  teardown(&s);
  wasm_engine_delete(engine);
  engine = wasm_engine_new();
  setup(&s, engine);
  wasmrt_store_add_fuel(s.store, 1);
  CHECK_NO_TRAP(count(&s, 1000, &result));
  CHECK_EQ_INT(result, 1000);
  teardown(&s);
  wasm_engine_delete(engine);
  return 0;
}
