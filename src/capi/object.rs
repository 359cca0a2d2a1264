//! Reference objects: `wasm_ref_t` and the functions every reference type shares (delete,
//! copy, same, host info, and the conversions to and from `wasm_ref_t`), plus foreign objects.

use std::cell::RefCell;
use std::os::raw::c_void;
use std::ptr;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use super::store::{wasm_store_t, Finalizer, HostInfo, StoreData};
use super::{guard, into_c};
use crate::runtime::{CompiledModule, ExternRef, Func, Global, Instance, Memory, Object, Store, Table, Trap};
use crate::types::FuncType;

/// A trap object's data.
pub(crate) struct TrapData {
    pub trap: Trap,
    pub host_info: RefCell<Option<HostInfo>>,
    /// Handles to the instances of the backtrace's frames, which keep them alive for as long
    /// as the trap can be asked for its frames.
    pub instances: Vec<wasm_ref_t>,
}

/// A module object's data, shared across stores and threads (`wasm_module_share`).
pub(crate) struct ModuleData {
    pub compiled: Arc<CompiledModule>,
    pub host_info: Mutex<Option<HostInfo>>,
}

/// Payload of the store's extern references made by the C API.
pub(crate) enum ExternPayload {
    /// A `wasm_foreign_t`.
    Foreign,
    /// Another reference object passed to wasm as an externref.
    Ref(SendRef),
}

/// A reference kind kept inside the store.
pub(crate) struct SendRef(pub RefKind);
// SAFETY: a store and everything in it belong to one thread at a time (the wasm-c-api
// model); the payload is only used by the store's current thread.
unsafe impl Send for SendRef {}

#[derive(Clone)]
pub(crate) enum RefKind {
    /// A function and its type (the function's record of it, so that a call checks its
    /// arguments without looking the function up in its store).
    Func(Func, Arc<FuncType>),
    Global(Global),
    Table(Table),
    Memory(Memory),
    Instance(Instance),
    Foreign(ExternRef),
    Trap(Rc<TrapData>),
    Module(Arc<ModuleData>),
}

impl RefKind {
    /// The kind of a reference to function `f` of `store`.
    pub(crate) fn func(store: &Store, f: Func) -> RefKind {
        RefKind::Func(f, store.func_type_shared(f).expect("the store's own function").clone())
    }
}

/// Every reference object. `store` is None only for modules, which belong to no store, and
/// traps made without one. A handle to a store object is counted by its store (see
/// `StoreData::acquire`): the object stays alive at least as long as the handle.
pub struct wasm_ref_t {
    pub(crate) store: Option<Rc<StoreData>>,
    pub(crate) kind: RefKind,
}

impl wasm_ref_t {
    pub(crate) fn new(store: &Rc<StoreData>, kind: RefKind) -> wasm_ref_t {
        let r = wasm_ref_t { store: Some(store.clone()), kind };
        if let Some(o) = r.key() {
            store.acquire(o);
        }
        r
    }

    /// The store object this handle denotes, if it denotes one.
    pub(crate) fn key(&self) -> Option<Object> {
        Some(match &self.kind {
            RefKind::Func(f, _) => Object::Func(f.index()),
            RefKind::Global(g) => Object::Global(g.index()),
            RefKind::Table(t) => Object::Table(t.index()),
            RefKind::Memory(m) => Object::Memory(m.index()),
            RefKind::Instance(i) => Object::Instance(i.index()),
            RefKind::Foreign(e) => Object::ExternRef(e.index()),
            RefKind::Trap(_) | RefKind::Module(_) => return None,
        })
    }

