//! Every instruction form of the x86_64 encoder (`jit::x64::asm`), checked against a
//! disassembler (iced-x86): for every register (and every base, index, scale and
//! displacement size of memory operands), the bytes decode to exactly one instruction, of
//! exactly that length, that reads as the instruction meant.

use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter, MemorySizeOptions};
use wasmrt::jit::x64::asm::{
    Alu, Assembler, BitCount, Cond, Load, Mem, Movmsk, Packed, PackedImm, PackedShift, Prec, Shift, Size, SseArith,
    SseLogic, Unary,
};
use wasmrt::jit::x64::regs::{Gpr, Xmm};

const NAMES64: [&str; 16] =
    ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];
const NAMES32: [&str; 16] = [
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d",
    "r15d",
];
const NAMES16: [&str; 16] =
    ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"];
const NAMES8: [&str; 16] =
    ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"];
const CONDS: [&str; 16] = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];

fn r(size: Size, g: Gpr) -> &'static str {
    match size {
        Size::S32 => NAMES32[g.num() as usize],
        Size::S64 => NAMES64[g.num() as usize],
    }
}

fn r64(g: Gpr) -> &'static str {
    NAMES64[g.num() as usize]
}

fn x(n: u8) -> String {
    format!("xmm{n}")
}

fn hex(v: i64) -> String {
    if v < 0 {
        format!("-0x{:x}", v.unsigned_abs())
    } else {
        format!("0x{v:x}")
    }
}

/// How the disassembler writes a memory operand (without its size).
fn mem(m: Mem) -> String {
    let mut s = format!("[{}", r64(m.base));
    if let Some((index, scale)) = m.index {
        s += &format!("+{}", r64(index));
        if scale != 1 {
            s += &format!("*{scale}");
        }
    }
    if m.disp > 0 {
        s += &format!("+{}", hex(m.disp as i64));
    } else if m.disp < 0 {
        s += &hex(m.disp as i64);
    }
    s + "]"
}

/// Memory operands covering every base, every index with every scale, and every displacement
/// size (none, 8-bit, 32-bit, negative).
fn mems() -> Vec<Mem> {
    let mut out = Vec::new();
    for base in Gpr::ALL {
        for disp in [0, 1, -128, 127, 128, -129, 0x12345678, i32::MIN] {
            out.push(Mem::base(base, disp));
        }
        for index in Gpr::ALL.into_iter().filter(|&i| i != Gpr::Rsp) {
            for scale in [1, 2, 4, 8] {
                out.push(Mem::indexed(base, index, scale, if scale == 2 { 0 } else { 0x40 }));
            }
        }
    }
    out
}

/// Encodes with `emit`, decodes, and checks one instruction of exactly that length reading
/// as `expected`.
fn check(expected: &str, emit: impl FnOnce(&mut Assembler)) {
    let mut a = Assembler::new();
    emit(&mut a);
    let bytes = a.finish();
    let mut decoder = Decoder::with_ip(64, &bytes, 0, DecoderOptions::NONE);
    let instruction = decoder.decode();
    let mut formatter = IntelFormatter::new();
    let o = formatter.options_mut();
    o.set_hex_prefix("0x");
    o.set_hex_suffix("");
    o.set_uppercase_hex(false);
    o.set_small_hex_numbers_in_decimal(false);
    o.set_space_after_operand_separator(true);
    o.set_memory_size_options(MemorySizeOptions::Minimal);
    o.set_branch_leading_zeros(false);
    o.set_show_branch_size(false);
    let mut text = String::new();
    formatter.format(&instruction, &mut text);
    assert!(!instruction.is_invalid(), "{expected}: {bytes:02x?} does not decode");
    assert_eq!(instruction.len(), bytes.len(), "{expected}: {bytes:02x?} decodes as {text} and more bytes");
    assert_eq!(text, expected, "bytes {bytes:02x?}");
}

const SIZES: [(Size, &str); 2] = [(Size::S32, "dword"), (Size::S64, "qword")];

