//! The engines behind one interface: build a kernel instance and call `run(n)`; compile a
//! sightglass module, then instantiate it with the stub imports of `wasi.rs` and run `_start`.
//! (wasmtime's configuration is in `wasmtime_engine.rs`.)

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::wasi::cpu_now;

use crate::wasi::{self, Ctx, Outcome};
use crate::wasmtime_engine::{self as wt, Compiler};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Wasmrt,
    /// wasmrt's compiled tier (in progress; modules it cannot compile run interpreted).
    WasmrtJit,
    Wasmi,
    Wasmi2,
    Wasm3,
    /// wasmtime with its optimizing compiler, Cranelift.
    WasmtimeCranelift,
    /// wasmtime with its baseline compiler, Winch.
    WasmtimeWinch,
}

pub const ENGINES: [Engine; 7] = [
    Engine::Wasmrt,
    Engine::WasmrtJit,
    Engine::Wasmi,
    Engine::Wasmi2,
    Engine::Wasm3,
    Engine::WasmtimeCranelift,
    Engine::WasmtimeWinch,
];

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Wasmrt => "wasmrt",
            Engine::WasmrtJit => "wasmrt-jit",
            Engine::Wasmi => "wasmi",
            Engine::Wasmi2 => "wasmi2",
            Engine::Wasm3 => "wasm3",
            Engine::WasmtimeCranelift => "wasmtime-cranelift",
            Engine::WasmtimeWinch => "wasmtime-winch",
        }
    }

    /// wasmtime's compiler, for the wasmtime engines.
    fn compiler(self) -> Option<Compiler> {
        match self {
            Engine::WasmtimeCranelift => Some(Compiler::Cranelift),
            Engine::WasmtimeWinch => Some(Compiler::Winch),
            _ => None,
        }
    }
}

/// A kernel instance: `run(i32) -> i64`, called repeatedly on the same instance.
pub trait Kernel {
    fn run(&mut self, n: i32) -> Result<i64, String>;
}

/// wasm3 keeps its stack (slots) in the runtime; calls nest on the native stack.
const WASM3_STACK_BYTES: u32 = 8 << 20;

fn err(e: impl std::fmt::Display) -> String {
    let s = format!("{e}");
    s.chars().take(300).collect()
}

// ---- wasmrt ----

mod rt {
    pub use wasmrt::runtime::*;
    pub use wasmrt::types::{FuncType, ImportType, ValType};
}

struct WasmrtKernel {
    store: rt::Store,
    func: rt::Func,
}

impl Kernel for WasmrtKernel {
    fn run(&mut self, n: i32) -> Result<i64, String> {
        match self.store.call(self.func, &[rt::Val::I32(n)]).map_err(err)?.as_slice() {
            [rt::Val::I64(x)] => Ok(*x),
            other => Err(format!("unexpected results {other:?}")),
        }
    }
}

// ---- wasmi 0.40 and 2.0 (same API for what is used here) ----

