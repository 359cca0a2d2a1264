//! The single-pass compiler's ISA-free driver (see docs/JIT.md).
//!
//! Each operator is validated first (`FuncValidator::op`), then lowered through a `Masm`. An
//! abstract operand stack records where each operand is: in a register, a constant not yet
//! materialized, or in its frame slot (slot `locals + height`). Operands go to their slots only
//! where paths join (branches, block ends, loop headers, `if`) and before calls, so every edge
//! into a label finds the same layout: a block's results in the slots of its entry height.
//! A function whose body uses an operator this compiler does not handle yet is reported as
//! `Unsupported`. Heap accesses are kept in bounds by the ISA layer (guard regions or explicit
//! checks, see `x64::masm::Bounds`). A large module is compiled in parts, ranges of its
//! functions, on threads of their own (`compile_parts`), laid end to end in executable memory
//! (`jit::place`).

use std::ops::Range;
use std::rc::Rc;

use super::builtins as b;
use super::masm::{
    BuiltinArg, Class, Cmp, Convert, Finished, FloatOp, FloatUnary, HeapLoad, Index, IntOp, IntUnary, Masm, Prec, Reg,
    Rhs, Signature, Width,
};
use crate::decode::ops::{MemKind, MemOp, Operator, OperatorReader, SimpleOp};
use crate::decode::reader::Reader;
use crate::module::Module;
use crate::runtime::trap::TrapCode;
use crate::semantics::simd::SimdFn;
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

/// The type of an operand this compiler handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    I32,
    I64,
    F32,
    F64,
    /// funcref or externref: a raw reference (see `runtime::value`) in a 64-bit register.
    Ref,
    /// In a float register, or a 16-byte slot.
    V128,
}

impl Kind {
    fn of(t: ValType) -> Result<Kind> {
        match t {
            ValType::I32 => Ok(Kind::I32),
            ValType::I64 => Ok(Kind::I64),
            ValType::F32 => Ok(Kind::F32),
            ValType::F64 => Ok(Kind::F64),
            ValType::FuncRef | ValType::ExternRef => Ok(Kind::Ref),
            ValType::V128 => Ok(Kind::V128),
        }
    }

    /// The precision of a float kind.
    fn prec(self) -> Option<Prec> {
        match self {
            Kind::F32 => Some(Prec::F32),
            Kind::F64 => Some(Prec::F64),
            _ => None,
        }
    }

    /// How values of the kind travel between compiled functions.
    fn class(self) -> Class {
        match self {
            Kind::I32 | Kind::I64 | Kind::Ref => Class::Int,
            Kind::F32 | Kind::F64 => Class::Float,
            Kind::V128 => Class::V128,
        }
    }

    /// Whether values of the kind live in float registers.
    fn xmm(self) -> bool {
        matches!(self, Kind::F32 | Kind::F64 | Kind::V128)
    }

    /// The width of an integer kind (or of the float's bits).
    fn width(self) -> Width {
        match self {
            Kind::I32 | Kind::F32 => Width::W32,
            Kind::I64 | Kind::F64 | Kind::Ref | Kind::V128 => Width::W64,
        }
    }

    fn int(width: Width) -> Kind {
        match width {
            Width::W32 => Kind::I32,
            Width::W64 => Kind::I64,
        }
    }

    fn float(prec: Prec) -> Kind {
        match prec {
            Prec::F32 => Kind::F32,
            Prec::F64 => Kind::F64,
        }
    }
}

/// How each of `kinds` travels in calls.
fn classes(kinds: &[Kind]) -> Vec<Class> {
    kinds.iter().map(|k| k.class()).collect()
}

/// The parameter and result kinds of a function type or block type, and how they travel in
/// calls: made once per type (`Types`) and shared by every block, call and function of it.
struct Sig {
    params: Vec<Kind>,
    results: Vec<Kind>,
    param_classes: Vec<Class>,
    result_classes: Vec<Class>,
}

impl Sig {
    fn new(params: Vec<Kind>, results: Vec<Kind>) -> Rc<Sig> {
        let (param_classes, result_classes) = (classes(&params), classes(&results));
        Rc::new(Sig { params, results, param_classes, result_classes })
    }

    fn signature(&self) -> Signature<'_> {
        Signature { params: &self.param_classes, results: &self.result_classes }
    }
}

/// The `Sig` of each of a module's types, and of the block types without a type index.
struct Types {
    /// By type index.
    indexed: Vec<Rc<Sig>>,
    empty: Rc<Sig>,
    /// By the result's `Kind` (as an index).
    single: Vec<Rc<Sig>>,
}

impl Types {
    fn new(module: &Module) -> Result<Types> {
        let indexed = module.raw.types.iter().map(|t| Ok(Sig::new(kinds(t.params())?, kinds(t.results())?)));
        let single = [Kind::I32, Kind::I64, Kind::F32, Kind::F64, Kind::Ref, Kind::V128];
        debug_assert!(single.iter().enumerate().all(|(i, &k)| k as usize == i), "indexed by kind");
        Ok(Types {
            indexed: indexed.collect::<Result<_>>()?,
            empty: Sig::new(Vec::new(), Vec::new()),
            single: single.iter().map(|&k| Sig::new(Vec::new(), vec![k])).collect(),
        })
    }

    /// The `Sig` of function `index` of `module`'s function index space.
    fn func(&self, module: &Module, index: u32) -> &Rc<Sig> {
        &self.indexed[module.funcs[index as usize] as usize]
    }

    fn block(&self, bt: BlockType) -> Result<Rc<Sig>> {
        Ok(match bt {
            BlockType::Empty => self.empty.clone(),
            BlockType::Value(t) => self.single[Kind::of(t)? as usize].clone(),
            BlockType::Func(i) => self.indexed[i as usize].clone(),
        })
    }
}

/// How values of type `t` travel between compiled functions.
pub fn class_of(t: ValType) -> Class {
    match t {
        ValType::I32 | ValType::I64 | ValType::FuncRef | ValType::ExternRef => Class::Int,
        ValType::F32 | ValType::F64 => Class::Float,
        ValType::V128 => Class::V128,
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Loc {
    Reg(Reg),
    /// The value of the local that lives in this register (`local_regs`), read where it is
    /// used: an operation that only reads the operand takes the register itself
    /// (`pop_src`); a write to the local first copies it (`materialize_local`).
    Local(Reg),
    Const(i64),
    /// The value of the local in this register plus a constant (of the operand's width) or
    /// another local's value, not computed yet: a `local.set` computes it straight into its
    /// local's register, anything else into an operand's (`materialize`).
    LocalPlus(Reg, Rhs),
    /// In its frame slot.
    Slot,
    /// An integer comparison not yet computed: `br_if` and `if` branch on it directly; anything
    /// else materializes it (into `a`).
    Compare {
        cmp: Cmp,
        width: Width,
        a: Reg,
        b: Rhs,
    },
}

/// An operand: where it is, and its type (a constant float holds its bits).
#[derive(Clone, Copy, Debug)]
struct Operand {
    loc: Loc,
    kind: Kind,
}

/// The condition of a branch.
enum Condition {
    Compare(Cmp, Width, Reg, Rhs),
    Reg(Reg),
}

struct Control<L> {
    kind: FrameKind,
    /// Operand count below the block's parameters.
    height: usize,
    /// Its parameters and results.
    ty: Rc<Sig>,
    /// Where branches to the block go (the end, or for loops the header).
    label: L,
    /// For `if`: where the false condition goes.
    else_label: Option<L>,
    /// The rest of the block is unreachable (after a branch, return or trap).
    dead: bool,
    /// The block was entered in unreachable code: nothing in it is emitted.
    dead_on_entry: bool,
    /// Some branch goes to `label`.
    branched: bool,
    /// For a block or `if` with no parameters and one result: the register the result reaches
    /// the end in, from every branch and fallthrough (other blocks take theirs in slots).
    result_register: Option<Reg>,
    /// The then-branch of an `if` reached the end.
    fell_through: bool,
}

struct Compiler<'m, M: Masm> {
    module: &'m Module,
    types: Types,
    masm: M,
    stack: Vec<Operand>,
    /// Free integer and float registers.
    free: Vec<Reg>,
    free_float: Vec<Reg>,
    controls: Vec<Control<M::Label>>,
    locals: Vec<Kind>,
    /// The register each local lives in for the whole function, if any (else its slot).
    local_regs: Vec<Option<Reg>>,
    /// Whether the code counts fuel.
    fuel: bool,
    /// The local the previous operator was a `local.tee` of, its value still in the top
    /// operand's register.
    teed: Option<u32>,
    /// The registers (a bit per number) of the integer operands whose upper 32 bits are known
    /// to be zero: i32 results of the operations `Masm` says write 32 bits (see
    /// `push_written`). A memory access uses such an index as it is.
    extended: u32,
    /// Scratch for `spill_for_call`: the operands that go to parameter registers.
    moves: Vec<(usize, Reg)>,
}

/// Locals that live in registers: (local index, register).
type LocalRegisters = Vec<(u32, Reg)>;

fn kinds(types: &[ValType]) -> Result<Vec<Kind>> {
    types.iter().map(|&t| Kind::of(t)).collect()
}

/// Compiles defined functions `range` of `module` with `masm` (validating them on the way);
/// with `fuel`, the code counts fuel as the engine's configuration asks. A call of a function
/// outside the range is left open (`Masm::patch_call`).
pub fn compile_functions<M: Masm>(module: &Module, masm: M, fuel: bool, range: Range<u32>) -> Result<M> {
    let mut v = FuncValidator::new(module);
    let mut c = Compiler {
        module,
        types: Types::new(module)?,
        free: Vec::new(),
        free_float: Vec::new(),
        masm,
        stack: Vec::new(),
        controls: Vec::new(),
        locals: Vec::new(),
        local_regs: Vec::new(),
        fuel,
        teed: None,
        extended: 0,
        moves: Vec::new(),
    };
    for defined in range {
        c.function(&mut v, defined as usize)?;
    }
    Ok(c.masm)
}

/// The entry trampoline of every defined function of `module`, in order.
pub fn entry_trampolines<M: Masm>(module: &Module, masm: &mut M) -> Result<()> {
    let heap = !module.memories.is_empty();
    let types = Types::new(module)?;
    for defined in 0..module.raw.code.len() as u32 {
        let ty = types.func(module, module.imported_funcs + defined);
        masm.entry_trampoline(defined, ty.signature(), heap);
    }
    Ok(())
}

/// Splits `module`'s defined functions into at most `parts` ranges, in order, of about the same
/// number of body bytes each (a function is never split, so some ranges may be empty).
pub fn split(module: &Module, parts: usize) -> Vec<Range<u32>> {
    let bodies = &module.raw.code;
    let total: usize = bodies.iter().map(|b| b.ops.len()).sum();
    let mut ranges = Vec::with_capacity(parts);
    let (mut start, mut done) = (0, 0);
    for k in 1..=parts {
        // The part ends where the bytes compiled so far first reach k/parts of the total.
        let goal = total * k / parts;
        let mut end = start;
        while end < bodies.len() && (done < goal || k == parts) {
            done += bodies[end].ops.len();
            end += 1;
        }
        ranges.push(start as u32..end as u32);
        start = end;
    }
    ranges
}

/// Compiles `module` in parts, the functions of each of `ranges` (in order, covering them all)
/// with a masm of its own from `new_masm` (given the range), on `threads` threads (this one and
/// others it starts, as many as it can), each taking the next part not yet taken until none is
/// left: the parts' code, in order, for `jit::place`. The entry trampolines go with the first
/// part. Reports the error of the first part that has one, as a compilation in one piece would.
pub fn compile_parts<M: Masm + Send>(
    module: &Module,
    fuel: bool,
    ranges: &[Range<u32>],
    threads: usize,
    new_masm: &(dyn Fn(Range<u32>) -> M + Sync),
) -> Result<Vec<Finished>> {
    let compile = |k: usize| -> Result<Finished> {
        let mut masm = compile_functions(module, new_masm(ranges[k].clone()), fuel, ranges[k].clone())?;
        if k == 0 {
            entry_trampolines(module, &mut masm)?;
        }
        Ok(masm.finish())
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if k >= ranges.len() {
                return done;
            }
            done.push((k, compile(k)));
        }
    };
    let mut parts = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads.min(ranges.len()))
            .filter_map(|_| std::thread::Builder::new().name("wasmrt-compile".into()).spawn_scoped(s, work).ok())
            .collect();
        let mut parts = work();
        for helper in helpers {
            parts.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        parts
    });
    parts.sort_unstable_by_key(|part| part.0);
    parts.into_iter().map(|part| part.1).collect()
}

