//! Runtime behaviour through the Rust API: traps and their backtraces, call-stack exhaustion
//! (also across host functions, on a thread with a small native stack), the store staying
//! usable after a trap, fuel, interruption from another thread, store limits, and engine-wide
//! signature ids; on the interpreter, or on the compiled tier with `WASMRT_TEST_TIER=jit`, and
//! some tests on both tiers at once.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmrt::runtime::{CompiledModule, Config, Engine, Extern, Func, Instance, Store, StoreLimits, TrapCode, Val};
use wasmrt::types::{FuncType, ValType};

fn compile(engine: &Engine, wat: &str) -> Arc<CompiledModule> {
    let bytes = wat::parse_str(wat).expect("test module parses");
    CompiledModule::new(engine, &bytes).expect("test module compiles")
}

fn export_func(store: &Store, instance: Instance, name: &str) -> Func {
    match store.instance_export(instance, name) {
        Some(Extern::Func(f)) => f,
        other => panic!("no function export {name}: {other:?}"),
    }
}

/// Calls export `name` of `instance`, which must return; its first result.
fn first_result(store: &mut Store, instance: Instance, name: &str, args: &[Val]) -> Val {
    let f = export_func(store, instance, name);
    store.call(f, args).expect("runs")[0]
}

/// For each argument, the first result of `f(i)` or the code of its trap.
fn first_results_or_traps(store: &mut Store, f: Func, args: std::ops::Range<i32>) -> Vec<Result<Val, TrapCode>> {
    args.map(|i| match store.call(f, &[Val::I32(i)]) {
        Ok(r) => Ok(r[0]),
        Err(trap) => Err(trap.code),
    })
    .collect()
}

/// Runs `f` on a thread with a native stack of `size` bytes; a stack overflow fails the test.
fn on_small_stack(size: usize, f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new().stack_size(size).spawn(f).expect("thread starts");
    handle.join().expect("no native stack overflow");
}

fn instantiate(engine: &Engine, store: &mut Store, wat: &str) -> Instance {
    let module = compile(engine, wat);
    store.instantiate(&module, &[]).expect("instantiates")
}

#[test]
fn trap_has_code_message_and_named_frames() {
    let engine = Engine::new(common::config());
    let mut store = Store::new(&engine);
    let instance = instantiate(
        &engine,
        &mut store,
        r#"(module $demo
             (func $inner (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)
             (func $middle (result i32) i32.const 7 call $inner)
             (func (export "outer") (result i32) call $middle))"#,
    );
    let outer = export_func(&store, instance, "outer");
    let trap = store.call(outer, &[]).expect_err("divides by zero");
    assert_eq!(trap.code, TrapCode::IntegerDivideByZero);
    assert_eq!(trap.message, "integer divide by zero");
    let names: Vec<_> = trap.frames.iter().map(|f| f.func_name.as_deref()).collect();
    assert_eq!(names, [Some("inner"), Some("middle"), None]);
    assert_eq!(trap.frames.iter().map(|f| f.func_index).collect::<Vec<_>>(), [0, 1, 2]);
    assert!(trap.frames.iter().all(|f| f.module_name.as_deref() == Some("demo")));
    // The innermost frame points at the i32.div_u instruction: the body of $inner is
    // `local.get 0` (2 bytes), `i32.const 0` (2 bytes), then i32.div_u.
    let inner = &trap.frames[0];
    assert_eq!(inner.func_offset, 1 + 2 + 2, "local count, two instructions");
    assert!(inner.module_offset > inner.func_offset);
}

#[test]
fn unreachable_says_unreachable() {
    let engine = Engine::new(common::config());
    let mut store = Store::new(&engine);
    let instance = instantiate(&engine, &mut store, r#"(module (func (export "f") unreachable))"#);
    let f = export_func(&store, instance, "f");
    let trap = store.call(f, &[]).expect_err("traps");
    assert_eq!(trap.code, TrapCode::Unreachable);
    assert_eq!(trap.message, "unreachable");
}

const RECURSE: &str = r#"(module
    (func $r (export "recurse") (param i32) (result i32)
      local.get 0 i32.const 1 i32.add call $r)
    (func (export "ok") (result i32) i32.const 42))"#;

#[test]
fn infinite_recursion_exhausts_the_call_stack_and_the_store_stays_usable() {
    let engine = Engine::new(common::config());
    let mut store = Store::new(&engine);
    let instance = instantiate(&engine, &mut store, RECURSE);
    let recurse = export_func(&store, instance, "recurse");
    let ok = export_func(&store, instance, "ok");
    for _ in 0..3 {
        let trap = store.call(recurse, &[Val::I32(0)]).expect_err("recursion never ends");
        assert_eq!(trap.code, TrapCode::CallStackExhausted);
        assert_eq!(store.call(ok, &[]).expect("the store still works"), [Val::I32(42)]);
    }
}

/// wasm -> host -> wasm -> host ... forever: must end in a trap, not a native overflow, even
/// on a thread with a 256 KiB stack.
#[test]
fn host_reentry_exhausts_the_call_stack_on_a_small_native_stack() {
    on_small_stack(256 * 1024, || {
        let engine = Engine::new(common::config());
        let mut store = Store::new(&engine);
        let module = compile(
            &engine,
            r#"(module
                     (import "host" "reenter" (func $reenter (param i32) (result i32)))
                     (func (export "start") (param i32) (result i32)
                       local.get 0 i32.const 1 i32.add call $reenter))"#,
        );
        let ty = FuncType::new(&[wasmrt::types::ValType::I32], &[wasmrt::types::ValType::I32]);
        let reenter = store.new_host_func(
            ty,
            Arc::new(|caller, args, results| {
                let instance = caller.instance.expect("called from wasm");
                let start = export_func(caller.store, instance, "start");
                results[0] = caller.store.call(start, args)?[0];
                Ok(())
            }),
        );
        let instance = store.instantiate(&module, &[Extern::Func(reenter)]).expect("instantiates");
        let start = export_func(&store, instance, "start");
        let trap = store.call(start, &[Val::I32(0)]).expect_err("never ends");
        assert_eq!(trap.code, TrapCode::CallStackExhausted);
        // Still usable afterwards.
        let trap = store.call(start, &[Val::I32(0)]).expect_err("never ends");
        assert_eq!(trap.code, TrapCode::CallStackExhausted);
    });
}

#[test]
fn deep_wasm_recursion_runs_on_a_small_native_stack() {
    on_small_stack(128 * 1024, || {
        let engine = Engine::new(common::config());
        let mut store = Store::new(&engine);
        let instance = instantiate(
            &engine,
            &mut store,
            r#"(module (func $d (export "depth") (param i32) (result i32)
                     local.get 0 i32.eqz if (result i32) i32.const 0 else
                     local.get 0 i32.const 1 i32.sub call $d i32.const 1 i32.add end))"#,
        );
        let depth = export_func(&store, instance, "depth");
        let outcome = store.call(depth, &[Val::I32(5000)]);
        match common::tier() {
            // 5,000 nested wasm frames need no native stack of their own.
            wasmrt::runtime::Tier::Interpreter => assert_eq!(outcome.expect("fits"), [Val::I32(5000)]),
            // Compiled frames live on the native stack: when it runs out the call ends in the
            // trap, never in an overflow.
            wasmrt::runtime::Tier::Jit => match outcome {
                Ok(results) => assert_eq!(results, [Val::I32(5000)]),
                Err(trap) => assert_eq!(trap.code, TrapCode::CallStackExhausted),
            },
        }
    });
}

