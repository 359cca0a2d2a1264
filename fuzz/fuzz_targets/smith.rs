//! Fuzz target `smith`: wasm-smith generates valid WebAssembly 2.0 + SIMD modules; wasmrt must
//! accept every one (unless it reports an implementation limit) and agree with wasmparser.
#![no_main]

use arbitrary::{Result, Unstructured};
use wasm_smith::Module;

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let config = wasmrt_fuzz::smith_config(u)?;
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
