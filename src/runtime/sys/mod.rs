//! Operating-system facts and services the runtime needs: the current thread's native stack
//! bounds, so re-entrant calls (host -> wasm -> host -> wasm) stop with a trap before the native
//! stack overflows; and (`signals`) turning faults in compiled code into traps.

pub mod signals;

/// Lowest address and size of the current thread's stack, if the system can tell.
pub fn stack_bounds() -> Option<(usize, usize)> {
    // SAFETY: pthread_getattr_np fills `attr` for the calling thread; the attribute object is
    // destroyed after use and the out-pointers point to live locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let r = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        (r == 0).then_some((addr as usize, size))
    }
}

/// Native stack kept free below the deepest re-entrant call, for host code and the tiers: a
/// quarter of the thread's stack, between 16 and 128 KiB.
fn native_stack_reserve(stack_size: usize) -> usize {
    (stack_size / 4).clamp(16 * 1024, 128 * 1024)
}

/// The lowest address the current thread's native stack may reach before only its reserve is
/// left (1 if the system cannot tell). Each thread finds it once (`signals::current_thread`).
#[cold]
fn native_stack_limit() -> usize {
    stack_bounds().map_or(1, |(low, size)| low + native_stack_reserve(size))
}

/// An address in the current native stack frame.
#[inline(always)]
pub fn current_stack_address() -> usize {
    let marker = 0u8;
    std::ptr::addr_of!(marker) as usize
}
