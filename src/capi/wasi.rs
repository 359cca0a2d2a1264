//! WASI for C hosts (`include/wasi.h`). Owns `wasi_config_t` (what a program is given:
//! arguments, environment, standard streams, preopened directories), the import list binding
//! a module's WASI imports to a configuration and its other imports to the host's externals
//! (`wasi_instance_imports`), and running an instance (`wasi_run_start`). Conversions only:
//! the implementation is `crate::wasi`.

use std::ffi::CStr;
use std::fs::File;
use std::os::raw::{c_char, c_int, c_void};
use std::path::PathBuf;
use std::ptr;

use super::extern_::wasm_extern_t;
use super::instance::wasm_instance_t;
use super::module::wasm_module_t;
use super::object::RefKind;
use super::store::{wasm_store_t, Finalizer};
use super::trap::wasm_trap_t;
use super::vec::{wasm_byte_vec_t, wasm_extern_vec_t};
use super::{from_c, guard, into_c};
use crate::runtime::{Extern, Trap};
use crate::wasi::{self, DirPerms, Output, Stdin, WasiCtx, WasiCtxBuilder};

/// Receives what the guest writes to standard output or error.
pub type wasi_output_callback_t = Option<unsafe extern "C" fn(env: *mut c_void, data: *const c_char, len: usize)>;

/// A host callback and its environment as an output sink; the finalizer runs when the sink goes
/// away (with its configuration, or with the store whose WASI functions hold it).
struct CallbackSink {
    callback: unsafe extern "C" fn(*mut c_void, *const c_char, usize),
    env: *mut c_void,
    finalizer: Finalizer,
}

// SAFETY: the sink is only called by the WASI functions of the store the program runs in, on
// the thread using that store (the wasm-c-api model: one thread at a time per store).
unsafe impl Send for CallbackSink {}

impl CallbackSink {
    fn write(&self, data: &[u8]) {
        // SAFETY: the host gave us a callback of this signature for this environment.
        unsafe { (self.callback)(self.env, data.as_ptr() as *const c_char, data.len()) }
    }
}

impl Drop for CallbackSink {
    fn drop(&mut self) {
        if let Some(f) = self.finalizer {
            // SAFETY: the host registered this finalizer for this environment.
            unsafe { f(self.env) };
        }
    }
}

enum Source<T> {
    Set(T),
    Inherit,
}

/// A WASI configuration: by default no arguments, no environment, empty standard input,
/// standard output and error discarded, no preopened directory.
pub struct wasi_config_t {
    args: Source<Vec<String>>,
    env: Source<Vec<(String, String)>>,
    stdin: Stdin,
    stdout: Output,
    stderr: Output,
    preopens: Vec<(PathBuf, String, DirPerms)>,
}

impl wasi_config_t {
    fn builder(self) -> WasiCtxBuilder {
        let mut b = WasiCtx::builder().stdin(self.stdin).stdout(self.stdout).stderr(self.stderr);
        b = match self.args {
            Source::Set(args) => b.args(args),
            Source::Inherit => b.inherit_args(),
        };
        b = match self.env {
            Source::Set(env) => env.into_iter().fold(b, |b, (k, v)| b.env(k, v)),
            Source::Inherit => b.inherit_env(),
        };
        self.preopens.into_iter().fold(b, |b, (host, guest, perms)| b.preopen_dir(host, guest, perms))
    }
}

/// A C string as UTF-8; None for NULL or invalid UTF-8.
unsafe fn utf8<'a>(s: *const c_char) -> Option<&'a str> {
    if s.is_null() {
        None
    } else {
        CStr::from_ptr(s).to_str().ok()
    }
}

/// A C string as a host path (any bytes but NUL); None for NULL.
unsafe fn host_path(s: *const c_char) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    (!s.is_null()).then(|| PathBuf::from(std::ffi::OsStr::from_bytes(CStr::from_ptr(s).to_bytes())))
}

