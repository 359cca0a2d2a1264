//! Encodings that belong to proposals past WebAssembly 2.0 which wasmrt does not implement,
//! and the component-model binary header, so that rejecting them names what the module needs
//! ("... requires the threads proposal") instead of only the byte that did not decode.

/// The component-model binary header's version field (bytes 4..8): a 16-bit version and the
/// layer, 1 for components (core modules are version 1, layer 0).
pub fn is_component(version: &[u8]) -> bool {
    version.len() == 4 && version[2..4] == [1, 0]
}

/// The message for a component given where a core module is expected.
pub fn component_message() -> String {
    "a WebAssembly component, not a core module (wasmrt runs core modules)".into()
}

/// `base`, followed by what the module needs, if `need` names something.
pub fn explain(base: impl Into<String>, need: Option<(&str, &str)>) -> String {
    let base = base.into();
    match need {
        Some((what, proposal)) => format!("{base}: {what} requires the {proposal} proposal"),
        None => base,
    }
}

/// The instruction and proposal of an opcode not in WebAssembly 2.0 (`prefix` 0 for
/// single-byte opcodes).
pub fn opcode(prefix: u8, code: u32) -> Option<(&'static str, &'static str)> {
    Some(match (prefix, code) {
        (0, 0x06..=0x0A) | (0, 0x18) | (0, 0x19) | (0, 0x1F) => ("exception handling", "exception-handling"),
        (0, 0x12) => ("return_call", "tail-call"),
        (0, 0x13) => ("return_call_indirect", "tail-call"),
        (0, 0x14) => ("call_ref", "function-references"),
        (0, 0x15) => ("return_call_ref", "tail-call"),
        (0, 0xD3) | (0, 0xD4) | (0, 0xD6) => ("a typed function reference instruction", "function-references"),
        (0, 0xD5) => ("ref.eq", "GC"),
        (0, 0xFB) => ("a GC instruction", "GC"),
        (0, 0xFE) => ("an atomic instruction", "threads"),
        (0xFC, 0x13..=0x16) => ("a 128-bit arithmetic instruction", "wide-arithmetic"),
        (0xFD, 0x100..=0x113) => ("a relaxed SIMD instruction", "relaxed-simd"),
        _ => return None,
    })
}

/// What a function type form byte other than 0x60 (func) is for.
pub fn type_form(form: u8) -> Option<(&'static str, &'static str)> {
    Some(match form {
        0x5E => ("an array type", "GC"),
        0x5F => ("a struct type", "GC"),
        0x4E => ("a recursive type group", "GC"),
        0x50 | 0x4F => ("a subtype declaration", "GC"),
        _ => return None,
    })
}

/// What a value or reference type byte not in WebAssembly 2.0 is for.
pub fn value_type(byte: u8) -> Option<(&'static str, &'static str)> {
    Some(match byte {
        0x63 | 0x64 => ("a typed reference", "function-references"),
        0x69 | 0x74 => ("exnref", "exception-handling"),
        0x65 | 0x6A..=0x6E | 0x71..=0x73 => ("a GC reference type", "GC"),
        0x77 | 0x78 => ("a packed storage type", "GC"),
        _ => return None,
    })
}

/// What memory or table limits flags past 0x01 are for.
pub fn limits_flags(flags: u8) -> Option<(&'static str, &'static str)> {
    Some(match flags {
        0x02 | 0x03 => ("a shared memory", "threads"),
        0x04..=0x07 => ("a 64-bit index type", "memory64"),
        0x08..=0x0F => ("a custom page size", "custom-page-sizes"),
        _ => return None,
    })
}

/// What a section id past 12 is for.
pub fn section(id: u8) -> Option<(&'static str, &'static str)> {
    (id == 13).then_some(("the tag section", "exception-handling"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_proposal() {
        assert!(is_component(&[0x0d, 0, 1, 0]));
        assert!(!is_component(&[1, 0, 0, 0]));
        assert_eq!(
            explain("illegal opcode 0x12", opcode(0, 0x12)),
            "illegal opcode 0x12: return_call requires the tail-call proposal"
        );
        assert_eq!(explain("illegal opcode 0x27", opcode(0, 0x27)), "illegal opcode 0x27");
        assert!(explain("x", limits_flags(3)).ends_with("requires the threads proposal"));
        assert!(explain("x", type_form(0x5e)).ends_with("requires the GC proposal"));
    }
}
