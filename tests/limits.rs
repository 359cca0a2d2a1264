//! Implementation limits (`src/limits.rs`) end to end: for every constant there, a module exactly
//! at the limit is accepted and a module one past it is rejected with `ErrorKind::Limit`, a
//! message naming what was exceeded and the limit, and an offset inside the module (pointing at
//! the offending count, size or instruction where that is exact). The last test checks that an
//! over-limit count is rejected before the entries it counts are parsed, so huge inputs fail
//! fast. Modules are built as bytes by the small encoder below; the whole file runs in a few
//! seconds in debug mode.

use wasmrt::limits::{
    MAX_BR_TABLE_TARGETS, MAX_DATA_SEGMENTS, MAX_ELEMENT_ITEMS, MAX_ELEMENT_SEGMENTS, MAX_EXPORTS, MAX_FUNCTIONS,
    MAX_FUNCTION_SIZE, MAX_GLOBALS, MAX_IMPORTS, MAX_LOCALS, MAX_MEMORIES, MAX_MODULE_SIZE, MAX_NESTING_DEPTH,
    MAX_PARAMS, MAX_RESULTS, MAX_TABLES, MAX_TYPES,
};
use wasmrt::{Error, ErrorKind, Features, Module};

// ---------------------------------------------------------------------------------------------
// A tiny binary encoder.

const HEADER: [u8; 8] = *b"\0asm\x01\0\0\0";

const I32: u8 = 0x7f;
const I64: u8 = 0x7e;
const FUNCREF: u8 = 0x70;
const EMPTY_BLOCK_TYPE: u8 = 0x40;

const NOP: u8 = 0x01;
const BLOCK: u8 = 0x02;
const END: u8 = 0x0b;
const BR_TABLE: u8 = 0x0e;
const I32_CONST: u8 = 0x41;

const TYPE: u8 = 1;
const IMPORT: u8 = 2;
const FUNCTION: u8 = 3;
const TABLE: u8 = 4;
const MEMORY: u8 = 5;
const GLOBAL: u8 = 6;
const EXPORT: u8 = 7;
const ELEMENT: u8 = 9;
const CODE: u8 = 10;
const DATA: u8 = 11;

/// Imports named "" "": a function of type 0, a funcref table, a memory and an immutable i32
/// global, each with minimum 0 and no maximum.
const FUNC_IMPORT: &[u8] = &[0, 0, 0x00, 0];
const TABLE_IMPORT: &[u8] = &[0, 0, 0x01, FUNCREF, 0, 0];
const MEMORY_IMPORT: &[u8] = &[0, 0, 0x02, 0, 0];
const GLOBAL_IMPORT: &[u8] = &[0, 0, 0x03, I32, 0];

/// Definitions: a funcref table, a memory, an immutable i32 global set to 0, an empty body
/// (with its size prefix), a passive funcref element segment and a passive data segment, both
/// empty.
const TABLE_DEF: &[u8] = &[FUNCREF, 0, 0];
const MEMORY_DEF: &[u8] = &[0, 0];
const GLOBAL_DEF: &[u8] = &[I32, 0, I32_CONST, 0, END];
const EMPTY_BODY: &[u8] = &[2, 0, END];
const PASSIVE_ELEMENT: &[u8] = &[1, 0x00, 0];
const PASSIVE_DATA: &[u8] = &[1, 0];

/// Unsigned LEB128, shortest form.
fn leb(mut v: u32) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// Unsigned LEB128 padded to exactly five bytes.
fn leb5(v: u32) -> [u8; 5] {
    let mut out = [0; 5];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = ((v >> (7 * i)) & 0x7f) as u8 | if i < 4 { 0x80 } else { 0 };
    }
    out
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).expect("length fits in u32")
}

/// A vector: its count, then its already encoded items.
fn vec_of(count: u32, items: &[u8]) -> Vec<u8> {
    [leb(count), items.to_vec()].concat()
}

