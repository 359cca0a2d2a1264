//! The set of WebAssembly features an engine accepts. The decoder and validator consult it
//! wherever a proposal changes what is well formed or valid.

/// Which WebAssembly features are enabled. `Features::default()` is WebAssembly 2.0 with SIMD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    pub mutable_global: bool,
    pub saturating_float_to_int: bool,
    pub sign_extension: bool,
    pub multi_value: bool,
    pub reference_types: bool,
    pub bulk_memory: bool,
    pub simd: bool,
    /// Past 2.0: `i32/i64.add/sub/mul` in constant expressions.
    pub extended_const: bool,
    /// Past 2.0: several memories, memory indices on every memory instruction.
    pub multi_memory: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features::wasm2()
    }
}

impl Features {
    /// WebAssembly 2.0: the MVP plus every proposal merged into 2.0, SIMD included.
    pub const fn wasm2() -> Self {
        Features {
            mutable_global: true,
            saturating_float_to_int: true,
            sign_extension: true,
            multi_value: true,
            reference_types: true,
            bulk_memory: true,
            simd: true,
            extended_const: false,
            multi_memory: false,
        }
    }

    /// WebAssembly 1.0 (the MVP) only.
    pub const fn mvp() -> Self {
        Features {
            mutable_global: false,
            saturating_float_to_int: false,
            sign_extension: false,
            multi_value: false,
            reference_types: false,
            bulk_memory: false,
            simd: false,
            extended_const: false,
            multi_memory: false,
        }
    }
}
