//! The store: owns every runtime object (functions, tables, memories, globals, instances,
//! extern references) and the execution state (value stack, fuel, interruption). Handles are
//! indices tagged with their store's id, so using a handle with another store is detected.

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::arena::Arena;
use super::code::EnterFn;
use super::engine::Engine;
use super::memory::Memory as MemoryEntity;
use super::module::CompiledModule;
use super::sys::signals::Thread;
use super::table::Table as TableEntity;
use super::trap::Trap;
use super::value::{Val, ValBuf};
use super::vmctx::{InstanceContext, Interrupt, VMFuncRef, VMStoreContext, VMTableElement};
use crate::types::{FuncType, GlobalType};

/// Identifies a store.
pub type StoreId = u64;

macro_rules! handle {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $name {
            pub(crate) store: StoreId,
            pub(crate) index: u32,
        }

        impl $name {
            /// The store-wide index of the object.
            pub fn index(&self) -> u32 {
                self.index
            }

            pub fn store_id(&self) -> StoreId {
                self.store
            }
        }
    )*};
}

handle! {
    /// A function (wasm or host) in a store.
    Func;
    Table;
    Memory;
    Global;
    Instance;
    /// A host value passed to wasm as `externref`.
    ExternRef;
}

/// A store object, named by kind and store-wide index: what `Store::collect` takes as roots
/// and reports as freed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Object {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
    Instance(u32),
    ExternRef(u32),
}

/// What `Store::collect` freed: the objects, and the host values of the freed extern
/// references (handed back so the caller decides where they are dropped).
#[derive(Default)]
pub struct Collected {
    pub objects: Vec<Object>,
    pub extern_values: Vec<Box<dyn Any + Send>>,
}

/// Any importable or exportable object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Extern {
    Func(Func),
    Table(Table),
    Memory(Memory),
    Global(Global),
}

/// What a host function sees: the store (re-entrant calls, memory access) and the instance
/// that called it, if a wasm function did.
pub struct Caller<'a> {
    pub store: &'a mut Store,
    pub instance: Option<Instance>,
}

/// A host function: reads its arguments, writes its results, or traps.
pub type HostFunc = Arc<HostFn>;

/// A host function's callback.
pub type HostFn = dyn Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync;

/// A host function's callback on raw values (`Store::call_raw`): `values` holds the raw
/// arguments in and takes the raw results, which must be of the function's result types and
/// refer only to this store's objects (the store trusts them).
pub(crate) type RawHostFn = dyn Fn(&mut Caller<'_>, &mut [u128]) -> Result<(), Trap> + Send + Sync;

/// A store function. Its engine-wide signature id is in its `VMFuncRef` (`Store::func_ref`).
pub(crate) enum FuncEntity {
    /// `ty` is the module's record of the function's type (`ty()` reads it in one step).
    Wasm {
        instance: u32,
        module: Arc<CompiledModule>,
        defined_index: u32,
        ty: Arc<FuncType>,
    },
    Host {
        ty: Arc<FuncType>,
        callback: Arc<RawHostFn>,
    },
}

impl FuncEntity {
    /// A host function's callback, which stays where it is while any call runs in the store
    /// (`Store::depth` > 0): the store frees functions only when it collects, and it collects
    /// only when no call runs. So a tier that runs a call may use it without holding a count.
    pub(crate) fn host_callback(&self) -> Option<*const RawHostFn> {
        match self {
            FuncEntity::Host { callback, .. } => Some(Arc::as_ptr(callback)),
            FuncEntity::Wasm { .. } => None,
        }
    }

    pub(crate) fn ty(&self) -> &Arc<FuncType> {
        match self {
            FuncEntity::Wasm { ty, .. } | FuncEntity::Host { ty, .. } => ty,
        }
    }
}

pub(crate) struct GlobalEntity {
    pub ty: GlobalType,
    pub value: u128,
}

pub(crate) struct InstanceEntity {
    pub module: Arc<CompiledModule>,
    /// Store indices of the instance's index spaces.
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    /// Element segments' items as table elements; emptied by elem.drop.
    pub elements: Vec<Box<[VMTableElement]>>,
    /// Whether each data segment was dropped.
    pub data_dropped: Vec<bool>,
    pub exports: Vec<(String, Extern)>,
    /// What compiled code of the instance reads (see `vmctx`).
    pub context: InstanceContext,
}

/// Limits a store puts on what it creates.
#[derive(Clone, Copy, Debug)]
pub struct StoreLimits {
    pub memory_pages: u64,
    pub table_elements: u64,
    pub instances: u32,
    pub tables: u32,
    pub memories: u32,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            memory_pages: super::memory::MAX_PAGES,
            table_elements: 10_000_000,
            instances: 10_000,
            tables: 10_000,
            memories: 10_000,
        }
    }
}

