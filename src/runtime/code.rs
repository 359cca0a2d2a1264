//! The engine contract between the runtime and an execution tier. A tier (`Backend`) compiles
//! a validated module into code of its own (`ModuleCode`, held by the `CompiledModule`) and
//! runs its wasm functions; the runtime owns everything else (stores, instances, memories,
//! tables, globals, host functions, and the operations on them in `ops`), so both tiers share
//! one implementation of the semantics outside function bodies. `crate::tiers` maps
//! `Config.tier` to its backend; nothing in the runtime names a tier.

use std::any::Any;
use std::fmt;

use super::engine::Config;
use super::store::Store;
use super::sys::signals::Thread;
use super::trap::{Trap, TrapCode};
use super::vmctx::VMFuncRef;
use crate::error::Result;
use crate::module::Module;

/// An execution tier.
pub trait Backend: Send + Sync + 'static {
    /// Compiles every function body of a module validated but for its bodies
    /// (`Module::new_for_compilation`), validating each body as it goes
    /// (`FuncValidator::walk`): an invalid body is an error, the one `Module::new` reports.
    fn compile(&self, module: &Module, config: &Config) -> Result<Box<dyn ModuleCode>>;

    /// Runs wasm function `func` (a store index; its module was compiled by this backend) with
    /// `values`: in, the raw encodings of arguments of its parameter types; out, its raw
    /// results (`Store::call_raw`). The runtime has checked the call depth and counted this
    /// call in `store.depth`.
    fn call(&self, store: &mut Store, func: u32, values: &mut [u128]) -> std::result::Result<(), Trap>;

    /// How the runtime enters machine code of this tier: a function whose `VMFuncRef::entry`
    /// is set runs through it, not through `call`. None for a tier without machine code.
    fn entry(&self) -> Option<EnterFn> {
        None
    }

    /// The trap that machine code of wasm function `func`, entered through `entry`, ended
    /// with: `code`, with the backtrace the thread recorded (`signals::last_trace`).
    fn trap(&self, _store: &mut Store, _func: u32, code: TrapCode, _trace: &[usize]) -> Trap {
        Trap::new(code)
    }
}

/// Runs function `func` through its entry (`VMFuncRef::entry`, which calls its `code` with
/// its `vmctx`) on `thread` (the calling thread's, `signals::current_thread`, prepared for
/// compiled code), with raw `values` as in `Backend::call`, allowing `depth_left` more wasm
/// frames. Returns 0, or `TrapCode as u32 + 1` after a trap.
///
/// # Safety
/// `func` is a function's reference as the store set it, whose code the store holds;
/// `values` has room for its arguments and results.
pub type EnterFn =
    unsafe extern "C" fn(thread: *const Thread, func: *const VMFuncRef, values: *mut u128, depth_left: u32) -> u32;

/// A tier's code for one module. The tier that made it recovers its own type with `as_any`.
pub trait ModuleCode: Send + Sync + fmt::Debug + 'static {
    fn as_any(&self) -> &dyn Any;

    /// Other code for `module` (the module this code was compiled from) that this code falls
    /// back on (a compiled tier's interpreter code, which it may make only when first asked),
    /// if any.
    fn fallback(&self, _module: &Module) -> Option<&dyn ModuleCode> {
        None
    }

    /// The machine code of defined function `defined` and the entry the host calls it through,
    /// for `VMFuncRef::code` and `entry`, in an instance whose memories all have guard regions
    /// (`guarded`) or not; both null where the function does not run as machine code.
    fn function_code(&self, _defined: u32, _guarded: bool) -> (*const u8, *const u8) {
        (std::ptr::null(), std::ptr::null())
    }
}
