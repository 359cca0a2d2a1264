//! The executor: runs interpreter code on the store's value stack. Wasm-to-wasm calls push an
//! activation on the executor's own call stack, so wasm recursion never grows the native
//! stack; calls into host functions (which may call back into wasm) are bounded by the
//! configured call depth and by the native stack that remains.

use std::cell::Cell;
use std::sync::atomic::Ordering;

use super::code::{Function, Instr, Slot};
use super::{num, simd};
use crate::decode::ops::{MemKind, MemOp, SimpleOp};
use crate::runtime::store::{Caller, FuncEntity, HostFunc, Instance, Store};
use crate::runtime::sys;
use crate::runtime::trap::{Frame, Trap, TrapCode};
use crate::runtime::value::Val;
use crate::types::FuncType;
use crate::types::ValType;
use crate::validate::func::{slots_of, types_slots};

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

/// Runs a host function; a panic in it becomes a trap, so it never unwinds through the
/// executor (whose bookkeeping it would skip) or across the C API.
fn run_host(callback: &HostFunc, caller: &mut Caller<'_>, args: &[Val], results: &mut [Val]) -> Result<(), Trap> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| callback(caller, args, results))) {
        Ok(r) => r,
        Err(payload) => {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(Trap::host(format!("host function panicked: {why}")))
        }
    }
}