/// A vector of `count` copies of `item`.
fn repeated(count: u32, item: &[u8]) -> Vec<u8> {
    vec_of(count, &item.repeat(count as usize))
}

fn section(id: u8, contents: &[u8]) -> Vec<u8> {
    [vec![id], leb(len32(contents.len())), contents.to_vec()].concat()
}

fn module(sections: &[Vec<u8>]) -> Vec<u8> {
    [HEADER.to_vec(), sections.concat()].concat()
}

fn func_type(params: &[u8], results: &[u8]) -> Vec<u8> {
    [vec![0x60], vec_of(len32(params.len()), params), vec_of(len32(results.len()), results)].concat()
}

/// A type section of one type.
fn one_type(params: &[u8], results: &[u8]) -> Vec<u8> {
    section(TYPE, &vec_of(1, &func_type(params, results)))
}

/// A function body with its size prefix: local declarations `(count, type)`, then `code`
/// (which ends with `end`).
fn body(locals: &[(u32, u8)], code: &[u8]) -> Vec<u8> {
    let mut b = leb(len32(locals.len()));
    for &(n, t) in locals {
        b.extend(leb(n));
        b.push(t);
    }
    b.extend_from_slice(code);
    [leb(len32(b.len())), b].concat()
}

/// A module of one function with the given type, locals and code.
fn one_function(params: &[u8], locals: &[(u32, u8)], code: &[u8]) -> Vec<u8> {
    module(&[
        one_type(params, &[]),
        section(FUNCTION, &repeated(1, &[0])),
        section(CODE, &vec_of(1, &body(locals, code))),
    ])
}

/// `n` empty functions of type 0 (`[] -> []`): the function and code sections.
fn empty_functions(n: u32) -> [Vec<u8>; 2] {
    [section(FUNCTION, &repeated(n, &[0])), section(CODE, &repeated(n, EMPTY_BODY))]
}

// ---------------------------------------------------------------------------------------------
// Checks.

fn multi_memory() -> Features {
    Features { multi_memory: true, ..Features::wasm2() }
}

fn accept(bytes: &[u8]) {
    accept_with(bytes, &Features::wasm2());
}

fn accept_with(bytes: &[u8], features: &Features) {
    if let Err(e) = Module::new(bytes, features) {
        panic!("module at the limit rejected: {e}");
    }
}

/// Rejects `bytes` for exceeding the limit `limit` on `what`: kind `Limit`, an offset inside the
/// module (or at its end), and a message naming both.
fn reject(bytes: &[u8], what: &str, limit: impl ToString) -> Error {
    reject_with(bytes, &Features::wasm2(), what, limit)
}

fn reject_with(bytes: &[u8], features: &Features, what: &str, limit: impl ToString) -> Error {
    let limit = limit.to_string();
    let e = match Module::new(bytes, features) {
        Ok(_) => panic!("module over the limit of {limit} {what} accepted"),
        Err(e) => e,
    };
    assert_eq!(e.kind, ErrorKind::Limit, "over the limit of {limit} {what}: {e}");
    assert!(e.offset <= bytes.len(), "offset {} outside the module of {} bytes: {e}", e.offset, bytes.len());
    assert!(e.message.contains(what), "message {:?} should say what was exceeded ({what})", e.message);
    assert!(e.message.contains(&limit), "message {:?} should give the limit {limit}", e.message);
    e
}

/// Asserts the error points at `encoded` (the over-limit count or size, or the instruction).
fn assert_points_at(bytes: &[u8], e: &Error, encoded: &[u8]) {
    assert!(
        bytes[e.offset..].starts_with(encoded),
        "error at offset {} points at {:02x?}, expected {encoded:02x?}: {e}",
        e.offset,
        &bytes[e.offset..(e.offset + encoded.len()).min(bytes.len())],
    );
}

