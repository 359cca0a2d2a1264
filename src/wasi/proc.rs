//! Process functions: the command-line arguments and the environment (`args_*`,
//! `environ_*`), `proc_exit` (ends the run with a trap carrying the exit status),
//! `proc_raise` and `sched_yield`.

use super::ctx::WasiState;
use super::link::Args;
use super::mem::GuestMemory;
use super::types::Errno;
use crate::runtime::Trap;

/// Writes a list of strings the way `args_get`/`environ_get` return them: an array of
/// pointers at `ptrs`, the NUL-terminated strings one after another at `buf`.
fn write_strings(mem: &mut GuestMemory<'_>, list: &[Vec<u8>], ptrs: u32, buf: u32) -> Result<(), Errno> {
    let mut at = buf;
    for (i, s) in list.iter().enumerate() {
        let slot = ptrs.checked_add(4 * i as u32).ok_or(Errno::FAULT)?;
        mem.write_u32(slot, at)?;
        mem.write(at, s)?;
        let end = at.checked_add(s.len() as u32).ok_or(Errno::FAULT)?;
        mem.write_u8(end, 0)?;
        at = end.checked_add(1).ok_or(Errno::FAULT)?;
    }
    Ok(())
}

fn write_sizes(mem: &mut GuestMemory<'_>, list: &[Vec<u8>], count_ptr: u32, size_ptr: u32) -> Result<(), Errno> {
    let size: usize = list.iter().map(|s| s.len() + 1).sum();
    mem.write_u32(count_ptr, list.len() as u32)?;
    mem.write_u32(size_ptr, u32::try_from(size).map_err(|_| Errno::OVERFLOW)?)
}

pub fn args_get(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    write_strings(mem, &st.args, a.u32(0), a.u32(1))
}

pub fn args_sizes_get(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    write_sizes(mem, &st.args, a.u32(0), a.u32(1))
}

pub fn environ_get(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    write_strings(mem, &st.env, a.u32(0), a.u32(1))
}

pub fn environ_sizes_get(st: &mut WasiState, mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    write_sizes(mem, &st.env, a.u32(0), a.u32(1))
}

/// `proc_exit(rval)`: records the status and unwinds the guest with a trap carrying it.
pub fn proc_exit(st: &mut WasiState, status: u32) -> Trap {
    let code = status as i32;
    st.exit_code = Some(code);
    Trap::exit(code)
}

/// `proc_raise(sig)`: signal 0 (none) succeeds; other valid signals are not supported by this
/// host (`ENOTSUP`), invalid ones are `EINVAL`.
pub fn proc_raise(_st: &mut WasiState, _mem: &mut GuestMemory<'_>, a: &Args<'_>) -> Result<(), Errno> {
    match a.u32(0) {
        0 => Ok(()),
        1..=30 => Err(Errno::NOTSUP),
        _ => Err(Errno::INVAL),
    }
}

pub fn sched_yield(_st: &mut WasiState, _mem: &mut GuestMemory<'_>, _a: &Args<'_>) -> Result<(), Errno> {
    std::thread::yield_now();
    Ok(())
}
