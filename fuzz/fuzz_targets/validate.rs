//! Fuzz target `validate`: arbitrary bytes through wasmrt's decoder and validator. It must
//! never panic, and must accept exactly what wasmparser (WebAssembly 2.0 + SIMD) accepts,
//! except where wasmrt reports an implementation limit.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    wasmrt_fuzz::differential(bytes);
});
