/* Another wasm engine in the same program, as far as the linker is concerned: defines every
 * function name that wasmrt-prefixed.h maps (the standard wasm_* names; the generated
 * other_engine_names.h lists them as OTHER_ENGINE(name)), each counting its calls and returning
 * NULL (a call that reaches one by mistake fails a check rather than crashing). Compiled without
 * wasmrt's headers, so these are the plain standard symbols. */
#include <stddef.h>

int other_engine_calls = 0;
int other_engine_call_all(void);

#define OTHER_ENGINE(name) \
  void* name(void);        \
  void* name(void) {       \
    other_engine_calls++;  \
    return NULL;           \
  }
#include "other_engine_names.h"
#undef OTHER_ENGINE

/* Calls each function once through its standard name; returns how many there are. */
int other_engine_call_all(void) {
  int count = 0;
#define OTHER_ENGINE(name) \
  name();                  \
  count++;
#include "other_engine_names.h"
#undef OTHER_ENGINE
  return count;
}
