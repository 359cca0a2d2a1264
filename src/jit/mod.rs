//! The compiled tier (in progress, see docs/JIT.md; `Config.tier` selects it): the
//! ISA-free single-pass compiler (`codegen`) and its interface to an instruction set (`masm`),
//! code memory that is never writable and executable at once, and the way into and out of
//! compiled code, where a fault at a trap site comes back as a trap (`runtime::sys::signals`).
//! The ISA-specific parts sit in one directory per architecture (`x64/`).

pub mod builtins;
pub mod code_memory;
pub mod codegen;
#[cfg(all(test, target_arch = "x86_64"))]
mod codegen_tests;
pub mod masm;
#[cfg(all(test, target_arch = "x86_64"))]
mod simd_tests;
#[cfg(target_arch = "x86_64")]
pub mod x64;

use std::any::Any;

use crate::error::Result;
use crate::module::Module;
use crate::runtime::code::{Backend, EnterFn, ModuleCode};
use crate::runtime::module::CompiledModule;
use crate::runtime::store::FuncEntity;
use crate::runtime::{BoundsChecks, Config, Store, Trap, TrapCode};
use crate::types::ValType;

/// The compiled tier (in progress). A module the compiler cannot handle runs on interpreter
/// code, and so does an instance whose memory lacks the guard regions its code relies on.
pub struct Jit;

/// The machine code of a module's functions.
#[derive(Debug)]
struct Compiled {
    #[cfg(target_arch = "x86_64")]
    code: code_memory::CodeMemory,
    /// Where each defined function starts.
    functions: Vec<usize>,
    /// Where each defined function's entry trampoline starts.
    entries: Vec<usize>,
    /// Code offsets of trap sites and of the last byte of calls, with their module offsets.
    sources: Vec<(u32, u32)>,
    /// Whether the code checks heap bounds itself (else it relies on guard regions).
    #[cfg(target_arch = "x86_64")]
    bounds: x64::masm::Bounds,
}

impl Compiled {
    /// The defined function and module offset of code address `pc`, if it is a trap site or
    /// the last byte of a call in this code.
    #[cfg(target_arch = "x86_64")]
    fn locate(&self, pc: usize) -> Option<(u32, u32)> {
        let offset = u32::try_from(pc.checked_sub(self.code.base() as usize)?).ok()?;
        let k = self.sources.binary_search_by_key(&offset, |s| s.0).ok()?;
        let function = self.functions.partition_point(|&start| start <= offset as usize).checked_sub(1)?;
        Some((function as u32, self.sources[k].1))
    }
}

/// A module's code on the compiled tier.
#[derive(Debug)]
pub struct JitCode {
    /// Interpreter code for the module: made with the machine code when the compiler could not
    /// handle the module, else only if something needs it (an instance whose memory could not
    /// reserve guard regions).
    interp: std::sync::OnceLock<Box<dyn ModuleCode>>,
    /// The engine's configuration, for making `interp`.
    config: Config,
    compiled: std::result::Result<Compiled, String>,
}

impl ModuleCode for JitCode {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn fallback(&self, module: &Module) -> Option<&dyn ModuleCode> {
        let interp = self.interp.get_or_init(|| {
            // The compiler validated every body on its way, so the interpreter's compilation,
            // which only rejects what validation rejects, cannot fail.
            crate::interp::Interpreter
                .compile(module, &self.config)
                .expect("a valid module compiles for the interpreter")
        });
        Some(&**interp)
    }

    fn function_code(&self, defined: u32, guarded: bool) -> (*const u8, *const u8) {
        match &self.compiled {
            #[cfg(target_arch = "x86_64")]
            Ok(code) if guarded || code.bounds == x64::masm::Bounds::Explicit => {
                let base = code.code.base();
                (base.wrapping_add(code.functions[defined as usize]), base.wrapping_add(code.entries[defined as usize]))
            }
            _ => (std::ptr::null(), std::ptr::null()),
        }
    }
}

/// Whether `module`'s functions run compiled, or why not.
pub fn compiled(module: &CompiledModule) -> std::result::Result<(), String> {
    match module.code.as_any().downcast_ref::<JitCode>() {
        Some(code) => code.compiled.as_ref().map(|_| ()).map_err(|why| why.clone()),
        None => Err("the engine runs the interpreter".into()),
    }
}

