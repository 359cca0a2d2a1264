/* Shared by the C kernels: fixed-width types without libc (built freestanding, no WASI). */
typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;

#define EXPORT __attribute__((export_name("run")))
