//! The compiler's v128 (SIMD) operations in x86_64 instructions (SSE2 to SSE4.1; `pcmpgtq` of
//! SSE4.2 where cpuid has it, an SSE2 sequence otherwise). Each sequence gives the bits
//! `semantics::simd` gives, NaNs included. Scratch: xmm13-xmm15, rax and r11 (see `masm`).

use super::asm::{Cond, Mem, Movmsk, Packed, PackedImm, PackedShift, Size};
use super::masm::{gpr, X64Masm, SCRATCH, XSCRATCH, XSCRATCH2, XSCRATCH3};
use super::regs::{Gpr, Xmm};
use crate::decode::ops::{LaneOp, MemOp, SimpleOp};
use crate::jit::masm::{Index, Reg};

/// `cmpps`/`cmppd` predicates.
const CMP_EQ: u8 = 0;
const CMP_LT: u8 = 1;
const CMP_LE: u8 = 2;
const CMP_UNORD: u8 = 3;
const CMP_NEQ: u8 = 4;
const CMP_ORD: u8 = 7;

/// `roundps`/`roundpd` modes, with the precision exception suppressed.
const ROUND_NEAREST: u8 = 8;
const ROUND_DOWN: u8 = 9;
const ROUND_UP: u8 = 10;
const ROUND_ZERO: u8 = 11;

/// The lane width in bits of a shift.
fn lane_bits(op: SimpleOp) -> u32 {
    match &op.name()[..5] {
        "i8x16" => 8,
        "i16x8" => 16,
        "i32x4" => 32,
        _ => 64,
    }
}

fn splat8(b: u8) -> u128 {
    u128::from_le_bytes([b; 16])
}

fn splat16(v: u16) -> u128 {
    (0..8).fold(0, |r, i| r | (v as u128) << (16 * i))
}

fn splat32(v: u32) -> u128 {
    (0..4).fold(0, |r, i| r | (v as u128) << (32 * i))
}

fn splat64(v: u64) -> u128 {
    (v as u128) << 64 | v as u128
}

/// The instruction of a lane-wise binary operator that x86 has as such (`dst = dst op src`).
fn direct(op: SimpleOp) -> Option<Packed> {
    use Packed as P;
    use SimpleOp::*;
    Some(match op {
        I8x16Add => P::Paddb,
        I8x16Sub => P::Psubb,
        I8x16AddSatS => P::Paddsb,
        I8x16AddSatU => P::Paddusb,
        I8x16SubSatS => P::Psubsb,
        I8x16SubSatU => P::Psubusb,
        I8x16MinS => P::Pminsb,
        I8x16MinU => P::Pminub,
        I8x16MaxS => P::Pmaxsb,
        I8x16MaxU => P::Pmaxub,
        I8x16AvgrU => P::Pavgb,
        I8x16Eq => P::Pcmpeqb,
        I8x16GtS => P::Pcmpgtb,
        I8x16NarrowI16x8S => P::Packsswb,
        I8x16NarrowI16x8U => P::Packuswb,
        I16x8Add => P::Paddw,
        I16x8Sub => P::Psubw,
        I16x8AddSatS => P::Paddsw,
        I16x8AddSatU => P::Paddusw,
        I16x8SubSatS => P::Psubsw,
        I16x8SubSatU => P::Psubusw,
        I16x8Mul => P::Pmullw,
        I16x8MinS => P::Pminsw,
        I16x8MinU => P::Pminuw,
        I16x8MaxS => P::Pmaxsw,
        I16x8MaxU => P::Pmaxuw,
        I16x8AvgrU => P::Pavgw,
        I16x8Eq => P::Pcmpeqw,
        I16x8GtS => P::Pcmpgtw,
        I16x8NarrowI32x4S => P::Packssdw,
        I16x8NarrowI32x4U => P::Packusdw,
        I32x4Add => P::Paddd,
        I32x4Sub => P::Psubd,
        I32x4Mul => P::Pmulld,
        I32x4MinS => P::Pminsd,
        I32x4MinU => P::Pminud,
        I32x4MaxS => P::Pmaxsd,
        I32x4MaxU => P::Pmaxud,
        I32x4Eq => P::Pcmpeqd,
        I32x4GtS => P::Pcmpgtd,
        I32x4DotI16x8S => P::Pmaddwd,
        I64x2Add => P::Paddq,
        I64x2Sub => P::Psubq,
        I64x2Eq => P::Pcmpeqq,
        V128And => P::Pand,
        V128Or => P::Por,
        V128Xor => P::Pxor,
        F32x4Add => P::Addps,
        F32x4Sub => P::Subps,
        F32x4Mul => P::Mulps,
        F32x4Div => P::Divps,
        F64x2Add => P::Addpd,
        F64x2Sub => P::Subpd,
        F64x2Mul => P::Mulpd,
        F64x2Div => P::Divpd,
        _ => return None,
    })
}

