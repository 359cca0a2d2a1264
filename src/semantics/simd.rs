//! The semantics of every WebAssembly 2.0 fixed-width SIMD operation on `u128` values: simple
//! operators, lane access, shuffles and the v128 memory loads' lane layouts. Portable scalar code.

use super::num;
use crate::decode::ops::{LaneOp, MemKind, MemOp, SimpleOp};

/// A v128 value; lane 0 is the least significant bits (little-endian lane order, as in memory).
pub type V128 = u128;

/// The implementation of one SIMD `SimpleOp`, by signature. Scalars are passed and returned as raw bits:
/// i32 and f32 as u32, i64 and f64 as u64.
#[derive(Clone, Copy)]
pub enum SimdFn {
    Unary(fn(V128) -> V128),
    Binary(fn(V128, V128) -> V128),
    /// v128.bitselect(v1, v2, c)
    Ternary(fn(V128, V128, V128) -> V128),
    /// Shifts: the count is the i32 operand, taken modulo the lane width.
    Shift(fn(V128, u32) -> V128),
    /// v128.any_true, *.all_true, *.bitmask -> i32
    Test(fn(V128) -> u32),
    /// i8x16/i16x8/i32x4/f32x4.splat (operand i32 or f32 bits)
    Splat32(fn(u32) -> V128),
    /// i64x2/f64x2.splat
    Splat64(fn(u64) -> V128),
}

// ---------------------------------------------------------------------------------------------
// Lane views. Each shape module defines `S` (signed lane), `U` (unsigned lane), `N` (lanes),
// `BITS`, and conversions `u`/`s` (v128 -> lanes) and `from_u`/`from_s` (lanes -> v128).

macro_rules! int_lanes {
    ($s:ty, $u:ty, $n:literal) => {
        pub type S = $s;
        pub type U = $u;
        pub const N: usize = $n;
        pub const BITS: u32 = <$u>::BITS;

        #[inline]
        pub fn u(v: V128) -> [U; N] {
            core::array::from_fn(|i| (v >> (i as u32 * BITS)) as U)
        }

        #[inline]
        pub fn s(v: V128) -> [S; N] {
            u(v).map(|x| x as S)
        }

        #[inline]
        pub fn from_u(a: [U; N]) -> V128 {
            let mut r = 0u128;
            for (i, x) in a.into_iter().enumerate() {
                r |= (x as u128) << (i as u32 * BITS);
            }
            r
        }

        #[inline]
        pub fn from_s(a: [S; N]) -> V128 {
            from_u(a.map(|x| x as U))
        }

        #[inline]
        fn mask(b: bool) -> U {
            (b as U).wrapping_neg()
        }

        #[inline]
        fn map_u(v: V128, f: impl Fn(U) -> U) -> V128 {
            from_u(u(v).map(f))
        }

        #[inline]
        fn map_s(v: V128, f: impl Fn(S) -> S) -> V128 {
            from_s(s(v).map(f))
        }

        #[inline]
        fn zip_u(a: V128, b: V128, f: impl Fn(U, U) -> U) -> V128 {
            let (a, b) = (u(a), u(b));
            from_u(core::array::from_fn(|i| f(a[i], b[i])))
        }

        #[inline]
        #[allow(dead_code)] // i64x2 has no signed lane-wise binary operator
        fn zip_s(a: V128, b: V128, f: impl Fn(S, S) -> S) -> V128 {
            let (a, b) = (s(a), s(b));
            from_s(core::array::from_fn(|i| f(a[i], b[i])))
        }

        #[inline]
        fn cmp_u(a: V128, b: V128, f: impl Fn(U, U) -> bool) -> V128 {
            zip_u(a, b, |x, y| mask(f(x, y)))
        }

        #[inline]
        fn cmp_s(a: V128, b: V128, f: impl Fn(S, S) -> bool) -> V128 {
            let (a, b) = (s(a), s(b));
            from_u(core::array::from_fn(|i| mask(f(a[i], b[i]))))
        }
    };
}

/// Operations every integer shape has.
macro_rules! int_common {
    () => {
        pub fn splat(x: U) -> V128 {
            from_u([x; N])
        }
        pub fn eq(a: V128, b: V128) -> V128 {
            cmp_u(a, b, |x, y| x == y)
        }
        pub fn ne(a: V128, b: V128) -> V128 {
            cmp_u(a, b, |x, y| x != y)
        }
        pub fn lt_s(a: V128, b: V128) -> V128 {
            cmp_s(a, b, |x, y| x < y)
        }
        pub fn gt_s(a: V128, b: V128) -> V128 {
            cmp_s(a, b, |x, y| x > y)
        }
        pub fn le_s(a: V128, b: V128) -> V128 {
            cmp_s(a, b, |x, y| x <= y)
        }
        pub fn ge_s(a: V128, b: V128) -> V128 {
            cmp_s(a, b, |x, y| x >= y)
        }
        pub fn add(a: V128, b: V128) -> V128 {
            zip_u(a, b, U::wrapping_add)
        }
        pub fn sub(a: V128, b: V128) -> V128 {
            zip_u(a, b, U::wrapping_sub)
        }
        pub fn neg(v: V128) -> V128 {
            map_u(v, U::wrapping_neg)
        }
        pub fn abs(v: V128) -> V128 {
            map_s(v, S::wrapping_abs)
        }
        pub fn shl(v: V128, n: u32) -> V128 {
            let n = n % BITS;
            map_u(v, |x| x << n)
        }
        pub fn shr_s(v: V128, n: u32) -> V128 {
            let n = n % BITS;
            map_s(v, |x| x >> n)
        }
        pub fn shr_u(v: V128, n: u32) -> V128 {
            let n = n % BITS;
            map_u(v, |x| x >> n)
        }
        pub fn all_true(v: V128) -> u32 {
            u(v).iter().all(|&x| x != 0) as u32
        }
        pub fn bitmask(v: V128) -> u32 {
            s(v).iter().enumerate().fold(0, |m, (i, &x)| m | (((x < 0) as u32) << i))
        }
    };
}

/// Unsigned comparisons (all shapes but i64x2).
macro_rules! int_ucmp {
    () => {
        pub fn lt_u(a: V128, b: V128) -> V128 {
            cmp_u(a, b, |x, y| x < y)
        }
        pub fn gt_u(a: V128, b: V128) -> V128 {
            cmp_u(a, b, |x, y| x > y)
        }
        pub fn le_u(a: V128, b: V128) -> V128 {
            cmp_u(a, b, |x, y| x <= y)
        }
        pub fn ge_u(a: V128, b: V128) -> V128 {
            cmp_u(a, b, |x, y| x >= y)
        }
    };
}

/// min/max (i8x16, i16x8, i32x4).
macro_rules! int_minmax {
    () => {
        pub fn min_s(a: V128, b: V128) -> V128 {
            zip_s(a, b, S::min)
        }
        pub fn min_u(a: V128, b: V128) -> V128 {
            zip_u(a, b, U::min)
        }
        pub fn max_s(a: V128, b: V128) -> V128 {
            zip_s(a, b, S::max)
        }
        pub fn max_u(a: V128, b: V128) -> V128 {
            zip_u(a, b, U::max)
        }
    };
}

