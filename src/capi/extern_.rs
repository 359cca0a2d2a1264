//! Externals (`wasm_extern_t`): functions, globals, tables and memories viewed uniformly, as
//! imports and exports.

use std::ptr;
use std::rc::Rc;

use super::func::wasm_func_t;
use super::global::wasm_global_t;
use super::memory::wasm_memory_t;
use super::object::{ref_type, wasm_ref_t, RefKind};
use super::store::StoreData;
use super::table::wasm_table_t;
use super::types::{
    wasm_externkind_t, wasm_externtype_t, WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_MEMORY, WASM_EXTERN_TABLE,
};
use super::{guard, into_c};
use crate::runtime::Extern;

ref_type!(
    wasm_extern_t,
    RefKind::Func(..) | RefKind::Global(_) | RefKind::Table(_) | RefKind::Memory(_),
    wasm_extern_delete,
    wasm_extern_copy,
    wasm_extern_same,
    wasm_extern_get_host_info,
    wasm_extern_set_host_info,
    wasm_extern_set_host_info_with_finalizer,
    wasm_extern_as_ref,
    wasm_ref_as_extern,
    wasm_extern_as_ref_const,
    wasm_ref_as_extern_const
);

impl wasm_extern_t {
    /// A handle to `e` (not to be made while a `StoreData::with` of the store runs).
    pub(crate) fn new(store: &Rc<StoreData>, e: Extern) -> wasm_extern_t {
        let kind = match e {
            Extern::Func(f) => store.with(|s| RefKind::func(s, f)),
            Extern::Global(g) => RefKind::Global(g),
            Extern::Table(t) => RefKind::Table(t),
            Extern::Memory(m) => RefKind::Memory(m),
        };
        wasm_extern_t { r: wasm_ref_t::new(store, kind) }
    }

    pub(crate) fn to_extern(&self) -> Option<Extern> {
        Some(match self.r.kind {
            RefKind::Func(f, _) => Extern::Func(f),
            RefKind::Global(g) => Extern::Global(g),
            RefKind::Table(t) => Extern::Table(t),
            RefKind::Memory(m) => Extern::Memory(m),
            _ => return None,
        })
    }
}

/// The kind of an external; WASM_EXTERN_FUNC for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_kind(e: *const wasm_extern_t) -> wasm_externkind_t {
    guard(WASM_EXTERN_FUNC, || match e.as_ref().map(|e| &e.r.kind) {
        Some(RefKind::Global(_)) => WASM_EXTERN_GLOBAL,
        Some(RefKind::Table(_)) => WASM_EXTERN_TABLE,
        Some(RefKind::Memory(_)) => WASM_EXTERN_MEMORY,
        _ => WASM_EXTERN_FUNC,
    })
}

/// The type of an external (a new object); NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_type(e: *const wasm_extern_t) -> *mut wasm_externtype_t {
    guard(ptr::null_mut(), || {
        let Some(e) = e.as_ref() else { return ptr::null_mut() };
        let Some(store) = e.r.store.as_ref() else { return ptr::null_mut() };
        let ty = store.with(|s| match e.to_extern()? {
            Extern::Func(f) => s.func_type(f).map(wasm_externtype_t::func),
            Extern::Global(g) => s.global_type(g).map(wasm_externtype_t::global),
            Extern::Table(t) => s.table(t).map(|t| wasm_externtype_t::table(t.ty)),
            Extern::Memory(m) => s.memory(m).map(|m| wasm_externtype_t::memory(m.ty)),
        });
        ty.map_or(ptr::null_mut(), into_c)
    })
}

macro_rules! extern_casts {
    ($($t:ident: $as_extern:ident, $as_extern_const:ident, $extern_as:ident, $extern_as_const:ident, [$kind:pat];)*) => {$(
        /// The same handle viewed as an external (not a copy).
        #[no_mangle]
        pub extern "C" fn $as_extern(x: *mut $t) -> *mut wasm_extern_t {
            x as *mut wasm_extern_t
        }

        #[no_mangle]
        pub extern "C" fn $as_extern_const(x: *const $t) -> *const wasm_extern_t {
            x as *const wasm_extern_t
        }

        /// The external viewed as this kind, or NULL if it is another kind.
        #[no_mangle]
        pub unsafe extern "C" fn $extern_as(e: *mut wasm_extern_t) -> *mut $t {
            guard(ptr::null_mut(), || match e.as_ref() {
                Some(x) if matches!(x.r.kind, $kind) => e as *mut $t,
                _ => ptr::null_mut(),
            })
        }

        #[no_mangle]
        pub unsafe extern "C" fn $extern_as_const(e: *const wasm_extern_t) -> *const $t {
            $extern_as(e as *mut wasm_extern_t)
        }
    )*};
}

extern_casts! {
    wasm_func_t: wasm_func_as_extern, wasm_func_as_extern_const, wasm_extern_as_func, wasm_extern_as_func_const, [RefKind::Func(..)];
    wasm_global_t: wasm_global_as_extern, wasm_global_as_extern_const, wasm_extern_as_global, wasm_extern_as_global_const, [RefKind::Global(_)];
    wasm_table_t: wasm_table_as_extern, wasm_table_as_extern_const, wasm_extern_as_table, wasm_extern_as_table_const, [RefKind::Table(_)];
    wasm_memory_t: wasm_memory_as_extern, wasm_memory_as_extern_const, wasm_extern_as_memory, wasm_extern_as_memory_const, [RefKind::Memory(_)];
}
