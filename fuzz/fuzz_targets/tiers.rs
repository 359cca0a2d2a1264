//! Fuzz target `tiers`: differential execution of the compiled tier against the interpreter on
//! wasm-smith modules (see `wasmrt_fuzz::tiers`); any difference is a crash.
#![no_main]

use arbitrary::Unstructured;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(case) = wasmrt_fuzz::tiers::Case::generate(&mut Unstructured::new(data)) else { return };
    if let Err(divergence) = case.check() {
        panic!("the tiers diverge: {divergence}");
    }
});
