//! wasmrt: a WebAssembly runtime shipped as a C library implementing the wasm-c-api.
//!
//! Pipeline: bytes --[`decode`]--> [`decode::RawModule`] --[`validate`]--> [`Module`]
//! --(the engine's tier)--> [`runtime::CompiledModule`] --instantiate, call--> results or a trap.
//!
//! | module | owns |
//! |---|---|
//! | [`decode`] | the binary format: sections, operators, names |
//! | [`validate`] | the specification's validation rules |
//! | [`module`] | the validated, immutable, shareable module |
//! | [`types`] | value, function, table, memory and global types |
//! | [`features`] | which WebAssembly features are accepted |
//! | [`limits`] | implementation limits, with their reasons |
//! | [`error`] | rejections: kind, byte offset, message |
//! | [`runtime`] | engines, stores and their objects, instantiation, calls, traps, and the contract a tier implements ([`runtime::code`]) |
//! | [`semantics`] | numeric and SIMD operator semantics, the reference for every tier |
//! | [`interp`] | the interpreter tier |
//! | [`capi`] | the C API (`wasm.h`, `wasmrt.h`) |
//! | [`wasi`] | WASI preview1 |

pub mod capi;
pub mod decode;
pub mod error;
pub mod features;
pub mod interp;
pub mod jit;
pub mod limits;
pub mod module;
pub mod runtime;
pub mod semantics;
mod tiers;
pub mod types;
pub mod validate;
pub mod wasi;

pub use error::{Error, ErrorKind};
pub use features::Features;
pub use module::Module;