#[cfg(target_arch = "x86_64")]
fn compile(module: &Module, config: &Config) -> Result<std::result::Result<Compiled, String>> {
    use codegen::CompileError;
    use x64::masm::Bounds;
    if !std::arch::is_x86_feature_detected!("sse4.1") {
        return Ok(Err("this CPU has no SSE4.1".into()));
    }
    let bounds = match config.bounds_checks {
        BoundsChecks::GuardRegions => Bounds::GuardRegions,
        BoundsChecks::Explicit => Bounds::Explicit,
    };
    let slot_bytes = codegen::slot_bytes(module);
    let functions = module.raw.code.len() as u32;
    let new_masm = |range: std::ops::Range<u32>| {
        // Machine code takes about four bytes per byte of instructions.
        let capacity = module.raw.code[range.start as usize..range.end as usize].iter().map(|b| b.ops.len() * 4).sum();
        x64::masm::X64Masm::new(functions, slot_bytes, bounds, capacity)
    };
    // Parts for the threads to take one after the other: enough that they finish together.
    let threads = compile_threads(module, config);
    let ranges = codegen::split(module, if threads > 1 { 4 * threads } else { 1 });
    match codegen::compile_parts(module, config.fuel, &ranges, threads, &new_masm) {
        Ok(parts) => match place::<x64::masm::X64Masm>(parts) {
            Ok(placed) => Ok(Ok(Compiled {
                code: placed.code,
                functions: placed.functions,
                entries: placed.entries,
                sources: placed.sources,
                bounds,
            })),
            Err(e) => Ok(Err(format!("no executable memory: {e}"))),
        },
        Err(CompileError::Unsupported(what)) => Ok(Err(format!("not compiled yet: {what}"))),
        Err(CompileError::Invalid(e)) => Err(e),
    }
}

/// A module's code in executable memory, with where each defined function and its entry
/// trampoline start, and the module offsets of its trap sites and calls (sorted).
#[cfg(target_arch = "x86_64")]
pub(crate) struct Placed {
    pub code: code_memory::CodeMemory,
    pub functions: Vec<usize>,
    pub entries: Vec<usize>,
    pub sources: Vec<(u32, u32)>,
}

/// Lays the code of a module's parts (`codegen::compile_parts`, in order) end to end in
/// executable memory, each at a 16-byte boundary (the padding between them, never run, traps),
/// and points each call between parts to its function (`Masm::patch_call`).
#[cfg(target_arch = "x86_64")]
pub(crate) fn place<M: masm::Masm>(parts: Vec<masm::Finished>) -> std::io::Result<Placed> {
    let mut bases = Vec::with_capacity(parts.len());
    let mut len = 0usize;
    for part in &parts {
        let base = len.next_multiple_of(16);
        bases.push(base);
        len = base + part.code.len();
    }
    let (mut functions, mut entries, mut sites, mut sources) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (part, &base) in parts.iter().zip(&bases) {
        functions.extend(part.functions.iter().map(|&o| base + o));
        entries.extend(part.entries.iter().map(|&o| base + o));
        sites.extend(part.sites.iter().map(|&(o, trap)| (base as u32 + o, trap)));
        // Each part's sources are sorted, and the parts follow each other: so are these.
        sources.extend(part.sources.iter().map(|&(o, at)| (base as u32 + o, at)));
    }
    let code = code_memory::CodeMemory::build(len, sites, |mapping| {
        let mut end = 0;
        for (part, &base) in parts.iter().zip(&bases) {
            mapping[end..base].fill(0xCC);
            mapping[base..base + part.code.len()].copy_from_slice(&part.code);
            end = base + part.code.len();
            for &(at, defined) in &part.calls {
                M::patch_call(mapping, base + at as usize, functions[defined as usize]);
            }
        }
    })?;
    Ok(Placed { code, functions, entries, sources })
}

/// Bytes of function bodies worth a thread of their own: about a millisecond of compilation,
/// far more than starting a thread takes.
const THREAD_BYTES: usize = 32 * 1024;

/// On how many threads `module` compiles on an engine with `config` (`codegen::compile_parts`):
/// one per `THREAD_BYTES` of its function bodies, at most as many as `config.compile_threads`
/// allows (0: as many as the process could run at once when it first asked, which takes system
/// calls and files, so only a module large enough asks).
pub fn compile_threads(module: &Module, config: &Config) -> usize {
    static AVAILABLE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let bytes: usize = module.raw.code.iter().map(|b| b.ops.len()).sum();
    let wanted = bytes / THREAD_BYTES;
    if wanted < 2 {
        return 1;
    }
    let threads = match config.compile_threads {
        0 => *AVAILABLE.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        n => n as usize,
    };
    wanted.clamp(1, threads)
}