/// Saturating arithmetic and rounding average (i8x16, i16x8).
macro_rules! int_sat {
    () => {
        pub fn add_sat_s(a: V128, b: V128) -> V128 {
            zip_s(a, b, S::saturating_add)
        }
        pub fn add_sat_u(a: V128, b: V128) -> V128 {
            zip_u(a, b, U::saturating_add)
        }
        pub fn sub_sat_s(a: V128, b: V128) -> V128 {
            zip_s(a, b, S::saturating_sub)
        }
        pub fn sub_sat_u(a: V128, b: V128) -> V128 {
            zip_u(a, b, U::saturating_sub)
        }
        pub fn avgr_u(a: V128, b: V128) -> V128 {
            zip_u(a, b, |x, y| ((x as u32 + y as u32 + 1) >> 1) as U)
        }
    };
}

/// Widening from the half-width shape `$h`: extend, extmul (and wrapping mul), extadd_pairwise.
macro_rules! int_widen {
    ($h:ident) => {
        fn half_s(v: V128, high: bool) -> [S; N] {
            let l = $h::s(v);
            let o = if high { N } else { 0 };
            core::array::from_fn(|i| l[o + i] as S)
        }
        fn half_u(v: V128, high: bool) -> [U; N] {
            let l = $h::u(v);
            let o = if high { N } else { 0 };
            core::array::from_fn(|i| l[o + i] as U)
        }
        pub fn extend_low_s(v: V128) -> V128 {
            from_s(half_s(v, false))
        }
        pub fn extend_high_s(v: V128) -> V128 {
            from_s(half_s(v, true))
        }
        pub fn extend_low_u(v: V128) -> V128 {
            from_u(half_u(v, false))
        }
        pub fn extend_high_u(v: V128) -> V128 {
            from_u(half_u(v, true))
        }
        fn extmul_s(a: V128, b: V128, high: bool) -> V128 {
            let (a, b) = (half_s(a, high), half_s(b, high));
            from_s(core::array::from_fn(|i| a[i].wrapping_mul(b[i])))
        }
        fn extmul_u(a: V128, b: V128, high: bool) -> V128 {
            let (a, b) = (half_u(a, high), half_u(b, high));
            from_u(core::array::from_fn(|i| a[i].wrapping_mul(b[i])))
        }
        pub fn extmul_low_s(a: V128, b: V128) -> V128 {
            extmul_s(a, b, false)
        }
        pub fn extmul_high_s(a: V128, b: V128) -> V128 {
            extmul_s(a, b, true)
        }
        pub fn extmul_low_u(a: V128, b: V128) -> V128 {
            extmul_u(a, b, false)
        }
        pub fn extmul_high_u(a: V128, b: V128) -> V128 {
            extmul_u(a, b, true)
        }
        pub fn mul(a: V128, b: V128) -> V128 {
            zip_u(a, b, U::wrapping_mul)
        }
    };
}

/// extadd_pairwise from the half-width shape `$h` (i16x8, i32x4).
macro_rules! int_extadd {
    ($h:ident) => {
        pub fn extadd_pairwise_s(v: V128) -> V128 {
            let l = $h::s(v);
            from_s(core::array::from_fn(|i| (l[2 * i] as S).wrapping_add(l[2 * i + 1] as S)))
        }
        pub fn extadd_pairwise_u(v: V128) -> V128 {
            let l = $h::u(v);
            from_u(core::array::from_fn(|i| (l[2 * i] as U).wrapping_add(l[2 * i + 1] as U)))
        }
    };
}

/// Narrowing of the double-width shape `$w` with signed or unsigned saturation.
macro_rules! int_narrow {
    ($w:ident) => {
        fn narrow(a: V128, b: V128, lo: $w::S, hi: $w::S) -> [$w::S; N] {
            let (a, b) = ($w::s(a), $w::s(b));
            core::array::from_fn(|i| {
                let x = if i < $w::N { a[i] } else { b[i - $w::N] };
                x.clamp(lo, hi)
            })
        }
        pub fn narrow_s(a: V128, b: V128) -> V128 {
            from_s(narrow(a, b, S::MIN as $w::S, S::MAX as $w::S).map(|x| x as S))
        }
        pub fn narrow_u(a: V128, b: V128) -> V128 {
            from_u(narrow(a, b, 0, U::MAX as $w::S).map(|x| x as U))
        }
    };
}

mod i8x16 {
    use super::*;
    int_lanes!(i8, u8, 16);
    int_common!();
    int_ucmp!();
    int_minmax!();
    int_sat!();
    int_narrow!(i16x8);

    pub fn popcnt(v: V128) -> V128 {
        map_u(v, |x| x.count_ones() as U)
    }

    pub fn swizzle(a: V128, s: V128) -> V128 {
        let (a, s) = (a.to_le_bytes(), s.to_le_bytes());
        u128::from_le_bytes(s.map(|i| a.get(i as usize).copied().unwrap_or(0)))
    }
}

mod i16x8 {
    use super::*;
    int_lanes!(i16, u16, 8);
    int_common!();
    int_ucmp!();
    int_minmax!();
    int_sat!();
    int_narrow!(i32x4);
    int_widen!(i8x16);
    int_extadd!(i8x16);

    pub fn q15mulr_sat_s(a: V128, b: V128) -> V128 {
        zip_s(a, b, |x, y| ((x as i32 * y as i32 + 0x4000) >> 15).clamp(S::MIN as i32, S::MAX as i32) as S)
    }
}

mod i32x4 {
    use super::*;
    int_lanes!(i32, u32, 4);
    int_common!();
    int_ucmp!();
    int_minmax!();
    int_widen!(i16x8);
    int_extadd!(i16x8);

    pub fn dot_i16x8_s(a: V128, b: V128) -> V128 {
        let (a, b) = (i16x8::s(a), i16x8::s(b));
        from_s(core::array::from_fn(|i| {
            let p = |j: usize| a[j] as i32 * b[j] as i32;
            p(2 * i).wrapping_add(p(2 * i + 1))
        }))
    }

    pub fn trunc_sat_f32x4_s(v: V128) -> V128 {
        from_s(f32x4::f(v).map(|x| x as S))
    }

    pub fn trunc_sat_f32x4_u(v: V128) -> V128 {
        from_u(f32x4::f(v).map(|x| x as U))
    }

    pub fn trunc_sat_f64x2_s_zero(v: V128) -> V128 {
        let f = f64x2::f(v);
        from_s([f[0] as S, f[1] as S, 0, 0])
    }

    pub fn trunc_sat_f64x2_u_zero(v: V128) -> V128 {
        let f = f64x2::f(v);
        from_u([f[0] as U, f[1] as U, 0, 0])
    }
}

mod i64x2 {
    use super::*;
    int_lanes!(i64, u64, 2);
    int_common!();
    int_widen!(i32x4);
}

// ---------------------------------------------------------------------------------------------
// Float shapes: `F` is the float lane type, `U` its bit pattern.