    /// Whether two handles denote the same object.
    pub(crate) fn same(&self, other: &wasm_ref_t) -> bool {
        match (&self.kind, &other.kind) {
            (RefKind::Trap(a), RefKind::Trap(b)) => Rc::ptr_eq(a, b),
            (RefKind::Module(a), RefKind::Module(b)) => Arc::ptr_eq(a, b),
            _ => {
                let same_store = match (&self.store, &other.store) {
                    (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                    _ => false,
                };
                same_store && self.key().is_some() && self.key() == other.key()
            }
        }
    }

    fn get_host_info(&self) -> *mut c_void {
        match &self.kind {
            RefKind::Trap(t) => t.host_info.borrow().as_ref().map_or(ptr::null_mut(), |h| h.info),
            RefKind::Module(m) => {
                m.host_info.lock().map_or(ptr::null_mut(), |h| h.as_ref().map_or(ptr::null_mut(), |h| h.info))
            }
            _ => match (&self.store, self.key()) {
                (Some(s), Some(k)) => s.host_info.borrow().get(&k).map_or(ptr::null_mut(), |h| h.info),
                _ => ptr::null_mut(),
            },
        }
    }

    /// Sets host info; a previous one's finalizer runs.
    fn set_host_info(&self, info: *mut c_void, finalizer: Finalizer) {
        let new = HostInfo { info, finalizer };
        let old = match &self.kind {
            RefKind::Trap(t) => t.host_info.borrow_mut().replace(new),
            RefKind::Module(m) => match m.host_info.lock() {
                Ok(mut h) => h.replace(new),
                Err(_) => None,
            },
            _ => match (&self.store, self.key()) {
                (Some(s), Some(k)) => s.host_info.borrow_mut().insert(k, new),
                _ => None,
            },
        };
        drop(old);
    }
}

/// The functions of `WASM_DECLARE_REF_BASE` for one C type.
macro_rules! ref_base {
    ($t:ident: $delete:ident, $copy:ident, $same:ident, $get:ident, $set:ident, $set_fin:ident) => {
        /// Deletes this handle (not the object: other handles and the store keep it). NULL
        /// does nothing.
        #[no_mangle]
        pub unsafe extern "C" fn $delete(r: *mut $t) {
            $crate::capi::guard((), || drop($crate::capi::from_c(r)))
        }

        /// Another handle to the same object; NULL for NULL.
        #[no_mangle]
        pub unsafe extern "C" fn $copy(r: *const $t) -> *mut $t {
            $crate::capi::guard(std::ptr::null_mut(), || match r.as_ref() {
                Some(r) => $crate::capi::into_c(r.clone_handle()),
                None => std::ptr::null_mut(),
            })
        }

        /// Whether two handles denote the same object (false if either is NULL).
        #[no_mangle]
        pub unsafe extern "C" fn $same(a: *const $t, b: *const $t) -> bool {
            $crate::capi::guard(false, || match (a.as_ref(), b.as_ref()) {
                (Some(a), Some(b)) => a.as_ref_t().same(b.as_ref_t()),
                _ => false,
            })
        }

        /// The object's host info; NULL if none or for NULL.
        #[no_mangle]
        pub unsafe extern "C" fn $get(r: *const $t) -> *mut std::os::raw::c_void {
            $crate::capi::guard(std::ptr::null_mut(), || {
                r.as_ref().map_or(std::ptr::null_mut(), |r| r.as_ref_t().get_host_info_pub())
            })
        }

        /// Sets the object's host info (no finalizer). NULL does nothing.
        #[no_mangle]
        pub unsafe extern "C" fn $set(r: *mut $t, info: *mut std::os::raw::c_void) {
            $crate::capi::guard((), || {
                if let Some(r) = r.as_ref() {
                    r.as_ref_t().set_host_info_pub(info, None)
                }
            })
        }

        /// Sets the object's host info; `finalizer(info)` runs when it is replaced or the
        /// object goes away (at the latest when its store is deleted). NULL does nothing.
        #[no_mangle]
        pub unsafe extern "C" fn $set_fin(
            r: *mut $t,
            info: *mut std::os::raw::c_void,
            finalizer: Option<unsafe extern "C" fn(*mut std::os::raw::c_void)>,
        ) {
            $crate::capi::guard((), || {
                if let Some(r) = r.as_ref() {
                    r.as_ref_t().set_host_info_pub(info, finalizer)
                }
            })
        }
    };
}
pub(crate) use ref_base;

impl Drop for wasm_ref_t {
    fn drop(&mut self) {
        if let (Some(store), Some(o)) = (&self.store, self.key()) {
            store.release(o);
        }
    }
}

impl wasm_ref_t {
    pub(crate) fn clone_handle(&self) -> wasm_ref_t {
        match &self.store {
            Some(store) => wasm_ref_t::new(store, self.kind.clone()),
            None => wasm_ref_t { store: None, kind: self.kind.clone() },
        }
    }