/// An integer comparison's shape: its lane width in bytes, its equality and signed
/// greater-than, and its unsigned min and max (none for i64x2).
type CompareShape = (u8, Packed, Packed, Option<(Packed, Packed)>);

fn int_compare(op: SimpleOp) -> Option<CompareShape> {
    use Packed as P;
    use SimpleOp::*;
    let i8 = (1, P::Pcmpeqb, P::Pcmpgtb, Some((P::Pminub, P::Pmaxub)));
    let i16 = (2, P::Pcmpeqw, P::Pcmpgtw, Some((P::Pminuw, P::Pmaxuw)));
    let i32 = (4, P::Pcmpeqd, P::Pcmpgtd, Some((P::Pminud, P::Pmaxud)));
    let i64 = (8, P::Pcmpeqq, P::Pcmpgtq, None);
    Some(match op {
        I8x16Ne | I8x16LtS | I8x16LtU | I8x16GtU | I8x16LeS | I8x16LeU | I8x16GeS | I8x16GeU => i8,
        I16x8Ne | I16x8LtS | I16x8LtU | I16x8GtU | I16x8LeS | I16x8LeU | I16x8GeS | I16x8GeU => i16,
        I32x4Ne | I32x4LtS | I32x4LtU | I32x4GtU | I32x4LeS | I32x4LeU | I32x4GeS | I32x4GeU => i32,
        I64x2Ne | I64x2LtS | I64x2GtS | I64x2LeS | I64x2GeS => i64,
        _ => return None,
    })
}

impl X64Masm {
    fn p(&mut self, op: Packed, dst: Xmm, src: Xmm) {
        self.asm.packed(op, dst, src);
    }

    fn pi(&mut self, op: PackedImm, dst: Xmm, src: Xmm, imm: u8) {
        self.asm.packed_imm(op, dst, src, imm);
    }

    fn mov(&mut self, dst: Xmm, src: Xmm) {
        if dst != src {
            self.asm.movaps(dst, src);
        }
    }

    /// `dst = !dst` (clobbers xmm13).
    fn not(&mut self, dst: Xmm) {
        self.p(Packed::Pcmpeqd, XSCRATCH3, XSCRATCH3);
        self.p(Packed::Pxor, dst, XSCRATCH3);
    }

    /// Loads the constant `bits` into `dst` (through r11).
    pub(super) fn const_v128(&mut self, dst: Xmm, bits: u128) {
        let (lo, hi) = (bits as u64, (bits >> 64) as u64);
        if bits == 0 {
            self.p(Packed::Pxor, dst, dst);
        } else if bits == u128::MAX {
            self.p(Packed::Pcmpeqd, dst, dst);
        } else if bits == splat32(bits as u32) {
            self.asm.mov_ri(SCRATCH, bits as u32 as u64);
            self.asm.mov_to_xmm(Size::S32, dst, SCRATCH);
            self.pi(PackedImm::Pshufd, dst, dst, 0);
        } else {
            self.asm.mov_ri(SCRATCH, lo);
            self.asm.mov_to_xmm(Size::S64, dst, SCRATCH);
            if hi == lo {
                self.pi(PackedImm::Pshufd, dst, dst, 0x44);
            } else {
                self.asm.mov_ri(SCRATCH, hi);
                self.asm.pinsr(8, dst, SCRATCH, 1);
            }
        }
    }

