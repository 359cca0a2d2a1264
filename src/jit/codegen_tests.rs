//! The compiler in progress, against the interpreter: integer operators on edge values (with
//! register and immediate right operands), control flow, calls, memory and globals, traps.
//! Each function runs compiled and interpreted on the same instance; results and trap codes
//! must agree. The compiled code is made in parts, as a large module's is, and linked.

use std::sync::Arc;

use super::code_memory::CodeMemory;
use super::codegen::{compile_parts, split};
use super::x64::entry::{self, CompiledFn};
use super::x64::masm::{Bounds, X64Masm};
use crate::runtime::vmctx::VMTableElement;
use crate::runtime::{CompiledModule, Engine, Extern, Instance, Store, TrapCode, Val};
use crate::types::ExternKind;

/// Runs the compiled function at `function` in `code` through its entry trampoline at `entry`,
/// with context `vmctx` (of an instance in `store`), on `args` of its type `ty`.
fn run_compiled(
    store: &mut Store,
    code: &CodeMemory,
    function: usize,
    entry: usize,
    vmctx: *mut crate::runtime::vmctx::VMContext,
    ty: &crate::types::FuncType,
    args: &[Val],
) -> Result<Vec<Val>, TrapCode> {
    let mut values = vec![0u128; ty.params().len().max(ty.results().len())];
    for (v, a) in values.iter_mut().zip(args) {
        *v = a.to_raw();
    }
    run_raw(store, code, function, entry, vmctx, &mut values)?;
    Ok(ty.results().iter().zip(&values).map(|(&t, &raw)| Val::from_raw(store.id(), t, raw)).collect())
}

/// As `run_compiled`, on raw values: `values` holds the arguments, has room for the results
/// and receives them.
fn run_raw(
    store: &mut Store,
    code: &CodeMemory,
    function: usize,
    entry: usize,
    vmctx: *mut crate::runtime::vmctx::VMContext,
    values: &mut [u128],
) -> Result<(), TrapCode> {
    store.enter_thread();
    // SAFETY: the code was compiled from the instance's module with an entry trampoline per
    // function, and the context is the instance's; `values` has room for the arguments and the
    // results.
    let outcome = unsafe {
        let trampoline: CompiledFn = std::mem::transmute(code.base().add(entry));
        entry::call(
            trampoline,
            code.base().add(function),
            vmctx,
            values.as_mut_ptr(),
            store.engine().config().max_call_depth,
        )
    };
    if outcome == Err(TrapCode::Interrupted) {
        // Answered, as the tier answers it (`Backend::trap`).
        store.interrupt.clear();
    }
    outcome
}

/// A module instantiated in a store and compiled by the JIT.
pub(super) struct Both {
    store: Store,
    instance: Instance,
    module: Arc<CompiledModule>,
    code: CodeMemory,
    offsets: Vec<usize>,
    entries: Vec<usize>,
}

impl Both {
    pub(super) fn new(wat: &str) -> Both {
        Both::with(wat, crate::runtime::Config::default())
    }

    pub(super) fn with(wat: &str, config: crate::runtime::Config) -> Both {
        Both::with_masm(wat, config, |m| m)
    }

    /// As `with`, the assembler adjusted by `adjust` first.
    pub(super) fn with_masm(wat: &str, config: crate::runtime::Config, adjust: fn(X64Masm) -> X64Masm) -> Both {
        let fuel = config.fuel;
        let bounds = match config.bounds_checks {
            crate::runtime::BoundsChecks::GuardRegions => Bounds::GuardRegions,
            crate::runtime::BoundsChecks::Explicit => Bounds::Explicit,
        };
        // The store runs the interpreter, the reference the compiled code is checked against.
        let engine = Engine::new(crate::runtime::Config { tier: crate::runtime::Tier::Interpreter, ..config });
        let mut store = Store::new(&engine);
        let module = CompiledModule::new(&engine, &wat::parse_str(wat).expect("parses")).expect("compiles");
        let instance = store.instantiate(&module, &[]).expect("instantiates");
        let slot_bytes = super::codegen::slot_bytes(&module.module);
        // In four parts (some empty when there are fewer functions) on two threads, as a large
        // module is compiled: calls between them are linked.
        let functions = module.module.raw.code.len() as u32;
        let new_masm = |_| adjust(X64Masm::new(functions, slot_bytes, bounds, 0));
        let ranges = split(&module.module, 4);
        let parts = compile_parts(&module.module, fuel, &ranges, 2, &new_masm)
            .unwrap_or_else(|e| panic!("the JIT compiles it: {e:?}"));
        let placed = super::place::<X64Masm>(parts).expect("maps");
        let (code, offsets, entries) = (placed.code, placed.functions, placed.entries);
        // `call_indirect` reaches the instance's functions as this code, as it would in an
        // instance of a compiled module.
        for (defined, &offset) in offsets.iter().enumerate() {
            let imported = module.module.imported_funcs as usize;
            let index = store.instances[instance.index() as usize].funcs[imported + defined];
            let (entry, code) = (code.base().wrapping_add(entries[defined]), code.base().wrapping_add(offset));
            store.set_func_ref(index, crate::runtime::vmctx::VMFuncRef { code, entry, ..store.func_ref(index) });
        }
        // The instance's tables and segments copied its functions' references: copy them again.
        let refresh = |store: &Store, item: VMTableElement| match item.sig {
            u32::MAX => item,
            _ => store.table_element(crate::types::ValType::FuncRef, item.raw as u64),
        };
        let entity = &store.instances[instance.index() as usize];
        for t in entity.tables.clone() {
            for k in 0..store.tables[t as usize].elements.len() {
                store.tables[t as usize].elements[k] = refresh(&store, store.tables[t as usize].elements[k]);
            }
        }
        let segments: Vec<Box<[VMTableElement]>> =
            entity.elements.iter().map(|items| items.iter().map(|&item| refresh(&store, item)).collect()).collect();
        store.instances[instance.index() as usize].elements = segments;
        store.enter_thread();
        Both { store, instance, module, code, offsets, entries }
    }

    fn defined(&self, name: &str) -> u32 {
        let e = self.module.module.raw.exports.iter().find(|e| e.name == name && e.kind == ExternKind::Func);
        e.unwrap_or_else(|| panic!("no export {name}")).index
    }

    /// Export `name`'s type, the offsets of its code and of its entry trampoline, and its
    /// instance's context.
    fn compiled(&self, name: &str) -> (crate::types::FuncType, usize, usize, *mut crate::runtime::vmctx::VMContext) {
        let index = self.defined(name);
        let ty = self.module.module.func_type(index).clone();
        let defined = (index - self.module.module.imported_funcs) as usize;
        let vmctx = &*self.store.instances[self.instance.index() as usize].context.vmctx as *const _ as *mut _;
        (ty, self.offsets[defined], self.entries[defined], vmctx)
    }