#[test]
fn integer_register_forms() {
    let alus = [
        (Alu::Add, "add"),
        (Alu::Or, "or"),
        (Alu::And, "and"),
        (Alu::Sub, "sub"),
        (Alu::Xor, "xor"),
        (Alu::Cmp, "cmp"),
    ];
    for (size, _) in SIZES {
        for a in Gpr::ALL {
            for b in Gpr::ALL {
                for (op, name) in alus {
                    check(&format!("{name} {}, {}", r(size, a), r(size, b)), |s| s.alu_rr(op, size, a, b));
                }
                check(&format!("mov {}, {}", r(size, a), r(size, b)), |s| s.mov_rr(size, a, b));
                check(&format!("imul {}, {}", r(size, a), r(size, b)), |s| s.imul_rr(size, a, b));
                for imm in [3, -7, 0x222c0, i32::MIN] {
                    let shown = match size {
                        Size::S32 => format!("0x{:x}", imm as u32),
                        Size::S64 => format!("0x{:x}", imm as i64 as u64),
                    };
                    // The disassembler shows `imul a, a, imm` as `imul a, imm`.
                    let operands =
                        if a == b { r(size, a).to_string() } else { format!("{}, {}", r(size, a), r(size, b)) };
                    check(&format!("imul {operands}, {shown}"), |s| s.imul_rri(size, a, b, imm));
                }
                check(&format!("test {}, {}", r(size, a), r(size, b)), |s| s.test_rr(size, a, b));
                for cond in Cond::ALL {
                    let name = CONDS[cond as usize];
                    check(&format!("cmov{name} {}, {}", r(size, a), r(size, b)), |s| s.cmov(cond, size, a, b));
                }
                for (op, name) in [(BitCount::Popcnt, "popcnt"), (BitCount::Tzcnt, "tzcnt"), (BitCount::Lzcnt, "lzcnt")]
                {
                    check(&format!("{name} {}, {}", r(size, a), r(size, b)), |s| s.bit_count(op, size, a, b));
                }
                let (from8, from16) = (NAMES8[b.num() as usize], NAMES16[b.num() as usize]);
                check(&format!("movsx {}, {from8}", r(size, a)), |s| s.movsx_rr(8, size, a, b));
                check(&format!("movsx {}, {from16}", r(size, a)), |s| s.movsx_rr(16, size, a, b));
            }
            for (op, name) in alus {
                for imm in [0, 1, -1, 127, -128, 128, -129, 0x7fff_ffff, i32::MIN] {
                    // The disassembler shows the immediate as the operand-sized value.
                    let shown = match size {
                        Size::S32 => format!("0x{:x}", imm as u32),
                        Size::S64 => format!("0x{:x}", imm as i64 as u64),
                    };
                    check(&format!("{name} {}, {shown}", r(size, a)), |s| s.alu_ri(op, size, a, imm));
                }
            }
            for (op, name) in [
                (Unary::Not, "not"),
                (Unary::Neg, "neg"),
                (Unary::Mul, "mul"),
                (Unary::Imul, "imul"),
                (Unary::Div, "div"),
                (Unary::Idiv, "idiv"),
            ] {
                check(&format!("{name} {}", r(size, a)), |s| s.unary(op, size, a));
            }
            for (op, name) in [
                (Shift::Rol, "rol"),
                (Shift::Ror, "ror"),
                (Shift::Shl, "shl"),
                (Shift::Shr, "shr"),
                (Shift::Sar, "sar"),
            ] {
                check(&format!("{name} {}, cl", r(size, a)), |s| s.shift_cl(op, size, a));
                for amount in [1u8, 5, 31, 63] {
                    check(&format!("{name} {}, 0x{amount:x}", r(size, a)), |s| s.shift_ri(op, size, a, amount));
                }
            }
        }
    }
    for a in Gpr::ALL {
        for b in Gpr::ALL {
            check(&format!("movsxd {}, {}", r64(a), NAMES32[b.num() as usize]), |s| s.movsx_rr(32, Size::S64, a, b));
            check(&format!("movzx {}, {}", NAMES32[a.num() as usize], NAMES8[b.num() as usize]), |s| s.movzx_r8(a, b));
        }
        for cond in Cond::ALL {
            check(&format!("set{} {}", CONDS[cond as usize], NAMES8[a.num() as usize]), |s| s.setcc(cond, a));
        }
        check(&format!("push {}", r64(a)), |s| s.push(a));
        check(&format!("pop {}", r64(a)), |s| s.pop(a));
        check(&format!("call {}", r64(a)), |s| s.call_r(a));
        check(&format!("jmp {}", r64(a)), |s| s.jmp_r(a));
        for imm in [0u64, 1, 0x7fff_ffff, 0xffff_ffff, u64::MAX, (-2i64) as u64, 0x1_0000_0000, 0x8000_0000_0000_0000] {
            let expected = if imm <= u32::MAX as u64 {
                format!("mov {}, 0x{imm:x}", NAMES32[a.num() as usize])
            } else {
                format!("mov {}, 0x{imm:x}", r64(a))
            };
            check(&expected, |s| s.mov_ri(a, imm));
        }
    }
    for a in Gpr::ALL {
        check(&format!("sub {}, 0x8", r64(a)), |s| {
            s.alu_ri32(Alu::Sub, Size::S64, a, 8);
        });
        check(&format!("sub {}, 0x12345678", r64(a)), |s| {
            let at = s.alu_ri32(Alu::Sub, Size::S64, a, 0);
            s.patch_imm32(at, 0x12345678);
        });
    }
    check("cdq", |s| s.sign_extend_rax(Size::S32));
    check("cqo", |s| s.sign_extend_rax(Size::S64));
    check("ret", |s| s.ret());
    check("ud2", |s| s.ud2());
}

