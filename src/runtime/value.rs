//! Values crossing the runtime boundary, and their raw slot encoding inside the store.
//!
//! Inside the store every value is raw bits: numbers as their bit patterns, `funcref` as the
//! store's function index plus one, `externref` as the store's extern index plus one, zero
//! being null in both cases.

use super::store::{ExternRef, Func, StoreId};
use crate::types::ValType;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    /// The bits of an f32.
    F32(u32),
    /// The bits of an f64.
    F64(u64),
    V128(u128),
    FuncRef(Option<Func>),
    ExternRef(Option<ExternRef>),
}

impl Val {
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The zero value of a type (null for references).
    pub fn default_of(t: ValType) -> Val {
        match t {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
        }
    }

    /// Whether this is a reference to an object (not null, not a number).
    pub fn is_non_null_ref(&self) -> bool {
        matches!(self, Val::FuncRef(Some(_)) | Val::ExternRef(Some(_)))
    }

    /// The raw encoding of this value inside its store.
    pub(crate) fn to_raw(self) -> u128 {
        match self {
            Val::I32(v) => v as u32 as u128,
            Val::I64(v) => v as u64 as u128,
            Val::F32(v) => v as u128,
            Val::F64(v) => v as u128,
            Val::V128(v) => v,
            Val::FuncRef(f) => f.map_or(0, |f| f.index as u128 + 1),
            Val::ExternRef(e) => e.map_or(0, |e| e.index as u128 + 1),
        }
    }

    pub(crate) fn from_raw(store: StoreId, t: ValType, raw: u128) -> Val {
        match t {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::I64 => Val::I64(raw as u64 as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 => Val::F64(raw as u64),
            ValType::V128 => Val::V128(raw),
            ValType::FuncRef => Val::FuncRef((raw != 0).then(|| Func { store, index: raw as u32 - 1 })),
            ValType::ExternRef => Val::ExternRef((raw != 0).then(|| ExternRef { store, index: raw as u32 - 1 })),
        }
    }
}

/// Room for a call's values (runtime values, C values, raw slots): on the stack for up to `N`,
/// on the heap beyond, so that calls of small signatures allocate nothing.
pub(crate) struct StackBuf<T: Copy, const N: usize> {
    inline: [T; N],
    heap: Vec<T>,
}

impl<T: Copy, const N: usize> StackBuf<T, N> {
    /// A buffer whose values start as `blank`.
    #[inline(always)]
    pub(crate) fn new(blank: T) -> Self {
        StackBuf { inline: [blank; N], heap: Vec::new() }
    }

    /// `len` values, each `blank` or as last written (take one slice per buffer).
    #[inline]
    pub(crate) fn slice(&mut self, len: usize) -> &mut [T] {
        if len <= N {
            &mut self.inline[..len]
        } else {
            self.heap.resize(len, self.inline[0]);
            &mut self.heap
        }
    }
}

/// Room for a call's arguments or results.
pub(crate) type ValBuf = StackBuf<Val, 8>;

/// Room for a call's raw arguments and results (`Store::call_raw`).
pub(crate) type RawBuf = StackBuf<u128, 8>;

impl ValBuf {
    /// The zero values of `types`.
    #[inline]
    pub(crate) fn defaults(&mut self, types: &[ValType]) -> &mut [Val] {
        let values = self.slice(types.len());
        for (v, &t) in values.iter_mut().zip(types) {
            *v = Val::default_of(t);
        }
        values
    }
}
