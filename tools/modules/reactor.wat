;; A WASI reactor (tools/test-wasmrt-run): _initialize prints "initialized" and sets the global
;; that the export "value" returns, plus "times" multiplies by it.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $value (mut i32) (i32.const 0))
  (data (i32.const 16) "initialized\n")
  (func (export "_initialize")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 12))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (global.set $value (i32.const 42)))
  (func (export "value") (result i32) (global.get $value))
  (func (export "times") (param i32) (result i32) (i32.mul (local.get 0) (global.get $value))))
