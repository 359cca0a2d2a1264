//! Decode + validate throughput, in MB/s, of wasmrt (`Module::new`) and wasmparser
//! (`Validator::validate_all`), both with WebAssembly 2.0 + SIMD, side by side in one run; with
//! `--compile`, compile throughput instead: `CompiledModule::new` (decode, validate and compile
//! every function) for the interpreter tier and for the compiled tier.
//!
//! Modules: every `.wasm` under `sightglass/` and `wasi-testsuite/tests/rust/` of the corpus at
//! `../../shared/corpus` (relative to this package). Modules either engine rejects (components,
//! GC) are listed as skipped. Per module: warm up, then run the two engines alternately N times
//! and take each one's median. MB/s = 10^6 bytes per second, counted on the whole module and on
//! its code section only (custom sections, e.g. DWARF, are only skipped by both).
//!
//! Usage: decode-validate [--compile] [--compile-threads N] [--only ENGINE] [FILTER...]
//!   FILTER: only modules whose path contains one of them.
//!   --compile-threads: `Config.compile_threads` of both engines (default 1: the calling thread
//!   only; 0: as many as the process may run; only the compiled tier uses them).
//!   --only: no timing, run just that engine (wasmrt, wasmparser; interp, jit with --compile)
//!   20 times per module (for a profiler).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Target time per engine per module, to choose N.
const BUDGET: Duration = Duration::from_millis(200);
const MIN_RUNS: usize = 11;
const MAX_RUNS: usize = 301;
const WARMUP_RUNS: usize = 3;

const GROUPS: &[&str] = &["sightglass", "wasi-testsuite/tests/rust"];

fn wasmrt(bytes: &[u8]) -> bool {
    black_box(wasmrt::Module::new(black_box(bytes), &wasmrt::Features::wasm2())).is_ok()
}

fn wasmparser(bytes: &[u8]) -> bool {
    let mut v = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::WASM2);
    black_box(v.validate_all(black_box(bytes))).is_ok()
}

/// `Config.compile_threads` of the engines `compile` uses (`--compile-threads`).
static COMPILE_THREADS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

/// `CompiledModule::new` on an engine of `tier`.
fn compile(tier: wasmrt::runtime::Tier, bytes: &[u8]) -> bool {
    static ENGINES: std::sync::OnceLock<[wasmrt::runtime::Engine; 2]> = std::sync::OnceLock::new();
    let engines = ENGINES.get_or_init(|| {
        let compile_threads = COMPILE_THREADS.load(std::sync::atomic::Ordering::Relaxed);
        [wasmrt::runtime::Tier::Interpreter, wasmrt::runtime::Tier::Jit].map(|tier| {
            wasmrt::runtime::Engine::new(wasmrt::runtime::Config { tier, compile_threads, ..Default::default() })
        })
    });
    let engine = &engines[usize::from(tier == wasmrt::runtime::Tier::Jit)];
    black_box(wasmrt::runtime::CompiledModule::new(engine, black_box(bytes))).is_ok()
}

fn interp(bytes: &[u8]) -> bool {
    compile(wasmrt::runtime::Tier::Interpreter, bytes)
}

fn jit(bytes: &[u8]) -> bool {
    compile(wasmrt::runtime::Tier::Jit, bytes)
}

/// The two engines compared: (name, run) for the first and the second.
type Pair = [(&'static str, fn(&[u8]) -> bool); 2];

fn find_wasm(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            find_wasm(&path, out);
        } else if path.extension().is_some_and(|e| e == "wasm") {
            out.push(path);
        }
    }
}

