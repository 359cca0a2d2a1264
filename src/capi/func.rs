//! Function instances (`wasm_func_t`): host functions from C callbacks (with or without an
//! environment), their types, and calls.

use std::mem::MaybeUninit;
use std::os::raw::c_void;
use std::ptr;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use super::object::{ref_type, wasm_ref_t, RefKind};
use super::store::{wasm_store_t, HostInfo, StoreData};
use super::trap::wasm_trap_t;
use super::types::{kind_of, wasm_externtype_t, wasm_functype_t};
use super::val::wasm_val_t;
use super::vec::{wasm_val_vec_t, Element};
use super::{from_c, guard, into_c};
use crate::runtime::{Caller, Func, Object, Store, Trap};
use crate::types::{FuncType, ValType};

ref_type!(
    wasm_func_t,
    RefKind::Func(..),
    wasm_func_delete,
    wasm_func_copy,
    wasm_func_same,
    wasm_func_get_host_info,
    wasm_func_set_host_info,
    wasm_func_set_host_info_with_finalizer,
    wasm_func_as_ref,
    wasm_ref_as_func,
    wasm_func_as_ref_const,
    wasm_ref_as_func_const
);

pub type wasm_func_callback_t =
    Option<unsafe extern "C" fn(args: *const wasm_val_vec_t, results: *mut wasm_val_vec_t) -> *mut wasm_trap_t>;
pub type wasm_func_callback_with_env_t = Option<
    unsafe extern "C" fn(
        env: *mut c_void,
        args: *const wasm_val_vec_t,
        results: *mut wasm_val_vec_t,
    ) -> *mut wasm_trap_t,
>;

impl wasm_func_t {
    /// A handle to `f` (not to be made while a `StoreData::with` of the store runs).
    pub(crate) fn new(store: &Rc<StoreData>, f: Func) -> wasm_func_t {
        wasm_func_t { r: wasm_ref_t::new(store, store.with(|s| RefKind::func(s, f))) }
    }

    /// The function and its type.
    pub(crate) fn func_and_type(&self) -> (Func, &FuncType) {
        match &self.r.kind {
            RefKind::Func(f, ty) => (*f, ty),
            _ => unreachable!("a wasm_func_t holds a function"),
        }
    }

    pub(crate) fn store(&self) -> &Rc<StoreData> {
        self.r.store.as_ref().expect("functions belong to a store")
    }
}

/// A C callback and its environment; the store holds the environment's finalizer, which runs
/// when the function is freed or the host deletes the store, whichever comes first.
struct Callback {
    plain: wasm_func_callback_t,
    with_env: wasm_func_callback_with_env_t,
    env: *mut c_void,
    store: Weak<StoreData>,
    ty: FuncType,
    /// Whether a parameter or result is a reference (whose C value owns a handle).
    refs: bool,
}

// SAFETY: a store and its functions are used by one thread at a time (the wasm-c-api model);
// the callback and environment are only touched by calls made through that store.
unsafe impl Send for Callback {}
unsafe impl Sync for Callback {}

impl Callback {
    /// Runs the C callback for a call from wasm (or from `wasm_func_call`), with raw values as
    /// in `Store::call_raw`.
    fn call(&self, caller: &mut Caller<'_>, values: &mut [u128]) -> Result<(), Trap> {
        let Some(data) = self.store.upgrade().filter(|d| self.with_env.is_none() || !d.deleted.get()) else {
            // The environment was finalized with the store.
            return Err(Trap::host("the function's store was deleted"));
        };
        let (params, results) = (self.ty.params(), self.ty.results());
        // The callback's vectors, arguments then results: on the stack for small signatures.
        let len = params.len() + results.len();
        let (mut inline, mut heap) = (MaybeUninit::<[wasm_val_t; 8]>::uninit(), Vec::new());
        let c_values = room(&mut inline, &mut heap, len);
        // SAFETY: `c_values` has room for `len` values; each is written here, once.
        let c_values = unsafe {
            for i in 0..len {
                c_values.add(i).write(wasm_val_t::blank());
                if let (Some(&t), Some(&raw)) = (params.get(i), values.get(i)) {
                    (*c_values.add(i)).set_raw(t, raw, &data, caller.store);
                }
            }
            std::slice::from_raw_parts_mut(c_values, len)
        };
        let (c_args, c_results) = c_values.split_at_mut(params.len());
        let (args_data, results_data) = (c_args.as_mut_ptr(), c_results.as_mut_ptr());
        let c_args = wasm_val_vec_t { size: params.len(), data: args_data };
        let mut c_results = wasm_val_vec_t { size: results.len(), data: results_data };
        let previous = data.enter(caller.store);
        // SAFETY: the host gave us a callback of this signature; the vectors are valid.
        let trap = unsafe {
            match (self.plain, self.with_env) {
                (Some(f), _) => f(&c_args, &mut c_results),
                (None, Some(f)) => f(self.env, &c_args, &mut c_results),
                (None, None) => ptr::null_mut(),
            }
        };
        data.restore(previous);
        let mut outcome = Ok(());
        if !trap.is_null() || c_results.size != results.len() {
            outcome = Err(failure(trap));
        } else {
            // SAFETY: the callback left a vector of `results.len()` values (its own, or ours).
            let c_values = unsafe { c_results.as_slice() };
            for (i, &t) in results.iter().enumerate() {
                // SAFETY: a reference value holds NULL or a handle, as the C API requires.
                match unsafe { c_values[i].raw_of(t, caller.store) } {
                    Some(r) => values[i] = r,
                    None => outcome = Err(Trap::host("host function returned a value of the wrong type")),
                }
            }
        }
        if self.refs || outcome.is_err() || c_results.data != results_data {
            // SAFETY: the vectors were made above (the callback may have replaced the results
            // vector by one of its own, which it then owns no more); the callback owns nothing
            // in `c_args`.
            unsafe { delete_values(args_data, params.len(), &mut c_results, results_data, results.len()) };
        }
        outcome
    }
}

