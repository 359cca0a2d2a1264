//! The binary decoder: module bytes to a `RawModule`, one function per section. Function
//! bodies are kept as byte ranges; their operators are decoded by `ops::OperatorReader` in
//! lockstep with validation and lowering.

pub mod names;
pub mod ops;
pub mod proposals;
pub mod reader;

use std::ops::Range;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::features::Features;
use crate::limits;
use crate::types::{ExternKind, FuncType, GlobalType, ImportType, Limits, MemoryType, RefType, TableType, ValType};
use names::Names;
use ops::{Operator, OperatorReader};
use reader::Reader;

/// A decoded but not yet validated module. Byte ranges refer to the module's bytes.
#[derive(Clone, Debug, Default)]
pub struct RawModule {
    pub types: Vec<Arc<FuncType>>,
    pub imports: Vec<Import>,
    /// Type index of each defined (non-imported) function.
    pub functions: Vec<u32>,
    pub tables: Vec<TableType>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<Global>,
    pub exports: Vec<Export>,
    pub start: Option<Start>,
    pub elements: Vec<ElementSegment>,
    pub data_count: Option<u32>,
    pub code: Vec<FunctionBody>,
    pub data: Vec<DataSegment>,
    pub customs: Vec<CustomSection>,
    pub names: Names,
    /// Byte offset of each section's contents, for error messages (0 when absent).
    pub section_offsets: SectionOffsets,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct SectionOffsets {
    pub function: usize,
    pub table: usize,
    pub memory: usize,
    pub code: usize,
}

#[derive(Clone, Debug)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub ty: ImportType,
    pub offset: usize,
}

#[derive(Clone, Debug)]
pub struct Global {
    pub ty: GlobalType,
    pub init: ConstExpr,
}

#[derive(Clone, Debug)]
pub struct Export {
    pub name: String,
    pub kind: ExternKind,
    pub index: u32,
    pub offset: usize,
}

#[derive(Clone, Copy, Debug)]
pub struct Start {
    pub function: u32,
    pub offset: usize,
}

/// An operator allowed in a constant expression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConstOp {
    I32Const(i32),
    I64Const(i64),
    F32Const(u32),
    F64Const(u64),
    V128Const([u8; 16]),
    RefNull(RefType),
    RefFunc(u32),
    GlobalGet(u32),
    /// Extended constant expressions.
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A constant expression (global initializers, segment offsets and items), `end` excluded.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstExpr {
    pub ops: Box<[ConstOp]>,
    pub offset: usize,
}

#[derive(Clone, Debug)]
pub enum ElementMode {
    Passive,
    Declarative,
    Active { table: u32, offset: ConstExpr },
}

#[derive(Clone, Debug)]
pub enum ElementItems {
    Functions(Box<[u32]>),
    Expressions(Box<[ConstExpr]>),
}