macro_rules! wasmi_engine {
    ($modname:ident, $krate:ident, $vt:path, |$l:ident, $s:ident, $m:ident| $inst:block) => {
        pub mod $modname {
            use super::*;
            use $krate as w;
            use $vt as VT;

            fn instantiate($l: &w::Linker<()>, $s: &mut w::Store<()>, $m: &w::Module) -> Result<w::Instance, String> $inst

            pub fn engine() -> w::Engine {
                let mut config = w::Config::default();
                // Translate every function up front, as wasmrt does (wasmi 2.0's default is lazy).
                config.compilation_mode(w::CompilationMode::Eager);
                w::Engine::new(&config)
            }

            pub struct K {
                store: w::Store<()>,
                func: w::TypedFunc<i32, i64>,
            }

            impl Kernel for K {
                fn run(&mut self, n: i32) -> Result<i64, String> {
                    self.func.call(&mut self.store, n).map_err(err)
                }
            }

            pub fn kernel(bytes: &[u8]) -> Result<Box<dyn Kernel>, String> {
                let engine = engine();
                let module = w::Module::new(&engine, bytes).map_err(err)?;
                let mut store = w::Store::new(&engine, ());
                let linker = w::Linker::<()>::new(&engine);
                let instance = instantiate(&linker, &mut store, &module)?;
                let func = instance.get_typed_func::<i32, i64>(&store, "run").map_err(err)?;
                Ok(Box::new(K { store, func }))
            }

            pub fn compile(engine: &w::Engine, bytes: &[u8]) -> Result<w::Module, String> {
                w::Module::new(engine, bytes).map_err(err)
            }

            fn ty(c: char) -> VT {
                if c == 'I' {
                    VT::I64
                } else {
                    VT::I32
                }
            }

            pub fn linker(engine: &w::Engine, imports: &[(String, String)], ctx: &Arc<Mutex<Ctx>>) -> Result<w::Linker<()>, String> {
                let mut linker = w::Linker::<()>::new(engine);
                for (module, name) in imports {
                    let (params, ret) = wasi::signature(module, name).ok_or(format!("no stub for {module}.{name}"))?;
                    let results: Vec<VT> = if ret { vec![VT::I32] } else { vec![] };
                    let fty = w::FuncType::new(params.chars().map(ty).collect::<Vec<_>>(), results);
                    let (ctx, m, n) = (ctx.clone(), module.clone(), name.clone());
                    linker
                        .func_new(module, name, fty, move |mut caller: w::Caller<'_, ()>, args: &[w::Val], results: &mut [w::Val]| {
                            let args: Vec<u64> = args
                                .iter()
                                .map(|v| match v {
                                    w::Val::I32(x) => *x as u32 as u64,
                                    w::Val::I64(x) => *x as u64,
                                    _ => 0,
                                })
                                .collect();
                            let mut empty = [];
                            let mem = match caller.get_export("memory").and_then(w::Extern::into_memory) {
                                Some(m) => m.data_mut(&mut caller),
                                None => &mut empty[..],
                            };
                            let mut ctx = ctx.lock().unwrap();
                            match wasi::call(&mut ctx, &m, &n, &args, mem) {
                                Outcome::Errno(e) => results[0] = w::Val::I32(e),
                                Outcome::Void => {}
                                Outcome::Exit => return Err(w::Error::i32_exit(ctx.exit.unwrap_or(0))),
                            }
                            Ok(())
                        })
                        .map_err(err)?;
                }
                Ok(linker)
            }

            /// Instantiates and runs `_start`; returns the instantiation time.
            pub fn run_start(engine: &w::Engine, module: &w::Module, linker: &w::Linker<()>) -> (Duration, Result<(), String>) {
                let t0 = cpu_now();
                let mut store = w::Store::new(engine, ());
                let instance = match instantiate(linker, &mut store, module) {
                    Ok(i) => i,
                    Err(e) => return ((cpu_now() - t0), Err(e)),
                };
                let inst_time = (cpu_now() - t0);
                let result = instance
                    .get_typed_func::<(), ()>(&store, "_start")
                    .map_err(err)
                    .and_then(|f| f.call(&mut store, ()).map_err(err));
                (inst_time, result)
            }
        }
    };
}

wasmi_engine!(wasmi040, wasmi, wasmi::core::ValType, |linker, store, module| {
    linker.instantiate(&mut *store, module).map_err(err)?.start(&mut *store).map_err(err)
});
wasmi_engine!(wasmi200, wasmi2, wasmi2::ValType, |linker, store, module| {
    linker.instantiate_and_start(&mut *store, module).map_err(err)
});

// ---- wasmtime (Cranelift and Winch) ----

struct WasmtimeKernel {
    store: wasmtime::Store<()>,
    func: wasmtime::TypedFunc<i32, i64>,
}

impl Kernel for WasmtimeKernel {
    fn run(&mut self, n: i32) -> Result<i64, String> {
        self.func.call(&mut self.store, n).map_err(wt::error)
    }
}

