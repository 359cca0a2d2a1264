//! Execution speed of wasmrt's interpreter and compiled tier beside wasmi 0.40, wasmi 2.0, wasm3
//! (0.4.7, C), wasmtime's two compilers (Cranelift and Winch), and native code, side by side in
//! one run; times and ratios, printed as Markdown tables.
//!
//! Workloads:
//! * the compute kernels of `bench/kernels/` (`.wat`, or C built to `.wasm` by `build.sh`), each
//!   exporting `run(n: i32) -> i64`, plus the same kernels in Rust (`native.rs`). Before timing,
//!   every engine's checksum must equal the native one.
//! * the sightglass modules of `../../shared/corpus/sightglass` that run with the stub imports of
//!   `wasi.rs` (no files) and print their expected output; the others are listed as skipped.
//!   The time is sightglass's own: from `bench.start` to `bench.end`. Each run instantiates anew.
//!
//! Method: one warm-up run of every engine (which also checks the result), then rounds in which
//! each engine runs once (order rotated each round); each engine's figure is its median.
//! Ratios are one engine's time divided by another's (< 1: the first is faster): the interpreter
//! (wasmrt) over each other engine, the compiled tier (jit) over the interpreter, wasmtime and
//! native code, and wasmtime over native code.
//!
//! Usage: execute [--rounds N] [--budget SECONDS] [--limit SECONDS] [--engines a,b,..]
//!                [--only ENGINE [--repeat N]]
//!                [--kernels-only | --sightglass-only] [FILTER...]
//!   FILTER: only workloads whose name contains one of them.
//!   --rounds: timed rounds per kernel (default 7); sightglass modules get as many rounds as fit
//!             in --budget seconds (default 30) per module, at least 3 and at most --rounds.
//!   --limit: sightglass modules on which one wasmrt run takes longer (CPU seconds, default 15;
//!            0: no limit) are interrupted and skipped, to keep the whole run in bounds.
//!   --only ENGINE: no timing; run only that engine's workloads --repeat times (for a profiler).
//!   ENGINE: wasmrt, wasmrt-jit, wasmi, wasmi2, wasm3, wasmtime-cranelift, wasmtime-winch (and
//!           native, for --engines).

mod engines;
mod native;
mod wasi;
mod wasmtime_engine;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use engines::{Engine, ENGINES};

enum Source {
    Wat(&'static str),
    Wasm(&'static [u8]),
}

struct KernelDef {
    name: &'static str,
    source: Source,
    n: i32,
    native: fn(i32) -> i64,
}

macro_rules! wat {
    ($name:literal, $n:expr, $f:path) => {
        KernelDef {
            name: $name,
            source: Source::Wat(include_str!(concat!("../../kernels/", $name, ".wat"))),
            n: $n,
            native: $f,
        }
    };
}
macro_rules! c {
    ($name:literal, $n:expr, $f:path) => {
        KernelDef {
            name: $name,
            source: Source::Wasm(include_bytes!(concat!("../../kernels/", $name, ".wasm"))),
            n: $n,
            native: $f,
        }
    };
}

fn kernels() -> Vec<KernelDef> {
    vec![
        wat!("fib", 30, native::fib),
        wat!("calls", 5_000_000, native::calls),
        wat!("indirect", 5_000_000, native::indirect),
        c!("loops", 3000, native::loops),
        c!("sieve", 2, native::sieve),
        c!("matmul", 200, native::matmul),
        c!("memcpy", 400, native::memcpy),
        c!("mandelbrot", 300, native::mandelbrot),
        c!("nbody", 100_000, native::nbody),
        wat!("simd", 5000, native::simd),
    ]
}

/// Which engines to run, and how.
struct Opts {
    engines: Vec<Engine>,
    native: bool,
    rounds: usize,
    budget: Duration,
    /// Longest wasmrt run of a sightglass module, CPU seconds (0: none).
    limit: u64,
    filters: Vec<String>,
    only: Option<Engine>,
    repeat: usize,
    kernels: bool,
    sightglass: bool,
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else if ms >= 1.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.3}")
    }
}

fn ratio(a: Option<Duration>, b: Option<Duration>) -> Option<f64> {
    Some(a?.as_secs_f64() / b?.as_secs_f64())
}

fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or("—".into(), |r| format!("{r:.2}"))
}

fn geomean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp())
}

/// One workload's result: median time per engine (None: n/a), with the reason for each n/a.
struct Row {
    name: String,
    times: BTreeMap<&'static str, Duration>,
    na: Vec<String>,
    extra: Vec<String>,
    /// Sightglass: compile MB/s and instantiation µs per engine.
    compile_mbs: BTreeMap<&'static str, f64>,
    inst_us: BTreeMap<&'static str, f64>,
}

impl Row {
    fn new(name: String) -> Row {
        Row {
            name,
            times: BTreeMap::new(),
            na: vec![],
            extra: vec![],
            compile_mbs: BTreeMap::new(),
            inst_us: BTreeMap::new(),
        }
    }
}

/// Every engine's column: name, and its name in the table headers (native last).
const COLUMNS: [(&str, &str); 8] = [
    ("wasmrt", "wasmrt"),
    ("wasmrt-jit", "jit"),
    ("wasmi", "wasmi"),
    ("wasmi2", "wasmi2"),
    ("wasm3", "wasm3"),
    ("wasmtime-cranelift", "cranelift"),
    ("wasmtime-winch", "winch"),
    ("native", "native"),
];

/// The ratios in the tables, (numerator, denominator): the interpreter against every other
/// engine, the compiled tier against the interpreter, wasmtime and native code, and wasmtime
/// against native code.
const RATIOS: [(&str, &str); 12] = [
    ("wasmrt", "wasmi"),
    ("wasmrt", "wasmi2"),
    ("wasmrt", "wasm3"),
    ("wasmrt", "wasmtime-cranelift"),
    ("wasmrt", "wasmtime-winch"),
    ("wasmrt", "native"),
    ("wasmrt-jit", "wasmrt"),
    ("wasmrt-jit", "wasmtime-cranelift"),
    ("wasmrt-jit", "wasmtime-winch"),
    ("wasmrt-jit", "native"),
    ("wasmtime-cranelift", "native"),
    ("wasmtime-winch", "native"),
];

fn short(engine: &str) -> &str {
    COLUMNS.iter().find(|(e, _)| *e == engine).map_or(engine, |(_, s)| s)
}

/// Prints the table; returns each ratio's values ("wasmrt/wasmi": [..]), in the order of RATIOS.
fn print_table(title: &str, rows: &[Row], native: bool, extra_headers: &[&str]) -> Vec<(String, Vec<f64>)> {
    println!("\n### {title}\n");
    let engines = if native { &COLUMNS[..] } else { &COLUMNS[..COLUMNS.len() - 1] };
    let pairs: Vec<(&str, &str)> = RATIOS.iter().copied().filter(|(_, d)| native || *d != "native").collect();
    let mut header = String::from("| workload |");
    let mut sep = String::from("|---|");
    for (e, _) in engines {
        let e = match *e {
            "wasmi" => "wasmi 0.40",
            "wasmi2" => "wasmi 2.0",
            e => e,
        };
        header.push_str(&format!(" {e} ms |"));
        sep.push_str("---:|");
    }
    for (a, b) in &pairs {
        header.push_str(&format!(" {}/{} |", short(a), short(b)));
        sep.push_str("---:|");
    }
    for h in extra_headers {
        header.push_str(&format!(" {h} |"));
        sep.push_str("---:|");
    }
    println!("{header}\n{sep}");
    let mut ratios: Vec<(String, Vec<f64>)> = pairs.iter().map(|(a, b)| (format!("{a}/{b}"), vec![])).collect();
    for row in rows {
        let t = |e: &str| row.times.get(e).copied();
        let mut line = format!("| {} |", row.name);
        for (e, _) in engines {
            line.push_str(&format!(" {} |", t(e).map_or("n/a".into(), ms)));
        }
        for (i, (a, b)) in pairs.iter().enumerate() {
            let r = ratio(t(a), t(b));
            if let Some(r) = r {
                ratios[i].1.push(r);
            }
            line.push_str(&format!(" {} |", fmt_ratio(r)));
        }
        for x in &row.extra {
            line.push_str(&format!(" {x} |"));
        }
        println!("{line}");
    }
    println!();
    for (label, v) in &ratios {
        println!("geomean {label}: {} over {} workloads", fmt_ratio(geomean(v)), v.len());
    }
    // n/a, grouped by reason (byte offsets left out, so one reason covers many modules).
    let mut na: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in rows {
        for x in &r.na {
            let reason: String =
                x.split(" at offset").next().unwrap_or(x).split(" (at offset").next().unwrap_or(x).to_string();
            na.entry(reason).or_default().push(&r.name);
        }
    }
    if !na.is_empty() {
        println!("\nn/a:");
        for (reason, names) in na {
            println!("* {reason}: {}", names.join(", "));
        }
    }
    ratios
}