pub struct Store {
    pub(crate) id: StoreId,
    pub(crate) engine: Engine,
    pub(crate) funcs: Arena<FuncEntity>,
    pub(crate) tables: Arena<TableEntity>,
    pub(crate) memories: Arena<MemoryEntity>,
    /// Boxed: compiled code holds the address of each global's value (see `vmctx`).
    pub(crate) globals: Arena<Box<GlobalEntity>>,
    pub(crate) instances: Arena<InstanceEntity>,
    pub(crate) externs: Arena<Box<dyn Any + Send>>,
    pub(crate) limits: StoreLimits,
    /// Remaining fuel (when the engine counts it), the native stack limit and more, where
    /// compiled code reads them (see `VMStoreContext`).
    pub(crate) context: Box<VMStoreContext>,
    /// How compiled code calls each function, by store index (also how a table element holding
    /// it does, see `table_element`).
    func_refs: Vec<VMFuncRef>,
    pub(crate) interrupt: Arc<Interrupt>,
    /// What the engine's tier keeps per store across nested (re-entrant) calls (the
    /// interpreter: its value stack).
    pub(crate) tier_state: Option<Box<dyn Any + Send>>,
    /// Wasm and host frames currently active, across re-entrant calls.
    pub(crate) depth: u32,
    /// The engine's `max_call_depth`, which every call reads: here, one load away.
    pub(crate) max_call_depth: u32,
    /// The engine's tier's way into its machine code (`Backend::entry`), which every call of
    /// a compiled function takes: here, one load away.
    pub(crate) enter: Option<EnterFn>,
    /// The state of the thread running a call in the store (set as the outermost call begins).
    pub(crate) thread: *const Thread,
    /// A trap raised inside a runtime call made by compiled code (a call of an imported
    /// function), on its way to the entry into compiled code, which reports it.
    pub(crate) pending_trap: Option<Trap>,
}

/// Lets another thread interrupt a store's running code.
#[derive(Clone, Debug)]
pub struct InterruptHandle {
    interrupt: Arc<Interrupt>,
}

impl InterruptHandle {
    /// Requests that running code trap with `Interrupted` at its next loop iteration or call.
    pub fn interrupt(&self) {
        self.interrupt.request();
    }
}

impl Store {
    pub fn new(engine: &Engine) -> Store {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let interrupt = Arc::new(Interrupt::default());
        Store {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            engine: engine.clone(),
            funcs: Arena::new(),
            tables: Arena::new(),
            memories: Arena::new(),
            globals: Arena::new(),
            instances: Arena::new(),
            externs: Arena::new(),
            limits: StoreLimits::default(),
            context: Box::new(VMStoreContext { fuel: 0, stack_limit: 0, store: std::ptr::null_mut(), depth_left: 0 }),
            func_refs: Vec::new(),
            interrupt,
            tier_state: None,
            pending_trap: None,
            depth: 0,
            max_call_depth: engine.config().max_call_depth,
            enter: engine.backend().entry(),
            thread: std::ptr::null(),
        }
    }

