//! wasmrt's extensions to the C API (`include/wasmrt.h`, functions prefixed `wasmrt_`): why a
//! module was rejected, trap codes, WASI exit statuses, frame names, the execution tier, fuel,
//! interruption and store limits.

use std::os::raw::c_int;
use std::ptr;
use std::sync::Arc;

use super::frame::wasm_frame_t;
use super::module::LAST_ERROR;
use super::store::{wasm_config_t, wasm_store_t};
use super::trap::wasm_trap_t;
use super::vec::wasm_name_t;
use super::{from_c, guard, into_c};
use crate::runtime::InterruptHandle;

/// Why the last `wasm_module_new`, `wasm_module_validate` or `wasm_module_deserialize` on this
/// thread failed, e.g. "invalid module: type mismatch in i32.add: expected i32, found i64 at
/// offset 0x1f", NUL-terminated (empty if none failed). NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_last_error_message(out: *mut wasm_name_t) {
    guard((), || {
        if !out.is_null() {
            out.write(LAST_ERROR.with(|e| wasm_name_t::message(&e.borrow())));
        }
    })
}

/// The trap's code (see `wasmrt_trap_code_t` in wasmrt.h); -1 for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_trap_code(trap: *const wasm_trap_t) -> i32 {
    guard(-1, || trap.as_ref().map_or(-1, |t| t.trap().code as i32))
}

/// The frame's function name from the name section, NUL-terminated; an empty vector if the
/// module names none. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_frame_func_name(frame: *const wasm_frame_t, out: *mut wasm_name_t) {
    guard((), || {
        if let (Some(f), false) = (frame.as_ref(), out.is_null()) {
            out.write(
                f.frame.func_name.as_deref().map_or_else(|| wasm_name_t::from_vec(Vec::new()), wasm_name_t::message),
            );
        }
    })
}

/// The frame's module name from the name section, NUL-terminated; an empty vector if none.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_frame_module_name(frame: *const wasm_frame_t, out: *mut wasm_name_t) {
    guard((), || {
        if let (Some(f), false) = (frame.as_ref(), out.is_null()) {
            out.write(
                f.frame.module_name.as_deref().map_or_else(|| wasm_name_t::from_vec(Vec::new()), wasm_name_t::message),
            );
        }
    })
}

/// If the trap is a WASI program's exit (`proc_exit`, e.g. from a start function during
/// `wasm_instance_new`), writes its exit status to `status` (if not NULL) and returns true;
/// false for any other trap and for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_trap_exit_status(trap: *const wasm_trap_t, status: *mut c_int) -> bool {
    guard(false, || match trap.as_ref().and_then(|t| t.trap().exit_code) {
        Some(code) => {
            if !status.is_null() {
                status.write(code);
            }
            true
        }
        None => false,
    })
}

/// An execution tier (see `wasmrt_tier_t` in wasmrt.h).
pub type wasmrt_tier_t = u32;

/// Chooses how engines built from this configuration run code: `WASMRT_TIER_INTERPRETER` or
/// `WASMRT_TIER_JIT` (compiled to machine code where the compiler handles the module, interpreted
/// otherwise). A new configuration has the JIT on x86_64 and the interpreter elsewhere, or the
/// tier the environment variable `WASMRT_TIER` names (`interpreter` or `jit`). False, with the
/// configuration unchanged, for a tier this build does not have (the JIT exists on x86_64
/// only), an unknown one, or NULL.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_set_tier(config: *mut wasm_config_t, tier: wasmrt_tier_t) -> bool {
    guard(false, || {
        let tier = match tier {
            0 => crate::runtime::Tier::Interpreter,
            1 if cfg!(target_arch = "x86_64") => crate::runtime::Tier::Jit,
            _ => return false,
        };
        config.as_mut().map(|c| c.config.tier = tier).is_some()
    })
}

/// Sets how many threads may compile a module's functions to machine code at once, the calling
/// thread included: 0 (the default) for as many as the process may run at once, 1 for the
/// calling thread only. Modules of less than 64 KB of function bodies compile on the calling
/// thread whatever the setting. False for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_set_compile_threads(config: *mut wasm_config_t, threads: u32) -> bool {
    guard(false, || config.as_mut().map(|c| c.config.compile_threads = threads).is_some())
}

/// Whether the module's functions run as machine code: true if its engine's tier is
/// `WASMRT_TIER_JIT` and the compiler handled the module. Otherwise false, with the reason in
/// `why` if it is not NULL (NUL-terminated; the caller deletes it), e.g. "the engine runs the
/// interpreter". An instance whose memory could not reserve guard regions runs interpreted even
/// so, unless the engine checks bounds explicitly. NULL module: false.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_module_is_compiled(
    module: *const super::module::wasm_module_t,
    why: *mut super::vec::wasm_message_t,
) -> bool {
    guard(false, || {
        let reason = match module.as_ref() {
            None => Err("no module".to_string()),
            Some(m) => crate::jit::compiled(&m.data().compiled),
        };
        if let (Err(reason), false) = (&reason, why.is_null()) {
            why.write(super::vec::wasm_message_t::message(reason));
        }
        reason.is_ok()
    })
}

