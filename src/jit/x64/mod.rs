//! x86_64 (System V ABI): the entry into compiled code and the landing after a trap. The
//! encoder and the compiler's ISA layer will join this directory.

pub mod entry;
