/* engine_store: the runtime environment: configurations (deleted unused, or taken by an
 * engine), several engines, several stores per engine; a module compiled with one store
 * can be instantiated in every store of its engine, and each store's instance has its own
 * state; many stores come and go without leaks. */
#include "test.h"

static int32_t get_global(const wasm_instance_t* instance) {
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t v;
  wasm_global_get(wasm_extern_as_global(exports.data[1]), &v);
  wasm_extern_vec_delete(&exports);
  return v.of.i32;
}

static void set_global(wasm_instance_t* instance, int32_t x) {
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t v = WASM_I32_VAL(x);
  wasm_global_set(wasm_extern_as_global(exports.data[1]), &v);
  wasm_extern_vec_delete(&exports);
}

int main(void) {
  /* Configurations. */
  wasm_config_t* unused = wasm_config_new();
  CHECK(unused != NULL);
  wasm_config_delete(unused);
  wasm_engine_t* e1 = wasm_engine_new_with_config(wasm_config_new());
  wasm_engine_t* e2 = wasm_engine_new();
  CHECK(e1 && e2);

  /* One module, compiled once, in three stores of its engine: separate state. */
  wasm_store_t* s1 = wasm_store_new(e1);
  wasm_store_t* s2 = wasm_store_new(e1);
  wasm_store_t* s3 = wasm_store_new(e1);
  CHECK(s1 && s2 && s3 && s1 != s2);
  wasm_module_t* module = load_module(s1, "lifetime"); /* exports mem, g (mut i32 = 5), t, f */
  wasm_instance_t* i1 = instantiate(s1, module, NULL, 0);
  wasm_instance_t* i2 = instantiate(s2, module, NULL, 0);
  wasm_instance_t* i3 = instantiate(s3, module, NULL, 0);
  set_global(i1, 1);
  set_global(i2, 2);
  CHECK_EQ_INT(get_global(i1), 1);
  CHECK_EQ_INT(get_global(i2), 2);
  CHECK_EQ_INT(get_global(i3), 5);
  CHECK(!wasm_instance_same(i1, i2));
  /* Deleting one store leaves the others alone. */
  wasm_instance_delete(i2);
  wasm_store_delete(s2);
  CHECK_EQ_INT(get_global(i1), 1);
  CHECK_EQ_INT(get_global(i3), 5);

  /* The other engine's stores: the module must be compiled (or obtained) for it. */
  wasm_store_t* s4 = wasm_store_new(e2);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(s4, module, &none, &trap) == NULL);
  CHECK_TRAP(trap, "engine");
  wasm_module_t* module4 = load_module(s4, "lifetime");
  wasm_instance_t* i4 = instantiate(s4, module4, NULL, 0);
  CHECK_EQ_INT(get_global(i4), 5);
  wasm_instance_delete(i4);
  wasm_module_delete(module4);
  wasm_store_delete(s4);

  /* Many stores with objects, created and deleted. */
  for (int i = 0; i < 200; i++) {
    wasm_store_t* s = wasm_store_new(e1);
    wasm_instance_t* inst = instantiate(s, module, NULL, 0);
    set_global(inst, i);
    CHECK_EQ_INT(get_global(inst), i);
    wasm_foreign_t* foreign = wasm_foreign_new(s);
    wasm_foreign_delete(foreign);
    wasm_instance_delete(inst);
    wasm_store_delete(s);
  }

  wasm_instance_delete(i1);
  wasm_instance_delete(i3);
  wasm_module_delete(module);
  wasm_store_delete(s1);
  wasm_store_delete(s3);
  wasm_engine_delete(e1);
  wasm_engine_delete(e2);
  return 0;
}
