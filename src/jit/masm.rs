//! The narrow interface between the ISA-free compiler (`codegen`) and an instruction set: the
//! operations the compiler emits, on abstract registers and frame slots. `x64::masm`
//! implements it; an aarch64 one will implement the same.

use crate::decode::ops::{LaneOp, MemOp, SimpleOp};
use crate::runtime::trap::TrapCode;

/// An allocatable register, as the ISA numbers it.
pub type Reg = u8;

/// The index of a linear-memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Index {
    /// An i32 in a register, its upper half unknown.
    Reg(Reg),
    /// An i32 in a register whose upper half is known to be zero: an i32 local's register
    /// (`Masm::prologue`), or the result of a 32-bit operation.
    Extended(Reg),
    /// A constant, folded into the address.
    Const(u32),
}

/// Operand width of an integer operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    W32,
    W64,
}

/// Two-operand integer operations (`dst = dst op src`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntOp {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
    DivS,
    DivU,
    RemS,
    RemU,
}

/// One-operand integer operations (`dst = op dst`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntUnary {
    Clz,
    Ctz,
    Popcnt,
    /// `eqz`: 1 if zero, else 0.
    Eqz,
    /// Sign-extends the low 8, 16 or 32 bits to the width.
    Extend8S,
    Extend16S,
    Extend32S,
    /// Zero-extends the low 32 bits (i64.extend_i32_u, i32.wrap_i64).
    Wrap32,
}

/// Integer comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl Cmp {
    /// The comparison that holds exactly when this one does not.
    pub fn inverse(self) -> Cmp {
        match self {
            Cmp::Eq => Cmp::Ne,
            Cmp::Ne => Cmp::Eq,
            Cmp::LtS => Cmp::GeS,
            Cmp::LtU => Cmp::GeU,
            Cmp::GtS => Cmp::LeS,
            Cmp::GtU => Cmp::LeU,
            Cmp::LeS => Cmp::GtS,
            Cmp::LeU => Cmp::GtU,
            Cmp::GeS => Cmp::LtS,
            Cmp::GeU => Cmp::LtU,
        }
    }
}

/// How a heap load widens what it reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeapLoad {
    U8,
    S8(Width),
    U16,
    S16(Width),
    U32,
    S32,
    U64,
}

/// Scalar float precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prec {
    F32,
    F64,
}

/// Two-operand float operations (`dst = dst op src`), with WebAssembly's NaN and signed-zero
/// rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatOp {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Copysign,
}

/// One-operand float operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatUnary {
    Abs,
    Neg,
    Sqrt,
    Ceil,
    Floor,
    Trunc,
    Nearest,
}

/// Conversions between the classes of registers or precisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convert {
    /// Float to integer, trapping on NaN or out of range: (target, signed).
    Trunc(Width, bool),
    /// Float to integer, saturating (NaN to 0, out of range to the nearest bound).
    TruncSat(Width, bool),
    /// Integer to float: (source, signed).
    FromInt(Width, bool),
    /// f64 to f32, f32 to f64.
    Demote,
    Promote,
    /// Bits between an integer and a float register of the same width.
    BitsToFloat,
    FloatToBits,
}

/// An argument of a runtime call: an operand's frame slot (its low 32 bits), a constant, or
/// the address of a frame slot.
#[derive(Clone, Copy, Debug)]
pub enum BuiltinArg {
    Slot(u32),
    Imm(u32),
    SlotAddress(u32),
}

/// The source (`Masm::set_offset`) of a function's entry checks: the native stack, the call
/// depth, interruption and fuel. A trap there is reported at the call that would have entered
/// the function, as the interpreter, which checks before entering, reports it.
pub const ENTRY: u32 = u32::MAX;

/// The right operand of a comparison: a register, or a constant (sign-extended to the width).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rhs {
    Reg(Reg),
    Imm(i32),
}

/// How a parameter or result travels between compiled functions: integers and references in
/// general registers, f32 and f64 in the low bits of float registers, v128 in whole ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Int,
    Float,
    V128,
}

/// The classes of a function's parameters and results.
#[derive(Clone, Copy, Debug)]
pub struct Signature<'a> {
    pub params: &'a [Class],
    pub results: &'a [Class],
}

pub trait Masm {
    type Label: Copy;

    /// Registers the compiler may hold operands in (the ISA keeps others for itself).
    fn allocatable(&self) -> &'static [Reg];
    fn new_label(&mut self) -> Self::Label;
    fn bind(&mut self, label: Self::Label);
    /// Binds `label` where a loop starts (its back edges jump there), placed as the ISA's
    /// instruction fetch prefers.
    fn bind_loop(&mut self, label: Self::Label);

