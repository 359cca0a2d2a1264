//! Module validation: every rule of the specification's "Modules" chapter (types, imports,
//! tables, memories, globals, exports, start, element and data segments, constant
//! expressions), then each function body through `func::FuncValidator`.

pub mod func;

use std::collections::HashSet;

use crate::decode::{ConstExpr, ConstOp, DataMode, ElementItems, ElementMode};
use crate::error::{Error, Result};
use crate::module::Module;
use crate::types::{ExternKind, ImportType, Limits, MemoryType, TableType, ValType};
use func::FuncValidator;

/// Largest memory, in 64 KiB pages, a 32-bit memory may declare.
const MAX_PAGES32: u64 = 65_536;

/// Validates a decoded module but for its function bodies (`validate_bodies`).
pub(crate) fn validate_module(module: &mut Module) -> Result<()> {
    let m = &module.raw;
    let type_count = m.types.len() as u32;
    let check_type = |index: u32, at: usize| -> Result<()> {
        if index >= type_count {
            return Err(Error::invalid(at, format!("unknown type {index}")));
        }
        Ok(())
    };

    for import in &m.imports {
        match import.ty {
            ImportType::Func(t) => check_type(t, import.offset)?,
            ImportType::Table(t) => check_table_type(&t, import.offset)?,
            ImportType::Memory(mem) => check_memory_type(&mem, import.offset)?,
            ImportType::Global(g) => {
                if g.mutable && !module.features.mutable_global {
                    return Err(Error::invalid(import.offset, "mutable global imports are not enabled"));
                }
            }
        }
    }
    for &t in &m.functions {
        check_type(t, m.section_offsets.function)?;
    }
    for t in &m.tables {
        check_table_type(t, m.section_offsets.table)?;
    }
    for mem in &m.memories {
        check_memory_type(mem, m.section_offsets.memory)?;
    }
    if module.memories.len() > 1 && !module.features.multi_memory {
        return Err(Error::invalid(m.section_offsets.memory, "multiple memories"));
    }

    // C.refs: every function referenced outside function bodies.
    let mut refs = Vec::new();
    for g in &m.globals {
        collect_refs(&g.init, &mut refs);
    }
    for e in &m.elements {
        match &e.items {
            ElementItems::Functions(f) => refs.extend_from_slice(f),
            ElementItems::Expressions(exprs) => exprs.iter().for_each(|x| collect_refs(x, &mut refs)),
        }
    }
    for ex in &m.exports {
        if ex.kind == ExternKind::Func {
            refs.push(ex.index);
        }
    }
    for f in refs {
        if (f as usize) < module.funcs.len() {
            module.declare_ref(f);
        }
    }
    let module = &*module;
    let m = &module.raw;

    // Global initializers see only imported globals (and, in their own bodies, no others).
    for (i, g) in m.globals.iter().enumerate() {
        let _ = i;
        check_const_expr(module, &g.init, g.ty.content, module.imported_globals)?;
    }

    let mut names = HashSet::with_capacity(m.exports.len());
    for ex in &m.exports {
        let count = match ex.kind {
            ExternKind::Func => module.funcs.len(),
            ExternKind::Table => module.tables.len(),
            ExternKind::Memory => module.memories.len(),
            ExternKind::Global => module.globals.len(),
        };
        if ex.index as usize >= count {
            let what = match ex.kind {
                ExternKind::Func => "function",
                ExternKind::Table => "table",
                ExternKind::Memory => "memory",
                ExternKind::Global => "global",
            };
            return Err(Error::invalid(ex.offset, format!("unknown {what} {}", ex.index)));
        }
        if !names.insert(ex.name.as_str()) {
            return Err(Error::invalid(ex.offset, format!("duplicate export name \"{}\"", ex.name)));
        }
    }

    if let Some(start) = m.start {
        if start.function as usize >= module.funcs.len() {
            return Err(Error::invalid(start.offset, format!("unknown function {}", start.function)));
        }
        let ty = module.func_type(start.function);
        if !ty.params().is_empty() || !ty.results().is_empty() {
            return Err(Error::invalid(start.offset, format!("start function must have type [] -> [], not {ty}")));
        }
    }

    let all_globals = module.globals.len() as u32;
    for e in &m.elements {
        if let ElementMode::Active { table, offset } = &e.mode {
            let Some(t) = module.tables.get(*table as usize) else {
                return Err(Error::invalid(e.offset, format!("unknown table {table}")));
            };
            if t.element != e.ty {
                return Err(Error::invalid(e.offset, "type mismatch: element segment type differs from the table's"));
            }
            check_const_expr(module, offset, ValType::I32, all_globals)?;
        }
        match &e.items {
            ElementItems::Functions(funcs) => {
                if let Some(f) = funcs.iter().find(|&&f| f as usize >= module.funcs.len()) {
                    return Err(Error::invalid(e.offset, format!("unknown function {f}")));
                }
            }
            ElementItems::Expressions(exprs) => {
                for x in exprs.iter() {
                    check_const_expr(module, x, e.ty.into(), all_globals)?;
                }
            }
        }
    }

    for d in &m.data {
        if let DataMode::Active { memory, offset } = &d.mode {
            let Some(mem) = module.memories.get(*memory as usize) else {
                return Err(Error::invalid(d.offset, format!("unknown memory {memory}")));
            };
            let address = if mem.memory64 { ValType::I64 } else { ValType::I32 };
            check_const_expr(module, offset, address, all_globals)?;
        }
    }

    Ok(())
}

