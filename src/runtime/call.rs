//! Calls: from the host into any function (`Store::call`), and from a tier's code into a host
//! function (`Store::call_host`). Both count toward the configured call depth and keep a reserve
//! of native stack, so deep or re-entrant recursion (host -> wasm -> host -> ...) ends in a
//! "call stack exhausted" trap, never a native stack overflow.

use std::cell::Cell;

use super::store::{Caller, Func, FuncEntity, HostFn, Instance, Store};
use super::sys;
use super::trap::{Trap, TrapCode};
use super::value::Val;

/// Native stack kept free below the deepest re-entrant call, for host code and the tiers: a
/// quarter of the thread's stack, between 16 and 128 KiB.
fn native_stack_reserve(stack_size: usize) -> usize {
    (stack_size / 4).clamp(16 * 1024, 128 * 1024)
}

thread_local! {
    static STACK_LIMIT: Cell<usize> = const { Cell::new(0) };
}

/// The lowest address this thread's native stack may reach before only its reserve is left.
pub(crate) fn native_stack_limit() -> usize {
    STACK_LIMIT.with(|l| {
        if l.get() == 0 {
            l.set(sys::stack_bounds().map_or(1, |(low, size)| low + native_stack_reserve(size)));
        }
        l.get()
    })
}

/// Whether this thread's native stack is down to its reserve.
pub(crate) fn native_stack_exhausted() -> bool {
    sys::current_stack_address() < native_stack_limit()
}

/// Runs a host function; a panic in it becomes a trap, so it never unwinds through a tier's
/// code (whose bookkeeping it would skip) or across the C API.
fn run_host(callback: &HostFn, caller: &mut Caller<'_>, args: &[Val], results: &mut [Val]) -> Result<(), Trap> {
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

impl Store {
    /// Calls a function with arguments of its parameter types; returns its results.
    pub fn call(&mut self, func: Func, args: &[Val]) -> Result<Vec<Val>, Trap> {
        if !self.owns(func.store) {
            return Err(Trap::host("function belongs to another store"));
        }
        let mut results: Vec<Val> =
            self.funcs[func.index as usize].ty().results().iter().map(|&t| Val::default_of(t)).collect();
        self.call_into(func, args, &mut results)?;
        Ok(results)
    }

    /// Calls a function with arguments of its parameter types, writing its results to
    /// `results`, which holds one value (of any type) per result.
    pub fn call_into(&mut self, func: Func, args: &[Val], results: &mut [Val]) -> Result<(), Trap> {
        if !self.owns(func.store) {
            return Err(Trap::host("function belongs to another store"));
        }
        let ty = self.funcs[func.index as usize].ty();
        if args.len() != ty.params().len()
            || args.iter().zip(ty.params()).any(|(a, &t)| a.ty() != t || !self.val_belongs(a))
        {
            return Err(Trap::host(format!("arguments do not match the function type {ty}")));
        }
        if results.len() != ty.results().len() {
            return Err(Trap::host(format!(
                "the function type {ty} has {} results, not {}",
                ty.results().len(),
                results.len()
            )));
        }
        for (r, &t) in results.iter_mut().zip(ty.results()) {
            *r = Val::default_of(t);
        }
        if self.depth >= self.engine.config().max_call_depth || native_stack_exhausted() {
            return Err(Trap::new(TrapCode::CallStackExhausted));
        }
        if self.depth == 0 {
            // The thread that enters the store now, and where the store is now: compiled code
            // checks against the limit and calls runtime operations on the store.
            self.context.stack_limit = native_stack_limit();
            self.context.store = self;
        }
        self.depth += 1;
        let outcome = match &self.funcs[func.index as usize] {
            FuncEntity::Host { callback, .. } => {
                let callback = callback.clone();
                run_host(&*callback, &mut Caller { store: self, instance: None }, args, results)
            }
            FuncEntity::Wasm { .. } => self.engine.backend().call(self, func.index, args, results),
        };
        self.depth -= 1;
        outcome
    }

    /// Calls function `func` (a store index: a host function, whose `callback` this is, or a
    /// wasm function of any module) for compiled code of instance `caller`; the compiled frames
    /// opened since the entry count toward the call depth, as the interpreter's frames do.
    pub(crate) fn call_from_compiled(
        &mut self,
        func: u32,
        callback: Option<&HostFn>,
        caller: u32,
        args: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        // The compiled frames opened since the entry count toward the depth.
        let depth = self.depth;
        self.depth = self.engine.config().max_call_depth.saturating_sub(self.context.depth_left);
        let outcome = if self.depth >= self.engine.config().max_call_depth {
            Err(Trap::new(TrapCode::CallStackExhausted))
        } else {
            match callback {
                // The calling compiled frame is already counted, as the interpreter counts it.
                Some(callback) => self.call_host(func, callback, caller, 0, args, results),
                // The callee's own frames count themselves, as when the interpreter calls it.
                None if native_stack_exhausted() => Err(Trap::new(TrapCode::CallStackExhausted)),
                None => self.engine.backend().call(self, func, args, results),
            }
        };
        self.depth = depth;
        outcome
    }

    /// Calls host function `func` (a store index), whose callback is `callback`, for wasm code
    /// of `caller` that runs `frames` wasm frames deep above the store's current depth; `args`
    /// match its parameter types. Checks the results' types.
    pub(crate) fn call_host(
        &mut self,
        func: u32,
        callback: &HostFn,
        caller: u32,
        frames: u32,
        args: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        if native_stack_exhausted() {
            return Err(Trap::new(TrapCode::CallStackExhausted));
        }
        let depth = self.depth;
        self.depth += frames;
        let caller = Instance { store: self.id, index: caller };
        let outcome = run_host(callback, &mut Caller { store: self, instance: Some(caller) }, args, results);
        self.depth = depth;
        outcome?;
        let ty = self.funcs[func as usize].ty();
        if results.iter().zip(ty.results()).any(|(r, &t)| r.ty() != t || !self.val_belongs(r)) {
            return Err(Trap::host("host function returned a value of the wrong type"));
        }
        Ok(())
    }
}