    /// Runs export `name` compiled.
    pub(super) fn jit(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, TrapCode> {
        let (ty, function, entry, vmctx) = self.compiled(name);
        run_compiled(&mut self.store, &self.code, function, entry, vmctx, &ty, args)
    }

    /// Runs export `name` compiled on raw argument values, such as an i32 with something in
    /// the upper bits of its 64 (which `Val` cannot express); returns the raw results.
    fn jit_raw(&mut self, name: &str, args: &[u128]) -> Result<Vec<u128>, TrapCode> {
        let (ty, function, entry, vmctx) = self.compiled(name);
        let mut values = args.to_vec();
        values.resize(ty.params().len().max(ty.results().len()), 0);
        run_raw(&mut self.store, &self.code, function, entry, vmctx, &mut values)?;
        Ok(values[..ty.results().len()].to_vec())
    }

    /// Runs export `name` interpreted.
    pub(super) fn interp(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, TrapCode> {
        let Some(Extern::Func(f)) = self.store.instance_export(self.instance, name) else { panic!("no export {name}") };
        self.store.call(f, args).map_err(|t| t.code)
    }

    /// Runs export `name` both ways; the results (any NaN equal to any NaN) and traps agree.
    fn agree(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, TrapCode> {
        let expected = self.interp(name, args);
        let actual = self.jit(name, args);
        let nan = |v: &Val| match *v {
            Val::F32(b) => f32::from_bits(b).is_nan(),
            Val::F64(b) => f64::from_bits(b).is_nan(),
            _ => false,
        };
        let same = match (&actual, &expected) {
            (Ok(a), Ok(e)) => a.len() == e.len() && a.iter().zip(e).all(|(a, e)| a == e || (nan(a) && nan(e))),
            (a, e) => a == e,
        };
        assert!(same, "{name}{args:?}: compiled {actual:?}, interpreted {expected:?}");
        expected
    }
}

const I32S: [i32; 9] = [0, 1, -1, 2, 7, -7, i32::MIN, i32::MAX, 0x1234_5678];
const I64S: [i64; 10] = [0, 1, -1, 2, 7, -7, i64::MIN, i64::MAX, 0x1234_5678_9abc_def0, 1 << 32];

/// 32-bit division and remainder by constants (compiled as multiplications by a reciprocal):
/// every divisor form (small, powers of two and their neighbours, large, the largest signed and
/// unsigned ones, and those the reciprocal does not serve: 0, 1, -1, negative) against the
/// interpreter, on edge dividends and a spread of others; a divisor's own multiples and their
/// neighbours, where a quotient changes, included.
#[test]
fn division_by_constants_agrees_with_the_interpreter() {
    let divisors: [i64; 22] = [
        2,
        3,
        5,
        6,
        7,
        10,
        60,
        641,
        1000,
        0x222c0,
        65535,
        65536,
        65537,
        0x7fff_ffff,
        -0x8000_0000,
        0x8000_0001,
        -3,
        -1,
        0,
        1,
        0xffff_fffe,
        0xffff_ffff,
    ];
    let mut wat = String::from("(module\n");
    for (k, d) in divisors.iter().enumerate() {
        for op in ["div_s", "div_u", "rem_s", "rem_u"] {
            wat +=
                &format!("(func (export \"{op}/{k}\") (param i32) (result i32) local.get 0 i32.const {d} i32.{op})\n");
        }
    }
    wat += ")";
    let mut b = Both::new(&wat);
    let mut x = 0x2545_f491u32;
    let mut runs = 0;
    for (k, &d) in divisors.iter().enumerate() {
        let d = d as u32;
        let mut dividends: Vec<u32> = I32S.iter().map(|&v| v as u32).collect();
        for m in [1u32, 2, 3, 1000, u32::MAX / d.max(1), (i32::MAX as u32) / d.max(1)] {
            let multiple = m.wrapping_mul(d);
            dividends.extend([multiple.wrapping_sub(1), multiple, multiple.wrapping_add(1)]);
            dividends.extend([multiple.wrapping_neg().wrapping_sub(1), multiple.wrapping_neg()]);
        }
        for _ in 0..300 {
            // xorshift32: dividends spread over the whole range.
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            dividends.push(x);
        }
        for &v in &dividends {
            for op in ["div_s", "div_u", "rem_s", "rem_u"] {
                b.agree(&format!("{op}/{k}"), &[Val::I32(v as i32)]).ok();
                runs += 1;
            }
        }
    }
    assert!(runs > 20_000, "{runs} runs");
}

/// 64-bit division and remainder by constants (compiled as multiplications by the low 64 bits
/// of a 65-bit reciprocal) for every divisor form: small, powers of two and their neighbours,
/// around 2^32 and 2^63, the largest signed and unsigned ones, and those the reciprocal does
/// not serve (0, 1, -1, negative ones, which keep `div` and `idiv`). Edge dividends, each
/// divisor's multiples and their neighbours, and a spread of others, against the interpreter.
#[test]
fn division_by_64_bit_constants_agrees_with_the_interpreter() {
    let divisors: [u64; 23] = [
        2,
        3,
        7,
        10,
        641,
        1000,
        1 << 20,
        (1 << 20) + 1,
        0x7fff_ffff,
        0xffff_ffff,
        1 << 32,
        (1 << 32) + 1,
        0x1234_5678_9abc_def1,
        (1 << 63) - 1,
        1 << 63,
        (1 << 63) + 1,
        u64::MAX - 1,
        u64::MAX,
        0,
        1,
        -3i64 as u64,
        -(1i64 << 40) as u64,
        -(0x1234_5678_9abc_def1i64) as u64,
    ];
    let ops = ["div_u", "rem_u", "div_s", "rem_s"];
    let mut wat = String::from("(module\n");
    for (k, d) in divisors.iter().enumerate() {
        for op in ops {
            let d = *d as i64;
            wat +=
                &format!("(func (export \"{op}/{k}\") (param i64) (result i64) local.get 0 i64.const {d} i64.{op})\n");
        }
    }
    wat += ")";
    let mut b = Both::new(&wat);
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut runs = 0;
    for (k, &d) in divisors.iter().enumerate() {
        let mut dividends: Vec<u64> = I64S.iter().map(|&v| v as u64).collect();
        for m in [1u64, 2, 3, 1000, u64::MAX / d.max(1), (i64::MAX as u64) / d.max(1)] {
            let multiple = m.wrapping_mul(d);
            dividends.extend([multiple.wrapping_sub(1), multiple, multiple.wrapping_add(1)]);
            dividends.extend([multiple.wrapping_neg().wrapping_sub(1), multiple.wrapping_neg()]);
        }
        for _ in 0..300 {
            // xorshift64: dividends spread over the whole range.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            dividends.push(x);
            dividends.push(x >> (x % 64));
        }
        for &v in &dividends {
            for op in ops {
                b.agree(&format!("{op}/{k}"), &[Val::I64(v as i64)]).ok();
                runs += 1;
            }
        }
    }
    assert!(runs > 40_000, "{runs} runs");
}

#[test]
fn integer_operators_agree_with_the_interpreter() {
    let binary = [
        "add", "sub", "mul", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr", "div_s", "div_u", "rem_s",
        "rem_u",
    ];
    let compare = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
    let unary32 = ["eqz", "clz", "ctz", "popcnt", "extend8_s", "extend16_s"];
    let unary64 = ["eqz", "clz", "ctz", "popcnt", "extend8_s", "extend16_s", "extend32_s"];
    let mut wat = String::from("(module\n");
    for t in ["i32", "i64"] {
        for op in binary.iter().chain(&compare) {
            let result = if compare.contains(op) { "i32" } else { t };
            wat += &format!(
                "(func (export \"{t}.{op}\") (param {t} {t}) (result {result}) local.get 0 local.get 1 {t}.{op})\n"
            );
            // The last constant needs more than 32 bits as an i64.
            let last = if t == "i32" { "4294967295" } else { "8589934597" };
            for (k, c) in ["0", "1", "-1", "5", "31", "33", "100000", "-2147483648", last].iter().enumerate() {
                wat += &format!("(func (export \"{t}.{op}/{k}\") (param {t}) (result {result}) local.get 0 {t}.const {c} {t}.{op})\n");
                if compare.contains(op) {
                    // A comparison with a constant, branched on; its `eqz` (the inverse
                    // comparison), computed and branched on.
                    wat += &format!(
                        "(func (export \"{t}.{op}/if{k}\") (param {t}) (result i32)
                           (if (result i32) ({t}.{op} (local.get 0) ({t}.const {c})) (then (i32.const 1)) (else (i32.const 0))))
                         (func (export \"{t}.{op}/not{k}\") (param {t}) (result i32)
                           (i32.eqz ({t}.{op} (local.get 0) ({t}.const {c}))))
                         (func (export \"{t}.{op}/ifnot{k}\") (param {t}) (result i32)
                           (if (result i32) (i32.eqz ({t}.{op} (local.get 0) ({t}.const {c})))
                             (then (i32.const 1)) (else (i32.const 0))))\n"
                    );
                }
            }
        }
        let unary = if t == "i32" { &unary32[..] } else { &unary64[..] };
        for op in unary {
            let result = if *op == "eqz" { "i32" } else { t };
            wat += &format!("(func (export \"{t}.{op}\") (param {t}) (result {result}) local.get 0 {t}.{op})\n");
        }
        // `eqz` branched on, and twice.
        wat += &format!(
            "(func (export \"{t}.eqz/if\") (param {t}) (result i32)
               (if (result i32) ({t}.eqz (local.get 0)) (then (i32.const 1)) (else (i32.const 0))))
             (func (export \"{t}.eqz/twice\") (param {t}) (result i32) (i32.eqz ({t}.eqz (local.get 0))))\n"
        );
    }
    // More pending comparisons with constants than operand registers: computing one for a
    // register frees none.
    wat += "(func (export \"pending\") (param i32) (result i32)";
    for k in 0..9 {
        wat += &format!(" local.get 0 i32.const {} i32.lt_s", k * 3 - 4);
    }
    wat += &" i32.add".repeat(8);
    wat += ")\n";
    wat += "(func (export \"wrap\") (param i64) (result i32) local.get 0 i32.wrap_i64)\n";
    wat += "(func (export \"extend_s\") (param i32) (result i64) local.get 0 i64.extend_i32_s)\n";
    wat += "(func (export \"extend_u\") (param i32) (result i64) local.get 0 i64.extend_i32_u))\n";
    let mut b = Both::new(&wat);
    let (v32, v64): (Vec<Val>, Vec<Val>) = (I32S.map(Val::I32).to_vec(), I64S.map(Val::I64).to_vec());
    let mut runs = 0;
    for (t, values) in [("i32", &v32), ("i64", &v64)] {
        for op in binary.iter().chain(&compare) {
            for &x in values {
                for &y in values {
                    b.agree(&format!("{t}.{op}"), &[x, y]).ok();
                    runs += 1;
                }
                for k in 0..9 {
                    b.agree(&format!("{t}.{op}/{k}"), &[x]).ok();
                    runs += 1;
                    if compare.contains(op) {
                        for form in ["if", "not", "ifnot"] {
                            b.agree(&format!("{t}.{op}/{form}{k}"), &[x]).ok();
                        }
                    }
                }
            }
        }
        let unary = if t == "i32" { &unary32[..] } else { &unary64[..] };
        for op in unary {
            for &x in values {
                b.agree(&format!("{t}.{op}"), &[x]).ok();
            }
        }
        for &x in values {
            b.agree(&format!("{t}.eqz/if"), &[x]).ok();
            b.agree(&format!("{t}.eqz/twice"), &[x]).ok();
        }
    }
    for &x in &v32 {
        b.agree("pending", &[x]).ok();
    }
    for &x in &v64 {
        b.agree("wrap", &[x]).ok();
    }
    for &x in &v32 {
        b.agree("extend_s", &[x]).ok();
        b.agree("extend_u", &[x]).ok();
    }
    assert!(runs > 5000);
    // The traps are the interpreter's.
    assert_eq!(b.jit("i32.div_s", &[Val::I32(1), Val::I32(0)]), Err(TrapCode::IntegerDivideByZero));
    assert_eq!(b.jit("i64.div_s", &[Val::I64(i64::MIN), Val::I64(-1)]), Err(TrapCode::IntegerOverflow));
    assert_eq!(b.jit("i64.rem_s", &[Val::I64(i64::MIN), Val::I64(-1)]), Ok(vec![Val::I64(0)]));
}

#[test]
fn control_flow_calls_memory_and_globals_agree() {
    let mut b = Both::new(
        r#"(module
          (memory 1)
          (global $g (mut i64) (i64.const 5))
          (func $fib (export "fib") (param i64) (result i64)
            (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
              (then (local.get 0))
              (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                             (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
          (func (export "fact") (param i64) (result i64) (local $acc i64)
            (local.set $acc (i64.const 1))
            (block $done
              (loop $next
                (br_if $done (i64.eqz (local.get 0)))
                (local.set $acc (i64.mul (local.get $acc) (local.get 0)))
                (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
                (br $next)))
            (local.get $acc))
          (func (export "gcd") (param i32 i32) (result i32)
            (loop $l
              (if (local.get 1)
                (then
                  (local.get 1)
                  (local.set 1 (i32.rem_u (local.get 0) (local.get 1)))
                  (local.set 0)
                  (br $l))))
            (local.get 0))
          (func (export "switch") (param i32) (result i32)
            (block $d (block $c (block $b (block $a
              (br_table $a $b $c $d (local.get 0)))
              (return (i32.const 10)))
              (return (i32.const 20)))
              (return (i32.const 30)))
            (i32.const 40))
          (func (export "blocks") (param i32) (result i32)
            (block $out (result i32)
              (i32.add
                (block (result i32) (drop (br_if $out (i32.const 99) (i32.eq (local.get 0) (i32.const 3)))) (i32.const 1))
                (if (result i32) (local.get 0) (then (i32.const 100)) (else (i32.const 200))))))
          (func (export "select") (param i64 i64 i32) (result i64)
            (select (local.get 0) (local.get 1) (local.get 2)))
          (func (export "many") (param i32) (result i32)
            ;; More live operands than registers.
            (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add (i32.add
              (local.get 0) (i32.mul (local.get 0) (i32.const 2))) (i32.mul (local.get 0) (i32.const 3)))
              (i32.mul (local.get 0) (i32.const 4))) (i32.mul (local.get 0) (i32.const 5)))
              (i32.mul (local.get 0) (i32.const 6))) (i32.mul (local.get 0) (i32.const 7)))
              (i32.mul (local.get 0) (i32.const 8))) (i32.mul (local.get 0) (i32.const 9)))
              (i32.mul (local.get 0) (i32.const 10))) (i32.mul (local.get 0) (i32.const 11))))
          (func (export "memory") (param i32 i64) (result i64)
            (i64.store (local.get 0) (local.get 1))
            (i32.store8 offset=9 (local.get 0) (i32.const 0x80))
            (i64.add (i64.add (i64.load8_s offset=9 (local.get 0)) (i64.load16_u offset=1 (local.get 0)))
                     (i64.add (i64.load32_s (local.get 0)) (i64.extend_i32_u (i32.load8_u offset=7 (local.get 0))))))
          (func (export "globals") (param i64) (result i64)
            (global.set $g (i64.add (global.get $g) (local.get 0)))
            (global.get $g))
          (func (export "trap") unreachable)
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
          (func (export "size") (result i32) (memory.size))
          (func $deep (export "deep") (param i32) (result i32)
            (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))"#,
    );
    for n in [0i64, 1, 2, 10, 20] {
        b.agree("fib", &[Val::I64(n)]).expect("fib runs");
        b.agree("fact", &[Val::I64(n)]).expect("fact runs");
    }
    assert_eq!(b.jit("fib", &[Val::I64(20)]), Ok(vec![Val::I64(6765)]));
    for (x, y) in [(12, 18), (17, 5), (0, 9), (1071, 462)] {
        b.agree("gcd", &[Val::I32(x), Val::I32(y)]).expect("gcd runs");
    }
    for i in -1..6 {
        b.agree("switch", &[Val::I32(i)]).expect("switch runs");
        b.agree("blocks", &[Val::I32(i)]).expect("blocks runs");
        b.agree("many", &[Val::I32(i * 1000)]).expect("many runs");
    }
    for c in [0, 1, 7] {
        b.agree("select", &[Val::I64(-3), Val::I64(4), Val::I32(c)]).expect("select runs");
    }
    for (addr, v) in [(0, -1i64), (100, 0x0123_4567_89ab_cdef), (65520, 42)] {
        b.agree("memory", &[Val::I32(addr), Val::I64(v)]).expect("memory runs");
    }
    // Out of bounds, also with an index whose sign bit is set (it must not wrap below the base).
    for addr in [65530, 65536, -1, i32::MIN] {
        assert_eq!(b.agree("memory", &[Val::I32(addr), Val::I64(1)]), Err(TrapCode::MemoryOutOfBounds));
    }
    // One global cell, seen by both: each call adds to what the other left.
    assert_eq!(b.interp("globals", &[Val::I64(10)]), Ok(vec![Val::I64(15)]));
    assert_eq!(b.jit("globals", &[Val::I64(-3)]), Ok(vec![Val::I64(12)]));
    assert_eq!(b.interp("globals", &[Val::I64(0)]), Ok(vec![Val::I64(12)]));
    assert_eq!(b.agree("trap", &[]), Err(TrapCode::Unreachable));
    // memory.size and memory.grow on the memory the interpreter sees too.
    assert_eq!(b.jit("size", &[]), Ok(vec![Val::I32(1)]));
    assert_eq!(b.jit("grow", &[Val::I32(2)]), Ok(vec![Val::I32(1)]));
    assert_eq!(b.interp("size", &[]), Ok(vec![Val::I32(3)]));
    assert_eq!(b.jit("grow", &[Val::I32(70000)]), Ok(vec![Val::I32(-1)]));
    assert_eq!(b.jit("size", &[]), Ok(vec![Val::I32(3)]));
    b.agree("memory", &[Val::I32(3 * 65536 - 16), Val::I64(-5)]).expect("the grown pages are accessible");
    assert_eq!(b.jit("deep", &[Val::I32(0)]), Err(TrapCode::CallStackExhausted));
    assert_eq!(b.jit("fib", &[Val::I64(15)]), Ok(vec![Val::I64(610)]), "usable after a trap");
}

const F64S: [f64; 26] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    f64::NAN,
    -f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MAX,
    f64::MIN_POSITIVE,
    5e-324,
    2147483648.0,
    -2147483648.0,
    -2147483648.5,
    -2147483649.0,
    4294967295.5,
    4294967296.0,
    9223372036854775808.0,
    -9223372036854775808.0,
    18446744073709551616.0,
    1e30,
];

#[test]
fn float_operators_agree_with_the_interpreter() {
    let binary = ["add", "sub", "mul", "div", "min", "max", "copysign"];
    let compare = ["eq", "ne", "lt", "gt", "le", "ge"];
    let unary = ["abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"];
    let mut wat = String::from("(module\n");
    for t in ["f32", "f64"] {
        for op in binary.iter().chain(&compare) {
            let result = if compare.contains(op) { "i32" } else { t };
            wat += &format!(
                "(func (export \"{t}.{op}\") (param {t} {t}) (result {result}) local.get 0 local.get 1 {t}.{op})\n"
            );
            wat += &format!(
                "(func (export \"{t}.{op}/c\") (param {t}) (result {result}) local.get 0 {t}.const -0.75 {t}.{op})\n"
            );
        }
        for op in unary {
            wat += &format!("(func (export \"{t}.{op}\") (param {t}) (result {t}) local.get 0 {t}.{op})\n");
        }
        for i in ["i32", "i64"] {
            for s in ["s", "u"] {
                wat += &format!(
                    "(func (export \"{i}.trunc_{t}_{s}\") (param {t}) (result {i}) local.get 0 {i}.trunc_{t}_{s})\n"
                );
                wat += &format!(
                    "(func (export \"{i}.trunc_sat_{t}_{s}\") (param {t}) (result {i}) local.get 0 {i}.trunc_sat_{t}_{s})\n"
                );
                wat += &format!("(func (export \"{t}.convert_{i}_{s}\") (param {i}) (result {t}) local.get 0 {t}.convert_{i}_{s})\n");
            }
        }
    }
    wat += "(func (export \"demote\") (param f64) (result f32) local.get 0 f32.demote_f64)\n";
    wat += "(func (export \"promote\") (param f32) (result f64) local.get 0 f64.promote_f32)\n";
    wat += "(func (export \"bits32\") (param f32) (result i32) local.get 0 i32.reinterpret_f32)\n";
    wat += "(func (export \"bits64\") (param f64) (result i64) local.get 0 i64.reinterpret_f64)\n";
    wat += "(func (export \"float32\") (param i32) (result f32) local.get 0 f32.reinterpret_i32)\n";
    wat += "(func (export \"float64\") (param i64) (result f64) local.get 0 f64.reinterpret_i64)\n";
    wat += r#"(memory 1)
      (global $g (mut f64) (f64.const 0.25))
      (func (export "mixed") (param f32 f64 i32) (result f64)
        (f32.store (i32.const 8) (local.get 0))
        (f64.store offset=16 (i32.const 0) (local.get 1))
        (global.set $g (f64.add (global.get $g) (f64.promote_f32 (f32.load (i32.const 8)))))
        (select (f64.load offset=16 (i32.const 0)) (global.get $g) (local.get 2)))
      (func (export "pressure") (param f64) (result f64)
        (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add
          (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add (f64.add
          (local.get 0) (f64.mul (local.get 0) (f64.const 2))) (f64.mul (local.get 0) (f64.const 3)))
          (f64.mul (local.get 0) (f64.const 4))) (f64.mul (local.get 0) (f64.const 5)))
          (f64.mul (local.get 0) (f64.const 6))) (f64.mul (local.get 0) (f64.const 7)))
          (f64.mul (local.get 0) (f64.const 8))) (f64.mul (local.get 0) (f64.const 9)))
          (f64.mul (local.get 0) (f64.const 10))) (f64.mul (local.get 0) (f64.const 11)))
          (f64.mul (local.get 0) (f64.const 12))) (f64.mul (local.get 0) (f64.const 13)))
          (f64.mul (local.get 0) (f64.const 14))) (f64.mul (local.get 0) (f64.const 15)))
          (f64.mul (local.get 0) (f64.const 16))) (f64.mul (local.get 0) (f64.const 17))))
    )"#;
    let mut b = Both::new(&wat);
    let v64: Vec<Val> = F64S.iter().map(|&x| Val::F64(x.to_bits())).collect();
    let v32: Vec<Val> = F64S.iter().map(|&x| Val::F32((x as f32).to_bits())).collect();
    let mut traps = 0;
    for (t, values) in [("f32", &v32), ("f64", &v64)] {
        for op in binary.iter().chain(&compare) {
            for &x in values {
                for &y in values {
                    b.agree(&format!("{t}.{op}"), &[x, y]).expect("float operators do not trap");
                }
                b.agree(&format!("{t}.{op}/c"), &[x]).expect("float operators do not trap");
            }
        }
        for op in unary {
            for &x in values {
                b.agree(&format!("{t}.{op}"), &[x]).expect("float operators do not trap");
            }
        }
        for i in ["i32", "i64"] {
            for s in ["s", "u"] {
                for &x in values {
                    traps += b.agree(&format!("{i}.trunc_{t}_{s}"), &[x]).is_err() as u32;
                    b.agree(&format!("{i}.trunc_sat_{t}_{s}"), &[x]).expect("saturating truncations do not trap");
                }
                let ints: Vec<Val> = if i == "i32" { I32S.map(Val::I32).to_vec() } else { I64S.map(Val::I64).to_vec() };
                for x in ints.iter().chain(&[Val::I64(-2), Val::I64(i64::MAX - 1023)][..if i == "i64" { 2 } else { 0 }])
                {
                    b.agree(&format!("{t}.convert_{i}_{s}"), &[*x]).expect("conversions to float do not trap");
                }
            }
        }
    }
    assert!(traps > 20, "the truncations trap on NaN and out-of-range inputs ({traps})");
    for &x in &v64 {
        b.agree("demote", &[x]).expect("runs");
        b.agree("bits64", &[x]).expect("runs");
        b.agree("pressure", &[x]).expect("runs");
    }
    for &x in &v32 {
        b.agree("promote", &[x]).expect("runs");
        b.agree("bits32", &[x]).expect("runs");
    }
    for x in I32S {
        b.agree("float32", &[Val::I32(x)]).expect("runs");
    }
    for x in I64S {
        b.agree("float64", &[Val::I64(x)]).expect("runs");
    }
    // Memory and a global shared with the interpreter: compare one call each way.
    let args = [Val::F32(1.5f32.to_bits()), Val::F64(2.25f64.to_bits()), Val::I32(0)];
    assert_eq!(b.interp("mixed", &args), Ok(vec![Val::F64(1.75f64.to_bits())]));
    assert_eq!(b.jit("mixed", &args), Ok(vec![Val::F64(3.25f64.to_bits())]));
    let args = [Val::F32(1.5f32.to_bits()), Val::F64(2.25f64.to_bits()), Val::I32(1)];
    assert_eq!(b.jit("mixed", &args), Ok(vec![Val::F64(2.25f64.to_bits())]));
}

