//! Descriptor functions (`fd_*`): reading, writing, seeking, attributes, flags, rights,
//! directory listing, preopen names, closing and renumbering. Every function checks the
//! descriptor's rights before touching the host.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;

use super::ctx::{DirEntry, Input, Kind, WasiState};
use super::link::Args;
use super::mem::{GuestMemory, IoVec};
use super::sys::{self, SetTime};
use super::types::{fdflags, filetype, fstflags, rights, whence, Errno, Filestat, DIRENT_SIZE, PREOPENTYPE_DIR};

/// The host file behind a descriptor used for byte I/O: `EISDIR` for directories, `ESPIPE`
/// for streams that are not files.
fn regular_file(kind: &Kind) -> Result<&File, Errno> {
    match kind {
        Kind::File(f) => Ok(f),
        Kind::Dir(_) => Err(Errno::ISDIR),
        _ => Err(Errno::SPIPE),
    }
}

fn reject_dir(kind: &Kind) -> Result<(), Errno> {
    if matches!(kind, Kind::Dir(_)) {
        return Err(Errno::ISDIR);
    }
    Ok(())
}

pub fn fd_advise(st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get(a.u32(0))?;
    let (offset, len, advice) = (a.u64(1), a.u64(2), a.u32(3));
    let host_advice = match advice {
        0 => libc::POSIX_FADV_NORMAL,
        1 => libc::POSIX_FADV_SEQUENTIAL,
        2 => libc::POSIX_FADV_RANDOM,
        3 => libc::POSIX_FADV_WILLNEED,
        4 => libc::POSIX_FADV_DONTNEED,
        5 => libc::POSIX_FADV_NOREUSE,
        _ => return Err(Errno::INVAL),
    };
    d.require(rights::FD_ADVISE)?;
    if offset > i64::MAX as u64 || len > i64::MAX as u64 {
        return Err(Errno::INVAL);
    }
    match &d.kind {
        Kind::File(f) => Ok(sys::fadvise(f.as_raw_fd(), offset, len, host_advice)?),
        Kind::Dir(_) => Err(Errno::BADF),
        _ => Err(Errno::SPIPE),
    }
}

pub fn fd_allocate(st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get(a.u32(0))?;
    reject_dir(&d.kind)?;
    d.require(rights::FD_ALLOCATE)?;
    let f = regular_file(&d.kind)?;
    let (offset, len) = (a.u64(1), a.u64(2));
    if offset > i64::MAX as u64 || len > i64::MAX as u64 || offset.checked_add(len).is_none_or(|e| e > i64::MAX as u64)
    {
        return Err(Errno::INVAL);
    }
    match sys::fallocate(f.as_raw_fd(), offset, len) {
        // File systems without preallocation: extend the file instead.
        Err(e) if e.raw_os_error() == Some(libc::EOPNOTSUPP) => {
            let size = f.metadata()?.len();
            if offset + len > size {
                f.set_len(offset + len)?;
            }
            Ok(())
        }
        r => Ok(r?),
    }
}

pub fn fd_close(st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    st.fds.remove(a.u32(0)).map(drop)
}

fn sync(st: &mut WasiState, fd: u32, right: u64, data_only: bool) -> Result<(), Errno> {
    let d = st.fds.get(fd)?;
    d.require(right)?;
    let f = match &d.kind {
        Kind::File(f) => f,
        Kind::Dir(dir) => &dir.dir,
        _ => return Err(Errno::INVAL),
    };
    if data_only {
        f.sync_data()?;
    } else {
        f.sync_all()?;
    }
    Ok(())
}

pub fn fd_datasync(st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    sync(st, a.u32(0), rights::FD_DATASYNC, true)
}

pub fn fd_sync(st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    sync(st, a.u32(0), rights::FD_SYNC, false)
}

/// The `fdflags` of a host descriptor.
fn host_fdflags(fd: i32) -> u16 {
    let fl = sys::get_status_flags(fd).unwrap_or(0);
    let mut flags = 0;
    if fl & libc::O_APPEND != 0 {
        flags |= fdflags::APPEND;
    }
    if fl & libc::O_NONBLOCK != 0 {
        flags |= fdflags::NONBLOCK;
    }
    if fl & libc::O_SYNC == libc::O_SYNC {
        flags |= fdflags::SYNC;
    } else if fl & libc::O_DSYNC != 0 {
        flags |= fdflags::DSYNC;
    }
    flags
}

pub fn fd_fdstat_get(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get(a.u32(0))?;
    let flags = match &d.kind {
        Kind::File(f) => host_fdflags(f.as_raw_fd()),
        Kind::Dir(_) => 0,
        Kind::Listener(l) => host_fdflags(l.as_raw_fd()),
        Kind::Stream(s) => host_fdflags(s.as_raw_fd()),
        _ => d.flags,
    };
    let mut b = [0u8; 24];
    b[0] = d.filetype();
    b[2..4].copy_from_slice(&flags.to_le_bytes());
    b[8..16].copy_from_slice(&d.base.to_le_bytes());
    b[16..24].copy_from_slice(&d.inheriting.to_le_bytes());
    mem.write(a.u32(1), &b)
}

