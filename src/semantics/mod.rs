//! The reference semantics of WebAssembly's numeric and vector operators, shared by every
//! tier: `num` (rounding, min/max, NaN propagation, trapping and saturating conversions) and
//! `simd` (every v128 lane operation). The interpreter runs them directly; a compiled tier
//! emits equivalent machine code and is tested against them.

pub mod num;
pub mod simd;
