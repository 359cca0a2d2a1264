;; A WASI command whose start function exits with status 3 during instantiation, before _start
;; (c-tests/wasi_exit.c, tools/test-wasmrt-run).
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func $init (call $proc_exit (i32.const 3)))
  (start $init)
  (func (export "_start") unreachable))
