//! Validation of function bodies: the specification's algorithm (appendix "Validation
//! Algorithm") over an operand stack of value types and a control stack of frames.
//!
//! `FuncValidator::op` checks one operator at a time, so a lowering (interpreter compiler,
//! JIT) can decode an operator, have it validated, then emit code knowing the operand types.
//! The buffers are kept between functions to avoid allocating per function.

use crate::decode::ops::{MemArg, MemKind, Operator, OperatorReader};
use crate::decode::reader::Reader;
use crate::error::{Error, Result};
use crate::limits;
use crate::module::Module;
use crate::types::{BlockType, ValType};

/// A control frame: a block, loop, if/else, or the function body itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub kind: FrameKind,
    pub block_type: BlockType,
    /// Operand stack height when the frame was entered (its parameters excluded).
    pub height: usize,
    /// Operand stack height in 64-bit slots at entry (see `FuncValidator::height_slots`).
    pub slot_height: u32,
    /// Set after an unconditional branch: the rest of the frame is stack-polymorphic.
    pub unreachable: bool,
}

/// 64-bit slots a value takes on a lowering's operand stack: two for v128, one otherwise
/// (also for unknown types, which occur only in unreachable code).
#[inline]
pub fn slots_of(t: Option<ValType>) -> u32 {
    if t == Some(ValType::V128) {
        2
    } else {
        1
    }
}

/// Why one operator failed; turned into an `Error` naming the operator and its offset.
enum Fail {
    /// Expected a type (or any value for `None`); found one (or an empty stack for `None`).
    Mismatch {
        expected: Option<ValType>,
        found: Option<ValType>,
    },
    Invalid(String),
    Malformed(String),
    Limit(String),
}

type Check<T = ()> = std::result::Result<T, Fail>;

fn invalid<T>(message: impl Into<String>) -> Check<T> {
    Err(Fail::Invalid(message.into()))
}

/// 64-bit slots of a sequence of values (see `slots_of`).
pub fn types_slots(types: &[ValType]) -> u32 {
    types.iter().map(|&t| slots_of(Some(t))).sum()
}

/// A one-element type list with a static lifetime (the results of a block of one value type).
pub fn single(t: ValType) -> &'static [ValType] {
    match t {
        ValType::I32 => &[ValType::I32],
        ValType::I64 => &[ValType::I64],
        ValType::F32 => &[ValType::F32],
        ValType::F64 => &[ValType::F64],
        ValType::V128 => &[ValType::V128],
        ValType::FuncRef => &[ValType::FuncRef],
        ValType::ExternRef => &[ValType::ExternRef],
    }
}

/// Validates function bodies of one module. Reuse one for all functions of the module.
pub struct FuncValidator<'m> {
    module: &'m Module,
    locals: Vec<ValType>,
    operands: Vec<Option<ValType>>,
    controls: Vec<Frame>,
    function_type: u32,
    scratch: Vec<Option<ValType>>,
    /// Operand stack height in 64-bit slots.
    slot_height: u32,
    max_slot_height: u32,
}

impl<'m> FuncValidator<'m> {
    pub fn new(module: &'m Module) -> FuncValidator<'m> {
        FuncValidator {
            module,
            locals: Vec::new(),
            operands: Vec::new(),
            controls: Vec::new(),
            function_type: 0,
            scratch: Vec::new(),
            slot_height: 0,
            max_slot_height: 0,
        }
    }

    /// Prepares to validate the body of defined function `defined_index`. Returns a reader
    /// over its operators.
    pub fn start(&mut self, defined_index: usize) -> Result<OperatorReader<'m>> {
        let module = self.module;
        let body = &module.raw.code[defined_index];
        let type_index = module.raw.functions[defined_index];
        let ty = &module.raw.types[type_index as usize];
        let total = ty.params().len() as u64 + body.local_count as u64;
        if total > limits::MAX_LOCALS as u64 {
            return Err(Error::limit(
                body.offset,
                format!("too many locals: {total} (at most {})", limits::MAX_LOCALS),
            ));
        }
        self.locals.clear();
        self.locals.extend_from_slice(ty.params());
        for &(n, t) in body.locals.iter() {
            self.locals.extend(std::iter::repeat_n(t, n as usize));
        }
        self.operands.clear();
        self.controls.clear();
        self.function_type = type_index;
        self.slot_height = 0;
        self.max_slot_height = 0;
        self.controls.push(Frame {
            kind: FrameKind::Function,
            block_type: BlockType::Func(type_index),
            height: 0,
            slot_height: 0,
            unreachable: false,
        });
        let reader = Reader::new(&module.bytes[body.ops.clone()], body.ops.start);
        Ok(OperatorReader::new(reader, module.features))
    }