    /// Registers that can hold an integer local for a whole function (`prologue`): no operand
    /// is ever allocated to them, and every function that holds locals in them keeps the
    /// caller's values, so they survive calls.
    fn local_registers(&self) -> &'static [Reg];
    /// The same for f32, f64 and v128 locals.
    fn float_local_registers(&self) -> &'static [Reg];

    /// Starts function `index` of the module (its entry label): its frame's first `params`
    /// slots hold its parameters and the next `locals` are zeroed, except for the locals in
    /// `registers` (local index, one of `local_registers`, and the local's width) and
    /// `float_registers` (one of `float_local_registers`), which live in their register instead
    /// (a parameter loaded, a declared local zeroed). An i32 local's register is written with
    /// 32-bit operations only, here and by the compiler, so its upper half is always zero.
    /// Parameters (of `sig`) come as `param_register` says, the others in the caller's slots.
    fn prologue(
        &mut self,
        index: u32,
        sig: Signature<'_>,
        locals: u32,
        registers: &[(u32, Reg, Width)],
        float_registers: &[(u32, Reg)],
    );
    /// Returns the values in slots `first..` (of `results`) as results: the first in
    /// `result_register` (from register `first_in` instead of its slot, if given), the others
    /// in the caller's slots.
    fn epilogue(&mut self, first: u32, results: &[Class], first_in: Option<Reg>);
    /// Ends the function, whose frame has `slots` 64-bit slots (known only now): emits the
    /// out-of-line trap stubs its code jumps to.
    fn end_function(&mut self, slots: u32);

    /// At function entries and loop headers: traps `Interrupted` if another thread asked for it
    /// (the runtime then clears the request) and, with `fuel`, `OutOfFuel` when the store has
    /// none left, else takes one unit.
    fn check_interrupt_and_fuel(&mut self, fuel: bool);

    /// Loads an integer slot: 32 bits (zero-extended) or all 64.
    fn load_slot(&mut self, dst: Reg, slot: u32, width: Width);
    fn store_slot(&mut self, slot: u32, src: Reg);
    fn store_slot_imm(&mut self, slot: u32, value: i64);
    /// Copies a value of `class` between slots.
    fn copy_slot(&mut self, class: Class, dst: u32, src: u32);
    fn mov_imm(&mut self, dst: Reg, value: i64, width: Width);
    /// `dst = src` (integer registers, the low 32 bits zero-extended or all 64).
    fn mov(&mut self, dst: Reg, src: Reg, width: Width);
    /// `dst = src` (float registers).
    fn float_mov(&mut self, dst: Reg, src: Reg);

    fn int_op(&mut self, op: IntOp, width: Width, dst: Reg, src: Reg);
    /// `dst = dst op imm` where the ISA has such a form (else false and nothing emitted).
    fn int_op_imm(&mut self, op: IntOp, width: Width, dst: Reg, imm: i64) -> bool;
    /// `dst = src + addend` (a constant sign-extended to the width), `src` unchanged.
    fn add_from(&mut self, width: Width, dst: Reg, src: Reg, addend: Rhs);
    fn int_unary(&mut self, op: IntUnary, width: Width, dst: Reg) -> bool;
    /// `dst = (a cmp b) ? 1 : 0` (`dst` may be `a` or `b`'s register).
    fn compare(&mut self, cmp: Cmp, width: Width, dst: Reg, a: Reg, b: Rhs);
    /// `dst = cond != 0 ? dst : other`.
    fn select(&mut self, width: Width, dst: Reg, other: Reg, cond: Reg);

    fn jump(&mut self, label: Self::Label);
    /// Jumps to `label` if `a cmp b` is `when`.
    fn branch_if_compare(&mut self, cmp: Cmp, width: Width, a: Reg, b: Rhs, when: bool, label: Self::Label);
    fn branch_if_zero(&mut self, reg: Reg, label: Self::Label);
    fn branch_if_nonzero(&mut self, reg: Reg, label: Self::Label);
    /// Jumps to `targets[i]` for the i32 `i` in `reg` (unsigned), or to `default` if it is
    /// not below `targets.len()`; `reg` may be changed.
    fn jump_table(&mut self, reg: Reg, targets: &[Self::Label], default: Self::Label);
    fn trap(&mut self, code: TrapCode);

