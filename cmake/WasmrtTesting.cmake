# Test helpers shared by c-tests/ and bindings/cpp (included by the top-level CMakeLists.txt when
# WASMRT_BUILD_TESTS is on; not installed).
#
# wasmrt_add_test(NAME <name> SOURCES <files>... [DEFINITIONS <defs>...] [LIBRARIES <libs>...]
#                 [LABELS <labels>...] [TIMEOUT <seconds>] [WASMRT <target>] [PLAIN_ONLY])
#
# Builds the program <name> from SOURCES (C or C++; warnings are errors) linked against
# wasmrt::wasmrt, or the WASMRT target given (e.g. wasmrt::wasmrt_prefixed_static), plus
# LIBRARIES, and adds up to three CTest tests per execution tier, each passing when the
# program exits with 0:
#   <name>            the program                                              label "plain"
#   <name>-asan       the program rebuilt with -fsanitize=address,undefined    label "asan"
#                     (leak detection on; the Rust library is not instrumented,
#                     but the ASan runtime checks the C side and interposes malloc)
#   <name>-valgrind   the plain program under valgrind memcheck: any error, or  label "valgrind"
#                     a definite or indirect leak, fails
# on the interpreter (WASMRT_TIER=interpreter in the environment, which sets the default tier of
# wasm_config_new and wasm_engine_new), and the same three named <name>-jit, <name>-jit-asan and
# <name>-jit-valgrind on the JIT (WASMRT_TIER=jit, label "jit") when WASMRT_TEST_TIERS has it.
# Under valgrind the JIT runs with explicit bounds checks (WASMRT_BOUNDS_CHECKS=explicit):
# memcheck reports the accesses that guard regions turn into traps as invalid before the signal
# arrives, so there compiled code checks every access itself and raises traps without signals.
# PLAIN_ONLY adds only the first. `ctest -L asan` (or plain, valgrind, jit) runs one kind.

option(WASMRT_TEST_SANITIZERS "Also build and run every C/C++ test with -fsanitize=address,undefined" ON)
find_program(WASMRT_VALGRIND valgrind)
if(WASMRT_VALGRIND)
  set(_wasmrt_valgrind_default ON)
else()
  set(_wasmrt_valgrind_default OFF)
endif()
option(WASMRT_TEST_VALGRIND "Also run every C/C++ test under valgrind memcheck" ${_wasmrt_valgrind_default})
if(WASMRT_TEST_VALGRIND AND NOT WASMRT_VALGRIND)
  message(FATAL_ERROR "WASMRT_TEST_VALGRIND is on but valgrind was not found")
endif()

