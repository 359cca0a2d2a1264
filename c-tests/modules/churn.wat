;; churn: an instance that refers to an imported host function from its table, a global and
;; its code, owns a memory, and can trap (a backtrace that names it).
(module $churn
  (import "host" "f" (func $f (result i32)))
  (table (export "table") 1 funcref)
  (elem (i32.const 0) $f)
  (global (export "g") (mut funcref) (ref.func $f))
  (memory (export "mem") 1)
  (func (export "call") (result i32) (call_indirect (result i32) (i32.const 0)))
  (func $trap (export "trap") unreachable))
