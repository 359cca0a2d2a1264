/* Header check (C11, -Wall -Wextra -Werror -pedantic): a program written against the standard
 * wasm.h relies on the headers it includes (<stddef.h>, <stdint.h>, <stdbool.h>, <string.h>,
 * <assert.h>) without including them itself. This one includes nothing else. */
#undef NDEBUG /* the checks below are asserts */
#include "wasm.h"

int main(void) {
  size_t n = strlen("name");
  uint32_t u = UINT32_MAX;
  int64_t i = INT64_MIN;
  bool ok = true;
  char buffer[8];
  memset(buffer, 0, sizeof buffer);
  memcpy(buffer, "name", n);
  assert(ok && n == 4 && u == 0xffffffffu && i < 0 && memcmp(buffer, "name", 4) == 0);
  assert(offsetof(wasm_byte_vec_t, size) == 0);
  wasm_name_t name;
  wasm_name_new_from_string(&name, buffer);
  assert(name.size == 4 && name.data != NULL);
  wasm_name_delete(&name);
  return ok ? 0 : 1;
}