    /// Validates a whole function body.
    pub fn validate(&mut self, defined_index: usize) -> Result<()> {
        let ops = self.start(defined_index)?;
        self.walk(ops, |v, op, at| v.op(op, at))
    }

    /// Reads the rest of the body `ops` (from `start`) operator by operator, calling
    /// `visit(self, op, at)` on each, which must validate it (`op`), and checks where the body
    /// ends: how `validate` and the tiers' compilers, which validate as they lower, walk a body.
    pub fn walk<E: From<Error>>(
        &mut self,
        mut ops: OperatorReader<'_>,
        mut visit: impl FnMut(&mut Self, &Operator<'_>, usize) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        while !self.controls.is_empty() {
            if ops.is_empty() {
                let e = Error::malformed(ops.offset(), "END opcode expected: function body ends inside a block");
                return Err(e.into());
            }
            let at = ops.offset();
            // `ref`: use the operator where `read` built it, without moving it.
            match ops.read() {
                Ok(ref op) => visit(self, op, at)?,
                Err(e) => return Err(e.into()),
            }
        }
        if !ops.is_empty() {
            let e = Error::malformed(ops.offset(), "section size mismatch: operators after the end of the function");
            return Err(e.into());
        }
        Ok(())
    }

    /// The type of each local, parameters first.
    pub fn locals(&self) -> &[ValType] {
        &self.locals
    }

    /// The operand stack; `None` is a value of unknown type in unreachable code.
    pub fn operands(&self) -> &[Option<ValType>] {
        &self.operands
    }

    pub fn controls(&self) -> &[Frame] {
        &self.controls
    }

    /// Operand stack height in 64-bit slots (v128 counts two). Exact in reachable code.
    pub fn height_slots(&self) -> u32 {
        self.slot_height
    }

    /// The largest `height_slots` seen so far in the function.
    pub fn max_height_slots(&self) -> u32 {
        self.max_slot_height
    }

    /// Whether the function's final `end` has been validated.
    pub fn is_finished(&self) -> bool {
        self.controls.is_empty()
    }

    /// Validates one operator read at byte offset `at`.
    ///
    /// Inlined, with `check`, into the caller's decode loop: one dispatch per operator and no
    /// call overhead; errors are built out of line.
    #[inline(always)]
    pub fn op(&mut self, op: &Operator<'_>, at: usize) -> Result<()> {
        match self.check(op) {
            Ok(()) => Ok(()),
            Err(fail) => Err(Self::error(op, at, fail)),
        }
    }

    #[cold]
    #[inline(never)]
    fn error(op: &Operator<'_>, at: usize, fail: Fail) -> Error {
        match fail {
            Fail::Mismatch { expected, found } => {
                let expected = expected.map_or("a value", |t| t.name());
                let found = found.map_or("nothing", |t| t.name());
                Error::invalid(at, format!("type mismatch in {}: expected {expected}, found {found}", op.name()))
            }
            Fail::Invalid(m) => Error::invalid(at, format!("{m} in {}", op.name())),
            Fail::Malformed(m) => Error::malformed(at, format!("{m} in {}", op.name())),
            Fail::Limit(m) => Error::limit(at, format!("{m} in {}", op.name())),
        }
    }

    #[inline]
    fn push(&mut self, t: ValType) {
        self.push_operand(Some(t));
    }

    #[inline]
    fn push_operand(&mut self, t: Option<ValType>) {
        self.operands.push(t);
        self.slot_height += slots_of(t);
        self.max_slot_height = self.max_slot_height.max(self.slot_height);
    }

