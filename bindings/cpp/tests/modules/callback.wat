;; callback.cc: exceptions thrown by host functions become traps.
(module $callback
  (import "host" "fail" (func $fail (param i32) (result i32)))
  (import "host" "reenter" (func $reenter))
  (func $call_fail (export "call_fail") (param i32) (result i32)
    (call $fail (local.get 0)))
  (func $call_reenter (export "call_reenter")
    (call $reenter))
  (func $boom (export "boom")
    unreachable))