/// Validates every function body of a module `validate_module` accepted.
pub(crate) fn validate_bodies(module: &Module) -> Result<()> {
    let mut v = FuncValidator::new(module);
    for i in 0..module.raw.code.len() {
        v.validate(i)?;
    }
    Ok(())
}

fn check_limits(limits: &Limits, bound: u64, at: usize, bound_message: &str) -> Result<()> {
    if limits.min > bound || limits.max.is_some_and(|max| max > bound) {
        return Err(Error::invalid(at, bound_message));
    }
    if limits.max.is_some_and(|max| max < limits.min) {
        return Err(Error::invalid(at, "size minimum must not be greater than maximum"));
    }
    Ok(())
}

fn check_table_type(t: &TableType, at: usize) -> Result<()> {
    check_limits(&t.limits, u32::MAX as u64, at, "table size must be at most 2^32-1")
}

fn check_memory_type(m: &MemoryType, at: usize) -> Result<()> {
    check_limits(&m.limits, MAX_PAGES32, at, "memory size must be at most 65536 pages (4GiB)")
}

fn collect_refs(expr: &ConstExpr, refs: &mut Vec<u32>) {
    refs.extend(expr.ops.iter().filter_map(|op| match op {
        ConstOp::RefFunc(f) => Some(*f),
        _ => None,
    }));
}

/// Types a constant expression; `visible_globals` is how many globals (from index 0) it may
/// read.
fn check_const_expr(module: &Module, expr: &ConstExpr, expected: ValType, visible_globals: u32) -> Result<()> {
    use ValType::*;
    let at = expr.offset;
    let mut stack: Vec<ValType> = Vec::with_capacity(2);
    let mismatch = |found: &str| {
        Error::invalid(at, format!("type mismatch in constant expression: expected {expected}, found {found}"))
    };
    for op in expr.ops.iter() {
        let t = match *op {
            ConstOp::I32Const(_) => I32,
            ConstOp::I64Const(_) => I64,
            ConstOp::F32Const(_) => F32,
            ConstOp::F64Const(_) => F64,
            ConstOp::V128Const(_) => V128,
            ConstOp::RefNull(t) => t.into(),
            ConstOp::RefFunc(f) => {
                if f as usize >= module.funcs.len() {
                    return Err(Error::invalid(at, format!("unknown function {f}")));
                }
                FuncRef
            }
            ConstOp::GlobalGet(g) => {
                if g >= visible_globals {
                    return Err(Error::invalid(at, format!("unknown global {g}")));
                }
                let global = module.globals[g as usize];
                if global.mutable {
                    return Err(Error::invalid(at, format!("constant expression required: global {g} is mutable")));
                }
                global.content
            }
            ConstOp::I32Add
            | ConstOp::I32Sub
            | ConstOp::I32Mul
            | ConstOp::I64Add
            | ConstOp::I64Sub
            | ConstOp::I64Mul => {
                let t = if matches!(op, ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul) { I32 } else { I64 };
                for _ in 0..2 {
                    match stack.pop() {
                        Some(x) if x == t => {}
                        Some(x) => return Err(mismatch(x.name())),
                        None => return Err(mismatch("nothing")),
                    }
                }
                t
            }
        };
        stack.push(t);
    }
    match stack.as_slice() {
        [t] if *t == expected => Ok(()),
        [t] => Err(mismatch(t.name())),
        [] => Err(mismatch("nothing")),
        _ => Err(mismatch("several values")),
    }
}
