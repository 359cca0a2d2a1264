;; hello.cc: host functions called from wasm, and wasm functions called from the host.
(module $hello
  (import "env" "hello" (func $hello (param i32) (result i32)))
  (import "env" "log" (func $log (param i64 f32 f64)))
  (func (export "run") (param i32) (result i32)
    (call $log (i64.const 1234567890123) (f32.const 1.5) (f64.const 2.25))
    (i32.add (call $hello (local.get 0)) (i32.const 1)))
  (func (export "swap") (param i32 i64) (result i64 i32)
    (local.get 1) (local.get 0)))