pub fn fd_fdstat_set_flags(st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get_mut(a.u32(0))?;
    let flags = a.u32(1);
    if flags > fdflags::ALL as u32 {
        return Err(Errno::INVAL);
    }
    let flags = flags as u16;
    d.require(rights::FD_FDSTAT_SET_FLAGS)?;
    let fd = match &d.kind {
        Kind::File(f) => f.as_raw_fd(),
        Kind::Stream(s) => s.as_raw_fd(),
        Kind::Listener(l) => l.as_raw_fd(),
        Kind::Dir(_) => return if flags & !fdflags::NONBLOCK == 0 { Ok(()) } else { Err(Errno::INVAL) },
        _ => {
            // The standard streams: flags are remembered, the host streams are left alone.
            if flags & (fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC) != 0 {
                return Err(Errno::NOTSUP);
            }
            d.flags = flags;
            return Ok(());
        }
    };
    let current = sys::get_status_flags(fd)?;
    let sync_now = host_fdflags(fd) & (fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC);
    // The kernel cannot change the synchronization flags of an open descriptor.
    if flags & (fdflags::DSYNC | fdflags::RSYNC | fdflags::SYNC) & !sync_now != 0 {
        return Err(Errno::NOTSUP);
    }
    let mut new = current & !(libc::O_APPEND | libc::O_NONBLOCK);
    if flags & fdflags::APPEND != 0 {
        new |= libc::O_APPEND;
    }
    if flags & fdflags::NONBLOCK != 0 {
        new |= libc::O_NONBLOCK;
    }
    Ok(sys::set_status_flags(fd, new)?)
}

pub fn fd_fdstat_set_rights(st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get_mut(a.u32(0))?;
    let (base, inheriting) = (a.u64(1), a.u64(2));
    // Rights can only be dropped, never regained.
    if base & !d.base != 0 || inheriting & !d.inheriting != 0 {
        return Err(Errno::NOTCAPABLE);
    }
    d.base = base;
    d.inheriting = inheriting;
    Ok(())
}

/// The attributes of an open descriptor.
pub fn filestat(st: &WasiState, fd: u32) -> Result<Filestat, Errno> {
    let d = st.fds.get(fd)?;
    d.require(rights::FD_FILESTAT_GET)?;
    match d.raw_fd() {
        Some(raw) => {
            let mut s = sys::fstat(raw)?;
            if matches!(d.kind, Kind::Stdin(..) | Kind::Output(..)) {
                s.filetype = d.filetype();
            }
            Ok(s)
        }
        None => Ok(Filestat { filetype: d.filetype(), nlink: 1, ..Filestat::default() }),
    }
}

pub fn fd_filestat_get(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let s = filestat(st, a.u32(0))?;
    mem.write(a.u32(1), &s.encode())
}

pub fn fd_filestat_set_size(st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get(a.u32(0))?;
    reject_dir(&d.kind)?;
    d.require(rights::FD_FILESTAT_SET_SIZE)?;
    let size = a.u64(1);
    if size > i64::MAX as u64 {
        return Err(Errno::INVAL);
    }
    match &d.kind {
        Kind::File(f) => Ok(f.set_len(size)?),
        _ => Err(Errno::INVAL),
    }
}

/// Decodes the times of `*_set_times`, validating `fst_flags`.
pub fn set_times(atim: u64, mtim: u64, flags: u32) -> Result<(SetTime, SetTime), Errno> {
    if flags > fstflags::ALL as u32 {
        return Err(Errno::INVAL);
    }
    let flags = flags as u16;
    let pick = |value: u64, set: u16, now: u16| match (flags & set != 0, flags & now != 0) {
        (true, true) => Err(Errno::INVAL),
        (true, false) => Ok(SetTime::At(value)),
        (false, true) => Ok(SetTime::Now),
        (false, false) => Ok(SetTime::Omit),
    };
    Ok((pick(atim, fstflags::ATIM, fstflags::ATIM_NOW)?, pick(mtim, fstflags::MTIM, fstflags::MTIM_NOW)?))
}

pub fn fd_filestat_set_times(st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get(a.u32(0))?;
    let (atim, mtim) = set_times(a.u64(1), a.u64(2), a.u32(3))?;
    d.require(rights::FD_FILESTAT_SET_TIMES)?;
    match (&d.kind, d.raw_fd()) {
        (Kind::File(_) | Kind::Dir(_), Some(fd)) => Ok(sys::futimens(fd, atim, mtim)?),
        _ => Err(Errno::NOTSUP),
    }
}

