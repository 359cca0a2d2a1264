//! Global instances (`wasm_global_t`).

use std::ptr;

use super::object::{ref_type, wasm_ref_t, RefKind};
use super::store::wasm_store_t;
use super::types::{wasm_externtype_t, wasm_globaltype_t};
use super::val::wasm_val_t;
use super::{guard, into_c};
use crate::runtime::Global;

ref_type!(
    wasm_global_t,
    RefKind::Global(_),
    wasm_global_delete,
    wasm_global_copy,
    wasm_global_same,
    wasm_global_get_host_info,
    wasm_global_set_host_info,
    wasm_global_set_host_info_with_finalizer,
    wasm_global_as_ref,
    wasm_ref_as_global,
    wasm_global_as_ref_const,
    wasm_ref_as_global_const
);

impl wasm_global_t {
    fn global(&self) -> Global {
        match self.r.kind {
            RefKind::Global(g) => g,
            _ => unreachable!("a wasm_global_t holds a global"),
        }
    }
}

/// A new global of the type, initialized to `val`; NULL if the value does not match the type
/// or belongs to another store, or for NULL arguments.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_new(
    store: *mut wasm_store_t,
    ty: *const wasm_globaltype_t,
    val: *const wasm_val_t,
) -> *mut wasm_global_t {
    guard(ptr::null_mut(), || {
        let (Some(store), Some(ty), Some(val)) =
            (store.as_ref(), ty.as_ref().and_then(|t| t.ext.to_global_type()), val.as_ref())
        else {
            return ptr::null_mut();
        };
        let g = store.data.with(|s| val.runtime_val(s).and_then(|v| s.new_global(ty, v)));
        g.map_or(ptr::null_mut(), |g| into_c(wasm_global_t { r: wasm_ref_t::new(&store.data, RefKind::Global(g)) }))
    })
}

/// The global's type (a new object); NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_type(g: *const wasm_global_t) -> *mut wasm_globaltype_t {
    guard(ptr::null_mut(), || {
        let Some(g) = g.as_ref() else { return ptr::null_mut() };
        let store = g.r.store.as_ref().expect("globals belong to a store");
        match store.with(|s| s.global_type(g.global())) {
            Some(t) => into_c(wasm_globaltype_t { ext: wasm_externtype_t::global(t) }),
            None => ptr::null_mut(),
        }
    })
}

/// Writes the global's value to `out` (a reference gets a new handle). NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_get(g: *const wasm_global_t, out: *mut wasm_val_t) {
    guard((), || {
        let (Some(g), false) = (g.as_ref(), out.is_null()) else { return };
        let store = g.r.store.as_ref().expect("globals belong to a store");
        if let Some(v) = store.with(|s| s.global_get(g.global()).map(|v| wasm_val_t::from_val(v, store, s))) {
            out.write(v);
        }
    })
}

/// Sets a mutable global. Nothing happens if the global is immutable, the value has another
/// type or belongs to another store, or an argument is NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_set(g: *mut wasm_global_t, val: *const wasm_val_t) {
    guard((), || {
        let (Some(g), Some(val)) = (g.as_ref(), val.as_ref()) else { return };
        let store = g.r.store.as_ref().expect("globals belong to a store");
        let overwrote = store.with(|s| {
            let old = s.global_get(g.global());
            let set = val.runtime_val(s).is_some_and(|v| s.global_set(g.global(), v));
            set && old.is_some_and(|old| old.is_non_null_ref())
        });
        if overwrote {
            store.overwrote_ref();
        }
    })
}