macro_rules! float_shape {
    ($f:ty, $u:ty, $n:literal, $min:path, $max:path, $nearest:path) => {
        pub type F = $f;
        type U = $u;
        const N: usize = $n;
        const BITS: u32 = <$u>::BITS;
        /// The sign bit of every lane.
        const SIGNS: V128 = {
            let mut r = 0u128;
            let mut i = 0;
            while i < N {
                r |= 1u128 << ((i as u32 + 1) * BITS - 1);
                i += 1;
            }
            r
        };

        #[inline]
        pub fn f(v: V128) -> [F; N] {
            core::array::from_fn(|i| F::from_bits((v >> (i as u32 * BITS)) as U))
        }

        #[inline]
        pub fn from_f(a: [F; N]) -> V128 {
            let mut r = 0u128;
            for (i, x) in a.into_iter().enumerate() {
                r |= (x.to_bits() as u128) << (i as u32 * BITS);
            }
            r
        }

        #[inline]
        fn map(v: V128, g: impl Fn(F) -> F) -> V128 {
            from_f(f(v).map(g))
        }

        #[inline]
        fn zip(a: V128, b: V128, g: impl Fn(F, F) -> F) -> V128 {
            let (a, b) = (f(a), f(b));
            from_f(core::array::from_fn(|i| g(a[i], b[i])))
        }

        #[inline]
        fn cmp(a: V128, b: V128, g: impl Fn(F, F) -> bool) -> V128 {
            let (a, b) = (f(a), f(b));
            let mut r = 0u128;
            for i in 0..N {
                r |= ((g(a[i], b[i]) as U).wrapping_neg() as u128) << (i as u32 * BITS);
            }
            r
        }

        pub fn splat(x: U) -> V128 {
            from_f([F::from_bits(x); N])
        }
        pub fn eq(a: V128, b: V128) -> V128 {
            cmp(a, b, |x, y| x == y)
        }
        pub fn ne(a: V128, b: V128) -> V128 {
            cmp(a, b, |x, y| x != y)
        }
        pub fn lt(a: V128, b: V128) -> V128 {
            cmp(a, b, |x, y| x < y)
        }
        pub fn gt(a: V128, b: V128) -> V128 {
            cmp(a, b, |x, y| x > y)
        }
        pub fn le(a: V128, b: V128) -> V128 {
            cmp(a, b, |x, y| x <= y)
        }
        pub fn ge(a: V128, b: V128) -> V128 {
            cmp(a, b, |x, y| x >= y)
        }
        pub fn abs(v: V128) -> V128 {
            v & !SIGNS
        }
        pub fn neg(v: V128) -> V128 {
            v ^ SIGNS
        }
        pub fn sqrt(v: V128) -> V128 {
            map(v, F::sqrt)
        }
        /// Rounding: a NaN becomes an arithmetic NaN (quiet bit set, payload kept) whatever libm
        /// does with signalling NaNs.
        #[inline]
        fn round(v: V128, g: impl Fn(F) -> F) -> V128 {
            map(v, |x| if x.is_nan() { F::from_bits(x.to_bits() | (1 << (F::MANTISSA_DIGITS - 2))) } else { g(x) })
        }
        pub fn ceil(v: V128) -> V128 {
            round(v, F::ceil)
        }
        pub fn floor(v: V128) -> V128 {
            round(v, F::floor)
        }
        pub fn trunc(v: V128) -> V128 {
            round(v, F::trunc)
        }
        pub fn nearest(v: V128) -> V128 {
            round(v, $nearest)
        }
        pub fn add(a: V128, b: V128) -> V128 {
            zip(a, b, |x, y| x + y)
        }
        pub fn sub(a: V128, b: V128) -> V128 {
            zip(a, b, |x, y| x - y)
        }
        pub fn mul(a: V128, b: V128) -> V128 {
            zip(a, b, |x, y| x * y)
        }
        pub fn div(a: V128, b: V128) -> V128 {
            zip(a, b, |x, y| x / y)
        }
        pub fn min(a: V128, b: V128) -> V128 {
            zip(a, b, $min)
        }
        pub fn max(a: V128, b: V128) -> V128 {
            zip(a, b, $max)
        }
        pub fn pmin(a: V128, b: V128) -> V128 {
            zip(a, b, |x, y| if y < x { y } else { x })
        }
        pub fn pmax(a: V128, b: V128) -> V128 {
            zip(a, b, |x, y| if x < y { y } else { x })
        }
    };
}

mod f32x4 {
    use super::*;
    float_shape!(f32, u32, 4, num::f32_min, num::f32_max, num::f32_nearest);

    pub fn convert_i32x4_s(v: V128) -> V128 {
        from_f(i32x4::s(v).map(|x| x as F))
    }

    pub fn convert_i32x4_u(v: V128) -> V128 {
        from_f(i32x4::u(v).map(|x| x as F))
    }

    pub fn demote_f64x2_zero(v: V128) -> V128 {
        let d = f64x2::f(v);
        from_f([d[0] as F, d[1] as F, 0.0, 0.0])
    }
}

mod f64x2 {
    use super::*;
    float_shape!(f64, u64, 2, num::f64_min, num::f64_max, num::f64_nearest);

    pub fn convert_low_i32x4_s(v: V128) -> V128 {
        let l = i32x4::s(v);
        from_f([l[0] as F, l[1] as F])
    }

    pub fn convert_low_i32x4_u(v: V128) -> V128 {
        let l = i32x4::u(v);
        from_f([l[0] as F, l[1] as F])
    }

    pub fn promote_low_f32x4(v: V128) -> V128 {
        let l = f32x4::f(v);
        from_f([l[0] as F, l[1] as F])
    }
}

mod v128 {
    use super::V128;

    pub fn not(a: V128) -> V128 {
        !a
    }
    pub fn and(a: V128, b: V128) -> V128 {
        a & b
    }
    pub fn andnot(a: V128, b: V128) -> V128 {
        a & !b
    }
    pub fn or(a: V128, b: V128) -> V128 {
        a | b
    }
    pub fn xor(a: V128, b: V128) -> V128 {
        a ^ b
    }
    pub fn bitselect(v1: V128, v2: V128, c: V128) -> V128 {
        (v1 & c) | (v2 & !c)
    }
    pub fn any_true(a: V128) -> u32 {
        (a != 0) as u32
    }
}