/// Deterministic bytes for `Unstructured` (xorshift64*).
fn smith_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

/// Random modules of the subset the compiler handles (no imports, tables or references; NaNs
/// canonicalized; loops and recursion bounded by wasm-smith's fuel global): two instances of
/// each, every export run interpreted on one and compiled on the other, in export order with
/// zero arguments; results, traps, globals and memory must agree.
#[test]
fn random_modules_agree_with_the_interpreter() {
    random_modules(false, 400);
}

/// As above, with SIMD operators.
#[test]
fn random_simd_modules_agree_with_the_interpreter() {
    random_modules(true, 300);
}

fn random_modules(simd: bool, seeds: u64) {
    let config = wasm_smith::Config {
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        multi_value_enabled: true,
        reference_types_enabled: false,
        bulk_memory_enabled: true,
        simd_enabled: simd,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        gc_enabled: false,
        exceptions_enabled: false,
        tail_call_enabled: false,
        memory64_enabled: false,
        extended_const_enabled: false,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        max_memories: 1,
        max_tables: 0,
        max_imports: 0,
        min_funcs: 2,
        max_funcs: 8,
        max_instructions: 300,
        export_everything: true,
        canonicalize_nans: true,
        max_memory32_bytes: 1 << 20,
        ..wasm_smith::Config::default()
    };
    let (mut compiled, mut unsupported, mut calls) = (0, std::collections::BTreeMap::new(), 0);
    let (mut failed_instantiations, mut with_v128) = (0, 0);
    for seed in 0..seeds {
        let data = smith_bytes(seed, 16384);
        let mut u = arbitrary::Unstructured::new(&data);
        let Ok(mut module) = wasm_smith::Module::new(config.clone(), &mut u) else { continue };
        if module.ensure_termination(500).is_err() {
            continue;
        }
        let bytes = module.to_bytes();
        let engine =
            Engine::new(crate::runtime::Config { tier: crate::runtime::Tier::Interpreter, ..Default::default() });
        let module = CompiledModule::new(&engine, &bytes).expect("wasm-smith modules are valid");
        let slot_bytes = super::codegen::slot_bytes(&module.module);
        let functions = module.module.raw.code.len() as u32;
        let new_masm = |_| X64Masm::new(functions, slot_bytes, Bounds::GuardRegions, 0);
        let parts = match compile_parts(&module.module, false, &split(&module.module, 1), 1, &new_masm) {
            Ok(parts) => parts,
            Err(super::codegen::CompileError::Unsupported(what)) => {
                *unsupported.entry(what).or_insert(0) += 1;
                continue;
            }
            Err(e) => panic!("seed {seed}: {e:?}"),
        };
        compiled += 1;
        with_v128 += (slot_bytes == 16) as u32;
        let placed = super::place::<X64Masm>(parts).expect("maps");
        let (code, offsets, entries) = (placed.code, placed.functions, placed.entries);
        let mut store = Store::new(&engine);
        let (Ok(a), Ok(b)) = (store.instantiate(&module, &[]), store.instantiate(&module, &[])) else {
            failed_instantiations += 1;
            continue;
        };
        store.enter_thread();
        let exports: Vec<(String, u32)> = module
            .module
            .raw
            .exports
            .iter()
            .filter(|e| e.kind == ExternKind::Func)
            .map(|e| (e.name.clone(), e.index))
            .collect();
        for (name, index) in exports {
            let ty = module.module.func_type(index).clone();
            let args: Vec<Val> = ty.params().iter().map(|&t| Val::from_raw(store.id(), t, 0)).collect();
            let Some(Extern::Func(f)) = store.instance_export(a, &name) else { unreachable!() };
            let expected = store.call(f, &args).map_err(|t| t.code);
            let vmctx = &*store.instances[b.index() as usize].context.vmctx as *const _ as *mut _;
            let actual =
                run_compiled(&mut store, &code, offsets[index as usize], entries[index as usize], vmctx, &ty, &args);
            assert_eq!(actual, expected, "seed {seed}: export {name}");
            calls += 1;
        }
        let (ia, ib) = (&store.instances[a.index() as usize], &store.instances[b.index() as usize]);
        for (ga, gb) in ia.globals.iter().zip(&ib.globals) {
            assert_eq!(store.globals[*ga as usize].value, store.globals[*gb as usize].value, "seed {seed}: globals");
        }
        for (ma, mb) in ia.memories.iter().zip(&ib.memories) {
            assert!(store.memories[*ma as usize].data() == store.memories[*mb as usize].data(), "seed {seed}: memory");
        }
    }
    println!(
        "compiled {compiled} of the modules ({failed_instantiations} of them do not instantiate, {with_v128} use \
         v128), {calls} calls agree; not compiled yet: {unsupported:?}"
    );
    if simd {
        assert!(with_v128 >= 100, "too few modules use v128 ({with_v128})");
    } else {
        assert_eq!(with_v128, 0, "scalar modules keep 8-byte slots");
    }
    assert!(compiled >= 50 && calls >= 100, "too few modules compiled ({compiled}) or calls ({calls})");
}

