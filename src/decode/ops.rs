//! The instruction set: one table per instruction shape (simple operators with a fixed
//! signature, memory operators, lane operators), the `Operator` enum, and the decoder that
//! reads one operator from a function body or constant expression.
//!
//! Everything that follows an instruction's encoding or signature is derived from the tables
//! here, so each instruction is described exactly once.

use super::reader::Reader;
use crate::error::{Error, Result};
use crate::features::Features;
use crate::limits;
use crate::types::{BlockType, RefType, ValType};

macro_rules! simple_ops {
    ($($name:ident = $pre:literal : $code:literal $text:literal ($($p:ident),*) -> $r:ident;)*) => {
        /// An operator without immediates whose signature is fixed: `[params] -> [result]`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum SimpleOp { $($name),* }

        impl SimpleOp {
            pub const ALL: &'static [SimpleOp] = &[$(SimpleOp::$name),*];

            pub fn name(self) -> &'static str {
                match self { $(SimpleOp::$name => $text),* }
            }

            pub const fn params(self) -> &'static [ValType] {
                match self { $(SimpleOp::$name => &[$(ValType::$p),*]),* }
            }

            pub const fn result(self) -> ValType {
                match self { $(SimpleOp::$name => ValType::$r),* }
            }

            /// The prefix byte (0 for none) and opcode.
            pub fn encoding(self) -> (u8, u32) {
                match self { $(SimpleOp::$name => ($pre, $code)),* }
            }

            fn from_encoding(prefix: u8, code: u32) -> Option<SimpleOp> {
                match (prefix, code) {
                    $(($pre, $code) => Some(SimpleOp::$name),)*
                    _ => None,
                }
            }
        }
    };
}