/// Every instruction passes control to the next without growing the native stack: a long run
/// through most kinds of instruction, on a thread whose stack a frame per instruction would
/// overflow many times over.
#[test]
fn long_runs_keep_the_native_stack_flat() {
    on_small_stack(128 * 1024, || {
        let engine = Engine::new(common::config());
        let mut store = Store::new(&engine);
        let instance = instantiate(
            &engine,
            &mut store,
            r#"(module
                     (memory 1) (global $g (mut i64) (i64.const 0))
                     (type $t (func (param i32) (result i32)))
                     (table funcref (elem $twice $inc))
                     (func $twice (type $t) local.get 0 i32.const 1 i32.shl)
                     (func $inc (type $t) local.get 0 i32.const 1 i32.add)
                     (func (export "run") (param $n i32) (result i64)
                       (local $i i32) (local $f f64) (local $v v128)
                       (loop $top
                         (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfff)) (local.get $i))
                         (global.set $g (i64.add (global.get $g)
                           (i64.extend_i32_u (i32.load (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfff))))))
                         (local.set $f (f64.add (local.get $f) (f64.convert_i32_s (call $twice (local.get $i)))))
                         (drop (call_indirect (type $t) (local.get $i) (i32.and (local.get $i) (i32.const 1))))
                         (block $a (block $b (br_table $a $b $a (i32.rem_u (local.get $i) (i32.const 3))))
                           (global.set $g (i64.xor (global.get $g) (i64.const 0x123456789))))
                         (local.set $v (i32x4.add (local.get $v) (i32x4.splat (local.get $i))))
                         (local.set $v (i8x16.shuffle 1 0 3 2 5 4 7 6 9 8 11 10 13 12 15 14 (local.get $v) (local.get $v)))
                         (memory.fill (i32.const 0x2000) (local.get $i) (i32.const 16))
                         (drop (select (memory.size) (i32.const 1) (local.get $i)))
                         (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
                       (i64.add (global.get $g)
                         (i64.add (i64.trunc_f64_s (local.get $f)) (i64.extend_i32_u (i32x4.extract_lane 0 (local.get $v)))))))"#,
        );
        let run = export_func(&store, instance, "run");
        let n: i64 = 200_000;
        let results = store.call(run, &[Val::I32(n as i32)]).expect("runs");
        // The same computation in Rust.
        let (mut g, mut f, mut v) = (0i64, 0f64, [0u8; 16]);
        for i in 0..n {
            g = g.wrapping_add(i);
            if i % 3 == 1 {
                g ^= 0x123456789;
            }
            f += (2 * i) as f64;
            for lane in v.chunks_mut(4) {
                let x = u32::from_le_bytes([lane[0], lane[1], lane[2], lane[3]]).wrapping_add(i as u32);
                lane.copy_from_slice(&x.to_le_bytes());
            }
            for pair in v.chunks_mut(2) {
                pair.swap(0, 1);
            }
        }
        let lane0 = u32::from_le_bytes([v[0], v[1], v[2], v[3]]) as i64;
        assert_eq!(results, [Val::I64(g.wrapping_add(f as i64).wrapping_add(lane0))]);
    });
}

const SPIN: &str = r#"(module (func (export "spin") (loop br 0)))"#;

#[test]
fn fuel_runs_out_in_an_infinite_loop() {
    let engine = Engine::new(Config { fuel: true, ..common::config() });
    let mut store = Store::new(&engine);
    let instance = instantiate(&engine, &mut store, SPIN);
    let spin = export_func(&store, instance, "spin");
    store.add_fuel(10_000);
    let trap = store.call(spin, &[]).expect_err("fuel runs out");
    assert_eq!(trap.code, TrapCode::OutOfFuel);
    assert_eq!(store.fuel(), 0);
    // Without fuel nothing runs; with more, it runs out again.
    assert_eq!(store.call(spin, &[]).expect_err("no fuel").code, TrapCode::OutOfFuel);
}

#[test]
fn another_thread_interrupts_an_infinite_loop() {
    let engine = Engine::new(common::config());
    let mut store = Store::new(&engine);
    let instance = instantiate(&engine, &mut store, SPIN);
    let spin = export_func(&store, instance, "spin");
    let handle = store.interrupt_handle();
    let requested = Arc::new(std::sync::Mutex::new(None::<Instant>));
    let requested2 = requested.clone();
    let interrupter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        *requested2.lock().unwrap() = Some(Instant::now());
        handle.interrupt();
    });
    let trap = store.call(spin, &[]).expect_err("interrupted");
    let latency = requested.lock().unwrap().expect("requested before the trap").elapsed();
    interrupter.join().unwrap();
    assert_eq!(trap.code, TrapCode::Interrupted);
    println!("interrupt latency: {latency:?}");
    // Usable afterwards: the request was consumed.
    let instance2 = instantiate(&engine, &mut store, r#"(module (func (export "f") (result i32) i32.const 1))"#);
    let f = export_func(&store, instance2, "f");
    assert_eq!(store.call(f, &[]).expect("runs"), [Val::I32(1)]);
}

