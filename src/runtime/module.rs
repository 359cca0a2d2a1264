//! A module compiled for an engine: the validated module plus its lowered code. Immutable and
//! shareable across threads and stores of the same engine.

use std::sync::Arc;

use super::engine::Engine;
use crate::error::Result;
use crate::interp;
use crate::module::Module;

#[derive(Debug)]
pub struct CompiledModule {
    pub module: Module,
    /// Interpreter code of each defined function.
    pub code: Vec<interp::code::Function>,
    pub engine_id: u64,
}

impl CompiledModule {
    /// Decodes, validates and compiles a module for `engine`.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Arc<CompiledModule>> {
        let module = Module::new(bytes, &engine.config().features)?;
        let code = interp::compile::compile_module(&module)?;
        Ok(Arc::new(CompiledModule { module, code, engine_id: engine.id() }))
    }
}