#[test]
fn memory_forms() {
    for m in mems() {
        let at = mem(m);
        for g in [Gpr::Rax, Gpr::Rsp, Gpr::Rsi, Gpr::R9, Gpr::R12, Gpr::R15] {
            let (n8, n16, n32, n64) =
                (NAMES8[g.num() as usize], NAMES16[g.num() as usize], NAMES32[g.num() as usize], r64(g));
            check(&format!("movzx {n32}, byte ptr {at}"), |s| s.load(Load::Zx8, g, m));
            check(&format!("movzx {n32}, word ptr {at}"), |s| s.load(Load::Zx16, g, m));
            check(&format!("movsx {n32}, byte ptr {at}"), |s| s.load(Load::Sx8(Size::S32), g, m));
            check(&format!("movsx {n64}, byte ptr {at}"), |s| s.load(Load::Sx8(Size::S64), g, m));
            check(&format!("movsx {n32}, word ptr {at}"), |s| s.load(Load::Sx16(Size::S32), g, m));
            check(&format!("movsx {n64}, word ptr {at}"), |s| s.load(Load::Sx16(Size::S64), g, m));
            check(&format!("movsxd {n64}, {at}"), |s| s.load(Load::Sx32, g, m));
            check(&format!("mov {n32}, {at}"), |s| s.load(Load::Full(Size::S32), g, m));
            check(&format!("mov {n64}, {at}"), |s| s.load(Load::Full(Size::S64), g, m));
            check(&format!("mov {at}, {n8}"), |s| s.store(1, m, g));
            check(&format!("mov {at}, {n16}"), |s| s.store(2, m, g));
            check(&format!("mov {at}, {n32}"), |s| s.store(4, m, g));
            check(&format!("mov {at}, {n64}"), |s| s.store(8, m, g));
            check(&format!("lea {n64}, {at}"), |s| s.lea(g, m));
            check(&format!("lea {n32}, {at}"), |s| s.lea_sized(Size::S32, g, m));
            check(&format!("add {n32}, {at}"), |s| s.alu_rm(Alu::Add, Size::S32, g, m));
            check(&format!("cmp {n64}, {at}"), |s| s.alu_rm(Alu::Cmp, Size::S64, g, m));
        }
        check(&format!("mov byte ptr {at}, 0x7f"), |s| s.store_imm(1, m, 0x7f));
        check(&format!("mov word ptr {at}, 0x1234"), |s| s.store_imm(2, m, 0x1234));
        check(&format!("mov dword ptr {at}, 0x12345678"), |s| s.store_imm(4, m, 0x12345678));
        check(&format!("mov qword ptr {at}, 0xffffffffffffffff"), |s| s.store_imm(8, m, -1));
        check(&format!("call qword ptr {at}"), |s| s.call_m(m));
        check(&format!("cmp byte ptr {at}, 0x0"), |s| s.alu_mi(Alu::Cmp, 1, m, 0));
        check(&format!("cmp qword ptr {at}, 0x0"), |s| s.alu_mi(Alu::Cmp, 8, m, 0));
        check(&format!("cmp dword ptr {at}, 0x0"), |s| s.alu_mi(Alu::Cmp, 4, m, 0));
        check(&format!("sub qword ptr {at}, 0x1"), |s| s.alu_mi(Alu::Sub, 8, m, 1));
        check(&format!("add dword ptr {at}, 0x12345678"), |s| s.alu_mi(Alu::Add, 4, m, 0x12345678));
        for n in [0u8, 7, 8, 15] {
            check(&format!("movss {}, {at}", x(n)), |s| s.sse_load(Prec::F32, Xmm(n), m));
            check(&format!("movsd {}, {at}", x(n)), |s| s.sse_load(Prec::F64, Xmm(n), m));
            check(&format!("movss {at}, {}", x(n)), |s| s.sse_store(Prec::F32, m, Xmm(n)));
            check(&format!("movsd {at}, {}", x(n)), |s| s.sse_store(Prec::F64, m, Xmm(n)));
        }
    }
}

