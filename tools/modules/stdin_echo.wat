;; A WASI command copying standard input to standard output until end of file
;; (wasmrt-run --stdin, tools/test-wasmrt-run). Exit status 1 if a read or write fails.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: one iovec {1024, length}; 8: bytes read or written; 1024: the data (4096 bytes).
  (func (export "_start")
    (loop $again
      (i32.store (i32.const 0) (i32.const 1024))
      (i32.store (i32.const 4) (i32.const 4096))
      (if (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8))
        (then (call $proc_exit (i32.const 1))))
      (if (i32.load (i32.const 8))
        (then
          (i32.store (i32.const 4) (i32.load (i32.const 8)))
          (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))
            (then (call $proc_exit (i32.const 1))))
          (br $again))))))