#[test]
fn store_limits_bound_memory_growth_and_instances() {
    let engine = Engine::new(common::config());
    let mut store = Store::new(&engine);
    store.set_limits(StoreLimits { memory_pages: 4, instances: 2, ..StoreLimits::default() });
    let module = compile(
        &engine,
        r#"(module (memory 1) (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))"#,
    );
    let instance = store.instantiate(&module, &[]).expect("first instance");
    let grow = export_func(&store, instance, "grow");
    assert_eq!(store.call(grow, &[Val::I32(3)]).unwrap(), [Val::I32(1)], "up to the limit");
    assert_eq!(store.call(grow, &[Val::I32(1)]).unwrap(), [Val::I32(-1)], "one page above");
    store.instantiate(&module, &[]).expect("second instance");
    assert!(store.instantiate(&module, &[]).is_err(), "third instance is over the limit");
    // A memory whose minimum exceeds the limit cannot be created.
    let big = compile(&engine, r#"(module (memory 5))"#);
    let mut store2 = Store::new(&engine);
    store2.set_limits(StoreLimits { memory_pages: 4, ..StoreLimits::default() });
    assert!(store2.instantiate(&big, &[]).is_err());
}

#[test]
fn handles_from_another_store_are_rejected() {
    let engine = Engine::new(common::config());
    let mut a = Store::new(&engine);
    let mut b = Store::new(&engine);
    let instance = instantiate(&engine, &mut a, r#"(module (func (export "f")))"#);
    let f = export_func(&a, instance, "f");
    assert!(b.call(f, &[]).is_err());
    assert!(b.func_type(f).is_none());
}

#[test]
fn a_module_from_another_engine_does_not_instantiate() {
    let e1 = Engine::new(common::config());
    let e2 = Engine::new(common::config());
    let module = compile(&e1, r#"(module)"#);
    let mut store = Store::new(&e2);
    assert!(store.instantiate(&module, &[]).is_err());
}

/// A panicking host function becomes a trap, and the store stays usable.
#[test]
fn a_panicking_host_function_becomes_a_trap() {
    let engine = Engine::new(common::config());
    let mut store = Store::new(&engine);
    let module = compile(
        &engine,
        r#"(module (import "host" "boom" (func $boom)) (func (export "run") call $boom)
                   (func (export "ok") (result i32) i32.const 7))"#,
    );
    let boom = store.new_host_func(FuncType::new(&[], &[]), Arc::new(|_, _, _| panic!("boom")));
    let instance = store.instantiate(&module, &[Extern::Func(boom)]).expect("instantiates");
    let run = export_func(&store, instance, "run");
    for _ in 0..3 {
        let trap = store.call(run, &[]).expect_err("the host function panics");
        assert_eq!(trap.code, TrapCode::Host);
        assert!(trap.message.contains("boom"), "{}", trap.message);
        assert_eq!(trap.frames.len(), 1, "the wasm frame that called the host");
    }
    let ok = export_func(&store, instance, "ok");
    assert_eq!(store.call(ok, &[]).expect("still usable"), [Val::I32(7)]);
    assert_eq!(store.call(boom, &[]).expect_err("direct call traps too").code, TrapCode::Host);
}

/// Comparisons fused with the branch that consumes them keep their exact meaning, NaN
/// included: `if`, `br_if`, and `br_if` of `i32.eqz` of a comparison, for f32, f64 and i64.
#[test]
fn fused_compare_and_branch_agree_with_the_comparison() {
    let engine = Engine::new(common::config());
    let mut store = Store::new(&engine);
    let instance = instantiate(
        &engine,
        &mut store,
        r#"(module
             (func (export "if_gt") (param f64 f64) (result i32)
               (if (result i32) (f64.gt (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
             (func (export "br_if_lt") (param f32 f32) (result i32)
               (block $b (br_if $b (f32.lt (local.get 0) (local.get 1))) (return (i32.const 0))) (i32.const 1))
             (func (export "br_if_not_ge") (param f64 f64) (result i32)
               (block $b (br_if $b (i32.eqz (f64.ge (local.get 0) (local.get 1)))) (return (i32.const 0)))
               (i32.const 1))
             (func (export "if_not_le_u") (param i64 i64) (result i32)
               (if (result i32) (i32.eqz (i64.le_u (local.get 0) (local.get 1)))
                 (then (i32.const 1)) (else (i32.const 0))))
             (func (export "br_if_eqz") (param i32) (result i32)
               (block $b (br_if $b (i32.eqz (local.get 0))) (return (i32.const 0))) (i32.const 1)))"#,
    );
    let mut call = |name: &str, args: &[Val]| first_result(&mut store, instance, name, args);
    let nan64 = f64::NAN;
    for (x, y) in [(1.0, 2.0), (2.0, 1.0), (1.0, 1.0), (nan64, 1.0), (1.0, nan64)] {
        let (a, b) = (Val::F64(x.to_bits()), Val::F64(y.to_bits()));
        assert_eq!(call("if_gt", &[a, b]), Val::I32((x > y) as i32), "{x} > {y}");
        // With a NaN, "not x >= y" differs from "x < y".
        let not_ge = !matches!(x.partial_cmp(&y), Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal));
        assert_eq!(call("br_if_not_ge", &[a, b]), Val::I32(not_ge as i32), "!({x} >= {y})");
        let (a, b) = (Val::F32((x as f32).to_bits()), Val::F32((y as f32).to_bits()));
        assert_eq!(call("br_if_lt", &[a, b]), Val::I32((x < y) as i32), "{x} < {y}");
    }
    for (x, y) in [(1i64, 2i64), (2, 1), (-1, 1), (5, 5)] {
        // i32.eqz of i64.le_u: not (x <= y), i.e. x > y (unsigned).
        let expected = ((x as u64) > (y as u64)) as i32;
        assert_eq!(call("if_not_le_u", &[Val::I64(x), Val::I64(y)]), Val::I32(expected), "!({x} <=u {y})");
    }
    assert_eq!(call("br_if_eqz", &[Val::I32(0)]), Val::I32(1));
    assert_eq!(call("br_if_eqz", &[Val::I32(7)]), Val::I32(0));
}

#[test]
fn results_passed_through_the_accumulator_are_exact() {
    // Chains of dependent instructions of every kind of value, through operand stack slots and
    // through locals (a `local.tee` read right after, also twice), conversions between kinds,
    // addresses and stored values, constant operands (exact in f32 or not), and joins that a
    // result must not cross in a register.
    let engine = Engine::new(common::config());
    let mut store = Store::new(&engine);
    let instance = instantiate(
        &engine,
        &mut store,
        r#"(module (memory 1)
             (func (export "mix") (param $a i32) (param $b i64) (param $c f32) (param $d f64) (result f64)
               (local $t i32) (local $u f64)
               (local.set $t (i32.mul (local.tee $t (i32.add (i32.mul (local.get $a) (i32.const 3)) (i32.const -7)))
                                      (local.get $t)))
               (i32.store offset=4096 (i32.and (local.get $t) (i32.const 0xff0)) (i32.rem_u (local.get $t) (i32.const 1000)))
               (i64.store (i32.const 64) (i64.add (local.get $b) (i64.const -5)))
               (f64.store (i32.const 72) (f64.const 0.5))
               (i64.store (i32.const 80) (i64.const -3))
               (local.set $u (f64.add (f64.mul (f64.convert_i32_s (i32.load offset=4096 (i32.and (local.get $t) (i32.const 0xff0))))
                                               (f64.const 0.5))
                                      (f64.const 0.1)))
               (f64.add
                 (f64.add (local.get $u) (f64.promote_f32 (f32.mul (f32.add (local.get $c) (f32.const 1.5)) (local.get $c))))
                 (f64.add (f64.convert_i64_s (i64.add (i64.load (i32.const 64)) (i64.load (i32.const 80))))
                          (f64.mul (f64.load (i32.const 72)) (local.get $d)))))
             (func (export "squares") (param $n i32) (result i64) (local $i i32) (local $s i64)
               (loop $l
                 (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i32.mul (local.get $i) (local.get $i)))))
                 (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
               (local.get $s))
             (func (export "pick") (param $x f64) (result f64)
               (f64.mul (if (result f64) (f64.gt (local.get $x) (f64.const 0))
                          (then (f64.sqrt (local.get $x))) (else (f64.neg (local.get $x))))
                        (f64.const 3)))
             (func (export "nan_bits") (result i32)
               (f32.store (i32.const 0) (f32.const nan:0x200001))
               (i32.load (i32.const 0))))"#,
    );
    let mut call = |name: &str, args: &[Val]| first_result(&mut store, instance, name, args);
    for (a, b, c, d) in
        [(5i32, 9i64, 2.5f32, -1.25f64), (-123_456, -1, -0.75, 1e300), (70_000, i64::MIN + 3, 1e-3, 0.0)]
    {
        let t0 = a.wrapping_mul(3).wrapping_sub(7);
        let t = t0.wrapping_mul(t0);
        let u = ((t as u32 % 1000) as i32 as f64) * 0.5 + 0.1;
        let p = ((c + 1.5) * c) as f64;
        let q = (b.wrapping_sub(5).wrapping_add(-3)) as f64;
        let expected = (u + p) + (q + 0.5 * d);
        let args = [Val::I32(a), Val::I64(b), Val::F32(c.to_bits()), Val::F64(d.to_bits())];
        assert_eq!(call("mix", &args), Val::F64(expected.to_bits()), "mix({a}, {b}, {c}, {d})");
    }
    for n in [1u64, 2, 10, 1000] {
        let expected: u64 = (0..n).map(|i| i * i).sum();
        assert_eq!(call("squares", &[Val::I32(n as i32)]), Val::I64(expected as i64), "squares({n})");
    }
    for x in [4.0f64, -2.0, 0.0] {
        let expected = if x > 0.0 { x.sqrt() } else { -x } * 3.0;
        assert_eq!(call("pick", &[Val::F64(x.to_bits())]), Val::F64(expected.to_bits()), "pick({x})");
    }
    assert_eq!(call("nan_bits", &[]), Val::I32(0x7fa0_0001));
}

#[test]
fn blocks_in_dead_code_leave_the_live_stack_alone() {
    // A block with parameters in unreachable code once reset the compiler's operand stack below
    // the enclosing live block's entry, and compiling the `i32.add` after it panicked.
    let engine = Engine::new(common::config());
    let mut store = Store::new(&engine);
    let instance = instantiate(
        &engine,
        &mut store,
        r#"(module
             (func (export "f") (param i32) (result i32)
               (i32.add (local.get 0)
                 (block (result i32)
                   (unreachable)
                   (loop (param i32 i32) (drop) (drop))
                   (if (param i64) (then (drop)) (else (drop)))
                   (i32.const 1)))))"#,
    );
    let f = export_func(&store, instance, "f");
    assert_eq!(store.call(f, &[Val::I32(5)]).expect_err("traps").code, TrapCode::Unreachable);
}

#[test]
fn signatures_are_interned_engine_wide() {
    let engine = Engine::new(common::config());
    let (a, b) = (FuncType::new(&[ValType::I32], &[ValType::I64]), FuncType::new(&[ValType::I32], &[ValType::I64]));
    assert_eq!(engine.intern(&a), engine.intern(&b));
    assert_ne!(engine.intern(&a), engine.intern(&FuncType::new(&[ValType::I64], &[ValType::I64])));
    // Two modules declare the same type at different indices; one calls the other's function
    // through a shared table: the check compares engine-wide ids, so it passes, and a host
    // function of that type passes too; another type traps.
    let mut store = Store::new(&engine);
    let callee = instantiate(
        &engine,
        &mut store,
        r#"(module
             (type (func (result f32)))
             (type (func (param i32) (result i32)))
             (table (export "t") 3 funcref)
             (func $double (type 1) (i32.mul (local.get 0) (i32.const 2)))
             (func $pi (type 0) (f32.const 3.5))
             (elem (i32.const 0) $double $pi))"#,
    );
    let Some(Extern::Table(table)) = store.instance_export(callee, "t") else { panic!("no table") };
    let triple = store.new_host_func(
        FuncType::new(&[ValType::I32], &[ValType::I32]),
        Arc::new(|_, args: &[Val], results: &mut [Val]| {
            let Val::I32(x) = args[0] else { unreachable!() };
            results[0] = Val::I32(3 * x);
            Ok(())
        }),
    );
    assert!(store.table_set(table, 2, Val::FuncRef(Some(triple))));
    let caller_module = compile(
        &engine,
        r#"(module
             (type $i32_i32 (func (param i32) (result i32)))
             (import "m" "t" (table 3 funcref))
             (func (export "call") (param i32 i32) (result i32)
               (call_indirect (type $i32_i32) (local.get 0) (local.get 1))))"#,
    );
    let caller = store.instantiate(&caller_module, &[Extern::Table(table)]).expect("instantiates");
    assert_eq!(first_result(&mut store, caller, "call", &[Val::I32(21), Val::I32(0)]), Val::I32(42));
    assert_eq!(first_result(&mut store, caller, "call", &[Val::I32(5), Val::I32(2)]), Val::I32(15));
    let call = export_func(&store, caller, "call");
    let trap = store.call(call, &[Val::I32(1), Val::I32(1)]).expect_err("f32 result is another type");
    assert_eq!(trap.code, TrapCode::IndirectCallTypeMismatch);
}

