//! The compiler's v128 code against the interpreter: every SIMD operator on edge values (NaNs
//! with payloads, signalling NaNs, ±0, infinities, conversion bounds, lane extremes, shift
//! counts beyond the lane width), every lane of the lane operators, shuffles, every v128 load
//! and store (traps at the end of memory included), and v128 values through locals, globals,
//! blocks, `select`, calls, `call_indirect` and register pressure. Results must agree bit for
//! bit, NaN payloads included.

use super::codegen_tests::Both;
use crate::decode::ops::{LaneOp, SimpleOp};
use crate::runtime::{TrapCode, Val};
use crate::types::ValType;

fn v128_of_bytes(b: [u8; 16]) -> u128 {
    u128::from_le_bytes(b)
}

fn lanes16(l: [u16; 8]) -> u128 {
    l.iter().enumerate().fold(0, |r, (i, &x)| r | (x as u128) << (16 * i))
}

fn lanes32(l: [u32; 4]) -> u128 {
    l.iter().enumerate().fold(0, |r, (i, &x)| r | (x as u128) << (32 * i))
}

fn lanes64(l: [u64; 2]) -> u128 {
    (l[1] as u128) << 64 | l[0] as u128
}

fn f32s(l: [f32; 4]) -> u128 {
    lanes32(l.map(f32::to_bits))
}

fn f64s(l: [f64; 2]) -> u128 {
    lanes64(l.map(f64::to_bits))
}

/// Operand vectors: lane extremes of every shape, float specials (quiet and signalling NaNs
/// with payloads and either sign, ±0, infinities, ties, conversion bounds, subnormals).
fn vectors() -> Vec<u128> {
    vec![
        0,
        u128::MAX,
        v128_of_bytes([0, 1, 0x7f, 0x80, 0xff, 0xfe, 2, 0x40, 0x81, 0x55, 0xaa, 3, 0x10, 0x0f, 0xf0, 0x7e]),
        v128_of_bytes([0x80, 0x80, 0x7f, 0x7f, 0, 0xff, 1, 0x20, 0x11, 0x12, 0x13, 31, 32, 33, 0xc0, 0x3f]),
        lanes16([0, 1, 0x7fff, 0x8000, 0xffff, 0x8001, 0x4000, 0xc000]),
        lanes16([0x8000, 0x8000, 0x7fff, 0x1234, 0xfffe, 2, 0x00ff, 0xff00]),
        lanes32([i32::MIN as u32, i32::MAX as u32, u32::MAX, 1]),
        lanes32([0, 0x1234_5678, 0x8000_0001, 0x7fff_fffe]),
        lanes64([i64::MIN as u64, i64::MAX as u64]),
        lanes64([u64::MAX, 1]),
        lanes64([0x1234_5678_9abc_def0, 1 << 32]),
        lanes32([0x7fc0_0000, 0xffc0_0000, 0x7f80_0001, 0x7fa0_0005]),
        f32s([0.0, -0.0, f32::INFINITY, f32::NEG_INFINITY]),
        f32s([1.5, -2.5, 0.5, -0.5]),
        f32s([2147483648.0, 4294967296.0, -2147483904.0, 3e9]),
        f32s([1e-45, -1.0, 16777216.0, 2147483520.0]),
        f32s([4294967040.0, 1e10, -1e10, 0.49999997]),
        f32s([-0.0, 0.0, -1.5, 2.5]),
        lanes64([0x7ff8_0000_0000_0000, 0xfff0_0000_0000_0001]),
        lanes64([0x7ff4_0000_0000_0001, (-0.0f64).to_bits()]),
        f64s([f64::INFINITY, f64::NEG_INFINITY]),
        f64s([1.5, -2.5]),
        f64s([2147483647.5, -2147483648.9]),
        f64s([4294967295.9, 4294967296.0]),
        f64s([-1.0, 1e300]),
        f64s([5e-324, 0.49999999999999994]),
        f64s([-0.0, 0.0]),
        f64s([-2147483649.0, 1e10]),
    ]
}

