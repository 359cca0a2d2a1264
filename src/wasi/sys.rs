//! Host system calls WASI needs that `std` does not offer (the `*at` family relative to a
//! directory descriptor, directory listing, time stamps, advice, polling, clocks, randomness).
//! This is the only file of `wasi/` with `unsafe`: each call is a thin libc wrapper that checks
//! its result and converts it to `io::Result`.

use std::ffi::{CStr, CString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

use super::types::{filetype, Filestat};

fn cstr(name: &str) -> io::Result<CString> {
    CString::new(name).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

fn check(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// `openat(dir, name, flags | O_CLOEXEC, mode)`.
pub fn openat(dir: &File, name: &str, flags: i32, mode: u32) -> io::Result<File> {
    let name = cstr(name)?;
    // SAFETY: `name` is a NUL-terminated string that outlives the call; the directory
    // descriptor is owned by `dir` and open; the kernel only reads the path.
    let fd =
        check(unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags | libc::O_CLOEXEC, mode as libc::c_uint) })?;
    // SAFETY: `fd` was just returned by openat, so it is open and owned by nobody else.
    Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
}

// The field types of `struct stat` and `dirent` differ between platforms.
#[allow(clippy::unnecessary_cast)]
fn stat_to_filestat(st: &libc::stat) -> Filestat {
    let ns = |s: i64, n: i64| (s as u64).wrapping_mul(1_000_000_000).wrapping_add(n as u64);
    Filestat {
        dev: st.st_dev as u64,
        ino: st.st_ino as u64,
        filetype: filetype_of_mode(st.st_mode),
        nlink: st.st_nlink as u64,
        size: st.st_size as u64,
        atim: ns(st.st_atime as i64, st.st_atime_nsec as i64),
        mtim: ns(st.st_mtime as i64, st.st_mtime_nsec as i64),
        ctim: ns(st.st_ctime as i64, st.st_ctime_nsec as i64),
    }
}

/// The WASI file type of a host `st_mode`.
pub fn filetype_of_mode(mode: libc::mode_t) -> u8 {
    match mode & libc::S_IFMT {
        libc::S_IFDIR => filetype::DIRECTORY,
        libc::S_IFREG => filetype::REGULAR_FILE,
        libc::S_IFLNK => filetype::SYMBOLIC_LINK,
        libc::S_IFCHR => filetype::CHARACTER_DEVICE,
        libc::S_IFBLK => filetype::BLOCK_DEVICE,
        libc::S_IFSOCK => filetype::SOCKET_STREAM,
        _ => filetype::UNKNOWN,
    }
}

/// `fstat(fd)`.
pub fn fstat(fd: RawFd) -> io::Result<Filestat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `st` points to writable storage for one `struct stat`; fstat fills it on success.
    check(unsafe { libc::fstat(fd, st.as_mut_ptr()) })?;
    // SAFETY: fstat returned 0, so it initialized `st`.
    Ok(stat_to_filestat(unsafe { &st.assume_init() }))
}

/// `fstatat(dir, name, follow ? 0 : AT_SYMLINK_NOFOLLOW)`.
pub fn fstatat(dir: &File, name: &str, follow: bool) -> io::Result<Filestat> {
    let name = cstr(name)?;
    let flags = if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `name` is NUL-terminated and alive; `st` is writable storage for one stat.
    check(unsafe { libc::fstatat(dir.as_raw_fd(), name.as_ptr(), st.as_mut_ptr(), flags) })?;
    // SAFETY: fstatat returned 0, so it initialized `st`.
    Ok(stat_to_filestat(unsafe { &st.assume_init() }))
}

pub fn mkdirat(dir: &File, name: &str) -> io::Result<()> {
    let name = cstr(name)?;
    // SAFETY: `name` is NUL-terminated and alive for the call.
    check(unsafe { libc::mkdirat(dir.as_raw_fd(), name.as_ptr(), 0o777) }).map(drop)
}

pub fn unlinkat(dir: &File, name: &str, remove_dir: bool) -> io::Result<()> {
    let name = cstr(name)?;
    let flags = if remove_dir { libc::AT_REMOVEDIR } else { 0 };
    // SAFETY: `name` is NUL-terminated and alive for the call.
    check(unsafe { libc::unlinkat(dir.as_raw_fd(), name.as_ptr(), flags) }).map(drop)
}

pub fn renameat(old_dir: &File, old: &str, new_dir: &File, new: &str) -> io::Result<()> {
    let (old, new) = (cstr(old)?, cstr(new)?);
    // SAFETY: both names are NUL-terminated and alive for the call.
    check(unsafe { libc::renameat(old_dir.as_raw_fd(), old.as_ptr(), new_dir.as_raw_fd(), new.as_ptr()) }).map(drop)
}