    #[inline]
    fn pop_operand(&mut self) -> Option<ValType> {
        let t = self.operands.pop().expect("callers check the frame height");
        self.slot_height -= slots_of(t);
        t
    }

    #[inline]
    fn pop_any(&mut self) -> Check<Option<ValType>> {
        let frame = self.controls.last().expect("a frame is open while validating");
        if self.operands.len() == frame.height {
            if frame.unreachable {
                return Ok(None);
            }
            return Err(Fail::Mismatch { expected: None, found: None });
        }
        Ok(self.pop_operand())
    }

    /// Pops a value that must have type `expected`; returns its actual type (`None` when
    /// unknown, in unreachable code).
    #[inline]
    fn pop(&mut self, expected: ValType) -> Check<Option<ValType>> {
        let frame = self.controls.last().expect("a frame is open while validating");
        if self.operands.len() > frame.height {
            let actual = self.pop_operand();
            if let Some(t) = actual {
                if t != expected {
                    return Err(Fail::Mismatch { expected: Some(expected), found: Some(t) });
                }
            }
            return Ok(actual);
        }
        if frame.unreachable {
            return Ok(None);
        }
        Err(Fail::Mismatch { expected: Some(expected), found: None })
    }

    fn pop_many(&mut self, types: &[ValType]) -> Check {
        for &t in types.iter().rev() {
            self.pop(t)?;
        }
        Ok(())
    }

    fn push_many(&mut self, types: &[ValType]) {
        for &t in types {
            self.push(t);
        }
    }

