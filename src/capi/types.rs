//! Type representations: value, function, global, table, memory, extern, import and export
//! types. Function, global, table and memory types are extern types of one kind, so the
//! `*_as_externtype` conversions are pointer casts.

use std::ptr;

use super::vec::{wasm_name_t, wasm_valtype_vec_t};
use super::{from_c, guard, into_c};
use crate::types::{FuncType, GlobalType, ImportType, Limits, MemoryType, RefType, TableType, ValType};

pub type wasm_valkind_t = u8;
pub const WASM_I32: wasm_valkind_t = 0;
pub const WASM_I64: wasm_valkind_t = 1;
pub const WASM_F32: wasm_valkind_t = 2;
pub const WASM_F64: wasm_valkind_t = 3;
/// wasmrt extension: the v128 value type (values of this type cannot cross the C API).
pub const WASMRT_V128: wasm_valkind_t = 4;
pub const WASM_EXTERNREF: wasm_valkind_t = 128;
pub const WASM_FUNCREF: wasm_valkind_t = 129;

pub type wasm_mutability_t = u8;
pub const WASM_CONST: wasm_mutability_t = 0;
pub const WASM_VAR: wasm_mutability_t = 1;

pub type wasm_externkind_t = u8;
pub const WASM_EXTERN_FUNC: wasm_externkind_t = 0;
pub const WASM_EXTERN_GLOBAL: wasm_externkind_t = 1;
pub const WASM_EXTERN_TABLE: wasm_externkind_t = 2;
pub const WASM_EXTERN_MEMORY: wasm_externkind_t = 3;

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasm_limits_t {
    pub min: u32,
    pub max: u32,
}

/// `max` value meaning "no maximum".
pub const WASM_LIMITS_MAX_DEFAULT: u32 = 0xffff_ffff;

impl wasm_limits_t {
    pub(crate) fn from_limits(l: Limits) -> wasm_limits_t {
        wasm_limits_t { min: l.min as u32, max: l.max.map_or(WASM_LIMITS_MAX_DEFAULT, |m| m as u32) }
    }

    pub(crate) fn to_limits(self) -> Limits {
        Limits { min: self.min as u64, max: (self.max != WASM_LIMITS_MAX_DEFAULT).then_some(self.max as u64) }
    }
}

pub struct wasm_valtype_t {
    pub(crate) ty: ValType,
}

pub(crate) fn kind_of(t: ValType) -> wasm_valkind_t {
    match t {
        ValType::I32 => WASM_I32,
        ValType::I64 => WASM_I64,
        ValType::F32 => WASM_F32,
        ValType::F64 => WASM_F64,
        ValType::V128 => WASMRT_V128,
        ValType::ExternRef => WASM_EXTERNREF,
        ValType::FuncRef => WASM_FUNCREF,
    }
}

pub(crate) fn type_of(kind: wasm_valkind_t) -> Option<ValType> {
    Some(match kind {
        WASM_I32 => ValType::I32,
        WASM_I64 => ValType::I64,
        WASM_F32 => ValType::F32,
        WASM_F64 => ValType::F64,
        WASMRT_V128 => ValType::V128,
        WASM_EXTERNREF => ValType::ExternRef,
        WASM_FUNCREF => ValType::FuncRef,
        _ => return None,
    })
}

/// A new value type; NULL for an unknown kind.
#[no_mangle]
pub extern "C" fn wasm_valtype_new(kind: wasm_valkind_t) -> *mut wasm_valtype_t {
    guard(ptr::null_mut(), || type_of(kind).map_or(ptr::null_mut(), |ty| into_c(wasm_valtype_t { ty })))
}

/// The kind of a value type; WASM_I32 for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_kind(t: *const wasm_valtype_t) -> wasm_valkind_t {
    guard(WASM_I32, || t.as_ref().map_or(WASM_I32, |t| kind_of(t.ty)))
}

pub(crate) enum ExternTypeData {
    Func { params: wasm_valtype_vec_t, results: wasm_valtype_vec_t },
    Global { content: wasm_valtype_t, mutability: wasm_mutability_t },
    Table { element: wasm_valtype_t, limits: wasm_limits_t },
    Memory { limits: wasm_limits_t },
}

pub struct wasm_externtype_t {
    pub(crate) data: ExternTypeData,
}

macro_rules! extern_kind_type {
    ($($t:ident;)*) => {$(
        #[repr(transparent)]
        pub struct $t {
            pub(crate) ext: wasm_externtype_t,
        }
    )*};
}

