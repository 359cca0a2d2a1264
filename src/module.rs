//! The validated, immutable module: its decoded sections, its bytes (function bodies and data
//! segments are ranges into them) and the index spaces validation computed. Shareable across
//! threads.

use crate::decode::{self, RawModule};
use crate::error::Result;
use crate::features::Features;
use crate::types::{FuncType, GlobalType, ImportType, MemoryType, TableType};
use crate::validate;

#[derive(Debug)]
pub struct Module {
    /// The decoded sections.
    pub raw: RawModule,
    /// The module's bytes; byte ranges in `raw` refer to these.
    pub bytes: Box<[u8]>,
    pub features: Features,
    /// Type index of every function, imported ones first (the function index space).
    pub funcs: Vec<u32>,
    pub tables: Vec<TableType>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    pub imported_funcs: u32,
    pub imported_tables: u32,
    pub imported_memories: u32,
    pub imported_globals: u32,
    /// Bit set of the functions that may be referenced by `ref.func` in function bodies (the
    /// specification's C.refs).
    declared_refs: Vec<u64>,
}

impl Module {
    /// Decodes and validates a module.
    pub fn new(bytes: &[u8], features: &Features) -> Result<Module> {
        let module = Module::new_for_compilation(bytes, features)?;
        validate::validate_bodies(&module)?;
        Ok(module)
    }

    /// Decodes and validates a module but for its function bodies, which the tier's compiler
    /// validates as it compiles each (`Backend::compile`): a body is validated once, with the
    /// same errors in the same order as `new`'s (bodies come last).
    pub(crate) fn new_for_compilation(bytes: &[u8], features: &Features) -> Result<Module> {
        let raw = decode::decode(bytes, features)?;
        let mut module = Module::index_spaces(raw, bytes, *features);
        validate::validate_module(&mut module)?;
        Ok(module)
    }

    fn index_spaces(raw: RawModule, bytes: &[u8], features: Features) -> Module {
        let mut module = Module {
            bytes: bytes.into(),
            features,
            funcs: Vec::with_capacity(raw.imports.len() + raw.functions.len()),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            imported_funcs: 0,
            imported_tables: 0,
            imported_memories: 0,
            imported_globals: 0,
            declared_refs: Vec::new(),
            raw,
        };
        for import in &module.raw.imports {
            match import.ty {
                ImportType::Func(t) => module.funcs.push(t),
                ImportType::Table(t) => module.tables.push(t),
                ImportType::Memory(m) => module.memories.push(m),
                ImportType::Global(g) => module.globals.push(g),
            }
        }
        module.imported_funcs = module.funcs.len() as u32;
        module.imported_tables = module.tables.len() as u32;
        module.imported_memories = module.memories.len() as u32;
        module.imported_globals = module.globals.len() as u32;
        module.funcs.extend_from_slice(&module.raw.functions);
        module.tables.extend_from_slice(&module.raw.tables);
        module.memories.extend_from_slice(&module.raw.memories);
        module.globals.extend(module.raw.globals.iter().map(|g| g.ty));
        module
    }

    /// The type of function `index` (imports first). The index must be in range.
    pub fn func_type(&self, index: u32) -> &FuncType {
        &self.raw.types[self.funcs[index as usize] as usize]
    }

    pub fn is_declared_ref(&self, func: u32) -> bool {
        self.declared_refs.get(func as usize / 64).is_some_and(|w| w & (1 << (func % 64)) != 0)
    }

    pub(crate) fn declare_ref(&mut self, func: u32) {
        let word = func as usize / 64;
        if self.declared_refs.len() <= word {
            self.declared_refs.resize(word + 1, 0);
        }
        self.declared_refs[word] |= 1 << (func % 64);
    }
}
