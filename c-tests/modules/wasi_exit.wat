;; A WASI command whose _start exits with status 7 through proc_exit (c-tests/wasi_exit.c,
;; tools/test-wasmrt-run).
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 7))
    unreachable))