/// A trap from compiled code carries the interpreter's backtrace: the same frames (function
/// index, names, module and function offsets), through direct calls, guard-page faults,
/// explicit traps, host functions, `call_indirect` and call-stack exhaustion.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn compiled_traps_carry_the_interpreters_backtraces() {
    use wasmrt::runtime::Tier;
    let wat = r#"(module $bt
        (import "host" "fail" (func $fail))
        (memory 1)
        (table 2 funcref)
        (elem (i32.const 0) $inner $via_host)
        (func $inner (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 0)))
        (func $load (param i32) (result i32) (i32.load offset=8 (local.get 0)))
        (func $middle (param i32) (result i32) (i32.add (call $inner (local.get 0)) (i32.const 1)))
        (func $via_host (param i32) (result i32) (call $fail) (local.get 0))
        (func (export "direct") (result i32) (call $middle (i32.const 7)))
        (func (export "oob") (result i32) (call $load (i32.const 65534)))
        (func (export "indirect") (param i32) (result i32)
          (call_indirect (param i32) (result i32) (i32.const 5) (local.get 0)))
        (func (export "unreachable") (block (br_if 0 (i32.const 0)) unreachable))
        (func (export "host") (result i32) (call $via_host (i32.const 1)))
        (func $ping (call $pong))
        (func $pong (call $ping))
        (func (export "exhausted") (call $ping)))"#;
    let outcomes = |tier: Tier| {
        let engine = Engine::new(Config { tier, ..common::config() });
        let mut store = Store::new(&engine);
        let fail =
            store.new_host_func(FuncType::new(&[], &[]), Arc::new(|_, _, _| Err(wasmrt::runtime::Trap::host("boom"))));
        let module = compile(&engine, wat);
        if tier == Tier::Jit {
            assert_eq!(wasmrt::jit::compiled(&module), Ok(()), "the module compiles");
        }
        let instance = store.instantiate(&module, &[Extern::Func(fail)]).expect("instantiates");
        let mut out = Vec::new();
        for (name, args) in [
            ("direct", vec![]),
            ("oob", vec![]),
            ("indirect", vec![Val::I32(0)]),
            ("indirect", vec![Val::I32(1)]),
            ("unreachable", vec![]),
            ("host", vec![]),
            ("exhausted", vec![]),
        ] {
            let f = export_func(&store, instance, name);
            let trap = store.call(f, &args).expect_err("traps");
            let t = trap.into_data();
            out.push((name, t.code, t.message, t.frames));
        }
        out
    };
    let (interpreted, compiled) = (outcomes(Tier::Interpreter), outcomes(Tier::Jit));
    for (i, c) in interpreted.iter().zip(&compiled) {
        assert_eq!(c, i, "{}", i.0);
        assert!(!i.3.is_empty(), "{}: frames", i.0);
    }
}

/// A large module compiles in parts, ranges of its functions, on threads of their own, and runs
/// as if compiled in one: calls from each part into the others (forward, and from the last
/// back to the first) reach their functions, and results, traps and backtraces (function
/// indices and offsets in every part) are the interpreter's.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn a_module_compiled_in_parts_runs_as_one() {
    use wasmrt::runtime::Tier;
    const FUNCTIONS: usize = 240;
    let mut wat = String::from("(module $parts\n");
    for i in 0..FUNCTIONS {
        // $f{i}(n, d): i / d after n more calls, each of the next function (the last calls the
        // first), each adding its index; a division by zero at the end when d is 0. The padding
        // makes each body about 800 bytes, the module about 190 KB of code.
        wat += &format!("(func $f{i} (export \"f{i}\") (param i32 i32) (result i32)\n");
        for k in 0..100 {
            wat += &format!("  (drop (i32.xor (local.get 0) (i32.const {k})))\n");
        }
        let next = (i + 1) % FUNCTIONS;
        wat += &format!(
            "  (if (result i32) (i32.eqz (local.get 0))
                 (then (i32.div_u (i32.const {i}) (local.get 1)))
                 (else (i32.add (call $f{next} (i32.sub (local.get 0) (i32.const 1)) (local.get 1))
                                (i32.const {i})))))\n"
        );
    }
    wat += ")";
    let bytes = wat::parse_str(&wat).expect("parses");
    let outcomes = |tier: Tier| {
        let engine = Engine::new(Config { tier, compile_threads: 4, ..common::config() });
        let module = CompiledModule::new(&engine, &bytes).expect("compiles");
        if tier == Tier::Jit {
            assert_eq!(wasmrt::jit::compiled(&module), Ok(()), "the module compiles");
            assert_eq!(wasmrt::jit::compile_threads(&module.module, engine.config()), 4, "on four threads");
        }
        let mut store = Store::new(&engine);
        let instance = store.instantiate(&module, &[]).expect("instantiates");
        let mut out = Vec::new();
        for (entry, n, d) in [(0, 0, 1), (0, 5, 1), (0, 239, 3), (0, 300, 7), (100, 150, 2), (239, 1, 1)] {
            for d in [d, 0] {
                let f = export_func(&store, instance, &format!("f{entry}"));
                out.push(((entry, n, d), store.call(f, &[Val::I32(n), Val::I32(d)]).map_err(|t| t.into_data())));
            }
        }
        out
    };
    let (interpreted, compiled) = (outcomes(Tier::Interpreter), outcomes(Tier::Jit));
    for (i, c) in interpreted.iter().zip(&compiled) {
        assert_eq!(c, i, "f{}({}, {})", i.0 .0, i.0 .1, i.0 .2);
    }
    let deepest = interpreted.iter().filter_map(|(_, r)| r.as_ref().err()).map(|t| t.frames.len()).max();
    assert_eq!(deepest, Some(301), "a backtrace through every part and around");
}

