/* sieve: sieve of Eratosthenes over a byte array, repeated n times. */
#include "common.h"

#define LIMIT 2000000
static u8 composite[LIMIT + 1];

EXPORT u64 run(i32 n) {
    u64 total = 0;
    for (i32 rep = 0; rep < n; rep++) {
        for (u32 i = 0; i <= LIMIT; i++) composite[i] = 0;
        u32 count = 0;
        for (u32 i = 2; i <= LIMIT; i++) {
            if (composite[i]) continue;
            count++;
            for (u32 k = i * 2; k <= LIMIT; k += i) composite[k] = 1;
        }
        total = total * 31 + count;
    }
    return total;
}
