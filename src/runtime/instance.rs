//! Instantiation: import matching (the specification's extern subtyping), allocation of the
//! module's functions, tables, memories and globals, exports, element and data segment
//! initialization, and the start function.

use std::fmt;
use std::sync::Arc;

use super::module::CompiledModule;
use super::store::{Extern, Func, FuncEntity, GlobalEntity, Instance, InstanceEntity, Store};
use super::trap::{Trap, TrapCode};
use super::vmctx::{ContextParts, InstanceContext, VMFuncRef, VMTableElement};
use crate::decode::{ConstExpr, ConstOp, DataMode, ElementItems, ElementMode};
use crate::types::{ExternKind, ImportType, Limits};

/// Why instantiation failed.
#[derive(Debug)]
pub enum InstantiationError {
    /// An import is missing or has the wrong type (assert_unlinkable).
    Link(String),
    /// A segment did not fit, or the start function trapped.
    Trap(Trap),
    /// A store limit or the system refused an allocation.
    Resource(String),
}

impl fmt::Display for InstantiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstantiationError::Link(m) => write!(f, "link error: {m}"),
            InstantiationError::Trap(t) => write!(f, "{t}"),
            InstantiationError::Resource(m) => write!(f, "resource limit: {m}"),
        }
    }
}

impl std::error::Error for InstantiationError {}

fn limits_match(actual: Limits, current: u64, expected: Limits) -> bool {
    current.max(actual.min) >= expected.min
        && match expected.max {
            None => true,
            Some(emax) => actual.max.is_some_and(|amax| amax <= emax),
        }
}

impl Store {
    /// Instantiates `module` with `imports` given in the module's import order.
    pub fn instantiate(
        &mut self,
        module: &Arc<CompiledModule>,
        imports: &[Extern],
    ) -> Result<Instance, InstantiationError> {
        use InstantiationError::{Link, Resource};
        if module.engine_id != self.engine.id() {
            return Err(Link("the module was compiled for another engine".into()));
        }
        if self.instances.len() as u32 >= self.limits.instances {
            return Err(Resource(format!("more than {} instances", self.limits.instances)));
        }
        let m = &module.module;
        if imports.len() != m.raw.imports.len() {
            return Err(Link(format!("expected {} imports, got {}", m.raw.imports.len(), imports.len())));
        }
        let mut entity = InstanceEntity {
            module: module.clone(),
            funcs: Vec::with_capacity(m.funcs.len()),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            elements: Vec::new(),
            data_dropped: vec![false; m.raw.data.len()],
            exports: Vec::new(),
            context: InstanceContext::empty(self.instances.next_index(), &mut *self.context, &self.interrupt),
        };
        for (import, ext) in m.raw.imports.iter().zip(imports) {
            let what = format!("import \"{}\" \"{}\"", import.module, import.name);
            let ok = match (import.ty, *ext) {
                (ImportType::Func(t), Extern::Func(f)) if self.owns(f.store) => {
                    entity.funcs.push(f.index);
                    self.funcs[f.index as usize].ty() == &m.raw.types[t as usize]
                }
                (ImportType::Table(t), Extern::Table(x)) if self.owns(x.store) => {
                    entity.tables.push(x.index);
                    let table = &self.tables[x.index as usize];
                    table.ty.element == t.element && limits_match(table.ty.limits, table.size() as u64, t.limits)
                }
                (ImportType::Memory(t), Extern::Memory(x)) if self.owns(x.store) => {
                    entity.memories.push(x.index);
                    let mem = &self.memories[x.index as usize];
                    limits_match(mem.ty.limits, mem.pages(), t.limits)
                }
                (ImportType::Global(t), Extern::Global(x)) if self.owns(x.store) => {
                    entity.globals.push(x.index);
                    self.globals[x.index as usize].ty == t
                }
                _ => false,
            };
            if !ok {
                return Err(Link(format!("incompatible import type for {what}")));
            }
        }

        if let Err(e) = self.allocate(module, &mut entity) {
            self.free_allocated(module, &entity);
            return Err(e);
        }
        let store = self.id;
        for ex in &m.raw.exports {
            let i = ex.index as usize;
            let ext = match ex.kind {
                ExternKind::Func => Extern::Func(Func { store, index: entity.funcs[i] }),
                ExternKind::Table => Extern::Table(super::store::Table { store, index: entity.tables[i] }),
                ExternKind::Memory => Extern::Memory(super::store::Memory { store, index: entity.memories[i] }),
                ExternKind::Global => Extern::Global(super::store::Global { store, index: entity.globals[i] }),
            };
            entity.exports.push((ex.name.clone(), ext));
        }
        entity.context = self.instance_context(module, &entity);
        for i in m.imported_funcs..m.funcs.len() as u32 {
            self.set_func_ref(entity.funcs[i as usize], entity.context.func(i));
        }
        // Now that the instance's functions can be called, its segments' items can say how.
        for e in &m.raw.elements {
            let t = e.ty.into();
            let items = match &e.items {
                ElementItems::Functions(fs) => {
                    fs.iter().map(|&f| self.table_element(t, entity.funcs[f as usize] as u64 + 1)).collect()
                }
                ElementItems::Expressions(xs) => {
                    xs.iter().map(|x| self.table_element(t, self.eval_const(&entity, x) as u64)).collect()
                }
            };
            entity.elements.push(items);
        }
        let instance_index = self.instances.insert(entity);
        let instance = Instance { store, index: instance_index };

        // Segments initialize in order; a segment that does not fit traps, leaving the
        // effects of the ones before it.
        for (i, e) in m.raw.elements.iter().enumerate() {
            match &e.mode {
                ElementMode::Active { table, offset } => {
                    let entity = &self.instances[instance_index as usize];
                    let start = self.eval_const(entity, offset) as u32 as usize;
                    let t = entity.tables[*table as usize] as usize;
                    let items = std::mem::take(&mut self.instances[instance_index as usize].elements[i]);
                    let elements = &mut self.tables[t].elements;
                    if start + items.len() > elements.len() {
                        return Err(InstantiationError::Trap(Trap::new(TrapCode::TableOutOfBounds)));
                    }
                    elements[start..start + items.len()].copy_from_slice(&items);
                }
                ElementMode::Declarative => self.instances[instance_index as usize].elements[i] = Box::new([]),
                ElementMode::Passive => {}
            }
        }
        for (i, d) in m.raw.data.iter().enumerate() {
            if let DataMode::Active { memory, offset } = &d.mode {
                let entity = &self.instances[instance_index as usize];
                let start = self.eval_const(entity, offset) as u32 as usize;
                let mem = &mut self.memories[entity.memories[*memory as usize] as usize];
                let bytes = &m.bytes[d.bytes.clone()];
                if start + bytes.len() > mem.len() {
                    return Err(InstantiationError::Trap(Trap::new(TrapCode::MemoryOutOfBounds)));
                }
                mem.data_mut()[start..start + bytes.len()].copy_from_slice(bytes);
                self.instances[instance_index as usize].data_dropped[i] = true;
            }
        }
        if let Some(start) = m.raw.start {
            let f = Func { store, index: self.instances[instance_index as usize].funcs[start.function as usize] };
            self.call(f, &[]).map_err(InstantiationError::Trap)?;
        }
        Ok(instance)
    }