/// Fuel and interruption with the interpreter's semantics: one unit per function entry and loop
/// iteration, the same count either way; an infinite loop ends promptly when another thread
/// asks, and the request is then cleared.
#[test]
fn fuel_and_interruption_agree_with_the_interpreter() {
    let wat = r#"(module
        (global $iterations (mut i64) (i64.const 0))
        (func $leaf)
        (func (export "count") (result i64)
          (loop $forever
            (global.set $iterations (i64.add (global.get $iterations) (i64.const 1)))
            (call $leaf)
            (br $forever))
          (i64.const -1))
        (func (export "iterations") (result i64) (global.get $iterations))
        (func (export "spin") (loop $l (br $l))))"#;
    let mut b = Both::with(wat, crate::runtime::Config { fuel: true, ..Default::default() });
    let iterations = |b: &mut Both| {
        b.store.add_fuel(1);
        let Ok(v) = b.jit("iterations", &[]) else { panic!("one unit is enough") };
        v[0]
    };
    b.store.add_fuel(1000);
    assert_eq!(b.interp("count", &[]), Err(TrapCode::OutOfFuel));
    assert_eq!(b.store.fuel(), 0);
    let Val::I64(interpreted) = iterations(&mut b) else { panic!("an i64") };
    assert!(interpreted > 100, "{interpreted} iterations");
    b.store.add_fuel(1000);
    assert_eq!(b.jit("count", &[]), Err(TrapCode::OutOfFuel));
    assert_eq!(b.store.fuel(), 0);
    assert_eq!(iterations(&mut b), Val::I64(2 * interpreted), "as many iterations for as much fuel");

    let mut b = Both::new(wat);
    let handle = b.store.interrupt_handle();
    let started = std::time::Instant::now();
    let interrupter = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(20));
        handle.interrupt();
    });
    assert_eq!(b.jit("spin", &[]), Err(TrapCode::Interrupted));
    interrupter.join().expect("joins");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // The request was answered: the next run is not interrupted.
    assert_eq!(b.jit("iterations", &[]), Ok(vec![Val::I64(0)]));
}

