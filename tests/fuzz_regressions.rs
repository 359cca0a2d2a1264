//! Regression cases for the decoder and validator: crashes and disagreements the fuzzers in
//! `fuzz/` found, and hand-made edge cases. Every file in `tests/fuzz-regressions/` is named
//! `<description>.<expected>.wasm`, `<expected>` being `valid`, `malformed` or `invalid`, and
//! wasmrt (WebAssembly 2.0 with SIMD) must give exactly that answer. Each expectation was checked
//! against wasmparser and the specification when the file was added, so no oracle is needed here.

use std::path::Path;

use wasmrt::{ErrorKind, Features, Module};

/// The expectation in a file name: `None` for a valid module, else the error kind.
fn expected(name: &str) -> Option<Option<ErrorKind>> {
    match name.strip_suffix(".wasm")?.rsplit_once('.')?.1 {
        "valid" => Some(None),
        "malformed" => Some(Some(ErrorKind::Malformed)),
        "invalid" => Some(Some(ErrorKind::Invalid)),
        _ => None,
    }
}

#[test]
fn fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut paths: Vec<_> =
        std::fs::read_dir(&dir).expect("tests/fuzz-regressions").map(|e| e.unwrap().path()).collect();
    paths.sort();
    assert!(!paths.is_empty(), "no regression files in {}", dir.display());
    let mut failures = Vec::new();
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy();
        let Some(expected) = expected(&name) else {
            failures.push(format!("{name}: name must end in .valid.wasm, .malformed.wasm or .invalid.wasm"));
            continue;
        };
        let bytes = std::fs::read(path).unwrap();
        let result = Module::new(&bytes, &Features::wasm2());
        let got = result.as_ref().err().map(|e| e.kind);
        if got != expected {
            let answer = result.map_or_else(|e| e.to_string(), |_| "valid".into());
            failures.push(format!("{name}: expected {expected:?}, got {answer}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} regression files failed:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n")
    );
}
