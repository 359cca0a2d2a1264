;; callbacks: host functions with environments, called from wasm.
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "tick" (func $tick))
  (func (export "call_add") (param i32 i32) (result i32)
    (call $add (local.get 0) (local.get 1)))
  ;; Calls tick n times.
  (func (export "tick_n") (param $n i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (call $tick)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))))
