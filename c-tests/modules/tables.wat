;; tables: a funcref table with an element segment, accessed from wasm and from the host.
(module
  (type $i2i (func (param i32) (result i32)))
  (table $t (export "table") 2 10 funcref)
  (func $double (export "double") (type $i2i) (i32.mul (local.get 0) (i32.const 2)))
  (elem (i32.const 0) $double)
  (func (export "call_indirect") (param i32 i32) (result i32)
    (call_indirect (type $i2i) (local.get 1) (local.get 0)))
  (func (export "get") (param i32) (result funcref) (table.get $t (local.get 0)))
  (func (export "set") (param i32 funcref) (table.set $t (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (table.size $t))
  (func (export "grow") (param funcref i32) (result i32) (table.grow $t (local.get 0) (local.get 1))))
