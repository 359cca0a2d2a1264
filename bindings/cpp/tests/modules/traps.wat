;; trap.cc: traps with codes, messages and named frames.
(module $traps
  (memory 1)
  (func $inner (export "inner") unreachable)
  (func $middle (call $inner))
  (func $outer (export "outer") (call $middle))
  (func $div (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $oob (export "oob") (result i32)
    (i32.load (i32.const 70000))))
