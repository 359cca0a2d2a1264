//! Calls: from the host into any function (`Store::call`), and from a tier's code into a host
//! function (`Store::call_host`). Both count toward the configured call depth and keep a reserve
//! of native stack, so deep or re-entrant recursion (host -> wasm -> host -> ...) ends in a
//! "call stack exhausted" trap, never a native stack overflow.

use super::store::{Caller, Func, FuncEntity, Instance, RawHostFn, Store};
use super::sys;
use super::trap::{Trap, TrapCode};
use super::value::{RawBuf, Val};

/// Runs a host function; a panic in it becomes a trap, so it never unwinds through a tier's
/// code (whose bookkeeping it would skip) or across the C API.
#[inline]
fn run_host(callback: &RawHostFn, caller: &mut Caller<'_>, values: &mut [u128]) -> Result<(), Trap> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| callback(caller, values))) {
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
    /// Whether the native stack of the thread running a call in the store is down to its
    /// reserve (the limit `call_raw` noted when the thread entered the store).
    fn native_stack_exhausted(&self) -> bool {
        sys::current_stack_address() < self.context.stack_limit
    }

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
        let mut values = RawBuf::new(0);
        let values = values.slice(args.len().max(results.len()));
        for (raw, a) in values.iter_mut().zip(args) {
            *raw = a.to_raw();
        }
        self.call_raw(func.index, values)?;
        let ty = self.funcs[func.index as usize].ty();
        for ((r, &t), &raw) in results.iter_mut().zip(ty.results()).zip(values.iter()) {
            *r = Val::from_raw(self.id(), t, raw);
        }
        Ok(())
    }

    /// Calls store function `func` (of this store) with `values`: in, the raw encodings of
    /// arguments of its parameter types whose references belong to this store (the caller
    /// checked them); out, its raw results. Holds as many values as the larger of the two.
    pub(crate) fn call_raw(&mut self, func: u32, values: &mut [u128]) -> Result<(), Trap> {
        if self.depth == 0 {
            self.enter_thread();
        }
        if self.depth >= self.max_call_depth || self.native_stack_exhausted() {
            return Err(Trap::new(TrapCode::CallStackExhausted));
        }
        self.depth += 1;
        let outcome = self.run_func(func, values);
        self.depth -= 1;
        outcome
    }

    /// Runs function `func` once the call is counted: through its entry if compiled code runs
    /// it, else as a host function or on its tier (`call_other`).
    #[inline(always)]
    fn run_func(&mut self, func: u32, values: &mut [u128]) -> Result<(), Trap> {
        // The frames compiled code may open: as many as the interpreter would allow.
        match self.enter(func, values, self.max_call_depth - self.depth) {
            Some(0) => Ok(()),
            Some(n) => Err(self.compiled_trap(func, n)),
            None => self.call_other(func, values),
        }
    }

    /// Notes the thread that enters the store now, and where the store is now: compiled code
    /// checks against the thread's stack limit and calls runtime operations on the store.
    pub(crate) fn enter_thread(&mut self) {
        let (thread, stack_limit) = sys::signals::current_thread(self.enter.is_some());
        self.thread = thread;
        self.context.stack_limit = stack_limit;
        self.context.store = self;
    }

    /// `call_raw` of a function that has no entry: a host function, or a wasm function its tier
    /// runs without machine code. (Apart, so that calls through entries need a small frame.)
    #[inline(never)]
    fn call_other(&mut self, func: u32, values: &mut [u128]) -> Result<(), Trap> {
        match &self.funcs[func as usize] {
            FuncEntity::Host { callback, .. } => {
                let callback = callback.clone();
                self.call_host(&*callback, None, 0, values)
            }
            FuncEntity::Wasm { .. } => self.engine.backend().call(self, func, values),
        }
    }

    /// `call_from_compiled` of a wasm function (of another instance): as `call_raw` runs it.
    /// (Apart, so that host calls from compiled code keep a small frame.)
    #[inline(never)]
    fn call_wasm(&mut self, func: u32, values: &mut [u128]) -> Result<(), Trap> {
        self.run_func(func, values)
    }

    /// The trap machine code of wasm function `func` ended with (`n`: `TrapCode as u32 + 1`).
    #[cold]
    fn compiled_trap(&mut self, func: u32, n: u32) -> Trap {
        let code = TrapCode::from_u32(n - 1).unwrap_or(TrapCode::Host);
        self.engine.backend().trap(self, func, code, &sys::signals::last_trace())
    }

    /// Calls function `func` (a store index: a host function, whose `callback` this is, or a
    /// wasm function of any module) for compiled code of instance `caller`, with raw `values`
    /// as in `call_raw`; the compiled frames opened since the entry count toward the call
    /// depth, as the interpreter's frames do.
    #[inline]
    pub(crate) fn call_from_compiled(
        &mut self,
        func: u32,
        callback: Option<&RawHostFn>,
        caller: u32,
        values: &mut [u128],
    ) -> Result<(), Trap> {
        // The compiled frames opened since the entry count toward the depth.
        let depth = self.depth;
        self.depth = self.max_call_depth.saturating_sub(self.context.depth_left);
        let outcome = if self.depth >= self.max_call_depth {
            Err(Trap::new(TrapCode::CallStackExhausted))
        } else {
            match callback {
                // The calling compiled frame is already counted, as the interpreter counts it.
                Some(callback) => self.call_host(callback, Some(caller), 0, values),
                // The callee's own frames count themselves, as when the interpreter calls it.
                None if self.native_stack_exhausted() => Err(Trap::new(TrapCode::CallStackExhausted)),
                None => self.call_wasm(func, values),
            }
        };
        self.depth = depth;
        outcome
    }

    /// Calls host function `func` (a store index), whose callback is `callback`, for wasm code
    /// of instance `caller` (none for the host) that runs `frames` wasm frames deep above the
    /// store's current depth, with raw `values` as in `call_raw`.
    #[inline]
    pub(crate) fn call_host(
        &mut self,
        callback: &RawHostFn,
        caller: Option<u32>,
        frames: u32,
        values: &mut [u128],
    ) -> Result<(), Trap> {
        if self.native_stack_exhausted() {
            return Err(Trap::new(TrapCode::CallStackExhausted));
        }
        let depth = self.depth;
        self.depth += frames;
        let caller = caller.map(|index| Instance { store: self.id(), index });
        let outcome = run_host(callback, &mut Caller { store: self, instance: caller }, values);
        self.depth = depth;
        outcome
    }
}
