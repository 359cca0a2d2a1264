//! Real modules built by other toolchains (`../shared/corpus`): every WebAssembly 2.0 module
//! decodes and validates; the few that need later proposals are rejected with an error that
//! names the byte offset.
//!
//! The corpus sits beside the repository. Without it the test says so loudly and skips, except
//! under CI, where it fails.

mod common;

use wasmrt::{Features, Module};

/// Modules that are not WebAssembly 2.0 core modules, with what they need.
const OUTSIDE_WASM2: &[(&str, &str)] = &[
    ("sightglass/benchmarks/cm-online-stats/cm-online-stats.wasm", "component model"),
    ("sightglass/benchmarks/kotlin-richards/kotlin-richards.wasm", "component model"),
    ("sightglass/benchmarks/splay/splay.wasm", "GC"),
    ("wazero/experimental/testdata/fac.wasm", "tail calls"),
    ("wazero/experimental/testdata/memory.wasm", "threads"),
    ("wazero/experimental/testdata/pthread.wasm", "threads"),
    ("wazero/internal/integration_test/engine/testdata/threads/add.wasm", "threads"),
    ("wazero/internal/integration_test/engine/testdata/threads/mutex.wasm", "threads"),
    ("wazero/internal/integration_test/engine/testdata/threads/sub.wasm", "threads"),
    ("wazero/internal/integration_test/engine/testdata/threads/xor.wasm", "threads"),
    ("wazero/internal/integration_test/fuzzcases/testdata/2131.wasm", "threads"),
];

#[test]
fn corpus_modules_validate() {
    let Some(dir) = common::corpus_dir("", "corpus tests") else { return };
    let mut files = Vec::new();
    common::wasm_files(&dir, &mut files);
    files.sort();
    assert!(files.len() >= 262, "expected the whole corpus, found {} modules", files.len());
    let mut valid = 0;
    let mut wrong = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&dir).expect("under the corpus").to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(path).expect("module is readable");
        let outside = OUTSIDE_WASM2.iter().find(|(p, _)| *p == rel);
        match (Module::new(&bytes, &Features::wasm2()), outside) {
            (Ok(_), None) => valid += 1,
            (Err(e), Some(_)) => {
                assert!(e.offset <= bytes.len(), "{rel}: offset out of range in {e}")
            }
            (Ok(_), Some((_, needs))) => wrong.push(format!("{rel}: accepted, but it needs {needs}")),
            (Err(e), None) => wrong.push(format!("{rel}: {e}")),
        }
    }
    println!("corpus: {valid} WebAssembly 2.0 modules valid, {} outside 2.0 rejected", OUTSIDE_WASM2.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(valid + OUTSIDE_WASM2.len(), files.len());
}
