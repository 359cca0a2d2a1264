//! The instance context (`VMContext`): the one `#[repr(C)]` description of an instance that
//! compiled code reads at fixed offsets, and the records it points to. The runtime builds an
//! instance's context when it instantiates it and keeps every record current (a memory's
//! definition on grow, a table's on grow, the store's fuel), so a tier never asks the store for
//! them while code runs. Every pointer here stays valid for as long as the instance can run:
//! the records live in boxes owned by their objects, which the store frees only when nothing
//! can reach them (and never while code runs).
//!
//! Layout (offsets in `VMContext::OFFSETS`, checked by the tests below):
//! ```text
//! VMContext   memory0: *const VMMemory     memory 0's definition (null without memories)
//!             memories: *const *const VMMemory   one per memory index (own and imported)
//!             globals: *const *mut u128     one cell per global index (own and imported)
//!             tables: *const *const VMTable     one per table index
//!             funcs: *const VMFuncRef       one per function index: how to call it
//!             sigs: *const SigId            the engine-wide id of each type index
//!             store: *mut VMStoreContext    fuel, native stack limit, call depth
//!             instance: u32                 the instance's store index
//!             interrupt: AtomicBool         the store's interrupt request (a copy, see `Interrupt`)
//!             table0: *const VMTable        table 0's definition (null without tables)
//! VMMemory    base: *mut u8, length: u64 (bytes)
//! VMTable     elements: *mut VMTableElement, length: u64
//! VMTableElement  code: *const u8, vmctx, sig: SigId (a function's, as in its VMFuncRef;
//!                 null, null, SigId::MAX for null and extern references), raw: u32 (the
//!                 reference, see `value`)
//! VMFuncRef   code: *const u8 (the tier's entry, null until a tier sets it), vmctx, sig, index (store), entry
//! VMStoreContext  fuel: u64, stack_limit: usize, store: *mut Store, depth_left: u32
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::code::EnterFn;
use super::engine::SigId;
use super::store::Store;
use super::sys::signals::Thread;

/// A linear memory's definition: where its bytes start and how many there are now.
#[repr(C)]
#[derive(Debug)]
pub struct VMMemory {
    pub base: *mut u8,
    pub length: u64,
}

/// A table's definition: its elements and how many there are now.
#[repr(C)]
#[derive(Debug)]
pub struct VMTable {
    pub elements: *mut VMTableElement,
    pub length: u64,
}

/// A table element: the reference it holds (`raw`, its raw encoding truncated to 32 bits, as
/// store indices are), and for a function how compiled code calls it, copied from the
/// function's `VMFuncRef` (which never changes while the function lives): `call_indirect`
/// checks `sig` and calls `code` with `vmctx` without asking the store.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VMTableElement {
    pub code: *const u8,
    pub vmctx: *mut VMContext,
    pub sig: SigId,
    pub raw: u32,
}

impl VMTableElement {
    /// The null reference: no code, and a signature no type has.
    pub const NULL: VMTableElement =
        VMTableElement { code: std::ptr::null(), vmctx: std::ptr::null_mut(), sig: SigId::MAX, raw: 0 };

    /// The element holding the function `func` (its reference says how to call it).
    pub fn func(func: &VMFuncRef) -> VMTableElement {
        VMTableElement { code: func.code, vmctx: func.vmctx, sig: func.sig, raw: func.index + 1 }
    }

    /// The element holding an extern reference (raw, see `value`).
    pub fn extern_ref(raw: u64) -> VMTableElement {
        VMTableElement { raw: raw as u32, ..VMTableElement::NULL }
    }
}

/// How compiled code calls a function: its code, the context it runs with (its instance's;
/// null for host functions), its signature id, compared by `call_indirect`, and its store
/// index, with which the runtime finds a host function in one step; and how the host enters
/// it: the tier's entry for its signature, which calls `code` (null when `code` is).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct VMFuncRef {
    pub code: *const u8,
    pub vmctx: *mut VMContext,
    pub sig: SigId,
    pub index: u32,
    pub entry: *const u8,
}

