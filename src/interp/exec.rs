//! The executor: runs interpreter code on the store's value stack. Wasm-to-wasm calls push an
//! activation on the executor's own call stack, so wasm recursion never grows the native
//! stack; calls into host functions (which may call back into wasm) are bounded by the
//! configured call depth and by the native stack that remains.

use std::cell::Cell;
use std::sync::atomic::Ordering;

use super::code::{BranchTarget, Function, Instr};
use super::{num, simd};
use crate::decode::ops::{MemKind, MemOp, SimpleOp};
use crate::runtime::store::{Caller, FuncEntity, Instance, Store};
use crate::runtime::sys;
use crate::runtime::trap::{Frame, Trap, TrapCode};
use crate::runtime::value::Val;
use crate::types::FuncType;

/// Native stack kept free below the deepest re-entrant call, for host code and the executor:
/// a quarter of the thread's stack, between 16 and 128 KiB.
fn native_stack_reserve(stack_size: usize) -> usize {
    (stack_size / 4).clamp(16 * 1024, 128 * 1024)
}

thread_local! {
    static STACK_LIMIT: Cell<usize> = const { Cell::new(0) };
}

fn native_stack_exhausted() -> bool {
    let limit = STACK_LIMIT.with(|l| {
        if l.get() == 0 {
            l.set(sys::stack_bounds().map_or(1, |(low, size)| low + native_stack_reserve(size)));
        }
        l.get()
    });
    sys::current_stack_address() < limit
}

/// Calls store function `func` with `args`, writing `results`. Arguments and results have
/// been checked against the function's type by the caller.
pub(crate) fn call(store: &mut Store, func: u32, args: &[Val], results: &mut [Val]) -> Result<(), Trap> {
    if store.depth >= store.engine.config().max_call_depth || native_stack_exhausted() {
        return Err(Trap::new(TrapCode::CallStackExhausted));
    }
    store.depth += 1;
    let r = call_inner(store, func, args, results);
    store.depth -= 1;
    r
}

fn call_inner(store: &mut Store, func: u32, args: &[Val], results: &mut [Val]) -> Result<(), Trap> {
    if let FuncEntity::Host { callback, .. } = &store.funcs[func as usize] {
        let callback = callback.clone();
        return callback(&mut Caller { store, instance: None }, args, results);
    }
    let capacity = store.engine.config().max_stack_slots as usize;
    let mut stack = std::mem::take(&mut store.stack);
    if stack.len() < capacity {
        stack.resize(capacity, 0);
    }
    let base = store.stack_top;
    let mut sp = base;
    for a in args {
        let raw = a.to_raw();
        if sp + 2 > stack.len() {
            store.stack = stack;
            return Err(Trap::new(TrapCode::CallStackExhausted));
        }
        stack[sp] = raw as u64;
        sp += 1;
        if a.ty() == crate::types::ValType::V128 {
            stack[sp] = (raw >> 64) as u64;
            sp += 1;
        }
    }
    let r = Executor::new(store, &mut stack).run(func, base);
    if r.is_ok() {
        let ty = store.funcs[func as usize].ty().clone();
        let mut sp = base;
        for (slot, &t) in results.iter_mut().zip(ty.results()) {
            let mut raw = stack[sp] as u128;
            sp += 1;
            if t == crate::types::ValType::V128 {
                raw |= (stack[sp] as u128) << 64;
                sp += 1;
            }
            *slot = Val::from_raw(store.id, t, raw);
        }
    }
    store.stack = stack;
    r
}

/// One wasm function activation.
#[derive(Clone, Copy)]
struct Activation {
    /// The running function's code. Points into a `CompiledModule` kept alive by the store's
    /// function entities, which are never removed while the store lives.
    func: *const Function,
    store_func: u32,
    instance: u32,
    pc: usize,
    fp: usize,
}

struct Executor<'a> {
    store: &'a mut Store,
    stack: &'a mut Vec<u64>,
    frames: Vec<Activation>,
    /// Memory 0 of the running instance: base and length in bytes (0 when it has none).
    mem_base: *mut u8,
    mem_len: usize,
}

/// Slot conversions for the scalar operators.
trait Slot: Sized {
    fn from_slot(s: u64) -> Self;
    fn to_slot(self) -> u64;
}

macro_rules! slot_int {
    ($($t:ty),*) => {$(
        impl Slot for $t {
            #[inline(always)]
            fn from_slot(s: u64) -> Self { s as $t }
            #[inline(always)]
            fn to_slot(self) -> u64 { self as u64 }
        }
    )*};
}
slot_int!(i32, u32, i64, u64);

impl Slot for bool {
    #[inline(always)]
    fn from_slot(s: u64) -> Self {
        s != 0
    }
    #[inline(always)]
    fn to_slot(self) -> u64 {
        self as u64
    }
}

impl Slot for f32 {
    #[inline(always)]
    fn from_slot(s: u64) -> Self {
        f32::from_bits(s as u32)
    }
    #[inline(always)]
    fn to_slot(self) -> u64 {
        self.to_bits() as u64
    }
}

impl Slot for f64 {
    #[inline(always)]
    fn from_slot(s: u64) -> Self {
        f64::from_bits(s)
    }
    #[inline(always)]
    fn to_slot(self) -> u64 {
        self.to_bits()
    }
}

