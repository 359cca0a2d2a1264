//! Lowering validated function bodies to interpreter code (see `code` for the frame layout).
//!
//! Each operator is validated by a `FuncValidator` first; the lowering keeps a virtual
//! operand stack mirroring it. `local.get` and constants are not copied when read: they stay
//! pending on the virtual stack and the instruction that consumes them reads the local (or a
//! slot the constant is written to) directly. A result followed by `local.set` is written
//! straight into the local. Pending values are written to their stack slots before control
//! flow, before a local they read is overwritten, and where an operator needs the stack form.
//! Code that validation proves unreachable is not emitted.

use super::code::{imm_of, link, BranchCopy, Function, Instr, Slot};
use crate::decode::ops::{MemKind, MemOp, Operator, SimpleOp};
use crate::error::Result;
use crate::module::Module;
use crate::semantics::simd::{self, SimdFn};
use crate::types::{BlockType, ValType};
use crate::validate::func::{single, slots_of, types_slots, FrameKind, FuncValidator};

/// Where a value on the virtual stack is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Value {
    /// In its own stack slot.
    Stack,
    /// Still in the local at this slot.
    Local(Slot),
    /// A constant not written anywhere yet (one-slot values only).
    Const(u64),
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    value: Value,
    /// The value's stack slot.
    slot: Slot,
    wide: bool,
}

/// A branch target patched when its block ends.
#[derive(Clone, Copy)]
enum Fixup {
    Instr(usize),
    Copy(usize),
}

struct Ctrl {
    kind: FrameKind,
    block_type: BlockType,
    /// Stack height (slots) below the block's parameters.
    base: u32,
    /// Virtual stack length below the block's parameters.
    entry_len: usize,
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
    copies: Vec<BranchCopy>,
    consts: Vec<u128>,
    ctrls: Vec<Ctrl>,
    stack: Vec<Entry>,
    /// Indices of `stack` entries that may not be in their slot.
    pending: Vec<usize>,
    /// Current stack height in slots.
    height: u32,
    /// Slot of each local, and whether it is a v128.
    local_slots: Vec<Slot>,
    local_wide: Vec<bool>,
    /// Slots of parameters and locals: the operand stack starts here.
    locals_end: Slot,
    /// The last instruction, if it wrote the top entry's slot and nothing may jump between it
    /// and the next instruction: a following `local.set` may redirect its result.
    last_result: Option<usize>,
    /// An `i32.eqz` instruction whose operand was the result of the instruction before it.
    eqz_of_result: Option<usize>,
    /// Module offset of the operator being lowered.
    at: u32,
}

/// Lowers every defined function of a validated module.
pub fn compile_module(module: &Module, accumulator: bool) -> Result<Vec<Function>> {
    let mut v = FuncValidator::new(module);
    (0..module.raw.code.len()).map(|i| compile_function(module, &mut v, i, accumulator)).collect()
}

fn compile_function(module: &Module, v: &mut FuncValidator<'_>, defined: usize, accumulator: bool) -> Result<Function> {
    let ops = v.start(defined)?;
    let ty = module.func_type(module.imported_funcs + defined as u32);
    let mut local_slots = Vec::with_capacity(v.locals().len());
    let mut local_wide = Vec::with_capacity(v.locals().len());
    let mut next = 0;
    for &t in v.locals() {
        local_slots.push(next);
        local_wide.push(t == ValType::V128);
        next += slots_of(Some(t));
    }
    let result_slots = types_slots(ty.results());
    let mut c = Compiler {
        module,
        code: Vec::new(),
        offsets: Vec::new(),
        copies: Vec::new(),
        consts: Vec::new(),
        ctrls: vec![Ctrl {
            kind: FrameKind::Function,
            block_type: BlockType::Func(module.funcs[module.imported_funcs as usize + defined]),
            base: 0,
            entry_len: 0,
            param_slots: 0,
            result_slots,
            loop_pc: 0,
            fixups: Vec::new(),
            else_fixup: None,
            dead: false,
        }],
        stack: Vec::new(),
        pending: Vec::new(),
        height: 0,
        local_slots,
        local_wide,
        locals_end: next,
        last_result: None,
        eqz_of_result: None,
        at: 0,
    };
    v.walk(ops, |v, op, at| {
        c.at = at as u32;
        c.lower(v, op, at)
    })?;
    let code = link(c.code, &mut c.copies, accumulator);
    Ok(Function {
        index: module.imported_funcs + defined as u32,
        code,
        offsets: c.offsets.into_boxed_slice(),
        branch_copies: c.copies.into_boxed_slice(),
        consts: c.consts.into_boxed_slice(),
        param_slots: types_slots(ty.params()),
        local_slots: next,
        result_slots,
        frame_slots: next + v.max_height_slots(),
    })
}

