;; multi_value: functions and host callbacks with several results.
(module
  (import "host" "quad" (func $quad (param i32) (result i32 i64 f32 f64)))
  ;; Ten parameters, nine results: more values than a call keeps on the stack (8).
  (import "host" "wide" (func $wide (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64)
    (result i64 i32 f64 f32 i64 i32 f64 f32 i32)))
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
    (block (result i32 i32) (i32.const 3) (i32.const 4)))
  ;; The parameters in reverse order but for the second, dropped.
  (func (export "reverse") (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64)
    (result i64 i32 f64 f32 i64 i32 f64 f32 i32)
    (local.get 9) (local.get 8) (local.get 7) (local.get 6) (local.get 5) (local.get 4)
    (local.get 3) (local.get 2) (local.get 0))
  (func (export "call_wide") (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64)
    (result i64 i32 f64 f32 i64 i32 f64 f32 i32)
    (call $wide (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
      (local.get 5) (local.get 6) (local.get 7) (local.get 8) (local.get 9))))
