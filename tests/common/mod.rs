//! Helpers shared by the integration tests: the corpus beside the repository
//! (`../shared/corpus`), and the execution tier they run on. Each test file uses only some of
//! them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use wasmrt::runtime::{Config, Tier};

/// The tier these tests run on: the interpreter, or the compiled tier with
/// `WASMRT_TEST_TIER=jit` (scripts/test runs them once on each).
pub fn tier() -> Tier {
    match std::env::var("WASMRT_TEST_TIER").as_deref() {
        Err(_) | Ok("interpreter") => Tier::Interpreter,
        Ok("jit") => Tier::Jit,
        Ok(other) => panic!("WASMRT_TEST_TIER={other:?}: interpreter or jit"),
    }
}

/// The default configuration on the tier these tests run on.
pub fn config() -> Config {
    Config { tier: tier(), ..Config::default() }
}

/// `../shared/corpus/<sub>` if it is there. Without it a test says so loudly and skips, except
/// under CI, where it fails.
pub fn corpus_dir(sub: &str, what: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus").join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(std::env::var_os("CI").is_none(), "CI must run with the corpus at {}", dir.display());
    eprintln!("\n\n*** SKIPPED: {what} need the corpus at {}; it is not there ***\n", dir.display());
    None
}

/// Every `.wasm` file under `dir`, recursively, appended to `out`.
pub fn wasm_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("corpus directory is readable") {
        let path = entry.expect("corpus entry is readable").path();
        if path.is_dir() {
            wasm_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "wasm") {
            out.push(path);
        }
    }
}