impl Compiler<'_> {
    fn emit(&mut self, i: Instr) -> usize {
        self.code.push(i);
        self.offsets.push(self.at);
        self.last_result = None;
        self.code.len() - 1
    }

    /// Emits an instruction whose result is the entry pushed next.
    fn emit_result(&mut self, i: Instr) {
        let index = self.emit(i);
        self.last_result = Some(index);
    }

    fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    /// A block type's parameter and result types.
    fn params_results(module: &Module, bt: BlockType) -> (&[ValType], &[ValType]) {
        match bt {
            BlockType::Empty => (&[], &[]),
            BlockType::Value(t) => (&[], single(t)),
            BlockType::Func(i) => {
                let ft = &module.raw.types[i as usize];
                (ft.params(), ft.results())
            }
        }
    }

    fn push(&mut self, value: Value, wide: bool) {
        let slot = self.locals_end + self.height;
        self.height += 1 + wide as u32;
        if value != Value::Stack {
            self.pending.push(self.stack.len());
        }
        self.stack.push(Entry { value, slot, wide });
    }

    fn push_types(&mut self, types: &[ValType]) {
        for &t in types {
            self.push(Value::Stack, t == ValType::V128);
        }
    }

    fn pop(&mut self) -> Entry {
        let e = self.stack.pop().expect("the validator checked the stack");
        self.height -= 1 + e.wide as u32;
        if self.pending.last() == Some(&self.stack.len()) {
            self.pending.pop();
        }
        e
    }

    /// Writes entry `i` to its stack slot if it is not there yet.
    fn materialize(&mut self, i: usize) {
        let e = self.stack[i];
        match e.value {
            Value::Stack => return,
            Value::Local(src) if e.wide => self.emit(Instr::Copy2 { dst: e.slot, src }),
            Value::Local(src) => self.emit(Instr::Copy { dst: e.slot, src }),
            Value::Const(c) => self.emit_const(e.slot, c),
        };
        self.stack[i].value = Value::Stack;
    }

    fn emit_const(&mut self, dst: Slot, c: u64) -> usize {
        match u32::try_from(c) {
            Ok(value) => self.emit(Instr::Const32 { dst, value }),
            Err(_) => {
                self.consts.push(c as u128);
                let index = self.consts.len() as u32 - 1;
                self.emit(Instr::Const64 { dst, index })
            }
        }
    }

    fn materialize_all(&mut self) {
        for i in std::mem::take(&mut self.pending) {
            if i < self.stack.len() {
                self.materialize(i);
            }
        }
    }

    /// Materializes the top `n` entries and pops them; returns the slot of the lowest (where
    /// an operator in stack form finds its operands and writes its results).
    fn stack_form(&mut self, n: usize) -> Slot {
        let len = self.stack.len();
        for i in len - n..len {
            self.materialize(i);
        }
        for _ in 0..n {
            self.pop();
        }
        self.locals_end + self.height
    }

    /// The slot to read entry `i` from (constants are written to their slot first).
    fn operand(&mut self, i: usize) -> Slot {
        let e = self.stack[i];
        match e.value {
            Value::Stack => e.slot,
            Value::Local(s) => s,
            Value::Const(_) => {
                self.materialize(i);
                e.slot
            }
        }
    }

    fn top_operand(&mut self, depth: usize) -> Slot {
        let i = self.stack.len() - 1 - depth;
        self.operand(i)
    }

    /// Before local `slot` is written: entries still reading it get their own copy.
    fn detach_local(&mut self, slot: Slot, keep_top: bool) {
        let top = self.stack.len().wrapping_sub(1);
        for k in 0..self.pending.len() {
            let i = self.pending[k];
            if i < self.stack.len() && self.stack[i].value == Value::Local(slot) && !(keep_top && i == top) {
                self.materialize(i);
            }
        }
    }

    fn local_set(&mut self, local: u32, tee: bool) {
        let slot = self.local_slots[local as usize];
        let wide = self.local_wide[local as usize];
        self.detach_local(slot, true);
        let top = self.stack.len() - 1;
        let e = self.stack[top];
        match e.value {
            Value::Local(s) if s == slot => {}
            Value::Const(c) => {
                self.emit_const(slot, c);
            }
            Value::Stack if self.last_result.is_some_and(|i| dst_of(&self.code[i]) == Some(e.slot)) => {
                let i = self.last_result.take().expect("checked");
                set_dst(&mut self.code[i], slot);
            }
            _ => {
                let src = self.operand(top);
                self.emit(if wide { Instr::Copy2 { dst: slot, src } } else { Instr::Copy { dst: slot, src } });
            }
        }
        self.pop();
        if tee {
            self.push(Value::Local(slot), wide);
        }
    }

    /// A branch to label `depth` carrying the top values: `Ok(pc)` if nothing moves,
    /// otherwise the index of a `BranchCopy`. Forward targets are registered for patching.
    fn branch(&mut self, depth: u32, table_entry: bool) -> std::result::Result<u32, u32> {
        let n = self.ctrls.len();
        let target = &self.ctrls[n - 1 - depth as usize];
        let (keep, pc, forward) = match target.kind {
            FrameKind::Loop => (target.param_slots, target.loop_pc, false),
            _ => (target.result_slots, 0, true),
        };
        let from = self.locals_end + self.height - keep;
        let to = self.locals_end + target.base;
        if (from == to || keep == 0) && !table_entry {
            return Ok(pc);
        }
        self.copies.push(BranchCopy { pc, from, to, count: if from == to { 0 } else { keep } });
        let index = self.copies.len() - 1;
        if forward {
            self.ctrls[n - 1 - depth as usize].fixups.push(Fixup::Copy(index));
        }
        Err(index as u32)
    }

    fn add_fixup(&mut self, depth: u32, instr: usize) {
        let n = self.ctrls.len();
        if self.ctrls[n - 1 - depth as usize].kind != FrameKind::Loop {
            self.ctrls[n - 1 - depth as usize].fixups.push(Fixup::Instr(instr));
        }
    }

    fn patch(&mut self, fixup: Fixup, pc: u32) {
        match fixup {
            Fixup::Copy(i) => self.copies[i].pc = pc,
            Fixup::Instr(i) => match self.code[i].branch_target_mut() {
                Some(p) => *p = pc,
                None => unreachable!("fixup on {:?}", self.code[i]),
            },
        }
    }

    fn is_dead(&self, v: &FuncValidator<'_>) -> bool {
        self.ctrls.last().is_some_and(|c| c.dead) || v.controls().last().is_some_and(|f| f.unreachable)
    }

    /// Resets the virtual stack to a block's entry with `types` on top, after its label.
    fn reset_to(&mut self, entry_len: usize, base: u32, types: &[ValType]) {
        self.stack.truncate(entry_len);
        self.pending.clear();
        self.height = base;
        self.push_types(types);
        self.last_result = None;
    }

    fn lower(&mut self, v: &mut FuncValidator<'_>, op: &Operator<'_>, at: usize) -> Result<()> {
        let dead = self.is_dead(v);
        v.op(op, at)?;
        match *op {
            Operator::Block(bt) | Operator::Loop(bt) | Operator::If(bt) => {
                let (params, results) = Self::params_results(self.module, bt);
                let kind = match op {
                    Operator::Block(_) => FrameKind::Block,
                    Operator::Loop(_) => FrameKind::Loop,
                    _ => FrameKind::If,
                };
                let mut else_fixup = None;
                if !dead {
                    if kind == FrameKind::If {
                        if let Some(fused) = self.fuse_compare(true) {
                            self.materialize_all();
                            else_fixup = Some(self.emit(fused));
                        } else {
                            let cond = self.top_operand(0);
                            self.pop();
                            self.materialize_all();
                            else_fixup = Some(self.emit(Instr::BrUnless { cond, pc: 0 }));
                        }
                    } else {
                        self.materialize_all();
                    }
                }
                let loop_pc = self.pc();
                if kind == FrameKind::Loop && !dead {
                    self.emit(Instr::LoopHeader);
                }
                let param_slots = types_slots(params);
                self.ctrls.push(Ctrl {
                    kind,
                    block_type: bt,
                    base: self.height.saturating_sub(param_slots),
                    entry_len: self.stack.len().saturating_sub(params.len()),
                    param_slots,
                    result_slots: types_slots(results),
                    loop_pc,
                    fixups: Vec::new(),
                    else_fixup,
                    dead,
                });
                return Ok(());
            }
            Operator::Else => {
                if !dead {
                    self.materialize_all();
                    let jump = self.emit(Instr::Br { pc: 0 });
                    self.ctrls.last_mut().expect("validated").fixups.push(Fixup::Instr(jump));
                }
                let pc = self.pc();
                let ctrl = self.ctrls.last_mut().expect("validated");
                ctrl.kind = FrameKind::Else;
                let (entry_len, base, bt, block_dead) = (ctrl.entry_len, ctrl.base, ctrl.block_type, ctrl.dead);
                if let Some(f) = ctrl.else_fixup.take() {
                    self.patch(Fixup::Instr(f), pc);
                }
                // A block that began in dead code recorded no real entry; the enclosing live
                // block resets the virtual stack when it ends.
                if !block_dead {
                    let (params, _) = Self::params_results(self.module, bt);
                    self.reset_to(entry_len, base, params);
                }
                return Ok(());
            }
            Operator::End => {
                if !dead {
                    self.materialize_all();
                }
                let mut ctrl = self.ctrls.pop().expect("validated");
                let pc = self.pc();
                if let Some(f) = ctrl.else_fixup.take() {
                    self.patch(Fixup::Instr(f), pc);
                }
                for f in std::mem::take(&mut ctrl.fixups) {
                    self.patch(f, pc);
                }
                if ctrl.kind == FrameKind::Function {
                    self.emit(Instr::Return { src: self.locals_end });
                } else if !ctrl.dead {
                    let (_, results) = Self::params_results(self.module, ctrl.block_type);
                    self.reset_to(ctrl.entry_len, ctrl.base, results);
                }
                return Ok(());
            }
            _ => {}
        }
        if dead {
            return Ok(());
        }
        let l = self.locals_end;
        match *op {
            Operator::Unreachable => {
                self.emit(Instr::Unreachable);
            }
            Operator::Nop => {}
            Operator::Br(depth) => {
                self.materialize_all();
                match self.branch(depth, false) {
                    Ok(pc) => {
                        let i = self.emit(Instr::Br { pc });
                        self.add_fixup(depth, i);
                    }
                    Err(index) => {
                        self.emit(Instr::BrCopy { index });
                    }
                }
            }
            Operator::BrIf(depth) => {
                if self.branch_is_plain_at(depth, self.height - 1) {
                    if let Some(fused) = self.fuse_compare(false) {
                        self.materialize_all();
                        self.emit_branch(depth, fused);
                        return Ok(());
                    }
                }
                let cond = self.top_operand(0);
                self.pop();
                self.materialize_all();
                match self.branch(depth, false) {
                    Ok(pc) => {
                        let i = self.emit(Instr::BrIf { cond, pc });
                        self.add_fixup(depth, i);
                    }
                    Err(index) => {
                        self.emit(Instr::BrIfCopy { cond, index });
                    }
                }
            }
            Operator::BrTable(ref table) => {
                let index = self.top_operand(0);
                self.pop();
                self.materialize_all();
                let start = self.copies.len() as u32;
                for depth in table.targets().chain(std::iter::once(table.default)) {
                    let _ = self.branch(depth, true);
                }
                self.emit(Instr::BrTable { index, start, len: table.len() + 1 });
            }
            Operator::Return => {
                self.materialize_all();
                let n = self.ctrls[0].result_slots;
                self.emit(Instr::Return { src: l + self.height - n });
            }
            Operator::Call(f) => {
                let ty = self.module.func_type(f);
                let base = self.stack_form(ty.params().len());
                self.emit(match f.checked_sub(self.module.imported_funcs) {
                    Some(defined) => Instr::CallInternal { func: defined, base },
                    None => Instr::Call { func: f, base },
                });
                self.push_types(ty.results());
            }
            Operator::CallIndirect { type_index, table } => {
                let ty = &self.module.raw.types[type_index as usize];
                let base = self.stack_form(ty.params().len() + 1);
                self.emit(Instr::CallIndirect { type_index, table, base });
                self.push_types(ty.results());
            }
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::SelectTyped(_) => {
                let wide = self.stack[self.stack.len() - 2].wide;
                let base = self.stack_form(3);
                self.emit(if wide { Instr::Select2 { base } } else { Instr::Select { base } });
                self.push(Value::Stack, wide);
            }
            Operator::LocalGet(local) => {
                let (slot, wide) = (self.local_slots[local as usize], self.local_wide[local as usize]);
                self.push(Value::Local(slot), wide);
            }
            Operator::LocalSet(local) => self.local_set(local, false),
            Operator::LocalTee(local) => self.local_set(local, true),
            Operator::GlobalGet(global) => {
                let wide = self.module.globals[global as usize].content == ValType::V128;
                let dst = l + self.height;
                self.emit_result(if wide {
                    Instr::GlobalGet2 { dst, global }
                } else {
                    Instr::GlobalGet { dst, global }
                });
                self.push(Value::Stack, wide);
            }
            Operator::GlobalSet(global) => {
                let wide = self.module.globals[global as usize].content == ValType::V128;
                let src = self.top_operand(0);
                self.pop();
                self.emit(if wide { Instr::GlobalSet2 { src, global } } else { Instr::GlobalSet { src, global } });
            }
            Operator::Memory(m, memarg) => {
                let (offset, memory) = (memarg.offset as u32, memarg.memory as u8);
                match m.kind() {
                    MemKind::Load(t) => {
                        let addr = self.top_operand(0);
                        self.pop();
                        let dst = l + self.height;
                        self.emit_result(match (memory, m) {
                            (0, MemOp::I32Load) => Instr::I32Load { dst, addr, offset },
                            (0, MemOp::I64Load) => Instr::I64Load { dst, addr, offset },
                            (0, MemOp::I32Load8S) => Instr::I32Load8S { dst, addr, offset },
                            (0, MemOp::I32Load8U) => Instr::I32Load8U { dst, addr, offset },
                            (0, MemOp::I32Load16S) => Instr::I32Load16S { dst, addr, offset },
                            (0, MemOp::I32Load16U) => Instr::I32Load16U { dst, addr, offset },
                            (0, _) => Instr::Load { op: m, dst, addr, offset },
                            _ => Instr::LoadN { op: m, memory, dst, addr, offset },
                        });
                        self.push(Value::Stack, t == ValType::V128);
                    }
                    MemKind::Store(t) => {
                        let constant = match self.stack[self.stack.len() - 1].value {
                            Value::Const(c) if memory == 0 => imm_of(t, c),
                            _ => None,
                        };
                        // A constant value is not written to a slot.
                        let value = if constant.is_some() { 0 } else { self.top_operand(0) };
                        let addr = self.top_operand(1);
                        self.pop();
                        self.pop();
                        self.emit(match (constant, memory, m) {
                            (Some(imm), _, _) => Instr::StoreImm { op: m, addr, imm, offset },
                            (_, 0, MemOp::I32Store) => Instr::I32Store { addr, value, offset },
                            (_, 0, MemOp::I64Store) => Instr::I64Store { addr, value, offset },
                            (_, 0, MemOp::I32Store8) => Instr::I32Store8 { addr, value, offset },
                            (_, 0, MemOp::I32Store16) => Instr::I32Store16 { addr, value, offset },
                            (_, 0, _) => Instr::Store { op: m, addr, value, offset },
                            _ => Instr::StoreN { op: m, memory, addr, value, offset },
                        });
                    }
                    MemKind::LoadLane(_) | MemKind::StoreLane(_) => unreachable!("lane operators are MemoryLane"),
                }
            }
            Operator::MemoryLane(m, memarg, lane) => {
                let (offset, memory) = (memarg.offset as u32, memarg.memory as u8);
                let base = self.stack_form(2);
                match m.kind() {
                    MemKind::LoadLane(_) => {
                        self.emit(Instr::LoadLane { op: m, memory, lane, base, offset });
                        self.push(Value::Stack, true);
                    }
                    _ => {
                        self.emit(Instr::StoreLane { op: m, memory, lane, base, offset });
                    }
                }
            }
            Operator::MemorySize(memory) => {
                let base = self.stack_form(0);
                self.emit(Instr::MemorySize { memory, base });
                self.push(Value::Stack, false);
            }
            Operator::MemoryGrow(memory) => {
                let base = self.stack_form(1);
                self.emit(Instr::MemoryGrow { memory, base });
                self.push(Value::Stack, false);
            }
            Operator::MemoryInit { data, memory } => {
                let base = self.stack_form(3);
                self.emit(Instr::MemoryInit { data, memory, base });
            }
            Operator::DataDrop(d) => {
                self.emit(Instr::DataDrop(d));
            }
            Operator::MemoryCopy { dst, src } => {
                let base = self.stack_form(3);
                self.emit(Instr::MemoryCopy { dst, src, base });
            }
            Operator::MemoryFill(memory) => {
                let base = self.stack_form(3);
                self.emit(Instr::MemoryFill { memory, base });
            }
            Operator::TableGet(table) => {
                let base = self.stack_form(1);
                self.emit(Instr::TableGet { table, base });
                self.push(Value::Stack, false);
            }
            Operator::TableSet(table) => {
                let base = self.stack_form(2);
                self.emit(Instr::TableSet { table, base });
            }
            Operator::TableSize(table) => {
                let base = self.stack_form(0);
                self.emit(Instr::TableSize { table, base });
                self.push(Value::Stack, false);
            }
            Operator::TableGrow(table) => {
                let base = self.stack_form(2);
                self.emit(Instr::TableGrow { table, base });
                self.push(Value::Stack, false);
            }
            Operator::TableFill(table) => {
                let base = self.stack_form(3);
                self.emit(Instr::TableFill { table, base });
            }
            Operator::TableCopy { dst, src } => {
                let base = self.stack_form(3);
                self.emit(Instr::TableCopy { dst, src, base });
            }
            Operator::TableInit { elem, table } => {
                let base = self.stack_form(3);
                self.emit(Instr::TableInit { elem, table, base });
            }
            Operator::ElemDrop(e) => {
                self.emit(Instr::ElemDrop(e));
            }
            Operator::I32Const(x) => self.push(Value::Const(x as u32 as u64), false),
            Operator::I64Const(x) => self.push(Value::Const(x as u64), false),
            Operator::F32Const(x) => self.push(Value::Const(x as u64), false),
            Operator::F64Const(x) => self.push(Value::Const(x), false),
            Operator::RefNull(_) => self.push(Value::Const(0), false),
            Operator::V128Const(bytes) => {
                self.consts.push(u128::from_le_bytes(bytes));
                let index = self.consts.len() as u32 - 1;
                let dst = l + self.height;
                self.emit(Instr::Const128 { dst, index });
                self.push(Value::Stack, true);
            }
            Operator::RefFunc(func) => {
                let dst = l + self.height;
                self.emit_result(Instr::RefFunc { dst, func });
                self.push(Value::Stack, false);
            }
            // A reference slot holds zero for null, so ref.is_null is i64.eqz on the slot.
            Operator::RefIsNull => self.simple(SimpleOp::I64Eqz),
            Operator::Simple(s) => match simd::simple(s) {
                None => self.simple(s),
                Some(SimdFn::Ternary(f)) => {
                    let base = self.stack_form(3);
                    self.emit(Instr::SimdTernary { f, base });
                    self.push(Value::Stack, true);
                }
                // Other SIMD operators take register operands like the scalar ones.
                Some(_) => {
                    let (a, b) = self.register_operands(s.params().len());
                    self.emit_result(Instr::Simple { op: s, dst: l + self.height, a, b });
                    self.push(Value::Stack, s.result() == ValType::V128);
                }
            },
            Operator::I8x16Shuffle(lanes) => {
                let index = self.consts.len() as u32;
                let groups = match simd::shuffle_groups(&lanes) {
                    Some((descriptor, masks)) => {
                        self.consts.push(descriptor);
                        self.consts.extend_from_slice(&masks);
                        masks.len() as u8
                    }
                    None => {
                        self.consts.push(u128::from_le_bytes(lanes));
                        0
                    }
                };
                let base = self.stack_form(2);
                self.emit(Instr::Shuffle { index, groups, base });
                self.push(Value::Stack, true);
            }
            Operator::Lane(op, lane) => {
                let replace = op.is_replace();
                let base = self.stack_form(if replace { 2 } else { 1 });
                self.emit(if replace {
                    Instr::ReplaceLane { op, lane, base }
                } else {
                    Instr::ExtractLane { op, lane, base }
                });
                self.push(Value::Stack, replace);
            }
            Operator::Block(_) | Operator::Loop(_) | Operator::If(_) | Operator::Else | Operator::End => {
                unreachable!("handled above")
            }
        }
        Ok(())
    }

    /// Pops the operands of a one- or two-operand operator that reads them where they are;
    /// returns their slots (the only one twice for a unary operator).
    fn register_operands(&mut self, n: usize) -> (Slot, Slot) {
        let b = self.top_operand(0);
        let a = if n == 2 { self.top_operand(1) } else { b };
        for _ in 0..n {
            self.pop();
        }
        (a, b)
    }

    /// A scalar operator: reads its operands where they are, writes a fresh stack slot.
    fn simple(&mut self, op: SimpleOp) {
        let top = self.stack[self.stack.len() - 1];
        let of_result = op == SimpleOp::I32Eqz
            && top.value == Value::Stack
            && self.last_result.is_some_and(|i| i + 1 == self.code.len() && dst_of(&self.code[i]) == Some(top.slot));
        // A constant right operand becomes an immediate (`imm_of` says which constants fit).
        if let (&[_, ty], Value::Const(c)) = (op.params(), top.value) {
            let scalar = op.result() != ValType::V128 && op.params()[0] != ValType::V128;
            if let Some(imm) = imm_of(ty, c).filter(|_| scalar) {
                self.pop();
                let a = self.top_operand(0);
                self.pop();
                let dst = self.locals_end + self.height;
                self.emit_result(fast_imm(op, dst, a, imm).unwrap_or(Instr::SimpleImm { op, dst, a, imm }));
                self.push(Value::Stack, false);
                return;
            }
        }
        let (a, b) = self.register_operands(op.params().len());
        let dst = self.locals_end + self.height;
        self.emit_result(fast(op, dst, a, b).unwrap_or(Instr::Simple { op, dst, a, b }));
        self.eqz_of_result = of_result.then(|| self.code.len() - 1);
        self.push(Value::Stack, false);
    }

    /// If the top entry is a comparison (or an `i32.eqz`, or the `i32.eqz` of a comparison)
    /// just computed by the last instruction, removes what computed it and returns the fused
    /// branch to `pc` (taken when the condition holds, or when it fails if `negate`).
    fn fuse_compare(&mut self, negate: bool) -> Option<Instr> {
        let top = *self.stack.last()?;
        let last = self.last_result?;
        if top.value != Value::Stack || dst_of(&self.code[last]) != Some(top.slot) {
            return None;
        }
        let (fused, removed) = match self.code[last] {
            Instr::Simple { op: SimpleOp::I32Eqz, a, .. } => {
                let of_compare = (self.eqz_of_result == Some(last) && last > 0)
                    .then(|| fused_branch(self.code[last - 1], !negate, 0))
                    .flatten();
                match of_compare {
                    Some(fused) => (fused, 2),
                    None if negate => (Instr::BrIf { cond: a, pc: 0 }, 1),
                    None => (Instr::BrUnless { cond: a, pc: 0 }, 1),
                }
            }
            other => (fused_branch(other, negate, 0)?, 1),
        };
        for _ in 0..removed {
            self.code.pop();
            self.offsets.pop();
        }
        self.last_result = None;
        self.pop();
        Some(fused)
    }

    /// Whether a branch to label `depth` from stack height `height` moves no values.
    fn branch_is_plain_at(&self, depth: u32, height: u32) -> bool {
        let target = &self.ctrls[self.ctrls.len() - 1 - depth as usize];
        let keep = if target.kind == FrameKind::Loop { target.param_slots } else { target.result_slots };
        keep == 0 || height - keep == target.base
    }

    /// Emits a branch instruction to label `depth` that moves no values.
    fn emit_branch(&mut self, depth: u32, branch: Instr) {
        let i = self.emit(branch);
        let target = &self.ctrls[self.ctrls.len() - 1 - depth as usize];
        if target.kind == FrameKind::Loop {
            let pc = target.loop_pc;
            self.patch(Fixup::Instr(i), pc);
        } else {
            self.add_fixup(depth, i);
        }
    }
}

