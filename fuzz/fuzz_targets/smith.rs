//! Fuzz target `smith`: wasm-smith generates valid WebAssembly 2.0 + SIMD modules; wasmrt must
//! accept every one (unless it reports an implementation limit) and agree with wasmparser.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use wasm_smith::{Config, Module};

/// An arbitrary wasm-smith configuration restricted to exactly the features of
/// `wasmrt::Features::wasm2()`.
fn config(u: &mut Unstructured<'_>) -> Result<Config> {
    let mut c = Config::arbitrary(u)?;
    c.saturating_float_to_int_enabled = true;
    c.sign_extension_ops_enabled = true;
    c.multi_value_enabled = true;
    c.reference_types_enabled = true;
    c.bulk_memory_enabled = true;
    c.simd_enabled = true;
    c.relaxed_simd_enabled = false;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.acquire_release_atomics_enabled = false;
    c.gc_enabled = false;
    c.custom_descriptors_enabled = false;
    c.multibyte_array_access_enabled = false;
    c.exceptions_enabled = false;
    c.tail_call_enabled = false;
    c.memory64_enabled = false;
    c.max_memories = c.max_memories.min(1);
    c.extended_const_enabled = false;
    c.wide_arithmetic_enabled = false;
    c.custom_page_sizes_enabled = false;
    c.compact_imports_enabled = false;
    Ok(c)
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let config = config(u)?;
    let module = Module::new(config, u)?;
    let bytes = module.to_bytes();
    if let Err(e) = wasmrt_fuzz::oracle(&bytes) {
        panic!("wasm-smith made a module outside WebAssembly 2.0 + SIMD (fix the config): {e}");
    }
    match wasmrt::Module::new(&bytes, &wasmrt::Features::wasm2()) {
        Ok(_) => {}
        Err(e) if e.kind == wasmrt::ErrorKind::Limit => {}
        Err(e) => panic!("wasmrt rejects a valid wasm-smith module: {e}"),
    }
    Ok(())
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
