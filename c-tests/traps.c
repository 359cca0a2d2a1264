/* traps: a trap from `unreachable` ("unreachable", NUL-terminated), its origin and backtrace
 * (function indices, offsets, instance, names from the name section, trap codes), traps of
 * other kinds, host traps through wasm, and trap objects made by the host. */
#include "test.h"

static wasm_store_t* the_store;

static wasm_trap_t* fail(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  wasm_message_t msg;
  wasm_name_new_from_string(&msg, "host says no"); /* without a NUL: the API adds one */
  wasm_trap_t* trap = wasm_trap_new(the_store, &msg);
  wasm_byte_vec_delete(&msg);
  return trap;
}

static wasm_byte_vec_t binary;

static wasm_trap_t* add_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 + args->data[1].of.i32);
  return NULL;
}

/* The byte at `offset` of MODULES_DIR/<name>.wasm. */
static unsigned char module_byte(const char* name, size_t offset) {
  wasm_byte_vec_t bytes;
  read_module_bytes(name, &bytes);
  CHECK(offset < bytes.size);
  unsigned char c = (unsigned char)bytes.data[offset];
  wasm_byte_vec_delete(&bytes);
  return c;
}

/* Checks one frame: function index and name, the instance, and that the offsets point at
 * `opcode` in the module's bytes. Returns the function's body start (module - func offset). */