    pub(super) fn simd_binary(&mut self, op: SimpleOp, d: Xmm, s: Xmm) -> bool {
        use Packed as P;
        use SimpleOp::*;
        let (x1, x2) = (XSCRATCH, XSCRATCH2);
        if let Some(inst) = direct(op) {
            self.p(inst, d, s);
            return true;
        }
        if let Some((_, eq, gt, minmax)) = int_compare(op) {
            let name = op.name();
            let suffix = &name[name.find('.').expect("a shape") + 1..];
            match (suffix, minmax) {
                ("ne", _) => {
                    self.p(eq, d, s);
                    self.not(d);
                }
                ("gt_s", _) => self.greater(gt, d, s),
                ("lt_s", _) => {
                    self.greater(gt, s, d);
                    self.mov(d, s);
                }
                ("le_s", _) => {
                    self.greater(gt, d, s);
                    self.not(d);
                }
                ("ge_s", _) => {
                    self.greater(gt, s, d);
                    self.not(s);
                    self.mov(d, s);
                }
                // a <= b (unsigned) when min(a, b) == a; a >= b when max(a, b) == a.
                ("le_u" | "gt_u", Some((min, _))) => {
                    self.mov(x1, d);
                    self.p(min, x1, s);
                    self.p(eq, d, x1);
                    if suffix == "gt_u" {
                        self.not(d);
                    }
                }
                ("ge_u" | "lt_u", Some((_, max))) => {
                    self.mov(x1, d);
                    self.p(max, x1, s);
                    self.p(eq, d, x1);
                    if suffix == "lt_u" {
                        self.not(d);
                    }
                }
                _ => unreachable!("{name}"),
            }
            return true;
        }
        match op {
            V128Andnot => {
                // pandn complements its destination.
                self.p(P::Pandn, s, d);
                self.mov(d, s);
            }
            F32x4Eq | F32x4Ne | F32x4Lt | F32x4Le | F64x2Eq | F64x2Ne | F64x2Lt | F64x2Le => {
                let name = op.name();
                let predicate = match &name[6..] {
                    "eq" => CMP_EQ,
                    "ne" => CMP_NEQ,
                    "lt" => CMP_LT,
                    _ => CMP_LE,
                };
                let cmp = if name.starts_with("f32") { PackedImm::Cmpps } else { PackedImm::Cmppd };
                self.pi(cmp, d, s, predicate);
            }
            F32x4Gt | F32x4Ge | F64x2Gt | F64x2Ge => {
                let name = op.name();
                let predicate = if name.ends_with("gt") { CMP_LT } else { CMP_LE };
                let cmp = if name.starts_with("f32") { PackedImm::Cmpps } else { PackedImm::Cmppd };
                self.pi(cmp, s, d, predicate);
                self.mov(d, s);
            }
            F32x4Min | F32x4Max | F64x2Min | F64x2Max => {
                let f32 = op.name().starts_with("f32");
                let (min, max, add, cmp) = if f32 {
                    (P::Minps, P::Maxps, P::Addps, PackedImm::Cmpps)
                } else {
                    (P::Minpd, P::Maxpd, P::Addpd, PackedImm::Cmppd)
                };
                let is_min = matches!(op, F32x4Min | F64x2Min);
                let inst = if is_min { min } else { max };
                // x86 returns the second operand for NaN and for equal operands: both orders,
                // combined, give -0 for min(-0, +0) and +0 for max; lanes with a NaN take
                // a + b, which propagates it as the scalar operators do.
                self.mov(x1, s);
                self.p(inst, x1, d);
                self.mov(x2, d);
                self.p(inst, x2, s);
                self.p(if is_min { P::Por } else { P::Pand }, x1, x2);
                self.mov(x2, d);
                self.pi(cmp, x2, s, CMP_UNORD);
                self.p(add, d, s);
                self.p(P::Pand, d, x2);
                self.p(P::Pandn, x2, x1);
                self.p(P::Por, d, x2);
            }
            F32x4Pmin | F32x4Pmax | F64x2Pmin | F64x2Pmax => {
                // pmin(a, b) = b < a ? b : a, which is x86's min(b, a); pmax likewise.
                let inst = match op {
                    F32x4Pmin => P::Minps,
                    F32x4Pmax => P::Maxps,
                    F64x2Pmin => P::Minpd,
                    _ => P::Maxpd,
                };
                self.p(inst, s, d);
                self.mov(d, s);
            }
            I8x16Swizzle => {
                // Indices of 16 and more saturate to bytes with the top bit set, which pshufb
                // turns into 0.
                self.const_v128(x1, splat8(0x70));
                self.p(P::Paddusb, x1, s);
                self.p(P::Pshufb, d, x1);
            }
            I64x2Mul => {
                // lo(a)lo(b) + (hi(a)lo(b) + lo(a)hi(b)) << 32
                self.mov(x1, d);
                self.asm.packed_shift(PackedShift::Psrlq, x1, 32);
                self.p(P::Pmuludq, x1, s);
                self.mov(x2, s);
                self.asm.packed_shift(PackedShift::Psrlq, x2, 32);
                self.p(P::Pmuludq, x2, d);
                self.p(P::Paddq, x1, x2);
                self.asm.packed_shift(PackedShift::Psllq, x1, 32);
                self.p(P::Pmuludq, d, s);
                self.p(P::Paddq, d, x1);
            }
            I16x8Q15mulrSatS => {
                // pmulhrsw gives 0x8000 only for 0x8000 * 0x8000, which saturates to 0x7fff.
                self.p(P::Pmulhrsw, d, s);
                self.const_v128(x1, splat16(0x8000));
                self.p(P::Pcmpeqw, x1, d);
                self.p(P::Pxor, d, x1);
            }
            I16x8ExtmulLowI8x16S | I16x8ExtmulHighI8x16S | I16x8ExtmulLowI8x16U | I16x8ExtmulHighI8x16U => {
                let extend = if op.name().ends_with("_s") { P::Pmovsxbw } else { P::Pmovzxbw };
                self.extend_both(op, extend, d, s);
                self.p(P::Pmullw, d, s);
            }
            I32x4ExtmulLowI16x8S | I32x4ExtmulHighI16x8S | I32x4ExtmulLowI16x8U | I32x4ExtmulHighI16x8U => {
                let extend = if op.name().ends_with("_s") { P::Pmovsxwd } else { P::Pmovzxwd };
                self.extend_both(op, extend, d, s);
                self.p(P::Pmulld, d, s);
            }
            I64x2ExtmulLowI32x4S | I64x2ExtmulHighI32x4S | I64x2ExtmulLowI32x4U | I64x2ExtmulHighI32x4U => {
                // pmuldq/pmuludq multiply the even 32-bit lanes into 64-bit products.
                let order = if op.name().contains("high") { 0xFA } else { 0x50 };
                self.pi(PackedImm::Pshufd, d, d, order);
                self.pi(PackedImm::Pshufd, s, s, order);
                self.p(if op.name().ends_with("_s") { P::Pmuldq } else { P::Pmuludq }, d, s);
            }
            _ => return false,
        }
        true
    }

