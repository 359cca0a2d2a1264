//! The interpreter: validated function bodies are lowered to a register-machine code
//! (`code`, `compile`) whose operand slots sit at heights known at compile time, and run by
//! the executor (`exec`: calls, frames, traps; `handlers`: one handler per instruction, each
//! passing control to the next), which keeps its own call stack so wasm recursion never grows
//! the native stack. `num` and `simd` hold the numeric semantics. See docs/INTERPRETER.md.

pub mod code;
pub mod compile;
pub mod exec;
pub mod handlers;
pub mod num;
pub mod simd;
