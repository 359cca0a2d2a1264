//! The compiler's operations (`jit::masm::Masm`) in x86_64 instructions.
//!
//! Registers: operands live in rsi, rdi, r8, r9, r10 and xmm0-xmm7, xmm12; up to three integer
//! locals in rbx, r12 and r13 and four float locals in xmm8-xmm11, for a whole function; rax,
//! rcx, rdx, r11 and xmm13-xmm15 are scratch for the operations themselves (division, shifts,
//! conversions, moves between slots, SIMD sequences: see `simd`); r14 holds memory 0's base and
//! r15 the instance context. A function's frame: rbp, then the pointer to its arguments and
//! results (`[rbp - 8]`), the frames its callees may still open (`[rbp - 16]`), the caller's
//! values of the local registers it uses, then its
//! slots (locals, then operands), slot k at `[rsp + 8k]`, or `[rsp + 16k]` in a module with
//! v128 values (`slot_bytes`); rsp stays 16-byte aligned and does not move inside the body, so
//! the frame's size is patched into the prologue when the function ends. A function is called
//! with the context in r15, its first two parameters in registers (`PARAM_REGISTERS`,
//! `FLOAT_PARAM_REGISTERS`), the others in the caller's slots at rsi, where results after the
//! first go (the first comes back in rax or xmm0), and the frames it may open in edx. A function
//! saves rbp and the local registers it uses, nothing else: every operand is in its slot at a
//! call (the caller spills them), a direct callee belongs to the same instance, so it has the
//! same r14 and r15, and the entry (`entry::enter`) saves the registers the System V ABI wants
//! kept for its Rust caller; runtime calls are System V calls, which keep rbx and r12-r15
//! themselves, and around which the float locals wait in their slots.
//!
//! Trampolines, one per signature in a module's code, convert between that convention and
//! arrays of raw values (16 bytes each), the runtime's: an entry trampoline for calls from the
//! host (`entry::enter` calls it), an import trampoline for calls to imported functions, which
//! goes to the runtime (`builtins::call_import`).
//!
//! Two ways to keep heap accesses in bounds (`Bounds`). With guard regions each access is a trap
//! site and a trap stub is `ud2`: the signal handler turns either fault into the trap. With
//! explicit checks each access compares its end with the memory's current length first, and a
//! stub calls `entry::raise`: no signal is involved.

use super::asm::{
    self, Alu, Assembler, BitCount, Cond, Label, Load, Mem, Packed, Shift, Size, SseArith, SseLogic, Unary,
};
use super::regs::{Gpr, Xmm};
use crate::decode::ops::{LaneOp, MemOp, SimpleOp};
use crate::jit::masm::{
    BuiltinArg, Class, Cmp, Convert, Finished, FloatOp, FloatUnary, HeapLoad, Index, IntOp, IntUnary, Masm, Prec, Reg,
    Rhs, Signature, Width,
};
use crate::runtime::trap::TrapCode;
use crate::runtime::vmctx::VMContext;

/// rsi, rdi, r8-r10.
const ALLOCATABLE: [Reg; 5] = [6, 7, 8, 9, 10];
/// rbx, r12, r13: callee-saved in the System V ABI too, so runtime calls keep them.
const LOCAL_REGISTERS: [Reg; 3] = [3, 12, 13];
/// xmm0-xmm7 and xmm12; xmm13-xmm15 are scratch.
const ALLOCATABLE_FLOAT: [Reg; 9] = [0, 1, 2, 3, 4, 5, 6, 7, 12];
/// xmm8-xmm11 (f32, f64 and v128 locals): no System V register keeps its value across a call,
/// so runtime calls save them.
const FLOAT_LOCAL_REGISTERS: [Reg; 4] = [8, 9, 10, 11];
pub(super) const XSCRATCH: Xmm = Xmm(15);
pub(super) const XSCRATCH2: Xmm = Xmm(14);
pub(super) const XSCRATCH3: Xmm = Xmm(13);
/// Where compiled functions take their first two parameters (by position: an integer in the
/// general register, an f32 or f64 in the float one; a v128 in its slot), and return their
/// first result: registers no operand is allocated to. The entry (`entry::enter`) loads and
/// stores them for the host.
pub(super) const PARAM_REGISTERS: [Gpr; 2] = [Gpr::Rcx, Gpr::R11];
pub(super) const FLOAT_PARAM_REGISTERS: [Xmm; 2] = [Xmm(13), Xmm(14)];
pub(super) const RESULT_REGISTER: Gpr = Gpr::Rax;
pub(super) const FLOAT_RESULT_REGISTER: Xmm = Xmm(0);
pub(super) const VMCTX: Gpr = Gpr::R15;
const HEAP: Gpr = Gpr::R14;
pub(super) const SCRATCH: Gpr = Gpr::R11;
/// Where the pointer to the arguments and results is kept; below it, how many more frames may
/// be opened (`DEPTH_AT`), then the caller's values of the registers the function holds locals
/// in.
const ARGS_AT: i32 = -8;
const DEPTH_AT: i32 = -16;

pub(super) fn gpr(r: Reg) -> Gpr {
    Gpr::ALL[r as usize]
}

fn size(w: Width) -> Size {
    match w {
        Width::W32 => Size::S32,
        Width::W64 => Size::S64,
    }
}

/// How compiled heap accesses stay in bounds, and how traps leave compiled code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bounds {
    /// The memory's guard regions fault; traps are faults (`ud2`).
    GuardRegions,
    /// Every access is checked against the memory's length; traps call `entry::raise`.
    Explicit,
}

pub struct X64Masm {
    pub(super) asm: Assembler,
    bounds: Bounds,
    /// Bytes per frame slot: 8, or 16 in modules with v128 values.
    slot_bytes: u32,
    functions: Vec<Label>,
    offsets: Vec<usize>,
    sites: Vec<(u32, TrapCode)>,
    sources: Vec<(u32, u32)>,
    /// The module offset of the operator being lowered.
    source: u32,
    /// The current function's trap stubs (emitted at its end), one per trap and operator.
    stubs: Vec<(TrapCode, u32, Label)>,
    /// Where the current function's prologue has the immediate of `sub rsp, frame`.
    frame_size_at: usize,
    /// The registers the current function holds locals in, saved below `ARGS_AT`.
    saved: Vec<Gpr>,
    /// The float registers the current function holds locals in, with their locals' slots,
    /// saved below `saved`.
    saved_float: Vec<(Xmm, u32)>,
    /// The memory heap accesses address (`Masm::set_memory`).
    memory: u32,
    /// Whether the CPU has SSE4.2 (`pcmpgtq`).
    pub(super) sse42: bool,
    /// The import trampolines calls jump to, by signature, with the runtime function they
    /// call (emitted by `finish`).
    import_trampolines: Vec<(Vec<Class>, Vec<Class>, Label, usize)>,
    /// The entry trampolines emitted so far, by signature, and each defined function's.
    entry_trampolines: Vec<(Vec<Class>, Vec<Class>, usize)>,
    entries: Vec<usize>,
}