impl VMFuncRef {
    /// The reference of a freed store function: no code, and a signature no type has.
    pub const NONE: VMFuncRef = VMFuncRef {
        code: std::ptr::null(),
        vmctx: std::ptr::null_mut(),
        sig: SigId::MAX,
        index: u32::MAX,
        entry: std::ptr::null(),
    };

    /// Runs the function through its entry (set: not null) with `enter`, the engine's tier's
    /// way in (`EnterFn`), on `thread`, with raw `values` (the arguments, checked against its
    /// type, and room for the results), allowing `depth_left` more wasm frames: 0, or
    /// `TrapCode as u32 + 1` after a trap.
    #[inline]
    pub(crate) fn run(&self, enter: EnterFn, thread: *const Thread, values: &mut [u128], depth_left: u32) -> u32 {
        // SAFETY: the store sets a function's entry only from the code of its module, made by
        // the engine's tier, and holds the module while a call runs in it; `thread` is the
        // calling thread's, which the store noted (prepared for compiled code) as the outermost
        // call began (`call_raw`); `values` has room for the arguments and results.
        unsafe { enter(thread, self, values.as_mut_ptr(), depth_left) }
    }
}

/// What every instance of a store shares: the fuel counter (when the engine counts fuel), the
/// lowest native stack address code may use, and the store itself, for the runtime operations compiled code calls (set on each entry from
/// the host, as a store may move between calls).
#[repr(C)]
#[derive(Debug)]
pub struct VMStoreContext {
    pub fuel: u64,
    pub stack_limit: usize,
    pub store: *mut Store,
    /// How many more wasm frames compiled code may open before the configured call depth is
    /// reached, as the frame making a runtime call publishes it (compiled code passes the
    /// count from frame to frame itself).
    pub depth_left: u32,
}

#[repr(C)]
#[derive(Debug)]
pub struct VMContext {
    pub memory0: *const VMMemory,
    pub memories: *const *const VMMemory,
    pub globals: *const *mut u128,
    pub tables: *const *const VMTable,
    pub funcs: *const VMFuncRef,
    pub sigs: *const SigId,
    pub store: *mut VMStoreContext,
    pub instance: u32,
    pub interrupt: AtomicBool,
    pub table0: *const VMTable,
}

/// Byte offsets of the context's fields, for code generators.
#[derive(Debug, PartialEq, Eq)]
pub struct Offsets {
    pub memory0: usize,
    pub memories: usize,
    pub globals: usize,
    pub tables: usize,
    pub funcs: usize,
    pub sigs: usize,
    pub store: usize,
    pub instance: usize,
    pub interrupt: usize,
    pub table0: usize,
    pub memory_base: usize,
    pub memory_length: usize,
    pub table_elements: usize,
    pub table_length: usize,
    pub element_code: usize,
    pub element_vmctx: usize,
    pub element_sig: usize,
    pub element_raw: usize,
    pub element_size: usize,
    pub func_code: usize,
    pub func_vmctx: usize,
    pub func_sig: usize,
    pub func_entry: usize,
    pub func_size: usize,
    pub store_fuel: usize,
    pub store_stack_limit: usize,
    pub store_store: usize,
    pub store_depth_left: usize,
}

impl VMContext {
    pub const OFFSETS: Offsets = Offsets {
        memory0: 0,
        memories: 8,
        globals: 16,
        tables: 24,
        funcs: 32,
        sigs: 40,
        store: 48,
        instance: 56,
        interrupt: 60,
        table0: 64,
        memory_base: 0,
        memory_length: 8,
        table_elements: 0,
        table_length: 8,
        element_code: 0,
        element_vmctx: 8,
        element_sig: 16,
        element_raw: 20,
        element_size: 24,
        func_code: 0,
        func_vmctx: 8,
        func_sig: 16,
        func_entry: 24,
        func_size: 32,
        store_fuel: 0,
        store_stack_limit: 8,
        store_store: 16,
        store_depth_left: 24,
    };
}

/// A store's interrupt request: the flag the interpreter polls, and a copy of it in the
/// context of each of the store's instances, which compiled code tests with a single load at
/// every loop iteration. A request sets them all, from any thread; it is cleared when code
/// traps with it (or a WASI wait answers it).
#[derive(Debug, Default)]
pub struct Interrupt {
    requested: AtomicBool,
    /// The `interrupt` fields of the store's contexts (each removed before its box is freed).
    copies: std::sync::Mutex<Vec<*const AtomicBool>>,
}