/// A linker with the stub of every import, built once per module (as wasmi's).
fn wasmtime_linker(
    engine: &wasmtime::Engine,
    imports: &[(String, String)],
    ctx: &Arc<Mutex<Ctx>>,
) -> Result<wasmtime::Linker<()>, String> {
    use wasmtime::{Val, ValType};
    let mut linker = wasmtime::Linker::<()>::new(engine);
    for (module, name) in imports {
        let (params, ret) = wasi::signature(module, name).ok_or(format!("no stub for {module}.{name}"))?;
        let params = params.chars().map(|c| if c == 'I' { ValType::I64 } else { ValType::I32 });
        let results = if ret { vec![ValType::I32] } else { vec![] };
        let fty = wasmtime::FuncType::new(engine, params, results);
        let (ctx, m, n) = (ctx.clone(), module.clone(), name.clone());
        linker
            .func_new(module, name, fty, move |mut caller, args, results| {
                let args: Vec<u64> = args
                    .iter()
                    .map(|v| match v {
                        Val::I32(x) => *x as u32 as u64,
                        Val::I64(x) => *x as u64,
                        _ => 0,
                    })
                    .collect();
                let mut empty = [];
                let mem = match caller.get_export("memory").and_then(wasmtime::Extern::into_memory) {
                    Some(m) => m.data_mut(&mut caller),
                    None => &mut empty[..],
                };
                let mut ctx = ctx.lock().unwrap();
                match wasi::call(&mut ctx, &m, &n, &args, mem) {
                    Outcome::Errno(e) => results[0] = Val::I32(e),
                    Outcome::Void => {}
                    Outcome::Exit => return Err(wasmtime::Error::msg("proc_exit")),
                }
                Ok(())
            })
            .map_err(wt::error)?;
    }
    Ok(linker)
}

/// Instantiates and runs `_start`; returns the instantiation time.
fn wasmtime_start(
    engine: &wasmtime::Engine,
    module: &wasmtime::Module,
    linker: &wasmtime::Linker<()>,
) -> (Duration, Result<(), String>) {
    let t0 = cpu_now();
    let mut store = wasmtime::Store::new(engine, ());
    let instance = match linker.instantiate(&mut store, module) {
        Ok(i) => i,
        Err(e) => return (cpu_now() - t0, Err(wt::error(e))),
    };
    let t = cpu_now() - t0;
    let result =
        instance.get_typed_func::<(), ()>(&mut store, "_start").and_then(|f| f.call(&mut store, ())).map_err(wt::error);
    (t, result)
}

// ---- wasm3 ----

struct Wasm3Kernel {
    func: wasm3::Function<'static, i32, i64>,
}

impl Kernel for Wasm3Kernel {
    fn run(&mut self, n: i32) -> Result<i64, String> {
        self.func.call(n).map_err(err)
    }
}

/// The wasmrt engine of `engine`'s tier.
fn wasmrt_engine(engine: Engine) -> rt::Engine {
    let tier = if engine == Engine::WasmrtJit { rt::Tier::Jit } else { rt::Tier::Interpreter };
    // Compiled on the calling thread, whose CPU clock the compile times count (and as the
    // wasmtime engines here compile).
    rt::Engine::new(rt::Config { tier, compile_threads: 1, ..rt::Config::default() })
}

pub fn kernel(engine: Engine, bytes: &[u8]) -> Result<Box<dyn Kernel>, String> {
    match engine {
        Engine::Wasmrt | Engine::WasmrtJit => {
            let e = wasmrt_engine(engine);
            let module = rt::CompiledModule::new(&e, bytes).map_err(err)?;
            let mut store = rt::Store::new(&e);
            let inst = store.instantiate(&module, &[]).map_err(err)?;
            let Some(rt::Extern::Func(func)) = store.instance_export(inst, "run") else {
                return Err("no export run".into());
            };
            Ok(Box::new(WasmrtKernel { store, func }))
        }
        Engine::Wasmi => wasmi040::kernel(bytes),
        Engine::Wasmi2 => wasmi200::kernel(bytes),
        Engine::Wasm3 => {
            let env = wasm3::Environment::new().map_err(err)?;
            // The runtime lives as long as the process: a Function borrows it.
            let rt: &'static wasm3::Runtime =
                Box::leak(Box::new(wasm3::Runtime::new(&env, WASM3_STACK_BYTES).map_err(err)?));
            let module = rt.parse_and_load_module(bytes.to_vec()).map_err(err)?;
            let func = module.find_function::<i32, i64>("run").map_err(err)?;
            Ok(Box::new(Wasm3Kernel { func }))
        }
        Engine::WasmtimeCranelift | Engine::WasmtimeWinch => {
            let e = wt::engine(engine.compiler().unwrap())?;
            let module = wt::compile(&e, bytes)?;
            let (store, func) = wt::export::<i32, i64>(&e, &module, "run")?;
            Ok(Box::new(WasmtimeKernel { store, func }))
        }
    }
}

