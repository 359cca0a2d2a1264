;; calls: many small direct calls, three a loop iteration (one nested), n iterations.
(module
  (func $inc (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))
  (func $mix (param i32 i32) (result i32)
    (i32.xor (i32.mul (local.get 0) (i32.const 0x9E3779B1)) (local.get 1)))
  (func $step (param $acc i32) (param $i i32) (result i32)
    (call $mix (call $inc (local.get $acc)) (local.get $i)))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (call $step (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i64.extend_i32_u (local.get $acc))))