    /// `x = x > y` (signed lanes) with `gt`, the shape's `pcmpgt`; `y` may be clobbered. Without
    /// SSE4.2, 64-bit lanes take the sign of `(y - x) ^ ((y ^ x) & ((y - x) ^ y))`, which is
    /// set when `y < x` (Hacker's Delight 2-12), spread over each lane.
    fn greater(&mut self, gt: Packed, x: Xmm, y: Xmm) {
        use Packed as P;
        if gt != P::Pcmpgtq || self.sse42 {
            self.p(gt, x, y);
            return;
        }
        let (x1, x2) = (XSCRATCH, XSCRATCH2);
        self.mov(x1, y);
        self.p(P::Psubq, x1, x);
        self.mov(x2, y);
        self.p(P::Pxor, x2, x);
        self.p(P::Pxor, y, x1);
        self.p(P::Pand, x2, y);
        self.p(P::Pxor, x2, x1);
        self.asm.packed_shift(PackedShift::Psrad, x2, 31);
        self.pi(PackedImm::Pshufd, x, x2, 0xF5);
    }

    /// Widens the low (or for `high` operators, high) halves of `d` and `s` in place.
    fn extend_both(&mut self, op: SimpleOp, extend: Packed, d: Xmm, s: Xmm) {
        if op.name().contains("high") {
            self.pi(PackedImm::Pshufd, d, d, 0xEE);
            self.pi(PackedImm::Pshufd, s, s, 0xEE);
        }
        self.p(extend, d, d);
        self.p(extend, s, s);
    }

