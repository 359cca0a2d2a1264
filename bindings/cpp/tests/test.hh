// Shared by the tests: CHECK, expecting exceptions, and reading the modules in MODULES_DIR.
#ifndef WASMRT_TEST_HH
#define WASMRT_TEST_HH

#include <wasmrt.hh>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#ifndef MODULES_DIR
#error "compile with -DMODULES_DIR='\"path/to/bindings/cpp/tests/modules\"'"
#endif

#define CHECK(cond)                                                               \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::exit(1);                                                               \
    }                                                                             \
  } while (0)

// Runs `body`, which must throw E; returns the exception.
template <typename E, typename F>
E expect_throw(F body, const char* what, int line) {
  try {
    body();
  } catch (const E& e) {
    return e;
  }
  std::fprintf(stderr, "line %d: expected an exception from %s\n", line, what);
  std::exit(1);
}
#define EXPECT_THROW(E, expr) expect_throw<E>([&] { (void)(expr); }, #expr, __LINE__)

inline std::string read_module(const std::string& name) {
  std::string path = std::string(MODULES_DIR) + "/" + name;
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    std::exit(1);
  }
  std::ostringstream bytes;
  bytes << f.rdbuf();
  return bytes.str();
}

#endif  // WASMRT_TEST_HH