    pub fn id(&self) -> StoreId {
        self.id
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn set_limits(&mut self, limits: StoreLimits) {
        self.limits = limits;
    }

    /// Adds fuel (only counted if the engine's configuration enables fuel).
    pub fn add_fuel(&mut self, fuel: u64) {
        self.context.fuel = self.context.fuel.saturating_add(fuel);
    }

    pub fn fuel(&self) -> u64 {
        self.context.fuel
    }

    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle { interrupt: self.interrupt.clone() }
    }

    pub(crate) fn owns(&self, store: StoreId) -> bool {
        store == self.id
    }

    /// Creates a host function. The store checks the types of the results it writes.
    pub fn new_host_func(&mut self, ty: FuncType, callback: HostFunc) -> Func {
        let types = Arc::new(ty.clone());
        self.new_host_func_raw(
            ty,
            Arc::new(move |caller, values| {
                let (mut args, mut results) = (ValBuf::new(Val::I32(0)), ValBuf::new(Val::I32(0)));
                let args = args.slice(types.params().len());
                for ((a, &t), &raw) in args.iter_mut().zip(types.params()).zip(values.iter()) {
                    *a = Val::from_raw(caller.store.id, t, raw);
                }
                let results = results.defaults(types.results());
                callback(caller, args, results)?;
                if results.iter().zip(types.results()).any(|(r, &t)| r.ty() != t || !caller.store.val_belongs(r)) {
                    return Err(Trap::host("host function returned a value of the wrong type"));
                }
                for (raw, r) in values.iter_mut().zip(results.iter()) {
                    *raw = r.to_raw();
                }
                Ok(())
            }),
        )
    }

    /// Creates a host function whose callback takes raw values (see `RawHostFn`).
    pub(crate) fn new_host_func_raw(&mut self, ty: FuncType, callback: Arc<RawHostFn>) -> Func {
        let sig = self.engine.intern(&ty);
        let index = self.funcs.insert(FuncEntity::Host { ty: Arc::new(ty), callback });
        self.set_func_ref(index, VMFuncRef { sig, ..VMFuncRef::NONE });
        Func { store: self.id, index }
    }

    /// Sets how compiled code calls store function `index`; the reference's `index` becomes
    /// `index`. A function's reference is set once it can be called, before any table holds it.
    pub(crate) fn set_func_ref(&mut self, index: u32, r: VMFuncRef) {
        let i = index as usize;
        if i >= self.func_refs.len() {
            self.func_refs.resize(i + 1, VMFuncRef::NONE);
        }
        self.func_refs[i] = VMFuncRef { index, ..r };
    }

    /// The table element holding raw reference `raw` of type `t` (a reference type).
    pub(crate) fn table_element(&self, t: ValType, raw: u64) -> VMTableElement {
        match (t, raw) {
            (_, 0) => VMTableElement::NULL,
            (ValType::FuncRef, raw) => VMTableElement::func(&self.func_refs[raw as usize - 1]),
            (_, raw) => VMTableElement::extern_ref(raw),
        }
    }

    /// How compiled code calls store function `index`.
    pub(crate) fn func_ref(&self, index: u32) -> VMFuncRef {
        self.func_refs[index as usize]
    }

    /// Runs store function `index` through its entry if it has one (compiled code of the
    /// engine's tier), with `values` as in `call_raw`, allowing `depth_left` more wasm frames:
    /// None if it has none, else 0 or `TrapCode as u32 + 1` after a trap.
    #[inline]
    pub(crate) fn enter(&self, index: u32, values: &mut [u128], depth_left: u32) -> Option<u32> {
        let r = &self.func_refs[index as usize];
        match self.enter {
            Some(enter) if !r.entry.is_null() => Some(r.run(enter, self.thread, values, depth_left)),
            _ => None,
        }
    }

    /// Wraps a host value as an extern reference.
    pub fn new_extern_ref(&mut self, value: Box<dyn Any + Send>) -> ExternRef {
        let index = self.externs.insert(value);
        ExternRef { store: self.id, index }
    }

