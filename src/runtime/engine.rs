//! The engine: configuration shared by every store and module created from it, the tier that
//! runs their code, and the engine-wide interning of function signatures.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::code::Backend;
use super::memory::BoundsChecks;
use crate::features::Features;
use crate::types::FuncType;

/// A function signature interned by its engine: two functions of any modules or hosts of one
/// engine have the same signature exactly when their ids are equal, so `call_indirect`'s type
/// check is one integer comparison.
pub type SigId = u32;

/// How compiled code runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    Interpreter,
    /// Machine code from the single-pass compiler (x86_64; see docs/JIT.md). A module it cannot
    /// compile (on a CPU without SSE4.1) runs interpreted, and so does an instance whose memory
    /// could not reserve the guard regions its code relies on.
    Jit,
}

impl Tier {
    /// The default: the compiler where there is one, else the interpreter.
    pub const DEFAULT: Tier = if cfg!(target_arch = "x86_64") { Tier::Jit } else { Tier::Interpreter };
}

#[derive(Clone, Debug)]
pub struct Config {
    pub features: Features,
    pub tier: Tier,
    /// Whether stores count fuel (each store starts with none until the host adds some).
    pub fuel: bool,
    /// Most wasm frames (and host frames between them) one call may nest.
    pub max_call_depth: u32,
    /// Operand-stack slots (64 bits each) of a store's value stack.
    pub max_stack_slots: u32,
    /// How accesses to linear memory are kept inside it (guard regions, or explicit checks).
    pub bounds_checks: BoundsChecks,
    /// Whether the interpreter passes a result to the next instruction in a register as well as
    /// in its slot (docs/INTERPRETER.md, "accumulator"). On by default; off, code runs the
    /// plain way, to check one against the other.
    pub accumulator: bool,
    /// How many threads may compile a module's functions to machine code at once (the calling
    /// thread and others it starts for the compilation): 0 for as many as the process may run
    /// at once, 1 for the calling thread only. Small modules always compile on the calling
    /// thread.
    pub compile_threads: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            features: Features::wasm2(),
            tier: Tier::DEFAULT,
            fuel: false,
            max_call_depth: 10_000,
            max_stack_slots: 1 << 20,
            bounds_checks: BoundsChecks::GuardRegions,
            accumulator: true,
            compile_threads: 0,
        }
    }
}

struct EngineInner {
    id: u64,
    config: Config,
    backend: &'static dyn Backend,
    signatures: Mutex<HashMap<FuncType, SigId>>,
}

impl std::fmt::Debug for EngineInner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("id", &self.id).field("config", &self.config).finish_non_exhaustive()
    }
}

/// An engine. Cheap to clone; `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

impl Engine {
    pub fn new(config: Config) -> Engine {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let backend = crate::tiers::backend(config.tier);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        Engine { inner: Arc::new(EngineInner { id, config, backend, signatures: Mutex::new(HashMap::new()) }) }
    }

    /// The tier that compiles and runs this engine's code.
    pub(crate) fn backend(&self) -> &'static dyn Backend {
        self.inner.backend
    }

    /// The engine-wide id of a signature.
    pub fn intern(&self, ty: &FuncType) -> SigId {
        let mut signatures = self.inner.signatures.lock().unwrap_or_else(|e| e.into_inner());
        let next = signatures.len() as SigId;
        *signatures.entry(ty.clone()).or_insert(next)
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Identifies the engine: modules may only be used with stores of the same engine.
    pub fn id(&self) -> u64 {
        self.inner.id
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(Config::default())
    }
}