const COUNTS: [i32; 17] = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, -1, i32::MIN, 100];
const I32S: [i32; 8] = [0, 1, -1, 0x7f, 0x80, 0x1234_5678, i32::MIN, i32::MAX];
const I64S: [i64; 6] = [0, 1, -1, i64::MIN, i64::MAX, 0x1234_5678_9abc_def0];
const F32S: [u32; 8] = [0, 0x8000_0000, 0x7fc0_0000, 0x7f80_0001, 0x3fc0_0000, 0xff80_0000, 1, 0xcf00_0000];
const F64S: [u64; 6] = [0, 1 << 63, 0x7ff8_0000_0000_0000, 0x7ff0_0000_0000_0001, 0x3ff8_0000_0000_0000, 1];

fn wat_type(t: ValType) -> &'static str {
    match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "v128",
        _ => unreachable!(),
    }
}

/// Runs `name` both ways on `args`; results (bits) and traps must agree.
fn agree(b: &mut Both, name: &str, args: &[Val]) -> Result<Vec<Val>, TrapCode> {
    let expected = b.interp(name, args);
    let actual = b.jit(name, args);
    assert!(actual == expected, "{name}{args:x?}: compiled {actual:x?}, interpreted {expected:x?}");
    expected
}

fn scalar_args(t: ValType) -> Vec<Val> {
    match t {
        ValType::I32 => I32S.iter().map(|&v| Val::I32(v)).collect(),
        ValType::I64 => I64S.iter().map(|&v| Val::I64(v)).collect(),
        ValType::F32 => F32S.iter().map(|&v| Val::F32(v)).collect(),
        ValType::F64 => F64S.iter().map(|&v| Val::F64(v)).collect(),
        _ => unreachable!(),
    }
}

#[test]
fn simd_operators_agree_with_the_interpreter() {
    let ops: Vec<SimpleOp> = SimpleOp::ALL.iter().copied().filter(|op| op.encoding().0 == 0xfd).collect();
    let mut wat = String::from("(module\n");
    for op in &ops {
        let params: Vec<&str> = op.params().iter().map(|&t| wat_type(t)).collect();
        let gets: String = (0..params.len()).map(|i| format!("local.get {i} ")).collect();
        wat += &format!(
            "(func (export \"{}\") (param {}) (result {}) {gets}{})\n",
            op.name(),
            params.join(" "),
            wat_type(op.result()),
            op.name()
        );
    }
    // Shifts by constant counts.
    for op in ops.iter().filter(|op| op.params() == [ValType::V128, ValType::I32]) {
        for n in COUNTS {
            wat += &format!(
                "(func (export \"{}/{n}\") (param v128) (result v128) local.get 0 i32.const {n} {})\n",
                op.name(),
                op.name()
            );
        }
    }
    wat += ")";
    let mut b = Both::new(&wat);
    let vs = vectors();
    let mut calls = 0;
    for op in &ops {
        let name = op.name();
        let mut run = |args: &[Val]| {
            agree(&mut b, name, args).expect("no SIMD operator traps");
            calls += 1;
        };
        match op.params() {
            [ValType::V128] => vs.iter().for_each(|&v| run(&[Val::V128(v)])),
            [ValType::V128, ValType::V128] => {
                for &x in &vs {
                    for &y in &vs {
                        run(&[Val::V128(x), Val::V128(y)]);
                    }
                }
            }
            [ValType::V128, ValType::V128, ValType::V128] => {
                for &x in &vs[..8] {
                    for &y in &vs[..8] {
                        for &c in &vs[..8] {
                            run(&[Val::V128(x), Val::V128(y), Val::V128(c)]);
                        }
                    }
                }
            }
            [ValType::V128, ValType::I32] => {
                for &x in &vs {
                    for &n in &COUNTS {
                        agree(&mut b, name, &[Val::V128(x), Val::I32(n)]).expect("no trap");
                        agree(&mut b, &format!("{name}/{n}"), &[Val::V128(x)]).expect("no trap");
                        calls += 2;
                    }
                }
            }
            [t] => scalar_args(*t).iter().for_each(|a| run(std::slice::from_ref(a))),
            other => panic!("{name}: unexpected signature {other:?}"),
        }
    }
    assert!(ops.len() > 180 && calls > 50_000, "{} operators, {calls} calls", ops.len());
}

