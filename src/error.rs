//! Errors of the decode and validate stages: what kind of rejection, where, and why.

use std::fmt;

/// Why a module was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The bytes are not a well-formed binary module (the spec's "malformed").
    Malformed,
    /// The module is well formed but does not validate (the spec's "invalid").
    Invalid,
    /// The module is valid but exceeds one of wasmrt's implementation limits (see `limits`).
    Limit,
}

/// A rejection of a module: its kind, the byte offset in the input, and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub offset: usize,
    pub message: String,
}

impl Error {
    pub fn malformed(offset: usize, message: impl Into<String>) -> Error {
        Error { kind: ErrorKind::Malformed, offset, message: message.into() }
    }

    pub fn invalid(offset: usize, message: impl Into<String>) -> Error {
        Error { kind: ErrorKind::Invalid, offset, message: message.into() }
    }

    pub fn limit(offset: usize, message: impl Into<String>) -> Error {
        Error { kind: ErrorKind::Limit, offset, message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ErrorKind::Malformed => "malformed module",
            ErrorKind::Invalid => "invalid module",
            ErrorKind::Limit => "module exceeds an implementation limit",
        };
        write!(f, "{what}: {} at offset 0x{:x}", self.message, self.offset)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
