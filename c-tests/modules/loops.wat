;; loops: a counted loop and an endless one (for fuel and interruption), and a host call
;; inside a loop.
(module
  (import "host" "poll" (func $poll))
  (func (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $i))
  (func (export "forever") (loop $again (br $again)))
  (func (export "poll_forever") (loop $again (call $poll) (br $again))))
