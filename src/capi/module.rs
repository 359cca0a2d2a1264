//! Modules (`wasm_module_t`): compile, validate, reflect imports and exports, serialize,
//! and share across stores and threads of one engine.

use std::cell::RefCell;
use std::ptr;
use std::sync::{Arc, Mutex};

use super::object::{ref_type, wasm_ref_t, ModuleData, RefKind};
use super::store::wasm_store_t;
use super::types::{wasm_exporttype_t, wasm_externtype_t, wasm_importtype_t};
use super::vec::{wasm_byte_vec_t, wasm_exporttype_vec_t, wasm_importtype_vec_t};
use super::{from_c, guard, into_c};
use crate::runtime::CompiledModule;
use crate::types::ExternKind;
use crate::Module;

ref_type!(
    wasm_module_t,
    RefKind::Module(_),
    wasm_module_delete,
    wasm_module_copy,
    wasm_module_same,
    wasm_module_get_host_info,
    wasm_module_set_host_info,
    wasm_module_set_host_info_with_finalizer,
    wasm_module_as_ref,
    wasm_ref_as_module,
    wasm_module_as_ref_const,
    wasm_ref_as_module_const
);

/// A module shared across threads (`wasm_module_share` / `wasm_module_obtain`).
pub struct wasm_shared_module_t {
    data: Arc<ModuleData>,
}

thread_local! {
    /// Why the last `wasm_module_new` / `wasm_module_validate` / `wasm_module_deserialize`
    /// on this thread failed (see `wasmrt_last_error_message`).
    pub(crate) static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

pub(crate) fn set_last_error(message: String) {
    LAST_ERROR.with(|e| *e.borrow_mut() = message);
}

impl wasm_module_t {
    fn new(data: Arc<ModuleData>) -> wasm_module_t {
        wasm_module_t { r: wasm_ref_t { store: None, kind: RefKind::Module(data) } }
    }

    pub(crate) fn data(&self) -> &Arc<ModuleData> {
        match &self.r.kind {
            RefKind::Module(m) => m,
            _ => unreachable!("a wasm_module_t holds a module"),
        }
    }
}

fn compile(store: &wasm_store_t, bytes: &[u8]) -> *mut wasm_module_t {
    let engine = store.data.with(|s| s.engine().clone());
    match CompiledModule::new(&engine, bytes) {
        Ok(compiled) => into_c(wasm_module_t::new(Arc::new(ModuleData { compiled, host_info: Mutex::new(None) }))),
        Err(e) => {
            set_last_error(e.to_string());
            ptr::null_mut()
        }
    }
}

/// Compiles a module for the store's engine; NULL if it is malformed or invalid (the reason:
/// `wasmrt_last_error_message`) or an argument is NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    guard(ptr::null_mut(), || match (store.as_ref(), binary.as_ref()) {
        (Some(store), Some(binary)) => compile(store, binary.bytes()),
        _ => ptr::null_mut(),
    })
}

/// Whether the bytes are a valid module for the store's engine (the reason if not:
/// `wasmrt_last_error_message`). False for NULL arguments.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_validate(store: *mut wasm_store_t, binary: *const wasm_byte_vec_t) -> bool {
    guard(false, || match (store.as_ref(), binary.as_ref()) {
        (Some(store), Some(binary)) => {
            let features = store.data.with(|s| s.engine().config().features);
            match Module::new(binary.bytes(), &features) {
                Ok(_) => true,
                Err(e) => {
                    set_last_error(e.to_string());
                    false
                }
            }
        }
        _ => false,
    })
}

/// The module's imports, in order.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_imports(module: *const wasm_module_t, out: *mut wasm_importtype_vec_t) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let imports = match module.as_ref() {
            Some(m) => {
                let m = &m.data().compiled.module;
                m.raw
                    .imports
                    .iter()
                    .map(|i| {
                        into_c(wasm_importtype_t::new(
                            &i.module,
                            &i.name,
                            wasm_externtype_t::import(&i.ty, &m.raw.types),
                        ))
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        out.write(wasm_importtype_vec_t::from_vec(imports));
    })
}