/// The instruction of its own for a scalar binary operator, if it has one.
fn fast(op: SimpleOp, dst: Slot, a: Slot, b: Slot) -> Option<Instr> {
    Some(match op {
        SimpleOp::I32Add => Instr::I32Add { dst, a, b },
        SimpleOp::I32Sub => Instr::I32Sub { dst, a, b },
        SimpleOp::I32Mul => Instr::I32Mul { dst, a, b },
        SimpleOp::I32And => Instr::I32And { dst, a, b },
        SimpleOp::I32Or => Instr::I32Or { dst, a, b },
        SimpleOp::I32Xor => Instr::I32Xor { dst, a, b },
        SimpleOp::I32Shl => Instr::I32Shl { dst, a, b },
        SimpleOp::I32ShrS => Instr::I32ShrS { dst, a, b },
        SimpleOp::I32ShrU => Instr::I32ShrU { dst, a, b },
        SimpleOp::I32Eq => Instr::I32Eq { dst, a, b },
        SimpleOp::I32Ne => Instr::I32Ne { dst, a, b },
        SimpleOp::I32LtS => Instr::I32LtS { dst, a, b },
        SimpleOp::I32LtU => Instr::I32LtU { dst, a, b },
        SimpleOp::I32GtS => Instr::I32GtS { dst, a, b },
        SimpleOp::I32GtU => Instr::I32GtU { dst, a, b },
        SimpleOp::I32LeS => Instr::I32LeS { dst, a, b },
        SimpleOp::I32LeU => Instr::I32LeU { dst, a, b },
        SimpleOp::I32GeS => Instr::I32GeS { dst, a, b },
        SimpleOp::I32GeU => Instr::I32GeU { dst, a, b },
        SimpleOp::I64Add => Instr::I64Add { dst, a, b },
        SimpleOp::I64Sub => Instr::I64Sub { dst, a, b },
        SimpleOp::I64Mul => Instr::I64Mul { dst, a, b },
        SimpleOp::I64And => Instr::I64And { dst, a, b },
        SimpleOp::I64Or => Instr::I64Or { dst, a, b },
        SimpleOp::I64Xor => Instr::I64Xor { dst, a, b },
        SimpleOp::I64Shl => Instr::I64Shl { dst, a, b },
        SimpleOp::I64ShrS => Instr::I64ShrS { dst, a, b },
        SimpleOp::I64ShrU => Instr::I64ShrU { dst, a, b },
        SimpleOp::I64Eq => Instr::I64Eq { dst, a, b },
        SimpleOp::I64Ne => Instr::I64Ne { dst, a, b },
        SimpleOp::I64LtS => Instr::I64LtS { dst, a, b },
        SimpleOp::I64LtU => Instr::I64LtU { dst, a, b },
        SimpleOp::I64GtS => Instr::I64GtS { dst, a, b },
        SimpleOp::I64GtU => Instr::I64GtU { dst, a, b },
        SimpleOp::I64LeS => Instr::I64LeS { dst, a, b },
        SimpleOp::I64LeU => Instr::I64LeU { dst, a, b },
        SimpleOp::I64GeS => Instr::I64GeS { dst, a, b },
        SimpleOp::I64GeU => Instr::I64GeU { dst, a, b },
        _ => return None,
    })
}

