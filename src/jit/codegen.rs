//! The single-pass compiler's ISA-free driver (in progress: integer code; see docs/JIT.md).
//!
//! Each operator is validated first (`FuncValidator::op`), then lowered through a `Masm`. An
//! abstract operand stack records where each operand is: in a register, a constant not yet
//! materialized, or in its frame slot (slot `locals + height`). Operands go to their slots only
//! where paths join (branches, block ends, loop headers, `if`) and before calls, so every edge
//! into a label finds the same layout: a block's results in the slots of its entry height.
//! A function whose body uses an operator this compiler does not handle yet is reported as
//! `Unsupported`. Heap accesses rely on guard regions (no bounds checks are emitted yet).

use super::masm::{Cmp, HeapLoad, IntOp, IntUnary, Masm, Reg, Width};
use crate::decode::ops::{MemOp, Operator, SimpleOp};
use crate::module::Module;
use crate::runtime::trap::TrapCode;
use crate::types::{BlockType, ValType};
use crate::validate::func::{FrameKind, FuncValidator};

/// Why a module was not compiled.
#[derive(Debug)]
pub enum CompileError {
    /// Invalid or malformed (the validator's error).
    Invalid(crate::error::Error),
    /// Uses something this compiler does not handle yet.
    Unsupported(String),
}

impl From<crate::error::Error> for CompileError {
    fn from(e: crate::error::Error) -> CompileError {
        CompileError::Invalid(e)
    }
}

type Result<T> = std::result::Result<T, CompileError>;

fn unsupported<T>(what: impl Into<String>) -> Result<T> {
    Err(CompileError::Unsupported(what.into()))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Loc {
    Reg(Reg),
    Const(i64),
    /// In its frame slot.
    Slot,
}

#[derive(Clone, Copy, Debug)]
struct Operand {
    loc: Loc,
    width: Width,
}

struct Control<L> {
    kind: FrameKind,
    /// Operand count below the block's parameters.
    height: usize,
    params: Vec<Width>,
    results: Vec<Width>,
    /// Where branches to the block go (the end, or for loops the header).
    label: L,
    /// For `if`: where the false condition goes.
    else_label: Option<L>,
    /// The rest of the block is unreachable (after a branch, return or trap).
    dead: bool,
    /// The block was entered in unreachable code: nothing in it is emitted.
    dead_on_entry: bool,
}

struct Compiler<'m, M: Masm> {
    module: &'m Module,
    masm: M,
    stack: Vec<Operand>,
    free: Vec<Reg>,
    controls: Vec<Control<M::Label>>,
    locals: Vec<Width>,
}

fn width_of(t: ValType) -> Result<Width> {
    match t {
        ValType::I32 => Ok(Width::W32),
        ValType::I64 => Ok(Width::W64),
        other => unsupported(format!("values of type {other}")),
    }
}

fn widths(types: &[ValType]) -> Result<Vec<Width>> {
    types.iter().map(|&t| width_of(t)).collect()
}

/// Compiles every defined function of `module` with `masm`.
pub fn compile_module<M: Masm>(module: &Module, masm: M) -> Result<M> {
    if module.imported_funcs != 0 {
        return unsupported("imported functions");
    }
    let mut v = FuncValidator::new(module);
    let mut c = Compiler {
        module,
        free: masm.allocatable().to_vec(),
        masm,
        stack: Vec::new(),
        controls: Vec::new(),
        locals: Vec::new(),
    };
    for defined in 0..module.raw.code.len() {
        c.function(&mut v, defined)?;
    }
    Ok(c.masm)
}