simple_ops! {
    I32Eqz = 0x00:0x45 "i32.eqz" (I32) -> I32;
    I32Eq = 0x00:0x46 "i32.eq" (I32, I32) -> I32;
    I32Ne = 0x00:0x47 "i32.ne" (I32, I32) -> I32;
    I32LtS = 0x00:0x48 "i32.lt_s" (I32, I32) -> I32;
    I32LtU = 0x00:0x49 "i32.lt_u" (I32, I32) -> I32;
    I32GtS = 0x00:0x4a "i32.gt_s" (I32, I32) -> I32;
    I32GtU = 0x00:0x4b "i32.gt_u" (I32, I32) -> I32;
    I32LeS = 0x00:0x4c "i32.le_s" (I32, I32) -> I32;
    I32LeU = 0x00:0x4d "i32.le_u" (I32, I32) -> I32;
    I32GeS = 0x00:0x4e "i32.ge_s" (I32, I32) -> I32;
    I32GeU = 0x00:0x4f "i32.ge_u" (I32, I32) -> I32;
    I64Eqz = 0x00:0x50 "i64.eqz" (I64) -> I32;
    I64Eq = 0x00:0x51 "i64.eq" (I64, I64) -> I32;
    I64Ne = 0x00:0x52 "i64.ne" (I64, I64) -> I32;
    I64LtS = 0x00:0x53 "i64.lt_s" (I64, I64) -> I32;
    I64LtU = 0x00:0x54 "i64.lt_u" (I64, I64) -> I32;
    I64GtS = 0x00:0x55 "i64.gt_s" (I64, I64) -> I32;
    I64GtU = 0x00:0x56 "i64.gt_u" (I64, I64) -> I32;
    I64LeS = 0x00:0x57 "i64.le_s" (I64, I64) -> I32;
    I64LeU = 0x00:0x58 "i64.le_u" (I64, I64) -> I32;
    I64GeS = 0x00:0x59 "i64.ge_s" (I64, I64) -> I32;
    I64GeU = 0x00:0x5a "i64.ge_u" (I64, I64) -> I32;
    F32Eq = 0x00:0x5b "f32.eq" (F32, F32) -> I32;
    F32Ne = 0x00:0x5c "f32.ne" (F32, F32) -> I32;
    F32Lt = 0x00:0x5d "f32.lt" (F32, F32) -> I32;
    F32Gt = 0x00:0x5e "f32.gt" (F32, F32) -> I32;
    F32Le = 0x00:0x5f "f32.le" (F32, F32) -> I32;
    F32Ge = 0x00:0x60 "f32.ge" (F32, F32) -> I32;
    F64Eq = 0x00:0x61 "f64.eq" (F64, F64) -> I32;
    F64Ne = 0x00:0x62 "f64.ne" (F64, F64) -> I32;
    F64Lt = 0x00:0x63 "f64.lt" (F64, F64) -> I32;
    F64Gt = 0x00:0x64 "f64.gt" (F64, F64) -> I32;
    F64Le = 0x00:0x65 "f64.le" (F64, F64) -> I32;
    F64Ge = 0x00:0x66 "f64.ge" (F64, F64) -> I32;
    I32Clz = 0x00:0x67 "i32.clz" (I32) -> I32;
    I32Ctz = 0x00:0x68 "i32.ctz" (I32) -> I32;
    I32Popcnt = 0x00:0x69 "i32.popcnt" (I32) -> I32;
    I32Add = 0x00:0x6a "i32.add" (I32, I32) -> I32;
    I32Sub = 0x00:0x6b "i32.sub" (I32, I32) -> I32;
    I32Mul = 0x00:0x6c "i32.mul" (I32, I32) -> I32;
    I32DivS = 0x00:0x6d "i32.div_s" (I32, I32) -> I32;
    I32DivU = 0x00:0x6e "i32.div_u" (I32, I32) -> I32;
    I32RemS = 0x00:0x6f "i32.rem_s" (I32, I32) -> I32;
    I32RemU = 0x00:0x70 "i32.rem_u" (I32, I32) -> I32;
    I32And = 0x00:0x71 "i32.and" (I32, I32) -> I32;
    I32Or = 0x00:0x72 "i32.or" (I32, I32) -> I32;
    I32Xor = 0x00:0x73 "i32.xor" (I32, I32) -> I32;
    I32Shl = 0x00:0x74 "i32.shl" (I32, I32) -> I32;
    I32ShrS = 0x00:0x75 "i32.shr_s" (I32, I32) -> I32;
    I32ShrU = 0x00:0x76 "i32.shr_u" (I32, I32) -> I32;
    I32Rotl = 0x00:0x77 "i32.rotl" (I32, I32) -> I32;
    I32Rotr = 0x00:0x78 "i32.rotr" (I32, I32) -> I32;
    I64Clz = 0x00:0x79 "i64.clz" (I64) -> I64;
    I64Ctz = 0x00:0x7a "i64.ctz" (I64) -> I64;
    I64Popcnt = 0x00:0x7b "i64.popcnt" (I64) -> I64;
    I64Add = 0x00:0x7c "i64.add" (I64, I64) -> I64;
    I64Sub = 0x00:0x7d "i64.sub" (I64, I64) -> I64;
    I64Mul = 0x00:0x7e "i64.mul" (I64, I64) -> I64;
    I64DivS = 0x00:0x7f "i64.div_s" (I64, I64) -> I64;
    I64DivU = 0x00:0x80 "i64.div_u" (I64, I64) -> I64;
    I64RemS = 0x00:0x81 "i64.rem_s" (I64, I64) -> I64;
    I64RemU = 0x00:0x82 "i64.rem_u" (I64, I64) -> I64;
    I64And = 0x00:0x83 "i64.and" (I64, I64) -> I64;
    I64Or = 0x00:0x84 "i64.or" (I64, I64) -> I64;
    I64Xor = 0x00:0x85 "i64.xor" (I64, I64) -> I64;
    I64Shl = 0x00:0x86 "i64.shl" (I64, I64) -> I64;
    I64ShrS = 0x00:0x87 "i64.shr_s" (I64, I64) -> I64;
    I64ShrU = 0x00:0x88 "i64.shr_u" (I64, I64) -> I64;
    I64Rotl = 0x00:0x89 "i64.rotl" (I64, I64) -> I64;
    I64Rotr = 0x00:0x8a "i64.rotr" (I64, I64) -> I64;
    F32Abs = 0x00:0x8b "f32.abs" (F32) -> F32;
    F32Neg = 0x00:0x8c "f32.neg" (F32) -> F32;
    F32Ceil = 0x00:0x8d "f32.ceil" (F32) -> F32;
    F32Floor = 0x00:0x8e "f32.floor" (F32) -> F32;
    F32Trunc = 0x00:0x8f "f32.trunc" (F32) -> F32;
    F32Nearest = 0x00:0x90 "f32.nearest" (F32) -> F32;
    F32Sqrt = 0x00:0x91 "f32.sqrt" (F32) -> F32;
    F32Add = 0x00:0x92 "f32.add" (F32, F32) -> F32;
    F32Sub = 0x00:0x93 "f32.sub" (F32, F32) -> F32;
    F32Mul = 0x00:0x94 "f32.mul" (F32, F32) -> F32;
    F32Div = 0x00:0x95 "f32.div" (F32, F32) -> F32;
    F32Min = 0x00:0x96 "f32.min" (F32, F32) -> F32;
    F32Max = 0x00:0x97 "f32.max" (F32, F32) -> F32;
    F32Copysign = 0x00:0x98 "f32.copysign" (F32, F32) -> F32;
    F64Abs = 0x00:0x99 "f64.abs" (F64) -> F64;
    F64Neg = 0x00:0x9a "f64.neg" (F64) -> F64;
    F64Ceil = 0x00:0x9b "f64.ceil" (F64) -> F64;
    F64Floor = 0x00:0x9c "f64.floor" (F64) -> F64;
    F64Trunc = 0x00:0x9d "f64.trunc" (F64) -> F64;
    F64Nearest = 0x00:0x9e "f64.nearest" (F64) -> F64;
    F64Sqrt = 0x00:0x9f "f64.sqrt" (F64) -> F64;
    F64Add = 0x00:0xa0 "f64.add" (F64, F64) -> F64;
    F64Sub = 0x00:0xa1 "f64.sub" (F64, F64) -> F64;
    F64Mul = 0x00:0xa2 "f64.mul" (F64, F64) -> F64;
    F64Div = 0x00:0xa3 "f64.div" (F64, F64) -> F64;
    F64Min = 0x00:0xa4 "f64.min" (F64, F64) -> F64;
    F64Max = 0x00:0xa5 "f64.max" (F64, F64) -> F64;
    F64Copysign = 0x00:0xa6 "f64.copysign" (F64, F64) -> F64;
    I32WrapI64 = 0x00:0xa7 "i32.wrap_i64" (I64) -> I32;
    I32TruncF32S = 0x00:0xa8 "i32.trunc_f32_s" (F32) -> I32;
    I32TruncF32U = 0x00:0xa9 "i32.trunc_f32_u" (F32) -> I32;
    I32TruncF64S = 0x00:0xaa "i32.trunc_f64_s" (F64) -> I32;
    I32TruncF64U = 0x00:0xab "i32.trunc_f64_u" (F64) -> I32;
    I64ExtendI32S = 0x00:0xac "i64.extend_i32_s" (I32) -> I64;
    I64ExtendI32U = 0x00:0xad "i64.extend_i32_u" (I32) -> I64;
    I64TruncF32S = 0x00:0xae "i64.trunc_f32_s" (F32) -> I64;
    I64TruncF32U = 0x00:0xaf "i64.trunc_f32_u" (F32) -> I64;
    I64TruncF64S = 0x00:0xb0 "i64.trunc_f64_s" (F64) -> I64;
    I64TruncF64U = 0x00:0xb1 "i64.trunc_f64_u" (F64) -> I64;
    F32ConvertI32S = 0x00:0xb2 "f32.convert_i32_s" (I32) -> F32;
    F32ConvertI32U = 0x00:0xb3 "f32.convert_i32_u" (I32) -> F32;
    F32ConvertI64S = 0x00:0xb4 "f32.convert_i64_s" (I64) -> F32;
    F32ConvertI64U = 0x00:0xb5 "f32.convert_i64_u" (I64) -> F32;
    F32DemoteF64 = 0x00:0xb6 "f32.demote_f64" (F64) -> F32;
    F64ConvertI32S = 0x00:0xb7 "f64.convert_i32_s" (I32) -> F64;
    F64ConvertI32U = 0x00:0xb8 "f64.convert_i32_u" (I32) -> F64;
    F64ConvertI64S = 0x00:0xb9 "f64.convert_i64_s" (I64) -> F64;
    F64ConvertI64U = 0x00:0xba "f64.convert_i64_u" (I64) -> F64;
    F64PromoteF32 = 0x00:0xbb "f64.promote_f32" (F32) -> F64;
    I32ReinterpretF32 = 0x00:0xbc "i32.reinterpret_f32" (F32) -> I32;
    I64ReinterpretF64 = 0x00:0xbd "i64.reinterpret_f64" (F64) -> I64;
    F32ReinterpretI32 = 0x00:0xbe "f32.reinterpret_i32" (I32) -> F32;
    F64ReinterpretI64 = 0x00:0xbf "f64.reinterpret_i64" (I64) -> F64;
    I32Extend8S = 0x00:0xc0 "i32.extend8_s" (I32) -> I32;
    I32Extend16S = 0x00:0xc1 "i32.extend16_s" (I32) -> I32;
    I64Extend8S = 0x00:0xc2 "i64.extend8_s" (I64) -> I64;
    I64Extend16S = 0x00:0xc3 "i64.extend16_s" (I64) -> I64;
    I64Extend32S = 0x00:0xc4 "i64.extend32_s" (I64) -> I64;
    I32TruncSatF32S = 0xfc:0x00 "i32.trunc_sat_f32_s" (F32) -> I32;
    I32TruncSatF32U = 0xfc:0x01 "i32.trunc_sat_f32_u" (F32) -> I32;
    I32TruncSatF64S = 0xfc:0x02 "i32.trunc_sat_f64_s" (F64) -> I32;
    I32TruncSatF64U = 0xfc:0x03 "i32.trunc_sat_f64_u" (F64) -> I32;
    I64TruncSatF32S = 0xfc:0x04 "i64.trunc_sat_f32_s" (F32) -> I64;
    I64TruncSatF32U = 0xfc:0x05 "i64.trunc_sat_f32_u" (F32) -> I64;
    I64TruncSatF64S = 0xfc:0x06 "i64.trunc_sat_f64_s" (F64) -> I64;
    I64TruncSatF64U = 0xfc:0x07 "i64.trunc_sat_f64_u" (F64) -> I64;
    I8x16Swizzle = 0xfd:0x0e "i8x16.swizzle" (V128, V128) -> V128;
    I8x16Splat = 0xfd:0x0f "i8x16.splat" (I32) -> V128;
    I16x8Splat = 0xfd:0x10 "i16x8.splat" (I32) -> V128;
    I32x4Splat = 0xfd:0x11 "i32x4.splat" (I32) -> V128;
    I64x2Splat = 0xfd:0x12 "i64x2.splat" (I64) -> V128;
    F32x4Splat = 0xfd:0x13 "f32x4.splat" (F32) -> V128;
    F64x2Splat = 0xfd:0x14 "f64x2.splat" (F64) -> V128;
    I8x16Eq = 0xfd:0x23 "i8x16.eq" (V128, V128) -> V128;
    I8x16Ne = 0xfd:0x24 "i8x16.ne" (V128, V128) -> V128;
    I8x16LtS = 0xfd:0x25 "i8x16.lt_s" (V128, V128) -> V128;
    I8x16LtU = 0xfd:0x26 "i8x16.lt_u" (V128, V128) -> V128;
    I8x16GtS = 0xfd:0x27 "i8x16.gt_s" (V128, V128) -> V128;
    I8x16GtU = 0xfd:0x28 "i8x16.gt_u" (V128, V128) -> V128;
    I8x16LeS = 0xfd:0x29 "i8x16.le_s" (V128, V128) -> V128;
    I8x16LeU = 0xfd:0x2a "i8x16.le_u" (V128, V128) -> V128;
    I8x16GeS = 0xfd:0x2b "i8x16.ge_s" (V128, V128) -> V128;
    I8x16GeU = 0xfd:0x2c "i8x16.ge_u" (V128, V128) -> V128;
    I16x8Eq = 0xfd:0x2d "i16x8.eq" (V128, V128) -> V128;
    I16x8Ne = 0xfd:0x2e "i16x8.ne" (V128, V128) -> V128;
    I16x8LtS = 0xfd:0x2f "i16x8.lt_s" (V128, V128) -> V128;
    I16x8LtU = 0xfd:0x30 "i16x8.lt_u" (V128, V128) -> V128;
    I16x8GtS = 0xfd:0x31 "i16x8.gt_s" (V128, V128) -> V128;
    I16x8GtU = 0xfd:0x32 "i16x8.gt_u" (V128, V128) -> V128;
    I16x8LeS = 0xfd:0x33 "i16x8.le_s" (V128, V128) -> V128;
    I16x8LeU = 0xfd:0x34 "i16x8.le_u" (V128, V128) -> V128;
    I16x8GeS = 0xfd:0x35 "i16x8.ge_s" (V128, V128) -> V128;
    I16x8GeU = 0xfd:0x36 "i16x8.ge_u" (V128, V128) -> V128;
    I32x4Eq = 0xfd:0x37 "i32x4.eq" (V128, V128) -> V128;
    I32x4Ne = 0xfd:0x38 "i32x4.ne" (V128, V128) -> V128;
    I32x4LtS = 0xfd:0x39 "i32x4.lt_s" (V128, V128) -> V128;
    I32x4LtU = 0xfd:0x3a "i32x4.lt_u" (V128, V128) -> V128;
    I32x4GtS = 0xfd:0x3b "i32x4.gt_s" (V128, V128) -> V128;
    I32x4GtU = 0xfd:0x3c "i32x4.gt_u" (V128, V128) -> V128;
    I32x4LeS = 0xfd:0x3d "i32x4.le_s" (V128, V128) -> V128;
    I32x4LeU = 0xfd:0x3e "i32x4.le_u" (V128, V128) -> V128;
    I32x4GeS = 0xfd:0x3f "i32x4.ge_s" (V128, V128) -> V128;
    I32x4GeU = 0xfd:0x40 "i32x4.ge_u" (V128, V128) -> V128;
    F32x4Eq = 0xfd:0x41 "f32x4.eq" (V128, V128) -> V128;
    F32x4Ne = 0xfd:0x42 "f32x4.ne" (V128, V128) -> V128;
    F32x4Lt = 0xfd:0x43 "f32x4.lt" (V128, V128) -> V128;
    F32x4Gt = 0xfd:0x44 "f32x4.gt" (V128, V128) -> V128;
    F32x4Le = 0xfd:0x45 "f32x4.le" (V128, V128) -> V128;
    F32x4Ge = 0xfd:0x46 "f32x4.ge" (V128, V128) -> V128;
    F64x2Eq = 0xfd:0x47 "f64x2.eq" (V128, V128) -> V128;
    F64x2Ne = 0xfd:0x48 "f64x2.ne" (V128, V128) -> V128;
    F64x2Lt = 0xfd:0x49 "f64x2.lt" (V128, V128) -> V128;
    F64x2Gt = 0xfd:0x4a "f64x2.gt" (V128, V128) -> V128;
    F64x2Le = 0xfd:0x4b "f64x2.le" (V128, V128) -> V128;
    F64x2Ge = 0xfd:0x4c "f64x2.ge" (V128, V128) -> V128;
    V128Not = 0xfd:0x4d "v128.not" (V128) -> V128;
    V128And = 0xfd:0x4e "v128.and" (V128, V128) -> V128;
    V128Andnot = 0xfd:0x4f "v128.andnot" (V128, V128) -> V128;
    V128Or = 0xfd:0x50 "v128.or" (V128, V128) -> V128;
    V128Xor = 0xfd:0x51 "v128.xor" (V128, V128) -> V128;
    V128Bitselect = 0xfd:0x52 "v128.bitselect" (V128, V128, V128) -> V128;
    V128AnyTrue = 0xfd:0x53 "v128.any_true" (V128) -> I32;
    F32x4DemoteF64x2Zero = 0xfd:0x5e "f32x4.demote_f64x2_zero" (V128) -> V128;
    F64x2PromoteLowF32x4 = 0xfd:0x5f "f64x2.promote_low_f32x4" (V128) -> V128;
    I8x16Abs = 0xfd:0x60 "i8x16.abs" (V128) -> V128;
    I8x16Neg = 0xfd:0x61 "i8x16.neg" (V128) -> V128;
    I8x16Popcnt = 0xfd:0x62 "i8x16.popcnt" (V128) -> V128;
    I8x16AllTrue = 0xfd:0x63 "i8x16.all_true" (V128) -> I32;
    I8x16Bitmask = 0xfd:0x64 "i8x16.bitmask" (V128) -> I32;
    I8x16NarrowI16x8S = 0xfd:0x65 "i8x16.narrow_i16x8_s" (V128, V128) -> V128;
    I8x16NarrowI16x8U = 0xfd:0x66 "i8x16.narrow_i16x8_u" (V128, V128) -> V128;
    F32x4Ceil = 0xfd:0x67 "f32x4.ceil" (V128) -> V128;
    F32x4Floor = 0xfd:0x68 "f32x4.floor" (V128) -> V128;
    F32x4Trunc = 0xfd:0x69 "f32x4.trunc" (V128) -> V128;
    F32x4Nearest = 0xfd:0x6a "f32x4.nearest" (V128) -> V128;
    I8x16Shl = 0xfd:0x6b "i8x16.shl" (V128, I32) -> V128;
    I8x16ShrS = 0xfd:0x6c "i8x16.shr_s" (V128, I32) -> V128;
    I8x16ShrU = 0xfd:0x6d "i8x16.shr_u" (V128, I32) -> V128;
    I8x16Add = 0xfd:0x6e "i8x16.add" (V128, V128) -> V128;
    I8x16AddSatS = 0xfd:0x6f "i8x16.add_sat_s" (V128, V128) -> V128;
    I8x16AddSatU = 0xfd:0x70 "i8x16.add_sat_u" (V128, V128) -> V128;
    I8x16Sub = 0xfd:0x71 "i8x16.sub" (V128, V128) -> V128;
    I8x16SubSatS = 0xfd:0x72 "i8x16.sub_sat_s" (V128, V128) -> V128;
    I8x16SubSatU = 0xfd:0x73 "i8x16.sub_sat_u" (V128, V128) -> V128;
    F64x2Ceil = 0xfd:0x74 "f64x2.ceil" (V128) -> V128;
    F64x2Floor = 0xfd:0x75 "f64x2.floor" (V128) -> V128;
    I8x16MinS = 0xfd:0x76 "i8x16.min_s" (V128, V128) -> V128;
    I8x16MinU = 0xfd:0x77 "i8x16.min_u" (V128, V128) -> V128;
    I8x16MaxS = 0xfd:0x78 "i8x16.max_s" (V128, V128) -> V128;
    I8x16MaxU = 0xfd:0x79 "i8x16.max_u" (V128, V128) -> V128;
    F64x2Trunc = 0xfd:0x7a "f64x2.trunc" (V128) -> V128;
    I8x16AvgrU = 0xfd:0x7b "i8x16.avgr_u" (V128, V128) -> V128;
    I16x8ExtaddPairwiseI8x16S = 0xfd:0x7c "i16x8.extadd_pairwise_i8x16_s" (V128) -> V128;
    I16x8ExtaddPairwiseI8x16U = 0xfd:0x7d "i16x8.extadd_pairwise_i8x16_u" (V128) -> V128;
    I32x4ExtaddPairwiseI16x8S = 0xfd:0x7e "i32x4.extadd_pairwise_i16x8_s" (V128) -> V128;
    I32x4ExtaddPairwiseI16x8U = 0xfd:0x7f "i32x4.extadd_pairwise_i16x8_u" (V128) -> V128;
    I16x8Abs = 0xfd:0x80 "i16x8.abs" (V128) -> V128;
    I16x8Neg = 0xfd:0x81 "i16x8.neg" (V128) -> V128;
    I16x8Q15mulrSatS = 0xfd:0x82 "i16x8.q15mulr_sat_s" (V128, V128) -> V128;
    I16x8AllTrue = 0xfd:0x83 "i16x8.all_true" (V128) -> I32;
    I16x8Bitmask = 0xfd:0x84 "i16x8.bitmask" (V128) -> I32;
    I16x8NarrowI32x4S = 0xfd:0x85 "i16x8.narrow_i32x4_s" (V128, V128) -> V128;
    I16x8NarrowI32x4U = 0xfd:0x86 "i16x8.narrow_i32x4_u" (V128, V128) -> V128;
    I16x8ExtendLowI8x16S = 0xfd:0x87 "i16x8.extend_low_i8x16_s" (V128) -> V128;
    I16x8ExtendHighI8x16S = 0xfd:0x88 "i16x8.extend_high_i8x16_s" (V128) -> V128;
    I16x8ExtendLowI8x16U = 0xfd:0x89 "i16x8.extend_low_i8x16_u" (V128) -> V128;
    I16x8ExtendHighI8x16U = 0xfd:0x8a "i16x8.extend_high_i8x16_u" (V128) -> V128;
    I16x8Shl = 0xfd:0x8b "i16x8.shl" (V128, I32) -> V128;
    I16x8ShrS = 0xfd:0x8c "i16x8.shr_s" (V128, I32) -> V128;
    I16x8ShrU = 0xfd:0x8d "i16x8.shr_u" (V128, I32) -> V128;
    I16x8Add = 0xfd:0x8e "i16x8.add" (V128, V128) -> V128;
    I16x8AddSatS = 0xfd:0x8f "i16x8.add_sat_s" (V128, V128) -> V128;
    I16x8AddSatU = 0xfd:0x90 "i16x8.add_sat_u" (V128, V128) -> V128;
    I16x8Sub = 0xfd:0x91 "i16x8.sub" (V128, V128) -> V128;
    I16x8SubSatS = 0xfd:0x92 "i16x8.sub_sat_s" (V128, V128) -> V128;
    I16x8SubSatU = 0xfd:0x93 "i16x8.sub_sat_u" (V128, V128) -> V128;
    F64x2Nearest = 0xfd:0x94 "f64x2.nearest" (V128) -> V128;
    I16x8Mul = 0xfd:0x95 "i16x8.mul" (V128, V128) -> V128;
    I16x8MinS = 0xfd:0x96 "i16x8.min_s" (V128, V128) -> V128;
    I16x8MinU = 0xfd:0x97 "i16x8.min_u" (V128, V128) -> V128;
    I16x8MaxS = 0xfd:0x98 "i16x8.max_s" (V128, V128) -> V128;
    I16x8MaxU = 0xfd:0x99 "i16x8.max_u" (V128, V128) -> V128;
    I16x8AvgrU = 0xfd:0x9b "i16x8.avgr_u" (V128, V128) -> V128;
    I16x8ExtmulLowI8x16S = 0xfd:0x9c "i16x8.extmul_low_i8x16_s" (V128, V128) -> V128;
    I16x8ExtmulHighI8x16S = 0xfd:0x9d "i16x8.extmul_high_i8x16_s" (V128, V128) -> V128;
    I16x8ExtmulLowI8x16U = 0xfd:0x9e "i16x8.extmul_low_i8x16_u" (V128, V128) -> V128;
    I16x8ExtmulHighI8x16U = 0xfd:0x9f "i16x8.extmul_high_i8x16_u" (V128, V128) -> V128;
    I32x4Abs = 0xfd:0xa0 "i32x4.abs" (V128) -> V128;
    I32x4Neg = 0xfd:0xa1 "i32x4.neg" (V128) -> V128;
    I32x4AllTrue = 0xfd:0xa3 "i32x4.all_true" (V128) -> I32;
    I32x4Bitmask = 0xfd:0xa4 "i32x4.bitmask" (V128) -> I32;
    I32x4ExtendLowI16x8S = 0xfd:0xa7 "i32x4.extend_low_i16x8_s" (V128) -> V128;
    I32x4ExtendHighI16x8S = 0xfd:0xa8 "i32x4.extend_high_i16x8_s" (V128) -> V128;
    I32x4ExtendLowI16x8U = 0xfd:0xa9 "i32x4.extend_low_i16x8_u" (V128) -> V128;
    I32x4ExtendHighI16x8U = 0xfd:0xaa "i32x4.extend_high_i16x8_u" (V128) -> V128;
    I32x4Shl = 0xfd:0xab "i32x4.shl" (V128, I32) -> V128;
    I32x4ShrS = 0xfd:0xac "i32x4.shr_s" (V128, I32) -> V128;
    I32x4ShrU = 0xfd:0xad "i32x4.shr_u" (V128, I32) -> V128;
    I32x4Add = 0xfd:0xae "i32x4.add" (V128, V128) -> V128;
    I32x4Sub = 0xfd:0xb1 "i32x4.sub" (V128, V128) -> V128;
    I32x4Mul = 0xfd:0xb5 "i32x4.mul" (V128, V128) -> V128;
    I32x4MinS = 0xfd:0xb6 "i32x4.min_s" (V128, V128) -> V128;
    I32x4MinU = 0xfd:0xb7 "i32x4.min_u" (V128, V128) -> V128;
    I32x4MaxS = 0xfd:0xb8 "i32x4.max_s" (V128, V128) -> V128;
    I32x4MaxU = 0xfd:0xb9 "i32x4.max_u" (V128, V128) -> V128;
    I32x4DotI16x8S = 0xfd:0xba "i32x4.dot_i16x8_s" (V128, V128) -> V128;
    I32x4ExtmulLowI16x8S = 0xfd:0xbc "i32x4.extmul_low_i16x8_s" (V128, V128) -> V128;
    I32x4ExtmulHighI16x8S = 0xfd:0xbd "i32x4.extmul_high_i16x8_s" (V128, V128) -> V128;
    I32x4ExtmulLowI16x8U = 0xfd:0xbe "i32x4.extmul_low_i16x8_u" (V128, V128) -> V128;
    I32x4ExtmulHighI16x8U = 0xfd:0xbf "i32x4.extmul_high_i16x8_u" (V128, V128) -> V128;
    I64x2Abs = 0xfd:0xc0 "i64x2.abs" (V128) -> V128;
    I64x2Neg = 0xfd:0xc1 "i64x2.neg" (V128) -> V128;
    I64x2AllTrue = 0xfd:0xc3 "i64x2.all_true" (V128) -> I32;
    I64x2Bitmask = 0xfd:0xc4 "i64x2.bitmask" (V128) -> I32;
    I64x2ExtendLowI32x4S = 0xfd:0xc7 "i64x2.extend_low_i32x4_s" (V128) -> V128;
    I64x2ExtendHighI32x4S = 0xfd:0xc8 "i64x2.extend_high_i32x4_s" (V128) -> V128;
    I64x2ExtendLowI32x4U = 0xfd:0xc9 "i64x2.extend_low_i32x4_u" (V128) -> V128;
    I64x2ExtendHighI32x4U = 0xfd:0xca "i64x2.extend_high_i32x4_u" (V128) -> V128;
    I64x2Shl = 0xfd:0xcb "i64x2.shl" (V128, I32) -> V128;
    I64x2ShrS = 0xfd:0xcc "i64x2.shr_s" (V128, I32) -> V128;
    I64x2ShrU = 0xfd:0xcd "i64x2.shr_u" (V128, I32) -> V128;
    I64x2Add = 0xfd:0xce "i64x2.add" (V128, V128) -> V128;
    I64x2Sub = 0xfd:0xd1 "i64x2.sub" (V128, V128) -> V128;
    I64x2Mul = 0xfd:0xd5 "i64x2.mul" (V128, V128) -> V128;
    I64x2Eq = 0xfd:0xd6 "i64x2.eq" (V128, V128) -> V128;
    I64x2Ne = 0xfd:0xd7 "i64x2.ne" (V128, V128) -> V128;
    I64x2LtS = 0xfd:0xd8 "i64x2.lt_s" (V128, V128) -> V128;
    I64x2GtS = 0xfd:0xd9 "i64x2.gt_s" (V128, V128) -> V128;
    I64x2LeS = 0xfd:0xda "i64x2.le_s" (V128, V128) -> V128;
    I64x2GeS = 0xfd:0xdb "i64x2.ge_s" (V128, V128) -> V128;
    I64x2ExtmulLowI32x4S = 0xfd:0xdc "i64x2.extmul_low_i32x4_s" (V128, V128) -> V128;
    I64x2ExtmulHighI32x4S = 0xfd:0xdd "i64x2.extmul_high_i32x4_s" (V128, V128) -> V128;
    I64x2ExtmulLowI32x4U = 0xfd:0xde "i64x2.extmul_low_i32x4_u" (V128, V128) -> V128;
    I64x2ExtmulHighI32x4U = 0xfd:0xdf "i64x2.extmul_high_i32x4_u" (V128, V128) -> V128;
    F32x4Abs = 0xfd:0xe0 "f32x4.abs" (V128) -> V128;
    F32x4Neg = 0xfd:0xe1 "f32x4.neg" (V128) -> V128;
    F32x4Sqrt = 0xfd:0xe3 "f32x4.sqrt" (V128) -> V128;
    F32x4Add = 0xfd:0xe4 "f32x4.add" (V128, V128) -> V128;
    F32x4Sub = 0xfd:0xe5 "f32x4.sub" (V128, V128) -> V128;
    F32x4Mul = 0xfd:0xe6 "f32x4.mul" (V128, V128) -> V128;
    F32x4Div = 0xfd:0xe7 "f32x4.div" (V128, V128) -> V128;
    F32x4Min = 0xfd:0xe8 "f32x4.min" (V128, V128) -> V128;
    F32x4Max = 0xfd:0xe9 "f32x4.max" (V128, V128) -> V128;
    F32x4Pmin = 0xfd:0xea "f32x4.pmin" (V128, V128) -> V128;
    F32x4Pmax = 0xfd:0xeb "f32x4.pmax" (V128, V128) -> V128;
    F64x2Abs = 0xfd:0xec "f64x2.abs" (V128) -> V128;
    F64x2Neg = 0xfd:0xed "f64x2.neg" (V128) -> V128;
    F64x2Sqrt = 0xfd:0xef "f64x2.sqrt" (V128) -> V128;
    F64x2Add = 0xfd:0xf0 "f64x2.add" (V128, V128) -> V128;
    F64x2Sub = 0xfd:0xf1 "f64x2.sub" (V128, V128) -> V128;
    F64x2Mul = 0xfd:0xf2 "f64x2.mul" (V128, V128) -> V128;
    F64x2Div = 0xfd:0xf3 "f64x2.div" (V128, V128) -> V128;
    F64x2Min = 0xfd:0xf4 "f64x2.min" (V128, V128) -> V128;
    F64x2Max = 0xfd:0xf5 "f64x2.max" (V128, V128) -> V128;
    F64x2Pmin = 0xfd:0xf6 "f64x2.pmin" (V128, V128) -> V128;
    F64x2Pmax = 0xfd:0xf7 "f64x2.pmax" (V128, V128) -> V128;
    I32x4TruncSatF32x4S = 0xfd:0xf8 "i32x4.trunc_sat_f32x4_s" (V128) -> V128;
    I32x4TruncSatF32x4U = 0xfd:0xf9 "i32x4.trunc_sat_f32x4_u" (V128) -> V128;
    F32x4ConvertI32x4S = 0xfd:0xfa "f32x4.convert_i32x4_s" (V128) -> V128;
    F32x4ConvertI32x4U = 0xfd:0xfb "f32x4.convert_i32x4_u" (V128) -> V128;
    I32x4TruncSatF64x2SZero = 0xfd:0xfc "i32x4.trunc_sat_f64x2_s_zero" (V128) -> V128;
    I32x4TruncSatF64x2UZero = 0xfd:0xfd "i32x4.trunc_sat_f64x2_u_zero" (V128) -> V128;
    F64x2ConvertLowI32x4S = 0xfd:0xfe "f64x2.convert_low_i32x4_s" (V128) -> V128;
    F64x2ConvertLowI32x4U = 0xfd:0xff "f64x2.convert_low_i32x4_u" (V128) -> V128;
}