/// The immediate form of a scalar binary operator, if it has one (`a` is filled later).
fn fast_imm(op: SimpleOp, dst: Slot, a: Slot, imm: u32) -> Option<Instr> {
    Some(match op {
        SimpleOp::I32Add => Instr::I32AddImm { dst, a, imm },
        SimpleOp::I32Sub => Instr::I32SubImm { dst, a, imm },
        SimpleOp::I32Mul => Instr::I32MulImm { dst, a, imm },
        SimpleOp::I32And => Instr::I32AndImm { dst, a, imm },
        SimpleOp::I32Or => Instr::I32OrImm { dst, a, imm },
        SimpleOp::I32Xor => Instr::I32XorImm { dst, a, imm },
        SimpleOp::I32Shl => Instr::I32ShlImm { dst, a, imm },
        SimpleOp::I32ShrS => Instr::I32ShrSImm { dst, a, imm },
        SimpleOp::I32ShrU => Instr::I32ShrUImm { dst, a, imm },
        SimpleOp::I32Eq => Instr::I32EqImm { dst, a, imm },
        SimpleOp::I32Ne => Instr::I32NeImm { dst, a, imm },
        SimpleOp::I32LtS => Instr::I32LtSImm { dst, a, imm },
        SimpleOp::I32LtU => Instr::I32LtUImm { dst, a, imm },
        SimpleOp::I32GtS => Instr::I32GtSImm { dst, a, imm },
        SimpleOp::I32GtU => Instr::I32GtUImm { dst, a, imm },
        SimpleOp::I32LeS => Instr::I32LeSImm { dst, a, imm },
        SimpleOp::I32LeU => Instr::I32LeUImm { dst, a, imm },
        SimpleOp::I32GeS => Instr::I32GeSImm { dst, a, imm },
        SimpleOp::I32GeU => Instr::I32GeUImm { dst, a, imm },
        SimpleOp::I64Add => Instr::I64AddImm { dst, a, imm },
        SimpleOp::I64Sub => Instr::I64SubImm { dst, a, imm },
        SimpleOp::I64Mul => Instr::I64MulImm { dst, a, imm },
        SimpleOp::I64And => Instr::I64AndImm { dst, a, imm },
        SimpleOp::I64Or => Instr::I64OrImm { dst, a, imm },
        SimpleOp::I64Xor => Instr::I64XorImm { dst, a, imm },
        SimpleOp::I64Shl => Instr::I64ShlImm { dst, a, imm },
        SimpleOp::I64ShrS => Instr::I64ShrSImm { dst, a, imm },
        SimpleOp::I64ShrU => Instr::I64ShrUImm { dst, a, imm },
        SimpleOp::I64Eq => Instr::I64EqImm { dst, a, imm },
        SimpleOp::I64Ne => Instr::I64NeImm { dst, a, imm },
        SimpleOp::I64LtS => Instr::I64LtSImm { dst, a, imm },
        SimpleOp::I64LtU => Instr::I64LtUImm { dst, a, imm },
        SimpleOp::I64GtS => Instr::I64GtSImm { dst, a, imm },
        SimpleOp::I64GtU => Instr::I64GtUImm { dst, a, imm },
        SimpleOp::I64LeS => Instr::I64LeSImm { dst, a, imm },
        SimpleOp::I64LeU => Instr::I64LeUImm { dst, a, imm },
        SimpleOp::I64GeS => Instr::I64GeSImm { dst, a, imm },
        SimpleOp::I64GeU => Instr::I64GeUImm { dst, a, imm },
        _ => return None,
    })
}

