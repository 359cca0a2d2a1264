//! The official WASI testsuite (`../shared/corpus/wasi-testsuite`, preview1 programs built
//! with AssemblyScript, C and Rust) run through `wasmrt::wasi` on the interpreter.
//!
//! Each `foo.wasm` has an optional `foo.json` giving its arguments, environment, the directory
//! to preopen as "/" ("root"), the expected exit code and, when present, the expected stdout
//! and stderr. The tests create and delete files in their root, so every test gets a fresh
//! copy of its suite's input directory in a temporary directory. Programs run two at a time.
//!
//! Without the corpus the test says so loudly and passes, except under CI, where it fails.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use wasmrt::runtime::{CompiledModule, Config, Engine, Store, Tier};
use wasmrt::wasi::{self, Capture, DirPerms, Output, Stdin, WasiCtx};

/// Tests known to fail, with the reason. The harness fails if one of them starts passing.
const EXPECTED_FAILURES: &[(&str, &str)] = &[];

// A minimal JSON reader for the tests' expectation files.
#[derive(Clone, Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.get(key).filter(|v| **v != Json::Null),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(self.s.get(self.i), Some(&c), "JSON: expected '{}' at {}", c as char, self.i);
        self.i += 1;
    }

    fn value(&mut self) -> Json {
        self.ws();
        match self.s[self.i] {
            b'{' => {
                self.i += 1;
                let mut m = BTreeMap::new();
                self.ws();
                if self.s[self.i] == b'}' {
                    self.i += 1;
                    return Json::Obj(m);
                }
                loop {
                    self.ws();
                    let Json::Str(k) = self.value() else { panic!("JSON: key expected") };
                    self.eat(b':');
                    let v = self.value();
                    m.insert(k, v);
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b'}' {
                        return Json::Obj(m);
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut v = Vec::new();
                self.ws();
                if self.s[self.i] == b']' {
                    self.i += 1;
                    return Json::Arr(v);
                }
                loop {
                    v.push(self.value());
                    self.ws();
                    self.i += 1;
                    if self.s[self.i - 1] == b']' {
                        return Json::Arr(v);
                    }
                }
            }
            b'"' => {
                self.i += 1;
                let mut out = String::new();
                loop {
                    let c = self.s[self.i];
                    self.i += 1;
                    match c {
                        b'"' => return Json::Str(out),
                        b'\\' => {
                            let e = self.s[self.i];
                            self.i += 1;
                            out.push(match e {
                                b'n' => '\n',
                                b't' => '\t',
                                b'r' => '\r',
                                b'b' => '\u{8}',
                                b'f' => '\u{c}',
                                b'u' => {
                                    let hex = std::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
                                    self.i += 4;
                                    char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap_or('\u{fffd}')
                                }
                                other => other as char,
                            });
                        }
                        _ => {
                            // Copy a whole UTF-8 sequence.
                            let start = self.i - 1;
                            let mut end = self.i;
                            while end < self.s.len() && (self.s[end] & 0xc0) == 0x80 {
                                end += 1;
                            }
                            out.push_str(std::str::from_utf8(&self.s[start..end]).unwrap());
                            self.i = end;
                        }
                    }
                }
            }
            b't' => {
                self.i += 4;
                Json::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Json::Bool(false)
            }
            b'n' => {
                self.i += 4;
                Json::Null
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len() && matches!(self.s[self.i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    self.i += 1;
                }
                Json::Num(std::str::from_utf8(&self.s[start..self.i]).unwrap().parse().unwrap())
            }
        }
    }
}

fn parse_json(text: &str) -> Json {
    Parser { s: text.as_bytes(), i: 0 }.value()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creates the copy");
    for entry in std::fs::read_dir(from).expect("reads the input directory") {
        let entry = entry.expect("reads an entry");
        let target = to.join(entry.file_name());
        let ty = entry.file_type().expect("file type");
        if ty.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if ty.is_symlink() {
            let link = std::fs::read_link(entry.path()).expect("reads a link");
            std::os::unix::fs::symlink(link, &target).expect("copies a link");
        } else {
            std::fs::copy(entry.path(), &target).expect("copies a file");
        }
    }
}

/// A test's name, whether it passed (or why not), and its run time in seconds.
type Outcome = (String, Result<(), String>, f64);

struct Case {
    name: String,
    wasm: PathBuf,
    spec: Json,
}

/// How many programs the compiled tier compiled.
static COMPILED: AtomicUsize = AtomicUsize::new(0);

/// Runs one test in `scratch` (a fresh directory); returns why it failed, if it did.
fn run_case(engine: &Engine, case: &Case, scratch: &Path) -> Result<(), String> {
    let bytes = std::fs::read(&case.wasm).map_err(|e| format!("read: {e}"))?;
    let module = CompiledModule::new(engine, &bytes).map_err(|e| format!("compile: {e}"))?;
    if engine.config().tier == Tier::Jit {
        match wasmrt::jit::compiled(&module) {
            Ok(()) => COMPILED.fetch_add(1, Ordering::Relaxed),
            Err(why) => {
                eprintln!("      {}: runs interpreted ({why})", case.name);
                0
            }
        };
    }
    let stdout = Capture::new();
    let stderr = Capture::new();
    let file_name = case.wasm.file_name().unwrap().to_string_lossy().into_owned();
    let mut builder = WasiCtx::builder()
        .arg(file_name)
        .stdin(Stdin::Null)
        .stdout(Output::Capture(stdout.clone()))
        .stderr(Output::Capture(stderr.clone()));
    if let Some(Json::Arr(args)) = case.spec.get("args") {
        builder = builder.args(args.iter().map(|a| a.str().expect("string argument").to_owned()));
    }
    if let Some(Json::Obj(env)) = case.spec.get("env") {
        for (k, v) in env {
            builder = builder.env(k, v.str().expect("string variable"));
        }
    }
    let mut dirs: Vec<String> = Vec::new();
    if let Some(root) = case.spec.get("root").and_then(Json::str) {
        dirs.push(root.to_owned());
    }
    if let Some(Json::Arr(list)) = case.spec.get("dirs") {
        dirs.extend(list.iter().filter_map(Json::str).map(str::to_owned));
    }
    for (i, dir) in dirs.iter().enumerate() {
        let source = case.wasm.parent().unwrap().join(dir);
        let copy = scratch.join(format!("{i}-{dir}"));
        copy_dir(&source, &copy);
        let guest = if case.spec.get("root").is_some() && i == 0 { "/".to_owned() } else { dir.clone() };
        builder = builder.preopen_dir(&copy, guest, DirPerms::ReadWrite);
    }
    let ctx = builder.build().map_err(|e| format!("context: {e}"))?;
    let mut store = Store::new(engine);
    let status = wasi::run_command(&mut store, &module, &ctx, &mut |_, _| None).map_err(|e| {
        format!("error: {e}\nstdout: {}\nstderr: {}", stdout.to_string_lossy(), stderr.to_string_lossy())
    })?;
    let expected = case.spec.get("exit_code").map_or(0, |v| match v {
        Json::Num(n) => *n as i32,
        _ => panic!("exit_code is a number"),
    });
    let out = stdout.to_string_lossy();
    let err = stderr.to_string_lossy();
    if std::env::var_os("WASI_VERBOSE").is_some() {
        eprintln!("{}: exit {status}\nstdout: {out}\nstderr: {err}", case.name);
    }
    if status != expected {
        return Err(format!("exit code {status}, expected {expected}\nstdout: {out}\nstderr: {err}"));
    }
    if let Some(want) = case.spec.get("stdout").and_then(Json::str) {
        if out != want {
            return Err(format!("stdout {out:?}, expected {want:?}"));
        }
    }
    if let Some(want) = case.spec.get("stderr").and_then(Json::str) {
        if err != want {
            return Err(format!("stderr {err:?}, expected {want:?}"));
        }
    }
    Ok(())
}

fn collect_cases(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    for suite in ["assemblyscript", "c", "rust"] {
        let suite_dir = dir.join("tests").join(suite).join("testsuite/wasm32-wasip1");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&suite_dir)
            .expect("suite directory is readable")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
            .collect();
        files.sort();
        for wasm in files {
            let json = wasm.with_extension("json");
            let spec = match std::fs::read_to_string(&json) {
                Ok(text) => parse_json(&text),
                Err(_) => Json::Obj(BTreeMap::new()),
            };
            let name = format!("{suite}/{}", wasm.file_stem().unwrap().to_string_lossy());
            cases.push(Case { name, wasm, spec });
        }
    }
    cases
}

#[test]
fn wasi_testsuite() {
    let Some(dir) = common::corpus_dir("wasi-testsuite", "the WASI testsuite tests") else { return };
    let cases = collect_cases(&dir);
    assert_eq!(cases.len(), 72, "the corpus holds 72 preview1 programs");
    let only = std::env::var("WASI_TEST").ok();
    let cases: Vec<Case> = cases.into_iter().filter(|c| only.as_deref().is_none_or(|o| c.name.contains(o))).collect();
    let mut tiers = vec![Tier::Interpreter];
    if cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        tiers.push(Tier::Jit);
    }
    for tier in tiers {
        run_on(tier, &cases);
    }
}

