/* vectors: the five functions of every vector type (new_empty, new_uninitialized, new,
 * copy, delete): new takes ownership of the elements, copy is deep (new objects, same
 * content or identity), delete frees the elements and empties the vector. Also names. */
#include "test.h"

/* The same for every vector of owned type objects; `make` creates an element. */
#define TYPE_VEC_TEST(T, make, check_copy)                                  \
  do {                                                                      \
    wasm_##T##_vec_t v;                                                     \
    wasm_##T##_vec_new_empty(&v);                                           \
    CHECK(v.size == 0);                                                     \
    wasm_##T##_vec_delete(&v);                                              \
    wasm_##T##_vec_new_uninitialized(&v, 3);                                \
    CHECK(v.size == 3 && v.data != NULL);                                   \
    for (size_t i = 0; i < 3; i++) CHECK(v.data[i] == NULL);                \
    v.data[0] = make;                                                       \
    v.data[2] = make;                                                       \
    wasm_##T##_vec_t c;                                                     \
    wasm_##T##_vec_copy(&c, &v); /* NULL elements copy as NULL */           \
    CHECK(c.size == 3 && c.data[1] == NULL && c.data[0] != v.data[0]);      \
    check_copy(c.data[0], v.data[0]);                                       \
    wasm_##T##_vec_delete(&c);                                              \
    wasm_##T##_vec_delete(&v);                                              \
    CHECK(v.size == 0 && v.data == NULL);                                   \
    wasm_##T##_t* elems[2] = {make, make};                                  \
    wasm_##T##_vec_new(&v, 2, elems); /* takes them */                     \
    CHECK(v.size == 2 && v.data[0] == elems[0] && v.data[1] == elems[1]);   \
    CHECK(v.data != elems);                                                 \
    wasm_##T##_vec_delete(&v);                                              \
  } while (0)

static void same_valtype(const wasm_valtype_t* a, const wasm_valtype_t* b) {
  CHECK_EQ_INT(wasm_valtype_kind(a), wasm_valtype_kind(b));
}
static void same_functype(const wasm_functype_t* a, const wasm_functype_t* b) {
  CHECK_EQ_UINT(wasm_functype_params(a)->size, wasm_functype_params(b)->size);
  CHECK_EQ_UINT(wasm_functype_results(a)->size, wasm_functype_results(b)->size);
}
static void same_globaltype(const wasm_globaltype_t* a, const wasm_globaltype_t* b) {
  CHECK_EQ_INT(wasm_globaltype_mutability(a), wasm_globaltype_mutability(b));
  CHECK_EQ_INT(wasm_valtype_kind(wasm_globaltype_content(a)), wasm_valtype_kind(wasm_globaltype_content(b)));
}
static void same_tabletype(const wasm_tabletype_t* a, const wasm_tabletype_t* b) {
  CHECK_EQ_UINT(wasm_tabletype_limits(a)->min, wasm_tabletype_limits(b)->min);
  CHECK_EQ_UINT(wasm_tabletype_limits(a)->max, wasm_tabletype_limits(b)->max);
}
static void same_memorytype(const wasm_memorytype_t* a, const wasm_memorytype_t* b) {
  CHECK_EQ_UINT(wasm_memorytype_limits(a)->min, wasm_memorytype_limits(b)->min);
  CHECK_EQ_UINT(wasm_memorytype_limits(a)->max, wasm_memorytype_limits(b)->max);
}
static void same_externtype(const wasm_externtype_t* a, const wasm_externtype_t* b) {
  CHECK_EQ_INT(wasm_externtype_kind(a), wasm_externtype_kind(b));
}
static void same_importtype(const wasm_importtype_t* a, const wasm_importtype_t* b) {
  CHECK_NAME(wasm_importtype_module(a), "mod");
  CHECK_NAME(wasm_importtype_name(b), "name");
  CHECK(wasm_importtype_name(a) != wasm_importtype_name(b));
}
static void same_exporttype(const wasm_exporttype_t* a, const wasm_exporttype_t* b) {
  CHECK_NAME(wasm_exporttype_name(a), "export");
  CHECK_EQ_INT(wasm_externtype_kind(wasm_exporttype_type(a)), wasm_externtype_kind(wasm_exporttype_type(b)));
}