    pub(super) fn simd_unary(&mut self, op: SimpleOp, d: Xmm) -> bool {
        use Packed as P;
        use SimpleOp::*;
        let (x1, x2, x3) = (XSCRATCH, XSCRATCH2, XSCRATCH3);
        match op {
            V128Not => self.not(d),
            I8x16Abs => self.p(P::Pabsb, d, d),
            I16x8Abs => self.p(P::Pabsw, d, d),
            I32x4Abs => self.p(P::Pabsd, d, d),
            I64x2Abs => {
                // (x ^ sign) - sign, the sign spread from each lane's high half.
                self.mov(x1, d);
                self.asm.packed_shift(PackedShift::Psrad, x1, 31);
                self.pi(PackedImm::Pshufd, x1, x1, 0xF5);
                self.p(P::Pxor, d, x1);
                self.p(P::Psubq, d, x1);
            }
            I8x16Neg | I16x8Neg | I32x4Neg | I64x2Neg => {
                let sub = match op {
                    I8x16Neg => P::Psubb,
                    I16x8Neg => P::Psubw,
                    I32x4Neg => P::Psubd,
                    _ => P::Psubq,
                };
                self.p(P::Pxor, x1, x1);
                self.p(sub, x1, d);
                self.mov(d, x1);
            }
            I8x16Popcnt => {
                // Each nibble looked up in a table of bit counts.
                self.const_v128(x1, splat8(0x0f));
                self.mov(x2, d);
                self.asm.packed_shift(PackedShift::Psrlw, x2, 4);
                self.p(P::Pand, x2, x1);
                self.p(P::Pand, d, x1);
                self.const_v128(x1, u128::from_le_bytes([0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4]));
                self.mov(x3, x1);
                self.p(P::Pshufb, x3, d);
                self.p(P::Pshufb, x1, x2);
                self.p(P::Paddb, x1, x3);
                self.mov(d, x1);
            }
            F32x4Abs | F64x2Abs => {
                self.p(P::Pcmpeqd, x1, x1);
                let shift = if op == F32x4Abs { PackedShift::Psrld } else { PackedShift::Psrlq };
                self.asm.packed_shift(shift, x1, 1);
                self.p(P::Pand, d, x1);
            }
            F32x4Neg | F64x2Neg => {
                self.p(P::Pcmpeqd, x1, x1);
                let (shift, n) = if op == F32x4Neg { (PackedShift::Pslld, 31) } else { (PackedShift::Psllq, 63) };
                self.asm.packed_shift(shift, x1, n);
                self.p(P::Pxor, d, x1);
            }
            F32x4Sqrt => self.p(P::Sqrtps, d, d),
            F64x2Sqrt => self.p(P::Sqrtpd, d, d),
            F32x4Ceil | F32x4Floor | F32x4Trunc | F32x4Nearest | F64x2Ceil | F64x2Floor | F64x2Trunc | F64x2Nearest => {
                let name = op.name();
                let mode = match &name[6..] {
                    "ceil" => ROUND_UP,
                    "floor" => ROUND_DOWN,
                    "trunc" => ROUND_ZERO,
                    _ => ROUND_NEAREST,
                };
                let round = if name.starts_with("f32") { PackedImm::Roundps } else { PackedImm::Roundpd };
                self.pi(round, d, d, mode);
            }
            I16x8ExtendLowI8x16S => self.p(P::Pmovsxbw, d, d),
            I16x8ExtendLowI8x16U => self.p(P::Pmovzxbw, d, d),
            I32x4ExtendLowI16x8S => self.p(P::Pmovsxwd, d, d),
            I32x4ExtendLowI16x8U => self.p(P::Pmovzxwd, d, d),
            I64x2ExtendLowI32x4S => self.p(P::Pmovsxdq, d, d),
            I64x2ExtendLowI32x4U => self.p(P::Pmovzxdq, d, d),
            I16x8ExtendHighI8x16S
            | I16x8ExtendHighI8x16U
            | I32x4ExtendHighI16x8S
            | I32x4ExtendHighI16x8U
            | I64x2ExtendHighI32x4S
            | I64x2ExtendHighI32x4U => {
                let extend = match op {
                    I16x8ExtendHighI8x16S => P::Pmovsxbw,
                    I16x8ExtendHighI8x16U => P::Pmovzxbw,
                    I32x4ExtendHighI16x8S => P::Pmovsxwd,
                    I32x4ExtendHighI16x8U => P::Pmovzxwd,
                    I64x2ExtendHighI32x4S => P::Pmovsxdq,
                    _ => P::Pmovzxdq,
                };
                self.pi(PackedImm::Pshufd, d, d, 0xEE);
                self.p(extend, d, d);
            }
            I16x8ExtaddPairwiseI8x16S => {
                // pmaddubsw multiplies unsigned bytes of its destination by signed bytes.
                self.const_v128(x1, splat8(1));
                self.p(P::Pmaddubsw, x1, d);
                self.mov(d, x1);
            }
            I16x8ExtaddPairwiseI8x16U => {
                self.const_v128(x1, splat8(1));
                self.p(P::Pmaddubsw, d, x1);
            }
            I32x4ExtaddPairwiseI16x8S => {
                self.const_v128(x1, splat16(1));
                self.p(P::Pmaddwd, d, x1);
            }
            I32x4ExtaddPairwiseI16x8U => {
                // Biased to signed, added pairwise, the bias (2 * 0x8000) added back.
                self.const_v128(x1, splat16(0x8000));
                self.p(P::Pxor, d, x1);
                self.const_v128(x1, splat16(1));
                self.p(P::Pmaddwd, d, x1);
                self.const_v128(x1, splat32(0x10000));
                self.p(P::Paddd, d, x1);
            }
            F32x4ConvertI32x4S => self.p(P::Cvtdq2ps, d, d),
            F32x4ConvertI32x4U => {
                // The low 16 bits and the rest (halved, so it is a positive i32) convert
                // exactly; adding them rounds once.
                self.mov(x1, d);
                self.asm.packed_shift(PackedShift::Pslld, x1, 16);
                self.asm.packed_shift(PackedShift::Psrld, x1, 16);
                self.p(P::Psubd, d, x1);
                self.p(P::Cvtdq2ps, x1, x1);
                self.asm.packed_shift(PackedShift::Psrld, d, 1);
                self.p(P::Cvtdq2ps, d, d);
                self.p(P::Addps, d, d);
                self.p(P::Addps, d, x1);
            }
            F64x2ConvertLowI32x4S => self.p(P::Cvtdq2pd, d, d),
            F64x2ConvertLowI32x4U => {
                // 2^52 + x has x in its mantissa.
                self.p(P::Pmovzxdq, d, d);
                self.const_v128(x1, splat64(0x4330_0000_0000_0000));
                self.p(P::Por, d, x1);
                self.p(P::Subpd, d, x1);
            }
            F32x4DemoteF64x2Zero => self.p(P::Cvtpd2ps, d, d),
            F64x2PromoteLowF32x4 => self.p(P::Cvtps2pd, d, d),
            I32x4TruncSatF32x4S => {
                // NaN to 0; cvttps2dq gives 0x80000000 out of range, flipped to the maximum
                // where the input is at least 2^31.
                self.mov(x1, d);
                self.pi(PackedImm::Cmpps, x1, d, CMP_ORD);
                self.p(P::Pand, d, x1);
                self.const_v128(x1, splat32(0x4f00_0000));
                self.pi(PackedImm::Cmpps, x1, d, CMP_LE);
                self.p(P::Cvttps2dq, d, d);
                self.p(P::Pxor, d, x1);
            }
            I32x4TruncSatF32x4U => {
                // NaN and negatives to 0; inputs of 2^31 and more convert less 2^31 and the
                // two conversions add up; 2^32 and more saturate.
                self.p(P::Pxor, x1, x1);
                self.p(P::Maxps, d, x1);
                self.const_v128(x2, splat32(0x4f00_0000));
                self.mov(x3, d);
                self.p(P::Subps, x3, x2);
                self.mov(x1, x2);
                self.pi(PackedImm::Cmpps, x1, x3, CMP_LE);
                self.p(P::Cvttps2dq, x3, x3);
                self.p(P::Pxor, x3, x1);
                self.p(P::Pxor, x1, x1);
                self.p(P::Pmaxsd, x3, x1);
                self.p(P::Cvttps2dq, d, d);
                self.p(P::Paddd, d, x3);
            }
            I32x4TruncSatF64x2SZero => {
                self.mov(x1, d);
                self.pi(PackedImm::Cmppd, x1, d, CMP_ORD);
                self.p(P::Pand, d, x1);
                self.const_v128(x1, splat64(2147483647.0f64.to_bits()));
                self.p(P::Minpd, d, x1);
                self.p(P::Cvttpd2dq, d, d);
            }
            I32x4TruncSatF64x2UZero => {
                // Clamped to [0, 2^32 - 1] and truncated, 2^52 added puts the integer in the
                // low 32 bits of each lane, which shufps gathers.
                self.p(P::Pxor, x1, x1);
                self.p(P::Maxpd, d, x1);
                self.const_v128(x1, splat64(4294967295.0f64.to_bits()));
                self.p(P::Minpd, d, x1);
                self.pi(PackedImm::Roundpd, d, d, ROUND_ZERO);
                self.const_v128(x1, splat64(0x4330_0000_0000_0000));
                self.p(P::Addpd, d, x1);
                self.p(P::Pxor, x1, x1);
                self.pi(PackedImm::Shufps, d, x1, 0x88);
            }
            _ => return false,
        }
        true
    }