extern_kind_type! {
    wasm_functype_t;
    wasm_globaltype_t;
    wasm_tabletype_t;
    wasm_memorytype_t;
}

fn valtype_vec(types: &[ValType]) -> wasm_valtype_vec_t {
    wasm_valtype_vec_t::from_vec(types.iter().map(|&ty| into_c(wasm_valtype_t { ty })).collect())
}

impl wasm_externtype_t {
    pub(crate) fn func(ft: &FuncType) -> wasm_externtype_t {
        wasm_externtype_t {
            data: ExternTypeData::Func { params: valtype_vec(ft.params()), results: valtype_vec(ft.results()) },
        }
    }

    pub(crate) fn global(g: GlobalType) -> wasm_externtype_t {
        let mutability = if g.mutable { WASM_VAR } else { WASM_CONST };
        wasm_externtype_t { data: ExternTypeData::Global { content: wasm_valtype_t { ty: g.content }, mutability } }
    }

    pub(crate) fn table(t: TableType) -> wasm_externtype_t {
        let element = wasm_valtype_t { ty: t.element.into() };
        wasm_externtype_t { data: ExternTypeData::Table { element, limits: wasm_limits_t::from_limits(t.limits) } }
    }

    pub(crate) fn memory(m: MemoryType) -> wasm_externtype_t {
        wasm_externtype_t { data: ExternTypeData::Memory { limits: wasm_limits_t::from_limits(m.limits) } }
    }

    pub(crate) fn import(ty: &ImportType, types: &[std::sync::Arc<FuncType>]) -> wasm_externtype_t {
        match *ty {
            ImportType::Func(t) => wasm_externtype_t::func(&types[t as usize]),
            ImportType::Table(t) => wasm_externtype_t::table(t),
            ImportType::Memory(m) => wasm_externtype_t::memory(m),
            ImportType::Global(g) => wasm_externtype_t::global(g),
        }
    }

    /// The runtime function type. SAFETY: the vectors are valid.
    pub(crate) unsafe fn to_func_type(&self) -> Option<FuncType> {
        match &self.data {
            ExternTypeData::Func { params, results } => {
                let collect = |v: &wasm_valtype_vec_t| {
                    v.as_slice().iter().map(|p| p.as_ref().map(|t| t.ty)).collect::<Option<Vec<_>>>()
                };
                Some(FuncType::new(&collect(params)?, &collect(results)?))
            }
            _ => None,
        }
    }

    pub(crate) fn to_global_type(&self) -> Option<GlobalType> {
        match &self.data {
            ExternTypeData::Global { content, mutability } => {
                Some(GlobalType { content: content.ty, mutable: *mutability == WASM_VAR })
            }
            _ => None,
        }
    }

    pub(crate) fn to_table_type(&self) -> Option<TableType> {
        match &self.data {
            ExternTypeData::Table { element, limits } => {
                let element = match element.ty {
                    ValType::FuncRef => RefType::FuncRef,
                    ValType::ExternRef => RefType::ExternRef,
                    _ => return None,
                };
                Some(TableType { element, limits: limits.to_limits() })
            }
            _ => None,
        }
    }

    pub(crate) fn to_memory_type(&self) -> Option<MemoryType> {
        match &self.data {
            ExternTypeData::Memory { limits } => {
                Some(MemoryType { limits: limits.to_limits(), shared: false, memory64: false })
            }
            _ => None,
        }
    }

    fn kind(&self) -> wasm_externkind_t {
        match self.data {
            ExternTypeData::Func { .. } => WASM_EXTERN_FUNC,
            ExternTypeData::Global { .. } => WASM_EXTERN_GLOBAL,
            ExternTypeData::Table { .. } => WASM_EXTERN_TABLE,
            ExternTypeData::Memory { .. } => WASM_EXTERN_MEMORY,
        }
    }

    unsafe fn deep_copy(&self) -> wasm_externtype_t {
        let data = match &self.data {
            ExternTypeData::Func { params, results } => {
                let copy = |v: &wasm_valtype_vec_t| {
                    wasm_valtype_vec_t::from_vec(
                        v.as_slice()
                            .iter()
                            .map(
                                |p| if p.is_null() { ptr::null_mut() } else { into_c(wasm_valtype_t { ty: (**p).ty }) },
                            )
                            .collect(),
                    )
                };
                ExternTypeData::Func { params: copy(params), results: copy(results) }
            }
            ExternTypeData::Global { content, mutability } => {
                ExternTypeData::Global { content: wasm_valtype_t { ty: content.ty }, mutability: *mutability }
            }
            ExternTypeData::Table { element, limits } => {
                ExternTypeData::Table { element: wasm_valtype_t { ty: element.ty }, limits: *limits }
            }
            ExternTypeData::Memory { limits } => ExternTypeData::Memory { limits: *limits },
        };
        wasm_externtype_t { data }
    }
}