if(WASMRT_TEST_SANITIZERS)
  include(CheckCSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=address,undefined")
  set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=address,undefined")
  check_c_source_compiles("int main(void) { return 0; }" WASMRT_HAVE_SANITIZERS)
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(NOT WASMRT_HAVE_SANITIZERS)
    message(FATAL_ERROR "WASMRT_TEST_SANITIZERS is on but the C compiler cannot build with "
      "-fsanitize=address,undefined (on Debian: apt-get install libasan8 libubsan1)")
  endif()
endif()

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(_wasmrt_tiers_default "interpreter;jit")
else()
  set(_wasmrt_tiers_default "interpreter")
endif()
set(WASMRT_TEST_TIERS "${_wasmrt_tiers_default}" CACHE STRING
  "Execution tiers the C and C++ tests run on (interpreter, jit)")

find_package(Threads REQUIRED)

set(WASMRT_TEST_WARNINGS -Wall -Wextra -Werror)
set(WASMRT_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
set(WASMRT_ASAN_ENV
  "ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_string_checks=1:check_initialization_order=1"
  "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
  "LSAN_OPTIONS=report_objects=1")
# --smc-check=all-non-file: code written at run time (the JIT's) is re-translated when it changes.
set(WASMRT_VALGRIND_COMMAND "${WASMRT_VALGRIND}" -q --error-exitcode=1 --leak-check=full
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
  --smc-check=all-non-file --num-callers=30)
if(EXISTS "${PROJECT_SOURCE_DIR}/c-tests/valgrind.supp")
  list(APPEND WASMRT_VALGRIND_COMMAND "--suppressions=${PROJECT_SOURCE_DIR}/c-tests/valgrind.supp")
endif()

function(_wasmrt_test_target target sources definitions libraries wasmrt)
  add_executable(${target} ${sources})
  target_compile_options(${target} PRIVATE ${WASMRT_TEST_WARNINGS})
  target_compile_definitions(${target} PRIVATE ${definitions})
  target_link_libraries(${target} PRIVATE ${wasmrt} Threads::Threads ${libraries})
  if(UNIX)
    target_link_libraries(${target} PRIVATE m)
  endif()
  set_target_properties(${target} PROPERTIES C_STANDARD 11 CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON)
endfunction()

function(wasmrt_add_test)
  cmake_parse_arguments(T "PLAIN_ONLY" "NAME;TIMEOUT;WASMRT" "SOURCES;DEFINITIONS;LIBRARIES;LABELS" ${ARGN})
  if(NOT T_NAME OR NOT T_SOURCES)
    message(FATAL_ERROR "wasmrt_add_test: NAME and SOURCES are required")
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(NOT T_WASMRT)
    set(T_WASMRT wasmrt::wasmrt)
  endif()

  _wasmrt_test_target(${T_NAME} "${T_SOURCES}" "${T_DEFINITIONS}" "${T_LIBRARIES}" ${T_WASMRT})
  if(WASMRT_TEST_SANITIZERS AND NOT T_PLAIN_ONLY)
    _wasmrt_test_target(${T_NAME}-asan "${T_SOURCES}" "${T_DEFINITIONS}" "${T_LIBRARIES}" ${T_WASMRT})
    target_compile_options(${T_NAME}-asan PRIVATE ${WASMRT_SANITIZE_FLAGS} -g)
    target_link_options(${T_NAME}-asan PRIVATE ${WASMRT_SANITIZE_FLAGS})
  endif()
  math(EXPR _valgrind_timeout "${T_TIMEOUT} * 5")

  foreach(_tier IN LISTS WASMRT_TEST_TIERS)
    if(_tier STREQUAL "interpreter")
      set(_name ${T_NAME})
      set(_labels "${T_LABELS}")
    else()
      set(_name ${T_NAME}-${_tier})
      set(_labels "${_tier};${T_LABELS}")
    endif()
    # WASMRT_UNDER_VALGRIND tells a program that memcheck watches it (c-tests/tiers.c then leaves
    # out compiled code with guard regions, which it runs on its own everywhere else).
    set(_valgrind_env "WASMRT_TIER=${_tier}" "WASMRT_UNDER_VALGRIND=1")
    if(NOT _tier STREQUAL "interpreter")
      list(APPEND _valgrind_env "WASMRT_BOUNDS_CHECKS=explicit")
    endif()
    add_test(NAME ${_name} COMMAND ${T_NAME})
    set_tests_properties(${_name} PROPERTIES
      LABELS "plain;${_labels}" TIMEOUT ${T_TIMEOUT} ENVIRONMENT "WASMRT_TIER=${_tier}")
    if(T_PLAIN_ONLY)
      return()
    endif()
    if(WASMRT_TEST_SANITIZERS)
      add_test(NAME ${_name}-asan COMMAND ${T_NAME}-asan)
      set_tests_properties(${_name}-asan PROPERTIES
        LABELS "asan;${_labels}" TIMEOUT ${T_TIMEOUT} ENVIRONMENT "${WASMRT_ASAN_ENV};WASMRT_TIER=${_tier}")
    endif()
    if(WASMRT_TEST_VALGRIND)
      add_test(NAME ${_name}-valgrind COMMAND ${WASMRT_VALGRIND_COMMAND} $<TARGET_FILE:${T_NAME}>)
      set_tests_properties(${_name}-valgrind PROPERTIES
        LABELS "valgrind;${_labels}" TIMEOUT ${_valgrind_timeout} ENVIRONMENT "${_valgrind_env}")
    endif()
  endforeach()
endfunction()
