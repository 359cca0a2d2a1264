//! Linking and running: the table of WASI functions (name, signature, implementation) for
//! `wasi_snapshot_preview1` and `wasi_unstable`, the host functions made from it, the import
//! list for a module (WASI imports resolved here, others by the embedder's resolver), and
//! running a command's `_start` or initializing a reactor.

use std::fmt;
use std::sync::Arc;

use super::ctx::{WasiCtx, WasiState};
use super::mem::GuestMemory;
use super::types::Errno;
use super::{clock, fd, path, poll, proc, random, sock, unstable};
use crate::decode::Import;
use crate::runtime::{
    Caller, CompiledModule, Extern, Func, Instance, InstantiationError, Memory, Store, Trap, TrapCode, Val,
};
use crate::types::{FuncType, ValType};

/// The preview1 module name.
pub const PREVIEW1: &str = "wasi_snapshot_preview1";
/// The snapshot-0 module name.
pub const UNSTABLE: &str = "wasi_unstable";

/// The arguments of a WASI call, read as the unsigned integers the ABI means.
pub struct Args<'a>(pub &'a [Val]);

impl Args<'_> {
    pub fn u32(&self, i: usize) -> u32 {
        match self.0.get(i) {
            Some(Val::I32(v)) => *v as u32,
            Some(Val::I64(v)) => *v as u32,
            _ => 0,
        }
    }

    pub fn u64(&self, i: usize) -> u64 {
        match self.0.get(i) {
            Some(Val::I64(v)) => *v as u64,
            Some(Val::I32(v)) => *v as u32 as u64,
            _ => 0,
        }
    }
}

/// A WASI function returning an `errno`.
pub type Handler = fn(&mut WasiState, &mut GuestMemory<'_>, &Args<'_>) -> Result<(), Errno>;

/// A function of the WASI table: its name, parameters ('i' = i32, 'I' = i64; every function
/// returns an i32 errno except `proc_exit`) and implementation.
struct Def(&'static str, &'static str, Handler);

const FUNCTIONS: &[Def] = &[
    Def("args_get", "ii", proc::args_get),
    Def("args_sizes_get", "ii", proc::args_sizes_get),
    Def("environ_get", "ii", proc::environ_get),
    Def("environ_sizes_get", "ii", proc::environ_sizes_get),
    Def("clock_res_get", "ii", clock::clock_res_get),
    Def("clock_time_get", "iIi", clock::clock_time_get),
    Def("fd_advise", "iIIi", fd::fd_advise),
    Def("fd_allocate", "iII", fd::fd_allocate),
    Def("fd_close", "i", fd::fd_close),
    Def("fd_datasync", "i", fd::fd_datasync),
    Def("fd_fdstat_get", "ii", fd::fd_fdstat_get),
    Def("fd_fdstat_set_flags", "ii", fd::fd_fdstat_set_flags),
    Def("fd_fdstat_set_rights", "iII", fd::fd_fdstat_set_rights),
    Def("fd_filestat_get", "ii", fd::fd_filestat_get),
    Def("fd_filestat_set_size", "iI", fd::fd_filestat_set_size),
    Def("fd_filestat_set_times", "iIIi", fd::fd_filestat_set_times),
    Def("fd_pread", "iiiIi", fd::fd_pread),
    Def("fd_prestat_get", "ii", fd::fd_prestat_get),
    Def("fd_prestat_dir_name", "iii", fd::fd_prestat_dir_name),
    Def("fd_pwrite", "iiiIi", fd::fd_pwrite),
    Def("fd_read", "iiii", fd::fd_read),
    Def("fd_readdir", "iiiIi", fd::fd_readdir),
    Def("fd_renumber", "ii", fd::fd_renumber),
    Def("fd_seek", "iIii", fd::fd_seek),
    Def("fd_sync", "i", fd::fd_sync),
    Def("fd_tell", "ii", fd::fd_tell),
    Def("fd_write", "iiii", fd::fd_write),
    Def("path_create_directory", "iii", path::path_create_directory),
    Def("path_filestat_get", "iiiii", path::path_filestat_get),
    Def("path_filestat_set_times", "iiiiIIi", path::path_filestat_set_times),
    Def("path_link", "iiiiiii", path::path_link),
    Def("path_open", "iiiiiIIii", path::path_open),
    Def("path_readlink", "iiiiii", path::path_readlink),
    Def("path_remove_directory", "iii", path::path_remove_directory),
    Def("path_rename", "iiiiii", path::path_rename),
    Def("path_symlink", "iiiii", path::path_symlink),
    Def("path_unlink_file", "iii", path::path_unlink_file),
    Def("poll_oneoff", "iiii", poll::poll_oneoff),
    Def("proc_raise", "i", proc::proc_raise),
    Def("random_get", "ii", random::random_get),
    Def("sched_yield", "", proc::sched_yield),
    Def("sock_accept", "iii", sock::sock_accept),
    Def("sock_recv", "iiiiii", sock::sock_recv),
    Def("sock_send", "iiiii", sock::sock_send),
    Def("sock_shutdown", "ii", sock::sock_shutdown),
];