impl X64Masm {
    /// An assembler for a module with `functions` defined functions, frame slots of
    /// `slot_bytes` (8 or 16, `codegen::slot_bytes`) and heap accesses kept in bounds by
    /// `bounds`, with room for `capacity` bytes of code before its buffer grows.
    pub fn new(functions: u32, slot_bytes: u32, bounds: Bounds, capacity: usize) -> X64Masm {
        assert!(slot_bytes == 8 || slot_bytes == 16, "slots of 8 or 16 bytes");
        let mut asm = Assembler::with_capacity(capacity);
        let functions = (0..functions).map(|_| asm.new_label()).collect();
        X64Masm {
            asm,
            bounds,
            slot_bytes,
            functions,
            offsets: Vec::new(),
            sites: Vec::new(),
            sources: Vec::new(),
            source: 0,
            stubs: Vec::new(),
            frame_size_at: 0,
            saved: Vec::new(),
            saved_float: Vec::new(),
            memory: 0,
            sse42: std::arch::is_x86_feature_detected!("sse4.2"),
            import_trampolines: Vec::new(),
            entry_trampolines: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// Emits code for a CPU without SSE4.2 (for tests of the other sequences).
    pub fn without_sse42(mut self) -> X64Masm {
        self.sse42 = false;
        self
    }

    pub(super) fn slot(&self, k: u32) -> Mem {
        self.slot_at(Gpr::Rsp, k)
    }

    /// Slot `k` of the slots at `base` (this frame's at rsp, a caller's at rsi).
    fn slot_at(&self, base: Gpr, k: u32) -> Mem {
        Mem::base(base, (self.slot_bytes * k) as i32)
    }

    /// `cmp a, b`.
    fn cmp_rhs(&mut self, width: Width, a: Gpr, b: Rhs) {
        match b {
            Rhs::Reg(b) => self.asm.alu_rr(Alu::Cmp, size(width), a, gpr(b)),
            // The same flags as `cmp a, 0`, one byte shorter.
            Rhs::Imm(0) => self.asm.test_rr(size(width), a, a),
            Rhs::Imm(imm) => self.asm.alu_ri(Alu::Cmp, size(width), a, imm),
        }
    }

    /// The arguments of a call of compiled code (`entry::CompiledFn`) of signature `sig` from
    /// this function: its slots from `args` on (if it uses any), and the frames left. The
    /// context stays in r15: callees called directly share it.
    fn compiled_call_args(&mut self, args: u32, sig: Signature<'_>) {
        if self.uses_slots(sig) {
            let m = self.slot(args);
            self.asm.lea(Gpr::Rsi, m);
        }
        self.asm.load(Load::Full(Size::S32), Gpr::Rdx, Mem::base(Gpr::Rbp, DEPTH_AT));
    }

    /// Whether a compiled function of signature `sig` reads or writes its caller's slots: for
    /// parameters not in registers, and results after the first.
    fn uses_slots(&self, sig: Signature<'_>) -> bool {
        sig.results.len() > 1 || sig.params.iter().enumerate().any(|(i, &c)| self.param_register(i, c).is_none())
    }

    /// Where the caller's value of the `k`th register the function holds a local in is kept.
    fn saved_at(&self, k: usize) -> Mem {
        Mem::base(Gpr::Rbp, DEPTH_AT - 8 * (k as i32 + 1))
    }

    /// Where the caller's value of the `k`th float register the function holds a local in is
    /// kept, below the general registers': a whole slot (16 bytes in a module with v128
    /// values, whose locals may be v128s).
    fn saved_float_at(&self, k: usize) -> Mem {
        let below = 8 * self.saved.len() as i32 + self.slot_bytes as i32 * (k as i32 + 1);
        Mem::base(Gpr::Rbp, DEPTH_AT - below)
    }

    /// Loads a float local's register from `src`: a whole slot (8 or 16 bytes).
    fn load_float_local(&mut self, dst: Xmm, src: Mem) {
        if self.slot_bytes == 16 {
            self.asm.movdqu_load(dst, src);
        } else {
            self.asm.sse_load(asm::Prec::F64, dst, src);
        }
    }

    /// Stores a float local's register to `dst`: a whole slot (8 or 16 bytes).
    fn store_float_local(&mut self, dst: Mem, src: Xmm) {
        if self.slot_bytes == 16 {
            self.asm.movdqu_store(dst, src);
        } else {
            self.asm.sse_store(asm::Prec::F64, dst, src);
        }
    }

    /// Calls native function `f` (System V, its arguments in place). The call keeps no xmm
    /// register: the float locals wait in their slots around it.
    fn call_native(&mut self, f: *const ()) {
        self.store_float_locals();
        self.asm.mov_ri(Gpr::Rax, f as u64);
        self.asm.call_r(Gpr::Rax);
        self.after_call();
        self.load_float_locals();
    }

    /// 32-bit `d = d op divisor` for a division or remainder by a constant, as a multiplication
    /// by its reciprocal (no `div`, no trap possible), where `divisor` allows it: at least 2,
    /// and below 2^31 for a signed one (else false, nothing emitted). The quotient of a `u32` x
    /// is the high half of x * ceil(2^64 / divisor), exactly: the product is x / divisor plus
    /// less than x / 2^64 < 1 / divisor, which never reaches the next integer. A signed one
    /// divides the magnitude (|i32::MIN| = 2^31 fits) and gives the quotient and remainder the
    /// sign WebAssembly's truncating division gives them. Uses rax, rdx and r11.
    fn divide_by_constant(&mut self, op: IntOp, d: Gpr, divisor: u32) -> bool {
        let signed = matches!(op, IntOp::DivS | IntOp::RemS);
        if divisor < 2 || (signed && divisor > i32::MAX as u32) {
            return false;
        }
        let reciprocal = u64::MAX / u64::from(divisor) + 1;
        if signed {
            // r11 = 0 or -1 by the sign of d; d = |d|.
            self.asm.mov_rr(Size::S32, SCRATCH, d);
            self.asm.shift_ri(Shift::Sar, Size::S32, SCRATCH, 31);
            self.asm.alu_rr(Alu::Xor, Size::S32, d, SCRATCH);
            self.asm.alu_rr(Alu::Sub, Size::S32, d, SCRATCH);
        } else {
            self.asm.mov_rr(Size::S32, d, d);
        }
        self.asm.mov_ri(Gpr::Rax, reciprocal);
        self.asm.unary(Unary::Mul, Size::S64, d);
        if matches!(op, IntOp::DivU | IntOp::DivS) {
            self.asm.mov_rr(Size::S32, d, Gpr::Rdx);
        } else {
            // The remainder: d - quotient * divisor (no overflow: the product is at most d).
            self.asm.imul_rri(Size::S32, Gpr::Rdx, Gpr::Rdx, divisor as i32);
            self.asm.alu_rr(Alu::Sub, Size::S32, d, Gpr::Rdx);
        }
        if signed {
            // Negate the result of a negative dividend: (x ^ -1) - -1.
            self.asm.alu_rr(Alu::Xor, Size::S32, d, SCRATCH);
            self.asm.alu_rr(Alu::Sub, Size::S32, d, SCRATCH);
        }
        true
    }

    /// 64-bit `d = d op divisor` for a division or remainder by a constant, as a
    /// multiplication, where `divisor` allows it: at least 2, and below 2^63 for a signed one
    /// (else false, nothing emitted). A 64-bit dividend needs a 65-bit reciprocal, so the
    /// quotient is computed from its low 64 bits `m` (Granlund and Montgomery's method): with
    /// `l` = ceil(log2 divisor) and m = floor(2^64 (2^l - divisor) / divisor) + 1, t = the high
    /// half of x * m and the quotient is (t + (x - t) / 2) >> (l - 1), exact for every x (the
    /// halving keeps the sum within 64 bits). A signed one divides the magnitude and gives the
    /// results their signs as `divide_by_constant` does. Uses rax, rdx and r11.
    fn divide_64_by_constant(&mut self, op: IntOp, d: Gpr, divisor: u64) -> bool {
        let signed = matches!(op, IntOp::DivS | IntOp::RemS);
        if divisor < 2 || (signed && divisor > i64::MAX as u64) {
            return false;
        }
        if signed {
            // r11 = 0 or -1 by the sign of d; d = |d| (2^63 for i64::MIN, as an unsigned value).
            self.asm.mov_rr(Size::S64, SCRATCH, d);
            self.asm.shift_ri(Shift::Sar, Size::S64, SCRATCH, 63);
            self.asm.alu_rr(Alu::Xor, Size::S64, d, SCRATCH);
            self.asm.alu_rr(Alu::Sub, Size::S64, d, SCRATCH);
        }
        let l = 64 - (divisor - 1).leading_zeros();
        let m = ((1u128 << 64) * ((1u128 << l) - u128::from(divisor)) / u128::from(divisor) + 1) as u64;
        self.asm.mov_ri(Gpr::Rax, m);
        self.asm.unary(Unary::Mul, Size::S64, d);
        self.asm.mov_rr(Size::S64, Gpr::Rax, d);
        self.asm.alu_rr(Alu::Sub, Size::S64, Gpr::Rax, Gpr::Rdx);
        self.asm.shift_ri(Shift::Shr, Size::S64, Gpr::Rax, 1);
        self.asm.alu_rr(Alu::Add, Size::S64, Gpr::Rax, Gpr::Rdx);
        if l > 1 {
            self.asm.shift_ri(Shift::Shr, Size::S64, Gpr::Rax, (l - 1) as u8);
        }
        if matches!(op, IntOp::DivU | IntOp::DivS) {
            self.asm.mov_rr(Size::S64, d, Gpr::Rax);
        } else {
            // The remainder: d - quotient * divisor (no overflow: the product is at most d).
            match i32::try_from(divisor) {
                Ok(imm) => self.asm.imul_rri(Size::S64, Gpr::Rax, Gpr::Rax, imm),
                Err(_) => {
                    self.asm.mov_ri(Gpr::Rdx, divisor);
                    self.asm.imul_rr(Size::S64, Gpr::Rax, Gpr::Rdx);
                }
            }
            self.asm.alu_rr(Alu::Sub, Size::S64, d, Gpr::Rax);
        }
        if signed {
            // Negate the result of a negative dividend: (x ^ -1) - -1.
            self.asm.alu_rr(Alu::Xor, Size::S64, d, SCRATCH);
            self.asm.alu_rr(Alu::Sub, Size::S64, d, SCRATCH);
        }
        true
    }

    /// Stores the float locals' registers to their slots, before a call that keeps no xmm
    /// register.
    fn store_float_locals(&mut self) {
        for k in 0..self.saved_float.len() {
            let (x, local) = self.saved_float[k];
            let slot = self.slot(local);
            self.store_float_local(slot, x);
        }
    }

    /// Loads the float locals' registers back after such a call.
    fn load_float_locals(&mut self) {
        for k in 0..self.saved_float.len() {
            let (x, local) = self.saved_float[k];
            let slot = self.slot(local);
            self.load_float_local(x, slot);
        }
    }

    /// Copies a value of `class` from `src` to `dst`, each a slot of this module or a raw
    /// value (16 bytes): a v128 whole, a scalar's 64 bits; with `to_raw`, `dst` is a raw
    /// value, whose upper half a scalar clears. Uses SCRATCH (r11) and XSCRATCH.
    fn copy_class(&mut self, class: Class, dst: Mem, src: Mem, to_raw: bool) {
        if class == Class::V128 {
            self.asm.movdqu_load(XSCRATCH, src);
            self.asm.movdqu_store(dst, XSCRATCH);
            return;
        }
        self.asm.load(Load::Full(Size::S64), SCRATCH, src);
        self.asm.store(8, dst, SCRATCH);
        if to_raw {
            self.asm.store_imm(8, Mem { disp: dst.disp + 8, ..dst }, 0);
        }
    }

    /// Raw value `i` of an array at `base`.
    fn raw(base: Gpr, i: usize) -> Mem {
        Mem::base(base, 16 * i as i32)
    }

    /// Opens a trampoline's frame: rbp, the incoming rsi at `[rbp - 8]`, and at least `bytes`
    /// more, leaving rsp 16-byte aligned for its call.
    fn trampoline_frame(&mut self, bytes: usize) {
        // Entered with rsp 8 off alignment (the return address); rbp and rsi make it 8 off again.
        let area = ((bytes + 8 + 15) & !15) - 8;
        self.asm.push(Gpr::Rbp);
        self.asm.mov_rr(Size::S64, Gpr::Rbp, Gpr::Rsp);
        self.asm.push(Gpr::Rsi);
        self.asm.alu_ri(Alu::Sub, Size::S64, Gpr::Rsp, area as i32);
    }

    /// Emits the import trampoline at `label` for `params` and `results`, calling `runtime`
    /// (see `Masm::call_import`). Entered as a compiled function is (register parameters,
    /// rsi, edx), with the import's index in eax; returns as one does, with the runtime's
    /// status in edx.
    fn import_trampoline(&mut self, label: Label, params: &[Class], results: &[Class], runtime: usize) {
        let count = params.len().max(results.len()).max(1);
        self.asm.bind(label);
        self.trampoline_frame(16 * count);
        // The register parameters first, while their registers hold them.
        for (i, &class) in params.iter().enumerate() {
            let dst = Self::raw(Gpr::Rsp, i);
            match self.param_register(i, class) {
                Some(r) if class == Class::Int => self.asm.store(8, dst, gpr(r)),
                Some(x) => self.asm.sse_store(asm::Prec::F64, dst, Xmm(x)),
                None => continue,
            }
            self.asm.store_imm(8, Mem { disp: dst.disp + 8, ..dst }, 0);
        }
        for (i, &class) in params.iter().enumerate() {
            if self.param_register(i, class).is_none() {
                let src = self.slot_at(Gpr::Rsi, i as u32);
                self.copy_class(class, Self::raw(Gpr::Rsp, i), src, true);
            }
        }
        // The runtime counts the frames compiled code has opened from the depth left.
        let o = VMContext::OFFSETS;
        self.asm.load(Load::Full(Size::S64), Gpr::Rdi, Mem::base(VMCTX, o.store as i32));
        self.asm.store(4, Mem::base(Gpr::Rdi, o.store_depth_left as i32), Gpr::Rdx);
        self.asm.mov_rr(Size::S64, Gpr::Rdi, VMCTX);
        self.asm.mov_rr(Size::S32, Gpr::Rsi, Gpr::Rax);
        self.asm.mov_rr(Size::S64, Gpr::Rdx, Gpr::Rsp);
        self.asm.mov_ri(Gpr::Rcx, count as u64);
        self.asm.mov_ri(Gpr::Rax, runtime as u64);
        self.asm.call_r(Gpr::Rax);
        self.asm.mov_rr(Size::S32, Gpr::Rdx, Gpr::Rax);
        if let Some(&class) = results.first() {
            self.load_result(class, Self::raw(Gpr::Rsp, 0));
        }
        if results.len() > 1 {
            self.asm.load(Load::Full(Size::S64), Gpr::Rdi, Mem::base(Gpr::Rbp, -8));
            for (i, &class) in results.iter().enumerate().skip(1) {
                let dst = self.slot_at(Gpr::Rdi, i as u32);
                self.copy_class(class, dst, Self::raw(Gpr::Rsp, i), false);
            }
        }
        self.asm.mov_rr(Size::S64, Gpr::Rsp, Gpr::Rbp);
        self.asm.pop(Gpr::Rbp);
        self.asm.ret();
    }

    /// Loads a first result of `class` from `src` into its result register.
    fn load_result(&mut self, class: Class, src: Mem) {
        match class {
            Class::Int => self.asm.load(Load::Full(Size::S64), RESULT_REGISTER, src),
            Class::Float => self.asm.sse_load(asm::Prec::F64, FLOAT_RESULT_REGISTER, src),
            Class::V128 => self.asm.movdqu_load(FLOAT_RESULT_REGISTER, src),
        }
    }

    /// Copies a value of `class` from slot `src` to slot `dst`: a v128 whole, a scalar's 8
    /// bytes, as they were stored (a wider load of a value stored narrower could not take it
    /// from the store buffer, and would wait for the store to reach the cache).
    fn copy_value(&mut self, class: Class, dst: Mem, src: Mem) {
        if class == Class::V128 {
            self.asm.movdqu_load(XSCRATCH, src);
            self.asm.movdqu_store(dst, XSCRATCH);
        } else {
            self.asm.load(Load::Full(Size::S64), SCRATCH, src);
            self.asm.store(8, dst, SCRATCH);
        }
    }

    /// The label of the current function's stub that traps with `code` for the operator being
    /// lowered.
    pub(super) fn stub(&mut self, code: TrapCode) -> Label {
        let source = self.source;
        if let Some(&(_, _, l)) = self.stubs.iter().find(|(c, s, _)| *c == code && *s == source) {
            return l;
        }
        let l = self.asm.new_label();
        self.stubs.push((code, source, l));
        l
    }

    /// Registers the next instruction as a trap site of the operator being lowered.
    pub(super) fn site(&mut self, code: TrapCode) {
        let pc = self.asm.offset() as u32;
        self.sites.push((pc, code));
        self.sources.push((pc, self.source));
    }

    /// Maps the call just emitted to the operator being lowered, by the call's last byte (as
    /// backtraces name it): its return address may also be the next trap site's.
    fn after_call(&mut self) {
        self.sources.push((self.asm.offset() as u32 - 1, self.source));
    }

    /// The heap operand for an access of `bytes` at `index + offset`: an index register is
    /// zero-extended from 32 bits first unless known to be, a constant index is added to the
    /// offset. The heap is memory `self.memory` (`Masm::set_memory`): memory 0's base is in r14,
    /// another memory's is loaded into rax from the context. With explicit checks it traps
    /// first unless the access ends within that memory's current length.
    pub(super) fn heap_operand(&mut self, index: Index, offset: u32, bytes: u8) -> Mem {
        // The index register, if any, and the offset, at most 2^33 with a constant index.
        let (addr, offset) = match index {
            Index::Reg(r) => {
                let r = gpr(r);
                // Unless the instruction just before wrote the index with a 32-bit operation
                // (which zero-extends it) and nothing jumps in between.
                if !self.asm.zero_extended(r) {
                    self.asm.mov_rr(Size::S32, r, r);
                }
                (Some(r), u64::from(offset))
            }
            Index::Extended(r) => (Some(gpr(r)), u64::from(offset)),
            Index::Const(c) => (None, u64::from(c) + u64::from(offset)),
        };
        let offsets = VMContext::OFFSETS;
        // rax = the memory's definition (VMMemory), when it is needed.
        let definition = |this: &mut X64Masm| {
            if this.memory == 0 {
                this.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.memory0 as i32));
            } else {
                this.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.memories as i32));
                this.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, 8 * this.memory as i32));
            }
        };
        if self.bounds == Bounds::Explicit {
            // end = addr + offset + bytes, below 2^34: no overflow in 64 bits.
            let end = offset + u64::from(bytes);
            match (addr, i32::try_from(end)) {
                (Some(addr), Ok(disp)) => self.asm.lea(SCRATCH, Mem::base(addr, disp)),
                (Some(addr), Err(_)) => {
                    self.asm.mov_ri(SCRATCH, end);
                    self.asm.alu_rr(Alu::Add, Size::S64, SCRATCH, addr);
                }
                (None, _) => self.asm.mov_ri(SCRATCH, end),
            }
            definition(self);
            self.asm.alu_rm(Alu::Cmp, Size::S64, SCRATCH, Mem::base(Gpr::Rax, offsets.memory_length as i32));
            let out_of_bounds = self.stub(TrapCode::MemoryOutOfBounds);
            self.asm.jcc(Cond::A, out_of_bounds);
        }
        let base = if self.memory == 0 {
            HEAP
        } else {
            if self.bounds == Bounds::GuardRegions {
                definition(self);
            }
            self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, offsets.memory_base as i32));
            Gpr::Rax
        };
        match (addr, i32::try_from(offset)) {
            (Some(addr), Ok(disp)) => Mem::indexed(base, addr, 1, disp),
            (None, Ok(disp)) => Mem::base(base, disp),
            (Some(addr), Err(_)) => {
                self.asm.mov_ri(SCRATCH, offset);
                self.asm.alu_rr(Alu::Add, Size::S64, SCRATCH, addr);
                Mem::indexed(base, SCRATCH, 1, 0)
            }
            (None, Err(_)) => {
                self.asm.mov_ri(SCRATCH, offset);
                Mem::indexed(base, SCRATCH, 1, 0)
            }
        }
    }

    /// Registers the next instruction as a heap access that may fault (with guard regions).
    pub(super) fn heap_site(&mut self) {
        if self.bounds == Bounds::GuardRegions {
            self.site(TrapCode::MemoryOutOfBounds);
        }
    }
}

