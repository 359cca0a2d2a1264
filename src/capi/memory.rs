//! Memory instances (`wasm_memory_t`), including host-side growth.

use std::os::raw::c_char;
use std::ptr;

use super::object::{ref_type, wasm_ref_t, RefKind};
use super::store::wasm_store_t;
use super::types::{wasm_externtype_t, wasm_memorytype_t};
use super::{guard, into_c};
use crate::runtime::Memory;

ref_type!(
    wasm_memory_t,
    RefKind::Memory(_),
    wasm_memory_delete,
    wasm_memory_copy,
    wasm_memory_same,
    wasm_memory_get_host_info,
    wasm_memory_set_host_info,
    wasm_memory_set_host_info_with_finalizer,
    wasm_memory_as_ref,
    wasm_ref_as_memory,
    wasm_memory_as_ref_const,
    wasm_ref_as_memory_const
);

pub type wasm_memory_pages_t = u32;

impl wasm_memory_t {
    fn memory(&self) -> Memory {
        match self.r.kind {
            RefKind::Memory(m) => m,
            _ => unreachable!("a wasm_memory_t holds a memory"),
        }
    }
}

/// A new memory of the type; NULL if it cannot be created (limits, address space) or for NULL
/// arguments.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_new(store: *mut wasm_store_t, ty: *const wasm_memorytype_t) -> *mut wasm_memory_t {
    guard(ptr::null_mut(), || {
        let (Some(store), Some(ty)) = (store.as_ref(), ty.as_ref().and_then(|t| t.ext.to_memory_type())) else {
            return ptr::null_mut();
        };
        if ty.limits.min > 65536 || ty.limits.max.is_some_and(|m| m > 65536 || m < ty.limits.min) {
            return ptr::null_mut();
        }
        let m = store.data.with(|s| s.new_memory(ty));
        m.map_or(ptr::null_mut(), |m| into_c(wasm_memory_t { r: wasm_ref_t::new(&store.data, RefKind::Memory(m)) }))
    })
}

/// The memory's type (a new object, with its current size as minimum); NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_type(m: *const wasm_memory_t) -> *mut wasm_memorytype_t {
    guard(ptr::null_mut(), || {
        let Some(m) = m.as_ref() else { return ptr::null_mut() };
        let store = m.r.store.as_ref().expect("memories belong to a store");
        let ty = store.with(|s| {
            s.memory(m.memory()).map(|mem| {
                let mut ty = mem.ty;
                ty.limits.min = mem.pages();
                ty
            })
        });
        ty.map_or(ptr::null_mut(), |ty| into_c(wasm_memorytype_t { ext: wasm_externtype_t::memory(ty) }))
    })
}

/// The memory's bytes: valid until the memory grows or its store goes away; NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data(m: *mut wasm_memory_t) -> *mut c_char {
    guard(ptr::null_mut(), || {
        let Some(m) = m.as_ref() else { return ptr::null_mut() };
        let store = m.r.store.as_ref().expect("memories belong to a store");
        store.with(|s| s.memory(m.memory()).map_or(ptr::null_mut(), |mem| mem.base() as *mut c_char))
    })
}

/// The memory's size in bytes; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data_size(m: *const wasm_memory_t) -> usize {
    guard(0, || {
        let Some(m) = m.as_ref() else { return 0 };
        let store = m.r.store.as_ref().expect("memories belong to a store");
        store.with(|s| s.memory(m.memory()).map_or(0, |mem| mem.len()))
    })
}

/// The memory's size in pages; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_size(m: *const wasm_memory_t) -> wasm_memory_pages_t {
    guard(0, || {
        let Some(m) = m.as_ref() else { return 0 };
        let store = m.r.store.as_ref().expect("memories belong to a store");
        store.with(|s| s.memory(m.memory()).map_or(0, |mem| mem.pages() as u32))
    })
}

/// Grows the memory by `delta` pages; false past its maximum or for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_grow(m: *mut wasm_memory_t, delta: wasm_memory_pages_t) -> bool {
    guard(false, || {
        let Some(m) = m.as_ref() else { return false };
        let store = m.r.store.as_ref().expect("memories belong to a store");
        store.with(|s| s.memory_mut(m.memory()).is_some_and(|mem| mem.grow(delta as u64).is_some()))
    })
}
