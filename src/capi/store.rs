//! `wasm_config_t`, `wasm_engine_t` and `wasm_store_t`. A store is shared by the handles
//! made from it (each holds a counted reference), so it lives until the host deleted the store
//! and every handle.
//!
//! Objects inside a store are freed as soon as nothing can reach them: the store counts the
//! handles to each of its objects, and when the last handle to an object goes, the runtime's
//! collector frees whatever the remaining handles can no longer reach (see
//! `Store::collect`). Collection runs when the outermost C API call returns (never while wasm
//! or a host function runs); a freed object's host info finalizer, and a freed host function's
//! environment finalizer, run then. Whatever is left runs when the host deletes the store.

use std::any::Any;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::HashMap;
use std::os::raw::c_void;
use std::ptr;
use std::rc::Rc;

use super::object::{ExternPayload, RefKind};
use super::{from_c, guard, into_c};
use crate::runtime::{Config, Engine, Object, Store};

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

pub(crate) struct StoreData {
    store: UnsafeCell<Store>,
    /// The store to operate on: the store itself, or, while a host function runs, the
    /// re-borrow the runtime passed to it.
    current: Cell<*mut Store>,
    pub(crate) host_info: RefCell<HashMap<Object, HostInfo>>,
    /// Environments of host functions (`wasm_func_new_with_env`) and their finalizers, by
    /// function.
    pub(crate) envs: RefCell<HashMap<Object, HostInfo>>,
    /// Whether the host deleted the store (the environments are finalized: calls trap).
    pub(crate) deleted: Cell<bool>,
    /// How many handles the host holds to each object (objects without one are absent).
    handles: RefCell<HashMap<Object, u32>>,
    /// Objects whose last handle went since the last collection.
    released: RefCell<Vec<Object>>,
    /// Whether a reference was overwritten since the last collection (see `overwrote_ref`).
    overwritten: Cell<bool>,
    /// Whether the store waits in `PENDING`.
    queued: Cell<bool>,
}

thread_local! {
    /// How deeply C API calls nest on this thread (host functions call back in): read on every
    /// call, so a thread-local without a destructor, which costs one load.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Stores with released objects, collected when the outermost C API call returns (only
    /// touched when a store is queued or collected).
    static PENDING: RefCell<Vec<Rc<StoreData>>> = const { RefCell::new(Vec::new()) };
    /// Whether `PENDING` may hold a store (so the outermost call looks into it).
    static ANY_PENDING: Cell<bool> = const { Cell::new(false) };
}

/// Runs a C API call's body. When the outermost call returns, the stores in which handles
/// were released are collected (with the depth still counted, so C API calls made by the
/// finalizers that run then do not collect again; their releases are collected by the loop).
#[inline(always)]
pub(crate) fn api_call<T>(f: impl FnOnce() -> T) -> T {
    let depth = DEPTH.with(|d| d.replace(d.get() + 1));
    let result = f();
    if depth == 0 && ANY_PENDING.with(Cell::get) {
        collect_pending();
    }
    DEPTH.with(|d| d.set(depth));
    result
}

#[cold]
fn collect_pending() {
    loop {
        // (The borrow ends here: collecting may queue the store again.)
        let Some(store) = PENDING.with(|p| p.borrow_mut().pop()) else { break };
        // A panic here leaves the objects allocated (until the store goes); it must not cross
        // the C boundary.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| store.collect()));
    }
    ANY_PENDING.with(|a| a.set(false));
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

    /// Notes a new handle to `object`.
    pub(crate) fn acquire(&self, object: Object) {
        *self.handles.borrow_mut().entry(object).or_insert(0) += 1;
    }

    /// Notes that a handle to `object` went; after the last one, the store is collected when
    /// the current C API call returns.
    pub(crate) fn release(self: &Rc<Self>, object: Object) {
        let mut handles = self.handles.borrow_mut();
        let Some(count) = handles.get_mut(&object) else { return };
        *count -= 1;
        if *count > 0 {
            return;
        }
        handles.remove(&object);
        drop(handles);
        self.released.borrow_mut().push(object);
        self.queue();
    }

    /// Notes that the host overwrote a reference in a table or global: what it referred to may
    /// be unreachable now.
    pub(crate) fn overwrote_ref(self: &Rc<Self>) {
        self.overwritten.set(true);
        self.queue();
    }

    fn queue(self: &Rc<Self>) {
        if !self.queued.replace(true) {
            PENDING.with(|p| p.borrow_mut().push(self.clone()));
            ANY_PENDING.with(|a| a.set(true));
        }
    }

    /// Frees the objects no handle can reach any more, then runs their finalizers.
    fn collect(&self) {
        self.queued.set(false);
        let released = std::mem::take(&mut *self.released.borrow_mut());
        let handles = self.handles.borrow();
        // Dropping a handle to a function of an instance the host still holds frees nothing
        // (the common case of export handles); only otherwise is the store traced.
        let held = |o: &Object| {
            let Object::Func(f) = *o else { return false };
            self.with(|s| s.func_instance(f)).is_some_and(|i| handles.contains_key(&Object::Instance(i)))
        };
        if !self.overwritten.replace(false) && released.iter().all(held) {
            return;
        }
        let roots: Vec<Object> = handles.keys().copied().collect();
        drop(handles);
        let freed = self.with(|s| s.collect(roots, &extern_edge));
        let finalizers: Vec<HostInfo> = {
            let mut infos = self.host_info.borrow_mut();
            let mut envs = self.envs.borrow_mut();
            freed.objects.iter().flat_map(|o| [infos.remove(o), envs.remove(o)]).flatten().collect()
        };
        drop(freed.extern_values);
        drop(finalizers);
    }
}

