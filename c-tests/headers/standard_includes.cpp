// Header check (C++17, -Wall -Wextra -Werror -pedantic): as standard_includes.c, from C++: the
// standard wasm.h brings in what hosts use without including it themselves (assert, memcpy,
// strlen, size_t, the fixed-width integer types, offsetof).
#undef NDEBUG /* the checks below are asserts */
#include "wasm.h"

int main() {
  size_t n = strlen("name");
  char buffer[8] = {};
  memcpy(buffer, "name", n);
  uint64_t big = UINT64_MAX;
  assert(n == 4 && big != 0 && offsetof(wasm_byte_vec_t, size) == 0);
  wasm_name_t name;
  wasm_name_new_from_string(&name, buffer);
  assert(name.size == 4);
  wasm_name_delete(&name);
  return 0;
}