/// Reads into the guest buffers, one host read per buffer until one comes back short.
fn read_into<R: FnMut(&mut [u8], u64) -> io::Result<usize>>(
    mem: &mut GuestMemory<'_>,
    iovs: &[IoVec],
    mut read: R,
) -> Result<usize, Errno> {
    let mut total = 0usize;
    for v in iovs {
        if v.len == 0 {
            continue;
        }
        let buf = mem.slice_mut(v.ptr, v.len)?;
        let n = match read(buf, total as u64) {
            Ok(n) => n,
            Err(e) if total > 0 && e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => return Err(e.into()),
        };
        total += n;
        if n < v.len as usize {
            break;
        }
    }
    Ok(total)
}

/// Reads from a stream (not a seekable file) into the first non-empty buffer only, so a read
/// never waits for more input than one host read returns.
fn read_stream<R: Read + ?Sized>(mem: &mut GuestMemory<'_>, iovs: &[IoVec], r: &mut R) -> Result<usize, Errno> {
    match iovs.iter().find(|v| v.len > 0) {
        Some(v) => Ok(r.read(mem.slice_mut(v.ptr, v.len)?)?),
        None => Ok(0),
    }
}

pub fn fd_read(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get_mut(a.u32(0))?;
    reject_dir(&d.kind)?;
    d.require(rights::FD_READ)?;
    let iovs = mem.iovecs(a.u32(1), a.u32(2))?;
    let n = match &mut d.kind {
        Kind::File(f) => read_into(mem, &iovs, |buf, _| f.read(buf))?,
        Kind::Stdin(Input::Inherit, _) => read_stream(mem, &iovs, &mut io::stdin())?,
        Kind::Stdin(input, _) => read_into(mem, &iovs, |buf, _| input.read(buf))?,
        Kind::Stream(s) => read_stream(mem, &iovs, s)?,
        _ => return Err(Errno::BADF),
    };
    mem.write_u32(a.u32(3), n as u32)
}

pub fn fd_pread(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get(a.u32(0))?;
    reject_dir(&d.kind)?;
    d.require(rights::FD_READ | rights::FD_SEEK)?;
    let iovs = mem.iovecs(a.u32(1), a.u32(2))?;
    let offset = a.u64(3);
    if offset > i64::MAX as u64 {
        return Err(Errno::INVAL);
    }
    let f = regular_file(&d.kind)?;
    let n = read_into(mem, &iovs, |buf, done| f.read_at(buf, offset + done))?;
    mem.write_u32(a.u32(4), n as u32)
}

