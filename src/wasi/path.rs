//! Path functions (`path_*`): opening, creating, removing, renaming, linking, reading links and
//! file attributes by path. Every path is resolved by `resolve.rs` beneath the directory
//! descriptor it is relative to, and the final host call never follows a symbolic link.

use std::fs::File;
use std::os::fd::AsRawFd;

use super::ctx::{Desc, DirDesc, Kind, WasiState};
use super::fd::set_times;
use super::link::Args;
use super::mem::GuestMemory;
use super::resolve::{self, resolve, Resolved, ESCAPE};
use super::sys;
use super::types::{fdflags, filetype, oflags, rights, Errno, Filestat, LOOKUP_SYMLINK_FOLLOW};

/// The directory behind descriptor `fd`, after checking it has `needed`.
fn dir_of(st: &WasiState, fd: u32, needed: u64) -> Result<&File, Errno> {
    let d = st.fds.get(fd)?;
    match &d.kind {
        Kind::Dir(dir) => {
            d.require(needed)?;
            Ok(&dir.dir)
        }
        _ => Err(Errno::NOTDIR),
    }
}

fn path_arg(mem: &GuestMemory<'_>, a: &Args<'_>, ptr: usize, len: usize) -> Result<String, Errno> {
    mem.read_str(a.u32(ptr), a.u32(len))
}

/// Whether the host call on a path would follow a final symbolic link: when asked to, or
/// when the path ends in a slash.
fn follows(lookup: u32, path: &str) -> bool {
    lookup & LOOKUP_SYMLINK_FOLLOW != 0 || path.ends_with('/')
}

pub fn path_create_directory(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let dir = dir_of(st, a.u32(0), rights::PATH_CREATE_DIRECTORY)?;
    let path = path_arg(mem, a, 1, 2)?;
    let r = resolve(dir, &path, false)?;
    Ok(sys::mkdirat(r.dir(), &r.name)?)
}

/// The attributes of a path.
pub fn filestat(st: &WasiState, fd: u32, lookup: u32, path: &str) -> Result<Filestat, Errno> {
    let dir = dir_of(st, fd, rights::PATH_FILESTAT_GET)?;
    let r = resolve(dir, path, follows(lookup, path))?;
    Ok(sys::fstatat(r.dir(), &r.name, false)?)
}

pub fn path_filestat_get(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let path = path_arg(mem, a, 2, 3)?;
    let s = filestat(st, a.u32(0), a.u32(1), &path)?;
    mem.write(a.u32(4), &s.encode())
}

pub fn path_filestat_set_times(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let dir = dir_of(st, a.u32(0), rights::PATH_FILESTAT_SET_TIMES)?;
    let path = path_arg(mem, a, 2, 3)?;
    let (atim, mtim) = set_times(a.u64(4), a.u64(5), a.u32(6))?;
    let r = resolve(dir, &path, follows(a.u32(1), &path))?;
    Ok(sys::utimensat(r.dir(), &r.name, atim, mtim, false)?)
}

pub fn path_link(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let old_dir = dir_of(st, a.u32(0), rights::PATH_LINK_SOURCE)?;
    let new_dir = dir_of(st, a.u32(4), rights::PATH_LINK_TARGET)?;
    let old_path = path_arg(mem, a, 2, 3)?;
    let new_path = path_arg(mem, a, 5, 6)?;
    let old = resolve(old_dir, &old_path, a.u32(1) & LOOKUP_SYMLINK_FOLLOW != 0)?;
    let new = resolve(new_dir, &new_path, false)?;
    if old.trailing_slash() || new.trailing_slash() {
        // Directories cannot be hard-linked; with a trailing slash the kernel would follow a
        // link at the source, so answer here.
        return Err(match sys::fstatat(old.dir(), old.bare_name(), false) {
            Ok(s) if s.filetype == filetype::DIRECTORY => Errno::PERM,
            Ok(_) if old.trailing_slash() => Errno::NOTDIR,
            Ok(_) => match sys::fstatat(new.dir(), new.bare_name(), false) {
                Ok(_) => Errno::EXIST,
                Err(_) => Errno::NOENT,
            },
            Err(e) => e.into(),
        });
    }
    Ok(sys::linkat(old.dir(), &old.name, new.dir(), &new.name)?)
}