impl<M: Masm> Compiler<'_, M> {
    fn function(&mut self, v: &mut FuncValidator<'_>, defined: usize) -> Result<()> {
        let ops = v.start(defined)?;
        let ty = self.types.func(self.module, self.module.imported_funcs + defined as u32).clone();
        self.locals = kinds(v.locals())?;
        let params = ty.params.len() as u32;
        let (registers, float_registers) = self.local_registers(ops.clone());
        self.local_regs.clear();
        self.local_regs.resize(self.locals.len(), None);
        for &(local, r) in registers.iter().chain(&float_registers) {
            self.local_regs[local as usize] = Some(r);
        }
        // A trap in the prologue's checks belongs to the caller.
        self.masm.set_offset(super::masm::ENTRY);
        let locals = self.locals.len() as u32 - params;
        let int_registers: Vec<_> =
            registers.iter().map(|&(local, r)| (local, r, self.locals[local as usize].width())).collect();
        self.masm.prologue(defined as u32, ty.signature(), locals, &int_registers, &float_registers);
        self.masm.check_interrupt_and_fuel(self.fuel);
        self.stack.clear();
        self.free.clear();
        self.free.extend_from_slice(self.masm.allocatable());
        self.free_float.clear();
        self.free_float.extend_from_slice(self.masm.allocatable_float());
        let end = self.masm.new_label();
        self.controls.clear();
        self.controls.push(Control {
            kind: FrameKind::Function,
            height: 0,
            ty,
            label: end,
            else_label: None,
            dead: false,
            dead_on_entry: false,
            branched: false,
            result_register: None,
            fell_through: false,
        });
        v.walk(ops, |v, op, at| {
            v.op(op, at)?;
            self.masm.set_offset(at as u32);
            self.lower(op)
        })?;
        self.masm.end_function(self.locals.len() as u32 + v.max_height_slots());
        Ok(())
    }

    /// Which integer and float (f32, f64, v128) locals live in registers
    /// (`Masm::local_registers`, `float_local_registers`) for the whole function: all of them
    /// if they fit; else the most used ones, counting a use inside a loop 8 times per loop
    /// around it (up to three), of those used at least twice. Counting reads the body once
    /// ahead of the compilation; an invalid body ends the count, and the compilation reports it.
    fn local_registers(&self, ops: OperatorReader<'_>) -> (LocalRegisters, LocalRegisters) {
        const INTEGER: &[Kind] = &[Kind::I32, Kind::I64];
        const FLOAT: &[Kind] = &[Kind::F32, Kind::F64, Kind::V128];
        let (available, available_float) = (self.masm.local_registers(), self.masm.float_local_registers());
        let count = |kinds: &[Kind]| self.locals.iter().filter(|k| kinds.contains(k)).count();
        let weight = if count(INTEGER) <= available.len() && count(FLOAT) <= available_float.len() {
            // Every local gets a register: no need to count.
            vec![2; self.locals.len()]
        } else {
            self.local_weights(ops)
        };
        let pick = |kinds: &[Kind], available: &[Reg]| {
            let mut candidates: Vec<u32> = (0..self.locals.len() as u32)
                .filter(|&i| kinds.contains(&self.locals[i as usize]) && weight[i as usize] >= 2)
                .collect();
            // The heaviest first; among equals, the lowest index.
            candidates.sort_by_key(|&i| (std::cmp::Reverse(weight[i as usize]), i));
            candidates.iter().zip(available).map(|(&i, &r)| (i, r)).collect()
        };
        (pick(INTEGER, available), pick(FLOAT, available_float))
    }

    /// How much each local is used (see `local_registers`).
    fn local_weights(&self, mut ops: OperatorReader<'_>) -> Vec<u32> {
        let mut weight = vec![0u32; self.locals.len()];
        let (mut blocks, mut loops) = (Vec::new(), 0u32);
        while !ops.is_empty() {
            let Ok(op) = ops.read() else { break };
            match op {
                Operator::Block(_) | Operator::If(_) => blocks.push(false),
                Operator::Loop(_) => {
                    blocks.push(true);
                    loops += 1;
                }
                Operator::End => loops -= u32::from(blocks.pop() == Some(true)),
                Operator::LocalGet(i) | Operator::LocalSet(i) | Operator::LocalTee(i) => {
                    if let Some(w) = weight.get_mut(i as usize) {
                        *w = w.saturating_add(1 << (3 * loops.min(3)));
                    }
                }
                _ => {}
            }
        }
        weight
    }

    /// The frame slot of the operand at `height`.
    fn slot(&self, height: usize) -> u32 {
        (self.locals.len() + height) as u32
    }

    /// A free register for a value of `kind`, spilling the deepest operand of that class if
    /// none is free.
    fn alloc(&mut self, kind: Kind) -> Reg {
        let float = kind.xmm();
        let free = if float { &mut self.free_float } else { &mut self.free };
        if let Some(r) = free.pop() {
            return r;
        }
        if !float && !self.stack.iter().any(|o| matches!(o.loc, Loc::Reg(_)) && !o.kind.xmm()) {
            // Only pending comparisons hold integer registers: computing one that holds one
            // leaves its result in one of them and frees the other, if any.
            let holds = |r: Reg| !self.is_local_register(r);
            let h = self
                .stack
                .iter()
                .position(|o| match o.loc {
                    Loc::Compare { a, b, .. } => holds(a) || matches!(b, Rhs::Reg(r) if holds(r)),
                    _ => false,
                })
                .expect("a comparison holding a register");
            self.materialize(h);
            if let Some(r) = self.free.pop() {
                return r;
            }
        }
        let h = self
            .stack
            .iter()
            .position(|o| matches!(o.loc, Loc::Reg(_)) && o.kind.xmm() == float)
            .expect("some operand holds a register of the class");
        let Loc::Reg(r) = self.stack[h].loc else { unreachable!() };
        self.store(h, r);
        self.stack[h].loc = Loc::Slot;
        r
    }

    /// Computes a pending comparison at `height` into its first register, or a pending sum
    /// into a new one.
    fn materialize(&mut self, height: usize) {
        match self.stack[height].loc {
            Loc::Compare { cmp, width, a, b } => {
                // Into the comparison's first register, or when that is a local's, its second,
                // or else a new one (`alloc` only computes comparisons that hold a register).
                let dst = match b {
                    _ if !self.is_local_register(a) => a,
                    Rhs::Reg(r) if !self.is_local_register(r) => r,
                    _ => self.alloc(Kind::I32),
                };
                self.masm.compare(cmp, width, dst, a, b);
                if dst != a {
                    self.release(a, Kind::I64);
                }
                if b != Rhs::Reg(dst) {
                    self.release_rhs(b);
                }
                self.set_extended(dst, false);
                self.stack[height].loc = Loc::Reg(dst);
            }
            Loc::LocalPlus(local, addend) => {
                let width = self.stack[height].kind.width();
                let r = self.alloc(self.stack[height].kind);
                self.masm.add_from(width, r, local, addend);
                self.set_extended(r, width == Width::W32);
                self.stack[height].loc = Loc::Reg(r);
            }
            _ => {}
        }
    }

    /// Stores the register of the operand at `height` in its slot.
    fn store(&mut self, height: usize, r: Reg) {
        let slot = self.slot(height);
        self.store_kind(self.stack[height].kind, slot, r);
    }

    /// Stores register `r` holding a value of `kind` in `slot`.
    fn store_kind(&mut self, kind: Kind, slot: u32, r: Reg) {
        match kind {
            Kind::V128 => self.masm.v128_store_slot(slot, r),
            Kind::F32 => self.masm.float_store_slot(Prec::F32, slot, r),
            Kind::F64 => self.masm.float_store_slot(Prec::F64, slot, r),
            _ => self.masm.store_slot(slot, r),
        }
    }

    /// Loads a value of `kind` from `slot` into `r`.
    fn load_kind(&mut self, kind: Kind, r: Reg, slot: u32) {
        match kind {
            Kind::V128 => self.masm.v128_load_slot(r, slot),
            Kind::F32 => self.masm.float_load_slot(Prec::F32, r, slot),
            Kind::F64 => self.masm.float_load_slot(Prec::F64, r, slot),
            Kind::I32 => self.masm.load_slot(r, slot, Width::W32),
            _ => self.masm.load_slot(r, slot, Width::W64),
        }
    }

    /// Copies register `src` to `dst`, both of `kind`'s class.
    fn mov_kind(&mut self, kind: Kind, dst: Reg, src: Reg) {
        if kind.xmm() {
            self.masm.float_mov(dst, src);
        } else {
            self.masm.mov(dst, src, if kind == Kind::I32 { Width::W32 } else { Width::W64 });
        }
    }

    /// Notes whether the operand register `r` is known to hold a zero-extended i32.
    fn set_extended(&mut self, r: Reg, extended: bool) {
        self.extended = if extended { self.extended | 1 << r } else { self.extended & !(1 << r) };
    }

    fn push_reg(&mut self, r: Reg, kind: Kind) {
        self.set_extended(r, false);
        self.stack.push(Operand { loc: Loc::Reg(r), kind });
    }

    /// Pushes a value of `kind` in `r` that an operation of its own width just wrote: an i32
    /// written with a 32-bit operation has its upper half zero (`Masm`: 32-bit integer
    /// operations, i32 loads and moves).
    fn push_written(&mut self, r: Reg, kind: Kind) {
        self.stack.push(Operand { loc: Loc::Reg(r), kind });
        self.set_extended(r, kind == Kind::I32);
    }

    /// Pushes the integer result of an operation of `width` in `r`.
    fn push_int(&mut self, r: Reg, width: Width) {
        self.push_written(r, Kind::int(width));
    }

    /// Pops the top operand into a register the caller owns.
    fn pop_reg(&mut self) -> Reg {
        self.materialize(self.stack.len() - 1);
        let o = self.stack.pop().expect("validation keeps the operand stack non-empty here");
        match o.loc {
            Loc::Reg(r) => r,
            Loc::Compare { .. } | Loc::LocalPlus(..) => unreachable!("materialized above"),
            Loc::Local(local) => {
                let r = self.alloc(o.kind);
                self.mov_kind(o.kind, r, local);
                r
            }
            Loc::Const(v) => {
                let r = self.alloc(o.kind);
                match o.kind.prec() {
                    Some(p) => self.masm.float_const(p, r, v as u64),
                    None => self.masm.mov_imm(r, v, o.kind.width()),
                }
                r
            }
            Loc::Slot => {
                let r = self.alloc(o.kind);
                let slot = self.slot(self.stack.len());
                self.load_kind(o.kind, r, slot);
                r
            }
        }
    }

    /// The kind of the top operand.
    fn top_kind(&self) -> Kind {
        self.stack[self.stack.len() - 1].kind
    }

    /// Frees a register the caller owns; a local's register (from `pop_src`) stays the
    /// local's.
    fn release(&mut self, r: Reg, kind: Kind) {
        if kind.xmm() {
            if !self.masm.float_local_registers().contains(&r) {
                self.free_float.push(r);
            }
        } else if !self.masm.local_registers().contains(&r) {
            self.free.push(r);
        }
    }

    /// Frees the register of a comparison's right operand, if it has one.
    fn release_rhs(&mut self, b: Rhs) {
        if let Rhs::Reg(r) = b {
            self.release(r, Kind::I64);
        }
    }

    /// Pops the top operand into a register that the caller only reads: a local's own
    /// register, or one the caller owns as from `pop_reg` (either way it hands it to
    /// `release`).
    fn pop_src(&mut self) -> Reg {
        match self.stack.last().map(|o| o.loc) {
            Some(Loc::Local(local)) => {
                self.stack.pop();
                local
            }
            _ => self.pop_reg(),
        }
    }

    /// Before a write to the local in register `local`: the operands that read its value
    /// get copies of it, and the pending comparisons and sums that read it are computed.
    fn materialize_local(&mut self, local: Reg) {
        for h in 0..self.stack.len() {
            if matches!(self.stack[h].loc, Loc::LocalPlus(l, addend) if l == local || addend == Rhs::Reg(local)) {
                self.materialize(h);
            }
            if let Loc::Compare { a, b, .. } = self.stack[h].loc {
                if (a == local || b == Rhs::Reg(local)) && self.is_local_register(local) {
                    self.materialize(h);
                }
            }
            if self.stack[h].loc == Loc::Local(local) {
                let kind = self.stack[h].kind;
                let r = self.alloc(kind);
                self.mov_kind(kind, r, local);
                self.set_extended(r, false);
                self.stack[h].loc = Loc::Reg(r);
            }
        }
    }

    /// Whether `r` is an integer local's register (which no operand owns).
    fn is_local_register(&self, r: Reg) -> bool {
        self.masm.local_registers().contains(&r)
    }

    /// Pops and discards the top operand.
    fn drop_top(&mut self) {
        match self.stack.pop() {
            Some(Operand { loc: Loc::Reg(r), kind }) => self.release(r, kind),
            Some(Operand { loc: Loc::Compare { a, b, .. }, .. }) => {
                self.release(a, Kind::I64);
                self.release_rhs(b);
            }
            _ => {}
        }
    }

    /// Pops the condition of a branch: a pending comparison (its registers stay the caller's
    /// until it releases them), or a register holding an i32.
    fn pop_condition(&mut self) -> Condition {
        match self.stack.last().map(|o| o.loc) {
            Some(Loc::Compare { cmp, width, a, b }) => {
                self.stack.pop();
                Condition::Compare(cmp, width, a, b)
            }
            _ => Condition::Reg(self.pop_src()),
        }
    }

    /// Emits a jump to `label` taken when `condition` is `when`, then releases its registers.
    fn branch_on(&mut self, condition: Condition, when: bool, label: M::Label) {
        match condition {
            Condition::Compare(cmp, width, a, b) => {
                self.masm.branch_if_compare(cmp, width, a, b, when, label);
                self.release(a, Kind::I64);
                self.release_rhs(b);
            }
            Condition::Reg(r) => {
                if when {
                    self.masm.branch_if_nonzero(r, label);
                } else {
                    self.masm.branch_if_zero(r, label);
                }
                self.release(r, Kind::I32);
            }
        }
    }

    /// Puts every operand in its frame slot.
    fn spill_all(&mut self) {
        self.spill_below(self.stack.len());
    }

    /// Puts the operands below `height` in their frame slots.
    fn spill_below(&mut self, height: usize) {
        for h in 0..height {
            self.materialize(h);
            match self.stack[h].loc {
                Loc::Compare { .. } | Loc::LocalPlus(..) => unreachable!("materialized above"),
                Loc::Reg(r) | Loc::Local(r) => {
                    self.store(h, r);
                    self.release(r, self.stack[h].kind);
                }
                Loc::Const(v) => self.masm.store_slot_imm(self.slot(h), v),
                Loc::Slot => continue,
            }
            self.stack[h].loc = Loc::Slot;
        }
    }

    /// Before a call of compiled code with the arguments at `args..`: puts every other operand
    /// in its slot, and each argument in its parameter register (`Masm::param_register`) or,
    /// without one, in its slot. The registers are written last, after any spill that may use
    /// scratch registers.
    fn spill_for_call(&mut self, args: usize) {
        let mut moves = std::mem::take(&mut self.moves);
        moves.clear();
        for h in 0..self.stack.len() {
            let kind = self.stack[h].kind;
            let register = h.checked_sub(args).and_then(|i| self.masm.param_register(i, kind.class()));
            if register.is_none() || !matches!(self.stack[h].loc, Loc::LocalPlus(..)) {
                // (A local plus a constant goes straight into its parameter register below.)
                self.materialize(h);
            }
            match (register, self.stack[h].loc) {
                (Some(to), _) => moves.push((h, to)),
                (None, Loc::Reg(r) | Loc::Local(r)) => {
                    self.store(h, r);
                    self.release(r, kind);
                }
                (None, Loc::Const(v)) => self.masm.store_slot_imm(self.slot(h), v),
                (None, Loc::Slot) => {}
                (None, Loc::Compare { .. } | Loc::LocalPlus(..)) => unreachable!("materialized above"),
            }
            if register.is_none() {
                self.stack[h].loc = Loc::Slot;
            }
        }
        for &(h, to) in &moves {
            let kind = self.stack[h].kind;
            match self.stack[h].loc {
                Loc::Reg(r) | Loc::Local(r) => {
                    self.mov_kind(kind, to, r);
                    self.release(r, kind);
                }
                Loc::Const(v) => match kind.prec() {
                    Some(p) => self.masm.float_const(p, to, v as u64),
                    None => self.masm.mov_imm(to, v, kind.width()),
                },
                Loc::Slot => self.load_kind(kind, to, self.slot(h)),
                Loc::LocalPlus(local, addend) => self.masm.add_from(kind.width(), to, local, addend),
                Loc::Compare { .. } => unreachable!("materialized above"),
            }
            self.stack[h].loc = Loc::Slot;
        }
        self.moves = moves;
    }

    /// After a call that took the operands from `args` on: its `results`, the first from its
    /// result register, the others in their slots.
    fn push_call_results(&mut self, args: usize, results: &[Kind]) {
        self.stack.truncate(args);
        if let Some(&kind) = results.first() {
            let r = self.alloc(kind);
            let from = self.masm.result_register(kind.class());
            self.mov_kind(kind, r, from);
            self.push_reg(r, kind);
        }
        self.stack.extend(results.iter().skip(1).map(|&kind| Operand { loc: Loc::Slot, kind }));
    }

    /// Moves the top `n` operands (all in slots) to the slots at `height..`.
    fn move_top_to(&mut self, n: usize, height: usize) {
        let from = self.stack.len() - n;
        if from != height {
            for i in 0..n {
                let class = self.stack[from + i].kind.class();
                self.masm.copy_slot(class, self.slot(height + i), self.slot(from + i));
            }
        }
    }

    /// A branch to `depth`: its target's label, and the height and number of the values it
    /// takes there.
    fn target(&mut self, depth: u32) -> (M::Label, usize, usize) {
        let k = self.controls.len() - 1 - depth as usize;
        let target = &mut self.controls[k];
        target.branched = true;
        let arity = if target.kind == FrameKind::Loop { target.ty.params.len() } else { target.ty.results.len() };
        (target.label, target.height, arity)
    }

    /// With every operand in its slot: moves the branch values of `depth`'s target into place
    /// (its slots, or its result register) and jumps there.
    fn branch(&mut self, depth: u32) {
        let (label, height, arity) = self.target(depth);
        match self.controls[self.controls.len() - 1 - depth as usize].result_register {
            Some(r) => {
                let top = self.stack.len() - 1;
                self.load_kind(self.stack[top].kind, r, self.slot(top));
            }
            None => self.move_top_to(arity, height),
        }
        self.masm.jump(label);
    }

    /// The register in which the result of a block with `params` and `results` reaches its
    /// end, if it has one: with no parameters and one result, the first register `alloc`
    /// hands out when all are free, so a result just computed is often there already.
    fn result_register(&self, params: &[Kind], results: &[Kind]) -> Option<Reg> {
        match (params, results) {
            ([], [kind]) if kind.xmm() => self.masm.allocatable_float().last().copied(),
            ([], [_]) => self.masm.allocatable().last().copied(),
            _ => None,
        }
    }

    /// Falls through to the end of the innermost block (its end, or an `if`'s `else`): puts
    /// every operand in its slot, then moves the block's results where its end takes them (its
    /// slots, or the result register, straight from wherever the result is).
    fn fall_through_to_end(&mut self) {
        let c = self.controls.last().expect("validated");
        let (height, n, result_register) = (c.height, c.ty.results.len(), c.result_register);
        let Some(to) = result_register else {
            self.spill_all();
            self.move_top_to(n, height);
            return;
        };
        let top = self.stack.len() - 1;
        self.spill_below(top);
        self.materialize(top);
        let kind = self.stack[top].kind;
        match self.stack[top].loc {
            Loc::Reg(r) | Loc::Local(r) => {
                if r != to {
                    self.mov_kind(kind, to, r);
                }
                self.release(r, kind);
            }
            Loc::Const(v) => match kind.prec() {
                Some(p) => self.masm.float_const(p, to, v as u64),
                None => self.masm.mov_imm(to, v, kind.width()),
            },
            Loc::Slot => self.load_kind(kind, to, self.slot(top)),
            Loc::Compare { .. } | Loc::LocalPlus(..) => unreachable!("materialized above"),
        }
        self.stack.pop();
    }

    fn top_dead(&self) -> bool {
        self.controls.last().is_some_and(|c| c.dead)
    }

    /// Makes the rest of the current block unreachable: its operands are dropped.
    fn set_dead(&mut self) {
        let height = self.controls.last().map_or(0, |c| c.height);
        while self.stack.len() > height {
            self.drop_top();
        }
        if let Some(c) = self.controls.last_mut() {
            c.dead = true;
        }
    }

    /// Replaces operands above `height` with `kinds` in their slots (a join's layout).
    fn reset_stack(&mut self, height: usize, kinds: &[Kind]) {
        while self.stack.len() > height {
            self.drop_top();
        }
        self.stack.extend(kinds.iter().map(|&kind| Operand { loc: Loc::Slot, kind }));
    }

    fn lower(&mut self, op: &Operator<'_>) -> Result<()> {
        let teed = self.teed.take();
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
                let ty = self.types.block(*bt)?;
                let is_loop = matches!(op, Operator::Loop(_));
                if is_loop {
                    self.spill_all();
                }
                let label = self.masm.new_label();
                if is_loop {
                    self.masm.bind_loop(label);
                    self.masm.check_interrupt_and_fuel(self.fuel);
                }
                let height = self.stack.len() - ty.params.len();
                let kind = if is_loop { FrameKind::Loop } else { FrameKind::Block };
                let result_register = if is_loop { None } else { self.result_register(&ty.params, &ty.results) };
                self.controls.push(Control {
                    kind,
                    height,
                    ty,
                    label,
                    else_label: None,
                    dead: false,
                    dead_on_entry: false,
                    branched: false,
                    result_register,
                    fell_through: false,
                });
            }
            Operator::If(bt) => {
                let ty = self.types.block(*bt)?;
                let cond = self.pop_condition();
                self.spill_all();
                let (label, else_label) = (self.masm.new_label(), self.masm.new_label());
                self.branch_on(cond, false, else_label);
                let height = self.stack.len() - ty.params.len();
                let result_register = self.result_register(&ty.params, &ty.results);
                self.controls.push(Control {
                    kind: FrameKind::If,
                    height,
                    ty,
                    label,
                    else_label: Some(else_label),
                    dead: false,
                    dead_on_entry: false,
                    branched: false,
                    result_register,
                    fell_through: false,
                });
            }
            Operator::Else => {
                self.fall_through_to_end();
                let c = self.controls.last_mut().expect("validated");
                let (label, else_label) = (c.label, c.else_label.take().expect("an if has its else label"));
                let height = c.height;
                c.kind = FrameKind::Else;
                c.fell_through = true;
                self.masm.jump(label);
                self.masm.bind(else_label);
                let ty = self.controls.last().expect("validated").ty.clone();
                self.reset_stack(height, &ty.params);
            }
            Operator::End => self.end_block(),
            Operator::Br(depth) => {
                self.spill_all();
                self.branch(*depth);
                self.set_dead();
            }
            Operator::BrIf(depth) => {
                let cond = self.pop_condition();
                self.spill_all();
                let (label, height, arity) = self.target(*depth);
                let in_register = self.controls[self.controls.len() - 1 - *depth as usize].result_register.is_some();
                if !in_register && (arity == 0 || self.stack.len() - arity == height) {
                    // The branch values are in place already: one conditional jump.
                    self.branch_on(cond, true, label);
                } else {
                    let skip = self.masm.new_label();
                    self.branch_on(cond, false, skip);
                    self.branch(*depth);
                    self.masm.bind(skip);
                }
            }
            Operator::BrTable(table) => {
                let index = self.pop_reg();
                self.spill_all();
                // A jump table into one stub per distinct target, which moves the branch's
                // values into place and jumps.
                let mut stubs: Vec<Option<M::Label>> = vec![None; self.controls.len()];
                let mut labels = Vec::new();
                for depth in table.targets().chain([table.default]) {
                    let stub = &mut stubs[depth as usize];
                    labels.push(*stub.get_or_insert_with(|| self.masm.new_label()));
                }
                let default = labels.pop().expect("the default target");
                self.masm.jump_table(index, &labels, default);
                self.release(index, Kind::I32);
                for (depth, stub) in stubs.into_iter().enumerate() {
                    if let Some(label) = stub {
                        self.masm.bind(label);
                        self.branch(depth as u32);
                    }
                }
                self.set_dead();
            }
            Operator::Return => {
                self.spill_all();
                self.branch(self.controls.len() as u32 - 1);
                self.set_dead();
            }
            Operator::Call(f) => {
                let ty = self.types.func(self.module, *f).clone();
                let args = self.stack.len() - ty.params.len();
                let imported = self.module.imported_funcs;
                self.spill_for_call(args);
                let sig = ty.signature();
                if *f < imported {
                    // Through the runtime, which finds the function (a host function, or one of
                    // another module) and reports a trap as `Host`, the trap itself waiting in
                    // the store.
                    self.masm.call_import(b::call_import as *const (), *f, self.slot(args), sig);
                } else {
                    self.masm.call(*f - imported, self.slot(args), sig);
                }
                self.push_call_results(args, &ty.results);
            }
            Operator::Drop => self.drop_top(),
            Operator::Select | Operator::SelectTyped(_) => {
                let cond = self.pop_reg();
                let kind = self.top_kind();
                let other = self.pop_reg();
                let dst = self.pop_reg();
                if kind.xmm() {
                    self.masm.float_select(dst, other, cond);
                } else {
                    self.masm.select(kind.width(), dst, other, cond);
                }
                self.release(other, kind);
                self.release(cond, Kind::I32);
                self.push_reg(dst, kind);
            }
            Operator::LocalGet(i) => {
                let kind = self.locals[*i as usize];
                // Right after a `local.tee` of it, the value is in the top operand's register.
                let teed = match (teed, self.stack.last().map(|o| o.loc)) {
                    (Some(t), Some(Loc::Reg(r))) if t == *i => Some(r),
                    _ => None,
                };
                if let Some(local) = self.local_regs[*i as usize] {
                    self.stack.push(Operand { loc: Loc::Local(local), kind });
                    return Ok(());
                }
                let r = self.alloc(kind);
                match teed {
                    Some(from) => self.mov_kind(kind, r, from),
                    None => self.load_kind(kind, r, *i),
                }
                // An i32 is moved or loaded with 32 bits.
                self.push_written(r, kind);
            }
            Operator::LocalSet(i) | Operator::LocalTee(i) => {
                let kind = self.top_kind();
                let local = self.local_regs[*i as usize];
                if let (
                    Some(local),
                    Operator::LocalSet(_),
                    Some(Operand { loc: Loc::Const(v), kind: Kind::I32 | Kind::I64 }),
                ) = (local, op, self.stack.last().copied())
                {
                    self.stack.pop();
                    self.materialize_local(local);
                    self.masm.mov_imm(local, v, kind.width());
                    return Ok(());
                }
                if let (Some(local), Some(Operand { loc: Loc::LocalPlus(from, addend), .. })) =
                    (local, self.stack.last().copied())
                {
                    // Computed straight into the local's register.
                    self.stack.pop();
                    self.materialize_local(local);
                    self.masm.add_from(kind.width(), local, from, addend);
                    if matches!(op, Operator::LocalTee(_)) {
                        self.stack.push(Operand { loc: Loc::Local(local), kind });
                    }
                    return Ok(());
                }
                let r = self.pop_reg();
                if let Some(local) = local {
                    self.materialize_local(local);
                }
                match local {
                    Some(local) => self.mov_kind(kind, local, r),
                    None => self.store_kind(kind, *i, r),
                }
                if matches!(op, Operator::LocalTee(_)) {
                    self.push_reg(r, kind);
                    self.teed = Some(*i);
                } else {
                    self.release(r, kind);
                }
            }
            Operator::GlobalGet(g) => {
                let kind = Kind::of(self.module.globals[*g as usize].content)?;
                let r = self.alloc(kind);
                match (kind, kind.prec()) {
                    (Kind::V128, _) => self.masm.v128_global_get(r, *g),
                    (_, Some(p)) => self.masm.float_global_get(p, r, *g),
                    (_, None) => self.masm.global_get(r, *g),
                }
                self.push_reg(r, kind);
            }
            Operator::GlobalSet(g) => {
                let kind = Kind::of(self.module.globals[*g as usize].content)?;
                let r = self.pop_reg();
                match (kind, kind.prec()) {
                    (Kind::V128, _) => self.masm.v128_global_set(*g, r),
                    (_, Some(p)) => self.masm.float_global_set(p, *g, r),
                    (_, None) => self.masm.global_set(*g, r),
                }
                self.release(r, kind);
            }
            Operator::I32Const(v) => self.stack.push(Operand { loc: Loc::Const(*v as i64), kind: Kind::I32 }),
            Operator::I64Const(v) => self.stack.push(Operand { loc: Loc::Const(*v), kind: Kind::I64 }),
            Operator::F32Const(bits) => self.stack.push(Operand { loc: Loc::Const(*bits as i64), kind: Kind::F32 }),
            Operator::F64Const(bits) => self.stack.push(Operand { loc: Loc::Const(*bits as i64), kind: Kind::F64 }),
            Operator::Memory(op, memarg) => self.memory(*op, memarg.offset, memarg.memory)?,
            Operator::MemorySize(memory) => {
                let r = self.alloc(Kind::I32);
                self.masm.set_memory(*memory);
                self.masm.memory_size(r);
                self.push_reg(r, Kind::I32);
            }
            Operator::MemoryGrow(memory) => {
                self.builtin(b::memory_grow as *const (), &[*memory], 1, None, Some(Kind::I32))
            }
            Operator::MemoryFill(memory) => {
                self.builtin(b::memory_fill as *const (), &[*memory], 3, Some(TrapCode::MemoryOutOfBounds), None)
            }
            Operator::MemoryCopy { dst: 0, src: 0 } => {
                // Within memory 0: checked and copied in compiled code, no runtime call.
                self.spill_all();
                let base = self.stack.len() - 3;
                self.masm.memory0_copy(self.slot(base), self.slot(base + 1), self.slot(base + 2));
                self.stack.truncate(base);
            }
            Operator::MemoryCopy { dst, src } => {
                self.builtin(b::memory_copy as *const (), &[*dst, *src], 3, Some(TrapCode::MemoryOutOfBounds), None)
            }
            Operator::MemoryInit { data, memory } => {
                self.builtin(b::memory_init as *const (), &[*data, *memory], 3, Some(TrapCode::MemoryOutOfBounds), None)
            }
            Operator::DataDrop(data) => self.builtin(b::data_drop as *const (), &[*data], 0, None, None),
            Operator::TableSize(table) => self.builtin(b::table_size as *const (), &[*table], 0, None, Some(Kind::I32)),
            Operator::TableCopy { dst, src } => {
                self.builtin(b::table_copy as *const (), &[*dst, *src], 3, Some(TrapCode::TableOutOfBounds), None)
            }
            Operator::TableInit { elem, table } => {
                self.builtin(b::table_init as *const (), &[*elem, *table], 3, Some(TrapCode::TableOutOfBounds), None)
            }
            Operator::ElemDrop(elem) => self.builtin(b::elem_drop as *const (), &[*elem], 0, None, None),
            Operator::TableSet(table) => {
                self.builtin(b::table_set as *const (), &[*table], 2, Some(TrapCode::TableOutOfBounds), None)
            }
            Operator::TableGrow(table) => self.builtin(b::table_grow as *const (), &[*table], 2, None, Some(Kind::I32)),
            Operator::TableFill(table) => {
                self.builtin(b::table_fill as *const (), &[*table], 3, Some(TrapCode::TableOutOfBounds), None)
            }
            Operator::TableGet(table) => {
                // The index's slot receives the element.
                self.spill_all();
                let h = self.stack.len() - 1;
                let args =
                    [BuiltinArg::Imm(*table), BuiltinArg::Slot(self.slot(h)), BuiltinArg::SlotAddress(self.slot(h))];
                self.masm.call_builtin(b::table_get as *const (), &args, Some(TrapCode::TableOutOfBounds), None);
                self.stack[h].kind = Kind::Ref;
            }
            Operator::RefNull(_) => self.stack.push(Operand { loc: Loc::Const(0), kind: Kind::Ref }),
            Operator::RefIsNull => {
                let r = self.pop_reg();
                self.masm.int_unary(IntUnary::Eqz, Width::W64, r);
                self.push_reg(r, Kind::I32);
            }
            Operator::RefFunc(f) => self.builtin(b::ref_func as *const (), &[*f], 0, None, Some(Kind::Ref)),
            Operator::CallIndirect { type_index, table } => {
                let ty = self.types.indexed[*type_index as usize].clone();
                self.spill_all();
                // The element index is on top, the arguments below it.
                let index = self.stack.len() - 1;
                let args = index - ty.params.len();
                let (index, args_slot) = (self.slot(index), self.slot(args));
                self.masm.call_indirect(
                    b::call_indirect as *const (),
                    *type_index,
                    ty.signature(),
                    *table,
                    index,
                    args_slot,
                );
                self.push_call_results(args, &ty.results);
            }
            Operator::Simple(op) => self.simple(*op)?,
            Operator::V128Const(bytes) => {
                let r = self.alloc(Kind::V128);
                self.masm.v128_const(r, u128::from_le_bytes(*bytes));
                self.push_reg(r, Kind::V128);
            }
            Operator::I8x16Shuffle(lanes) => {
                let src = self.pop_reg();
                let dst = self.pop_reg();
                self.masm.v128_shuffle(lanes, dst, src);
                self.release(src, Kind::V128);
                self.push_reg(dst, Kind::V128);
            }
            Operator::Lane(op, lane) => {
                if op.is_replace() {
                    let kind = self.top_kind();
                    let src = self.pop_reg();
                    let dst = self.pop_reg();
                    self.masm.v128_replace_lane(*op, *lane, dst, src);
                    self.release(src, kind);
                    self.push_reg(dst, Kind::V128);
                } else {
                    let kind = Kind::of(op.lane_type())?;
                    let src = self.pop_reg();
                    let dst = self.alloc(kind);
                    self.masm.v128_extract_lane(*op, *lane, dst, src);
                    self.release(src, Kind::V128);
                    self.push_reg(dst, kind);
                }
            }
            Operator::MemoryLane(op, memarg, lane) => {
                self.masm.set_memory(memarg.memory);
                let offset = u32::try_from(memarg.offset).or_else(|_| unsupported("64-bit offsets"))?;
                let v = self.pop_reg();
                let addr = self.pop_reg();
                if matches!(op.kind(), MemKind::LoadLane(_)) {
                    self.masm.v128_load_lane(*op, *lane, v, addr, offset);
                    self.release(addr, Kind::I32);
                    self.push_reg(v, Kind::V128);
                } else {
                    self.masm.v128_store_lane(*op, *lane, addr, v, offset);
                    self.release(addr, Kind::I32);
                    self.release(v, Kind::V128);
                }
            }
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
                    ty: self.types.empty.clone(),
                    label,
                    else_label: None,
                    dead: true,
                    dead_on_entry: true,
                    branched: false,
                    result_register: None,
                    fell_through: false,
                });
            }
            Operator::Else => {
                let c = self.controls.last_mut().expect("validated");
                if !c.dead_on_entry {
                    // The then-branch ended dead: the else-branch starts live.
                    let else_label = c.else_label.take().expect("an if has its else label");
                    c.kind = FrameKind::Else;
                    c.dead = false;
                    let (height, ty) = (c.height, c.ty.clone());
                    self.masm.bind(else_label);
                    self.reset_stack(height, &ty.params);
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
        let c = self.controls.last().expect("validated");
        if live && c.kind == FrameKind::Function && !c.branched && !c.ty.results.is_empty() {
            // The end is reached only by falling through: the first result goes straight to
            // its register.
            let c = self.controls.pop().expect("validated");
            self.return_from_operands(&c.ty);
            return;
        }
        if live {
            self.fall_through_to_end();
        }
        let c = self.controls.pop().expect("validated");
        if let Some(else_label) = c.else_label {
            // An `if` without `else`: the false path skips the block with its parameters,
            // which are its results.
            self.masm.bind(else_label);
        }
        if c.kind != FrameKind::Loop {
            self.masm.bind(c.label);
        }
        match c.result_register {
            // Every way to the end spilled every other operand and left the result in its
            // register, which is free here. (An end nothing reaches takes its result in its
            // slot, like any other: the code after it never runs.)
            Some(r) if live || c.branched || c.fell_through => {
                self.reset_stack(c.height, &[]);
                let free = if c.ty.results[0].xmm() { &mut self.free_float } else { &mut self.free };
                let at = free.iter().position(|&f| f == r).expect("the result register is free at the end");
                free.remove(at);
                self.push_reg(r, c.ty.results[0]);
            }
            _ => self.reset_stack(c.height, &c.ty.results),
        }
        if c.kind == FrameKind::Function {
            let first = self.slot(c.height);
            self.masm.epilogue(first, &c.ty.result_classes, None);
        }
    }

    /// Returns the operands on the stack, which are the function's results (of `ty`): the first
    /// from a register, the others from their slots.
    fn return_from_operands(&mut self, ty: &Sig) {
        let results = &ty.results;
        let base = self.stack.len() - results.len();
        for h in base + 1..self.stack.len() {
            self.materialize(h);
            match self.stack[h].loc {
                Loc::Reg(r) | Loc::Local(r) => {
                    self.store(h, r);
                    self.release(r, self.stack[h].kind);
                }
                Loc::Const(v) => self.masm.store_slot_imm(self.slot(h), v),
                Loc::Slot | Loc::Compare { .. } | Loc::LocalPlus(..) => {}
            }
            self.stack[h].loc = Loc::Slot;
        }
        self.stack.truncate(base + 1);
        let kind = results[0];
        let r = self.pop_reg();
        self.masm.epilogue(self.slot(base), &ty.result_classes, Some(r));
        self.release(r, kind);
        self.stack.clear();
    }

    /// A runtime call with the immediates `imms`, then the top `operands` operands, as
    /// arguments (i32s by value, references by the address of their slot); with `trap`, a
    /// nonzero result traps; a `result` is pushed.
    fn builtin(&mut self, f: *const (), imms: &[u32], operands: usize, trap: Option<TrapCode>, result: Option<Kind>) {
        self.spill_all();
        let base = self.stack.len() - operands;
        let mut args: Vec<BuiltinArg> = imms.iter().map(|&v| BuiltinArg::Imm(v)).collect();
        args.extend((base..self.stack.len()).map(|h| match self.stack[h].kind {
            Kind::Ref => BuiltinArg::SlotAddress(self.slot(h)),
            _ => BuiltinArg::Slot(self.slot(h)),
        }));
        self.stack.truncate(base);
        match result {
            Some(kind) => {
                let r = self.alloc(kind);
                self.masm.call_builtin(f, &args, trap, Some(r));
                self.push_reg(r, kind);
            }
            None => self.masm.call_builtin(f, &args, trap, None),
        }
    }

    fn memory(&mut self, op: MemOp, offset: u64, memory: u32) -> Result<()> {
        self.masm.set_memory(memory);
        let offset = u32::try_from(offset).or_else(|_| unsupported("64-bit offsets"))?;
        use MemOp::*;
        let (w32, w64) = (Width::W32, Width::W64);
        let int_load = match op {
            I32Load8U => Some((HeapLoad::U8, Kind::I32)),
            I64Load8U => Some((HeapLoad::U8, Kind::I64)),
            I32Load8S => Some((HeapLoad::S8(w32), Kind::I32)),
            I64Load8S => Some((HeapLoad::S8(w64), Kind::I64)),
            I32Load16U => Some((HeapLoad::U16, Kind::I32)),
            I64Load16U => Some((HeapLoad::U16, Kind::I64)),
            I32Load16S => Some((HeapLoad::S16(w32), Kind::I32)),
            I64Load16S => Some((HeapLoad::S16(w64), Kind::I64)),
            I32Load => Some((HeapLoad::U32, Kind::I32)),
            I64Load32U => Some((HeapLoad::U32, Kind::I64)),
            I64Load32S => Some((HeapLoad::S32, Kind::I64)),
            I64Load => Some((HeapLoad::U64, Kind::I64)),
            _ => None,
        };
        if let Some((load, kind)) = int_load {
            let (addr, owned) = self.pop_index();
            // The result goes in the index's register, if it is an operand's.
            let dst = match owned {
                Some(r) => r,
                None => self.alloc(kind),
            };
            self.masm.heap_load(load, dst, addr, offset);
            self.push_written(dst, kind);
            return Ok(());
        }
        if op == V128Store {
            let value = self.pop_reg();
            let (addr, owned) = self.pop_index();
            self.masm.v128_heap_store(addr, value, offset);
            self.release(value, Kind::V128);
            self.release_index(owned);
            return Ok(());
        }
        if op.kind() == MemKind::Load(ValType::V128) {
            let (addr, owned) = self.pop_index();
            let dst = self.alloc(Kind::V128);
            self.masm.v128_heap_load(op, dst, addr, offset);
            self.release_index(owned);
            self.push_reg(dst, Kind::V128);
            return Ok(());
        }
        if let F32Load | F64Load = op {
            let (p, kind) = if op == F32Load { (Prec::F32, Kind::F32) } else { (Prec::F64, Kind::F64) };
            let (addr, owned) = self.pop_index();
            let dst = self.alloc(kind);
            self.masm.float_heap_load(p, dst, addr, offset);
            self.release_index(owned);
            self.push_reg(dst, kind);
            return Ok(());
        }
        let store = match op {
            I32Store8 | I64Store8 => Ok(1),
            I32Store16 | I64Store16 => Ok(2),
            I32Store | I64Store32 => Ok(4),
            I64Store => Ok(8),
            F32Store => Err(Prec::F32),
            F64Store => Err(Prec::F64),
            other => return unsupported(other.name()),
        };
        // A constant value (a float's bits) that fits the instruction's immediate.
        let bytes = match store {
            Ok(bytes) => bytes,
            Err(Prec::F32) => 4,
            Err(Prec::F64) => 8,
        };
        if let Some(Operand { loc: Loc::Const(v), .. }) = self.stack.last().copied() {
            if bytes < 8 || i32::try_from(v).is_ok() {
                self.stack.pop();
                let (addr, owned) = self.pop_index();
                self.masm.heap_store_imm(bytes, addr, v as i32, offset);
                self.release_index(owned);
                return Ok(());
            }
        }
        let value_kind = self.top_kind();
        let value = self.pop_reg();
        let (addr, owned) = self.pop_index();
        match store {
            Ok(bytes) => self.masm.heap_store(bytes, addr, value, offset),
            Err(p) => self.masm.float_heap_store(p, addr, value, offset),
        }
        self.release(value, value_kind);
        self.release_index(owned);
        Ok(())
    }

    /// Pops the index of a memory access, and the register to release after it (an
    /// operand's): a constant stays a constant, an i32 local's register is read in place, and
    /// a register known to be zero-extended says so.
    fn pop_index(&mut self) -> (Index, Option<Reg>) {
        self.materialize(self.stack.len() - 1);
        match self.stack.last().map(|o| o.loc) {
            Some(Loc::Const(c)) => {
                self.stack.pop();
                (Index::Const(c as u32), None)
            }
            Some(Loc::Local(r)) => {
                self.stack.pop();
                (Index::Extended(r), None)
            }
            Some(Loc::Reg(r)) if self.extended & (1 << r) != 0 => {
                self.stack.pop();
                (Index::Extended(r), Some(r))
            }
            _ => {
                let r = self.pop_reg();
                (Index::Reg(r), Some(r))
            }
        }
    }

    /// Releases what `pop_index` said to.
    fn release_index(&mut self, owned: Option<Reg>) {
        if let Some(r) = owned {
            self.release(r, Kind::I32);
        }
    }

    /// `dst op src` for two operands of `kind`; returns `dst`, the result, for the caller to push.
    fn binary(&mut self, kind: Kind, emit: impl FnOnce(&mut M, Reg, Reg)) -> Reg {
        let src = self.pop_src();
        let dst = self.pop_reg();
        emit(&mut self.masm, dst, src);
        self.release(src, kind);
        dst
    }

    fn simple(&mut self, op: SimpleOp) -> Result<()> {
        use SimpleOp::*;
        if let Some(f) = crate::semantics::simd::simple(op) {
            return self.simd(op, f);
        }
        if let Some((int_op, width)) = int_binary(op) {
            // A constant right operand is an immediate where the ISA has the form.
            if let Some(Operand { loc: Loc::Const(imm), .. }) = self.stack.last().copied() {
                // A local plus or minus a constant: computed from the local's register.
                let below = self.stack.len().checked_sub(2).map(|h| self.stack[h].loc);
                let addend = match (int_op, width) {
                    (IntOp::Add, Width::W32) => Some(imm as i32),
                    (IntOp::Sub, Width::W32) => Some((imm as i32).wrapping_neg()),
                    (IntOp::Add, Width::W64) => i32::try_from(imm).ok(),
                    (IntOp::Sub, Width::W64) => imm.checked_neg().and_then(|v| i32::try_from(v).ok()),
                    _ => None,
                };
                if let (Some(Loc::Local(local)), Some(addend)) = (below, addend) {
                    self.stack.truncate(self.stack.len() - 2);
                    let addend = Rhs::Imm(addend);
                    self.stack.push(Operand { loc: Loc::LocalPlus(local, addend), kind: Kind::int(width) });
                    return Ok(());
                }
                self.stack.pop();
                let dst = self.pop_reg();
                if self.masm.int_op_imm(int_op, width, dst, imm) {
                    self.push_int(dst, width);
                    return Ok(());
                }
                self.push_reg(dst, Kind::int(width));
                self.stack.push(Operand { loc: Loc::Const(imm), kind: Kind::int(width) });
            }
            if int_op == IntOp::Add {
                // The sum of two locals: computed from their registers.
                let top = self.stack.len() - 1;
                if let (Loc::Local(a), Loc::Local(b)) = (self.stack[top - 1].loc, self.stack[top].loc) {
                    self.stack.truncate(top - 1);
                    self.stack.push(Operand { loc: Loc::LocalPlus(a, Rhs::Reg(b)), kind: Kind::int(width) });
                    return Ok(());
                }
            }
            let dst = self.binary(Kind::int(width), |m, d, s| m.int_op(int_op, width, d, s));
            self.push_int(dst, width);
            return Ok(());
        }
        if let Some((cmp, width)) = int_compare(op) {
            // Pending: a branch on it compares and jumps. A constant right operand that fits
            // 32 bits is an immediate.
            let imm = match self.stack.last().map(|o| o.loc) {
                Some(Loc::Const(v)) => i32::try_from(v).ok(),
                _ => None,
            };
            let b = match imm {
                Some(imm) => {
                    self.stack.pop();
                    Rhs::Imm(imm)
                }
                None => Rhs::Reg(self.pop_src()),
            };
            let a = self.pop_src();
            self.stack.push(Operand { loc: Loc::Compare { cmp, width, a, b }, kind: Kind::I32 });
            return Ok(());
        }
        if let Some((float_op, p)) = float_binary(op) {
            let dst = self.binary(Kind::float(p), |m, d, s| m.float_op(float_op, p, d, s));
            self.push_reg(dst, Kind::float(p));
            return Ok(());
        }
        if let Some((cmp, p)) = float_compare(op) {
            let b = self.pop_reg();
            let a = self.pop_reg();
            let dst = self.alloc(Kind::I32);
            self.masm.float_compare(cmp, p, dst, a, b);
            self.release(a, Kind::float(p));
            self.release(b, Kind::float(p));
            self.push_reg(dst, Kind::I32);
            return Ok(());
        }
        if let Some((unary, p)) = float_unary(op) {
            let r = self.pop_reg();
            if !self.masm.float_unary(unary, p, r) {
                return unsupported(format!("{} on this CPU", op.name()));
            }
            self.push_reg(r, Kind::float(p));
            return Ok(());
        }
        if let Some((conversion, p, from, to)) = conversion(op) {
            let src = self.pop_reg();
            let dst = self.alloc(to);
            self.masm.convert(conversion, p, dst, src);
            self.release(src, from);
            self.push_reg(dst, to);
            return Ok(());
        }
        if let I32Eqz | I64Eqz = op {
            // Pending, as a comparison with zero: a branch on it tests and jumps; on a pending
            // comparison, the inverse comparison.
            let width = if op == I32Eqz { Width::W32 } else { Width::W64 };
            let loc = match self.stack.last().map(|o| o.loc) {
                Some(Loc::Compare { cmp, width, a, b }) => {
                    self.stack.pop();
                    Loc::Compare { cmp: cmp.inverse(), width, a, b }
                }
                _ => Loc::Compare { cmp: Cmp::Eq, width, a: self.pop_src(), b: Rhs::Imm(0) },
            };
            self.stack.push(Operand { loc, kind: Kind::I32 });
            return Ok(());
        }
        let (unary, width, result) = match op {
            I32Clz => (IntUnary::Clz, Width::W32, Kind::I32),
            I32Ctz => (IntUnary::Ctz, Width::W32, Kind::I32),
            I32Popcnt => (IntUnary::Popcnt, Width::W32, Kind::I32),
            I64Clz => (IntUnary::Clz, Width::W64, Kind::I64),
            I64Ctz => (IntUnary::Ctz, Width::W64, Kind::I64),
            I64Popcnt => (IntUnary::Popcnt, Width::W64, Kind::I64),
            I32Extend8S => (IntUnary::Extend8S, Width::W32, Kind::I32),
            I32Extend16S => (IntUnary::Extend16S, Width::W32, Kind::I32),
            I64Extend8S => (IntUnary::Extend8S, Width::W64, Kind::I64),
            I64Extend16S => (IntUnary::Extend16S, Width::W64, Kind::I64),
            I64Extend32S | I64ExtendI32S => (IntUnary::Extend32S, Width::W64, Kind::I64),
            I64ExtendI32U => (IntUnary::Wrap32, Width::W64, Kind::I64),
            I32WrapI64 => (IntUnary::Wrap32, Width::W64, Kind::I32),
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

impl<M: Masm> Compiler<'_, M> {
    /// A SIMD operator, by its signature.
    fn simd(&mut self, op: SimpleOp, f: SimdFn) -> Result<()> {
        let on_this_cpu = || unsupported(format!("{} on this CPU", op.name()));
        match f {
            SimdFn::Unary(_) => {
                let r = self.pop_reg();
                if !self.masm.v128_unary(op, r) {
                    return on_this_cpu();
                }
                self.push_reg(r, Kind::V128);
            }
            SimdFn::Binary(_) => {
                let src = self.pop_reg();
                let dst = self.pop_reg();
                if !self.masm.v128_binary(op, dst, src) {
                    return on_this_cpu();
                }
                self.release(src, Kind::V128);
                self.push_reg(dst, Kind::V128);
            }
            SimdFn::Ternary(_) => {
                let mask = self.pop_reg();
                let other = self.pop_reg();
                let dst = self.pop_reg();
                self.masm.v128_bitselect(dst, other, mask);
                self.release(mask, Kind::V128);
                self.release(other, Kind::V128);
                self.push_reg(dst, Kind::V128);
            }
            SimdFn::Shift(_) => {
                if let Some(Operand { loc: Loc::Const(count), .. }) = self.stack.last().copied() {
                    self.stack.pop();
                    let dst = self.pop_reg();
                    self.masm.v128_shift_imm(op, dst, count as u32);
                    self.push_reg(dst, Kind::V128);
                    return Ok(());
                }
                let count = self.pop_reg();
                let dst = self.pop_reg();
                self.masm.v128_shift(op, dst, count);
                self.release(count, Kind::I32);
                self.push_reg(dst, Kind::V128);
            }
            SimdFn::Test(_) => {
                let src = self.pop_reg();
                let dst = self.alloc(Kind::I32);
                self.masm.v128_test(op, dst, src);
                self.release(src, Kind::V128);
                self.push_reg(dst, Kind::I32);
            }
            SimdFn::Splat32(_) | SimdFn::Splat64(_) => {
                let kind = self.top_kind();
                let src = self.pop_reg();
                if kind.xmm() {
                    self.masm.v128_splat(op, src, src);
                    self.push_reg(src, Kind::V128);
                } else {
                    let dst = self.alloc(Kind::V128);
                    self.masm.v128_splat(op, dst, src);
                    self.release(src, kind);
                    self.push_reg(dst, Kind::V128);
                }
            }
        }
        Ok(())
    }
}

/// Bytes per frame slot for `module`'s code: 16 if it may hold a v128 value anywhere (a v128
/// in a function type, a global or a local, or a SIMD operator in a body), else 8. One size
/// for the whole module keeps the slots of a caller's arguments where its callees read them.
pub fn slot_bytes(module: &Module) -> u32 {
    let v128 = |t: &ValType| *t == ValType::V128;
    let wide = module.raw.types.iter().any(|t| t.params().iter().chain(t.results()).any(v128))
        || module.globals.iter().any(|g| v128(&g.content))
        || module.raw.code.iter().any(|body| body.locals.iter().any(|(_, t)| v128(t)) || uses_simd(module, body));
    if wide {
        16
    } else {
        8
    }
}

/// Whether `body` (not validated yet: compiling validates it) has a SIMD operator: decoded only
/// if its bytes have the prefix byte anywhere.
fn uses_simd(module: &Module, body: &crate::decode::FunctionBody) -> bool {
    let bytes = &module.bytes[body.ops.clone()];
    if !bytes.contains(&0xfd) {
        return false;
    }
    let mut ops = OperatorReader::new(Reader::new(bytes, body.ops.start), module.features);
    while !ops.is_empty() {
        let simd = match ops.read() {
            Ok(Operator::Simple(op)) => op.encoding().0 == 0xfd,
            Ok(Operator::Memory(op, _)) => op.encoding().0 == 0xfd,
            Ok(Operator::V128Const(_) | Operator::I8x16Shuffle(_) | Operator::Lane(..) | Operator::MemoryLane(..)) => {
                true
            }
            Ok(_) => false,
            // Malformed: compiling reports it; take the safe size.
            Err(_) => true,
        };
        if simd {
            return true;
        }
    }
    false
}

fn int_binary(op: SimpleOp) -> Option<(IntOp, Width)> {
    use SimpleOp::*;
    let (w32, w64) = (Width::W32, Width::W64);
    Some(match op {
        I32Add => (IntOp::Add, w32),
        I32Sub => (IntOp::Sub, w32),
        I32Mul => (IntOp::Mul, w32),
        I32And => (IntOp::And, w32),
        I32Or => (IntOp::Or, w32),
        I32Xor => (IntOp::Xor, w32),
        I32Shl => (IntOp::Shl, w32),
        I32ShrS => (IntOp::ShrS, w32),
        I32ShrU => (IntOp::ShrU, w32),
        I32Rotl => (IntOp::Rotl, w32),
        I32Rotr => (IntOp::Rotr, w32),
        I32DivS => (IntOp::DivS, w32),
        I32DivU => (IntOp::DivU, w32),
        I32RemS => (IntOp::RemS, w32),
        I32RemU => (IntOp::RemU, w32),
        I64Add => (IntOp::Add, w64),
        I64Sub => (IntOp::Sub, w64),
        I64Mul => (IntOp::Mul, w64),
        I64And => (IntOp::And, w64),
        I64Or => (IntOp::Or, w64),
        I64Xor => (IntOp::Xor, w64),
        I64Shl => (IntOp::Shl, w64),
        I64ShrS => (IntOp::ShrS, w64),
        I64ShrU => (IntOp::ShrU, w64),
        I64Rotl => (IntOp::Rotl, w64),
        I64Rotr => (IntOp::Rotr, w64),
        I64DivS => (IntOp::DivS, w64),
        I64DivU => (IntOp::DivU, w64),
        I64RemS => (IntOp::RemS, w64),
        I64RemU => (IntOp::RemU, w64),
        _ => return None,
    })
}

fn int_compare(op: SimpleOp) -> Option<(Cmp, Width)> {
    use SimpleOp::*;
    let (w32, w64) = (Width::W32, Width::W64);
    Some(match op {
        I32Eq => (Cmp::Eq, w32),
        I32Ne => (Cmp::Ne, w32),
        I32LtS => (Cmp::LtS, w32),
        I32LtU => (Cmp::LtU, w32),
        I32GtS => (Cmp::GtS, w32),
        I32GtU => (Cmp::GtU, w32),
        I32LeS => (Cmp::LeS, w32),
        I32LeU => (Cmp::LeU, w32),
        I32GeS => (Cmp::GeS, w32),
        I32GeU => (Cmp::GeU, w32),
        I64Eq => (Cmp::Eq, w64),
        I64Ne => (Cmp::Ne, w64),
        I64LtS => (Cmp::LtS, w64),
        I64LtU => (Cmp::LtU, w64),
        I64GtS => (Cmp::GtS, w64),
        I64GtU => (Cmp::GtU, w64),
        I64LeS => (Cmp::LeS, w64),
        I64LeU => (Cmp::LeU, w64),
        I64GeS => (Cmp::GeS, w64),
        I64GeU => (Cmp::GeU, w64),
        _ => return None,
    })
}

fn float_binary(op: SimpleOp) -> Option<(FloatOp, Prec)> {
    use SimpleOp::*;
    let (f32, f64) = (Prec::F32, Prec::F64);
    Some(match op {
        F32Add => (FloatOp::Add, f32),
        F32Sub => (FloatOp::Sub, f32),
        F32Mul => (FloatOp::Mul, f32),
        F32Div => (FloatOp::Div, f32),
        F32Min => (FloatOp::Min, f32),
        F32Max => (FloatOp::Max, f32),
        F32Copysign => (FloatOp::Copysign, f32),
        F64Add => (FloatOp::Add, f64),
        F64Sub => (FloatOp::Sub, f64),
        F64Mul => (FloatOp::Mul, f64),
        F64Div => (FloatOp::Div, f64),
        F64Min => (FloatOp::Min, f64),
        F64Max => (FloatOp::Max, f64),
        F64Copysign => (FloatOp::Copysign, f64),
        _ => return None,
    })
}

/// Float comparisons, as the `Cmp` of the same relation (the signed names stand for the
/// ordered float relations).
fn float_compare(op: SimpleOp) -> Option<(Cmp, Prec)> {
    use SimpleOp::*;
    let (f32, f64) = (Prec::F32, Prec::F64);
    Some(match op {
        F32Eq => (Cmp::Eq, f32),
        F32Ne => (Cmp::Ne, f32),
        F32Lt => (Cmp::LtS, f32),
        F32Gt => (Cmp::GtS, f32),
        F32Le => (Cmp::LeS, f32),
        F32Ge => (Cmp::GeS, f32),
        F64Eq => (Cmp::Eq, f64),
        F64Ne => (Cmp::Ne, f64),
        F64Lt => (Cmp::LtS, f64),
        F64Gt => (Cmp::GtS, f64),
        F64Le => (Cmp::LeS, f64),
        F64Ge => (Cmp::GeS, f64),
        _ => return None,
    })
}

fn float_unary(op: SimpleOp) -> Option<(FloatUnary, Prec)> {
    use SimpleOp::*;
    let (f32, f64) = (Prec::F32, Prec::F64);
    Some(match op {
        F32Abs => (FloatUnary::Abs, f32),
        F32Neg => (FloatUnary::Neg, f32),
        F32Sqrt => (FloatUnary::Sqrt, f32),
        F32Ceil => (FloatUnary::Ceil, f32),
        F32Floor => (FloatUnary::Floor, f32),
        F32Trunc => (FloatUnary::Trunc, f32),
        F32Nearest => (FloatUnary::Nearest, f32),
        F64Abs => (FloatUnary::Abs, f64),
        F64Neg => (FloatUnary::Neg, f64),
        F64Sqrt => (FloatUnary::Sqrt, f64),
        F64Ceil => (FloatUnary::Ceil, f64),
        F64Floor => (FloatUnary::Floor, f64),
        F64Trunc => (FloatUnary::Trunc, f64),
        F64Nearest => (FloatUnary::Nearest, f64),
        _ => return None,
    })
}

/// Conversions: the operation, the float side's precision, the operand and result kinds.
fn conversion(op: SimpleOp) -> Option<(Convert, Prec, Kind, Kind)> {
    use Kind::{F32 as KF32, F64 as KF64, I32 as KI32, I64 as KI64};
    use SimpleOp::*;
    let (f32, f64, w32, w64) = (Prec::F32, Prec::F64, Width::W32, Width::W64);
    Some(match op {
        I32TruncF32S => (Convert::Trunc(w32, true), f32, KF32, KI32),
        I32TruncF32U => (Convert::Trunc(w32, false), f32, KF32, KI32),
        I32TruncF64S => (Convert::Trunc(w32, true), f64, KF64, KI32),
        I32TruncF64U => (Convert::Trunc(w32, false), f64, KF64, KI32),
        I64TruncF32S => (Convert::Trunc(w64, true), f32, KF32, KI64),
        I64TruncF32U => (Convert::Trunc(w64, false), f32, KF32, KI64),
        I64TruncF64S => (Convert::Trunc(w64, true), f64, KF64, KI64),
        I64TruncF64U => (Convert::Trunc(w64, false), f64, KF64, KI64),
        I32TruncSatF32S => (Convert::TruncSat(w32, true), f32, KF32, KI32),
        I32TruncSatF32U => (Convert::TruncSat(w32, false), f32, KF32, KI32),
        I32TruncSatF64S => (Convert::TruncSat(w32, true), f64, KF64, KI32),
        I32TruncSatF64U => (Convert::TruncSat(w32, false), f64, KF64, KI32),
        I64TruncSatF32S => (Convert::TruncSat(w64, true), f32, KF32, KI64),
        I64TruncSatF32U => (Convert::TruncSat(w64, false), f32, KF32, KI64),
        I64TruncSatF64S => (Convert::TruncSat(w64, true), f64, KF64, KI64),
        I64TruncSatF64U => (Convert::TruncSat(w64, false), f64, KF64, KI64),
        F32ConvertI32S => (Convert::FromInt(w32, true), f32, KI32, KF32),
        F32ConvertI32U => (Convert::FromInt(w32, false), f32, KI32, KF32),
        F32ConvertI64S => (Convert::FromInt(w64, true), f32, KI64, KF32),
        F32ConvertI64U => (Convert::FromInt(w64, false), f32, KI64, KF32),
        F64ConvertI32S => (Convert::FromInt(w32, true), f64, KI32, KF64),
        F64ConvertI32U => (Convert::FromInt(w32, false), f64, KI32, KF64),
        F64ConvertI64S => (Convert::FromInt(w64, true), f64, KI64, KF64),
        F64ConvertI64U => (Convert::FromInt(w64, false), f64, KI64, KF64),
        F32DemoteF64 => (Convert::Demote, f64, KF64, KF32),
        F64PromoteF32 => (Convert::Promote, f32, KF32, KF64),
        F32ReinterpretI32 => (Convert::BitsToFloat, f32, KI32, KF32),
        F64ReinterpretI64 => (Convert::BitsToFloat, f64, KI64, KF64),
        I32ReinterpretF32 => (Convert::FloatToBits, f32, KF32, KI32),
        I64ReinterpretF64 => (Convert::FloatToBits, f64, KF64, KI64),
        _ => return None,
    })
}
