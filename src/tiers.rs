//! The execution tiers an engine can run code with, by `Config.tier`: the one place that names
//! each of them (the runtime only knows the `Backend` contract).

use crate::runtime::code::Backend;
use crate::runtime::Tier;

/// The backend of `tier`.
pub(crate) fn backend(tier: Tier) -> &'static dyn Backend {
    match tier {
        Tier::Interpreter => &crate::interp::Interpreter,
        Tier::Jit => &crate::jit::Jit,
    }
}
