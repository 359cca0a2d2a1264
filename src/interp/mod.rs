//! The interpreter: validated function bodies are lowered to a compact stack-machine code
//! (`code`, `compile`) whose operand slots sit at heights known at compile time, and run by
//! the executor (`exec`), which keeps its own call stack so wasm recursion never grows the
//! native stack. `num` and `simd` hold the numeric semantics.

pub mod code;
pub mod compile;
pub mod exec;
pub mod handlers;
pub mod num;
pub mod simd;
