//! Runtime operations compiled code calls: `extern "C"` functions taking the instance context,
//! which reach the store through it. A panic must not unwind through compiled frames, so each
//! catches it and returns the operation's failure value.

use crate::runtime::ops;
use crate::runtime::vmctx::VMContext;

/// `memory.grow` on memory 0: the old size in pages, or `u32::MAX` (-1).
///
/// # Safety
/// Called by compiled code with its instance's context, while the store that entered it runs.
pub unsafe extern "C" fn memory_grow(vmctx: *mut VMContext, delta: u32) -> u32 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: compiled code passes its own instance's context; the store context's `store`
        // was set when the host entered the store, which is running this code now (so no other
        // reference to it is in use while this runs).
        let (store, instance) = unsafe { (&mut *(*(*vmctx).store).store, (*vmctx).instance) };
        ops::memory_grow(store, instance, 0, delta)
    }))
    .unwrap_or(u32::MAX)
}
