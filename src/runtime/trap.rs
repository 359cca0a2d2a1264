//! Traps: the code saying why execution stopped, a message, and a backtrace of wasm frames.

use std::fmt;

/// Why execution trapped. Codes are stable: the C API exposes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TrapCode {
    Unreachable = 0,
    MemoryOutOfBounds = 1,
    IntegerDivideByZero = 2,
    IntegerOverflow = 3,
    InvalidConversionToInteger = 4,
    IndirectCallTypeMismatch = 5,
    /// call_indirect through an index outside the table.
    UndefinedElement = 6,
    /// call_indirect through a null entry.
    UninitializedElement = 7,
    TableOutOfBounds = 8,
    CallStackExhausted = 9,
    OutOfFuel = 10,
    Interrupted = 11,
    /// Raised by a host function (or a host-side panic converted to a trap).
    Host = 12,
}

impl TrapCode {
    const ALL: [TrapCode; 13] = [
        TrapCode::Unreachable,
        TrapCode::MemoryOutOfBounds,
        TrapCode::IntegerDivideByZero,
        TrapCode::IntegerOverflow,
        TrapCode::InvalidConversionToInteger,
        TrapCode::IndirectCallTypeMismatch,
        TrapCode::UndefinedElement,
        TrapCode::UninitializedElement,
        TrapCode::TableOutOfBounds,
        TrapCode::CallStackExhausted,
        TrapCode::OutOfFuel,
        TrapCode::Interrupted,
        TrapCode::Host,
    ];

    /// The code whose number is `n`.
    pub fn from_u32(n: u32) -> Option<TrapCode> {
        Self::ALL.get(n as usize).copied()
    }

    /// The message the specification's test suite uses for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::InvalidConversionToInteger => "invalid conversion to integer",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::CallStackExhausted => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::Interrupted => "interrupted",
            TrapCode::Host => "host trap",
        }
    }
}

/// One wasm frame of a trap's backtrace, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Index of the function in its module's function index space.
    pub func_index: u32,
    /// Name from the module's name section, if any.
    pub func_name: Option<String>,
    /// Module name from the name section, if any.
    pub module_name: Option<String>,
    /// Byte offset of the instruction from the start of the module.
    pub module_offset: usize,
    /// Byte offset of the instruction from the start of the function body's contents (its
    /// local declarations, just after the body's size).
    pub func_offset: usize,
    /// Index of the store's instance the frame runs in.
    pub instance: u32,
}

/// A trap: why, a message, and where (`TrapData`, its fields). One pointer wide, so that the
/// results of calls, `Result<_, Trap>`, stay small on the paths that do not trap.
#[derive(Clone, PartialEq, Eq)]
pub struct Trap(Box<TrapData>);

/// What a trap holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrapData {
    pub code: TrapCode,
    pub message: String,
    pub frames: Vec<Frame>,
    /// Set when the program asked to exit (WASI `proc_exit`): its exit status. Such a trap
    /// ends the run cleanly rather than reporting an error.
    pub exit_code: Option<i32>,
}

impl std::ops::Deref for Trap {
    type Target = TrapData;
    fn deref(&self) -> &TrapData {
        &self.0
    }
}

impl std::ops::DerefMut for Trap {
    fn deref_mut(&mut self) -> &mut TrapData {
        &mut self.0
    }
}

impl fmt::Debug for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Trap {
    pub fn new(code: TrapCode) -> Trap {
        Trap::from_data(TrapData { code, message: code.message().to_string(), frames: Vec::new(), exit_code: None })
    }

    /// A trap raised by the host with its own message.
    pub fn host(message: impl Into<String>) -> Trap {
        Trap::from_data(TrapData { code: TrapCode::Host, message: message.into(), frames: Vec::new(), exit_code: None })
    }

    /// The trap a program raises to exit with `status` (code `Host`, `exit_code` set).
    pub fn exit(status: i32) -> Trap {
        Trap::from_data(TrapData {
            code: TrapCode::Host,
            message: format!("exited with status {status}"),
            frames: Vec::new(),
            exit_code: Some(status),
        })
    }

    pub fn from_data(data: TrapData) -> Trap {
        Trap(Box::new(data))
    }

    /// The trap's fields, to take them apart.
    pub fn into_data(self) -> TrapData {
        *self.0
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Trap {
        Trap::new(code)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for (i, frame) in self.frames.iter().enumerate() {
            let name = frame.func_name.as_deref().unwrap_or("<unnamed>");
            write!(f, "\n  {i}: func[{}] {name} at offset 0x{:x}", frame.func_index, frame.module_offset)?;
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

#[cfg(test)]
mod tests {
    use super::TrapCode;

    #[test]
    fn codes_round_trip_through_their_numbers() {
        for code in TrapCode::ALL {
            assert_eq!(TrapCode::from_u32(code as u32), Some(code));
        }
        assert_eq!(TrapCode::from_u32(TrapCode::ALL.len() as u32), None);
    }
}