/// How linear memory accesses are kept in bounds (see `wasmrt_bounds_checks_t` in wasmrt.h).
pub type wasmrt_bounds_checks_t = u32;

/// Chooses how engines built from this configuration keep memory accesses in bounds:
/// `WASMRT_BOUNDS_GUARD_REGIONS` (the default: memories reserve guard regions so compiled code
/// can rely on faults, falling back to explicit checks where the reservation cannot be made) or
/// `WASMRT_BOUNDS_EXPLICIT` (no guard regions, no reliance on signal handlers: for hosts that
/// own their signals, and sanitizer builds). False, with the configuration unchanged, for an
/// unknown value or NULL.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_set_bounds_checks(
    config: *mut wasm_config_t,
    checks: wasmrt_bounds_checks_t,
) -> bool {
    guard(false, || {
        let checks = match checks {
            0 => crate::runtime::BoundsChecks::GuardRegions,
            1 => crate::runtime::BoundsChecks::Explicit,
            _ => return false,
        };
        config.as_mut().map(|c| c.config.bounds_checks = checks).is_some()
    })
}

/// Makes engines built from this configuration count fuel: a store then runs only while it has
/// fuel (`wasmrt_store_add_fuel`), and traps when it runs out.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_consume_fuel(config: *mut wasm_config_t, enable: bool) {
    guard((), || {
        if let Some(c) = config.as_mut() {
            c.config.fuel = enable;
        }
    })
}

/// Sets how many calls may nest (wasm frames and host frames between them) before the
/// "call stack exhausted" trap. 0 keeps the default.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_config_max_call_depth(config: *mut wasm_config_t, depth: u32) {
    guard((), || {
        if let (Some(c), true) = (config.as_mut(), depth > 0) {
            c.config.max_call_depth = depth;
        }
    })
}

/// Adds fuel to a store. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_store_add_fuel(store: *mut wasm_store_t, fuel: u64) {
    guard((), || {
        if let Some(s) = store.as_ref() {
            s.data.with(|s| s.add_fuel(fuel));
        }
    })
}

/// The store's remaining fuel; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_store_fuel(store: *const wasm_store_t) -> u64 {
    guard(0, || store.as_ref().map_or(0, |s| s.data.with(|s| s.fuel())))
}

/// Limits on what a store creates; 0 in a field keeps that limit's default.
#[repr(C)]
pub struct wasmrt_store_limits_t {
    pub memory_pages: u64,
    pub table_elements: u64,
    pub instances: u32,
    pub tables: u32,
    pub memories: u32,
}

/// Sets the store's limits (they apply to what is created or grown afterwards).
#[no_mangle]
pub unsafe extern "C" fn wasmrt_store_set_limits(store: *mut wasm_store_t, limits: *const wasmrt_store_limits_t) {
    guard((), || {
        let (Some(s), Some(l)) = (store.as_ref(), limits.as_ref()) else { return };
        s.data.with(|s| {
            let d = crate::runtime::StoreLimits::default();
            let pick = |v: u64, d: u64| if v == 0 { d } else { v };
            s.set_limits(crate::runtime::StoreLimits {
                memory_pages: pick(l.memory_pages, d.memory_pages),
                table_elements: pick(l.table_elements, d.table_elements),
                instances: pick(l.instances as u64, d.instances as u64) as u32,
                tables: pick(l.tables as u64, d.tables as u64) as u32,
                memories: pick(l.memories as u64, d.memories as u64) as u32,
            })
        });
    })
}

/// Lets any thread interrupt the code running in a store.
pub struct wasmrt_interrupt_handle_t {
    handle: Arc<InterruptHandle>,
}

/// A handle that can interrupt the store's running code from any thread; NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_interrupt_handle_new(store: *mut wasm_store_t) -> *mut wasmrt_interrupt_handle_t {
    guard(ptr::null_mut(), || match store.as_ref() {
        Some(s) => into_c(wasmrt_interrupt_handle_t { handle: Arc::new(s.data.with(|s| s.interrupt_handle())) }),
        None => ptr::null_mut(),
    })
}

/// Makes the store's running code trap ("interrupted") at its next loop iteration or call; if
/// nothing runs, the next call traps at once. Safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn wasmrt_interrupt(handle: *const wasmrt_interrupt_handle_t) {
    guard((), || {
        if let Some(h) = handle.as_ref() {
            h.handle.interrupt();
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasmrt_interrupt_handle_delete(handle: *mut wasmrt_interrupt_handle_t) {
    guard((), || drop(from_c(handle)))
}