    pub(super) fn simd_shift(&mut self, op: SimpleOp, d: Xmm, count: Gpr) {
        use Packed as P;
        use SimpleOp::*;
        let (x1, x2) = (XSCRATCH, XSCRATCH2);
        self.asm.alu_ri(super::asm::Alu::And, Size::S32, count, lane_bits(op) as i32 - 1);
        match op {
            I8x16Shl => {
                // Shift words, then clear the bits that crossed into the next byte.
                self.asm.mov_to_xmm(Size::S32, x1, count);
                self.p(P::Psllw, d, x1);
                self.p(P::Pcmpeqd, x2, x2);
                self.p(P::Psllw, x2, x1);
                self.p(P::Pxor, x1, x1);
                self.p(P::Pshufb, x2, x1);
                self.p(P::Pand, d, x2);
            }
            I8x16ShrU => {
                self.asm.mov_to_xmm(Size::S32, x1, count);
                self.p(P::Psrlw, d, x1);
                self.p(P::Pcmpeqd, x2, x2);
                self.p(P::Psrlw, x2, x1);
                self.asm.packed_shift(PackedShift::Psrlw, x2, 8);
                self.p(P::Packuswb, x2, x2);
                self.p(P::Pand, d, x2);
            }
            I8x16ShrS => {
                // Each byte in the high half of a word, shifted by 8 more, packed back.
                self.asm.alu_ri(super::asm::Alu::Add, Size::S32, count, 8);
                self.asm.mov_to_xmm(Size::S32, x1, count);
                self.mov(x2, d);
                self.p(P::Punpckhbw, x2, x2);
                self.p(P::Psraw, x2, x1);
                self.p(P::Punpcklbw, d, d);
                self.p(P::Psraw, d, x1);
                self.p(P::Packsswb, d, x2);
            }
            I64x2ShrS => {
                // ((x >> n) ^ m) - m with m = 2^63 >> n (logical shifts).
                self.asm.mov_to_xmm(Size::S32, x1, count);
                self.const_v128(x2, splat64(1 << 63));
                self.p(P::Psrlq, x2, x1);
                self.p(P::Psrlq, d, x1);
                self.p(P::Pxor, d, x2);
                self.p(P::Psubq, d, x2);
            }
            _ => {
                let inst = match op {
                    I16x8Shl => P::Psllw,
                    I16x8ShrS => P::Psraw,
                    I16x8ShrU => P::Psrlw,
                    I32x4Shl => P::Pslld,
                    I32x4ShrS => P::Psrad,
                    I32x4ShrU => P::Psrld,
                    I64x2Shl => P::Psllq,
                    I64x2ShrU => P::Psrlq,
                    other => unreachable!("{} is not a shift", other.name()),
                };
                self.asm.mov_to_xmm(Size::S32, x1, count);
                self.p(inst, d, x1);
            }
        }
    }

