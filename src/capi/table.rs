//! Table instances (`wasm_table_t`), including host-side growth.

use std::ptr;

use super::object::{ref_type, wasm_ref_t, RefKind};
use super::store::wasm_store_t;
use super::types::{wasm_externtype_t, wasm_tabletype_t, WASM_EXTERNREF, WASM_FUNCREF};
use super::val::{wasm_val_t, wasm_val_union};
use super::{guard, into_c};
use crate::runtime::{Store, Table, Val};
use crate::types::RefType;

ref_type!(
    wasm_table_t,
    RefKind::Table(_),
    wasm_table_delete,
    wasm_table_copy,
    wasm_table_same,
    wasm_table_get_host_info,
    wasm_table_set_host_info,
    wasm_table_set_host_info_with_finalizer,
    wasm_table_as_ref,
    wasm_ref_as_table,
    wasm_table_as_ref_const,
    wasm_ref_as_table_const
);

pub type wasm_table_size_t = u32;

impl wasm_table_t {
    fn table(&self) -> Table {
        match self.r.kind {
            RefKind::Table(t) => t,
            _ => unreachable!("a wasm_table_t holds a table"),
        }
    }
}

/// The runtime value of a reference given to a table of `element` references.
unsafe fn ref_val(store: &mut Store, element: RefType, r: *mut wasm_ref_t) -> Option<Val> {
    let kind = match element {
        RefType::FuncRef => WASM_FUNCREF,
        RefType::ExternRef => WASM_EXTERNREF,
    };
    wasm_val_t { kind, of: wasm_val_union { ref_: r } }.runtime_val(store)
}

/// A new table of the type with every element set to `init` (NULL: null references); NULL if
/// `init` does not fit the type or for NULL arguments.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_new(
    store: *mut wasm_store_t,
    ty: *const wasm_tabletype_t,
    init: *mut wasm_ref_t,
) -> *mut wasm_table_t {
    guard(ptr::null_mut(), || {
        let (Some(store), Some(ty)) = (store.as_ref(), ty.as_ref().and_then(|t| t.ext.to_table_type())) else {
            return ptr::null_mut();
        };
        let t = store.data.with(|s| ref_val(s, ty.element, init).and_then(|v| s.new_table(ty, v)));
        t.map_or(ptr::null_mut(), |t| into_c(wasm_table_t { r: wasm_ref_t::new(&store.data, RefKind::Table(t)) }))
    })
}

/// The table's type (a new object, with its current size as minimum); NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_type(t: *const wasm_table_t) -> *mut wasm_tabletype_t {
    guard(ptr::null_mut(), || {
        let Some(t) = t.as_ref() else { return ptr::null_mut() };
        let store = t.r.store.as_ref().expect("tables belong to a store");
        let ty = store.with(|s| {
            s.table(t.table()).map(|table| {
                let mut ty = table.ty;
                ty.limits.min = table.size() as u64;
                ty
            })
        });
        ty.map_or(ptr::null_mut(), |ty| into_c(wasm_tabletype_t { ext: wasm_externtype_t::table(ty) }))
    })
}

/// The element at `index` (a new handle, NULL for a null reference); NULL out of bounds.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_get(t: *const wasm_table_t, index: wasm_table_size_t) -> *mut wasm_ref_t {
    guard(ptr::null_mut(), || {
        let Some(t) = t.as_ref() else { return ptr::null_mut() };
        let store = t.r.store.as_ref().expect("tables belong to a store");
        store.with(|s| match s.table_get(t.table(), index) {
            Some(v) => wasm_val_t::from_val(v, store, s).of.ref_,
            None => ptr::null_mut(),
        })
    })
}

/// Sets the element at `index` (`r` NULL: a null reference; the handle stays the caller's).
/// False if out of bounds, of the wrong kind or store, or for a NULL table.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_set(t: *mut wasm_table_t, index: wasm_table_size_t, r: *mut wasm_ref_t) -> bool {
    guard(false, || {
        let Some(t) = t.as_ref() else { return false };
        let store = t.r.store.as_ref().expect("tables belong to a store");
        let (set, overwrote) = store.with(|s| {
            let Some(element) = s.table(t.table()).map(|table| table.ty.element) else { return (false, false) };
            let overwrote = s.table_get(t.table(), index).is_some_and(|old| old.is_non_null_ref());
            match ref_val(s, element, r) {
                Some(v) => (s.table_set(t.table(), index, v), overwrote),
                None => (false, false),
            }
        });
        if set && overwrote {
            store.overwrote_ref();
        }
        set
    })
}

/// The table's size; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_size(t: *const wasm_table_t) -> wasm_table_size_t {
    guard(0, || {
        let Some(t) = t.as_ref() else { return 0 };
        let store = t.r.store.as_ref().expect("tables belong to a store");
        store.with(|s| s.table(t.table()).map_or(0, |table| table.size()))
    })
}

/// Grows the table by `delta` elements set to `init`; false past its maximum or for bad
/// arguments.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_grow(
    t: *mut wasm_table_t,
    delta: wasm_table_size_t,
    init: *mut wasm_ref_t,
) -> bool {
    guard(false, || {
        let Some(t) = t.as_ref() else { return false };
        let store = t.r.store.as_ref().expect("tables belong to a store");
        store.with(|s| {
            let Some(element) = s.table(t.table()).map(|table| table.ty.element) else { return false };
            match ref_val(s, element, init) {
                Some(v) => s.table_grow(t.table(), delta, v).is_some(),
                None => false,
            }
        })
    })
}