fn call_inner(store: &mut Store, func: u32, args: &[Val], results: &mut [Val]) -> Result<(), Trap> {
    if let FuncEntity::Host { callback, .. } = &store.funcs[func as usize] {
        let callback = callback.clone();
        return run_host(&callback, &mut Caller { store, instance: None }, args, results);
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
    /// Store index of that memory (`u32::MAX` when there is none).
    mem_index: u32,
    /// Configuration read on every call or loop iteration.
    max_call_depth: u32,
    fuel: bool,
    interrupt: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// Slot conversions for the scalar operators.
trait Raw: Sized {
    fn from_slot(s: u64) -> Self;
    fn to_slot(self) -> u64;
}

macro_rules! slot_int {
    ($($t:ty),*) => {$(
        impl Raw for $t {
            #[inline(always)]
            fn from_slot(s: u64) -> Self { s as $t }
            #[inline(always)]
            fn to_slot(self) -> u64 { self as u64 }
        }
    )*};
}
slot_int!(i32, u32, i64, u64);

impl Raw for bool {
    #[inline(always)]
    fn from_slot(s: u64) -> Self {
        s != 0
    }
    #[inline(always)]
    fn to_slot(self) -> u64 {
        self as u64
    }
}

impl Raw for f32 {
    #[inline(always)]
    fn from_slot(s: u64) -> Self {
        f32::from_bits(s as u32)
    }
    #[inline(always)]
    fn to_slot(self) -> u64 {
        self.to_bits() as u64
    }
}

impl Raw for f64 {
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

/// A scalar operator on the values of its operand slots (`y` is ignored by unary ones).
#[inline(always)]
fn simple(op: SimpleOp, x: u64, y: u64) -> Result<u64, TrapCode> {
    use SimpleOp::*;
    macro_rules! un {
        ($t:ty, |$a:ident| $e:expr) => {{
            let $a = <$t>::from_slot(x);
            Raw::to_slot($e)
        }};
    }
    macro_rules! bin {
        ($t:ty, |$a:ident, $b:ident| $e:expr) => {{
            let $a = <$t>::from_slot(x);
            let $b = <$t>::from_slot(y);
            Raw::to_slot($e)
        }};
    }
    Ok(match op {
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
        I64ReinterpretF64 | F64ReinterpretI64 => x,
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
    })
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

/// Reads a frame slot.
///
/// SAFETY (for callers): `regs` points at the running frame and `slot` is below the
/// function's `frame_slots`; `Executor::enter` checked that the frame fits the stack, and the
/// stack is not resized while code runs.
#[inline(always)]
unsafe fn get(regs: *mut u64, slot: Slot) -> u64 {
    *regs.add(slot as usize)
}

/// Writes a frame slot. SAFETY: as for `get`.
#[inline(always)]
unsafe fn set(regs: *mut u64, slot: Slot, value: u64) {
    *regs.add(slot as usize) = value;
}

/// Reads a v128 from two frame slots. SAFETY: as for `get`, for both slots.
#[inline(always)]
unsafe fn get128(regs: *mut u64, slot: Slot) -> u128 {
    get(regs, slot) as u128 | (get(regs, slot + 1) as u128) << 64
}

/// Writes a v128 to two frame slots. SAFETY: as for `get`, for both slots.
#[inline(always)]
unsafe fn set128(regs: *mut u64, slot: Slot, value: u128) {
    set(regs, slot, value as u64);
    set(regs, slot + 1, (value >> 64) as u64);
}

impl<'a> Executor<'a> {
    fn new(store: &'a mut Store, stack: &'a mut Vec<u64>) -> Executor<'a> {
        let config = store.engine.config();
        let (max_call_depth, fuel, interrupt) = (config.max_call_depth, config.fuel, store.interrupt.clone());
        Executor {
            store,
            stack,
            frames: Vec::new(),
            mem_base: std::ptr::null_mut(),
            mem_len: 0,
            mem_index: u32::MAX,
            max_call_depth,
            fuel,
            interrupt,
        }
    }

    fn refresh_memory(&mut self, instance: u32) {
        self.mem_index = self.store.instances[instance as usize].memories.first().copied().unwrap_or(u32::MAX);
        self.refresh_memory_len();
    }

    /// Re-reads the size of the running instance's memory 0, which calls may have grown (the
    /// base never moves).
    #[inline(always)]
    fn refresh_memory_len(&mut self) {
        match self.store.memories.get(self.mem_index as usize) {
            Some(m) => {
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
            let body_start = m.raw.code[*defined_index as usize].start;
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
        self.enter(callee, base).map_err(|c| self.trap(c, &act))?;
        self.refresh_memory(act.instance);
        let depth = self.store.depth;
        let outcome = self.execute(&mut act);
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

    /// Sets up a frame at `fp` (parameters already there): checks the frame fits the stack
    /// and zeroes the declared locals.
    fn enter(&mut self, f: &Function, fp: usize) -> Result<(), TrapCode> {
        if fp + f.frame_slots as usize > self.stack.len() {
            return Err(TrapCode::CallStackExhausted);
        }
        for slot in &mut self.stack[fp + f.param_slots as usize..fp + f.local_slots as usize] {
            *slot = 0;
        }
        self.check_interrupt_and_fuel()
    }

    /// Function entries and loop headers: honours an interruption request and, when the
    /// engine counts fuel, consumes one unit.
    #[inline(always)]
    fn check_interrupt_and_fuel(&mut self) -> Result<(), TrapCode> {
        if self.interrupt.load(Ordering::Relaxed) {
            self.interrupt.store(false, Ordering::Relaxed);
            return Err(TrapCode::Interrupted);
        }
        if self.fuel {
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
    fn execute(&mut self, act: &mut Activation) -> Result<(), Unwind> {
        // SAFETY: see Activation::func.
        let mut f: &Function = unsafe { &*act.func };
        let mut pc = act.pc;
        // The running function's code, kept in a local so that frame writes (through a raw
        // pointer the optimizer cannot see past) do not force it to be reloaded.
        let mut code: *const Instr = f.code.as_ptr();
        // SAFETY: enter() checked act.fp + frame_slots <= stack.len().
        let mut regs: *mut u64 = unsafe { self.stack.as_mut_ptr().add(act.fp) };
        // Every slot an instruction names is below its function's frame_slots (the compiler
        // derives them from validated stack heights), which is what get/set require.
        macro_rules! get {
            ($s:expr) => {
                unsafe { get(regs, $s) }
            };
        }
        macro_rules! set {
            ($s:expr, $v:expr) => {{
                let v = $v;
                unsafe { set(regs, $s, v) }
            }};
        }
        macro_rules! get128 {
            ($s:expr) => {
                unsafe { get128(regs, $s) }
            };
        }
        macro_rules! set128 {
            ($s:expr, $v:expr) => {{
                let v = $v;
                unsafe { set128(regs, $s, v) }
            }};
        }
        macro_rules! i32_op {
            ($dst:expr, $x:expr, $y:expr, |$a:ident, $b:ident| $e:expr) => {{
                let $a = $x as u32;
                let $b = $y as u32;
                set!($dst, ($e) as u64)
            }};
        }
        macro_rules! i64_op {
            ($dst:expr, $x:expr, $y:expr, |$a:ident, $b:ident| $e:expr) => {{
                let $a: u64 = $x;
                let $b: u64 = $y;
                set!($dst, ($e) as u64)
            }};
        }
        macro_rules! br_cmp {
            ($target:expr, $x:expr, $y:expr, |$a:ident, $b:ident| $e:expr) => {{
                let $a: u32 = $x;
                let $b: u32 = $y;
                if ($e) != 0 {
                    pc = $target as usize;
                }
            }};
        }
        // A little-endian load of a `$t` from memory 0, or a trap.
        macro_rules! load {
            ($addr:expr, $offset:expr, $t:ty) => {{
                let ea = check!(Self::effective(self.mem_len, get!($addr), $offset, std::mem::size_of::<$t>()));
                // SAFETY: `effective` checked the access against the memory's length; the
                // memory's bytes are mapped, owned by the store, and do not move.
                <$t>::from_le(unsafe { std::ptr::read_unaligned(self.mem_base.add(ea) as *const $t) })
            }};
        }
        macro_rules! store {
            ($addr:expr, $offset:expr, $v:expr) => {{
                let v = $v;
                let ea = check!(Self::effective(self.mem_len, get!($addr), $offset, std::mem::size_of_val(&v)));
                // SAFETY: as in load!.
                unsafe { std::ptr::write_unaligned(self.mem_base.add(ea) as *mut _, v.to_le()) };
            }};
        }
        macro_rules! trap {
            ($e:expr) => {{
                act.pc = pc;
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
        macro_rules! copy_branch {
            ($index:expr) => {{
                let c = f.branch_copies[$index as usize];
                if c.count > 0 {
                    // SAFETY: from/to + count are below frame_slots (compiler invariant); copy
                    // allows the ranges to overlap.
                    unsafe { std::ptr::copy(regs.add(c.from as usize), regs.add(c.to as usize), c.count as usize) };
                }
                pc = c.pc as usize;
            }};
        }
        macro_rules! load_result {
            ($op:expr, $dst:expr, $raw:expr) => {
                match $op.kind() {
                    MemKind::Load(ValType::V128) => match $op {
                        MemOp::V128Load => set128!($dst, $raw),
                        _ => set128!($dst, simd::load($op, $raw as u64)),
                    },
                    _ => set!($dst, extend_loaded($op, $raw as u64)),
                }
            };
        }
        // Resumes the activation in `act` after a call or return.
        macro_rules! resume {
            () => {{
                // SAFETY: see Activation::func.
                f = unsafe { &*act.func };
                code = f.code.as_ptr();
                pc = act.pc;
                // SAFETY: enter() checked this frame fits; the stack buffer is the same one.
                regs = unsafe { self.stack.as_mut_ptr().add(act.fp) };
            }};
        }
        loop {
            // SAFETY: pc stays inside the code: every function ends with Return, and branch
            // targets are code indices the compiler took from this function's code.
            let instr = unsafe { *code.add(pc) };
            pc += 1;
            match instr {
                Instr::Simple { op, dst, a, b } => match simple(op, get!(a), get!(b)) {
                    Ok(v) => set!(dst, v),
                    Err(code) => trap!(code),
                },
                Instr::I32Add { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| a.wrapping_add(b)),
                Instr::I32AddImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| a.wrapping_add(b)),
                Instr::I32Sub { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| a.wrapping_sub(b)),
                Instr::I32SubImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| a.wrapping_sub(b)),
                Instr::I32Mul { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| a.wrapping_mul(b)),
                Instr::I32MulImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| a.wrapping_mul(b)),
                Instr::I32And { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| a & b),
                Instr::I32AndImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| a & b),
                Instr::I32Or { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| a | b),
                Instr::I32OrImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| a | b),
                Instr::I32Xor { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| a ^ b),
                Instr::I32XorImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| a ^ b),
                Instr::I32Shl { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| a.wrapping_shl(b as u32)),
                Instr::I32ShlImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| a.wrapping_shl(b as u32)),
                Instr::I32ShrS { dst, a, b } => {
                    i32_op!(dst, get!(a), get!(b), |a, b| (a as i32).wrapping_shr(b as u32) as u32)
                }
                Instr::I32ShrSImm { dst, a, imm } => {
                    i32_op!(dst, get!(a), imm as u64, |a, b| (a as i32).wrapping_shr(b as u32) as u32)
                }
                Instr::I32ShrU { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| a.wrapping_shr(b as u32)),
                Instr::I32ShrUImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| a.wrapping_shr(b as u32)),
                Instr::I32Eq { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| (a == b) as u32),
                Instr::I32EqImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| (a == b) as u32),
                Instr::I32Ne { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| (a != b) as u32),
                Instr::I32NeImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| (a != b) as u32),
                Instr::I32LtS { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| ((a as i32) < (b as i32)) as u32),
                Instr::I32LtSImm { dst, a, imm } => {
                    i32_op!(dst, get!(a), imm as u64, |a, b| ((a as i32) < (b as i32)) as u32)
                }
                Instr::I32LtU { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| (a < b) as u32),
                Instr::I32LtUImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| (a < b) as u32),
                Instr::I32GtS { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| ((a as i32) > (b as i32)) as u32),
                Instr::I32GtSImm { dst, a, imm } => {
                    i32_op!(dst, get!(a), imm as u64, |a, b| ((a as i32) > (b as i32)) as u32)
                }
                Instr::I32GtU { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| (a > b) as u32),
                Instr::I32GtUImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| (a > b) as u32),
                Instr::I32LeS { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| ((a as i32) <= (b as i32)) as u32),
                Instr::I32LeSImm { dst, a, imm } => {
                    i32_op!(dst, get!(a), imm as u64, |a, b| ((a as i32) <= (b as i32)) as u32)
                }
                Instr::I32LeU { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| (a <= b) as u32),
                Instr::I32LeUImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| (a <= b) as u32),
                Instr::I32GeS { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| ((a as i32) >= (b as i32)) as u32),
                Instr::I32GeSImm { dst, a, imm } => {
                    i32_op!(dst, get!(a), imm as u64, |a, b| ((a as i32) >= (b as i32)) as u32)
                }
                Instr::I32GeU { dst, a, b } => i32_op!(dst, get!(a), get!(b), |a, b| (a >= b) as u32),
                Instr::I32GeUImm { dst, a, imm } => i32_op!(dst, get!(a), imm as u64, |a, b| (a >= b) as u32),
                Instr::I64Add { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| a.wrapping_add(b)),
                Instr::I64AddImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| a.wrapping_add(b))
                }
                Instr::I64Sub { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| a.wrapping_sub(b)),
                Instr::I64SubImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| a.wrapping_sub(b))
                }
                Instr::I64Mul { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| a.wrapping_mul(b)),
                Instr::I64MulImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| a.wrapping_mul(b))
                }
                Instr::I64And { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| a & b),
                Instr::I64AndImm { dst, a, imm } => i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| a & b),
                Instr::I64Or { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| a | b),
                Instr::I64OrImm { dst, a, imm } => i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| a | b),
                Instr::I64Xor { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| a ^ b),
                Instr::I64XorImm { dst, a, imm } => i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| a ^ b),
                Instr::I64Shl { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| a.wrapping_shl(b as u32)),
                Instr::I64ShlImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| a.wrapping_shl(b as u32))
                }
                Instr::I64ShrS { dst, a, b } => {
                    i64_op!(dst, get!(a), get!(b), |a, b| (a as i64).wrapping_shr(b as u32) as u64)
                }
                Instr::I64ShrSImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| (a as i64).wrapping_shr(b as u32) as u64)
                }
                Instr::I64ShrU { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| a.wrapping_shr(b as u32)),
                Instr::I64ShrUImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| a.wrapping_shr(b as u32))
                }
                Instr::I64Eq { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| (a == b) as u64),
                Instr::I64EqImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| (a == b) as u64)
                }
                Instr::I64Ne { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| (a != b) as u64),
                Instr::I64NeImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| (a != b) as u64)
                }
                Instr::I64LtS { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| ((a as i64) < (b as i64)) as u64),
                Instr::I64LtSImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| ((a as i64) < (b as i64)) as u64)
                }
                Instr::I64LtU { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| (a < b) as u64),
                Instr::I64LtUImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| (a < b) as u64)
                }
                Instr::I64GtS { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| ((a as i64) > (b as i64)) as u64),
                Instr::I64GtSImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| ((a as i64) > (b as i64)) as u64)
                }
                Instr::I64GtU { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| (a > b) as u64),
                Instr::I64GtUImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| (a > b) as u64)
                }
                Instr::I64LeS { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| ((a as i64) <= (b as i64)) as u64),
                Instr::I64LeSImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| ((a as i64) <= (b as i64)) as u64)
                }
                Instr::I64LeU { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| (a <= b) as u64),
                Instr::I64LeUImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| (a <= b) as u64)
                }
                Instr::I64GeS { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| ((a as i64) >= (b as i64)) as u64),
                Instr::I64GeSImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| ((a as i64) >= (b as i64)) as u64)
                }
                Instr::I64GeU { dst, a, b } => i64_op!(dst, get!(a), get!(b), |a, b| (a >= b) as u64),
                Instr::I64GeUImm { dst, a, imm } => {
                    i64_op!(dst, get!(a), imm as i32 as i64 as u64, |a, b| (a >= b) as u64)
                }
                Instr::BrIfI32Eq { a, b, pc: target } => {
                    br_cmp!(target, get!(a) as u32, get!(b) as u32, |a, b| (a == b) as u32)
                }
                Instr::BrIfI32EqImm { a, imm, pc: target } => {
                    br_cmp!(target, get!(a) as u32, imm, |a, b| (a == b) as u32)
                }
                Instr::BrIfI32Ne { a, b, pc: target } => {
                    br_cmp!(target, get!(a) as u32, get!(b) as u32, |a, b| (a != b) as u32)
                }
                Instr::BrIfI32NeImm { a, imm, pc: target } => {
                    br_cmp!(target, get!(a) as u32, imm, |a, b| (a != b) as u32)
                }
                Instr::BrIfI32LtS { a, b, pc: target } => {
                    br_cmp!(target, get!(a) as u32, get!(b) as u32, |a, b| ((a as i32) < (b as i32)) as u32)
                }
                Instr::BrIfI32LtSImm { a, imm, pc: target } => {
                    br_cmp!(target, get!(a) as u32, imm, |a, b| ((a as i32) < (b as i32)) as u32)
                }
                Instr::BrIfI32LtU { a, b, pc: target } => {
                    br_cmp!(target, get!(a) as u32, get!(b) as u32, |a, b| (a < b) as u32)
                }
                Instr::BrIfI32LtUImm { a, imm, pc: target } => {
                    br_cmp!(target, get!(a) as u32, imm, |a, b| (a < b) as u32)
                }
                Instr::BrIfI32GtS { a, b, pc: target } => {
                    br_cmp!(target, get!(a) as u32, get!(b) as u32, |a, b| ((a as i32) > (b as i32)) as u32)
                }
                Instr::BrIfI32GtSImm { a, imm, pc: target } => {
                    br_cmp!(target, get!(a) as u32, imm, |a, b| ((a as i32) > (b as i32)) as u32)
                }
                Instr::BrIfI32GtU { a, b, pc: target } => {
                    br_cmp!(target, get!(a) as u32, get!(b) as u32, |a, b| (a > b) as u32)
                }
                Instr::BrIfI32GtUImm { a, imm, pc: target } => {
                    br_cmp!(target, get!(a) as u32, imm, |a, b| (a > b) as u32)
                }
                Instr::BrIfI32LeS { a, b, pc: target } => {
                    br_cmp!(target, get!(a) as u32, get!(b) as u32, |a, b| ((a as i32) <= (b as i32)) as u32)
                }
                Instr::BrIfI32LeSImm { a, imm, pc: target } => {
                    br_cmp!(target, get!(a) as u32, imm, |a, b| ((a as i32) <= (b as i32)) as u32)
                }
                Instr::BrIfI32LeU { a, b, pc: target } => {
                    br_cmp!(target, get!(a) as u32, get!(b) as u32, |a, b| (a <= b) as u32)
                }
                Instr::BrIfI32LeUImm { a, imm, pc: target } => {
                    br_cmp!(target, get!(a) as u32, imm, |a, b| (a <= b) as u32)
                }
                Instr::BrIfI32GeS { a, b, pc: target } => {
                    br_cmp!(target, get!(a) as u32, get!(b) as u32, |a, b| ((a as i32) >= (b as i32)) as u32)
                }
                Instr::BrIfI32GeSImm { a, imm, pc: target } => {
                    br_cmp!(target, get!(a) as u32, imm, |a, b| ((a as i32) >= (b as i32)) as u32)
                }
                Instr::BrIfI32GeU { a, b, pc: target } => {
                    br_cmp!(target, get!(a) as u32, get!(b) as u32, |a, b| (a >= b) as u32)
                }
                Instr::BrIfI32GeUImm { a, imm, pc: target } => {
                    br_cmp!(target, get!(a) as u32, imm, |a, b| (a >= b) as u32)
                }
                Instr::I32Load { dst, addr, offset } => set!(dst, load!(addr, offset, u32) as u64),
                Instr::I64Load { dst, addr, offset } => set!(dst, load!(addr, offset, u64)),
                Instr::I32Load8S { dst, addr, offset } => set!(dst, load!(addr, offset, i8) as i32 as u32 as u64),
                Instr::I32Load8U { dst, addr, offset } => set!(dst, load!(addr, offset, u8) as u64),
                Instr::I32Load16S { dst, addr, offset } => set!(dst, load!(addr, offset, i16) as i32 as u32 as u64),
                Instr::I32Load16U { dst, addr, offset } => set!(dst, load!(addr, offset, u16) as u64),
                Instr::I32Store { addr, value, offset } => store!(addr, offset, get!(value) as u32),
                Instr::I64Store { addr, value, offset } => store!(addr, offset, get!(value)),
                Instr::I32Store8 { addr, value, offset } => store!(addr, offset, get!(value) as u8),
                Instr::I32Store16 { addr, value, offset } => store!(addr, offset, get!(value) as u16),
                Instr::Copy { dst, src } => set!(dst, get!(src)),
                Instr::Const32 { dst, value } => set!(dst, value as u64),
                Instr::Br { pc: target } => pc = target as usize,
                Instr::BrIf { cond, pc: target } => {
                    if get!(cond) as u32 != 0 {
                        pc = target as usize;
                    }
                }
                Instr::BrUnless { cond, pc: target } => {
                    if get!(cond) as u32 == 0 {
                        pc = target as usize;
                    }
                }
                Instr::Load { op, dst, addr, offset } => {
                    let size = access_size(op);
                    let ea = check!(Self::effective(self.mem_len, get!(addr), offset, size));
                    let raw = Self::read(self.mem_base, ea, size);
                    load_result!(op, dst, raw);
                }
                Instr::Store { op, addr, value, offset } => {
                    let size = access_size(op);
                    let v = if op == MemOp::V128Store { get128!(value) } else { get!(value) as u128 };
                    let ea = check!(Self::effective(self.mem_len, get!(addr), offset, size));
                    Self::write(self.mem_base, ea, size, v);
                }
                Instr::LoopHeader => check!(self.check_interrupt_and_fuel()),
                Instr::BrCopy { index } => copy_branch!(index),
                Instr::BrIfCopy { cond, index } => {
                    if get!(cond) as u32 != 0 {
                        copy_branch!(index);
                    }
                }
                Instr::BrTable { index, start, len } => {
                    let i = (get!(index) as u32).min(len - 1);
                    copy_branch!(start + i);
                }
                Instr::Call { func, base } => {
                    let callee = self.store.instances[act.instance as usize].funcs[func as usize];
                    act.pc = pc;
                    self.call(act, callee, base)?;
                    resume!();
                }
                Instr::CallIndirect { type_index, table, base } => {
                    let instance = &self.store.instances[act.instance as usize];
                    let expected: &FuncType = &instance.module.module.raw.types[type_index as usize];
                    let index = get!(base + types_slots(expected.params())) as u32;
                    let table = &self.store.tables[instance.tables[table as usize] as usize];
                    let Some(&raw) = table.elements.get(index as usize) else {
                        trap!(TrapCode::UndefinedElement);
                    };
                    if raw == 0 {
                        trap!(TrapCode::UninitializedElement);
                    }
                    let callee = (raw - 1) as u32;
                    if self.store.funcs[callee as usize].ty() != expected {
                        trap!(TrapCode::IndirectCallTypeMismatch);
                    }
                    act.pc = pc;
                    self.call(act, callee, base)?;
                    resume!();
                }
                Instr::Return { src } => {
                    let n = f.result_slots as usize;
                    if src != 0 && n > 0 {
                        // SAFETY: src + n <= frame_slots (compiler invariant); copy allows overlap.
                        unsafe {
                            for k in 0..n {
                                *regs.add(k) = *regs.add(src as usize + k);
                            }
                        }
                    }
                    let Some(caller) = self.frames.pop() else {
                        return Ok(());
                    };
                    self.store.depth -= 1;
                    let same_instance = caller.instance == act.instance;
                    *act = caller;
                    resume!();
                    // The callee may have grown the memory, or run in another instance.
                    if same_instance {
                        self.refresh_memory_len();
                    } else {
                        self.refresh_memory(act.instance);
                    }
                }
                Instr::Unreachable => trap!(TrapCode::Unreachable),
                Instr::Copy2 { dst, src } => set128!(dst, get128!(src)),
                Instr::Const64 { dst, index } => set!(dst, f.consts[index as usize] as u64),
                Instr::Const128 { dst, index } => set128!(dst, f.consts[index as usize]),
                Instr::GlobalGet { dst, global } => {
                    let g = self.store.instances[act.instance as usize].globals[global as usize];
                    set!(dst, self.store.globals[g as usize].value as u64);
                }
                Instr::GlobalSet { src, global } => {
                    let g = self.store.instances[act.instance as usize].globals[global as usize];
                    self.store.globals[g as usize].value = get!(src) as u128;
                }
                Instr::GlobalGet2 { dst, global } => {
                    let g = self.store.instances[act.instance as usize].globals[global as usize];
                    set128!(dst, self.store.globals[g as usize].value);
                }
                Instr::GlobalSet2 { src, global } => {
                    let g = self.store.instances[act.instance as usize].globals[global as usize];
                    self.store.globals[g as usize].value = get128!(src);
                }
                Instr::LoadN { op, memory, dst, addr, offset } => {
                    let (base, len) = self.memory(act.instance, memory as u32);
                    let size = access_size(op);
                    let ea = check!(Self::effective(len, get!(addr), offset, size));
                    let raw = Self::read(base, ea, size);
                    load_result!(op, dst, raw);
                }
                Instr::StoreN { op, memory, addr, value, offset } => {
                    let (base, len) = self.memory(act.instance, memory as u32);
                    let size = access_size(op);
                    let v = if op == MemOp::V128Store { get128!(value) } else { get!(value) as u128 };
                    let ea = check!(Self::effective(len, get!(addr), offset, size));
                    Self::write(base, ea, size, v);
                }
                Instr::RefFunc { dst, func } => {
                    let func = self.store.instances[act.instance as usize].funcs[func as usize];
                    set!(dst, func as u64 + 1);
                }
                Instr::Select { base } => {
                    if get!(base + 2) as u32 == 0 {
                        set!(base, get!(base + 1));
                    }
                }
                Instr::Select2 { base } => {
                    if get!(base + 4) as u32 == 0 {
                        set128!(base, get128!(base + 2));
                    }
                }
                Instr::TableGet { table, base } => {
                    let t = self.table_index(act.instance, table);
                    set!(base, check!(self.store.tables[t].get(get!(base) as u32)));
                }
                Instr::TableSet { table, base } => {
                    let t = self.table_index(act.instance, table);
                    check!(self.store.tables[t].set(get!(base) as u32, get!(base + 1)));
                }
                Instr::TableSize { table, base } => {
                    let t = self.table_index(act.instance, table);
                    set!(base, self.store.tables[t].size() as u64);
                }
                Instr::TableGrow { table, base } => {
                    let (init, delta) = (get!(base), get!(base + 1) as u32);
                    let t = self.table_index(act.instance, table);
                    let old = self.store.tables[t].grow(delta as u64, init);
                    set!(base, old.unwrap_or(u32::MAX) as u64);
                }
                Instr::TableFill { table, base } => {
                    let (start, value, len) = (get!(base) as u32, get!(base + 1), get!(base + 2) as u32);
                    let t = self.table_index(act.instance, table);
                    check!(self.store.tables[t].fill(start, value, len));
                }
                Instr::TableCopy { dst, src, base } => {
                    let (d, s, len) =
                        (get!(base) as u32 as usize, get!(base + 1) as u32 as usize, get!(base + 2) as u32 as usize);
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
                Instr::TableInit { elem, table, base } => {
                    let (d, s, len) =
                        (get!(base) as u32 as usize, get!(base + 1) as u32 as usize, get!(base + 2) as u32 as usize);
                    let t = self.table_index(act.instance, table);
                    let items = &self.store.instances[act.instance as usize].elements[elem as usize];
                    if s + len > items.len() || d + len > self.store.tables[t].elements.len() {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    let items: Vec<u64> = items[s..s + len].to_vec();
                    self.store.tables[t].elements[d..d + len].copy_from_slice(&items);
                }
                Instr::ElemDrop(e) => self.store.instances[act.instance as usize].elements[e as usize] = Box::new([]),
                Instr::MemorySize { memory, base } => {
                    let (_, len) = self.memory(act.instance, memory);
                    set!(base, len as u64 / crate::runtime::memory::PAGE_SIZE);
                }
                Instr::MemoryGrow { memory, base } => {
                    let delta = get!(base) as u32;
                    let m = self.store.instances[act.instance as usize].memories[memory as usize];
                    let old = self.store.memories[m as usize].grow(delta as u64);
                    set!(base, old.unwrap_or(u32::MAX as u64));
                    self.refresh_memory(act.instance);
                }
                Instr::MemoryInit { data, memory, base } => {
                    let (d, s, len) =
                        (get!(base) as u32 as usize, get!(base + 1) as u32 as usize, get!(base + 2) as u32 as usize);
                    let (mem_base, mem_len) = self.memory(act.instance, memory);
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
                    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), mem_base.add(d), len) };
                }
                Instr::DataDrop(data) => self.store.instances[act.instance as usize].data_dropped[data as usize] = true,
                Instr::MemoryCopy { dst, src, base } => {
                    let (d, s, len) =
                        (get!(base) as u32 as usize, get!(base + 1) as u32 as usize, get!(base + 2) as u32 as usize);
                    let (src_base, src_len) = self.memory(act.instance, src);
                    let (dst_base, dst_len) = self.memory(act.instance, dst);
                    if s + len > src_len || d + len > dst_len {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                    // SAFETY: both ranges were checked against their memory's length; `copy`
                    // allows overlap (the same memory).
                    unsafe { std::ptr::copy(src_base.add(s), dst_base.add(d), len) };
                }
                Instr::MemoryFill { memory, base } => {
                    let (d, value, len) =
                        (get!(base) as u32 as usize, get!(base + 1) as u8, get!(base + 2) as u32 as usize);
                    let (mem_base, mem_len) = self.memory(act.instance, memory);
                    if d + len > mem_len {
                        trap!(TrapCode::MemoryOutOfBounds);
                    }
                    // SAFETY: the range was checked against the memory's length.
                    unsafe { std::ptr::write_bytes(mem_base.add(d), value, len) };
                }
                Instr::LoadLane { op, memory, lane, base, offset } => {
                    let (mem_base, mem_len) = self.memory(act.instance, memory as u32);
                    let bytes = simd::lane_bytes(op);
                    let v = get128!(base + 1);
                    let ea = check!(Self::effective(mem_len, get!(base), offset, bytes));
                    let raw = Self::read(mem_base, ea, bytes) as u64;
                    set128!(base, simd::set_lane_bits(v, lane, bytes, raw));
                }
                Instr::StoreLane { op, memory, lane, base, offset } => {
                    let (mem_base, mem_len) = self.memory(act.instance, memory as u32);
                    let bytes = simd::lane_bytes(op);
                    let v = get128!(base + 1);
                    let ea = check!(Self::effective(mem_len, get!(base), offset, bytes));
                    Self::write(mem_base, ea, bytes, simd::get_lane_bits(v, lane, bytes) as u128);
                }
                Instr::SimdUnary { f: op, base } => set128!(base, op(get128!(base))),
                Instr::SimdBinary { f: op, base } => set128!(base, op(get128!(base), get128!(base + 2))),
                Instr::SimdTernary { f: op, base } => {
                    set128!(base, op(get128!(base), get128!(base + 2), get128!(base + 4)))
                }
                Instr::SimdShift { f: op, base } => set128!(base, op(get128!(base), get!(base + 2) as u32)),
                Instr::SimdTest { f: op, base } => set!(base, op(get128!(base)) as u64),
                Instr::SimdSplat32 { f: op, base } => set128!(base, op(get!(base) as u32)),
                Instr::SimdSplat64 { f: op, base } => set128!(base, op(get!(base))),
                Instr::Shuffle { index, base } => {
                    let lanes = f.consts[index as usize].to_le_bytes();
                    set128!(base, simd::shuffle(get128!(base), get128!(base + 2), &lanes));
                }
                Instr::ExtractLane { op, lane, base } => set!(base, simd::extract_lane(op, get128!(base), lane)),
                Instr::ReplaceLane { op, lane, base } => {
                    let x = match op.lane_type() {
                        ValType::I64 | ValType::F64 => get!(base + 2),
                        _ => get!(base + 2) as u32 as u64,
                    };
                    set128!(base, simd::replace_lane(op, get128!(base), lane, x));
                }
            }
        }
    }

    fn table_index(&self, instance: u32, t: u32) -> usize {
        self.store.instances[instance as usize].tables[t as usize] as usize
    }

    /// Calls store function `callee` whose arguments are at slot `base` of the running frame.
    /// A wasm callee gets a frame there and becomes the running activation in `act` (the
    /// caller is pushed); a host function runs to completion, writing its results at `base`.
    #[inline(always)]
    fn call(&mut self, act: &mut Activation, callee: u32, base: Slot) -> Result<(), Unwind> {
        if self.store.depth + 1 >= self.max_call_depth {
            return Err(Unwind::Trap(TrapCode::CallStackExhausted));
        }
        let fp = act.fp + base as usize;
        match &self.store.funcs[callee as usize] {
            FuncEntity::Wasm { module, defined_index, instance } => {
                let f: *const Function = &module.code[*defined_index as usize];
                let instance = *instance;
                // SAFETY: see Activation::func.
                self.enter(unsafe { &*f }, fp)?;
                self.store.depth += 1;
                self.frames.push(*act);
                let changed = instance != act.instance;
                *act = Activation { func: f, store_func: callee, instance, pc: 0, fp };
                if changed {
                    self.refresh_memory(instance);
                }
                Ok(())
            }
            FuncEntity::Host { .. } => self.call_host(act, callee, fp),
        }
    }

    /// Runs a host function whose arguments are at stack index `fp`; writes its results there.
    #[inline(never)]
    fn call_host(&mut self, act: &mut Activation, callee: u32, fp: usize) -> Result<(), Unwind> {
        match &self.store.funcs[callee as usize] {
            FuncEntity::Wasm { .. } => unreachable!("call handles wasm functions"),
            FuncEntity::Host { ty, callback } => {
                let (ty, callback) = (ty.clone(), callback.clone());
                let mut slot = fp;
                let mut args = Vec::with_capacity(ty.params().len());
                for &t in ty.params() {
                    let mut raw = self.stack[slot] as u128;
                    if t == ValType::V128 {
                        raw |= (self.stack[slot + 1] as u128) << 64;
                    }
                    slot += slots_of(Some(t)) as usize;
                    args.push(Val::from_raw(self.store.id, t, raw));
                }
                let mut results: Vec<Val> = ty.results().iter().map(|&t| Val::default_of(t)).collect();
                // Nested calls from the host start above the caller's whole frame.
                // SAFETY: see Activation::func.
                let caller_frame = unsafe { &*act.func }.frame_slots as usize;
                let saved_top = self.store.stack_top;
                self.store.stack_top = act.fp + caller_frame;
                self.store.stack = std::mem::take(self.stack);
                let caller_instance = Instance { store: self.store.id, index: act.instance };
                let outcome = if native_stack_exhausted() {
                    Err(Trap::new(TrapCode::CallStackExhausted))
                } else {
                    self.store.depth += 1;
                    let r = run_host(
                        &callback,
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
                let mut slot = fp;
                for (r, &t) in results.iter().zip(ty.results()) {
                    if r.ty() != t || !self.store.val_belongs(r) {
                        return Err(Unwind::Host(Trap::host("host function returned a value of the wrong type")));
                    }
                    let raw = r.to_raw();
                    self.stack[slot] = raw as u64;
                    if t == ValType::V128 {
                        self.stack[slot + 1] = (raw >> 64) as u64;
                    }
                    slot += slots_of(Some(t)) as usize;
                }
                Ok(())
            }
        }
    }
}
