//! The engine contract the spec harness runs every tier through. Each execution tier
//! (interpreter, JIT) implements `Engine`; directives that need execution go through
//! `Engine::executor`, and an engine that cannot execute yet returns `None` there, which the
//! harness counts as "not run" rather than passed.

use std::sync::Arc;

use wasmrt::{Features, Module};

/// A value crossing the harness boundary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    /// `None` is the null reference.
    FuncRef(Option<u64>),
    ExternRef(Option<u32>),
}

/// Why a call or instantiation did not complete. Constructed by the execution tiers.
#[derive(Debug)]
#[allow(dead_code)]
pub enum Failure {
    /// A trap, with its message.
    Trap(String),
    /// Imports could not be resolved (assert_unlinkable).
    Link(String),
    /// The call stack was exhausted (assert_exhaustion).
    Exhaustion(String),
}

pub type InstanceId = usize;

pub trait Executor {
    /// Instantiates a validated module, resolving imports against registered instances and
    /// the `spectest` host module.
    fn instantiate(&mut self, module: Arc<Module>) -> Result<InstanceId, Failure>;
    /// Makes an instance's exports importable under `name`.
    fn register(&mut self, name: &str, instance: InstanceId);
    fn invoke(
        &mut self,
        instance: InstanceId,
        export: &str,
        args: &[Value],
    ) -> Result<Vec<Value>, Failure>;
    fn get(&mut self, instance: InstanceId, export: &str) -> Result<Value, Failure>;
}

pub trait Engine {
    /// The tier's name in summary lines.
    fn name(&self) -> &'static str;
    /// Decodes and validates.
    fn compile(&self, bytes: &[u8], features: &Features) -> Result<Arc<Module>, wasmrt::Error> {
        Module::new(bytes, features).map(Arc::new)
    }
    /// Execution, when the tier has it.
    fn executor(&mut self) -> Option<&mut dyn Executor>;
}

/// Decode and validation only: every engine shares these stages.
pub struct ValidateOnly;

impl Engine for ValidateOnly {
    fn name(&self) -> &'static str {
        "validate"
    }

    fn executor(&mut self) -> Option<&mut dyn Executor> {
        None
    }
}