/// The memory-isolation matrix: every load and store width, at offsets up to 2^32 - 1 and at
/// addresses around the end of memory and at 2^32 - 1, before and after `memory.grow`, with
/// guard regions and with explicit checks; compiled and interpreted code agree, and each access
/// traps exactly when it does not fit. Also an index whose register had garbage in its upper
/// half (a wrapped i64).
#[test]
fn memory_isolation_matrix() {
    for checks in [crate::runtime::BoundsChecks::GuardRegions, crate::runtime::BoundsChecks::Explicit] {
        memory_isolation(checks);
    }
}

fn memory_isolation(checks: crate::runtime::BoundsChecks) {
    let loads = [
        ("i32.load8_u", 1u64, "i32"),
        ("i32.load16_u", 2, "i32"),
        ("i32.load", 4, "i32"),
        ("i64.load", 8, "i64"),
        ("f32.load", 4, "f32"),
        ("f64.load", 8, "f64"),
    ];
    let stores = [
        ("i32.store8", 1u64, "i32"),
        ("i32.store16", 2, "i32"),
        ("i32.store", 4, "i32"),
        ("i64.store", 8, "i64"),
        ("f32.store", 4, "f32"),
        ("f64.store", 8, "f64"),
    ];
    let offsets = [0u64, 1, 65535, 65536, 1 << 31, u32::MAX as u64];
    let mut wat =
        String::from("(module (memory 1 3)\n(func (export \"grow\") (result i32) (memory.grow (i32.const 1)))\n");
    for (op, _, t) in loads {
        for (k, o) in offsets.iter().enumerate() {
            wat += &format!("(func (export \"{op}/{k}\") (param i32) (result {t}) ({op} offset={o} (local.get 0)))\n");
        }
    }
    for (op, _, t) in stores {
        for (k, o) in offsets.iter().enumerate() {
            wat += &format!("(func (export \"{op}/{k}\") (param i32) ({op} offset={o} (local.get 0) ({t}.const 0)))\n");
        }
    }
    // An i32 index made from an i64 whose upper half is not zero: only the low 32 bits count.
    wat += "(func (export \"wrapped\") (param i64) (result i32) (i32.load (i32.wrap_i64 (local.get 0))))\n";
    // i32 parameters, in a register and in a slot, that live in local registers and are used
    // as indices in place.
    wat += "(func (export \"params\") (param i32 i32 i32) (result i32)
        (i32.add (i32.load (local.get 0)) (i32.load offset=4 (local.get 2))))\n";
    // Indices that wrap around 2^32, made by 32-bit operations whose results are used as
    // indices as they are: each wraps, not reaching past 4 GiB. The store computes its value
    // after its index.
    wat += "(func (export \"lea\") (param i32) (result i32) (i32.load (i32.add (local.get 0) (i32.const 0x20))))
        (func (export \"add\") (param i32 i32) (result i32) (i32.load (i32.add (local.get 0) (local.get 1))))
        (func (export \"mul\") (param i32) (result i32) (i32.load (i32.mul (local.get 0) (i32.const 3))))
        (func (export \"store\") (param i32 i32) (result i32)
          (i32.store (i32.add (local.get 0) (i32.const 0x20)) (i32.add (local.get 1) (i32.const 1)))
          (i32.load (i32.const 0x10)))\n)";
    let mut b = Both::with(&wat, crate::runtime::Config { bounds_checks: checks, ..Default::default() });
    let guarded = b.store.memories[b.store.instances[b.instance.index() as usize].memories[0] as usize].guarded();
    assert_eq!(guarded, checks == crate::runtime::BoundsChecks::GuardRegions);
    let mut checked = 0;
    for pages in [1u64, 2] {
        let size = pages * 65536;
        for (ops, is_load) in [(&loads, true), (&stores, false)] {
            for &(op, width, _) in ops.iter() {
                for (k, &offset) in offsets.iter().enumerate() {
                    for addr in [0, size - width, size - width + 1, size, u32::MAX as u64] {
                        let fits = addr + offset + width <= size;
                        let name = format!("{op}/{k}");
                        let outcome = b.agree(&name, &[Val::I32(addr as u32 as i32)]);
                        assert_eq!(
                            outcome.is_ok(),
                            fits,
                            "{name} at {addr:#x} in {size:#x} bytes (load: {is_load}, {checks:?})"
                        );
                        if !fits {
                            assert_eq!(outcome, Err(TrapCode::MemoryOutOfBounds));
                        }
                        checked += 1;
                    }
                }
            }
        }
        if pages == 1 {
            assert_eq!(b.jit("grow", &[]), Ok(vec![Val::I32(1)]));
        }
    }
    assert_eq!(checked, 2 * 2 * 6 * 6 * 5);
    b.agree("wrapped", &[Val::I64(0x7fff_ffff_0000_0010)]).expect("the low 32 bits are in bounds");
    assert_eq!(b.agree("wrapped", &[Val::I64(0x0000_0001_ffff_fff0)]), Err(TrapCode::MemoryOutOfBounds));
    // The same through parameters whose raw values have garbage above their 32 bits, as a
    // caller may leave there: the locals hold only the low 32 bits.
    let garbage = 0x7fff_ffff_0000_0000_u128;
    b.agree("params", &[Val::I32(0x10), Val::I32(0), Val::I32(0x20)]).expect("in bounds");
    let clean = b.jit_raw("params", &[0x10, 0, 0x20]).expect("in bounds");
    assert_eq!(b.jit_raw("params", &[garbage | 0x10, garbage, garbage | 0x20]), Ok(clean));
    let past_end = 2 * 65536 - 2;
    assert_eq!(b.jit_raw("params", &[garbage | past_end, 0, 0]), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(b.jit_raw("params", &[0, 0, garbage | past_end]), Err(TrapCode::MemoryOutOfBounds));
    // 0xffff_fff0 + 0x20, 0xffff_fff0 + 0x40 and 3 * 0x5555_5560 wrap to 0x10, 0x30 and 0x20.
    let x = Val::I32(0xffff_fff0_u32 as i32);
    b.agree("lea", &[x]).expect("wraps to 0x10");
    b.agree("add", &[x, Val::I32(0x40)]).expect("wraps to 0x30");
    b.agree("mul", &[Val::I32(0x5555_5560)]).expect("wraps to 0x20");
    assert_eq!(b.agree("store", &[x, Val::I32(41)]), Ok(vec![Val::I32(42)]));
}

/// On the compiled tier, a module the compiler handles gets interpreter code only when
/// something asks for it (`ModuleCode::fallback`), and that code runs the module's functions
/// as the machine code does.
#[test]
fn interpreter_code_is_made_only_when_needed() {
    use crate::runtime::code::Backend;
    let engine = Engine::new(crate::runtime::Config { tier: crate::runtime::Tier::Jit, ..Default::default() });
    let mut store = Store::new(&engine);
    let wat = r#"(module (memory 1) (func (export "f") (param i32) (result i32)
        (i32.store (i32.const 8) (local.get 0)) (i32.mul (i32.load (i32.const 8)) (i32.const 3))))"#;
    let module = CompiledModule::new(&engine, &wat::parse_str(wat).expect("parses")).expect("compiles");
    let code = module.code.as_any().downcast_ref::<super::JitCode>().expect("compiled-tier code");
    assert!(code.compiled.is_ok() && code.interp.get().is_none(), "no interpreter code yet");
    let instance = store.instantiate(&module, &[]).expect("instantiates");
    let Some(Extern::Func(f)) = store.instance_export(instance, "f") else { panic!("f") };
    assert_eq!(store.call(f, &[Val::I32(14)]).expect("runs"), [Val::I32(42)]);
    assert!(code.interp.get().is_none(), "compiled code ran without it");
    let mut values = [Val::I32(5).to_raw()];
    crate::interp::Interpreter.call(&mut store, f.index(), &mut values).expect("runs interpreted");
    assert_eq!(values, [15]);
    assert!(code.interp.get().is_some(), "made when the interpreter needed it");
}

#[test]
fn a_local_read_right_after_its_tee_agrees() {
    // More locals of each kind than registers for them, so most live in slots; the reads
    // right after a tee take the teed register, also with every operand register busy.
    let mut b = Both::new(
        r#"(module
          (func (export "f") (param $x i32) (param $y i64) (param $p f32) (param $q f64) (result f64)
            (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i64) (local $f i64)
            (local $g f32) (local $h f32) (local $k f64) (local $l f64) (local $m f64) (local $n f64)
            (local.set $d (i32.add (local.tee $a (i32.mul (local.get $x) (i32.const 3))) (local.get $a)))
            (local.set $f (i64.sub (local.tee $e (i64.rotl (local.get $y) (i64.const 7))) (local.get $e)))
            (local.set $h (f32.mul (local.tee $g (f32.add (local.get $p) (f32.const 1.5))) (local.get $g)))
            (local.set $n (f64.div (local.tee $m (f64.sqrt (local.get $q))) (local.get $m)))
            ;; Five operands live below the read.
            (i32.add (local.get $x)
              (i32.add (local.get $d)
                (i32.add (local.get $b)
                  (i32.add (local.get $c)
                    (i32.xor (local.tee $c (i32.add (local.get $x) (local.get $d))) (local.get $c))))))
            (local.set $b)
            (local.set $k (f64.add (local.get $q)
              (f64.add (local.get $n)
                (f64.add (local.get $l)
                  (f64.add (local.get $m)
                    (f64.add (local.get $k)
                      (f64.add (local.get $q)
                        (f64.add (local.get $n)
                          (f64.add (local.get $l)
                            (f64.mul (local.tee $l (f64.add (local.get $q) (f64.const 0.25))) (local.get $l)))))))))))
            (f64.add (f64.add (local.get $k) (f64.convert_i32_s (local.get $b)))
              (f64.add (f64.promote_f32 (local.get $h))
                (f64.add (local.get $n) (f64.convert_i64_s (i64.add (local.get $f) (i64.extend_i32_s (local.get $d))))))))
          ;; The locals of the loops take the registers; the teed ones live in slots, and the
          ;; read finds another operand in a register below the teed one.
          (func (export "g") (param $x i32) (param $p f64) (result f64)
            (local $u i32) (local $v i32) (local $w i32) (local $t i32)
            (local $a f64) (local $b f64) (local $c f64) (local $d f64) (local $s f64)
            (loop $l
              (local.set $u (i32.add (local.get $u) (local.get $x)))
              (local.set $v (i32.xor (local.get $v) (local.get $u)))
              (local.set $a (f64.add (local.get $a) (local.get $p)))
              (local.set $b (f64.mul (local.get $b) (local.get $a)))
              (local.set $c (f64.sub (local.get $c) (local.get $b)))
              (local.set $d (f64.add (local.get $d) (local.get $c)))
              (local.set $w (i32.add (local.get $w) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $w) (i32.const 4))))
            (f64.add
              (f64.convert_i32_s
                (i32.add (local.get $v) (i32.mul (local.tee $t (i32.add (local.get $u) (local.get $x))) (local.get $t))))
              (f64.add (local.get $d) (f64.mul (local.tee $s (f64.add (local.get $c) (local.get $p))) (local.get $s)))))
        )"#,
    );
    for &x in &I32S {
        for &y in &I64S[..4] {
            for (p, q) in [(0.5f32, 2.0f64), (-3.25, 1e10), (f32::NAN, -0.0), (1e30, f64::INFINITY)] {
                b.agree("f", &[Val::I32(x), Val::I64(y), Val::F32(p.to_bits()), Val::F64(q.to_bits())]).ok();
            }
        }
        for q in [0.5f64, -3.0, 1e-3] {
            b.agree("g", &[Val::I32(x), Val::F64(q.to_bits())]).ok();
        }
    }
}

