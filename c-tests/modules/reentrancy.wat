;; reentrancy: a host callback that calls back into wasm, and that changes the calling
;; instance's memory and table while wasm code is running.
(module
  (import "host" "cb" (func $cb (param i32) (result i32)))
  (type $v2i (func (result i32)))
  (memory (export "mem") 1)
  (table (export "t") 1 funcref)
  ;; recurse(n) = n, through n host frames and n + 1 wasm frames.
  (func $recurse (export "recurse") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (call $cb (local.get $n)))))
  ;; The host grows the memory and the table (setting entry 1) during the call; afterwards:
  ;; pages + the byte the host wrote in the new page + table[1]().
  (func (export "grow_during_call") (result i32)
    (drop (call $cb (i32.const -1)))
    (i32.add
      (i32.add (memory.size) (i32.load8_u (i32.const 65536)))
      (call_indirect (type $v2i) (i32.const 1)))))
