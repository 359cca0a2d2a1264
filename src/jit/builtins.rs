//! Runtime operations compiled code calls: `extern "C"` functions taking the instance context,
//! which reach the store through it. Operations that can trap return 0, or 1 for their trap
//! (each has one: the caller knows which). A panic must not unwind through compiled frames, so
//! each catches it and reports the operation's failure.

use crate::runtime::ops;
use crate::runtime::store::Store;
use crate::runtime::trap::TrapCode;
use crate::runtime::value::RawBuf;
use crate::runtime::vmctx::VMContext;

/// Runs `f` on the store and instance of `vmctx`; `failed` if it panics.
///
/// SAFETY (for callers): compiled code passes its own instance's context; the store context's
/// `store` was set when the host entered the store, which is running this code now (so no other
/// reference to the store is in use while `f` runs).
unsafe fn with_store<T>(vmctx: *mut VMContext, failed: T, f: impl FnOnce(&mut Store, u32) -> T) -> T {
    let (store, instance) = (&mut *(*(*vmctx).store).store, (*vmctx).instance);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(store, instance))).unwrap_or(failed)
}

fn status(r: Result<(), TrapCode>) -> u32 {
    r.is_err() as u32
}

/// The functions below: see `runtime::ops`. `# Safety`: as for `with_store`.
macro_rules! builtins {
    ($($(#[$doc:meta])* fn $name:ident($($arg:ident: $t:ty),*) -> u32 = $failed:expr, |$store:ident, $instance:ident| $body:expr;)*) => {$(
        $(#[$doc])*
        ///
        /// # Safety
        /// Called by compiled code with its instance's context, while the store that entered
        /// it runs.
        pub unsafe extern "C" fn $name(vmctx: *mut VMContext, $($arg: $t),*) -> u32 {
            with_store(vmctx, $failed, |$store, $instance| $body)
        }
    )*};
}

builtins! {
    /// `memory.grow`: the old size in pages, or `u32::MAX` (-1).
    fn memory_grow(memory: u32, delta: u32) -> u32 = u32::MAX, |s, i| ops::memory_grow(s, i, memory, delta);
    fn memory_fill(memory: u32, d: u32, value: u32, len: u32) -> u32 = 1,
        |s, i| status(ops::memory_fill(s, i, memory, d, value as u8, len));
    fn memory_copy(dst: u32, src: u32, d: u32, s_: u32, len: u32) -> u32 = 1,
        |s, i| status(ops::memory_copy(s, i, dst, src, d, s_, len));
    fn memory_init(data: u32, memory: u32, d: u32, s_: u32, len: u32) -> u32 = 1,
        |s, i| status(ops::memory_init(s, i, data, memory, d, s_, len));
    fn data_drop(data: u32) -> u32 = 0, |s, i| {
        ops::data_drop(s, i, data);
        0
    };
    fn table_size(table: u32) -> u32 = 0, |s, i| ops::table_size(s, i, table);
    fn table_copy(dst: u32, src: u32, d: u32, s_: u32, len: u32) -> u32 = 1,
        |s, i| status(ops::table_copy(s, i, dst, src, d, s_, len));
    fn table_init(elem: u32, table: u32, d: u32, s_: u32, len: u32) -> u32 = 1,
        |s, i| status(ops::table_init(s, i, elem, table, d, s_, len));
    fn elem_drop(elem: u32) -> u32 = 0, |s, i| {
        ops::elem_drop(s, i, elem);
        0
    };
}

/// Calls store function `f` for compiled code of `instance`, its arguments in the slots of
/// `slot_bytes` (8 or 16) bytes at `args`, where its results go; 1 if it trapped (the trap then
/// waits in `Store::pending_trap`).
///
/// SAFETY (for callers): `args` points to the calling frame's slots, as many as the larger of
/// the function's parameters and results.
unsafe fn call_with_slots(store: &mut Store, instance: u32, f: u32, args: *mut u64, slot_bytes: u32) -> u32 {
    let words = slot_bytes as usize / 8;
    let ty = store.funcs[f as usize].ty();
    let slots = std::slice::from_raw_parts_mut(args, ty.params().len().max(ty.results().len()) * words);
    let mut values = RawBuf::new(0);
    let values = values.slice(ty.params().len().max(ty.results().len()));
    for (i, (raw, &t)) in values.iter_mut().zip(ty.params()).enumerate() {
        *raw = super::read_raw(t, slots, i * words, words);
    }
    // SAFETY: this call runs in the store, so a host callback stays (`host_callback`).
    let callback = store.funcs[f as usize].host_callback().map(|c| &*c);
    match store.call_from_compiled(f, callback, instance, values) {
        Ok(()) => {
            for (i, &raw) in values.iter().enumerate().take(store.funcs[f as usize].ty().results().len()) {
                super::write_raw(slots, i * words, words, raw);
            }
            0
        }
        Err(trap) => {
            store.pending_trap = Some(trap);
            1
        }
    }
}

/// Calls imported function `func` (an index of the instance's function space: a host
/// function or another instance's) for compiled code, with raw `values` (`count` of them, as
/// many as the larger of its parameters and results) holding its arguments, where its results
/// go; 1 if it trapped (the trap waits in `Store::pending_trap`). Compiled code calls it through
/// the module's import trampoline for the function's signature (`Masm::call_import`).
///
/// # Safety
/// As for the other runtime calls; `values` points to `count` raw values.
pub unsafe extern "C" fn call_import(vmctx: *mut VMContext, func: u32, values: *mut u128, count: u32) -> u32 {
    // The function's store index, from the reference the instance's context holds for it.
    let f = (*(*vmctx).funcs.add(func as usize)).index;
    with_store(vmctx, 1, |store, instance| {
        let values = std::slice::from_raw_parts_mut(values, count as usize);
        // SAFETY: this call runs in the store, so a host callback stays (`host_callback`).
        let callback = store.funcs[f as usize].host_callback().map(|c| &*c);
        match store.call_from_compiled(f, callback, instance, values) {
            Ok(()) => 0,
            Err(trap) => {
                store.pending_trap = Some(trap);
                1
            }
        }
    })
}

/// Calls the function at `index` of table `table` with the signature of type `type_index`, its
/// arguments in `args[0..]`, where its results go; 1 if anything trapped (the bounds, null and
/// signature checks too; the trap waits in `Store::pending_trap`).
///
/// # Safety
/// As for `call_import`.
pub unsafe extern "C" fn call_indirect(
    vmctx: *mut VMContext,
    type_index: u32,
    table: u32,
    index: u32,
    args: *mut u64,
    slot_bytes: u32,
) -> u32 {
    with_store(vmctx, 1, |store, instance| {
        let expected = store.instances[instance as usize].module.sigs[type_index as usize];
        match ops::indirect_callee(store, instance, table, index, expected) {
            Ok(callee) => call_with_slots(store, instance, callee, args, slot_bytes),
            Err(code) => {
                store.pending_trap = Some(crate::runtime::Trap::new(code));
                1
            }
        }
    })
}

builtins! {
    /// `ref.func`: the raw reference to function `func` of the instance.
    fn ref_func(func: u32) -> u32 = 0, |s, i| s.instances[i as usize].funcs[func as usize] + 1;
    /// `table.get` into `*out`.
    fn table_get(table: u32, index: u32, out: *mut u64) -> u32 = 1, |s, i| match ops::table_get(s, i, table, index) {
        Ok(v) => {
            *out = v;
            0
        }
        Err(_) => 1,
    };
    /// `table.set` of the raw reference at `value`.
    fn table_set(table: u32, index: u32, value: *const u64) -> u32 = 1,
        |s, i| status(ops::table_set(s, i, table, index, *value));
    /// `table.grow` by `delta` elements of the raw reference at `init`.
    fn table_grow(table: u32, init: *const u64, delta: u32) -> u32 = u32::MAX,
        |s, i| ops::table_grow(s, i, table, delta, *init);
    /// `table.fill` of `len` elements from `d` with the raw reference at `value`.
    fn table_fill(table: u32, d: u32, value: *const u64, len: u32) -> u32 = 1,
        |s, i| status(ops::table_fill(s, i, table, d, *value, len));
}