/// `wasi_unstable` functions whose layouts differ; the rest are the preview1 functions.
const UNSTABLE_OVERRIDES: &[Def] = &[
    Def("fd_seek", "iIii", unstable::fd_seek),
    Def("fd_filestat_get", "ii", unstable::fd_filestat_get),
    Def("path_filestat_get", "iiiii", unstable::path_filestat_get),
    Def("poll_oneoff", "iiii", unstable::poll_oneoff),
];

/// Names of every function of a WASI module (`wasi_snapshot_preview1` has 46).
pub fn function_names(module: &str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = match module {
        PREVIEW1 => FUNCTIONS.iter().map(|d| d.0).collect(),
        // Snapshot 0 has no sock_accept.
        UNSTABLE => FUNCTIONS.iter().map(|d| d.0).filter(|&n| n != "sock_accept").collect(),
        _ => return Vec::new(),
    };
    names.push("proc_exit");
    names.sort_unstable();
    names
}

fn lookup(module: &str, name: &str) -> Option<&'static Def> {
    match module {
        PREVIEW1 => FUNCTIONS.iter().find(|d| d.0 == name),
        UNSTABLE if name == "sock_accept" => None,
        UNSTABLE => UNSTABLE_OVERRIDES.iter().chain(FUNCTIONS).find(|d| d.0 == name),
        _ => None,
    }
}

fn param_types(spec: &str) -> Vec<ValType> {
    spec.chars().map(|c| if c == 'I' { ValType::I64 } else { ValType::I32 }).collect()
}

/// The memory WASI functions work on: the caller's export "memory", else its first memory.
fn guest_memory(store: &Store, instance: Instance) -> Option<Memory> {
    if let Some(Extern::Memory(m)) = store.instance_export(instance, "memory") {
        return Some(m);
    }
    let entity = store.instances.get(instance.index() as usize)?;
    entity.memories.first().map(|&index| Memory { store: store.id(), index })
}

/// Runs `f` on the calling instance's memory (an empty memory when there is none, so every
/// access fails with `EFAULT`).
fn with_memory<R>(caller: &mut Caller<'_>, f: impl FnOnce(&mut GuestMemory<'_>) -> R) -> R {
    let handle = caller.instance.and_then(|i| guest_memory(caller.store, i));
    let mut empty: [u8; 0] = [];
    let data: &mut [u8] = match handle.and_then(|m| caller.store.memory_mut(m)) {
        Some(m) => m.data_mut(),
        None => &mut empty,
    };
    f(&mut GuestMemory::new(data))
}

/// Creates the host function for WASI function `name` of `module`, bound to `ctx`. `None` if
/// the module has no such function.
pub fn host_func(store: &mut Store, ctx: &WasiCtx, module: &str, name: &str) -> Option<Func> {
    if (module == PREVIEW1 || module == UNSTABLE) && name == "proc_exit" {
        let ctx = ctx.clone();
        let ty = FuncType::new(&[ValType::I32], &[]);
        return Some(store.new_host_func(
            ty,
            Arc::new(move |_caller, args, _results| Err(proc::proc_exit(&mut ctx.lock(), Args(args).u32(0)))),
        ));
    }
    let def = lookup(module, name)?;
    let handler = def.2;
    let ctx = ctx.clone();
    let ty = FuncType::new(&param_types(def.1), &[ValType::I32]);
    Some(store.new_host_func(
        ty,
        Arc::new(move |caller, args, results| {
            let mut st = ctx.lock();
            st.interrupt = Some(caller.store.interrupt.clone());
            let r = with_memory(caller, |mem| handler(&mut st, mem, &Args(args)));
            if st.interrupted() {
                // Interrupted while waiting: stop as the interpreter would.
                caller.store.interrupt.clear();
                return Err(Trap::new(TrapCode::Interrupted));
            }
            results[0] = Val::I32(match r {
                Ok(()) => 0,
                Err(e) => e.0 as i32,
            });
            Ok(())
        }),
    ))
}

/// Whether an import module name is one this implementation provides.
pub fn is_wasi_module(module: &str) -> bool {
    module == PREVIEW1 || module == UNSTABLE
}

/// A resolver for imports that are not WASI functions: given the store and the import,
/// returns what to link, or `None` (a link error).
pub type Resolver<'a> = dyn FnMut(&mut Store, &Import) -> Option<Extern> + 'a;

