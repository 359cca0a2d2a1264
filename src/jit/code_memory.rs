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
        let page = 4096;
        let len = code.len().max(1).div_ceil(page) * page;
        // SAFETY: a fresh anonymous mapping, checked; `code` is copied into its first bytes and
        // the mapping is made read-execute (no longer writable) before anything runs it.
        unsafe {
            let base = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                // Populated at once: the copy below writes every page, and faulting them in one by
                // one took a tenth of the compile time.
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_POPULATE,
                -1,
                0,
            );
            if base == libc::MAP_FAILED {
                return Err(io::Error::last_os_error());
            }
            std::ptr::copy_nonoverlapping(code.as_ptr(), base as *mut u8, code.len());
            if libc::mprotect(base, len, libc::PROT_READ | libc::PROT_EXEC) != 0 {
                let e = io::Error::last_os_error();
                libc::munmap(base, len);
                return Err(e);
            }
            signals::register_code(base as usize, len, sites);
            Ok(CodeMemory { base: base as *mut u8, len })
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