// ---- sightglass: compile once, then instantiate + `_start` per run ----

pub enum Compiled {
    Wasmrt(rt::Engine, Arc<rt::CompiledModule>),
    Wasmi(wasmi::Engine, wasmi::Module, wasmi::Linker<()>),
    Wasmi2(wasmi2::Engine, wasmi2::Module, wasmi2::Linker<()>),
    /// wasm3 parses when it loads, and compiles each function on its first call.
    Wasm3(Vec<u8>),
    Wasmtime(wasmtime::Engine, wasmtime::Module, wasmtime::Linker<()>),
}

/// Compiles `bytes` (decode, validate, translate every function); the time is for
/// compilation alone (wasm3: nothing, it compiles lazily).
pub fn compile(engine: Engine, bytes: &[u8]) -> Result<(Compiled, Duration), String> {
    let t0 = cpu_now();
    Ok(match engine {
        Engine::Wasmrt | Engine::WasmrtJit => {
            let e = wasmrt_engine(engine);
            let t0 = cpu_now();
            let m = rt::CompiledModule::new(&e, bytes).map_err(err)?;
            let t = cpu_now() - t0;
            (Compiled::Wasmrt(e, m), t)
        }
        Engine::Wasmi => {
            let e = wasmi040::engine();
            let t0 = cpu_now();
            let m = wasmi040::compile(&e, bytes)?;
            let t = cpu_now() - t0;
            (Compiled::Wasmi(e.clone(), m, wasmi::Linker::new(&e)), t)
        }
        Engine::Wasmi2 => {
            let e = wasmi200::engine();
            let t0 = cpu_now();
            let m = wasmi200::compile(&e, bytes)?;
            let t = cpu_now() - t0;
            (Compiled::Wasmi2(e.clone(), m, wasmi2::Linker::new(&e)), t)
        }
        Engine::Wasm3 => (Compiled::Wasm3(bytes.to_vec()), (cpu_now() - t0)),
        Engine::WasmtimeCranelift | Engine::WasmtimeWinch => {
            let e = wt::engine(engine.compiler().unwrap())?;
            let t0 = cpu_now();
            let m = wt::compile(&e, bytes)?;
            let t = cpu_now() - t0;
            (Compiled::Wasmtime(e.clone(), m, wasmtime::Linker::new(&e)), t)
        }
    })
}

/// The function imports of a module, in order (module name, field name), read with wasmrt's
/// decoder; anything else imported is an error.
pub fn imports(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    let m = wasmrt::Module::new(bytes, &wasmrt::Features::wasm2()).map_err(err)?;
    m.raw
        .imports
        .iter()
        .map(|i| match i.ty {
            rt::ImportType::Func(_) => Ok((i.module.clone(), i.name.clone())),
            _ => Err(format!("imports a non-function: {}.{}", i.module, i.name)),
        })
        .collect()
}

/// One run of a command module.
pub struct CommandRun {
    pub instantiate: Duration,
    /// From `bench.start` to `bench.end`.
    pub measured: Option<Duration>,
    pub ctx: Ctx,
    /// A trap or error other than `proc_exit`.
    pub error: Option<String>,
}

/// Prepares the engine for running (linkers), once per module.
pub fn link(compiled: &mut Compiled, imports: &[(String, String)], ctx: &Arc<Mutex<Ctx>>) -> Result<(), String> {
    match compiled {
        Compiled::Wasmi(e, _, l) => *l = wasmi040::linker(e, imports, ctx)?,
        Compiled::Wasmi2(e, _, l) => *l = wasmi200::linker(e, imports, ctx)?,
        Compiled::Wasmtime(e, _, l) => *l = wasmtime_linker(e, imports, ctx)?,
        _ => {}
    }
    Ok(())
}

