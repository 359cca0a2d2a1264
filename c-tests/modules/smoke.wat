;; c-tests/smoke.c: one host function import, one export that calls it.
;; Encoded with: cargo run --example wat2wasm -- c-tests/modules/smoke.wat c-tests/modules/smoke.wasm
(module
  (import "env" "add_one" (func $add_one (param i32) (result i32)))
  (memory (export "memory") 1)
  ;; run(a, b) = add_one(a + b)
  (func (export "run") (param i32 i32) (result i32)
    (call $add_one (i32.add (local.get 0) (local.get 1))))
  ;; divides by zero: a trap the host sees
  (func (export "trap") (result i32)
    (i32.div_s (i32.const 1) (i32.const 0))))