/// Signed division with WebAssembly's traps.
macro_rules! div_s {
    ($a:expr, $b:expr, $min:expr) => {{
        if $b == 0 {
            return Err(TrapCode::IntegerDivideByZero);
        }
        if $a == $min && $b == -1 {
            return Err(TrapCode::IntegerOverflow);
        }
        $a / $b
    }};
}

macro_rules! nonzero {
    ($b:expr) => {{
        if $b == 0 {
            return Err(TrapCode::IntegerDivideByZero);
        }
        $b
    }};
}

/// Executes a scalar operator on the top of the stack.
#[inline(always)]
fn simple(op: SimpleOp, s: &mut [u64], sp: &mut usize) -> Result<(), TrapCode> {
    use SimpleOp::*;
    macro_rules! un {
        ($t:ty, |$a:ident| $e:expr) => {{
            let $a = <$t>::from_slot(s[*sp - 1]);
            s[*sp - 1] = Slot::to_slot($e);
        }};
    }
    macro_rules! bin {
        ($t:ty, |$a:ident, $b:ident| $e:expr) => {{
            let $b = <$t>::from_slot(s[*sp - 1]);
            let $a = <$t>::from_slot(s[*sp - 2]);
            *sp -= 1;
            s[*sp - 1] = Slot::to_slot($e);
        }};
    }
    match op {
        I32Eqz => un!(u32, |a| a == 0),
        I32Eq => bin!(u32, |a, b| a == b),
        I32Ne => bin!(u32, |a, b| a != b),
        I32LtS => bin!(i32, |a, b| a < b),
        I32LtU => bin!(u32, |a, b| a < b),
        I32GtS => bin!(i32, |a, b| a > b),
        I32GtU => bin!(u32, |a, b| a > b),
        I32LeS => bin!(i32, |a, b| a <= b),
        I32LeU => bin!(u32, |a, b| a <= b),
        I32GeS => bin!(i32, |a, b| a >= b),
        I32GeU => bin!(u32, |a, b| a >= b),
        I64Eqz => un!(u64, |a| a == 0),
        I64Eq => bin!(u64, |a, b| a == b),
        I64Ne => bin!(u64, |a, b| a != b),
        I64LtS => bin!(i64, |a, b| a < b),
        I64LtU => bin!(u64, |a, b| a < b),
        I64GtS => bin!(i64, |a, b| a > b),
        I64GtU => bin!(u64, |a, b| a > b),
        I64LeS => bin!(i64, |a, b| a <= b),
        I64LeU => bin!(u64, |a, b| a <= b),
        I64GeS => bin!(i64, |a, b| a >= b),
        I64GeU => bin!(u64, |a, b| a >= b),
        F32Eq => bin!(f32, |a, b| a == b),
        F32Ne => bin!(f32, |a, b| a != b),
        F32Lt => bin!(f32, |a, b| a < b),
        F32Gt => bin!(f32, |a, b| a > b),
        F32Le => bin!(f32, |a, b| a <= b),
        F32Ge => bin!(f32, |a, b| a >= b),
        F64Eq => bin!(f64, |a, b| a == b),
        F64Ne => bin!(f64, |a, b| a != b),
        F64Lt => bin!(f64, |a, b| a < b),
        F64Gt => bin!(f64, |a, b| a > b),
        F64Le => bin!(f64, |a, b| a <= b),
        F64Ge => bin!(f64, |a, b| a >= b),
        I32Clz => un!(u32, |a| a.leading_zeros()),
        I32Ctz => un!(u32, |a| a.trailing_zeros()),
        I32Popcnt => un!(u32, |a| a.count_ones()),
        I32Add => bin!(u32, |a, b| a.wrapping_add(b)),
        I32Sub => bin!(u32, |a, b| a.wrapping_sub(b)),
        I32Mul => bin!(u32, |a, b| a.wrapping_mul(b)),
        I32DivS => bin!(i32, |a, b| div_s!(a, b, i32::MIN)),
        I32DivU => bin!(u32, |a, b| a / nonzero!(b)),
        I32RemS => bin!(i32, |a, b| a.wrapping_rem(nonzero!(b))),
        I32RemU => bin!(u32, |a, b| a % nonzero!(b)),
        I32And => bin!(u32, |a, b| a & b),
        I32Or => bin!(u32, |a, b| a | b),
        I32Xor => bin!(u32, |a, b| a ^ b),
        I32Shl => bin!(u32, |a, b| a.wrapping_shl(b)),
        I32ShrS => bin!(i32, |a, b| a.wrapping_shr(b as u32)),
        I32ShrU => bin!(u32, |a, b| a.wrapping_shr(b)),
        I32Rotl => bin!(u32, |a, b| a.rotate_left(b % 32)),
        I32Rotr => bin!(u32, |a, b| a.rotate_right(b % 32)),
        I64Clz => un!(u64, |a| a.leading_zeros() as u64),
        I64Ctz => un!(u64, |a| a.trailing_zeros() as u64),
        I64Popcnt => un!(u64, |a| a.count_ones() as u64),
        I64Add => bin!(u64, |a, b| a.wrapping_add(b)),
        I64Sub => bin!(u64, |a, b| a.wrapping_sub(b)),
        I64Mul => bin!(u64, |a, b| a.wrapping_mul(b)),
        I64DivS => bin!(i64, |a, b| div_s!(a, b, i64::MIN)),
        I64DivU => bin!(u64, |a, b| a / nonzero!(b)),
        I64RemS => bin!(i64, |a, b| a.wrapping_rem(nonzero!(b))),
        I64RemU => bin!(u64, |a, b| a % nonzero!(b)),
        I64And => bin!(u64, |a, b| a & b),
        I64Or => bin!(u64, |a, b| a | b),
        I64Xor => bin!(u64, |a, b| a ^ b),
        I64Shl => bin!(u64, |a, b| a.wrapping_shl(b as u32)),
        I64ShrS => bin!(i64, |a, b| a.wrapping_shr(b as u32)),
        I64ShrU => bin!(u64, |a, b| a.wrapping_shr(b as u32)),
        I64Rotl => bin!(u64, |a, b| a.rotate_left((b % 64) as u32)),
        I64Rotr => bin!(u64, |a, b| a.rotate_right((b % 64) as u32)),
        F32Abs => un!(u32, |a| a & 0x7fff_ffff),
        F32Neg => un!(u32, |a| a ^ 0x8000_0000),
        F32Ceil => un!(f32, |a| num::f32_ceil(a)),
        F32Floor => un!(f32, |a| num::f32_floor(a)),
        F32Trunc => un!(f32, |a| num::f32_trunc(a)),
        F32Nearest => un!(f32, |a| num::f32_nearest(a)),
        F32Sqrt => un!(f32, |a| a.sqrt()),
        F32Add => bin!(f32, |a, b| a + b),
        F32Sub => bin!(f32, |a, b| a - b),
        F32Mul => bin!(f32, |a, b| a * b),
        F32Div => bin!(f32, |a, b| a / b),
        F32Min => bin!(f32, |a, b| num::f32_min(a, b)),
        F32Max => bin!(f32, |a, b| num::f32_max(a, b)),
        F32Copysign => bin!(u32, |a, b| (a & 0x7fff_ffff) | (b & 0x8000_0000)),
        F64Abs => un!(u64, |a| a & 0x7fff_ffff_ffff_ffff),
        F64Neg => un!(u64, |a| a ^ 0x8000_0000_0000_0000),
        F64Ceil => un!(f64, |a| num::f64_ceil(a)),
        F64Floor => un!(f64, |a| num::f64_floor(a)),
        F64Trunc => un!(f64, |a| num::f64_trunc(a)),
        F64Nearest => un!(f64, |a| num::f64_nearest(a)),
        F64Sqrt => un!(f64, |a| a.sqrt()),
        F64Add => bin!(f64, |a, b| a + b),
        F64Sub => bin!(f64, |a, b| a - b),
        F64Mul => bin!(f64, |a, b| a * b),
        F64Div => bin!(f64, |a, b| a / b),
        F64Min => bin!(f64, |a, b| num::f64_min(a, b)),
        F64Max => bin!(f64, |a, b| num::f64_max(a, b)),
        F64Copysign => bin!(u64, |a, b| (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000)),
        I32WrapI64 => un!(u64, |a| a as u32),
        I32TruncF32S => un!(f32, |a| num::i32_trunc_f32_s(a)?),
        I32TruncF32U => un!(f32, |a| num::i32_trunc_f32_u(a)?),
        I32TruncF64S => un!(f64, |a| num::i32_trunc_f64_s(a)?),
        I32TruncF64U => un!(f64, |a| num::i32_trunc_f64_u(a)?),
        I64ExtendI32S => un!(i32, |a| a as i64),
        I64ExtendI32U => un!(u32, |a| a as u64),
        I64TruncF32S => un!(f32, |a| num::i64_trunc_f32_s(a)?),
        I64TruncF32U => un!(f32, |a| num::i64_trunc_f32_u(a)?),
        I64TruncF64S => un!(f64, |a| num::i64_trunc_f64_s(a)?),
        I64TruncF64U => un!(f64, |a| num::i64_trunc_f64_u(a)?),
        F32ConvertI32S => un!(i32, |a| a as f32),
        F32ConvertI32U => un!(u32, |a| a as f32),
        F32ConvertI64S => un!(i64, |a| a as f32),
        F32ConvertI64U => un!(u64, |a| a as f32),
        F32DemoteF64 => un!(f64, |a| a as f32),
        F64ConvertI32S => un!(i32, |a| a as f64),
        F64ConvertI32U => un!(u32, |a| a as f64),
        F64ConvertI64S => un!(i64, |a| a as f64),
        F64ConvertI64U => un!(u64, |a| a as f64),
        F64PromoteF32 => un!(f32, |a| a as f64),
        // Slots hold raw bits, so reinterpretation only clears what the narrower type ignores.
        I32ReinterpretF32 | F32ReinterpretI32 => un!(u32, |a| a),
        I64ReinterpretF64 | F64ReinterpretI64 => {}
        I32Extend8S => un!(i32, |a| a as i8 as i32),
        I32Extend16S => un!(i32, |a| a as i16 as i32),
        I64Extend8S => un!(i64, |a| a as i8 as i64),
        I64Extend16S => un!(i64, |a| a as i16 as i64),
        I64Extend32S => un!(i64, |a| a as i32 as i64),
        I32TruncSatF32S => un!(f32, |a| a as i32),
        I32TruncSatF32U => un!(f32, |a| a as u32),
        I32TruncSatF64S => un!(f64, |a| a as i32),
        I32TruncSatF64U => un!(f64, |a| a as u32),
        I64TruncSatF32S => un!(f32, |a| a as i64),
        I64TruncSatF32U => un!(f32, |a| a as u64),
        I64TruncSatF64S => un!(f64, |a| a as i64),
        I64TruncSatF64U => un!(f64, |a| a as u64),
        _ => unreachable!("SIMD operators are lowered to Simd* instructions"),
    }
    Ok(())
}

