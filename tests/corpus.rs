//! Real modules built by other toolchains (`../shared/corpus`): every WebAssembly 2.0 module
//! decodes and validates; the few that need later proposals are rejected with an error that
//! names the byte offset and what the module needs (a proposal, or a component-model runtime).
//!
//! The corpus sits beside the repository. Without it the test says so loudly and skips, except
//! under CI, where it fails.

mod common;

use wasmrt::{Features, Module};

/// Modules that are not WebAssembly 2.0 core modules, with what their rejection must say.
const OUTSIDE_WASM2: &[(&str, &str)] = &[
    ("sightglass/benchmarks/cm-online-stats/cm-online-stats.wasm", "a WebAssembly component, not a core module"),
    ("sightglass/benchmarks/kotlin-richards/kotlin-richards.wasm", "a WebAssembly component, not a core module"),
    ("sightglass/benchmarks/splay/splay.wasm", "requires the GC proposal"),
    ("wazero/experimental/testdata/fac.wasm", "requires the tail-call proposal"),
    ("wazero/experimental/testdata/memory.wasm", "requires the threads proposal"),
    ("wazero/experimental/testdata/pthread.wasm", "requires the threads proposal"),
    ("wazero/internal/integration_test/engine/testdata/threads/add.wasm", "requires the threads proposal"),
    ("wazero/internal/integration_test/engine/testdata/threads/mutex.wasm", "requires the threads proposal"),
    ("wazero/internal/integration_test/engine/testdata/threads/sub.wasm", "requires the threads proposal"),
    ("wazero/internal/integration_test/engine/testdata/threads/xor.wasm", "requires the threads proposal"),
    ("wazero/internal/integration_test/fuzzcases/testdata/2131.wasm", "requires the threads proposal"),
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
            (Err(e), Some((_, says))) => {
                assert!(e.offset <= bytes.len(), "{rel}: offset out of range in {e}");
                if !e.to_string().contains(says) {
                    wrong.push(format!("{rel}: rejected with \"{e}\", which does not say \"{says}\""));
                }
            }
            (Ok(_), Some((_, needs))) => wrong.push(format!("{rel}: accepted, but it needs {needs}")),
            (Err(e), None) => wrong.push(format!("{rel}: {e}")),
        }
    }
    println!("corpus: {valid} WebAssembly 2.0 modules valid, {} outside 2.0 rejected", OUTSIDE_WASM2.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(valid + OUTSIDE_WASM2.len(), files.len());
}
