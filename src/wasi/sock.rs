//! Sockets (`sock_*`): accepting connections on preopened listening sockets and receiving,
//! sending and shutting down on the connections accepted. Descriptors that are not sockets
//! give `ENOTSOCK`; numbers that are not open give `EBADF`.

use std::io::{Read, Write};
use std::net::Shutdown;

use super::ctx::{Desc, Kind, WasiState};
use super::link::Args;
use super::mem::GuestMemory;
use super::types::{fdflags, rights, sockflags, Errno};

fn not_socket(kind: &Kind) -> Errno {
    match kind {
        Kind::Listener(_) => Errno::NOTSUP,
        _ => Errno::NOTSOCK,
    }
}

pub fn sock_accept(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get(a.u32(0))?;
    let flags = a.u32(1);
    let listener = match &d.kind {
        Kind::Listener(l) => l,
        Kind::Stream(_) => return Err(Errno::INVAL),
        _ => return Err(Errno::NOTSOCK),
    };
    if flags & !(fdflags::NONBLOCK as u32) != 0 {
        return Err(Errno::INVAL);
    }
    d.require(rights::SOCK_ACCEPT)?;
    let (stream, _) = listener.accept()?;
    stream.set_nonblocking(flags & fdflags::NONBLOCK as u32 != 0)?;
    let r = rights::SOCKET & !rights::SOCK_ACCEPT;
    let fd = st.fds.add(Desc::new(Kind::Stream(stream), r, 0))?;
    mem.write_u32(a.u32(2), fd)
}

pub fn sock_recv(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get_mut(a.u32(0))?;
    let iovs = mem.iovecs(a.u32(1), a.u32(2))?;
    let flags = a.u32(3);
    if flags & !((sockflags::RECV_PEEK | sockflags::RECV_WAITALL) as u32) != 0 {
        return Err(Errno::INVAL);
    }
    d.require(rights::FD_READ)?;
    let stream = match &mut d.kind {
        Kind::Stream(s) => s,
        other => return Err(not_socket(other)),
    };
    let mut total = 0usize;
    if flags & sockflags::RECV_PEEK as u32 != 0 {
        if let Some(v) = iovs.iter().find(|v| v.len > 0) {
            total = stream.peek(mem.slice_mut(v.ptr, v.len)?)?;
        }
    } else {
        let wait_all = flags & sockflags::RECV_WAITALL as u32 != 0;
        'outer: for v in &iovs {
            let mut at = 0u32;
            while at < v.len {
                let n = match stream.read(mem.slice_mut(v.ptr + at, v.len - at)?) {
                    Ok(n) => n,
                    Err(e) if total > 0 && e.kind() == std::io::ErrorKind::WouldBlock => break 'outer,
                    Err(e) => return Err(e.into()),
                };
                total += n;
                at += n as u32;
                if n == 0 || (!wait_all && at < v.len) {
                    break 'outer;
                }
            }
        }
    }
    mem.write_u32(a.u32(4), total as u32)?;
    mem.write_u16(a.u32(5), 0)
}

pub fn sock_send(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get_mut(a.u32(0))?;
    let iovs = mem.iovecs(a.u32(1), a.u32(2))?;
    if a.u32(3) != 0 {
        return Err(Errno::INVAL);
    }
    d.require(rights::FD_WRITE)?;
    let stream = match &mut d.kind {
        Kind::Stream(s) => s,
        other => return Err(not_socket(other)),
    };
    let data = mem.gather(&iovs)?;
    let n = stream.write(&data)?;
    mem.write_u32(a.u32(4), n as u32)
}

pub fn sock_shutdown(st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let d = st.fds.get(a.u32(0))?;
    let how = match a.u32(1) {
        1 => Shutdown::Read,
        2 => Shutdown::Write,
        3 => Shutdown::Both,
        _ => return Err(Errno::INVAL),
    };
    let stream = match &d.kind {
        Kind::Stream(s) => s,
        Kind::Listener(_) => return Err(Errno::NOTCONN),
        _ => return Err(Errno::NOTSOCK),
    };
    d.require(rights::SOCK_SHUTDOWN)?;
    Ok(stream.shutdown(how)?)
}
