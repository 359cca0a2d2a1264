//! Faults in compiled code become traps. Compiled code registers its address range with the
//! trap sites in it (the instructions that may fault on purpose: loads and stores past a
//! memory's accessible bytes, `ud2` for explicit traps, `div` by zero). A thread that enters
//! compiled code first publishes where it resumes after a trap (`Resume`). The handler, for
//! SIGSEGV, SIGBUS, SIGILL and SIGFPE, installed once per process, does as little as possible:
//! if the thread is inside compiled code and the faulting instruction is a registered trap site,
//! it rewrites the interrupted context to continue at the resume point with the trap code;
//! anything else goes to the handler the host had installed before (or the default action).
//! Every thread that enters compiled code gets an alternate signal stack, so a fault near the
//! end of the native stack is handled too.
//!
//! The handler reads the registry without locks: writers publish a new sorted snapshot and free
//! the old one only once no handler is reading (`READERS`).

use std::cell::Cell;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

use crate::runtime::trap::TrapCode;

/// A range of compiled code and its trap sites (offsets from `start`, sorted).
struct Region {
    start: usize,
    end: usize,
    sites: Box<[(u32, TrapCode)]>,
}

/// The registered regions, sorted by start; never null after the first registration.
static REGIONS: AtomicPtr<Vec<Region>> = AtomicPtr::new(std::ptr::null_mut());
/// How many handlers are reading `REGIONS` now.
static READERS: AtomicUsize = AtomicUsize::new(0);
/// Serializes writers of `REGIONS`.
static WRITER: Mutex<()> = Mutex::new(());

/// Replaces the registry with `edit` applied to a copy of it.
fn update_regions(edit: impl FnOnce(&mut Vec<Region>)) {
    let _writer = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    let current = REGIONS.load(Ordering::SeqCst);
    let mut next: Vec<Region> = Vec::new();
    // SAFETY: only writers (serialized by WRITER) free snapshots; `current` is live.
    if let Some(regions) = unsafe { current.as_ref() } {
        next.extend(regions.iter().map(|r| Region { start: r.start, end: r.end, sites: r.sites.clone() }));
    }
    edit(&mut next);
    next.sort_by_key(|r| r.start);
    let old = REGIONS.swap(Box::into_raw(Box::new(next)), Ordering::SeqCst);
    // A handler that loaded `old` counted itself in READERS before loading it.
    while READERS.load(Ordering::SeqCst) != 0 {
        std::thread::yield_now();
    }
    if !old.is_null() {
        // SAFETY: `old` came from Box::into_raw above (an earlier call) and no reader holds it.
        drop(unsafe { Box::from_raw(old) });
    }
}

/// Registers compiled code at `start..start + len` with its trap sites; the handler turns a
/// fault at one of them into its trap (and is installed by the first code that has any).
/// Backtraces follow frames while they lead into registered code. Unregister before freeing
/// the code.
pub fn register_code(start: usize, len: usize, mut sites: Vec<(u32, TrapCode)>) {
    // Code without trap sites raises its traps itself; it needs no handler.
    if !sites.is_empty() {
        install_handlers();
    }
    sites.sort_by_key(|s| s.0);
    update_regions(|r| r.push(Region { start, end: start + len, sites: sites.into_boxed_slice() }));
}

/// Forgets the code registered at `start`.
pub fn unregister_code(start: usize) {
    update_regions(|r| r.retain(|region| region.start != start));
}

/// The trap of a registered trap site at `pc`.
fn trap_at(pc: usize) -> Option<TrapCode> {
    READERS.fetch_add(1, Ordering::SeqCst);
    // SAFETY: a snapshot is freed only after READERS drops to zero, and we counted ourselves.
    let found = unsafe { REGIONS.load(Ordering::SeqCst).as_ref() }.and_then(|regions| {
        let i = regions.partition_point(|r| r.start <= pc).checked_sub(1)?;
        let r = &regions[i];
        if pc >= r.end {
            return None;
        }
        let offset = (pc - r.start) as u32;
        r.sites.binary_search_by_key(&offset, |s| s.0).ok().map(|k| r.sites[k].1)
    });
    READERS.fetch_sub(1, Ordering::SeqCst);
    found
}