    /// Allocates the module's own functions, tables, memories and globals, appending to
    /// `entity`'s index spaces. The functions refer to the instance by the index the instance
    /// arena gives next.
    fn allocate(
        &mut self,
        module: &Arc<CompiledModule>,
        entity: &mut InstanceEntity,
    ) -> Result<(), InstantiationError> {
        use InstantiationError::Resource;
        let m = &module.module;
        let instance_index = self.instances.next_index();
        for i in 0..m.raw.functions.len() {
            let index = m.imported_funcs + i as u32;
            let (ty, sig) = (m.raw.types[m.funcs[index as usize] as usize].clone(), module.func_sig(index));
            let f = FuncEntity::Wasm { instance: instance_index, module: module.clone(), defined_index: i as u32, ty };
            let index = self.funcs.insert(f);
            // Callable from compiled code once the instance's context exists.
            self.set_func_ref(index, VMFuncRef { sig, ..VMFuncRef::NONE });
            entity.funcs.push(index);
        }
        for t in &m.raw.tables {
            let table = super::table::Table::new(*t, VMTableElement::NULL, self.limits.table_elements)
                .filter(|_| (self.tables.len() as u32) < self.limits.tables)
                .ok_or_else(|| Resource(format!("table of {} elements", t.limits.min)))?;
            entity.tables.push(self.tables.insert(table));
        }
        for t in &m.raw.memories {
            let memory = super::memory::Memory::new(*t, self.limits.memory_pages, self.engine.config().bounds_checks)
                .filter(|_| (self.memories.len() as u32) < self.limits.memories)
                .ok_or_else(|| Resource(format!("memory of {} pages", t.limits.min)))?;
            entity.memories.push(self.memories.insert(memory));
        }
        for g in &m.raw.globals {
            let value = self.eval_const(entity, &g.init);
            entity.globals.push(self.globals.insert(Box::new(GlobalEntity { ty: g.ty, value })));
        }
        Ok(())
    }

