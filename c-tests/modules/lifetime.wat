;; lifetime: exports that depend on their instance's state (memory, global, table).
(module
  (memory (export "mem") 1)
  (global $g (export "g") (mut i32) (i32.const 5))
  (table (export "t") 1 funcref)
  (func $f (export "f") (result i32) (i32.add (global.get $g) (i32.load (i32.const 0))))
  (elem (i32.const 0) $f))