/// `linkat` without following a symbolic link at `old`.
pub fn linkat(old_dir: &File, old: &str, new_dir: &File, new: &str) -> io::Result<()> {
    let (old, new) = (cstr(old)?, cstr(new)?);
    // SAFETY: both names are NUL-terminated and alive for the call.
    check(unsafe { libc::linkat(old_dir.as_raw_fd(), old.as_ptr(), new_dir.as_raw_fd(), new.as_ptr(), 0) }).map(drop)
}

pub fn symlinkat(target: &str, dir: &File, name: &str) -> io::Result<()> {
    let (target, name) = (cstr(target)?, cstr(name)?);
    // SAFETY: both strings are NUL-terminated and alive for the call.
    check(unsafe { libc::symlinkat(target.as_ptr(), dir.as_raw_fd(), name.as_ptr()) }).map(drop)
}

/// The target of the symbolic link `name` in `dir` (`name` empty: `dir` itself is the link,
/// opened with `O_PATH | O_NOFOLLOW`).
pub fn readlinkat(dir: &File, name: &str) -> io::Result<Vec<u8>> {
    let name = cstr(name)?;
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: `buf` is writable for `buf.len()` bytes; readlinkat writes at most that many.
        let n = unsafe {
            libc::readlinkat(dir.as_raw_fd(), name.as_ptr(), buf.as_mut_ptr() as *mut libc::c_char, buf.len())
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = n as usize;
        if n < buf.len() {
            buf.truncate(n);
            return Ok(buf);
        }
        if buf.len() >= 1 << 20 {
            return Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG));
        }
        buf.resize(buf.len() * 2, 0);
    }
}

/// A time to set: leave alone, now, or nanoseconds since the epoch.
#[derive(Clone, Copy, Debug)]
pub enum SetTime {
    Omit,
    Now,
    At(u64),
}

fn timespec(t: SetTime) -> libc::timespec {
    match t {
        SetTime::Omit => libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_OMIT },
        SetTime::Now => libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_NOW },
        SetTime::At(ns) => {
            libc::timespec { tv_sec: (ns / 1_000_000_000) as libc::time_t, tv_nsec: (ns % 1_000_000_000) as _ }
        }
    }
}

/// `utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW unless follow)`.
pub fn utimensat(dir: &File, name: &str, atim: SetTime, mtim: SetTime, follow: bool) -> io::Result<()> {
    let name = cstr(name)?;
    let times = [timespec(atim), timespec(mtim)];
    let flags = if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
    // SAFETY: `name` is NUL-terminated; `times` is an array of two timespecs, as required.
    check(unsafe { libc::utimensat(dir.as_raw_fd(), name.as_ptr(), times.as_ptr(), flags) }).map(drop)
}

pub fn futimens(fd: RawFd, atim: SetTime, mtim: SetTime) -> io::Result<()> {
    let times = [timespec(atim), timespec(mtim)];
    // SAFETY: `times` is an array of two timespecs, as futimens requires.
    check(unsafe { libc::futimens(fd, times.as_ptr()) }).map(drop)
}

pub fn fadvise(fd: RawFd, offset: u64, len: u64, advice: i32) -> io::Result<()> {
    // SAFETY: plain integer arguments; the kernel validates them.
    let r = unsafe { libc::posix_fadvise(fd, offset as libc::off_t, len as libc::off_t, advice) };
    if r != 0 {
        return Err(io::Error::from_raw_os_error(r));
    }
    Ok(())
}

pub fn fallocate(fd: RawFd, offset: u64, len: u64) -> io::Result<()> {
    // SAFETY: plain integer arguments; the kernel validates them.
    let r = unsafe { libc::posix_fallocate(fd, offset as libc::off_t, len as libc::off_t) };
    if r != 0 {
        return Err(io::Error::from_raw_os_error(r));
    }
    Ok(())
}

pub fn get_status_flags(fd: RawFd) -> io::Result<i32> {
    // SAFETY: F_GETFL takes no pointer argument.
    check(unsafe { libc::fcntl(fd, libc::F_GETFL) })
}

pub fn set_status_flags(fd: RawFd, flags: i32) -> io::Result<()> {
    // SAFETY: F_SETFL takes an integer argument.
    check(unsafe { libc::fcntl(fd, libc::F_SETFL, flags) }).map(drop)
}

pub fn isatty(fd: RawFd) -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(fd) == 1 }
}

