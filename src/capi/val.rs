//! `wasm_val_t`: a kind byte and an 8-byte union; references are owned `wasm_ref_t*` (NULL is
//! the null reference). Conversions to and from the runtime's values.

use std::ptr;
use std::rc::Rc;

use super::guard;
use super::into_c;
use super::object::{wasm_ref_t, ExternPayload, RefKind, SendRef};
use super::store::StoreData;
use super::types::{kind_of, WASM_EXTERNREF, WASM_F32, WASM_F64, WASM_FUNCREF, WASM_I32, WASM_I64};
use super::vec::Element;
use crate::runtime::{Store, Val};
use crate::types::ValType;

#[repr(C)]
#[derive(Clone, Copy)]
pub union wasm_val_union {
    pub i32: i32,
    pub i64: i64,
    pub f32: f32,
    pub f64: f64,
    pub ref_: *mut wasm_ref_t,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasm_val_t {
    pub kind: u8,
    pub of: wasm_val_union,
}

impl wasm_val_t {
    fn is_ref(&self) -> bool {
        self.kind == WASM_EXTERNREF || self.kind == WASM_FUNCREF
    }

    /// The runtime value, or None if the value does not belong to `store` or is malformed.
    ///
    /// SAFETY (for callers): a reference value holds NULL or a valid `wasm_ref_t`.
    #[inline(always)]
    pub(crate) unsafe fn runtime_val(self, store: &mut Store) -> Option<Val> {
        match self.kind {
            WASM_I32 => Some(Val::I32(self.of.i32)),
            WASM_I64 => Some(Val::I64(self.of.i64)),
            WASM_F32 => Some(Val::F32(self.of.f32.to_bits())),
            WASM_F64 => Some(Val::F64(self.of.f64.to_bits())),
            _ => self.runtime_ref(store),
        }
    }

    /// `runtime_val` of a reference value.
    ///
    /// SAFETY (for callers): as for `runtime_val`.
    unsafe fn runtime_ref(self, store: &mut Store) -> Option<Val> {
        Some(match self.kind {
            WASM_FUNCREF => match self.of.ref_.as_ref() {
                None => Val::FuncRef(None),
                Some(r) => match r.kind {
                    RefKind::Func(f, _) if store.id() == f.store_id() => Val::FuncRef(Some(f)),
                    _ => return None,
                },
            },
            WASM_EXTERNREF => match self.of.ref_.as_ref() {
                None => Val::ExternRef(None),
                Some(r) => match &r.kind {
                    RefKind::Foreign(e) if store.id() == e.store_id() => Val::ExternRef(Some(*e)),
                    RefKind::Module(_) => Val::ExternRef(Some(
                        store.new_extern_ref(Box::new(ExternPayload::Ref(SendRef(r.kind.clone())))),
                    )),
                    kind => {
                        if r.store.as_ref().is_none_or(|s| s.id() != store.id()) {
                            return None;
                        }
                        Val::ExternRef(Some(store.new_extern_ref(Box::new(ExternPayload::Ref(SendRef(kind.clone()))))))
                    }
                },
            },
            _ => return None,
        })
    }

    /// The C value of a runtime value; references become new handles.
    #[inline(always)]
    pub(crate) fn from_val(v: Val, data: &Rc<StoreData>, store: &Store) -> wasm_val_t {
        match v {
            Val::I32(x) => wasm_val_t { kind: WASM_I32, of: wasm_val_union { i32: x } },
            Val::I64(x) => wasm_val_t { kind: WASM_I64, of: wasm_val_union { i64: x } },
            Val::F32(x) => wasm_val_t { kind: WASM_F32, of: wasm_val_union { f32: f32::from_bits(x) } },
            Val::F64(x) => wasm_val_t { kind: WASM_F64, of: wasm_val_union { f64: f64::from_bits(x) } },
            _ => wasm_val_t::from_ref(v, data, store),
        }
    }

