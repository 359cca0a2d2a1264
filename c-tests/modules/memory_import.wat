;; memory_import: imports a memory of at least 2 pages and reads it.
(module
  (import "host" "mem" (memory 2))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "size") (result i32) (memory.size)))