    /// The context compiled code of the instance being built reads (see `vmctx`), for the index
    /// spaces `allocate` completed; the instance's store index is the one the arena gives next.
    fn instance_context(&mut self, module: &CompiledModule, entity: &InstanceEntity) -> InstanceContext {
        let m = &module.module;
        let memories = entity.memories.iter().map(|&x| self.memories[x as usize].definition()).collect();
        let tables = entity.tables.iter().map(|&x| self.tables[x as usize].definition()).collect();
        let globals = entity.globals.iter().map(|&x| &mut self.globals[x as usize].value as *mut u128).collect();
        // Code made for guard regions runs only where every memory has them.
        let guarded = entity.memories.iter().all(|&x| self.memories[x as usize].guarded());
        let imported = m.imported_funcs as usize;
        let funcs = entity
            .funcs
            .iter()
            .enumerate()
            .map(|(i, &f)| match i.checked_sub(imported) {
                // An import is called as its exporter made it.
                None => self.func_ref(f),
                // The instance's own functions get their context from InstanceContext::new.
                Some(defined) => {
                    let (code, entry) = module.code.function_code(defined as u32, guarded);
                    VMFuncRef { code, entry, ..self.func_ref(f) }
                }
            })
            .collect();
        InstanceContext::new(ContextParts {
            memories,
            globals,
            tables,
            funcs,
            own_funcs: m.imported_funcs as usize..m.funcs.len(),
            sigs: &module.sigs,
            store: &mut *self.context,
            instance: self.instances.next_index(),
            interrupt: &self.interrupt,
        })
    }

    /// Undoes a failed `allocate`: frees what it allocated (the entries past the imports).
    fn free_allocated(&mut self, module: &CompiledModule, entity: &InstanceEntity) {
        let m = &module.module;
        let own = |indices: &[u32], imported: usize| indices.get(imported..).unwrap_or(&[]).to_vec();
        for f in own(&entity.funcs, m.imported_funcs as usize) {
            self.funcs.remove(f);
            self.set_func_ref(f, VMFuncRef::NONE);
        }
        for t in own(&entity.tables, m.imported_tables as usize) {
            self.tables.remove(t);
        }
        for x in own(&entity.memories, m.imported_memories as usize) {
            self.memories.remove(x);
        }
        for g in own(&entity.globals, m.imported_globals as usize) {
            self.globals.remove(g);
        }
    }

    /// Evaluates a validated constant expression in an instance being built.
    fn eval_const(&self, entity: &InstanceEntity, expr: &ConstExpr) -> u128 {
        let mut stack: Vec<u128> = Vec::with_capacity(2);
        for op in expr.ops.iter() {
            let v = match *op {
                ConstOp::I32Const(v) => v as u32 as u128,
                ConstOp::I64Const(v) => v as u64 as u128,
                ConstOp::F32Const(v) => v as u128,
                ConstOp::F64Const(v) => v as u128,
                ConstOp::V128Const(v) => u128::from_le_bytes(v),
                ConstOp::RefNull(_) => 0,
                ConstOp::RefFunc(f) => entity.funcs[f as usize] as u128 + 1,
                ConstOp::GlobalGet(g) => self.globals[entity.globals[g as usize] as usize].value,
                ConstOp::I32Add
                | ConstOp::I32Sub
                | ConstOp::I32Mul
                | ConstOp::I64Add
                | ConstOp::I64Sub
                | ConstOp::I64Mul => {
                    let b = stack.pop().unwrap_or(0) as u64;
                    let a = stack.pop().unwrap_or(0) as u64;
                    match *op {
                        ConstOp::I32Add => (a as u32).wrapping_add(b as u32) as u128,
                        ConstOp::I32Sub => (a as u32).wrapping_sub(b as u32) as u128,
                        ConstOp::I32Mul => (a as u32).wrapping_mul(b as u32) as u128,
                        ConstOp::I64Add => a.wrapping_add(b) as u128,
                        ConstOp::I64Sub => a.wrapping_sub(b) as u128,
                        _ => a.wrapping_mul(b) as u128,
                    }
                }
            };
            stack.push(v);
        }
        stack.pop().unwrap_or(0)
    }
}
