//! The engine contract the spec harness runs every tier through. Each tier implements
//! `Engine`; directives that need execution go through `Engine::executor`, and a tier that
//! cannot execute returns `None` there, which the harness counts as "not run", not passed.
//! Also: `Tiered`, which runs the runtime with a given execution tier (every tier the build has:
//! `tiers()`), with the standard `spectest` host module.

use std::collections::HashMap;
use std::sync::Arc;

use wasmrt::runtime::{self, CompiledModule, Extern, InstantiationError, Store, Trap, TrapCode, Val};
use wasmrt::types::{FuncType, GlobalType, Limits, MemoryType, RefType, TableType, ValType};
use wasmrt::{Features, Module};

/// A value crossing the harness boundary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    /// `None` is the null reference.
    FuncRef(Option<u32>),
    ExternRef(Option<u32>),
}

/// Why a call or instantiation did not complete. Messages are shown in failure reports.
#[derive(Debug)]
pub enum Failure {
    /// A trap, with its message.
    Trap(String),
    /// Imports could not be resolved (assert_unlinkable).
    Link(#[allow(dead_code)] String),
    /// The call stack was exhausted (assert_exhaustion).
    Exhaustion(String),
}

pub type ModuleId = usize;
pub type InstanceId = usize;

pub trait Executor {
    /// Instantiates a compiled module, resolving imports against registered instances and
    /// the `spectest` host module.
    fn instantiate(&mut self, module: ModuleId) -> Result<InstanceId, Failure>;
    /// Makes an instance's exports importable under `name`.
    fn register(&mut self, name: &str, instance: InstanceId);
    fn invoke(&mut self, instance: InstanceId, export: &str, args: &[Value]) -> Result<Vec<Value>, Failure>;
    fn get(&mut self, instance: InstanceId, export: &str) -> Result<Value, Failure>;
}

pub trait Engine {
    /// The tier's name in summary lines.
    fn name(&self) -> &'static str;
    /// Starts a new script: a fresh store with these features.
    fn reset(&mut self, features: &Features);
    /// Decodes, validates and compiles.
    fn compile(&mut self, bytes: &[u8]) -> Result<ModuleId, wasmrt::Error>;
    /// Execution, when the tier has it.
    fn executor(&mut self) -> Option<&mut dyn Executor>;
    /// What to add to the summary of the suite just run (and forget it).
    fn take_notes(&mut self) -> Option<String> {
        None
    }
}

/// Decode and validation only: the stages every tier shares.
#[derive(Default)]
pub struct ValidateOnly {
    features: Features,
    modules: Vec<Arc<Module>>,
}

impl Engine for ValidateOnly {
    fn name(&self) -> &'static str {
        "validate"
    }

    fn reset(&mut self, features: &Features) {
        self.features = *features;
        self.modules.clear();
    }

    fn compile(&mut self, bytes: &[u8]) -> Result<ModuleId, wasmrt::Error> {
        self.modules.push(Arc::new(Module::new(bytes, &self.features)?));
        Ok(self.modules.len() - 1)
    }

    fn executor(&mut self) -> Option<&mut dyn Executor> {
        None
    }
}

/// The execution tiers this build has, with guard regions, and the compiled tier again with
/// explicit bounds checks (the spec suite runs on each).
pub fn tiers() -> Vec<(runtime::Tier, runtime::BoundsChecks)> {
    use runtime::BoundsChecks::{Explicit, GuardRegions};
    let mut tiers = vec![(runtime::Tier::Interpreter, GuardRegions)];
    if cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        tiers.push((runtime::Tier::Jit, GuardRegions));
        tiers.push((runtime::Tier::Jit, Explicit));
    }
    tiers
}

/// On the compiled tier: how many modules compiled, why the others did not, and how many
/// calls ran compiled.
#[derive(Default)]
struct JitNotes {
    compiled: usize,
    not_compiled: std::collections::BTreeMap<String, usize>,
    compiled_calls: usize,
    interpreted_calls: usize,
}

/// The runtime with one execution tier.
pub struct Tiered {
    tier: runtime::Tier,
    bounds_checks: runtime::BoundsChecks,
    notes: JitNotes,
    /// The module of each instance.
    instance_modules: Vec<ModuleId>,
    engine: runtime::Engine,
    store: Store,
    modules: Vec<Arc<CompiledModule>>,
    instances: Vec<runtime::Instance>,
    registered: HashMap<String, runtime::Instance>,
    spectest: Vec<(String, Extern)>,
    /// Host values of `ref.extern N`, by N.
    extern_refs: HashMap<u32, runtime::ExternRef>,
}