    /// Makes this the C value of raw value `raw` of type `t` (`Store::call_raw`), field by
    /// field (a 16-byte copy of a value just built would wait for its two stores to reach the
    /// cache); a reference becomes a new handle.
    #[inline(always)]
    pub(crate) fn set_raw(&mut self, t: ValType, raw: u128, data: &Rc<StoreData>, store: &Store) {
        match t {
            // A number's raw bits are its C value's, zero-extended to the union's 8 bytes.
            ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64 => {
                (self.kind, self.of.i64) = (kind_of(t), raw as i64);
            }
            _ => *self = wasm_val_t::from_ref(Val::from_raw(store.id(), t, raw), data, store),
        }
    }

    /// The raw encoding of this value if it is of type `t` and belongs to `store`.
    ///
    /// SAFETY (for callers): as for `runtime_val`.
    #[inline(always)]
    pub(crate) unsafe fn raw_of(&self, t: ValType, store: &mut Store) -> Option<u128> {
        let kind = kind_of(t);
        if self.kind != kind {
            return None;
        }
        // A number's raw encoding is its bits, zero-extended: the union's low 4 bytes for the
        // 32-bit kinds, its 8 bytes for the 64-bit ones.
        const _: () = assert!(WASM_I32 == 0 && WASM_I64 == 1 && WASM_F32 == 2 && WASM_F64 == 3);
        if kind <= WASM_F64 {
            let narrow = matches!(kind, WASM_I32 | WASM_F32);
            return Some(if narrow { self.of.i32 as u32 as u128 } else { self.of.i64 as u64 as u128 });
        }
        self.runtime_ref(store).map(Val::to_raw)
    }

    /// `from_val` of any other value.
    fn from_ref(v: Val, data: &Rc<StoreData>, store: &Store) -> wasm_val_t {
        let (kind, of) = match v {
            Val::I32(_) | Val::I64(_) | Val::F32(_) | Val::F64(_) => unreachable!("from_val converts numbers"),
            Val::V128(_) => (kind_of(ValType::V128), wasm_val_union { i64: 0 }),
            Val::FuncRef(f) => {
                let r = f.map_or(ptr::null_mut(), |f| into_c(wasm_ref_t::new(data, RefKind::func(store, f))));
                (WASM_FUNCREF, wasm_val_union { ref_: r })
            }
            Val::ExternRef(e) => {
                let r = match e {
                    None => ptr::null_mut(),
                    Some(e) => {
                        let kind = match store.extern_ref_data(e).and_then(|d| d.downcast_ref::<ExternPayload>()) {
                            Some(ExternPayload::Ref(SendRef(kind))) => kind.clone(),
                            _ => RefKind::Foreign(e),
                        };
                        into_c(wasm_ref_t::new(data, kind))
                    }
                };
                (WASM_EXTERNREF, wasm_val_union { ref_: r })
            }
        };
        wasm_val_t { kind, of }
    }
}

impl Element for wasm_val_t {
    fn blank() -> Self {
        // SAFETY: all zeros is a valid value, an i32 0 (WASM_I32 is 0); written as zeros, padding
        // included, so that buffers of blank values fill with wide stores.
        const _: () = assert!(WASM_I32 == 0);
        unsafe { std::mem::zeroed() }
    }

    unsafe fn copy(&self) -> Self {
        let mut v = *self;
        if self.is_ref() {
            v.of.ref_ = match self.of.ref_.as_ref() {
                Some(r) => into_c(r.clone_handle()),
                None => ptr::null_mut(),
            };
        }
        v
    }

    unsafe fn delete(self) {
        if self.is_ref() {
            super::object::wasm_ref_delete(self.of.ref_);
        }
    }
}

/// Deletes the reference a value owns, if any. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasm_val_delete(v: *mut wasm_val_t) {
    guard((), || {
        if let Some(v) = v.as_mut() {
            v.delete();
            v.of.ref_ = ptr::null_mut();
        }
    })
}

/// Copies a value into `out` (a reference gets a new handle). NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasm_val_copy(out: *mut wasm_val_t, v: *const wasm_val_t) {
    guard((), || {
        if let (false, Some(v)) = (out.is_null(), v.as_ref()) {
            out.write(v.copy());
        }
    })
}