/// What a memory operator does with the value type or lanes it moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemKind {
    /// `[i32] -> [t]`
    Load(ValType),
    /// `[i32 t] -> []`
    Store(ValType),
    /// `[i32 v128] -> [v128]` with a lane index below the count.
    LoadLane(u8),
    /// `[i32 v128] -> []` with a lane index below the count.
    StoreLane(u8),
}

macro_rules! mem_ops {
    ($($name:ident = $pre:literal : $code:literal $text:literal $kind:ident($arg:tt) align $align:literal;)*) => {
        /// A memory operator: it takes a `memarg` (and a lane index for the lane forms).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum MemOp { $($name),* }

        impl MemOp {
            pub const ALL: &'static [MemOp] = &[$(MemOp::$name),*];

            pub fn name(self) -> &'static str {
                match self { $(MemOp::$name => $text),* }
            }

            pub const fn kind(self) -> MemKind {
                match self { $(MemOp::$name => mem_ops!(@kind $kind $arg)),* }
            }

            /// log2 of the natural alignment: the largest alignment a memarg may declare.
            pub fn natural_align(self) -> u32 {
                match self { $(MemOp::$name => $align),* }
            }

            pub fn encoding(self) -> (u8, u32) {
                match self { $(MemOp::$name => ($pre, $code)),* }
            }

            fn from_encoding(prefix: u8, code: u32) -> Option<MemOp> {
                match (prefix, code) {
                    $(($pre, $code) => Some(MemOp::$name),)*
                    _ => None,
                }
            }
        }
    };
    (@kind load $t:tt) => { MemKind::Load(ValType::$t) };
    (@kind store $t:tt) => { MemKind::Store(ValType::$t) };
    (@kind load_lane $n:tt) => { MemKind::LoadLane($n) };
    (@kind store_lane $n:tt) => { MemKind::StoreLane($n) };
}