impl Tiered {
    pub fn new((tier, bounds_checks): (runtime::Tier, runtime::BoundsChecks)) -> Tiered {
        let engine = runtime::Engine::default();
        let store = Store::new(&engine);
        let mut i = Tiered {
            tier,
            bounds_checks,
            notes: JitNotes::default(),
            instance_modules: Vec::new(),
            engine,
            store,
            modules: Vec::new(),
            instances: Vec::new(),
            registered: HashMap::new(),
            spectest: Vec::new(),
            extern_refs: HashMap::new(),
        };
        i.reset(&Features::wasm2());
        i
    }

    fn spectest(store: &mut Store) -> Vec<(String, Extern)> {
        use ValType::*;
        let mut v = Vec::new();
        let print = |params: &[ValType]| FuncType::new(params, &[]);
        for (name, params) in [
            ("print", vec![]),
            ("print_i32", vec![I32]),
            ("print_i64", vec![I64]),
            ("print_f32", vec![F32]),
            ("print_f64", vec![F64]),
            ("print_i32_f32", vec![I32, F32]),
            ("print_f64_f64", vec![F64, F64]),
        ] {
            let f = store.new_host_func(print(&params), Arc::new(|_, _, _| Ok(())));
            v.push((name.to_string(), Extern::Func(f)));
        }
        let globals = [
            ("global_i32", I32, Val::I32(666)),
            ("global_i64", I64, Val::I64(666)),
            ("global_f32", F32, Val::F32(666.6f32.to_bits())),
            ("global_f64", F64, Val::F64(666.6f64.to_bits())),
        ];
        for (name, t, value) in globals {
            let g = store.new_global(GlobalType { content: t, mutable: false }, value).expect("spectest global");
            v.push((name.to_string(), Extern::Global(g)));
        }
        let table = TableType { element: RefType::FuncRef, limits: Limits { min: 10, max: Some(20) } };
        let t = store.new_table(table, Val::FuncRef(None)).expect("spectest table");
        v.push(("table".to_string(), Extern::Table(t)));
        let memory = MemoryType { limits: Limits { min: 1, max: Some(2) }, shared: false, memory64: false };
        let m = store.new_memory(memory).expect("spectest memory");
        v.push(("memory".to_string(), Extern::Memory(m)));
        v
    }

    fn host_val(&mut self, v: &Value) -> Val {
        match *v {
            Value::I32(x) => Val::I32(x),
            Value::I64(x) => Val::I64(x),
            Value::F32(x) => Val::F32(x),
            Value::F64(x) => Val::F64(x),
            Value::V128(x) => Val::V128(x),
            Value::FuncRef(_) => Val::FuncRef(None),
            Value::ExternRef(None) => Val::ExternRef(None),
            Value::ExternRef(Some(n)) => {
                let store = &mut self.store;
                let r = *self.extern_refs.entry(n).or_insert_with(|| store.new_extern_ref(Box::new(n)));
                Val::ExternRef(Some(r))
            }
        }
    }

    fn harness_value(&self, v: &Val) -> Value {
        match *v {
            Val::I32(x) => Value::I32(x),
            Val::I64(x) => Value::I64(x),
            Val::F32(x) => Value::F32(x),
            Val::F64(x) => Value::F64(x),
            Val::V128(x) => Value::V128(x),
            Val::FuncRef(f) => Value::FuncRef(f.map(|f| f.index())),
            Val::ExternRef(None) => Value::ExternRef(None),
            Val::ExternRef(Some(r)) => {
                let n = self.store.extern_ref_data(r).and_then(|d| d.downcast_ref::<u32>()).copied();
                Value::ExternRef(Some(n.unwrap_or(u32::MAX)))
            }
        }
    }
}

fn trap_failure(t: Trap) -> Failure {
    let t = t.into_data();
    if t.code == TrapCode::CallStackExhausted {
        Failure::Exhaustion(t.message)
    } else {
        Failure::Trap(t.message)
    }
}