#[test]
fn a_local_read_before_a_write_keeps_its_value() {
    // Every local lives in a register; each read below is used only after a write to its
    // local, so it must see the value from before the write.
    let mut b = Both::new(
        r#"(module
          (func $f (param i32 f64) (result i32)
            (i32.add (local.get 0) (i32.trunc_sat_f64_s (local.get 1))))
          (func (export "f") (param $x i32) (param $d f64) (result i32) (local $y i32) (local $e f64)
            (local.set $y (i32.const 3))
            ;; A read, then a write, then the read used.
            (local.get $x)
            (local.set $x (i32.mul (local.get $x) (i32.const 5)))
            (local.set $y (i32.sub (local.get $y)))
            ;; A comparison pending on a local's old value across a write of it.
            (local.get $y) (local.get $x)
            i32.lt_s
            (local.set $x (i32.const -100))
            (if (then (local.set $y (i32.add (local.get $y) (i32.const 1000)))))
            ;; A constant written while reads are pending.
            (local.get $x) (local.get $y)
            (local.set $y (i32.const 7))
            (local.set $x (i32.const 9))
            (i32.add) (local.set $y (i32.add (local.get $y)))
            ;; Floats: a read, a write, the read used; a tee.
            (local.set $e (f64.const 0.5))
            (local.get $e) (local.get $d)
            (local.set $d (f64.const 100))
            (local.set $e (f64.const -1))
            (f64.add)
            (local.tee $e)
            (local.get $e)
            (f64.mul)
            (local.set $d)
            ;; Reads as call arguments, one written before the call.
            (local.get $x) (local.get $d)
            (local.set $x (i32.const 0))
            (call $f)
            ;; Reads as a block's result and a branch value.
            (block (result i32) (local.get $y) (local.set $y (i32.const 1)) (br_if 0 (local.get $x)))
            (i32.add)
            (i32.add (local.get $y)))
        )"#,
    );
    for &x in &I32S {
        for d in [0.0f64, -2.5, 1e9, f64::NAN] {
            b.agree("f", &[Val::I32(x), Val::F64(d.to_bits())]).ok();
        }
    }
}

