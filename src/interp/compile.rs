//! Lowering validated function bodies to interpreter code. Each operator is validated by a
//! `FuncValidator` first, so the lowering knows operand types and the exact stack height in
//! slots; code that validation proves unreachable is not emitted.

use super::code::{BranchTarget, Function, Instr};
use super::simd::{self, SimdFn};
use crate::decode::ops::{MemKind, Operator};
use crate::error::{Error, Result};
use crate::module::Module;
use crate::types::{BlockType, ValType};
use crate::validate::func::{slots_of, FrameKind, FuncValidator};

/// A branch whose target is patched when its block ends.
#[derive(Clone, Copy)]
enum Fixup {
    Instr(usize),
    Table(usize),
}

struct Ctrl {
    kind: FrameKind,
    /// Stack height in slots below the block's parameters.
    base: u32,
    param_slots: u32,
    result_slots: u32,
    /// For loops: where a branch to the label goes.
    loop_pc: u32,
    fixups: Vec<Fixup>,
    /// For `if`: the conditional jump to the else branch (or the end).
    else_fixup: Option<usize>,
    /// The block began in unreachable code: nothing in it is emitted.
    dead: bool,
}

struct Compiler<'m> {
    module: &'m Module,
    code: Vec<Instr>,
    offsets: Vec<u32>,
    br_targets: Vec<BranchTarget>,
    consts: Vec<u128>,
    ctrls: Vec<Ctrl>,
    /// Slot index of each local.
    local_slots: Vec<u32>,
    /// Current wasm instruction offset.
    at: u32,
}

/// Lowers every defined function of a validated module.
pub fn compile_module(module: &Module) -> Result<Vec<Function>> {
    let mut v = FuncValidator::new(module);
    (0..module.raw.code.len()).map(|i| compile_function(module, &mut v, i)).collect()
}

fn types_slots(types: &[ValType]) -> u32 {
    types.iter().map(|&t| slots_of(Some(t))).sum()
}

fn compile_function(module: &Module, v: &mut FuncValidator<'_>, defined: usize) -> Result<Function> {
    let mut ops = v.start(defined)?;
    let ty = module.func_type(module.imported_funcs + defined as u32);
    let mut local_slots = Vec::with_capacity(v.locals().len());
    let mut next = 0;
    for &t in v.locals() {
        local_slots.push(next);
        next += slots_of(Some(t));
    }
    let param_slots = types_slots(ty.params());
    let result_slots = types_slots(ty.results());
    let mut c = Compiler {
        module,
        code: Vec::new(),
        offsets: Vec::new(),
        br_targets: Vec::new(),
        consts: Vec::new(),
        ctrls: vec![Ctrl {
            kind: FrameKind::Function,
            base: 0,
            param_slots: 0,
            result_slots,
            loop_pc: 0,
            fixups: Vec::new(),
            else_fixup: None,
            dead: false,
        }],
        local_slots,
        at: 0,
    };
    while !v.is_finished() {
        if ops.is_empty() {
            return Err(Error::malformed(ops.offset(), "END opcode expected"));
        }
        let at = ops.offset();
        let op = ops.read()?;
        c.at = at as u32;
        c.lower(v, &op, at)?;
    }
    if !ops.is_empty() {
        return Err(Error::malformed(ops.offset(), "section size mismatch: operators after the end of the function"));
    }
    Ok(Function {
        code: c.code.into_boxed_slice(),
        offsets: c.offsets.into_boxed_slice(),
        br_targets: c.br_targets.into_boxed_slice(),
        consts: c.consts.into_boxed_slice(),
        param_slots,
        local_slots: next - param_slots,
        result_slots,
        max_height: v.max_height_slots(),
    })
}