/// Bytes moved by a scalar load or store.
fn access_size(op: MemOp) -> usize {
    use MemOp::*;
    match op {
        I32Load8S | I32Load8U | I64Load8S | I64Load8U | I32Store8 | I64Store8 => 1,
        I32Load16S | I32Load16U | I64Load16S | I64Load16U | I32Store16 | I64Store16 => 2,
        I32Load | F32Load | I64Load32S | I64Load32U | I32Store | F32Store | I64Store32 => 4,
        I64Load | F64Load | I64Store | F64Store => 8,
        V128Load | V128Store => 16,
        _ => simd::load_size(op),
    }
}

/// Widens a loaded little-endian value of `access_size(op)` bytes to its slot.
fn extend_loaded(op: MemOp, raw: u64) -> u64 {
    use MemOp::*;
    match op {
        I32Load8S => raw as i8 as i32 as u32 as u64,
        I32Load16S => raw as i16 as i32 as u32 as u64,
        I64Load8S => raw as i8 as i64 as u64,
        I64Load16S => raw as i16 as i64 as u64,
        I64Load32S => raw as i32 as i64 as u64,
        _ => raw,
    }
}

impl<'a> Executor<'a> {
    fn new(store: &'a mut Store, stack: &'a mut Vec<u64>) -> Executor<'a> {
        Executor { store, stack, frames: Vec::new(), mem_base: std::ptr::null_mut(), mem_len: 0 }
    }

    fn refresh_memory(&mut self, instance: u32) {
        match self.store.instances[instance as usize].memories.first() {
            Some(&m) => {
                let m = &self.store.memories[m as usize];
                self.mem_base = m.base();
                self.mem_len = m.len();
            }
            None => {
                self.mem_base = std::ptr::null_mut();
                self.mem_len = 0;
            }
        }
    }

    /// Base and length in bytes of memory `index` of an instance.
    fn memory(&self, instance: u32, index: u32) -> (*mut u8, usize) {
        let m = &self.store.memories[self.store.instances[instance as usize].memories[index as usize] as usize];
        (m.base(), m.len())
    }

    /// The bounds-checked address of an access of `size` bytes at `addr + offset` in a memory
    /// of `len` bytes.
    #[inline(always)]
    fn effective(len: usize, addr: u64, offset: u32, size: usize) -> Result<usize, TrapCode> {
        let ea = (addr as u32 as u64) + offset as u64;
        if ea + size as u64 > len as u64 {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        Ok(ea as usize)
    }

    /// Reads `size` bytes at `ea` of a memory at `base`.
    #[inline(always)]
    fn read(base: *mut u8, ea: usize, size: usize) -> u128 {
        let mut bytes = [0u8; 16];
        // SAFETY: callers checked ea + size against the memory's length with `effective`; the
        // memory's bytes are mapped and owned by the store, and never move while it lives.
        unsafe { std::ptr::copy_nonoverlapping(base.add(ea), bytes.as_mut_ptr(), size) };
        u128::from_le_bytes(bytes)
    }

    #[inline(always)]
    fn write(base: *mut u8, ea: usize, size: usize, value: u128) {
        let bytes = value.to_le_bytes();
        // SAFETY: as in `read`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), base.add(ea), size) };
    }

    fn trap(&self, code: TrapCode, current: &Activation) -> Trap {
        let mut trap = Trap::new(code);
        self.add_frames(&mut trap, current);
        trap
    }

    fn add_frames(&self, trap: &mut Trap, current: &Activation) {
        for act in std::iter::once(current).chain(self.frames.iter().rev()) {
            let FuncEntity::Wasm { module, defined_index, .. } = &self.store.funcs[act.store_func as usize] else {
                continue;
            };
            let m = &module.module;
            // SAFETY: see Activation::func.
            let f = unsafe { &*act.func };
            let index = m.imported_funcs + defined_index;
            let pc = act.pc.saturating_sub(1).min(f.offsets.len().saturating_sub(1));
            let module_offset = f.offsets.get(pc).copied().unwrap_or(0) as usize;
            let body_start = m.raw.code[*defined_index as usize].offset;
            trap.frames.push(Frame {
                func_index: index,
                func_name: m.raw.names.functions.get(&index).cloned(),
                module_name: m.raw.names.module.clone(),
                module_offset,
                func_offset: module_offset.saturating_sub(body_start),
                instance: act.instance,
            });
        }
    }

    /// Runs store function `func` (a wasm function) with its arguments at `stack[base..]`;
    /// leaves its results there.
    fn run(&mut self, func: u32, base: usize) -> Result<(), Trap> {
        let FuncEntity::Wasm { module, defined_index, instance } = &self.store.funcs[func as usize] else {
            unreachable!("call_inner handles host functions");
        };
        let f: *const Function = &module.code[*defined_index as usize];
        let mut act = Activation { func: f, store_func: func, instance: *instance, pc: 0, fp: base };
        // SAFETY: see Activation::func.
        let callee = unsafe { &*f };
        let sp = self.enter(callee, base).map_err(|c| self.trap(c, &act))?;
        self.refresh_memory(act.instance);
        let depth = self.store.depth;
        let outcome = self.execute(&mut act, sp);
        self.store.depth = depth;
        match outcome {
            Ok(()) => Ok(()),
            Err(Unwind::Trap(code)) => Err(self.trap(code, &act)),
            Err(Unwind::Host(mut trap)) => {
                self.add_frames(&mut trap, &act);
                Err(trap)
            }
        }
    }

    /// Sets up a frame at `fp` (parameters already there): zeroes locals and checks the stack
    /// has room. Returns the operand stack pointer.
    fn enter(&mut self, f: &Function, fp: usize) -> Result<usize, TrapCode> {
        let locals_end = fp + (f.param_slots + f.local_slots) as usize;
        if locals_end + f.max_height as usize + 2 > self.stack.len() {
            return Err(TrapCode::CallStackExhausted);
        }
        self.stack[fp + f.param_slots as usize..locals_end].fill(0);
        self.check_interrupt_and_fuel()?;
        Ok(locals_end)
    }

    /// Function entries and loop headers: honours an interruption request and, when the
    /// engine counts fuel, consumes one unit.
    #[inline(always)]
    fn check_interrupt_and_fuel(&mut self) -> Result<(), TrapCode> {
        if self.store.interrupt.load(Ordering::Relaxed) {
            self.store.interrupt.store(false, Ordering::Relaxed);
            return Err(TrapCode::Interrupted);
        }
        if self.store.engine.config().fuel {
            if self.store.fuel == 0 {
                return Err(TrapCode::OutOfFuel);
            }
            self.store.fuel -= 1;
        }
        Ok(())
    }
}

