//! Runs real third-party modules (`../shared/corpus`) without WASI, on the interpreter or, with
//! `WASMRT_TEST_TIER=jit`, compiled.
//!
//! Owns: the wazero engine edge cases (fuzzer regressions, deep recursion, many results, host
//! re-entrancy, externref, ...) and the sightglass benchmarks. Every module compiles (or, if
//! it needs a proposal beyond WebAssembly 2.0, is rejected with an error), instantiates with
//! its imports provided by generic stubs (host functions returning zeros, memories, tables
//! and globals of the imported types) or fails with an `InstantiationError`, and every
//! exported function of the wazero modules that need no WASI, called with zero arguments,
//! returns or traps; fuel ends the loops. Where the module's `.wat` (or wazero's own
//! `fuzzcases_test.go`) gives the expected result, it is checked. The sightglass benchmarks
//! only instantiate: running their `_start` needs real WASI.
//!
//! The corpus sits beside the repository. Without it the test says so loudly and skips, except
//! under CI, where it fails.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::sync::Mutex;

use wasmrt::runtime::{
    CompiledModule, Config, Engine, Extern, Func, Instance, InstantiationError, Store, Trap, TrapCode, Val,
};
use wasmrt::types::{FuncType, ImportType, ValType};

/// Modules that are not WebAssembly 2.0 core modules (as in `tests/corpus.rs`).
const OUTSIDE_WASM2: &[&str] = &[
    "sightglass/benchmarks/cm-online-stats/cm-online-stats.wasm",
    "sightglass/benchmarks/kotlin-richards/kotlin-richards.wasm",
    "sightglass/benchmarks/splay/splay.wasm",
    "wazero/experimental/testdata/fac.wasm",
    "wazero/experimental/testdata/memory.wasm",
    "wazero/experimental/testdata/pthread.wasm",
    "wazero/internal/integration_test/engine/testdata/threads/add.wasm",
    "wazero/internal/integration_test/engine/testdata/threads/mutex.wasm",
    "wazero/internal/integration_test/engine/testdata/threads/sub.wasm",
    "wazero/internal/integration_test/engine/testdata/threads/xor.wasm",
    "wazero/internal/integration_test/fuzzcases/testdata/2131.wasm",
];

/// Fuel for each call (a unit per loop iteration or call): enough for every finite export,
/// small enough that an endless loop ends quickly.
const FUEL: u64 = 2_000_000;

/// The corpus modules under `group`, as paths relative to the corpus, sorted.
fn modules(dir: &Path, group: &str) -> Vec<String> {
    let mut files = Vec::new();
    common::wasm_files(&dir.join(group), &mut files);
    let mut rel: Vec<String> = files
        .iter()
        .map(|p| p.strip_prefix(dir).expect("under the corpus").to_string_lossy().replace('\\', "/"))
        .collect();
    rel.sort();
    rel
}

fn fuel_engine() -> Engine {
    Engine::new(Config { fuel: true, ..common::config() })
}

fn refill(store: &mut Store) {
    let fuel = store.fuel();
    store.add_fuel(FUEL.saturating_sub(fuel));
}

/// A host function of type `ty` that does nothing and returns zeros.
fn stub_func(store: &mut Store, ty: FuncType) -> Func {
    let results = ty.results().to_vec();
    store.new_host_func(
        ty,
        Arc::new(move |_, _, out| {
            for (o, &t) in out.iter_mut().zip(&results) {
                *o = Val::default_of(t);
            }
            Ok(())
        }),
    )
}

/// Stubs for every import of `module`: host functions returning zeros, and memories, tables and
/// globals of the imported types. `host` overrides the function stub for a `(module, name)`.
fn stub_imports(
    store: &mut Store,
    module: &CompiledModule,
    host: &mut dyn FnMut(&mut Store, &str, &str, FuncType) -> Option<Func>,
) -> Vec<Extern> {
    let m = &module.module;
    m.raw
        .imports
        .iter()
        .map(|import| match import.ty {
            ImportType::Func(t) => {
                let ty = FuncType::clone(&m.raw.types[t as usize]);
                let f = host(store, &import.module, &import.name, ty.clone()).unwrap_or_else(|| stub_func(store, ty));
                Extern::Func(f)
            }
            ImportType::Memory(ty) => Extern::Memory(store.new_memory(ty).expect("imported memory is created")),
            ImportType::Table(ty) => {
                let null = Val::default_of(ValType::from(ty.element));
                Extern::Table(store.new_table(ty, null).expect("imported table is created"))
            }
            ImportType::Global(ty) => {
                Extern::Global(store.new_global(ty, Val::default_of(ty.content)).expect("imported global is created"))
            }
        })
        .collect()
}