impl Drop for wasm_externtype_t {
    fn drop(&mut self) {
        if let ExternTypeData::Func { params, results } = &mut self.data {
            // SAFETY: the vectors were made by this library and are owned by this type.
            unsafe {
                super::vec::wasm_valtype_vec_delete(params);
                super::vec::wasm_valtype_vec_delete(results);
            }
        }
    }
}

/// `delete` for every type object.
macro_rules! type_object {
    ($($t:ident: $delete:ident;)*) => {$(
        /// Frees the type. NULL does nothing.
        #[no_mangle]
        pub unsafe extern "C" fn $delete(t: *mut $t) {
            guard((), || drop(from_c(t)))
        }
    )*};
}

type_object! {
    wasm_valtype_t: wasm_valtype_delete;
    wasm_functype_t: wasm_functype_delete;
    wasm_globaltype_t: wasm_globaltype_delete;
    wasm_tabletype_t: wasm_tabletype_delete;
    wasm_memorytype_t: wasm_memorytype_delete;
    wasm_externtype_t: wasm_externtype_delete;
    wasm_importtype_t: wasm_importtype_delete;
    wasm_exporttype_t: wasm_exporttype_delete;
}

/// A copy of the type; NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_copy(t: *const wasm_valtype_t) -> *mut wasm_valtype_t {
    guard(ptr::null_mut(), || t.as_ref().map_or(ptr::null_mut(), |t| into_c(wasm_valtype_t { ty: t.ty })))
}

macro_rules! extern_kind_functions {
    ($($t:ident: $copy:ident, $as_ext:ident, $as_ext_const:ident, $from_ext:ident, $from_ext_const:ident, [$kind:pat];)*) => {$(
        /// A copy of the type; NULL for NULL.
        #[no_mangle]
        pub unsafe extern "C" fn $copy(t: *const $t) -> *mut $t {
            guard(ptr::null_mut(), || t.as_ref().map_or(ptr::null_mut(), |t| into_c($t { ext: t.ext.deep_copy() })))
        }

        /// The same object viewed as an extern type (not a copy).
        #[no_mangle]
        pub extern "C" fn $as_ext(t: *mut $t) -> *mut wasm_externtype_t {
            t as *mut wasm_externtype_t
        }

        #[no_mangle]
        pub extern "C" fn $as_ext_const(t: *const $t) -> *const wasm_externtype_t {
            t as *const wasm_externtype_t
        }

        /// The extern type viewed as this kind of type, or NULL if it is another kind.
        #[no_mangle]
        pub unsafe extern "C" fn $from_ext(t: *mut wasm_externtype_t) -> *mut $t {
            guard(ptr::null_mut(), || match t.as_ref() {
                Some(e) if matches!(e.data, $kind) => t as *mut $t,
                _ => ptr::null_mut(),
            })
        }

        #[no_mangle]
        pub unsafe extern "C" fn $from_ext_const(t: *const wasm_externtype_t) -> *const $t {
            $from_ext(t as *mut wasm_externtype_t)
        }
    )*};
}

extern_kind_functions! {
    wasm_functype_t: wasm_functype_copy, wasm_functype_as_externtype, wasm_functype_as_externtype_const,
        wasm_externtype_as_functype, wasm_externtype_as_functype_const, [ExternTypeData::Func { .. }];
    wasm_globaltype_t: wasm_globaltype_copy, wasm_globaltype_as_externtype, wasm_globaltype_as_externtype_const,
        wasm_externtype_as_globaltype, wasm_externtype_as_globaltype_const, [ExternTypeData::Global { .. }];
    wasm_tabletype_t: wasm_tabletype_copy, wasm_tabletype_as_externtype, wasm_tabletype_as_externtype_const,
        wasm_externtype_as_tabletype, wasm_externtype_as_tabletype_const, [ExternTypeData::Table { .. }];
    wasm_memorytype_t: wasm_memorytype_copy, wasm_memorytype_as_externtype, wasm_memorytype_as_externtype_const,
        wasm_externtype_as_memorytype, wasm_externtype_as_memorytype_const, [ExternTypeData::Memory { .. }];
}