/// A count-limited vector in its section: at the limit accepted, one over rejected, pointing
/// at the count.
fn check_count(build: impl Fn(u32) -> Vec<u8>, limit: u32, what: &str) {
    accept(&build(limit));
    let bytes = build(limit + 1);
    let e = reject(&bytes, what, limit);
    assert_points_at(&bytes, &e, &leb(limit + 1));
}

// ---------------------------------------------------------------------------------------------
// One test per limit.

#[test]
fn module_size() {
    // A module of `size` bytes: the header and one custom section with an empty name, whose
    // payload is the zeros `vec!` gives (calloc'd, so the untouched pages cost nothing).
    let build = |size: usize| {
        let mut bytes = vec![0u8; size];
        bytes[..8].copy_from_slice(&HEADER);
        bytes[8] = 0; // custom section
        bytes[9..14].copy_from_slice(&leb5(len32(size - 14))); // then name length 0, payload
        bytes
    };
    // Exactly at the limit, through the decoder, which enforces this limit and skips the custom
    // payload. `Module::new` would also copy the 1 GiB into the module, which takes 1-2 s of
    // page faults here, so it gets a small module of the same shape.
    let at_limit = build(MAX_MODULE_SIZE);
    if let Err(e) = wasmrt::decode::decode(&at_limit, &Features::wasm2()) {
        panic!("module of exactly {MAX_MODULE_SIZE} bytes rejected: {e}");
    }
    drop(at_limit);
    accept(&build(1 << 16));
    let bytes = build(MAX_MODULE_SIZE + 1);
    reject(&bytes, "module of 1073741825 bytes", MAX_MODULE_SIZE);
}

#[test]
fn types() {
    check_count(|n| module(&[section(TYPE, &repeated(n, &func_type(&[], &[])))]), MAX_TYPES, "types");
}

#[test]
fn functions_imported_and_defined() {
    let with_import = |defined: u32| {
        module(&[
            one_type(&[], &[]),
            section(IMPORT, &repeated(1, FUNC_IMPORT)),
            section(FUNCTION, &repeated(defined, &[0])),
            section(CODE, &repeated(defined, EMPTY_BODY)),
        ])
    };
    accept(&with_import(MAX_FUNCTIONS - 1));
    // Over only when the import is counted.
    let bytes = with_import(MAX_FUNCTIONS);
    let e = reject(&bytes, "functions", MAX_FUNCTIONS);
    assert_points_at(&bytes, &e, &leb(MAX_FUNCTIONS));
    // Over with definitions alone.
    let bytes = module(&[[one_type(&[], &[])].as_slice(), &empty_functions(MAX_FUNCTIONS + 1)].concat());
    let e = reject(&bytes, "functions", MAX_FUNCTIONS);
    assert_points_at(&bytes, &e, &leb(MAX_FUNCTIONS + 1));
}

#[test]
fn imports() {
    check_count(|n| module(&[one_type(&[], &[]), section(IMPORT, &repeated(n, FUNC_IMPORT))]), MAX_IMPORTS, "imports");
}

#[test]
fn exports() {
    // Export names must be distinct: the decimal index.
    let build = |n: u32| {
        let mut entries = Vec::new();
        for i in 0..n {
            let name = i.to_string();
            entries.extend(leb(len32(name.len())));
            entries.extend(name.as_bytes());
            entries.extend([0x00, 0]); // function 0
        }
        let [functions, code] = empty_functions(1);
        module(&[one_type(&[], &[]), functions, section(EXPORT, &vec_of(n, &entries)), code])
    };
    check_count(build, MAX_EXPORTS, "exports");
}

