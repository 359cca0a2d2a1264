//! Frames of a trap's backtrace (`wasm_frame_t`).

use std::ptr;

use super::instance::wasm_instance_t;
use super::object::{RefKind, TrapData};
use super::{from_c, guard, into_c};
use crate::runtime::trap::Frame;

pub struct wasm_frame_t {
    pub(crate) frame: Frame,
    /// A handle to the frame's instance, owned by the frame.
    instance: Option<Box<wasm_instance_t>>,
}

impl wasm_frame_t {
    /// A frame of `trap`'s backtrace, with a new handle to its instance (None for a trap made
    /// without a store).
    pub(crate) fn new(trap: &TrapData, frame: &Frame) -> wasm_frame_t {
        let instance =
            trap.instances.iter().find(|r| matches!(r.kind, RefKind::Instance(i) if i.index() == frame.instance));
        wasm_frame_t {
            frame: frame.clone(),
            instance: instance.map(|r| Box::new(wasm_instance_t { r: r.clone_handle() })),
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_delete(f: *mut wasm_frame_t) {
    guard((), || drop(from_c(f)))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_copy(f: *const wasm_frame_t) -> *mut wasm_frame_t {
    guard(ptr::null_mut(), || match f.as_ref() {
        Some(f) => into_c(wasm_frame_t {
            frame: f.frame.clone(),
            instance: f.instance.as_ref().map(|i| Box::new(i.clone_handle())),
        }),
        None => ptr::null_mut(),
    })
}

/// The instance the frame ran in (owned by the frame); NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_instance(f: *const wasm_frame_t) -> *mut wasm_instance_t {
    guard(ptr::null_mut(), || match f.as_ref().and_then(|f| f.instance.as_ref()) {
        Some(i) => &**i as *const wasm_instance_t as *mut wasm_instance_t,
        None => ptr::null_mut(),
    })
}

/// The function's index in its module; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_index(f: *const wasm_frame_t) -> u32 {
    f.as_ref().map_or(0, |f| f.frame.func_index)
}

/// Byte offset of the instruction from the start of the function body; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_func_offset(f: *const wasm_frame_t) -> usize {
    f.as_ref().map_or(0, |f| f.frame.func_offset)
}

/// Byte offset of the instruction from the start of the module; 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_module_offset(f: *const wasm_frame_t) -> usize {
    f.as_ref().map_or(0, |f| f.frame.module_offset)
}
