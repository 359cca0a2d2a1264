;; segments: active segments into imported memory and table (the second data segment does
;; not fit when the memory has one page, the element segment when the table has one element),
;; and a start function that calls the host.
(module
  (import "host" "mem" (memory 1))
  (import "host" "table" (table 1 funcref))
  (import "host" "started" (func $started (param i32)))
  (func $f)
  (elem (i32.const 1) $f)
  (data (i32.const 0) "x")
  (data (i32.const 65535) "yz")
  (func $start (call $started (i32.load8_u (i32.const 65536))))
  (start $start))
