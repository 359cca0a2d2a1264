;; A memory of 2 pages (128 KiB) for wasmrt-run --max-memory (tools/test-wasmrt-run): "grow"
;; runs memory.grow and returns its result (the old size in pages, or -1).
(module
  (memory (export "memory") 2)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "_start")))