/// Size of the code section (id 10), contents only.
fn code_section_size(bytes: &[u8]) -> usize {
    fn leb(bytes: &[u8], pos: &mut usize) -> usize {
        let (mut value, mut shift) = (0usize, 0);
        while let Some(&b) = bytes.get(*pos) {
            *pos += 1;
            value |= ((b & 0x7f) as usize) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        value
    }
    let mut pos = 8;
    while pos < bytes.len() {
        let id = bytes[pos];
        pos += 1;
        let size = leb(bytes, &mut pos);
        if id == 10 {
            return size;
        }
        pos += size;
    }
    0
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn mbps(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / t.as_secs_f64() / 1e6
}

struct Row {
    name: String,
    size: usize,
    code: usize,
    wasmrt: Duration,
    wasmparser: Duration,
}

fn measure(pair: &Pair, bytes: &[u8]) -> (Duration, Duration) {
    let [(_, wasmrt), (_, wasmparser)] = *pair;
    let warm = Instant::now();
    for _ in 0..WARMUP_RUNS {
        wasmrt(bytes);
        wasmparser(bytes);
    }
    let per_pair = warm.elapsed() / WARMUP_RUNS as u32;
    let runs = (2 * BUDGET.as_nanos() / per_pair.as_nanos().max(1)) as usize;
    let runs = runs.clamp(MIN_RUNS, MAX_RUNS) | 1;
    let (mut a, mut b) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for _ in 0..runs {
        let t = Instant::now();
        wasmrt(bytes);
        a.push(t.elapsed());
        let t = Instant::now();
        wasmparser(bytes);
        b.push(t.elapsed());
    }
    (median(&mut a), median(&mut b))
}

fn print_table(pair: &Pair, group: &str, rows: &[Row]) {
    let [(a, _), (b, _)] = *pair;
    println!("\n### {group}\n");
    println!("| module | size KB | code KB | {a} MB/s | {b} MB/s | ratio | {a} code MB/s | {b} code MB/s |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.2} | {:.1} | {:.1} |",
            r.name,
            r.size as f64 / 1e3,
            r.code as f64 / 1e3,
            mbps(r.size, r.wasmrt),
            mbps(r.size, r.wasmparser),
            r.wasmparser.as_secs_f64() / r.wasmrt.as_secs_f64(),
            mbps(r.code, r.wasmrt),
            mbps(r.code, r.wasmparser),
        );
    }
}

fn summary(label: &str, rows: &[Row]) {
    if rows.is_empty() {
        return;
    }
    let log_sum: f64 = rows.iter().map(|r| (r.wasmparser.as_secs_f64() / r.wasmrt.as_secs_f64()).ln()).sum();
    let geomean = (log_sum / rows.len() as f64).exp();
    let size: usize = rows.iter().map(|r| r.size).sum();
    let code: usize = rows.iter().map(|r| r.code).sum();
    let ta: Duration = rows.iter().map(|r| r.wasmrt).sum();
    let tb: Duration = rows.iter().map(|r| r.wasmparser).sum();
    println!(
        "| {label} ({} modules) | {:.1} MB | {:.0} / {:.0} | {:.2} | {:.2} | {:.1} / {:.1} |",
        rows.len(),
        size as f64 / 1e6,
        mbps(size, ta),
        mbps(size, tb),
        tb.as_secs_f64() / ta.as_secs_f64(),
        geomean,
        mbps(code, ta),
        mbps(code, tb),
    );
}

fn main() {
    let mut filters: Vec<String> = std::env::args().skip(1).collect();
    let pair: Pair = match filters.iter().position(|a| a == "--compile") {
        Some(i) => {
            filters.remove(i);
            [("interp", interp), ("jit", jit)]
        }
        None => [("wasmrt", wasmrt), ("wasmparser", wasmparser)],
    };
    let [(name_a, wasmrt), (name_b, wasmparser)] = pair;
    if let Some(i) = filters.iter().position(|a| a == "--compile-threads") {
        let n = filters.get(i + 1).and_then(|n| n.parse().ok()).expect("--compile-threads N");
        COMPILE_THREADS.store(n, std::sync::atomic::Ordering::Relaxed);
        filters.drain(i..i + 2);
    }
    let only = match filters.iter().position(|a| a == "--only") {
        Some(i) if i + 1 < filters.len() => {
            let engine = filters.remove(i + 1);
            filters.remove(i);
            Some(if engine == name_a { wasmrt } else { wasmparser })
        }
        _ => None,
    };
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut all = Vec::new();
    let mut skipped = Vec::new();
    for group in GROUPS {
        let mut paths = Vec::new();
        find_wasm(&corpus.join(group), &mut paths);
        paths.sort();
        let mut rows = Vec::new();
        for path in paths {
            let name = path.strip_prefix(corpus.join(group)).unwrap_or(&path).display().to_string();
            if !filters.is_empty() && !filters.iter().any(|f| path.to_string_lossy().contains(f.as_str())) {
                continue;
            }
            let bytes = std::fs::read(&path).expect("read module");
            let (ok_a, ok_b) = (wasmrt(&bytes), wasmparser(&bytes));
            if !ok_a || !ok_b {
                let who = match (ok_a, ok_b) {
                    (false, false) => "both",
                    (false, true) => name_a,
                    _ => name_b,
                };
                skipped.push(format!("{group}/{name} (rejected by {who})"));
                continue;
            }
            if let Some(engine) = only {
                (0..20).for_each(|_| _ = engine(&bytes));
                continue;
            }
            let (a, b) = measure(&pair, &bytes);
            rows.push(Row { name, size: bytes.len(), code: code_section_size(&bytes), wasmrt: a, wasmparser: b });
        }
        if !rows.is_empty() {
            print_table(&pair, group, &rows);
        }
        all.push((*group, rows));
    }
    println!("\n### Summary (ratio = {name_a} speed / {name_b} speed; > 1: {name_a} faster)\n");
    println!("| modules | bytes | total MB/s {name_a} / {name_b} | total ratio | geomean ratio | total code MB/s {name_a} / {name_b} |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (group, rows) in &all {
        summary(group, rows);
    }
    let every: Vec<Row> = all.into_iter().flat_map(|(_, rows)| rows).collect();
    summary("all", &every);
    if !skipped.is_empty() {
        println!("\nSkipped: {}", skipped.join(", "));
    }
}