impl ElementItems {
    pub fn len(&self) -> usize {
        match self {
            ElementItems::Functions(f) => f.len(),
            ElementItems::Expressions(e) => e.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Clone, Debug)]
pub struct ElementSegment {
    pub ty: RefType,
    pub mode: ElementMode,
    pub items: ElementItems,
    pub offset: usize,
}

#[derive(Clone, Debug)]
pub enum DataMode {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

#[derive(Clone, Debug)]
pub struct DataSegment {
    pub mode: DataMode,
    pub bytes: Range<usize>,
    pub offset: usize,
}

#[derive(Clone, Debug)]
pub struct FunctionBody {
    /// Run-length encoded local declarations (parameters excluded).
    pub locals: Box<[(u32, ValType)]>,
    /// Total number of declared locals.
    pub local_count: u32,
    /// The instructions, from after the local declarations to the end of the body.
    pub ops: Range<usize>,
    /// Offset of the body's size field.
    pub offset: usize,
    /// Offset of the body's contents (its local declarations), just after the size field:
    /// frame offsets within a function count from here.
    pub start: usize,
}

#[derive(Clone, Debug)]
pub struct CustomSection {
    pub name: String,
    pub data: Range<usize>,
}

/// Section ids in the order the specification requires them (the data count section sits
/// between element and code).
fn section_rank(id: u8) -> Option<u8> {
    Some(match id {
        1..=9 => id,
        12 => 10,
        10 => 11,
        11 => 12,
        _ => return None,
    })
}

/// Decodes a whole module.
pub fn decode(bytes: &[u8], features: &Features) -> Result<RawModule> {
    if bytes.len() > limits::MAX_MODULE_SIZE {
        return Err(Error::limit(
            limits::MAX_MODULE_SIZE,
            format!("module of {} bytes is larger than {} bytes", bytes.len(), limits::MAX_MODULE_SIZE),
        ));
    }
    let mut r = Reader::new(bytes, 0);
    let magic = r.read_bytes(4).map_err(|_| Error::malformed(0, "unexpected end: magic header not detected"))?;
    if magic != b"\0asm" {
        return Err(Error::malformed(0, "magic header not detected"));
    }
    let version = r.read_bytes(4).map_err(|_| Error::malformed(4, "unexpected end: unknown binary version"))?;
    if proposals::is_component(version) {
        return Err(Error::malformed(4, proposals::component_message()));
    }
    if version != [1, 0, 0, 0] {
        return Err(Error::malformed(4, "unknown binary version"));
    }

    let mut d = Decoder { m: RawModule::default(), features: *features };
    let mut last_rank = 0;
    while !r.is_empty() {
        let id_at = r.offset();
        let id = r.read_u8()?;
        let size_at = r.offset();
        let size = r.read_u32()? as usize;
        if size > r.remaining() {
            return Err(Error::malformed(size_at, "length out of bounds: section size exceeds the module"));
        }
        let mut s = r.sub_reader(size)?;
        if id == 0 {
            d.custom_section(&mut s, bytes)?;
            continue;
        }
        let rank = section_rank(id).ok_or_else(|| {
            Error::malformed(id_at, proposals::explain(format!("malformed section id {id}"), proposals::section(id)))
        })?;
        if rank <= last_rank {
            return Err(Error::malformed(id_at, format!("unexpected content: section {id} out of order or repeated")));
        }
        last_rank = rank;
        match id {
            1 => d.type_section(&mut s)?,
            2 => d.import_section(&mut s)?,
            3 => d.function_section(&mut s)?,
            4 => d.table_section(&mut s)?,
            5 => d.memory_section(&mut s)?,
            6 => d.global_section(&mut s)?,
            7 => d.export_section(&mut s)?,
            8 => d.start_section(&mut s)?,
            9 => d.element_section(&mut s)?,
            10 => d.code_section(&mut s)?,
            11 => d.data_section(&mut s)?,
            12 => d.m.data_count = Some(s.read_u32()?),
            _ => unreachable!("section_rank accepts only known ids"),
        }
        if !s.is_empty() {
            return Err(s.malformed("section size mismatch"));
        }
    }

    let m = &d.m;
    if m.functions.len() != m.code.len() {
        return Err(Error::malformed(
            if m.section_offsets.code != 0 { m.section_offsets.code } else { bytes.len() },
            "function and code section have inconsistent lengths",
        ));
    }
    if let Some(count) = m.data_count {
        if count as usize != m.data.len() {
            return Err(Error::malformed(bytes.len(), "data count and data section have inconsistent lengths"));
        }
    }
    Ok(d.m)
}

struct Decoder {
    m: RawModule,
    features: Features,
}

impl Decoder {
    fn custom_section(&mut self, s: &mut Reader<'_>, bytes: &[u8]) -> Result<()> {
        let name = s.read_name()?.to_string();
        let (rest, base) = s.rest();
        let data = base..base + rest.len();
        if name == "name" {
            // Errors inside the name section do not make the module malformed (the
            // specification's appendix); a broken one is dropped.
            self.m.names = Names::decode(Reader::new(&bytes[data.clone()], base)).unwrap_or_default();
        }
        self.m.customs.push(CustomSection { name, data });
        s.skip_to_end();
        Ok(())
    }