/// Why execution unwinds.
enum Unwind {
    Trap(TrapCode),
    Host(Trap),
}

impl From<TrapCode> for Unwind {
    fn from(c: TrapCode) -> Unwind {
        Unwind::Trap(c)
    }
}

impl Executor<'_> {
    /// The interpreter loop. `act` is the running activation; on return it is the activation
    /// that trapped (for the backtrace).
    fn execute(&mut self, act: &mut Activation, mut sp: usize) -> Result<(), Unwind> {
        // SAFETY: see Activation::func.
        let mut f: &Function = unsafe { &*act.func };
        let mut pc = act.pc;
        let mut fp = act.fp;
        macro_rules! pop {
            () => {{
                sp -= 1;
                self.stack[sp]
            }};
        }
        macro_rules! push {
            ($v:expr) => {{
                let v = $v;
                self.stack[sp] = v;
                sp += 1;
            }};
        }
        macro_rules! pop128 {
            () => {{
                sp -= 2;
                self.stack[sp] as u128 | (self.stack[sp + 1] as u128) << 64
            }};
        }
        macro_rules! push128 {
            ($v:expr) => {{
                let v: u128 = $v;
                self.stack[sp] = v as u64;
                self.stack[sp + 1] = (v >> 64) as u64;
                sp += 2;
            }};
        }
        macro_rules! trap {
            ($e:expr) => {{
                act.pc = pc;
                act.fp = fp;
                return Err(Unwind::Trap($e));
            }};
        }
        macro_rules! check {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(code) => trap!(code),
                }
            };
        }
        macro_rules! load_result {
            ($op:expr, $raw:expr) => {
                match $op.kind() {
                    MemKind::Load(crate::types::ValType::V128) => match $op {
                        MemOp::V128Load => push128!($raw),
                        _ => push128!(simd::load($op, $raw as u64)),
                    },
                    _ => push!(extend_loaded($op, $raw as u64)),
                }
            };
        }
        macro_rules! branch {
            ($t:expr) => {{
                let t: BranchTarget = $t;
                if t.drop > 0 {
                    let keep = t.keep as usize;
                    let from = sp - keep;
                    let to = from - t.drop as usize;
                    self.stack.copy_within(from..sp, to);
                    sp = to + keep;
                }
                pc = t.pc as usize;
            }};
        }
        loop {
            let instr = f.code[pc];
            pc += 1;
            match instr {
                Instr::Simple(op) => {
                    if let Err(code) = simple(op, self.stack, &mut sp) {
                        trap!(code);
                    }
                }
                Instr::LocalGet(slot) => push!(self.stack[fp + slot as usize]),
                Instr::LocalSet(slot) => {
                    let v = pop!();
                    self.stack[fp + slot as usize] = v;
                }
                Instr::LocalTee(slot) => self.stack[fp + slot as usize] = self.stack[sp - 1],
                Instr::Const(v) => push!(v),
                Instr::Br(t) => branch!(t),
                Instr::BrIf(t) => {
                    if pop!() as u32 != 0 {
                        branch!(t);
                    }
                }
                Instr::BrUnless { pc: target } => {
                    if pop!() as u32 == 0 {
                        pc = target as usize;
                    }
                }
                Instr::BrTable { start, len } => {
                    let index = (pop!() as u32).min(len - 1);
                    branch!(f.br_targets[(start + index) as usize]);
                }
                Instr::LoopHeader => check!(self.check_interrupt_and_fuel()),
                Instr::Load(op, offset) => {
                    let size = access_size(op);
                    let addr = pop!();
                    let ea = check!(Self::effective(self.mem_len, addr, offset, size));
                    let raw = Self::read(self.mem_base, ea, size);
                    load_result!(op, raw);
                }
                Instr::Store(op, offset) => {
                    let size = access_size(op);
                    let value = if op == MemOp::V128Store { pop128!() } else { pop!() as u128 };
                    let addr = pop!();
                    let ea = check!(Self::effective(self.mem_len, addr, offset, size));
                    Self::write(self.mem_base, ea, size, value);
                }
                Instr::LoadN(op, memory, offset) => {
                    let (base, len) = self.memory(act.instance, memory as u32);
                    let size = access_size(op);
                    let addr = pop!();
                    let ea = check!(Self::effective(len, addr, offset, size));
                    let raw = Self::read(base, ea, size);
                    load_result!(op, raw);
                }
                Instr::StoreN(op, memory, offset) => {
                    let (base, len) = self.memory(act.instance, memory as u32);
                    let size = access_size(op);
                    let value = if op == MemOp::V128Store { pop128!() } else { pop!() as u128 };
                    let addr = pop!();
                    let ea = check!(Self::effective(len, addr, offset, size));
                    Self::write(base, ea, size, value);
                }
                Instr::LoadLane(op, memory, offset, lane) => {
                    let (base, len) = self.memory(act.instance, memory as u32);
                    let bytes = simd::lane_bytes(op);
                    let v = pop128!();
                    let addr = pop!();
                    let ea = check!(Self::effective(len, addr, offset, bytes));
                    let raw = Self::read(base, ea, bytes) as u64;
                    push128!(simd::set_lane_bits(v, lane, bytes, raw));
                }
                Instr::StoreLane(op, memory, offset, lane) => {
                    let (base, len) = self.memory(act.instance, memory as u32);
                    let bytes = simd::lane_bytes(op);
                    let v = pop128!();
                    let addr = pop!();
                    let ea = check!(Self::effective(len, addr, offset, bytes));
                    Self::write(base, ea, bytes, simd::get_lane_bits(v, lane, bytes) as u128);
                }
                Instr::Call(index) => {
                    let callee = self.store.instances[act.instance as usize].funcs[index as usize];
                    act.pc = pc;
                    act.fp = fp;
                    sp = self.call(act, callee, sp)?;
                    // SAFETY: see Activation::func.
                    f = unsafe { &*act.func };
                    pc = act.pc;
                    fp = act.fp;
                }
                Instr::CallIndirect { type_index, table } => {
                    let index = pop!() as u32;
                    let instance = &self.store.instances[act.instance as usize];
                    let table = &self.store.tables[instance.tables[table as usize] as usize];
                    let Some(&raw) = table.elements.get(index as usize) else {
                        trap!(TrapCode::UndefinedElement);
                    };
                    if raw == 0 {
                        trap!(TrapCode::UninitializedElement);
                    }
                    let callee = (raw - 1) as u32;
                    let expected: &FuncType = &instance.module.module.raw.types[type_index as usize];
                    if self.store.funcs[callee as usize].ty() != expected {
                        trap!(TrapCode::IndirectCallTypeMismatch);
                    }
                    act.pc = pc;
                    act.fp = fp;
                    sp = self.call(act, callee, sp)?;
                    // SAFETY: see Activation::func.
                    f = unsafe { &*act.func };
                    pc = act.pc;
                    fp = act.fp;
                }
                Instr::Return => {
                    let n = f.result_slots as usize;
                    self.stack.copy_within(sp - n..sp, fp);
                    sp = fp + n;
                    let Some(caller) = self.frames.pop() else {
                        return Ok(());
                    };
                    self.store.depth -= 1;
                    *act = caller;
                    // SAFETY: see Activation::func.
                    f = unsafe { &*act.func };
                    pc = act.pc;
                    fp = act.fp;
                    // The callee may have grown the memory, or run in another instance.
                    self.refresh_memory(act.instance);
                }
                Instr::Unreachable => trap!(TrapCode::Unreachable),
                Instr::Drop(n) => sp -= n as usize,
                Instr::Select => {
                    let c = pop!() as u32;
                    let b = pop!();
                    if c == 0 {
                        self.stack[sp - 1] = b;
                    }
                }
                Instr::Select2 => {
                    let c = pop!() as u32;
                    let b = pop128!();
                    if c == 0 {
                        sp -= 2;
                        push128!(b);
                    }
                }
                Instr::LocalGet2(slot) => {
                    let s = fp + slot as usize;
                    push!(self.stack[s]);
                    push!(self.stack[s + 1]);
                }
                Instr::LocalSet2(slot) => {
                    let s = fp + slot as usize;
                    self.stack[s + 1] = pop!();
                    self.stack[s] = pop!();
                }
                Instr::LocalTee2(slot) => {
                    let s = fp + slot as usize;
                    self.stack[s] = self.stack[sp - 2];
                    self.stack[s + 1] = self.stack[sp - 1];
                }
                Instr::GlobalGet(g) => {
                    let g = self.store.instances[act.instance as usize].globals[g as usize];
                    push!(self.store.globals[g as usize].value as u64);
                }
                Instr::GlobalSet(g) => {
                    let g = self.store.instances[act.instance as usize].globals[g as usize];
                    let v = pop!();
                    self.store.globals[g as usize].value = v as u128;
                }
                Instr::GlobalGet2(g) => {
                    let g = self.store.instances[act.instance as usize].globals[g as usize];
                    push128!(self.store.globals[g as usize].value);
                }
                Instr::GlobalSet2(g) => {
                    let g = self.store.instances[act.instance as usize].globals[g as usize];
                    let v = pop128!();
                    self.store.globals[g as usize].value = v;
                }
                Instr::TableGet(t) => {
                    let index = pop!() as u32;
                    let t = self.table_index(act.instance, t);
                    push!(check!(self.store.tables[t].get(index)));
                }
                Instr::TableSet(t) => {
                    let value = pop!();
                    let index = pop!() as u32;
                    let t = self.table_index(act.instance, t);
                    check!(self.store.tables[t].set(index, value));
                }
                Instr::TableSize(t) => {
                    let t = self.table_index(act.instance, t);
                    push!(self.store.tables[t].size() as u64);
                }
                Instr::TableGrow(t) => {
                    let delta = pop!() as u32;
                    let init = pop!();
                    let t = self.table_index(act.instance, t);
                    let old = self.store.tables[t].grow(delta as u64, init);
                    push!(old.map_or(u32::MAX, |o| o) as u64);
                }
                Instr::TableFill(t) => {
                    let len = pop!() as u32;
                    let value = pop!();
                    let start = pop!() as u32;
                    let t = self.table_index(act.instance, t);
                    check!(self.store.tables[t].fill(start, value, len));
                }
                Instr::TableCopy { dst, src } => {
                    let len = pop!() as u32 as usize;
                    let s = pop!() as u32 as usize;
                    let d = pop!() as u32 as usize;
                    let dst = self.table_index(act.instance, dst);
                    let src = self.table_index(act.instance, src);
                    if s + len > self.store.tables[src].elements.len()
                        || d + len > self.store.tables[dst].elements.len()
                    {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    if dst == src {
                        self.store.tables[dst].elements.copy_within(s..s + len, d);
                    } else {
                        let items: Vec<u64> = self.store.tables[src].elements[s..s + len].to_vec();
                        self.store.tables[dst].elements[d..d + len].copy_from_slice(&items);
                    }
                }
                Instr::TableInit { elem, table } => {
                    let len = pop!() as u32 as usize;
                    let s = pop!() as u32 as usize;
                    let d = pop!() as u32 as usize;
                    let t = self.table_index(act.instance, table);
                    let instance = &self.store.instances[act.instance as usize];
                    let items = &instance.elements[elem as usize];
                    if s + len > items.len() || d + len > self.store.tables[t].elements.len() {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    let items: Vec<u64> = items[s..s + len].to_vec();
                    self.store.tables[t].elements[d..d + len].copy_from_slice(&items);
                }
                Instr::ElemDrop(e) => self.store.instances[act.instance as usize].elements[e as usize] = Box::new([]),
                Instr::MemorySize(m) => {
                    let (_, len) = self.memory(act.instance, m);
                    push!(len as u64 / crate::runtime::memory::PAGE_SIZE);
                }
                Instr::MemoryGrow(m) => {
                    let delta = pop!() as u32;
                    let m = self.store.instances[act.instance as usize].memories[m as usize];
                    let old = self.store.memories[m as usize].grow(delta as u64);
                    push!(old.map_or(u32::MAX as u64, |o| o));
                    self.refresh_memory(act.instance);
                }
                Instr::MemoryInit { data, memory } => {
                    let len = pop!() as u32 as usize;
                    let s = pop!() as u32 as usize;
                    let d = pop!() as u32 as usize;
                    let (base, mem_len) = self.memory(act.instance, memory);
                    let instance = &self.store.instances[act.instance as usize];
                    let module = &instance.module.module;
                    let range = if instance.data_dropped[data as usize] {
                        0..0
                    } else {
                        module.raw.data[data as usize].bytes.clone()
                    };
                    if s + len > range.len() || d + len > mem_len {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                    let bytes = &module.bytes[range.start + s..range.start + s + len];
                    // SAFETY: d + len <= mem_len was checked; the source is the module's own
                    // bytes, which cannot overlap linear memory.
                    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), base.add(d), len) };
                }
                Instr::DataDrop(data) => self.store.instances[act.instance as usize].data_dropped[data as usize] = true,
                Instr::MemoryCopy { dst, src } => {
                    let len = pop!() as u32 as usize;
                    let s = pop!() as u32 as usize;
                    let d = pop!() as u32 as usize;
                    let (src_base, src_len) = self.memory(act.instance, src);
                    let (dst_base, dst_len) = self.memory(act.instance, dst);
                    if s + len > src_len || d + len > dst_len {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                    // SAFETY: both ranges were checked against their memory's length; `copy`
                    // allows overlap (the same memory).
                    unsafe { std::ptr::copy(src_base.add(s), dst_base.add(d), len) };
                }
                Instr::MemoryFill(m) => {
                    let len = pop!() as u32 as usize;
                    let value = pop!() as u8;
                    let d = pop!() as u32 as usize;
                    let (base, mem_len) = self.memory(act.instance, m);
                    if d + len > mem_len {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                    // SAFETY: the range was checked against the memory's length.
                    unsafe { std::ptr::write_bytes(base.add(d), value, len) };
                }
                Instr::Const128(i) => push128!(f.consts[i as usize]),
                Instr::RefFunc(index) => {
                    let func = self.store.instances[act.instance as usize].funcs[index as usize];
                    push!(func as u64 + 1);
                }
                Instr::SimdUnary(op) => {
                    let a = pop128!();
                    push128!(op(a));
                }
                Instr::SimdBinary(op) => {
                    let b = pop128!();
                    let a = pop128!();
                    push128!(op(a, b));
                }
                Instr::SimdTernary(op) => {
                    let c = pop128!();
                    let b = pop128!();
                    let a = pop128!();
                    push128!(op(a, b, c));
                }
                Instr::SimdShift(op) => {
                    let n = pop!() as u32;
                    let a = pop128!();
                    push128!(op(a, n));
                }
                Instr::SimdTest(op) => {
                    let a = pop128!();
                    push!(op(a) as u64);
                }
                Instr::SimdSplat32(op) => {
                    let a = pop!() as u32;
                    push128!(op(a));
                }
                Instr::SimdSplat64(op) => {
                    let a = pop!();
                    push128!(op(a));
                }
                Instr::Shuffle(i) => {
                    let lanes = f.consts[i as usize].to_le_bytes();
                    let b = pop128!();
                    let a = pop128!();
                    push128!(simd::shuffle(a, b, &lanes));
                }
                Instr::ExtractLane(op, lane) => {
                    let v = pop128!();
                    push!(simd::extract_lane(op, v, lane));
                }
                Instr::ReplaceLane(op, lane) => {
                    let x = if op.lane_type() == crate::types::ValType::I64
                        || op.lane_type() == crate::types::ValType::F64
                    {
                        pop!()
                    } else {
                        pop!() as u32 as u64
                    };
                    let v = pop128!();
                    push128!(simd::replace_lane(op, v, lane, x));
                }
            }
        }
    }

    fn table_index(&self, instance: u32, t: u32) -> usize {
        self.store.instances[instance as usize].tables[t as usize] as usize
    }

    /// Calls store function `callee` whose arguments are the top slots below `sp`. For a wasm
    /// callee, pushes the caller's activation and makes `act` the callee's; for a host
    /// function, runs it and leaves `act` as it was. Returns the new stack pointer.
    fn call(&mut self, act: &mut Activation, callee: u32, sp: usize) -> Result<usize, Unwind> {
        if self.store.depth + 1 >= self.store.engine.config().max_call_depth {
            return Err(Unwind::Trap(TrapCode::CallStackExhausted));
        }
        match &self.store.funcs[callee as usize] {
            FuncEntity::Wasm { module, defined_index, instance } => {
                let f: *const Function = &module.code[*defined_index as usize];
                // SAFETY: see Activation::func.
                let code = unsafe { &*f };
                let fp = sp - code.param_slots as usize;
                let instance = *instance;
                let new_sp = self.enter(code, fp)?;
                self.store.depth += 1;
                self.frames.push(*act);
                let changed = instance != act.instance;
                *act = Activation { func: f, store_func: callee, instance, pc: 0, fp };
                if changed {
                    self.refresh_memory(instance);
                }
                Ok(new_sp)
            }
            FuncEntity::Host { ty, callback } => {
                let (ty, callback) = (ty.clone(), callback.clone());
                let mut sp = sp;
                let mut args = vec![Val::I32(0); ty.params().len()];
                for (arg, &t) in args.iter_mut().zip(ty.params()).rev() {
                    let raw = if t == crate::types::ValType::V128 {
                        sp -= 2;
                        self.stack[sp] as u128 | (self.stack[sp + 1] as u128) << 64
                    } else {
                        sp -= 1;
                        self.stack[sp] as u128
                    };
                    *arg = Val::from_raw(self.store.id, t, raw);
                }
                let mut results: Vec<Val> = ty.results().iter().map(|&t| Val::default_of(t)).collect();
                let saved_top = self.store.stack_top;
                self.store.stack_top = sp;
                self.store.stack = std::mem::take(self.stack);
                let caller_instance = Instance { store: self.store.id, index: act.instance };
                let outcome = if native_stack_exhausted() {
                    Err(Trap::new(TrapCode::CallStackExhausted))
                } else {
                    self.store.depth += 1;
                    let r = callback(
                        &mut Caller { store: self.store, instance: Some(caller_instance) },
                        &args,
                        &mut results,
                    );
                    self.store.depth -= 1;
                    r
                };
                *self.stack = std::mem::take(&mut self.store.stack);
                self.store.stack_top = saved_top;
                self.refresh_memory(act.instance);
                outcome.map_err(Unwind::Host)?;
                for (r, &t) in results.iter().zip(ty.results()) {
                    if r.ty() != t || !self.store.val_belongs(r) {
                        return Err(Unwind::Host(Trap::host("host function returned a value of the wrong type")));
                    }
                    let raw = r.to_raw();
                    self.stack[sp] = raw as u64;
                    sp += 1;
                    if t == crate::types::ValType::V128 {
                        self.stack[sp] = (raw >> 64) as u64;
                        sp += 1;
                    }
                }
                Ok(sp)
            }
        }
    }
}
