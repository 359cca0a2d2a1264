//! A module compiled for an engine: the validated module plus its tier's code and its types'
//! engine-wide signature ids. Immutable and shareable across threads and stores of the same
//! engine.

use std::sync::Arc;

use super::code::ModuleCode;
use super::engine::{Engine, SigId};
use crate::error::Result;
use crate::module::Module;

#[derive(Debug)]
pub struct CompiledModule {
    pub module: Module,
    /// The engine's tier's code for the module's functions.
    pub code: Box<dyn ModuleCode>,
    /// The signature id of each type index.
    pub sigs: Vec<SigId>,
    pub engine_id: u64,
}

impl CompiledModule {
    /// Decodes, validates and compiles a module for `engine`.
    pub fn new(engine: &Engine, bytes: &[u8]) -> Result<Arc<CompiledModule>> {
        // The backend validates the function bodies as it compiles them.
        let module = Module::new_for_compilation(bytes, &engine.config().features)?;
        let code = engine.backend().compile(&module, engine.config())?;
        let sigs = module.raw.types.iter().map(|t| engine.intern(t)).collect();
        Ok(Arc::new(CompiledModule { module, code, sigs, engine_id: engine.id() }))
    }

    /// The signature id of function `index` of the module's function index space.
    pub fn func_sig(&self, index: u32) -> SigId {
        self.sigs[self.module.funcs[index as usize] as usize]
    }
}
