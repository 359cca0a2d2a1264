//! The executor: runs interpreter code on the store's value stack. Wasm-to-wasm calls push an
//! activation on the executor's own call stack, so wasm recursion never grows the native
//! stack; calls into host functions (which may call back into wasm) are bounded by the
//! configured call depth and by the native stack that remains.

use std::sync::Arc;

use super::code::{Function, Instr, Op, Slot};
#[cfg(not(wasmrt_tail_dispatch))]
use super::handlers::Resume;
use super::handlers::{self, Control, Ip};
use crate::decode::ops::{MemOp, SimpleOp};
use crate::runtime::module::CompiledModule;
use crate::runtime::ops;
use crate::runtime::store::{FuncEntity, Store};
use crate::runtime::trap::{Frame, Trap, TrapCode};
use crate::runtime::value::RawBuf;
use crate::semantics::{num, simd};
use crate::types::ValType;
use crate::validate::func::slots_of;

/// The interpreter's state in a store: the value stack, shared by nested (re-entrant) calls.
/// While code runs the executor holds the stack itself; it hands it back around host calls.
#[derive(Default)]
struct StackState {
    stack: Vec<u64>,
    /// Where the next (re-entrant) call starts on `stack`.
    top: usize,
}

fn stack_state(store: &mut Store) -> &mut StackState {
    if !store.tier_state.as_ref().is_some_and(|s| s.is::<StackState>()) {
        store.tier_state = Some(Box::<StackState>::default());
    }
    store.tier_state.as_mut().and_then(|s| s.downcast_mut()).expect("the interpreter's state was just set")
}

/// Calls wasm function `func` (a store index) with raw `values` (`Store::call_raw`): its
/// arguments in, its results out. Arguments have been checked against the function's type, and
/// the call depth counted, by the runtime.
pub(crate) fn call(store: &mut Store, func: u32, values: &mut [u128]) -> Result<(), Trap> {
    let capacity = store.engine.config().max_stack_slots as usize;
    let state = stack_state(store);
    let mut stack = std::mem::take(&mut state.stack);
    let base = state.top;
    if stack.len() < capacity {
        stack.resize(capacity, 0);
    }
    let mut sp = base;
    for (i, &raw) in values.iter().enumerate().take(store.funcs[func as usize].ty().params().len()) {
        if sp + 2 > stack.len() {
            stack_state(store).stack = stack;
            return Err(Trap::new(TrapCode::CallStackExhausted));
        }
        stack[sp] = raw as u64;
        sp += 1;
        if store.funcs[func as usize].ty().params()[i] == ValType::V128 {
            stack[sp] = (raw >> 64) as u64;
            sp += 1;
        }
    }
    let r = Executor::new(store, &mut stack).run(func, base);
    if r.is_ok() {
        let mut sp = base;
        for (raw, &t) in values.iter_mut().zip(store.funcs[func as usize].ty().results()) {
            *raw = stack[sp] as u128;
            sp += 1;
            if t == ValType::V128 {
                *raw |= (stack[sp] as u128) << 64;
                sp += 1;
            }
        }
    }
    stack_state(store).stack = stack;
    r
}

/// One wasm function activation.
#[derive(Clone, Copy)]
pub(crate) struct Activation {
    /// The running function's code. Points into a `CompiledModule` kept alive by the store's
    /// function entities, which are not freed while code runs (`Store::collect` frees
    /// nothing then).
    pub(crate) func: *const Function,
    pub(crate) instance: u32,
    /// Where the activation resumes (for callers: the instruction after the call); for the
    /// running activation, set only when it traps (one past the trapping instruction).
    pub(crate) ip: Ip,
    /// Stack index of the frame's slot 0.
    pub(crate) fp: usize,
}