// SAFETY: the pointers lead to the `interrupt` fields of live boxed contexts (a context removes
// its own in `Drop`, under the lock that every use holds), and only atomic stores go through
// them, which any thread may make.
unsafe impl Send for Interrupt {}
unsafe impl Sync for Interrupt {}

impl Interrupt {
    /// Requests an interruption.
    pub fn request(&self) {
        self.set(true);
    }

    /// Clears the request (it is answered).
    pub fn clear(&self) {
        self.set(false);
    }

    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::Relaxed)
    }

    /// The copies, locked (a panic while they were locked left them as they were).
    fn copies(&self) -> std::sync::MutexGuard<'_, Vec<*const AtomicBool>> {
        self.copies.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, requested: bool) {
        let copies = self.copies();
        self.requested.store(requested, Ordering::Relaxed);
        for &copy in copies.iter() {
            // SAFETY: see the type's Send and Sync.
            unsafe { (*copy).store(requested, Ordering::Relaxed) };
        }
    }

    fn add(&self, copy: &AtomicBool) {
        let mut copies = self.copies();
        copy.store(self.requested.load(Ordering::Relaxed), Ordering::Relaxed);
        copies.push(copy);
    }

    fn remove(&self, copy: &AtomicBool) {
        self.copies().retain(|&c| !std::ptr::eq(c, copy));
    }
}

/// An instance's context with the arrays it points into, owned by the instance.
#[derive(Debug)]
pub struct InstanceContext {
    /// Boxed so its address, which the instance's own function references hold, is stable.
    pub vmctx: Box<VMContext>,
    memories: Box<[*const VMMemory]>,
    globals: Box<[*mut u128]>,
    tables: Box<[*const VMTable]>,
    funcs: Box<[VMFuncRef]>,
    /// The store's request, which keeps the context's copy current.
    interrupt: Arc<Interrupt>,
}

impl Drop for InstanceContext {
    fn drop(&mut self) {
        self.interrupt.remove(&self.vmctx.interrupt);
    }
}

// SAFETY: the context only points at records of objects of the same store, which belong to one
// thread at a time together with the instance (the store's single-owner rule).
unsafe impl Send for InstanceContext {}

/// What the runtime knows of an instance's index spaces when it builds the context.
pub struct ContextParts<'a> {
    pub memories: Vec<*const VMMemory>,
    pub globals: Vec<*mut u128>,
    pub tables: Vec<*const VMTable>,
    /// Each function's reference: an imported function's as its exporter made it; for the
    /// instance's own functions, `vmctx` is filled in with this context.
    pub funcs: Vec<VMFuncRef>,
    /// Which entries of `funcs` are the instance's own.
    pub own_funcs: std::ops::Range<usize>,
    pub sigs: &'a [SigId],
    pub store: *mut VMStoreContext,
    pub instance: u32,
    /// The store's interrupt request, of which the context keeps a copy.
    pub interrupt: &'a Arc<Interrupt>,
}

impl InstanceContext {
    pub fn new(parts: ContextParts<'_>) -> InstanceContext {
        let memories = parts.memories.into_boxed_slice();
        let globals = parts.globals.into_boxed_slice();
        let tables = parts.tables.into_boxed_slice();
        let mut vmctx = Box::new(VMContext {
            memory0: memories.first().copied().unwrap_or(std::ptr::null()),
            memories: memories.as_ptr(),
            globals: globals.as_ptr(),
            tables: tables.as_ptr(),
            funcs: std::ptr::null(),
            sigs: parts.sigs.as_ptr(),
            store: parts.store,
            instance: parts.instance,
            interrupt: AtomicBool::new(false),
            table0: tables.first().copied().unwrap_or(std::ptr::null()),
        });
        let mut funcs = parts.funcs.into_boxed_slice();
        let own: *mut VMContext = &mut *vmctx;
        for f in &mut funcs[parts.own_funcs] {
            f.vmctx = own;
        }
        vmctx.funcs = funcs.as_ptr();
        parts.interrupt.add(&vmctx.interrupt);
        InstanceContext { vmctx, memories, globals, tables, funcs, interrupt: parts.interrupt.clone() }
    }