#[test]
fn sse_forms() {
    let ariths = [
        (SseArith::Sqrt, "sqrt"),
        (SseArith::Add, "add"),
        (SseArith::Mul, "mul"),
        (SseArith::Sub, "sub"),
        (SseArith::Min, "min"),
        (SseArith::Div, "div"),
        (SseArith::Max, "max"),
    ];
    for a in 0..16u8 {
        for b in 0..16u8 {
            for (prec, suffix) in [(Prec::F32, "ss"), (Prec::F64, "sd")] {
                for (op, name) in ariths {
                    check(&format!("{name}{suffix} {}, {}", x(a), x(b)), |s| s.sse_arith(op, prec, Xmm(a), Xmm(b)));
                }
                check(&format!("ucomi{suffix} {}, {}", x(a), x(b)), |s| s.ucomis(prec, Xmm(a), Xmm(b)));
                for mode in [0u8, 1, 2, 3, 8, 11] {
                    check(&format!("round{suffix} {}, {}, 0x{mode:x}", x(a), x(b)), |s| {
                        s.round(prec, Xmm(a), Xmm(b), mode)
                    });
                }
            }
            check(&format!("cvtss2sd {}, {}", x(a), x(b)), |s| s.cvt_float(Prec::F32, Xmm(a), Xmm(b)));
            check(&format!("cvtsd2ss {}, {}", x(a), x(b)), |s| s.cvt_float(Prec::F64, Xmm(a), Xmm(b)));
            check(&format!("movaps {}, {}", x(a), x(b)), |s| s.movaps(Xmm(a), Xmm(b)));
            for (op, name) in
                [(SseLogic::And, "andps"), (SseLogic::Andn, "andnps"), (SseLogic::Or, "orps"), (SseLogic::Xor, "xorps")]
            {
                check(&format!("{name} {}, {}", x(a), x(b)), |s| s.sse_logic(op, Xmm(a), Xmm(b)));
            }
        }
        for g in Gpr::ALL {
            let (n32, n64) = (NAMES32[g.num() as usize], r64(g));
            check(&format!("movd {}, {n32}", x(a)), |s| s.mov_to_xmm(Size::S32, Xmm(a), g));
            check(&format!("movq {}, {n64}", x(a)), |s| s.mov_to_xmm(Size::S64, Xmm(a), g));
            check(&format!("movd {n32}, {}", x(a)), |s| s.mov_from_xmm(Size::S32, g, Xmm(a)));
            check(&format!("movq {n64}, {}", x(a)), |s| s.mov_from_xmm(Size::S64, g, Xmm(a)));
            for (prec, suffix) in [(Prec::F32, "ss"), (Prec::F64, "sd")] {
                check(&format!("cvtsi2{suffix} {}, {n32}", x(a)), |s| s.cvt_int_to_float(prec, Size::S32, Xmm(a), g));
                check(&format!("cvtsi2{suffix} {}, {n64}", x(a)), |s| s.cvt_int_to_float(prec, Size::S64, Xmm(a), g));
                check(&format!("cvtt{suffix}2si {n32}, {}", x(a)), |s| s.cvt_float_to_int(prec, Size::S32, g, Xmm(a)));
                check(&format!("cvtt{suffix}2si {n64}, {}", x(a)), |s| s.cvt_float_to_int(prec, Size::S64, g, Xmm(a)));
            }
        }
    }
}