    /// A shift by a constant count (taken modulo the lane width).
    pub(super) fn simd_shift_imm(&mut self, op: SimpleOp, d: Xmm, count: u32) {
        use Packed as P;
        use PackedShift as S;
        use SimpleOp::*;
        let (x1, x2) = (XSCRATCH, XSCRATCH2);
        let n = (count % lane_bits(op)) as u8;
        match op {
            I8x16Shl | I8x16ShrU => {
                let (shift, mask) = if op == I8x16Shl { (S::Psllw, 0xffu8 << n) } else { (S::Psrlw, 0xff >> n) };
                self.asm.packed_shift(shift, d, n);
                self.const_v128(x1, splat8(mask));
                self.p(P::Pand, d, x1);
            }
            I8x16ShrS => {
                self.mov(x2, d);
                self.p(P::Punpckhbw, x2, x2);
                self.asm.packed_shift(S::Psraw, x2, n + 8);
                self.p(P::Punpcklbw, d, d);
                self.asm.packed_shift(S::Psraw, d, n + 8);
                self.p(P::Packsswb, d, x2);
            }
            I64x2ShrS => {
                self.const_v128(x2, splat64((1 << 63) >> n));
                self.asm.packed_shift(S::Psrlq, d, n);
                self.p(P::Pxor, d, x2);
                self.p(P::Psubq, d, x2);
            }
            _ => {
                let shift = match op {
                    I16x8Shl => S::Psllw,
                    I16x8ShrS => S::Psraw,
                    I16x8ShrU => S::Psrlw,
                    I32x4Shl => S::Pslld,
                    I32x4ShrS => S::Psrad,
                    I32x4ShrU => S::Psrld,
                    I64x2Shl => S::Psllq,
                    I64x2ShrU => S::Psrlq,
                    other => unreachable!("{} is not a shift", other.name()),
                };
                self.asm.packed_shift(shift, d, n);
            }
        }
    }

    pub(super) fn simd_test(&mut self, op: SimpleOp, dst: Gpr, s: Xmm) {
        use Packed as P;
        use SimpleOp::*;
        let x1 = XSCRATCH;
        match op {
            V128AnyTrue => {
                self.asm.alu_rr(super::asm::Alu::Xor, Size::S32, dst, dst);
                self.p(P::Ptest, s, s);
                self.asm.setcc(Cond::Ne, dst);
            }
            I8x16AllTrue | I16x8AllTrue | I32x4AllTrue | I64x2AllTrue => {
                let eq = match op {
                    I8x16AllTrue => P::Pcmpeqb,
                    I16x8AllTrue => P::Pcmpeqw,
                    I32x4AllTrue => P::Pcmpeqd,
                    _ => P::Pcmpeqq,
                };
                // True when no lane equals zero.
                self.p(P::Pxor, x1, x1);
                self.p(eq, x1, s);
                self.asm.alu_rr(super::asm::Alu::Xor, Size::S32, dst, dst);
                self.p(P::Ptest, x1, x1);
                self.asm.setcc(Cond::E, dst);
            }
            I8x16Bitmask => self.asm.movmsk(Movmsk::Pmovmskb, dst, s),
            I16x8Bitmask => {
                self.mov(x1, s);
                self.p(P::Packsswb, x1, x1);
                self.asm.movmsk(Movmsk::Pmovmskb, dst, x1);
                self.asm.movzx_r8(dst, dst);
            }
            I32x4Bitmask => self.asm.movmsk(Movmsk::Movmskps, dst, s),
            I64x2Bitmask => self.asm.movmsk(Movmsk::Movmskpd, dst, s),
            other => unreachable!("{} is not a test", other.name()),
        }
    }

    pub(super) fn simd_splat(&mut self, op: SimpleOp, d: Xmm, src: Reg) {
        use SimpleOp::*;
        match op {
            I8x16Splat => {
                self.asm.mov_to_xmm(Size::S32, d, gpr(src));
                self.p(Packed::Pxor, XSCRATCH, XSCRATCH);
                self.p(Packed::Pshufb, d, XSCRATCH);
            }
            I16x8Splat => {
                self.asm.mov_to_xmm(Size::S32, d, gpr(src));
                self.pi(PackedImm::Pshuflw, d, d, 0);
                self.pi(PackedImm::Pshufd, d, d, 0);
            }
            I32x4Splat => {
                self.asm.mov_to_xmm(Size::S32, d, gpr(src));
                self.pi(PackedImm::Pshufd, d, d, 0);
            }
            I64x2Splat => {
                self.asm.mov_to_xmm(Size::S64, d, gpr(src));
                self.pi(PackedImm::Pshufd, d, d, 0x44);
            }
            F32x4Splat => self.pi(PackedImm::Pshufd, d, Xmm(src), 0),
            F64x2Splat => self.pi(PackedImm::Pshufd, d, Xmm(src), 0x44),
            other => unreachable!("{} is not a splat", other.name()),
        }
    }