static size_t check_frame(const wasm_frame_t* frame, const wasm_instance_t* instance, uint32_t func_index,
                          const char* name, unsigned char opcode) {
  CHECK(frame != NULL);
  CHECK_EQ_UINT(wasm_frame_func_index(frame), func_index);
  size_t module_offset = wasm_frame_module_offset(frame);
  size_t func_offset = wasm_frame_func_offset(frame);
  CHECK(module_offset < binary.size);
  CHECK_EQ_UINT((unsigned char)binary.data[module_offset], opcode);
  CHECK(func_offset > 0 && func_offset < module_offset);
  /* Function offsets count from the body's contents, just after its size (a one-byte size
   * here): the byte before is the size, and the body it spans ends in `end` (0x0b). */
  size_t body = module_offset - func_offset;
  unsigned char body_size = (unsigned char)binary.data[body - 1];
  CHECK(body_size < 0x80 && body + body_size <= binary.size);
  CHECK_EQ_UINT((unsigned char)binary.data[body + body_size - 1], 0x0b);
  CHECK(wasm_instance_same(wasm_frame_instance(frame), instance));
  wasm_name_t n;
  wasmrt_frame_func_name(frame, &n);
  if (name == NULL) {
    CHECK_EQ_UINT(n.size, 0);
  } else {
    /* NUL-terminated */
    CHECK_EQ_UINT(n.size, strlen(name) + 1);
    CHECK(strcmp(n.data, name) == 0);
  }
  wasm_byte_vec_delete(&n);
  wasmrt_frame_module_name(frame, &n);
  CHECK_EQ_UINT(n.size, strlen("traps") + 1);
  CHECK(strcmp(n.data, "traps") == 0);
  wasm_byte_vec_delete(&n);
  return module_offset - func_offset;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  the_store = store;
  read_module_bytes("traps", &binary);
  wasm_module_t* module = wasm_module_new(store, &binary);
  CHECK(module != NULL);

  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* host = wasm_func_new(store, type, fail);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_vec_t none = WASM_EMPTY_VEC;

  /* unreachable, two frames deep: middle (func 2) calls inner (func 1; func 0 is the import). */
  wasm_trap_t* trap = wasm_func_call(export_func(module, &exports, "middle"), &none, &none);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_UNREACHABLE);
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  CHECK_EQ_UINT(msg.size, strlen("unreachable") + 1);
  CHECK(msg.data[msg.size - 1] == '\0');
  CHECK(strcmp(msg.data, "unreachable") == 0);
  wasm_byte_vec_delete(&msg);

  wasm_frame_t* origin = wasm_trap_origin(trap);
  size_t inner_start = check_frame(origin, instance, 1, "inner", 0x00 /* unreachable */);
  /* inner's body: local-declaration count (0), then unreachable at offset 1. */
  CHECK_EQ_UINT(wasm_frame_func_offset(origin), 1);
  wasm_frame_t* origin_copy = wasm_frame_copy(origin);
  CHECK_EQ_UINT(wasm_frame_func_index(origin_copy), 1);
  CHECK_EQ_UINT(wasm_frame_module_offset(origin_copy), wasm_frame_module_offset(origin));
  CHECK_EQ_UINT(wasm_frame_func_offset(origin_copy), wasm_frame_func_offset(origin));
  CHECK(wasm_instance_same(wasm_frame_instance(origin_copy), instance));
  wasm_frame_delete(origin_copy);

  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK_EQ_UINT(trace.size, 2);
  CHECK_EQ_UINT(check_frame(trace.data[0], instance, 1, "inner", 0x00), inner_start);
  size_t middle_start = check_frame(trace.data[1], instance, 2, "middle", 0x10 /* call */);
  CHECK(middle_start > inner_start);
  /* middle's body: locals count, nop, then the call at offset 2. */
  CHECK_EQ_UINT(wasm_frame_func_offset(trace.data[1]), 2);
  wasm_frame_vec_t trace_copy;
  wasm_frame_vec_copy(&trace_copy, &trace);
  CHECK_EQ_UINT(trace_copy.size, 2);
  CHECK(trace_copy.data[0] != trace.data[0]);
  CHECK_EQ_UINT(wasm_frame_func_index(trace_copy.data[1]), 2);
  wasm_frame_vec_delete(&trace_copy);
  wasm_frame_vec_delete(&trace);
  wasm_frame_delete(origin);

  /* Trap copies are the same trap; host info lives on the trap. */
  wasm_trap_t* copy = wasm_trap_copy(trap);
  CHECK(wasm_trap_same(copy, trap));
  static int info;
  wasm_trap_set_host_info(copy, &info);
  CHECK(wasm_trap_get_host_info(trap) == &info);
  wasm_trap_delete(copy);
  wasm_trap_delete(trap);

  /* A function without a name in the name section. */
  trap = wasm_func_call(export_func(module, &exports, "anonymous"), &none, &none);
  origin = wasm_trap_origin(trap);
  check_frame(origin, instance, 6, NULL, 0x00);
  wasm_frame_delete(origin);
  CHECK_TRAP(trap, "unreachable");

  /* Integer traps, with codes. */
  const wasm_func_t* div = export_func(module, &exports, "div");
  wasm_val_t args_data[] = {WASM_I32_VAL(1), WASM_I32_VAL(0)};
  wasm_val_t results_data[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_data), results = WASM_ARRAY_VEC(results_data);
  trap = wasm_func_call(div, &args, &results);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_INTEGER_DIVIDE_BY_ZERO);
  origin = wasm_trap_origin(trap);
  check_frame(origin, instance, 3, "div", 0x6d /* i32.div_s */);
  wasm_frame_delete(origin);
  CHECK_TRAP(trap, "integer divide by zero");
  args_data[0].of.i32 = INT32_MIN;
  args_data[1].of.i32 = -1;
  trap = wasm_func_call(div, &args, &results);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_INTEGER_OVERFLOW);
  CHECK_TRAP(trap, "integer overflow");
  args_data[0].of.i32 = -9;
  args_data[1].of.i32 = 2;
  CHECK_NO_TRAP(wasm_func_call(div, &args, &results));
  CHECK_EQ_INT(results_data[0].of.i32, -4);

  /* Unbounded recursion: call stack exhausted. */
  trap = wasm_func_call(export_func(module, &exports, "recurse"), &none, &none);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_CALL_STACK_EXHAUSTED);
  CHECK_TRAP(trap, "call stack exhausted");

  /* A host trap through wasm: the host's message and the wasm frame that called it. */
  trap = wasm_func_call(export_func(module, &exports, "call_host"), &none, &none);
  CHECK(trap != NULL);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_HOST);
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size >= 1);
  check_frame(trace.data[0], instance, 4, "call_host", 0x10);
  wasm_frame_vec_delete(&trace);
  CHECK_TRAP(trap, "host says no");

  /* Across instances: a function of this instance imported by another one traps; each frame
   * names its own instance. callbacks.wat's tick_n (func 3) calls its import "tick". */
  wasm_module_t* caller_module = load_module(store, "callbacks");
  wasm_functype_t* add_type =
      wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* add = wasm_func_new(store, add_type, add_callback);
  wasm_functype_delete(add_type);
  wasm_extern_t* caller_imports[] = {wasm_func_as_extern(add), exports.data[export_index(module, "inner")]};
  wasm_instance_t* caller = instantiate(store, caller_module, caller_imports, 2);
  wasm_extern_vec_t caller_exports;
  wasm_instance_exports(caller, &caller_exports);
  wasm_val_t one[] = {WASM_I32_VAL(1)};
  wasm_val_vec_t one_vec = WASM_ARRAY_VEC(one);
  trap = wasm_func_call(export_func(caller_module, &caller_exports, "tick_n"), &one_vec, &none);
  CHECK(trap != NULL);
  wasm_trap_trace(trap, &trace);
  CHECK_EQ_UINT(trace.size, 2);
  check_frame(trace.data[0], instance, 1, "inner", 0x00);
  CHECK_EQ_UINT(wasm_frame_func_index(trace.data[1]), 3);
  CHECK(wasm_instance_same(wasm_frame_instance(trace.data[1]), caller));
  CHECK(!wasm_instance_same(wasm_frame_instance(trace.data[1]), instance));
  CHECK_EQ_UINT(module_byte("callbacks", wasm_frame_module_offset(trace.data[1])), 0x10 /* call */);
  wasm_frame_vec_delete(&trace);
  CHECK_TRAP(trap, "unreachable");
  wasm_extern_vec_delete(&caller_exports);
  wasm_instance_delete(caller);
  wasm_func_delete(add);
  wasm_module_delete(caller_module);

  /* Host-made traps: the message is NUL-terminated whether or not the host gave a NUL, and
   * there are no frames. */
  wasm_name_new_from_string_nt(&msg, "with nul");
  trap = wasm_trap_new(store, &msg);
  wasm_byte_vec_delete(&msg);
  wasm_trap_message(trap, &msg);
  CHECK_EQ_UINT(msg.size, strlen("with nul") + 1);
  CHECK(strcmp(msg.data, "with nul") == 0);
  wasm_byte_vec_delete(&msg);
  CHECK(wasm_trap_origin(trap) == NULL);
  wasm_trap_trace(trap, &trace);
  CHECK_EQ_UINT(trace.size, 0);
  wasm_frame_vec_delete(&trace);
  CHECK_EQ_INT(wasmrt_trap_code(trap), WASMRT_TRAP_HOST);
  wasm_trap_delete(trap);
  wasm_name_new_empty(&msg);
  trap = wasm_trap_new(store, &msg);
  wasm_trap_message(trap, &msg);
  CHECK_EQ_UINT(msg.size, 1);
  CHECK(msg.data[0] == '\0');
  wasm_byte_vec_delete(&msg);
  wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&binary);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