/// A large module with invalid functions in two of its parts is rejected with the error of the
/// first of them, whatever the number of compile threads and whichever thread finds which: the
/// error the interpreter tier reports, validating in order.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn a_module_compiled_in_parts_reports_its_first_invalid_function() {
    use wasmrt::runtime::Tier;
    const FUNCTIONS: usize = 240;
    // With `invalid`, functions 100 and 200 (in different parts) add an i64 to an i32.
    let module = |invalid: bool| {
        let mut wat = String::from("(module\n");
        for i in 0..FUNCTIONS {
            wat += "(func (param i32) (result i32)\n";
            for k in 0..100 {
                wat += &format!("  (drop (i32.xor (local.get 0) (i32.const {k})))\n");
            }
            let bad = invalid && (i == 100 || i == 200);
            wat += if bad { "  (i32.add (i64.const 1) (local.get 0)))\n" } else { "  (local.get 0))\n" };
        }
        wat::parse_str(wat + ")").expect("parses")
    };
    let (valid, bytes) = (module(false), module(true));
    let error = |tier: Tier, compile_threads: u32| {
        let engine = Engine::new(Config { tier, compile_threads, ..common::config() });
        if tier == Tier::Jit {
            // The valid twin of the module, of the same size, compiles on that many threads.
            let twin = CompiledModule::new(&engine, &valid).expect("valid");
            let threads = wasmrt::jit::compile_threads(&twin.module, engine.config());
            assert_eq!(threads, compile_threads as usize, "compiled on {compile_threads} threads");
        }
        CompiledModule::new(&engine, &bytes).expect_err("invalid").to_string()
    };
    let expected = error(Tier::Interpreter, 1);
    for threads in [1, 2, 4] {
        for _ in 0..5 {
            assert_eq!(error(Tier::Jit, threads), expected, "on {threads} threads");
        }
    }
}

/// The configured call depth bounds compiled code exactly as it bounds the interpreter: the
/// deepest recursion that completes is the same on both tiers, directly, through an imported
/// function of another instance, and through a host function that calls back in.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn the_call_depth_limit_is_the_same_on_both_tiers() {
    use wasmrt::runtime::Tier;
    let callee_wat = r#"(module
        (func $down (export "down") (param i32) (result i32)
          (if (result i32) (local.get 0)
            (then (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
            (else (i32.const 0)))))"#;
    let caller_wat = r#"(module
        (import "m" "down" (func $down (param i32) (result i32)))
        (import "host" "again" (func $again (param i32) (result i32)))
        (func (export "via_import") (param i32) (result i32) (call $down (local.get 0)))
        (func $via_host (export "via_host") (param i32) (result i32)
          (if (result i32) (local.get 0)
            (then (call $again (i32.sub (local.get 0) (i32.const 1))))
            (else (i32.const 0)))))"#;
    let deepest = |tier: Tier, export: &str| {
        let engine = Engine::new(Config { tier, max_call_depth: 50, ..common::config() });
        let mut store = Store::new(&engine);
        let callee = instantiate(&engine, &mut store, callee_wat);
        let down = export_func(&store, callee, "down");
        let cell: Arc<std::sync::Mutex<Option<Func>>> = Arc::default();
        let target = cell.clone();
        let again = store.new_host_func(
            FuncType::new(&[ValType::I32], &[ValType::I32]),
            Arc::new(move |caller, args: &[Val], results: &mut [Val]| {
                let f = target.lock().unwrap().expect("set");
                results[0] = caller.store.call(f, args)?[0];
                Ok(())
            }),
        );
        let module = compile(&engine, caller_wat);
        let caller = store.instantiate(&module, &[Extern::Func(down), Extern::Func(again)]).expect("instantiates");
        *cell.lock().unwrap() = Some(export_func(&store, caller, "via_host"));
        let f = if export == "down" { down } else { export_func(&store, caller, export) };
        (0..200).take_while(|&n| store.call(f, &[Val::I32(n)]).is_ok()).last().expect("depth 0 completes")
    };
    for export in ["down", "via_import", "via_host"] {
        let (interpreted, compiled) = (deepest(Tier::Interpreter, export), deepest(Tier::Jit, export));
        assert!(interpreted < 50, "{export}: the limit applies ({interpreted})");
        assert_eq!(compiled, interpreted, "{export}");
    }
}

/// v128 values cross the compiled tier's boundaries as the interpreter passes them: the host's
/// arguments and results, imported host functions (direct and through `call_indirect`) with
/// v128, scalar and reference parameters and results, and references and scalars returned
/// from slots that held v128 values before.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn v128_values_cross_the_compiled_tiers_boundaries() {
    use wasmrt::runtime::Tier;
    let wat = r#"(module
        (type $h (func (param v128 i32 funcref v128) (result v128 funcref i64)))
        (import "host" "mix" (func $mix (type $h)))
        (table 1 funcref)
        (elem (i32.const 0) $mix)
        (func (export "direct") (param v128 i32 v128) (result v128 i32 i64) (local $r i64)
          (call $mix (local.get 0) (local.get 1) (ref.null func) (local.get 2))
          (local.set $r)
          (ref.is_null)
          (local.get $r))
        (func (export "indirect") (param v128 v128) (result v128)
          (call_indirect (type $h) (local.get 0) (i32.const 9) (ref.func $mix) (local.get 1) (i32.const 0))
          drop drop)
        (func (export "null_after_v128") (param v128) (result funcref i32 f32)
          (block (result v128 v128 v128) (local.get 0) (local.get 0) (local.get 0))
          drop drop drop
          (ref.null func) (i32.const -2) (f32.const -0.0)))"#;
    let run = |tier: Tier| {
        let engine = Engine::new(Config { tier, ..common::config() });
        let mut store = Store::new(&engine);
        let ty = FuncType::new(
            &[ValType::V128, ValType::I32, ValType::FuncRef, ValType::V128],
            &[ValType::V128, ValType::FuncRef, ValType::I64],
        );
        let mix = store.new_host_func(
            ty,
            Arc::new(|_, args: &[Val], results: &mut [Val]| {
                let (Val::V128(a), Val::I32(n), Val::FuncRef(f), Val::V128(b)) = (args[0], args[1], args[2], args[3])
                else {
                    unreachable!()
                };
                results[0] = Val::V128(a.rotate_left(8) ^ b.wrapping_mul(3));
                results[1] = Val::FuncRef(f);
                results[2] = Val::I64(((a >> 64) as i64).wrapping_add(n as i64));
                Ok(())
            }),
        );
        let module = compile(&engine, wat);
        if tier == Tier::Jit {
            assert_eq!(wasmrt::jit::compiled(&module), Ok(()), "the module compiles");
        }
        let instance = store.instantiate(&module, &[Extern::Func(mix)]).expect("instantiates");
        let mut out = Vec::new();
        let vectors = [0u128, u128::MAX, 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210, 1 << 127, 0x8000_0000_0000_0001];
        for &a in &vectors {
            for &b in &vectors {
                for (name, args) in [
                    ("direct", vec![Val::V128(a), Val::I32(a as i32), Val::V128(b)]),
                    ("indirect", vec![Val::V128(a), Val::V128(b)]),
                    ("null_after_v128", vec![Val::V128(a)]),
                ] {
                    let f = export_func(&store, instance, name);
                    let results = store.call(f, &args).expect("runs");
                    out.push(format!("{name}{args:?} -> {results:?}"));
                }
            }
        }
        out
    };
    let (interpreted, compiled) = (run(Tier::Interpreter), run(Tier::Jit));
    assert_eq!(compiled, interpreted);
    assert!(interpreted.iter().any(|r| r.contains("null_after_v128") && r.contains("FuncRef(None)")));
}