    fn block_params(&self, bt: BlockType) -> &'m [ValType] {
        match bt {
            BlockType::Func(i) => self.module.raw.types[i as usize].params(),
            _ => &[],
        }
    }

    fn block_results(&self, bt: BlockType) -> &'m [ValType] {
        match bt {
            BlockType::Empty => &[],
            BlockType::Value(t) => single(t),
            BlockType::Func(i) => self.module.raw.types[i as usize].results(),
        }
    }

    /// The types a branch to `frame` carries: a loop's parameters, otherwise its results.
    fn label_types(&self, frame: &Frame) -> &'m [ValType] {
        if frame.kind == FrameKind::Loop {
            self.block_params(frame.block_type)
        } else {
            self.block_results(frame.block_type)
        }
    }

    fn label(&self, depth: u32) -> Check<Frame> {
        let n = self.controls.len();
        if depth as usize >= n {
            return invalid(format!("unknown label {depth}"));
        }
        Ok(self.controls[n - 1 - depth as usize])
    }

    fn check_block_type(&self, bt: BlockType) -> Check {
        match bt {
            BlockType::Func(i) if i as usize >= self.module.raw.types.len() => invalid(format!("unknown type {i}")),
            _ => Ok(()),
        }
    }

    fn push_frame(&mut self, kind: FrameKind, block_type: BlockType) -> Check {
        if self.controls.len() >= limits::MAX_NESTING_DEPTH as usize {
            return Err(Fail::Limit(format!("blocks nested deeper than {}", limits::MAX_NESTING_DEPTH)));
        }
        self.controls.push(Frame {
            kind,
            block_type,
            height: self.operands.len(),
            slot_height: self.slot_height,
            unreachable: false,
        });
        self.push_many(self.block_params(block_type));
        Ok(())
    }

    /// Pops the innermost frame after checking its results are exactly on the stack.
    fn pop_frame(&mut self) -> Check<Frame> {
        let frame = *self.controls.last().expect("a frame is open while validating");
        self.pop_many(self.block_results(frame.block_type))?;
        if self.operands.len() != frame.height {
            let extra = self.operands.len() - frame.height;
            return invalid(format!("type mismatch: {extra} value(s) left on the stack at the end of the block"));
        }
        self.controls.pop();
        Ok(frame)
    }

    fn set_unreachable(&mut self) {
        let frame = self.controls.last_mut().expect("a frame is open while validating");
        self.operands.truncate(frame.height);
        self.slot_height = frame.slot_height;
        frame.unreachable = true;
    }

    /// Checks a memarg: the memory exists, the alignment is at most natural, and the offset
    /// fits the memory's address type. Returns the address type.
    fn memarg(&self, memarg: MemArg, natural_align: u32) -> Check<ValType> {
        let address = self.memory(memarg.memory)?;
        if memarg.align > natural_align {
            return invalid("alignment must not be larger than natural");
        }
        if address == ValType::I32 && memarg.offset > u32::MAX as u64 {
            return invalid("offset out of range");
        }
        Ok(address)
    }

    fn memory(&self, index: u32) -> Check<ValType> {
        match self.module.memories.get(index as usize) {
            Some(m) if m.memory64 => Ok(ValType::I64),
            Some(_) => Ok(ValType::I32),
            None => invalid(format!("unknown memory {index}")),
        }
    }

    fn table(&self, index: u32) -> Check<ValType> {
        match self.module.tables.get(index as usize) {
            Some(t) => Ok(t.element.into()),
            None => invalid(format!("unknown table {index}")),
        }
    }

    fn data_segment(&self, index: u32) -> Check {
        match self.module.raw.data_count {
            None => Err(Fail::Malformed("data count section required".into())),
            Some(n) if index >= n => invalid(format!("unknown data segment {index}")),
            Some(_) => Ok(()),
        }
    }

    fn element_segment(&self, index: u32) -> Check<ValType> {
        match self.module.raw.elements.get(index as usize) {
            Some(e) => Ok(e.ty.into()),
            None => invalid(format!("unknown elem segment {index}")),
        }
    }

    fn local(&self, index: u32) -> Check<ValType> {
        match self.locals.get(index as usize) {
            Some(&t) => Ok(t),
            None => invalid(format!("unknown local {index}")),
        }
    }

    fn check_lane(lane: u8, lanes: u8) -> Check {
        if lane >= lanes {
            return invalid(format!("invalid lane index {lane}"));
        }
        Ok(())
    }

    #[inline(always)]
    fn check(&mut self, op: &Operator<'_>) -> Check {
        use ValType::*;
        match *op {
            Operator::Simple(s) => {
                self.pop_many(s.params())?;
                self.push(s.result());
            }
            Operator::LocalGet(i) => {
                let t = self.local(i)?;
                self.push(t);
            }
            Operator::LocalSet(i) => {
                let t = self.local(i)?;
                self.pop(t)?;
            }
            Operator::LocalTee(i) => {
                let t = self.local(i)?;
                self.pop(t)?;
                self.push(t);
            }
            Operator::I32Const(_) => self.push(I32),
            Operator::I64Const(_) => self.push(I64),
            Operator::F32Const(_) => self.push(F32),
            Operator::F64Const(_) => self.push(F64),
            Operator::V128Const(_) => self.push(V128),
            Operator::Memory(m, memarg) => {
                let address = self.memarg(memarg, m.natural_align())?;
                match m.kind() {
                    MemKind::Load(t) => {
                        self.pop(address)?;
                        self.push(t);
                    }
                    MemKind::Store(t) => {
                        self.pop(t)?;
                        self.pop(address)?;
                    }
                    MemKind::LoadLane(_) | MemKind::StoreLane(_) => {
                        unreachable!("lane forms decode as MemoryLane")
                    }
                }
            }
            Operator::MemoryLane(m, memarg, lane) => {
                let address = self.memarg(memarg, m.natural_align())?;
                match m.kind() {
                    MemKind::LoadLane(lanes) => {
                        Self::check_lane(lane, lanes)?;
                        self.pop(V128)?;
                        self.pop(address)?;
                        self.push(V128);
                    }
                    MemKind::StoreLane(lanes) => {
                        Self::check_lane(lane, lanes)?;
                        self.pop(V128)?;
                        self.pop(address)?;
                    }
                    MemKind::Load(_) | MemKind::Store(_) => {
                        unreachable!("plain forms decode as Memory")
                    }
                }
            }
            Operator::Block(bt) | Operator::Loop(bt) => {
                self.check_block_type(bt)?;
                self.pop_many(self.block_params(bt))?;
                let kind = if matches!(op, Operator::Loop(_)) { FrameKind::Loop } else { FrameKind::Block };
                self.push_frame(kind, bt)?;
            }
            Operator::If(bt) => {
                self.check_block_type(bt)?;
                self.pop(I32)?;
                self.pop_many(self.block_params(bt))?;
                self.push_frame(FrameKind::If, bt)?;
            }
            Operator::Else => {
                let frame = *self.controls.last().expect("a frame is open while validating");
                if frame.kind != FrameKind::If {
                    return invalid("else without a matching if");
                }
                self.pop_frame()?;
                self.push_frame(FrameKind::Else, frame.block_type)?;
            }
            Operator::End => {
                let frame = self.pop_frame()?;
                if frame.kind == FrameKind::If {
                    // An if without else passes its parameters through the missing branch.
                    let (params, results) = (self.block_params(frame.block_type), self.block_results(frame.block_type));
                    if params != results {
                        return invalid("type mismatch: if without else must produce its parameters");
                    }
                }
                if frame.kind != FrameKind::Function {
                    self.push_many(self.block_results(frame.block_type));
                }
            }
            Operator::Br(depth) => {
                let frame = self.label(depth)?;
                self.pop_many(self.label_types(&frame))?;
                self.set_unreachable();
            }
            Operator::BrIf(depth) => {
                let frame = self.label(depth)?;
                self.pop(I32)?;
                let types = self.label_types(&frame);
                self.pop_many(types)?;
                self.push_many(types);
            }
            Operator::BrTable(ref table) => {
                self.pop(I32)?;
                let default = self.label(table.default)?;
                let default_types = self.label_types(&default);
                for depth in table.targets() {
                    let frame = self.label(depth)?;
                    let types = self.label_types(&frame);
                    if types.len() != default_types.len() {
                        return invalid("type mismatch: br_table targets have different arities");
                    }
                    self.check_without_popping(types)?;
                }
                self.pop_many(default_types)?;
                self.set_unreachable();
            }
            Operator::Return => {
                let results = self.module.raw.types[self.function_type as usize].results();
                self.pop_many(results)?;
                self.set_unreachable();
            }
            Operator::Unreachable => self.set_unreachable(),
            Operator::Nop => {}
            Operator::Call(f) => {
                let Some(&ty) = self.module.funcs.get(f as usize) else {
                    return invalid(format!("unknown function {f}"));
                };
                let ty = &self.module.raw.types[ty as usize];
                self.pop_many(ty.params())?;
                self.push_many(ty.results());
            }
            Operator::CallIndirect { type_index, table } => {
                if self.table(table)? != FuncRef {
                    return invalid("type mismatch: call_indirect on a table of externref");
                }
                let Some(ty) = self.module.raw.types.get(type_index as usize) else {
                    return invalid(format!("unknown type {type_index}"));
                };
                self.pop(I32)?;
                self.pop_many(ty.params())?;
                self.push_many(ty.results());
            }
            Operator::Drop => {
                self.pop_any()?;
            }
            Operator::Select => {
                self.pop(I32)?;
                let t1 = self.pop_any()?;
                let t2 = self.pop_any()?;
                let plain = |t: Option<ValType>| t.is_none_or(|t| !t.is_ref());
                if !plain(t1) || !plain(t2) {
                    return invalid("type mismatch: select without a type needs numeric or vector operands");
                }
                match (t1, t2) {
                    (Some(a), Some(b)) if a != b => return Err(Fail::Mismatch { expected: Some(a), found: Some(b) }),
                    _ => self.push_operand(t1.or(t2)),
                }
            }
            Operator::SelectTyped(t) => {
                let Some(t) = t else {
                    return invalid("invalid result arity: select takes exactly one type");
                };
                self.pop(I32)?;
                self.pop(t)?;
                self.pop(t)?;
                self.push(t);
            }
            Operator::GlobalGet(g) => {
                let Some(global) = self.module.globals.get(g as usize) else {
                    return invalid(format!("unknown global {g}"));
                };
                self.push(global.content);
            }
            Operator::GlobalSet(g) => {
                let Some(&global) = self.module.globals.get(g as usize) else {
                    return invalid(format!("unknown global {g}"));
                };
                if !global.mutable {
                    return invalid(format!("global is immutable: global {g}"));
                }
                self.pop(global.content)?;
            }
            Operator::TableGet(x) => {
                let t = self.table(x)?;
                self.pop(I32)?;
                self.push(t);
            }
            Operator::TableSet(x) => {
                let t = self.table(x)?;
                self.pop(t)?;
                self.pop(I32)?;
            }
            Operator::MemorySize(m) => {
                let address = self.memory(m)?;
                self.push(address);
            }
            Operator::MemoryGrow(m) => {
                let address = self.memory(m)?;
                self.pop(address)?;
                self.push(address);
            }
            Operator::RefNull(t) => self.push(t.into()),
            Operator::RefIsNull => {
                if let Some(t) = self.pop_any()? {
                    if !t.is_ref() {
                        return invalid(format!("type mismatch: ref.is_null expects a reference, found {t}"));
                    }
                }
                self.push(I32);
            }
            Operator::RefFunc(f) => {
                if f as usize >= self.module.funcs.len() {
                    return invalid(format!("unknown function {f}"));
                }
                if !self.module.is_declared_ref(f) {
                    return invalid(format!("undeclared function reference {f}"));
                }
                self.push(FuncRef);
            }
            Operator::MemoryInit { data, memory } => {
                let address = self.memory(memory)?;
                self.data_segment(data)?;
                self.pop(I32)?;
                self.pop(I32)?;
                self.pop(address)?;
            }
            Operator::DataDrop(data) => self.data_segment(data)?,
            Operator::MemoryCopy { dst, src } => {
                let dst_address = self.memory(dst)?;
                let src_address = self.memory(src)?;
                let len = if dst_address == I64 && src_address == I64 { I64 } else { I32 };
                self.pop(len)?;
                self.pop(src_address)?;
                self.pop(dst_address)?;
            }
            Operator::MemoryFill(m) => {
                let address = self.memory(m)?;
                self.pop(address)?;
                self.pop(I32)?;
                self.pop(address)?;
            }
            Operator::TableInit { elem, table } => {
                let table_type = self.table(table)?;
                let elem_type = self.element_segment(elem)?;
                if table_type != elem_type {
                    return invalid(format!(
                        "type mismatch: element segment of {elem_type} into a table of {table_type}"
                    ));
                }
                self.pop_many(&[I32, I32, I32])?;
            }
            Operator::ElemDrop(elem) => {
                self.element_segment(elem)?;
            }
            Operator::TableCopy { dst, src } => {
                let dst_type = self.table(dst)?;
                let src_type = self.table(src)?;
                if dst_type != src_type {
                    return invalid(format!("type mismatch: copy from a table of {src_type} to a table of {dst_type}"));
                }
                self.pop_many(&[I32, I32, I32])?;
            }
            Operator::TableGrow(x) => {
                let t = self.table(x)?;
                self.pop(I32)?;
                self.pop(t)?;
                self.push(I32);
            }
            Operator::TableSize(x) => {
                self.table(x)?;
                self.push(I32);
            }
            Operator::TableFill(x) => {
                let t = self.table(x)?;
                self.pop(I32)?;
                self.pop(t)?;
                self.pop(I32)?;
            }
            Operator::I8x16Shuffle(lanes) => {
                if let Some(&lane) = lanes.iter().find(|&&l| l >= 32) {
                    return invalid(format!("invalid lane index {lane}"));
                }
                self.pop(V128)?;
                self.pop(V128)?;
                self.push(V128);
            }
            Operator::Lane(l, lane) => {
                Self::check_lane(lane, l.lanes())?;
                if l.is_replace() {
                    self.pop(l.lane_type())?;
                    self.pop(V128)?;
                    self.push(V128);
                } else {
                    self.pop(V128)?;
                    self.push(l.lane_type());
                }
            }
        }
        Ok(())
    }

    /// Checks that `types` are on top of the stack, leaving the stack as it was (br_table's
    /// non-default targets).
    fn check_without_popping(&mut self, types: &[ValType]) -> Check {
        self.scratch.clear();
        for &t in types.iter().rev() {
            let v = self.pop(t)?;
            self.scratch.push(v);
        }
        while let Some(v) = self.scratch.pop() {
            self.push_operand(v);
        }
        Ok(())
    }
}
