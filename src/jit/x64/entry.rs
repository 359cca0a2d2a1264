//! Entering compiled code from Rust, and coming back from a trap. `call` runs a compiled
//! function through `enter`, which saves the callee-saved registers, publishes its stack pointer
//! as the thread's resume point and calls the function's entry trampoline
//! (`Masm::entry_trampoline`, one per signature in the module's code), which passes the
//! arguments from an array of raw values and writes the results back to it. If the code faults
//! at a trap site, the signal handler makes the thread continue at `landing` with that stack
//! pointer and the trap in `rax`, and `landing` returns from `enter` as a normal return would.
//! Code compiled with explicit bounds checks uses no signal: its trap stubs call `raise`, which
//! records the backtrace and continues at `landing` in the same way.

use std::arch::naked_asm;

use crate::runtime::sys::signals::{self, Resume};
use crate::runtime::trap::TrapCode;
use crate::runtime::vmctx::VMContext;

/// Machine code with a convention of its own, called only from `enter` or from other machine
/// code: a compiled function (see `x64::masm`) or an entry trampoline.
pub type CompiledFn = unsafe extern "C" fn();

/// Calls `trampoline` with the function's `code` in rax, the instance context in r15, `values`
/// (raw values, 16 bytes each) in rsi and the call depth left in edx. Returns 0, or
/// `TrapCode as u32 + 1` after a trap.
///
/// Stack at the call into `trampoline`: return address, rbp, rbx, r12-r15, one alignment slot
/// (at `resume.sp`), so `rsp` is 16-byte aligned at the call as the ABI wants.
#[unsafe(naked)]
unsafe extern "C" fn enter(
    trampoline: CompiledFn,
    code: *const u8,
    vmctx: *mut VMContext,
    values: *mut u128,
    resume: *mut Resume,
    depth_left: u32,
) -> u32 {
    naked_asm!(
        "push rbp",
        "mov rbp, rsp",
        "push rbx",
        "push r12",
        "push r13",
        "push r14",
        "push r15",
        "sub rsp, 8",
        "mov [r8], rsp",
        "mov rax, rsi",
        "mov r15, rdx",
        "mov rsi, rcx",
        "mov edx, r9d",
        "call rdi",
        "xor eax, eax",
        "add rsp, 8",
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop rbx",
        "pop rbp",
        "ret",
    )
}

/// Where a trap lands: `rsp` is the `resume.sp` that `enter` published and `rax` holds the
/// trap; unwinds `enter`'s frame and returns to its caller.
#[unsafe(naked)]
unsafe extern "C" fn landing() {
    naked_asm!("add rsp, 8", "pop r15", "pop r14", "pop r13", "pop r12", "pop rbx", "pop rbp", "ret")
}

/// Where the trap stubs of code compiled with explicit bounds checks go (`call`): `edi` holds
/// `TrapCode as u32 + 1`, the return address is the trap's place, `rbp` the trapping
/// function's frame. Records the backtrace and continues at `landing` as the signal handler
/// would; never returns.
///
/// # Safety
/// Only compiled code calls it, from a trap stub, inside an entry (`call`).
#[unsafe(naked)]
pub unsafe extern "C" fn raise() {
    naked_asm!(
        // rbx is the entry's to restore (landing does): keep the trap in it across the call.
        "mov ebx, edi",
        "mov rsi, [rsp]",
        "mov rdx, rbp",
        "lea rcx, [rsp + 8]",
        // Align the stack for the call, as at any function's entry.
        "sub rsp, 8",
        "call {record}",
        "mov rsp, rax",
        "mov eax, ebx",
        "jmp {landing}",
        record = sym record_raise,
        landing = sym landing,
    )
}

/// Records the backtrace of a trap raised at `pc` (frame pointer `fp`, stack pointer `sp`) for
/// the thread's innermost entry; returns the stack pointer `landing` continues with.
extern "C" fn record_raise(_code: u32, pc: usize, fp: usize, sp: usize) -> usize {
    // SAFETY: called by `raise` from compiled code, which runs only inside an entry (`enter`)
    // that published its resume point; `sp` and `fp` are the trapping code's.
    // The trap's place is the stub's call: its last byte, as for the frames around it.
    unsafe { signals::raise(pc - 1, fp, sp) }
}

/// A trap and where it happened: the faulting instruction (or the last byte of a trap stub's
/// call), then the last byte of the call of each compiled frame it was nested in, innermost
/// first (at most `signals::TRACE_CAPACITY`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrapPoint {
    pub code: TrapCode,
    pub trace: Vec<usize>,
}

/// Runs compiled function `code` through its entry trampoline `trampoline` with `vmctx` and
/// `values` (`enter`); a fault at one of its registered trap sites comes back as that trap.
///
/// # Safety
/// `trampoline` and `code` are machine code in a live `CodeMemory`: `code` a compiled function
/// and `trampoline` the entry trampoline of its signature (or, for code written by hand, a
/// function of the trampoline's convention, `code` then unused); `vmctx` is the context the
/// code was compiled for and `values` has room for the arguments and results.
pub unsafe fn call(
    trampoline: CompiledFn,
    code: *const u8,
    vmctx: *mut VMContext,
    values: *mut u128,
    depth_left: u32,
) -> Result<(), TrapCode> {
    call_traced(trampoline, code, vmctx, values, depth_left).map_err(|t| t.code)
}

/// As `call`, with where the trap happened.
///
/// # Safety
/// As for `call`.
#[inline]
pub unsafe fn call_traced(
    trampoline: CompiledFn,
    code: *const u8,
    vmctx: *mut VMContext,
    values: *mut u128,
    depth_left: u32,
) -> Result<(), TrapPoint> {
    let mut resume = Resume { landing: landing as *const () as usize, ..Resume::default() };
    let previous = signals::enter(&mut resume);
    let outcome = enter(trampoline, code, vmctx, values, &mut resume, depth_left);
    signals::leave(previous);
    match outcome {
        0 => Ok(()),
        n => Err(trap_point(n, &resume)),
    }
}

/// The trap `enter` returned (`n`, its code plus one) and its backtrace in `resume`.
#[cold]
fn trap_point(n: u32, resume: &Resume) -> TrapPoint {
    TrapPoint {
        code: TrapCode::from_u32(n - 1).unwrap_or(TrapCode::Host),
        // SAFETY: the handler wrote `count` entries into the buffer for this entry.
        trace: unsafe { std::slice::from_raw_parts(resume.trace, resume.count) }.to_vec(),
    }
}
