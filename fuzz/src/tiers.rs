//! The differential check of the compiled tier against the interpreter: a wasm-smith module
//! (WebAssembly 2.0, with SIMD or without, NaNs canonicalized, every item exported, no imports) is instantiated
//! on both tiers, and every exported function is called in turn with the same arguments on the
//! same fuel. After each call the outcomes must be equal: results (floats by their bits,
//! references by whether they are null), or the trap's code, message and frames; the fuel left;
//! every exported global. After instantiation and after the last call, also every exported
//! memory's size and contents.
//!
//! Also compiled into wasmrt's tests (`tests/tier_regressions.rs`), which run the check on the
//! modules of past divergences.

use std::sync::Arc;

use arbitrary::{Result, Unstructured};
use wasmrt::runtime::{BoundsChecks, CompiledModule, Config, Engine, Extern, Instance, Store, Tier, Val};
use wasmrt::types::ValType;

/// Fuel for each call (both tiers count it the same way).
const FUEL_PER_CALL: u64 = 2_000;
/// The call depth limit: low enough that the native stack of compiled code (which ends
/// recursion early when it runs out) is never the limit on the fuzzer's main thread.
const MAX_CALL_DEPTH: u32 = 300;
/// The interpreter's value stack: ample for that depth, and quicker to set up per store than
/// the default.
const MAX_STACK_SLOTS: u32 = 1 << 18;

/// What a run gave, step by step, in a form that compares across stores.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Instantiated(std::result::Result<(), String>),
    Called { name: String, outcome: std::result::Result<Vec<String>, String> },
    State(Vec<String>),
}

/// A generated module and the arguments of each call.
pub struct Case {
    pub bytes: Vec<u8>,
    /// The bounds checks of the compiled run.
    pub bounds_checks: BoundsChecks,
    /// Raw argument bits, consumed in order by the calls.
    pub args: Vec<u64>,
}

impl Case {
    /// Generates a case from fuzzer input.
    pub fn generate(u: &mut Unstructured<'_>) -> Result<Case> {
        let mut config = smith_config(u)?;
        config.canonicalize_nans = true;
        // Half the modules without SIMD.
        config.simd_enabled = u.arbitrary()?;
        config.export_everything = true;
        config.max_imports = 0;
        config.max_memory32_bytes = config.max_memory32_bytes.min(1 << 20);
        config.max_instructions = config.max_instructions.min(2000);
        config.min_funcs = config.min_funcs.max(1);
        config.max_funcs = config.max_funcs.max(config.min_funcs);
        config.min_types = config.min_types.max(1);
        config.max_types = config.max_types.max(config.min_types);
        let module = wasm_smith::Module::new(config, u)?;
        let bounds_checks = if u.arbitrary()? { BoundsChecks::Explicit } else { BoundsChecks::GuardRegions };
        let args = (0..32).map(|_| u.arbitrary()).collect::<Result<Vec<u64>>>()?;
        Ok(Case { bytes: module.to_bytes(), bounds_checks, args })
    }

    /// Runs the case on both tiers; `Err` describes the first divergence. `Ok` gives how many
    /// calls ran (0 when wasmrt rejects the module for an implementation limit) and whether the
    /// module ran compiled (else the compiled tier ran it interpreted too).
    pub fn check(&self) -> std::result::Result<(usize, bool), String> {
        let (interpreted, _) = self.run(Config {
            tier: Tier::Interpreter,
            fuel: true,
            max_call_depth: MAX_CALL_DEPTH,
            ..Config::default()
        })?;
        let (compiled, jit) = self.run(Config {
            tier: Tier::Jit,
            fuel: true,
            bounds_checks: self.bounds_checks,
            max_call_depth: MAX_CALL_DEPTH,
            max_stack_slots: MAX_STACK_SLOTS,
            ..Config::default()
        })?;
        for (k, (i, c)) in interpreted.iter().zip(&compiled).enumerate() {
            if i != c {
                return Err(format!(
                    "step {k} differs ({:?}):\n  interpreter: {i:?}\n  compiled:    {c:?}",
                    self.bounds_checks
                ));
            }
        }
        if interpreted.len() != compiled.len() {
            return Err(format!("{} steps interpreted, {} compiled", interpreted.len(), compiled.len()));
        }
        let calls = interpreted.iter().filter(|s| matches!(s, Step::Called { .. })).count();
        Ok((calls, jit))
    }