mem_ops! {
    I32Load = 0x00:0x28 "i32.load" load(I32) align 2;
    I64Load = 0x00:0x29 "i64.load" load(I64) align 3;
    F32Load = 0x00:0x2a "f32.load" load(F32) align 2;
    F64Load = 0x00:0x2b "f64.load" load(F64) align 3;
    I32Load8S = 0x00:0x2c "i32.load8_s" load(I32) align 0;
    I32Load8U = 0x00:0x2d "i32.load8_u" load(I32) align 0;
    I32Load16S = 0x00:0x2e "i32.load16_s" load(I32) align 1;
    I32Load16U = 0x00:0x2f "i32.load16_u" load(I32) align 1;
    I64Load8S = 0x00:0x30 "i64.load8_s" load(I64) align 0;
    I64Load8U = 0x00:0x31 "i64.load8_u" load(I64) align 0;
    I64Load16S = 0x00:0x32 "i64.load16_s" load(I64) align 1;
    I64Load16U = 0x00:0x33 "i64.load16_u" load(I64) align 1;
    I64Load32S = 0x00:0x34 "i64.load32_s" load(I64) align 2;
    I64Load32U = 0x00:0x35 "i64.load32_u" load(I64) align 2;
    I32Store = 0x00:0x36 "i32.store" store(I32) align 2;
    I64Store = 0x00:0x37 "i64.store" store(I64) align 3;
    F32Store = 0x00:0x38 "f32.store" store(F32) align 2;
    F64Store = 0x00:0x39 "f64.store" store(F64) align 3;
    I32Store8 = 0x00:0x3a "i32.store8" store(I32) align 0;
    I32Store16 = 0x00:0x3b "i32.store16" store(I32) align 1;
    I64Store8 = 0x00:0x3c "i64.store8" store(I64) align 0;
    I64Store16 = 0x00:0x3d "i64.store16" store(I64) align 1;
    I64Store32 = 0x00:0x3e "i64.store32" store(I64) align 2;
    V128Load = 0xfd:0x00 "v128.load" load(V128) align 4;
    V128Load8x8S = 0xfd:0x01 "v128.load8x8_s" load(V128) align 3;
    V128Load8x8U = 0xfd:0x02 "v128.load8x8_u" load(V128) align 3;
    V128Load16x4S = 0xfd:0x03 "v128.load16x4_s" load(V128) align 3;
    V128Load16x4U = 0xfd:0x04 "v128.load16x4_u" load(V128) align 3;
    V128Load32x2S = 0xfd:0x05 "v128.load32x2_s" load(V128) align 3;
    V128Load32x2U = 0xfd:0x06 "v128.load32x2_u" load(V128) align 3;
    V128Load8Splat = 0xfd:0x07 "v128.load8_splat" load(V128) align 0;
    V128Load16Splat = 0xfd:0x08 "v128.load16_splat" load(V128) align 1;
    V128Load32Splat = 0xfd:0x09 "v128.load32_splat" load(V128) align 2;
    V128Load64Splat = 0xfd:0x0a "v128.load64_splat" load(V128) align 3;
    V128Store = 0xfd:0x0b "v128.store" store(V128) align 4;
    V128Load8Lane = 0xfd:0x54 "v128.load8_lane" load_lane(16) align 0;
    V128Load16Lane = 0xfd:0x55 "v128.load16_lane" load_lane(8) align 1;
    V128Load32Lane = 0xfd:0x56 "v128.load32_lane" load_lane(4) align 2;
    V128Load64Lane = 0xfd:0x57 "v128.load64_lane" load_lane(2) align 3;
    V128Store8Lane = 0xfd:0x58 "v128.store8_lane" store_lane(16) align 0;
    V128Store16Lane = 0xfd:0x59 "v128.store16_lane" store_lane(8) align 1;
    V128Store32Lane = 0xfd:0x5a "v128.store32_lane" store_lane(4) align 2;
    V128Store64Lane = 0xfd:0x5b "v128.store64_lane" store_lane(2) align 3;
    V128Load32Zero = 0xfd:0x5c "v128.load32_zero" load(V128) align 2;
    V128Load64Zero = 0xfd:0x5d "v128.load64_zero" load(V128) align 3;
}