    fn type_section(&mut self, s: &mut Reader<'_>) -> Result<()> {
        let count = s.read_len_limited(limits::MAX_TYPES, "types")?;
        self.m.types.reserve(count as usize);
        let mut params = Vec::new();
        let mut results = Vec::new();
        for _ in 0..count {
            let at = s.offset();
            let form = s.read_u8()?;
            if form != 0x60 {
                let base = format!("malformed function type form 0x{form:02x}");
                return Err(Error::malformed(at, proposals::explain(base, proposals::type_form(form))));
            }
            read_val_types(s, &mut params, limits::MAX_PARAMS, "parameters")?;
            let results_at = s.offset();
            read_val_types(s, &mut results, limits::MAX_RESULTS, "results")?;
            if results.len() > 1 && !self.features.multi_value {
                return Err(Error::invalid(results_at, "invalid result arity: multi-value support is not enabled"));
            }
            self.m.types.push(Arc::new(FuncType::new(&params, &results)));
        }
        Ok(())
    }

    fn import_section(&mut self, s: &mut Reader<'_>) -> Result<()> {
        let count = s.read_len_limited(limits::MAX_IMPORTS, "imports")?;
        self.m.imports.reserve(count as usize);
        let mut imported = [0u32; 4];
        for _ in 0..count {
            let offset = s.offset();
            let module = s.read_name()?.to_string();
            let name = s.read_name()?.to_string();
            let kind_at = s.offset();
            let ty = match s.read_u8()? {
                0x00 => ImportType::Func(s.read_u32()?),
                0x01 => ImportType::Table(self.table_type(s)?),
                0x02 => ImportType::Memory(self.memory_type(s)?),
                0x03 => ImportType::Global(self.global_type(s)?),
                0x04 => {
                    let need = Some(("a tag import", "exception-handling"));
                    return Err(Error::malformed(kind_at, proposals::explain("malformed import kind", need)));
                }
                _ => return Err(Error::malformed(kind_at, "malformed import kind")),
            };
            self.m.imports.push(Import { module, name, ty, offset });
            let kind = import_kind(&ty);
            let (limit, what) = index_space_limit(kind);
            imported[kind as usize] += 1;
            if imported[kind as usize] > limit {
                return Err(Error::limit(
                    offset,
                    format!("too many {what}: {} imported (at most {limit})", imported[kind as usize]),
                ));
            }
        }
        Ok(())
    }

    /// Imports of one kind so far.
    fn imported(&self, kind: ExternKind) -> u32 {
        self.m.imports.iter().filter(|i| import_kind(&i.ty) == kind).count() as u32
    }

    /// The count of a section defining functions, tables, memories or globals, whose limits
    /// cover imported and defined ones together.
    fn read_defined_count(&self, s: &mut Reader<'_>, kind: ExternKind) -> Result<u32> {
        let (limit, what) = index_space_limit(kind);
        let at = s.offset();
        let count = s.read_len_limited(limit, what)?;
        let imported = self.imported(kind);
        if imported as u64 + count as u64 > limit as u64 {
            return Err(Error::limit(
                at,
                format!("too many {what}: {imported} imported and {count} defined (at most {limit})"),
            ));
        }
        Ok(count)
    }

    fn function_section(&mut self, s: &mut Reader<'_>) -> Result<()> {
        self.m.section_offsets.function = s.offset();
        let count = self.read_defined_count(s, ExternKind::Func)?;
        self.m.functions = (0..count).map(|_| s.read_u32()).collect::<Result<_>>()?;
        Ok(())
    }

    fn table_section(&mut self, s: &mut Reader<'_>) -> Result<()> {
        self.m.section_offsets.table = s.offset();
        let count = self.read_defined_count(s, ExternKind::Table)?;
        for _ in 0..count {
            let t = self.table_type(s)?;
            self.m.tables.push(t);
        }
        Ok(())
    }

