;; multi_value: functions and host callbacks with several results.
(module
  (import "host" "quad" (func $quad (param i32) (result i32 i64 f32 f64)))
  (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "call_quad") (param i32) (result i32 i64 f32 f64) (call $quad (local.get 0)))
  ;; Sums the host's four results as f64.
  (func (export "sum_quad") (param i32) (result f64)
    (local $a i32) (local $b i64) (local $c f32) (local $d f64)
    (call $quad (local.get 0))
    (local.set $d) (local.set $c) (local.set $b) (local.set $a)
    (f64.add
      (f64.add (f64.convert_i32_s (local.get $a)) (f64.convert_i64_s (local.get $b)))
      (f64.add (f64.promote_f32 (local.get $c)) (local.get $d))))
  (func (export "block_pair") (result i32 i32)
    (block (result i32 i32) (i32.const 3) (i32.const 4))))
