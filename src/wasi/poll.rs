//! `poll_oneoff`: waits for clock deadlines and descriptor readiness. Regular files, in-memory
//! standard streams and captured output are always ready; host streams (inherited standard
//! streams, sockets) are polled with `poll(2)`; clocks bound the wait.

use std::io::Seek;
use std::os::fd::AsRawFd;
use std::time::Duration;

use super::clock;
use super::ctx::{Input, Kind, WasiState};
use super::link::Args;
use super::mem::GuestMemory;
use super::sys;
use super::types::{
    clockid, eventtype, rights, Errno, EVENT_FD_READWRITE_HANGUP, EVENT_SIZE, SUBSCRIPTION_CLOCK_ABSTIME,
    SUBSCRIPTION_SIZE,
};

/// What a subscription waits for.
#[derive(Clone, Copy, Debug)]
pub enum SubKind {
    Clock { id: u32, timeout: u64, abstime: bool },
    FdRead(u32),
    FdWrite(u32),
}

#[derive(Clone, Copy, Debug)]
pub struct Subscription {
    pub userdata: u64,
    pub kind: SubKind,
}

/// Reads a preview1 `subscription` (48 bytes).
fn read_subscription(mem: &GuestMemory<'_>, at: u32) -> Result<Subscription, Errno> {
    let userdata = mem.read_u64(at)?;
    let tag = mem.read_u8(at + 8)?;
    let kind = match tag {
        eventtype::CLOCK => SubKind::Clock {
            id: mem.read_u32(at + 16)?,
            timeout: mem.read_u64(at + 24)?,
            abstime: mem.read_u16(at + 40)? & SUBSCRIPTION_CLOCK_ABSTIME != 0,
        },
        eventtype::FD_READ => SubKind::FdRead(mem.read_u32(at + 16)?),
        eventtype::FD_WRITE => SubKind::FdWrite(mem.read_u32(at + 16)?),
        _ => return Err(Errno::INVAL),
    };
    Ok(Subscription { userdata, kind })
}

/// An `event`.
#[derive(Clone, Copy, Debug)]
struct Event {
    userdata: u64,
    error: Errno,
    ty: u8,
    nbytes: u64,
    flags: u16,
}

