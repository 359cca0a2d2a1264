//! Linear memory. The whole range the memory may ever reach is reserved up front with
//! `mmap(PROT_NONE)` and pages are made accessible as the memory grows, so the memory never
//! moves: a base pointer stays valid for the memory's lifetime.
//!
//! With guard regions (`BoundsChecks::GuardRegions`), the reservation is the whole 4 GiB a
//! 32-bit index can address plus a guard of 4 GiB and 64 KiB after it and one of 64 KiB before
//! it: any
//! 32-bit index plus any 32-bit offset lands inside the reservation, so compiled code needs no
//! bounds check (an access past the accessible bytes faults, and the fault becomes a trap).
//! When that much address space cannot be reserved, the memory falls back to reserving its
//! maximum only, and says so (`guarded`): code using it must check bounds explicitly.

use super::vmctx::VMMemory;
use crate::types::MemoryType;

/// Size of a WebAssembly page.
pub const PAGE_SIZE: u64 = 65_536;
/// Pages of a 32-bit memory's full address range.
pub const MAX_PAGES: u64 = 65_536;
/// Inaccessible bytes reserved after a guarded memory's 4 GiB: as far as a 32-bit offset
/// reaches, plus room for the widest access (16 bytes) that starts there.
pub const GUARD_AFTER: usize = (1 << 32) + 64 * 1024;
/// Inaccessible bytes reserved before a guarded memory.
pub const GUARD_BEFORE: usize = 64 * 1024;

/// How accesses to linear memory are kept inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundsChecks {
    /// Reserve guard regions (see the module documentation) so compiled code may rely on
    /// faults; memories fall back to explicit checks when the reservation cannot be made.
    GuardRegions,
    /// No guard regions: every access is checked. For hosts that own their signal handlers
    /// and for sanitizer builds.
    Explicit,
}

pub struct Memory {
    pub ty: MemoryType,
    base: *mut u8,
    /// The whole reservation (guard regions included).
    mapping: *mut u8,
    reserved: usize,
    /// Whether the reservation has the guard regions.
    guarded: bool,
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
    /// Creates a memory of `ty.limits.min` pages that may grow to `max_pages`, with guard
    /// regions if `bounds` asks for them and they can be reserved. Returns `None` when the
    /// address space cannot be reserved.
    pub fn new(ty: MemoryType, max_pages: u64, bounds: BoundsChecks) -> Option<Memory> {
        let max_pages = max_pages.min(ty.limits.max.unwrap_or(MAX_PAGES)).min(MAX_PAGES);
        if ty.limits.min > max_pages {
            return None;
        }
        let guarded_size = GUARD_BEFORE + (MAX_PAGES * PAGE_SIZE) as usize + GUARD_AFTER;
        let attempt = if bounds == BoundsChecks::GuardRegions { reserve(guarded_size) } else { None };
        let (mapping, reserved, guarded) = match attempt {
            Some(p) => (p, guarded_size, true),
            None => {
                let size = (max_pages * PAGE_SIZE) as usize;
                (if size == 0 { std::ptr::NonNull::<u8>::dangling().as_ptr() } else { reserve(size)? }, size, false)
            }
        };
        // SAFETY: a guarded reservation starts GUARD_BEFORE bytes before the memory.
        let base = if guarded { unsafe { mapping.add(GUARD_BEFORE) } } else { mapping };
        let definition = Box::new(VMMemory { base, length: 0 });
        let mut memory = Memory { ty, base, mapping, reserved, guarded, pages: 0, max_pages, definition };
        memory.grow(ty.limits.min)?;
        Some(memory)
    }

    /// Whether any 32-bit index plus 32-bit offset from `base` lands inside the reservation
    /// (see the module documentation).
    pub fn guarded(&self) -> bool {
        self.guarded
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
            // SAFETY: mapping/reserved describe exactly the reservation made in new().
            unsafe { libc::munmap(self.mapping as *mut libc::c_void, self.reserved) };
        }
    }
}

/// Reserves `size` bytes of address space, inaccessible; None if the system refuses.
fn reserve(size: usize) -> Option<*mut u8> {
    // SAFETY: an anonymous private mapping with no address hint touches no existing memory;
    // the result is checked.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    (p != libc::MAP_FAILED).then_some(p as *mut u8)
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory")
            .field("pages", &self.pages)
            .field("max_pages", &self.max_pages)
            .field("guarded", &self.guarded)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Limits;

    /// The permissions of the mapping that contains `address`, from /proc/self/maps.
    fn permissions(address: usize) -> Option<String> {
        let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
        maps.lines().find_map(|l| {
            let mut fields = l.split_whitespace();
            let (start, end) = fields.next()?.split_once('-')?;
            let (start, end) = (usize::from_str_radix(start, 16).ok()?, usize::from_str_radix(end, 16).ok()?);
            (start <= address && address < end).then(|| fields.next().map(str::to_string)).flatten()
        })
    }

    fn one_page(max: Option<u64>) -> MemoryType {
        MemoryType { limits: Limits { min: 1, max }, shared: false, memory64: false }
    }

    #[test]
    fn guard_regions_cover_every_index_and_offset() {
        let mut m = Memory::new(one_page(Some(2)), MAX_PAGES, BoundsChecks::GuardRegions).expect("reserves");
        assert!(m.guarded());
        assert_eq!(m.reserved, GUARD_BEFORE + (1 << 32) + GUARD_AFTER);
        let base = m.base() as usize;
        assert_eq!(permissions(base).as_deref(), Some("rw-p"));
        assert_eq!(permissions(base + PAGE_SIZE as usize).as_deref(), Some("---p"));
        assert_eq!(permissions(base - 1).as_deref(), Some("---p"));
        // The farthest byte a 32-bit index plus a 32-bit offset plus a 16-byte access reaches.
        assert_eq!(permissions(base + (u32::MAX as usize) * 2 + 15).as_deref(), Some("---p"));
        // Growing (within the declared maximum) makes pages accessible in place.
        assert_eq!(m.grow(1), Some(1));
        assert_eq!(permissions(base + PAGE_SIZE as usize).as_deref(), Some("rw-p"));
        assert_eq!(m.grow(1), None);
        assert_eq!(m.base() as usize, base);
    }

    #[test]
    fn explicit_bounds_reserve_the_maximum_only() {
        let m = Memory::new(one_page(Some(2)), MAX_PAGES, BoundsChecks::Explicit).expect("reserves");
        assert!(!m.guarded());
        assert_eq!((m.reserved, m.mapping), (2 * PAGE_SIZE as usize, m.base()));
        assert_eq!(permissions(m.base() as usize).as_deref(), Some("rw-p"));
    }
}
