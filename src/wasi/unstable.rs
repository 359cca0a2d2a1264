//! The old `wasi_unstable` (snapshot 0) module: the functions whose layouts or numbering differ
//! from preview1. Everything else is the same function under the old module name (see
//! `link.rs`). Differences:
//! - `whence` is numbered cur = 0, end = 1, set = 2 (preview1: set, cur, end);
//! - `filestat` has a 32-bit `nlink`, so it is 56 bytes (preview1: 64);
//! - a clock `subscription` carries an extra 64-bit `identifier` before the clock id, so a
//!   subscription is 56 bytes (preview1: 48).

use super::ctx::WasiState;
use super::link::Args;
use super::mem::GuestMemory;
use super::poll::{poll_with, SubKind, Subscription};
use super::types::{eventtype, whence, Errno, Filestat, SUBSCRIPTION_CLOCK_ABSTIME};
use super::{fd, path};

/// Size of a snapshot-0 `filestat`.
pub const FILESTAT_SIZE: u32 = 56;
/// Size of a snapshot-0 `subscription`.
pub const SUBSCRIPTION_SIZE: u32 = 56;

/// The snapshot-0 encoding of `filestat`.
pub fn encode_filestat(s: &Filestat) -> [u8; FILESTAT_SIZE as usize] {
    let mut b = [0u8; FILESTAT_SIZE as usize];
    b[0..8].copy_from_slice(&s.dev.to_le_bytes());
    b[8..16].copy_from_slice(&s.ino.to_le_bytes());
    b[16] = s.filetype;
    b[20..24].copy_from_slice(&(s.nlink.min(u32::MAX as u64) as u32).to_le_bytes());
    b[24..32].copy_from_slice(&s.size.to_le_bytes());
    b[32..40].copy_from_slice(&s.atim.to_le_bytes());
    b[40..48].copy_from_slice(&s.mtim.to_le_bytes());
    b[48..56].copy_from_slice(&s.ctim.to_le_bytes());
    b
}

pub fn fd_seek(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let w = match a.u32(2) {
        0 => whence::CUR,
        1 => whence::END,
        2 => whence::SET,
        _ => return Err(Errno::INVAL),
    };
    let pos = fd::seek(st, a.u32(0), a.u64(1) as i64, w)?;
    mem.write_u64(a.u32(3), pos)
}

pub fn fd_filestat_get(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let s = fd::filestat(st, a.u32(0))?;
    mem.write(a.u32(1), &encode_filestat(&s))
}

pub fn path_filestat_get(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let p = mem.read_str(a.u32(2), a.u32(3))?;
    let s = path::filestat(st, a.u32(0), a.u32(1), &p)?;
    mem.write(a.u32(4), &encode_filestat(&s))
}

/// Reads a snapshot-0 `subscription`: userdata @0, tag @8, then for clocks identifier @16,
/// id @24, timeout @32, precision @40, flags @48; for fds the descriptor @16.
fn read_subscription(mem: &GuestMemory<'_>, at: u32) -> Result<Subscription, Errno> {
    let userdata = mem.read_u64(at)?;
    let kind = match mem.read_u8(at + 8)? {
        eventtype::CLOCK => SubKind::Clock {
            id: mem.read_u32(at + 24)?,
            timeout: mem.read_u64(at + 32)?,
            abstime: mem.read_u16(at + 48)? & SUBSCRIPTION_CLOCK_ABSTIME != 0,
        },
        eventtype::FD_READ => SubKind::FdRead(mem.read_u32(at + 16)?),
        eventtype::FD_WRITE => SubKind::FdWrite(mem.read_u32(at + 16)?),
        _ => return Err(Errno::INVAL),
    };
    Ok(Subscription { userdata, kind })
}

pub fn poll_oneoff(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    poll_with(st, mem, a, SUBSCRIPTION_SIZE, read_subscription)
}