#[test]
fn globals_imported_and_defined() {
    let build = |imported: u32, defined: u32| {
        module(&[section(IMPORT, &repeated(imported, GLOBAL_IMPORT)), section(GLOBAL, &repeated(defined, GLOBAL_DEF))])
    };
    accept(&build(1, MAX_GLOBALS - 1));
    let bytes = build(1, MAX_GLOBALS);
    let e = reject(&bytes, "globals", MAX_GLOBALS);
    assert_points_at(&bytes, &e, &leb(MAX_GLOBALS));
    let bytes = build(0, MAX_GLOBALS + 1);
    let e = reject(&bytes, "globals", MAX_GLOBALS);
    assert_points_at(&bytes, &e, &leb(MAX_GLOBALS + 1));
}

#[test]
fn tables_imported_and_defined() {
    let build = |imported: u32, defined: u32| {
        module(&[section(IMPORT, &repeated(imported, TABLE_IMPORT)), section(TABLE, &repeated(defined, TABLE_DEF))])
    };
    accept(&build(1, MAX_TABLES - 1));
    let bytes = build(1, MAX_TABLES);
    let e = reject(&bytes, "tables", MAX_TABLES);
    assert_points_at(&bytes, &e, &leb(MAX_TABLES));
    let bytes = build(0, MAX_TABLES + 1);
    let e = reject(&bytes, "tables", MAX_TABLES);
    assert_points_at(&bytes, &e, &leb(MAX_TABLES + 1));
}

#[test]
fn memories_imported_and_defined() {
    // More than one memory needs multi-memory; without it two are already invalid.
    let features = multi_memory();
    let build = |imported: u32, defined: u32| {
        module(&[section(IMPORT, &repeated(imported, MEMORY_IMPORT)), section(MEMORY, &repeated(defined, MEMORY_DEF))])
    };
    accept_with(&build(1, MAX_MEMORIES - 1), &features);
    accept_with(&build(MAX_MEMORIES, 0), &features);
    accept_with(&build(0, MAX_MEMORIES), &features);
    let bytes = build(1, MAX_MEMORIES);
    let e = reject_with(&bytes, &features, "memories", MAX_MEMORIES);
    assert_points_at(&bytes, &e, &leb(MAX_MEMORIES));
    // Imports alone: the error points at the import one past the limit, the last one.
    let bytes = build(MAX_MEMORIES + 1, 0);
    let e = reject_with(&bytes, &features, "memories", MAX_MEMORIES);
    let empty_memory_section = section(MEMORY, &repeated(0, MEMORY_DEF));
    assert_eq!(e.offset, bytes.len() - empty_memory_section.len() - MEMORY_IMPORT.len(), "{e}");
    let bytes = build(0, MAX_MEMORIES + 1);
    let e = reject_with(&bytes, &features, "memories", MAX_MEMORIES);
    assert_points_at(&bytes, &e, &leb(MAX_MEMORIES + 1));
}

#[test]
fn element_segments() {
    check_count(
        |n| module(&[section(ELEMENT, &repeated(n, PASSIVE_ELEMENT))]),
        MAX_ELEMENT_SEGMENTS,
        "element segments",
    );
}

#[test]
fn data_segments() {
    check_count(|n| module(&[section(DATA, &repeated(n, PASSIVE_DATA))]), MAX_DATA_SEGMENTS, "data segments");
}

#[test]
fn params() {
    check_count(|n| one_function(&vec![I32; n as usize], &[], &[END]), MAX_PARAMS, "parameters");
}

#[test]
fn results() {
    // A function returning `n` i32s: `n` constants then `end`.
    let build = |n: u32| {
        let code = [[I32_CONST, 0].repeat(n as usize), vec![END]].concat();
        module(&[
            one_type(&[], &vec![I32; n as usize]),
            section(FUNCTION, &repeated(1, &[0])),
            section(CODE, &vec_of(1, &body(&[], &code))),
        ])
    };
    check_count(build, MAX_RESULTS, "results");
}

