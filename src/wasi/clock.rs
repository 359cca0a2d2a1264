//! Clocks: `clock_res_get` and `clock_time_get` for the realtime, monotonic, process and
//! thread CPU-time clocks.

use super::ctx::WasiState;
use super::link::Args;
use super::mem::GuestMemory;
use super::sys;
use super::types::Errno;

pub fn clock_res_get(_st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let res = sys::clock_res(a.u32(0))?;
    mem.write_u64(a.u32(1), res)
}

pub fn clock_time_get(_st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    // The precision argument (a.u64(1)) is a hint; the host clock is used as it is.
    let now = sys::clock_time(a.u32(0))?;
    mem.write_u64(a.u32(2), now)
}

/// The current time of clock `id` in nanoseconds (`EINVAL` for an unknown clock).
pub fn now(id: u32) -> Result<u64, Errno> {
    Ok(sys::clock_time(id)?)
}
