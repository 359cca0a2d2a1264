;; invalid: decodes, but does not validate (an i64 where an i32 result is expected).
(module (func (result i32) (i64.const 1)))