/// A fused compare-and-branch for a comparison instruction (negated for `if`).
fn fused_branch(compare: Instr, negate: bool, pc: u32) -> Option<Instr> {
    let cmp = |op: SimpleOp, a: Slot, b: Slot| Instr::BrIfCmp { op, negate, a, b, pc };
    Some(match (compare, negate) {
        (Instr::Simple { op, a, b, .. }, _) if is_comparison(op) => cmp(op, a, b),
        (Instr::SimpleImm { op, a, imm, .. }, _) if is_comparison(op) => Instr::BrIfCmpImm { op, negate, a, imm, pc },
        (Instr::I64EqImm { a, imm, .. }, _) => Instr::BrIfCmpImm { op: SimpleOp::I64Eq, negate, a, imm, pc },
        (Instr::I64NeImm { a, imm, .. }, _) => Instr::BrIfCmpImm { op: SimpleOp::I64Ne, negate, a, imm, pc },
        (Instr::I64LtSImm { a, imm, .. }, _) => Instr::BrIfCmpImm { op: SimpleOp::I64LtS, negate, a, imm, pc },
        (Instr::I64LtUImm { a, imm, .. }, _) => Instr::BrIfCmpImm { op: SimpleOp::I64LtU, negate, a, imm, pc },
        (Instr::I64GtSImm { a, imm, .. }, _) => Instr::BrIfCmpImm { op: SimpleOp::I64GtS, negate, a, imm, pc },
        (Instr::I64GtUImm { a, imm, .. }, _) => Instr::BrIfCmpImm { op: SimpleOp::I64GtU, negate, a, imm, pc },
        (Instr::I64LeSImm { a, imm, .. }, _) => Instr::BrIfCmpImm { op: SimpleOp::I64LeS, negate, a, imm, pc },
        (Instr::I64LeUImm { a, imm, .. }, _) => Instr::BrIfCmpImm { op: SimpleOp::I64LeU, negate, a, imm, pc },
        (Instr::I64GeSImm { a, imm, .. }, _) => Instr::BrIfCmpImm { op: SimpleOp::I64GeS, negate, a, imm, pc },
        (Instr::I64GeUImm { a, imm, .. }, _) => Instr::BrIfCmpImm { op: SimpleOp::I64GeU, negate, a, imm, pc },
        (Instr::I64Eq { a, b, .. }, _) => cmp(SimpleOp::I64Eq, a, b),
        (Instr::I64Ne { a, b, .. }, _) => cmp(SimpleOp::I64Ne, a, b),
        (Instr::I64LtS { a, b, .. }, _) => cmp(SimpleOp::I64LtS, a, b),
        (Instr::I64LtU { a, b, .. }, _) => cmp(SimpleOp::I64LtU, a, b),
        (Instr::I64GtS { a, b, .. }, _) => cmp(SimpleOp::I64GtS, a, b),
        (Instr::I64GtU { a, b, .. }, _) => cmp(SimpleOp::I64GtU, a, b),
        (Instr::I64LeS { a, b, .. }, _) => cmp(SimpleOp::I64LeS, a, b),
        (Instr::I64LeU { a, b, .. }, _) => cmp(SimpleOp::I64LeU, a, b),
        (Instr::I64GeS { a, b, .. }, _) => cmp(SimpleOp::I64GeS, a, b),
        (Instr::I64GeU { a, b, .. }, _) => cmp(SimpleOp::I64GeU, a, b),
        (Instr::I32Eq { a, b, .. }, false) | (Instr::I32Ne { a, b, .. }, true) => Instr::BrIfI32Eq { a, b, pc },
        (Instr::I32EqImm { a, imm, .. }, false) | (Instr::I32NeImm { a, imm, .. }, true) => {
            Instr::BrIfI32EqImm { a, imm, pc }
        }
        (Instr::I32Ne { a, b, .. }, false) | (Instr::I32Eq { a, b, .. }, true) => Instr::BrIfI32Ne { a, b, pc },
        (Instr::I32NeImm { a, imm, .. }, false) | (Instr::I32EqImm { a, imm, .. }, true) => {
            Instr::BrIfI32NeImm { a, imm, pc }
        }
        (Instr::I32LtS { a, b, .. }, false) | (Instr::I32GeS { a, b, .. }, true) => Instr::BrIfI32LtS { a, b, pc },
        (Instr::I32LtSImm { a, imm, .. }, false) | (Instr::I32GeSImm { a, imm, .. }, true) => {
            Instr::BrIfI32LtSImm { a, imm, pc }
        }
        (Instr::I32LtU { a, b, .. }, false) | (Instr::I32GeU { a, b, .. }, true) => Instr::BrIfI32LtU { a, b, pc },
        (Instr::I32LtUImm { a, imm, .. }, false) | (Instr::I32GeUImm { a, imm, .. }, true) => {
            Instr::BrIfI32LtUImm { a, imm, pc }
        }
        (Instr::I32GtS { a, b, .. }, false) | (Instr::I32LeS { a, b, .. }, true) => Instr::BrIfI32GtS { a, b, pc },
        (Instr::I32GtSImm { a, imm, .. }, false) | (Instr::I32LeSImm { a, imm, .. }, true) => {
            Instr::BrIfI32GtSImm { a, imm, pc }
        }
        (Instr::I32GtU { a, b, .. }, false) | (Instr::I32LeU { a, b, .. }, true) => Instr::BrIfI32GtU { a, b, pc },
        (Instr::I32GtUImm { a, imm, .. }, false) | (Instr::I32LeUImm { a, imm, .. }, true) => {
            Instr::BrIfI32GtUImm { a, imm, pc }
        }
        (Instr::I32LeS { a, b, .. }, false) | (Instr::I32GtS { a, b, .. }, true) => Instr::BrIfI32LeS { a, b, pc },
        (Instr::I32LeSImm { a, imm, .. }, false) | (Instr::I32GtSImm { a, imm, .. }, true) => {
            Instr::BrIfI32LeSImm { a, imm, pc }
        }
        (Instr::I32LeU { a, b, .. }, false) | (Instr::I32GtU { a, b, .. }, true) => Instr::BrIfI32LeU { a, b, pc },
        (Instr::I32LeUImm { a, imm, .. }, false) | (Instr::I32GtUImm { a, imm, .. }, true) => {
            Instr::BrIfI32LeUImm { a, imm, pc }
        }
        (Instr::I32GeS { a, b, .. }, false) | (Instr::I32LtS { a, b, .. }, true) => Instr::BrIfI32GeS { a, b, pc },
        (Instr::I32GeSImm { a, imm, .. }, false) | (Instr::I32LtSImm { a, imm, .. }, true) => {
            Instr::BrIfI32GeSImm { a, imm, pc }
        }
        (Instr::I32GeU { a, b, .. }, false) | (Instr::I32LtU { a, b, .. }, true) => Instr::BrIfI32GeU { a, b, pc },
        (Instr::I32GeUImm { a, imm, .. }, false) | (Instr::I32LtUImm { a, imm, .. }, true) => {
            Instr::BrIfI32GeUImm { a, imm, pc }
        }
        _ => return None,
    })
}