fn prec(p: Prec) -> asm::Prec {
    match p {
        Prec::F32 => asm::Prec::F32,
        Prec::F64 => asm::Prec::F64,
    }
}

fn float_bytes(p: Prec) -> u8 {
    match p {
        Prec::F32 => 4,
        Prec::F64 => 8,
    }
}

fn float_size(p: Prec) -> Size {
    match p {
        Prec::F32 => Size::S32,
        Prec::F64 => Size::S64,
    }
}

/// The bits of `value` in precision `p`.
fn float_bits(p: Prec, value: f64) -> u64 {
    match p {
        Prec::F32 => (value as f32).to_bits() as u64,
        Prec::F64 => value.to_bits(),
    }
}

impl X64Masm {
    /// `reg op= mask` on 32 or 64 bits (64-bit masks through the scratch register).
    fn mask(&mut self, op: Alu, p: Prec, reg: Gpr, mask: u64) {
        match p {
            Prec::F32 => self.asm.alu_ri(op, Size::S32, reg, mask as u32 as i32),
            Prec::F64 => {
                self.asm.mov_ri(SCRATCH, mask);
                self.asm.alu_rr(op, Size::S64, reg, SCRATCH);
            }
        }
    }

    /// Compares the integer in `dst` with the minimum of `width`.
    fn compare_with_min(&mut self, width: Width, dst: Gpr) {
        match width {
            Width::W32 => self.asm.alu_ri(Alu::Cmp, Size::S32, dst, i32::MIN),
            Width::W64 => {
                self.asm.mov_ri(SCRATCH, i64::MIN as u64);
                self.asm.alu_rr(Alu::Cmp, Size::S64, dst, SCRATCH);
            }
        }
    }

    /// Truncates the (not NaN) float in `src` to an unsigned 64-bit `dst`, jumping to
    /// `negative` for inputs at or below -1 and to `too_big` for inputs of 2^64 or more; falls
    /// through with the result. x86 only converts to signed integers: inputs of 2^63 or more
    /// are converted less 2^63, and the top bit set back.
    fn truncate_to_u64(&mut self, p: Prec, dst: Gpr, src: Xmm, negative: Label, too_big: Label) {
        let ap = prec(p);
        let (big, done) = (self.asm.new_label(), self.asm.new_label());
        self.float_const_into(p, XSCRATCH, float_bits(p, 9223372036854775808.0));
        self.asm.ucomis(ap, src, XSCRATCH);
        self.asm.jcc(Cond::Ae, big);
        self.asm.cvt_float_to_int(ap, Size::S64, dst, src);
        self.asm.test_rr(Size::S64, dst, dst);
        self.asm.jcc(Cond::S, negative);
        self.asm.jmp(done);
        self.asm.bind(big);
        self.asm.movaps(XSCRATCH2, src);
        self.asm.sse_arith(SseArith::Sub, ap, XSCRATCH2, XSCRATCH);
        self.asm.cvt_float_to_int(ap, Size::S64, dst, XSCRATCH2);
        self.asm.test_rr(Size::S64, dst, dst);
        self.asm.jcc(Cond::S, too_big);
        self.asm.mov_ri(SCRATCH, 1 << 63);
        self.asm.alu_rr(Alu::Xor, Size::S64, dst, SCRATCH);
        self.asm.bind(done);
    }

    fn float_const_into(&mut self, p: Prec, dst: Xmm, bits: u64) {
        self.asm.mov_ri(SCRATCH, bits);
        self.asm.mov_to_xmm(float_size(p), dst, SCRATCH);
    }

