/* loops: nested integer loops, no memory traffic. */
#include "common.h"

EXPORT u64 run(i32 n) {
    u32 acc = 1;
    u32 side = 0;
    for (i32 i = 0; i < n; i++) {
        for (i32 j = 0; j < n; j++) {
            acc = (acc ^ (u32)(i * j)) * 16777619u + (u32)j;
            if (acc & 0x100) side += acc >> 20;
        }
    }
    return ((u64)side << 32) | acc;
}