#[test]
fn lanes_and_shuffles_agree_with_the_interpreter() {
    let mut wat = String::from("(module\n");
    for &op in LaneOp::ALL {
        let t = wat_type(op.lane_type());
        for lane in 0..op.lanes() {
            let name = op.name();
            if op.is_replace() {
                wat += &format!(
                    "(func (export \"{name}/{lane}\") (param v128 {t}) (result v128) local.get 0 local.get 1 {name} {lane})\n"
                );
            } else {
                wat +=
                    &format!("(func (export \"{name}/{lane}\") (param v128) (result {t}) local.get 0 {name} {lane})\n");
            }
        }
    }
    let mut patterns: Vec<[u8; 16]> = vec![
        core::array::from_fn(|i| i as u8),
        core::array::from_fn(|i| 16 + i as u8),
        core::array::from_fn(|i| (31 - 2 * i) as u8),
        [2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13],
        [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23],
        [5; 16],
        [31; 16],
    ];
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..20 {
        patterns.push(core::array::from_fn(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 32) as u8
        }));
    }
    for (k, p) in patterns.iter().enumerate() {
        let lanes: Vec<String> = p.iter().map(|l| l.to_string()).collect();
        wat += &format!(
            "(func (export \"shuffle/{k}\") (param v128 v128) (result v128) local.get 0 local.get 1 i8x16.shuffle {})\n",
            lanes.join(" ")
        );
    }
    // Constants, and a constant's lanes through extract_lane.
    for (k, v) in vectors().iter().enumerate() {
        wat += &format!(
            "(func (export \"const/{k}\") (result v128) v128.const i64x2 {} {})\n",
            *v as u64 as i64,
            (*v >> 64) as u64 as i64
        );
    }
    wat += ")";
    let mut b = Both::new(&wat);
    let vs = vectors();
    for &op in LaneOp::ALL {
        for lane in 0..op.lanes() {
            let name = format!("{}/{lane}", op.name());
            for &v in &vs {
                if op.is_replace() {
                    for s in scalar_args(op.lane_type()) {
                        agree(&mut b, &name, &[Val::V128(v), s]).expect("no trap");
                    }
                } else {
                    agree(&mut b, &name, &[Val::V128(v)]).expect("no trap");
                }
            }
        }
    }
    for k in 0..patterns.len() {
        for &x in &vs {
            for &y in &vs[..6] {
                agree(&mut b, &format!("shuffle/{k}"), &[Val::V128(x), Val::V128(y)]).expect("no trap");
            }
        }
    }
    for (k, &v) in vs.iter().enumerate() {
        assert_eq!(agree(&mut b, &format!("const/{k}"), &[]), Ok(vec![Val::V128(v)]));
    }
}

/// Every v128 load, lane load and lane store around the end of memory, with guard regions and
/// with explicit bounds checks.
#[test]
fn v128_loads_and_stores_agree_with_the_interpreter() {
    for checks in [crate::runtime::BoundsChecks::GuardRegions, crate::runtime::BoundsChecks::Explicit] {
        v128_loads_and_stores(checks);
    }
}