/// Whether `pc` is inside registered code.
fn in_code(pc: usize) -> bool {
    READERS.fetch_add(1, Ordering::SeqCst);
    // SAFETY: as in `trap_at`.
    let found = unsafe { REGIONS.load(Ordering::SeqCst).as_ref() }.is_some_and(|regions| {
        let i = regions.partition_point(|r| r.start <= pc);
        i > 0 && pc < regions[i - 1].end
    });
    READERS.fetch_sub(1, Ordering::SeqCst);
    found
}

/// Writes the backtrace from `pc` (with frame pointer `fp` and stack pointer `sp`) into
/// `thread.trace`. Compiled frames save the caller's frame pointer at `[fp]` and the return
/// address at `[fp + 8]`; the walk only reads frame pointers that are aligned, above the
/// stack pointer and rising, so a clobbered one ends it rather than faulting.
///
/// SAFETY (for callers): `sp` is the interrupted thread's stack pointer, stack memory
/// between it and the frames of compiled code is mapped, and the thread entered compiled
/// code (so its trace buffer exists).
unsafe fn record_trace(thread: &Thread, pc: usize, fp: usize, sp: usize) {
    const MAX_STACK: usize = 256 << 20;
    let (mut pc, mut fp) = (pc, fp);
    let (trace, mut count) = (thread.trace.get(), 0);
    while count < TRACE_CAPACITY {
        *trace.add(count) = pc;
        count += 1;
        if fp % 8 != 0 || fp < sp || fp - sp > MAX_STACK {
            break;
        }
        let caller = *((fp + 8) as *const usize);
        let next = *(fp as *const usize);
        if !in_code(caller) || next <= fp {
            break;
        }
        // The call's own last byte: a return address may also be where a trap site starts.
        (pc, fp) = (caller - 1, next);
    }
    thread.count.set(count);
}

/// Where a thread continues after a trap in the compiled code it entered: the stack pointer
/// and address of the entry's landing code. The landing code finds the trap code in the
/// return register (`TrapCode as u32 + 1`; 0 means a normal return). The entry keeps it in
/// its frame and publishes it in `Thread::resume` (see `THREAD_RESUME`).
#[repr(C)]
#[derive(Debug)]
pub struct Resume {
    pub sp: usize,
    pub landing: usize,
}

/// How many frames a backtrace records at most.
pub const TRACE_CAPACITY: usize = 16384;

/// What a thread that runs wasm keeps: one thread-local, found once per call from the host
/// (`current_thread`) and reached through the store inside it.
#[repr(C)]
pub struct Thread {
    /// The innermost entry into compiled code on this thread (null outside compiled code). An
    /// entry sets it and restores the previous one as it returns (or lands after a trap).
    resume: Cell<*mut Resume>,
    /// Where the handler writes the backtrace of a trap: the faulting instruction's address,
    /// then for each compiled frame it is nested in the address of its call's last byte (the
    /// return address minus one; following frame pointers while they lead into registered
    /// code), at most `TRACE_CAPACITY` of them; `count` says how many. Allocated before any trap,
    /// as the handler must not allocate: null until the thread is prepared for compiled code,
    /// which also gives it an alternate signal stack (`prepare_thread`).
    trace: Cell<*mut usize>,
    count: Cell<usize>,
    /// The lowest address the thread's native stack may reach before only its reserve is
    /// left (0 until first asked).
    stack_limit: Cell<usize>,
}

/// Where `Thread::resume` sits in a `Thread`, for the entry code.
pub const THREAD_RESUME: usize = std::mem::offset_of!(Thread, resume);

thread_local! {
    static THREAD: Thread = const {
        Thread {
            resume: Cell::new(std::ptr::null_mut()),
            trace: Cell::new(std::ptr::null_mut()),
            count: Cell::new(0),
            stack_limit: Cell::new(0),
        }
    };
}

/// The calling thread's state, valid as long as the thread runs, and its native stack limit.
/// With `compiled`, the thread is prepared to run compiled code: its first such call gives it
/// an alternate signal stack and its backtrace buffer.
#[inline]
pub fn current_thread(compiled: bool) -> (*const Thread, usize) {
    THREAD.with(|t| {
        if t.stack_limit.get() == 0 || (compiled && t.trace.get().is_null()) {
            prepare(t, compiled);
        }
        (t as *const Thread, t.stack_limit.get())
    })
}