#[test]
fn function_size() {
    // A body of exactly `size` bytes: no locals, `v128.const 0; drop` (19 bytes, so few
    // operators to validate), nops for the rest, `end`.
    const V128_CONST_DROP: [u8; 19] = [0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1a];
    let build = |size: u32| {
        let filler = size as usize - 2;
        let pairs = filler / V128_CONST_DROP.len();
        let nops = filler - pairs * V128_CONST_DROP.len();
        let code = [vec![0], V128_CONST_DROP.repeat(pairs), vec![NOP; nops], vec![END]].concat();
        assert_eq!(code.len(), size as usize);
        module(&[
            one_type(&[], &[]),
            section(FUNCTION, &repeated(1, &[0])),
            section(CODE, &vec_of(1, &[leb(size), code].concat())),
        ])
    };
    check_count(build, MAX_FUNCTION_SIZE, "function body");
}

#[test]
fn locals_including_params() {
    accept(&one_function(&[], &[(MAX_LOCALS, I32)], &[END]));
    accept(&one_function(&[], &[(MAX_LOCALS / 2, I32), (MAX_LOCALS - MAX_LOCALS / 2, I64)], &[END]));
    let params = vec![I32; MAX_PARAMS as usize];
    accept(&one_function(&params, &[(MAX_LOCALS - MAX_PARAMS, I32)], &[END]));

    // Declared locals alone, in one group or several; the error points at the body.
    for locals in [&[(MAX_LOCALS + 1, I32)][..], &[(MAX_LOCALS / 2, I32), (MAX_LOCALS / 2 + 1, I64)]] {
        let bytes = one_function(&[], locals, &[END]);
        let e = reject(&bytes, "locals", MAX_LOCALS);
        assert_points_at(&bytes, &e, &body(locals, &[END]));
    }
    // Parameters count as locals.
    let locals = [(MAX_LOCALS - MAX_PARAMS + 1, I32)];
    let bytes = one_function(&params, &locals, &[END]);
    let e = reject(&bytes, "locals", MAX_LOCALS);
    assert_points_at(&bytes, &e, &body(&locals, &[END]));
}

#[test]
fn br_table_targets() {
    // `i32.const 0; br_table 0 (n times) 0; end`: every target is the function body.
    let build = |n: u32| {
        let code = [vec![I32_CONST, 0, BR_TABLE], leb(n), vec![0; n as usize + 1], vec![END]].concat();
        one_function(&[], &[], &code)
    };
    check_count(build, MAX_BR_TABLE_TARGETS, "br_table targets");
}

#[test]
fn nesting_depth() {
    // `blocks` nested empty blocks inside the function body, which is one level itself.
    let build = |blocks: u32| {
        let code = [[BLOCK, EMPTY_BLOCK_TYPE].repeat(blocks as usize), vec![END; blocks as usize + 1]].concat();
        one_function(&[], &[], &code)
    };
    accept(&build(MAX_NESTING_DEPTH - 1));
    let bytes = build(MAX_NESTING_DEPTH);
    let e = reject(&bytes, "nested", MAX_NESTING_DEPTH);
    // The innermost block is the one too deep.
    let code_start = bytes.len() - 1 - 2 * MAX_NESTING_DEPTH as usize - MAX_NESTING_DEPTH as usize;
    assert_eq!(e.offset, code_start + 2 * (MAX_NESTING_DEPTH as usize - 1), "{e}");
    assert_points_at(&bytes, &e, &[BLOCK, EMPTY_BLOCK_TYPE]);
}

#[test]
fn element_items() {
    // A passive segment of `n` references to function 0.
    let build = |n: u32| {
        let [functions, code] = empty_functions(1);
        let segment = [vec![1, 0x00], leb(n), vec![0; n as usize]].concat();
        module(&[one_type(&[], &[]), functions, section(ELEMENT, &vec_of(1, &segment)), code])
    };
    check_count(build, MAX_ELEMENT_ITEMS, "element segment items");
}

// ---------------------------------------------------------------------------------------------
// Rejection comes before the work the limit bounds.