/// The module's exports, in order.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_exports(module: *const wasm_module_t, out: *mut wasm_exporttype_vec_t) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let exports = match module.as_ref() {
            Some(m) => {
                let m = &m.data().compiled.module;
                m.raw
                    .exports
                    .iter()
                    .map(|e| {
                        let i = e.index as usize;
                        let ty = match e.kind {
                            ExternKind::Func => wasm_externtype_t::func(m.func_type(e.index)),
                            ExternKind::Table => wasm_externtype_t::table(m.tables[i]),
                            ExternKind::Memory => wasm_externtype_t::memory(m.memories[i]),
                            ExternKind::Global => wasm_externtype_t::global(m.globals[i]),
                        };
                        into_c(wasm_exporttype_t::new(&e.name, ty))
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        out.write(wasm_exporttype_vec_t::from_vec(exports));
    })
}

/// Serialized modules: this header, a checksum of the rest, then the module's binary.
const SERIALIZED_MAGIC: &[u8; 8] = b"wasmrt\x00\x01";

/// FNV-1a: detects accidental corruption of serialized modules.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// Serializes a module so `wasm_module_deserialize` can restore it.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_serialize(module: *const wasm_module_t, out: *mut wasm_byte_vec_t) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let bytes = match module.as_ref() {
            Some(m) => {
                let binary = &m.data().compiled.module.bytes;
                let mut v = SERIALIZED_MAGIC.to_vec();
                v.extend_from_slice(&checksum(binary).to_le_bytes());
                v.extend_from_slice(binary);
                v.into_iter().map(|b| b as std::os::raw::c_char).collect()
            }
            None => Vec::new(),
        };
        out.write(wasm_byte_vec_t::from_vec(bytes));
    })
}

/// Restores a serialized module for the store's engine; NULL for bytes this library did not
/// produce, corrupted bytes, or NULL arguments.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_deserialize(
    store: *mut wasm_store_t,
    bytes: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    guard(ptr::null_mut(), || {
        let (Some(store), Some(bytes)) = (store.as_ref(), bytes.as_ref()) else { return ptr::null_mut() };
        let bytes = bytes.bytes();
        let header = SERIALIZED_MAGIC.len() + 8;
        if bytes.len() < header || &bytes[..SERIALIZED_MAGIC.len()] != SERIALIZED_MAGIC {
            set_last_error("not a module serialized by wasmrt".into());
            return ptr::null_mut();
        }
        let sum = u64::from_le_bytes(bytes[SERIALIZED_MAGIC.len()..header].try_into().expect("8 bytes"));
        let binary = &bytes[header..];
        if checksum(binary) != sum {
            set_last_error("serialized module is corrupted (checksum mismatch)".into());
            return ptr::null_mut();
        }
        compile(store, binary)
    })
}

/// A handle that another thread may turn into a module with `wasm_module_obtain`.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_share(module: *const wasm_module_t) -> *mut wasm_shared_module_t {
    guard(ptr::null_mut(), || match module.as_ref() {
        Some(m) => into_c(wasm_shared_module_t { data: m.data().clone() }),
        None => ptr::null_mut(),
    })
}

/// The shared module as a module of `store`; NULL if the store's engine is not the one the
/// module was compiled for, or for NULL arguments.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_obtain(
    store: *mut wasm_store_t,
    shared: *const wasm_shared_module_t,
) -> *mut wasm_module_t {
    guard(ptr::null_mut(), || match (store.as_ref(), shared.as_ref()) {
        (Some(store), Some(shared)) if store.data.with(|s| s.engine().id()) == shared.data.compiled.engine_id => {
            into_c(wasm_module_t::new(shared.data.clone()))
        }
        _ => ptr::null_mut(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_shared_module_delete(shared: *mut wasm_shared_module_t) {
    guard((), || drop(from_c(shared)))
}
