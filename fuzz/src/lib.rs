//! Shared by the fuzz targets: the differential check of wasmrt's decoder and validator
//! against wasmparser's, both set to WebAssembly 2.0 with SIMD.

use wasmparser::{Validator, WasmFeatures};
use wasmrt::{ErrorKind, Features, Module};

/// wasmparser's feature set matching `Features::wasm2()`: the 2.0 proposals (mutable-global,
/// saturating float-to-int, sign extension, multi-value, reference types, bulk memory, SIMD)
/// on top of wasmparser's MVP base (`floats`, and `gc_types`, which gates `externref`).
/// Everything past 2.0 is off.
pub fn oracle_features() -> WasmFeatures {
    WasmFeatures::WASM2
}

/// wasmparser's verdict: `Err` with its message when it rejects the module.
pub fn oracle(bytes: &[u8]) -> Result<(), String> {
    Validator::new_with_features(oracle_features()).validate_all(bytes).map(|_| ()).map_err(|e| e.to_string())
}

/// Whether a wasmparser rejection is one of its implementation limits rather than a rule of
/// the specification (its limits differ from wasmrt's in places).
fn is_oracle_limit(message: &str) -> bool {
    ["exceeds limit", "exceeds the limit", "string size out of bounds", "number of elements is out of bounds"]
        .iter()
        .any(|p| message.contains(p))
}

/// Decodes and validates `bytes` with wasmrt and with wasmparser and panics, with both
/// messages, when one accepts what the other rejects. Returns wasmrt's verdict, or `None`
/// when an implementation limit of either side makes the comparison meaningless.
pub fn differential(bytes: &[u8]) -> Option<bool> {
    let ours = Module::new(bytes, &Features::wasm2());
    if let Err(e) = &ours {
        if e.kind == ErrorKind::Limit {
            return None;
        }
    }
    match (ours, oracle(bytes)) {
        (Ok(_), Ok(())) => Some(true),
        (Err(_), Err(_)) => Some(false),
        (Ok(_), Err(theirs)) if is_oracle_limit(&theirs) => None,
        (Ok(_), Err(theirs)) => panic!("wasmrt accepts a module wasmparser rejects: {theirs}"),
        (Err(ours), Ok(())) => panic!("wasmrt rejects a module wasmparser accepts: {ours}"),
    }
}

pub mod tiers;
pub use tiers::smith_config;
