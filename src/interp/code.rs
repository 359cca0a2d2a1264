//! The interpreter's code: one `Instr` per lowered operation, defined once here.
//!
//! A frame is an array of 64-bit slots: parameters, then declared locals, then the operand
//! stack, whose value at wasm stack height `h` lives in slot `locals + h` (a v128 takes two
//! slots). Heights are known at compile time, so instructions name their operand and result
//! slots directly, like registers, and read locals in place. Hot operators take register
//! operands; the rest use the stack form: their operands sit in consecutive slots from
//! `base`, and their results are written from `base`.

use crate::decode::ops::{LaneOp, MemOp, SimpleOp};
use crate::interp::handlers::{handler_for, Handler};
use crate::interp::simd::V128;

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
    /// i8x16.shuffle with the lane selectors at the constant pool index.
    Shuffle {
        index: u32,
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
            | Instr::BrIfCmp { pc, .. } => Some(pc),
            _ => None,
        }
    }
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
/// plain branch back to a loop skips the loop's header and does its work itself.
pub fn link(code: Vec<Instr>, copies: &mut [BranchCopy]) -> Box<[Op]> {
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
            Op { handler: handler_for(&instr, back), instr }
        })
        .collect()
}

const _: () = assert!(std::mem::size_of::<Instr>() <= 16);
