;; trap.cc: a start function that traps during instantiation.
(module
  (func $start unreachable)
  (start $start))
