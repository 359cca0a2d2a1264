//! wasmtime as the benchmarks configure it: an engine per compiler (Cranelift at its default
//! optimization level, "speed", or Winch, the baseline compiler), compiling on the calling thread
//! (no parallel compilation: the thread's CPU clock sees all of it), and errors as one line. It
//! uses the `wasmtime` crate alone, so another binary of the package can include it:
//! `#[path = "execute/wasmtime_engine.rs"] mod wasmtime_engine;`.

use wasmtime::{Engine, Instance, Module, Store, TypedFunc, WasmParams, WasmResults};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compiler {
    Cranelift,
    Winch,
}

/// A wasmtime engine that compiles with `compiler`.
pub fn engine(compiler: Compiler) -> Result<Engine, String> {
    let mut config = wasmtime::Config::new();
    match compiler {
        Compiler::Cranelift => {
            config.strategy(wasmtime::Strategy::Cranelift).cranelift_opt_level(wasmtime::OptLevel::Speed)
        }
        Compiler::Winch => config.strategy(wasmtime::Strategy::Winch),
    };
    Engine::new(&config).map_err(error)
}

/// A wasmtime error as one line: a trap's description, or the error and its causes.
pub fn error(e: wasmtime::Error) -> String {
    let s = match e.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => format!("trap: {trap}"),
        None => format!("{e:#}"),
    };
    s.chars().take(300).collect()
}

/// Compiles `bytes` (decode, validate, compile every function).
pub fn compile(engine: &Engine, bytes: &[u8]) -> Result<Module, String> {
    Module::new(engine, bytes).map_err(error)
}

/// Instantiates a module that imports nothing in a new store, and returns its export `name`.
pub fn export<P: WasmParams, R: WasmResults>(
    engine: &Engine,
    module: &Module,
    name: &str,
) -> Result<(Store<()>, TypedFunc<P, R>), String> {
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, module, &[]).map_err(error)?;
    let func = instance.get_typed_func::<P, R>(&mut store, name).map_err(error)?;
    Ok((store, func))
}
