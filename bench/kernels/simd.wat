;; simd: f32x4 dot product of two 4096-element f32 arrays, n passes; each pass's four lane sums
;; are added to an f64 total (lanes 0..3 in order). Returns the total's bits. The inputs are small
;; multiples of 0.5, so every sum is exact.
(module
  (memory 1)
  ;; a at 0, b at 16384 (4096 f32 each)
  (func $init
    (local $i i32)
    (loop $fill
      (f32.store (i32.shl (local.get $i) (i32.const 2))
        (f32.mul (f32.convert_i32_u (i32.rem_u (local.get $i) (i32.const 17))) (f32.const 0.5)))
      (f32.store offset=16384 (i32.shl (local.get $i) (i32.const 2))
        (f32.sub (f32.convert_i32_u (i32.rem_u (local.get $i) (i32.const 13))) (f32.const 6)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 4096)))))
  (func (export "run") (param $n i32) (result i64)
    (local $rep i32) (local $k i32) (local $acc v128) (local $total f64)
    (call $init)
    (block $done
      (loop $pass
        (br_if $done (i32.ge_u (local.get $rep) (local.get $n)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (loop $dot
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load (local.get $k)) (v128.load offset=16384 (local.get $k)))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $dot (i32.lt_u (local.get $k) (i32.const 16384))))
        (local.set $total (f64.add (local.get $total) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $acc)))))
        (local.set $total (f64.add (local.get $total) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $acc)))))
        (local.set $total (f64.add (local.get $total) (f64.promote_f32 (f32x4.extract_lane 2 (local.get $acc)))))
        (local.set $total (f64.add (local.get $total) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $acc)))))
        (local.set $rep (i32.add (local.get $rep) (i32.const 1)))
        (br $pass)))
    (i64.reinterpret_f64 (local.get $total))))
