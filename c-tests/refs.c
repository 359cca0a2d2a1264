/* refs: the functions every reference type shares, for each kind of object (function,
 * global, table, memory, extern, instance, foreign, trap, module): views as wasm_ref_t and
 * back (the same pointer; NULL for the wrong kind), copies (new handles, same object),
 * identity (same vs. distinct objects), host info shared by every handle and view. */
#include "test.h"

static wasm_trap_t* nop(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

/* Which of the wasm_ref_as_X conversions accept a reference. */
enum { AS_FUNC = 1, AS_GLOBAL = 2, AS_TABLE = 4, AS_MEMORY = 8, AS_EXTERN = 16, AS_INSTANCE = 32,
       AS_FOREIGN = 64, AS_TRAP = 128, AS_MODULE = 256 };

static void check_views(wasm_ref_t* r, int expected) {
  CHECK((wasm_ref_as_func(r) != NULL) == ((expected & AS_FUNC) != 0));
  CHECK((wasm_ref_as_global(r) != NULL) == ((expected & AS_GLOBAL) != 0));
  CHECK((wasm_ref_as_table(r) != NULL) == ((expected & AS_TABLE) != 0));
  CHECK((wasm_ref_as_memory(r) != NULL) == ((expected & AS_MEMORY) != 0));
  CHECK((wasm_ref_as_extern(r) != NULL) == ((expected & AS_EXTERN) != 0));
  CHECK((wasm_ref_as_instance(r) != NULL) == ((expected & AS_INSTANCE) != 0));
  CHECK((wasm_ref_as_foreign(r) != NULL) == ((expected & AS_FOREIGN) != 0));
  CHECK((wasm_ref_as_trap(r) != NULL) == ((expected & AS_TRAP) != 0));
  CHECK((wasm_ref_as_module(r) != NULL) == ((expected & AS_MODULE) != 0));
  CHECK((wasm_ref_as_func_const(r) != NULL) == ((expected & AS_FUNC) != 0));
  CHECK((wasm_ref_as_extern_const(r) != NULL) == ((expected & AS_EXTERN) != 0));
  CHECK((wasm_ref_as_module_const(r) != NULL) == ((expected & AS_MODULE) != 0));
}

/* Copy, identity and host info through the generic wasm_ref_t functions. */
static void check_ref(wasm_ref_t* a, wasm_ref_t* other, int views) {
  static int info1, info2;
  check_views(a, views);
  CHECK(wasm_ref_same(a, a));
  CHECK(!wasm_ref_same(a, other));
  wasm_ref_t* copy = wasm_ref_copy(a);
  CHECK(copy != NULL && copy != a);
  CHECK(wasm_ref_same(copy, a));
  check_views(copy, views);
  wasm_ref_set_host_info(a, &info1);
  CHECK(wasm_ref_get_host_info(copy) == &info1);
  wasm_ref_set_host_info(copy, &info2);
  CHECK(wasm_ref_get_host_info(a) == &info2);
  CHECK(wasm_ref_get_host_info(other) != &info2);
  wasm_ref_set_host_info(a, NULL);
  CHECK(wasm_ref_get_host_info(copy) == NULL);
  wasm_ref_delete(copy);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "lifetime"); /* exports mem, g, t, f */
  wasm_module_t* module2 = load_module(store, "lifetime");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_instance_t* instance2 = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports, exports2;
  wasm_instance_exports(instance, &exports);
  wasm_instance_exports(instance2, &exports2);
  wasm_memory_t* mem = wasm_extern_as_memory(exports.data[0]);
  wasm_global_t* g = wasm_extern_as_global(exports.data[1]);
  wasm_table_t* t = wasm_extern_as_table(exports.data[2]);
  wasm_func_t* f = wasm_extern_as_func(exports.data[3]);
  wasm_memory_t* mem2 = wasm_extern_as_memory(exports2.data[0]);
  wasm_global_t* g2 = wasm_extern_as_global(exports2.data[1]);
  wasm_table_t* t2 = wasm_extern_as_table(exports2.data[2]);
  wasm_func_t* f2 = wasm_extern_as_func(exports2.data[3]);
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_t* foreign2 = wasm_foreign_new(store);
  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, "x");
  wasm_trap_t* trap = wasm_trap_new(store, &msg);
  wasm_trap_t* trap2 = wasm_trap_new(store, &msg);
  wasm_byte_vec_delete(&msg);

  /* Views: X_as_ref and back are the same pointer, and so are extern views. */
  CHECK(wasm_ref_as_func(wasm_func_as_ref(f)) == f);
  CHECK(wasm_ref_as_global(wasm_global_as_ref(g)) == g);
  CHECK(wasm_ref_as_table(wasm_table_as_ref(t)) == t);
  CHECK(wasm_ref_as_memory(wasm_memory_as_ref(mem)) == mem);
  CHECK(wasm_ref_as_extern(wasm_extern_as_ref(exports.data[3])) == exports.data[3]);
  CHECK(wasm_ref_as_instance(wasm_instance_as_ref(instance)) == instance);
  CHECK(wasm_ref_as_foreign(wasm_foreign_as_ref(foreign)) == foreign);
  CHECK(wasm_ref_as_trap(wasm_trap_as_ref(trap)) == trap);
  CHECK(wasm_ref_as_module(wasm_module_as_ref(module)) == module);
  CHECK(wasm_ref_as_func_const(wasm_func_as_ref_const(f)) == f);
  CHECK(wasm_ref_as_global_const(wasm_global_as_ref_const(g)) == g);
  CHECK(wasm_ref_as_table_const(wasm_table_as_ref_const(t)) == t);
  CHECK(wasm_ref_as_memory_const(wasm_memory_as_ref_const(mem)) == mem);
  CHECK(wasm_ref_as_instance_const(wasm_instance_as_ref_const(instance)) == instance);
  CHECK(wasm_ref_as_trap_const(wasm_trap_as_ref_const(trap)) == trap);
  CHECK(wasm_ref_as_module_const(wasm_module_as_ref_const(module)) == module);
  CHECK(wasm_extern_as_func(wasm_func_as_extern(f)) == f);
  CHECK(wasm_extern_as_global(wasm_global_as_extern(g)) == g);
  CHECK(wasm_extern_as_table(wasm_table_as_extern(t)) == t);
  CHECK(wasm_extern_as_memory(wasm_memory_as_extern(mem)) == mem);
  CHECK(wasm_extern_as_func_const(wasm_func_as_extern_const(f)) == f);
  CHECK(wasm_extern_as_global_const(wasm_global_as_extern_const(g)) == g);
  CHECK(wasm_extern_as_table_const(wasm_table_as_extern_const(t)) == t);
  CHECK(wasm_extern_as_memory_const(wasm_memory_as_extern_const(mem)) == mem);
  CHECK(wasm_ref_as_extern_const(wasm_extern_as_ref_const(exports.data[0])) == exports.data[0]);

  /* Generic reference functions, for every kind. */
  check_ref(wasm_func_as_ref(f), wasm_func_as_ref(f2), AS_FUNC | AS_EXTERN);
  check_ref(wasm_global_as_ref(g), wasm_global_as_ref(g2), AS_GLOBAL | AS_EXTERN);
  check_ref(wasm_table_as_ref(t), wasm_table_as_ref(t2), AS_TABLE | AS_EXTERN);
  check_ref(wasm_memory_as_ref(mem), wasm_memory_as_ref(mem2), AS_MEMORY | AS_EXTERN);
  check_ref(wasm_instance_as_ref(instance), wasm_instance_as_ref(instance2), AS_INSTANCE);
  check_ref(wasm_foreign_as_ref(foreign), wasm_foreign_as_ref(foreign2), AS_FOREIGN);
  check_ref(wasm_trap_as_ref(trap), wasm_trap_as_ref(trap2), AS_TRAP);
  check_ref(wasm_module_as_ref(module), wasm_module_as_ref(module2), AS_MODULE);

  /* Typed copies and identity. */
  static int info;