impl Engine for Tiered {
    fn name(&self) -> &'static str {
        match (self.tier, self.bounds_checks) {
            (runtime::Tier::Interpreter, _) => "interp",
            (runtime::Tier::Jit, runtime::BoundsChecks::GuardRegions) => "jit",
            (runtime::Tier::Jit, runtime::BoundsChecks::Explicit) => "jit-explicit",
        }
    }

    fn reset(&mut self, features: &Features) {
        let config = runtime::Config {
            features: *features,
            tier: self.tier,
            bounds_checks: self.bounds_checks,
            ..runtime::Config::default()
        };
        self.engine = runtime::Engine::new(config);
        self.store = Store::new(&self.engine);
        self.modules.clear();
        self.instances.clear();
        self.instance_modules.clear();
        self.registered.clear();
        self.extern_refs.clear();
        self.spectest = Tiered::spectest(&mut self.store);
    }

    fn compile(&mut self, bytes: &[u8]) -> Result<ModuleId, wasmrt::Error> {
        let module = CompiledModule::new(&self.engine, bytes).inspect_err(|e| {
            // The tier validates function bodies as it compiles them: the error (message and
            // offset) must be validation's own.
            let validation = Module::new(bytes, &self.engine.config().features).err();
            assert_eq!(Some(e.to_string()), validation.map(|v| v.to_string()), "compiling on {:?}", self.tier);
        })?;
        if self.tier == runtime::Tier::Jit {
            match wasmrt::jit::compiled(&module) {
                Ok(()) => self.notes.compiled += 1,
                Err(why) => *self.notes.not_compiled.entry(why).or_insert(0) += 1,
            }
        }
        self.modules.push(module);
        Ok(self.modules.len() - 1)
    }

    fn executor(&mut self) -> Option<&mut dyn Executor> {
        Some(self)
    }

    fn take_notes(&mut self) -> Option<String> {
        if self.tier != runtime::Tier::Jit {
            return None;
        }
        let n = std::mem::take(&mut self.notes);
        let total: usize = n.compiled + n.not_compiled.values().sum::<usize>();
        let mut reasons: Vec<(usize, String)> = n.not_compiled.into_iter().map(|(why, k)| (k, why)).collect();
        reasons.sort_by(|a, b| b.cmp(a));
        let reasons: Vec<String> = reasons.iter().take(8).map(|(k, why)| format!("{why} ({k})")).collect();
        Some(format!(
            "  jit: {} of {total} modules compiled; {} calls ran compiled, {} interpreted; not compiled: {}",
            n.compiled,
            n.compiled_calls,
            n.interpreted_calls,
            reasons.join(", ")
        ))
    }
}

impl Executor for Tiered {
    fn instantiate(&mut self, module: ModuleId) -> Result<InstanceId, Failure> {
        let module_id = module;
        let module = self.modules[module].clone();
        let mut imports = Vec::new();
        for import in &module.module.raw.imports {
            let found = if import.module == "spectest" {
                self.spectest.iter().find(|(n, _)| *n == import.name).map(|(_, e)| *e)
            } else {
                self.registered.get(&import.module).and_then(|&i| self.store.instance_export(i, &import.name))
            };
            match found {
                Some(e) => imports.push(e),
                None => return Err(Failure::Link(format!("unknown import \"{}\" \"{}\"", import.module, import.name))),
            }
        }
        let id = module_id;
        match self.store.instantiate(&module, &imports) {
            Ok(i) => {
                self.instances.push(i);
                self.instance_modules.push(id);
                Ok(self.instances.len() - 1)
            }
            Err(InstantiationError::Link(m)) => Err(Failure::Link(m)),
            Err(InstantiationError::Trap(t)) => Err(trap_failure(t)),
            Err(InstantiationError::Resource(m)) => Err(Failure::Trap(m)),
        }
    }

    fn register(&mut self, name: &str, instance: InstanceId) {
        self.registered.insert(name.to_string(), self.instances[instance]);
    }

    fn invoke(&mut self, instance: InstanceId, export: &str, args: &[Value]) -> Result<Vec<Value>, Failure> {
        if self.tier == runtime::Tier::Jit {
            let compiled = wasmrt::jit::compiled(&self.modules[self.instance_modules[instance]]).is_ok();
            *(if compiled { &mut self.notes.compiled_calls } else { &mut self.notes.interpreted_calls }) += 1;
        }
        let Some(Extern::Func(f)) = self.store.instance_export(self.instances[instance], export) else {
            return Err(Failure::Link(format!("no exported function \"{export}\"")));
        };
        let args: Vec<Val> = args.iter().map(|a| self.host_val(a)).collect();
        let results = self.store.call(f, &args).map_err(trap_failure)?;
        Ok(results.iter().map(|v| self.harness_value(v)).collect())
    }

    fn get(&mut self, instance: InstanceId, export: &str) -> Result<Value, Failure> {
        let Some(Extern::Global(g)) = self.store.instance_export(self.instances[instance], export) else {
            return Err(Failure::Link(format!("no exported global \"{export}\"")));
        };
        let v = self.store.global_get(g).expect("global of this store");
        Ok(self.harness_value(&v))
    }
}