/// A table the host made, filled and grew (with a function of another instance, the importer's
/// own function and a host function) says how to call each element: `call_indirect` through it
/// gives the same results and traps on both tiers, also after wasm copies elements within it.
#[test]
fn call_indirect_through_a_table_the_host_filled() {
    use wasmrt::runtime::Tier;
    use wasmrt::types::{Limits, RefType, TableType};
    let run = |tier: Tier| {
        let engine = Engine::new(Config { tier, ..common::config() });
        let mut store = Store::new(&engine);
        let other = instantiate(&engine, &mut store, r#"(module (func (export "f") (result i32) (i32.const 7)))"#);
        let seven = export_func(&store, other, "f");
        let ty = TableType { element: RefType::FuncRef, limits: Limits { min: 2, max: Some(8) } };
        let table = store.new_table(ty, Val::FuncRef(Some(seven))).expect("table");
        let host = store.new_host_func(
            FuncType::new(&[], &[ValType::I32]),
            Arc::new(|_, _: &[Val], r: &mut [Val]| {
                r[0] = Val::I32(40);
                Ok(())
            }),
        );
        let module = compile(
            &engine,
            r#"(module
                (import "host" "t" (table 2 funcref))
                (type $r (func (result i32)))
                (func $own (export "own") (result i32) (i32.const 3))
                (func (export "copy") (param i32 i32)
                  (table.copy (local.get 0) (local.get 1) (i32.const 1)))
                (func (export "run") (param i32) (result i32)
                  (call_indirect (type $r) (local.get 0))))"#,
        );
        let instance = store.instantiate(&module, &[Extern::Table(table)]).expect("instantiates");
        let own = export_func(&store, instance, "own");
        assert_eq!(store.table_grow(table, 3, Val::FuncRef(Some(own))), Some(2));
        assert!(store.table_set(table, 1, Val::FuncRef(Some(host))));
        assert!(store.table_set(table, 3, Val::FuncRef(None)));
        let copy = export_func(&store, instance, "copy");
        store.call(copy, &[Val::I32(4), Val::I32(0)]).expect("copies");
        let run = export_func(&store, instance, "run");
        first_results_or_traps(&mut store, run, 0..6)
    };
    let interpreted = run(Tier::Interpreter);
    assert_eq!(
        interpreted,
        [
            Ok(Val::I32(7)),
            Ok(Val::I32(40)),
            Ok(Val::I32(3)),
            Err(TrapCode::UninitializedElement),
            Ok(Val::I32(7)),
            Err(TrapCode::UndefinedElement)
        ]
    );
    assert_eq!(run(Tier::Jit), interpreted);
}

/// `call_indirect` reaches functions a host function put in the table while the caller ran:
/// host functions created then (hundreds, so the store's records of its functions move), a
/// function of another instance, and one of the caller's own; a null element and a signature
/// mismatch trap. Both tiers give the same results and traps.
#[test]
fn call_indirect_follows_a_table_changed_during_the_call() {
    use wasmrt::runtime::Tier;
    let wat = r#"(module
        (import "host" "refill" (func $refill))
        (type $r (func (result i32)))
        (table (export "t") 5 funcref)
        (func $own (result i32) (i32.const 3))
        (func $other_type (param i32) (result i32) (local.get 0))
        (elem declare func $own $other_type)
        (func (export "own") (result funcref) (ref.func $own))
        (func (export "other_type") (result funcref) (ref.func $other_type))
        (func (export "run") (param i32) (result i32)
          (call $refill)
          (call_indirect (type $r) (local.get 0))))"#;
    let run = |tier: Tier| {
        let engine = Engine::new(Config { tier, ..common::config() });
        let mut store = Store::new(&engine);
        let other = instantiate(&engine, &mut store, r#"(module (func (export "f") (result i32) (i32.const 2)))"#);
        let other_f = export_func(&store, other, "f");
        let cell: Arc<std::sync::Mutex<Option<(wasmrt::runtime::Table, Func, Func)>>> = Arc::default();
        let target = cell.clone();
        let refill = store.new_host_func(
            FuncType::new(&[], &[]),
            Arc::new(move |caller, _: &[Val], _: &mut [Val]| {
                let (table, own, other_type) = target.lock().unwrap().expect("set");
                let ty = FuncType::new(&[], &[ValType::I32]);
                let mut last = None;
                for k in 0..300 {
                    let f = caller.store.new_host_func(
                        ty.clone(),
                        Arc::new(move |_, _: &[Val], r: &mut [Val]| {
                            r[0] = Val::I32(100 + k);
                            Ok(())
                        }),
                    );
                    last = Some(f);
                }
                let s = &mut *caller.store;
                assert!(s.table_set(table, 0, Val::FuncRef(last)));
                assert!(s.table_set(table, 1, Val::FuncRef(Some(other_f))));
                assert!(s.table_set(table, 2, Val::FuncRef(Some(own))));
                assert!(s.table_set(table, 3, Val::FuncRef(Some(other_type))));
                Ok(())
            }),
        );
        let module = compile(&engine, wat);
        let instance = store.instantiate(&module, &[Extern::Func(refill)]).expect("instantiates");
        let Some(Extern::Table(table)) = store.instance_export(instance, "t") else { panic!("no table") };
        let funcref = |store: &mut Store, name: &str| match first_result(store, instance, name, &[]) {
            Val::FuncRef(Some(f)) => f,
            other => panic!("{name}: {other:?}"),
        };
        let (own, other_type) = (funcref(&mut store, "own"), funcref(&mut store, "other_type"));
        *cell.lock().unwrap() = Some((table, own, other_type));
        let run = export_func(&store, instance, "run");
        first_results_or_traps(&mut store, run, 0..6)
    };
    let interpreted = run(Tier::Interpreter);
    assert_eq!(
        interpreted,
        [
            Ok(Val::I32(399)),
            Ok(Val::I32(2)),
            Ok(Val::I32(3)),
            Err(TrapCode::IndirectCallTypeMismatch),
            Err(TrapCode::UninitializedElement),
            Err(TrapCode::UndefinedElement)
        ]
    );
    assert_eq!(run(Tier::Jit), interpreted);
}