    /// The steps of a run, and whether its module's functions ran compiled.
    fn run(&self, config: Config) -> std::result::Result<(Vec<Step>, bool), String> {
        let engine = Engine::new(config);
        let module: Arc<CompiledModule> = match CompiledModule::new(&engine, &self.bytes) {
            Ok(m) => m,
            Err(e) if e.kind == wasmrt::ErrorKind::Limit => return Ok((Vec::new(), false)),
            Err(e) => return Err(format!("wasmrt rejects a wasm-smith module: {e}")),
        };
        let jit = wasmrt::jit::compiled(&module).is_ok();
        let mut store = Store::new(&engine);
        store.add_fuel(FUEL_PER_CALL);
        let mut steps = Vec::new();
        let instance = match store.instantiate(&module, &[]) {
            Ok(i) => i,
            Err(e) => {
                steps.push(Step::Instantiated(Err(e.to_string())));
                return Ok((steps, jit));
            }
        };
        steps.push(Step::Instantiated(Ok(())));
        steps.push(Step::State(state(&store, instance, true)));
        let funcs: Vec<(String, wasmrt::runtime::Func)> = store
            .instance_exports(instance)
            .expect("live instance")
            .iter()
            .filter_map(|(name, e)| match e {
                Extern::Func(f) => Some((name.clone(), *f)),
                _ => None,
            })
            .collect();
        let mut bits = self.args.iter().copied().cycle();
        for (name, f) in funcs {
            let params: Vec<ValType> = store.func_type(f).expect("live").params().to_vec();
            let args: Vec<Val> = params.iter().map(|&t| arg(t, &mut bits)).collect();
            let fuel = store.fuel();
            store.add_fuel(FUEL_PER_CALL.saturating_sub(fuel));
            let outcome = match store.call(f, &args) {
                Ok(results) => Ok(results.iter().map(show).collect()),
                Err(trap) => Err(format!("{:?} {:?} [{}]", trap.code, trap.message, frames(&trap.frames))),
            };
            steps.push(Step::Called { name, outcome });
            let mut state = state(&store, instance, false);
            state.push(format!("fuel {}", store.fuel()));
            steps.push(Step::State(state));
        }
        steps.push(Step::State(state(&store, instance, true)));
        Ok((steps, jit))
    }
}

/// An argument of type `t` from the next raw bits (references are null).
fn arg(t: ValType, bits: &mut impl Iterator<Item = u64>) -> Val {
    let b = bits.next().unwrap_or(0);
    match t {
        ValType::I32 => Val::I32(b as i32),
        ValType::I64 => Val::I64(b as i64),
        ValType::F32 => Val::F32(b as u32),
        ValType::F64 => Val::F64(b),
        ValType::V128 => Val::V128(u128::from(b) << 64 | u128::from(bits.next().unwrap_or(0))),
        ValType::FuncRef => Val::FuncRef(None),
        ValType::ExternRef => Val::ExternRef(None),
    }
}

/// A backtrace as `function@offset` entries, runs of one entry written once with a count.
fn frames(frames: &[wasmrt::runtime::trap::Frame]) -> String {
    let mut out: Vec<(String, usize)> = Vec::new();
    for f in frames {
        let entry = format!("{}@{:#x}", f.func_index, f.module_offset);
        match out.last_mut() {
            Some((last, n)) if *last == entry => *n += 1,
            _ => out.push((entry, 1)),
        }
    }
    let shown: Vec<String> = out.iter().map(|(e, n)| if *n == 1 { e.clone() } else { format!("{e} x{n}") }).collect();
    shown.join(" ")
}

fn show(v: &Val) -> String {
    match v {
        Val::FuncRef(f) => format!("funcref {}", if f.is_some() { "non-null" } else { "null" }),
        Val::ExternRef(r) => format!("externref {}", if r.is_some() { "non-null" } else { "null" }),
        other => format!("{other:?}"),
    }
}

/// A fast hash of memory contents (a multiply-xorshift over 64-bit words): the state is hashed
/// after every call, and memories are up to megabytes.
fn hash(data: &[u8]) -> u64 {
    let mut h = data.len() as u64;
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        h = (h ^ u64::from_le_bytes(w.try_into().expect("8 bytes"))).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^= h >> 29;
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    h
}

/// Every exported global's value and, with `memories`, every exported memory's size and
/// contents (hashed).
fn state(store: &Store, instance: Instance, memories: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (name, e) in store.instance_exports(instance).expect("live instance") {
        match e {
            Extern::Global(g) => out.push(format!("{name} = {}", show(&store.global_get(*g).expect("live")))),
            Extern::Memory(m) if memories => {
                let data = store.memory(*m).expect("live").data();
                out.push(format!("{name}: {} bytes, hash {:x}", data.len(), hash(data)));
            }
            _ => {}
        }
    }
    out
}

/// An arbitrary wasm-smith configuration restricted to exactly the features of
/// `wasmrt::Features::wasm2()`.
pub fn smith_config(u: &mut arbitrary::Unstructured<'_>) -> arbitrary::Result<wasm_smith::Config> {
    let mut c: wasm_smith::Config = u.arbitrary()?;
    c.saturating_float_to_int_enabled = true;
    c.sign_extension_ops_enabled = true;
    c.multi_value_enabled = true;
    c.reference_types_enabled = true;
    c.bulk_memory_enabled = true;
    c.simd_enabled = true;
    c.relaxed_simd_enabled = false;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.acquire_release_atomics_enabled = false;
    c.gc_enabled = false;
    c.custom_descriptors_enabled = false;
    c.multibyte_array_access_enabled = false;
    c.exceptions_enabled = false;
    c.tail_call_enabled = false;
    c.memory64_enabled = false;
    c.max_memories = c.max_memories.min(1);
    c.extended_const_enabled = false;
    c.wide_arithmetic_enabled = false;
    c.custom_page_sizes_enabled = false;
    c.compact_imports_enabled = false;
    Ok(c)
}