    pub(super) fn simd_extract_lane(&mut self, op: LaneOp, lane: u8, dst: Reg, s: Xmm) {
        use LaneOp::*;
        match op {
            I8x16ExtractLaneS | I8x16ExtractLaneU => {
                self.asm.pextr(1, gpr(dst), s, lane);
                if op == I8x16ExtractLaneS {
                    self.asm.movsx_rr(8, Size::S32, gpr(dst), gpr(dst));
                }
            }
            I16x8ExtractLaneS | I16x8ExtractLaneU => {
                self.asm.pextr(2, gpr(dst), s, lane);
                if op == I16x8ExtractLaneS {
                    self.asm.movsx_rr(16, Size::S32, gpr(dst), gpr(dst));
                }
            }
            I32x4ExtractLane => self.asm.pextr(4, gpr(dst), s, lane),
            I64x2ExtractLane => self.asm.pextr(8, gpr(dst), s, lane),
            // The lane moved to lane 0 of a float register.
            F32x4ExtractLane => self.pi(PackedImm::Pshufd, Xmm(dst), s, lane),
            F64x2ExtractLane => self.pi(PackedImm::Pshufd, Xmm(dst), s, if lane == 0 { 0x44 } else { 0xEE }),
            other => unreachable!("{} extracts no lane", other.name()),
        }
    }

    pub(super) fn simd_replace_lane(&mut self, op: LaneOp, lane: u8, d: Xmm, src: Reg) {
        use LaneOp::*;
        match op {
            I8x16ReplaceLane => self.asm.pinsr(1, d, gpr(src), lane),
            I16x8ReplaceLane => self.asm.pinsr(2, d, gpr(src), lane),
            I32x4ReplaceLane => self.asm.pinsr(4, d, gpr(src), lane),
            I64x2ReplaceLane => self.asm.pinsr(8, d, gpr(src), lane),
            F32x4ReplaceLane => self.pi(PackedImm::Insertps, d, Xmm(src), lane << 4),
            F64x2ReplaceLane if lane == 0 => self.pi(PackedImm::Pblendw, d, Xmm(src), 0x0F),
            F64x2ReplaceLane => self.p(Packed::Punpcklqdq, d, Xmm(src)),
            other => unreachable!("{} replaces no lane", other.name()),
        }
    }

    pub(super) fn simd_shuffle(&mut self, lanes: &[u8; 16], d: Xmm, s: Xmm) {
        // Each operand's bytes picked by pshufb (0x80 clears a byte), the two combined.
        let from_a = lanes.map(|i| if i < 16 { i } else { 0x80 });
        let from_b = lanes.map(|i| if i >= 16 { i - 16 } else { 0x80 });
        self.const_v128(XSCRATCH, u128::from_le_bytes(from_a));
        self.p(Packed::Pshufb, d, XSCRATCH);
        self.const_v128(XSCRATCH, u128::from_le_bytes(from_b));
        self.p(Packed::Pshufb, s, XSCRATCH);
        self.p(Packed::Por, d, s);
    }

    pub(super) fn simd_heap_load(&mut self, op: MemOp, d: Xmm, addr: Index, offset: u32) {
        use super::asm::Prec as AP;
        use MemOp::*;
        let m: Mem = self.heap_operand(addr, offset, crate::semantics::simd::load_size(op) as u8);
        self.heap_site();
        match op {
            V128Load => self.asm.movdqu_load(d, m),
            V128Load8x8S => self.asm.packed_m(Packed::Pmovsxbw, d, m),
            V128Load8x8U => self.asm.packed_m(Packed::Pmovzxbw, d, m),
            V128Load16x4S => self.asm.packed_m(Packed::Pmovsxwd, d, m),
            V128Load16x4U => self.asm.packed_m(Packed::Pmovzxwd, d, m),
            V128Load32x2S => self.asm.packed_m(Packed::Pmovsxdq, d, m),
            V128Load32x2U => self.asm.packed_m(Packed::Pmovzxdq, d, m),
            V128Load8Splat => {
                self.asm.pinsr_m(1, d, m, 0);
                self.p(Packed::Pxor, XSCRATCH, XSCRATCH);
                self.p(Packed::Pshufb, d, XSCRATCH);
            }
            V128Load16Splat => {
                self.asm.pinsr_m(2, d, m, 0);
                self.pi(PackedImm::Pshuflw, d, d, 0);
                self.pi(PackedImm::Pshufd, d, d, 0);
            }
            V128Load32Splat => {
                self.asm.sse_load(AP::F32, d, m);
                self.pi(PackedImm::Pshufd, d, d, 0);
            }
            V128Load64Splat => {
                self.asm.sse_load(AP::F64, d, m);
                self.pi(PackedImm::Pshufd, d, d, 0x44);
            }
            // movss and movsd from memory clear the rest of the register.
            V128Load32Zero => self.asm.sse_load(AP::F32, d, m),
            V128Load64Zero => self.asm.sse_load(AP::F64, d, m),
            other => unreachable!("{} is not a v128 load", other.name()),
        }
    }
}