/// Why a callback failed: the trap it returned (which this takes), else a results vector it
/// resized.
#[cold]
fn failure(trap: *mut wasm_trap_t) -> Trap {
    // SAFETY: a callback returns NULL or a trap it owns, whose ownership passes to us.
    match unsafe { from_c(trap) } {
        Some(t) => t.trap().clone(),
        None => Trap::host("host function changed the size of its results vector"),
    }
}

/// Deletes the references in a callback's `params` arguments at `args` and in its results
/// vector (`results`, ours at `ours` with `count` values, or a vector the callback made).
///
/// # Safety
/// The vectors hold valid values; nothing else owns their references.
#[cold]
unsafe fn delete_values(
    args: *mut wasm_val_t,
    params: usize,
    results: &mut wasm_val_vec_t,
    ours: *mut wasm_val_t,
    count: usize,
) {
    for v in std::slice::from_raw_parts(args, params) {
        v.delete();
    }
    if results.data == ours {
        for v in std::slice::from_raw_parts(ours, count) {
            v.delete();
        }
    } else {
        super::vec::wasm_val_vec_delete(results);
    }
}

unsafe fn new_func(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    plain: wasm_func_callback_t,
    with_env: wasm_func_callback_with_env_t,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> *mut wasm_func_t {
    let (Some(store), Some(ty)) = (store.as_ref(), ty.as_ref().and_then(|t| t.ext.to_func_type())) else {
        if let Some(f) = finalizer {
            f(env);
        }
        return ptr::null_mut();
    };
    let refs = ty.params().iter().chain(ty.results()).any(|t| t.is_ref());
    let callback = Callback { plain, with_env, env, store: Rc::downgrade(&store.data), ty: ty.clone(), refs };
    let f = store.data.with(|s| s.new_host_func_raw(ty, Arc::new(move |caller, values| callback.call(caller, values))));
    if with_env.is_some() {
        store.data.envs.borrow_mut().insert(Object::Func(f.index()), HostInfo { info: env, finalizer });
    }
    into_c(wasm_func_t::new(&store.data, f))
}

/// A host function calling `callback`; NULL for NULL arguments.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_new(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: wasm_func_callback_t,
) -> *mut wasm_func_t {
    guard(ptr::null_mut(), || {
        if callback.is_none() {
            ptr::null_mut()
        } else {
            new_func(store, ty, callback, None, ptr::null_mut(), None)
        }
    })
}

/// A host function calling `callback(env, ...)`; `finalizer(env)` runs when the function is
/// freed (no handle can reach it any more) or the store is deleted, whichever comes first (or
/// at once if this returns NULL); the function traps if called after the store's deletion.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_new_with_env(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: wasm_func_callback_with_env_t,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> *mut wasm_func_t {
    guard(ptr::null_mut(), || {
        if callback.is_none() {
            if let Some(f) = finalizer {
                f(env);
            }
            return ptr::null_mut();
        }
        new_func(store, ty, None, callback, env, finalizer)
    })
}

