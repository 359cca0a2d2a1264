//! Implementation limits, all in one place.
//!
//! The specification leaves these to the implementation. Our values follow the limits every
//! web engine agrees on (the WebAssembly JS API, "Limits"), so a module that loads in a browser
//! loads here; where that document is silent we say why we chose the number. Each limit is checked
//! once, at decode or validation time, and `tests/limits.rs` has a module just below and just
//! above each one.

/// Largest module binary accepted, in bytes. Bounds total decode work and memory.
pub const MAX_MODULE_SIZE: usize = 1 << 30;
/// Entries in the type section.
pub const MAX_TYPES: u32 = 1_000_000;
/// Functions, imported and defined together.
pub const MAX_FUNCTIONS: u32 = 1_000_000;
/// Entries in the import section.
pub const MAX_IMPORTS: u32 = 100_000;
/// Entries in the export section.
pub const MAX_EXPORTS: u32 = 100_000;
/// Globals, imported and defined together.
pub const MAX_GLOBALS: u32 = 1_000_000;
/// Tables, imported and defined together.
pub const MAX_TABLES: u32 = 100_000;
/// Memories, imported and defined together (only reachable with multi-memory; without it the
/// specification allows one).
pub const MAX_MEMORIES: u32 = 100;
/// Element segments. Each becomes a runtime object at instantiation, so keep the count bounded
/// like data segments.
pub const MAX_ELEMENT_SEGMENTS: u32 = 100_000;
/// Data segments.
pub const MAX_DATA_SEGMENTS: u32 = 100_000;
/// Parameters of one function type.
pub const MAX_PARAMS: u32 = 1_000;
/// Results of one function type.
pub const MAX_RESULTS: u32 = 1_000;
/// Size of one function body in bytes.
pub const MAX_FUNCTION_SIZE: u32 = 7_654_321;
/// Locals of one function, parameters included.
pub const MAX_LOCALS: u32 = 50_000;
/// Targets of one `br_table`, the default excluded. The JS API sets none; a function body is
/// already bounded, and this keeps one instruction's side tables within a predictable size.
pub const MAX_BR_TABLE_TARGETS: u32 = 1_000_000;
/// Depth of nested blocks, loops and ifs in one function (the function body counts as one).
/// The JS API sets none; code generators never come near it, and it bounds the control stack
/// of the validator and every lowering.
pub const MAX_NESTING_DEPTH: u32 = 65_536;
/// Entries of an element segment.
pub const MAX_ELEMENT_ITEMS: u32 = 10_000_000;
