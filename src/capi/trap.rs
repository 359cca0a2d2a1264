//! Traps (`wasm_trap_t`): a message, NUL-terminated in the C API, and a backtrace of frames.

use std::ptr;
use std::rc::Rc;

use super::frame::wasm_frame_t;
use super::object::{ref_type, wasm_ref_t, RefKind, TrapData};
use super::store::{wasm_store_t, StoreData};
use super::vec::{wasm_frame_vec_t, wasm_message_t};
use super::{guard, into_c};
use crate::runtime::{Instance, Trap};

ref_type!(
    wasm_trap_t,
    RefKind::Trap(_),
    wasm_trap_delete,
    wasm_trap_copy,
    wasm_trap_same,
    wasm_trap_get_host_info,
    wasm_trap_set_host_info,
    wasm_trap_set_host_info_with_finalizer,
    wasm_trap_as_ref,
    wasm_ref_as_trap,
    wasm_trap_as_ref_const,
    wasm_ref_as_trap_const
);

impl wasm_trap_t {
    pub(crate) fn new(store: &Rc<StoreData>, trap: Trap) -> wasm_trap_t {
        let mut instances: Vec<u32> = trap.frames.iter().map(|f| f.instance).collect();
        instances.sort_unstable();
        instances.dedup();
        let id = store.id();
        let instances = instances
            .into_iter()
            .map(|index| wasm_ref_t::new(store, RefKind::Instance(Instance { store: id, index })))
            .collect();
        let data = Rc::new(TrapData { trap, host_info: Default::default(), instances });
        wasm_trap_t { r: wasm_ref_t::new(store, RefKind::Trap(data)) }
    }

    /// A trap of no store, for failures without one (a call of a NULL function).
    pub(crate) fn without_store(trap: Trap) -> wasm_trap_t {
        let data = Rc::new(TrapData { trap, host_info: Default::default(), instances: Vec::new() });
        wasm_trap_t { r: wasm_ref_t { store: None, kind: RefKind::Trap(data) } }
    }

    pub(crate) fn trap(&self) -> &Trap {
        &self.data().trap
    }

    fn data(&self) -> &TrapData {
        match &self.r.kind {
            RefKind::Trap(t) => t,
            _ => unreachable!("a wasm_trap_t holds a trap"),
        }
    }
}

/// A trap raised by the host, with a message (which may or may not end in NUL). NULL if
/// `store` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_new(store: *mut wasm_store_t, message: *const wasm_message_t) -> *mut wasm_trap_t {
    guard(ptr::null_mut(), || {
        let Some(store) = store.as_ref() else { return ptr::null_mut() };
        let bytes = message.as_ref().map_or(&[][..], |m| m.bytes());
        let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
        into_c(wasm_trap_t::new(&store.data, Trap::host(String::from_utf8_lossy(bytes))))
    })
}

/// The trap's message, NUL-terminated. NULL arguments do nothing.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_message(trap: *const wasm_trap_t, out: *mut wasm_message_t) {
    guard((), || {
        if let (Some(t), false) = (trap.as_ref(), out.is_null()) {
            out.write(wasm_message_t::message(&t.trap().message));
        }
    })
}

/// The innermost frame, or NULL if the trap has no frames.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_origin(trap: *const wasm_trap_t) -> *mut wasm_frame_t {
    guard(ptr::null_mut(), || match trap.as_ref() {
        Some(t) => match t.trap().frames.first() {
            Some(f) => into_c(wasm_frame_t::new(t.data(), f)),
            None => ptr::null_mut(),
        },
        None => ptr::null_mut(),
    })
}

/// The backtrace, innermost frame first.
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_trace(trap: *const wasm_trap_t, out: *mut wasm_frame_vec_t) {
    guard((), || {
        if out.is_null() {
            return;
        }
        let frames = match trap.as_ref() {
            Some(t) => t.trap().frames.iter().map(|f| into_c(wasm_frame_t::new(t.data(), f))).collect(),
            None => Vec::new(),
        };
        out.write(wasm_frame_vec_t::from_vec(frames));
    })
}
