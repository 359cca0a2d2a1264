//! Stub imports for the sightglass modules, shared by every engine: `bench.start`/`bench.end`
//! record the time, and a minimal `wasi_snapshot_preview1` with no files: stdout and stderr are
//! captured (to check them against the expected output), stdin is empty, there are no preopened
//! directories (so `path_open` and the other path calls fail with EBADF), one argument
//! (`benchmark`), no environment, a real clock, deterministic random bytes, and `proc_exit`
//! stops the run with a trap. Calls that are refused are recorded, to tell why a module fails.

use std::time::Duration;

/// CPU time of the calling thread: the clock of every measurement here, as other work shares the
/// machine (time spent descheduled is not counted).
pub fn cpu_now() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

const SUCCESS: i32 = 0;
const BADF: i32 = 8;
const FAULT: i32 = 21;
const INVAL: i32 = 28;
const NOSYS: i32 = 52;
const SPIPE: i32 = 70;

const ARGV0: &[u8] = b"benchmark\0";

#[derive(Default)]
pub struct Ctx {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub start: Option<Duration>,
    pub end: Option<Duration>,
    pub exit: Option<i32>,
    /// Refused calls: "name(first argument)".
    pub refused: Vec<String>,
    rng: u64,
}

impl Ctx {
    pub fn new() -> Ctx {
        Ctx { rng: 0x2545F4914F6CDD1D, ..Ctx::default() }
    }
}

/// What a stub asks of its caller.
pub enum Outcome {
    /// Return this errno (functions with an i32 result).
    Errno(i32),
    /// Return nothing.
    Void,
    /// Stop the run: `proc_exit`.
    Exit,
}

/// The signature of each import the stubs provide: parameters ('i' = i32, 'I' = i64) and
/// whether it returns an i32.
pub fn signature(module: &str, name: &str) -> Option<(&'static str, bool)> {
    Some(match (module, name) {
        ("bench", "start" | "end") => ("", false),
        ("wasi_snapshot_preview1", name) => match name {
            "proc_exit" => ("i", false),
            "fd_close" | "fd_sync" => ("i", true),
            "args_get" | "args_sizes_get" | "environ_get" | "environ_sizes_get" | "fd_fdstat_get"
            | "fd_filestat_get" | "fd_prestat_get" | "random_get" => ("ii", true),
            "fd_prestat_dir_name" => ("iii", true),
            "fd_read" | "fd_write" | "poll_oneoff" => ("iiii", true),
            "clock_time_get" => ("iIi", true),
            "fd_seek" => ("iIii", true),
            "path_filestat_get" => ("iiiii", true),
            "path_open" => ("iiiiiIIii", true),
            _ => return None,
        },
        _ => return None,
    })
}

fn slice(mem: &mut [u8], ptr: u64, len: u64) -> Option<&mut [u8]> {
    let (ptr, len) = (ptr as usize, len as usize);
    mem.get_mut(ptr..ptr.checked_add(len)?)
}

fn put(mem: &mut [u8], ptr: u64, bytes: &[u8]) -> bool {
    match slice(mem, ptr, bytes.len() as u64) {
        Some(s) => {
            s.copy_from_slice(bytes);
            true
        }
        None => false,
    }
}

fn get_u32(mem: &mut [u8], ptr: u64) -> Option<u32> {
    Some(u32::from_le_bytes(slice(mem, ptr, 4)?.try_into().unwrap()))
}

fn errno(ok: bool) -> Outcome {
    Outcome::Errno(if ok { SUCCESS } else { FAULT })
}