    /// A trapping float-to-integer truncation (`dst` integer, `src` float).
    fn truncate(&mut self, width: Width, signed: bool, p: Prec, dst: Gpr, src: Xmm) {
        let (ap, s) = (prec(p), size(width));
        let invalid = self.stub(TrapCode::InvalidConversionToInteger);
        let overflow = self.stub(TrapCode::IntegerOverflow);
        let done = self.asm.new_label();
        if signed {
            self.asm.cvt_float_to_int(ap, s, dst, src);
            // x86 gives the minimum for NaN and out-of-range inputs; only some inputs near the
            // minimum really truncate to it.
            self.compare_with_min(width, dst);
            self.asm.jcc(Cond::Ne, done);
            self.asm.ucomis(ap, src, src);
            self.asm.jcc(Cond::P, invalid);
            let min = if width == Width::W32 { i32::MIN as f64 } else { i64::MIN as f64 };
            self.float_const_into(p, XSCRATCH, float_bits(p, min));
            self.asm.ucomis(ap, src, XSCRATCH);
            self.asm.jcc(Cond::A, overflow);
            if p == Prec::F64 && width == Width::W32 {
                // (-2^31 - 1, -2^31] truncates to -2^31.
                self.float_const_into(p, XSCRATCH, float_bits(p, -2147483649.0));
                self.asm.ucomis(ap, src, XSCRATCH);
                self.asm.jcc(Cond::Be, overflow);
            } else {
                self.asm.jcc(Cond::B, overflow);
            }
        } else if width == Width::W32 {
            self.asm.ucomis(ap, src, src);
            self.asm.jcc(Cond::P, invalid);
            self.asm.cvt_float_to_int(ap, Size::S64, dst, src);
            self.asm.mov_ri(SCRATCH, u32::MAX as u64);
            self.asm.alu_rr(Alu::Cmp, Size::S64, dst, SCRATCH);
            self.asm.jcc(Cond::A, overflow);
        } else {
            self.asm.ucomis(ap, src, src);
            self.asm.jcc(Cond::P, invalid);
            self.truncate_to_u64(p, dst, src, overflow, overflow);
        }
        self.asm.bind(done);
    }
}

impl X64Masm {
    /// A saturating float-to-integer truncation (`dst` integer, `src` float).
    fn truncate_saturating(&mut self, width: Width, signed: bool, p: Prec, dst: Gpr, src: Xmm) {
        let (ap, s) = (prec(p), size(width));
        let (zero, done) = (self.asm.new_label(), self.asm.new_label());
        let max: u64 = match (width, signed) {
            (Width::W32, true) => i32::MAX as u64,
            (Width::W32, false) => u32::MAX as u64,
            (Width::W64, true) => i64::MAX as u64,
            (Width::W64, false) => u64::MAX,
        };
        let positive_overflow = self.asm.new_label();
        if signed {
            self.asm.cvt_float_to_int(ap, s, dst, src);
            // The minimum is right for inputs at or below it; NaN gives 0, large inputs the
            // maximum.
            self.compare_with_min(width, dst);
            self.asm.jcc(Cond::Ne, done);
            self.asm.ucomis(ap, src, src);
            self.asm.jcc(Cond::P, zero);
            self.float_const_into(p, XSCRATCH, 0);
            self.asm.ucomis(ap, src, XSCRATCH);
            self.asm.jcc(Cond::A, positive_overflow);
            self.asm.jmp(done);
        } else if width == Width::W32 {
            self.asm.ucomis(ap, src, src);
            self.asm.jcc(Cond::P, zero);
            self.asm.cvt_float_to_int(ap, Size::S64, dst, src);
            let negative_or_huge = self.asm.new_label();
            self.asm.test_rr(Size::S64, dst, dst);
            self.asm.jcc(Cond::S, negative_or_huge);
            self.asm.mov_ri(SCRATCH, u32::MAX as u64);
            self.asm.alu_rr(Alu::Cmp, Size::S64, dst, SCRATCH);
            self.asm.jcc(Cond::A, positive_overflow);
            self.asm.jmp(done);
            self.asm.bind(negative_or_huge);
            self.float_const_into(p, XSCRATCH, 0);
            self.asm.ucomis(ap, src, XSCRATCH);
            self.asm.jcc(Cond::A, positive_overflow);
            self.asm.jmp(zero);
        } else {
            self.asm.ucomis(ap, src, src);
            self.asm.jcc(Cond::P, zero);
            self.truncate_to_u64(p, dst, src, zero, positive_overflow);
            self.asm.jmp(done);
        }
        self.asm.bind(positive_overflow);
        self.asm.mov_ri(dst, max);
        self.asm.jmp(done);
        self.asm.bind(zero);
        self.asm.alu_rr(Alu::Xor, Size::S32, dst, dst);
        self.asm.bind(done);
        if width == Width::W32 {
            // An i32 result has its upper half clear.
            self.asm.mov_rr(Size::S32, dst, dst);
        }
    }
}

fn cond(cmp: Cmp) -> Cond {
    match cmp {
        Cmp::Eq => Cond::E,
        Cmp::Ne => Cond::Ne,
        Cmp::LtS => Cond::L,
        Cmp::LtU => Cond::B,
        Cmp::GtS => Cond::G,
        Cmp::GtU => Cond::A,
        Cmp::LeS => Cond::Le,
        Cmp::LeU => Cond::Be,
        Cmp::GeS => Cond::Ge,
        Cmp::GeU => Cond::Ae,
    }
}

impl Masm for X64Masm {
    type Label = Label;