static const wasm_limits_t limits = {1, 5};

static wasm_globaltype_t* make_globaltype(void) {
  return wasm_globaltype_new(wasm_valtype_new_f32(), WASM_VAR);
}
static wasm_tabletype_t* make_tabletype(void) {
  return wasm_tabletype_new(wasm_valtype_new_externref(), &limits);
}
static wasm_importtype_t* make_importtype(void) {
  wasm_name_t m, n;
  wasm_name_new_from_string(&m, "mod");
  wasm_name_new_from_string(&n, "name");
  return wasm_importtype_new(&m, &n, wasm_globaltype_as_externtype(make_globaltype()));
}
static wasm_exporttype_t* make_exporttype(void) {
  wasm_name_t n;
  wasm_name_new_from_string(&n, "export");
  return wasm_exporttype_new(&n, wasm_memorytype_as_externtype(wasm_memorytype_new(&limits)));
}

static wasm_trap_t* nop(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

int main(void) {
  /* Bytes and names. */
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new_empty(&bytes);
  CHECK(bytes.size == 0);
  wasm_byte_vec_delete(&bytes);
  wasm_byte_vec_new_uninitialized(&bytes, 100);
  CHECK(bytes.size == 100 && bytes.data != NULL);
  for (size_t i = 0; i < 100; i++) CHECK(bytes.data[i] == 0);
  memset(bytes.data, 'a', 100);
  wasm_byte_vec_t copy;
  wasm_byte_vec_copy(&copy, &bytes);
  CHECK(copy.size == 100 && copy.data != bytes.data && memcmp(copy.data, bytes.data, 100) == 0);
  wasm_byte_vec_delete(&copy);
  wasm_byte_vec_delete(&bytes);
  CHECK(bytes.size == 0 && bytes.data == NULL);
  wasm_byte_vec_new(&bytes, 3, "abc");
  CHECK(bytes.size == 3 && memcmp(bytes.data, "abc", 3) == 0);
  wasm_byte_vec_delete(&bytes);
  wasm_name_t name;
  wasm_name_new_from_string(&name, "hello");
  CHECK_NAME(&name, "hello");
  wasm_name_delete(&name);
  wasm_name_new_from_string_nt(&name, "hello");
  CHECK(name.size == 6 && name.data[5] == '\0');
  wasm_name_t name_copy;
  wasm_name_copy(&name_copy, &name);
  CHECK(name_copy.size == 6 && strcmp(name_copy.data, "hello") == 0);
  wasm_name_delete(&name_copy);
  wasm_name_delete(&name);
  wasm_name_new_empty(&name);
  CHECK(name.size == 0);
  wasm_name_delete(&name);

  /* Type vectors. */
  TYPE_VEC_TEST(valtype, wasm_valtype_new_i64(), same_valtype);
  TYPE_VEC_TEST(functype, wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32()), same_functype);
  TYPE_VEC_TEST(globaltype, make_globaltype(), same_globaltype);
  TYPE_VEC_TEST(tabletype, make_tabletype(), same_tabletype);
  TYPE_VEC_TEST(memorytype, wasm_memorytype_new(&limits), same_memorytype);
  TYPE_VEC_TEST(externtype, wasm_tabletype_as_externtype(make_tabletype()), same_externtype);
  TYPE_VEC_TEST(importtype, make_importtype(), same_importtype);
  TYPE_VEC_TEST(exporttype, make_exporttype(), same_exporttype);

  /* Values. */
  wasm_val_vec_t vals;
  wasm_val_vec_new_empty(&vals);
  CHECK(vals.size == 0);
  wasm_val_vec_delete(&vals);
  wasm_val_vec_new_uninitialized(&vals, 4);
  CHECK(vals.size == 4);
  wasm_val_vec_delete(&vals);
  wasm_val_t data[] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_F32_VAL(3.0f), WASM_F64_VAL(4.0), WASM_REF_VAL(NULL)};
  wasm_val_vec_new(&vals, 5, data);
  CHECK(vals.size == 5 && vals.data != data);
  wasm_val_vec_t vals_copy;
  wasm_val_vec_copy(&vals_copy, &vals);
  CHECK(vals_copy.data[0].kind == WASM_I32 && vals_copy.data[0].of.i32 == 1);
  CHECK(vals_copy.data[1].kind == WASM_I64 && vals_copy.data[1].of.i64 == 2);
  CHECK(vals_copy.data[2].kind == WASM_F32 && vals_copy.data[2].of.f32 == 3.0f);
  CHECK(vals_copy.data[3].kind == WASM_F64 && vals_copy.data[3].of.f64 == 4.0);
  CHECK(vals_copy.data[4].kind == WASM_EXTERNREF && vals_copy.data[4].of.ref == NULL);
  wasm_val_vec_delete(&vals_copy);
  wasm_val_vec_delete(&vals);
  /* Pointers as values (the inline helpers): an integer of the pointer's width. */
  wasm_val_t pv;
  wasm_val_init_ptr(&pv, &vals);
  CHECK(pv.kind == (sizeof(void*) == 8 ? WASM_I64 : WASM_I32));
  CHECK(wasm_val_ptr(&pv) == &vals);

  /* Runtime object vectors: externs (copies are new handles to the same objects), frames. */
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_functype_t* ft = wasm_functype_new_0_0();
  wasm_func_t* f = wasm_func_new(store, ft, nop);
  wasm_functype_delete(ft);
  wasm_extern_vec_t externs;
  wasm_extern_vec_new_uninitialized(&externs, 2);
  CHECK(externs.size == 2 && externs.data[0] == NULL && externs.data[1] == NULL);
  externs.data[1] = wasm_extern_copy(wasm_func_as_extern(f));
  wasm_extern_vec_t externs_copy;
  wasm_extern_vec_copy(&externs_copy, &externs);
  CHECK(externs_copy.data[0] == NULL);
  CHECK(externs_copy.data[1] != externs.data[1]);
  CHECK(wasm_extern_same(externs_copy.data[1], wasm_func_as_extern(f)));
  wasm_extern_vec_delete(&externs_copy);
  wasm_extern_vec_delete(&externs);
  wasm_extern_t* ext_elems[] = {wasm_func_as_extern(wasm_func_copy(f))};
  wasm_extern_vec_new(&externs, 1, ext_elems);
  CHECK(externs.data[0] == ext_elems[0]);
  wasm_extern_vec_delete(&externs);
  wasm_extern_vec_new_empty(&externs);
  wasm_extern_vec_delete(&externs);
  wasm_func_delete(f);

  wasm_module_t* module = load_module(store, "traps");
  ft = wasm_functype_new_0_0();
  f = wasm_func_new(store, ft, nop);
  wasm_functype_delete(ft);
  wasm_extern_t* imports[] = {wasm_func_as_extern(f)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(export_func(module, &exports, "middle"), &none, &none);
  CHECK(trap != NULL);
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap, &frames);
  CHECK_EQ_UINT(frames.size, 2);
  wasm_frame_vec_t frames_copy;
  wasm_frame_vec_copy(&frames_copy, &frames);
  CHECK(frames_copy.size == 2 && frames_copy.data[0] != frames.data[0]);
  CHECK_EQ_UINT(wasm_frame_func_index(frames_copy.data[1]), wasm_frame_func_index(frames.data[1]));
  wasm_frame_vec_delete(&frames_copy);
  wasm_frame_t* frame_elems[] = {wasm_frame_copy(frames.data[0])};
  wasm_frame_vec_t frames2;
  wasm_frame_vec_new(&frames2, 1, frame_elems);
  CHECK(frames2.data[0] == frame_elems[0]);
  wasm_frame_vec_delete(&frames2);
  wasm_frame_vec_new_uninitialized(&frames2, 2);
  CHECK(frames2.data[0] == NULL);
  wasm_frame_vec_delete(&frames2);
  wasm_frame_vec_new_empty(&frames2);
  wasm_frame_vec_delete(&frames2);
  wasm_frame_vec_delete(&frames);
  wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(f);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