macro_rules! lane_ops {
    ($($name:ident = $code:literal $text:literal $replace:literal $t:ident $lanes:literal;)*) => {
        /// Extracting or replacing one lane of a v128: `extract: [v128] -> [t]`,
        /// `replace: [v128 t] -> [v128]`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum LaneOp { $($name),* }

        impl LaneOp {
            pub const ALL: &'static [LaneOp] = &[$(LaneOp::$name),*];

            pub fn name(self) -> &'static str {
                match self { $(LaneOp::$name => $text),* }
            }

            pub fn is_replace(self) -> bool {
                match self { $(LaneOp::$name => $replace),* }
            }

            /// The scalar type of one lane.
            pub fn lane_type(self) -> ValType {
                match self { $(LaneOp::$name => ValType::$t),* }
            }

            pub fn lanes(self) -> u8 {
                match self { $(LaneOp::$name => $lanes),* }
            }

            pub fn opcode(self) -> u32 {
                match self { $(LaneOp::$name => $code),* }
            }

            fn from_opcode(code: u32) -> Option<LaneOp> {
                match code {
                    $($code => Some(LaneOp::$name),)*
                    _ => None,
                }
            }
        }
    };
}

lane_ops! {
    I8x16ExtractLaneS = 0x15 "i8x16.extract_lane_s" false I32 16;
    I8x16ExtractLaneU = 0x16 "i8x16.extract_lane_u" false I32 16;
    I8x16ReplaceLane = 0x17 "i8x16.replace_lane" true I32 16;
    I16x8ExtractLaneS = 0x18 "i16x8.extract_lane_s" false I32 8;
    I16x8ExtractLaneU = 0x19 "i16x8.extract_lane_u" false I32 8;
    I16x8ReplaceLane = 0x1a "i16x8.replace_lane" true I32 8;
    I32x4ExtractLane = 0x1b "i32x4.extract_lane" false I32 4;
    I32x4ReplaceLane = 0x1c "i32x4.replace_lane" true I32 4;
    I64x2ExtractLane = 0x1d "i64x2.extract_lane" false I64 2;
    I64x2ReplaceLane = 0x1e "i64x2.replace_lane" true I64 2;
    F32x4ExtractLane = 0x1f "f32x4.extract_lane" false F32 4;
    F32x4ReplaceLane = 0x20 "f32x4.replace_lane" true F32 4;
    F64x2ExtractLane = 0x21 "f64x2.extract_lane" false F64 2;
    F64x2ReplaceLane = 0x22 "f64x2.replace_lane" true F64 2;
}