impl Event {
    fn encode(&self) -> [u8; EVENT_SIZE as usize] {
        let mut b = [0u8; EVENT_SIZE as usize];
        b[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&self.error.0.to_le_bytes());
        b[10] = self.ty;
        b[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        b[24..26].copy_from_slice(&self.flags.to_le_bytes());
        b
    }
}

pub fn poll_oneoff(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    poll_with(st, mem, a, SUBSCRIPTION_SIZE, read_subscription)
}

/// `poll_oneoff` with a given subscription layout (preview1 or `wasi_unstable`).
pub fn poll_with(
    st: &mut WasiState,
    mem: &mut GuestMemory<'_>,
    a: &Args<'_>,
    sub_size: u32,
    read: fn(&GuestMemory<'_>, u32) -> Result<Subscription, Errno>,
) -> Result<(), Errno> {
    let (input, output, count, nevents_ptr) = (a.u32(0), a.u32(1), a.u32(2), a.u32(3));
    if count == 0 {
        return Err(Errno::INVAL);
    }
    // Check the whole arrays up front.
    mem.slice(input, count.checked_mul(sub_size).ok_or(Errno::FAULT)?)?;
    mem.slice(output, count.checked_mul(EVENT_SIZE).ok_or(Errno::FAULT)?)?;
    let subs = (0..count).map(|i| read(mem, input + i * sub_size)).collect::<Result<Vec<_>, _>>()?;
    let events = wait(st, &subs);
    for (i, e) in events.iter().enumerate() {
        mem.write(output + i as u32 * EVENT_SIZE, &e.encode())?;
    }
    mem.write_u32(nevents_ptr, events.len() as u32)
}

/// How an fd subscription becomes ready.
enum Readiness {
    /// Ready now, with this many bytes available (reads) or 0.
    Now(u64),
    /// Ask the host about this descriptor.
    Host(i32),
    Error(Errno),
}

fn readiness(st: &mut WasiState, fd: u32, read: bool) -> Readiness {
    let d = match st.fds.get_mut(fd) {
        Ok(d) => d,
        Err(e) => return Readiness::Error(e),
    };
    let needed = if read { rights::FD_READ } else { rights::FD_WRITE };
    if d.base & (needed | rights::POLL_FD_READWRITE) == 0 {
        return Readiness::Error(Errno::NOTCAPABLE);
    }
    match &mut d.kind {
        Kind::File(f) => {
            if read {
                let size = f.metadata().map(|m| m.len()).unwrap_or(0);
                let pos = f.stream_position().unwrap_or(0);
                Readiness::Now(size.saturating_sub(pos))
            } else {
                Readiness::Now(0)
            }
        }
        Kind::Stdin(Input::Inherit, _) if read => Readiness::Host(0),
        Kind::Stdin(Input::Bytes(c), _) if read => {
            Readiness::Now(c.get_ref().len().saturating_sub(c.position() as usize) as u64)
        }
        Kind::Stdin(Input::File(f), _) if read => Readiness::Host(f.as_raw_fd()),
        Kind::Output(sink, _) if !read => match sink.raw_fd() {
            Some(fd) if fd <= 2 => Readiness::Host(fd),
            _ => Readiness::Now(0),
        },
        Kind::Stdin(..) | Kind::Output(..) => Readiness::Error(Errno::BADF),
        Kind::Dir(_) => Readiness::Error(Errno::ISDIR),
        Kind::Listener(_) | Kind::Stream(_) => Readiness::Host(d.raw_fd().unwrap_or(-1)),
    }
}

/// Longest single wait before checking for an interruption.
const SLICE_NS: u64 = 50_000_000;

fn wait(st: &mut WasiState, subs: &[Subscription]) -> Vec<Event> {
    let mut events = Vec::new();
    // Fd subscriptions, by readiness.
    let mut host: Vec<(usize, libc::pollfd)> = Vec::new();
    // Clock subscriptions: index and nanoseconds left (monotonic), or an error event.
    let mut clocks: Vec<(usize, u64)> = Vec::new();
    let event = |s: &Subscription, error: Errno, nbytes: u64, flags: u16| Event {
        userdata: s.userdata,
        error,
        ty: match s.kind {
            SubKind::Clock { .. } => eventtype::CLOCK,
            SubKind::FdRead(_) => eventtype::FD_READ,
            SubKind::FdWrite(_) => eventtype::FD_WRITE,
        },
        nbytes,
        flags,
    };
    for (i, s) in subs.iter().enumerate() {
        match s.kind {
            SubKind::Clock { id, timeout, abstime } => {
                let left = if abstime {
                    match clock::now(id) {
                        Ok(now) => Ok(timeout.saturating_sub(now)),
                        Err(e) => Err(e),
                    }
                } else if id <= clockid::THREAD_CPUTIME_ID {
                    Ok(timeout)
                } else {
                    Err(Errno::INVAL)
                };
                match left {
                    Ok(left) => clocks.push((i, left)),
                    Err(e) => events.push(event(s, e, 0, 0)),
                }
            }
            SubKind::FdRead(fd) | SubKind::FdWrite(fd) => {
                let read = matches!(s.kind, SubKind::FdRead(_));
                match readiness(st, fd, read) {
                    Readiness::Now(n) => events.push(event(s, Errno::SUCCESS, n, 0)),
                    Readiness::Error(e) => events.push(event(s, e, 0, 0)),
                    Readiness::Host(raw) => {
                        let what = if read { libc::POLLIN } else { libc::POLLOUT };
                        host.push((i, libc::pollfd { fd: raw, events: what, revents: 0 }));
                    }
                }
            }
        }
    }
    let start = std::time::Instant::now();
    loop {
        if st.interrupted() {
            // The caller turns this into an `Interrupted` trap.
            return events;
        }
        let elapsed = start.elapsed().as_nanos() as u64;
        let shortest = clocks.iter().map(|&(_, left)| left.saturating_sub(elapsed)).min();
        // Nothing to wait for once something is ready; otherwise wait in slices, so an
        // interruption is noticed.
        let wait_ns = if !events.is_empty() { Some(0) } else { Some(shortest.unwrap_or(u64::MAX).min(SLICE_NS)) };
        let mut fds: Vec<libc::pollfd> = host.iter().map(|&(_, p)| p).collect();
        let ready = if fds.is_empty() {
            if let Some(ns) = wait_ns {
                std::thread::sleep(Duration::from_nanos(ns));
            }
            0
        } else {
            let ms = match wait_ns {
                None => -1,
                Some(ns) => ns.div_ceil(1_000_000).min(i32::MAX as u64) as i32,
            };
            match sys::poll(&mut fds, ms) {
                Ok(n) => n,
                Err(e) => {
                    for &(i, _) in &host {
                        events.push(event(&subs[i], e.raw_os_error().map_or(Errno::IO, Errno::from_host), 0, 0));
                    }
                    return events;
                }
            }
        };
        if ready > 0 {
            for (&(i, _), p) in host.iter().zip(&fds) {
                if p.revents == 0 {
                    continue;
                }
                let flags = if p.revents & libc::POLLHUP != 0 { EVENT_FD_READWRITE_HANGUP } else { 0 };
                let error = if p.revents & libc::POLLNVAL != 0 { Errno::BADF } else { Errno::SUCCESS };
                events.push(event(&subs[i], error, 0, flags));
            }
        }
        let elapsed = start.elapsed().as_nanos() as u64;
        for &(i, left) in &clocks {
            if left <= elapsed {
                events.push(event(&subs[i], Errno::SUCCESS, 0, 0));
            }
        }
        if !events.is_empty() || (clocks.is_empty() && host.is_empty()) {
            return events;
        }
    }
}
