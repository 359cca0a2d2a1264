;; export_order: exports in neither name nor index order, kinds interleaved, one function
;; exported twice.
(module
  (func $a (result i32) (i32.const 1))
  (func $b (result i32) (i32.const 2))
  (global $g1 i32 (i32.const 10))
  (global $g2 i32 (i32.const 20))
  (memory $m 1)
  (table $t 1 funcref)
  (export "zeta" (func $b))
  (export "alpha" (global $g2))
  (export "mid" (memory $m))
  (export "beta" (func $a))
  (export "" (table $t))
  (export "gamma" (global $g1))
  (export "zeta2" (func $b)))
