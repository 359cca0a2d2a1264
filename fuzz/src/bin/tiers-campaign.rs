//! A campaign of the `tiers` check without libFuzzer: `tiers-campaign FIRST COUNT` generates
//! cases from COUNT deterministic inputs (seeds FIRST..FIRST+COUNT, xorshift bytes of varying
//! length), runs each on both tiers, and reports the executions, the calls compared (and how many
//! of each ran compiled, not interpreted for want of the compiler's support) and every
//! divergence (its module written to `divergences/SEED.wasm`). Exits with 1 if any diverged.

use arbitrary::Unstructured;
use wasmrt_fuzz::tiers::Case;

/// Deterministic bytes for seed `seed` (xorshift64*), 64 to 16 KiB long.
fn input(seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let len = 64 + (next() % (16 << 10)) as usize;
    (0..len).map(|_| (next() >> 56) as u8).collect()
}

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).map(|a| a.parse().expect("FIRST COUNT")).collect();
    let [first, count] = args[..] else { panic!("usage: tiers-campaign FIRST COUNT") };
    let started = std::time::Instant::now();
    let (mut executions, mut calls, mut divergences) = (0u64, 0u64, 0u64);
    // Executions whose module ran compiled, and the calls they made.
    let (mut compiled, mut compiled_calls) = (0u64, 0u64);
    for seed in first..first + count {
        let data = input(seed);
        let Ok(case) = Case::generate(&mut Unstructured::new(&data)) else { continue };
        executions += 1;
        match case.check() {
            Ok((n, jit)) => {
                calls += n as u64;
                if jit {
                    compiled += 1;
                    compiled_calls += n as u64;
                }
            }
            Err(divergence) => {
                divergences += 1;
                std::fs::create_dir_all("divergences").expect("creates divergences/");
                std::fs::write(format!("divergences/{seed}.wasm"), &case.bytes).expect("writes the module");
                println!("seed {seed}: {divergence}");
            }
        }
        if (seed - first + 1) % 10_000 == 0 {
            println!(
                "{} seeds, {executions} executions ({compiled} compiled), {calls} calls ({compiled_calls} compiled), {divergences} divergences, {:.0} s",
                seed - first + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "done: seeds {first}..{}, {executions} executions ({compiled} compiled), {calls} calls compared ({compiled_calls} compiled), {divergences} divergences, {:.0} s",
        first + count,
        started.elapsed().as_secs_f64()
    );
    std::process::exit(i32::from(divergences > 0));
}
