//! Types of the WebAssembly type system: value, reference, function, limits, table, memory,
//! global and external types.

use std::fmt;

/// A value type. The discriminants are the binary encodings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ValType {
    I32 = 0x7F,
    I64 = 0x7E,
    F32 = 0x7D,
    F64 = 0x7C,
    V128 = 0x7B,
    FuncRef = 0x70,
    ExternRef = 0x6F,
}

impl ValType {
    pub fn from_byte(byte: u8) -> Option<ValType> {
        Some(match byte {
            0x7F => ValType::I32,
            0x7E => ValType::I64,
            0x7D => ValType::F32,
            0x7C => ValType::F64,
            0x7B => ValType::V128,
            0x70 => ValType::FuncRef,
            0x6F => ValType::ExternRef,
            _ => return None,
        })
    }

    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    pub fn name(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A reference type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RefType {
    FuncRef = 0x70,
    ExternRef = 0x6F,
}

impl RefType {
    pub fn from_byte(byte: u8) -> Option<RefType> {
        match byte {
            0x70 => Some(RefType::FuncRef),
            0x6F => Some(RefType::ExternRef),
            _ => None,
        }
    }
}

impl From<RefType> for ValType {
    fn from(r: RefType) -> ValType {
        match r {
            RefType::FuncRef => ValType::FuncRef,
            RefType::ExternRef => ValType::ExternRef,
        }
    }
}

/// A function type: parameters then results, stored in one allocation.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    types: Box<[ValType]>,
    params: usize,
}

impl FuncType {
    pub fn new(params: &[ValType], results: &[ValType]) -> FuncType {
        let types = params.iter().chain(results).copied().collect();
        FuncType { types, params: params.len() }
    }

    #[inline]
    pub fn params(&self) -> &[ValType] {
        &self.types[..self.params]
    }

    #[inline]
    pub fn results(&self) -> &[ValType] {
        &self.types[self.params..]
    }
}

impl fmt::Debug for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |ts: &[ValType]| ts.iter().map(|t| t.name()).collect::<Vec<_>>().join(" ");
        write!(f, "[{}] -> [{}]", list(self.params()), list(self.results()))
    }
}

/// Size limits of a table or memory, in elements or pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    pub element: RefType,
    pub limits: Limits,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    pub limits: Limits,
    pub shared: bool,
    pub memory64: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    pub content: ValType,
    pub mutable: bool,
}

/// The type of a block, loop or if.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockType {
    Empty,
    Value(ValType),
    /// An index into the type section (multi-value).
    Func(u32),
}

/// What an import or export refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExternKind {
    Func,
    Table,
    Memory,
    Global,
}

/// The type of an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportType {
    /// A function, by index into the type section.
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}