/// Instantiates the module in a new store with the stub imports, and runs `_start`. `ctx` must
/// be the one given to `link`; it is reset first.
pub fn run_command(compiled: &Compiled, imports: &[(String, String)], ctx: &Arc<Mutex<Ctx>>) -> CommandRun {
    *ctx.lock().unwrap() = Ctx::new();
    let (instantiate, result) = match compiled {
        Compiled::Wasmrt(e, m) => wasmrt_start(e, m, imports, ctx),
        Compiled::Wasmi(e, m, l) => wasmi040::run_start(e, m, l),
        Compiled::Wasmi2(e, m, l) => wasmi200::run_start(e, m, l),
        Compiled::Wasm3(bytes) => wasm3_start(bytes, imports, ctx),
        Compiled::Wasmtime(e, m, l) => wasmtime_start(e, m, l),
    };
    let ctx = std::mem::take(&mut *ctx.lock().unwrap());
    let measured = match (ctx.start, ctx.end) {
        (Some(s), Some(e)) => Some(e - s),
        _ => None,
    };
    // An error after proc_exit is the exit itself.
    let error = if ctx.exit.is_some() { None } else { result.err() };
    CommandRun { instantiate, measured, ctx, error }
}

fn wasmrt_start(
    e: &rt::Engine,
    m: &Arc<rt::CompiledModule>,
    imports: &[(String, String)],
    ctx: &Arc<Mutex<Ctx>>,
) -> (Duration, Result<(), String>) {
    let t0 = cpu_now();
    let mut store = rt::Store::new(e);
    let mut externs = Vec::new();
    for (module, name) in imports {
        let Some((params, ret)) = wasi::signature(module, name) else {
            return ((cpu_now() - t0), Err(format!("no stub for {module}.{name}")));
        };
        let params: Vec<rt::ValType> =
            params.chars().map(|c| if c == 'I' { rt::ValType::I64 } else { rt::ValType::I32 }).collect();
        let results = if ret { vec![rt::ValType::I32] } else { vec![] };
        let (ctx, mname, fname) = (ctx.clone(), module.clone(), name.clone());
        let f = store.new_host_func(
            rt::FuncType::new(&params, &results),
            Arc::new(move |caller: &mut rt::Caller<'_>, args: &[rt::Val], results: &mut [rt::Val]| {
                let args: Vec<u64> = args
                    .iter()
                    .map(|v| match v {
                        rt::Val::I32(x) => *x as u32 as u64,
                        rt::Val::I64(x) => *x as u64,
                        _ => 0,
                    })
                    .collect();
                let mem = caller.instance.and_then(|i| caller.store.instance_export(i, "memory"));
                let mut empty = [];
                let mem = match mem {
                    Some(rt::Extern::Memory(m)) => caller.store.memory_mut(m).unwrap().data_mut(),
                    _ => &mut empty[..],
                };
                let mut ctx = ctx.lock().unwrap();
                match wasi::call(&mut ctx, &mname, &fname, &args, mem) {
                    Outcome::Errno(e) => results[0] = rt::Val::I32(e),
                    Outcome::Void => {}
                    Outcome::Exit => return Err(rt::Trap::host("proc_exit")),
                }
                Ok(())
            }),
        );
        externs.push(rt::Extern::Func(f));
    }
    let _watchdog = Watchdog::start(store.interrupt_handle());
    let inst = match store.instantiate(m, &externs) {
        Ok(i) => i,
        Err(e) => return ((cpu_now() - t0), Err(err(e))),
    };
    let t = cpu_now() - t0;
    let Some(rt::Extern::Func(start)) = store.instance_export(inst, "_start") else {
        return (t, Err("no _start".into()));
    };
    // A trap's code and message, and the innermost named frame.
    let result = store.call(start, &[]).map(|_| ()).map_err(|t| {
        let frame = t.frames.iter().find_map(|f| f.func_name.clone()).unwrap_or_default();
        format!("trap {:?} ({}) in {frame}", t.code, t.message)
    });
    (t, result)
}