/// Runs the cases on `tier`.
fn run_on(tier: Tier, cases: &[Case]) {
    let tmp = std::env::temp_dir().join(format!("wasmrt-wasi-testsuite-{}-{tier:?}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("creates the scratch directory");
    let engine = Engine::new(Config { tier, ..Config::default() });
    let next = AtomicUsize::new(0);
    let results: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(i) else { break };
                let scratch = tmp.join(i.to_string());
                let start = std::time::Instant::now();
                let r = run_case(&engine, case, &scratch);
                let secs = start.elapsed().as_secs_f64();
                let _ = std::fs::remove_dir_all(&scratch);
                results.lock().unwrap().push((case.name.clone(), r, secs));
            });
        }
    });
    let _ = std::fs::remove_dir_all(&tmp);
    let mut results = std::mem::take(&mut *results.lock().unwrap());
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let passed = results.iter().filter(|r| r.1.is_ok()).count();
    let mut problems = Vec::new();
    for (name, r, secs) in &results {
        let expected_failure = EXPECTED_FAILURES.iter().find(|(n, _)| n == name);
        match (r, expected_failure) {
            (Ok(()), None) => eprintln!("pass  {name} ({secs:.1}s)"),
            (Ok(()), Some(_)) => problems.push(format!("{name}: passes but is listed as an expected failure")),
            (Err(e), Some((_, why))) => eprintln!("xfail {name}: {why}\n      {e}"),
            (Err(e), None) => {
                eprintln!("FAIL  {name}: {e}");
                problems.push(format!("{name}: {e}"));
            }
        }
    }
    eprintln!("wasi-testsuite on {tier:?}: {passed}/{} passed", results.len());
    if tier == Tier::Jit {
        eprintln!("  {} of the programs ran compiled", COMPILED.load(Ordering::Relaxed));
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}