/// The floating-point comparisons (the integer ones have instructions of their own).
pub fn is_comparison(op: SimpleOp) -> bool {
    use SimpleOp::*;
    matches!(op, F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge | F64Eq | F64Ne | F64Lt | F64Gt | F64Le | F64Ge)
}

/// The result slot of an instruction that writes exactly one, if it is redirectable.
fn dst_of(i: &Instr) -> Option<Slot> {
    match *i {
        Instr::Simple { dst, .. }
        | Instr::SimpleImm { dst, .. }
        | Instr::I32Add { dst, .. }
        | Instr::I32AddImm { dst, .. }
        | Instr::I32Sub { dst, .. }
        | Instr::I32SubImm { dst, .. }
        | Instr::I32Mul { dst, .. }
        | Instr::I32MulImm { dst, .. }
        | Instr::I32And { dst, .. }
        | Instr::I32AndImm { dst, .. }
        | Instr::I32Or { dst, .. }
        | Instr::I32OrImm { dst, .. }
        | Instr::I32Xor { dst, .. }
        | Instr::I32XorImm { dst, .. }
        | Instr::I32Shl { dst, .. }
        | Instr::I32ShlImm { dst, .. }
        | Instr::I32ShrS { dst, .. }
        | Instr::I32ShrSImm { dst, .. }
        | Instr::I32ShrU { dst, .. }
        | Instr::I32ShrUImm { dst, .. }
        | Instr::I32Eq { dst, .. }
        | Instr::I32EqImm { dst, .. }
        | Instr::I32Ne { dst, .. }
        | Instr::I32NeImm { dst, .. }
        | Instr::I32LtS { dst, .. }
        | Instr::I32LtSImm { dst, .. }
        | Instr::I32LtU { dst, .. }
        | Instr::I32LtUImm { dst, .. }
        | Instr::I32GtS { dst, .. }
        | Instr::I32GtSImm { dst, .. }
        | Instr::I32GtU { dst, .. }
        | Instr::I32GtUImm { dst, .. }
        | Instr::I32LeS { dst, .. }
        | Instr::I32LeSImm { dst, .. }
        | Instr::I32LeU { dst, .. }
        | Instr::I32LeUImm { dst, .. }
        | Instr::I32GeS { dst, .. }
        | Instr::I32GeSImm { dst, .. }
        | Instr::I32GeU { dst, .. }
        | Instr::I32GeUImm { dst, .. }
        | Instr::I64Add { dst, .. }
        | Instr::I64AddImm { dst, .. }
        | Instr::I64Sub { dst, .. }
        | Instr::I64SubImm { dst, .. }
        | Instr::I64Mul { dst, .. }
        | Instr::I64MulImm { dst, .. }
        | Instr::I64And { dst, .. }
        | Instr::I64AndImm { dst, .. }
        | Instr::I64Or { dst, .. }
        | Instr::I64OrImm { dst, .. }
        | Instr::I64Xor { dst, .. }
        | Instr::I64XorImm { dst, .. }
        | Instr::I64Shl { dst, .. }
        | Instr::I64ShlImm { dst, .. }
        | Instr::I64ShrS { dst, .. }
        | Instr::I64ShrSImm { dst, .. }
        | Instr::I64ShrU { dst, .. }
        | Instr::I64ShrUImm { dst, .. }
        | Instr::I64Eq { dst, .. }
        | Instr::I64EqImm { dst, .. }
        | Instr::I64Ne { dst, .. }
        | Instr::I64NeImm { dst, .. }
        | Instr::I64LtS { dst, .. }
        | Instr::I64LtSImm { dst, .. }
        | Instr::I64LtU { dst, .. }
        | Instr::I64LtUImm { dst, .. }
        | Instr::I64GtS { dst, .. }
        | Instr::I64GtSImm { dst, .. }
        | Instr::I64GtU { dst, .. }
        | Instr::I64GtUImm { dst, .. }
        | Instr::I64LeS { dst, .. }
        | Instr::I64LeSImm { dst, .. }
        | Instr::I64LeU { dst, .. }
        | Instr::I64LeUImm { dst, .. }
        | Instr::I64GeS { dst, .. }
        | Instr::I64GeSImm { dst, .. }
        | Instr::I64GeU { dst, .. }
        | Instr::I64GeUImm { dst, .. }
        | Instr::I32Load { dst, .. }
        | Instr::I64Load { dst, .. }
        | Instr::I32Load8S { dst, .. }
        | Instr::I32Load8U { dst, .. }
        | Instr::I32Load16S { dst, .. }
        | Instr::I32Load16U { dst, .. }
        | Instr::Load { dst, .. }
        | Instr::LoadN { dst, .. }
        | Instr::GlobalGet { dst, .. }
        | Instr::GlobalGet2 { dst, .. }
        | Instr::RefFunc { dst, .. } => Some(dst),
        _ => None,
    }
}