#[test]
fn jumps_reach_their_labels() {
    let mut a = Assembler::new();
    let (back, forward) = (a.new_label(), a.new_label());
    a.bind(back);
    a.ret(); // 0
    a.jmp(forward); // 1..6
    for cond in Cond::ALL {
        a.jcc(cond, back); // 6.. (6 bytes each)
    }
    a.call(back);
    a.ud2();
    a.bind(forward);
    a.ret();
    let end = a.offset() - 1;
    let bytes = a.finish();
    let mut decoder = Decoder::with_ip(64, &bytes, 0, DecoderOptions::NONE);
    let instructions: Vec<_> = std::iter::from_fn(|| decoder.can_decode().then(|| decoder.decode())).collect();
    assert_eq!(instructions.len(), 2 + 16 + 3);
    assert_eq!(instructions[1].near_branch_target(), end as u64, "jmp to a label bound later");
    for (i, cond) in Cond::ALL.iter().enumerate() {
        let j = &instructions[2 + i];
        assert_eq!(j.near_branch_target(), 0, "j{} back", CONDS[*cond as usize]);
        assert_eq!(format!("{:?}", j.condition_code()).to_lowercase(), CONDS[*cond as usize]);
    }
    assert_eq!(instructions[18].near_branch_target(), 0, "call");
}

/// The mnemonic of a form: its name, lowercased (the encoder names them as the manuals do).
fn mnemonic(op: impl std::fmt::Debug) -> String {
    format!("{op:?}").to_lowercase()
}

/// How the disassembler names a `cmpps`/`cmppd` predicate.
const PREDICATES: [&str; 8] = ["eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"];

