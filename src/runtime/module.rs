//! A module compiled for an engine: the validated module plus its lowered code. Immutable and
//! shareable across threads and stores of the same engine.

use std::sync::Arc;

use super::engine::Engine;
use crate::error::Result;
use crate::interp;
use crate::module::Module;
use crate::validate::func::types_slots;

#[derive(Debug)]
pub struct CompiledModule {
    pub module: Module,
    /// Interpreter code of each defined function.
    pub code: Vec<interp::code::Function>,
    /// For each type index: the slots its parameters take, and the lowest index of an equal
    /// type (two functions of this module have equal types when these are equal).
    pub type_info: Vec<TypeInfo>,
    pub engine_id: u64,
}

#[derive(Clone, Copy, Debug)]
pub struct TypeInfo {
    pub param_slots: u32,
    pub canonical: u32,
}

impl CompiledModule {
    /// Decodes, validates and compiles a module for `engine`.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Arc<CompiledModule>> {
        let module = Module::new(bytes, &engine.config().features)?;
        let code = interp::compile::compile_module(&module, engine.config().accumulator)?;
        let mut first = std::collections::HashMap::new();
        let type_info = (0..module.raw.types.len() as u32)
            .map(|i| {
                let ty = &module.raw.types[i as usize];
                TypeInfo { param_slots: types_slots(ty.params()), canonical: *first.entry(ty).or_insert(i) }
            })
            .collect();
        Ok(Arc::new(CompiledModule { module, code, type_info, engine_id: engine.id() }))
    }
}