/// The immediate of a memory operator. `align` is the log2 of the declared alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemArg {
    pub align: u32,
    pub offset: u64,
    pub memory: u32,
}

/// The targets of a `br_table`, kept as bytes and read again on demand so that decoding an
/// operator never allocates.
#[derive(Clone)]
pub struct BrTable<'a> {
    targets: Reader<'a>,
    count: u32,
    pub default: u32,
}

impl<'a> BrTable<'a> {
    /// Number of targets, the default excluded.
    pub fn len(&self) -> u32 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The targets, the default excluded. They were checked when the operator was read.
    pub fn targets(&self) -> impl Iterator<Item = u32> + 'a {
        let mut r = self.targets.clone();
        (0..self.count).map(move |_| r.read_u32().unwrap_or(0))
    }
}

impl std::fmt::Debug for BrTable<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrTable")
            .field("targets", &self.targets().collect::<Vec<_>>())
            .field("default", &self.default)
            .finish()
    }
}

/// One decoded instruction.
#[derive(Clone, Debug)]
pub enum Operator<'a> {
    Unreachable,
    Nop,
    Block(BlockType),
    Loop(BlockType),
    If(BlockType),
    Else,
    End,
    Br(u32),
    BrIf(u32),
    BrTable(BrTable<'a>),
    Return,
    Call(u32),
    CallIndirect {
        type_index: u32,
        table: u32,
    },
    Drop,
    /// `select` without a type annotation.
    Select,
    /// `select t*`; `None` when the annotation does not hold exactly one type (invalid).
    SelectTyped(Option<ValType>),
    LocalGet(u32),
    LocalSet(u32),
    LocalTee(u32),
    GlobalGet(u32),
    GlobalSet(u32),
    TableGet(u32),
    TableSet(u32),
    Memory(MemOp, MemArg),
    MemoryLane(MemOp, MemArg, u8),
    MemorySize(u32),
    MemoryGrow(u32),
    I32Const(i32),
    I64Const(i64),
    /// The bits of an f32.
    F32Const(u32),
    /// The bits of an f64.
    F64Const(u64),
    V128Const([u8; 16]),
    Simple(SimpleOp),
    RefNull(RefType),
    RefIsNull,
    RefFunc(u32),
    MemoryInit {
        data: u32,
        memory: u32,
    },
    DataDrop(u32),
    MemoryCopy {
        dst: u32,
        src: u32,
    },
    MemoryFill(u32),
    TableInit {
        elem: u32,
        table: u32,
    },
    ElemDrop(u32),
    TableCopy {
        dst: u32,
        src: u32,
    },
    TableGrow(u32),
    TableSize(u32),
    TableFill(u32),
    I8x16Shuffle([u8; 16]),
    Lane(LaneOp, u8),
}