/// Locals the compiled tier keeps in registers for a whole function survive everything a
/// function can call: a host function (whose native code uses every vector register), a
/// runtime operation (`memory.grow`), a compiled callee that keeps its own locals in the same
/// registers, directly and through `call_indirect`, and a host function that calls back into
/// wasm. The results are the interpreter's, bit for bit.
#[test]
fn locals_in_registers_survive_every_kind_of_call() {
    use wasmrt::runtime::Tier;
    let wat = r#"(module
        (import "host" "clobber" (func $clobber (param f64) (result f64)))
        (import "host" "reenter" (func $reenter (param i32) (result i32)))
        (memory 1 100)
        (type $inner_t (func (param f64 i64) (result f64)))
        (table 1 funcref)
        (elem (i32.const 0) $inner)
        (func $inner (export "inner") (param $x f64) (param $y i64) (result f64)
          (local $a f64) (local $b f64) (local $c f32) (local $i i32) (local $j i64) (local $k i32) (;V;)
          (local.set $a (f64.const 0.25))
          (loop $l
            (local.set $a (f64.add (local.get $a) (local.get $x))) (;V_STEP;)
            (local.set $b (f64.mul (local.get $a) (f64.const 1.5)))
            (local.set $c (f32.add (local.get $c) (f32.const 0.5)))
            (local.set $j (i64.add (local.get $j) (local.get $y)))
            (local.set $k (i32.add (local.get $k) (i32.const 3)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (i32.const 5))))
          (f64.add (f64.add (local.get $a) (f64.add (local.get $b) (;V_RESULT;)(f64.const 0)))
                   (f64.add (f64.promote_f32 (local.get $c))
                            (f64.convert_i64_s (i64.add (local.get $j) (i64.extend_i32_u (local.get $k)))))))
        (func (export "outer") (param $n i32) (result f64)
          (local $a f64) (local $b f64) (local $c f32) (local $d f64) (local $i i32) (local $j i64) (local $k i32) (;V;)
          (local.set $a (f64.const 1.0))
          (local.set $b (f64.const -2.0))
          (local.set $c (f32.const 3.0))
          (local.set $d (f64.const 0.5))
          (local.set $j (i64.const 0x123456789))
          (local.set $k (i32.const 7))
          (loop $l
            (local.set $a (f64.add (local.get $a) (call $clobber (local.get $b)))) (;V_STEP;)
            (drop (memory.grow (i32.const 1)))
            (local.set $b (f64.add (local.get $b) (call $inner (local.get $d) (local.get $j))))
            (local.set $d (f64.sub (local.get $d)
              (call_indirect (type $inner_t) (local.get $a) (i64.const 3) (i32.const 0))))
            (local.set $k (i32.add (local.get $k) (call $reenter (local.get $i))))
            (local.set $c (f32.mul (local.get $c) (f32.const 1.25)))
            (local.set $j (i64.mul (local.get $j) (i64.const 3)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
          (f64.add (f64.add (f64.add (local.get $a) (f64.add (local.get $b) (;V_RESULT;)(f64.const 0)))
                            (f64.add (local.get $d) (f64.promote_f32 (local.get $c))))
                   (f64.convert_i64_s (i64.add (local.get $j) (i64.extend_i32_u (local.get $k)))))))"#;
    // The same with a v128 local in each function (so the module has 16-byte slots and v128
    // locals compete for the float registers); the markers are comments otherwise.
    let with_v128 = wat
        .replace("(;V;)", "(local $v v128)")
        .replace(
            "(;V_STEP;)",
            "(local.set $v (f64x2.add (f64x2.mul (local.get $v) (f64x2.splat (f64.const 0.25)))
               (f64x2.add (f64x2.add (local.get $v) (local.get $v)) (f64x2.splat (local.get $a)))))",
        )
        .replace("(;V_RESULT;)(f64.const 0)", "(f64x2.extract_lane 1 (local.get $v))");
    let run = |tier: Tier, wat: &str| {
        let engine = Engine::new(Config { tier, ..common::config() });
        let mut store = Store::new(&engine);
        let clobber = store.new_host_func(
            FuncType::new(&[ValType::F64], &[ValType::F64]),
            Arc::new(|_, args: &[Val], results: &mut [Val]| {
                // Sixteen independent accumulators: the native code keeps them in every vector
                // register it has.
                let Val::F64(x) = args[0] else { panic!("an f64") };
                let x = f64::from_bits(x);
                let mut acc = [0f64; 16];
                for i in 0..64 {
                    for (k, a) in acc.iter_mut().enumerate() {
                        *a = *a * std::hint::black_box(1.0000001) + (i * k) as f64 + x;
                    }
                }
                results[0] = Val::F64((std::hint::black_box(acc).iter().sum::<f64>() * 1e-6).to_bits());
                Ok(())
            }),
        );
        let cell: Arc<std::sync::Mutex<Option<Func>>> = Arc::default();
        let target = cell.clone();
        let reenter = store.new_host_func(
            FuncType::new(&[ValType::I32], &[ValType::I32]),
            Arc::new(move |caller, args: &[Val], results: &mut [Val]| {
                let inner = target.lock().unwrap().expect("set");
                let Val::I32(i) = args[0] else { panic!("an i32") };
                let r = caller.store.call(inner, &[Val::F64((i as f64).to_bits()), Val::I64(i as i64)])?;
                let Val::F64(r) = r[0] else { panic!("an f64") };
                results[0] = Val::I32(f64::from_bits(r) as i32);
                Ok(())
            }),
        );
        let module = compile(&engine, wat);
        let instance =
            store.instantiate(&module, &[Extern::Func(clobber), Extern::Func(reenter)]).expect("instantiates");
        *cell.lock().unwrap() = Some(export_func(&store, instance, "inner"));
        let outer = export_func(&store, instance, "outer");
        let Val::F64(r) = store.call(outer, &[Val::I32(20)]).expect("runs")[0] else { panic!("an f64") };
        r
    };
    for wat in [wat, &with_v128] {
        assert_eq!(run(Tier::Jit, wat), run(Tier::Interpreter, wat));
    }
    assert_ne!(run(Tier::Interpreter, wat), run(Tier::Interpreter, &with_v128), "the v128 locals count");
}