fn wasm3_start(bytes: &[u8], imports: &[(String, String)], ctx: &Arc<Mutex<Ctx>>) -> (Duration, Result<(), String>) {
    let t0 = cpu_now();
    let env = match wasm3::Environment::new() {
        Ok(e) => e,
        Err(e) => return ((cpu_now() - t0), Err(err(e))),
    };
    let rt = match wasm3::Runtime::new(&env, WASM3_STACK_BYTES) {
        Ok(r) => r,
        Err(e) => return ((cpu_now() - t0), Err(err(e))),
    };
    let mut module = match rt.parse_and_load_module(bytes.to_vec()) {
        Ok(m) => m,
        Err(e) => return ((cpu_now() - t0), Err(err(e))),
    };
    for (m, n) in imports {
        if let Err(e) = wasm3_link(&mut module, m, n, ctx) {
            return ((cpu_now() - t0), Err(format!("linking {m}.{n}: {e}")));
        }
    }
    let t = cpu_now() - t0;
    let result = module.find_function::<(), ()>("_start").map_err(err).and_then(|f| f.call().map_err(err));
    (t, result)
}

fn wasm3_link(module: &mut wasm3::Module<'_>, m: &str, n: &str, ctx: &Arc<Mutex<Ctx>>) -> Result<(), String> {
    let (params, ret) = wasi::signature(m, n).ok_or("no stub")?;
    let (ctx, mname, fname) = (ctx.clone(), m.to_string(), n.to_string());
    // One closure shape per signature; wasm3's typed closures need the types statically.
    macro_rules! link {
        ($($a:ident : $t:ty),*) => {{
            let f = move |cc: wasm3::CallContext<'_>, ($($a,)*): ($($t,)*)| -> Result<i32, wasm3::error::Trap> {
                let args: [u64; 0 $(+ { let _ = stringify!($a); 1 })*] = [$(Widen::widen($a)),*];
                let mem = unsafe { &mut *cc.memory_mut() };
                let mut ctx = ctx.lock().unwrap();
                match wasi::call(&mut ctx, &mname, &fname, &args, mem) {
                    Outcome::Errno(e) => Ok(e),
                    Outcome::Void => Ok(0),
                    Outcome::Exit => Err(wasm3::error::Trap::Exit),
                }
            };
            if ret {
                module.link_closure::<($($t,)*), i32, _>(m, n, f).map_err(err)
            } else {
                module.link_closure::<($($t,)*), (), _>(m, n, move |cc: wasm3::CallContext<'_>, a: ($($t,)*)| f(cc, a).map(|_| ())).map_err(err)
            }
        }};
    }
    match params {
        "" => link!(),
        "i" => link!(a: i32),
        "ii" => link!(a: i32, b: i32),
        "iii" => link!(a: i32, b: i32, c: i32),
        "iiii" => link!(a: i32, b: i32, c: i32, d: i32),
        "iIi" => link!(a: i32, b: i64, c: i32),
        "iIii" => link!(a: i32, b: i64, c: i32, d: i32),
        "iiiii" => link!(a: i32, b: i32, c: i32, d: i32, e: i32),
        "iiiiiIIii" => link!(a: i32, b: i32, c: i32, d: i32, e: i32, f2: i64, g: i64, h: i32, i: i32),
        _ => Err(format!("signature {params}")),
    }
}

trait Widen {
    fn widen(self) -> u64;
}
impl Widen for i32 {
    fn widen(self) -> u64 {
        self as u32 as u64
    }
}
impl Widen for i64 {
    fn widen(self) -> u64 {
        self as u64
    }
}

/// Longest a wasmrt run of a sightglass module may take, in CPU seconds of the benchmark
/// thread (0: no limit). Longer runs are interrupted, and the module is skipped.
pub static WASMRT_LIMIT_SECS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Interrupts a wasmrt store once the calling thread has used more CPU time than the limit.
struct Watchdog {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    fn start(handle: rt::InterruptHandle) -> Watchdog {
        let limit = WASMRT_LIMIT_SECS.load(std::sync::atomic::Ordering::Relaxed);
        if limit == 0 {
            return Watchdog { stop: None, thread: None };
        }
        let mut clock: libc::clockid_t = 0;
        unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) };
        let deadline = cpu_now() + Duration::from_secs(limit);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
                    unsafe { libc::clock_gettime(clock, &mut ts) };
                    if Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32) > deadline {
                        handle.interrupt();
                        return;
                    }
                }
                _ => return,
            }
        });
        Watchdog { stop: Some(tx), thread: Some(thread) }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
