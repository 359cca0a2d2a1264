;; hello: one imported host function and an exported function that calls it.
(module
  (import "host" "hello" (func $hello (param i32) (result i32)))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $hello (local.get 0)) (i32.const 1))))