#[test]
fn packed_register_forms() {
    for a in 0..16u8 {
        for b in 0..16u8 {
            for &op in Packed::ALL {
                check(&format!("{} {}, {}", mnemonic(op), x(a), x(b)), |s| s.packed(op, Xmm(a), Xmm(b)));
            }
            for &op in PackedImm::ALL {
                for imm in [0u8, 1, 7, 0x44, 0xee, 0xff] {
                    let expected = match op {
                        PackedImm::Cmpps | PackedImm::Cmppd if imm < 8 => {
                            let suffix = if op == PackedImm::Cmpps { "ps" } else { "pd" };
                            format!("cmp{}{suffix} {}, {}", PREDICATES[imm as usize], x(a), x(b))
                        }
                        _ => format!("{} {}, {}, 0x{imm:x}", mnemonic(op), x(a), x(b)),
                    };
                    check(&expected, |s| s.packed_imm(op, Xmm(a), Xmm(b), imm));
                }
            }
        }
        for &op in PackedShift::ALL {
            for imm in [0u8, 1, 8, 31, 63] {
                check(&format!("{} {}, 0x{imm:x}", mnemonic(op), x(a)), |s| s.packed_shift(op, Xmm(a), imm));
            }
        }
        for g in Gpr::ALL {
            let (n32, n64) = (NAMES32[g.num() as usize], r64(g));
            for op in [Movmsk::Pmovmskb, Movmsk::Movmskps, Movmsk::Movmskpd] {
                check(&format!("{} {n32}, {}", mnemonic(op), x(a)), |s| s.movmsk(op, g, Xmm(a)));
            }
            for lane in [0u8, 1, 3, 7, 15] {
                for (bytes, name) in [(1, "pextrb"), (2, "pextrw"), (4, "pextrd"), (8, "pextrq")] {
                    let dst = if bytes == 8 { n64 } else { n32 };
                    check(&format!("{name} {dst}, {}, 0x{lane:x}", x(a)), |s| s.pextr(bytes, g, Xmm(a), lane));
                }
                for (bytes, name) in [(1, "pinsrb"), (2, "pinsrw"), (4, "pinsrd"), (8, "pinsrq")] {
                    let src = if bytes == 8 { n64 } else { n32 };
                    check(&format!("{name} {}, {src}, 0x{lane:x}", x(a)), |s| s.pinsr(bytes, Xmm(a), g, lane));
                }
            }
        }
    }
}

#[test]
fn packed_memory_forms() {
    for m in mems() {
        let at = mem(m);
        for n in [0u8, 7, 8, 13, 15] {
            for &op in Packed::ALL {
                check(&format!("{} {}, {at}", mnemonic(op), x(n)), |s| s.packed_m(op, Xmm(n), m));
            }
            check(&format!("movdqu {}, {at}", x(n)), |s| s.movdqu_load(Xmm(n), m));
            check(&format!("movdqu {at}, {}", x(n)), |s| s.movdqu_store(m, Xmm(n)));
            for lane in [0u8, 1, 15] {
                for (bytes, name) in [(1, "b"), (2, "w"), (4, "d"), (8, "q")] {
                    check(&format!("pextr{name} {at}, {}, 0x{lane:x}", x(n)), |s| s.pextr_m(bytes, m, Xmm(n), lane));
                    check(&format!("pinsr{name} {}, {at}, 0x{lane:x}", x(n)), |s| s.pinsr_m(bytes, Xmm(n), m, lane));
                }
            }
        }
    }
}

#[test]
fn lea_label_takes_the_label_address() {
    for dst in Gpr::ALL {
        let mut a = Assembler::new();
        let label = a.new_label();
        a.int3();
        a.lea_label(dst, label);
        a.int3();
        a.bind(label);
        a.ret();
        let at = a.offset() - 1;
        let bytes = a.finish();
        let mut decoder = Decoder::with_ip(64, &bytes, 0, DecoderOptions::NONE);
        let instructions: Vec<_> = std::iter::from_fn(|| decoder.can_decode().then(|| decoder.decode())).collect();
        let names: Vec<String> = instructions.iter().map(|i| mnemonic(i.mnemonic())).collect();
        assert_eq!(names, ["int3", "lea", "int3", "ret"]);
        let lea = &instructions[1];
        assert_eq!(lea.op0_register(), iced_x86::Register::RAX + dst.num() as u32, "lea {dst:?}");
        assert!(lea.is_ip_rel_memory_operand(), "lea {dst:?} is rip-relative");
        assert_eq!(lea.ip_rel_memory_address(), at as u64, "lea {dst:?} reaches the label");
    }
}

