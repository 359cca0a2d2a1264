;; Exports for wasmrt-run --invoke (tools/test-wasmrt-run): functions of every number type, one
;; with several results, one with none, and ones whose v128 or reference parameters the runner
;; cannot pass. Its _start traps, so a run that calls _start shows.
(module $invoke
  (func (export "_start") unreachable)
  (func (export "add_i32") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "add_i64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "mul_f32") (param f32 f32) (result f32) (f32.mul (local.get 0) (local.get 1)))
  (func (export "div_f64") (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1)))
  (func (export "echo") (param i32 i64 f32 f64) (result i32 i64 f32 f64)
    (local.get 0) (local.get 1) (local.get 2) (local.get 3))
  (func (export "nothing"))
  (func (export "takes_v128") (param v128))
  (func (export "takes_externref") (param externref))
  (global (export "not_a_function") i32 (i32.const 0)))
