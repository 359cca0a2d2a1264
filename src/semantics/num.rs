//! Scalar numeric semantics that Rust's operators do not give directly: float min/max/nearest
//! with WebAssembly's NaN and signed-zero rules, and the trapping float-to-int truncations.
//! Shared by the interpreter's scalar and SIMD operators.

use crate::runtime::trap::TrapCode;

/// The canonical quiet NaNs.
pub const F32_CANONICAL_NAN: u32 = 0x7fc0_0000;
pub const F64_CANONICAL_NAN: u64 = 0x7ff8_0000_0000_0000;

macro_rules! float_ops {
    ($t:ty, $min:ident, $max:ident, $nearest:ident, $ceil:ident, $floor:ident, $trunc:ident) => {
        /// WebAssembly `min`: NaN if either operand is NaN; -0 is less than +0.
        #[inline]
        pub fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return a + b; // a quiet NaN propagating the input NaN
            }
            if a == b {
                // Equal, possibly +0 and -0: the result has the sign bit set if either has.
                return <$t>::from_bits(a.to_bits() | b.to_bits());
            }
            if a < b {
                a
            } else {
                b
            }
        }

        /// WebAssembly `max`: NaN if either operand is NaN; +0 is greater than -0.
        #[inline]
        pub fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return a + b;
            }
            if a == b {
                return <$t>::from_bits(a.to_bits() & b.to_bits());
            }
            if a > b {
                a
            } else {
                b
            }
        }

        /// Round to nearest, ties to even, keeping the sign of zero.
        #[inline]
        pub fn $nearest(a: $t) -> $t {
            quiet(a.round_ties_even(), a)
        }

        #[inline]
        pub fn $ceil(a: $t) -> $t {
            quiet(a.ceil(), a)
        }

        #[inline]
        pub fn $floor(a: $t) -> $t {
            quiet(a.floor(), a)
        }

        #[inline]
        pub fn $trunc(a: $t) -> $t {
            quiet(a.trunc(), a)
        }
    };
}

/// The result of a rounding operator, with a NaN input giving a quiet (arithmetic) NaN: the
/// C library's rounding functions may return a signalling NaN unchanged.
#[inline]
fn quiet<T: std::ops::Add<Output = T> + Copy + PartialEq>(result: T, input: T) -> T {
    #[allow(clippy::eq_op)]
    if input != input {
        input + input
    } else {
        result
    }
}

float_ops!(f32, f32_min, f32_max, f32_nearest, f32_ceil, f32_floor, f32_trunc);
float_ops!(f64, f64_min, f64_max, f64_nearest, f64_ceil, f64_floor, f64_trunc);

macro_rules! trunc {
    ($name:ident, $from:ty, $to:ty, $lo:expr, $hi:expr) => {
        /// Truncation toward zero that traps on NaN and on results outside the target range.
        /// `$lo < x < $hi` is the exact open interval of inputs whose truncation fits.
        #[inline]
        pub fn $name(x: $from) -> Result<$to, TrapCode> {
            if x.is_nan() {
                return Err(TrapCode::InvalidConversionToInteger);
            }
            if !(x > $lo && x < $hi) {
                return Err(TrapCode::IntegerOverflow);
            }
            Ok(x as $to)
        }
    };
}

trunc!(i32_trunc_f32_s, f32, i32, -2147483904.0f32, 2147483648.0f32);
trunc!(i32_trunc_f32_u, f32, u32, -1.0f32, 4294967296.0f32);
trunc!(i32_trunc_f64_s, f64, i32, -2147483649.0f64, 2147483648.0f64);
trunc!(i32_trunc_f64_u, f64, u32, -1.0f64, 4294967296.0f64);
trunc!(i64_trunc_f32_s, f32, i64, -9223373136366403584.0f32, 9223372036854775808.0f32);
trunc!(i64_trunc_f32_u, f32, u64, -1.0f32, 18446744073709551616.0f32);
trunc!(i64_trunc_f64_s, f64, i64, -9223372036854777856.0f64, 9223372036854775808.0f64);
trunc!(i64_trunc_f64_u, f64, u64, -1.0f64, 18446744073709551616.0f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_signed_zero_and_nan() {
        assert_eq!(f32_min(0.0, -0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f32_max(-0.0, 0.0).to_bits(), 0.0f32.to_bits());
        assert!(f64_min(f64::NAN, 1.0).is_nan());
        assert!(f64_max(1.0, f64::NAN).is_nan());
        assert_eq!(f64_min(1.0, 2.0), 1.0);
        assert_eq!(f32_max(1.0, 2.0), 2.0);
    }

    #[test]
    fn nearest_ties_to_even() {
        assert_eq!(f32_nearest(2.5), 2.0);
        assert_eq!(f32_nearest(3.5), 4.0);
        assert_eq!(f64_nearest(-0.5).to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn trunc_ranges() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f32_s(2147483648.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_trunc_f64_s(-2147483648.9), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64_s(-2147483649.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i32_trunc_f64_u(4294967295.9), Ok(u32::MAX));
        assert_eq!(i64_trunc_f64_u(f64::NAN), Err(TrapCode::InvalidConversionToInteger));
        assert_eq!(i64_trunc_f32_s(-9223372036854775808.0), Ok(i64::MIN));
    }
}