/// `current_thread`'s first call on a thread (for compiled code, if `compiled`).
#[cold]
fn prepare(t: &Thread, compiled: bool) {
    if t.stack_limit.get() == 0 {
        t.stack_limit.set(super::native_stack_limit());
    }
    if compiled && t.trace.get().is_null() {
        t.trace.set(prepare_thread());
    }
}

/// The backtrace of the last trap in compiled code on this thread.
#[cold]
pub fn last_trace() -> Vec<usize> {
    THREAD.with(|t| {
        if t.trace.get().is_null() {
            return Vec::new();
        }
        // SAFETY: the buffer holds TRACE_CAPACITY entries, of which the last trap wrote `count`.
        unsafe { std::slice::from_raw_parts(t.trace.get(), t.count.get()) }.to_vec()
    })
}

/// For a trap raised by compiled code itself (no signal): records the backtrace from `pc` (frame
/// pointer `fp`, stack pointer `sp`) for the thread's innermost entry and returns the stack
/// pointer its landing code continues with.
///
/// # Safety
/// Called on a thread inside compiled code (after an entry published its resume point), with
/// that code's `fp` and `sp`.
pub unsafe fn raise(pc: usize, fp: usize, sp: usize) -> usize {
    THREAD.with(|t| {
        record_trace(t, pc, fp, sp);
        (*t.resume.get()).sp
    })
}

const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

/// The handlers installed before ours, by position in SIGNALS; written once, before ours are
/// installed.
static mut PREVIOUS: [std::mem::MaybeUninit<libc::sigaction>; 4] = [std::mem::MaybeUninit::zeroed(); 4];

fn install_handlers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (i, &signal) in SIGNALS.iter().enumerate() {
            // SAFETY: sigaction with a fully initialized action; PREVIOUS is written here only,
            // once, before the handler that reads it can run.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as *const () as usize;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut action.sa_mask);
                let previous = (*std::ptr::addr_of_mut!(PREVIOUS))[i].as_mut_ptr();
                if libc::sigaction(signal, &action, previous) != 0 {
                    panic!("cannot install the handler of signal {signal}");
                }
            }
        }
    });
}

extern "C" fn handler(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    THREAD.with(|thread| {
        // SAFETY: the kernel passes the interrupted thread's context; `resume` was published
        // by this thread's entry into compiled code and lives on its stack until that entry
        // returns.
        unsafe {
            if let (Some(resume), Some(pc)) = (thread.resume.get().as_ref(), context::pc(context)) {
                if let Some(code) = trap_at(pc) {
                    record_trace(thread, pc, context::fp(context), context::sp(context));
                    context::resume_at(context, resume, code as usize + 1);
                    return;
                }
            }
            chain(signal, info, context);
        }
    })
}

/// Passes a signal that is not a trap to the handler installed before ours.
///
/// SAFETY (for callers): called from the signal handler with its arguments.
unsafe fn chain(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let Some(i) = SIGNALS.iter().position(|&s| s == signal) else { return };
    let previous = &*(*std::ptr::addr_of!(PREVIOUS))[i].as_ptr();
    if previous.sa_flags & libc::SA_SIGINFO != 0 {
        let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            std::mem::transmute(previous.sa_sigaction);
        f(signal, info, context);
    } else if previous.sa_sigaction == libc::SIG_DFL || previous.sa_sigaction == libc::SIG_IGN {
        // The default action: restore it; returning re-runs the faulting instruction, which
        // then takes it (a fault cannot be ignored).
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(signal, &action, std::ptr::null_mut());
    } else {
        let f: extern "C" fn(libc::c_int) = std::mem::transmute(previous.sa_sigaction);
        f(signal);
    }
}

#[cfg(target_arch = "x86_64")]
mod context {
    use super::Resume;

    /// The interrupted instruction's address.
    ///
    /// SAFETY (for callers): `context` is the ucontext_t the kernel passed to the handler.
    pub unsafe fn pc(context: *mut libc::c_void) -> Option<usize> {
        let uc = context as *mut libc::ucontext_t;
        Some((*uc).uc_mcontext.gregs[libc::REG_RIP as usize] as usize)
    }

    /// The interrupted frame pointer. SAFETY: as for `pc`.
    pub unsafe fn fp(context: *mut libc::c_void) -> usize {
        let uc = context as *mut libc::ucontext_t;
        (*uc).uc_mcontext.gregs[libc::REG_RBP as usize] as usize
    }