/// The executor's state between handlers: everything but what the handlers keep in
/// registers (the instruction, frame and memory 0 pointers, see `handlers`).
pub(crate) struct Executor<'a> {
    pub(crate) store: &'a mut Store,
    stack: &'a mut Vec<u64>,
    /// `stack`'s buffer (it is never reallocated while code runs).
    pub(crate) stack_base: *mut u64,
    /// Callers of the running activation.
    frames: Vec<Activation>,
    pub(crate) act: Activation,
    /// The running instance's module, and its defined functions.
    pub(crate) module: *const CompiledModule,
    pub(crate) code: *const super::InterpCode,
    pub(crate) funcs: *const Function,
    /// The running instance's global cells, by global index (its context's, see `vmctx`).
    pub(crate) globals: *const *mut u128,
    /// Memory 0 of the running instance: base and length in bytes (0 when it has none).
    pub(crate) mem_base: *mut u8,
    pub(crate) mem_len: usize,
    /// Store index of that memory (`u32::MAX` when there is none).
    mem_index: u32,
    /// How many callers `frames` may hold: the configured call depth less the depth of the
    /// calls that led here.
    frame_limit: usize,
    fuel: bool,
    interrupt: std::sync::Arc<crate::runtime::vmctx::Interrupt>,
    /// Why a handler returned `Control::Unwind`.
    pub(crate) unwind: Option<Unwind>,
    /// Where the dispatch loop resumes, when handlers return to it rather than jump.
    #[cfg(not(wasmrt_tail_dispatch))]
    pub(crate) resume: Resume,
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
pub(crate) fn simple(op: SimpleOp, x: u64, y: u64) -> Result<u64, TrapCode> {
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
pub(crate) fn access_size(op: MemOp) -> usize {
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
pub(crate) fn extend_loaded(op: MemOp, raw: u64) -> u64 {
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
pub(crate) unsafe fn get(regs: *mut u64, slot: Slot) -> u64 {
    *regs.add(slot as usize)
}

/// Writes a frame slot. SAFETY: as for `get`.
#[inline(always)]
pub(crate) unsafe fn set(regs: *mut u64, slot: Slot, value: u64) {
    *regs.add(slot as usize) = value;
}

/// Reads a v128 from two frame slots. SAFETY: as for `get`, for both slots.
#[inline(always)]
pub(crate) unsafe fn get128(regs: *mut u64, slot: Slot) -> u128 {
    get(regs, slot) as u128 | (get(regs, slot + 1) as u128) << 64
}

/// Writes a v128 to two frame slots. SAFETY: as for `get`, for both slots.
#[inline(always)]
pub(crate) unsafe fn set128(regs: *mut u64, slot: Slot, value: u128) {
    set(regs, slot, value as u64);
    set(regs, slot + 1, (value >> 64) as u64);
}

impl<'a> Executor<'a> {
    fn new(store: &'a mut Store, stack: &'a mut Vec<u64>) -> Executor<'a> {
        let config = store.engine.config();
        let (fuel, interrupt) = (config.fuel, store.interrupt.clone());
        let frame_limit = (config.max_call_depth as usize).saturating_sub(store.depth as usize + 1);
        let stack_base = stack.as_mut_ptr();
        Executor {
            store,
            stack,
            stack_base,
            frames: Vec::new(),
            act: Activation { func: std::ptr::null(), instance: 0, ip: std::ptr::null(), fp: 0 },
            module: std::ptr::null(),
            code: std::ptr::null(),
            funcs: std::ptr::null(),
            globals: std::ptr::null(),
            mem_base: std::ptr::null_mut(),
            mem_len: 0,
            mem_index: u32::MAX,
            frame_limit,
            fuel,
            interrupt,
            unwind: None,
            #[cfg(not(wasmrt_tail_dispatch))]
            resume: Resume::default(),
        }
    }

    /// Makes `instance` the running instance: its module's functions and its memory 0.
    pub(crate) fn switch_instance(&mut self, instance: u32) {
        let entity = &self.store.instances[instance as usize];
        self.module = Arc::as_ptr(&entity.module);
        let code = super::code_of(&entity.module);
        self.code = code;
        self.funcs = code.functions.as_ptr();
        self.globals = entity.context.vmctx.globals;
        self.mem_index = entity.memories.first().copied().unwrap_or(u32::MAX);
        self.refresh_memory();
    }

    /// Re-reads the base and size of the running instance's memory 0, which calls may have
    /// grown (the base never moves).
    pub(crate) fn refresh_memory(&mut self) {
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

    /// Base and length in bytes of memory `index` of the running instance.
    pub(crate) fn memory(&self, index: u32) -> (*mut u8, usize) {
        let m =
            &self.store.memories[self.store.instances[self.act.instance as usize].memories[index as usize] as usize];
        (m.base(), m.len())
    }

    /// The bounds-checked address of an access of `size` bytes at `addr + offset` in a memory
    /// of `len` bytes.
    #[inline(always)]
    pub(crate) fn effective(len: usize, addr: u64, offset: u32, size: usize) -> Result<usize, TrapCode> {
        let ea = (addr as u32 as u64) + offset as u64;
        if ea + size as u64 > len as u64 {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        Ok(ea as usize)
    }

    /// Reads `size` bytes at `ea` of a memory at `base`.
    #[inline(always)]
    pub(crate) fn read(base: *mut u8, ea: usize, size: usize) -> u128 {
        let mut bytes = [0u8; 16];
        // SAFETY: callers checked ea + size against the memory's length with `effective`; the
        // memory's bytes are mapped and owned by the store, and never move while it lives.
        unsafe { std::ptr::copy_nonoverlapping(base.add(ea), bytes.as_mut_ptr(), size) };
        u128::from_le_bytes(bytes)
    }

    #[inline(always)]
    pub(crate) fn write(base: *mut u8, ea: usize, size: usize, value: u128) {
        let bytes = value.to_le_bytes();
        // SAFETY: as in `read`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), base.add(ea), size) };
    }

    fn add_frames(&self, trap: &mut Trap) {
        for act in std::iter::once(&self.act).chain(self.frames.iter().rev()) {
            // SAFETY: see Activation::func.
            let f = unsafe { &*act.func };
            let m = &self.store.instances[act.instance as usize].module.module;
            let index = f.index;
            let pc = (act.ip as usize).wrapping_sub(f.code.as_ptr() as usize) / std::mem::size_of::<Op>();
            let pc = pc.saturating_sub(1).min(f.offsets.len().saturating_sub(1));
            let module_offset = f.offsets.get(pc).copied().unwrap_or(0) as usize;
            let body_start = m.raw.code[(index - m.imported_funcs) as usize].start;
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
        let FuncEntity::Wasm { module, defined_index, instance, .. } = &self.store.funcs[func as usize] else {
            unreachable!("the runtime calls host functions itself");
        };
        let f: *const Function = &super::code_of(module).functions[*defined_index as usize];
        let instance = *instance;
        // SAFETY: see Activation::func.
        let entry = Activation { func: f, instance, ip: unsafe { &*f }.code.as_ptr(), fp: base };
        self.act = entry;
        // SAFETY: see Activation::func.
        if let Err(code) = self.enter(unsafe { &*f }, base) {
            // Its entry checks failed: the function never ran, and the trap has no frame of it
            // (a call from wasm reports the calling instruction; here the caller is the host).
            return Err(Trap::new(code));
        }
        self.switch_instance(instance);
        // SAFETY: enter() checked that the frame fits the stack.
        let regs = unsafe { self.stack_base.add(base) };
        match handlers::execute(self, entry.ip, regs) {
            Control::Done => Ok(()),
            _ => match self.unwind.take().expect("a handler that unwinds says why") {
                Unwind::Trap(code) => {
                    let mut trap = Trap::new(code);
                    self.add_frames(&mut trap);
                    Err(trap)
                }
                Unwind::Host(mut trap) => {
                    self.add_frames(&mut trap);
                    Err(trap)
                }
            },
        }
    }

    /// Sets up a frame at `fp` (parameters already there): checks the frame fits the stack
    /// and zeroes the declared locals.
    #[inline(always)]
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
    pub(crate) fn check_interrupt_and_fuel(&mut self) -> Result<(), TrapCode> {
        if self.interrupt.is_requested() {
            self.interrupt.clear();
            return Err(TrapCode::Interrupted);
        }
        if self.fuel {
            if self.store.context.fuel == 0 {
                return Err(TrapCode::OutOfFuel);
            }
            self.store.context.fuel -= 1;
        }
        Ok(())
    }

    /// Calls wasm function `f` of `instance` whose arguments are at slot `base` of the
    /// running frame; `ret` is where the caller resumes. The callee becomes the running
    /// activation; on an error nothing changed.
    #[inline(always)]
    pub(crate) fn push_frame(&mut self, f: &Function, instance: u32, base: Slot, ret: Ip) -> Result<(), TrapCode> {
        if self.frames.len() >= self.frame_limit {
            return Err(TrapCode::CallStackExhausted);
        }
        let fp = self.act.fp + base as usize;
        self.enter(f, fp)?;
        let caller = Activation { ip: ret, ..self.act };
        self.frames.push(caller);
        self.act = Activation { func: f, instance, ip: f.code.as_ptr(), fp };
        if instance != caller.instance {
            self.switch_instance(instance);
        }
        Ok(())
    }

    /// Returns from the running activation to its caller, if it has one.
    #[inline(always)]
    pub(crate) fn pop_frame(&mut self) -> Option<Activation> {
        let caller = self.frames.pop()?;
        let callee_instance = self.act.instance;
        self.act = caller;
        if caller.instance != callee_instance {
            self.switch_instance(caller.instance);
        }
        Some(caller)
    }

    /// Calls store function `callee` with its arguments at slot `base` of the running frame:
    /// a wasm function becomes the running activation (true); a host function runs to
    /// completion, its results written at `base` (false). On an error, `unwind` says why.
    #[inline(never)]
    pub(crate) fn call(&mut self, callee: u32, base: Slot, ret: Ip) -> Result<bool, ()> {
        let outcome = match &self.store.funcs[callee as usize] {
            FuncEntity::Wasm { module, defined_index, instance, .. } => {
                let f: *const Function = &super::code_of(module).functions[*defined_index as usize];
                let instance = *instance;
                // SAFETY: see Activation::func.
                self.push_frame(unsafe { &*f }, instance, base, ret).map(|()| true).map_err(Unwind::Trap)
            }
            FuncEntity::Host { .. } if self.frames.len() >= self.frame_limit => {
                Err(Unwind::Trap(TrapCode::CallStackExhausted))
            }
            FuncEntity::Host { .. } => self.call_host(callee, self.act.fp + base as usize).map(|()| false),
        };
        outcome.map_err(|why| self.unwind = Some(why))
    }

    /// The stack-form instructions on tables, segments and memories other than loads and
    /// stores of memory 0, at `ip`. On a trap, `unwind` says why.
    #[inline(never)]
    pub(crate) fn bulk(&mut self, ip: Ip, regs: *mut u64) -> Result<(), ()> {
        // SAFETY: `ip` points at an instruction of the running function (the handler was
        // called for it).
        let instr = unsafe { (*ip).instr };
        self.bulk_instr(instr, regs).map_err(|code| self.unwind = Some(Unwind::Trap(code)))
    }

    fn bulk_instr(&mut self, instr: Instr, regs: *mut u64) -> Result<(), TrapCode> {
        // Every slot an instruction names is inside the running frame (see `get`).
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
        let (store, instance) = (&mut *self.store, self.act.instance);
        // Operands are i32s (read as u32), except references (raw).
        macro_rules! arg {
            ($base:expr, $i:expr) => {
                get!($base + $i) as u32
            };
        }
        match instr {
            Instr::TableGet { table, base } => set!(base, ops::table_get(store, instance, table, arg!(base, 0))?),
            Instr::TableSet { table, base } => ops::table_set(store, instance, table, arg!(base, 0), get!(base + 1))?,
            Instr::TableSize { table, base } => set!(base, ops::table_size(store, instance, table) as u64),
            Instr::TableGrow { table, base } => {
                set!(base, ops::table_grow(store, instance, table, arg!(base, 1), get!(base)) as u64)
            }
            Instr::TableFill { table, base } => {
                ops::table_fill(store, instance, table, arg!(base, 0), get!(base + 1), arg!(base, 2))?
            }
            Instr::TableCopy { dst, src, base } => {
                ops::table_copy(store, instance, dst, src, arg!(base, 0), arg!(base, 1), arg!(base, 2))?
            }
            Instr::TableInit { elem, table, base } => {
                ops::table_init(store, instance, elem, table, arg!(base, 0), arg!(base, 1), arg!(base, 2))?
            }
            Instr::ElemDrop(elem) => ops::elem_drop(store, instance, elem),
            Instr::MemoryInit { data, memory, base } => {
                ops::memory_init(store, instance, data, memory, arg!(base, 0), arg!(base, 1), arg!(base, 2))?
            }
            Instr::DataDrop(data) => ops::data_drop(store, instance, data),
            Instr::MemoryCopy { dst, src, base } => {
                ops::memory_copy(store, instance, dst, src, arg!(base, 0), arg!(base, 1), arg!(base, 2))?
            }
            Instr::MemoryFill { memory, base } => {
                ops::memory_fill(store, instance, memory, arg!(base, 0), arg!(base, 1) as u8, arg!(base, 2))?
            }
            other => unreachable!("{other:?} has a handler of its own"),
        }
        Ok(())
    }

    /// Runs a host function whose arguments are at stack index `fp`; writes its results there.
    #[inline(never)]
    fn call_host(&mut self, callee: u32, fp: usize) -> Result<(), Unwind> {
        let ty = self.store.funcs[callee as usize].ty();
        let mut values = RawBuf::new(0);
        let values = values.slice(ty.params().len().max(ty.results().len()));
        let mut slot = fp;
        for (raw, &t) in values.iter_mut().zip(ty.params()) {
            *raw = self.stack[slot] as u128;
            if t == ValType::V128 {
                *raw |= (self.stack[slot + 1] as u128) << 64;
            }
            slot += slots_of(Some(t)) as usize;
        }
        // The stack goes back to the store for calls the host makes; they start above the
        // caller's whole frame.
        // SAFETY: see Activation::func.
        let caller_frame = unsafe { &*self.act.func }.frame_slots as usize;
        let state = stack_state(self.store);
        let saved_top = std::mem::replace(&mut state.top, self.act.fp + caller_frame);
        state.stack = std::mem::take(self.stack);
        let frames = self.frames.len() as u32 + 1;
        // SAFETY: this call runs in the store, so a host callback stays (`host_callback`).
        let callback = unsafe { &*self.store.funcs[callee as usize].host_callback().expect("a host function") };
        let outcome = self.store.call_host(callback, Some(self.act.instance), frames, values);
        let state = stack_state(self.store);
        *self.stack = std::mem::take(&mut state.stack);
        state.top = saved_top;
        self.stack_base = self.stack.as_mut_ptr();
        self.refresh_memory();
        outcome.map_err(Unwind::Host)?;
        let mut slot = fp;
        for (&raw, &t) in values.iter().zip(self.store.funcs[callee as usize].ty().results()) {
            self.stack[slot] = raw as u64;
            if t == ValType::V128 {
                self.stack[slot + 1] = (raw >> 64) as u64;
            }
            slot += slots_of(Some(t)) as usize;
        }
        Ok(())
    }
}

/// Why execution unwinds.
pub(crate) enum Unwind {
    Trap(TrapCode),
    Host(Trap),
}

impl From<TrapCode> for Unwind {
    fn from(c: TrapCode) -> Unwind {
        Unwind::Trap(c)
    }
}
