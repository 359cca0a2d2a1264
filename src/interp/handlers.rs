//! The executor's instruction handlers, one function per kind of instruction, and how control
//! passes from one to the next (part of the executor: see `exec` for calls, frames and traps).
//!
//! Every handler has the same signature: the instruction pointer, the running frame, memory
//! 0's base and length, the executor, and the accumulator: an integer, an f64 and an f32 that
//! carry a result to the next instruction without a trip through its slot (see
//! `code::accumulate`; a handler's const generic `M` says which of its operands it reads from
//! there and whether it puts its result there). It does its instruction's work and ends by calling
//! the next instruction's handler, which `Op` carries beside the instruction, with the same
//! arguments. In optimized builds (cfg `wasmrt_tail_dispatch`, set by build.rs) those calls are
//! sibling calls that LLVM compiles to jumps: dispatch is one indirect jump at the end of every
//! handler, each predicted on its own, and the hot state never leaves registers. Unoptimized
//! builds do not turn calls into jumps, so there a handler saves that state in the executor
//! and returns to a loop that calls the next handler.
//!
//! For calls to stay jumps, a handler must not hand the address of one of its own locals to a
//! function it calls: work that needs that lives in `#[inline(never)]` methods of `Executor`
//! that take `&mut self` and return a small value.

// Handlers take the whole dispatch state as arguments, so that it stays in registers.
#![allow(clippy::too_many_arguments)]

use super::code::{imm_operand, Instr, Op, ACC_A, ACC_B, ACC_DST};
use super::exec::{self, get, get128, set, set128, Executor, Unwind};
use crate::decode::ops::{MemKind, MemOp, SimpleOp};
use crate::runtime::trap::TrapCode;
use crate::semantics::simd::{self, SimdFn};

use crate::runtime::store::FuncEntity;
use crate::types::ValType;

/// Where the next instruction is.
pub(crate) type Ip = *const Op;

/// An instruction's handler.
pub(crate) type Handler = for<'e, 's> fn(Ip, *mut u64, *mut u8, usize, &'e mut Executor<'s>, u64, f64, f32) -> Control;

/// How a handler ends when it does not pass control on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Control {
    /// The dispatch loop calls the next handler (unoptimized builds only).
    #[cfg_attr(wasmrt_tail_dispatch, allow(dead_code))]
    Next,
    /// The outermost activation returned.
    Done,
    /// A trap: the executor's `unwind` says which.
    Unwind,
}

/// The handler arguments the dispatch loop passes on (unoptimized builds).
#[cfg(not(wasmrt_tail_dispatch))]
#[derive(Clone, Copy)]
pub(crate) struct Resume {
    ip: Ip,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    ai: u64,
    fd: f64,
    fs: f32,
}

#[cfg(not(wasmrt_tail_dispatch))]
impl Default for Resume {
    fn default() -> Resume {
        Resume {
            ip: std::ptr::null(),
            regs: std::ptr::null_mut(),
            mem: std::ptr::null_mut(),
            len: 0,
            ai: 0,
            fd: 0.0,
            fs: 0.0,
        }
    }
}

/// Runs code from `ip` with the frame at `regs` until the outermost activation returns or
/// something traps.
#[cfg(wasmrt_tail_dispatch)]
pub(crate) fn execute(ex: &mut Executor<'_>, ip: Ip, regs: *mut u64) -> Control {
    let (mem, len) = (ex.mem_base, ex.mem_len);
    // SAFETY: `ip` is the first instruction of the running function.
    unsafe { ((*ip).handler)(ip, regs, mem, len, ex, 0, 0.0, 0.0) }
}

#[cfg(not(wasmrt_tail_dispatch))]
pub(crate) fn execute(ex: &mut Executor<'_>, ip: Ip, regs: *mut u64) -> Control {
    ex.resume = Resume { ip, regs, mem: ex.mem_base, len: ex.mem_len, ..Resume::default() };
    loop {
        let Resume { ip, regs, mem, len, ai, fd, fs } = ex.resume;
        // SAFETY: handlers leave the next instruction of the running function in `resume`.
        match unsafe { ((*ip).handler)(ip, regs, mem, len, ex, ai, fd, fs) } {
            Control::Next => {}
            done => return done,
        }
    }
}

/// Passes control to the instruction at `ip`. The accumulator arguments are dead after a
/// branch, call or return (no instruction there reads them), so handlers of those pass zeros,
/// which spares the registers' saving around the calls such handlers make.
#[cfg(wasmrt_tail_dispatch)]
macro_rules! next {
    ($ip:expr, $regs:expr, $mem:expr, $len:expr, $ex:expr, $ai:expr, $fd:expr, $fs:expr) => {{
        let ip: Ip = $ip;
        return ((*ip).handler)(ip, $regs, $mem, $len, $ex, $ai, $fd, $fs);
    }};
}

#[cfg(not(wasmrt_tail_dispatch))]
macro_rules! next {
    ($ip:expr, $regs:expr, $mem:expr, $len:expr, $ex:expr, $ai:expr, $fd:expr, $fs:expr) => {{
        $ex.resume = Resume { ip: $ip, regs: $regs, mem: $mem, len: $len, ai: $ai, fd: $fd, fs: $fs };
        return Control::Next;
    }};
}