/// `n` C strings as UTF-8; None if the array or one string is NULL or not UTF-8.
unsafe fn utf8_array(n: usize, strings: *const *const c_char) -> Option<Vec<String>> {
    if n == 0 {
        return Some(Vec::new());
    }
    if strings.is_null() {
        return None;
    }
    std::slice::from_raw_parts(strings, n).iter().map(|&s| utf8(s).map(str::to_owned)).collect()
}

/// A new configuration with the defaults.
#[no_mangle]
pub extern "C" fn wasi_config_new() -> *mut wasi_config_t {
    guard(ptr::null_mut(), || {
        into_c(wasi_config_t {
            args: Source::Set(Vec::new()),
            env: Source::Set(Vec::new()),
            stdin: Stdin::Null,
            stdout: Output::Null,
            stderr: Output::Null,
            preopens: Vec::new(),
        })
    })
}

/// Frees a configuration (one not given to `wasi_instance_imports`). NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_delete(config: *mut wasi_config_t) {
    guard((), || drop(from_c(config)))
}

/// Sets the arguments (argv[0] is the program name), copied. False, with the arguments
/// unchanged, if an argument is NULL or not UTF-8.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_argv(
    config: *mut wasi_config_t,
    argc: usize,
    argv: *const *const c_char,
) -> bool {
    guard(false, || match (config.as_mut(), utf8_array(argc, argv)) {
        (Some(c), Some(args)) => {
            c.args = Source::Set(args);
            true
        }
        _ => false,
    })
}

/// Gives the program the host process's arguments (those that are UTF-8).
#[no_mangle]
pub unsafe extern "C" fn wasi_config_inherit_argv(config: *mut wasi_config_t) {
    guard((), || {
        if let Some(c) = config.as_mut() {
            c.args = Source::Inherit;
        }
    })
}

/// Sets the environment: `envc` variables `names[i]=values[i]`, copied. False, with the
/// environment unchanged, if a string is NULL or not UTF-8.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_env(
    config: *mut wasi_config_t,
    envc: usize,
    names: *const *const c_char,
    values: *const *const c_char,
) -> bool {
    guard(false, || match (config.as_mut(), utf8_array(envc, names), utf8_array(envc, values)) {
        (Some(c), Some(names), Some(values)) => {
            c.env = Source::Set(names.into_iter().zip(values).collect());
            true
        }
        _ => false,
    })
}

/// Gives the program the host process's environment (variables that are UTF-8).
#[no_mangle]
pub unsafe extern "C" fn wasi_config_inherit_env(config: *mut wasi_config_t) {
    guard((), || {
        if let Some(c) = config.as_mut() {
            c.env = Source::Inherit;
        }
    })
}

/// Standard input reads the host file at `path` (opened now). False if it cannot be opened.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stdin_file(config: *mut wasi_config_t, path: *const c_char) -> bool {
    guard(false, || match (config.as_mut(), host_path(path).map(File::open)) {
        (Some(c), Some(Ok(f))) => {
            c.stdin = Stdin::File(f);
            true
        }
        _ => false,
    })
}

/// Standard input reads these bytes, then end of file. Takes the vector's contents: `bytes` is
/// left empty.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stdin_bytes(config: *mut wasi_config_t, bytes: *mut wasm_byte_vec_t) {
    guard((), || {
        let (Some(c), Some(bytes)) = (config.as_mut(), bytes.as_mut()) else { return };
        c.stdin = Stdin::Bytes(bytes.take().into_iter().map(|b| b as u8).collect());
    })
}

/// Standard input is the host process's.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_inherit_stdin(config: *mut wasi_config_t) {
    guard((), || {
        if let Some(c) = config.as_mut() {
            c.stdin = Stdin::Inherit;
        }
    })
}

/// An output stream setter: to a file created (or truncated) now, inherited, or to a callback.
unsafe fn set_output(config: *mut wasi_config_t, stdout: bool, out: impl FnOnce() -> Option<Output>) -> bool {
    let Some(c) = config.as_mut() else { return false };
    let Some(out) = out() else { return false };
    if stdout {
        c.stdout = out;
    } else {
        c.stderr = out;
    }
    true
}

unsafe fn file_output(path: *const c_char) -> Option<Output> {
    File::create(host_path(path)?).ok().map(Output::File)
}

