// Header check (C++17, -Wall -Wextra -Werror -pedantic): the public headers compile cleanly in
// C++, twice (include guards), and their functions have C linkage (this program links).
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

#include <cstdio>
#include <type_traits>

static_assert(sizeof(wasm_val_t) == 16, "wasm_val_t is 16 bytes");
static_assert(std::is_standard_layout<wasm_val_t>::value, "wasm_val_t is plain data");
static_assert(sizeof(wasm_byte_vec_t) == 2 * sizeof(void*), "vectors are {size, data}");

int main() {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_val_t value;
  value.kind = WASM_I32;
  value.of.i32 = 7;
  wasm_name_t name;
  wasm_name_new_from_string(&name, "name");
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i64(), wasm_valtype_new_externref());
  bool ok = engine && store && value.of.i32 == 7 && name.size == 4 && type &&
            wasm_valtype_kind(wasm_functype_params(type)->data[0]) == WASM_I64 &&
            wasm_valtype_is_ref(wasm_functype_results(type)->data[0]);
  wasm_functype_delete(type);
  wasm_name_delete(&name);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  std::printf("headers (C++): %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