impl<M: Masm> Compiler<'_, M> {
    fn function(&mut self, v: &mut FuncValidator<'_>, defined: usize) -> Result<()> {
        let mut ops = v.start(defined)?;
        let ty = self.module.func_type(defined as u32);
        self.locals = widths(v.locals())?;
        let params = ty.params().len() as u32;
        let results = widths(ty.results())?;
        let slots = self.locals.len() as u32 + v_max_height(self.module, defined)?;
        let heap = !self.module.memories.is_empty();
        self.masm.prologue(defined as u32, slots, params, self.locals.len() as u32 - params, heap);
        self.stack.clear();
        self.free = self.masm.allocatable().to_vec();
        let end = self.masm.new_label();
        self.controls = vec![Control {
            kind: FrameKind::Function,
            height: 0,
            params: Vec::new(),
            results,
            label: end,
            else_label: None,
            dead: false,
            dead_on_entry: false,
        }];
        while !v.is_finished() {
            let at = ops.offset();
            let op = ops.read()?;
            v.op(&op, at)?;
            self.lower(&op)?;
        }
        self.masm.end_function();
        Ok(())
    }

    /// The frame slot of the operand at `height`.
    fn slot(&self, height: usize) -> u32 {
        (self.locals.len() + height) as u32
    }

    fn alloc(&mut self) -> Reg {
        if let Some(r) = self.free.pop() {
            return r;
        }
        // Spill the deepest operand held in a register.
        let h = self.stack.iter().position(|o| matches!(o.loc, Loc::Reg(_))).expect("some operand holds a register");
        let Loc::Reg(r) = self.stack[h].loc else { unreachable!() };
        let slot = self.slot(h);
        self.masm.store_slot(slot, r);
        self.stack[h].loc = Loc::Slot;
        r
    }

    fn push_reg(&mut self, r: Reg, width: Width) {
        self.stack.push(Operand { loc: Loc::Reg(r), width });
    }

    /// Pops the top operand into a register the caller owns.
    fn pop_reg(&mut self) -> Reg {
        let o = self.stack.pop().expect("validation keeps the operand stack non-empty here");
        match o.loc {
            Loc::Reg(r) => r,
            Loc::Const(v) => {
                let r = self.alloc();
                self.masm.mov_imm(r, v, o.width);
                r
            }
            Loc::Slot => {
                let r = self.alloc();
                self.masm.load_slot(r, self.slot(self.stack.len()));
                r
            }
        }
    }

    fn release(&mut self, r: Reg) {
        self.free.push(r);
    }

    /// Puts every operand in its frame slot.
    fn spill_all(&mut self) {
        for h in 0..self.stack.len() {
            let slot = self.slot(h);
            match self.stack[h].loc {
                Loc::Reg(r) => {
                    self.masm.store_slot(slot, r);
                    self.free.push(r);
                }
                Loc::Const(v) => self.masm.store_slot_imm(slot, v),
                Loc::Slot => continue,
            }
            self.stack[h].loc = Loc::Slot;
        }
    }

    /// Moves the top `n` operands (all in slots) to the slots at `height..`.
    fn move_top_to(&mut self, n: usize, height: usize) {
        let from = self.stack.len() - n;
        if from != height {
            for i in 0..n {
                self.masm.copy_slot(self.slot(height + i), self.slot(from + i));
            }
        }
    }

    fn block_types(&self, bt: BlockType) -> Result<(Vec<Width>, Vec<Width>)> {
        Ok(match bt {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Value(t) => (Vec::new(), vec![width_of(t)?]),
            BlockType::Func(i) => {
                let ty = &self.module.raw.types[i as usize];
                (widths(ty.params())?, widths(ty.results())?)
            }
        })
    }

    /// Spills, moves the branch values of `depth`'s target into place and jumps there.
    fn branch(&mut self, depth: u32) {
        let target = &self.controls[self.controls.len() - 1 - depth as usize];
        let (label, height) = (target.label, target.height);
        let arity = if target.kind == FrameKind::Loop { target.params.len() } else { target.results.len() };
        self.move_top_to(arity, height);
        self.masm.jump(label);
    }

    fn top_dead(&self) -> bool {
        self.controls.last().is_some_and(|c| c.dead)
    }

    /// Makes the rest of the current block unreachable: its operands are dropped.
    fn set_dead(&mut self) {
        let height = self.controls.last().map_or(0, |c| c.height);
        while self.stack.len() > height {
            if let Some(Operand { loc: Loc::Reg(r), .. }) = self.stack.pop() {
                self.release(r);
            }
        }
        if let Some(c) = self.controls.last_mut() {
            c.dead = true;
        }
    }

    /// Replaces operands above `height` with `widths` in their slots (a join's layout).
    fn reset_stack(&mut self, height: usize, widths: &[Width]) {
        while self.stack.len() > height {
            if let Some(Operand { loc: Loc::Reg(r), .. }) = self.stack.pop() {
                self.release(r);
            }
        }
        self.stack.extend(widths.iter().map(|&width| Operand { loc: Loc::Slot, width }));
    }

    fn lower(&mut self, op: &Operator<'_>) -> Result<()> {
        if self.top_dead() {
            return self.lower_dead(op);
        }
        match op {
            Operator::Nop => {}
            Operator::Unreachable => {
                self.masm.trap(TrapCode::Unreachable);
                self.set_dead();
            }
            Operator::Block(bt) | Operator::Loop(bt) => {
                let (params, results) = self.block_types(*bt)?;
                let is_loop = matches!(op, Operator::Loop(_));
                if is_loop {
                    self.spill_all();
                }
                let label = self.masm.new_label();
                if is_loop {
                    self.masm.bind(label);
                }
                let height = self.stack.len() - params.len();
                let kind = if is_loop { FrameKind::Loop } else { FrameKind::Block };
                self.controls.push(Control {
                    kind,
                    height,
                    params,
                    results,
                    label,
                    else_label: None,
                    dead: false,
                    dead_on_entry: false,
                });
            }
            Operator::If(bt) => {
                let (params, results) = self.block_types(*bt)?;
                let cond = self.pop_reg();
                self.spill_all();
                let (label, else_label) = (self.masm.new_label(), self.masm.new_label());
                self.masm.branch_if_zero(cond, else_label);
                self.release(cond);
                let height = self.stack.len() - params.len();
                self.controls.push(Control {
                    kind: FrameKind::If,
                    height,
                    params,
                    results,
                    label,
                    else_label: Some(else_label),
                    dead: false,
                    dead_on_entry: false,
                });
            }
            Operator::Else => {
                self.spill_all();
                let c = self.controls.last_mut().expect("validated");
                let (label, else_label) = (c.label, c.else_label.take().expect("an if has its else label"));
                let (height, n) = (c.height, c.results.len());
                c.kind = FrameKind::Else;
                self.move_top_to(n, height);
                self.masm.jump(label);
                self.masm.bind(else_label);
                let params = self.controls.last().expect("validated").params.clone();
                self.reset_stack(height, &params);
            }
            Operator::End => self.end_block(),
            Operator::Br(depth) => {
                self.spill_all();
                self.branch(*depth);
                self.set_dead();
            }
            Operator::BrIf(depth) => {
                let cond = self.pop_reg();
                self.spill_all();
                let skip = self.masm.new_label();
                self.masm.branch_if_zero(cond, skip);
                self.release(cond);
                self.branch(*depth);
                self.masm.bind(skip);
            }
            Operator::BrTable(table) => {
                let index = self.pop_reg();
                self.spill_all();
                let targets: Vec<u32> = table.targets().collect();
                for (i, &depth) in targets.iter().enumerate() {
                    let next = self.masm.new_label();
                    let hit = self.masm.new_label();
                    self.masm.branch_if_equal(index, i as u32, hit);
                    self.masm.jump(next);
                    self.masm.bind(hit);
                    self.branch(depth);
                    self.masm.bind(next);
                }
                self.release(index);
                self.branch(table.default);
                self.set_dead();
            }
            Operator::Return => {
                self.spill_all();
                self.branch(self.controls.len() as u32 - 1);
                self.set_dead();
            }
            Operator::Call(f) => {
                let ty = self.module.func_type(*f);
                let (params, results) = (ty.params().len(), widths(ty.results())?);
                self.spill_all();
                let args = self.stack.len() - params;
                self.masm.call(*f, self.slot(args));
                self.stack.truncate(args);
                self.stack.extend(results.iter().map(|&width| Operand { loc: Loc::Slot, width }));
            }
            Operator::Drop => {
                if let Some(Operand { loc: Loc::Reg(r), .. }) = self.stack.pop() {
                    self.release(r);
                }
            }
            Operator::Select | Operator::SelectTyped(_) => {
                let cond = self.pop_reg();
                let width = self.stack[self.stack.len() - 1].width;
                let other = self.pop_reg();
                let dst = self.pop_reg();
                self.masm.select(width, dst, other, cond);
                self.release(other);
                self.release(cond);
                self.push_reg(dst, width);
            }
            Operator::LocalGet(i) => {
                let r = self.alloc();
                self.masm.load_slot(r, *i);
                self.push_reg(r, self.locals[*i as usize]);
            }
            Operator::LocalSet(i) | Operator::LocalTee(i) => {
                let width = self.stack[self.stack.len() - 1].width;
                let r = self.pop_reg();
                self.masm.store_slot(*i, r);
                if matches!(op, Operator::LocalTee(_)) {
                    self.push_reg(r, width);
                } else {
                    self.release(r);
                }
            }
            Operator::GlobalGet(g) => {
                let width = width_of(self.module.globals[*g as usize].content)?;
                let r = self.alloc();
                self.masm.global_get(r, *g);
                self.push_reg(r, width);
            }
            Operator::GlobalSet(g) => {
                width_of(self.module.globals[*g as usize].content)?;
                let r = self.pop_reg();
                self.masm.global_set(*g, r);
                self.release(r);
            }
            Operator::I32Const(v) => self.stack.push(Operand { loc: Loc::Const(*v as i64), width: Width::W32 }),
            Operator::I64Const(v) => self.stack.push(Operand { loc: Loc::Const(*v), width: Width::W64 }),
            Operator::Memory(op, memarg) => self.memory(*op, memarg.offset, memarg.memory)?,
            Operator::Simple(op) => self.simple(*op)?,
            other => return unsupported(other.name()),
        }
        Ok(())
    }

    /// Operators in unreachable code: only the block structure matters.
    fn lower_dead(&mut self, op: &Operator<'_>) -> Result<()> {
        match op {
            Operator::Block(_) | Operator::Loop(_) | Operator::If(_) => {
                let label = self.masm.new_label();
                self.controls.push(Control {
                    kind: FrameKind::Block,
                    height: self.stack.len(),
                    params: Vec::new(),
                    results: Vec::new(),
                    label,
                    else_label: None,
                    dead: true,
                    dead_on_entry: true,
                });
            }
            Operator::Else => {
                let c = self.controls.last_mut().expect("validated");
                if !c.dead_on_entry {
                    // The then-branch ended dead: the else-branch starts live.
                    let else_label = c.else_label.take().expect("an if has its else label");
                    c.kind = FrameKind::Else;
                    c.dead = false;
                    let (height, params) = (c.height, c.params.clone());
                    self.masm.bind(else_label);
                    self.reset_stack(height, &params);
                }
            }
            Operator::End => {
                let c = self.controls.last().expect("validated");
                if c.dead_on_entry {
                    self.controls.pop();
                } else {
                    self.end_block();
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end_block(&mut self) {
        let live = !self.top_dead();
        if live {
            self.spill_all();
        }
        let c = self.controls.pop().expect("validated");
        if live {
            self.move_top_to(c.results.len(), c.height);
        }
        if let Some(else_label) = c.else_label {
            // An `if` without `else`: the false path skips the block with its parameters,
            // which are its results.
            self.masm.bind(else_label);
        }
        if c.kind != FrameKind::Loop {
            self.masm.bind(c.label);
        }
        self.reset_stack(c.height, &c.results);
        if c.kind == FrameKind::Function {
            let first = self.slot(c.height);
            self.masm.epilogue(first, c.results.len() as u32);
        }
    }

    fn memory(&mut self, op: MemOp, offset: u64, memory: u32) -> Result<()> {
        if memory != 0 {
            return unsupported("memories other than memory 0");
        }
        let offset = u32::try_from(offset).or_else(|_| unsupported("64-bit offsets"))?;
        use MemOp::*;
        let load = match op {
            I32Load8U | I64Load8U => Some((HeapLoad::U8, Width::W32)),
            I32Load8S => Some((HeapLoad::S8(Width::W32), Width::W32)),
            I64Load8S => Some((HeapLoad::S8(Width::W64), Width::W64)),
            I32Load16U | I64Load16U => Some((HeapLoad::U16, Width::W32)),
            I32Load16S => Some((HeapLoad::S16(Width::W32), Width::W32)),
            I64Load16S => Some((HeapLoad::S16(Width::W64), Width::W64)),
            I32Load | I64Load32U => Some((HeapLoad::U32, Width::W32)),
            I64Load32S => Some((HeapLoad::S32, Width::W64)),
            I64Load => Some((HeapLoad::U64, Width::W64)),
            _ => None,
        };
        if let Some((kind, width)) = load {
            // i64 loads of 8, 16 or 32 unsigned bits produce an i64 (zero-extended).
            let width = match op {
                I64Load8U | I64Load16U | I64Load32U => Width::W64,
                _ => width,
            };
            let addr = self.pop_reg();
            self.masm.heap_load(kind, addr, addr, offset);
            self.push_reg(addr, width);
            return Ok(());
        }
        let bytes = match op {
            I32Store8 | I64Store8 => 1,
            I32Store16 | I64Store16 => 2,
            I32Store | I64Store32 => 4,
            I64Store => 8,
            other => return unsupported(format!("{other:?}")),
        };
        let value = self.pop_reg();
        let addr = self.pop_reg();
        self.masm.heap_store(bytes, addr, value, offset);
        self.release(value);
        self.release(addr);
        Ok(())
    }

    fn simple(&mut self, op: SimpleOp) -> Result<()> {
        use SimpleOp::*;
        let binary = |op| Some((op, Width::W32));
        let binary64 = |op| Some((op, Width::W64));
        let int_op = match op {
            I32Add => binary(IntOp::Add),
            I32Sub => binary(IntOp::Sub),
            I32Mul => binary(IntOp::Mul),
            I32And => binary(IntOp::And),
            I32Or => binary(IntOp::Or),
            I32Xor => binary(IntOp::Xor),
            I32Shl => binary(IntOp::Shl),
            I32ShrS => binary(IntOp::ShrS),
            I32ShrU => binary(IntOp::ShrU),
            I32Rotl => binary(IntOp::Rotl),
            I32Rotr => binary(IntOp::Rotr),
            I32DivS => binary(IntOp::DivS),
            I32DivU => binary(IntOp::DivU),
            I32RemS => binary(IntOp::RemS),
            I32RemU => binary(IntOp::RemU),
            I64Add => binary64(IntOp::Add),
            I64Sub => binary64(IntOp::Sub),
            I64Mul => binary64(IntOp::Mul),
            I64And => binary64(IntOp::And),
            I64Or => binary64(IntOp::Or),
            I64Xor => binary64(IntOp::Xor),
            I64Shl => binary64(IntOp::Shl),
            I64ShrS => binary64(IntOp::ShrS),
            I64ShrU => binary64(IntOp::ShrU),
            I64Rotl => binary64(IntOp::Rotl),
            I64Rotr => binary64(IntOp::Rotr),
            I64DivS => binary64(IntOp::DivS),
            I64DivU => binary64(IntOp::DivU),
            I64RemS => binary64(IntOp::RemS),
            I64RemU => binary64(IntOp::RemU),
            _ => None,
        };
        if let Some((int_op, width)) = int_op {
            // A constant right operand is an immediate where the ISA has the form.
            if let Some(Operand { loc: Loc::Const(imm), .. }) = self.stack.last().copied() {
                self.stack.pop();
                let dst = self.pop_reg();
                if self.masm.int_op_imm(int_op, width, dst, imm) {
                    self.push_reg(dst, width);
                    return Ok(());
                }
                self.stack.push(Operand { loc: Loc::Reg(dst), width });
                self.stack.push(Operand { loc: Loc::Const(imm), width });
            }
            let src = self.pop_reg();
            let dst = self.pop_reg();
            self.masm.int_op(int_op, width, dst, src);
            self.release(src);
            self.push_reg(dst, width);
            return Ok(());
        }
        let compare = |c| Some((c, Width::W32));
        let compare64 = |c| Some((c, Width::W64));
        let cmp = match op {
            I32Eq => compare(Cmp::Eq),
            I32Ne => compare(Cmp::Ne),
            I32LtS => compare(Cmp::LtS),
            I32LtU => compare(Cmp::LtU),
            I32GtS => compare(Cmp::GtS),
            I32GtU => compare(Cmp::GtU),
            I32LeS => compare(Cmp::LeS),
            I32LeU => compare(Cmp::LeU),
            I32GeS => compare(Cmp::GeS),
            I32GeU => compare(Cmp::GeU),
            I64Eq => compare64(Cmp::Eq),
            I64Ne => compare64(Cmp::Ne),
            I64LtS => compare64(Cmp::LtS),
            I64LtU => compare64(Cmp::LtU),
            I64GtS => compare64(Cmp::GtS),
            I64GtU => compare64(Cmp::GtU),
            I64LeS => compare64(Cmp::LeS),
            I64LeU => compare64(Cmp::LeU),
            I64GeS => compare64(Cmp::GeS),
            I64GeU => compare64(Cmp::GeU),
            _ => None,
        };
        if let Some((cmp, width)) = cmp {
            let src = self.pop_reg();
            let dst = self.pop_reg();
            self.masm.compare(cmp, width, dst, src);
            self.release(src);
            self.push_reg(dst, Width::W32);
            return Ok(());
        }
        let (unary, width, result) = match op {
            I32Eqz => (IntUnary::Eqz, Width::W32, Width::W32),
            I64Eqz => (IntUnary::Eqz, Width::W64, Width::W32),
            I32Clz => (IntUnary::Clz, Width::W32, Width::W32),
            I32Ctz => (IntUnary::Ctz, Width::W32, Width::W32),
            I32Popcnt => (IntUnary::Popcnt, Width::W32, Width::W32),
            I64Clz => (IntUnary::Clz, Width::W64, Width::W64),
            I64Ctz => (IntUnary::Ctz, Width::W64, Width::W64),
            I64Popcnt => (IntUnary::Popcnt, Width::W64, Width::W64),
            I32Extend8S => (IntUnary::Extend8S, Width::W32, Width::W32),
            I32Extend16S => (IntUnary::Extend16S, Width::W32, Width::W32),
            I64Extend8S => (IntUnary::Extend8S, Width::W64, Width::W64),
            I64Extend16S => (IntUnary::Extend16S, Width::W64, Width::W64),
            I64Extend32S | I64ExtendI32S => (IntUnary::Extend32S, Width::W64, Width::W64),
            I64ExtendI32U => (IntUnary::Wrap32, Width::W64, Width::W64),
            I32WrapI64 => (IntUnary::Wrap32, Width::W64, Width::W32),
            other => return unsupported(other.name()),
        };
        let r = self.pop_reg();
        if !self.masm.int_unary(unary, width, r) {
            return unsupported(format!("{} on this CPU", op.name()));
        }
        self.push_reg(r, result);
        Ok(())
    }
}

/// The most operand slots function `defined` uses (its validated maximum height).
fn v_max_height(module: &Module, defined: usize) -> Result<u32> {
    let mut v = FuncValidator::new(module);
    v.validate(defined)?;
    Ok(v.max_height_slots())
}