impl Compiler<'_> {
    fn emit(&mut self, i: Instr) -> usize {
        self.code.push(i);
        self.offsets.push(self.at);
        self.code.len() - 1
    }

    fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    fn block_slots(&self, bt: BlockType) -> (u32, u32) {
        match bt {
            BlockType::Empty => (0, 0),
            BlockType::Value(t) => (0, slots_of(Some(t))),
            BlockType::Func(i) => {
                let ft = &self.module.raw.types[i as usize];
                (types_slots(ft.params()), types_slots(ft.results()))
            }
        }
    }

    /// The branch to label `depth` from stack height `height` (slots).
    fn branch(&mut self, depth: u32, height: u32) -> (BranchTarget, bool) {
        let target = &self.ctrls[self.ctrls.len() - 1 - depth as usize];
        let (keep, pc, forward) = match target.kind {
            FrameKind::Loop => (target.param_slots, target.loop_pc, false),
            _ => (target.result_slots, 0, true),
        };
        let drop = height - keep - target.base;
        (BranchTarget { pc, drop, keep }, forward)
    }

    fn fixup_last(&mut self, depth: u32, fixup: Fixup) {
        let n = self.ctrls.len();
        self.ctrls[n - 1 - depth as usize].fixups.push(fixup);
    }

    fn patch(&mut self, fixup: Fixup, pc: u32) {
        match fixup {
            Fixup::Table(i) => self.br_targets[i].pc = pc,
            Fixup::Instr(i) => match &mut self.code[i] {
                Instr::Br(t) | Instr::BrIf(t) => t.pc = pc,
                Instr::BrUnless { pc: p } => *p = pc,
                other => unreachable!("fixup on {other:?}"),
            },
        }
    }

    fn is_dead(&self, v: &FuncValidator<'_>) -> bool {
        self.ctrls.last().is_some_and(|c| c.dead) || v.controls().last().is_some_and(|f| f.unreachable)
    }

    fn top_type(v: &FuncValidator<'_>, depth: usize) -> Option<ValType> {
        let ops = v.operands();
        ops.len().checked_sub(depth + 1).and_then(|i| ops[i])
    }

    fn lower(&mut self, v: &mut FuncValidator<'_>, op: &Operator<'_>, at: usize) -> Result<()> {
        let dead = self.is_dead(v);
        let height = v.height_slots();
        // Facts that must be read before validation pops operands.
        let top = Self::top_type(v, 0);
        let below_condition = Self::top_type(v, 1);
        v.op(op, at)?;
        match *op {
            Operator::Block(bt) | Operator::Loop(bt) | Operator::If(bt) => {
                let (param_slots, result_slots) = self.block_slots(bt);
                let cond = matches!(op, Operator::If(_)) as u32;
                let kind = match op {
                    Operator::Block(_) => FrameKind::Block,
                    Operator::Loop(_) => FrameKind::Loop,
                    _ => FrameKind::If,
                };
                let else_fixup = (kind == FrameKind::If && !dead).then(|| self.emit(Instr::BrUnless { pc: 0 }));
                let loop_pc = self.pc();
                if kind == FrameKind::Loop && !dead {
                    self.emit(Instr::LoopHeader);
                }
                self.ctrls.push(Ctrl {
                    kind,
                    base: height.saturating_sub(cond + param_slots),
                    param_slots,
                    result_slots,
                    loop_pc,
                    fixups: Vec::new(),
                    else_fixup,
                    dead,
                });
                return Ok(());
            }
            Operator::Else => {
                let ctrl = self.ctrls.last_mut().expect("validated");
                if !ctrl.dead && !dead {
                    let jump = self.code.len();
                    self.code.push(Instr::Br(BranchTarget { pc: 0, drop: 0, keep: 0 }));
                    self.offsets.push(self.at);
                    self.ctrls.last_mut().expect("validated").fixups.push(Fixup::Instr(jump));
                }
                let pc = self.pc();
                let ctrl = self.ctrls.last_mut().expect("validated");
                ctrl.kind = FrameKind::Else;
                if let Some(f) = ctrl.else_fixup.take() {
                    self.patch(Fixup::Instr(f), pc);
                }
                return Ok(());
            }
            Operator::End => {
                let mut ctrl = self.ctrls.pop().expect("validated");
                let pc = self.pc();
                if let Some(f) = ctrl.else_fixup.take() {
                    self.patch(Fixup::Instr(f), pc);
                }
                for f in std::mem::take(&mut ctrl.fixups) {
                    self.patch(f, pc);
                }
                if ctrl.kind == FrameKind::Function {
                    self.emit(Instr::Return);
                }
                return Ok(());
            }
            _ => {}
        }
        if dead {
            return Ok(());
        }
        let i = match *op {
            Operator::Unreachable => Instr::Unreachable,
            Operator::Nop => return Ok(()),
            Operator::Br(depth) => {
                let (t, forward) = self.branch(depth, height);
                let i = self.emit(Instr::Br(t));
                if forward {
                    self.fixup_last(depth, Fixup::Instr(i));
                }
                return Ok(());
            }
            Operator::BrIf(depth) => {
                let (t, forward) = self.branch(depth, height - 1);
                let i = self.emit(Instr::BrIf(t));
                if forward {
                    self.fixup_last(depth, Fixup::Instr(i));
                }
                return Ok(());
            }
            Operator::BrTable(ref table) => {
                let start = self.br_targets.len();
                for depth in table.targets().chain(std::iter::once(table.default)) {
                    let (t, forward) = self.branch(depth, height - 1);
                    self.br_targets.push(t);
                    if forward {
                        let index = self.br_targets.len() - 1;
                        self.fixup_last(depth, Fixup::Table(index));
                    }
                }
                Instr::BrTable { start: start as u32, len: table.len() + 1 }
            }
            Operator::Return => Instr::Return,
            Operator::Call(f) => Instr::Call(f),
            Operator::CallIndirect { type_index, table } => Instr::CallIndirect { type_index, table },
            Operator::Drop => Instr::Drop(slots_of(top)),
            Operator::Select | Operator::SelectTyped(_) => {
                if slots_of(below_condition) == 2 {
                    Instr::Select2
                } else {
                    Instr::Select
                }
            }
            Operator::LocalGet(l) | Operator::LocalSet(l) | Operator::LocalTee(l) => {
                let slot = self.local_slots[l as usize];
                let wide = v.locals()[l as usize] == ValType::V128;
                match (op, wide) {
                    (Operator::LocalGet(_), false) => Instr::LocalGet(slot),
                    (Operator::LocalSet(_), false) => Instr::LocalSet(slot),
                    (Operator::LocalTee(_), false) => Instr::LocalTee(slot),
                    (Operator::LocalGet(_), true) => Instr::LocalGet2(slot),
                    (Operator::LocalSet(_), true) => Instr::LocalSet2(slot),
                    (_, true) => Instr::LocalTee2(slot),
                    _ => unreachable!(),
                }
            }
            Operator::GlobalGet(g) | Operator::GlobalSet(g) => {
                let wide = self.module.globals[g as usize].content == ValType::V128;
                match (matches!(op, Operator::GlobalGet(_)), wide) {
                    (true, false) => Instr::GlobalGet(g),
                    (false, false) => Instr::GlobalSet(g),
                    (true, true) => Instr::GlobalGet2(g),
                    (false, true) => Instr::GlobalSet2(g),
                }
            }
            Operator::TableGet(t) => Instr::TableGet(t),
            Operator::TableSet(t) => Instr::TableSet(t),
            Operator::TableSize(t) => Instr::TableSize(t),
            Operator::TableGrow(t) => Instr::TableGrow(t),
            Operator::TableFill(t) => Instr::TableFill(t),
            Operator::TableCopy { dst, src } => Instr::TableCopy { dst, src },
            Operator::TableInit { elem, table } => Instr::TableInit { elem, table },
            Operator::ElemDrop(e) => Instr::ElemDrop(e),
            Operator::Memory(m, memarg) => {
                let (offset, memory) = (memarg.offset as u32, memarg.memory as u8);
                match (m.kind(), memory) {
                    (MemKind::Load(_), 0) => Instr::Load(m, offset),
                    (MemKind::Load(_), _) => Instr::LoadN(m, memory, offset),
                    (_, 0) => Instr::Store(m, offset),
                    _ => Instr::StoreN(m, memory, offset),
                }
            }
            Operator::MemoryLane(m, memarg, lane) => {
                let (offset, memory) = (memarg.offset as u32, memarg.memory as u8);
                match m.kind() {
                    MemKind::LoadLane(_) => Instr::LoadLane(m, memory, offset, lane),
                    _ => Instr::StoreLane(m, memory, offset, lane),
                }
            }
            Operator::MemorySize(m) => Instr::MemorySize(m),
            Operator::MemoryGrow(m) => Instr::MemoryGrow(m),
            Operator::MemoryInit { data, memory } => Instr::MemoryInit { data, memory },
            Operator::DataDrop(d) => Instr::DataDrop(d),
            Operator::MemoryCopy { dst, src } => Instr::MemoryCopy { dst, src },
            Operator::MemoryFill(m) => Instr::MemoryFill(m),
            Operator::I32Const(x) => Instr::Const(x as u32 as u64),
            Operator::I64Const(x) => Instr::Const(x as u64),
            Operator::F32Const(x) => Instr::Const(x as u64),
            Operator::F64Const(x) => Instr::Const(x),
            Operator::V128Const(bytes) => {
                self.consts.push(u128::from_le_bytes(bytes));
                Instr::Const128(self.consts.len() as u32 - 1)
            }
            Operator::RefNull(_) => Instr::Const(0),
            // A reference slot holds zero for null, so ref.is_null is i64.eqz on the slot.
            Operator::RefIsNull => Instr::Simple(crate::decode::ops::SimpleOp::I64Eqz),
            Operator::RefFunc(f) => Instr::RefFunc(f),
            Operator::Simple(s) => match simd::simple(s) {
                None => Instr::Simple(s),
                Some(SimdFn::Unary(f)) => Instr::SimdUnary(f),
                Some(SimdFn::Binary(f)) => Instr::SimdBinary(f),
                Some(SimdFn::Ternary(f)) => Instr::SimdTernary(f),
                Some(SimdFn::Shift(f)) => Instr::SimdShift(f),
                Some(SimdFn::Test(f)) => Instr::SimdTest(f),
                Some(SimdFn::Splat32(f)) => Instr::SimdSplat32(f),
                Some(SimdFn::Splat64(f)) => Instr::SimdSplat64(f),
            },
            Operator::I8x16Shuffle(lanes) => {
                self.consts.push(u128::from_le_bytes(lanes));
                Instr::Shuffle(self.consts.len() as u32 - 1)
            }
            Operator::Lane(l, lane) => {
                if l.is_replace() {
                    Instr::ReplaceLane(l, lane)
                } else {
                    Instr::ExtractLane(l, lane)
                }
            }
            Operator::Block(_) | Operator::Loop(_) | Operator::If(_) | Operator::Else | Operator::End => {
                unreachable!("handled above")
            }
        };
        self.emit(i);
        Ok(())
    }
}