/// One line: the geomean of a figure per engine over the rows that have it, and their number.
fn print_per_engine(what: &str, engines: &[&str], rows: &[Row], figure: impl Fn(&Row, &str) -> Option<f64>) {
    let per_engine: Vec<String> = engines
        .iter()
        .map(|e| {
            let v: Vec<f64> = rows.iter().filter_map(|r| figure(r, e)).collect();
            format!("{e} {} ({} modules)", geomean(&v).map_or("n/a".into(), |g| format!("{g:.1}")), v.len())
        })
        .collect();
    println!("geomean {what}: {}", per_engine.join(", "));
}

fn run_kernels(opts: &Opts) -> Vec<Row> {
    let mut rows = Vec::new();
    for def in kernels() {
        if !opts.filters.is_empty() && !opts.filters.iter().any(|f| def.name.contains(f.as_str())) {
            continue;
        }
        let bytes: Vec<u8> = match &def.source {
            Source::Wat(text) => wat::parse_str(text).expect("kernel .wat"),
            Source::Wasm(b) => b.to_vec(),
        };
        let expected = (def.native)(def.n);
        let mut row = Row::new(def.name.to_string());
        // Instantiate, then warm up and check.
        let mut instances: Vec<(Engine, Box<dyn engines::Kernel>)> = Vec::new();
        for &engine in &opts.engines {
            match engines::kernel(engine, &bytes).and_then(|mut k| {
                let got = k.run(def.n)?;
                if got != expected {
                    return Err(format!("checksum {got:#x}, native {expected:#x}"));
                }
                Ok(k)
            }) {
                Ok(k) => instances.push((engine, k)),
                Err(e) => row.na.push(format!("{}: {e}", engine.name())),
            }
        }
        if let Some(only) = opts.only {
            if let Some((_, k)) = instances.iter_mut().find(|(e, _)| *e == only) {
                let t0 = Instant::now();
                for _ in 0..opts.repeat {
                    black_box(k.run(def.n).unwrap());
                }
                eprintln!("{}: {} x {} in {:?}", def.name, only.name(), opts.repeat, t0.elapsed());
            }
            continue;
        }
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); instances.len() + 1];
        for round in 0..opts.rounds {
            let slots = instances.len() + opts.native as usize;
            for s in 0..slots {
                let i = (s + round) % slots;
                let t0 = wasi::cpu_now();
                if i == instances.len() {
                    black_box((def.native)(black_box(def.n)));
                } else {
                    black_box(instances[i].1.run(def.n).unwrap());
                }
                times[i].push(wasi::cpu_now() - t0);
            }
        }
        for (i, (engine, _)) in instances.iter().enumerate() {
            row.times.insert(engine.name(), median(&mut times[i]));
        }
        if opts.native {
            row.times.insert("native", median(&mut times[instances.len()]));
        }
        eprintln!("kernel {}: {:?}", def.name, row.times);
        rows.push(row);
    }
    rows
}

fn find_wasm(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            find_wasm(&path, out);
        } else if path.extension().is_some_and(|e| e == "wasm") {
            out.push(path);
        }
    }
}

/// The expected stdout of a sightglass module: `<stem>.stdout.expected`, else the directory's
/// `default.stdout.expected`, else `benchmark.stdout.expected`.
fn expected_stdout(path: &Path) -> Option<Vec<u8>> {
    let dir = path.parent()?;
    let stem = path.file_stem()?.to_str()?;
    [format!("{stem}.stdout.expected"), "default.stdout.expected".into()]
        .iter()
        .find_map(|f| std::fs::read(dir.join(f)).ok())
}

