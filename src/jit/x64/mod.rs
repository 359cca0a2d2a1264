//! x86_64 (System V ABI): registers (`regs`), the instruction encoder (`asm`), the entry into
//! compiled code and the landing after a trap (`entry`). The compiler's ISA layer will join
//! this directory; an aarch64 directory will repeat these file names.

pub mod asm;
pub mod entry;
pub mod masm;
pub mod regs;
pub mod simd;
