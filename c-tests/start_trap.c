/* start_trap: a start function that traps makes wasm_instance_new return NULL and set the
 * trap ("unreachable", with the start function's frame); a NULL trap pointer is allowed. */
#include "test.h"

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "start_trap");

  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance == NULL);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_UNREACHABLE);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL);
  CHECK_EQ_UINT(wasm_frame_func_index(origin), 0);
  wasm_name_t name;
  wasmrt_frame_func_name(origin, &name);
  CHECK(name.size > 0 && strcmp(name.data, "start") == 0);
  wasm_byte_vec_delete(&name);
  wasm_frame_delete(origin);
  CHECK_TRAP(trap, "unreachable");

  /* Without a place for the trap: still NULL, nothing leaks. */
  CHECK(wasm_instance_new(store, module, &imports, NULL) == NULL);

  /* Missing imports are reported the same way. */
  wasm_module_t* hello = load_module(store, "hello");
  trap = NULL;
  CHECK(wasm_instance_new(store, hello, &imports, &trap) == NULL);
  CHECK_TRAP(trap, "import");
  CHECK(wasm_instance_new(store, hello, NULL, &trap) == NULL);
  CHECK_TRAP(trap, "import");

  wasm_module_delete(hello);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
