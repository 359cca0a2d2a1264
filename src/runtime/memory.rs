//! Linear memory. The whole range the memory may ever reach (its maximum, at most 4 GiB) is
//! reserved up front with `mmap(PROT_NONE)` and pages are made accessible as the memory
//! grows, so the memory never moves: a base pointer stays valid for the memory's lifetime.

use super::vmctx::VMMemory;
use crate::types::MemoryType;

/// Size of a WebAssembly page.
pub const PAGE_SIZE: u64 = 65_536;
/// Pages of a 32-bit memory's full address range.
pub const MAX_PAGES: u64 = 65_536;

pub struct Memory {
    pub ty: MemoryType,
    base: *mut u8,
    reserved: usize,
    pages: u64,
    /// The effective maximum: the declared one, capped by the store's limit.
    max_pages: u64,
    /// The definition compiled code reads (see `vmctx`), kept current by `grow`.
    definition: Box<VMMemory>,
}

// SAFETY: the mapping is owned by this object alone; access is synchronized by the store's
// single-owner rule (a store and its objects belong to one thread at a time).
unsafe impl Send for Memory {}

impl Memory {
    /// Creates a memory of `ty.limits.min` pages that may grow to `max_pages`. Returns `None`
    /// when the address space cannot be reserved.
    pub fn new(ty: MemoryType, max_pages: u64) -> Option<Memory> {
        let max_pages = max_pages.min(ty.limits.max.unwrap_or(MAX_PAGES)).min(MAX_PAGES);
        if ty.limits.min > max_pages {
            return None;
        }
        let reserved = (max_pages * PAGE_SIZE) as usize;
        let base = if reserved == 0 {
            std::ptr::NonNull::<u8>::dangling().as_ptr()
        } else {
            // SAFETY: an anonymous private mapping with no address hint touches no existing
            // memory; the result is checked.
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    reserved,
                    libc::PROT_NONE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                    -1,
                    0,
                )
            };
            if p == libc::MAP_FAILED {
                return None;
            }
            p as *mut u8
        };
        let definition = Box::new(VMMemory { base, length: 0 });
        let mut memory = Memory { ty, base, reserved, pages: 0, max_pages, definition };
        memory.grow(ty.limits.min)?;
        Some(memory)
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Current size in bytes.
    pub fn len(&self) -> usize {
        (self.pages * PAGE_SIZE) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.pages == 0
    }

    pub fn max_pages(&self) -> u64 {
        self.max_pages
    }

    /// Base address. Valid, and not moving, for the memory's lifetime; `len()` bytes from it
    /// are readable and writable.
    pub fn base(&self) -> *mut u8 {
        self.base
    }

    /// Grows by `delta` pages; returns the old size in pages, or `None` if the memory would
    /// exceed its maximum (nothing changes then).
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages;
        let new = old.checked_add(delta).filter(|&n| n <= self.max_pages)?;
        if delta > 0 {
            let start = (old * PAGE_SIZE) as usize;
            let len = (delta * PAGE_SIZE) as usize;
            // SAFETY: [start, start + len) lies inside the reservation (new <= max_pages and the
            // reservation covers max_pages); the pages are fresh and zero.
            let r = unsafe {
                libc::mprotect(self.base.add(start) as *mut libc::c_void, len, libc::PROT_READ | libc::PROT_WRITE)
            };
            if r != 0 {
                return None;
            }
        }
        self.pages = new;
        self.definition.length = new * PAGE_SIZE;
        Some(old)
    }

    /// The memory's definition for compiled code: valid for the memory's lifetime.
    pub fn definition(&self) -> *const VMMemory {
        &*self.definition
    }

    pub fn data(&self) -> &[u8] {
        // SAFETY: len() bytes from base are mapped read/write (see grow) and owned by self.
        unsafe { std::slice::from_raw_parts(self.base, self.len()) }
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in data(); &mut self guarantees exclusive access.
        unsafe { std::slice::from_raw_parts_mut(self.base, self.len()) }
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        if self.reserved != 0 {
            // SAFETY: base/reserved describe exactly the mapping created in new().
            unsafe { libc::munmap(self.base as *mut libc::c_void, self.reserved) };
        }
    }
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory").field("pages", &self.pages).field("max_pages", &self.max_pages).finish()
    }
}