impl Operator<'_> {
    /// The instruction's name in the text format.
    pub fn name(&self) -> &'static str {
        match self {
            Operator::Unreachable => "unreachable",
            Operator::Nop => "nop",
            Operator::Block(_) => "block",
            Operator::Loop(_) => "loop",
            Operator::If(_) => "if",
            Operator::Else => "else",
            Operator::End => "end",
            Operator::Br(_) => "br",
            Operator::BrIf(_) => "br_if",
            Operator::BrTable(_) => "br_table",
            Operator::Return => "return",
            Operator::Call(_) => "call",
            Operator::CallIndirect { .. } => "call_indirect",
            Operator::Drop => "drop",
            Operator::Select | Operator::SelectTyped(_) => "select",
            Operator::LocalGet(_) => "local.get",
            Operator::LocalSet(_) => "local.set",
            Operator::LocalTee(_) => "local.tee",
            Operator::GlobalGet(_) => "global.get",
            Operator::GlobalSet(_) => "global.set",
            Operator::TableGet(_) => "table.get",
            Operator::TableSet(_) => "table.set",
            Operator::Memory(op, _) | Operator::MemoryLane(op, _, _) => op.name(),
            Operator::MemorySize(_) => "memory.size",
            Operator::MemoryGrow(_) => "memory.grow",
            Operator::I32Const(_) => "i32.const",
            Operator::I64Const(_) => "i64.const",
            Operator::F32Const(_) => "f32.const",
            Operator::F64Const(_) => "f64.const",
            Operator::V128Const(_) => "v128.const",
            Operator::Simple(op) => op.name(),
            Operator::RefNull(_) => "ref.null",
            Operator::RefIsNull => "ref.is_null",
            Operator::RefFunc(_) => "ref.func",
            Operator::MemoryInit { .. } => "memory.init",
            Operator::DataDrop(_) => "data.drop",
            Operator::MemoryCopy { .. } => "memory.copy",
            Operator::MemoryFill(_) => "memory.fill",
            Operator::TableInit { .. } => "table.init",
            Operator::ElemDrop(_) => "elem.drop",
            Operator::TableCopy { .. } => "table.copy",
            Operator::TableGrow(_) => "table.grow",
            Operator::TableSize(_) => "table.size",
            Operator::TableFill(_) => "table.fill",
            Operator::I8x16Shuffle(_) => "i8x16.shuffle",
            Operator::Lane(op, _) => op.name(),
        }
    }
}

/// Reads operators from a function body or constant expression.
#[derive(Clone)]
pub struct OperatorReader<'a> {
    pub reader: Reader<'a>,
    features: Features,
}

impl<'a> OperatorReader<'a> {
    pub fn new(reader: Reader<'a>, features: Features) -> OperatorReader<'a> {
        OperatorReader { reader, features }
    }

    pub fn offset(&self) -> usize {
        self.reader.offset()
    }

    pub fn is_empty(&self) -> bool {
        self.reader.is_empty()
    }

    fn disabled(&self, at: usize, what: &str) -> Error {
        Error::malformed(at, format!("{what} support is not enabled"))
    }

    // Inlined into the validation loop so that the operator is built in place, not copied.
    #[inline(always)]
    pub fn read(&mut self) -> Result<Operator<'a>> {
        let at = self.reader.offset();
        let r = &mut self.reader;
        let opcode = r.read_u8()?;
        Ok(match opcode {
            0x00 => Operator::Unreachable,
            0x01 => Operator::Nop,
            0x02 => Operator::Block(self.read_block_type()?),
            0x03 => Operator::Loop(self.read_block_type()?),
            0x04 => Operator::If(self.read_block_type()?),
            0x05 => Operator::Else,
            0x0B => Operator::End,
            0x0C => Operator::Br(r.read_u32()?),
            0x0D => Operator::BrIf(r.read_u32()?),
            0x0E => Operator::BrTable(self.read_br_table()?),
            0x0F => Operator::Return,
            0x10 => Operator::Call(r.read_u32()?),
            0x11 => {
                let type_index = r.read_u32()?;
                let table = if self.features.reference_types { r.read_u32()? } else { self.read_zero_byte()? };
                Operator::CallIndirect { type_index, table }
            }
            0x1A => Operator::Drop,
            0x1B => Operator::Select,
            0x1C => {
                if !self.features.reference_types {
                    return Err(self.disabled(at, "reference types"));
                }
                let count = r.read_len()?;
                let mut ty = None;
                for _ in 0..count {
                    ty = Some(r.read_val_type()?);
                }
                Operator::SelectTyped(if count == 1 { ty } else { None })
            }
            0x20 => Operator::LocalGet(r.read_u32()?),
            0x21 => Operator::LocalSet(r.read_u32()?),
            0x22 => Operator::LocalTee(r.read_u32()?),
            0x23 => Operator::GlobalGet(r.read_u32()?),
            0x24 => Operator::GlobalSet(r.read_u32()?),
            0x25 | 0x26 if !self.features.reference_types => return Err(self.disabled(at, "reference types")),
            0x25 => Operator::TableGet(r.read_u32()?),
            0x26 => Operator::TableSet(r.read_u32()?),
            0x28..=0x3E => {
                let op = MemOp::from_encoding(0, opcode as u32).expect("table covers 0x28..=0x3e");
                Operator::Memory(op, self.read_memarg()?)
            }
            0x3F => Operator::MemorySize(self.read_memory_index()?),
            0x40 => Operator::MemoryGrow(self.read_memory_index()?),
            0x41 => Operator::I32Const(r.read_i32()?),
            0x42 => Operator::I64Const(r.read_i64()?),
            0x43 => Operator::F32Const(r.read_f32_bits()?),
            0x44 => Operator::F64Const(r.read_f64_bits()?),
            0xC0..=0xC4 if !self.features.sign_extension => return Err(self.disabled(at, "sign extension")),
            0xD0..=0xD2 if !self.features.reference_types => return Err(self.disabled(at, "reference types")),
            0xD0 => Operator::RefNull(r.read_ref_type()?),
            0xD1 => Operator::RefIsNull,
            0xD2 => Operator::RefFunc(r.read_u32()?),
            0xFC => self.read_fc(at)?,
            0xFD => self.read_fd(at)?,
            _ => match SimpleOp::from_encoding(0, opcode as u32) {
                Some(op) => Operator::Simple(op),
                None => {
                    let base = format!("illegal opcode 0x{opcode:02x}");
                    return Err(Error::malformed(
                        at,
                        super::proposals::explain(base, super::proposals::opcode(0, opcode as u32)),
                    ));
                }
            },
        })
    }