    fn memory_section(&mut self, s: &mut Reader<'_>) -> Result<()> {
        self.m.section_offsets.memory = s.offset();
        let count = self.read_defined_count(s, ExternKind::Memory)?;
        for _ in 0..count {
            let t = self.memory_type(s)?;
            self.m.memories.push(t);
        }
        Ok(())
    }

    fn global_section(&mut self, s: &mut Reader<'_>) -> Result<()> {
        let count = self.read_defined_count(s, ExternKind::Global)?;
        self.m.globals.reserve(count as usize);
        for _ in 0..count {
            let ty = self.global_type(s)?;
            let init = self.const_expr(s)?;
            self.m.globals.push(Global { ty, init });
        }
        Ok(())
    }

    fn export_section(&mut self, s: &mut Reader<'_>) -> Result<()> {
        let count = s.read_len_limited(limits::MAX_EXPORTS, "exports")?;
        self.m.exports.reserve(count as usize);
        for _ in 0..count {
            let offset = s.offset();
            let name = s.read_name()?.to_string();
            let kind_at = s.offset();
            let kind = match s.read_u8()? {
                0x00 => ExternKind::Func,
                0x01 => ExternKind::Table,
                0x02 => ExternKind::Memory,
                0x03 => ExternKind::Global,
                _ => return Err(Error::malformed(kind_at, "malformed export kind")),
            };
            let index = s.read_u32()?;
            self.m.exports.push(Export { name, kind, index, offset });
        }
        Ok(())
    }

    fn start_section(&mut self, s: &mut Reader<'_>) -> Result<()> {
        let offset = s.offset();
        self.m.start = Some(Start { function: s.read_u32()?, offset });
        Ok(())
    }

    fn element_section(&mut self, s: &mut Reader<'_>) -> Result<()> {
        let count = s.read_len_limited(limits::MAX_ELEMENT_SEGMENTS, "element segments")?;
        for _ in 0..count {
            let offset = s.offset();
            let flags = s.read_u32()?;
            if flags > 7 {
                return Err(Error::malformed(offset, format!("malformed elements segment kind {flags}")));
            }
            if flags != 0 && !self.features.bulk_memory && !self.features.reference_types {
                return Err(Error::malformed(offset, "bulk memory support is not enabled"));
            }
            // Bit 0: passive or declarative (else active); bit 1: with bit 0, declarative,
            // without, an explicit table index; bit 2: items are expressions.
            let mode = if flags & 1 == 0 {
                let table = if flags & 2 != 0 { s.read_u32()? } else { 0 };
                ElementMode::Active { table, offset: self.const_expr(s)? }
            } else if flags & 2 != 0 {
                ElementMode::Declarative
            } else {
                ElementMode::Passive
            };
            let explicit_type = flags & 3 != 0;
            let expressions = flags & 4 != 0;
            let ty = if !explicit_type {
                RefType::FuncRef
            } else if expressions {
                s.read_ref_type()?
            } else {
                let at = s.offset();
                match s.read_u8()? {
                    0x00 => RefType::FuncRef,
                    _ => return Err(Error::malformed(at, "malformed element kind")),
                }
            };
            let n = s.read_len_limited(limits::MAX_ELEMENT_ITEMS, "element segment items")?;
            let items = if expressions {
                ElementItems::Expressions((0..n).map(|_| self.const_expr(s)).collect::<Result<_>>()?)
            } else {
                ElementItems::Functions((0..n).map(|_| s.read_u32()).collect::<Result<_>>()?)
            };
            self.m.elements.push(ElementSegment { ty, mode, items, offset });
        }
        Ok(())
    }

