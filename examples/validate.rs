//! `validate`: decodes and validates WebAssembly modules and prints, for each, its size,
//! what it contains, or why it was rejected. Exits non-zero if any module is rejected.

use std::process::ExitCode;

use wasmrt::{Features, Module};

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: validate MODULE.wasm...");
        return ExitCode::from(2);
    }
    let mut rejected = 0;
    for path in &paths {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                rejected += 1;
                continue;
            }
        };
        let start = std::time::Instant::now();
        match Module::new(&bytes, &Features::wasm2()) {
            Ok(m) => println!(
                "{path}: valid, {} bytes, {} functions ({} imported), {} exports, validated in {:.2?}",
                bytes.len(),
                m.funcs.len(),
                m.imported_funcs,
                m.raw.exports.len(),
                start.elapsed()
            ),
            Err(e) => {
                println!("{path}: {e}");
                rejected += 1;
            }
        }
    }
    if rejected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