fn v128_loads_and_stores(checks: crate::runtime::BoundsChecks) {
    let loads = [
        "v128.load",
        "v128.load8x8_s",
        "v128.load8x8_u",
        "v128.load16x4_s",
        "v128.load16x4_u",
        "v128.load32x2_s",
        "v128.load32x2_u",
        "v128.load8_splat",
        "v128.load16_splat",
        "v128.load32_splat",
        "v128.load64_splat",
        "v128.load32_zero",
        "v128.load64_zero",
    ];
    let lanes = [("8", 16), ("16", 8), ("32", 4), ("64", 2)];
    let bytes: String = (0..=255u8).map(|i| format!("\\{:02x}", i.wrapping_mul(151) ^ 0x5a)).collect();
    let mut wat = format!("(module (memory 1) (data (i32.const 65280) \"{bytes}\") (data (i32.const 0) \"{bytes}\")\n");
    for op in loads {
        for offset in [0u32, 3, 65535, 0xffff_fff0] {
            wat += &format!(
                "(func (export \"{op}/{offset}\") (param i32) (result v128) local.get 0 {op} offset={offset})\n"
            );
        }
    }
    for (bits, n) in lanes {
        for lane in 0..n {
            wat += &format!(
                "(func (export \"load{bits}_lane/{lane}\") (param i32 v128) (result v128) local.get 0 local.get 1 v128.load{bits}_lane offset=1 {lane})\n"
            );
            // The lane is stored, then the bytes around it read back.
            wat += &format!(
                "(func (export \"store{bits}_lane/{lane}\") (param i32 v128) (result v128)
                   local.get 0 local.get 1 v128.store{bits}_lane offset=2 {lane}
                   local.get 0 v128.load)\n"
            );
        }
    }
    wat += "(func (export \"store\") (param i32 v128) (result v128)
              local.get 0 local.get 1 v128.store offset=5 local.get 0 v128.load offset=4)\n)";
    let mut b = Both::with(&wat, crate::runtime::Config { bounds_checks: checks, ..Default::default() });
    let addresses = [0, 1, 100, 65536 - 32, 65536 - 17, 65536 - 16, 65536 - 9, 65536 - 8, 65536 - 1, 65536, -16, -1];
    let mut traps = 0;
    for op in loads {
        for offset in [0u32, 3, 65535, 0xffff_fff0] {
            for a in addresses {
                traps += agree(&mut b, &format!("{op}/{offset}"), &[Val::I32(a)]).is_err() as u32;
            }
        }
    }
    let vs = vectors();
    for (bits, n) in lanes {
        for lane in 0..n {
            for a in addresses {
                for &v in &vs[..4] {
                    let args = [Val::I32(a), Val::V128(v)];
                    traps += agree(&mut b, &format!("load{bits}_lane/{lane}"), &args).is_err() as u32;
                    traps += agree(&mut b, &format!("store{bits}_lane/{lane}"), &args).is_err() as u32;
                }
            }
        }
    }
    for a in addresses {
        for &v in &vs[..4] {
            traps += agree(&mut b, "store", &[Val::I32(a), Val::V128(v)]).is_err() as u32;
        }
    }
    assert!(traps > 100, "accesses past the end of memory trap ({traps})");
}