#define TYPED(T, a, b)                                  \
  do {                                                  \
    wasm_##T##_t* c = wasm_##T##_copy(a);               \
    CHECK(c != NULL && c != (a));                       \
    CHECK(wasm_##T##_same(c, a));                       \
    CHECK(!wasm_##T##_same(c, b));                      \
    wasm_##T##_set_host_info(c, &info);                 \
    CHECK(wasm_##T##_get_host_info(a) == &info);        \
    CHECK(wasm_##T##_get_host_info(b) != &info);        \
    wasm_##T##_set_host_info(a, NULL);                  \
    wasm_##T##_delete(c);                               \
  } while (0)
  TYPED(func, f, f2);
  TYPED(global, g, g2);
  TYPED(table, t, t2);
  TYPED(memory, mem, mem2);
  TYPED(extern, exports.data[3], exports2.data[3]);
  TYPED(instance, instance, instance2);
  TYPED(foreign, foreign, foreign2);
  TYPED(trap, trap, trap2);
  TYPED(module, module, module2);
#undef TYPED

  /* Different kinds are never the same; an extern and its typed view are. */
  CHECK(!wasm_ref_same(wasm_func_as_ref(f), wasm_global_as_ref(g)));
  CHECK(wasm_ref_same(wasm_func_as_ref(f), wasm_extern_as_ref(exports.data[3])));
  CHECK(!wasm_ref_same(wasm_instance_as_ref(instance), wasm_module_as_ref(module)));

  wasm_trap_delete(trap);
  wasm_trap_delete(trap2);
  wasm_foreign_delete(foreign);
  wasm_foreign_delete(foreign2);
  wasm_extern_vec_delete(&exports);
  wasm_extern_vec_delete(&exports2);
  wasm_instance_delete(instance);
  wasm_instance_delete(instance2);
  wasm_module_delete(module);
  wasm_module_delete(module2);

  /* A host function through the generic API. */
  wasm_functype_t* ft = wasm_functype_new_0_0();
  wasm_func_t* host = wasm_func_new(store, ft, nop);
  wasm_functype_delete(ft);
  wasm_ref_t* r = wasm_ref_copy(wasm_func_as_ref(host));
  wasm_func_delete(host);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK_NO_TRAP(wasm_func_call(wasm_ref_as_func(r), &none, &none));
  wasm_ref_delete(r);

  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
