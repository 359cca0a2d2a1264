/* test.h: tiny helpers shared by the C API tests (every c-tests/NAME.c).
 *
 * Every test is a standalone program: `int main(void)` returns 0 on success; a failed check
 * prints where and why and exits with status 1. Test modules are read from MODULES_DIR (the
 * build passes its absolute path; the default works from the repository root).
 */
#ifndef WASMRT_C_TESTS_TEST_H
#define WASMRT_C_TESTS_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"
#include "wasmrt.h"

#ifndef MODULES_DIR
#define MODULES_DIR "c-tests/modules"
#endif

#define FAIL(...)                                              \
  do {                                                         \
    fprintf(stderr, "%s:%d: FAILED: ", __FILE__, __LINE__);    \
    fprintf(stderr, __VA_ARGS__);                              \
    fprintf(stderr, "\n");                                     \
    exit(1);                                                   \
  } while (0)

#define CHECK(cond)                                  \
  do {                                               \
    if (!(cond)) FAIL("check `%s` is false", #cond); \
  } while (0)

#define CHECK_EQ_INT(actual, expected)                                                       \
  do {                                                                                       \
    long long a_ = (long long)(actual), e_ = (long long)(expected);                          \
    if (a_ != e_) FAIL("`%s` is %lld, expected `%s` = %lld", #actual, a_, #expected, e_);    \
  } while (0)

#define CHECK_EQ_UINT(actual, expected)                                                      \
  do {                                                                                       \
    unsigned long long a_ = (unsigned long long)(actual), e_ = (unsigned long long)(expected); \
    if (a_ != e_) FAIL("`%s` is %llu, expected `%s` = %llu", #actual, a_, #expected, e_);    \
  } while (0)

/* A name (not NUL-terminated) equals the C string. */
#define CHECK_NAME(name, expected)                                                           \
  do {                                                                                       \
    const wasm_name_t* n_ = (name);                                                          \
    const char* e_ = (expected);                                                             \
    if (n_ == NULL) FAIL("`%s` is NULL, expected \"%s\"", #name, e_);                        \
    if (n_->size != strlen(e_) || (n_->size > 0 && memcmp(n_->data, e_, n_->size) != 0))     \
      FAIL("`%s` is \"%.*s\", expected \"%s\"", #name, (int)n_->size, n_->size ? n_->data : "", e_); \
  } while (0)

/* A message: NUL-terminated, and its text (without the NUL) contains `expected`. */
#define CHECK_MESSAGE_CONTAINS(message, expected)                                              \
  do {                                                                                         \
    const wasm_message_t* m_ = (message);                                                      \
    const char* e_ = (expected);                                                               \
    if (m_->size == 0 || m_->data == NULL) FAIL("`%s` is empty, expected \"%s\"", #message, e_); \
    if (m_->data[m_->size - 1] != '\0') FAIL("`%s` is not NUL-terminated", #message);          \
    if (strlen(m_->data) != m_->size - 1) FAIL("`%s` has a NUL before its end", #message);     \
    if (strstr(m_->data, e_) == NULL) FAIL("`%s` is \"%s\", expected to contain \"%s\"", #message, m_->data, e_); \
  } while (0)

/* A trap (non-NULL) whose message contains `expected`; deletes the trap. */
#define CHECK_TRAP(trap_expr, expected)                                    \
  do {                                                                     \
    wasm_trap_t* t_ = (trap_expr);                                         \
    if (t_ == NULL) FAIL("`%s` did not trap", #trap_expr);                 \
    wasm_message_t msg_;                                                   \
    wasm_trap_message(t_, &msg_);                                          \
    CHECK_MESSAGE_CONTAINS(&msg_, expected);                               \
    wasm_byte_vec_delete(&msg_);                                           \
    wasm_trap_delete(t_);                                                  \
  } while (0)

/* No trap; prints the trap's message if there is one. */
#define CHECK_NO_TRAP(trap_expr)                                                   \
  do {                                                                             \
    wasm_trap_t* t_ = (trap_expr);                                                 \
    if (t_ != NULL) {                                                              \
      wasm_message_t msg_;                                                         \
      wasm_trap_message(t_, &msg_);                                                \
      FAIL("`%s` trapped: %.*s", #trap_expr, (int)msg_.size, msg_.size ? msg_.data : ""); \
    }                                                                              \
  } while (0)

/* Reads MODULES_DIR/<name>.wasm into `out` (which the caller deletes). */
static inline void read_module_bytes(const char* name, wasm_byte_vec_t* out) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.wasm", MODULES_DIR, name);
  FILE* f = fopen(path, "rb");
  if (f == NULL) FAIL("cannot open %s", path);
  if (fseek(f, 0, SEEK_END) != 0) FAIL("cannot seek %s", path);
  long size = ftell(f);
  if (size < 0 || fseek(f, 0, SEEK_SET) != 0) FAIL("cannot size %s", path);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  if (size > 0 && fread(out->data, 1, (size_t)size, f) != (size_t)size) FAIL("cannot read %s", path);
  fclose(f);
}

/* Compiles MODULES_DIR/<name>.wasm; fails the test if it does not compile. */
static inline wasm_module_t* load_module(wasm_store_t* store, const char* name) {
  wasm_byte_vec_t bytes;
  read_module_bytes(name, &bytes);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  if (module == NULL) {
    wasm_name_t error;
    wasmrt_last_error_message(&error);
    FAIL("module %s does not compile: %.*s", name, (int)error.size, error.size ? error.data : "");
  }
  return module;
}

/* Instantiates a module; fails the test with the trap's message if that fails. */
static inline wasm_instance_t* instantiate(wasm_store_t* store, const wasm_module_t* module,
                                           wasm_extern_t* const* imports, size_t n_imports) {
  wasm_extern_vec_t vec = {n_imports, (wasm_extern_t**)imports};
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &vec, &trap);
  if (instance == NULL) {
    if (trap == NULL) FAIL("instantiation failed without a trap");
    wasm_message_t msg;
    wasm_trap_message(trap, &msg);
    FAIL("instantiation failed: %.*s", (int)msg.size, msg.size ? msg.data : "");
  }
  CHECK(trap == NULL);
  return instance;
}

/* Index of the module's export named `name` (also the index in wasm_instance_exports). */
static inline size_t export_index(const wasm_module_t* module, const char* name) {
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  for (size_t i = 0; i < exports.size; i++) {
    const wasm_name_t* n = wasm_exporttype_name(exports.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) {
      wasm_exporttype_vec_delete(&exports);
      return i;
    }
  }
  FAIL("no export named %s", name);
}

/* The function exported as `name` from a vector of instance exports (borrowed). */
static inline wasm_func_t* export_func(const wasm_module_t* module, const wasm_extern_vec_t* exports,
                                       const char* name) {
  size_t i = export_index(module, name);
  CHECK(i < exports->size);
  wasm_func_t* f = wasm_extern_as_func(exports->data[i]);
  if (f == NULL) FAIL("export %s is not a function", name);
  return f;
}

/* A new value type vector from up to 4 kinds (for function types). */
static inline void valtypes(wasm_valtype_vec_t* out, size_t n, const wasm_valkind_t* kinds) {
  wasm_valtype_vec_new_uninitialized(out, n);
  for (size_t i = 0; i < n; i++) out->data[i] = wasm_valtype_new(kinds[i]);
}

/* A new function type from parameter and result kinds. */
static inline wasm_functype_t* functype(size_t np, const wasm_valkind_t* params, size_t nr,
                                        const wasm_valkind_t* results) {
  wasm_valtype_vec_t p, r;
  valtypes(&p, np, params);
  valtypes(&r, nr, results);
  return wasm_functype_new(&p, &r);
}

#endif /* WASMRT_C_TESTS_TEST_H */