    pub(crate) fn as_ref_t(&self) -> &wasm_ref_t {
        self
    }

    pub(crate) fn get_host_info_pub(&self) -> *mut c_void {
        self.get_host_info()
    }

    pub(crate) fn set_host_info_pub(&self, info: *mut c_void, finalizer: Finalizer) {
        self.set_host_info(info, finalizer)
    }
}

ref_base!(wasm_ref_t: wasm_ref_delete, wasm_ref_copy, wasm_ref_same, wasm_ref_get_host_info, wasm_ref_set_host_info, wasm_ref_set_host_info_with_finalizer);

/// A reference type of the C API: a transparent wrapper of `wasm_ref_t` whose kind is checked
/// when converting from `wasm_ref_t`.
macro_rules! ref_type {
    ($t:ident, $is:pat, $delete:ident, $copy:ident, $same:ident, $get:ident, $set:ident, $set_fin:ident,
     $as_ref:ident, $ref_as:ident, $as_ref_const:ident, $ref_as_const:ident) => {
        #[repr(transparent)]
        pub struct $t {
            pub(crate) r: $crate::capi::object::wasm_ref_t,
        }

        impl $t {
            pub(crate) fn clone_handle(&self) -> $t {
                $t { r: self.r.clone_handle() }
            }

            pub(crate) fn as_ref_t(&self) -> &$crate::capi::object::wasm_ref_t {
                &self.r
            }
        }

        $crate::capi::object::ref_base!($t: $delete, $copy, $same, $get, $set, $set_fin);

        /// The same handle viewed as a `wasm_ref_t` (not a copy).
        #[no_mangle]
        pub extern "C" fn $as_ref(r: *mut $t) -> *mut $crate::capi::object::wasm_ref_t {
            r as *mut $crate::capi::object::wasm_ref_t
        }

        #[no_mangle]
        pub extern "C" fn $as_ref_const(r: *const $t) -> *const $crate::capi::object::wasm_ref_t {
            r as *const $crate::capi::object::wasm_ref_t
        }

        /// The reference viewed as this type, or NULL if it denotes something else.
        #[no_mangle]
        pub unsafe extern "C" fn $ref_as(r: *mut $crate::capi::object::wasm_ref_t) -> *mut $t {
            $crate::capi::guard(std::ptr::null_mut(), || match r.as_ref() {
                Some(x) if matches!(x.kind, $is) => r as *mut $t,
                _ => std::ptr::null_mut(),
            })
        }

        #[no_mangle]
        pub unsafe extern "C" fn $ref_as_const(r: *const $crate::capi::object::wasm_ref_t) -> *const $t {
            $ref_as(r as *mut $crate::capi::object::wasm_ref_t)
        }
    };
}
pub(crate) use ref_type;

ref_type!(
    wasm_foreign_t,
    RefKind::Foreign(_),
    wasm_foreign_delete,
    wasm_foreign_copy,
    wasm_foreign_same,
    wasm_foreign_get_host_info,
    wasm_foreign_set_host_info,
    wasm_foreign_set_host_info_with_finalizer,
    wasm_foreign_as_ref,
    wasm_ref_as_foreign,
    wasm_foreign_as_ref_const,
    wasm_ref_as_foreign_const
);

/// A new foreign object: an opaque host reference wasm can hold as an externref. NULL if
/// `store` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_new(store: *mut wasm_store_t) -> *mut wasm_foreign_t {
    guard(ptr::null_mut(), || {
        let Some(store) = store.as_ref() else { return ptr::null_mut() };
        let e = store.data.with(|s| s.new_extern_ref(Box::new(ExternPayload::Foreign)));
        into_c(wasm_foreign_t { r: wasm_ref_t::new(&store.data, RefKind::Foreign(e)) })
    })
}
