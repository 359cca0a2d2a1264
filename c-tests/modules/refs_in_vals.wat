;; refs_in_vals: funcref and externref parameters and results.
(module
  (import "host" "call_it" (func $call_it (param funcref) (result i32)))
  (func $k (export "k") (result i32) (i32.const 7))
  (func (export "id_func") (param funcref) (result funcref) (local.get 0))
  (func (export "id_ext") (param externref) (result externref) (local.get 0))
  (func (export "get_k") (result funcref) (ref.func $k))
  (func (export "swap") (param externref funcref) (result funcref externref) (local.get 1) (local.get 0))
  (func (export "pass_k") (result i32) (call $call_it (ref.func $k)))
  (elem declare func $k))
