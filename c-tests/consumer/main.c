/* An installed-package consumer (see CMakeLists.txt beside it): compiles an embedded module,
 * instantiates it, calls its export and checks the result. With WASMRT_CONSUMER_PREFIXED defined,
 * the same code goes through wasmrt-prefixed.h (the prefixed library). */
#ifdef WASMRT_CONSUMER_PREFIXED
#include <wasmrt-prefixed.h>
#else
#include <wasm.h>
#include <wasmrt.h>
#endif
#include <stdio.h>

/* (module (func (export "answer") (result i32) i32.const 42)) */
static const unsigned char module_bytes[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,                          /* header */
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,                                /* type: () -> i32 */
    0x03, 0x02, 0x01, 0x00,                                                  /* func 0: type 0 */
    0x07, 0x0a, 0x01, 0x06, 'a', 'n', 's', 'w', 'e', 'r', 0x00, 0x00,        /* export */
    0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,                          /* i32.const 42 */
};

int main(void) {
  int ok = 0;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, sizeof module_bytes, (const wasm_byte_t*)module_bytes);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (module) {
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
    if (instance) {
      wasm_extern_vec_t exports;
      wasm_instance_exports(instance, &exports);
      const wasm_func_t* answer = exports.size == 1 ? wasm_extern_as_func_const(exports.data[0]) : NULL;
      wasm_val_t results_data[1] = {WASM_INIT_VAL};
      wasm_val_vec_t args = WASM_EMPTY_VEC;
      wasm_val_vec_t results = WASM_ARRAY_VEC(results_data);
      if (answer) {
        wasm_trap_t* trap = wasm_func_call(answer, &args, &results);
        ok = trap == NULL && results_data[0].kind == WASM_I32 && results_data[0].of.i32 == 42;
        wasm_trap_delete(trap);
      }
      wasm_extern_vec_delete(&exports);
      wasm_instance_delete(instance);
    }
    wasm_module_delete(module);
  }
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("consumer: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
