//! The compiled tier (in progress; no `Config.tier` selects it yet, see docs/JIT.md): the
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
#[cfg(target_arch = "x86_64")]
pub mod x64;
