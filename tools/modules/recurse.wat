;; Endless recursion for wasmrt-run's backtraces (tools/test-wasmrt-run): _start calls "descend",
;; which calls itself until the call stack is exhausted; "ping" and "pong" call each other.
(module $recurser
  (func $descend (call $descend))
  (func $ping (call $pong))
  (func $pong (call $ping))
  (func $_start (export "_start") (call $descend))
  (func $mutual (export "mutual") (call $ping)))
