;; traps: traps with a backtrace and names from the name section.
(module $traps
  (import "host" "fail" (func $fail))
  (func $inner (export "inner") unreachable)
  (func $middle (export "middle") nop (call $inner))
  (func $div (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $call_host (export "call_host") (call $fail))
  (func $recurse (export "recurse") (call $recurse))
  (func (export "anonymous") unreachable))
