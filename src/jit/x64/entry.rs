//! Entering compiled code, and coming back from a trap. The runtime calls a compiled function
//! through `enter` (its `EnterFn`), which saves the callee-saved registers, publishes its
//! stack pointer as the thread's resume point and calls the function's entry trampoline
//! (`Masm::entry_trampoline`, one per signature in the module's code), which passes the
//! arguments from an array of raw values and writes the results back to it. If the code faults
//! at a trap site, the signal handler makes the thread continue at `landing` with that stack
//! pointer and the trap in `rax`, and `landing` returns from `enter` as a normal return does.
//! Code compiled with explicit bounds checks uses no signal: its trap stubs call `raise`, which
//! records the backtrace and continues at `landing` in the same way. `call` enters hand-made
//! code, for tests.

use std::arch::naked_asm;

use crate::runtime::sys::signals::{self, Thread, THREAD_RESUME};
use crate::runtime::trap::TrapCode;
use crate::runtime::vmctx::{VMContext, VMFuncRef};

/// Machine code with a convention of its own, called only from `enter` or from other machine
/// code: a compiled function (see `x64::masm`) or an entry trampoline.
pub type CompiledFn = unsafe extern "C" fn();

/// The runtime's way into compiled code (`runtime::code::EnterFn`): calls `func`'s entry
/// trampoline with its `code` in rax, its context in r15, `values` (raw values, 16 bytes each)
/// in rsi and the call depth left in edx, its resume point published in `thread` meanwhile.
/// Returns 0, or `TrapCode as u32 + 1` after a trap.
///
/// Frame at the call into the trampoline: return address, rbp, rbx, r12-r15, then 40 bytes:
/// the resume point (`Resume`: `sp`, which is its own address, and `landing`), the thread's
/// previous resume point, `thread`, and an alignment slot, so `rsp` is 16-byte aligned at the
/// call as the ABI wants. Returning and landing after a trap leave the frame the same way.
///
/// # Safety
/// As for `EnterFn`: `func.entry` is the entry trampoline of its signature in the code
/// `func.code` belongs to, `func.vmctx` its instance's context, `thread` the calling thread's,
/// prepared for compiled code.
#[unsafe(naked)]
pub unsafe extern "C" fn enter(
    thread: *const Thread,
    func: *const VMFuncRef,
    values: *mut u128,
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
        "sub rsp, 40",
        "mov [rsp], rsp",
        "lea rax, [rip + {landing}]",
        "mov [rsp + 8], rax",
        "mov rax, [rdi + {resume}]",
        "mov [rsp + 16], rax",
        "mov [rsp + 24], rdi",
        "mov [rdi + {resume}], rsp",
        "mov rax, [rsi + {code}]",
        "mov r15, [rsi + {vmctx}]",
        "mov r8, [rsi + {entry}]",
        "mov rsi, rdx",
        "mov edx, ecx",
        "call r8",
        "xor eax, eax",
        "jmp {landing}",
        landing = sym landing,
        resume = const THREAD_RESUME,
        code = const VMContext::OFFSETS.func_code,
        vmctx = const VMContext::OFFSETS.func_vmctx,
        entry = const VMContext::OFFSETS.func_entry,
    )
}

/// Where an entry returns through, and where a trap lands: `rsp` is the resume point `enter`
/// published (`Resume::sp`) and `rax` holds 0 or the trap; restores the thread's previous
/// resume point, unwinds `enter`'s frame and returns to its caller.
#[unsafe(naked)]
unsafe extern "C" fn landing() {
    naked_asm!(
        "mov rdi, [rsp + 24]",
        "mov rcx, [rsp + 16]",
        "mov [rdi + {resume}], rcx",
        "add rsp, 40",
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop rbx",
        "pop rbp",
        "ret",
        resume = const THREAD_RESUME,
    )
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
    let func = VMFuncRef { code, vmctx, entry: trampoline as *const u8, ..VMFuncRef::NONE };
    match enter(signals::current_thread(true).0, &func, values, depth_left) {
        0 => Ok(()),
        n => Err(TrapCode::from_u32(n - 1).unwrap_or(TrapCode::Host)),
    }
}