/// A copy of the type; NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_copy(t: *const wasm_externtype_t) -> *mut wasm_externtype_t {
    guard(ptr::null_mut(), || t.as_ref().map_or(ptr::null_mut(), |t| into_c(t.deep_copy())))
}

/// The kind of an extern type; WASM_EXTERN_FUNC for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_kind(t: *const wasm_externtype_t) -> wasm_externkind_t {
    guard(WASM_EXTERN_FUNC, || t.as_ref().map_or(WASM_EXTERN_FUNC, |t| t.kind()))
}

/// A function type; takes the elements of both vectors, leaving them empty.
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_new(
    params: *mut wasm_valtype_vec_t,
    results: *mut wasm_valtype_vec_t,
) -> *mut wasm_functype_t {
    guard(ptr::null_mut(), || {
        let take = |v: *mut wasm_valtype_vec_t| v.as_mut().map_or_else(Vec::new, |v| v.take());
        let ext = wasm_externtype_t {
            data: ExternTypeData::Func {
                params: wasm_valtype_vec_t::from_vec(take(params)),
                results: wasm_valtype_vec_t::from_vec(take(results)),
            },
        };
        into_c(wasm_functype_t { ext })
    })
}

static EMPTY_VALTYPES: EmptyVec = EmptyVec(wasm_valtype_vec_t { size: 0, data: ptr::null_mut() });

struct EmptyVec(wasm_valtype_vec_t);
// SAFETY: an empty vector with a null pointer is never written through.
unsafe impl Sync for EmptyVec {}

/// The parameter types (owned by the function type); an empty vector for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_params(t: *const wasm_functype_t) -> *const wasm_valtype_vec_t {
    match t.as_ref().map(|t| &t.ext.data) {
        Some(ExternTypeData::Func { params, .. }) => params,
        _ => &EMPTY_VALTYPES.0,
    }
}

/// The result types (owned by the function type); an empty vector for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_results(t: *const wasm_functype_t) -> *const wasm_valtype_vec_t {
    match t.as_ref().map(|t| &t.ext.data) {
        Some(ExternTypeData::Func { results, .. }) => results,
        _ => &EMPTY_VALTYPES.0,
    }
}

/// A global type; takes ownership of `content`. NULL if `content` is NULL or the mutability
/// is unknown.
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_new(
    content: *mut wasm_valtype_t,
    mutability: wasm_mutability_t,
) -> *mut wasm_globaltype_t {
    guard(ptr::null_mut(), || {
        let Some(content) = from_c(content) else { return ptr::null_mut() };
        if mutability > WASM_VAR {
            return ptr::null_mut();
        }
        into_c(wasm_globaltype_t {
            ext: wasm_externtype_t { data: ExternTypeData::Global { content: *content, mutability } },
        })
    })
}

