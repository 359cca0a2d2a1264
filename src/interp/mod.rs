//! The interpreter: validated function bodies are lowered to a register-machine code
//! (`code`, `compile`) whose operand slots sit at heights known at compile time, and run by
//! the executor (`exec`: calls, frames, traps; `handlers`: one handler per instruction, each
//! passing control to the next), which keeps its own call stack so wasm recursion never grows
//! the native stack. The numeric semantics it runs are `crate::semantics`. See
//! docs/INTERPRETER.md.

pub mod code;
pub mod compile;
pub mod exec;
pub mod handlers;

use std::any::Any;

use crate::error::Result;
use crate::module::Module;
use crate::runtime::code::{Backend, ModuleCode};
use crate::runtime::module::CompiledModule;
use crate::runtime::{Config, Store, Trap};
use crate::validate::func::types_slots;

/// The interpreter tier.
pub struct Interpreter;

/// The interpreter's code for one module.
#[derive(Debug)]
pub struct InterpCode {
    /// Each defined function's code.
    pub functions: Vec<code::Function>,
    /// For each type index: the slots its parameters take.
    pub param_slots: Vec<u32>,
}

impl ModuleCode for InterpCode {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The interpreter's code of a module: its code, or the code its tier falls back on.
pub(crate) fn code_of(module: &CompiledModule) -> &InterpCode {
    let code = module.code.as_any().downcast_ref();
    code.or_else(|| module.code.fallback(&module.module)?.as_any().downcast_ref())
        .expect("modules of an interpreter engine, or with a fallback, hold interpreter code")
}

impl Backend for Interpreter {
    fn compile(&self, module: &Module, config: &Config) -> Result<Box<dyn ModuleCode>> {
        let functions = compile::compile_module(module, config.accumulator)?;
        let param_slots = module.raw.types.iter().map(|t| types_slots(t.params())).collect();
        Ok(Box::new(InterpCode { functions, param_slots }))
    }

    fn call(&self, store: &mut Store, func: u32, values: &mut [u128]) -> std::result::Result<(), Trap> {
        exec::call(store, func, values)
    }
}