/// The function's type (a new object); NULL for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_type(f: *const wasm_func_t) -> *mut wasm_functype_t {
    guard(ptr::null_mut(), || match f.as_ref() {
        Some(f) => into_c(wasm_functype_t { ext: wasm_externtype_t::func(f.func_and_type().1) }),
        None => ptr::null_mut(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_param_arity(f: *const wasm_func_t) -> usize {
    guard(0, || f.as_ref().map_or(0, |f| f.func_and_type().1.params().len()))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_result_arity(f: *const wasm_func_t) -> usize {
    guard(0, || f.as_ref().map_or(0, |f| f.func_and_type().1.results().len()))
}

/// Calls the function. `args` must hold values of the parameter types and `results` must have
/// room for the results (its size is the result arity); results overwrite its elements.
/// Returns NULL on success, or a trap (also for mismatched arguments and NULL arguments).
#[no_mangle]
pub unsafe extern "C" fn wasm_func_call(
    f: *const wasm_func_t,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    super::store::api_call(|| {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(f, args, results)));
        match outcome {
            Ok(trap) => trap,
            Err(_) => match f.as_ref() {
                Some(f) => into_c(wasm_trap_t::new(f.store(), Trap::host("the call panicked"))),
                None => ptr::null_mut(),
            },
        }
    })
}

unsafe fn call(f: *const wasm_func_t, args: *const wasm_val_vec_t, results: *mut wasm_val_vec_t) -> *mut wasm_trap_t {
    let Some(f) = f.as_ref() else { return into_c(wasm_trap_t::without_store(Trap::host("the function is NULL"))) };
    let data = f.store();
    let args = args.as_ref().map_or(&[][..], |a| a.as_slice());
    let (func, ty) = f.func_and_type();
    match data.with(|store| call_in(store, data, func, ty, args, results)) {
        Ok(()) => ptr::null_mut(),
        Err(trap) => into_c(wasm_trap_t::new(data, trap)),
    }
}

/// `call` in the function's store; `ty` is the function's type, as its handle keeps it.
#[inline(always)]
unsafe fn call_in(
    store: &mut Store,
    data: &Rc<StoreData>,
    func: Func,
    ty: &FuncType,
    args: &[wasm_val_t],
    results: *mut wasm_val_vec_t,
) -> Result<(), Trap> {
    let (params, result_types) = (ty.params(), ty.results());
    if args.len() != params.len() {
        return Err(mismatched_arguments(ty));
    }
    let out = match results.as_mut() {
        Some(r) if r.size >= result_types.len() && (!r.data.is_null() || result_types.is_empty()) => r.data,
        None if result_types.is_empty() => ptr::null_mut(),
        _ => return Err(no_room_for_results(results)),
    };
    // The raw values: the arguments, then room for the results.
    let len = params.len().max(result_types.len());
    let (mut inline, mut heap) = (MaybeUninit::<[u128; 8]>::uninit(), Vec::new());
    let values = room(&mut inline, &mut heap, len);
    for (i, (a, &t)) in args.iter().zip(params).enumerate() {
        match a.raw_of(t, store) {
            Some(raw) => values.add(i).write(raw),
            None => return Err(bad_argument(a, t, ty)),
        }
    }
    for i in params.len()..len {
        values.add(i).write(0);
    }
    // SAFETY: `values` has room for `len` values, each written above.
    let values = std::slice::from_raw_parts_mut(values, len);
    store.call_raw(func.index(), values)?;
    for (i, (&t, &raw)) in result_types.iter().zip(values.iter()).enumerate() {
        out.add(i).write(wasm_val_t::blank());
        (*out.add(i)).set_raw(t, raw, data, store);
    }
    Ok(())
}

/// Room for `len` values of a call, not initialized: `inline` for up to `N` (so that calls of
/// small signatures allocate nothing), else `heap`'s capacity (its length stays 0: the values
/// need no drop).
#[inline(always)]
fn room<T: Copy, const N: usize>(inline: &mut MaybeUninit<[T; N]>, heap: &mut Vec<T>, len: usize) -> *mut T {
    if len <= N {
        inline.as_mut_ptr().cast()
    } else {
        heap.reserve_exact(len);
        heap.as_mut_ptr()
    }
}

#[cold]
fn mismatched_arguments(ty: &FuncType) -> Trap {
    Trap::host(format!("arguments do not match the function type {ty}"))
}

#[cold]
fn bad_argument(a: &wasm_val_t, t: ValType, ty: &FuncType) -> Trap {
    if a.kind != kind_of(t) {
        mismatched_arguments(ty)
    } else {
        Trap::host("an argument is malformed or belongs to another store")
    }
}

#[cold]
fn no_room_for_results(results: *mut wasm_val_vec_t) -> Trap {
    Trap::host(if results.is_null() {
        "results vector is NULL"
    } else {
        "results vector is too small for the function's results"
    })
}
