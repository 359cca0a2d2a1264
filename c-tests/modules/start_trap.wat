;; start_trap: a start function that reaches `unreachable`.
(module
  (func $start unreachable)
  (start $start))
