;; A WASI command that prints a line, then traps (unreachable) two calls deep, with names in the
;; name section: module "trapper", functions "inner", "middle", "_start"
;; (c-tests/wasi_exit.c, tools/test-wasmrt-run).
(module $trapper
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "about to trap\n")
  (func $inner unreachable)
  (func $middle (call $inner))
  (func $_start (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 14))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $middle)))