    fn code_section(&mut self, s: &mut Reader<'_>) -> Result<()> {
        self.m.section_offsets.code = s.offset();
        let at = s.offset();
        let count = s.read_len()?;
        if count as usize != self.m.functions.len() {
            return Err(Error::malformed(at, "function and code section have inconsistent lengths"));
        }
        self.m.code.reserve(count as usize);
        for _ in 0..count {
            let offset = s.offset();
            let size = s.read_u32()?;
            if size > limits::MAX_FUNCTION_SIZE {
                return Err(Error::limit(
                    offset,
                    format!("function body of {size} bytes is larger than {}", limits::MAX_FUNCTION_SIZE),
                ));
            }
            let mut body = s.sub_reader(size as usize)?;
            let start = body.offset();
            let groups = body.read_len()?;
            let mut locals = Vec::with_capacity(groups as usize);
            let mut local_count: u64 = 0;
            for _ in 0..groups {
                let n = body.read_u32()?;
                local_count += n as u64;
                locals.push((n, body.read_val_type()?));
            }
            if local_count > u32::MAX as u64 {
                return Err(Error::malformed(offset, "too many locals"));
            }
            if local_count > limits::MAX_LOCALS as u64 {
                return Err(Error::limit(
                    offset,
                    format!("too many locals: {local_count} (at most {})", limits::MAX_LOCALS),
                ));
            }
            let (rest, base) = body.rest();
            self.m.code.push(FunctionBody {
                locals: locals.into_boxed_slice(),
                local_count: local_count as u32,
                ops: base..base + rest.len(),
                offset,
                start,
            });
        }
        Ok(())
    }

    fn data_section(&mut self, s: &mut Reader<'_>) -> Result<()> {
        let count = s.read_len_limited(limits::MAX_DATA_SEGMENTS, "data segments")?;
        for _ in 0..count {
            let offset = s.offset();
            let flags = s.read_u32()?;
            let mode = match flags {
                0 => DataMode::Active { memory: 0, offset: self.const_expr(s)? },
                1 if self.features.bulk_memory => DataMode::Passive,
                2 if self.features.bulk_memory || self.features.multi_memory => {
                    let memory = s.read_u32()?;
                    DataMode::Active { memory, offset: self.const_expr(s)? }
                }
                _ => return Err(Error::malformed(offset, format!("malformed data segment kind {flags}"))),
            };
            let len = s.read_u32()? as usize;
            let (_, start) = s.rest();
            s.read_bytes(len)?;
            self.m.data.push(DataSegment { mode, bytes: start..start + len, offset });
        }
        Ok(())
    }

    fn limits(&self, s: &mut Reader<'_>, has_max: bool, wide: bool) -> Result<Limits> {
        let read = |s: &mut Reader<'_>| {
            if wide {
                s.read_u64()
            } else {
                s.read_u32().map(u64::from)
            }
        };
        let min = read(s)?;
        let max = if has_max { Some(read(s)?) } else { None };
        Ok(Limits { min, max })
    }

    fn table_type(&self, s: &mut Reader<'_>) -> Result<TableType> {
        let element = s.read_ref_type()?;
        let at = s.offset();
        let flags = s.read_u8()?;
        if flags > 1 {
            let base = "integer too large: malformed table limits flags";
            return Err(Error::malformed(at, proposals::explain(base, proposals::limits_flags(flags))));
        }
        Ok(TableType { element, limits: self.limits(s, flags & 1 != 0, false)? })
    }

    fn memory_type(&self, s: &mut Reader<'_>) -> Result<MemoryType> {
        let at = s.offset();
        let flags = s.read_u8()?;
        if flags > 1 {
            let base = "integer too large: malformed memory limits flags";
            return Err(Error::malformed(at, proposals::explain(base, proposals::limits_flags(flags))));
        }
        Ok(MemoryType { limits: self.limits(s, flags & 1 != 0, false)?, shared: false, memory64: false })
    }

