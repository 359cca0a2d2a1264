//! Entering compiled code from Rust, and coming back from a trap. `call` runs a compiled
//! function `code(vmctx, args, depth_left)` through `enter`, which saves the callee-saved registers and
//! publishes its stack pointer as the thread's resume point; if the code faults at a trap site,
//! the signal handler makes the thread continue at `landing` with that stack pointer and the
//! trap in `rax`, and `landing` returns from `enter` as a normal return would. Code compiled
//! with explicit bounds checks uses no signal: its trap stubs call `raise`, which records the
//! backtrace and continues at `landing` in the same way.

use std::arch::naked_asm;

use crate::jit::masm::Class;
use crate::runtime::sys::signals::{self, Resume};
use crate::runtime::trap::TrapCode;
use crate::runtime::vmctx::VMContext;

/// A compiled function. Its calling convention is its own (only `enter` calls it from Rust):
/// the instance context in r15, a pointer to its arguments and results in rsi (slots of 8 or
/// 16 bytes, as the module's `codegen::slot_bytes`), and in edx how many more wasm frames may
/// be opened, this function's included (the configured call depth: with none left, it traps
/// before running). Its first two parameters come in registers instead of slots
/// (`masm::PARAM_REGISTERS`), and its first result goes back in one (`masm::RESULT_REGISTER`).
pub type CompiledFn = unsafe extern "C" fn();

/// How `enter` passes a function's values: the bytes per slot (8 or 16) and the class of its
/// first result, if any.
pub fn shape(slot_bytes: u32, first_result: Option<Class>) -> u32 {
    let result = match first_result {
        Some(Class::Int) => 0,
        Some(Class::Float) => 1,
        Some(Class::V128) => 2,
        None => 3,
    };
    slot_bytes | result << 8
}

/// Calls `code(vmctx, args, depth_left)` with `shape`: loads the register parameters from
/// the first two slots of `args` (each into both registers of its position: the code reads
/// the one of its type) and stores the first result into the first slot. Returns 0, or
/// `TrapCode as u32 + 1` after a trap.
///
/// Stack at the call into `code`: return address, rbp, rbx, r12-r15, one alignment slot (at
/// `resume.sp`), so `rsp` is 16-byte aligned at the call as the ABI wants.
#[unsafe(naked)]
unsafe extern "C" fn enter(
    code: CompiledFn,
    vmctx: *mut VMContext,
    args: *mut u64,
    resume: *mut Resume,
    depth_left: u32,
    shape: u32,
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
        "mov [rcx], rsp",
        // rbx and r12 (which compiled code keeps) hold the buffer and the shape.
        "mov rbx, rdx",
        "mov r12d, r9d",
        "mov rax, rdi",
        "mov r15, rsi",
        "mov rsi, rdx",
        "mov edx, r8d",
        "movzx r8d, r9b",
        "mov rcx, [rsi]",
        "movq xmm13, [rsi]",
        "mov r11, [rsi + r8]",
        "movq xmm14, [rsi + r8]",
        "call rax",
        "shr r12d, 8",
        "cmp r12d, 1",
        "jb 2f",
        "je 3f",
        "cmp r12d, 2",
        "jne 4f",
        "movdqu [rbx], xmm0",
        "jmp 4f",
        "2:",
        "mov [rbx], rax",
        "jmp 4f",
        "3:",
        "movq [rbx], xmm0",
        "4:",
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
    unsafe { signals::raise(pc, fp, sp) }
}

/// A trap and where it happened: the faulting instruction, then the return addresses of the
/// compiled frames it was nested in, innermost first (at most `TRACE_CAPACITY`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrapPoint {
    pub code: TrapCode,
    pub trace: Vec<usize>,
}

/// How many compiled frames a backtrace records at most.
pub const TRACE_CAPACITY: usize = 16384;

thread_local! {
    /// The buffer the signal handler writes backtraces into (allocated before any trap, as the
    /// handler must not allocate); each entry copies out what it needs before returning.
    static TRACE: std::cell::RefCell<Vec<usize>> = std::cell::RefCell::new(vec![0; TRACE_CAPACITY]);
}

/// Runs compiled function `code` with `vmctx` and `args` (`enter`, with `shape`); a fault at
/// one of its registered trap sites comes back as that trap.
///
/// # Safety
/// `code` is compiled code in a live `CodeMemory`, following `CompiledFn`'s convention, and
/// `vmctx` and `args` are what it expects; `args` has at least two slots.
pub unsafe fn call(
    code: CompiledFn,
    vmctx: *mut VMContext,
    args: *mut u64,
    depth_left: u32,
    shape: u32,
) -> Result<(), TrapCode> {
    call_traced(code, vmctx, args, depth_left, shape).map_err(|t| t.code)
}

/// As `call`, with where the trap happened.
///
/// # Safety
/// As for `call`.
pub unsafe fn call_traced(
    code: CompiledFn,
    vmctx: *mut VMContext,
    args: *mut u64,
    depth_left: u32,
    shape: u32,
) -> Result<(), TrapPoint> {
    let trace = TRACE.with(|t| t.borrow_mut().as_mut_ptr());
    let mut resume =
        Resume { sp: 0, landing: landing as *const () as usize, trace, capacity: TRACE_CAPACITY, count: 0 };
    let previous = signals::enter(&mut resume);
    let outcome = enter(code, vmctx, args, &mut resume, depth_left, shape);
    signals::leave(previous);
    match outcome {
        0 => Ok(()),
        n => Err(TrapPoint {
            code: TrapCode::from_u32(n - 1).unwrap_or(TrapCode::Host),
            // SAFETY: the handler wrote `count` entries into the buffer for this entry.
            trace: std::slice::from_raw_parts(trace, resume.count).to_vec(),
        }),
    }
}