fn check_run(run: &engines::CommandRun, expected: &Option<Vec<u8>>) -> Result<(), String> {
    if !run.ctx.refused.is_empty() && (run.error.is_some() || run.ctx.exit.is_some_and(|c| c != 0)) {
        let mut refused = run.ctx.refused.clone();
        refused.dedup();
        return Err(format!("needs what the stubs refuse: {}", refused.join(", ")));
    }
    if let Some(e) = &run.error {
        let stderr = String::from_utf8_lossy(&run.ctx.stderr);
        let stderr = stderr.trim();
        return Err(if stderr.is_empty() {
            e.clone()
        } else {
            format!("{e}; stderr {:?}", stderr.chars().take(160).collect::<String>())
        });
    }
    if let Some(code) = run.ctx.exit.filter(|&c| c != 0) {
        let stderr = String::from_utf8_lossy(&run.ctx.stderr);
        return Err(format!("exit code {code}, stderr {:?}", stderr.trim().chars().take(160).collect::<String>()));
    }
    if run.measured.is_none() {
        return Err(format!(
            "no measured region: bench.start {}, bench.end {}",
            if run.ctx.start.is_some() { "called" } else { "not called" },
            if run.ctx.end.is_some() { "called" } else { "not called" }
        ));
    }
    if let Some(exp) = expected {
        // Compared without trailing whitespace (some expected files lack the final newline).
        if run.ctx.stdout.trim_ascii_end() != exp.trim_ascii_end() {
            let got = String::from_utf8_lossy(&run.ctx.stdout);
            return Err(format!(
                "stdout differs ({} bytes, expected {}): {:?}",
                run.ctx.stdout.len(),
                exp.len(),
                got.chars().take(120).collect::<String>()
            ));
        }
    }
    Ok(())
}

/// The engines of the sightglass table's compile MB/s and instantiate µs columns (wasm3 compiles
/// lazily, inside each run).
const COMPILE_ENGINES: [&str; 6] = ["wasmrt", "wasmrt-jit", "wasmi", "wasmi2", "wasmtime-cranelift", "wasmtime-winch"];
const INSTANTIATE_ENGINES: [&str; 7] =
    ["wasmrt", "wasmrt-jit", "wasmi", "wasmi2", "wasm3", "wasmtime-cranelift", "wasmtime-winch"];