    fn global_type(&self, s: &mut Reader<'_>) -> Result<GlobalType> {
        let content = s.read_val_type()?;
        let at = s.offset();
        let mutable = match s.read_u8()? {
            0 => false,
            1 => true,
            _ => return Err(Error::malformed(at, "malformed mutability")),
        };
        Ok(GlobalType { content, mutable })
    }

    /// A constant expression up to and including its `end`. Operators that are not constant
    /// are rejected here (invalid), so validation only has to type the result.
    fn const_expr(&self, s: &mut Reader<'_>) -> Result<ConstExpr> {
        let offset = s.offset();
        let (rest, base) = s.rest();
        let mut ops_reader = OperatorReader::new(Reader::new(rest, base), self.features);
        let mut ops = Vec::new();
        let extended = self.features.extended_const;
        loop {
            let at = ops_reader.offset();
            let op = match ops_reader.read()? {
                Operator::End => break,
                Operator::I32Const(v) => ConstOp::I32Const(v),
                Operator::I64Const(v) => ConstOp::I64Const(v),
                Operator::F32Const(v) => ConstOp::F32Const(v),
                Operator::F64Const(v) => ConstOp::F64Const(v),
                Operator::V128Const(v) => ConstOp::V128Const(v),
                Operator::RefNull(t) => ConstOp::RefNull(t),
                Operator::RefFunc(f) => ConstOp::RefFunc(f),
                Operator::GlobalGet(g) => ConstOp::GlobalGet(g),
                Operator::Simple(op) if extended => match op {
                    ops::SimpleOp::I32Add => ConstOp::I32Add,
                    ops::SimpleOp::I32Sub => ConstOp::I32Sub,
                    ops::SimpleOp::I32Mul => ConstOp::I32Mul,
                    ops::SimpleOp::I64Add => ConstOp::I64Add,
                    ops::SimpleOp::I64Sub => ConstOp::I64Sub,
                    ops::SimpleOp::I64Mul => ConstOp::I64Mul,
                    _ => return Err(Error::invalid(at, format!("constant expression required, found {}", op.name()))),
                },
                Operator::Simple(
                    op @ (ops::SimpleOp::I32Add
                    | ops::SimpleOp::I32Sub
                    | ops::SimpleOp::I32Mul
                    | ops::SimpleOp::I64Add
                    | ops::SimpleOp::I64Sub
                    | ops::SimpleOp::I64Mul),
                ) => {
                    let base = format!("constant expression required, found {}", op.name());
                    let need = Some((op.name(), "extended-const"));
                    return Err(Error::invalid(
                        at,
                        format!("{}, which is not enabled", proposals::explain(base, need)),
                    ));
                }
                other => {
                    return Err(Error::invalid(at, format!("constant expression required, found {}", other.name())))
                }
            };
            ops.push(op);
        }
        let used = ops_reader.offset() - base;
        s.read_bytes(used)?;
        Ok(ConstExpr { ops: ops.into_boxed_slice(), offset })
    }
}

fn import_kind(ty: &ImportType) -> ExternKind {
    match ty {
        ImportType::Func(_) => ExternKind::Func,
        ImportType::Table(_) => ExternKind::Table,
        ImportType::Memory(_) => ExternKind::Memory,
        ImportType::Global(_) => ExternKind::Global,
    }
}

/// The limit and name of an index space; its limit counts imports and definitions together.
fn index_space_limit(kind: ExternKind) -> (u32, &'static str) {
    match kind {
        ExternKind::Func => (limits::MAX_FUNCTIONS, "functions"),
        ExternKind::Table => (limits::MAX_TABLES, "tables"),
        ExternKind::Memory => (limits::MAX_MEMORIES, "memories"),
        ExternKind::Global => (limits::MAX_GLOBALS, "globals"),
    }
}

fn read_val_types(s: &mut Reader<'_>, out: &mut Vec<ValType>, limit: u32, what: &str) -> Result<()> {
    out.clear();
    let n = s.read_len_limited(limit, what)?;
    for _ in 0..n {
        out.push(s.read_val_type()?);
    }
    Ok(())
}