/// What the host value of an extern reference made by the C API refers to in its store.
fn extern_edge(value: &(dyn Any + Send)) -> Option<Object> {
    match value.downcast_ref::<ExternPayload>()? {
        ExternPayload::Foreign => None,
        ExternPayload::Ref(r) => match &r.0 {
            RefKind::Func(f, _) => Some(Object::Func(f.index())),
            RefKind::Global(g) => Some(Object::Global(g.index())),
            RefKind::Table(t) => Some(Object::Table(t.index())),
            RefKind::Memory(m) => Some(Object::Memory(m.index())),
            RefKind::Instance(i) => Some(Object::Instance(i.index())),
            RefKind::Foreign(e) => Some(Object::ExternRef(e.index())),
            RefKind::Trap(_) | RefKind::Module(_) => None,
        },
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
    guard(ptr::null_mut(), || into_c(wasm_config_t { config: default_config() }))
}

/// The configuration of `wasm_config_new` and `wasm_engine_new`: the defaults, with the tier
/// named by the environment variable `WASMRT_TIER` (`interpreter` or `jit`) and the bounds
/// checks named by `WASMRT_BOUNDS_CHECKS` (`guard-regions` or `explicit`), each read once. An
/// unknown or unavailable name is reported on stderr, once, and the default kept.
fn default_config() -> Config {
    use crate::runtime::{BoundsChecks, Tier};
    fn from_env<T: Copy>(variable: &str, known: &[(&str, T)]) -> Option<T> {
        let name = std::env::var(variable).ok()?;
        let found = known.iter().find(|(n, _)| *n == name).map(|&(_, v)| v);
        if found.is_none() {
            let names: Vec<&str> = known.iter().map(|(n, _)| *n).collect();
            eprintln!(
                "wasmrt: {variable}={name:?} is not one this build has ({}); using the default",
                names.join(", ")
            );
        }
        found
    }
    static TIER: std::sync::OnceLock<Option<Tier>> = std::sync::OnceLock::new();
    static BOUNDS: std::sync::OnceLock<Option<BoundsChecks>> = std::sync::OnceLock::new();
    let tiers: &[(&str, Tier)] = if cfg!(target_arch = "x86_64") {
        &[("interpreter", Tier::Interpreter), ("jit", Tier::Jit)]
    } else {
        &[("interpreter", Tier::Interpreter)]
    };
    let tier = *TIER.get_or_init(|| from_env("WASMRT_TIER", tiers));
    let bounds = *BOUNDS.get_or_init(|| {
        from_env(
            "WASMRT_BOUNDS_CHECKS",
            &[("guard-regions", BoundsChecks::GuardRegions), ("explicit", BoundsChecks::Explicit)],
        )
    });
    let mut config = Config::default();
    if let Some(bounds) = bounds {
        config.bounds_checks = bounds;
    }
    if let Some(tier) = tier {
        config.tier = tier;
    }
    config
}

/// Frees a configuration. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasm_config_delete(c: *mut wasm_config_t) {
    guard((), || drop(from_c(c)))
}

/// An engine with the default configuration.
#[no_mangle]
pub extern "C" fn wasm_engine_new() -> *mut wasm_engine_t {
    guard(ptr::null_mut(), || into_c(wasm_engine_t { engine: Engine::new(default_config()) }))
}

/// An engine with a configuration, which it takes ownership of (NULL: the defaults).
#[no_mangle]
pub unsafe extern "C" fn wasm_engine_new_with_config(config: *mut wasm_config_t) -> *mut wasm_engine_t {
    guard(ptr::null_mut(), || {
        let config = from_c(config).map_or_else(default_config, |c| c.config);
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
            envs: RefCell::new(HashMap::new()),
            deleted: Cell::new(false),
            handles: RefCell::new(HashMap::new()),
            released: RefCell::new(Vec::new()),
            overwritten: Cell::new(false),
            queued: Cell::new(false),
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