    /// The register parameter `i` of `class` of a compiled function comes in, if any: the
    /// caller moves it there (after its spills, which may use scratch registers) instead of to
    /// its slot. No operand is ever allocated to these registers.
    fn param_register(&self, i: usize, class: Class) -> Option<Reg>;
    /// The register the first result of a compiled function comes back in.
    fn result_register(&self, class: Class) -> Reg;
    /// Calls defined function `index` of the module, of signature `sig`, with its register
    /// parameters in place and the others in slots `args..`; its
    /// first result comes back in `result_register`, the others in slots `args + 1..`.
    fn call(&mut self, index: u32, args: u32, sig: Signature<'_>);
    /// Calls imported function `index` (a host function or another instance's), of signature
    /// `sig`, with its arguments where `call` wants them, through the module's import
    /// trampoline for `sig` (emitted by `finish`): it moves the arguments into an array of raw
    /// values (`runtime::value`, 16 bytes each), calls `runtime(vmctx, index, values, count)`
    /// (`builtins::call_import`) and returns its results as a compiled function does. Traps
    /// `Host` (the trap itself waiting in the store) when the runtime reports one. The call
    /// clobbers every register an operand may be in.
    fn call_import(&mut self, runtime: *const (), index: u32, args: u32, sig: Signature<'_>);
    /// Emits (or shares, with an earlier function of the same signature) the way in from the
    /// host to defined function `defined`, of signature `sig`: a trampoline that `entry::enter`
    /// calls with the function's code, an array of raw values holding the arguments and then
    /// the results, and the call depth left; it passes the arguments as `call` would and
    /// writes the results back. With `heap` (the module has a memory), it also loads what
    /// compiled code keeps of memory 0 for the whole call (its functions do not: a direct
    /// callee has its caller's instance). Called for every defined function, in order, after
    /// their code.
    fn entry_trampoline(&mut self, defined: u32, sig: Signature<'_>, heap: bool);

    /// `dst = heap[addr (32-bit) + offset]`.
    fn heap_load(&mut self, kind: HeapLoad, dst: Reg, addr: Index, offset: u32);
    /// `heap[addr + offset] = low `bytes` of src`.
    fn heap_store(&mut self, bytes: u8, addr: Index, src: Reg, offset: u32);
    /// `heap[addr + offset] = low `bytes` of value` (all 8 of it sign-extended, for 8).
    fn heap_store_imm(&mut self, bytes: u8, addr: Index, value: i32, offset: u32);

    /// `dst` = the size in pages of the memory `set_memory` picked.
    fn memory_size(&mut self, dst: Reg);
    /// `memory.copy` within memory 0, its operands (destination, source, length) in slots
    /// `d`, `s` and `len`: traps if either range leaves the memory, else copies as `memmove`.
    fn memory0_copy(&mut self, d: u32, s: u32, len: u32);
    /// Calls runtime operation `f(vmctx, args...)` (see `builtins`), which returns a u32:
    /// with `trap`, a nonzero result traps with that code; otherwise it goes to `dst`. The call
    /// clobbers every register an operand may be in (the compiler spills first).
    fn call_builtin(&mut self, f: *const (), args: &[BuiltinArg], trap: Option<TrapCode>, dst: Option<Reg>);
    /// `call_indirect` of type `type_index` (of signature `sig`) through `table`, the element
    /// index in slot `index` and the arguments in slots `args..`. The code checks the element
    /// itself (in bounds, not null, of the signature the instance interned for
    /// `type_index`, through `VMStoreContext::funcs`) and traps as the interpreter does; a
    /// callee of this same instance is called directly as `code(vmctx, args)`, any other
    /// (a host function, another instance's) through the runtime,
    /// `fallback(vmctx, type_index, table, element, args, slot_bytes)`, which traps when it
    /// returns nonzero. The compiler spills first; the code moves the register parameters in
    /// place. The first result comes back in `result_register`, the others in slots
    /// `args + 1..`, either way.
    fn call_indirect(
        &mut self,
        fallback: *const (),
        type_index: u32,
        sig: Signature<'_>,
        table: u32,
        index: u32,
        args: u32,
    );

    fn global_get(&mut self, dst: Reg, index: u32);
    fn global_set(&mut self, index: u32, src: Reg);

    /// Float registers the compiler may hold operands in.
    fn allocatable_float(&self) -> &'static [Reg];
    fn float_load_slot(&mut self, prec: Prec, dst: Reg, slot: u32);
    fn float_store_slot(&mut self, prec: Prec, slot: u32, src: Reg);
    fn float_const(&mut self, prec: Prec, dst: Reg, bits: u64);
    fn float_op(&mut self, op: FloatOp, prec: Prec, dst: Reg, src: Reg);
    /// False if this CPU lacks what the operation needs (nothing emitted then).
    fn float_unary(&mut self, op: FloatUnary, prec: Prec, dst: Reg) -> bool;
    /// Integer `dst = (a cmp b) ? 1 : 0` for the ordered comparisons (`Ne` is true on NaN).
    fn float_compare(&mut self, cmp: Cmp, prec: Prec, dst: Reg, a: Reg, b: Reg);
    fn float_select(&mut self, dst: Reg, other: Reg, cond: Reg);
    /// `dst = convert(src)`; `prec` is the float side's precision (for `Demote`, the source's).
    fn convert(&mut self, conversion: Convert, prec: Prec, dst: Reg, src: Reg);
    fn float_heap_load(&mut self, prec: Prec, dst: Reg, addr: Index, offset: u32);
    fn float_heap_store(&mut self, prec: Prec, addr: Index, src: Reg, offset: u32);
    fn float_global_get(&mut self, prec: Prec, dst: Reg, index: u32);
    fn float_global_set(&mut self, prec: Prec, index: u32, src: Reg);

    /// Makes `module_offset` (of the operator being lowered) the source of what follows: trap
    /// sites and calls map back to it in backtraces.
    fn set_offset(&mut self, module_offset: u32);

    /// The memory the heap accesses that follow address (0 until set).
    fn set_memory(&mut self, index: u32);

    /// Bytes per frame slot (8, or 16 in modules with v128 values: see `codegen::slot_bytes`);
    /// arguments and results of calls and of the entry are as far apart.
    fn slot_bytes(&self) -> u32;
    /// v128 operands live in the float registers.
    fn v128_load_slot(&mut self, dst: Reg, slot: u32);
    fn v128_store_slot(&mut self, slot: u32, src: Reg);
    fn v128_const(&mut self, dst: Reg, bits: u128);
    fn v128_global_get(&mut self, dst: Reg, index: u32);
    fn v128_global_set(&mut self, index: u32, src: Reg);
    /// `dst = op(dst)`; false if this CPU lacks what it needs (nothing emitted then).
    fn v128_unary(&mut self, op: SimpleOp, dst: Reg) -> bool;
    /// `dst = op(dst, src)`; `src` may be clobbered; false as for `v128_unary`.
    fn v128_binary(&mut self, op: SimpleOp, dst: Reg, src: Reg) -> bool;
    /// `dst = bitselect(dst, other, mask)`; `mask` is clobbered.
    fn v128_bitselect(&mut self, dst: Reg, other: Reg, mask: Reg);
    /// `dst = op(dst, count)` for the shifts; `count` (an integer register) is clobbered.
    fn v128_shift(&mut self, op: SimpleOp, dst: Reg, count: Reg);
    /// `dst = op(dst, count)` for the shifts by a constant.
    fn v128_shift_imm(&mut self, op: SimpleOp, dst: Reg, count: u32);
    /// Integer `dst = op(src)` for `any_true`, `all_true` and `bitmask`.
    fn v128_test(&mut self, op: SimpleOp, dst: Reg, src: Reg);
    /// `dst = splat(src)`: `src` an integer register for the integer shapes, else a float one
    /// (which may be `dst`).
    fn v128_splat(&mut self, op: SimpleOp, dst: Reg, src: Reg);
    /// `dst = extract_lane(src, lane)`: an integer or float register as the result type says.
    fn v128_extract_lane(&mut self, op: LaneOp, lane: u8, dst: Reg, src: Reg);
    /// `dst = replace_lane(dst, lane, src)`.
    fn v128_replace_lane(&mut self, op: LaneOp, lane: u8, dst: Reg, src: Reg);
    /// `dst = shuffle(dst, src, lanes)`.
    fn v128_shuffle(&mut self, lanes: &[u8; 16], dst: Reg, src: Reg);
    /// A v128 load of any form but the lane loads, into `dst`.
    fn v128_heap_load(&mut self, op: MemOp, dst: Reg, addr: Index, offset: u32);
    fn v128_heap_store(&mut self, addr: Index, src: Reg, offset: u32);
    /// `v128.loadN_lane` into lane `lane` of `dst`.
    fn v128_load_lane(&mut self, op: MemOp, lane: u8, dst: Reg, addr: Reg, offset: u32);
    /// `v128.storeN_lane` of lane `lane` of `src`.
    fn v128_store_lane(&mut self, op: MemOp, lane: u8, addr: Reg, src: Reg, offset: u32);

    /// The code of the functions compiled (and the trampolines). A call of a function this
    /// masm did not compile is left in `Finished::calls` (see `patch_call`).
    fn finish(self) -> Finished;

    /// Points the call left at `at` in `code` (`Finished::calls`) to offset `target`.
    fn patch_call(code: &mut [u8], at: usize, target: usize)
    where
        Self: Sized;
}

/// A compiled module's code (or a part of its functions') and what maps it back to the module.
pub struct Finished {
    pub code: Vec<u8>,
    /// Where each defined function starts (in a part's code: each function it compiled).
    pub functions: Vec<usize>,
    /// Where each defined function's entry trampoline starts (`Masm::entry_trampoline`).
    pub entries: Vec<usize>,
    /// The trap sites: code offset and trap.
    pub sites: Vec<(u32, TrapCode)>,
    /// Trap sites and the last byte of each call (a return address may be the next trap
    /// site), with the module offset of their operator, sorted by code offset.
    pub sources: Vec<(u32, u32)>,
    /// Calls of functions another part compiles (`Masm::patch_call`): where the call's target
    /// is written, and the defined function it calls.
    pub calls: Vec<(u32, u32)>,
}
