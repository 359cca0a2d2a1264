//! The engine: configuration shared by every store and module created from it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::features::Features;

/// How compiled code runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    Interpreter,
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
    /// Whether the interpreter passes a result to the next instruction in a register as well as
    /// in its slot (docs/INTERPRETER.md, "accumulator"). On by default; off, code runs the
    /// plain way, to check one against the other.
    pub accumulator: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            features: Features::wasm2(),
            tier: Tier::Interpreter,
            fuel: false,
            max_call_depth: 10_000,
            max_stack_slots: 1 << 20,
            accumulator: true,
        }
    }
}

#[derive(Debug)]
struct EngineInner {
    id: u64,
    config: Config,
}

/// An engine. Cheap to clone; `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

impl Engine {
    pub fn new(config: Config) -> Engine {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Engine { inner: Arc::new(EngineInner { id: NEXT.fetch_add(1, Ordering::Relaxed), config }) }
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