/// One entry of a host directory listing.
#[derive(Clone, Debug)]
pub struct HostDirEntry {
    pub name: Vec<u8>,
    pub ino: u64,
    /// The WASI file type, `UNKNOWN` if the file system did not say.
    pub filetype: u8,
}

/// Lists a directory from the start, "." and ".." included.
#[allow(clippy::unnecessary_cast)]
pub fn read_dir(dir: &File) -> io::Result<Vec<HostDirEntry>> {
    let dup = dir.try_clone()?;
    let raw = dup.into_raw_fd();
    // SAFETY: `raw` is an open descriptor we own (from try_clone); on success fdopendir takes
    // ownership of it and closedir below closes it.
    let dirp = unsafe { libc::fdopendir(raw) };
    if dirp.is_null() {
        let e = io::Error::last_os_error();
        // SAFETY: fdopendir failed, so `raw` is still ours to close.
        drop(unsafe { OwnedFd::from_raw_fd(raw) });
        return Err(e);
    }
    // The duplicate shares the offset with `dir`: start over.
    // SAFETY: `dirp` is a valid DIR* from fdopendir.
    unsafe { libc::rewinddir(dirp) };
    let mut out = Vec::new();
    loop {
        // SAFETY: `dirp` is valid until closedir below. Its only documented error is EBADF,
        // impossible for a stream fdopendir just made, so NULL means the end of the listing.
        let ent = unsafe { libc::readdir(dirp) };
        if ent.is_null() {
            break;
        }
        // SAFETY: readdir returned a valid entry that stays valid until the next readdir call;
        // d_name is NUL-terminated within it.
        let (name, ino, d_type) = unsafe {
            let e = &*ent;
            (CStr::from_ptr(e.d_name.as_ptr()).to_bytes().to_vec(), e.d_ino, e.d_type)
        };
        let filetype = match d_type {
            libc::DT_DIR => filetype::DIRECTORY,
            libc::DT_REG => filetype::REGULAR_FILE,
            libc::DT_LNK => filetype::SYMBOLIC_LINK,
            libc::DT_CHR => filetype::CHARACTER_DEVICE,
            libc::DT_BLK => filetype::BLOCK_DEVICE,
            libc::DT_SOCK => filetype::SOCKET_STREAM,
            _ => filetype::UNKNOWN,
        };
        out.push(HostDirEntry { name, ino: ino as u64, filetype });
    }
    // SAFETY: `dirp` came from fdopendir and is closed exactly once (closing `raw` too).
    unsafe { libc::closedir(dirp) };
    Ok(out)
}

/// `poll(fds, timeout)`; returns how many descriptors have events. EINTR counts as 0.
pub fn poll(fds: &mut [libc::pollfd], timeout_ms: i32) -> io::Result<usize> {
    // SAFETY: `fds` is a valid, writable array of `fds.len()` pollfd structures.
    let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
    if r < 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() == Some(libc::EINTR) {
            return Ok(0);
        }
        return Err(e);
    }
    Ok(r as usize)
}

fn host_clock(id: u32) -> Option<libc::clockid_t> {
    Some(match id {
        0 => libc::CLOCK_REALTIME,
        1 => libc::CLOCK_MONOTONIC,
        2 => libc::CLOCK_PROCESS_CPUTIME_ID,
        3 => libc::CLOCK_THREAD_CPUTIME_ID,
        _ => return None,
    })
}

fn clock_call(
    id: u32,
    f: unsafe extern "C" fn(libc::clockid_t, *mut libc::timespec) -> libc::c_int,
) -> io::Result<u64> {
    let clock = host_clock(id).ok_or_else(|| io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `f` is clock_gettime or clock_getres, which write one timespec to a valid pointer.
    check(unsafe { f(clock, &mut ts) })?;
    Ok((ts.tv_sec as u64).wrapping_mul(1_000_000_000).wrapping_add(ts.tv_nsec as u64))
}

/// The time of a WASI clock, in nanoseconds.
pub fn clock_time(id: u32) -> io::Result<u64> {
    clock_call(id, libc::clock_gettime)
}

/// The resolution of a WASI clock, in nanoseconds.
pub fn clock_res(id: u32) -> io::Result<u64> {
    clock_call(id, libc::clock_getres)
}

/// Fills `buf` with random bytes from the host.
pub fn getrandom(mut buf: &mut [u8]) -> io::Result<()> {
    while !buf.is_empty() {
        // SAFETY: `buf` is writable for `buf.len()` bytes; getrandom writes at most that many.
        let n = unsafe { libc::getrandom(buf.as_mut_ptr() as *mut libc::c_void, buf.len(), 0) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return Err(e);
        }
        buf = &mut buf[n as usize..];
    }
    Ok(())
}