    /// The context of an instance with nothing in its index spaces, which instantiation
    /// replaces once it has allocated the instance's objects.
    pub fn empty(instance: u32, store: *mut VMStoreContext, interrupt: &Arc<Interrupt>) -> InstanceContext {
        let parts = ContextParts {
            memories: Vec::new(),
            globals: Vec::new(),
            tables: Vec::new(),
            funcs: Vec::new(),
            own_funcs: 0..0,
            sigs: &[],
            store,
            instance,
            interrupt,
        };
        InstanceContext::new(parts)
    }

    /// The reference compiled code uses to call the instance's function `index`.
    pub fn func(&self, index: u32) -> VMFuncRef {
        self.funcs[index as usize]
    }

    /// The cell of global `index`.
    pub fn global(&self, index: u32) -> *mut u128 {
        self.globals[index as usize]
    }

    /// The definition of memory `index`.
    pub fn memory(&self, index: u32) -> *const VMMemory {
        self.memories[index as usize]
    }

    /// The definition of table `index`.
    pub fn table(&self, index: u32) -> *const VMTable {
        self.tables[index as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn offsets_match_the_layout() {
        let actual = Offsets {
            memory0: offset_of!(VMContext, memory0),
            memories: offset_of!(VMContext, memories),
            globals: offset_of!(VMContext, globals),
            tables: offset_of!(VMContext, tables),
            funcs: offset_of!(VMContext, funcs),
            sigs: offset_of!(VMContext, sigs),
            store: offset_of!(VMContext, store),
            instance: offset_of!(VMContext, instance),
            interrupt: offset_of!(VMContext, interrupt),
            table0: offset_of!(VMContext, table0),
            memory_base: offset_of!(VMMemory, base),
            memory_length: offset_of!(VMMemory, length),
            table_elements: offset_of!(VMTable, elements),
            table_length: offset_of!(VMTable, length),
            element_code: offset_of!(VMTableElement, code),
            element_vmctx: offset_of!(VMTableElement, vmctx),
            element_sig: offset_of!(VMTableElement, sig),
            element_raw: offset_of!(VMTableElement, raw),
            element_size: size_of::<VMTableElement>(),
            func_code: offset_of!(VMFuncRef, code),
            func_vmctx: offset_of!(VMFuncRef, vmctx),
            func_sig: offset_of!(VMFuncRef, sig),
            func_entry: offset_of!(VMFuncRef, entry),
            func_size: size_of::<VMFuncRef>(),
            store_fuel: offset_of!(VMStoreContext, fuel),
            store_stack_limit: offset_of!(VMStoreContext, stack_limit),
            store_store: offset_of!(VMStoreContext, store),
            store_depth_left: offset_of!(VMStoreContext, depth_left),
        };
        assert_eq!(actual, VMContext::OFFSETS);
    }
}

#[cfg(test)]
mod instance_tests {
    use std::sync::Arc;

    use super::*;
    use crate::runtime::{CompiledModule, Engine, Extern, Store, Val};
    use crate::types::{FuncType, ValType};

    /// The runtime keeps an instance's context current as wasm grows its memory and table and
    /// sets its global, and as the host adds fuel.
    #[test]
    fn the_context_follows_the_instance() {
        let engine = Engine::new(crate::runtime::Config { fuel: true, ..Default::default() });
        let mut store = Store::new(&engine);
        store.add_fuel(100);
        let bytes = wat::parse_str(
            r#"(module
                 (import "m" "f" (func (param i32) (result i32)))
                 (memory 1 4)
                 (table 1 10 funcref)
                 (elem (i32.const 0) func 1)
                 (global (mut i64) (i64.const 7))
                 (func (export "grow") (result i32)
                   (drop (table.grow (ref.null func) (i32.const 3)))
                   (global.set 0 (i64.const 42))
                   (memory.grow (i32.const 2))))"#,
        )
        .expect("parses");
        let module = CompiledModule::new(&engine, &bytes).expect("compiles");
        let ty = FuncType::new(&[ValType::I32], &[ValType::I32]);
        let host = store.new_host_func(
            ty.clone(),
            Arc::new(|_, a: &[Val], r: &mut [Val]| {
                r[0] = a[0];
                Ok(())
            }),
        );
        let instance = store.instantiate(&module, &[Extern::Func(host)]).expect("instantiates");
        let i = instance.index() as usize;
        let (memory, table, global) =
            (store.instances[i].memories[0], store.instances[i].tables[0], store.instances[i].globals[0]);
        let ctx = &store.instances[i].context;
        let vmctx: *const VMContext = &*ctx.vmctx;
        // SAFETY (all reads below): the pointers come from the context of a live instance of a
        // live store, whose records stay valid while the instance lives; nothing runs meanwhile.
        unsafe {
            assert_eq!((*vmctx).instance as usize, i);
            assert!(!(*vmctx).interrupt.load(Ordering::Relaxed));
            assert_eq!((*(*vmctx).memory0).length, 65536);
            assert_eq!((*(*vmctx).memory0).base, store.memories[memory as usize].base());
            assert_eq!((*ctx.table(0)).length, 1);
            assert_eq!((*vmctx).table0, ctx.table(0));
            assert_eq!(*ctx.global(0), 7);
            let host_ref = *(*vmctx).funcs;
            assert_eq!((host_ref.vmctx, host_ref.sig), (std::ptr::null_mut(), engine.intern(&ty)));
            let own = *(*vmctx).funcs.add(1);
            assert_eq!(own.vmctx as *const VMContext, vmctx);
            assert_eq!(own.sig, engine.intern(&FuncType::new(&[], &[ValType::I32])));
            assert_eq!(*(*vmctx).sigs, engine.intern(&ty));
            // The segment's element says how to call the function as its reference does.
            let element = *(*ctx.table(0)).elements;
            assert_eq!((element.code, element.vmctx, element.sig), (own.code, own.vmctx, own.sig));
            assert_eq!(element.raw, store.instances[i].funcs[1] + 1);
            assert_eq!((*(*vmctx).store).fuel, 100);
        }
        let Some(Extern::Func(grow)) = store.instance_export(instance, "grow") else { panic!("no export") };
        assert_eq!(store.call(grow, &[]).expect("runs"), [Val::I32(1)]);
        store.add_fuel(1000);
        let ctx = &store.instances[i].context;
        // SAFETY: as above.
        unsafe {
            assert_eq!((*ctx.memory(0)).length, 3 * 65536);
            let t = &store.tables[table as usize];
            assert_eq!(
                ((*ctx.table(0)).length, (*ctx.table(0)).elements),
                (4, t.elements.as_ptr() as *mut VMTableElement)
            );
            assert_eq!(*(*ctx.table(0)).elements.add(3), VMTableElement::NULL);
            assert_eq!(*ctx.global(0), 42);
            assert_eq!(ctx.global(0), &store.globals[global as usize].value as *const u128 as *mut u128);
            let store_ctx = ctx.vmctx.store;
            assert_eq!((*store_ctx).fuel, store.fuel());
            assert!((*store_ctx).stack_limit != 0, "a call sets the native stack limit");
        }
    }

    /// An interrupt request reaches the copy in every instance's context, also of instances
    /// made after it, and clearing it clears them all.
    #[test]
    fn every_context_follows_the_interrupt_request() {
        let engine = Engine::default();
        let mut store = Store::new(&engine);
        let module = CompiledModule::new(&engine, &wat::parse_str("(module)").expect("parses")).expect("compiles");
        let copy = |store: &Store, i: crate::runtime::Instance| {
            store.instances[i.index() as usize].context.vmctx.interrupt.load(Ordering::Relaxed)
        };
        let first = store.instantiate(&module, &[]).expect("instantiates");
        assert!(!copy(&store, first));
        store.interrupt_handle().interrupt();
        assert!(store.interrupt.is_requested() && copy(&store, first));
        let second = store.instantiate(&module, &[]).expect("instantiates");
        assert!(copy(&store, second), "a new context starts with the pending request");
        store.interrupt.clear();
        assert!(!copy(&store, first) && !copy(&store, second) && !store.interrupt.is_requested());
        assert_eq!(store.interrupt.copies().len(), 2, "one copy per live context");
    }
}
