;; A WASI command that sleeps for 60 seconds in one poll_oneoff call (wasmrt-run --timeout while
;; the program waits in a host call, tools/test-wasmrt-run). Exit status: poll_oneoff's errno.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; 0: one subscription: userdata 0, tag 0 (clock), clock id 1 (monotonic) at 16, timeout at 24
  ;; (nanoseconds, relative), precision 0, flags 0; 64: the event; 128: the number of events.
  (func (export "_start") (result)
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 60_000_000_000))
    (call $poll_oneoff (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128))
    (if (then unreachable))))
