//! Executable memory for compiled code. Code is written into a fresh read-write mapping, which
//! then becomes read-execute; no mapping is ever writable and executable at once (W^X). While
//! it lives, the code is registered with the signal handler together with its trap sites.

use std::io;

use crate::runtime::sys::signals;
use crate::runtime::trap::TrapCode;

#[derive(Debug)]
pub struct CodeMemory {
    base: *mut u8,
    len: usize,
}

// SAFETY: the mapping is immutable (read-execute) once made and owned by this object alone.
unsafe impl Send for CodeMemory {}
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// Maps `code` executable, with `sites` (offset in `code`, trap) as its trap sites.
    pub fn new(code: &[u8], sites: Vec<(u32, TrapCode)>) -> io::Result<CodeMemory> {
        CodeMemory::build(code.len(), sites, |mapping| mapping.copy_from_slice(code))
    }

    /// Maps `len` bytes executable, written by `write` first (they start as zeros), with `sites`
    /// (offset, trap) as their trap sites.
    pub fn build(len: usize, sites: Vec<(u32, TrapCode)>, write: impl FnOnce(&mut [u8])) -> io::Result<CodeMemory> {
        let page = 4096;
        let mapped = len.max(1).div_ceil(page) * page;
        // SAFETY: a fresh anonymous mapping, checked; `write` fills its first `len` bytes and the
        // mapping is made read-execute (no longer writable) before anything runs it.
        unsafe {
            let base = libc::mmap(
                std::ptr::null_mut(),
                mapped,
                libc::PROT_READ | libc::PROT_WRITE,
                // Populated at once: the code is written to every page, and faulting them in one
                // by one took a tenth of the compile time.
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_POPULATE,
                -1,
                0,
            );
            if base == libc::MAP_FAILED {
                return Err(io::Error::last_os_error());
            }
            write(std::slice::from_raw_parts_mut(base as *mut u8, len));
            if libc::mprotect(base, mapped, libc::PROT_READ | libc::PROT_EXEC) != 0 {
                let e = io::Error::last_os_error();
                libc::munmap(base, mapped);
                return Err(e);
            }
            signals::register_code(base as usize, mapped, sites);
            Ok(CodeMemory { base: base as *mut u8, len: mapped })
        }
    }

    /// The address of the code's first byte.
    pub fn base(&self) -> *const u8 {
        self.base
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        signals::unregister_code(self.base as usize);
        // SAFETY: base/len describe exactly the mapping made in new(); it is unregistered, and
        // no code runs in it (its owner outlives every call into it).
        unsafe { libc::munmap(self.base as *mut libc::c_void, self.len) };
    }
}