/// `Assembler::zero_extended`, which lets a heap access skip its index's `mov r32, r32`: true
/// only for the register the instruction just emitted wrote with a 32-bit operation, and never
/// across a label (a jump may arrive with anything in the register).
#[test]
fn only_a_32_bit_write_just_before_zero_extends() {
    /// An instruction form, named.
    type Form = (&'static str, fn(&mut Assembler));
    let mut a = Assembler::new();
    let writes32: [Form; 8] = [
        ("mov r32", |a| a.mov_rr(Size::S32, Gpr::R9, Gpr::Rbx)),
        ("add r32", |a| a.alu_rr(Alu::Add, Size::S32, Gpr::R9, Gpr::Rbx)),
        ("and r32, imm", |a| a.alu_ri(Alu::And, Size::S32, Gpr::R9, 0x7f)),
        ("lea r32", |a| a.lea_sized(Size::S32, Gpr::R9, Mem::base(Gpr::Rbx, 4))),
        ("imul r32", |a| a.imul_rr(Size::S32, Gpr::R9, Gpr::Rbx)),
        ("shl r32", |a| a.shift_ri(Shift::Shl, Size::S32, Gpr::R9, 2)),
        ("load 32", |a| a.load(Load::Full(Size::S32), Gpr::R9, Mem::base(Gpr::Rbx, 4))),
        ("movzx 8", |a| a.load(Load::Zx8, Gpr::R9, Mem::base(Gpr::Rbx, 4))),
    ];
    for (name, write) in writes32 {
        write(&mut a);
        assert!(a.zero_extended(Gpr::R9), "{name}");
        assert!(!a.zero_extended(Gpr::R10), "{name}: another register");
        // Anything emitted after it, even a comparison, ends it.
        a.alu_rr(Alu::Cmp, Size::S32, Gpr::R9, Gpr::Rbx);
        assert!(!a.zero_extended(Gpr::R9), "{name}, then cmp");
        write(&mut a);
        let label = a.new_label();
        a.bind(label);
        assert!(!a.zero_extended(Gpr::R9), "{name}, then a label");
    }
    let writes64: [Form; 6] = [
        ("mov r64", |a| a.mov_rr(Size::S64, Gpr::R9, Gpr::Rbx)),
        ("add r64", |a| a.alu_rr(Alu::Add, Size::S64, Gpr::R9, Gpr::Rbx)),
        ("lea r64", |a| a.lea(Gpr::R9, Mem::base(Gpr::Rbx, 4))),
        ("load 64", |a| a.load(Load::Full(Size::S64), Gpr::R9, Mem::base(Gpr::Rbx, 4))),
        ("movsxd", |a| a.load(Load::Sx32, Gpr::R9, Mem::base(Gpr::Rbx, 4))),
        ("setcc", |a| a.setcc(Cond::E, Gpr::R9)),
    ];
    for (name, write) in writes64 {
        a.mov_rr(Size::S32, Gpr::R9, Gpr::Rbx);
        write(&mut a);
        assert!(!a.zero_extended(Gpr::R9), "{name}");
    }
}

#[test]
fn alignment_pads_with_whole_no_ops() {
    // From every offset in a 32-byte block, the padding to 16 and to 32 decodes to no-ops only,
    // the fewest of up to 9 bytes, ending exactly at the boundary, after which code goes on.
    for start in 0..32 {
        for align in [16, 32] {
            let mut a = Assembler::new();
            (0..start).for_each(|_| a.ret());
            a.align(align);
            let end = a.offset();
            a.ret();
            let bytes = a.finish();
            let pad = (align - start % align) % align;
            assert_eq!(end, start + pad, "align {align} from {start}");
            let mut decoder = Decoder::with_ip(64, &bytes[start..], start as u64, DecoderOptions::NONE);
            let instructions: Vec<_> = std::iter::from_fn(|| decoder.can_decode().then(|| decoder.decode())).collect();
            let (nops, rest) = instructions.split_at(instructions.len() - 1);
            assert_eq!(nops.len(), pad.div_ceil(9), "align {align} from {start}: {:02x?}", &bytes[start..]);
            assert!(nops.iter().all(|i| i.mnemonic() == iced_x86::Mnemonic::Nop), "{:02x?}", &bytes[start..]);
            assert_eq!(rest[0].ip(), end as u64);
            assert_eq!(rest[0].mnemonic(), iced_x86::Mnemonic::Ret);
        }
    }
}
