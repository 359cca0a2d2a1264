/* memcpy: copy a 64 KiB buffer back and forth n times, 8 bytes at a time, as a memcpy would. */
#include "common.h"

#define WORDS 8192
static u64 x[WORDS], y[WORDS];

static void copy(u64 *restrict dst, const u64 *restrict src, u32 words) {
    for (u32 i = 0; i < words; i++) dst[i] = src[i];
}

EXPORT u64 run(i32 n) {
    for (u32 i = 0; i < WORDS; i++) x[i] = (u64)i * 0x9E3779B97F4A7C15ull;
    u64 sum = 0;
    for (i32 r = 0; r < n; r++) {
        copy(y, x, WORDS);
        y[(u32)r % WORDS] += (u64)r;
        copy(x, y, WORDS);
        sum += x[((u32)r * 7) % WORDS];
    }
    return sum;
}