    pub fn extern_ref_data(&self, r: ExternRef) -> Option<&(dyn Any + Send)> {
        if !self.owns(r.store) {
            return None;
        }
        self.externs.get(r.index as usize).map(|b| &**b)
    }

    /// The instance a wasm function (by store index) belongs to; None for host functions.
    pub fn func_instance(&self, f: u32) -> Option<u32> {
        match self.funcs.get(f as usize)? {
            FuncEntity::Wasm { instance, .. } => Some(*instance),
            FuncEntity::Host { .. } => None,
        }
    }

    pub fn func_type(&self, f: Func) -> Option<&FuncType> {
        self.func_type_shared(f).map(|t| &**t)
    }

    /// The function's type record, which the function keeps while it lives.
    pub fn func_type_shared(&self, f: Func) -> Option<&Arc<FuncType>> {
        self.owns(f.store).then(|| self.funcs[f.index as usize].ty())
    }

    pub fn new_global(&mut self, ty: GlobalType, value: Val) -> Option<Global> {
        if value.ty() != ty.content || !self.val_belongs(&value) {
            return None;
        }
        let index = self.globals.insert(Box::new(GlobalEntity { ty, value: value.to_raw() }));
        Some(Global { store: self.id, index })
    }

    pub fn global_type(&self, g: Global) -> Option<GlobalType> {
        self.owns(g.store).then(|| self.globals[g.index as usize].ty)
    }

    pub fn global_get(&self, g: Global) -> Option<Val> {
        let e = self.owns(g.store).then(|| &self.globals[g.index as usize])?;
        Some(Val::from_raw(self.id, e.ty.content, e.value))
    }

    /// Sets a mutable global; false if immutable, of another type, or from another store.
    pub fn global_set(&mut self, g: Global, value: Val) -> bool {
        if !self.owns(g.store) || !self.val_belongs(&value) {
            return false;
        }
        let e = &mut self.globals[g.index as usize];
        if !e.ty.mutable || e.ty.content != value.ty() {
            return false;
        }
        e.value = value.to_raw();
        true
    }

    pub fn new_table(&mut self, ty: crate::types::TableType, init: Val) -> Option<Table> {
        if init.ty() != ValType::from(ty.element)
            || !self.val_belongs(&init)
            || self.tables.len() as u32 >= self.limits.tables
        {
            return None;
        }
        let init = self.table_element(ty.element.into(), init.to_raw() as u64);
        let t = super::table::Table::new(ty, init, self.limits.table_elements)?;
        let index = self.tables.insert(t);
        Some(Table { store: self.id, index })
    }

    pub fn table(&self, t: Table) -> Option<&super::table::Table> {
        self.owns(t.store).then(|| &self.tables[t.index as usize])
    }

    pub fn table_get(&self, t: Table, index: u32) -> Option<Val> {
        let table = self.table(t)?;
        let raw = table.get(index).ok()?;
        Some(Val::from_raw(self.id, table.ty.element.into(), raw as u128))
    }

    pub fn table_set(&mut self, t: Table, index: u32, value: Val) -> bool {
        if !self.owns(t.store) || !self.val_belongs(&value) {
            return false;
        }
        let element = self.table_element(value.ty(), value.to_raw() as u64);
        let table = &mut self.tables[t.index as usize];
        value.ty() == ValType::from(table.ty.element) && table.set(index, element).is_ok()
    }

    /// Grows a table; returns the old size, or `None` past its maximum.
    pub fn table_grow(&mut self, t: Table, delta: u32, init: Val) -> Option<u32> {
        if !self.owns(t.store) || !self.val_belongs(&init) {
            return None;
        }
        let element = self.table_element(init.ty(), init.to_raw() as u64);
        let table = &mut self.tables[t.index as usize];
        if init.ty() != ValType::from(table.ty.element) {
            return None;
        }
        table.grow(delta as u64, element)
    }