#[test]
fn v128_values_through_locals_globals_blocks_and_calls_agree() {
    let mut b = Both::new(
        r#"(module
          (type $vv (func (param v128 i32 v128 f64) (result v128 f64 v128)))
          (table 2 funcref)
          (elem (i32.const 0) $mix $mix)
          (global $g (mut v128) (v128.const i32x4 1 2 3 4))
          (func $mix (type $vv)
            (i32x4.add (local.get 0) (local.get 2))
            (f64.add (local.get 3) (f64.convert_i32_s (local.get 1)))
            (i8x16.sub (local.get 2) (local.get 0)))
          (func (export "call") (param v128 v128) (result v128)
            (call $mix (local.get 0) (i32.const 7) (local.get 1) (f64.const 1.5))
            (local.set 1)
            (drop)
            (call $mix (v128.const i64x2 -1 5) (i32.const 3) (local.get 1) (f64.const 2.5))
            (drop) (drop)
            (i32x4.mul))
          (func (export "call_indirect") (param v128 v128 i32) (result v128)
            (call_indirect (type $vv) (local.get 0) (i32.const 7) (local.get 1) (f64.const 1.5) (local.get 2))
            drop drop)
          (func (export "global") (param v128) (result v128)
            (global.set $g (i16x8.add (local.get 0) (v128.const i16x8 1 2 3 4 5 6 7 8)))
            (global.get $g))
          (func (export "locals") (param v128) (result v128) (local v128 i32 v128)
            (local.set 1 (local.get 0))
            (local.set 2 (i32.const 9))
            (i64x2.add (local.get 1) (local.get 3)))
          (func (export "blocks") (param v128 i32) (result v128)
            (local.get 0)
            (block (param v128) (result v128)
              (if (param v128) (result v128) (local.get 1)
                (then (i32x4.neg))
                (else (v128.not))))
            (loop (param v128) (result v128)
              (i32x4.add (v128.const i32x4 1 1 1 1))
              (local.tee 0)
              (br_if 0 (i32.lt_u (i32.and (i32x4.extract_lane 0 (local.get 0)) (i32.const 7)) (i32.const 3)))))
          (func (export "select") (param v128 v128 i32) (result v128)
            (select (local.get 0) (local.get 1) (local.get 2)))
          (func (export "br_table") (param v128 i32) (result v128)
            (block (result v128)
              (block (result v128)
                (br_table 0 1 (local.get 0) (local.get 1)))
              (i8x16.abs)))
          (func (export "pressure") (param v128 v128) (result v128)
            (local.get 0) (local.get 1) (i32x4.add (local.get 0) (local.get 1)) (i32x4.sub (local.get 0) (local.get 1))
            (i32x4.mul (local.get 0) (local.get 1)) (i8x16.add (local.get 0) (local.get 1))
            (i16x8.add (local.get 0) (local.get 1)) (v128.xor (local.get 0) (local.get 1))
            (v128.or (local.get 0) (local.get 1)) (v128.and (local.get 0) (local.get 1))
            (i64x2.add (local.get 0) (local.get 1)) (i64x2.sub (local.get 0) (local.get 1))
            (i16x8.mul (local.get 0) (local.get 1)) (i32x4.min_u (local.get 0) (local.get 1))
            (i8x16.sub (local.get 0) (local.get 1)) (i16x8.sub (local.get 0) (local.get 1))
            (i32x4.max_s (local.get 0) (local.get 1))
            i32x4.add i32x4.add i32x4.add i32x4.add i32x4.add i32x4.add i32x4.add i32x4.add
            i32x4.add i32x4.add i32x4.add i32x4.add i32x4.add i32x4.add i32x4.add i32x4.add))"#,
    );
    let vs = vectors();
    for &x in &vs {
        for &y in &vs[..8] {
            let (x, y) = (Val::V128(x), Val::V128(y));
            agree(&mut b, "call", &[x, y]).expect("no trap");
            agree(&mut b, "global", &[x]).expect("no trap");
            agree(&mut b, "locals", &[x]).expect("no trap");
            agree(&mut b, "pressure", &[x, y]).expect("no trap");
            for i in [0, 1] {
                agree(&mut b, "call_indirect", &[x, y, Val::I32(i)]).expect("no trap");
            }
            for i in [0, 1, 2, -1] {
                agree(&mut b, "blocks", &[x, Val::I32(i)]).expect("no trap");
                agree(&mut b, "select", &[x, y, Val::I32(i)]).expect("no trap");
                agree(&mut b, "br_table", &[x, Val::I32(i)]).expect("no trap");
            }
        }
    }
    assert_eq!(
        b.jit("call_indirect", &[Val::V128(0), Val::V128(0), Val::I32(2)]),
        Err(TrapCode::UndefinedElement),
        "compiled code checks the element's bounds itself"
    );
}

/// Accesses of a second memory (multi-memory) address it, trap at its end (not memory 0's),
/// and leave memory 0 alone; scalar and v128 forms; with guard regions and with explicit
/// bounds checks (against the second memory's length).
#[test]
fn accesses_of_another_memory_agree_with_the_interpreter() {
    for checks in [crate::runtime::BoundsChecks::GuardRegions, crate::runtime::BoundsChecks::Explicit] {
        another_memory(checks);
    }
}

