;; Endless and bounded work for wasmrt-run --fuel and --timeout (tools/test-wasmrt-run): _start
;; loops forever; "count" loops n times and returns n.
(module $looper
  (func $spin (export "_start") (loop $again (br $again)))
  (func $count (export "count") (param $n i64) (result i64) (local $i i64)
    (block $done
      (loop $again
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $again)))
    (local.get $i)))