fn run_sightglass(opts: &Opts, root: &Path, skipped: &mut Vec<String>) -> Vec<Row> {
    let mut files = Vec::new();
    find_wasm(root, &mut files);
    files.sort();
    let mut rows = Vec::new();
    for path in files {
        let rel = path.strip_prefix(root).unwrap().display().to_string();
        let name = rel.trim_start_matches("benchmarks/").to_string();
        if !opts.filters.is_empty() && !opts.filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let imports = match engines::imports(&bytes) {
            Ok(i) => i,
            Err(e) => {
                skipped.push(format!("{name}: wasmrt rejects it: {e}"));
                continue;
            }
        };
        if let Some((m, n)) = imports.iter().find(|(m, n)| wasi::signature(m, n).is_none()) {
            skipped.push(format!("{name}: imports {m}.{n}, which has no stub"));
            continue;
        }
        let expected = expected_stdout(&path);
        let mut row = Row::new(name.clone());
        let ctx = Arc::new(Mutex::new(wasi::Ctx::new()));
        // Compile (median of 3 for the compile-time columns), link, warm up and check.
        let mut ready: Vec<(Engine, engines::Compiled)> = Vec::new();
        let mut warm: BTreeMap<&str, Duration> = BTreeMap::new();
        let mut wasmrt_error = None;
        engines::WASMRT_LIMIT_SECS.store(opts.limit, std::sync::atomic::Ordering::Relaxed);
        for &engine in &opts.engines {
            let mut compiled = None;
            let mut ctimes = Vec::new();
            for _ in 0..3 {
                match engines::compile(engine, &bytes) {
                    Ok((c, t)) => {
                        compiled = Some(c);
                        ctimes.push(t);
                    }
                    Err(e) => {
                        row.na.push(format!("{}: compile: {e}", engine.name()));
                        break;
                    }
                }
            }
            let Some(mut compiled) = compiled else {
                if engine == Engine::Wasmrt {
                    wasmrt_error = Some("compile failed".to_string());
                }
                continue;
            };
            if engine != Engine::Wasm3 {
                row.compile_mbs.insert(engine.name(), bytes.len() as f64 / median(&mut ctimes).as_secs_f64() / 1e6);
            }
            let checked = engines::link(&mut compiled, &imports, &ctx).and_then(|_| {
                let run = engines::run_command(&compiled, &imports, &ctx);
                check_run(&run, &expected)?;
                Ok(run.measured.unwrap())
            });
            eprintln!("  {name} {}: warm-up {:?}", engine.name(), checked);
            match checked {
                Ok(t) => {
                    warm.insert(engine.name(), t);
                    ready.push((engine, compiled));
                }
                Err(e) => {
                    row.na.push(format!("{}: {e}", engine.name()));
                    if engine == Engine::Wasmrt {
                        wasmrt_error = Some(if e.contains("Interrupted") {
                            format!("not measured: over {} s (CPU) on wasmrt", opts.limit)
                        } else {
                            e
                        });
                        // The others are not needed: the module is skipped.
                        break;
                    }
                }
            }
        }
        engines::WASMRT_LIMIT_SECS.store(0, std::sync::atomic::Ordering::Relaxed);
        if let Some(e) = wasmrt_error {
            let others_ok: Vec<&str> = ready.iter().map(|(e, _)| e.name()).collect();
            skipped.push(if others_ok.is_empty() {
                format!("{name}: {e}")
            } else {
                format!("{name}: fails on wasmrt ({e}) but runs on {}", others_ok.join(", "))
            });
            continue;
        }
        if let Some(only) = opts.only {
            if let Some((_, c)) = ready.iter().find(|(e, _)| *e == only) {
                let t0 = Instant::now();
                for _ in 0..opts.repeat {
                    engines::run_command(c, &imports, &ctx);
                }
                eprintln!("{name}: {} x {} in {:?}", only.name(), opts.repeat, t0.elapsed());
            }
            continue;
        }
        if opts.rounds == 0 {
            // Survey: the warm-up runs only.
            for (engine, t) in &warm {
                row.times.insert(engine, *t);
            }
            eprintln!("sightglass {name}: {:?} (warm-up only)", row.times);
            rows.push(row);
            continue;
        }
        // As many rounds as fit in the budget, at most --rounds; when fewer than 3 fit, the
        // warm-up run (seconds long: nothing left to warm) counts as a sample too.
        let round_time: Duration = warm.values().sum();
        let rounds = ((opts.budget.as_secs_f64() / round_time.as_secs_f64().max(1e-9)) as usize).clamp(1, opts.rounds);
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); ready.len()];
        if rounds < 3 {
            for (i, (engine, _)) in ready.iter().enumerate() {
                times[i].push(warm[engine.name()]);
            }
        }
        let mut inst: Vec<Vec<Duration>> = vec![Vec::new(); ready.len()];
        for round in 0..rounds {
            for s in 0..ready.len() {
                let i = (s + round) % ready.len();
                let run = engines::run_command(&ready[i].1, &imports, &ctx);
                if let Err(e) = check_run(&run, &expected) {
                    panic!("{name}: {} failed on a timed run: {e}", ready[i].0.name());
                }
                times[i].push(run.measured.unwrap());
                inst[i].push(run.instantiate);
            }
        }
        for (i, (engine, _)) in ready.iter().enumerate() {
            row.times.insert(engine.name(), median(&mut times[i]));
            row.inst_us.insert(engine.name(), median(&mut inst[i]).as_secs_f64() * 1e6);
        }
        // "a / b / ..": one figure per engine of the column's header.
        let f = |m: &BTreeMap<&str, f64>, engines: &[&str], digits: usize| {
            engines
                .iter()
                .map(|e| m.get(e).map_or("n/a".into(), |v| format!("{v:.digits$}")))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        row.extra = vec![
            format!("{} KB", bytes.len() / 1000),
            f(&row.compile_mbs, &COMPILE_ENGINES, 1),
            f(&row.inst_us, &INSTANTIATE_ENGINES, 0),
            rounds.to_string(),
        ];
        eprintln!("sightglass {name}: {:?} ({rounds} rounds)", row.times);
        rows.push(row);
    }
    rows
}