/// Compiled functions take their first two parameters and give their first result in
/// registers (by position and type: an integer, an f32 or f64; a v128 always in its slot). Every
/// way a value can get there (a constant, a comparison, a local in a register, an operand in a
/// register or spilled), every way a call goes (direct, `call_indirect` to the same instance
/// and, through the runtime, to another instance's function and a host function, from the host)
/// and every class of first result gives the interpreter's bits.
#[test]
fn parameters_and_results_in_registers_match_the_interpreter() {
    use wasmrt::runtime::Tier;
    let lib = r#"(module
        (func (export "mix") (param $a f32) (param $b i64) (param $v v128) (param $c f64) (param $d i32)
              (result f64 i32 v128 f32)
          (f64.add (f64.promote_f32 (local.get $a)) (f64.mul (local.get $c) (f64.convert_i64_s (local.get $b))))
          (i32.add (local.get $d) (i32.wrap_i64 (local.get $b)))
          (i32x4.add (local.get $v) (i32x4.splat (local.get $d)))
          (f32.sub (local.get $a) (f32.demote_f64 (local.get $c))))
        (func (export "two") (param $x i64) (param $y f32) (result f32)
          (f32.sub (local.get $y) (f32.convert_i64_u (local.get $x)))))"#;
    let main = r#"(module
        (type $mix_t (func (param f32 i64 v128 f64 i32) (result f64 i32 v128 f32)))
        (import "lib" "mix" (func $other (type $mix_t)))
        (import "host" "mix" (func $host (type $mix_t)))
        (import "lib" "two" (func $other_two (param i64 f32) (result f32)))
        (import "host" "two" (func $host_two (param i64 f32) (result f32)))
        (import "host" "vec" (func $host_vec (param v128 i32) (result v128)))
        (import "host" "none" (func $host_none))
        (table 3 funcref)
        (elem (i32.const 0) $mix $other $host)
        (func $mix (type $mix_t)
          (f64.sub (f64.promote_f32 (local.get 0)) (f64.div (local.get 3) (f64.convert_i64_u (local.get 1))))
          (i32.xor (local.get 4) (i32.wrap_i64 (i64.shr_u (local.get 1) (i64.const 3))))
          (i64x2.add (local.get 2) (i64x2.splat (local.get 1)))
          (f32.mul (local.get 0) (f32.const 1.5)))
        (func $two (param $x i64) (param $y f32) (result f32)
          (f32.add (local.get $y) (f32.convert_i64_s (local.get $x))))
        (func $vec (param $v v128) (param $n i32) (result v128)
          (i32x4.mul (local.get $v) (i32x4.splat (local.get $n))))
        (func $flag (param $c i32) (param $d f64) (result i64)
          (i64.add (i64.extend_i32_u (local.get $c)) (i64.trunc_sat_f64_s (local.get $d))))
        (func $none)
        (func $pair (param $n i32) (param $x f64) (result f64 i32)
          (f64.mul (local.get $x) (f64.const 0.5)) (i32.mul (local.get $n) (i32.const 7)))
        ;; Sums everything the calls give back, in every form, into one f64.
        (func (export "run") (param $n i32) (result f64)
          (local $acc f64) (local $i i32) (local $f f32) (local $v v128) (local $r i32) (local $g f64)
          (local.set $f (f32.const 0.75))
          (local.set $v (v128.const i32x4 1 2 3 4))
          (loop $l
            call $none
            ;; Constants and a local in a register as arguments; all four results.
            (call $mix (f32.const 2.5) (i64.const 7) (local.get $v) (f64.const 3.25) (local.get $i))
            (local.set $f (f32.add (local.get $f)))
            (local.set $v (i32x4.add (local.get $v)))
            (local.set $r (i32.add (local.get $r)))
            (local.set $acc (f64.add (local.get $acc)))
            ;; Operands in registers, and one spilled below the call's own.
            (local.set $g (f64.add (local.get $acc)
              (f64.promote_f32 (call $two (i64.mul (i64.extend_i32_s (local.get $i)) (i64.const -3))
                                          (f32.mul (local.get $f) (f32.const 0.5))))))
            ;; A comparison as an argument, a v128 first argument and result.
            (local.set $acc (f64.add (local.get $g)
              (f64.convert_i64_s (call $flag (i32.lt_u (local.get $i) (i32.const 3)) (local.get $acc)))))
            ;; Arguments and results in slots at another height than the calls' before.
            (local.set $v (i32x4.add (local.get $v)
              (call $vec (local.get $v) (i32.add (local.get $i) (i32.const 1)))))
            (local.get $acc)
            (call $pair (local.get $i) (local.get $acc))
            (local.set $r (i32.add (local.get $r)))
            (local.set $acc (f64.add))
            ;; Imports called directly: another instance's functions and host functions, with
            ;; arguments and results in registers and in slots.
            call $host_none
            (call $other (local.get $f) (i64.const 11) (local.get $v) (local.get $acc) (local.get $r))
            (local.set $f (f32.add (local.get $f)))
            (local.set $v (i32x4.add (local.get $v)))
            (local.set $r (i32.add (local.get $r)))
            (local.set $acc (f64.add (local.get $acc)))
            (call $host (f32.const -1.25) (i64.extend_i32_s (local.get $i)) (local.get $v) (local.get $g) (local.get $r))
            (local.set $f (f32.add (local.get $f)))
            (local.set $v (i32x4.add (local.get $v)))
            (local.set $r (i32.sub (local.get $r)))
            (local.set $acc (f64.add (local.get $acc)))
            (local.set $f (f32.add (local.get $f)
              (call $other_two (i64.extend_i32_u (local.get $i)) (local.get $f))))
            (local.set $f (f32.mul (local.get $f)
              (call $host_two (i64.const 3) (f32.const 0.125))))
            (local.set $v (i32x4.add (local.get $v) (call $host_vec (local.get $v) (local.get $i))))
            ;; call_indirect, to this instance's function and (through the runtime) to another's
            ;; and to a host function.
            (call_indirect (type $mix_t) (local.get $f) (i64.const -5) (local.get $v) (local.get $acc)
              (local.get $r) (i32.rem_u (local.get $i) (i32.const 3)))
            (local.set $f (f32.add (local.get $f)))
            (local.set $v (i32x4.sub (local.get $v)))
            (local.set $r (i32.add (local.get $r)))
            (local.set $acc (f64.add (local.get $acc)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
          (f64.add (local.get $acc)
            (f64.add (f64.promote_f32 (local.get $f))
              (f64.add (f64.convert_i32_s (local.get $r))
                (f64.convert_i32_s (i32x4.extract_lane 2 (local.get $v)))))))
        (export "mix" (func $mix))
        (export "two" (func $two))
        (export "vec" (func $vec))
        (export "none" (func $none)))"#;
    let run = |tier: Tier| {
        let engine = Engine::new(Config { tier, ..common::config() });
        let mut store = Store::new(&engine);
        let lib = store.instantiate(&compile(&engine, lib), &[]).expect("instantiates");
        let other = export_func(&store, lib, "mix");
        let ty = [ValType::F32, ValType::I64, ValType::V128, ValType::F64, ValType::I32];
        let results = [ValType::F64, ValType::I32, ValType::V128, ValType::F32];
        let host = store.new_host_func(
            FuncType::new(&ty, &results),
            Arc::new(|_, args: &[Val], results: &mut [Val]| {
                // Float arithmetic of its own, in whatever vector registers the native code picks.
                let (Val::F64(c), Val::I32(d)) = (args[3], args[4]) else { panic!("f64, i32") };
                let mut acc = [0f64; 8];
                for (k, a) in acc.iter_mut().enumerate() {
                    *a = std::hint::black_box(f64::from_bits(c)) * k as f64 + d as f64;
                }
                results[0] = Val::F64(std::hint::black_box(acc).iter().sum::<f64>().to_bits());
                results[1] = Val::I32(d * 3);
                results[2] = args[2];
                results[3] = args[0];
                Ok(())
            }),
        );
        let other_two = export_func(&store, lib, "two");
        let host_two = store.new_host_func(
            FuncType::new(&[ValType::I64, ValType::F32], &[ValType::F32]),
            Arc::new(|_, args: &[Val], results: &mut [Val]| {
                let (Val::I64(x), Val::F32(y)) = (args[0], args[1]) else { panic!("i64, f32") };
                results[0] = Val::F32((f32::from_bits(y) - x as f32).to_bits());
                Ok(())
            }),
        );
        let host_vec = store.new_host_func(
            FuncType::new(&[ValType::V128, ValType::I32], &[ValType::V128]),
            Arc::new(|_, args: &[Val], results: &mut [Val]| {
                let (Val::V128(v), Val::I32(n)) = (args[0], args[1]) else { panic!("v128, i32") };
                results[0] = Val::V128(v.rotate_left(32) ^ n as u32 as u128);
                Ok(())
            }),
        );
        let host_none = store.new_host_func(FuncType::new(&[], &[]), Arc::new(|_, _: &[Val], _: &mut [Val]| Ok(())));
        let imports = [other, host, other_two, host_two, host_vec, host_none].map(Extern::Func);
        let instance = store.instantiate(&compile(&engine, main), &imports).expect("instantiates");
        let mut out = store.call(export_func(&store, instance, "run"), &[Val::I32(9)]).expect("runs");
        // From the host: each class of first result, and functions with fewer slots than the
        // entry reads.
        let v = Val::V128(0x0000_0004_0000_0003_0000_0002_0000_0001);
        let mix_args = [Val::F32(1.5f32.to_bits()), Val::I64(-9), v, Val::F64(0.5f64.to_bits()), Val::I32(3)];
        out.extend(store.call(export_func(&store, instance, "mix"), &mix_args).expect("runs"));
        out.extend(
            store
                .call(export_func(&store, instance, "two"), &[Val::I64(5), Val::F32(0.25f32.to_bits())])
                .expect("runs"),
        );
        out.extend(store.call(export_func(&store, instance, "vec"), &[v, Val::I32(-2)]).expect("runs"));
        out.extend(store.call(export_func(&store, instance, "none"), &[]).expect("runs"));
        out
    };
    let jit = run(Tier::Jit);
    assert_eq!(jit, run(Tier::Interpreter));
    assert_eq!(jit.len(), 1 + 4 + 1 + 1);
}

/// A trap in one instance's compiled code called from another's carries the interpreter's
/// backtrace: the frames of both instances, innermost first.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn compiled_traps_across_instances_carry_the_interpreters_backtraces() {
    use wasmrt::runtime::Tier;
    let callee = r#"(module $callee
        (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
        (func (export "boom") (param i32) (result i32) (i32.add (call $inner (local.get 0)) (i32.const 1))))"#;
    let caller = r#"(module $caller
        (import "callee" "boom" (func $boom (param i32) (result i32)))
        (table funcref (elem $boom))
        (func $direct (param i32) (result i32) (call $boom (local.get 0)))
        (func (export "direct") (param i32) (result i32) (call $direct (local.get 0)))
        (func (export "indirect") (param i32) (result i32)
          (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0))))"#;
    let outcomes = |tier: Tier| {
        let engine = Engine::new(Config { tier, ..common::config() });
        let mut store = Store::new(&engine);
        let callee = store.instantiate(&compile(&engine, callee), &[]).expect("instantiates");
        let boom = export_func(&store, callee, "boom");
        let caller = store.instantiate(&compile(&engine, caller), &[Extern::Func(boom)]).expect("instantiates");
        let mut out = Vec::new();
        for name in ["direct", "indirect"] {
            let f = export_func(&store, caller, name);
            let trap = store.call(f, &[Val::I32(0)]).expect_err("traps").into_data();
            out.push((name, trap.code, trap.frames));
        }
        out
    };
    let (interpreted, compiled) = (outcomes(Tier::Interpreter), outcomes(Tier::Jit));
    for (i, c) in interpreted.iter().zip(&compiled) {
        assert_eq!(c, i, "{}", i.0);
        assert_eq!(i.2.iter().map(|f| f.instance).collect::<Vec<_>>(), [0, 0, 1, 1][..i.2.len()], "{}", i.0);
    }
}
