;; globals: imported (host-created) and exported globals, read and written from wasm.
(module
  (import "host" "const_i32" (global $ci i32))
  (import "host" "var_i64" (global $vi (mut i64)))
  (global $own_const (export "own_const") f32 (f32.const 1.5))
  (global $own_var (export "own_var") (mut f64) (f64.const 2.5))
  (global $own_ref (export "own_ref") (mut externref) (ref.null extern))
  (export "var_i64" (global $vi))
  (func (export "get_const_i32") (result i32) (global.get $ci))
  (func (export "get_var_i64") (result i64) (global.get $vi))
  (func (export "set_var_i64") (param i64) (global.set $vi (local.get 0)))
  (func (export "get_own_var") (result f64) (global.get $own_var))
  (func (export "set_own_var") (param f64) (global.set $own_var (local.get 0))))