#[cfg(not(target_arch = "x86_64"))]
fn compile(_module: &Module, _config: &Config) -> Result<std::result::Result<Compiled, String>> {
    Ok(Err("no compiler for this architecture".into()))
}

/// Writes raw value `raw` into the `words` 64-bit words at `at` of an argument buffer or frame
/// (a v128 takes two, low half first).
pub(crate) fn write_raw(buffer: &mut [u64], at: usize, words: usize, raw: u128) {
    buffer[at] = raw as u64;
    if words == 2 {
        buffer[at + 1] = (raw >> 64) as u64;
    }
}

/// Reads a raw value of type `t` from the `words` 64-bit words at `at` of an argument buffer
/// or frame: only a v128 has a second word (a scalar's slot keeps whatever was above it).
pub(crate) fn read_raw(t: ValType, buffer: &[u64], at: usize, words: usize) -> u128 {
    let high = if words == 2 && t == ValType::V128 { (buffer[at + 1] as u128) << 64 } else { 0 };
    high | buffer[at] as u128
}

/// Appends the compiled frames of `trace` (a trap's place, then the calls it was nested in,
/// `signals::last_trace`) to `trap`'s backtrace: the trapping function, then its callers in
/// this module's code (calls into other modules and the host go through the runtime, whose
/// frames end the trace).
#[cfg(target_arch = "x86_64")]
fn add_frames(trap: &mut Trap, module: &CompiledModule, code: &Compiled, instance: u32, trace: &[usize]) {
    let m = &module.module;
    for &pc in trace {
        let Some((defined, module_offset)) = code.locate(pc) else { break };
        if module_offset == masm::ENTRY {
            // The entry checks of a function not entered yet: the trace starts at its caller.
            continue;
        }
        let index = m.imported_funcs + defined;
        let body_start = m.raw.code[defined as usize].start;
        trap.frames.push(crate::runtime::trap::Frame {
            func_index: index,
            func_name: m.raw.names.functions.get(&index).cloned(),
            module_name: m.raw.names.module.clone(),
            module_offset: module_offset as usize,
            func_offset: (module_offset as usize).saturating_sub(body_start),
            instance,
        });
    }
}

impl Backend for Jit {
    fn compile(&self, module: &Module, config: &Config) -> Result<Box<dyn ModuleCode>> {
        let compiled = compile(module, config)?;
        let interp = std::sync::OnceLock::new();
        if compiled.is_err() {
            // The module runs interpreted: compile it now, reporting any error now.
            let _ = interp.set(crate::interp::Interpreter.compile(module, config)?);
        }
        Ok(Box::new(JitCode { interp, config: config.clone(), compiled }))
    }

    /// A function without machine code (`ModuleCode::function_code`: a module the compiler
    /// could not handle, or code compiled for guard regions in an instance with a memory that
    /// could not reserve them): the runtime runs the others through their entries.
    fn call(&self, store: &mut Store, func: u32, values: &mut [u128]) -> std::result::Result<(), Trap> {
        crate::interp::Interpreter.call(store, func, values)
    }

    #[cfg(target_arch = "x86_64")]
    fn entry(&self) -> Option<EnterFn> {
        Some(x64::entry::enter)
    }

    fn trap(&self, store: &mut Store, func: u32, code: TrapCode, trace: &[usize]) -> Trap {
        if code == TrapCode::Interrupted {
            // The request is answered (the interpreter clears it as it traps).
            store.interrupt.clear();
        }
        let mut trap = match code {
            // A trap from a runtime call waits in the store, with its message and the frames
            // inside the call.
            TrapCode::Host => store.pending_trap.take().unwrap_or_else(|| Trap::new(code)),
            code => Trap::new(code),
        };
        #[cfg(target_arch = "x86_64")]
        if let FuncEntity::Wasm { module, instance, .. } = &store.funcs[func as usize] {
            if let Some(Ok(compiled)) = module.code.as_any().downcast_ref::<JitCode>().map(|c| &c.compiled) {
                add_frames(&mut trap, module, compiled, *instance, trace);
            }
        }
        trap
    }
}
