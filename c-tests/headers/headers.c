/* Header check (C11, -Wall -Wextra -Werror -pedantic): the public headers compile cleanly, twice
 * (include guards), and a few declarations and inline helpers link and behave. */
#include "wasm.h"
#include "wasmrt.h"
#include "wasm.h"
#include "wasmrt.h"
#if defined(__has_include)
#if __has_include("wasi.h")
#include "wasi.h"
#include "wasi.h"
#endif
#endif

#include <stdio.h>

/* ABI facts of the standard header. */
_Static_assert(sizeof(wasm_val_t) == 16, "wasm_val_t is 16 bytes");
_Static_assert(sizeof(wasm_valkind_t) == 1, "wasm_valkind_t is a uint8_t");
_Static_assert(sizeof(wasm_mutability_t) == 1, "wasm_mutability_t is a uint8_t");
_Static_assert(sizeof(wasm_byte_vec_t) == 2 * sizeof(void*), "vectors are {size, data}");
_Static_assert(WASM_EXTERNREF == 128 && WASM_FUNCREF == 129, "reference kinds");

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_val_t values[] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_F32_VAL(3.0f), WASM_F64_VAL(4.0), WASM_REF_VAL(NULL), WASM_INIT_VAL};
  wasm_val_vec_t vec = WASM_ARRAY_VEC(values);
  wasm_name_t name;
  wasm_name_new_from_string(&name, "name");
  wasm_functype_t* type = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_f64(), wasm_valtype_new_funcref());
  int ok = engine && store && vec.size == 6 && name.size == 4 && type &&
           wasm_valtype_is_ref(wasm_functype_results(type)->data[0]) &&
           wasm_valtype_is_num(wasm_functype_params(type)->data[1]);
  wasm_functype_delete(type);
  wasm_name_delete(&name);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("headers (C): %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