pub fn path_open(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let (fd, lookup, o, req_base, req_inheriting, fdf) = (a.u32(0), a.u32(1), a.u32(4), a.u64(5), a.u64(6), a.u32(7));
    let path = path_arg(mem, a, 2, 3)?;
    if o > oflags::ALL as u32 || fdf > fdflags::ALL as u32 {
        return Err(Errno::INVAL);
    }
    let (o, fdf) = (o as u16, fdf as u16);
    let d = st.fds.get(fd)?;
    let parent = match &d.kind {
        Kind::Dir(dir) => &dir.dir,
        _ => return Err(Errno::NOTDIR),
    };
    let mut needed = rights::PATH_OPEN;
    if o & oflags::CREAT != 0 {
        needed |= rights::PATH_CREATE_FILE;
    }
    if o & oflags::TRUNC != 0 {
        needed |= rights::PATH_FILESTAT_SET_SIZE;
    }
    d.require(needed)?;
    let inheritable = d.inheriting;
    // Rights are only ever narrowed to what the directory passes on. Programs that ask for no
    // rights at all (hand-written ones often pass 0) get the read-only ones.
    let read_only = inheritable & !rights::MUTATING;
    let base = if req_base == 0 { read_only } else { req_base & inheritable };
    let req_inheriting = if req_inheriting == 0 { read_only } else { req_inheriting };
    let write = base & rights::NEED_WRITE != 0 || o & oflags::TRUNC != 0;
    let read = base & rights::NEED_READ != 0;
    let mut flags = libc::O_NOFOLLOW
        | match (read, write) {
            (true, true) => libc::O_RDWR,
            (false, true) => libc::O_WRONLY,
            _ => libc::O_RDONLY,
        };
    if o & oflags::CREAT != 0 {
        flags |= libc::O_CREAT;
    }
    if o & oflags::EXCL != 0 {
        flags |= libc::O_EXCL;
    }
    if o & oflags::TRUNC != 0 {
        flags |= libc::O_TRUNC;
    }
    if o & oflags::DIRECTORY != 0 {
        flags |= libc::O_DIRECTORY;
    }
    if fdf & fdflags::APPEND != 0 {
        flags |= libc::O_APPEND;
    }
    if fdf & fdflags::NONBLOCK != 0 {
        flags |= libc::O_NONBLOCK;
    }
    if fdf & fdflags::DSYNC != 0 {
        flags |= libc::O_DSYNC;
    }
    if fdf & (fdflags::SYNC | fdflags::RSYNC) != 0 {
        flags |= libc::O_SYNC;
    }
    let r = resolve(parent, &path, follows(lookup, &path))?;
    let file = open_resolved(&r, flags)?;
    drop(r);
    let ft = sys::fstat(file.as_raw_fd())?.filetype;
    let desc = if ft == filetype::DIRECTORY {
        let kind = Kind::Dir(DirDesc { dir: file, preopen: None, listing: None });
        Desc::new(kind, base & rights::DIRECTORY, req_inheriting & inheritable)
    } else {
        if o & oflags::DIRECTORY != 0 {
            return Err(Errno::NOTDIR);
        }
        Desc::new(Kind::File(file), base & rights::REGULAR_FILE, req_inheriting & inheritable)
    };
    let new_fd = st.fds.add(desc)?;
    mem.write_u32(a.u32(8), new_fd)
}

/// Opens the resolved path. Creating "." or a name ending in a slash is refused as the
/// kernel would; a symbolic link in the final position gives `ELOOP`.
fn open_resolved(r: &Resolved<'_>, flags: i32) -> Result<File, Errno> {
    if flags & libc::O_CREAT != 0 && r.trailing_slash() {
        // open(2) says EISDIR for an existing directory; WASI programs expect the same.
        return Err(match sys::fstatat(r.dir(), r.bare_name(), false) {
            Ok(s) if s.filetype == filetype::DIRECTORY => Errno::ISDIR,
            Ok(_) => Errno::NOTDIR,
            Err(_) => Errno::NOENT,
        });
    }
    Ok(sys::openat(r.dir(), &r.name, flags, 0o666)?)
}

pub fn path_readlink(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let dir = dir_of(st, a.u32(0), rights::PATH_READLINK)?;
    let path = path_arg(mem, a, 1, 2)?;
    let (buf, buf_len) = (a.u32(3), a.u32(4));
    let r = resolve(dir, &path, path.ends_with('/'))?;
    let target = sys::readlinkat(r.dir(), &r.name)?;
    let n = target.len().min(buf_len as usize);
    mem.write(buf, &target[..n])?;
    mem.write_u32(a.u32(5), n as u32)
}

pub fn path_remove_directory(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let dir = dir_of(st, a.u32(0), rights::PATH_REMOVE_DIRECTORY)?;
    let path = path_arg(mem, a, 1, 2)?;
    let r = resolve(dir, &path, false)?;
    if r.name == "." {
        return Err(Errno::INVAL);
    }
    Ok(sys::unlinkat(r.dir(), &r.name, true)?)
}

pub fn path_rename(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let old_dir = dir_of(st, a.u32(0), rights::PATH_RENAME_SOURCE)?;
    let new_dir = dir_of(st, a.u32(3), rights::PATH_RENAME_TARGET)?;
    let old_path = path_arg(mem, a, 1, 2)?;
    let new_path = path_arg(mem, a, 4, 5)?;
    let old = resolve(old_dir, &old_path, false)?;
    let new = resolve(new_dir, &new_path, false)?;
    if old.name == "." || new.name == "." {
        return Err(Errno::BUSY);
    }
    if new.trailing_slash() || old.trailing_slash() {
        // Trailing slashes only make sense on directories.
        let old_stat = sys::fstatat(old.dir(), old.bare_name(), false)?;
        if old_stat.filetype != filetype::DIRECTORY {
            return Err(Errno::NOTDIR);
        }
    }
    Ok(sys::renameat(old.dir(), &old.name, new.dir(), &new.name)?)
}

pub fn path_symlink(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let target = path_arg(mem, a, 0, 1)?;
    let dir = dir_of(st, a.u32(2), rights::PATH_SYMLINK)?;
    let path = path_arg(mem, a, 3, 4)?;
    // A link may only point beneath the sandbox it lives in.
    if target.starts_with('/') {
        return Err(ESCAPE);
    }
    resolve::check_path(&target)?;
    let r = resolve(dir, &path, false)?;
    if r.trailing_slash() {
        // A symbolic link is not a directory.
        return Err(match sys::fstatat(r.dir(), r.bare_name(), false) {
            Ok(s) if s.filetype == filetype::DIRECTORY => Errno::EXIST,
            Ok(_) => Errno::NOTDIR,
            Err(_) => Errno::NOENT,
        });
    }
    Ok(sys::symlinkat(&target, r.dir(), &r.name)?)
}

pub fn path_unlink_file(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let dir = dir_of(st, a.u32(0), rights::PATH_UNLINK_FILE)?;
    let path = path_arg(mem, a, 1, 2)?;
    let r = resolve(dir, &path, false)?;
    if r.name == "." {
        return Err(Errno::ISDIR);
    }
    Ok(sys::unlinkat(r.dir(), &r.name, false)?)
}
