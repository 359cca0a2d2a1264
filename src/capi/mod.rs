//! The standard wasm-c-api (`include/wasm.h`) over the runtime, plus wasmrt's extensions
//! (`include/wasmrt.h`). One file per section of `wasm.h`. This layer converts C types and
//! ownership and calls `runtime`; it holds no engine logic of its own.
//!
//! Object model:
//! * Type objects (`wasm_valtype_t`, `wasm_functype_t`, ...) are plain owned Rust values.
//! * Reference objects (`wasm_func_t`, `wasm_global_t`, `wasm_table_t`, `wasm_memory_t`,
//!   `wasm_extern_t`, `wasm_instance_t`, `wasm_foreign_t`, `wasm_trap_t`, `wasm_module_t`) are
//!   all one Rust struct, `wasm_ref_t`, behind distinct C types, so `*_as_ref`, `*_as_extern`
//!   and their inverses are pointer casts checked by kind. A handle holds a counted reference
//!   to its store, so the store outlives every handle; identity (`*_same`) and host info
//!   belong to the underlying object, not to the handle.
//! * Every exported function catches panics: none crosses the C boundary.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

pub mod ext;
pub mod extern_;
pub mod frame;
pub mod func;
pub mod global;
pub mod instance;
pub mod memory;
pub mod module;
pub mod object;
pub mod store;
pub mod table;
pub mod trap;
pub mod types;
pub mod val;
pub mod vec;
pub mod wasi;

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs the body `f` of a C API function; a panic becomes `default`, so no panic crosses the
/// C boundary. Objects whose last handle `f` released are freed when the outermost call returns
/// (`store::api_call`).
pub(crate) fn guard<T>(default: T, f: impl FnOnce() -> T) -> T {
    store::api_call(|| catch_unwind(AssertUnwindSafe(f)).unwrap_or(default))
}

/// Moves a value to the heap and hands ownership to C.
pub(crate) fn into_c<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back ownership of a value handed to C (`NULL` is ignored).
///
/// SAFETY (for callers): `p` is NULL or came from `into_c::<T>` and was not freed since.
pub(crate) unsafe fn from_c<T>(p: *mut T) -> Option<Box<T>> {
    (!p.is_null()).then(|| Box::from_raw(p))
}
