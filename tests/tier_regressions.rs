//! The compiled tier against the interpreter on the modules of past divergences
//! (`tests/tier-regressions/*.wasm`, each found by the `tiers` fuzz target or its campaign and
//! named for what differed), with the fuzz target's own check (`fuzz/src/tiers.rs`), in both
//! bounds-check modes and with three sets of arguments.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

#[path = "../fuzz/src/tiers.rs"]
#[allow(dead_code)]
mod tiers;

use wasmrt::runtime::BoundsChecks;

#[test]
fn past_divergences_agree() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tier-regressions");
    let mut modules: Vec<_> =
        std::fs::read_dir(&dir).expect("tests/tier-regressions").map(|e| e.expect("entry").path()).collect();
    modules.sort();
    assert!(modules.len() >= 7, "the regression modules are there");
    let mut calls = 0;
    for path in &modules {
        let bytes = std::fs::read(path).expect("reads");
        for bounds_checks in [BoundsChecks::GuardRegions, BoundsChecks::Explicit] {
            for args in [vec![0], vec![1, u64::MAX, 0x8000_0000], vec![0x7ff8_0000_0000_0001, 65536, 3]] {
                let case = tiers::Case { bytes: bytes.clone(), bounds_checks, args };
                match case.check() {
                    Ok((n, compiled)) => {
                        assert!(compiled, "{}: compiled", path.display());
                        calls += n;
                    }
                    Err(divergence) => panic!("{}: {divergence}", path.display()),
                }
            }
        }
    }
    assert!(calls > 0, "calls were compared");
}
