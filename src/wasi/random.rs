//! `random_get`: fills guest memory with bytes from the host's random source.

use super::ctx::WasiState;
use super::link::Args;
use super::mem::GuestMemory;
use super::sys;
use super::types::Errno;

pub fn random_get(_st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let buf = mem.slice_mut(a.u32(0), a.u32(1))?;
    Ok(sys::getrandom(buf)?)
}