/// Writes the guest buffers; returns the bytes written.
fn write_from<W: FnMut(&[u8], u64) -> io::Result<usize>>(
    mem: &GuestMemory<'_>,
    iovs: &[IoVec],
    mut write: W,
) -> Result<usize, Errno> {
    let mut total = 0usize;
    for v in iovs {
        let mut buf = mem.slice(v.ptr, v.len)?;
        while !buf.is_empty() {
            match write(buf, total as u64) {
                Ok(0) => return Ok(total),
                Ok(n) => {
                    total += n;
                    buf = &buf[n..];
                }
                Err(e) if total > 0 && e.kind() == io::ErrorKind::WouldBlock => return Ok(total),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(total)
}

pub fn fd_write(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get_mut(a.u32(0))?;
    reject_dir(&d.kind)?;
    d.require(rights::FD_WRITE)?;
    let iovs = mem.iovecs(a.u32(1), a.u32(2))?;
    let n = match &mut d.kind {
        Kind::File(f) => write_from(mem, &iovs, |buf, _| f.write(buf))?,
        Kind::Output(sink, _) => {
            // One write to the sink per call (callbacks and captures see whole writes).
            let data = mem.gather(&iovs)?;
            sink.write(&data)?
        }
        Kind::Stream(s) => write_from(mem, &iovs, |buf, _| s.write(buf))?,
        _ => return Err(Errno::BADF),
    };
    mem.write_u32(a.u32(3), n as u32)
}

pub fn fd_pwrite(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get(a.u32(0))?;
    reject_dir(&d.kind)?;
    d.require(rights::FD_WRITE | rights::FD_SEEK)?;
    let iovs = mem.iovecs(a.u32(1), a.u32(2))?;
    let offset = a.u64(3);
    if offset > i64::MAX as u64 {
        return Err(Errno::INVAL);
    }
    let f = regular_file(&d.kind)?;
    let n = write_from(mem, &iovs, |buf, done| f.write_at(buf, offset + done))?;
    mem.write_u32(a.u32(4), n as u32)
}

pub fn fd_prestat_get(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let name = preopen_name(st, a.u32(0))?;
    let mut b = [0u8; 8];
    b[0] = PREOPENTYPE_DIR;
    b[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
    mem.write(a.u32(1), &b)
}

fn preopen_name(st: &WasiState, fd: u32) -> Result<&str, Errno> {
    match &st.fds.get(fd)?.kind {
        Kind::Dir(d) => d.preopen.as_deref().ok_or(Errno::BADF),
        _ => Err(Errno::BADF),
    }
}

pub fn fd_prestat_dir_name(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let name = preopen_name(st, a.u32(0))?;
    if (a.u32(2) as usize) < name.len() {
        return Err(Errno::NAMETOOLONG);
    }
    mem.write(a.u32(1), name.as_bytes())
}

/// Lists a directory for `fd_readdir`, with the type of every entry known.
fn listing(dir: &File) -> Result<Vec<DirEntry>, Errno> {
    let mut out = Vec::new();
    for e in sys::read_dir(dir)? {
        let mut ft = e.filetype;
        if ft == filetype::UNKNOWN {
            if let Ok(name) = std::str::from_utf8(&e.name) {
                ft = sys::fstatat(dir, name, false).map(|s| s.filetype).unwrap_or(filetype::UNKNOWN);
            }
        }
        out.push(DirEntry { name: e.name, ino: e.ino, filetype: ft });
    }
    // A stable order, whatever the host file system's: "." and ".." first, then by name.
    out.sort_by(|a, b| {
        let rank = |n: &[u8]| match n {
            b"." => 0,
            b".." => 1,
            _ => 2,
        };
        (rank(&a.name), &a.name).cmp(&(rank(&b.name), &b.name))
    });
    Ok(out)
}

pub fn fd_readdir(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get_mut(a.u32(0))?;
    let (buf, buf_len, cookie) = (a.u32(1), a.u32(2), a.u64(3));
    let dir = match &mut d.kind {
        Kind::Dir(dir) => dir,
        _ => return Err(Errno::NOTDIR),
    };
    if d.base & rights::FD_READDIR == 0 {
        return Err(Errno::NOTCAPABLE);
    }
    mem.slice(buf, buf_len)?;
    if cookie == 0 || dir.listing.is_none() {
        dir.listing = Some(listing(&dir.dir)?);
    }
    let entries = dir.listing.as_deref().unwrap_or_default();
    let mut out: Vec<u8> = Vec::new();
    for (i, e) in entries.iter().enumerate().skip(usize::try_from(cookie).unwrap_or(usize::MAX)) {
        if out.len() >= buf_len as usize {
            break;
        }
        let mut header = [0u8; DIRENT_SIZE];
        header[0..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        header[8..16].copy_from_slice(&e.ino.to_le_bytes());
        header[16..20].copy_from_slice(&(e.name.len() as u32).to_le_bytes());
        header[20] = e.filetype;
        out.extend_from_slice(&header);
        out.extend_from_slice(&e.name);
    }
    // A full buffer tells the guest to call again; the last entry may be cut short.
    out.truncate(buf_len as usize);
    mem.write(buf, &out)?;
    mem.write_u32(a.u32(4), out.len() as u32)
}

pub fn fd_renumber(st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let (from, to) = (a.u32(0), a.u32(1));
    st.fds.get(from)?;
    st.fds.get(to)?;
    if from != to {
        let d = st.fds.remove(from)?;
        st.fds.map.insert(to, d);
    }
    Ok(())
}

/// Moves the offset of a descriptor; `whence` in the preview1 numbering.
pub fn seek(st: &mut WasiState, fd: u32, offset: i64, whence: u8) -> Result<u64, Errno> {
    let d = st.fds.get_mut(fd)?;
    reject_dir(&d.kind)?;
    let needed = if offset == 0 && whence == whence::CUR { rights::FD_TELL } else { rights::FD_SEEK };
    if d.base & (needed | rights::FD_SEEK) == 0 {
        return Err(Errno::NOTCAPABLE);
    }
    let pos = match whence {
        whence::SET => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::INVAL)?),
        whence::CUR => SeekFrom::Current(offset),
        whence::END => SeekFrom::End(offset),
        _ => return Err(Errno::INVAL),
    };
    match &mut d.kind {
        Kind::File(f) => Ok(f.seek(pos)?),
        Kind::Stdin(Input::File(f), _) => Ok(f.seek(pos)?),
        _ => Err(Errno::SPIPE),
    }
}

pub fn fd_seek(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let whence = u8::try_from(a.u32(2)).map_err(|_| Errno::INVAL)?;
    let pos = seek(st, a.u32(0), a.u64(1) as i64, whence)?;
    mem.write_u64(a.u32(3), pos)
}

pub fn fd_tell(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get(a.u32(0))?;
    reject_dir(&d.kind)?;
    d.require(rights::FD_TELL)?;
    let pos = seek(st, a.u32(0), 0, whence::CUR)?;
    mem.write_u64(a.u32(1), pos)
}