    fn read_fc(&mut self, at: usize) -> Result<Operator<'a>> {
        let code = self.reader.read_u32()?;
        let f = self.features;
        if code <= 7 && !f.saturating_float_to_int {
            return Err(self.disabled(at, "saturating float-to-int conversion"));
        }
        if (8..=17).contains(&code) && !f.bulk_memory && !(f.reference_types && code >= 12) {
            return Err(self.disabled(at, "bulk memory"));
        }
        Ok(match code {
            0..=7 => Operator::Simple(SimpleOp::from_encoding(0xfc, code).expect("table covers 0xfc 0..=7")),
            8 => {
                let data = self.reader.read_u32()?;
                Operator::MemoryInit { data, memory: self.read_memory_index()? }
            }
            9 => Operator::DataDrop(self.reader.read_u32()?),
            10 => {
                let dst = self.read_memory_index()?;
                Operator::MemoryCopy { dst, src: self.read_memory_index()? }
            }
            11 => Operator::MemoryFill(self.read_memory_index()?),
            12 => {
                let elem = self.reader.read_u32()?;
                Operator::TableInit { elem, table: self.reader.read_u32()? }
            }
            13 => Operator::ElemDrop(self.reader.read_u32()?),
            14 => {
                let dst = self.reader.read_u32()?;
                Operator::TableCopy { dst, src: self.reader.read_u32()? }
            }
            15 => Operator::TableGrow(self.reader.read_u32()?),
            16 => Operator::TableSize(self.reader.read_u32()?),
            17 => Operator::TableFill(self.reader.read_u32()?),
            _ => {
                let base = format!("illegal opcode 0xfc 0x{code:x}");
                return Err(Error::malformed(
                    at,
                    super::proposals::explain(base, super::proposals::opcode(0xfc, code)),
                ));
            }
        })
    }

    fn read_fd(&mut self, at: usize) -> Result<Operator<'a>> {
        if !self.features.simd {
            return Err(self.disabled(at, "SIMD"));
        }
        let code = self.reader.read_u32()?;
        if let Some(op) = SimpleOp::from_encoding(0xfd, code) {
            return Ok(Operator::Simple(op));
        }
        if let Some(op) = MemOp::from_encoding(0xfd, code) {
            let memarg = self.read_memarg()?;
            return Ok(match op.kind() {
                MemKind::LoadLane(_) | MemKind::StoreLane(_) => {
                    Operator::MemoryLane(op, memarg, self.reader.read_u8()?)
                }
                _ => Operator::Memory(op, memarg),
            });
        }
        if let Some(op) = LaneOp::from_opcode(code) {
            return Ok(Operator::Lane(op, self.reader.read_u8()?));
        }
        Ok(match code {
            0x0c => Operator::V128Const(self.reader.read_array16()?),
            0x0d => Operator::I8x16Shuffle(self.reader.read_array16()?),
            _ => {
                let base = format!("illegal opcode 0xfd 0x{code:x}");
                return Err(Error::malformed(
                    at,
                    super::proposals::explain(base, super::proposals::opcode(0xfd, code)),
                ));
            }
        })
    }

    fn read_block_type(&mut self) -> Result<BlockType> {
        let r = &mut self.reader;
        let at = r.offset();
        let byte = r.peek_u8()?;
        if byte == 0x40 {
            r.read_u8()?;
            return Ok(BlockType::Empty);
        }
        if let Some(t) = ValType::from_byte(byte) {
            r.read_u8()?;
            return Ok(BlockType::Value(t));
        }
        // A type index, encoded as a positive s33.
        let index = r.read_signed(33)?;
        if index < 0 {
            return Err(Error::malformed(at, "malformed block type"));
        }
        if !self.features.multi_value {
            return Err(self.disabled(at, "multi-value"));
        }
        u32::try_from(index).map(BlockType::Func).map_err(|_| Error::invalid(at, "unknown type"))
    }

    fn read_br_table(&mut self) -> Result<BrTable<'a>> {
        let r = &mut self.reader;
        let count = r.read_len_limited(limits::MAX_BR_TABLE_TARGETS, "br_table targets")?;
        let (rest, base) = r.rest();
        let start = r.remaining();
        for _ in 0..count {
            r.read_u32()?;
        }
        let len = start - r.remaining();
        let targets = Reader::new(&rest[..len], base);
        let default = r.read_u32()?;
        Ok(BrTable { targets, count, default })
    }

    /// The memory index of memory.size/grow/fill/copy/init: a LEB index with multi-memory,
    /// otherwise a single reserved zero byte.
    fn read_memory_index(&mut self) -> Result<u32> {
        if self.features.multi_memory {
            self.reader.read_u32()
        } else {
            self.read_zero_byte()
        }
    }

    fn read_zero_byte(&mut self) -> Result<u32> {
        let at = self.reader.offset();
        match self.reader.read_u8()? {
            0 => Ok(0),
            _ => Err(Error::malformed(at, "zero byte expected")),
        }
    }

    fn read_memarg(&mut self) -> Result<MemArg> {
        let r = &mut self.reader;
        let at = r.offset();
        let flags = r.read_u32()?;
        // Bit 6 of the flags announces a memory index after them (multi-memory); the rest is
        // the log2 alignment, which must fit a 32-bit shift.
        let (align, memory) = match flags {
            0..=31 => (flags, 0),
            64..=95 if self.features.multi_memory => (flags - 64, r.read_u32()?),
            64..=95 => return Err(self.disabled(at, "multi-memory")),
            _ => return Err(Error::malformed(at, "malformed memop flags")),
        };
        // Read as a u64, as the current specification's binary format does; validation then
        // rejects an offset beyond the memory's address type ("offset out of range"). But
        // WebAssembly 2.0 encodes a u32, so no more than a u32's five bytes (memory64, which
        // we do not decode, would allow ten).
        let offset_at = r.offset();
        let offset = r.read_u64()?;
        if r.offset() - offset_at > 5 {
            return Err(Error::malformed(offset_at, "integer representation too long"));
        }
        Ok(MemArg { align, offset, memory })
    }
}
