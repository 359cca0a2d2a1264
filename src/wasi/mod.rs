//! WASI preview1 (`wasi_snapshot_preview1`, plus the old `wasi_unstable` names) on top of the
//! runtime: a program gets arguments, environment, standard streams and preopened
//! directories (and sockets) through a [`WasiCtx`], and reaches files only beneath its
//! preopened directories.
//!
//! | file | owns |
//! |---|---|
//! | `ctx` | the context and its builder; standard streams; the descriptor table |
//! | `link` | the function table, host functions, import lists, running commands/reactors |
//! | `mem` | checked guest memory access (the only way WASI touches guest memory) |
//! | `resolve` | the sandbox: path resolution beneath a directory descriptor |
//! | `fd` | `fd_*` functions |
//! | `path` | `path_*` functions |
//! | `clock`, `random`, `proc`, `poll`, `sock` | the other function groups |
//! | `unstable` | `wasi_unstable` layouts that differ from preview1 |
//! | `types` | errno, rights, flags and structure layouts |
//! | `sys` | the libc calls `std` lacks (the only `unsafe` here) |
//!
//! ```no_run
//! use wasmrt::runtime::{CompiledModule, Engine, Store};
//! use wasmrt::wasi::{self, Capture, DirPerms, Output, WasiCtx};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = Engine::default();
//! let module = CompiledModule::new(&engine, &std::fs::read("prog.wasm")?)?;
//! let stdout = Capture::new();
//! let ctx = WasiCtx::builder()
//!     .args(["prog", "arg"])
//!     .stdout(Output::Capture(stdout.clone()))
//!     .preopen_dir("/tmp/sandbox", "/", DirPerms::ReadOnly)
//!     .build()?;
//! let mut store = Store::new(&engine);
//! let status = wasi::run_command(&mut store, &module, &ctx, &mut |_, _| None)?;
//! println!("exit {status}: {}", stdout.to_string_lossy());
//! # Ok(()) }
//! ```

mod clock;
mod ctx;
mod fd;
mod link;
mod mem;
mod path;
mod poll;
mod proc;
mod random;
mod resolve;
mod sock;
mod sys;
pub mod types;
mod unstable;

pub use ctx::{Capture, DirPerms, Output, OutputCallback, Stdin, WasiCtx, WasiCtxBuilder};
pub use link::{
    function_names, host_func, imports, instantiate, is_wasi_module, run, run_command, run_start, Resolver, WasiError,
    PREVIEW1, UNSTABLE,
};
pub use types::Errno;