/// The content type (owned by the global type); NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_content(t: *const wasm_globaltype_t) -> *const wasm_valtype_t {
    match t.as_ref().map(|t| &t.ext.data) {
        Some(ExternTypeData::Global { content, .. }) => content,
        _ => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_mutability(t: *const wasm_globaltype_t) -> wasm_mutability_t {
    match t.as_ref().map(|t| &t.ext.data) {
        Some(ExternTypeData::Global { mutability, .. }) => *mutability,
        _ => WASM_CONST,
    }
}

/// A table type; takes ownership of `element`, which must be a reference type. NULL otherwise.
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_new(
    element: *mut wasm_valtype_t,
    limits: *const wasm_limits_t,
) -> *mut wasm_tabletype_t {
    guard(ptr::null_mut(), || {
        let Some(element) = from_c(element) else { return ptr::null_mut() };
        let Some(&limits) = limits.as_ref() else { return ptr::null_mut() };
        if !element.ty.is_ref() {
            return ptr::null_mut();
        }
        into_c(wasm_tabletype_t {
            ext: wasm_externtype_t { data: ExternTypeData::Table { element: *element, limits } },
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_element(t: *const wasm_tabletype_t) -> *const wasm_valtype_t {
    match t.as_ref().map(|t| &t.ext.data) {
        Some(ExternTypeData::Table { element, .. }) => element,
        _ => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_limits(t: *const wasm_tabletype_t) -> *const wasm_limits_t {
    match t.as_ref().map(|t| &t.ext.data) {
        Some(ExternTypeData::Table { limits, .. }) => limits,
        _ => ptr::null(),
    }
}

/// A memory type; NULL if `limits` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_new(limits: *const wasm_limits_t) -> *mut wasm_memorytype_t {
    guard(ptr::null_mut(), || match limits.as_ref() {
        Some(&limits) => {
            into_c(wasm_memorytype_t { ext: wasm_externtype_t { data: ExternTypeData::Memory { limits } } })
        }
        None => ptr::null_mut(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_limits(t: *const wasm_memorytype_t) -> *const wasm_limits_t {
    match t.as_ref().map(|t| &t.ext.data) {
        Some(ExternTypeData::Memory { limits }) => limits,
        _ => ptr::null(),
    }
}

pub struct wasm_importtype_t {
    module: wasm_name_t,
    name: wasm_name_t,
    ty: Box<wasm_externtype_t>,
}

pub struct wasm_exporttype_t {
    name: wasm_name_t,
    ty: Box<wasm_externtype_t>,
}

impl Drop for wasm_importtype_t {
    fn drop(&mut self) {
        // SAFETY: the names were made by this library and are owned here.
        unsafe {
            super::vec::wasm_byte_vec_delete(&mut self.module);
            super::vec::wasm_byte_vec_delete(&mut self.name);
        }
    }
}

impl Drop for wasm_exporttype_t {
    fn drop(&mut self) {
        // SAFETY: as for wasm_importtype_t.
        unsafe { super::vec::wasm_byte_vec_delete(&mut self.name) };
    }
}

impl wasm_importtype_t {
    pub(crate) fn new(module: &str, name: &str, ty: wasm_externtype_t) -> wasm_importtype_t {
        wasm_importtype_t { module: wasm_name_t::from_str(module), name: wasm_name_t::from_str(name), ty: Box::new(ty) }
    }
}

impl wasm_exporttype_t {
    pub(crate) fn new(name: &str, ty: wasm_externtype_t) -> wasm_exporttype_t {
        wasm_exporttype_t { name: wasm_name_t::from_str(name), ty: Box::new(ty) }
    }
}

unsafe fn take_name(n: *mut wasm_name_t) -> wasm_name_t {
    wasm_name_t::from_vec(n.as_mut().map_or_else(Vec::new, |n| n.take()))
}

/// An import type; takes the names' bytes (leaving them empty) and the extern type.
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_new(
    module: *mut wasm_name_t,
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_importtype_t {
    guard(ptr::null_mut(), || {
        let Some(ty) = from_c(ty) else { return ptr::null_mut() };
        into_c(wasm_importtype_t { module: take_name(module), name: take_name(name), ty })
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_copy(t: *const wasm_importtype_t) -> *mut wasm_importtype_t {
    guard(ptr::null_mut(), || match t.as_ref() {
        Some(t) => into_c(wasm_importtype_t {
            module: wasm_name_t::from_vec(t.module.as_slice().to_vec()),
            name: wasm_name_t::from_vec(t.name.as_slice().to_vec()),
            ty: Box::new(t.ty.deep_copy()),
        }),
        None => ptr::null_mut(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_module(t: *const wasm_importtype_t) -> *const wasm_name_t {
    t.as_ref().map_or(ptr::null(), |t| &t.module)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_name(t: *const wasm_importtype_t) -> *const wasm_name_t {
    t.as_ref().map_or(ptr::null(), |t| &t.name)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_type(t: *const wasm_importtype_t) -> *const wasm_externtype_t {
    t.as_ref().map_or(ptr::null(), |t| &*t.ty)
}

/// An export type; takes the name's bytes (leaving it empty) and the extern type.
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_new(
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_exporttype_t {
    guard(ptr::null_mut(), || {
        let Some(ty) = from_c(ty) else { return ptr::null_mut() };
        into_c(wasm_exporttype_t { name: take_name(name), ty })
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_copy(t: *const wasm_exporttype_t) -> *mut wasm_exporttype_t {
    guard(ptr::null_mut(), || match t.as_ref() {
        Some(t) => into_c(wasm_exporttype_t {
            name: wasm_name_t::from_vec(t.name.as_slice().to_vec()),
            ty: Box::new(t.ty.deep_copy()),
        }),
        None => ptr::null_mut(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_name(t: *const wasm_exporttype_t) -> *const wasm_name_t {
    t.as_ref().map_or(ptr::null(), |t| &t.name)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_type(t: *const wasm_exporttype_t) -> *const wasm_externtype_t {
    t.as_ref().map_or(ptr::null(), |t| &*t.ty)
}