/// Defines handlers: `fn name(ip, regs, mem, len, ex, ai, fd, fs) Pattern => { body }`, the pattern
/// binding the instruction's fields.
///
/// SAFETY of the bodies (they run in an `unsafe` block): `handler_for` attaches each handler
/// only to instructions its pattern matches; every slot an instruction names is below its
/// function's `frame_slots` (the compiler derives them from validated stack heights) and
/// `Executor::enter` checked that the frame fits the stack, which is not reallocated while
/// code runs; branch targets and the end of each instruction are instructions of the same
/// function, which ends with a `Return`; `mem` and `len` describe the running instance's memory
/// 0, whose bytes stay mapped while the store lives.
macro_rules! handlers {
    ($($(#[$doc:meta])* fn $name:ident $(<$(const $g:ident: $gt:ty),+>)? ($ip:ident, $regs:ident, $mem:ident, $len:ident, $ex:ident, $ai:ident, $fd:ident, $fs:ident) $pat:pat => $body:block)*) => {$(
        $(#[$doc])*
        #[allow(unused_variables, unused_unsafe, unused_mut, irrefutable_let_patterns, clippy::unnecessary_cast)]
        fn $name $(<$(const $g: $gt),+>)? ($ip: Ip, $regs: *mut u64, $mem: *mut u8, $len: usize, $ex: &mut Executor<'_>, mut $ai: u64, mut $fd: f64, mut $fs: f32) -> Control {
            unsafe {
                let $pat = (*$ip).instr else { std::hint::unreachable_unchecked() };
                $body
            }
        }
    )*};
}

/// Ends a handler with a trap at `ip`.
#[cold]
#[inline(never)]
fn trap(ex: &mut Executor<'_>, ip: Ip, code: TrapCode) -> Control {
    ex.act.ip = ip.wrapping_add(1);
    ex.unwind = Some(Unwind::Trap(code));
    Control::Unwind
}

/// Ends a handler with the unwind a slow path already recorded in the executor.
#[cold]
#[inline(never)]
fn unwound(ex: &mut Executor<'_>, ip: Ip) -> Control {
    ex.act.ip = ip.wrapping_add(1);
    Control::Unwind
}

/// Reads an integer operand: from `slot`, or from the accumulator if `from_acc`.
///
/// SAFETY (for callers): as for `handlers!`.
#[inline(always)]
unsafe fn arg(regs: *mut u64, slot: u32, from_acc: bool, ai: u64) -> u64 {
    if from_acc {
        ai
    } else {
        get(regs, slot)
    }
}

/// Reads an operand of type `ty` as slot bits: from `slot`, or from the accumulator register
/// for its type if `from_acc`.
///
/// SAFETY (for callers): as for `handlers!`.
#[inline(always)]
unsafe fn operand(regs: *mut u64, slot: u32, from_acc: bool, ty: ValType, ai: u64, fd: f64, fs: f32) -> u64 {
    match (from_acc, ty) {
        (false, _) => get(regs, slot),
        (true, ValType::F32) => fs.to_bits() as u64,
        (true, ValType::F64) => fd.to_bits(),
        (true, _) => ai,
    }
}

/// Writes a result of type `$ty` (slot bits `$v`) to slot `$dst` and, if `$to_acc`, to the
/// accumulator register for its type.
macro_rules! put {
    ($regs:expr, $dst:expr, $to_acc:expr, $ty:expr, $v:expr, $ai:ident, $fd:ident, $fs:ident) => {{
        let v: u64 = $v;
        set($regs, $dst, v);
        match ($to_acc, $ty) {
            (false, _) => {}
            (true, ValType::F32) => $fs = f32::from_bits(v as u32),
            (true, ValType::F64) => $fd = f64::from_bits(v),
            (true, _) => $ai = v,
        }
    }};
}

/// Evaluates to the value of a `Result<_, TrapCode>`, or ends the handler with its trap.
macro_rules! check {
    ($ex:expr, $ip:expr, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(code) => return trap($ex, $ip, code),
        }
    };
}

/// The target of `branch`, or the end of the handler with its trap.
macro_rules! target {
    ($e:expr) => {
        match $e {
            Ok(next) => next,
            Err(control) => return control,
        }
    };
}

/// An i32 operator with register operands, and its form with an immediate right operand.
macro_rules! i32_ops {
    ($($rr:ident $ri:ident = $V:ident $VI:ident |$a:ident, $b:ident| $e:expr;)*) => {$(
        handlers! {
            fn $rr<const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::$V { dst, a, b } => {
                let ($a, $b) = (arg(regs, a, M & ACC_A != 0, ai) as u32, arg(regs, b, M & ACC_B != 0, ai) as u32);
                put!(regs, dst, M & ACC_DST != 0, ValType::I32, ($e) as u32 as u64, ai, fd, fs);
                next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
            }
            fn $ri<const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::$VI { dst, a, imm } => {
                let ($a, $b) = (arg(regs, a, M & ACC_A != 0, ai) as u32, imm);
                put!(regs, dst, M & ACC_DST != 0, ValType::I32, ($e) as u32 as u64, ai, fd, fs);
                next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
            }
        }
    )*};
}

/// An i64 operator, and its form with an immediate (an i32 sign-extended) right operand.
macro_rules! i64_ops {
    ($($rr:ident $ri:ident = $V:ident $VI:ident |$a:ident, $b:ident| $e:expr;)*) => {$(
        handlers! {
            fn $rr<const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::$V { dst, a, b } => {
                let ($a, $b) = (arg(regs, a, M & ACC_A != 0, ai), arg(regs, b, M & ACC_B != 0, ai));
                put!(regs, dst, M & ACC_DST != 0, ValType::I64, ($e) as u64, ai, fd, fs);
                next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
            }
            fn $ri<const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::$VI { dst, a, imm } => {
                let ($a, $b) = (arg(regs, a, M & ACC_A != 0, ai), imm as i32 as i64 as u64);
                put!(regs, dst, M & ACC_DST != 0, ValType::I64, ($e) as u64, ai, fd, fs);
                next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
            }
        }
    )*};
}

/// An i32 comparison fused with a branch, taken when it holds.
macro_rules! br_i32 {
    ($($rr:ident $ri:ident = $V:ident $VI:ident |$a:ident, $b:ident| $e:expr;)*) => {$(
        handlers! {
            fn $rr<const BACK: bool, const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::$V { a, b, pc } => {
                let ($a, $b) = (arg(regs, a, M & ACC_A != 0, ai) as u32, arg(regs, b, M & ACC_B != 0, ai) as u32);
                next!(target!(branch::<BACK>(ex, ip, $e, pc)), regs, mem, len, ex, 0, 0.0, 0.0)
            }
            fn $ri<const BACK: bool, const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::$VI { a, imm, pc } => {
                let ($a, $b) = (arg(regs, a, M & ACC_A != 0, ai) as u32, imm);
                next!(target!(branch::<BACK>(ex, ip, $e, pc)), regs, mem, len, ex, 0, 0.0, 0.0)
            }
        }
    )*};
}

/// A load from memory 0 of a `$t`, widened by `$conv`; a store of the low bytes of a slot.
macro_rules! loads {
    ($($name:ident = $V:ident $t:ty => $($conv:ty)as+;)*) => {$(
        handlers! {
            fn $name<const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::$V { dst, addr, offset } => {
                let addr = arg(regs, addr, M & ACC_A != 0, ai);
                let ea = check!(ex, ip, Executor::effective(len, addr, offset, std::mem::size_of::<$t>()));
                let v = <$t>::from_le(std::ptr::read_unaligned(mem.add(ea) as *const $t));
                put!(regs, dst, M & ACC_DST != 0, ValType::I64, v $(as $conv)+ as u64, ai, fd, fs);
                next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
            }
        }
    )*};
}

macro_rules! stores {
    ($($name:ident = $V:ident $t:ty;)*) => {$(
        handlers! {
            fn $name<const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::$V { addr, value, offset } => {
                let (addr, value) = (arg(regs, addr, M & ACC_A != 0, ai), arg(regs, value, M & ACC_B != 0, ai));
                let ea = check!(ex, ip, Executor::effective(len, addr, offset, std::mem::size_of::<$t>()));
                std::ptr::write_unaligned(mem.add(ea) as *mut $t, (value as $t).to_le());
                next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
            }
        }
    )*};
}

i32_ops! {
    i32_add i32_add_imm = I32Add I32AddImm |a, b| a.wrapping_add(b);
    i32_sub i32_sub_imm = I32Sub I32SubImm |a, b| a.wrapping_sub(b);
    i32_mul i32_mul_imm = I32Mul I32MulImm |a, b| a.wrapping_mul(b);
    i32_and i32_and_imm = I32And I32AndImm |a, b| a & b;
    i32_or i32_or_imm = I32Or I32OrImm |a, b| a | b;
    i32_xor i32_xor_imm = I32Xor I32XorImm |a, b| a ^ b;
    i32_shl i32_shl_imm = I32Shl I32ShlImm |a, b| a.wrapping_shl(b);
    i32_shr_s i32_shr_s_imm = I32ShrS I32ShrSImm |a, b| (a as i32).wrapping_shr(b);
    i32_shr_u i32_shr_u_imm = I32ShrU I32ShrUImm |a, b| a.wrapping_shr(b);
    i32_eq i32_eq_imm = I32Eq I32EqImm |a, b| a == b;
    i32_ne i32_ne_imm = I32Ne I32NeImm |a, b| a != b;
    i32_lt_s i32_lt_s_imm = I32LtS I32LtSImm |a, b| (a as i32) < (b as i32);
    i32_lt_u i32_lt_u_imm = I32LtU I32LtUImm |a, b| a < b;
    i32_gt_s i32_gt_s_imm = I32GtS I32GtSImm |a, b| (a as i32) > (b as i32);
    i32_gt_u i32_gt_u_imm = I32GtU I32GtUImm |a, b| a > b;
    i32_le_s i32_le_s_imm = I32LeS I32LeSImm |a, b| (a as i32) <= (b as i32);
    i32_le_u i32_le_u_imm = I32LeU I32LeUImm |a, b| a <= b;
    i32_ge_s i32_ge_s_imm = I32GeS I32GeSImm |a, b| (a as i32) >= (b as i32);
    i32_ge_u i32_ge_u_imm = I32GeU I32GeUImm |a, b| a >= b;
}

i64_ops! {
    i64_add i64_add_imm = I64Add I64AddImm |a, b| a.wrapping_add(b);
    i64_sub i64_sub_imm = I64Sub I64SubImm |a, b| a.wrapping_sub(b);
    i64_mul i64_mul_imm = I64Mul I64MulImm |a, b| a.wrapping_mul(b);
    i64_and i64_and_imm = I64And I64AndImm |a, b| a & b;
    i64_or i64_or_imm = I64Or I64OrImm |a, b| a | b;
    i64_xor i64_xor_imm = I64Xor I64XorImm |a, b| a ^ b;
    i64_shl i64_shl_imm = I64Shl I64ShlImm |a, b| a.wrapping_shl(b as u32);
    i64_shr_s i64_shr_s_imm = I64ShrS I64ShrSImm |a, b| (a as i64).wrapping_shr(b as u32);
    i64_shr_u i64_shr_u_imm = I64ShrU I64ShrUImm |a, b| a.wrapping_shr(b as u32);
    i64_eq i64_eq_imm = I64Eq I64EqImm |a, b| a == b;
    i64_ne i64_ne_imm = I64Ne I64NeImm |a, b| a != b;
    i64_lt_s i64_lt_s_imm = I64LtS I64LtSImm |a, b| (a as i64) < (b as i64);
    i64_lt_u i64_lt_u_imm = I64LtU I64LtUImm |a, b| a < b;
    i64_gt_s i64_gt_s_imm = I64GtS I64GtSImm |a, b| (a as i64) > (b as i64);
    i64_gt_u i64_gt_u_imm = I64GtU I64GtUImm |a, b| a > b;
    i64_le_s i64_le_s_imm = I64LeS I64LeSImm |a, b| (a as i64) <= (b as i64);
    i64_le_u i64_le_u_imm = I64LeU I64LeUImm |a, b| a <= b;
    i64_ge_s i64_ge_s_imm = I64GeS I64GeSImm |a, b| (a as i64) >= (b as i64);
    i64_ge_u i64_ge_u_imm = I64GeU I64GeUImm |a, b| a >= b;
}

br_i32! {
    br_i32_eq br_i32_eq_imm = BrIfI32Eq BrIfI32EqImm |a, b| a == b;
    br_i32_ne br_i32_ne_imm = BrIfI32Ne BrIfI32NeImm |a, b| a != b;
    br_i32_lt_s br_i32_lt_s_imm = BrIfI32LtS BrIfI32LtSImm |a, b| (a as i32) < (b as i32);
    br_i32_lt_u br_i32_lt_u_imm = BrIfI32LtU BrIfI32LtUImm |a, b| a < b;
    br_i32_gt_s br_i32_gt_s_imm = BrIfI32GtS BrIfI32GtSImm |a, b| (a as i32) > (b as i32);
    br_i32_gt_u br_i32_gt_u_imm = BrIfI32GtU BrIfI32GtUImm |a, b| a > b;
    br_i32_le_s br_i32_le_s_imm = BrIfI32LeS BrIfI32LeSImm |a, b| (a as i32) <= (b as i32);
    br_i32_le_u br_i32_le_u_imm = BrIfI32LeU BrIfI32LeUImm |a, b| a <= b;
    br_i32_ge_s br_i32_ge_s_imm = BrIfI32GeS BrIfI32GeSImm |a, b| (a as i32) >= (b as i32);
    br_i32_ge_u br_i32_ge_u_imm = BrIfI32GeU BrIfI32GeUImm |a, b| a >= b;
}

loads! {
    i32_load = I32Load u32 => u32;
    i64_load = I64Load u64 => u64;
    i32_load8_s = I32Load8S i8 => i32 as u32;
    i32_load8_u = I32Load8U u8 => u32;
    i32_load16_s = I32Load16S i16 => i32 as u32;
    i32_load16_u = I32Load16U u16 => u32;
}

stores! {
    i32_store = I32Store u32;
    i64_store = I64Store u64;
    i32_store8 = I32Store8 u8;
    i32_store16 = I32Store16 u16;
}

/// Scalar operators in `SimpleOp::ALL` come first; the SIMD ones after them are lowered to
/// `Simd*` instructions.
const SCALAR_OPS: usize = 136;
const _: () = assert!(matches!(SimpleOp::ALL[SCALAR_OPS - 1], SimpleOp::I64TruncSatF64U));
const _: () = assert!(matches!(SimpleOp::ALL[SCALAR_OPS], SimpleOp::I8x16Swizzle));

handlers! {
    /// `Instr::Simple` for operator `SimpleOp::ALL[K]`: one handler per operator, so that there
    /// is no second dispatch on the operator.
    fn simple<const K: usize, const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::Simple { dst, a, b, .. } => {
        let op = const { SimpleOp::ALL[K] };
        let (ta, tb) = const { (SimpleOp::ALL[K].params()[0], SimpleOp::ALL[K].params()[SimpleOp::ALL[K].params().len() - 1]) };
        let x = operand(regs, a, M & ACC_A != 0, ta, ai, fd, fs);
        let y = operand(regs, b, M & ACC_B != 0, tb, ai, fd, fs);
        let ty = const { SimpleOp::ALL[K].result() };
        put!(regs, dst, M & ACC_DST != 0, ty, check!(ex, ip, exec::simple(op, x, y)), ai, fd, fs);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    /// `Instr::BrIfCmp` for comparison `SimpleOp::ALL[K]`, negated if `NEGATE`, back to a loop
    /// if `BACK`.
    fn br_cmp<const K: usize, const NEGATE: bool, const BACK: bool, const M: u8>(ip, regs, mem, len, ex, ai, fd, fs)
        Instr::BrIfCmp { a, b, pc, .. } => {
        let op = const { SimpleOp::ALL[K] };
        let t = const { SimpleOp::ALL[K].params()[0] };
        let (x, y) = (operand(regs, a, M & ACC_A != 0, t, ai, fd, fs), operand(regs, b, M & ACC_B != 0, t, ai, fd, fs));
        // Comparisons do not trap.
        let holds = exec::simple(op, x, y).unwrap_or(0) != 0;
        next!(target!(branch::<BACK>(ex, ip, holds != NEGATE, pc)), regs, mem, len, ex, 0, 0.0, 0.0)
    }

    /// `Instr::SimpleImm` for operator `SimpleOp::ALL[K]`.
    fn simple_imm<const K: usize, const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::SimpleImm { dst, a, imm, .. } => {
        let op = const { SimpleOp::ALL[K] };
        let (ta, tb, ty) = const { (SimpleOp::ALL[K].params()[0], SimpleOp::ALL[K].params()[SimpleOp::ALL[K].params().len() - 1], SimpleOp::ALL[K].result()) };
        let x = operand(regs, a, M & ACC_A != 0, ta, ai, fd, fs);
        put!(regs, dst, M & ACC_DST != 0, ty, check!(ex, ip, exec::simple(op, x, imm_operand(tb, imm))), ai, fd, fs);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    /// `Instr::BrIfCmpImm` for comparison `SimpleOp::ALL[K]`, as `br_cmp`.
    fn br_cmp_imm<const K: usize, const NEGATE: bool, const BACK: bool, const M: u8>(ip, regs, mem, len, ex, ai, fd, fs)
        Instr::BrIfCmpImm { a, imm, pc, .. } => {
        let op = const { SimpleOp::ALL[K] };
        let t = const { SimpleOp::ALL[K].params()[0] };
        let x = operand(regs, a, M & ACC_A != 0, t, ai, fd, fs);
        // Comparisons do not trap.
        let holds = exec::simple(op, x, imm_operand(t, imm)).unwrap_or(0) != 0;
        next!(target!(branch::<BACK>(ex, ip, holds != NEGATE, pc)), regs, mem, len, ex, 0, 0.0, 0.0)
    }

    /// `Instr::StoreImm` for operator `MemOp::ALL[K]`.
    fn store_imm<const K: usize, const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::StoreImm { addr, imm, offset, .. } => {
        let (op, ty) = const { (MemOp::ALL[K], match MemOp::ALL[K].kind() { MemKind::Store(t) => t, _ => ValType::I32 }) };
        let size = exec::access_size(op);
        let ea = check!(ex, ip, Executor::effective(len, arg(regs, addr, M & ACC_A != 0, ai), offset, size));
        Executor::write(mem, ea, size, imm_operand(ty, imm) as u128);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    /// `Instr::Simple` for SIMD operator `SimpleOp::ALL[K]` (any but the ternary one).
    fn simd<const K: usize>(ip, regs, mem, len, ex, ai, fd, fs) Instr::Simple { dst, a, b, .. } => {
        match const { simd::simple(SimpleOp::ALL[K]) } {
            Some(SimdFn::Unary(f)) => set128(regs, dst, f(get128(regs, a))),
            Some(SimdFn::Binary(f)) => set128(regs, dst, f(get128(regs, a), get128(regs, b))),
            Some(SimdFn::Shift(f)) => set128(regs, dst, f(get128(regs, a), get(regs, b) as u32)),
            Some(SimdFn::Test(f)) => set(regs, dst, f(get128(regs, a)) as u64),
            Some(SimdFn::Splat32(f)) => set128(regs, dst, f(get(regs, a) as u32)),
            Some(SimdFn::Splat64(f)) => set128(regs, dst, f(get(regs, a))),
            Some(SimdFn::Ternary(_)) | None => std::hint::unreachable_unchecked(),
        }
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }
}

/// Writes the `raw` bytes a load `op` read to slot `dst`, widened to its result.
///
/// SAFETY (for callers): as for `handlers!`.
#[inline(always)]
unsafe fn set_loaded(regs: *mut u64, dst: u32, op: MemOp, raw: u128) {
    match op.kind() {
        MemKind::Load(ValType::V128) if op == MemOp::V128Load => set128(regs, dst, raw),
        MemKind::Load(ValType::V128) => set128(regs, dst, simd::load(op, raw as u64)),
        _ => set(regs, dst, exec::extend_loaded(op, raw as u64)),
    }
}

/// `Instr::Load` and `Instr::Store` (memory 0) for operator `MemOp::ALL[K]`.
#[allow(unused_unsafe)]
#[allow(unused_mut)]
fn memory<const K: usize, const M: u8>(
    ip: Ip,
    regs: *mut u64,
    mem: *mut u8,
    len: usize,
    ex: &mut Executor<'_>,
    mut ai: u64,
    mut fd: f64,
    mut fs: f32,
) -> Control {
    let op = const { MemOp::ALL[K] };
    let size = exec::access_size(op);
    // SAFETY: as for `handlers!`.
    unsafe {
        match (*ip).instr {
            Instr::Load { dst, addr, offset, .. } => {
                let ea = check!(ex, ip, Executor::effective(len, arg(regs, addr, M & ACC_A != 0, ai), offset, size));
                let raw = Executor::read(mem, ea, size);
                match const { MemOp::ALL[K].kind() } {
                    MemKind::Load(ty) if ty != ValType::V128 => {
                        put!(regs, dst, M & ACC_DST != 0, ty, exec::extend_loaded(op, raw as u64), ai, fd, fs)
                    }
                    _ => set_loaded(regs, dst, op, raw),
                }
            }
            Instr::Store { addr, value, offset, .. } => {
                let v = match const { MemOp::ALL[K].kind() } {
                    MemKind::Store(ValType::V128) => get128(regs, value),
                    MemKind::Store(ty) => operand(regs, value, M & ACC_B != 0, ty, ai, fd, fs) as u128,
                    _ => std::hint::unreachable_unchecked(),
                };
                let ea = check!(ex, ip, Executor::effective(len, arg(regs, addr, M & ACC_A != 0, ai), offset, size));
                Executor::write(mem, ea, size, v);
            }
            _ => std::hint::unreachable_unchecked(),
        }
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }
}

static SIMPLE: [fn(bool, u8) -> Handler; SCALAR_OPS] = [
    simple_for::<0>,
    simple_for::<1>,
    simple_for::<2>,
    simple_for::<3>,
    simple_for::<4>,
    simple_for::<5>,
    simple_for::<6>,
    simple_for::<7>,
    simple_for::<8>,
    simple_for::<9>,
    simple_for::<10>,
    simple_for::<11>,
    simple_for::<12>,
    simple_for::<13>,
    simple_for::<14>,
    simple_for::<15>,
    simple_for::<16>,
    simple_for::<17>,
    simple_for::<18>,
    simple_for::<19>,
    simple_for::<20>,
    simple_for::<21>,
    simple_for::<22>,
    simple_for::<23>,
    simple_for::<24>,
    simple_for::<25>,
    simple_for::<26>,
    simple_for::<27>,
    simple_for::<28>,
    simple_for::<29>,
    simple_for::<30>,
    simple_for::<31>,
    simple_for::<32>,
    simple_for::<33>,
    simple_for::<34>,
    simple_for::<35>,
    simple_for::<36>,
    simple_for::<37>,
    simple_for::<38>,
    simple_for::<39>,
    simple_for::<40>,
    simple_for::<41>,
    simple_for::<42>,
    simple_for::<43>,
    simple_for::<44>,
    simple_for::<45>,
    simple_for::<46>,
    simple_for::<47>,
    simple_for::<48>,
    simple_for::<49>,
    simple_for::<50>,
    simple_for::<51>,
    simple_for::<52>,
    simple_for::<53>,
    simple_for::<54>,
    simple_for::<55>,
    simple_for::<56>,
    simple_for::<57>,
    simple_for::<58>,
    simple_for::<59>,
    simple_for::<60>,
    simple_for::<61>,
    simple_for::<62>,
    simple_for::<63>,
    simple_for::<64>,
    simple_for::<65>,
    simple_for::<66>,
    simple_for::<67>,
    simple_for::<68>,
    simple_for::<69>,
    simple_for::<70>,
    simple_for::<71>,
    simple_for::<72>,
    simple_for::<73>,
    simple_for::<74>,
    simple_for::<75>,
    simple_for::<76>,
    simple_for::<77>,
    simple_for::<78>,
    simple_for::<79>,
    simple_for::<80>,
    simple_for::<81>,
    simple_for::<82>,
    simple_for::<83>,
    simple_for::<84>,
    simple_for::<85>,
    simple_for::<86>,
    simple_for::<87>,
    simple_for::<88>,
    simple_for::<89>,
    simple_for::<90>,
    simple_for::<91>,
    simple_for::<92>,
    simple_for::<93>,
    simple_for::<94>,
    simple_for::<95>,
    simple_for::<96>,
    simple_for::<97>,
    simple_for::<98>,
    simple_for::<99>,
    simple_for::<100>,
    simple_for::<101>,
    simple_for::<102>,
    simple_for::<103>,
    simple_for::<104>,
    simple_for::<105>,
    simple_for::<106>,
    simple_for::<107>,
    simple_for::<108>,
    simple_for::<109>,
    simple_for::<110>,
    simple_for::<111>,
    simple_for::<112>,
    simple_for::<113>,
    simple_for::<114>,
    simple_for::<115>,
    simple_for::<116>,
    simple_for::<117>,
    simple_for::<118>,
    simple_for::<119>,
    simple_for::<120>,
    simple_for::<121>,
    simple_for::<122>,
    simple_for::<123>,
    simple_for::<124>,
    simple_for::<125>,
    simple_for::<126>,
    simple_for::<127>,
    simple_for::<128>,
    simple_for::<129>,
    simple_for::<130>,
    simple_for::<131>,
    simple_for::<132>,
    simple_for::<133>,
    simple_for::<134>,
    simple_for::<135>,
];

static SIMD: [Handler; SimpleOp::ALL.len() - SCALAR_OPS] = [
    simd::<136>,
    simd::<137>,
    simd::<138>,
    simd::<139>,
    simd::<140>,
    simd::<141>,
    simd::<142>,
    simd::<143>,
    simd::<144>,
    simd::<145>,
    simd::<146>,
    simd::<147>,
    simd::<148>,
    simd::<149>,
    simd::<150>,
    simd::<151>,
    simd::<152>,
    simd::<153>,
    simd::<154>,
    simd::<155>,
    simd::<156>,
    simd::<157>,
    simd::<158>,
    simd::<159>,
    simd::<160>,
    simd::<161>,
    simd::<162>,
    simd::<163>,
    simd::<164>,
    simd::<165>,
    simd::<166>,
    simd::<167>,
    simd::<168>,
    simd::<169>,
    simd::<170>,
    simd::<171>,
    simd::<172>,
    simd::<173>,
    simd::<174>,
    simd::<175>,
    simd::<176>,
    simd::<177>,
    simd::<178>,
    simd::<179>,
    simd::<180>,
    simd::<181>,
    simd::<182>,
    simd::<183>,
    simd::<184>,
    simd::<185>,
    simd::<186>,
    simd::<187>,
    simd::<188>,
    simd::<189>,
    simd::<190>,
    simd::<191>,
    simd::<192>,
    simd::<193>,
    simd::<194>,
    simd::<195>,
    simd::<196>,
    simd::<197>,
    simd::<198>,
    simd::<199>,
    simd::<200>,
    simd::<201>,
    simd::<202>,
    simd::<203>,
    simd::<204>,
    simd::<205>,
    simd::<206>,
    simd::<207>,
    simd::<208>,
    simd::<209>,
    simd::<210>,
    simd::<211>,
    simd::<212>,
    simd::<213>,
    simd::<214>,
    simd::<215>,
    simd::<216>,
    simd::<217>,
    simd::<218>,
    simd::<219>,
    simd::<220>,
    simd::<221>,
    simd::<222>,
    simd::<223>,
    simd::<224>,
    simd::<225>,
    simd::<226>,
    simd::<227>,
    simd::<228>,
    simd::<229>,
    simd::<230>,
    simd::<231>,
    simd::<232>,
    simd::<233>,
    simd::<234>,
    simd::<235>,
    simd::<236>,
    simd::<237>,
    simd::<238>,
    simd::<239>,
    simd::<240>,
    simd::<241>,
    simd::<242>,
    simd::<243>,
    simd::<244>,
    simd::<245>,
    simd::<246>,
    simd::<247>,
    simd::<248>,
    simd::<249>,
    simd::<250>,
    simd::<251>,
    simd::<252>,
    simd::<253>,
    simd::<254>,
    simd::<255>,
    simd::<256>,
    simd::<257>,
    simd::<258>,
    simd::<259>,
    simd::<260>,
    simd::<261>,
    simd::<262>,
    simd::<263>,
    simd::<264>,
    simd::<265>,
    simd::<266>,
    simd::<267>,
    simd::<268>,
    simd::<269>,
    simd::<270>,
    simd::<271>,
    simd::<272>,
    simd::<273>,
    simd::<274>,
    simd::<275>,
    simd::<276>,
    simd::<277>,
    simd::<278>,
    simd::<279>,
    simd::<280>,
    simd::<281>,
    simd::<282>,
    simd::<283>,
    simd::<284>,
    simd::<285>,
    simd::<286>,
    simd::<287>,
    simd::<288>,
    simd::<289>,
    simd::<290>,
    simd::<291>,
    simd::<292>,
    simd::<293>,
    simd::<294>,
    simd::<295>,
    simd::<296>,
    simd::<297>,
    simd::<298>,
    simd::<299>,
    simd::<300>,
    simd::<301>,
    simd::<302>,
    simd::<303>,
    simd::<304>,
    simd::<305>,
    simd::<306>,
    simd::<307>,
    simd::<308>,
    simd::<309>,
    simd::<310>,
    simd::<311>,
    simd::<312>,
    simd::<313>,
    simd::<314>,
    simd::<315>,
    simd::<316>,
    simd::<317>,
    simd::<318>,
    simd::<319>,
    simd::<320>,
    simd::<321>,
    simd::<322>,
    simd::<323>,
    simd::<324>,
    simd::<325>,
    simd::<326>,
    simd::<327>,
    simd::<328>,
    simd::<329>,
    simd::<330>,
    simd::<331>,
    simd::<332>,
    simd::<333>,
];

static MEMORY: [fn(bool, u8) -> Handler; MemOp::ALL.len()] = [
    memory_for::<0>,
    memory_for::<1>,
    memory_for::<2>,
    memory_for::<3>,
    memory_for::<4>,
    memory_for::<5>,
    memory_for::<6>,
    memory_for::<7>,
    memory_for::<8>,
    memory_for::<9>,
    memory_for::<10>,
    memory_for::<11>,
    memory_for::<12>,
    memory_for::<13>,
    memory_for::<14>,
    memory_for::<15>,
    memory_for::<16>,
    memory_for::<17>,
    memory_for::<18>,
    memory_for::<19>,
    memory_for::<20>,
    memory_for::<21>,
    memory_for::<22>,
    memory_for::<23>,
    memory_for::<24>,
    memory_for::<25>,
    memory_for::<26>,
    memory_for::<27>,
    memory_for::<28>,
    memory_for::<29>,
    memory_for::<30>,
    memory_for::<31>,
    memory_for::<32>,
    memory_for::<33>,
    memory_for::<34>,
    memory_for::<35>,
    memory_for::<36>,
    memory_for::<37>,
    memory_for::<38>,
    memory_for::<39>,
    memory_for::<40>,
    memory_for::<41>,
    memory_for::<42>,
    memory_for::<43>,
    memory_for::<44>,
];

/// The instantiation of handler `$h` (with const arguments `$g`) for accumulator mode `$m`
/// (see `code::accumulate`), one of `$k`.
macro_rules! pick {
    ($m:expr, $h:ident, $k:tt) => {
        pick!(@ $m, $h, (), $k)
    };
    ($m:expr, $h:ident<$($g:tt),*>, $k:tt) => {
        pick!(@ $m, $h, ($($g,)*), $k)
    };
    (@ $m:expr, $h:ident, $g:tt, [$($k:literal)*]) => {
        match $m {
            $($k => pick!(@one $h, $g, $k),)*
            m => unreachable!("accumulator mode {m}"),
        }
    };
    (@one $h:ident, ($($g:tt,)*), $k:literal) => {
        $h::<$($g,)* $k>
    };
}

/// `simple::<K, _>`, or `simple_imm::<K, _>` if `imm`, for accumulator mode `m`.
fn simple_for<const K: usize>(imm: bool, m: u8) -> Handler {
    if imm {
        pick!(m, simple_imm<{ K }>, [0 1 2 3])
    } else {
        pick!(m, simple<{ K }>, [0 1 2 3 4 5 6 7])
    }
}

/// `memory::<K, _>`, or `store_imm::<K, _>` if `imm`, for accumulator mode `m`: loads use the
/// result and the address, stores the address and the value.
fn memory_for<const K: usize>(imm: bool, m: u8) -> Handler {
    if imm {
        pick!(m, store_imm<{ K }>, [0 2])
    } else {
        pick!(m, memory<{ K }>, [0 1 2 3 4 6])
    }
}

/// `br_cmp::<K, _, _, _>` for a branch taken when the comparison fails if `negate`, back to a
/// loop if `back`, in accumulator mode `m`.
fn br_cmp_for<const K: usize>(imm: bool, negate: bool, back: bool, m: u8) -> Handler {
    match (imm, negate, back) {
        (false, false, false) => pick!(m, br_cmp<{ K }, false, false>, [0 2 4 6]),
        (false, false, true) => pick!(m, br_cmp<{ K }, false, true>, [0 2 4 6]),
        (false, true, false) => pick!(m, br_cmp<{ K }, true, false>, [0 2 4 6]),
        (false, true, true) => pick!(m, br_cmp<{ K }, true, true>, [0 2 4 6]),
        (true, false, false) => pick!(m, br_cmp_imm<{ K }, false, false>, [0 2]),
        (true, false, true) => pick!(m, br_cmp_imm<{ K }, false, true>, [0 2]),
        (true, true, false) => pick!(m, br_cmp_imm<{ K }, true, false>, [0 2]),
        (true, true, true) => pick!(m, br_cmp_imm<{ K }, true, true>, [0 2]),
    }
}

/// The handler of an instruction; `back` for a branch back to a loop that skips its header,
/// `m` its accumulator mode (see `code::accumulate`).
pub(crate) fn handler_for(instr: &Instr, back: bool, m: u8) -> Handler {
    macro_rules! branch {
        ($h:ident) => {
            if back {
                $h::<true>
            } else {
                $h::<false>
            }
        };
        ($h:ident, $modes:tt) => {
            if back {
                pick!(m, $h<true>, $modes)
            } else {
                pick!(m, $h<false>, $modes)
            }
        };
    }
    match *instr {
        Instr::Unreachable => unreachable,
        Instr::LoopHeader => loop_header,
        Instr::Copy { .. } => copy,
        Instr::Copy2 { .. } => copy2,
        Instr::Const32 { .. } => const32,
        Instr::Const64 { .. } => const64,
        Instr::Const128 { .. } => const128,
        Instr::SimpleImm { op, .. } => SIMPLE[op as usize](true, m),
        Instr::Simple { op, .. } => match (SIMPLE.get(op as usize), simd::simple(op)) {
            (Some(&h), _) => h(false, m),
            (None, Some(SimdFn::Ternary(_))) => unreachable!("{op:?} has the stack form"),
            (None, _) => SIMD[op as usize - SCALAR_OPS],
        },
        Instr::I32Add { .. } => pick!(m, i32_add, [0 1 2 3 4 5 6 7]),
        Instr::I32AddImm { .. } => pick!(m, i32_add_imm, [0 1 2 3]),
        Instr::I32Sub { .. } => pick!(m, i32_sub, [0 1 2 3 4 5 6 7]),
        Instr::I32SubImm { .. } => pick!(m, i32_sub_imm, [0 1 2 3]),
        Instr::I32Mul { .. } => pick!(m, i32_mul, [0 1 2 3 4 5 6 7]),
        Instr::I32MulImm { .. } => pick!(m, i32_mul_imm, [0 1 2 3]),
        Instr::I32And { .. } => pick!(m, i32_and, [0 1 2 3 4 5 6 7]),
        Instr::I32AndImm { .. } => pick!(m, i32_and_imm, [0 1 2 3]),
        Instr::I32Or { .. } => pick!(m, i32_or, [0 1 2 3 4 5 6 7]),
        Instr::I32OrImm { .. } => pick!(m, i32_or_imm, [0 1 2 3]),
        Instr::I32Xor { .. } => pick!(m, i32_xor, [0 1 2 3 4 5 6 7]),
        Instr::I32XorImm { .. } => pick!(m, i32_xor_imm, [0 1 2 3]),
        Instr::I32Shl { .. } => pick!(m, i32_shl, [0 1 2 3 4 5 6 7]),
        Instr::I32ShlImm { .. } => pick!(m, i32_shl_imm, [0 1 2 3]),
        Instr::I32ShrS { .. } => pick!(m, i32_shr_s, [0 1 2 3 4 5 6 7]),
        Instr::I32ShrSImm { .. } => pick!(m, i32_shr_s_imm, [0 1 2 3]),
        Instr::I32ShrU { .. } => pick!(m, i32_shr_u, [0 1 2 3 4 5 6 7]),
        Instr::I32ShrUImm { .. } => pick!(m, i32_shr_u_imm, [0 1 2 3]),
        Instr::I32Eq { .. } => pick!(m, i32_eq, [0 1 2 3 4 5 6 7]),
        Instr::I32EqImm { .. } => pick!(m, i32_eq_imm, [0 1 2 3]),
        Instr::I32Ne { .. } => pick!(m, i32_ne, [0 1 2 3 4 5 6 7]),
        Instr::I32NeImm { .. } => pick!(m, i32_ne_imm, [0 1 2 3]),
        Instr::I32LtS { .. } => pick!(m, i32_lt_s, [0 1 2 3 4 5 6 7]),
        Instr::I32LtSImm { .. } => pick!(m, i32_lt_s_imm, [0 1 2 3]),
        Instr::I32LtU { .. } => pick!(m, i32_lt_u, [0 1 2 3 4 5 6 7]),
        Instr::I32LtUImm { .. } => pick!(m, i32_lt_u_imm, [0 1 2 3]),
        Instr::I32GtS { .. } => pick!(m, i32_gt_s, [0 1 2 3 4 5 6 7]),
        Instr::I32GtSImm { .. } => pick!(m, i32_gt_s_imm, [0 1 2 3]),
        Instr::I32GtU { .. } => pick!(m, i32_gt_u, [0 1 2 3 4 5 6 7]),
        Instr::I32GtUImm { .. } => pick!(m, i32_gt_u_imm, [0 1 2 3]),
        Instr::I32LeS { .. } => pick!(m, i32_le_s, [0 1 2 3 4 5 6 7]),
        Instr::I32LeSImm { .. } => pick!(m, i32_le_s_imm, [0 1 2 3]),
        Instr::I32LeU { .. } => pick!(m, i32_le_u, [0 1 2 3 4 5 6 7]),
        Instr::I32LeUImm { .. } => pick!(m, i32_le_u_imm, [0 1 2 3]),
        Instr::I32GeS { .. } => pick!(m, i32_ge_s, [0 1 2 3 4 5 6 7]),
        Instr::I32GeSImm { .. } => pick!(m, i32_ge_s_imm, [0 1 2 3]),
        Instr::I32GeU { .. } => pick!(m, i32_ge_u, [0 1 2 3 4 5 6 7]),
        Instr::I32GeUImm { .. } => pick!(m, i32_ge_u_imm, [0 1 2 3]),
        Instr::I64Add { .. } => pick!(m, i64_add, [0 1 2 3 4 5 6 7]),
        Instr::I64AddImm { .. } => pick!(m, i64_add_imm, [0 1 2 3]),
        Instr::I64Sub { .. } => pick!(m, i64_sub, [0 1 2 3 4 5 6 7]),
        Instr::I64SubImm { .. } => pick!(m, i64_sub_imm, [0 1 2 3]),
        Instr::I64Mul { .. } => pick!(m, i64_mul, [0 1 2 3 4 5 6 7]),
        Instr::I64MulImm { .. } => pick!(m, i64_mul_imm, [0 1 2 3]),
        Instr::I64And { .. } => pick!(m, i64_and, [0 1 2 3 4 5 6 7]),
        Instr::I64AndImm { .. } => pick!(m, i64_and_imm, [0 1 2 3]),
        Instr::I64Or { .. } => pick!(m, i64_or, [0 1 2 3 4 5 6 7]),
        Instr::I64OrImm { .. } => pick!(m, i64_or_imm, [0 1 2 3]),
        Instr::I64Xor { .. } => pick!(m, i64_xor, [0 1 2 3 4 5 6 7]),
        Instr::I64XorImm { .. } => pick!(m, i64_xor_imm, [0 1 2 3]),
        Instr::I64Shl { .. } => pick!(m, i64_shl, [0 1 2 3 4 5 6 7]),
        Instr::I64ShlImm { .. } => pick!(m, i64_shl_imm, [0 1 2 3]),
        Instr::I64ShrS { .. } => pick!(m, i64_shr_s, [0 1 2 3 4 5 6 7]),
        Instr::I64ShrSImm { .. } => pick!(m, i64_shr_s_imm, [0 1 2 3]),
        Instr::I64ShrU { .. } => pick!(m, i64_shr_u, [0 1 2 3 4 5 6 7]),
        Instr::I64ShrUImm { .. } => pick!(m, i64_shr_u_imm, [0 1 2 3]),
        Instr::I64Eq { .. } => pick!(m, i64_eq, [0 1 2 3 4 5 6 7]),
        Instr::I64EqImm { .. } => pick!(m, i64_eq_imm, [0 1 2 3]),
        Instr::I64Ne { .. } => pick!(m, i64_ne, [0 1 2 3 4 5 6 7]),
        Instr::I64NeImm { .. } => pick!(m, i64_ne_imm, [0 1 2 3]),
        Instr::I64LtS { .. } => pick!(m, i64_lt_s, [0 1 2 3 4 5 6 7]),
        Instr::I64LtSImm { .. } => pick!(m, i64_lt_s_imm, [0 1 2 3]),
        Instr::I64LtU { .. } => pick!(m, i64_lt_u, [0 1 2 3 4 5 6 7]),
        Instr::I64LtUImm { .. } => pick!(m, i64_lt_u_imm, [0 1 2 3]),
        Instr::I64GtS { .. } => pick!(m, i64_gt_s, [0 1 2 3 4 5 6 7]),
        Instr::I64GtSImm { .. } => pick!(m, i64_gt_s_imm, [0 1 2 3]),
        Instr::I64GtU { .. } => pick!(m, i64_gt_u, [0 1 2 3 4 5 6 7]),
        Instr::I64GtUImm { .. } => pick!(m, i64_gt_u_imm, [0 1 2 3]),
        Instr::I64LeS { .. } => pick!(m, i64_le_s, [0 1 2 3 4 5 6 7]),
        Instr::I64LeSImm { .. } => pick!(m, i64_le_s_imm, [0 1 2 3]),
        Instr::I64LeU { .. } => pick!(m, i64_le_u, [0 1 2 3 4 5 6 7]),
        Instr::I64LeUImm { .. } => pick!(m, i64_le_u_imm, [0 1 2 3]),
        Instr::I64GeS { .. } => pick!(m, i64_ge_s, [0 1 2 3 4 5 6 7]),
        Instr::I64GeSImm { .. } => pick!(m, i64_ge_s_imm, [0 1 2 3]),
        Instr::I64GeU { .. } => pick!(m, i64_ge_u, [0 1 2 3 4 5 6 7]),
        Instr::I64GeUImm { .. } => pick!(m, i64_ge_u_imm, [0 1 2 3]),
        Instr::I32Load { .. } => pick!(m, i32_load, [0 1 2 3]),
        Instr::I64Load { .. } => pick!(m, i64_load, [0 1 2 3]),
        Instr::I32Load8S { .. } => pick!(m, i32_load8_s, [0 1 2 3]),
        Instr::I32Load8U { .. } => pick!(m, i32_load8_u, [0 1 2 3]),
        Instr::I32Load16S { .. } => pick!(m, i32_load16_s, [0 1 2 3]),
        Instr::I32Load16U { .. } => pick!(m, i32_load16_u, [0 1 2 3]),
        Instr::I32Store { .. } => pick!(m, i32_store, [0 2 4 6]),
        Instr::I64Store { .. } => pick!(m, i64_store, [0 2 4 6]),
        Instr::I32Store8 { .. } => pick!(m, i32_store8, [0 2 4 6]),
        Instr::I32Store16 { .. } => pick!(m, i32_store16, [0 2 4 6]),
        Instr::BrIfI32Eq { .. } => branch!(br_i32_eq, [0 2 4 6]),
        Instr::BrIfI32EqImm { .. } => branch!(br_i32_eq_imm, [0 2]),
        Instr::BrIfI32Ne { .. } => branch!(br_i32_ne, [0 2 4 6]),
        Instr::BrIfI32NeImm { .. } => branch!(br_i32_ne_imm, [0 2]),
        Instr::BrIfI32LtS { .. } => branch!(br_i32_lt_s, [0 2 4 6]),
        Instr::BrIfI32LtSImm { .. } => branch!(br_i32_lt_s_imm, [0 2]),
        Instr::BrIfI32LtU { .. } => branch!(br_i32_lt_u, [0 2 4 6]),
        Instr::BrIfI32LtUImm { .. } => branch!(br_i32_lt_u_imm, [0 2]),
        Instr::BrIfI32GtS { .. } => branch!(br_i32_gt_s, [0 2 4 6]),
        Instr::BrIfI32GtSImm { .. } => branch!(br_i32_gt_s_imm, [0 2]),
        Instr::BrIfI32GtU { .. } => branch!(br_i32_gt_u, [0 2 4 6]),
        Instr::BrIfI32GtUImm { .. } => branch!(br_i32_gt_u_imm, [0 2]),
        Instr::BrIfI32LeS { .. } => branch!(br_i32_le_s, [0 2 4 6]),
        Instr::BrIfI32LeSImm { .. } => branch!(br_i32_le_s_imm, [0 2]),
        Instr::BrIfI32LeU { .. } => branch!(br_i32_le_u, [0 2 4 6]),
        Instr::BrIfI32LeUImm { .. } => branch!(br_i32_le_u_imm, [0 2]),
        Instr::BrIfI32GeS { .. } => branch!(br_i32_ge_s, [0 2 4 6]),
        Instr::BrIfI32GeSImm { .. } => branch!(br_i32_ge_s_imm, [0 2]),
        Instr::BrIfI32GeU { .. } => branch!(br_i32_ge_u, [0 2 4 6]),
        Instr::BrIfI32GeUImm { .. } => branch!(br_i32_ge_u_imm, [0 2]),
        Instr::BrIfCmp { op, negate, .. } | Instr::BrIfCmpImm { op, negate, .. } => {
            let imm = matches!(instr, Instr::BrIfCmpImm { .. });
            macro_rules! compare {
                ($($name:ident)*) => {
                    match op {
                        $(SimpleOp::$name => br_cmp_for::<{ SimpleOp::$name as usize }>(imm, negate, back, m),)*
                        _ => unreachable!("{op:?} is not a comparison"),
                    }
                };
            }
            compare!(I64Eq I64Ne I64LtS I64LtU I64GtS I64GtU I64LeS I64LeU I64GeS I64GeU
                F32Eq F32Ne F32Lt F32Gt F32Le F32Ge F64Eq F64Ne F64Lt F64Gt F64Le F64Ge)
        }
        Instr::Br { .. } => branch!(br),
        Instr::BrCopy { .. } => br_copy,
        Instr::BrIf { .. } => branch!(br_if, [0 2]),
        Instr::BrIfCopy { .. } => br_if_copy,
        Instr::BrUnless { .. } => branch!(br_unless, [0 2]),
        Instr::BrTable { .. } => br_table,
        Instr::Return { .. } => return_,
        Instr::Call { .. } => call,
        Instr::CallInternal { .. } => call_internal,
        Instr::CallIndirect { .. } => call_indirect,
        Instr::GlobalGet { .. } => global_get,
        Instr::GlobalSet { .. } => global_set,
        Instr::GlobalGet2 { .. } => global_get2,
        Instr::GlobalSet2 { .. } => global_set2,
        Instr::Load { op, .. } | Instr::Store { op, .. } => MEMORY[op as usize](false, m),
        Instr::StoreImm { op, .. } => MEMORY[op as usize](true, m),
        Instr::LoadN { .. } => load_n,
        Instr::StoreN { .. } => store_n,
        Instr::RefFunc { .. } => ref_func,
        Instr::Select { .. } => select,
        Instr::Select2 { .. } => select2,
        Instr::TableGet { .. }
        | Instr::TableSet { .. }
        | Instr::TableSize { .. }
        | Instr::TableGrow { .. }
        | Instr::TableFill { .. }
        | Instr::TableCopy { .. }
        | Instr::TableInit { .. }
        | Instr::ElemDrop(_)
        | Instr::MemoryInit { .. }
        | Instr::DataDrop(_)
        | Instr::MemoryCopy { .. }
        | Instr::MemoryFill { .. } => bulk,
        Instr::LoadLane { .. } => load_lane,
        Instr::StoreLane { .. } => store_lane,
        Instr::MemorySize { .. } => memory_size,
        Instr::MemoryGrow { .. } => memory_grow,
        Instr::SimdTernary { .. } => simd_ternary,
        Instr::Shuffle { .. } => shuffle,
        Instr::ExtractLane { .. } => extract_lane,
        Instr::ReplaceLane { .. } => replace_lane,
    }
}

handlers! {
    fn unreachable(ip, regs, mem, len, ex, ai, fd, fs) Instr::Unreachable => {
        trap(ex, ip, TrapCode::Unreachable)
    }

    fn loop_header(ip, regs, mem, len, ex, ai, fd, fs) Instr::LoopHeader => {
        check!(ex, ip, ex.check_interrupt_and_fuel());
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn copy(ip, regs, mem, len, ex, ai, fd, fs) Instr::Copy { dst, src } => {
        set(regs, dst, get(regs, src));
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn copy2(ip, regs, mem, len, ex, ai, fd, fs) Instr::Copy2 { dst, src } => {
        set128(regs, dst, get128(regs, src));
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn const32(ip, regs, mem, len, ex, ai, fd, fs) Instr::Const32 { dst, value } => {
        set(regs, dst, value as u64);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn const64(ip, regs, mem, len, ex, ai, fd, fs) Instr::Const64 { dst, index } => {
        set(regs, dst, (*ex.act.func).consts[index as usize] as u64);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn const128(ip, regs, mem, len, ex, ai, fd, fs) Instr::Const128 { dst, index } => {
        set128(regs, dst, (*ex.act.func).consts[index as usize]);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn br<const BACK: bool>(ip, regs, mem, len, ex, ai, fd, fs) Instr::Br { pc } => {
        next!(target!(branch::<BACK>(ex, ip, true, pc)), regs, mem, len, ex, 0, 0.0, 0.0)
    }

    fn br_if<const BACK: bool, const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::BrIf { cond, pc } => {
        let cond = arg(regs, cond, M & ACC_A != 0, ai) as u32;
        next!(target!(branch::<BACK>(ex, ip, cond != 0, pc)), regs, mem, len, ex, 0, 0.0, 0.0)
    }

    fn br_unless<const BACK: bool, const M: u8>(ip, regs, mem, len, ex, ai, fd, fs) Instr::BrUnless { cond, pc } => {
        let cond = arg(regs, cond, M & ACC_A != 0, ai) as u32;
        next!(target!(branch::<BACK>(ex, ip, cond == 0, pc)), regs, mem, len, ex, 0, 0.0, 0.0)
    }

    fn br_copy(ip, regs, mem, len, ex, ai, fd, fs) Instr::BrCopy { index } => {
        next!(copy_branch(ex, ip, regs, index), regs, mem, len, ex, 0, 0.0, 0.0)
    }

    fn br_if_copy(ip, regs, mem, len, ex, ai, fd, fs) Instr::BrIfCopy { cond, index } => {
        let next = if get(regs, cond) as u32 != 0 { copy_branch(ex, ip, regs, index) } else { ip.add(1) };
        next!(next, regs, mem, len, ex, 0, 0.0, 0.0)
    }

    fn br_table(ip, regs, mem, len, ex, ai, fd, fs) Instr::BrTable { index, start, len: count } => {
        let i = (get(regs, index) as u32).min(count - 1);
        next!(copy_branch(ex, ip, regs, start + i), regs, mem, len, ex, 0, 0.0, 0.0)
    }

    fn return_(ip, regs, mem, len, ex, ai, fd, fs) Instr::Return { src } => {
        let n = (*ex.act.func).result_slots as usize;
        if src != 0 {
            for k in 0..n {
                *regs.add(k) = *regs.add(src as usize + k);
            }
        }
        match ex.pop_frame() {
            None => Control::Done,
            Some(caller) => next!(caller.ip, ex.stack_base.add(caller.fp), ex.mem_base, ex.mem_len, ex, 0, 0.0, 0.0),
        }
    }

    fn call_internal(ip, regs, mem, len, ex, ai, fd, fs) Instr::CallInternal { func, base } => {
        let f = &*ex.funcs.add(func as usize);
        check!(ex, ip, ex.push_frame(f, ex.act.instance, base, ip.add(1)));
        next!(f.code.as_ptr(), regs.add(base as usize), mem, len, ex, 0, 0.0, 0.0)
    }

    fn call(ip, regs, mem, len, ex, ai, fd, fs) Instr::Call { func, base } => {
        let callee = ex.store.instances[ex.act.instance as usize].funcs[func as usize];
        call_store_func(ex, ip, callee, base)
    }

    fn call_indirect(ip, regs, mem, len, ex, ai, fd, fs) Instr::CallIndirect { type_index, table, base } => {
        // SAFETY (module, code): the running instance's module lives as long as the store.
        let (module, code) = (&*ex.module, &*ex.code);
        let expected = module.sigs[type_index as usize];
        let index = get(regs, base + code.param_slots[type_index as usize]) as u32;
        let callee = match crate::runtime::ops::indirect_callee(ex.store, ex.act.instance, table, index, expected) {
            Ok(callee) => callee,
            Err(code) => return trap(ex, ip, code),
        };
        if let FuncEntity::Wasm { defined_index, instance, .. } = &ex.store.funcs[callee as usize] {
            if *instance == ex.act.instance {
                let f = &*ex.funcs.add(*defined_index as usize);
                check!(ex, ip, ex.push_frame(f, ex.act.instance, base, ip.add(1)));
                next!(f.code.as_ptr(), regs.add(base as usize), mem, len, ex, 0, 0.0, 0.0)
            }
        }
        call_store_func(ex, ip, callee, base)
    }

    // Globals are read and written through the running instance's context: `ex.globals` holds
    // a cell per global index (validation bounds `global`), each valid while the instance lives.
    fn global_get(ip, regs, mem, len, ex, ai, fd, fs) Instr::GlobalGet { dst, global } => {
        set(regs, dst, **ex.globals.add(global as usize) as u64);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn global_set(ip, regs, mem, len, ex, ai, fd, fs) Instr::GlobalSet { src, global } => {
        **ex.globals.add(global as usize) = get(regs, src) as u128;
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn global_get2(ip, regs, mem, len, ex, ai, fd, fs) Instr::GlobalGet2 { dst, global } => {
        set128(regs, dst, **ex.globals.add(global as usize));
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn global_set2(ip, regs, mem, len, ex, ai, fd, fs) Instr::GlobalSet2 { src, global } => {
        **ex.globals.add(global as usize) = get128(regs, src);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn load_n(ip, regs, mem, len, ex, ai, fd, fs) Instr::LoadN { op, memory, dst, addr, offset } => {
        let (base, size) = (ex.memory(memory as u32), exec::access_size(op));
        let ea = check!(ex, ip, Executor::effective(base.1, get(regs, addr), offset, size));
        set_loaded(regs, dst, op, Executor::read(base.0, ea, size));
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn store_n(ip, regs, mem, len, ex, ai, fd, fs) Instr::StoreN { op, memory, addr, value, offset } => {
        let (base, size) = (ex.memory(memory as u32), exec::access_size(op));
        let v = if op == MemOp::V128Store { get128(regs, value) } else { get(regs, value) as u128 };
        let ea = check!(ex, ip, Executor::effective(base.1, get(regs, addr), offset, size));
        Executor::write(base.0, ea, size, v);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn load_lane(ip, regs, mem, len, ex, ai, fd, fs) Instr::LoadLane { op, memory, lane, base, offset } => {
        let (base_n, len_n) = if memory == 0 { (mem, len) } else { ex.memory(memory as u32) };
        let bytes = simd::lane_bytes(op);
        let ea = check!(ex, ip, Executor::effective(len_n, get(regs, base), offset, bytes));
        let raw = Executor::read(base_n, ea, bytes) as u64;
        set128(regs, base, simd::set_lane_bits(get128(regs, base + 1), lane, bytes, raw));
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn store_lane(ip, regs, mem, len, ex, ai, fd, fs) Instr::StoreLane { op, memory, lane, base, offset } => {
        let (base_n, len_n) = if memory == 0 { (mem, len) } else { ex.memory(memory as u32) };
        let bytes = simd::lane_bytes(op);
        let ea = check!(ex, ip, Executor::effective(len_n, get(regs, base), offset, bytes));
        Executor::write(base_n, ea, bytes, simd::get_lane_bits(get128(regs, base + 1), lane, bytes) as u128);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn ref_func(ip, regs, mem, len, ex, ai, fd, fs) Instr::RefFunc { dst, func } => {
        let func = ex.store.instances[ex.act.instance as usize].funcs[func as usize];
        set(regs, dst, func as u64 + 1);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn select(ip, regs, mem, len, ex, ai, fd, fs) Instr::Select { base } => {
        if get(regs, base + 2) as u32 == 0 {
            set(regs, base, get(regs, base + 1));
        }
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn select2(ip, regs, mem, len, ex, ai, fd, fs) Instr::Select2 { base } => {
        if get(regs, base + 4) as u32 == 0 {
            set128(regs, base, get128(regs, base + 2));
        }
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn bulk(ip, regs, mem, len, ex, ai, fd, fs) _ => {
        if ex.bulk(ip, regs).is_err() {
            return unwound(ex, ip);
        }
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn memory_size(ip, regs, mem, len, ex, ai, fd, fs) Instr::MemorySize { memory, base } => {
        let (_, size) = ex.memory(memory);
        set(regs, base, size as u64 / crate::runtime::memory::PAGE_SIZE);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn memory_grow(ip, regs, mem, len, ex, ai, fd, fs) Instr::MemoryGrow { memory, base } => {
        let delta = get(regs, base) as u32;
        let old = crate::runtime::ops::memory_grow(ex.store, ex.act.instance, memory, delta);
        set(regs, base, old as u64);
        ex.refresh_memory();
        next!(ip.add(1), regs, ex.mem_base, ex.mem_len, ex, 0, 0.0, 0.0)
    }

    fn simd_ternary(ip, regs, mem, len, ex, ai, fd, fs) Instr::SimdTernary { f, base } => {
        set128(regs, base, f(get128(regs, base), get128(regs, base + 2), get128(regs, base + 4)));
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn shuffle(ip, regs, mem, len, ex, ai, fd, fs) Instr::Shuffle { index, groups, base } => {
        shuffle_at(ex, regs, index, groups, base);
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn extract_lane(ip, regs, mem, len, ex, ai, fd, fs) Instr::ExtractLane { op, lane, base } => {
        set(regs, base, simd::extract_lane(op, get128(regs, base), lane));
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }

    fn replace_lane(ip, regs, mem, len, ex, ai, fd, fs) Instr::ReplaceLane { op, lane, base } => {
        let x = match op.lane_type() {
            ValType::I64 | ValType::F64 => get(regs, base + 2),
            _ => get(regs, base + 2) as u32 as u64,
        };
        set128(regs, base, simd::replace_lane(op, get128(regs, base), lane, x));
        next!(ip.add(1), regs, mem, len, ex, ai, fd, fs)
    }
}

/// Where a branch at `ip` to relative target `pc` goes: there if `taken`, else on. A branch
/// back to a loop (`BACK`) does the loop header's work, which it skips: it honours an
/// interruption request and consumes fuel; `Err` is the trap that ends the handler, at the
/// loop's header.
#[inline(always)]
fn branch<const BACK: bool>(ex: &mut Executor<'_>, ip: Ip, taken: bool, pc: u32) -> Result<Ip, Control> {
    if !taken {
        return Ok(ip.wrapping_add(1));
    }
    if BACK {
        if let Err(code) = ex.check_interrupt_and_fuel() {
            // Reported at the loop header (just before the target), as when entering the loop.
            return Err(trap(ex, ip.wrapping_offset(pc as i32 as isize - 1), code));
        }
    }
    Ok(ip.wrapping_offset(pc as i32 as isize))
}

/// Moves the values a branch carries and returns its target.
///
/// SAFETY (for callers): as for `handlers!`; `index` is one of the branch's own entries of the
/// running function's `branch_copies`, whose slots are inside the frame.
#[inline(always)]
unsafe fn copy_branch(ex: &Executor<'_>, ip: Ip, regs: *mut u64, index: u32) -> Ip {
    let c = (*ex.act.func).branch_copies[index as usize];
    if c.count > 0 {
        // `copy` allows the ranges to overlap.
        std::ptr::copy(regs.add(c.from as usize), regs.add(c.to as usize), c.count as usize);
    }
    ip.offset(c.pc as i32 as isize)
}

/// i8x16.shuffle, apart from its handler because it takes the address of its lanes.
///
/// SAFETY (for callers): as for `handlers!`.
#[inline(never)]
unsafe fn shuffle_at(ex: &Executor<'_>, regs: *mut u64, index: u32, groups: u8, base: u32) {
    let consts = &(&(*ex.act.func).consts)[index as usize..];
    let (a, b) = (get128(regs, base), get128(regs, base + 2));
    let r = match groups {
        0 => simd::shuffle(a, b, &consts[0].to_le_bytes()),
        n => simd::shuffle_by_groups(a, b, consts[0], &consts[1..1 + n as usize]),
    };
    set128(regs, base, r);
}

/// Calls store function `callee` (a wasm or host function) from the call at `ip`.
#[inline(always)]
fn call_store_func(ex: &mut Executor<'_>, ip: Ip, callee: u32, base: u32) -> Control {
    let ret = ip.wrapping_add(1);
    match ex.call(callee, base, ret) {
        // SAFETY: the callee's frame fits the stack (checked by `call`); its code starts at
        // the activation's `ip`.
        Ok(true) => unsafe { next!(ex.act.ip, ex.stack_base.add(ex.act.fp), ex.mem_base, ex.mem_len, ex, 0, 0.0, 0.0) },
        // SAFETY: as for `handlers!`.
        Ok(false) => unsafe { next!(ret, ex.stack_base.add(ex.act.fp), ex.mem_base, ex.mem_len, ex, 0, 0.0, 0.0) },
        Err(()) => unwound(ex, ip),
    }
}