/// Makes a callback the output; without a callback, or without a configuration, the finalizer
/// runs at once and the result is false.
unsafe fn set_callback(
    config: *mut wasi_config_t,
    stdout: bool,
    callback: wasi_output_callback_t,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> bool {
    let Some(callback) = callback else {
        drop(CallbackSink { callback: ignore_output, env, finalizer });
        return false;
    };
    // Dropped, so finalized, unless the configuration takes it.
    let sink = CallbackSink { callback, env, finalizer };
    set_output(config, stdout, || Some(Output::Callback(Box::new(move |data: &[u8]| sink.write(data)))))
}

unsafe extern "C" fn ignore_output(_: *mut c_void, _: *const c_char, _: usize) {}

/// Standard output goes to the host file at `path`, created or truncated now. False if it
/// cannot be.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stdout_file(config: *mut wasi_config_t, path: *const c_char) -> bool {
    guard(false, || set_output(config, true, || file_output(path)))
}

/// Standard output is the host process's.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_inherit_stdout(config: *mut wasi_config_t) {
    guard(false, || set_output(config, true, || Some(Output::Inherit)));
}

/// Every write to standard output calls `callback(env, data, len)` (the bytes are valid only
/// during the call; the callback must not call into the store). `finalizer(env)`, if not NULL,
/// runs when the callback is no longer needed: when the configuration is deleted or replaced, or
/// when the store holding the WASI functions goes away. False if `config` or `callback` is NULL
/// (the finalizer then runs at once).
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stdout_callback(
    config: *mut wasi_config_t,
    callback: wasi_output_callback_t,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> bool {
    guard(false, || set_callback(config, true, callback, env, finalizer))
}

/// Standard error goes to the host file at `path`, created or truncated now. False if it
/// cannot be.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stderr_file(config: *mut wasi_config_t, path: *const c_char) -> bool {
    guard(false, || set_output(config, false, || file_output(path)))
}

/// Standard error is the host process's.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_inherit_stderr(config: *mut wasi_config_t) {
    guard(false, || set_output(config, false, || Some(Output::Inherit)));
}

/// As `wasi_config_set_stdout_callback`, for standard error.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stderr_callback(
    config: *mut wasi_config_t,
    callback: wasi_output_callback_t,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> bool {
    guard(false, || set_callback(config, false, callback, env, finalizer))
}

unsafe fn preopen(config: *mut wasi_config_t, path: *const c_char, guest: *const c_char, perms: DirPerms) -> bool {
    let (Some(c), Some(host), Some(guest)) = (config.as_mut(), host_path(path), utf8(guest)) else { return false };
    if !host.is_dir() {
        return false;
    }
    c.preopens.push((host, guest.to_owned(), perms));
    true
}

/// Makes the host directory `path` visible to the program as `guest_path` (e.g. "/" or "."),
/// readable and writable: the program reaches files only beneath preopened directories. False
/// if `path` is not a directory or `guest_path` is not UTF-8. (wasmtime's newer signature adds
/// directory and file permissions; here `wasi_config_preopen_dir_readonly` is the read-only
/// variant.)
#[no_mangle]
pub unsafe extern "C" fn wasi_config_preopen_dir(
    config: *mut wasi_config_t,
    path: *const c_char,
    guest_path: *const c_char,
) -> bool {
    guard(false, || preopen(config, path, guest_path, DirPerms::ReadWrite))
}

/// As `wasi_config_preopen_dir`, read-only: the program may not create, write, rename or remove
/// anything beneath it.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_preopen_dir_readonly(
    config: *mut wasi_config_t,
    path: *const c_char,
    guest_path: *const c_char,
) -> bool {
    guard(false, || preopen(config, path, guest_path, DirPerms::ReadOnly))
}

/// One import the host provides: `item` (borrowed) for the import `module` `name`.
#[repr(C)]
pub struct wasi_host_import_t {
    pub module: *const c_char,
    pub name: *const c_char,
    pub item: *const wasm_extern_t,
}

