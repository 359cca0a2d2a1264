//! wasmrt: a WebAssembly runtime shipped as a C library implementing the wasm-c-api.
//!
//! Pipeline: bytes --[`decode`]--> [`decode::RawModule`] --[`validate`]--> [`Module`].
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

pub mod capi;
pub mod decode;
pub mod error;
pub mod features;
pub mod interp;
pub mod limits;
pub mod module;
pub mod runtime;
pub mod types;
pub mod validate;
pub mod wasi;

pub use error::{Error, ErrorKind};
pub use features::Features;
pub use module::Module;
