/* matmul: n x n integer matrix multiply (n <= 256), row-major, i-k-j order. */
#include "common.h"

#define MAX 256
static u32 a[MAX * MAX], b[MAX * MAX], c[MAX * MAX];

EXPORT u64 run(i32 n) {
    if (n > MAX) n = MAX;
    for (i32 i = 0; i < n * n; i++) {
        a[i] = (u32)i * 2654435761u >> 7;
        b[i] = (u32)(i ^ 0x5555) * 40503u + 17;
        c[i] = 0;
    }
    for (i32 i = 0; i < n; i++)
        for (i32 k = 0; k < n; k++) {
            u32 aik = a[i * n + k];
            for (i32 j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
    u64 sum = 0;
    for (i32 i = 0; i < n * n; i++) sum = (sum ^ c[i]) * 1099511628211ull;
    return sum;
}