fn no_host(_: &mut Store, _: &str, _: &str, _: FuncType) -> Option<Func> {
    None
}

/// What happened to a group of modules.
#[derive(Default, Debug)]
struct Tally {
    compiled: u32,
    rejected: u32,
    instantiated: u32,
    instantiation_failed: Vec<String>,
    called: u32,
    returned: u32,
    trapped: BTreeMap<String, u32>,
}

impl Tally {
    fn trapped_total(&self) -> u32 {
        self.trapped.values().sum()
    }
}

/// A module loaded from the corpus, instantiated with stubs.
struct Loaded {
    store: Store,
    instance: Instance,
}

impl Loaded {
    fn func(&self, name: &str) -> Func {
        match self.store.instance_export(self.instance, name) {
            Some(Extern::Func(f)) => f,
            other => panic!("no function export {name:?}: {other:?}"),
        }
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, Trap> {
        let f = self.func(name);
        refill(&mut self.store);
        self.store.call(f, args)
    }

    /// Calls `name` with zero arguments.
    fn call0(&mut self, name: &str) -> Result<Vec<Val>, Trap> {
        let f = self.func(name);
        let args = default_args(&self.store, f);
        refill(&mut self.store);
        self.store.call(f, &args)
    }

    fn global(&self, name: &str) -> Val {
        match self.store.instance_export(self.instance, name) {
            Some(Extern::Global(g)) => self.store.global_get(g).expect("global of this store"),
            other => panic!("no global export {name:?}: {other:?}"),
        }
    }
}

fn default_args(store: &Store, f: Func) -> Vec<Val> {
    store.func_type(f).expect("function of this store").params().iter().map(|&t| Val::default_of(t)).collect()
}

fn read(dir: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn load_with(
    engine: &Engine,
    dir: &Path,
    rel: &str,
    host: &mut dyn FnMut(&mut Store, &str, &str, FuncType) -> Option<Func>,
) -> Result<Loaded, InstantiationError> {
    let module = CompiledModule::new(engine, &read(dir, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut store = Store::new(engine);
    let imports = stub_imports(&mut store, &module, host);
    refill(&mut store);
    let instance = store.instantiate(&module, &imports)?;
    Ok(Loaded { store, instance })
}

fn load(engine: &Engine, dir: &Path, rel: &str) -> Loaded {
    load_with(engine, dir, rel, &mut no_host).unwrap_or_else(|e| panic!("{rel}: instantiation failed: {e}"))
}

/// Compiles, instantiates with stubs and (when `call`, and the module needs no WASI) calls every
/// exported function of one module with zero arguments, counting what happened. Panics (the
/// test fails) only if the runtime misbehaves: a valid module not compiling, an invalid one
/// compiling, or a panic.
fn exercise(engine: &Engine, dir: &Path, rel: &str, call: bool, tally: &mut Tally) {
    let bytes = read(dir, rel);
    let module = match CompiledModule::new(engine, &bytes) {
        Ok(m) => {
            assert!(!OUTSIDE_WASM2.contains(&rel), "{rel}: compiled, but it needs a proposal beyond 2.0");
            if rel.starts_with("sightglass/") {
                check_sightglass_imports(rel, &m);
            }
            tally.compiled += 1;
            m
        }
        Err(e) => {
            assert!(OUTSIDE_WASM2.contains(&rel), "{rel}: rejected: {e}");
            tally.rejected += 1;
            return;
        }
    };
    let mut store = Store::new(engine);
    let imports = stub_imports(&mut store, &module, &mut no_host);
    refill(&mut store);
    let instance = match store.instantiate(&module, &imports) {
        Ok(i) => i,
        Err(_) => {
            tally.instantiation_failed.push(rel.to_string());
            return;
        }
    };
    tally.instantiated += 1;
    // Modules needing WASI only instantiate here; running them needs real WASI.
    if !call || imports_wasi(&module) {
        return;
    }
    let funcs: Vec<Func> = store
        .instance_exports(instance)
        .expect("instance of this store")
        .iter()
        .filter_map(|(_, e)| match e {
            Extern::Func(f) => Some(*f),
            _ => None,
        })
        .collect();
    for f in funcs {
        let args = default_args(&store, f);
        refill(&mut store);
        tally.called += 1;
        match store.call(f, &args) {
            Ok(_) => tally.returned += 1,
            Err(trap) => *tally.trapped.entry(format!("{:?}", trap.code)).or_default() += 1,
        }
    }
}

/// Sightglass benchmarks import WASI preview1 functions and `bench.start`/`bench.end: [] -> []`
/// only, so the stubs are WASI functions returning 0 (success) and bench functions doing nothing.
fn check_sightglass_imports(rel: &str, module: &CompiledModule) {
    let m = &module.module;
    for import in &m.raw.imports {
        let ImportType::Func(t) = import.ty else { panic!("{rel}: imports a non-function {}", import.name) };
        let ty: &FuncType = &m.raw.types[t as usize];
        match (import.module.as_str(), import.name.as_str()) {
            ("bench", "start" | "end") => assert_eq!(*ty, FuncType::new(&[], &[]), "{rel}: bench.{}", import.name),
            ("wasi_snapshot_preview1", _) => {
                assert!(ty.results().len() <= 1, "{rel}: {} returns an errno or nothing", import.name)
            }
            (module, name) => panic!("{rel}: unexpected import {module}.{name}"),
        }
    }
}

fn imports_wasi(module: &CompiledModule) -> bool {
    module.module.raw.imports.iter().any(|i| i.module.starts_with("wasi_"))
}

#[test]
fn wazero_modules_compile_instantiate_and_run() {
    let Some(dir) = common::corpus_dir("", "corpus run tests") else { return };
    let engine = fuel_engine();
    let files = modules(&dir, "wazero");
    assert!(files.len() >= 133, "expected the whole wazero group, found {} modules", files.len());
    let mut tally = Tally::default();
    for rel in &files {
        exercise(&engine, &dir, rel, true, &mut tally);
    }
    println!(
        "wazero: {} modules, {} compiled, {} rejected (beyond 2.0), {} instantiated, {} failed to instantiate; \
         {} functions called, {} returned, {} trapped {:?}",
        files.len(),
        tally.compiled,
        tally.rejected,
        tally.instantiated,
        tally.instantiation_failed.len(),
        tally.called,
        tally.returned,
        tally.trapped_total(),
        tally.trapped
    );
    assert_eq!(tally.rejected as usize, OUTSIDE_WASM2.iter().filter(|p| p.starts_with("wazero/")).count());
    assert_eq!(tally.returned + tally.trapped_total(), tally.called);
    // Start functions that trap, and element segments that do not fit (checked below).
    let failing = [
        "wazero/internal/integration_test/engine/testdata/huge_call_stack_unwind.wasm",
        "wazero/internal/integration_test/fuzzcases/testdata/708.wasm",
        "wazero/internal/integration_test/fuzzcases/testdata/873.wasm",
        "wazero/internal/integration_test/fuzzcases/testdata/874.wasm",
        "wazero/testdata/mem_grow.wasm",
    ];
    assert_eq!(tally.instantiation_failed, failing, "modules failing to instantiate with stubs");
    assert_eq!(tally.trapped.get("OutOfFuel"), Some(&3), "the two infinite loops and fac-ssa(0) run out of fuel");
}

#[test]
fn sightglass_modules_instantiate() {
    let Some(dir) = common::corpus_dir("", "corpus run tests") else { return };
    let engine = fuel_engine();
    let files = modules(&dir, "sightglass");
    assert!(files.len() >= 57, "expected the whole sightglass group, found {} modules", files.len());
    let mut tally = Tally::default();
    for rel in &files {
        exercise(&engine, &dir, rel, false, &mut tally);
    }
    println!(
        "sightglass: {} modules, {} compiled, {} rejected (component model, GC), {} instantiated",
        files.len(),
        tally.compiled,
        tally.rejected,
        tally.instantiated
    );
    assert_eq!(tally.rejected, 3);
    assert_eq!(tally.instantiation_failed, Vec::<String>::new(), "every core benchmark instantiates with stubs");
    assert_eq!(tally.instantiated, tally.compiled);
}

/// Results flattened the way wazero's tests write them: one u64 per number, two (low, high) per
/// v128, numbers as their bits (i32 zero-extended).
fn flat(vals: &[Val]) -> Vec<u64> {
    let mut out = Vec::new();
    for v in vals {
        match *v {
            Val::I32(x) => out.push(x as u32 as u64),
            Val::I64(x) => out.push(x as u64),
            Val::F32(x) => out.push(x as u64),
            Val::F64(x) => out.push(x),
            Val::V128(x) => out.extend([x as u64, (x >> 64) as u64]),
            Val::FuncRef(f) => out.push(f.map_or(0, |f| f.index() as u64 + 1)),
            Val::ExternRef(e) => out.push(e.map_or(0, |e| e.index() as u64 + 1)),
        }
    }
    out
}

const ENGINE: &str = "wazero/internal/integration_test/engine/testdata";

#[test]
fn wazero_engine_edge_cases() {
    let Some(dir) = common::corpus_dir("", "corpus run tests") else { return };
    let engine = fuel_engine();
    let at = |name: &str| format!("{ENGINE}/{name}.wasm");

    let mut m = load(&engine, &dir, &at("global_extend"));
    assert_eq!(m.call0("extend").unwrap(), [Val::I64(0xffff_ffff)], "i64.extend_i32_u of -1");

    let mut m = load(&engine, &dir, &at("overflow"));
    assert_eq!(m.call0("i32").unwrap(), [Val::I32(1)], "i32 max + 1 wraps to min");
    assert_eq!(m.call0("i64").unwrap(), [Val::I32(1)], "i64 max + 1 wraps to min");

    // The start function recurses 1000 times, then divides by zero: the trap unwinds all
    // 1001 frames and instantiation fails cleanly.
    match load_with(&engine, &dir, &at("huge_call_stack_unwind"), &mut no_host) {
        Err(InstantiationError::Trap(trap)) => {
            assert_eq!(trap.code, TrapCode::IntegerDivideByZero);
            assert_eq!(trap.frames.len(), 1001);
            assert!(trap.frames.iter().all(|f| f.func_index == 0));
        }
        other => panic!("huge_call_stack_unwind: expected a trap at start, got {:?}", other.err()),
    }

    // 180 results (counting a v128 as two), numbered 1..=180 in wazero's flattening.
    let mut m = load(&engine, &dir, &at("hugestack"));
    let expected: Vec<u64> = (1..=180).collect();
    assert_eq!(flat(&m.call0("main").unwrap()), expected);
    assert_eq!(flat(&m.call0("memory_fill_after_main").unwrap()), expected);
    let f = m.func("memory_fill_after_main");
    let fill = [Val::I32(0), Val::I32(0xab), Val::I32(65536)];
    assert_eq!(flat(&m.store.call(f, &fill).unwrap()), expected, "fills the whole page");
    let trap = m.store.call(f, &[Val::I32(1), Val::I32(0), Val::I32(65536)]).unwrap_err();
    assert_eq!(trap.code, TrapCode::MemoryOutOfBounds, "one byte past the page");

    let mut m = load(&engine, &dir, &at("memory"));
    assert_eq!(m.call0("size").unwrap(), [Val::I32(0)]);
    assert_eq!(m.call("grow", &[Val::I32(1)]).unwrap(), [Val::I32(0)]);
    assert_eq!(m.call0("size").unwrap(), [Val::I32(1)]);
    m.call("store", &[Val::I32(65536 - 8)]).expect("the last 8 bytes are in bounds");
    let trap = m.call("store", &[Val::I32(65536 - 7)]).unwrap_err();
    assert_eq!(trap.code, TrapCode::MemoryOutOfBounds);

    let mut m = load(&engine, &dir, &at("infinite_loop"));
    for _ in 0..2 {
        assert_eq!(m.call0("infinite_loop").unwrap_err().code, TrapCode::OutOfFuel);
    }

    // Host -> wasm re-entrancy: each of main's iterations calls the host, which calls back
    // into the instance.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let mut host = |store: &mut Store, module: &str, name: &str, ty: FuncType| {
        assert_eq!((module, name), ("env", "host_func"));
        let log = log.clone();
        Some(store.new_host_func(
            ty,
            Arc::new(move |caller, _, _| {
                let Some(Extern::Func(f)) =
                    caller.store.instance_export(caller.instance.unwrap(), "called_by_host_func")
                else {
                    panic!("called_by_host_func is exported")
                };
                let r = caller.store.call(f, &[])?;
                log.lock().unwrap().push(r);
                Ok(())
            }),
        ))
    };
    let mut m = load_with(&engine, &dir, &at("recursive"), &mut host).unwrap();
    assert_eq!(m.call("main", &[Val::I32(5)]).unwrap(), []);
    assert_eq!(*seen.lock().unwrap(), vec![vec![Val::I32(100)]; 5]);

    // externref through a host function and back.
    let mut host = |store: &mut Store, _: &str, _: &str, ty: FuncType| {
        Some(store.new_host_func(
            ty,
            Arc::new(|caller, args, results| {
                assert_eq!(args, [Val::ExternRef(None)]);
                results[0] = Val::ExternRef(Some(caller.store.new_extern_ref(Box::new("from the host"))));
                Ok(())
            }),
        ))
    };
    let mut m = load_with(&engine, &dir, &at("reftype_imports"), &mut host).unwrap();
    let [Val::ExternRef(Some(r))] = m.call0("get_externref_by_host").unwrap()[..] else {
        panic!("get_externref_by_host returns a non-null externref")
    };
    let data = m.store.extern_ref_data(r).and_then(|d| d.downcast_ref::<&str>());
    assert_eq!(data, Some(&"from the host"));

    // A trap raised by a host import unwinds through three wasm frames.
    let mut host = |store: &mut Store, _: &str, _: &str, ty: FuncType| {
        Some(store.new_host_func(ty, Arc::new(|_, _, _| Err(Trap::host("cause_unreachable")))))
    };
    let mut m = load_with(&engine, &dir, &at("unreachable"), &mut host).unwrap();
    let trap = m.call0("main").unwrap_err();
    assert_eq!((trap.code, trap.message.as_str()), (TrapCode::Host, "cause_unreachable"));
    assert_eq!(trap.frames.iter().map(|f| f.func_index).collect::<Vec<_>>(), [3, 2, 1], "two, one, main");

    // The host writes into the calling instance's memory.
    let mut host = |store: &mut Store, _: &str, _: &str, ty: FuncType| {
        Some(store.new_host_func(
            ty,
            Arc::new(|caller, args, results| {
                let (Val::I32(offset), Val::I64(value)) = (args[0], args[1]) else { panic!("(i32, i64) arguments") };
                let Some(Extern::Memory(mem)) = caller.store.instance_export(caller.instance.unwrap(), "memory") else {
                    panic!("memory is exported")
                };
                let data = caller.store.memory_mut(mem).unwrap().data_mut();
                let errno = match data.get_mut(offset as u32 as usize..).and_then(|d| d.get_mut(..8)) {
                    Some(bytes) => {
                        bytes.copy_from_slice(&value.to_le_bytes());
                        0
                    }
                    None => 21, // EFAULT
                };
                results[0] = Val::I32(errno);
                Ok(())
            }),
        ))
    };
    let mut m = load_with(&engine, &dir, &at("host_memory"), &mut host).unwrap();
    assert_eq!(m.call("store_int", &[Val::I32(16), Val::I64(-2)]).unwrap(), [Val::I32(0)]);
    assert_eq!(m.call("store_int", &[Val::I32(65530), Val::I64(1)]).unwrap(), [Val::I32(21)]);
    let Some(Extern::Memory(mem)) = m.store.instance_export(m.instance, "memory") else { panic!("memory export") };
    assert_eq!(m.store.memory(mem).unwrap().data()[16..24], (-2i64).to_le_bytes());
}

#[test]
fn wazero_examples() {
    let Some(dir) = common::corpus_dir("", "corpus run tests") else { return };
    let engine = fuel_engine();

    let results = "wazero/examples/multiple-results/testdata";
    for name in ["multi_value", "result_offset"] {
        let mut m = load(&engine, &dir, &format!("{results}/{name}.wasm"));
        assert_eq!(m.call0("call_get_age").unwrap(), [Val::I64(37)], "{name}");
    }
    let mut host = |store: &mut Store, module: &str, name: &str, ty: FuncType| {
        assert_eq!((module, name), ("multi-value/host", "get_age"));
        Some(store.new_host_func(
            ty,
            Arc::new(|_, _, results| {
                results.copy_from_slice(&[Val::I64(37), Val::I32(0)]);
                Ok(())
            }),
        ))
    };
    let mut m = load_with(&engine, &dir, &format!("{results}/multi_value_imported.wasm"), &mut host).unwrap();
    assert_eq!(m.call0("call_get_age").unwrap(), [Val::I64(37)], "two results from the host");

    let logged = Arc::new(Mutex::new(Vec::new()));
    let log = logged.clone();
    let mut host = |store: &mut Store, _: &str, name: &str, ty: FuncType| {
        let log = log.clone();
        Some(match name {
            "current_year" => store.new_host_func(
                ty,
                Arc::new(|_, _, r| {
                    r[0] = Val::I32(2021);
                    Ok(())
                }),
            ),
            _ => store.new_host_func(
                ty,
                Arc::new(move |_, args, _| {
                    log.lock().unwrap().push(args[0]);
                    Ok(())
                }),
            ),
        })
    };
    let age = "wazero/examples/import-go/testdata/age_calculator.wasm";
    let mut m = load_with(&engine, &dir, age, &mut host).unwrap();
    assert_eq!(m.call("get_age", &[Val::I32(2000)]).unwrap(), [Val::I32(21)]);
    m.call("log_age", &[Val::I32(1984)]).unwrap();
    assert_eq!(*logged.lock().unwrap(), [Val::I32(37)]);

    let counter = Arc::new(AtomicU32::new(0));
    let next = counter.clone();
    let mut host = |store: &mut Store, _: &str, _: &str, ty: FuncType| {
        let next = next.clone();
        Some(store.new_host_func(
            ty,
            Arc::new(move |_, _, r| {
                r[0] = Val::I32(next.fetch_add(1, Ordering::Relaxed) as i32 + 1);
                Ok(())
            }),
        ))
    };
    let counter_wasm = "wazero/examples/multiple-runtimes/testdata/counter.wasm";
    let mut m = load_with(&engine, &dir, counter_wasm, &mut host).unwrap();
    assert_eq!(m.call0("get").unwrap(), [Val::I32(1)]);
    assert_eq!(m.call0("get").unwrap(), [Val::I32(2)]);

    let mut m = load(&engine, &dir, "wazero/examples/concurrent-instantiation/testdata/add.wasm");
    assert_eq!(m.call("add", &[Val::I32(2), Val::I32(-5)]).unwrap(), [Val::I32(-3)]);

    // Multi-value loop parameters (the spec's fac-ssa); 25! mod 2^64.
    let mut m = load(&engine, &dir, "wazero/testdata/fac.wasm");
    assert_eq!(m.call("fac-ssa", &[Val::I64(25)]).unwrap(), [Val::I64(7_034_535_277_573_963_776)]);

    // The start function grows memory until it fails (1 -> 5 pages), then hits unreachable.
    match load_with(&engine, &dir, "wazero/testdata/mem_grow.wasm", &mut no_host) {
        Err(InstantiationError::Trap(trap)) => assert_eq!(trap.code, TrapCode::Unreachable),
        other => panic!("mem_grow: expected a trap at start, got {:?}", other.err()),
    }
}

/// What a fuzzer regression export must do when called with zero arguments.
enum Want {
    Returns(&'static [u64]),
    Traps(TrapCode),
    /// Returns, and leaves the exported global with these (low, high) bits.
    SetsGlobal(&'static str, [u64; 2]),
    /// Returns, the first result being this.
    First(u64),
    Ok,
}

const MAX: u64 = u64::MAX;
const OOB: Want = Want::Traps(TrapCode::MemoryOutOfBounds);
const UNREACHABLE: Want = Want::Traps(TrapCode::Unreachable);

/// From the .wat files and wazero's `fuzzcases_test.go` (same expectations for all its engines).
const FUZZCASES: &[(&str, &str, Want)] = &[
    ("695", "i8x16s", OOB),
    ("695", "i16x8s", OOB),
    ("701", "i32.extend16_s", OOB),
    ("701", "i32.extend8_s", OOB),
    ("715", "select on conditional value after table.size", Want::Returns(&[1])),
    ("716", "select on ref.func", Want::Returns(&[1])),
    (
        "717",
        "vectors",
        Want::Returns(&[
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
            29, 30, 31, 32, 33, 34,
        ]),
    ),
    ("718", "v128.load_zero on the ceil", Want::Ok),
    ("719", "require unreachable", UNREACHABLE),
    ("720", "access memory after table.grow", Want::Returns(&[0xffff_ffff])),
    ("721", "conditional before elem.drop", Want::Returns(&[1])),
    ("722", "conditional before data.drop", Want::Returns(&[1])),
    ("725", "i32.load8_s", OOB),
    ("725", "i32.load16_s", OOB),
    ("730", "f32x4.max", Want::Returns(&[0x8000_0000 << 32, 0])),
    ("730", "f32x4.min", Want::Returns(&[0x8000_0000, 0x8000_0000 << 32 | 0x8000_0000])),
    ("730", "f64x2.max", Want::Returns(&[0, 0])),
    ("730", "f64x2.min", Want::Returns(&[1 << 63, 1 << 63])),
    ("730", "f64x2.max/mix", Want::Returns(&[0, 1 << 63])),
    ("730", "f64x2.min/mix", Want::Returns(&[1 << 63, 0])),
    ("733", "out of bounds", OOB),
    ("733", "store higher offset", Want::Ok),
    ("1777", "", Want::Returns(&[18446626425965379583, 4607736361554183979])),
    ("1792c", "", Want::Ok),
    ("1793a", "", Want::SetsGlobal("4", [2531906066518671488, MAX])),
    ("1793b", "", Want::SetsGlobal("2", [18374967954648334335, MAX])),
    ("1793c", "", Want::SetsGlobal("zz", [MAX, MAX])),
    ("1793d", "", Want::SetsGlobal("2", [0, 0])),
    ("1797a", "", Want::First(0)),
    ("1797b", "\0\0\0\0\0", Want::SetsGlobal("", [2666130977255796624, 9223142857682330634])),
    ("1797c", "~zz\0E1E\0EE\0$", UNREACHABLE),
    ("1797d", "p", Want::SetsGlobal("3", [15092115255309870764, 9241386435284803069])),
    ("1802", "", UNREACHABLE),
    (
        "1812",
        "",
        Want::Returns(&[
            0x8301fd00, 0xfd838783, 0x87878383, 0x9b000087, 0x170001fd, 0xfd8383fd, 0x87838301, 0x878787, 0x83fd9b00,
            0x201fd83, 0x878783, 0x83fd9b00, 0x9b00fd83, 0xfd8383fd, 0x87838301, 0x87878787, 0xfd9b0000, 0x87878383,
            0x1fd8383,
        ]),
    ),
    ("1817", "", Want::Ok),
    ("1820", "", Want::SetsGlobal("2", [0xFFFF_FFFF_FFFF_0000, 0xFFFF])),
    ("1823", "", Want::Ok),
    ("1825", "", Want::Ok),
    ("1826", "3", Want::SetsGlobal("7", [1608723901141126568, 0])),
    ("1846", "", Want::Ok),
    ("1949", "", OOB),
    ("1999", "", UNREACHABLE),
    ("2000a", "", Want::Ok),
    ("2000b", "", Want::Traps(TrapCode::IntegerOverflow)),
    ("2001", "", Want::Ok),
    ("2006", "", Want::Ok),
    ("2007", "", Want::Traps(TrapCode::IntegerOverflow)),
    ("2008", "", UNREACHABLE),
    ("2009", "", Want::Returns(&[0])),
    ("2017", "", Want::Traps(TrapCode::IntegerDivideByZero)),
    ("2031", "", Want::Returns(&[0x7f80_0000, 0x7ff0_0000_0000_0000])),
    ("2034", "", Want::Returns(&[0xf0f0f280f0f280f, 0, 0, 0, 0])),
    (
        "2037",
        "",
        Want::Returns(&[
            0x0,
            0x0,
            0xbbbbbbbbbbbbbbbb,
            0xbbbbbbbbbbbbbbbb,
            0xcb6151c8d497b060,
            0xbbbbbbbbbbbbbbbb,
            0xe71c3971a22b233b,
            0xa0a0a0a0a0a0a0a,
            0x0,
            0xfffffffb00000030,
            0x0,
            0x6c6cbbbbbbbbbbbb,
            0xfeb44590ef194fa2,
            0x1313131313131313,
            0x1898a98e9daf4f22,
            0xf8f8f8f80a0a0aa0,
            0x6c6c6c6c6c6cf1f8,
            0x6c6c6c6c6c6c6c6c,
            0x9abbbbbbbbbbbb6c,
            0x9a9ad39a9a9a9a9a,
        ]),
    ),
    ("2040", "", Want::Ok),
    // From the .wat: u32 0x4a4a4a4a as f32 is 0x4e949495; pairwise sums of its bytes
    // (0x95 + 0x94, 0x94 + 0x4e) give i16 lanes 0x0129, 0x00e2.
    ("2057", "", Want::Returns(&[0x00e2_0129_00e2_0129, 0x00e2_0129_00e2_0129])),
    ("2082", "", Want::Traps(TrapCode::IntegerOverflow)),
    ("2096", "", OOB),
];

const FUZZ: &str = "wazero/internal/integration_test/fuzzcases/testdata";

#[test]
fn wazero_fuzzcases_known_results() {
    let Some(dir) = common::corpus_dir("", "corpus run tests") else { return };
    let mut wrong = Vec::new();
    // With and without fuel (which adds checks to loops and calls).
    for (engine, (case, export, want)) in
        [fuel_engine(), Engine::new(common::config())].iter().flat_map(|e| FUZZCASES.iter().map(move |c| (e, c)))
    {
        let fuel = engine.config().fuel;
        let mut m = load(engine, &dir, &format!("{FUZZ}/{case}.wasm"));
        let got = m.call0(export);
        let ok = match (want, &got) {
            (Want::Returns(r), Ok(v)) => flat(v) == *r,
            (Want::Traps(code), Err(t)) => t.code == *code,
            (Want::SetsGlobal(g, bits), Ok(_)) => {
                let mut v = flat(&[m.global(g)]);
                v.resize(2, 0);
                v == bits
            }
            (Want::First(x), Ok(v)) => flat(v).first() == Some(x),
            (Want::Ok, Ok(_)) => true,
            _ => false,
        };
        if !ok {
            wrong.push(format!("{case} {export:?} (fuel: {fuel}): {:?}", got.map(|v| flat(&v)).map_err(|t| t.code)));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let engine = fuel_engine();

    // A v128 select keeps both halves, whichever operand it picks.
    let mut m = load(&engine, &dir, &format!("{FUZZ}/696.wasm"));
    let (a, b) = ([MAX, 0xeeee_eeee_eeee_eeee], [0x1111_1111_1111_1111, 0x2222_2222_2222_2222]);
    for export in ["select", "typed select"] {
        for (c, want) in [(1 << 5, a), (1, a), (0, b), (0xffffff, a), (0xffff00, a)] {
            assert_eq!(flat(&m.call(export, &[Val::I32(c)]).unwrap()), want, "{export} {c}");
        }
    }
    let mut m = load(&engine, &dir, &format!("{FUZZ}/709.wasm"));
    assert!(flat(&m.call0("f64x2.promote_low_f32x4").unwrap()).iter().all(|&x| x != 0));

    // A start function's i32 address must not be sign-extended: -1 >> 2 (arithmetic) plus
    // offset 4 is out of bounds.
    for (case, code) in [("708", TrapCode::MemoryOutOfBounds)] {
        match load_with(&engine, &dir, &format!("{FUZZ}/{case}.wasm"), &mut no_host) {
            Err(InstantiationError::Trap(t)) => assert_eq!(t.code, code, "{case}"),
            other => panic!("{case}: expected a trap at instantiation, got {:?}", other.err()),
        }
    }
    // Active element segments that do not fit trap at instantiation (the specification's
    // rule; wazero's own test expects these to instantiate).
    for case in ["873", "874"] {
        match load_with(&engine, &dir, &format!("{FUZZ}/{case}.wasm"), &mut no_host) {
            Err(InstantiationError::Trap(t)) => assert_eq!(t.code, TrapCode::TableOutOfBounds, "{case}"),
            other => panic!("{case}: expected a trap at instantiation, got {:?}", other.err()),
        }
    }
}