fn set_dst(i: &mut Instr, slot: Slot) {
    match i {
        Instr::Simple { dst, .. }
        | Instr::SimpleImm { dst, .. }
        | Instr::I32Add { dst, .. }
        | Instr::I32AddImm { dst, .. }
        | Instr::I32Sub { dst, .. }
        | Instr::I32SubImm { dst, .. }
        | Instr::I32Mul { dst, .. }
        | Instr::I32MulImm { dst, .. }
        | Instr::I32And { dst, .. }
        | Instr::I32AndImm { dst, .. }
        | Instr::I32Or { dst, .. }
        | Instr::I32OrImm { dst, .. }
        | Instr::I32Xor { dst, .. }
        | Instr::I32XorImm { dst, .. }
        | Instr::I32Shl { dst, .. }
        | Instr::I32ShlImm { dst, .. }
        | Instr::I32ShrS { dst, .. }
        | Instr::I32ShrSImm { dst, .. }
        | Instr::I32ShrU { dst, .. }
        | Instr::I32ShrUImm { dst, .. }
        | Instr::I32Eq { dst, .. }
        | Instr::I32EqImm { dst, .. }
        | Instr::I32Ne { dst, .. }
        | Instr::I32NeImm { dst, .. }
        | Instr::I32LtS { dst, .. }
        | Instr::I32LtSImm { dst, .. }
        | Instr::I32LtU { dst, .. }
        | Instr::I32LtUImm { dst, .. }
        | Instr::I32GtS { dst, .. }
        | Instr::I32GtSImm { dst, .. }
        | Instr::I32GtU { dst, .. }
        | Instr::I32GtUImm { dst, .. }
        | Instr::I32LeS { dst, .. }
        | Instr::I32LeSImm { dst, .. }
        | Instr::I32LeU { dst, .. }
        | Instr::I32LeUImm { dst, .. }
        | Instr::I32GeS { dst, .. }
        | Instr::I32GeSImm { dst, .. }
        | Instr::I32GeU { dst, .. }
        | Instr::I32GeUImm { dst, .. }
        | Instr::I64Add { dst, .. }
        | Instr::I64AddImm { dst, .. }
        | Instr::I64Sub { dst, .. }
        | Instr::I64SubImm { dst, .. }
        | Instr::I64Mul { dst, .. }
        | Instr::I64MulImm { dst, .. }
        | Instr::I64And { dst, .. }
        | Instr::I64AndImm { dst, .. }
        | Instr::I64Or { dst, .. }
        | Instr::I64OrImm { dst, .. }
        | Instr::I64Xor { dst, .. }
        | Instr::I64XorImm { dst, .. }
        | Instr::I64Shl { dst, .. }
        | Instr::I64ShlImm { dst, .. }
        | Instr::I64ShrS { dst, .. }
        | Instr::I64ShrSImm { dst, .. }
        | Instr::I64ShrU { dst, .. }
        | Instr::I64ShrUImm { dst, .. }
        | Instr::I64Eq { dst, .. }
        | Instr::I64EqImm { dst, .. }
        | Instr::I64Ne { dst, .. }
        | Instr::I64NeImm { dst, .. }
        | Instr::I64LtS { dst, .. }
        | Instr::I64LtSImm { dst, .. }
        | Instr::I64LtU { dst, .. }
        | Instr::I64LtUImm { dst, .. }
        | Instr::I64GtS { dst, .. }
        | Instr::I64GtSImm { dst, .. }
        | Instr::I64GtU { dst, .. }
        | Instr::I64GtUImm { dst, .. }
        | Instr::I64LeS { dst, .. }
        | Instr::I64LeSImm { dst, .. }
        | Instr::I64LeU { dst, .. }
        | Instr::I64LeUImm { dst, .. }
        | Instr::I64GeS { dst, .. }
        | Instr::I64GeSImm { dst, .. }
        | Instr::I64GeU { dst, .. }
        | Instr::I64GeUImm { dst, .. }
        | Instr::I32Load { dst, .. }
        | Instr::I64Load { dst, .. }
        | Instr::I32Load8S { dst, .. }
        | Instr::I32Load8U { dst, .. }
        | Instr::I32Load16S { dst, .. }
        | Instr::I32Load16U { dst, .. }
        | Instr::Load { dst, .. }
        | Instr::LoadN { dst, .. }
        | Instr::GlobalGet { dst, .. }
        | Instr::GlobalGet2 { dst, .. }
        | Instr::RefFunc { dst, .. } => *dst = slot,
        other => unreachable!("set_dst on {other:?}"),
    }
}