/// The implementation of a SIMD simple operator (encoding prefix 0xfd); None for any other operator.
pub const fn simple(op: SimpleOp) -> Option<SimdFn> {
    use SimdFn::*;
    use SimpleOp as O;
    Some(match op {
        O::I8x16Swizzle => Binary(i8x16::swizzle),
        O::I8x16Splat => Splat32(|x| i8x16::splat(x as u8)),
        O::I16x8Splat => Splat32(|x| i16x8::splat(x as u16)),
        O::I32x4Splat => Splat32(i32x4::splat),
        O::I64x2Splat => Splat64(i64x2::splat),
        O::F32x4Splat => Splat32(f32x4::splat),
        O::F64x2Splat => Splat64(f64x2::splat),

        O::I8x16Eq => Binary(i8x16::eq),
        O::I8x16Ne => Binary(i8x16::ne),
        O::I8x16LtS => Binary(i8x16::lt_s),
        O::I8x16LtU => Binary(i8x16::lt_u),
        O::I8x16GtS => Binary(i8x16::gt_s),
        O::I8x16GtU => Binary(i8x16::gt_u),
        O::I8x16LeS => Binary(i8x16::le_s),
        O::I8x16LeU => Binary(i8x16::le_u),
        O::I8x16GeS => Binary(i8x16::ge_s),
        O::I8x16GeU => Binary(i8x16::ge_u),
        O::I16x8Eq => Binary(i16x8::eq),
        O::I16x8Ne => Binary(i16x8::ne),
        O::I16x8LtS => Binary(i16x8::lt_s),
        O::I16x8LtU => Binary(i16x8::lt_u),
        O::I16x8GtS => Binary(i16x8::gt_s),
        O::I16x8GtU => Binary(i16x8::gt_u),
        O::I16x8LeS => Binary(i16x8::le_s),
        O::I16x8LeU => Binary(i16x8::le_u),
        O::I16x8GeS => Binary(i16x8::ge_s),
        O::I16x8GeU => Binary(i16x8::ge_u),
        O::I32x4Eq => Binary(i32x4::eq),
        O::I32x4Ne => Binary(i32x4::ne),
        O::I32x4LtS => Binary(i32x4::lt_s),
        O::I32x4LtU => Binary(i32x4::lt_u),
        O::I32x4GtS => Binary(i32x4::gt_s),
        O::I32x4GtU => Binary(i32x4::gt_u),
        O::I32x4LeS => Binary(i32x4::le_s),
        O::I32x4LeU => Binary(i32x4::le_u),
        O::I32x4GeS => Binary(i32x4::ge_s),
        O::I32x4GeU => Binary(i32x4::ge_u),
        O::I64x2Eq => Binary(i64x2::eq),
        O::I64x2Ne => Binary(i64x2::ne),
        O::I64x2LtS => Binary(i64x2::lt_s),
        O::I64x2GtS => Binary(i64x2::gt_s),
        O::I64x2LeS => Binary(i64x2::le_s),
        O::I64x2GeS => Binary(i64x2::ge_s),
        O::F32x4Eq => Binary(f32x4::eq),
        O::F32x4Ne => Binary(f32x4::ne),
        O::F32x4Lt => Binary(f32x4::lt),
        O::F32x4Gt => Binary(f32x4::gt),
        O::F32x4Le => Binary(f32x4::le),
        O::F32x4Ge => Binary(f32x4::ge),
        O::F64x2Eq => Binary(f64x2::eq),
        O::F64x2Ne => Binary(f64x2::ne),
        O::F64x2Lt => Binary(f64x2::lt),
        O::F64x2Gt => Binary(f64x2::gt),
        O::F64x2Le => Binary(f64x2::le),
        O::F64x2Ge => Binary(f64x2::ge),

        O::V128Not => Unary(v128::not),
        O::V128And => Binary(v128::and),
        O::V128Andnot => Binary(v128::andnot),
        O::V128Or => Binary(v128::or),
        O::V128Xor => Binary(v128::xor),
        O::V128Bitselect => Ternary(v128::bitselect),
        O::V128AnyTrue => Test(v128::any_true),

        O::F32x4DemoteF64x2Zero => Unary(f32x4::demote_f64x2_zero),
        O::F64x2PromoteLowF32x4 => Unary(f64x2::promote_low_f32x4),

        O::I8x16Abs => Unary(i8x16::abs),
        O::I8x16Neg => Unary(i8x16::neg),
        O::I8x16Popcnt => Unary(i8x16::popcnt),
        O::I8x16AllTrue => Test(i8x16::all_true),
        O::I8x16Bitmask => Test(i8x16::bitmask),
        O::I8x16NarrowI16x8S => Binary(i8x16::narrow_s),
        O::I8x16NarrowI16x8U => Binary(i8x16::narrow_u),
        O::I8x16Shl => Shift(i8x16::shl),
        O::I8x16ShrS => Shift(i8x16::shr_s),
        O::I8x16ShrU => Shift(i8x16::shr_u),
        O::I8x16Add => Binary(i8x16::add),
        O::I8x16AddSatS => Binary(i8x16::add_sat_s),
        O::I8x16AddSatU => Binary(i8x16::add_sat_u),
        O::I8x16Sub => Binary(i8x16::sub),
        O::I8x16SubSatS => Binary(i8x16::sub_sat_s),
        O::I8x16SubSatU => Binary(i8x16::sub_sat_u),
        O::I8x16MinS => Binary(i8x16::min_s),
        O::I8x16MinU => Binary(i8x16::min_u),
        O::I8x16MaxS => Binary(i8x16::max_s),
        O::I8x16MaxU => Binary(i8x16::max_u),
        O::I8x16AvgrU => Binary(i8x16::avgr_u),

        O::I16x8ExtaddPairwiseI8x16S => Unary(i16x8::extadd_pairwise_s),
        O::I16x8ExtaddPairwiseI8x16U => Unary(i16x8::extadd_pairwise_u),
        O::I32x4ExtaddPairwiseI16x8S => Unary(i32x4::extadd_pairwise_s),
        O::I32x4ExtaddPairwiseI16x8U => Unary(i32x4::extadd_pairwise_u),

        O::I16x8Abs => Unary(i16x8::abs),
        O::I16x8Neg => Unary(i16x8::neg),
        O::I16x8Q15mulrSatS => Binary(i16x8::q15mulr_sat_s),
        O::I16x8AllTrue => Test(i16x8::all_true),
        O::I16x8Bitmask => Test(i16x8::bitmask),
        O::I16x8NarrowI32x4S => Binary(i16x8::narrow_s),
        O::I16x8NarrowI32x4U => Binary(i16x8::narrow_u),
        O::I16x8ExtendLowI8x16S => Unary(i16x8::extend_low_s),
        O::I16x8ExtendHighI8x16S => Unary(i16x8::extend_high_s),
        O::I16x8ExtendLowI8x16U => Unary(i16x8::extend_low_u),
        O::I16x8ExtendHighI8x16U => Unary(i16x8::extend_high_u),
        O::I16x8Shl => Shift(i16x8::shl),
        O::I16x8ShrS => Shift(i16x8::shr_s),
        O::I16x8ShrU => Shift(i16x8::shr_u),
        O::I16x8Add => Binary(i16x8::add),
        O::I16x8AddSatS => Binary(i16x8::add_sat_s),
        O::I16x8AddSatU => Binary(i16x8::add_sat_u),
        O::I16x8Sub => Binary(i16x8::sub),
        O::I16x8SubSatS => Binary(i16x8::sub_sat_s),
        O::I16x8SubSatU => Binary(i16x8::sub_sat_u),
        O::I16x8Mul => Binary(i16x8::mul),
        O::I16x8MinS => Binary(i16x8::min_s),
        O::I16x8MinU => Binary(i16x8::min_u),
        O::I16x8MaxS => Binary(i16x8::max_s),
        O::I16x8MaxU => Binary(i16x8::max_u),
        O::I16x8AvgrU => Binary(i16x8::avgr_u),
        O::I16x8ExtmulLowI8x16S => Binary(i16x8::extmul_low_s),
        O::I16x8ExtmulHighI8x16S => Binary(i16x8::extmul_high_s),
        O::I16x8ExtmulLowI8x16U => Binary(i16x8::extmul_low_u),
        O::I16x8ExtmulHighI8x16U => Binary(i16x8::extmul_high_u),

        O::I32x4Abs => Unary(i32x4::abs),
        O::I32x4Neg => Unary(i32x4::neg),
        O::I32x4AllTrue => Test(i32x4::all_true),
        O::I32x4Bitmask => Test(i32x4::bitmask),
        O::I32x4ExtendLowI16x8S => Unary(i32x4::extend_low_s),
        O::I32x4ExtendHighI16x8S => Unary(i32x4::extend_high_s),
        O::I32x4ExtendLowI16x8U => Unary(i32x4::extend_low_u),
        O::I32x4ExtendHighI16x8U => Unary(i32x4::extend_high_u),
        O::I32x4Shl => Shift(i32x4::shl),
        O::I32x4ShrS => Shift(i32x4::shr_s),
        O::I32x4ShrU => Shift(i32x4::shr_u),
        O::I32x4Add => Binary(i32x4::add),
        O::I32x4Sub => Binary(i32x4::sub),
        O::I32x4Mul => Binary(i32x4::mul),
        O::I32x4MinS => Binary(i32x4::min_s),
        O::I32x4MinU => Binary(i32x4::min_u),
        O::I32x4MaxS => Binary(i32x4::max_s),
        O::I32x4MaxU => Binary(i32x4::max_u),
        O::I32x4DotI16x8S => Binary(i32x4::dot_i16x8_s),
        O::I32x4ExtmulLowI16x8S => Binary(i32x4::extmul_low_s),
        O::I32x4ExtmulHighI16x8S => Binary(i32x4::extmul_high_s),
        O::I32x4ExtmulLowI16x8U => Binary(i32x4::extmul_low_u),
        O::I32x4ExtmulHighI16x8U => Binary(i32x4::extmul_high_u),

        O::I64x2Abs => Unary(i64x2::abs),
        O::I64x2Neg => Unary(i64x2::neg),
        O::I64x2AllTrue => Test(i64x2::all_true),
        O::I64x2Bitmask => Test(i64x2::bitmask),
        O::I64x2ExtendLowI32x4S => Unary(i64x2::extend_low_s),
        O::I64x2ExtendHighI32x4S => Unary(i64x2::extend_high_s),
        O::I64x2ExtendLowI32x4U => Unary(i64x2::extend_low_u),
        O::I64x2ExtendHighI32x4U => Unary(i64x2::extend_high_u),
        O::I64x2Shl => Shift(i64x2::shl),
        O::I64x2ShrS => Shift(i64x2::shr_s),
        O::I64x2ShrU => Shift(i64x2::shr_u),
        O::I64x2Add => Binary(i64x2::add),
        O::I64x2Sub => Binary(i64x2::sub),
        O::I64x2Mul => Binary(i64x2::mul),
        O::I64x2ExtmulLowI32x4S => Binary(i64x2::extmul_low_s),
        O::I64x2ExtmulHighI32x4S => Binary(i64x2::extmul_high_s),
        O::I64x2ExtmulLowI32x4U => Binary(i64x2::extmul_low_u),
        O::I64x2ExtmulHighI32x4U => Binary(i64x2::extmul_high_u),

        O::F32x4Ceil => Unary(f32x4::ceil),
        O::F32x4Floor => Unary(f32x4::floor),
        O::F32x4Trunc => Unary(f32x4::trunc),
        O::F32x4Nearest => Unary(f32x4::nearest),
        O::F32x4Abs => Unary(f32x4::abs),
        O::F32x4Neg => Unary(f32x4::neg),
        O::F32x4Sqrt => Unary(f32x4::sqrt),
        O::F32x4Add => Binary(f32x4::add),
        O::F32x4Sub => Binary(f32x4::sub),
        O::F32x4Mul => Binary(f32x4::mul),
        O::F32x4Div => Binary(f32x4::div),
        O::F32x4Min => Binary(f32x4::min),
        O::F32x4Max => Binary(f32x4::max),
        O::F32x4Pmin => Binary(f32x4::pmin),
        O::F32x4Pmax => Binary(f32x4::pmax),

        O::F64x2Ceil => Unary(f64x2::ceil),
        O::F64x2Floor => Unary(f64x2::floor),
        O::F64x2Trunc => Unary(f64x2::trunc),
        O::F64x2Nearest => Unary(f64x2::nearest),
        O::F64x2Abs => Unary(f64x2::abs),
        O::F64x2Neg => Unary(f64x2::neg),
        O::F64x2Sqrt => Unary(f64x2::sqrt),
        O::F64x2Add => Binary(f64x2::add),
        O::F64x2Sub => Binary(f64x2::sub),
        O::F64x2Mul => Binary(f64x2::mul),
        O::F64x2Div => Binary(f64x2::div),
        O::F64x2Min => Binary(f64x2::min),
        O::F64x2Max => Binary(f64x2::max),
        O::F64x2Pmin => Binary(f64x2::pmin),
        O::F64x2Pmax => Binary(f64x2::pmax),

        O::I32x4TruncSatF32x4S => Unary(i32x4::trunc_sat_f32x4_s),
        O::I32x4TruncSatF32x4U => Unary(i32x4::trunc_sat_f32x4_u),
        O::F32x4ConvertI32x4S => Unary(f32x4::convert_i32x4_s),
        O::F32x4ConvertI32x4U => Unary(f32x4::convert_i32x4_u),
        O::I32x4TruncSatF64x2SZero => Unary(i32x4::trunc_sat_f64x2_s_zero),
        O::I32x4TruncSatF64x2UZero => Unary(i32x4::trunc_sat_f64x2_u_zero),
        O::F64x2ConvertLowI32x4S => Unary(f64x2::convert_low_i32x4_s),
        O::F64x2ConvertLowI32x4U => Unary(f64x2::convert_low_i32x4_u),

        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Lanes, shuffles, memory.

/// The low `bits` set; `bits` is 8, 16, 32 or 64.
#[inline]
fn low_mask(bits: u32) -> u64 {
    u64::MAX >> (64 - bits)
}

/// The bit width of a lane of `bytes` bytes, clamped to 8..=64 so odd input never panics.
#[inline]
fn lane_bits(bytes: usize) -> u32 {
    (bytes.clamp(1, 8) * 8) as u32
}

/// The lane index, wrapped into range, times the lane width: the lane's lowest bit.
#[inline]
fn lane_shift(lane: u8, bits: u32) -> u32 {
    (lane as u32 % (128 / bits)) * bits
}

/// extract_lane: the lane as raw scalar bits (i8/i16 lanes sign- or zero-extended to i32 per the op's _s/_u, returned as u64 holding the u32 bits; i64/f64 lanes as u64; i32/f32 lanes as u32 zero-extended to u64).
pub fn extract_lane(op: LaneOp, v: V128, lane: u8) -> u64 {
    let bytes = 16 / op.lanes().max(1) as usize;
    let x = get_lane_bits(v, lane, bytes);
    match op {
        LaneOp::I8x16ExtractLaneS => x as u8 as i8 as i32 as u32 as u64,
        LaneOp::I16x8ExtractLaneS => x as u16 as i16 as i32 as u32 as u64,
        _ => x,
    }
}

/// replace_lane: `x` holds the raw scalar bits (i32/f32 in the low 32 bits).
pub fn replace_lane(op: LaneOp, v: V128, lane: u8, x: u64) -> V128 {
    let bytes = 16 / op.lanes().max(1) as usize;
    set_lane_bits(v, lane, bytes, x)
}

/// Most shuffles move bytes in a few runs that keep their order (byte rotations within lanes,
/// half swaps, interleaves of a few lanes), and run faster as shifts of their source: group
/// the destination bytes by source and distance, then each group is one shift and mask.
pub const SHUFFLE_GROUPS: usize = 4;

/// The groups of a shuffle with at most `SHUFFLE_GROUPS` of them: a descriptor (byte `g` is
/// group `g`'s distance in bytes plus 16, with bit 7 set for the second operand) and one mask
/// per group of the destination bytes it fills.
pub fn shuffle_groups(lanes: &[u8; 16]) -> Option<(u128, Vec<u128>)> {
    let mut keys: Vec<u8> = Vec::new();
    let mut masks: Vec<u128> = Vec::new();
    for (j, &i) in lanes.iter().enumerate() {
        let i = (i & 31) as i32;
        let (source, from) = if i < 16 { (0u8, i) } else { (0x80u8, i - 16) };
        let key = source | (from - j as i32 + 16) as u8;
        let g = match keys.iter().position(|&k| k == key) {
            Some(g) => g,
            None => {
                keys.push(key);
                masks.push(0);
                keys.len() - 1
            }
        };
        masks[g] |= 0xff << (8 * j);
    }
    if keys.len() > SHUFFLE_GROUPS {
        return None;
    }
    let descriptor = keys.iter().enumerate().fold(0u128, |d, (g, &k)| d | (k as u128) << (8 * g));
    Some((descriptor, masks))
}

/// i8x16.shuffle by its groups (see `shuffle_groups`).
#[inline]
pub fn shuffle_by_groups(a: V128, b: V128, descriptor: u128, masks: &[V128]) -> V128 {
    let mut r = 0;
    for (g, &mask) in masks.iter().enumerate() {
        let key = (descriptor >> (8 * g)) as u8;
        let source = if key & 0x80 != 0 { b } else { a };
        let distance = (key & 0x7f) as i32 - 16;
        let moved = if distance >= 0 { source >> (8 * distance) } else { source << (-8 * distance) };
        r |= moved & mask;
    }
    r
}

/// i8x16.shuffle
pub fn shuffle(a: V128, b: V128, lanes: &[u8; 16]) -> V128 {
    let mut both = [0u8; 32];
    both[..16].copy_from_slice(&a.to_le_bytes());
    both[16..].copy_from_slice(&b.to_le_bytes());
    u128::from_le_bytes(lanes.map(|i| both[(i & 31) as usize]))
}

/// Bytes a v128 load reads from memory for the loads other than v128.load and the lane loads:
/// load8x8/16x4/32x2 (8), load8/16/32/64_splat (1/2/4/8), load32_zero/load64_zero (4/8).
/// For any other memory operator: the bytes it accesses (its natural alignment).
pub fn load_size(op: MemOp) -> usize {
    match op {
        MemOp::V128Load8x8S
        | MemOp::V128Load8x8U
        | MemOp::V128Load16x4S
        | MemOp::V128Load16x4U
        | MemOp::V128Load32x2S
        | MemOp::V128Load32x2U => 8,
        MemOp::V128Load8Splat => 1,
        MemOp::V128Load16Splat => 2,
        MemOp::V128Load32Splat | MemOp::V128Load32Zero => 4,
        MemOp::V128Load64Splat | MemOp::V128Load64Zero => 8,
        _ => 1 << op.natural_align().min(4),
    }
}

/// Builds the v128 for those loads from the little-endian value read (zero-extended to u64).
/// Any other operator gets `raw` zero-extended.
pub fn load(op: MemOp, raw: u64) -> V128 {
    let r = raw as u128;
    match op {
        MemOp::V128Load8x8S => i16x8::extend_low_s(r),
        MemOp::V128Load8x8U => i16x8::extend_low_u(r),
        MemOp::V128Load16x4S => i32x4::extend_low_s(r),
        MemOp::V128Load16x4U => i32x4::extend_low_u(r),
        MemOp::V128Load32x2S => i64x2::extend_low_s(r),
        MemOp::V128Load32x2U => i64x2::extend_low_u(r),
        MemOp::V128Load8Splat => i8x16::splat(raw as u8),
        MemOp::V128Load16Splat => i16x8::splat(raw as u16),
        MemOp::V128Load32Splat => i32x4::splat(raw as u32),
        MemOp::V128Load64Splat => i64x2::splat(raw),
        MemOp::V128Load32Zero => raw as u32 as u128,
        _ => r,
    }
}

/// Lane loads/stores (v128.loadN_lane / storeN_lane): bytes per lane for the op (1, 2, 4, 8).
/// Any other operator: the bytes it accesses.
pub fn lane_bytes(op: MemOp) -> usize {
    match op.kind() {
        MemKind::LoadLane(n) | MemKind::StoreLane(n) => 16 / n.max(1) as usize,
        _ => load_size(op),
    }
}

/// The lane's bits (for storeN_lane), zero-extended.
pub fn get_lane_bits(v: V128, lane: u8, bytes: usize) -> u64 {
    let bits = lane_bits(bytes);
    (v >> lane_shift(lane, bits)) as u64 & low_mask(bits)
}

/// v with the lane replaced by the low `bytes*8` bits of raw (for loadN_lane).
pub fn set_lane_bits(v: V128, lane: u8, bytes: usize, raw: u64) -> V128 {
    let bits = lane_bits(bytes);
    let shift = lane_shift(lane, bits);
    let mask = low_mask(bits);
    (v & !((mask as u128) << shift)) | (((raw & mask) as u128) << shift)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ValType;

    #[test]
    fn shuffles_by_groups_agree_with_the_byte_table() {
        let (a, b) = (0x0f0e0d0c_0b0a0908_07060504_03020100u128, 0x1f1e1d1c_1b1a1918_17161514_13121110u128);
        // Byte rotations within 32-bit lanes (as in ChaCha), swaps, interleaves, splats, and
        // pseudo-random selectors (which mostly have too many groups).
        let mut patterns: Vec<[u8; 16]> = vec![
            [2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13],
            [3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14],
            [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7],
            [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23],
            [31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16],
            [5; 16],
            [16, 1, 18, 3, 20, 5, 22, 7, 24, 9, 26, 11, 28, 13, 30, 15],
        ];
        let mut x = 0x9e3779b97f4a7c15u64;
        for _ in 0..2000 {
            let mut lanes = [0u8; 16];
            for l in &mut lanes {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *l = (x % 32) as u8;
            }
            patterns.push(lanes);
        }
        let mut grouped = 0;
        for lanes in &patterns {
            if let Some((descriptor, masks)) = shuffle_groups(lanes) {
                grouped += 1;
                assert_eq!(shuffle_by_groups(a, b, descriptor, &masks), shuffle(a, b, lanes), "{lanes:?}");
            }
        }
        // The rotations, the half swap and the two interleaves take the grouped form.
        for lanes in [&patterns[0], &patterns[1], &patterns[2], &patterns[3], &patterns[6]] {
            assert!(shuffle_groups(lanes).is_some(), "{lanes:?}");
        }
        assert!(grouped >= 5);
    }

    fn bin(op: SimpleOp) -> fn(V128, V128) -> V128 {
        match simple(op) {
            Some(SimdFn::Binary(f)) => f,
            _ => panic!("{} is not binary", op.name()),
        }
    }

    fn un(op: SimpleOp) -> fn(V128) -> V128 {
        match simple(op) {
            Some(SimdFn::Unary(f)) => f,
            _ => panic!("{} is not unary", op.name()),
        }
    }

    fn test(op: SimpleOp) -> fn(V128) -> u32 {
        match simple(op) {
            Some(SimdFn::Test(f)) => f,
            _ => panic!("{} is not a test", op.name()),
        }
    }

    fn f32s(a: [f32; 4]) -> V128 {
        f32x4::from_f(a)
    }

    #[test]
    fn every_simd_op_has_an_implementation_of_its_signature() {
        use ValType::*;
        let mut count = 0;
        for &op in SimpleOp::ALL {
            let f = simple(op);
            if op.encoding().0 != 0xfd {
                assert!(f.is_none(), "{} is not SIMD", op.name());
                continue;
            }
            count += 1;
            let ok = matches!(
                (op.params(), op.result(), f),
                ([V128], V128, Some(SimdFn::Unary(_)))
                    | ([V128, V128], V128, Some(SimdFn::Binary(_)))
                    | ([V128, V128, V128], V128, Some(SimdFn::Ternary(_)))
                    | ([V128, I32], V128, Some(SimdFn::Shift(_)))
                    | ([V128], I32, Some(SimdFn::Test(_)))
                    | ([I32] | [F32], V128, Some(SimdFn::Splat32(_)))
                    | ([I64] | [F64], V128, Some(SimdFn::Splat64(_)))
            );
            assert!(ok, "{}: missing or wrong signature", op.name());
        }
        assert!(count > 180, "only {count} SIMD operators");
    }

    #[test]
    fn saturating_and_wrapping() {
        let a = i8x16::from_s([127, -128, 100, -100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -128]);
        let b = i8x16::from_s([1, -1, 100, -100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let r = i8x16::s(bin(SimpleOp::I8x16AddSatS)(a, b));
        assert_eq!(&r[..4], &[127, -128, 127, -128]);
        let r = i8x16::s(bin(SimpleOp::I8x16Add)(a, b));
        assert_eq!(&r[..4], &[-128, 127, -56, 56]);
        let r = i8x16::u(bin(SimpleOp::I8x16SubSatU)(b, a));
        assert_eq!(r[0], 0); // 1 - 127 clamps at 0
        let r = i8x16::s(un(SimpleOp::I8x16Abs)(a));
        assert_eq!((r[1], r[15]), (-128, -128));
        let r = i16x8::u(bin(SimpleOp::I16x8AvgrU)(i16x8::splat(0xffff), i16x8::splat(0xfffe)));
        assert_eq!(r[0], 0xffff);
    }

    #[test]
    fn q15mulr_and_dot() {
        let a = i16x8::from_s([i16::MIN, 0x4000, -0x4000, 1, 0, 0, 0, 0]);
        let b = i16x8::from_s([i16::MIN, 0x4000, 0x4000, 0x4000, 0, 0, 0, 0]);
        let r = i16x8::s(bin(SimpleOp::I16x8Q15mulrSatS)(a, b));
        assert_eq!(&r[..4], &[i16::MAX, 0x2000, -0x2000, 1]);
        let d = i32x4::s(bin(SimpleOp::I32x4DotI16x8S)(i16x8::splat(0x8000), i16x8::splat(0x8000)));
        assert_eq!(d[0], i32::MIN); // 2 * 2^30 wraps
    }

    #[test]
    fn narrow_and_extend() {
        let a = i16x8::from_s([300, -300, 127, -129, 255, 256, -1, 0]);
        let b = i16x8::from_s([1, 2, 3, 4, 5, 6, 7, 8]);
        let s = i8x16::s(bin(SimpleOp::I8x16NarrowI16x8S)(a, b));
        assert_eq!(s, [127, -128, 127, -128, 127, 127, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
        let u = i8x16::u(bin(SimpleOp::I8x16NarrowI16x8U)(a, b));
        assert_eq!(u, [255, 0, 127, 0, 255, 255, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
        let w = i16x8::from_s([i16::MAX, i16::MIN, 0, 0, 0, 0, 0, 0]);
        let r = i32x4::s(un(SimpleOp::I32x4ExtendLowI16x8S)(w));
        assert_eq!(r, [32767, -32768, 0, 0]);
        let r = i32x4::u(un(SimpleOp::I32x4ExtendLowI16x8U)(w));
        assert_eq!(r, [32767, 32768, 0, 0]);
        let r = i32x4::s(un(SimpleOp::I32x4ExtaddPairwiseI16x8S)(w));
        assert_eq!(r[0], -1);
        let r = i64x2::s(bin(SimpleOp::I64x2ExtmulHighI32x4S)(
            i32x4::from_s([0, 0, i32::MIN, -1]),
            i32x4::from_s([0, 0, i32::MIN, 5]),
        ));
        assert_eq!(r, [1 << 62, -5]);
    }

    #[test]
    fn shifts_take_count_modulo_width() {
        let v = i8x16::splat(0x81);
        let shl = match simple(SimpleOp::I8x16Shl) {
            Some(SimdFn::Shift(f)) => f,
            _ => unreachable!(),
        };
        assert_eq!(i8x16::u(shl(v, 9))[0], 0x02);
        let shr_s = match simple(SimpleOp::I32x4ShrS) {
            Some(SimdFn::Shift(f)) => f,
            _ => unreachable!(),
        };
        assert_eq!(i32x4::s(shr_s(i32x4::splat(0x8000_0000), 33))[0], -0x4000_0000);
    }

    #[test]
    fn float_min_max_zero_and_nan() {
        let a = f32s([0.0, -0.0, f32::NAN, 1.0]);
        let b = f32s([-0.0, 0.0, 1.0, f32::NAN]);
        let min = f32x4::f(bin(SimpleOp::F32x4Min)(a, b));
        assert_eq!(min[0].to_bits(), (-0.0f32).to_bits());
        assert_eq!(min[1].to_bits(), (-0.0f32).to_bits());
        assert!(min[2].is_nan() && min[3].is_nan());
        let max = f32x4::f(bin(SimpleOp::F32x4Max)(a, b));
        assert_eq!(max[0].to_bits(), 0);
        assert_eq!(max[1].to_bits(), 0);
        assert!(max[2].is_nan() && max[3].is_nan());
    }

    #[test]
    fn pmin_pmax_keep_operand_bits() {
        let nan = f32::from_bits(0x7fa0_0001); // a signalling NaN must come back untouched
        let a = f32s([0.0, -0.0, nan, 1.0]);
        let b = f32s([-0.0, 0.0, 1.0, nan]);
        let pmin = f32x4::f(bin(SimpleOp::F32x4Pmin)(a, b)).map(f32::to_bits);
        assert_eq!(pmin, [0, 0x8000_0000, 0x7fa0_0001, 1.0f32.to_bits()]);
        let pmax = f32x4::f(bin(SimpleOp::F32x4Pmax)(a, b)).map(f32::to_bits);
        assert_eq!(pmax, [0, 0x8000_0000, 0x7fa0_0001, 1.0f32.to_bits()]);
        let neg = un(SimpleOp::F64x2Neg)(f64x2::from_f([f64::from_bits(0x7ff0_0000_0000_0001), 0.0]));
        assert_eq!(neg, 0x8000_0000_0000_0000_fff0_0000_0000_0001);
        let abs = un(SimpleOp::F32x4Abs)(u128::MAX);
        assert_eq!(abs, 0x7fff_ffff_7fff_ffff_7fff_ffff_7fff_ffff);
    }

    #[test]
    fn trunc_sat_and_conversions() {
        let v = f32s([f32::NAN, -1e10, 1e10, -1.9]);
        assert_eq!(i32x4::s(un(SimpleOp::I32x4TruncSatF32x4S)(v)), [0, i32::MIN, i32::MAX, -1]);
        assert_eq!(i32x4::u(un(SimpleOp::I32x4TruncSatF32x4U)(v)), [0, 0, u32::MAX, 0]);
        let d = f64x2::from_f([f64::NAN, 4294967296.5]);
        assert_eq!(i32x4::u(un(SimpleOp::I32x4TruncSatF64x2UZero)(d)), [0, u32::MAX, 0, 0]);
        let r = un(SimpleOp::I32x4TruncSatF64x2SZero)(f64x2::from_f([-3.7, 3.7]));
        assert_eq!(i32x4::s(r), [-3, 3, 0, 0]);
        let r = un(SimpleOp::F32x4ConvertI32x4U)(i32x4::splat(u32::MAX));
        assert_eq!(f32x4::f(r)[0], 4294967296.0);
        let r = un(SimpleOp::F64x2ConvertLowI32x4S)(i32x4::from_s([-1, 7, 9, 9]));
        assert_eq!(f64x2::f(r), [-1.0, 7.0]);
        let r = un(SimpleOp::F32x4DemoteF64x2Zero)(f64x2::from_f([1.5, 1e300]));
        assert_eq!(f32x4::f(r), [1.5, f32::INFINITY, 0.0, 0.0]);
    }

    #[test]
    fn rounding_quiets_nan() {
        let r = un(SimpleOp::F32x4Floor)(f32s([f32::from_bits(0x7f80_0001), f32::NAN, -1.5, 1.5]));
        assert_eq!(f32x4::f(r).map(f32::to_bits), [0x7fc0_0001, 0x7fc0_0000, (-2.0f32).to_bits(), 1.0f32.to_bits()]);
        let r = un(SimpleOp::F64x2Ceil)(f64x2::from_f([f64::from_bits(0xfff0_0000_0000_0001), -0.5]));
        assert_eq!(f64x2::f(r).map(f64::to_bits), [0xfff8_0000_0000_0001, (-0.0f64).to_bits()]);
    }

    #[test]
    fn nearest_ties_even() {
        let r = f32x4::f(un(SimpleOp::F32x4Nearest)(f32s([0.5, 1.5, 2.5, -0.5])));
        assert_eq!(r.map(f32::to_bits), [0.0, 2.0, 2.0, -0.0].map(f32::to_bits));
        let r = f64x2::f(un(SimpleOp::F64x2Nearest)(f64x2::from_f([-2.5, 3.5])));
        assert_eq!(r, [-2.0, 4.0]);
    }

    #[test]
    fn bitmask_all_true_any_true() {
        let v = i8x16::from_s([-1, 1, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -5]);
        assert_eq!(test(SimpleOp::I8x16Bitmask)(v), 0b1000_0000_0000_0101);
        assert_eq!(test(SimpleOp::I8x16AllTrue)(v), 0);
        assert_eq!(test(SimpleOp::V128AnyTrue)(v), 1);
        assert_eq!(test(SimpleOp::V128AnyTrue)(0), 0);
        assert_eq!(test(SimpleOp::I64x2Bitmask)(1u128 << 127), 0b10);
        assert_eq!(test(SimpleOp::I32x4AllTrue)(i32x4::from_u([1, 1 << 31, 2, 3])), 1);
        assert_eq!(test(SimpleOp::I16x8AllTrue)(0xffff_0000), 0);
    }

    #[test]
    fn comparisons_give_lane_masks() {
        let a = i32x4::from_s([-1, 0, 5, 5]);
        let b = i32x4::from_s([0, 0, 4, 6]);
        assert_eq!(i32x4::u(bin(SimpleOp::I32x4LtS)(a, b)), [!0, 0, 0, !0]);
        assert_eq!(i32x4::u(bin(SimpleOp::I32x4LtU)(a, b)), [0, 0, 0, !0]);
        let f = bin(SimpleOp::F64x2Ne)(f64x2::from_f([f64::NAN, 1.0]), f64x2::from_f([f64::NAN, 1.0]));
        assert_eq!(f, u64::MAX as u128);
        let f = bin(SimpleOp::F64x2Eq)(f64x2::from_f([f64::NAN, 1.0]), f64x2::from_f([f64::NAN, 1.0]));
        assert_eq!(f, (u64::MAX as u128) << 64);
    }

    #[test]
    fn shuffle_swizzle_bitselect() {
        let a = u128::from_le_bytes(core::array::from_fn(|i| i as u8));
        let b = u128::from_le_bytes(core::array::from_fn(|i| 0x10 + i as u8));
        let lanes: [u8; 16] = core::array::from_fn(|i| (31 - 2 * i) as u8);
        let r = shuffle(a, b, &lanes).to_le_bytes();
        assert_eq!(r, lanes);
        let idx = u128::from_le_bytes([0, 15, 16, 255, 3, 0x80, 1, 17, 0, 0, 0, 0, 0, 0, 0, 4]);
        let r = bin(SimpleOp::I8x16Swizzle)(b, idx).to_le_bytes();
        assert_eq!(r, [0x10, 0x1f, 0, 0, 0x13, 0, 0x11, 0, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x14]);
        let sel = match simple(SimpleOp::V128Bitselect) {
            Some(SimdFn::Ternary(f)) => f,
            _ => unreachable!(),
        };
        assert_eq!(sel(0x1234, 0xabcd, 0xff00), 0x12cd);
        assert_eq!(sel(u128::MAX, 0, 0xf0f0), 0xf0f0);
        assert_eq!(bin(SimpleOp::V128Andnot)(0b1100, 0b1010), 0b0100);
    }

    #[test]
    fn lanes_and_loads() {
        let v = i8x16::from_s(core::array::from_fn(|i| -(i as i8)));
        assert_eq!(extract_lane(LaneOp::I8x16ExtractLaneS, v, 1), 0xffff_ffff);
        assert_eq!(extract_lane(LaneOp::I8x16ExtractLaneU, v, 1), 0xff);
        assert_eq!(extract_lane(LaneOp::I16x8ExtractLaneS, v, 1), 0xffff_fdfe);
        assert_eq!(extract_lane(LaneOp::I64x2ExtractLane, v, 1), (v >> 64) as u64);
        let r = replace_lane(LaneOp::F32x4ReplaceLane, 0, 3, 0xdead_beef_1234_5678);
        assert_eq!(r, 0x1234_5678 << 96);
        let r = replace_lane(LaneOp::I8x16ReplaceLane, u128::MAX, 15, 0x100);
        assert_eq!(r, u128::MAX >> 8);
        assert_eq!(get_lane_bits(0xaabb_ccdd << 32, 1, 4), 0xaabb_ccdd);
        assert_eq!(set_lane_bits(0, 1, 8, u64::MAX), (u64::MAX as u128) << 64);
        // never panics on odd input
        let _ = (get_lane_bits(1, 200, 0), set_lane_bits(1, 255, 9, 1));

        assert_eq!(load_size(MemOp::V128Load16x4U), 8);
        assert_eq!(load_size(MemOp::V128Load16Splat), 2);
        assert_eq!(load_size(MemOp::V128Load32Zero), 4);
        assert_eq!(lane_bytes(MemOp::V128Store16Lane), 2);
        assert_eq!(lane_bytes(MemOp::V128Load64Lane), 8);
        assert_eq!(load(MemOp::V128Load8x8S, 0x80ff), i16x8::from_s([-1, -128, 0, 0, 0, 0, 0, 0]));
        assert_eq!(load(MemOp::V128Load32x2U, 0x8000_0000_ffff_ffff), 0x8000_0000_0000_0000_ffff_ffff);
        assert_eq!(load(MemOp::V128Load16Splat, 0xab12), i16x8::splat(0xab12));
        assert_eq!(load(MemOp::V128Load64Zero, u64::MAX), u64::MAX as u128);
    }
}
