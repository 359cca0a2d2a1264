//! Module instances (`wasm_instance_t`).

use std::ptr;

use super::extern_::wasm_extern_t;
use super::module::wasm_module_t;
use super::object::{ref_type, wasm_ref_t, RefKind};
use super::store::wasm_store_t;
use super::trap::wasm_trap_t;
use super::vec::wasm_extern_vec_t;
use super::{guard, into_c};
use crate::runtime::{Extern, Instance, InstantiationError, Trap};

ref_type!(
    wasm_instance_t,
    RefKind::Instance(_),
    wasm_instance_delete,
    wasm_instance_copy,
    wasm_instance_same,
    wasm_instance_get_host_info,
    wasm_instance_set_host_info,
    wasm_instance_set_host_info_with_finalizer,
    wasm_instance_as_ref,
    wasm_ref_as_instance,
    wasm_instance_as_ref_const,
    wasm_ref_as_instance_const
);

impl wasm_instance_t {
    fn instance(&self) -> Instance {
        match self.r.kind {
            RefKind::Instance(i) => i,
            _ => unreachable!("a wasm_instance_t holds an instance"),
        }
    }
}

/// Instantiates a module with `imports` in the module's import order. On failure returns NULL
/// and, if `trap` is not NULL, stores a trap there saying why (a missing or mismatched import,
/// a segment out of bounds, a trapping start function).
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_new(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    imports: *const wasm_extern_vec_t,
    trap: *mut *mut wasm_trap_t,
) -> *mut wasm_instance_t {
    guard(ptr::null_mut(), || {
        let (Some(store), Some(module)) = (store.as_ref(), module.as_ref()) else { return ptr::null_mut() };
        let data = &store.data;
        let fail = |t: Trap| {
            if !trap.is_null() {
                trap.write(into_c(wasm_trap_t::new(data, t)));
            }
            ptr::null_mut()
        };
        let mut externs = Vec::new();
        for (i, e) in imports.as_ref().map_or(&[][..], |v| v.as_slice()).iter().enumerate() {
            match e.as_ref().and_then(|e| e.to_extern()) {
                Some(x) => externs.push(x),
                None => return fail(Trap::host(format!("import {i} is NULL or not an external"))),
            }
        }
        let compiled = module.data().compiled.clone();
        match data.with(|s| s.instantiate(&compiled, &externs)) {
            Ok(i) => into_c(wasm_instance_t { r: wasm_ref_t::new(data, RefKind::Instance(i)) }),
            Err(InstantiationError::Trap(t)) => fail(t),
            Err(e) => fail(Trap::host(e.to_string())),
        }
    })
}

/// The instance's exports, in the module's export order (new handles).
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_exports(instance: *const wasm_instance_t, out: *mut wasm_extern_vec_t) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let exports: Vec<*mut wasm_extern_t> = match instance.as_ref() {
            Some(i) => {
                let data = i.r.store.as_ref().expect("instances belong to a store");
                let externs: Vec<Extern> = data.with(|s| {
                    s.instance_exports(i.instance()).map(|e| e.iter().map(|(_, x)| *x).collect()).unwrap_or_default()
                });
                externs.into_iter().map(|x| into_c(wasm_extern_t::new(data, x))).collect()
            }
            None => Vec::new(),
        };
        out.write(wasm_extern_vec_t::from_vec(exports));
    })
}