/// The import list for instantiating `module` with `ctx`: every WASI function import is bound
/// to `ctx`; every other import (or a WASI name this implementation does not know) is asked
/// of `resolver`. Fails with a link error naming the first import nobody provides.
pub fn imports(
    store: &mut Store,
    module: &CompiledModule,
    ctx: &WasiCtx,
    resolver: &mut Resolver<'_>,
) -> Result<Vec<Extern>, InstantiationError> {
    let mut out = Vec::with_capacity(module.module.raw.imports.len());
    for import in &module.module.raw.imports {
        let wasi = match import.ty {
            crate::types::ImportType::Func(_) if is_wasi_module(&import.module) => {
                host_func(store, ctx, &import.module, &import.name).map(Extern::Func)
            }
            _ => None,
        };
        let ext = match wasi.or_else(|| resolver(store, import)) {
            Some(e) => e,
            None => {
                return Err(InstantiationError::Link(format!(
                    "unknown import \"{}\" \"{}\"",
                    import.module, import.name
                )))
            }
        };
        out.push(ext);
    }
    Ok(out)
}

/// Why a WASI program could not run to completion.
#[derive(Debug)]
pub enum WasiError {
    Instantiation(InstantiationError),
    /// A command has no `_start` function export.
    NoStart,
    /// The program trapped (other than by `proc_exit`).
    Trap(Trap),
}

impl fmt::Display for WasiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WasiError::Instantiation(e) => write!(f, "{e}"),
            WasiError::NoStart => f.write_str("the module exports no _start function"),
            WasiError::Trap(t) => write!(f, "{t}"),
        }
    }
}

impl std::error::Error for WasiError {}

impl From<InstantiationError> for WasiError {
    fn from(e: InstantiationError) -> Self {
        WasiError::Instantiation(e)
    }
}

fn export_func(store: &Store, instance: Instance, name: &str) -> Option<Func> {
    match store.instance_export(instance, name) {
        Some(Extern::Func(f)) => Some(f),
        _ => None,
    }
}

/// Instantiates `module` with WASI (see [`imports`]). A reactor (a module exporting
/// `_initialize` and no `_start`) is initialized; its exports are then ready to call.
pub fn instantiate(
    store: &mut Store,
    module: &Arc<CompiledModule>,
    ctx: &WasiCtx,
    resolver: &mut Resolver<'_>,
) -> Result<Instance, WasiError> {
    let imports = imports(store, module, ctx, resolver)?;
    let instance = store.instantiate(module, &imports)?;
    if export_func(store, instance, "_start").is_none() {
        if let Some(init) = export_func(store, instance, "_initialize") {
            store.call(init, &[]).map_err(WasiError::Trap)?;
        }
    }
    Ok(instance)
}

/// Calls a command's `_start`; returns its exit status: 0 when `_start` returns, or the
/// status given to `proc_exit`.
pub fn run_start(store: &mut Store, instance: Instance) -> Result<i32, WasiError> {
    let start = export_func(store, instance, "_start").ok_or(WasiError::NoStart)?;
    match store.call(start, &[]) {
        Ok(_) => Ok(0),
        Err(t) => match t.exit_code {
            Some(code) => Ok(code),
            None => Err(WasiError::Trap(t)),
        },
    }
}

/// Runs an instantiated WASI program once: a command's `_start` (see [`run_start`]), or, for a
/// reactor (a module exporting `_initialize` and no `_start`), its `_initialize`, with status 0
/// when it returns (the reactor's exports are then ready to call). `NoStart` if the module
/// exports neither.
pub fn run(store: &mut Store, instance: Instance) -> Result<i32, WasiError> {
    if export_func(store, instance, "_start").is_none() {
        if let Some(init) = export_func(store, instance, "_initialize") {
            return match store.call(init, &[]) {
                Ok(_) => Ok(0),
                Err(t) => t.exit_code.ok_or(WasiError::Trap(t)),
            };
        }
    }
    run_start(store, instance)
}

/// Instantiates a command with WASI and runs it; returns its exit status. A `proc_exit`
/// during instantiation (from a start function) ends the run with its status too.
pub fn run_command(
    store: &mut Store,
    module: &Arc<CompiledModule>,
    ctx: &WasiCtx,
    resolver: &mut Resolver<'_>,
) -> Result<i32, WasiError> {
    let imports = imports(store, module, ctx, resolver)?;
    let instance = match store.instantiate(module, &imports) {
        Ok(i) => i,
        Err(InstantiationError::Trap(t)) if t.exit_code.is_some() => return Ok(t.exit_code.unwrap_or(0)),
        Err(e) => return Err(e.into()),
    };
    run_start(store, instance)
}