/// Every over-limit count, size and depth is followed by junk (0xff, which starts no valid
/// entry, type or operator) instead of the entries it announces: a `Limit` error, not a
/// `Malformed` one, shows the limit was checked before any of them was parsed, so a module near
/// a limit is rejected in time independent of what follows.
#[test]
fn rejected_before_parsing_what_is_counted() {
    let junk = |n: u32| vec![0xff; n as usize];
    let over = |n: u32| [leb(n + 1), junk(n + 1)].concat();
    let code_of = |contents: Vec<u8>| section(CODE, &vec_of(1, &[leb(len32(contents.len())), contents].concat()));
    let function_with =
        |contents: Vec<u8>| module(&[one_type(&[], &[]), section(FUNCTION, &repeated(1, &[0])), code_of(contents)]);
    let f = Features::wasm2();
    let cases: Vec<(Vec<u8>, Features, &str, u32)> = vec![
        (module(&[section(TYPE, &over(MAX_TYPES))]), f, "types", MAX_TYPES),
        (module(&[section(IMPORT, &over(MAX_IMPORTS))]), f, "imports", MAX_IMPORTS),
        (module(&[section(FUNCTION, &over(MAX_FUNCTIONS))]), f, "functions", MAX_FUNCTIONS),
        (module(&[section(TABLE, &over(MAX_TABLES))]), f, "tables", MAX_TABLES),
        (module(&[section(MEMORY, &over(MAX_MEMORIES))]), multi_memory(), "memories", MAX_MEMORIES),
        (module(&[section(GLOBAL, &over(MAX_GLOBALS))]), f, "globals", MAX_GLOBALS),
        (module(&[section(EXPORT, &over(MAX_EXPORTS))]), f, "exports", MAX_EXPORTS),
        (module(&[section(ELEMENT, &over(MAX_ELEMENT_SEGMENTS))]), f, "element segments", MAX_ELEMENT_SEGMENTS),
        (module(&[section(DATA, &over(MAX_DATA_SEGMENTS))]), f, "data segments", MAX_DATA_SEGMENTS),
        (module(&[section(TYPE, &vec_of(1, &[vec![0x60], over(MAX_PARAMS)].concat()))]), f, "parameters", MAX_PARAMS),
        (module(&[section(TYPE, &vec_of(1, &[vec![0x60, 0], over(MAX_RESULTS)].concat()))]), f, "results", MAX_RESULTS),
        (
            module(&[section(ELEMENT, &vec_of(1, &[vec![1, 0x00], over(MAX_ELEMENT_ITEMS)].concat()))]),
            f,
            "element segment items",
            MAX_ELEMENT_ITEMS,
        ),
        (
            module(&[
                one_type(&[], &[]),
                section(FUNCTION, &repeated(1, &[0])),
                section(CODE, &vec_of(1, &[leb(MAX_FUNCTION_SIZE + 1), junk(MAX_FUNCTION_SIZE + 1)].concat())),
            ]),
            f,
            "function body",
            MAX_FUNCTION_SIZE,
        ),
        (function_with([vec![1], leb(MAX_LOCALS + 1), vec![I32], junk(1000)].concat()), f, "locals", MAX_LOCALS),
        (
            function_with([vec![0, I32_CONST, 0, BR_TABLE], over(MAX_BR_TABLE_TARGETS)].concat()),
            f,
            "br_table targets",
            MAX_BR_TABLE_TARGETS,
        ),
        (
            function_with([vec![0], [BLOCK, EMPTY_BLOCK_TYPE].repeat(MAX_NESTING_DEPTH as usize), junk(1000)].concat()),
            f,
            "nested",
            MAX_NESTING_DEPTH,
        ),
    ];
    for (bytes, features, what, limit) in &cases {
        reject_with(bytes, features, what, limit);
    }
    // The size is checked before anything else: not even the (missing) header is read.
    let bytes = vec![0u8; MAX_MODULE_SIZE + 1];
    reject(&bytes, "module", MAX_MODULE_SIZE);
}