    /// The interrupted stack pointer. SAFETY: as for `pc`.
    pub unsafe fn sp(context: *mut libc::c_void) -> usize {
        let uc = context as *mut libc::ucontext_t;
        (*uc).uc_mcontext.gregs[libc::REG_RSP as usize] as usize
    }

    /// Makes the interrupted thread continue at the resume point with `value` in the return
    /// register. SAFETY: as for `pc`.
    pub unsafe fn resume_at(context: *mut libc::c_void, resume: &Resume, value: usize) {
        let uc = context as *mut libc::ucontext_t;
        let gregs = &mut (*uc).uc_mcontext.gregs;
        gregs[libc::REG_RIP as usize] = resume.landing as i64;
        gregs[libc::REG_RSP as usize] = resume.sp as i64;
        gregs[libc::REG_RAX as usize] = value as i64;
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod context {
    use super::Resume;

    /// No compiled code runs on this architecture yet: nothing is a trap site.
    pub unsafe fn pc(_context: *mut libc::c_void) -> Option<usize> {
        None
    }

    pub unsafe fn fp(_context: *mut libc::c_void) -> usize {
        0
    }

    pub unsafe fn sp(_context: *mut libc::c_void) -> usize {
        0
    }

    pub unsafe fn resume_at(_context: *mut libc::c_void, _resume: &Resume, _value: usize) {}
}

/// Size of the alternate signal stack given to threads that enter compiled code.
const ALTERNATE_STACK_SIZE: usize = 64 * 1024;

/// This thread's alternate signal stack, if wasmrt made it (freed when the thread exits).
struct AlternateStack {
    mapping: *mut libc::c_void,
    size: usize,
}

impl Drop for AlternateStack {
    fn drop(&mut self) {
        // SAFETY: disables the alternate stack we installed, then unmaps it (guard page
        // included); no handler runs on it as the thread is exiting normally.
        unsafe {
            let disable = libc::stack_t { ss_sp: std::ptr::null_mut(), ss_flags: libc::SS_DISABLE, ss_size: 0 };
            libc::sigaltstack(&disable, std::ptr::null_mut());
            libc::munmap(self.mapping, self.size);
        }
    }
}

/// What `prepare_thread` made for this thread, freed when the thread exits.
struct Prepared {
    _trace: Box<[usize]>,
    _stack: Option<AlternateStack>,
}

thread_local! {
    static PREPARED: std::cell::RefCell<Option<Prepared>> = const { std::cell::RefCell::new(None) };
}

/// Gives this thread its backtrace buffer (returned) and an alternate signal stack unless it
/// has one (its own or the host's; without one, compiled code still runs: only a fault at the
/// very end of the native stack could not be handled).
fn prepare_thread() -> *mut usize {
    let mut trace = vec![0usize; TRACE_CAPACITY].into_boxed_slice();
    let buffer = trace.as_mut_ptr();
    let stack = alternate_stack();
    PREPARED.with(|p| *p.borrow_mut() = Some(Prepared { _trace: trace, _stack: stack }));
    buffer
}

/// Installs an alternate signal stack for this thread unless it has one; the stack it
/// installed, if any.
fn alternate_stack() -> Option<AlternateStack> {
    // SAFETY: sigaltstack queries and installs this thread's alternate stack; the mapping is
    // fresh and owned by the value returned, which frees it.
    unsafe {
        let mut current: libc::stack_t = std::mem::zeroed();
        if libc::sigaltstack(std::ptr::null(), &mut current) == 0
            && current.ss_flags & libc::SS_DISABLE == 0
            && current.ss_size >= ALTERNATE_STACK_SIZE
        {
            return None;
        }
        let page = 4096;
        let size = ALTERNATE_STACK_SIZE + page;
        let mapping = libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if mapping == libc::MAP_FAILED {
            return None;
        }
        // The lowest page stays inaccessible: an overflow of the signal stack faults.
        libc::mprotect(mapping, page, libc::PROT_NONE);
        let stack = libc::stack_t {
            ss_sp: (mapping as *mut u8).add(page) as *mut libc::c_void,
            ss_flags: 0,
            ss_size: ALTERNATE_STACK_SIZE,
        };
        if libc::sigaltstack(&stack, std::ptr::null_mut()) != 0 {
            libc::munmap(mapping, size);
            return None;
        }
        Some(AlternateStack { mapping, size })
    }
}