/// The imports of `module` for `wasm_instance_new`, in the module's import order: every WASI
/// import (`wasi_snapshot_preview1`, `wasi_unstable`) bound to a WASI context made from
/// `config`, every other import taken from the `host_imports_len` entries of `host_imports`
/// (matched by module and name; the first match wins). Takes `config` (it is deleted whether
/// this succeeds or not). Writes the new externals to `out` and returns true; on failure (an
/// import nobody provides, a preopened directory that cannot be opened, a NULL argument)
/// writes an empty vector to `out`, returns false and, if `trap` is not NULL, stores a trap
/// saying why, e.g. `unknown import "env" "f"`.
#[no_mangle]
pub unsafe extern "C" fn wasi_instance_imports(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    config: *mut wasi_config_t,
    host_imports: *const wasi_host_import_t,
    host_imports_len: usize,
    out: *mut wasm_extern_vec_t,
    trap: *mut *mut wasm_trap_t,
) -> bool {
    guard(false, || {
        let config = from_c(config);
        if !out.is_null() {
            out.write(wasm_extern_vec_t::from_vec(Vec::new()));
        }
        let fail = |t: wasm_trap_t| {
            if !trap.is_null() {
                trap.write(into_c(t));
            }
            false
        };
        let (Some(store), Some(module), Some(config), false) = (store.as_ref(), module.as_ref(), config, out.is_null())
        else {
            return fail(wasm_trap_t::without_store(Trap::host("wasi_instance_imports: a required argument is NULL")));
        };
        let data = &store.data;
        let ctx = match config.builder().build() {
            Ok(ctx) => ctx,
            Err(e) => return fail(wasm_trap_t::new(data, Trap::host(format!("WASI configuration: {e}")))),
        };
        let host = if host_imports.is_null() || host_imports_len == 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(host_imports, host_imports_len)
        };
        let mut resolver = |_: &mut crate::runtime::Store, import: &crate::decode::Import| -> Option<Extern> {
            host.iter()
                .find(|h| utf8(h.module) == Some(&*import.module) && utf8(h.name) == Some(&*import.name))
                .and_then(|h| h.item.as_ref())
                .and_then(|e| e.to_extern())
        };
        let compiled = module.data().compiled.clone();
        match data.with(|s| wasi::imports(s, &compiled, &ctx, &mut resolver)) {
            Ok(externs) => {
                let externs = externs.into_iter().map(|x| into_c(wasm_extern_t::new(data, x))).collect();
                out.write(wasm_extern_vec_t::from_vec(externs));
                true
            }
            Err(e) => fail(wasm_trap_t::new(data, Trap::host(e.to_string()))),
        }
    })
}

/// Runs an instance made with `wasi_instance_imports`, once: a command's `_start`, or, for a
/// reactor (exporting `_initialize` and no `_start`), its `_initialize` (its exports are then
/// ready to call). Returns true when the program ended normally and writes its exit status to
/// `exit_status` (if not NULL): 0 when `_start` (or `_initialize`) returns, else the status it
/// passed to `proc_exit`. Returns false when it trapped (or exports neither function) and, if
/// `trap` is not NULL, stores the trap there (with its backtrace).
#[no_mangle]
pub unsafe extern "C" fn wasi_run_start(
    instance: *const wasm_instance_t,
    exit_status: *mut c_int,
    trap: *mut *mut wasm_trap_t,
) -> bool {
    guard(false, || {
        let fail = |t: wasm_trap_t| {
            if !trap.is_null() {
                trap.write(into_c(t));
            }
            false
        };
        let Some((data, RefKind::Instance(i))) = instance.as_ref().and_then(|i| Some((i.r.store.as_ref()?, &i.r.kind)))
        else {
            return fail(wasm_trap_t::without_store(Trap::host("wasi_run_start: the instance is NULL")));
        };
        match data.with(|s| wasi::run(s, *i)) {
            Ok(status) => {
                if !exit_status.is_null() {
                    exit_status.write(status);
                }
                true
            }
            Err(wasi::WasiError::Trap(t)) => fail(wasm_trap_t::new(data, t)),
            Err(e) => fail(wasm_trap_t::new(data, Trap::host(e.to_string()))),
        }
    })
}
