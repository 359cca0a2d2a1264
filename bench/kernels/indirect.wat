;; indirect: call_indirect through a table of four functions of one type, n calls.
(module
  (type $op (func (param i32 i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $add $xor $mul $rot)
  (func $add (type $op) (i32.add (local.get 0) (local.get 1)))
  (func $xor (type $op) (i32.xor (local.get 0) (i32.add (local.get 1) (i32.const 0x5bd1e995))))
  (func $mul (type $op) (i32.mul (i32.or (local.get 0) (i32.const 1)) (i32.const 0x01000193)))
  (func $rot (type $op) (i32.rotl (local.get 0) (i32.and (local.get 1) (i32.const 31))))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $acc i32)
    (local.set $acc (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc
          (call_indirect (type $op) (local.get $acc) (local.get $i)
            (i32.and (i32.xor (local.get $i) (i32.shr_u (local.get $acc) (i32.const 7))) (i32.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i64.extend_i32_u (local.get $acc))))
