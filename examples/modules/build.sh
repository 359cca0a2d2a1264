#!/usr/bin/env bash
# Rebuilds the bundled example modules from their C sources (needs clang, lld, wasi-libc and
# libclang-rt-14-dev-wasm32 from Debian). The .wasm files are committed.
set -euo pipefail
cd "$(dirname "$0")"
for src in *.c; do
  clang --target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-debug -o "${src%.c}.wasm" "$src"
done