/// Runs stub `module.name` on `args` (each widened to u64) against linear memory `mem`.
pub fn call(ctx: &mut Ctx, module: &str, name: &str, args: &[u64], mem: &mut [u8]) -> Outcome {
    if module == "bench" {
        match name {
            "start" => ctx.start = Some(cpu_now()),
            _ => ctx.end = Some(cpu_now()),
        }
        return Outcome::Void;
    }
    let a = |i: usize| args[i];
    match name {
        "proc_exit" => {
            ctx.exit = Some(a(0) as i32);
            Outcome::Exit
        }
        "args_sizes_get" => {
            errno(put(mem, a(0), &1u32.to_le_bytes()) && put(mem, a(1), &(ARGV0.len() as u32).to_le_bytes()))
        }
        "args_get" => errno(put(mem, a(0), &(a(1) as u32).to_le_bytes()) && put(mem, a(1), ARGV0)),
        "environ_sizes_get" => errno(put(mem, a(0), &0u32.to_le_bytes()) && put(mem, a(1), &0u32.to_le_bytes())),
        "environ_get" => Outcome::Errno(SUCCESS),
        "clock_time_get" => {
            static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
            let ns = EPOCH.get_or_init(std::time::Instant::now).elapsed().as_nanos() as u64 + 1_700_000_000_000_000_000;
            errno(put(mem, a(2), &ns.to_le_bytes()))
        }
        "random_get" => {
            let Some(buf) = slice(mem, a(0), a(1)) else { return errno(false) };
            for b in buf {
                ctx.rng ^= ctx.rng << 13;
                ctx.rng ^= ctx.rng >> 7;
                ctx.rng ^= ctx.rng << 17;
                *b = ctx.rng as u8;
            }
            Outcome::Errno(SUCCESS)
        }
        "fd_write" | "fd_read" => {
            let (fd, iovs, count, out) = (a(0), a(1), a(2), a(3));
            let writing = name == "fd_write";
            if (writing && fd != 1 && fd != 2) || (!writing && fd != 0) {
                ctx.refused.push(format!("{name}({fd})"));
                return Outcome::Errno(BADF);
            }
            let mut total = 0u32;
            for k in 0..count {
                let (Some(ptr), Some(len)) = (get_u32(mem, iovs + 8 * k), get_u32(mem, iovs + 8 * k + 4)) else {
                    return errno(false);
                };
                if writing {
                    let Some(bytes) = slice(mem, ptr as u64, len as u64) else { return errno(false) };
                    let sink = if fd == 1 { &mut ctx.stdout } else { &mut ctx.stderr };
                    sink.extend_from_slice(bytes);
                    total += len;
                }
            }
            errno(put(mem, out, &total.to_le_bytes()))
        }
        "fd_fdstat_get" => {
            if a(0) > 2 {
                ctx.refused.push(format!("{name}({})", a(0)));
                return Outcome::Errno(BADF);
            }
            // filetype character device, no flags, all rights.
            let mut stat = [0u8; 24];
            stat[0] = 2;
            stat[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
            errno(put(mem, a(1), &stat))
        }
        "fd_filestat_get" => {
            if a(0) > 2 {
                ctx.refused.push(format!("{name}({})", a(0)));
                return Outcome::Errno(BADF);
            }
            let mut stat = [0u8; 64];
            stat[16] = 2;
            errno(put(mem, a(1), &stat))
        }
        "fd_close" | "fd_sync" => Outcome::Errno(if a(0) <= 2 { SUCCESS } else { BADF }),
        "fd_seek" => Outcome::Errno(if a(0) <= 2 { SPIPE } else { BADF }),
        // No preopened directories: the scan for them ends at fd 3.
        "fd_prestat_get" | "fd_prestat_dir_name" => Outcome::Errno(BADF),
        "path_open" | "path_filestat_get" => {
            let path = slice(mem, a(2), a(3)).map(|p| String::from_utf8_lossy(p).into_owned()).unwrap_or_default();
            ctx.refused.push(format!("{name}({path})"));
            Outcome::Errno(BADF)
        }
        "poll_oneoff" => {
            ctx.refused.push(name.to_string());
            Outcome::Errno(NOSYS)
        }
        _ => {
            ctx.refused.push(name.to_string());
            Outcome::Errno(INVAL)
        }
    }
}