    fn allocatable(&self) -> &'static [Reg] {
        &ALLOCATABLE
    }

    fn new_label(&mut self) -> Label {
        self.asm.new_label()
    }

    fn bind(&mut self, label: Label) {
        self.asm.bind(label);
    }

    fn bind_loop(&mut self, label: Label) {
        // A loop's body starts a 16-byte fetch block, as a function's does.
        self.asm.align(16);
        self.asm.bind(label);
    }

    fn local_registers(&self) -> &'static [Reg] {
        &LOCAL_REGISTERS
    }

    fn float_local_registers(&self) -> &'static [Reg] {
        &FLOAT_LOCAL_REGISTERS
    }

    fn prologue(
        &mut self,
        index: u32,
        sig: Signature<'_>,
        locals: u32,
        registers: &[(u32, Reg, Width)],
        float_registers: &[(u32, Reg)],
    ) {
        let a = &mut self.asm;
        // Calls land at the start of a 16-byte fetch block (the padding before runs never).
        a.align(16);
        a.bind(self.functions[index as usize]);
        self.offsets.push(a.offset());
        a.push(Gpr::Rbp);
        a.mov_rr(Size::S64, Gpr::Rbp, Gpr::Rsp);
        // The frame's size is known at the end of the function (end_function patches it).
        self.frame_size_at = a.alu_ri32(Alu::Sub, Size::S64, Gpr::Rsp, 0);
        if sig.results.len() > 1 {
            // For the epilogue, which writes the results after the first there.
            a.store(8, Mem::base(Gpr::Rbp, ARGS_AT), Gpr::Rsi);
        }
        self.saved.clear();
        self.saved.extend(registers.iter().map(|&(_, r, _)| gpr(r)));
        self.saved_float.clear();
        self.saved_float.extend(float_registers.iter().map(|&(local, r)| (Xmm(r), local)));
        for k in 0..self.saved.len() {
            let at = self.saved_at(k);
            self.asm.store(8, at, self.saved[k]);
        }
        for k in 0..self.saved_float.len() {
            let at = self.saved_float_at(k);
            self.store_float_local(at, self.saved_float[k].0);
        }
        // The register parameters first: nothing below uses their registers then.
        // An integer local's register and operand size.
        let register = |i: u32| registers.iter().find(|&&(local, _, _)| local == i).map(|&(_, r, w)| (gpr(r), size(w)));
        let float_register = |i: u32| float_registers.iter().find(|&&(local, _)| local == i).map(|&(_, r)| Xmm(r));
        for (i, &class) in sig.params.iter().enumerate() {
            let Some(from) = self.param_register(i, class) else { continue };
            let at = i as u32;
            match (class, register(at), float_register(at)) {
                (Class::Int, Some((r, s)), _) => self.asm.mov_rr(s, r, gpr(from)),
                (Class::Int, None, _) => {
                    let slot = self.slot(at);
                    self.asm.store(8, slot, gpr(from));
                }
                (_, _, Some(x)) => self.asm.movaps(x, Xmm(from)),
                (_, _, None) => {
                    let slot = self.slot(at);
                    self.asm.sse_store(asm::Prec::F64, slot, Xmm(from));
                }
            }
        }
        // The native stack limit: a deeper call traps instead of overflowing.
        let offsets = VMContext::OFFSETS;
        let a = &mut self.asm;
        a.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.store as i32));
        a.alu_rm(Alu::Cmp, Size::S64, Gpr::Rsp, Mem::base(Gpr::Rax, offsets.store_stack_limit as i32));
        let exhausted = self.stub(TrapCode::CallStackExhausted);
        self.asm.jcc(Cond::B, exhausted);
        // The configured call depth: this frame is one more, unless none is left. The count
        // lives in the frame (callees get it in edx), not in the store, so calls and returns
        // do not wait on one another's stores to it.
        self.asm.alu_ri(Alu::Sub, Size::S32, Gpr::Rdx, 1);
        self.asm.jcc(Cond::B, exhausted);
        self.asm.store(4, Mem::base(Gpr::Rbp, DEPTH_AT), Gpr::Rdx);
        for (i, &class) in sig.params.iter().enumerate() {
            if self.param_register(i, class).is_some() {
                continue;
            }
            let at = i as u32;
            let src = self.slot_at(Gpr::Rsi, at);
            match (register(at), float_register(at)) {
                (Some((r, s)), _) => self.asm.load(Load::Full(s), r, src),
                (_, Some(x)) => self.load_float_local(x, src),
                _ => {
                    let dst = self.slot(at);
                    self.copy_value(class, dst, src);
                }
            }
        }
        let params = sig.params.len() as u32;
        if self.slot_bytes == 16 && locals > 0 {
            self.asm.packed(Packed::Pxor, XSCRATCH, XSCRATCH);
        }
        for i in params..params + locals {
            if let Some((r, _)) = register(i) {
                self.asm.alu_rr(Alu::Xor, Size::S32, r, r);
                continue;
            }
            if let Some(x) = float_register(i) {
                self.asm.packed(Packed::Pxor, x, x);
                continue;
            }
            let slot = self.slot(i);
            if self.slot_bytes == 16 {
                self.asm.movdqu_store(slot, XSCRATCH);
            } else {
                self.asm.store_imm(8, slot, 0);
            }
        }
    }

    fn epilogue(&mut self, first: u32, results: &[Class], first_in: Option<Reg>) {
        if results.len() > 1 {
            self.asm.load(Load::Full(Size::S64), Gpr::Rcx, Mem::base(Gpr::Rbp, ARGS_AT));
            for i in 1..results.len() as u32 {
                let (dst, src) = (self.slot_at(Gpr::Rcx, i), self.slot(first + i));
                self.copy_value(results[i as usize], dst, src);
            }
        }
        match (results.first(), first_in) {
            (Some(Class::Int), Some(r)) => self.asm.mov_rr(Size::S64, RESULT_REGISTER, gpr(r)),
            (Some(_), Some(x)) => self.asm.movaps(FLOAT_RESULT_REGISTER, Xmm(x)),
            (Some(&class), None) => {
                let src = self.slot(first);
                self.load_result(class, src);
            }
            (None, _) => {}
        }
        for k in 0..self.saved.len() {
            let at = self.saved_at(k);
            self.asm.load(Load::Full(Size::S64), self.saved[k], at);
        }
        for k in 0..self.saved_float.len() {
            let at = self.saved_float_at(k);
            self.load_float_local(self.saved_float[k].0, at);
        }
        let a = &mut self.asm;
        a.mov_rr(Size::S64, Gpr::Rsp, Gpr::Rbp);
        a.pop(Gpr::Rbp);
        a.ret();
    }

    fn end_function(&mut self, slots: u32) {
        // Below rbp: the arguments pointer, the depth, the saved registers and the slots,
        // rounded so that rsp stays 16-byte aligned.
        let saved = 8 * self.saved.len() as i32 + self.slot_bytes as i32 * self.saved_float.len() as i32;
        let area = ((-DEPTH_AT + saved + (self.slot_bytes * slots) as i32) + 15) & !15;
        self.asm.patch_imm32(self.frame_size_at, area);
        for (code, source, label) in std::mem::take(&mut self.stubs) {
            self.source = source;
            self.asm.bind(label);
            match self.bounds {
                Bounds::GuardRegions => {
                    self.site(code);
                    self.asm.ud2();
                }
                Bounds::Explicit => {
                    // entry::raise takes `code + 1` and finds the trap's place at its return
                    // address.
                    self.asm.mov_ri(Gpr::Rdi, code as u64 + 1);
                    self.asm.mov_ri(Gpr::Rax, super::entry::raise as *const () as u64);
                    self.asm.call_r(Gpr::Rax);
                    self.after_call();
                    // Never reached (raise does not return); keeps the return address inside
                    // this function when the stub is its last.
                    self.asm.ud2();
                }
            }
        }
    }

    fn check_interrupt_and_fuel(&mut self, fuel: bool) {
        let offsets = VMContext::OFFSETS;
        // The context's copy of the store's request: one load (see `vmctx::Interrupt`).
        self.asm.alu_mi(Alu::Cmp, 1, Mem::base(VMCTX, offsets.interrupt as i32), 0);
        let interrupted = self.stub(TrapCode::Interrupted);
        self.asm.jcc(Cond::Ne, interrupted);
        if fuel {
            self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.store as i32));
            let fuel = Mem::base(Gpr::Rax, offsets.store_fuel as i32);
            self.asm.alu_mi(Alu::Cmp, 8, fuel, 0);
            let out = self.stub(TrapCode::OutOfFuel);
            self.asm.jcc(Cond::E, out);
            self.asm.alu_mi(Alu::Sub, 8, fuel, 1);
        }
    }

    fn load_slot(&mut self, dst: Reg, slot: u32, width: Width) {
        let m = self.slot(slot);
        self.asm.load(Load::Full(size(width)), gpr(dst), m);
    }

    fn store_slot(&mut self, slot: u32, src: Reg) {
        let m = self.slot(slot);
        self.asm.store(8, m, gpr(src));
    }

    fn store_slot_imm(&mut self, slot: u32, value: i64) {
        let m = self.slot(slot);
        match i32::try_from(value) {
            Ok(v) => self.asm.store_imm(8, m, v),
            Err(_) => {
                self.asm.mov_ri(SCRATCH, value as u64);
                self.asm.store(8, m, SCRATCH);
            }
        }
    }

    fn copy_slot(&mut self, class: Class, dst: u32, src: u32) {
        let (d, s) = (self.slot(dst), self.slot(src));
        self.copy_value(class, d, s);
    }

    fn mov(&mut self, dst: Reg, src: Reg, width: Width) {
        self.asm.mov_rr(size(width), gpr(dst), gpr(src));
    }

    fn float_mov(&mut self, dst: Reg, src: Reg) {
        self.asm.movaps(Xmm(dst), Xmm(src));
    }

    fn mov_imm(&mut self, dst: Reg, value: i64, width: Width) {
        let bits = match width {
            Width::W32 => value as u32 as u64,
            Width::W64 => value as u64,
        };
        self.asm.mov_ri(gpr(dst), bits);
    }

    fn int_op(&mut self, op: IntOp, width: Width, dst: Reg, src: Reg) {
        let (s, d, r) = (size(width), gpr(dst), gpr(src));
        let alu = |a: &mut Assembler, op| a.alu_rr(op, s, d, r);
        match op {
            IntOp::Add => alu(&mut self.asm, Alu::Add),
            IntOp::Sub => alu(&mut self.asm, Alu::Sub),
            IntOp::And => alu(&mut self.asm, Alu::And),
            IntOp::Or => alu(&mut self.asm, Alu::Or),
            IntOp::Xor => alu(&mut self.asm, Alu::Xor),
            IntOp::Mul => self.asm.imul_rr(s, d, r),
            IntOp::Shl | IntOp::ShrS | IntOp::ShrU | IntOp::Rotl | IntOp::Rotr => {
                // The count is taken modulo the width, as WebAssembly's is.
                self.asm.mov_rr(Size::S32, Gpr::Rcx, r);
                self.asm.shift_cl(shift(op), s, d);
            }
            IntOp::DivU | IntOp::RemU => {
                let zero = self.stub(TrapCode::IntegerDivideByZero);
                self.asm.test_rr(s, r, r);
                self.asm.jcc(Cond::E, zero);
                self.asm.mov_rr(s, Gpr::Rax, d);
                self.asm.alu_rr(Alu::Xor, Size::S32, Gpr::Rdx, Gpr::Rdx);
                self.asm.unary(Unary::Div, s, r);
                self.asm.mov_rr(s, d, if op == IntOp::DivU { Gpr::Rax } else { Gpr::Rdx });
            }
            IntOp::DivS | IntOp::RemS => {
                let zero = self.stub(TrapCode::IntegerDivideByZero);
                self.asm.test_rr(s, r, r);
                self.asm.jcc(Cond::E, zero);
                let (divide, done) = (self.asm.new_label(), self.asm.new_label());
                self.asm.alu_ri(Alu::Cmp, s, r, -1);
                self.asm.jcc(Cond::Ne, divide);
                if op == IntOp::DivS {
                    // MIN / -1 overflows; anything else / -1 is its negation.
                    match width {
                        Width::W32 => self.asm.alu_ri(Alu::Cmp, s, d, i32::MIN),
                        Width::W64 => {
                            self.asm.mov_ri(SCRATCH, i64::MIN as u64);
                            self.asm.alu_rr(Alu::Cmp, s, d, SCRATCH);
                        }
                    }
                    let overflow = self.stub(TrapCode::IntegerOverflow);
                    self.asm.jcc(Cond::E, overflow);
                    self.asm.unary(Unary::Neg, s, d);
                } else {
                    // x % -1 is 0 (and idiv would fault on MIN % -1).
                    self.asm.alu_rr(Alu::Xor, Size::S32, d, d);
                }
                self.asm.jmp(done);
                self.asm.bind(divide);
                self.asm.mov_rr(s, Gpr::Rax, d);
                self.asm.sign_extend_rax(s);
                self.asm.unary(Unary::Idiv, s, r);
                self.asm.mov_rr(s, d, if op == IntOp::DivS { Gpr::Rax } else { Gpr::Rdx });
                self.asm.bind(done);
            }
        }
    }

    fn add_from(&mut self, width: Width, dst: Reg, src: Reg, addend: Rhs) {
        let sum = match addend {
            Rhs::Imm(imm) => Mem::base(gpr(src), imm),
            Rhs::Reg(r) => Mem::indexed(gpr(src), gpr(r), 1, 0),
        };
        self.asm.lea_sized(size(width), gpr(dst), sum);
    }

    fn int_op_imm(&mut self, op: IntOp, width: Width, dst: Reg, imm: i64) -> bool {
        let (s, d) = (size(width), gpr(dst));
        let imm32 = match width {
            Width::W32 => Some(imm as i32),
            Width::W64 => i32::try_from(imm).ok(),
        };
        if width == Width::W32 && matches!(op, IntOp::DivU | IntOp::RemU | IntOp::DivS | IntOp::RemS) {
            return self.divide_by_constant(op, d, imm as u32);
        }
        if width == Width::W64 && matches!(op, IntOp::DivU | IntOp::RemU | IntOp::DivS | IntOp::RemS) {
            return self.divide_64_by_constant(op, d, imm as u64);
        }
        let alu = match op {
            IntOp::Mul => match imm32 {
                Some(imm) => {
                    self.asm.imul_rri(s, d, d, imm);
                    return true;
                }
                None => return false,
            },
            IntOp::Add => Alu::Add,
            IntOp::Sub => Alu::Sub,
            IntOp::And => Alu::And,
            IntOp::Or => Alu::Or,
            IntOp::Xor => Alu::Xor,
            IntOp::Shl | IntOp::ShrS | IntOp::ShrU | IntOp::Rotl | IntOp::Rotr => {
                let mask = if width == Width::W32 { 31 } else { 63 };
                self.asm.shift_ri(shift(op), s, d, (imm & mask) as u8);
                return true;
            }
            _ => return false,
        };
        match imm32 {
            Some(imm) => {
                self.asm.alu_ri(alu, s, d, imm);
                true
            }
            None => false,
        }
    }

    fn int_unary(&mut self, op: IntUnary, width: Width, dst: Reg) -> bool {
        let (s, d) = (size(width), gpr(dst));
        match op {
            IntUnary::Clz | IntUnary::Ctz | IntUnary::Popcnt => {
                let (count, available) = match op {
                    IntUnary::Clz => (BitCount::Lzcnt, std::arch::is_x86_feature_detected!("lzcnt")),
                    IntUnary::Ctz => (BitCount::Tzcnt, std::arch::is_x86_feature_detected!("bmi1")),
                    _ => (BitCount::Popcnt, std::arch::is_x86_feature_detected!("popcnt")),
                };
                if !available {
                    return false;
                }
                self.asm.bit_count(count, s, d, d);
            }
            IntUnary::Eqz => {
                self.asm.test_rr(s, d, d);
                self.asm.setcc(Cond::E, d);
                self.asm.movzx_r8(d, d);
            }
            IntUnary::Extend8S => self.asm.movsx_rr(8, s, d, d),
            IntUnary::Extend16S => self.asm.movsx_rr(16, s, d, d),
            IntUnary::Extend32S => self.asm.movsx_rr(32, Size::S64, d, d),
            IntUnary::Wrap32 => self.asm.mov_rr(Size::S32, d, d),
        }
        true
    }

    fn compare(&mut self, cmp: Cmp, width: Width, dst: Reg, a: Reg, b: Rhs) {
        let d = gpr(dst);
        self.cmp_rhs(width, gpr(a), b);
        self.asm.setcc(cond(cmp), d);
        self.asm.movzx_r8(d, d);
    }

    fn select(&mut self, width: Width, dst: Reg, other: Reg, c: Reg) {
        self.asm.test_rr(Size::S32, gpr(c), gpr(c));
        self.asm.cmov(Cond::E, size(width), gpr(dst), gpr(other));
    }

    fn jump(&mut self, label: Label) {
        self.asm.jmp(label);
    }

    fn branch_if_compare(&mut self, cmp: Cmp, width: Width, a: Reg, b: Rhs, when: bool, label: Label) {
        self.cmp_rhs(width, gpr(a), b);
        let c = cond(cmp);
        // Condition codes come in pairs that differ in the lowest bit: the negation.
        let c = if when { c } else { Cond::ALL[(c as usize) ^ 1] };
        self.asm.jcc(c, label);
    }

    fn branch_if_zero(&mut self, reg: Reg, label: Label) {
        self.asm.test_rr(Size::S32, gpr(reg), gpr(reg));
        self.asm.jcc(Cond::E, label);
    }

    fn branch_if_nonzero(&mut self, reg: Reg, label: Label) {
        self.asm.test_rr(Size::S32, gpr(reg), gpr(reg));
        self.asm.jcc(Cond::Ne, label);
    }

    fn jump_table(&mut self, reg: Reg, targets: &[Label], default: Label) {
        // A table of 8-byte entries, each a `jmp` to its target (5 bytes) and padding, right
        // after the indirect jump into it.
        let (index, table) = (gpr(reg), self.asm.new_label());
        self.asm.alu_ri(Alu::Cmp, Size::S32, index, targets.len() as i32);
        self.asm.jcc(Cond::Ae, default);
        self.asm.mov_rr(Size::S32, index, index); // zero-extends the index
        self.asm.lea_label(SCRATCH, table);
        self.asm.lea(SCRATCH, Mem::indexed(SCRATCH, index, 8, 0));
        self.asm.jmp_r(SCRATCH);
        self.asm.bind(table);
        for &target in targets {
            self.asm.jmp(target);
            for _ in 0..3 {
                self.asm.int3();
            }
        }
    }

    fn trap(&mut self, code: TrapCode) {
        let stub = self.stub(code);
        self.asm.jmp(stub);
    }

    fn param_register(&self, i: usize, class: Class) -> Option<Reg> {
        match class {
            Class::Int => PARAM_REGISTERS.get(i).map(|&r| r as Reg),
            Class::Float => FLOAT_PARAM_REGISTERS.get(i).map(|x| x.0),
            Class::V128 => None,
        }
    }

    fn result_register(&self, class: Class) -> Reg {
        match class {
            Class::Int => RESULT_REGISTER as Reg,
            Class::Float | Class::V128 => FLOAT_RESULT_REGISTER.0,
        }
    }

    fn call(&mut self, index: u32, args: u32, sig: Signature<'_>) {
        self.compiled_call_args(args, sig);
        self.asm.call(self.functions[index as usize]);
        self.after_call();
    }

    fn call_import(&mut self, runtime: *const (), index: u32, args: u32, sig: Signature<'_>) {
        let known = self.import_trampolines.iter().find(|t| t.0 == sig.params && t.1 == sig.results);
        let trampoline = match known {
            Some(t) => t.2,
            None => {
                let label = self.asm.new_label();
                self.import_trampolines.push((sig.params.to_vec(), sig.results.to_vec(), label, runtime as usize));
                label
            }
        };
        // The runtime keeps no xmm register.
        self.store_float_locals();
        self.compiled_call_args(args, sig);
        self.asm.mov_ri(Gpr::Rax, index as u64);
        self.asm.call(trampoline);
        self.after_call();
        self.load_float_locals();
        let stub = self.stub(TrapCode::Host);
        self.asm.test_rr(Size::S32, Gpr::Rdx, Gpr::Rdx);
        self.asm.jcc(Cond::Ne, stub);
    }

    fn entry_trampoline(&mut self, defined: u32, sig: Signature<'_>, heap: bool) {
        debug_assert_eq!(defined as usize, self.entries.len(), "entry trampolines in order");
        if let Some(t) = self.entry_trampolines.iter().find(|t| t.0 == sig.params && t.1 == sig.results) {
            self.entries.push(t.2);
            return;
        }
        let offset = self.asm.offset();
        // Entered from `entry::enter` with the function's code in rax, the raw values in rsi
        // and the depth left in edx; the context is in r15 already.
        let slots = if self.uses_slots(sig) { sig.params.len().max(sig.results.len()) } else { 0 };
        self.trampoline_frame(self.slot_bytes as usize * slots);
        for (i, &class) in sig.params.iter().enumerate() {
            if self.param_register(i, class).is_none() {
                let dst = self.slot(i as u32);
                self.copy_class(class, dst, Self::raw(Gpr::Rsi, i), false);
            }
        }
        // The register parameters last: the copies above use r11.
        for (i, &class) in sig.params.iter().enumerate() {
            match self.param_register(i, class) {
                Some(r) if class == Class::Int => self.asm.load(Load::Full(Size::S64), gpr(r), Self::raw(Gpr::Rsi, i)),
                Some(x) => self.asm.sse_load(asm::Prec::F64, Xmm(x), Self::raw(Gpr::Rsi, i)),
                None => {}
            }
        }
        if slots > 0 {
            self.asm.mov_rr(Size::S64, Gpr::Rsi, Gpr::Rsp);
        }
        if heap {
            // Memory 0's base, which never moves (a memory reserves its whole range).
            let o = VMContext::OFFSETS;
            self.asm.load(Load::Full(Size::S64), Gpr::Rdi, Mem::base(VMCTX, o.memory0 as i32));
            self.asm.load(Load::Full(Size::S64), HEAP, Mem::base(Gpr::Rdi, o.memory_base as i32));
        }
        self.asm.call_r(Gpr::Rax);
        self.asm.load(Load::Full(Size::S64), Gpr::Rdi, Mem::base(Gpr::Rbp, -8));
        match sig.results.first() {
            Some(Class::Int) => self.asm.store(8, Self::raw(Gpr::Rdi, 0), RESULT_REGISTER),
            Some(Class::Float) => self.asm.sse_store(asm::Prec::F64, Self::raw(Gpr::Rdi, 0), FLOAT_RESULT_REGISTER),
            Some(Class::V128) => self.asm.movdqu_store(Self::raw(Gpr::Rdi, 0), FLOAT_RESULT_REGISTER),
            None => {}
        }
        if matches!(sig.results.first(), Some(Class::Int | Class::Float)) {
            self.asm.store_imm(8, Mem::base(Gpr::Rdi, 8), 0);
        }
        for (i, &class) in sig.results.iter().enumerate().skip(1) {
            let src = self.slot(i as u32);
            self.copy_class(class, Self::raw(Gpr::Rdi, i), src, true);
        }
        self.asm.mov_rr(Size::S64, Gpr::Rsp, Gpr::Rbp);
        self.asm.pop(Gpr::Rbp);
        self.asm.ret();
        self.entry_trampolines.push((sig.params.to_vec(), sig.results.to_vec(), offset));
        self.entries.push(offset);
    }

    fn heap_load(&mut self, kind: HeapLoad, dst: Reg, addr: Index, offset: u32) {
        let bytes = match kind {
            HeapLoad::U8 | HeapLoad::S8(_) => 1,
            HeapLoad::U16 | HeapLoad::S16(_) => 2,
            HeapLoad::U32 | HeapLoad::S32 => 4,
            HeapLoad::U64 => 8,
        };
        let m = self.heap_operand(addr, offset, bytes);
        let load = match kind {
            HeapLoad::U8 => Load::Zx8,
            HeapLoad::S8(w) => Load::Sx8(size(w)),
            HeapLoad::U16 => Load::Zx16,
            HeapLoad::S16(w) => Load::Sx16(size(w)),
            HeapLoad::U32 => Load::Full(Size::S32),
            HeapLoad::S32 => Load::Sx32,
            HeapLoad::U64 => Load::Full(Size::S64),
        };
        self.heap_site();
        self.asm.load(load, gpr(dst), m);
    }

    fn heap_store(&mut self, bytes: u8, addr: Index, src: Reg, offset: u32) {
        let m = self.heap_operand(addr, offset, bytes);
        self.heap_site();
        self.asm.store(bytes, m, gpr(src));
    }

    fn heap_store_imm(&mut self, bytes: u8, addr: Index, value: i32, offset: u32) {
        let m = self.heap_operand(addr, offset, bytes);
        self.heap_site();
        self.asm.store_imm(bytes, m, value);
    }

    fn memory_size(&mut self, dst: Reg) {
        let offsets = VMContext::OFFSETS;
        if self.memory == 0 {
            self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.memory0 as i32));
        } else {
            self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.memories as i32));
            self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, 8 * self.memory as i32));
        }
        self.asm.load(Load::Full(Size::S64), gpr(dst), Mem::base(Gpr::Rax, offsets.memory_length as i32));
        self.asm.shift_ri(Shift::Shr, Size::S64, gpr(dst), 16);
    }

    fn memory0_copy(&mut self, d: u32, s: u32, len: u32) {
        let o = VMContext::OFFSETS;
        let out = self.stub(TrapCode::MemoryOutOfBounds);
        // rdi, rsi, rdx: the destination, the source and the length, zero-extended.
        for (reg, slot) in [(Gpr::Rdi, d), (Gpr::Rsi, s), (Gpr::Rdx, len)] {
            let m = self.slot(slot);
            self.asm.load(Load::Full(Size::S32), reg, m);
        }
        // Both ranges end within the current length (64-bit sums: no overflow).
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, o.memory0 as i32));
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, o.memory_length as i32));
        for start in [Gpr::Rdi, Gpr::Rsi] {
            self.asm.lea(Gpr::Rcx, Mem::indexed(start, Gpr::Rdx, 1, 0));
            self.asm.alu_rr(Alu::Cmp, Size::S64, Gpr::Rcx, Gpr::Rax);
            self.asm.jcc(Cond::A, out);
        }
        self.asm.alu_rr(Alu::Add, Size::S64, Gpr::Rdi, HEAP);
        self.asm.alu_rr(Alu::Add, Size::S64, Gpr::Rsi, HEAP);
        self.call_native(libc::memmove as *const ());
    }

    fn call_builtin(&mut self, f: *const (), args: &[BuiltinArg], trap: Option<TrapCode>, dst: Option<Reg>) {
        const ARGS: [Gpr; 5] = [Gpr::Rsi, Gpr::Rdx, Gpr::Rcx, Gpr::R8, Gpr::R9];
        assert!(args.len() <= ARGS.len(), "runtime calls take at most {} arguments", ARGS.len());
        // The runtime counts the frames compiled code has opened from the depth left.
        let offsets = VMContext::OFFSETS;
        self.asm.load(Load::Full(Size::S64), SCRATCH, Mem::base(VMCTX, offsets.store as i32));
        self.asm.load(Load::Full(Size::S32), Gpr::Rax, Mem::base(Gpr::Rbp, DEPTH_AT));
        self.asm.store(4, Mem::base(SCRATCH, offsets.store_depth_left as i32), Gpr::Rax);
        for (&arg, &reg) in args.iter().zip(&ARGS) {
            match arg {
                BuiltinArg::Slot(k) => {
                    let m = self.slot(k);
                    self.asm.load(Load::Full(Size::S32), reg, m);
                }
                BuiltinArg::Imm(v) => self.asm.mov_ri(reg, v as u64),
                BuiltinArg::SlotAddress(k) => {
                    let m = self.slot(k);
                    self.asm.lea(reg, m);
                }
            }
        }
        self.asm.mov_rr(Size::S64, Gpr::Rdi, VMCTX);
        self.call_native(f);
        if let Some(code) = trap {
            let stub = self.stub(code);
            self.asm.test_rr(Size::S32, Gpr::Rax, Gpr::Rax);
            self.asm.jcc(Cond::Ne, stub);
        }
        if let Some(dst) = dst {
            self.asm.mov_rr(Size::S32, gpr(dst), Gpr::Rax);
        }
    }

    fn call_indirect(
        &mut self,
        fallback: *const (),
        type_index: u32,
        sig: Signature<'_>,
        table: u32,
        index: u32,
        args: u32,
    ) {
        let o = VMContext::OFFSETS;
        let (through_runtime, done) = (self.asm.new_label(), self.asm.new_label());
        let undefined = self.stub(TrapCode::UndefinedElement);
        let uninitialized = self.stub(TrapCode::UninitializedElement);
        let mismatch = self.stub(TrapCode::IndirectCallTypeMismatch);
        let element = self.slot(index);
        let a = &mut self.asm;
        // rax = the table's definition; rcx = the element index (zero-extended).
        if table == 0 {
            a.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, o.table0 as i32));
        } else {
            a.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, o.tables as i32));
            a.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, 8 * table as i32));
        }
        a.load(Load::Full(Size::S32), Gpr::Rcx, element);
        a.alu_rm(Alu::Cmp, Size::S64, Gpr::Rcx, Mem::base(Gpr::Rax, o.table_length as i32));
        a.jcc(Cond::Ae, undefined);
        // rax = &elements[rcx]: the function's code, context and signature (see `VMTableElement`).
        assert_eq!(o.element_size, 24, "a table element is three words");
        a.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, o.table_elements as i32));
        a.lea(Gpr::Rcx, Mem::indexed(Gpr::Rcx, Gpr::Rcx, 2, 0));
        a.lea(Gpr::Rax, Mem::indexed(Gpr::Rax, Gpr::Rcx, 8, 0));
        a.load(Load::Full(Size::S64), Gpr::Rdx, Mem::base(VMCTX, o.sigs as i32));
        a.load(Load::Full(Size::S32), Gpr::Rdx, Mem::base(Gpr::Rdx, 4 * type_index as i32));
        a.alu_rm(Alu::Cmp, Size::S32, Gpr::Rdx, Mem::base(Gpr::Rax, o.element_sig as i32));
        let checked = a.new_label();
        a.jcc(Cond::E, checked);
        // A null element has a signature no type has: tell it from a function of another type.
        a.alu_mi(Alu::Cmp, 4, Mem::base(Gpr::Rax, o.element_raw as i32), 0);
        a.jcc(Cond::E, uninitialized);
        a.jmp(mismatch);
        a.bind(checked);
        // A function of this instance runs compiled, as this code does (its `code` is set):
        // call it directly.
        a.alu_rm(Alu::Cmp, Size::S64, VMCTX, Mem::base(Gpr::Rax, o.element_vmctx as i32));
        a.jcc(Cond::Ne, through_runtime);
        a.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, o.element_code as i32));
        self.compiled_call_args(args, sig);
        for (i, &class) in sig.params.iter().enumerate() {
            let src = self.slot(args + i as u32);
            match self.param_register(i, class) {
                Some(r) if class == Class::Int => self.asm.load(Load::Full(Size::S64), gpr(r), src),
                Some(x) => self.asm.sse_load(asm::Prec::F64, Xmm(x), src),
                None => {}
            }
        }
        self.asm.call_r(Gpr::Rax);
        self.after_call();
        self.asm.jmp(done);
        self.asm.bind(through_runtime);
        let slot_bytes = self.slot_bytes;
        let call = [
            BuiltinArg::Imm(type_index),
            BuiltinArg::Imm(table),
            BuiltinArg::Slot(index),
            BuiltinArg::SlotAddress(args),
            BuiltinArg::Imm(slot_bytes),
        ];
        self.call_builtin(fallback, &call, Some(TrapCode::Host), None);
        if let Some(&class) = sig.results.first() {
            let src = self.slot(args);
            self.load_result(class, src);
        }
        self.asm.bind(done);
    }

    fn global_get(&mut self, dst: Reg, index: u32) {
        let offsets = VMContext::OFFSETS;
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.globals as i32));
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, 8 * index as i32));
        self.asm.load(Load::Full(Size::S64), gpr(dst), Mem::base(Gpr::Rax, 0));
    }

    fn global_set(&mut self, index: u32, src: Reg) {
        let offsets = VMContext::OFFSETS;
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.globals as i32));
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, 8 * index as i32));
        self.asm.store(8, Mem::base(Gpr::Rax, 0), gpr(src));
        // A cell holds 128 bits; a scalar value clears the upper half.
        self.asm.store_imm(8, Mem::base(Gpr::Rax, 8), 0);
    }

    fn allocatable_float(&self) -> &'static [Reg] {
        &ALLOCATABLE_FLOAT
    }

    fn float_load_slot(&mut self, p: Prec, dst: Reg, slot: u32) {
        let m = self.slot(slot);
        self.asm.sse_load(prec(p), Xmm(dst), m);
    }

    fn float_store_slot(&mut self, p: Prec, slot: u32, src: Reg) {
        let m = self.slot(slot);
        self.asm.sse_store(prec(p), m, Xmm(src));
    }

    fn float_const(&mut self, p: Prec, dst: Reg, bits: u64) {
        self.float_const_into(p, Xmm(dst), bits);
    }

    fn float_op(&mut self, op: FloatOp, p: Prec, dst: Reg, src: Reg) {
        let (ap, d, s) = (prec(p), Xmm(dst), Xmm(src));
        let arith = match op {
            FloatOp::Add => SseArith::Add,
            FloatOp::Sub => SseArith::Sub,
            FloatOp::Mul => SseArith::Mul,
            FloatOp::Div => SseArith::Div,
            FloatOp::Min | FloatOp::Max => {
                // x86's min and max return the second operand for NaN and for equal operands
                // (-0 and +0); WebAssembly wants NaN, and -0 < +0.
                let (nan, equal, done) = (self.asm.new_label(), self.asm.new_label(), self.asm.new_label());
                self.asm.ucomis(ap, d, s);
                self.asm.jcc(Cond::P, nan);
                self.asm.jcc(Cond::E, equal);
                let arith = if op == FloatOp::Min { SseArith::Min } else { SseArith::Max };
                self.asm.sse_arith(arith, ap, d, s);
                self.asm.jmp(done);
                self.asm.bind(equal);
                self.asm.sse_logic(if op == FloatOp::Min { SseLogic::Or } else { SseLogic::And }, d, s);
                self.asm.jmp(done);
                self.asm.bind(nan);
                self.asm.sse_arith(SseArith::Add, ap, d, s);
                self.asm.bind(done);
                return;
            }
            FloatOp::Copysign => {
                let sign = if p == Prec::F32 { 1u64 << 31 } else { 1 << 63 };
                self.asm.mov_from_xmm(float_size(p), Gpr::Rcx, s);
                self.mask(Alu::And, p, Gpr::Rcx, sign);
                self.asm.mov_from_xmm(float_size(p), Gpr::Rax, d);
                self.mask(Alu::And, p, Gpr::Rax, sign - 1);
                self.asm.alu_rr(Alu::Or, Size::S64, Gpr::Rax, Gpr::Rcx);
                self.asm.mov_to_xmm(float_size(p), d, Gpr::Rax);
                return;
            }
        };
        self.asm.sse_arith(arith, ap, d, s);
    }

    fn float_unary(&mut self, op: FloatUnary, p: Prec, dst: Reg) -> bool {
        let (ap, d) = (prec(p), Xmm(dst));
        let sign = if p == Prec::F32 { 1u64 << 31 } else { 1 << 63 };
        let mode = match op {
            FloatUnary::Abs | FloatUnary::Neg => {
                let alu = if op == FloatUnary::Abs { Alu::And } else { Alu::Xor };
                let mask = if op == FloatUnary::Abs { sign - 1 } else { sign };
                self.asm.mov_from_xmm(float_size(p), Gpr::Rax, d);
                self.mask(alu, p, Gpr::Rax, mask);
                self.asm.mov_to_xmm(float_size(p), d, Gpr::Rax);
                return true;
            }
            FloatUnary::Sqrt => {
                self.asm.sse_arith(SseArith::Sqrt, ap, d, d);
                return true;
            }
            FloatUnary::Nearest => 0,
            FloatUnary::Floor => 1,
            FloatUnary::Ceil => 2,
            FloatUnary::Trunc => 3,
        };
        if !std::arch::is_x86_feature_detected!("sse4.1") {
            return false;
        }
        // Bit 3: no precision exception (the result is exact either way).
        self.asm.round(ap, d, d, mode | 8);
        true
    }

    fn float_compare(&mut self, cmp: Cmp, p: Prec, dst: Reg, a: Reg, b: Reg) {
        let (ap, a, b, d) = (prec(p), Xmm(a), Xmm(b), gpr(dst));
        match cmp {
            Cmp::Eq | Cmp::Ne => {
                // Unordered (NaN) sets ZF, PF and CF: equal needs ZF without PF.
                self.asm.ucomis(ap, a, b);
                let (flag, parity, combine) =
                    if cmp == Cmp::Eq { (Cond::E, Cond::Np, Alu::And) } else { (Cond::Ne, Cond::P, Alu::Or) };
                self.asm.setcc(flag, Gpr::Rax);
                self.asm.setcc(parity, Gpr::Rcx);
                self.asm.alu_rr(combine, Size::S32, Gpr::Rax, Gpr::Rcx);
                self.asm.movzx_r8(d, Gpr::Rax);
            }
            _ => {
                // Above / above-or-equal are false when unordered; less-than swaps operands.
                let (x, y, c) = match cmp {
                    Cmp::GtS => (a, b, Cond::A),
                    Cmp::GeS => (a, b, Cond::Ae),
                    Cmp::LtS => (b, a, Cond::A),
                    _ => (b, a, Cond::Ae),
                };
                self.asm.ucomis(ap, x, y);
                self.asm.setcc(c, Gpr::Rax);
                self.asm.movzx_r8(d, Gpr::Rax);
            }
        }
    }

    fn float_select(&mut self, dst: Reg, other: Reg, c: Reg) {
        let keep = self.asm.new_label();
        self.asm.test_rr(Size::S32, gpr(c), gpr(c));
        self.asm.jcc(Cond::Ne, keep);
        self.asm.movaps(Xmm(dst), Xmm(other));
        self.asm.bind(keep);
    }

    fn convert(&mut self, conversion: Convert, p: Prec, dst: Reg, src: Reg) {
        let ap = prec(p);
        match conversion {
            Convert::Trunc(width, signed) => self.truncate(width, signed, p, gpr(dst), Xmm(src)),
            Convert::TruncSat(width, signed) => self.truncate_saturating(width, signed, p, gpr(dst), Xmm(src)),
            Convert::FromInt(Width::W32, true) => self.asm.cvt_int_to_float(ap, Size::S32, Xmm(dst), gpr(src)),
            Convert::FromInt(Width::W32, false) => {
                self.asm.mov_rr(Size::S32, Gpr::Rax, gpr(src));
                self.asm.cvt_int_to_float(ap, Size::S64, Xmm(dst), Gpr::Rax);
            }
            Convert::FromInt(Width::W64, true) => self.asm.cvt_int_to_float(ap, Size::S64, Xmm(dst), gpr(src)),
            Convert::FromInt(Width::W64, false) => {
                // Above 2^63: halve (keeping the low bit, for rounding), convert, double.
                let (big, done) = (self.asm.new_label(), self.asm.new_label());
                let (d, s) = (Xmm(dst), gpr(src));
                self.asm.test_rr(Size::S64, s, s);
                self.asm.jcc(Cond::S, big);
                self.asm.cvt_int_to_float(ap, Size::S64, d, s);
                self.asm.jmp(done);
                self.asm.bind(big);
                self.asm.mov_rr(Size::S64, Gpr::Rax, s);
                self.asm.shift_ri(Shift::Shr, Size::S64, Gpr::Rax, 1);
                self.asm.mov_rr(Size::S32, Gpr::Rcx, s);
                self.asm.alu_ri(Alu::And, Size::S32, Gpr::Rcx, 1);
                self.asm.alu_rr(Alu::Or, Size::S64, Gpr::Rax, Gpr::Rcx);
                self.asm.cvt_int_to_float(ap, Size::S64, d, Gpr::Rax);
                self.asm.sse_arith(SseArith::Add, ap, d, d);
                self.asm.bind(done);
            }
            Convert::Demote => self.asm.cvt_float(asm::Prec::F64, Xmm(dst), Xmm(src)),
            Convert::Promote => self.asm.cvt_float(asm::Prec::F32, Xmm(dst), Xmm(src)),
            Convert::BitsToFloat => self.asm.mov_to_xmm(float_size(p), Xmm(dst), gpr(src)),
            Convert::FloatToBits => self.asm.mov_from_xmm(float_size(p), gpr(dst), Xmm(src)),
        }
    }

    fn float_heap_load(&mut self, p: Prec, dst: Reg, addr: Index, offset: u32) {
        let m = self.heap_operand(addr, offset, float_bytes(p));
        self.heap_site();
        self.asm.sse_load(prec(p), Xmm(dst), m);
    }

    fn float_heap_store(&mut self, p: Prec, addr: Index, src: Reg, offset: u32) {
        let m = self.heap_operand(addr, offset, float_bytes(p));
        self.heap_site();
        self.asm.sse_store(prec(p), m, Xmm(src));
    }

    fn float_global_get(&mut self, p: Prec, dst: Reg, index: u32) {
        let offsets = VMContext::OFFSETS;
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.globals as i32));
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, 8 * index as i32));
        self.asm.sse_load(prec(p), Xmm(dst), Mem::base(Gpr::Rax, 0));
    }

    fn float_global_set(&mut self, p: Prec, index: u32, src: Reg) {
        let offsets = VMContext::OFFSETS;
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.globals as i32));
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, 8 * index as i32));
        // The cell's other bytes stay zero: a global's type never changes.
        self.asm.sse_store(prec(p), Mem::base(Gpr::Rax, 0), Xmm(src));
    }

    fn set_offset(&mut self, module_offset: u32) {
        self.source = module_offset;
    }

    fn slot_bytes(&self) -> u32 {
        self.slot_bytes
    }

    fn set_memory(&mut self, index: u32) {
        self.memory = index;
    }

    fn v128_load_slot(&mut self, dst: Reg, slot: u32) {
        let m = self.slot(slot);
        self.asm.movdqu_load(Xmm(dst), m);
    }

    fn v128_store_slot(&mut self, slot: u32, src: Reg) {
        let m = self.slot(slot);
        self.asm.movdqu_store(m, Xmm(src));
    }

    fn v128_const(&mut self, dst: Reg, bits: u128) {
        self.const_v128(Xmm(dst), bits);
    }

    fn v128_global_get(&mut self, dst: Reg, index: u32) {
        let offsets = VMContext::OFFSETS;
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.globals as i32));
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, 8 * index as i32));
        self.asm.movdqu_load(Xmm(dst), Mem::base(Gpr::Rax, 0));
    }

    fn v128_global_set(&mut self, index: u32, src: Reg) {
        let offsets = VMContext::OFFSETS;
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(VMCTX, offsets.globals as i32));
        self.asm.load(Load::Full(Size::S64), Gpr::Rax, Mem::base(Gpr::Rax, 8 * index as i32));
        self.asm.movdqu_store(Mem::base(Gpr::Rax, 0), Xmm(src));
    }

    fn v128_unary(&mut self, op: SimpleOp, dst: Reg) -> bool {
        self.simd_unary(op, Xmm(dst))
    }

    fn v128_binary(&mut self, op: SimpleOp, dst: Reg, src: Reg) -> bool {
        self.simd_binary(op, Xmm(dst), Xmm(src))
    }

    fn v128_bitselect(&mut self, dst: Reg, other: Reg, mask: Reg) {
        // (dst & mask) | (other & !mask)
        self.asm.packed(Packed::Pand, Xmm(dst), Xmm(mask));
        self.asm.packed(Packed::Pandn, Xmm(mask), Xmm(other));
        self.asm.packed(Packed::Por, Xmm(dst), Xmm(mask));
    }

    fn v128_shift(&mut self, op: SimpleOp, dst: Reg, count: Reg) {
        self.simd_shift(op, Xmm(dst), gpr(count));
    }

    fn v128_shift_imm(&mut self, op: SimpleOp, dst: Reg, count: u32) {
        self.simd_shift_imm(op, Xmm(dst), count);
    }

    fn v128_test(&mut self, op: SimpleOp, dst: Reg, src: Reg) {
        self.simd_test(op, gpr(dst), Xmm(src));
    }

    fn v128_splat(&mut self, op: SimpleOp, dst: Reg, src: Reg) {
        self.simd_splat(op, Xmm(dst), src);
    }

    fn v128_extract_lane(&mut self, op: LaneOp, lane: u8, dst: Reg, src: Reg) {
        self.simd_extract_lane(op, lane, dst, Xmm(src));
    }

    fn v128_replace_lane(&mut self, op: LaneOp, lane: u8, dst: Reg, src: Reg) {
        self.simd_replace_lane(op, lane, Xmm(dst), src);
    }

    fn v128_shuffle(&mut self, lanes: &[u8; 16], dst: Reg, src: Reg) {
        self.simd_shuffle(lanes, Xmm(dst), Xmm(src));
    }

    fn v128_heap_load(&mut self, op: MemOp, dst: Reg, addr: Index, offset: u32) {
        self.simd_heap_load(op, Xmm(dst), addr, offset);
    }

    fn v128_heap_store(&mut self, addr: Index, src: Reg, offset: u32) {
        let m = self.heap_operand(addr, offset, 16);
        self.heap_site();
        self.asm.movdqu_store(m, Xmm(src));
    }

    fn v128_load_lane(&mut self, op: MemOp, lane: u8, dst: Reg, addr: Reg, offset: u32) {
        let bytes = crate::semantics::simd::lane_bytes(op) as u8;
        let m = self.heap_operand(Index::Reg(addr), offset, bytes);
        self.heap_site();
        self.asm.pinsr_m(bytes, Xmm(dst), m, lane);
    }

    fn v128_store_lane(&mut self, op: MemOp, lane: u8, addr: Reg, src: Reg, offset: u32) {
        let bytes = crate::semantics::simd::lane_bytes(op) as u8;
        let m = self.heap_operand(Index::Reg(addr), offset, bytes);
        self.heap_site();
        self.asm.pextr_m(bytes, m, Xmm(src), lane);
    }

    fn finish(mut self) -> Finished {
        for (params, results, label, runtime) in std::mem::take(&mut self.import_trampolines) {
            self.import_trampoline(label, &params, &results, runtime);
        }
        self.sources.sort_unstable();
        let (code, open) = self.asm.finish_open();
        // The labels left open are those of functions another part of the module compiles
        // (the first labels are the functions', in order).
        let calls = open
            .into_iter()
            .map(|(at, label)| {
                assert!((label.index() as usize) < self.functions.len(), "every used label is bound");
                (at as u32, label.index())
            })
            .collect();
        Finished {
            code,
            functions: self.offsets,
            entries: self.entries,
            sites: self.sites,
            sources: self.sources,
            calls,
        }
    }

    fn patch_call(code: &mut [u8], at: usize, target: usize) {
        asm::link(code, at, target);
    }
}

fn shift(op: IntOp) -> Shift {
    match op {
        IntOp::Shl => Shift::Shl,
        IntOp::ShrS => Shift::Sar,
        IntOp::ShrU => Shift::Shr,
        IntOp::Rotl => Shift::Rol,
        _ => Shift::Ror,
    }
}
