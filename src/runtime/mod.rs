//! The runtime: engine and configuration, stores and the objects they own (functions,
//! tables, memories, globals, instances), values, traps, and instantiation.

mod arena;
pub mod call;
pub mod code;
pub mod engine;
pub mod instance;
pub mod memory;
pub mod module;
pub mod ops;
pub mod store;
pub mod sys;
pub mod table;
pub mod trap;
pub mod value;
pub mod vmctx;

pub use engine::{Config, Engine, Tier};
pub use instance::InstantiationError;
pub use memory::BoundsChecks;
pub use module::CompiledModule;
pub use store::{
    Caller, Collected, Extern, ExternRef, Func, Global, HostFn, HostFunc, Instance, InterruptHandle, Memory, Object,
    Store, StoreLimits, Table,
};
pub use trap::{Trap, TrapCode, TrapData};
pub use value::Val;
