;; A WASI reactor with a host import (c-tests/wasi_exit.c): _initialize prints "initialized" and
;; stores env.add(40, 2) in a global that the export "value" returns.
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $value (mut i32) (i32.const 0))
  (data (i32.const 16) "initialized\n")
  (func (export "_initialize")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 12))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (global.set $value (call $add (i32.const 40) (i32.const 2))))
  (func (export "value") (result i32) (global.get $value)))