    pub fn new_memory(&mut self, ty: crate::types::MemoryType) -> Option<Memory> {
        if self.memories.len() as u32 >= self.limits.memories {
            return None;
        }
        let m = super::memory::Memory::new(ty, self.limits.memory_pages, self.engine.config().bounds_checks)?;
        let index = self.memories.insert(m);
        Some(Memory { store: self.id, index })
    }

    pub fn memory(&self, m: Memory) -> Option<&super::memory::Memory> {
        self.owns(m.store).then(|| &self.memories[m.index as usize])
    }

    pub fn memory_mut(&mut self, m: Memory) -> Option<&mut super::memory::Memory> {
        self.owns(m.store).then(|| &mut self.memories[m.index as usize])
    }

    /// The exports of an instance, in the module's order.
    pub fn instance_exports(&self, i: Instance) -> Option<&[(String, Extern)]> {
        self.owns(i.store).then(|| self.instances[i.index as usize].exports.as_slice())
    }

    pub fn instance_export(&self, i: Instance, name: &str) -> Option<Extern> {
        self.instance_exports(i)?.iter().find(|(n, _)| n == name).map(|(_, e)| *e)
    }

    /// Whether a value's references (if any) belong to this store.
    pub(crate) fn val_belongs(&self, v: &Val) -> bool {
        match v {
            Val::FuncRef(Some(f)) => self.owns(f.store),
            Val::ExternRef(Some(e)) => self.owns(e.store),
            _ => true,
        }
    }
}

/// Mark bits of one collection, one vector per arena.
struct Marks {
    funcs: Vec<bool>,
    tables: Vec<bool>,
    memories: Vec<bool>,
    globals: Vec<bool>,
    instances: Vec<bool>,
    externs: Vec<bool>,
}

impl Store {
    /// Frees every object that cannot be reached from `roots` and returns what it freed.
    ///
    /// Reachability follows what running code could use: a wasm function keeps its instance;
    /// an instance keeps every function, table, memory and global of its index spaces (its own
    /// and its imports) and the references in its element segments; tables and globals keep the
    /// references they hold; an extern reference keeps what `extern_edge` says its host value
    /// refers to. Only the store's owner knows the roots (the objects it holds handles to), so
    /// collection happens only when it asks, and never while code runs in the store (then this
    /// frees nothing). Indices of freed objects are reused by later objects.
    pub fn collect(
        &mut self,
        roots: impl IntoIterator<Item = Object>,
        extern_edge: &dyn Fn(&(dyn Any + Send)) -> Option<Object>,
    ) -> Collected {
        if self.depth > 0 {
            return Collected::default();
        }
        let marks = self.mark(roots, extern_edge);
        let mut freed = Collected::default();
        sweep(&mut self.funcs, &marks.funcs, Object::Func, &mut freed.objects);
        // Only functions are freed so far.
        for &o in &freed.objects {
            if let Object::Func(i) = o {
                self.set_func_ref(i, VMFuncRef::NONE);
            }
        }
        sweep(&mut self.tables, &marks.tables, Object::Table, &mut freed.objects);
        sweep(&mut self.memories, &marks.memories, Object::Memory, &mut freed.objects);
        sweep(&mut self.globals, &marks.globals, Object::Global, &mut freed.objects);
        sweep(&mut self.instances, &marks.instances, Object::Instance, &mut freed.objects);
        let externs: Vec<u32> =
            self.externs.iter().filter(|&(i, _)| !marks.externs[i as usize]).map(|(i, _)| i).collect();
        for i in externs {
            freed.extern_values.extend(self.externs.remove(i));
            freed.objects.push(Object::ExternRef(i));
        }
        freed
    }

