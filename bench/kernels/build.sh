#!/bin/sh
# Rebuilds the C kernels' .wasm (committed beside their sources). clang 14 (Debian), wasm32, MVP
# features only, no libc and no WASI: each module exports `run(i32) -> i64` and its memory.
set -e
cd "$(dirname "$0")"
for c in loops sieve matmul memcpy mandelbrot nbody; do
    clang --target=wasm32 -O2 -ffreestanding -fno-builtin -nostdlib \
        -Wl,--no-entry -Wl,--export-all -Wl,--strip-all -o "$c.wasm" "$c.c"
done
