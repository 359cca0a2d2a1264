//! The interpreter's code: one `Instr` per lowered operation, defined once here.
//!
//! A frame is an array of 64-bit slots: parameters, then declared locals, then the operand
//! stack, whose value at wasm stack height `h` lives in slot `locals + h` (a v128 takes two
//! slots). Heights are known at compile time, so instructions name their operand and result
//! slots directly, like registers, and read locals in place. Hot operators take register
//! operands; the rest use the stack form: their operands sit in consecutive slots from
//! `base`, and their results are written from `base`.

use crate::decode::ops::{LaneOp, MemKind, MemOp, SimpleOp};
use crate::interp::handlers::{handler_for, Handler};
use crate::semantics::simd::V128;
use crate::types::ValType;

/// A branch that must move the values it carries: `count` slots from `from` to `to`; `pc` is
/// the target (relative to the branch once linked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BranchCopy {
    pub pc: u32,
    pub from: u32,
    pub to: u32,
    pub count: u32,
}

/// Frame slot index.
pub type Slot = u32;

#[derive(Clone, Copy, Debug)]
pub enum Instr {
    Unreachable,
    /// Loop header: checks for interruption (and fuel, when counted).
    LoopHeader,
    Copy {
        dst: Slot,
        src: Slot,
    },
    /// Copies a v128 (two slots).
    Copy2 {
        dst: Slot,
        src: Slot,
    },
    /// Writes a zero-extended 32-bit constant.
    Const32 {
        dst: Slot,
        value: u32,
    },
    /// Writes a 64-bit constant from the function's constant pool.
    Const64 {
        dst: Slot,
        index: u32,
    },
    /// Writes a v128 constant from the function's constant pool.
    Const128 {
        dst: Slot,
        index: u32,
    },
    /// A scalar operator with a fixed signature; unary operators ignore `b`.
    Simple {
        op: SimpleOp,
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    /// A binary scalar operator whose right operand is a constant (see `imm_operand`).
    SimpleImm {
        op: SimpleOp,
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    // The hottest integer operators have instructions of their own (no second dispatch on the
    // operator), with register operands or an immediate right operand: the u32 value for i32
    // operators, an i32 sign-extended to 64 bits for i64 operators.
    I32Add {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32AddImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32Sub {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32SubImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32Mul {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32MulImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32And {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32AndImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32Or {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32OrImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32Xor {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32XorImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32Shl {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32ShlImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32ShrS {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32ShrSImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32ShrU {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32ShrUImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32Eq {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32EqImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32Ne {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32NeImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32LtS {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32LtSImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32LtU {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32LtUImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32GtS {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32GtSImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32GtU {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32GtUImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32LeS {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32LeSImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32LeU {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32LeUImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32GeS {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32GeSImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I32GeU {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I32GeUImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64Add {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64AddImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64Sub {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64SubImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64Mul {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64MulImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64And {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64AndImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64Or {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64OrImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64Xor {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64XorImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64Shl {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64ShlImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64ShrS {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64ShrSImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64ShrU {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64ShrUImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64Eq {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64EqImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64Ne {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64NeImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64LtS {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64LtSImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64LtU {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64LtUImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64GtS {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64GtSImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64GtU {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64GtUImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64LeS {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64LeSImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64LeU {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64LeUImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64GeS {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64GeSImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    I64GeU {
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    I64GeUImm {
        dst: Slot,
        a: Slot,
        imm: u32,
    },
    /// Loads and stores of memory 0 with instructions of their own.
    I32Load {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load8S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load8U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load16S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load16U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Store {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I64Store {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I32Store8 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I32Store16 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    // An i32 comparison fused with the br_if (or if) that consumes it: branches if it holds.
    BrIfI32Eq {
        a: Slot,
        b: Slot,
        pc: u32,
    },
    BrIfI32EqImm {
        a: Slot,
        imm: u32,
        pc: u32,
    },
    BrIfI32Ne {
        a: Slot,
        b: Slot,
        pc: u32,
    },
    BrIfI32NeImm {
        a: Slot,
        imm: u32,
        pc: u32,
    },
    BrIfI32LtS {
        a: Slot,
        b: Slot,
        pc: u32,
    },
    BrIfI32LtSImm {
        a: Slot,
        imm: u32,
        pc: u32,
    },
    BrIfI32LtU {
        a: Slot,
        b: Slot,
        pc: u32,
    },
    BrIfI32LtUImm {
        a: Slot,
        imm: u32,
        pc: u32,
    },
    BrIfI32GtS {
        a: Slot,
        b: Slot,
        pc: u32,
    },
    BrIfI32GtSImm {
        a: Slot,
        imm: u32,
        pc: u32,
    },
    BrIfI32GtU {
        a: Slot,
        b: Slot,
        pc: u32,
    },
    BrIfI32GtUImm {
        a: Slot,
        imm: u32,
        pc: u32,
    },
    BrIfI32LeS {
        a: Slot,
        b: Slot,
        pc: u32,
    },
    BrIfI32LeSImm {
        a: Slot,
        imm: u32,
        pc: u32,
    },
    BrIfI32LeU {
        a: Slot,
        b: Slot,
        pc: u32,
    },
    BrIfI32LeUImm {
        a: Slot,
        imm: u32,
        pc: u32,
    },
    BrIfI32GeS {
        a: Slot,
        b: Slot,
        pc: u32,
    },
    BrIfI32GeSImm {
        a: Slot,
        imm: u32,
        pc: u32,
    },
    BrIfI32GeU {
        a: Slot,
        b: Slot,
        pc: u32,
    },
    BrIfI32GeUImm {
        a: Slot,
        imm: u32,
        pc: u32,
    },
    /// A comparison `op` (i64 or floating point) fused with a branch, taken when it holds (or
    /// when it fails, if `negate`).
    BrIfCmp {
        op: SimpleOp,
        negate: bool,
        a: Slot,
        b: Slot,
        pc: u32,
    },
    /// `BrIfCmp` with a constant right operand (see `imm_operand`).
    BrIfCmpImm {
        op: SimpleOp,
        negate: bool,
        a: Slot,
        imm: u32,
        pc: u32,
    },
    Br {
        pc: u32,
    },
    /// A branch that moves values; `index` into `Function::branch_copies`.
    BrCopy {
        index: u32,
    },
    /// Branches if `cond` (i32) is not zero.
    BrIf {
        cond: Slot,
        pc: u32,
    },
    BrIfCopy {
        cond: Slot,
        index: u32,
    },
    /// Branches if `cond` is zero.
    BrUnless {
        cond: Slot,
        pc: u32,
    },
    /// Branches through `branch_copies[start + min(index, len - 1)]` (the default last).
    BrTable {
        index: Slot,
        start: u32,
        len: u32,
    },
    /// Returns the results found from slot `src`.
    Return {
        src: Slot,
    },
    /// Calls function `func` of the instance (an import); arguments and results are at `base`.
    Call {
        func: u32,
        base: Slot,
    },
    /// Calls defined function `func` of the running function's module (same instance).
    CallInternal {
        func: u32,
        base: Slot,
    },
    /// The table index follows the arguments (at `base + parameter slots`).
    CallIndirect {
        type_index: u32,
        table: u32,
        base: Slot,
    },
    GlobalGet {
        dst: Slot,
        global: u32,
    },
    GlobalSet {
        src: Slot,
        global: u32,
    },
    GlobalGet2 {
        dst: Slot,
        global: u32,
    },
    GlobalSet2 {
        src: Slot,
        global: u32,
    },
    /// A load from memory 0 at `addr` plus `offset`.
    Load {
        op: MemOp,
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    Store {
        op: MemOp,
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    /// A store to memory 0 of a constant (see `imm_operand`).
    StoreImm {
        op: MemOp,
        addr: Slot,
        imm: u32,
        offset: u32,
    },
    /// Loads and stores on another memory (multi-memory).
    LoadN {
        op: MemOp,
        memory: u8,
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    StoreN {
        op: MemOp,
        memory: u8,
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    RefFunc {
        dst: Slot,
        func: u32,
    },
    // Stack form from here on.
    Select {
        base: Slot,
    },
    Select2 {
        base: Slot,
    },
    TableGet {
        table: u32,
        base: Slot,
    },
    TableSet {
        table: u32,
        base: Slot,
    },
    TableSize {
        table: u32,
        base: Slot,
    },
    TableGrow {
        table: u32,
        base: Slot,
    },
    TableFill {
        table: u32,
        base: Slot,
    },
    TableCopy {
        dst: u32,
        src: u32,
        base: Slot,
    },
    TableInit {
        elem: u32,
        table: u32,
        base: Slot,
    },
    ElemDrop(u32),
    MemorySize {
        memory: u32,
        base: Slot,
    },
    MemoryGrow {
        memory: u32,
        base: Slot,
    },
    MemoryInit {
        data: u32,
        memory: u32,
        base: Slot,
    },
    DataDrop(u32),
    MemoryCopy {
        dst: u32,
        src: u32,
        base: Slot,
    },
    MemoryFill {
        memory: u32,
        base: Slot,
    },
    LoadLane {
        op: MemOp,
        memory: u8,
        lane: u8,
        base: Slot,
        offset: u32,
    },
    StoreLane {
        op: MemOp,
        memory: u8,
        lane: u8,
        base: Slot,
        offset: u32,
    },
    SimdTernary {
        f: fn(V128, V128, V128) -> V128,
        base: Slot,
    },
    /// i8x16.shuffle: with `groups` (at most `simd::SHUFFLE_GROUPS`), its groups' descriptor
    /// and masks from the constant pool index (see `simd::shuffle_groups`); with none, its lane
    /// selectors there.
    Shuffle {
        index: u32,
        groups: u8,
        base: Slot,
    },
    ExtractLane {
        op: LaneOp,
        lane: u8,
        base: Slot,
    },
    ReplaceLane {
        op: LaneOp,
        lane: u8,
        base: Slot,
    },
}

impl Instr {
    /// The target of a branch that moves no values: an absolute instruction index while
    /// compiling, relative to the branch itself in a finished `Function`.
    pub fn branch_target_mut(&mut self) -> Option<&mut u32> {
        match self {
            Instr::Br { pc }
            | Instr::BrIf { pc, .. }
            | Instr::BrUnless { pc, .. }
            | Instr::BrIfI32Eq { pc, .. }
            | Instr::BrIfI32EqImm { pc, .. }
            | Instr::BrIfI32Ne { pc, .. }
            | Instr::BrIfI32NeImm { pc, .. }
            | Instr::BrIfI32LtS { pc, .. }
            | Instr::BrIfI32LtSImm { pc, .. }
            | Instr::BrIfI32LtU { pc, .. }
            | Instr::BrIfI32LtUImm { pc, .. }
            | Instr::BrIfI32GtS { pc, .. }
            | Instr::BrIfI32GtSImm { pc, .. }
            | Instr::BrIfI32GtU { pc, .. }
            | Instr::BrIfI32GtUImm { pc, .. }
            | Instr::BrIfI32LeS { pc, .. }
            | Instr::BrIfI32LeSImm { pc, .. }
            | Instr::BrIfI32LeU { pc, .. }
            | Instr::BrIfI32LeUImm { pc, .. }
            | Instr::BrIfI32GeS { pc, .. }
            | Instr::BrIfI32GeSImm { pc, .. }
            | Instr::BrIfI32GeU { pc, .. }
            | Instr::BrIfI32GeUImm { pc, .. }
            | Instr::BrIfCmp { pc, .. }
            | Instr::BrIfCmpImm { pc, .. } => Some(pc),
            _ => None,
        }
    }

    /// The result and operand slots this instruction can pass through the accumulator
    /// instead (see `accumulate`), with the kind of value each holds.
    pub fn acc_slots(&mut self) -> AccSlots<'_> {
        use AccKind::Int;
        let kind = AccKind::of;
        match self {
            Instr::I32Add { dst, a, b, .. }
            | Instr::I32Sub { dst, a, b, .. }
            | Instr::I32Mul { dst, a, b, .. }
            | Instr::I32And { dst, a, b, .. }
            | Instr::I32Or { dst, a, b, .. }
            | Instr::I32Xor { dst, a, b, .. }
            | Instr::I32Shl { dst, a, b, .. }
            | Instr::I32ShrS { dst, a, b, .. }
            | Instr::I32ShrU { dst, a, b, .. }
            | Instr::I32Eq { dst, a, b, .. }
            | Instr::I32Ne { dst, a, b, .. }
            | Instr::I32LtS { dst, a, b, .. }
            | Instr::I32LtU { dst, a, b, .. }
            | Instr::I32GtS { dst, a, b, .. }
            | Instr::I32GtU { dst, a, b, .. }
            | Instr::I32LeS { dst, a, b, .. }
            | Instr::I32LeU { dst, a, b, .. }
            | Instr::I32GeS { dst, a, b, .. }
            | Instr::I32GeU { dst, a, b, .. }
            | Instr::I64Add { dst, a, b, .. }
            | Instr::I64Sub { dst, a, b, .. }
            | Instr::I64Mul { dst, a, b, .. }
            | Instr::I64And { dst, a, b, .. }
            | Instr::I64Or { dst, a, b, .. }
            | Instr::I64Xor { dst, a, b, .. }
            | Instr::I64Shl { dst, a, b, .. }
            | Instr::I64ShrS { dst, a, b, .. }
            | Instr::I64ShrU { dst, a, b, .. }
            | Instr::I64Eq { dst, a, b, .. }
            | Instr::I64Ne { dst, a, b, .. }
            | Instr::I64LtS { dst, a, b, .. }
            | Instr::I64LtU { dst, a, b, .. }
            | Instr::I64GtS { dst, a, b, .. }
            | Instr::I64GtU { dst, a, b, .. }
            | Instr::I64LeS { dst, a, b, .. }
            | Instr::I64LeU { dst, a, b, .. }
            | Instr::I64GeS { dst, a, b, .. }
            | Instr::I64GeU { dst, a, b, .. } => {
                AccSlots { dst: Some((dst, Int)), src: [Some((a, Int)), Some((b, Int))] }
            }
            Instr::I32AddImm { dst, a, .. }
            | Instr::I32SubImm { dst, a, .. }
            | Instr::I32MulImm { dst, a, .. }
            | Instr::I32AndImm { dst, a, .. }
            | Instr::I32OrImm { dst, a, .. }
            | Instr::I32XorImm { dst, a, .. }
            | Instr::I32ShlImm { dst, a, .. }
            | Instr::I32ShrSImm { dst, a, .. }
            | Instr::I32ShrUImm { dst, a, .. }
            | Instr::I32EqImm { dst, a, .. }
            | Instr::I32NeImm { dst, a, .. }
            | Instr::I32LtSImm { dst, a, .. }
            | Instr::I32LtUImm { dst, a, .. }
            | Instr::I32GtSImm { dst, a, .. }
            | Instr::I32GtUImm { dst, a, .. }
            | Instr::I32LeSImm { dst, a, .. }
            | Instr::I32LeUImm { dst, a, .. }
            | Instr::I32GeSImm { dst, a, .. }
            | Instr::I32GeUImm { dst, a, .. }
            | Instr::I64AddImm { dst, a, .. }
            | Instr::I64SubImm { dst, a, .. }
            | Instr::I64MulImm { dst, a, .. }
            | Instr::I64AndImm { dst, a, .. }
            | Instr::I64OrImm { dst, a, .. }
            | Instr::I64XorImm { dst, a, .. }
            | Instr::I64ShlImm { dst, a, .. }
            | Instr::I64ShrSImm { dst, a, .. }
            | Instr::I64ShrUImm { dst, a, .. }
            | Instr::I64EqImm { dst, a, .. }
            | Instr::I64NeImm { dst, a, .. }
            | Instr::I64LtSImm { dst, a, .. }
            | Instr::I64LtUImm { dst, a, .. }
            | Instr::I64GtSImm { dst, a, .. }
            | Instr::I64GtUImm { dst, a, .. }
            | Instr::I64LeSImm { dst, a, .. }
            | Instr::I64LeUImm { dst, a, .. }
            | Instr::I64GeSImm { dst, a, .. }
            | Instr::I64GeUImm { dst, a, .. } => AccSlots { dst: Some((dst, Int)), src: [Some((a, Int)), None] },
            Instr::BrIfI32Eq { a, b, .. }
            | Instr::BrIfI32Ne { a, b, .. }
            | Instr::BrIfI32LtS { a, b, .. }
            | Instr::BrIfI32LtU { a, b, .. }
            | Instr::BrIfI32GtS { a, b, .. }
            | Instr::BrIfI32GtU { a, b, .. }
            | Instr::BrIfI32LeS { a, b, .. }
            | Instr::BrIfI32LeU { a, b, .. }
            | Instr::BrIfI32GeS { a, b, .. }
            | Instr::BrIfI32GeU { a, b, .. } => AccSlots { dst: None, src: [Some((a, Int)), Some((b, Int))] },
            Instr::BrIfI32EqImm { a, .. }
            | Instr::BrIfI32NeImm { a, .. }
            | Instr::BrIfI32LtSImm { a, .. }
            | Instr::BrIfI32LtUImm { a, .. }
            | Instr::BrIfI32GtSImm { a, .. }
            | Instr::BrIfI32GtUImm { a, .. }
            | Instr::BrIfI32LeSImm { a, .. }
            | Instr::BrIfI32LeUImm { a, .. }
            | Instr::BrIfI32GeSImm { a, .. }
            | Instr::BrIfI32GeUImm { a, .. }
            | Instr::BrIf { cond: a, .. }
            | Instr::BrUnless { cond: a, .. } => AccSlots { dst: None, src: [Some((a, Int)), None] },
            Instr::I32Load { dst, addr, .. }
            | Instr::I64Load { dst, addr, .. }
            | Instr::I32Load8S { dst, addr, .. }
            | Instr::I32Load8U { dst, addr, .. }
            | Instr::I32Load16S { dst, addr, .. }
            | Instr::I32Load16U { dst, addr, .. } => AccSlots { dst: Some((dst, Int)), src: [Some((addr, Int)), None] },
            Instr::I32Store { addr, value, .. }
            | Instr::I64Store { addr, value, .. }
            | Instr::I32Store8 { addr, value, .. }
            | Instr::I32Store16 { addr, value, .. } => {
                AccSlots { dst: None, src: [Some((addr, Int)), Some((value, Int))] }
            }
            Instr::Simple { op, dst, a, b } => {
                let params = op.params();
                if params.iter().any(|&t| kind(t).is_none()) {
                    return AccSlots::NONE;
                }
                let Some(r) = kind(op.result()) else { return AccSlots::NONE };
                let b = params.get(1).and_then(|&t| Some((b, kind(t)?)));
                AccSlots { dst: Some((dst, r)), src: [params.first().and_then(|&t| Some((a, kind(t)?))), b] }
            }
            Instr::SimpleImm { op, dst, a, .. } => match (kind(op.params()[0]), kind(op.result())) {
                (Some(k), Some(r)) => AccSlots { dst: Some((dst, r)), src: [Some((a, k)), None] },
                _ => AccSlots::NONE,
            },
            Instr::BrIfCmp { op, a, b, .. } => match kind(op.params()[0]) {
                Some(k) => AccSlots { dst: None, src: [Some((a, k)), Some((b, k))] },
                None => AccSlots::NONE,
            },
            Instr::BrIfCmpImm { op, a, .. } => match kind(op.params()[0]) {
                Some(k) => AccSlots { dst: None, src: [Some((a, k)), None] },
                None => AccSlots::NONE,
            },
            Instr::Load { op, dst, addr, .. } => match op.kind() {
                MemKind::Load(t) => match kind(t) {
                    Some(k) => AccSlots { dst: Some((dst, k)), src: [Some((addr, Int)), None] },
                    None => AccSlots::NONE,
                },
                _ => AccSlots::NONE,
            },
            Instr::StoreImm { addr, .. } => AccSlots { dst: None, src: [Some((addr, Int)), None] },
            Instr::Store { op, addr, value, .. } => match op.kind() {
                MemKind::Store(t) => match kind(t) {
                    Some(k) => AccSlots { dst: None, src: [Some((addr, Int)), Some((value, k))] },
                    None => AccSlots::NONE,
                },
                _ => AccSlots::NONE,
            },
            _ => AccSlots::NONE,
        }
    }
}

/// The slot bits of the constant right operand `imm` of a `SimpleImm` or `BrIfCmpImm` whose
/// operand type is `ty`: the value itself for i32 and f32, sign-extended for i64, and for f64
/// an f32 widened (only constants that f32 holds exactly take this form).
#[inline(always)]
pub const fn imm_operand(ty: ValType, imm: u32) -> u64 {
    match ty {
        ValType::I64 => imm as i32 as i64 as u64,
        ValType::F64 => (f32::from_bits(imm) as f64).to_bits(),
        _ => imm as u64,
    }
}

/// The `imm` that stands for constant `c` (slot bits) of type `ty`, if there is one.
pub fn imm_of(ty: ValType, c: u64) -> Option<u32> {
    let imm = match ty {
        ValType::I32 | ValType::F32 => c as u32,
        ValType::I64 => c as i64 as i32 as u32,
        // NaNs keep the full form: their payloads need not survive the round trip.
        ValType::F64 if f64::from_bits(c).is_nan() => return None,
        ValType::F64 => (f64::from_bits(c) as f32).to_bits(),
        _ => return None,
    };
    (imm_operand(ty, imm) == c).then_some(imm)
}

/// The operand slot number that stands for the accumulator. It is never a frame slot: frames
/// are far smaller than `u32::MAX` slots.
pub const ACC: Slot = Slot::MAX;
/// Accumulator mode bits (see `accumulate`): the result also goes to the accumulator, the
/// first operand comes from it, the second does.
pub const ACC_DST: u8 = 1;
pub const ACC_A: u8 = 2;
pub const ACC_B: u8 = 4;

/// The register a value passes in when it goes through the accumulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccKind {
    /// i32 (zero-extended, as in a slot) and i64.
    Int,
    F32,
    F64,
}

impl AccKind {
    fn of(t: ValType) -> Option<AccKind> {
        match t {
            ValType::I32 | ValType::I64 => Some(AccKind::Int),
            ValType::F32 => Some(AccKind::F32),
            ValType::F64 => Some(AccKind::F64),
            _ => None,
        }
    }
}

/// See `Instr::acc_slots`.
pub struct AccSlots<'a> {
    pub dst: Option<(&'a mut Slot, AccKind)>,
    pub src: [Option<(&'a mut Slot, AccKind)>; 2],
}

impl AccSlots<'_> {
    const NONE: AccSlots<'static> = AccSlots { dst: None, src: [None, None] };
}

/// Passes results through the accumulator, registers the handlers hand on to each other
/// (one for integers, one for f32 and one for f64): where the next instruction reads the slot
/// an instruction writes, and no branch can reach that next instruction, the first also puts
/// its result in the accumulator and the second reads it from there (its operand becomes
/// `ACC`). This takes the store and reload, and the latency of forwarding one to the other,
/// off chains of dependent instructions. The result is still written to its slot, where later
/// instructions may read it. Returns each instruction's accumulator mode (`ACC_*` bits).
fn accumulate(code: &mut [Instr], copies: &[BranchCopy]) -> Vec<u8> {
    let mut entered = vec![false; code.len() + 1];
    let mut mark = |target: usize, code: &[Instr]| {
        entered[target] = true;
        // A branch back to a loop may skip its header (see `link`).
        if matches!(code.get(target), Some(Instr::LoopHeader)) {
            entered[target + 1] = true;
        }
    };
    for at in 0..code.len() {
        let mut instr = code[at];
        if let Some(&mut target) = instr.branch_target_mut() {
            mark(target as usize, code);
        }
    }
    for c in copies {
        mark(c.pc as usize, code);
    }
    let mut modes = vec![0; code.len()];
    for at in 1..code.len() {
        if entered[at] {
            continue;
        }
        let (done, rest) = code.split_at_mut(at);
        let Some((&mut slot, kind)) = done[at - 1].acc_slots().dst else { continue };
        for (bit, operand) in [ACC_A, ACC_B].into_iter().zip(rest[0].acc_slots().src) {
            if let Some((operand, _)) = operand.filter(|(o, k)| **o == slot && *k == kind) {
                *operand = ACC;
                modes[at - 1] |= ACC_DST;
                modes[at] |= bit;
            }
        }
    }
    modes
}

/// An instruction with the executor's handler for it, so that dispatching to the next
/// instruction is one indirect jump with no table in between.
#[derive(Clone, Copy)]
pub struct Op {
    pub(crate) handler: Handler,
    pub instr: Instr,
}

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.instr.fmt(f)
    }
}

/// A function lowered for the interpreter.
#[derive(Debug)]
pub struct Function {
    /// Index of the function in its module's function index space.
    pub index: u32,
    /// The code; branch targets (also in `branch_copies`) are relative to the branch.
    pub code: Box<[Op]>,
    /// Module byte offset of the wasm instruction each `Op` came from (for backtraces).
    pub offsets: Box<[u32]>,
    pub branch_copies: Box<[BranchCopy]>,
    /// 64-bit and v128 constants, and shuffle selectors.
    pub consts: Box<[V128]>,
    pub param_slots: u32,
    /// Slots of parameters and declared locals.
    pub local_slots: u32,
    pub result_slots: u32,
    /// Slots of the whole frame: locals and the highest operand stack.
    pub frame_slots: u32,
}

/// Makes branch targets relative to their branch and attaches each instruction's handler. A
/// plain branch back to a loop skips the loop's header and does its work itself. With
/// `accumulator`, results pass to the next instruction through it (see `accumulate`).
pub fn link(mut code: Vec<Instr>, copies: &mut [BranchCopy], accumulator: bool) -> Box<[Op]> {
    let modes = if accumulator { accumulate(&mut code, copies) } else { vec![0; code.len()] };
    let relative = |target: u32, at: usize| (target as i64 - at as i64) as i32 as u32;
    let headers: Vec<bool> = code.iter().map(|i| matches!(i, Instr::LoopHeader)).collect();
    code.into_iter()
        .enumerate()
        .map(|(at, mut instr)| {
            let mut back = false;
            if let Some(target) = instr.branch_target_mut() {
                back = *target as usize <= at;
                if back && headers[*target as usize] {
                    *target += 1;
                }
                *target = relative(*target, at);
            }
            let owned = match instr {
                Instr::BrCopy { index } | Instr::BrIfCopy { index, .. } => index..index + 1,
                Instr::BrTable { start, len, .. } => start..start + len,
                _ => 0..0,
            };
            for c in &mut copies[owned.start as usize..owned.end as usize] {
                c.pc = relative(c.pc, at);
            }
            Op { handler: handler_for(&instr, back, modes[at]), instr }
        })
        .collect()
}

const _: () = assert!(std::mem::size_of::<Instr>() <= 16);