fn main() {
    let mut opts = Opts {
        engines: ENGINES.to_vec(),
        native: true,
        rounds: 7,
        budget: Duration::from_secs(30),
        limit: 15,
        filters: vec![],
        only: None,
        repeat: 10,
        kernels: true,
        sightglass: true,
    };
    let parse_engine =
        |s: &str| ENGINES.iter().copied().find(|e| e.name() == s).unwrap_or_else(|| panic!("unknown engine {s}"));
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => opts.rounds = args.next().unwrap().parse().unwrap(),
            "--budget" => opts.budget = Duration::from_secs_f64(args.next().unwrap().parse().unwrap()),
            "--limit" => opts.limit = args.next().unwrap().parse().unwrap(),
            "--repeat" => opts.repeat = args.next().unwrap().parse().unwrap(),
            "--engines" => {
                let list = args.next().unwrap();
                opts.native = list.split(',').any(|s| s == "native");
                opts.engines = list.split(',').filter(|s| *s != "native").map(parse_engine).collect();
            }
            "--only" => {
                let e = parse_engine(&args.next().unwrap());
                opts.only = Some(e);
                opts.engines = vec![e];
                opts.native = false;
            }
            "--kernels-only" => opts.sightglass = false,
            "--sightglass-only" => opts.kernels = false,
            _ if a.starts_with("--") => panic!("unknown option {a}"),
            _ => opts.filters.push(a),
        }
    }
    // A large native stack: wasm3 nests wasm calls on it.
    std::thread::Builder::new().stack_size(256 << 20).spawn(move || run(opts)).unwrap().join().unwrap();
}

fn run(opts: Opts) {
    let t0 = Instant::now();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/sightglass");
    // Every ratio over all workloads, in the order of RATIOS.
    let mut all: Vec<(String, Vec<f64>)> = Vec::new();
    let mut add = |ratios: Vec<(String, Vec<f64>)>| {
        for (label, v) in ratios {
            match all.iter_mut().find(|(l, _)| *l == label) {
                Some((_, all_v)) => all_v.extend(v),
                None => all.push((label, v)),
            }
        }
    };
    if opts.kernels {
        let rows = run_kernels(&opts);
        if opts.only.is_none() {
            add(print_table("Compute kernels", &rows, opts.native, &[]));
        }
    }
    if opts.sightglass {
        let mut skipped = Vec::new();
        let rows = run_sightglass(&opts, &root, &mut skipped);
        if opts.only.is_none() {
            let names = |engines: &[&str]| engines.iter().map(|e| short(e)).collect::<Vec<_>>().join(" / ");
            let extra = [
                "size".to_string(),
                format!("compile MB/s {}", names(&COMPILE_ENGINES)),
                format!("instantiate µs {}", names(&INSTANTIATE_ENGINES)),
                "rounds".to_string(),
            ];
            let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
            // Modules whose measured region takes under 0.1 ms on wasmrt (noop measures nothing;
            // others finish before they start) give no ratio.
            let (noop, timed): (Vec<Row>, Vec<Row>) =
                rows.into_iter().partition(|r| r.times.get("wasmrt").is_some_and(|t| t.as_micros() < 100));
            add(print_table("Sightglass", &timed, false, &extra));
            println!();
            print_per_engine("compile MB/s", &COMPILE_ENGINES, &timed, |r, e| r.compile_mbs.get(e).copied());
            print_per_engine("instantiate µs", &INSTANTIATE_ENGINES, &timed, |r, e| r.inst_us.get(e).copied());
            for r in &noop {
                println!("\n{}: {:?} (under 0.1 ms: not in the table)", r.name, r.times);
            }
        }
        if !skipped.is_empty() {
            println!("\nSkipped:");
            for s in &skipped {
                println!("* {s}");
            }
        }
    }
    if opts.only.is_none() {
        println!("\n### All workloads\n");
        for (label, v) in &all {
            println!("geomean {label}: {} over {} workloads", fmt_ratio(geomean(v)), v.len());
        }
    }
    eprintln!("total time {:?}", t0.elapsed());
}
