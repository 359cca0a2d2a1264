//! The interpreter's code: one `Instr` per lowered operation, defined once here. Operands live
//! on a value stack of 64-bit slots (a v128 takes two); locals are the first slots of a frame.
//! Branch targets are code indices resolved at compile time, with the stack adjustment the
//! branch needs (values to keep, slots to drop below them).

use crate::decode::ops::{LaneOp, MemOp, SimpleOp};
use crate::interp::simd::V128;

/// Where a branch goes and how it reshapes the stack: the top `keep` slots move down over the
/// `drop` slots below them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BranchTarget {
    pub pc: u32,
    pub drop: u32,
    pub keep: u32,
}

#[derive(Clone, Copy, Debug)]
pub enum Instr {
    Unreachable,
    /// Loop header: checks for interruption (and fuel, when counted).
    LoopHeader,
    Br(BranchTarget),
    /// Pops an i32; branches if it is not zero.
    BrIf(BranchTarget),
    /// Pops an i32; jumps to `pc` if it is zero (the start of `if`).
    BrUnless {
        pc: u32,
    },
    /// Pops an i32 index into `len` targets at `br_targets[start..]`, the default last.
    BrTable {
        start: u32,
        len: u32,
    },
    Return,
    /// Calls function `index` of the instance's function index space.
    Call(u32),
    CallIndirect {
        type_index: u32,
        table: u32,
    },
    /// Pops slots.
    Drop(u32),
    /// select on one-slot values.
    Select,
    /// select on v128 values.
    Select2,
    LocalGet(u32),
    LocalSet(u32),
    LocalTee(u32),
    LocalGet2(u32),
    LocalSet2(u32),
    LocalTee2(u32),
    GlobalGet(u32),
    GlobalSet(u32),
    GlobalGet2(u32),
    GlobalSet2(u32),
    TableGet(u32),
    TableSet(u32),
    TableSize(u32),
    TableGrow(u32),
    TableFill(u32),
    TableCopy {
        dst: u32,
        src: u32,
    },
    TableInit {
        elem: u32,
        table: u32,
    },
    ElemDrop(u32),
    /// A load from memory 0 at the popped address plus `offset`.
    Load(MemOp, u32),
    Store(MemOp, u32),
    /// Loads and stores on another memory (multi-memory): operator, memory, offset.
    LoadN(MemOp, u8, u32),
    StoreN(MemOp, u8, u32),
    /// Lane loads and stores: operator, memory, offset, lane.
    LoadLane(MemOp, u8, u32, u8),
    StoreLane(MemOp, u8, u32, u8),
    MemorySize(u32),
    MemoryGrow(u32),
    MemoryInit {
        data: u32,
        memory: u32,
    },
    DataDrop(u32),
    MemoryCopy {
        dst: u32,
        src: u32,
    },
    MemoryFill(u32),
    /// Pushes one slot (i32, f32 bits, i64, f64 bits, null reference).
    Const(u64),
    /// Pushes a v128 constant from the function's constant pool.
    Const128(u32),
    RefFunc(u32),
    /// A scalar operator with a fixed signature.
    Simple(SimpleOp),
    SimdUnary(fn(V128) -> V128),
    SimdBinary(fn(V128, V128) -> V128),
    SimdTernary(fn(V128, V128, V128) -> V128),
    SimdShift(fn(V128, u32) -> V128),
    SimdTest(fn(V128) -> u32),
    SimdSplat32(fn(u32) -> V128),
    SimdSplat64(fn(u64) -> V128),
    /// i8x16.shuffle with the lane selectors at the constant pool index.
    Shuffle(u32),
    ExtractLane(LaneOp, u8),
    ReplaceLane(LaneOp, u8),
}

/// A function lowered for the interpreter.
#[derive(Debug)]
pub struct Function {
    pub code: Box<[Instr]>,
    /// Module byte offset of the wasm instruction each `Instr` came from (for backtraces).
    pub offsets: Box<[u32]>,
    pub br_targets: Box<[BranchTarget]>,
    /// v128 constants and shuffle selectors.
    pub consts: Box<[V128]>,
    pub param_slots: u32,
    /// Slots of declared locals (parameters excluded).
    pub local_slots: u32,
    pub result_slots: u32,
    /// Most operand slots live at once above the locals.
    pub max_height: u32,
}

const _: () = assert!(std::mem::size_of::<Instr>() <= 16);
