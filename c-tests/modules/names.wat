;; names: imports and exports whose names differ only in length, an empty name and a non-ASCII
;; one, for hosts that read names as C strings.
(module $names
  (import "env" "f" (func $f))
  (import "environment" "ff" (func $ff))
  (import "" "" (func $empty))
  (func $a (export "a") (call $f))
  (func (export "ab") (call $ff))
  (func (export "") (call $empty))
  (func $trap (export "größe") unreachable))