    fn mark(
        &self,
        roots: impl IntoIterator<Item = Object>,
        extern_edge: &dyn Fn(&(dyn Any + Send)) -> Option<Object>,
    ) -> Marks {
        let mut marks = Marks {
            funcs: vec![false; self.funcs.capacity()],
            tables: vec![false; self.tables.capacity()],
            memories: vec![false; self.memories.capacity()],
            globals: vec![false; self.globals.capacity()],
            instances: vec![false; self.instances.capacity()],
            externs: vec![false; self.externs.capacity()],
        };
        let mut work: Vec<Object> = Vec::new();
        // Marks an object and queues it for scanning, unless it is marked already or not live.
        let visit = |marks: &mut Marks, work: &mut Vec<Object>, o: Object| {
            let (bits, live) = match o {
                Object::Func(i) => (&mut marks.funcs, self.funcs.get(i as usize).is_some()),
                Object::Table(i) => (&mut marks.tables, self.tables.get(i as usize).is_some()),
                Object::Memory(i) => (&mut marks.memories, self.memories.get(i as usize).is_some()),
                Object::Global(i) => (&mut marks.globals, self.globals.get(i as usize).is_some()),
                Object::Instance(i) => (&mut marks.instances, self.instances.get(i as usize).is_some()),
                Object::ExternRef(i) => (&mut marks.externs, self.externs.get(i as usize).is_some()),
            };
            let (Object::Func(i)
            | Object::Table(i)
            | Object::Memory(i)
            | Object::Global(i)
            | Object::Instance(i)
            | Object::ExternRef(i)) = o;
            if live && !bits[i as usize] {
                bits[i as usize] = true;
                work.push(o);
            }
        };
        for o in roots {
            visit(&mut marks, &mut work, o);
        }
        while let Some(o) = work.pop() {
            match o {
                Object::Func(i) => {
                    if let FuncEntity::Wasm { instance, .. } = &self.funcs[i as usize] {
                        visit(&mut marks, &mut work, Object::Instance(*instance));
                    }
                }
                Object::Table(i) => {
                    let t = &self.tables[i as usize];
                    for e in &t.elements {
                        if let Some(o) = reference(t.ty.element.into(), e.raw as u64) {
                            visit(&mut marks, &mut work, o);
                        }
                    }
                }
                Object::Global(i) => {
                    let g = &self.globals[i as usize];
                    if let Some(o) = reference(g.ty.content, g.value as u64) {
                        visit(&mut marks, &mut work, o);
                    }
                }
                Object::Memory(_) => {}
                Object::Instance(i) => {
                    let e = &self.instances[i as usize];
                    let spaces = [
                        (&e.funcs, Object::Func as fn(u32) -> Object),
                        (&e.tables, Object::Table),
                        (&e.memories, Object::Memory),
                        (&e.globals, Object::Global),
                    ];
                    for (indices, kind) in spaces {
                        for &x in indices {
                            visit(&mut marks, &mut work, kind(x));
                        }
                    }
                    for (segment, items) in e.module.module.raw.elements.iter().zip(&e.elements) {
                        for item in items.iter() {
                            if let Some(o) = reference(segment.ty.into(), item.raw as u64) {
                                visit(&mut marks, &mut work, o);
                            }
                        }
                    }
                }
                Object::ExternRef(i) => {
                    if let Some(o) = extern_edge(&*self.externs[i as usize]) {
                        visit(&mut marks, &mut work, o);
                    }
                }
            }
        }
        marks
    }
}

/// The object a raw reference of type `t` denotes (None for numbers and null).
fn reference(t: ValType, raw: u64) -> Option<Object> {
    let index = (raw as u32).checked_sub(1)?;
    match t {
        ValType::FuncRef => Some(Object::Func(index)),
        ValType::ExternRef => Some(Object::ExternRef(index)),
        _ => None,
    }
}

/// Removes the unmarked objects of one arena, noting each as freed.
fn sweep<T>(arena: &mut Arena<T>, marks: &[bool], kind: fn(u32) -> Object, freed: &mut Vec<Object>) {
    let dead: Vec<u32> = arena.iter().filter(|&(i, _)| !marks[i as usize]).map(|(i, _)| i).collect();
    for i in dead {
        arena.remove(i);
        freed.push(kind(i));
    }
}

use crate::types::ValType;