#[test]
fn comparisons_and_sums_of_locals_and_block_results_in_registers_agree() {
    // Comparisons and sums read locals' registers in place until they are branched on or
    // computed, and a block with one result takes it in a register from every way to its end.
    let mut b = Both::new(
        r#"(module
          (func (export "compare") (param $x i32) (param $y i32) (result i32) (local $s i32)
            ;; A local on the left, written before the branch on the comparison.
            (local.get $x) (i32.const 10) (i32.lt_s)
            (local.set $x (i32.add (local.get $x) (i32.const 100)))
            (if (then (local.set $s (i32.const 1))))
            ;; eqz of a local, then a write of it.
            (i32.eqz (local.get $y))
            (local.set $y (i32.const 0))
            (local.set $s (i32.add (local.get $s) (i32.mul (i32.const 2))))
            ;; Comparisons computed as values: into the right operand's register, or a new one.
            (local.set $s (i32.add (local.get $s)
              (i32.add (i32.lt_u (local.get $x) (i32.add (local.get $s) (i32.const 7)))
                       (i32.ge_s (local.get $x) (local.get $s)))))
            ;; Pending comparisons holding every operand register, below them two that hold
            ;; none: the next value needs one of theirs (`alloc` computes a comparison).
            (i32.gt_s (local.get $x) (i32.const 50))
            (i32.ne (local.get $s) (i32.const 1))
            (i32.lt_s (i32.add (local.get $x) (i32.const 1)) (i32.const 3))
            (i32.lt_u (i32.sub (local.get $x) (i32.const 2)) (i32.const 9))
            (i32.le_s (i32.mul (local.get $x) (i32.const 3)) (local.get $s))
            (i32.ge_u (i32.xor (local.get $x) (i32.const 5)) (i32.const 4))
            (i32.lt_s (i32.or (local.get $s) (i32.const 1)) (local.get $x))
            (i32.eq (local.get $x) (local.get $s))
            (i32.add (i32.and (local.get $x) (local.get $s)) (i32.const 1))
            (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add)
            (i32.mul (local.get $s) (i32.const 1000))
            (i32.add))
          (func $g (param i32 i64) (result i32) (i32.sub (local.get 0) (i32.wrap_i64 (local.get 1))))
          (func (export "sums") (param $x i32) (param $y i32) (result i32) (local $z i32) (local $w i64)
            ;; Sums of two locals into one of them, into a third, and teed.
            (local.set $x (i32.add (local.get $x) (local.get $y)))
            (local.set $z (i32.add (local.get $y) (local.get $x)))
            (local.set $y (i32.add (local.tee $z (i32.add (local.get $z) (local.get $z))) (local.get $y)))
            ;; Pending sums across writes of each of their locals.
            (i32.add (local.get $x) (local.get $y))
            (local.set $y (i32.const 5))
            (i32.add (local.get $z) (local.get $x))
            (local.set $x (i32.const 7))
            (i32.mul)
            ;; 64-bit, wrapping; sums as call arguments.
            (local.set $w (i64.add (i64.extend_i32_u (local.get $y)) (i64.const 0x7fffffffffffffff)))
            (call $g (i32.add (local.get $x) (local.get $z)) (i64.add (local.get $w) (local.get $w)))
            (i32.add))
          (func (export "blocks") (param $x i32) (param $y i64) (param $d f64) (result i64)
            (local $a i32) (local $e f64)
            ;; An if with a result from both arms.
            (local.set $a (if (result i32) (i32.lt_s (local.get $x) (i32.const 0))
              (then (i32.sub (i32.const 0) (local.get $x)))
              (else (i32.add (local.get $x) (i32.const 3)))))
            ;; A block left by br_if (on a comparison), br_table and its end, with operands
            ;; live below it.
            (i64.extend_i32_u (local.get $a))
            (block $out (result i64)
              (block $two (result i64)
                (block $one (result i64)
                  (br_if $out (i64.const 11) (i32.gt_u (local.get $x) (i32.const 1000)))
                  (i64.add (local.get $y) (i64.const 1))
                  (br_table $one $two $out (i32.and (local.get $x) (i32.const 3))))
                (i64.mul (i64.const 3)))
              (i64.sub (i64.const 5)))
            (i64.add)
            ;; Float and constant results; a branch out of a nested block.
            (local.set $e (if (result f64) (f64.lt (local.get $d) (f64.const 1))
              (then (f64.const 0.25))
              (else (f64.mul (local.get $d) (local.get $d)))))
            (block (result i64)
              (block
                (br_if 1 (i64.const 7) (i32.eqz (local.get $a)))
                (br 0))
              (i64.trunc_sat_f64_s (local.get $e)))
            (i64.add)))"#,
    );
    for &x in &I32S {
        for y in [0, 1, 5, -3, 2000] {
            b.agree("compare", &[Val::I32(x), Val::I32(y)]).ok();
            b.agree("sums", &[Val::I32(x), Val::I32(y)]).ok();
        }
        for (y, d) in [(0i64, 0.5f64), (-9, 3.0), (i64::MAX, -1e300), (12, f64::NAN)] {
            b.agree("blocks", &[Val::I32(x), Val::I64(y), Val::F64(d.to_bits())]).ok();
        }
    }
}
