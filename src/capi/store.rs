//! `wasm_config_t`, `wasm_engine_t` and `wasm_store_t`. A store is shared by the handles
//! made from it (each holds a counted reference), so it lives until the host deleted the store
//! and every handle. The finalizers of host info and of host functions' environments run when
//! the host deletes the store (so an environment may hold handles of its own store).

use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::HashMap;
use std::os::raw::c_void;
use std::ptr;
use std::rc::Rc;

use super::{from_c, guard, into_c};
use crate::runtime::{Config, Engine, Store};

pub struct wasm_config_t {
    pub(crate) config: Config,
}

pub struct wasm_engine_t {
    pub(crate) engine: Engine,
}

pub struct wasm_store_t {
    pub(crate) data: Rc<StoreData>,
}

/// A finalizer the host attached to an object's host info.
pub(crate) type Finalizer = Option<unsafe extern "C" fn(*mut c_void)>;

/// Host info of one object; its finalizer runs when it is replaced or its owner goes away.
pub(crate) struct HostInfo {
    pub info: *mut c_void,
    pub finalizer: Finalizer,
}

// SAFETY: host info is an opaque pointer the host gave us; it is only handed back to the host
// or to its finalizer, on whichever thread uses the owning object (one at a time).
unsafe impl Send for HostInfo {}

impl Drop for HostInfo {
    fn drop(&mut self) {
        if let Some(f) = self.finalizer {
            // SAFETY: the host registered this finalizer for this pointer.
            unsafe { f(self.info) };
        }
    }
}

/// Identifies a runtime object of a store, for host info and identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ObjectKey {
    Func(u32),
    Global(u32),
    Table(u32),
    Memory(u32),
    Instance(u32),
    Foreign(u32),
}

pub(crate) struct StoreData {
    store: UnsafeCell<Store>,
    /// The store to operate on: the store itself, or, while a host function runs, the
    /// re-borrow the runtime passed to it.
    current: Cell<*mut Store>,
    pub(crate) host_info: RefCell<HashMap<ObjectKey, HostInfo>>,
    /// Environments of host functions (`wasm_func_new_with_env`) and their finalizers.
    pub(crate) envs: RefCell<Vec<HostInfo>>,
    /// Whether the host deleted the store (the environments are finalized: calls trap).
    pub(crate) deleted: Cell<bool>,
}

impl StoreData {
    /// Runs `f` on the store. The C API is single-threaded per store and calls nest (a host
    /// function may call back in), so at most one of these borrows is live at a time.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        // SAFETY: `current` points to the live store (or the runtime's re-borrow of it during
        // a host call); no other reference to it is used while `f` runs.
        f(unsafe { &mut *self.current.get() })
    }

    /// Makes `store` (the runtime's re-borrow during a host call) current; returns the
    /// previous one for `restore`.
    pub(crate) fn enter(&self, store: &mut Store) -> *mut Store {
        self.current.replace(store)
    }

    pub(crate) fn restore(&self, previous: *mut Store) {
        self.current.set(previous);
    }

    pub(crate) fn id(&self) -> u64 {
        self.with(|s| s.id())
    }
}

impl Drop for StoreData {
    fn drop(&mut self) {
        // Finalizers first, while the objects they describe still exist.
        self.host_info.get_mut().clear();
        self.envs.get_mut().clear();
    }
}

/// A configuration with the defaults.
#[no_mangle]
pub extern "C" fn wasm_config_new() -> *mut wasm_config_t {
    guard(ptr::null_mut(), || into_c(wasm_config_t { config: Config::default() }))
}

/// Frees a configuration. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasm_config_delete(c: *mut wasm_config_t) {
    guard((), || drop(from_c(c)))
}

/// An engine with the default configuration.
#[no_mangle]
pub extern "C" fn wasm_engine_new() -> *mut wasm_engine_t {
    guard(ptr::null_mut(), || into_c(wasm_engine_t { engine: Engine::default() }))
}

/// An engine with a configuration, which it takes ownership of (NULL: the defaults).
#[no_mangle]
pub unsafe extern "C" fn wasm_engine_new_with_config(config: *mut wasm_config_t) -> *mut wasm_engine_t {
    guard(ptr::null_mut(), || {
        let config = from_c(config).map_or_else(Config::default, |c| c.config);
        into_c(wasm_engine_t { engine: Engine::new(config) })
    })
}

/// Frees an engine. Stores and modules made from it keep what they need. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasm_engine_delete(e: *mut wasm_engine_t) {
    guard((), || drop(from_c(e)))
}

/// A new store; NULL if `engine` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> *mut wasm_store_t {
    guard(ptr::null_mut(), || {
        let Some(engine) = engine.as_ref() else { return ptr::null_mut() };
        let data = Rc::new(StoreData {
            store: UnsafeCell::new(Store::new(&engine.engine)),
            current: Cell::new(ptr::null_mut()),
            host_info: RefCell::new(HashMap::new()),
            envs: RefCell::new(Vec::new()),
            deleted: Cell::new(false),
        });
        data.current.set(data.store.get());
        into_c(wasm_store_t { data })
    })
}

/// Deletes a store: the finalizers of its objects' host info and of its host functions'
/// environments run now; the objects themselves go away once no handle to them remains (a
/// host function with an environment then traps when called). NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasm_store_delete(s: *mut wasm_store_t) {
    guard((), || {
        if let Some(s) = from_c(s) {
            s.data.deleted.set(true);
            let infos = std::mem::take(&mut *s.data.host_info.borrow_mut());
            drop(infos);
            let envs = std::mem::take(&mut *s.data.envs.borrow_mut());
            drop(envs);
        }
    })
}