fn another_memory(bounds_checks: crate::runtime::BoundsChecks) {
    let mut features = crate::features::Features::wasm2();
    features.multi_memory = true;
    let config = crate::runtime::Config { features, bounds_checks, ..crate::runtime::Config::default() };
    let mut b = Both::with(
        r#"(module
          (memory $a 2)
          (memory $b 1)
          (data (memory $b) (i32.const 65520) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
          (func (export "load") (param i32) (result i64 v128 i32)
            (i64.load $b offset=1 (local.get 0))
            (v128.load $b (local.get 0))
            (i32.load8_u $a (local.get 0)))
          (func (export "store") (param i32 v128) (result v128 i32)
            (v128.store $b offset=2 (local.get 0) (local.get 1))
            (i32.store16 $b (local.get 0) (i32.const 0x7777))
            (v128.store8_lane $b 3 (local.get 0) (local.get 1))
            (v128.load $b (local.get 0))
            (i32.load $a (local.get 0)))
          (func (export "lane") (param i32 v128) (result v128)
            (v128.load32_lane $b 2 (local.get 0) (local.get 1)))
          (func (export "sizes") (param i32) (result i32 i32 i32 i32)
            (memory.size $b) (memory.size $a)
            (memory.grow $b (local.get 0))
            (memory.size $b)))"#,
        config,
    );
    let mut traps = 0;
    for a in [0, 7, 65520, 65528, 65529, 65535, 65536, 70000, 131072 - 16, -1] {
        traps += agree(&mut b, "load", &[Val::I32(a)]).is_err() as u32;
        for v in [0, u128::MAX, 0x0011_2233_4455_6677_8899_aabb_ccdd_eeff] {
            traps += agree(&mut b, "store", &[Val::I32(a), Val::V128(v)]).is_err() as u32;
            traps += agree(&mut b, "lane", &[Val::I32(a), Val::V128(v)]).is_err() as u32;
        }
    }
    // From 65521 on, 16 bytes of the second memory do not fit (the first has two pages).
    assert!(traps >= 20, "{traps} traps");
    assert_eq!(b.jit("load", &[Val::I32(65536)]), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(agree(&mut b, "sizes", &[Val::I32(0)]), Ok(vec![Val::I32(1), Val::I32(2), Val::I32(1), Val::I32(1)]));
    // Interpreted, then compiled: each grows the second memory by a page.
    assert_eq!(b.interp("sizes", &[Val::I32(1)]), Ok(vec![Val::I32(1), Val::I32(2), Val::I32(1), Val::I32(2)]));
    assert_eq!(b.jit("sizes", &[Val::I32(1)]), Ok(vec![Val::I32(2), Val::I32(2), Val::I32(2), Val::I32(3)]));
    // The grown page is accessible to compiled code.
    assert_eq!(agree(&mut b, "load", &[Val::I32(65536)]).map(|r| r.len()), Ok(3));
}

/// The i64x2 signed comparisons as compiled for a CPU without SSE4.2 (no `pcmpgtq`).
#[test]
fn i64x2_comparisons_without_sse42_agree_with_the_interpreter() {
    let ops = ["i64x2.lt_s", "i64x2.gt_s", "i64x2.le_s", "i64x2.ge_s"];
    let mut wat = String::from("(module\n");
    for op in ops {
        wat += &format!("(func (export \"{op}\") (param v128 v128) (result v128) local.get 0 local.get 1 {op})\n");
    }
    wat += ")";
    let mut b = Both::with_masm(&wat, crate::runtime::Config::default(), |m| m.without_sse42());
    let mut vs = vectors();
    // Lanes near each other and across the sign boundary, where a subtraction overflows.
    for (x, y) in
        [(0i64, -1i64), (i64::MIN + 1, i64::MAX - 1), (1 << 62, -(1 << 62)), (-5, 5), (1 << 32, (1 << 32) - 1)]
    {
        vs.push(lanes64([x as u64, y as u64]));
        vs.push(lanes64([y as u64, x as u64]));
    }
    for op in ops {
        for &x in &vs {
            for &y in &vs {
                agree(&mut b, op, &[Val::V128(x), Val::V128(y)]).expect("no trap");
            }
        }
    }
}
