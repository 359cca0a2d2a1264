//! The x86_64 encoder: one method per instruction form the compiler emits, writing its bytes
//! (legacy prefixes, REX, opcode, ModRM, SIB, displacement, immediate) to a buffer, plus labels
//! for jumps. Every form is checked against a disassembler in tests/x64_encoding.rs.

use super::regs::{Gpr, Xmm};

/// Operand size of an integer instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    S32,
    S64,
}

impl Size {
    fn w(self) -> bool {
        self == Size::S64
    }
}

/// A memory operand: `[base + index * scale + disp]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mem {
    pub base: Gpr,
    /// Index register (not rsp) and scale (1, 2, 4 or 8).
    pub index: Option<(Gpr, u8)>,
    pub disp: i32,
}

impl Mem {
    pub fn base(base: Gpr, disp: i32) -> Mem {
        Mem { base, index: None, disp }
    }

    pub fn indexed(base: Gpr, index: Gpr, scale: u8, disp: i32) -> Mem {
        Mem { base, index: Some((index, scale)), disp }
    }
}

/// Condition codes, numbered as `jcc`, `setcc` and `cmovcc` encode them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Cond {
    O = 0,
    No = 1,
    B = 2,
    Ae = 3,
    E = 4,
    Ne = 5,
    Be = 6,
    A = 7,
    S = 8,
    Ns = 9,
    P = 10,
    Np = 11,
    L = 12,
    Ge = 13,
    Le = 14,
    G = 15,
}

impl Cond {
    pub const ALL: [Cond; 16] = [
        Cond::O,
        Cond::No,
        Cond::B,
        Cond::Ae,
        Cond::E,
        Cond::Ne,
        Cond::Be,
        Cond::A,
        Cond::S,
        Cond::Ns,
        Cond::P,
        Cond::Np,
        Cond::L,
        Cond::Ge,
        Cond::Le,
        Cond::G,
    ];
}

/// Two-operand integer arithmetic; the value is the opcode extension (`/n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Alu {
    Add = 0,
    Or = 1,
    And = 4,
    Sub = 5,
    Xor = 6,
    Cmp = 7,
}

/// One-operand group-3 instructions (`F7 /n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Unary {
    Not = 2,
    Neg = 3,
    Mul = 4,
    Imul = 5,
    Div = 6,
    Idiv = 7,
}

/// Shifts and rotates (`/n` of `C1` and `D3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Shift {
    Rol = 0,
    Ror = 1,
    Shl = 4,
    Shr = 5,
    Sar = 7,
}

/// Bit counts (`F3 0F xx`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum BitCount {
    Popcnt = 0xB8,
    Tzcnt = 0xBC,
    Lzcnt = 0xBD,
}

/// How a load widens what it reads into a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Load {
    /// 8 or 16 bits, zero-extended (to 64: writing a 32-bit register clears the upper half).
    Zx8,
    Zx16,
    /// 8 or 16 bits, sign-extended to 32 or 64 bits.
    Sx8(Size),
    Sx16(Size),
    /// 32 bits sign-extended to 64.
    Sx32,
    /// 32 bits (zero-extended to 64) or 64 bits.
    Full(Size),
}

/// Scalar float precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prec {
    F32,
    F64,
}

impl Prec {
    /// The mandatory prefix of the scalar (`ss`/`sd`) forms.
    fn scalar_prefix(self) -> u8 {
        match self {
            Prec::F32 => 0xF3,
            Prec::F64 => 0xF2,
        }
    }
}

/// Scalar float arithmetic (`F3/F2 0F xx`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum SseArith {
    Sqrt = 0x51,
    Add = 0x58,
    Mul = 0x59,
    Sub = 0x5C,
    Min = 0x5D,
    Div = 0x5E,
    Max = 0x5F,
}

/// Packed bitwise operations on whole registers (`0F xx`, `66 0F xx` for doubles).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum SseLogic {
    And = 0x54,
    Andn = 0x55,
    Or = 0x56,
    Xor = 0x57,
}

/// A position in the code that jumps can target before it is bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(u32);

/// An emitted instruction's 32-bit displacement waiting for its label.
struct Fixup {
    /// Offset of the displacement; it is relative to the end of the instruction, 4 bytes on.
    /// (Code offsets fit 32 bits, as the sites' do: a displacement reaches 2 GiB at most.)
    at: u32,
    label: Label,
}

/// Where a label is bound: the offset of the code it labels, or `UNBOUND`.
const UNBOUND: u32 = u32::MAX;

/// The no-operation instruction of each length from 1 to 9 bytes: `nop`, then `nop` with an
/// operand size prefix, then `nop r/m32` (0F 1F) with ever longer memory operands.
const NOPS: [&[u8]; 9] = [
    &[0x90],
    &[0x66, 0x90],
    &[0x0f, 0x1f, 0x00],
    &[0x0f, 0x1f, 0x40, 0x00],
    &[0x0f, 0x1f, 0x44, 0x00, 0x00],
    &[0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
    &[0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
    &[0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
    &[0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];

#[derive(Default)]
pub struct Assembler {
    code: Vec<u8>,
    labels: Vec<u32>,
    fixups: Vec<Fixup>,
    /// The register the last instruction wrote with a 32-bit operation (which clears the upper
    /// half), and where that instruction ended: `zero_extended` holds for it only right there,
    /// with no label bound since.
    wrote32: Option<(Gpr, usize)>,
}

/// What an operand contributes to ModRM: a register or memory.
#[derive(Clone, Copy)]
enum Rm {
    Reg(u8),
    Mem(Mem),
}

/// One instruction's bytes as `Assembler::emit` writes them, straight to the end of the code
/// (which has room for a whole instruction).
struct Encoding<'a>(&'a mut Vec<u8>);

impl Encoding<'_> {
    fn push(&mut self, b: u8) {
        self.0.push(b);
    }

    /// ModRM with `reg` in its reg field for memory operand `m`, then SIB and displacement as
    /// needed.
    fn modrm_mem(&mut self, reg: u8, m: Mem) {
        let base = m.base.num() & 7;
        // rbp and r13 as a base have no displacement-free form.
        let mode = if m.disp == 0 && base != 5 {
            0
        } else if i8::try_from(m.disp).is_ok() {
            1
        } else {
            2
        };
        match m.index {
            Some((index, scale)) => {
                assert!(index != Gpr::Rsp, "rsp cannot be an index");
                let ss = match scale {
                    1 => 0,
                    2 => 1,
                    4 => 2,
                    8 => 3,
                    _ => panic!("scale {scale} is not 1, 2, 4 or 8"),
                };
                self.push(mode << 6 | reg << 3 | 4);
                self.push(ss << 6 | (index.num() & 7) << 3 | base);
            }
            // rsp and r12 as a base need a SIB byte (with no index).
            None if base == 4 => {
                self.push(mode << 6 | reg << 3 | 4);
                self.push(0x24);
            }
            None => self.push(mode << 6 | reg << 3 | base),
        }
        match mode {
            1 => self.push(m.disp as i8 as u8),
            2 => {
                for b in m.disp.to_le_bytes() {
                    self.push(b);
                }
            }
            _ => {}
        }
    }
}

/// Points the 32-bit displacement at `at` in `code` (relative to its end) to offset `target`.
pub fn link(code: &mut [u8], at: usize, target: usize) {
    let rel = target as i64 - (at as i64 + 4);
    code[at..at + 4].copy_from_slice(&(rel as i32).to_le_bytes());
}

impl Label {
    /// The label's number: labels are numbered from 0 in the order they are made.
    pub fn index(self) -> u32 {
        self.0
    }
}

impl Assembler {
    pub fn new() -> Assembler {
        Assembler::default()
    }

    /// An assembler with room for `bytes` of code before it grows.
    pub fn with_capacity(bytes: usize) -> Assembler {
        Assembler { code: Vec::with_capacity(bytes), ..Assembler::default() }
    }

    /// The offset the next instruction starts at.
    pub fn offset(&self) -> usize {
        self.code.len()
    }

    /// The code, with every jump resolved. Panics if a used label was never bound (a compiler
    /// bug).
    pub fn finish(self) -> Vec<u8> {
        let (code, open) = self.finish_open();
        assert!(open.is_empty(), "every used label is bound");
        code
    }

    /// The code, with every jump to a bound label resolved; and the jumps and calls to labels
    /// never bound: where their 32-bit displacement is (relative to the 4 bytes after it, as
    /// `link` writes it) and the label.
    pub fn finish_open(mut self) -> (Vec<u8>, Vec<(usize, Label)>) {
        let mut open = Vec::new();
        for f in std::mem::take(&mut self.fixups) {
            match self.labels[f.label.0 as usize] {
                UNBOUND => open.push((f.at as usize, f.label)),
                target => link(&mut self.code, f.at as usize, target as usize),
            }
        }
        (self.code, open)
    }

    pub fn new_label(&mut self) -> Label {
        self.labels.push(UNBOUND);
        Label(self.labels.len() as u32 - 1)
    }

    /// Binds `label` to the current offset.
    pub fn bind(&mut self, label: Label) {
        self.labels[label.0 as usize] = self.code.len() as u32;
        // A jump may arrive here with anything in the register.
        self.wrote32 = None;
    }

    /// Notes that the instruction just emitted wrote `r` with a 32-bit operation.
    fn wrote(&mut self, size: Size, r: Gpr) {
        self.wrote32 = (!size.w()).then_some((r, self.code.len()));
    }

    /// Whether the upper half of `r` is certainly zero here: the instruction just before wrote
    /// it with a 32-bit operation and nothing can jump in between.
    pub fn zero_extended(&self, r: Gpr) -> bool {
        self.wrote32 == Some((r, self.code.len()))
    }

    /// Pads with no-operation instructions until the offset is a multiple of `align` (a power
    /// of two): the fewest, each the longest recommended form of up to 9 bytes, so that the
    /// processor decodes as few as possible where the padding is executed (before a loop).
    pub fn align(&mut self, align: usize) {
        let mut pad = self.code.len().wrapping_neg() & (align - 1);
        while pad > 0 {
            let n = pad.min(NOPS.len());
            self.bytes(NOPS[n - 1]);
            pad -= n;
        }
    }

    fn byte(&mut self, b: u8) {
        self.code.push(b);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.code.extend_from_slice(b);
    }

    /// Emits an instruction: `prefix` (a mandatory or size prefix, 0 for none), REX as needed,
    /// `opcode`, then ModRM (with `reg` in its reg field) and what `rm` needs. `byte_regs`:
    /// register operands are 8-bit, so spl/bpl/sil/dil need a REX prefix.
    fn emit(&mut self, prefix: u8, w: bool, opcode: &[u8], reg: u8, rm: Rm, byte_regs: bool) {
        // An instruction has at most 15 bytes: no push below grows the code.
        self.code.reserve(16);
        let mut e = Encoding(&mut self.code);
        if prefix != 0 {
            e.push(prefix);
        }
        let (x, b) = match rm {
            Rm::Reg(r) => (0, r >> 3),
            Rm::Mem(m) => (m.index.map_or(0, |(i, _)| i.num() >> 3), m.base.num() >> 3),
        };
        let rex = 0x40 | (w as u8) << 3 | (reg >> 3) << 2 | x << 1 | b;
        let byte_reg_needs_rex =
            byte_regs && ((4..8).contains(&reg) || matches!(rm, Rm::Reg(r) if (4..8).contains(&r)));
        if rex != 0x40 || byte_reg_needs_rex {
            e.push(rex);
        }
        for &op in opcode {
            e.push(op);
        }
        match rm {
            Rm::Reg(r) => e.push(0xC0 | (reg & 7) << 3 | (r & 7)),
            Rm::Mem(m) => e.modrm_mem(reg & 7, m),
        }
    }

    /// `op dst, src` on registers.
    pub fn alu_rr(&mut self, op: Alu, size: Size, dst: Gpr, src: Gpr) {
        self.emit(0, size.w(), &[(op as u8) << 3 | 1], src.num(), Rm::Reg(dst.num()), false);
        if op != Alu::Cmp {
            self.wrote(size, dst);
        }
    }

    /// `op dst, imm` (the immediate sign-extended to the operand size).
    pub fn alu_ri(&mut self, op: Alu, size: Size, dst: Gpr, imm: i32) {
        if let Ok(imm8) = i8::try_from(imm) {
            self.emit(0, size.w(), &[0x83], op as u8, Rm::Reg(dst.num()), false);
            self.byte(imm8 as u8);
        } else {
            self.emit(0, size.w(), &[0x81], op as u8, Rm::Reg(dst.num()), false);
            self.bytes(&imm.to_le_bytes());
        }
        if op != Alu::Cmp {
            self.wrote(size, dst);
        }
    }

    /// `op dst, imm32`, always with a 32-bit immediate; returns where the immediate is, for
    /// `patch_imm32` (a value known only later, such as a frame's size).
    pub fn alu_ri32(&mut self, op: Alu, size: Size, dst: Gpr, imm: i32) -> usize {
        self.emit(0, size.w(), &[0x81], op as u8, Rm::Reg(dst.num()), false);
        let at = self.code.len();
        self.bytes(&imm.to_le_bytes());
        at
    }

    /// Replaces the 32-bit immediate at `at` (from `alu_ri32`).
    pub fn patch_imm32(&mut self, at: usize, imm: i32) {
        self.code[at..at + 4].copy_from_slice(&imm.to_le_bytes());
    }

    /// `op dst, [mem]`.
    pub fn alu_rm(&mut self, op: Alu, size: Size, dst: Gpr, src: Mem) {
        self.emit(0, size.w(), &[(op as u8) << 3 | 3], dst.num(), Rm::Mem(src), false);
    }

    /// `op [mem], imm` on 1, 4 or 8 bytes (the immediate sign-extended to the size).
    pub fn alu_mi(&mut self, op: Alu, bytes: u8, dst: Mem, imm: i32) {
        match (bytes, i8::try_from(imm)) {
            (1, _) => {
                self.emit(0, false, &[0x80], op as u8, Rm::Mem(dst), false);
                self.byte(imm as u8);
            }
            (4 | 8, Ok(imm8)) => {
                self.emit(0, bytes == 8, &[0x83], op as u8, Rm::Mem(dst), false);
                self.byte(imm8 as u8);
            }
            (4 | 8, Err(_)) => {
                self.emit(0, bytes == 8, &[0x81], op as u8, Rm::Mem(dst), false);
                self.bytes(&imm.to_le_bytes());
            }
            _ => panic!("no {bytes}-byte form"),
        }
    }

    pub fn mov_rr(&mut self, size: Size, dst: Gpr, src: Gpr) {
        self.emit(0, size.w(), &[0x89], src.num(), Rm::Reg(dst.num()), false);
        self.wrote(size, dst);
    }

    /// Loads a constant in the shortest form: `mov r32, imm32` (zero-extending) when it fits
    /// 32 unsigned bits, `mov r64, simm32` when it fits sign-extended, else `mov r64, imm64`.
    pub fn mov_ri(&mut self, dst: Gpr, imm: u64) {
        let (rex_b, low) = (dst.num() >> 3, dst.num() & 7);
        if let Ok(imm32) = u32::try_from(imm) {
            if rex_b != 0 {
                self.byte(0x41);
            }
            self.byte(0xB8 + low);
            self.bytes(&imm32.to_le_bytes());
        } else if let Ok(simm32) = i32::try_from(imm as i64) {
            self.emit(0, true, &[0xC7], 0, Rm::Reg(dst.num()), false);
            self.bytes(&simm32.to_le_bytes());
        } else {
            self.byte(0x48 | rex_b);
            self.byte(0xB8 + low);
            self.bytes(&imm.to_le_bytes());
        }
    }

    /// Loads from memory, widening as `kind` says.
    pub fn load(&mut self, kind: Load, dst: Gpr, src: Mem) {
        let (w, opcode): (bool, &[u8]) = match kind {
            Load::Zx8 => (false, &[0x0F, 0xB6]),
            Load::Zx16 => (false, &[0x0F, 0xB7]),
            Load::Sx8(size) => (size.w(), &[0x0F, 0xBE]),
            Load::Sx16(size) => (size.w(), &[0x0F, 0xBF]),
            Load::Sx32 => (true, &[0x63]),
            Load::Full(size) => (size.w(), &[0x8B]),
        };
        self.emit(0, w, opcode, dst.num(), Rm::Mem(src), false);
        self.wrote(if w { Size::S64 } else { Size::S32 }, dst);
    }

    /// Stores the low `bytes` (1, 2, 4 or 8) of `src`.
    pub fn store(&mut self, bytes: u8, dst: Mem, src: Gpr) {
        match bytes {
            1 => self.emit(0, false, &[0x88], src.num(), Rm::Mem(dst), true),
            2 => self.emit(0x66, false, &[0x89], src.num(), Rm::Mem(dst), false),
            4 => self.emit(0, false, &[0x89], src.num(), Rm::Mem(dst), false),
            8 => self.emit(0, true, &[0x89], src.num(), Rm::Mem(dst), false),
            _ => panic!("no {bytes}-byte store"),
        }
    }

    /// Stores an immediate: the low `bytes` (1, 2, 4) of `imm`, or for 8 bytes `imm`
    /// sign-extended.
    pub fn store_imm(&mut self, bytes: u8, dst: Mem, imm: i32) {
        match bytes {
            1 => {
                self.emit(0, false, &[0xC6], 0, Rm::Mem(dst), false);
                self.byte(imm as u8);
            }
            2 => {
                self.emit(0x66, false, &[0xC7], 0, Rm::Mem(dst), false);
                self.bytes(&(imm as u16).to_le_bytes());
            }
            4 | 8 => {
                self.emit(0, bytes == 8, &[0xC7], 0, Rm::Mem(dst), false);
                self.bytes(&imm.to_le_bytes());
            }
            _ => panic!("no {bytes}-byte store"),
        }
    }

    pub fn lea(&mut self, dst: Gpr, src: Mem) {
        self.lea_sized(Size::S64, dst, src);
    }

    /// `lea` of `size`: a 32-bit one keeps the low half of the address, zero-extended.
    pub fn lea_sized(&mut self, size: Size, dst: Gpr, src: Mem) {
        self.emit(0, size.w(), &[0x8D], dst.num(), Rm::Mem(src), false);
        self.wrote(size, dst);
    }

    /// `imul dst, src`.
    pub fn imul_rr(&mut self, size: Size, dst: Gpr, src: Gpr) {
        self.emit(0, size.w(), &[0x0F, 0xAF], dst.num(), Rm::Reg(src.num()), false);
        self.wrote(size, dst);
    }

    /// `imul dst, src, imm` (a 32-bit immediate, sign-extended in a 64-bit one).
    pub fn imul_rri(&mut self, size: Size, dst: Gpr, src: Gpr, imm: i32) {
        self.emit(0, size.w(), &[0x69], dst.num(), Rm::Reg(src.num()), false);
        self.bytes(&imm.to_le_bytes());
        self.wrote(size, dst);
    }

    /// `not`, `neg`, and the `rdx:rax` forms of `mul`, `imul`, `div`, `idiv`.
    pub fn unary(&mut self, op: Unary, size: Size, r: Gpr) {
        self.emit(0, size.w(), &[0xF7], op as u8, Rm::Reg(r.num()), false);
    }

    /// Sign-extends `eax` into `edx` (`cdq`) or `rax` into `rdx` (`cqo`), before `idiv`.
    pub fn sign_extend_rax(&mut self, size: Size) {
        if size.w() {
            self.byte(0x48);
        }
        self.byte(0x99);
    }

    /// Shift or rotate by `cl`.
    pub fn shift_cl(&mut self, op: Shift, size: Size, dst: Gpr) {
        self.emit(0, size.w(), &[0xD3], op as u8, Rm::Reg(dst.num()), false);
    }

    /// Shift or rotate by a constant.
    pub fn shift_ri(&mut self, op: Shift, size: Size, dst: Gpr, amount: u8) {
        self.emit(0, size.w(), &[0xC1], op as u8, Rm::Reg(dst.num()), false);
        self.byte(amount);
        self.wrote(size, dst);
    }

    pub fn test_rr(&mut self, size: Size, a: Gpr, b: Gpr) {
        self.emit(0, size.w(), &[0x85], b.num(), Rm::Reg(a.num()), false);
    }

    /// Sets the low byte of `dst` to 1 if `cond` holds, else 0 (the rest is unchanged).
    pub fn setcc(&mut self, cond: Cond, dst: Gpr) {
        self.emit(0, false, &[0x0F, 0x90 | cond as u8], 0, Rm::Reg(dst.num()), true);
    }

    /// `movzx dst32, src8`.
    pub fn movzx_r8(&mut self, dst: Gpr, src: Gpr) {
        self.emit(0, false, &[0x0F, 0xB6], dst.num(), Rm::Reg(src.num()), true);
    }

    /// `movsx` of the low 8 or 16 bits, or `movsxd` of the low 32, into a 32- or 64-bit
    /// register.
    pub fn movsx_rr(&mut self, from_bits: u8, size: Size, dst: Gpr, src: Gpr) {
        match from_bits {
            8 => self.emit(0, size.w(), &[0x0F, 0xBE], dst.num(), Rm::Reg(src.num()), true),
            16 => self.emit(0, size.w(), &[0x0F, 0xBF], dst.num(), Rm::Reg(src.num()), false),
            32 => self.emit(0, true, &[0x63], dst.num(), Rm::Reg(src.num()), false),
            _ => panic!("no sign extension from {from_bits} bits"),
        }
    }

    pub fn cmov(&mut self, cond: Cond, size: Size, dst: Gpr, src: Gpr) {
        self.emit(0, size.w(), &[0x0F, 0x40 | cond as u8], dst.num(), Rm::Reg(src.num()), false);
    }

    /// `popcnt`, `tzcnt` or `lzcnt` (the latter two need BMI1/LZCNT; the compiler checks cpuid).
    pub fn bit_count(&mut self, op: BitCount, size: Size, dst: Gpr, src: Gpr) {
        self.emit(0xF3, size.w(), &[0x0F, op as u8], dst.num(), Rm::Reg(src.num()), false);
    }

    pub fn push(&mut self, r: Gpr) {
        if r.num() >= 8 {
            self.byte(0x41);
        }
        self.byte(0x50 + (r.num() & 7));
    }

    pub fn pop(&mut self, r: Gpr) {
        if r.num() >= 8 {
            self.byte(0x41);
        }
        self.byte(0x58 + (r.num() & 7));
    }

    pub fn ret(&mut self) {
        self.byte(0xC3);
    }

    /// `ud2`: raises SIGILL, for explicit traps at a registered trap site.
    pub fn ud2(&mut self) {
        self.bytes(&[0x0F, 0x0B]);
    }

    pub fn call_r(&mut self, target: Gpr) {
        self.emit(0, false, &[0xFF], 2, Rm::Reg(target.num()), false);
    }

    pub fn call_m(&mut self, target: Mem) {
        self.emit(0, false, &[0xFF], 2, Rm::Mem(target), false);
    }

    pub fn jmp_r(&mut self, target: Gpr) {
        self.emit(0, false, &[0xFF], 4, Rm::Reg(target.num()), false);
    }

    /// `lea dst, [rip + label]`: the label's address.
    pub fn lea_label(&mut self, dst: Gpr, label: Label) {
        self.bytes(&[0x48 | (dst.num() >> 3) << 2, 0x8D, 0x05 | (dst.num() & 7) << 3]);
        self.rel32(label);
    }

    /// `int3`, as padding that is never run.
    pub fn int3(&mut self) {
        self.byte(0xCC);
    }

    fn rel32(&mut self, label: Label) {
        self.fixups.push(Fixup { at: self.code.len() as u32, label });
        self.bytes(&[0; 4]);
    }

    pub fn jmp(&mut self, label: Label) {
        self.byte(0xE9);
        self.rel32(label);
    }

    pub fn jcc(&mut self, cond: Cond, label: Label) {
        self.bytes(&[0x0F, 0x80 | cond as u8]);
        self.rel32(label);
    }

    pub fn call(&mut self, label: Label) {
        self.byte(0xE8);
        self.rel32(label);
    }

    /// `addss`/`addsd` and the other scalar arithmetic: `dst = dst op src` (`sqrt`: of `src`).
    pub fn sse_arith(&mut self, op: SseArith, prec: Prec, dst: Xmm, src: Xmm) {
        self.emit(prec.scalar_prefix(), false, &[0x0F, op as u8], dst.num(), Rm::Reg(src.num()), false);
    }

    /// `movss`/`movsd` from memory.
    pub fn sse_load(&mut self, prec: Prec, dst: Xmm, src: Mem) {
        self.emit(prec.scalar_prefix(), false, &[0x0F, 0x10], dst.num(), Rm::Mem(src), false);
    }

    /// `movss`/`movsd` to memory.
    pub fn sse_store(&mut self, prec: Prec, dst: Mem, src: Xmm) {
        self.emit(prec.scalar_prefix(), false, &[0x0F, 0x11], src.num(), Rm::Mem(dst), false);
    }

    /// `movaps dst, src`: copies the whole register.
    pub fn movaps(&mut self, dst: Xmm, src: Xmm) {
        self.emit(0, false, &[0x0F, 0x28], dst.num(), Rm::Reg(src.num()), false);
    }

    /// Bitwise operation on whole registers: `andps`, `andnps`, `orps`, `xorps`.
    pub fn sse_logic(&mut self, op: SseLogic, dst: Xmm, src: Xmm) {
        self.emit(0, false, &[0x0F, op as u8], dst.num(), Rm::Reg(src.num()), false);
    }

    /// `ucomiss`/`ucomisd a, b`: sets ZF, PF, CF (PF: unordered).
    pub fn ucomis(&mut self, prec: Prec, a: Xmm, b: Xmm) {
        let prefix = if prec == Prec::F64 { 0x66 } else { 0 };
        self.emit(prefix, false, &[0x0F, 0x2E], a.num(), Rm::Reg(b.num()), false);
    }

    /// `movd`/`movq xmm, gpr`: the register's low 32 or 64 bits into the low lane.
    pub fn mov_to_xmm(&mut self, size: Size, dst: Xmm, src: Gpr) {
        self.emit(0x66, size.w(), &[0x0F, 0x6E], dst.num(), Rm::Reg(src.num()), false);
    }

    /// `movd`/`movq gpr, xmm`.
    pub fn mov_from_xmm(&mut self, size: Size, dst: Gpr, src: Xmm) {
        self.emit(0x66, size.w(), &[0x0F, 0x7E], src.num(), Rm::Reg(dst.num()), false);
    }

    /// `cvtsi2ss`/`cvtsi2sd`: a signed 32- or 64-bit integer to float.
    pub fn cvt_int_to_float(&mut self, prec: Prec, size: Size, dst: Xmm, src: Gpr) {
        self.emit(prec.scalar_prefix(), size.w(), &[0x0F, 0x2A], dst.num(), Rm::Reg(src.num()), false);
    }

    /// `cvttss2si`/`cvttsd2si`: float to a signed 32- or 64-bit integer, truncating
    /// (0x80..0 when out of range or NaN).
    pub fn cvt_float_to_int(&mut self, prec: Prec, size: Size, dst: Gpr, src: Xmm) {
        self.emit(prec.scalar_prefix(), size.w(), &[0x0F, 0x2C], dst.num(), Rm::Reg(src.num()), false);
    }

    /// `cvtss2sd` (from F32) or `cvtsd2ss` (from F64).
    pub fn cvt_float(&mut self, from: Prec, dst: Xmm, src: Xmm) {
        self.emit(from.scalar_prefix(), false, &[0x0F, 0x5A], dst.num(), Rm::Reg(src.num()), false);
    }

    /// `roundss`/`roundsd` (SSE4.1) with rounding `mode` (0 nearest, 1 down, 2 up, 3 toward
    /// zero; bit 3 suppresses the precision exception).
    pub fn round(&mut self, prec: Prec, dst: Xmm, src: Xmm, mode: u8) {
        let op = if prec == Prec::F32 { 0x0A } else { 0x0B };
        self.emit(0x66, false, &[0x0F, 0x3A, op], dst.num(), Rm::Reg(src.num()), false);
        self.byte(mode);
    }
}

/// Packed integer and float instructions of the form `op xmm, xmm/m128` (SSE2, SSSE3, SSE4.1,
/// and `pcmpgtq` of SSE4.2, which the compiler uses only where cpuid has it). The names are the
/// mnemonics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packed {
    Paddb,
    Paddw,
    Paddd,
    Paddq,
    Psubb,
    Psubw,
    Psubd,
    Psubq,
    Paddsb,
    Paddsw,
    Paddusb,
    Paddusw,
    Psubsb,
    Psubsw,
    Psubusb,
    Psubusw,
    Pmullw,
    Pmuludq,
    Pmaddwd,
    Pavgb,
    Pavgw,
    Pminub,
    Pmaxub,
    Pminsw,
    Pmaxsw,
    Pcmpeqb,
    Pcmpeqw,
    Pcmpeqd,
    Pcmpgtb,
    Pcmpgtw,
    Pcmpgtd,
    Pand,
    Pandn,
    Por,
    Pxor,
    Packsswb,
    Packuswb,
    Packssdw,
    Punpcklbw,
    Punpckhbw,
    Punpcklqdq,
    Psllw,
    Pslld,
    Psllq,
    Psrlw,
    Psrld,
    Psrlq,
    Psraw,
    Psrad,
    Pshufb,
    Pabsb,
    Pabsw,
    Pabsd,
    Pmulhrsw,
    Pmaddubsw,
    Pminsb,
    Pminsd,
    Pminuw,
    Pminud,
    Pmaxsb,
    Pmaxsd,
    Pmaxuw,
    Pmaxud,
    Pmulld,
    Pmuldq,
    Pcmpeqq,
    Pcmpgtq,
    Packusdw,
    Ptest,
    Pmovsxbw,
    Pmovsxwd,
    Pmovsxdq,
    Pmovzxbw,
    Pmovzxwd,
    Pmovzxdq,
    Addps,
    Addpd,
    Subps,
    Subpd,
    Mulps,
    Mulpd,
    Divps,
    Divpd,
    Minps,
    Minpd,
    Maxps,
    Maxpd,
    Sqrtps,
    Sqrtpd,
    Andnps,
    Cvtdq2ps,
    Cvttps2dq,
    Cvtdq2pd,
    Cvttpd2dq,
    Cvtps2pd,
    Cvtpd2ps,
}

impl Packed {
    /// The mandatory prefix (0 for none) and the opcode bytes.
    fn encoding(self) -> (u8, &'static [u8]) {
        use Packed::*;
        match self {
            Paddb => (0x66, &[0x0F, 0xFC]),
            Paddw => (0x66, &[0x0F, 0xFD]),
            Paddd => (0x66, &[0x0F, 0xFE]),
            Paddq => (0x66, &[0x0F, 0xD4]),
            Psubb => (0x66, &[0x0F, 0xF8]),
            Psubw => (0x66, &[0x0F, 0xF9]),
            Psubd => (0x66, &[0x0F, 0xFA]),
            Psubq => (0x66, &[0x0F, 0xFB]),
            Paddsb => (0x66, &[0x0F, 0xEC]),
            Paddsw => (0x66, &[0x0F, 0xED]),
            Paddusb => (0x66, &[0x0F, 0xDC]),
            Paddusw => (0x66, &[0x0F, 0xDD]),
            Psubsb => (0x66, &[0x0F, 0xE8]),
            Psubsw => (0x66, &[0x0F, 0xE9]),
            Psubusb => (0x66, &[0x0F, 0xD8]),
            Psubusw => (0x66, &[0x0F, 0xD9]),
            Pmullw => (0x66, &[0x0F, 0xD5]),
            Pmuludq => (0x66, &[0x0F, 0xF4]),
            Pmaddwd => (0x66, &[0x0F, 0xF5]),
            Pavgb => (0x66, &[0x0F, 0xE0]),
            Pavgw => (0x66, &[0x0F, 0xE3]),
            Pminub => (0x66, &[0x0F, 0xDA]),
            Pmaxub => (0x66, &[0x0F, 0xDE]),
            Pminsw => (0x66, &[0x0F, 0xEA]),
            Pmaxsw => (0x66, &[0x0F, 0xEE]),
            Pcmpeqb => (0x66, &[0x0F, 0x74]),
            Pcmpeqw => (0x66, &[0x0F, 0x75]),
            Pcmpeqd => (0x66, &[0x0F, 0x76]),
            Pcmpgtb => (0x66, &[0x0F, 0x64]),
            Pcmpgtw => (0x66, &[0x0F, 0x65]),
            Pcmpgtd => (0x66, &[0x0F, 0x66]),
            Pand => (0x66, &[0x0F, 0xDB]),
            Pandn => (0x66, &[0x0F, 0xDF]),
            Por => (0x66, &[0x0F, 0xEB]),
            Pxor => (0x66, &[0x0F, 0xEF]),
            Packsswb => (0x66, &[0x0F, 0x63]),
            Packuswb => (0x66, &[0x0F, 0x67]),
            Packssdw => (0x66, &[0x0F, 0x6B]),
            Punpcklbw => (0x66, &[0x0F, 0x60]),
            Punpckhbw => (0x66, &[0x0F, 0x68]),
            Punpcklqdq => (0x66, &[0x0F, 0x6C]),
            Psllw => (0x66, &[0x0F, 0xF1]),
            Pslld => (0x66, &[0x0F, 0xF2]),
            Psllq => (0x66, &[0x0F, 0xF3]),
            Psrlw => (0x66, &[0x0F, 0xD1]),
            Psrld => (0x66, &[0x0F, 0xD2]),
            Psrlq => (0x66, &[0x0F, 0xD3]),
            Psraw => (0x66, &[0x0F, 0xE1]),
            Psrad => (0x66, &[0x0F, 0xE2]),
            Pshufb => (0x66, &[0x0F, 0x38, 0x00]),
            Pabsb => (0x66, &[0x0F, 0x38, 0x1C]),
            Pabsw => (0x66, &[0x0F, 0x38, 0x1D]),
            Pabsd => (0x66, &[0x0F, 0x38, 0x1E]),
            Pmulhrsw => (0x66, &[0x0F, 0x38, 0x0B]),
            Pmaddubsw => (0x66, &[0x0F, 0x38, 0x04]),
            Pminsb => (0x66, &[0x0F, 0x38, 0x38]),
            Pminsd => (0x66, &[0x0F, 0x38, 0x39]),
            Pminuw => (0x66, &[0x0F, 0x38, 0x3A]),
            Pminud => (0x66, &[0x0F, 0x38, 0x3B]),
            Pmaxsb => (0x66, &[0x0F, 0x38, 0x3C]),
            Pmaxsd => (0x66, &[0x0F, 0x38, 0x3D]),
            Pmaxuw => (0x66, &[0x0F, 0x38, 0x3E]),
            Pmaxud => (0x66, &[0x0F, 0x38, 0x3F]),
            Pmulld => (0x66, &[0x0F, 0x38, 0x40]),
            Pmuldq => (0x66, &[0x0F, 0x38, 0x28]),
            Pcmpeqq => (0x66, &[0x0F, 0x38, 0x29]),
            Pcmpgtq => (0x66, &[0x0F, 0x38, 0x37]),
            Packusdw => (0x66, &[0x0F, 0x38, 0x2B]),
            Ptest => (0x66, &[0x0F, 0x38, 0x17]),
            Pmovsxbw => (0x66, &[0x0F, 0x38, 0x20]),
            Pmovsxwd => (0x66, &[0x0F, 0x38, 0x23]),
            Pmovsxdq => (0x66, &[0x0F, 0x38, 0x25]),
            Pmovzxbw => (0x66, &[0x0F, 0x38, 0x30]),
            Pmovzxwd => (0x66, &[0x0F, 0x38, 0x33]),
            Pmovzxdq => (0x66, &[0x0F, 0x38, 0x35]),
            Addps => (0, &[0x0F, 0x58]),
            Addpd => (0x66, &[0x0F, 0x58]),
            Subps => (0, &[0x0F, 0x5C]),
            Subpd => (0x66, &[0x0F, 0x5C]),
            Mulps => (0, &[0x0F, 0x59]),
            Mulpd => (0x66, &[0x0F, 0x59]),
            Divps => (0, &[0x0F, 0x5E]),
            Divpd => (0x66, &[0x0F, 0x5E]),
            Minps => (0, &[0x0F, 0x5D]),
            Minpd => (0x66, &[0x0F, 0x5D]),
            Maxps => (0, &[0x0F, 0x5F]),
            Maxpd => (0x66, &[0x0F, 0x5F]),
            Sqrtps => (0, &[0x0F, 0x51]),
            Sqrtpd => (0x66, &[0x0F, 0x51]),
            Andnps => (0, &[0x0F, 0x55]),
            Cvtdq2ps => (0, &[0x0F, 0x5B]),
            Cvttps2dq => (0xF3, &[0x0F, 0x5B]),
            Cvtdq2pd => (0xF3, &[0x0F, 0xE6]),
            Cvttpd2dq => (0x66, &[0x0F, 0xE6]),
            Cvtps2pd => (0, &[0x0F, 0x5A]),
            Cvtpd2ps => (0x66, &[0x0F, 0x5A]),
        }
    }

    /// Every form, for tests.
    pub const ALL: &'static [Packed] = {
        use Packed::*;
        &[
            Paddb, Paddw, Paddd, Paddq, Psubb, Psubw, Psubd, Psubq, Paddsb, Paddsw, Paddusb, Paddusw, Psubsb, Psubsw,
            Psubusb, Psubusw, Pmullw, Pmuludq, Pmaddwd, Pavgb, Pavgw, Pminub, Pmaxub, Pminsw, Pmaxsw, Pcmpeqb, Pcmpeqw,
            Pcmpeqd, Pcmpgtb, Pcmpgtw, Pcmpgtd, Pand, Pandn, Por, Pxor, Packsswb, Packuswb, Packssdw, Punpcklbw,
            Punpckhbw, Punpcklqdq, Psllw, Pslld, Psllq, Psrlw, Psrld, Psrlq, Psraw, Psrad, Pshufb, Pabsb, Pabsw, Pabsd,
            Pmulhrsw, Pmaddubsw, Pminsb, Pminsd, Pminuw, Pminud, Pmaxsb, Pmaxsd, Pmaxuw, Pmaxud, Pmulld, Pmuldq,
            Pcmpeqq, Pcmpgtq, Packusdw, Ptest, Pmovsxbw, Pmovsxwd, Pmovsxdq, Pmovzxbw, Pmovzxwd, Pmovzxdq, Addps,
            Addpd, Subps, Subpd, Mulps, Mulpd, Divps, Divpd, Minps, Minpd, Maxps, Maxpd, Sqrtps, Sqrtpd, Andnps,
            Cvtdq2ps, Cvttps2dq, Cvtdq2pd, Cvttpd2dq, Cvtps2pd, Cvtpd2ps,
        ]
    };
}

/// Packed instructions with an 8-bit immediate: `op xmm, xmm, imm8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackedImm {
    Pshufd,
    Pshuflw,
    Pshufhw,
    Shufps,
    /// The comparison predicate is the immediate (0 eq, 1 lt, 2 le, 3 unord, 4 neq, 7 ord).
    Cmpps,
    Cmppd,
    Roundps,
    Roundpd,
    Pblendw,
    Insertps,
}

impl PackedImm {
    fn encoding(self) -> (u8, &'static [u8]) {
        use PackedImm::*;
        match self {
            Pshufd => (0x66, &[0x0F, 0x70]),
            Pshuflw => (0xF2, &[0x0F, 0x70]),
            Pshufhw => (0xF3, &[0x0F, 0x70]),
            Shufps => (0, &[0x0F, 0xC6]),
            Cmpps => (0, &[0x0F, 0xC2]),
            Cmppd => (0x66, &[0x0F, 0xC2]),
            Roundps => (0x66, &[0x0F, 0x3A, 0x08]),
            Roundpd => (0x66, &[0x0F, 0x3A, 0x09]),
            Pblendw => (0x66, &[0x0F, 0x3A, 0x0E]),
            Insertps => (0x66, &[0x0F, 0x3A, 0x21]),
        }
    }

    pub const ALL: &'static [PackedImm] = {
        use PackedImm::*;
        &[Pshufd, Pshuflw, Pshufhw, Shufps, Cmpps, Cmppd, Roundps, Roundpd, Pblendw, Insertps]
    };
}

/// Packed shifts by an immediate count (`66 0F 71/72/73 /n ib`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackedShift {
    Psrlw,
    Psraw,
    Psllw,
    Psrld,
    Psrad,
    Pslld,
    Psrlq,
    Psllq,
}

impl PackedShift {
    fn encoding(self) -> (u8, u8) {
        use PackedShift::*;
        match self {
            Psrlw => (0x71, 2),
            Psraw => (0x71, 4),
            Psllw => (0x71, 6),
            Psrld => (0x72, 2),
            Psrad => (0x72, 4),
            Pslld => (0x72, 6),
            Psrlq => (0x73, 2),
            Psllq => (0x73, 6),
        }
    }

    pub const ALL: &'static [PackedShift] = {
        use PackedShift::*;
        &[Psrlw, Psraw, Psllw, Psrld, Psrad, Pslld, Psrlq, Psllq]
    };
}

/// Sign-bit masks into a general register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Movmsk {
    Pmovmskb,
    Movmskps,
    Movmskpd,
}

impl Assembler {
    /// `op dst, src` (packed, whole registers).
    pub fn packed(&mut self, op: Packed, dst: Xmm, src: Xmm) {
        let (prefix, opcode) = op.encoding();
        self.emit(prefix, false, opcode, dst.num(), Rm::Reg(src.num()), false);
    }

    /// `op dst, [mem]` (16 bytes, or for the widening moves the 8 they read).
    pub fn packed_m(&mut self, op: Packed, dst: Xmm, src: Mem) {
        let (prefix, opcode) = op.encoding();
        self.emit(prefix, false, opcode, dst.num(), Rm::Mem(src), false);
    }

    /// `op dst, src, imm`.
    pub fn packed_imm(&mut self, op: PackedImm, dst: Xmm, src: Xmm, imm: u8) {
        let (prefix, opcode) = op.encoding();
        self.emit(prefix, false, opcode, dst.num(), Rm::Reg(src.num()), false);
        self.byte(imm);
    }

    /// `op dst, imm`: each lane shifted by `imm` bits.
    pub fn packed_shift(&mut self, op: PackedShift, dst: Xmm, imm: u8) {
        let (opcode, ext) = op.encoding();
        self.emit(0x66, false, &[0x0F, opcode], ext, Rm::Reg(dst.num()), false);
        self.byte(imm);
    }

    /// `pmovmskb`/`movmskps`/`movmskpd dst32, src`.
    pub fn movmsk(&mut self, op: Movmsk, dst: Gpr, src: Xmm) {
        let (prefix, opcode) = match op {
            Movmsk::Pmovmskb => (0x66, 0xD7),
            Movmsk::Movmskps => (0, 0x50),
            Movmsk::Movmskpd => (0x66, 0x50),
        };
        self.emit(prefix, false, &[0x0F, opcode], dst.num(), Rm::Reg(src.num()), false);
    }

    /// `pextrb`/`pextrw`/`pextrd`/`pextrq`: lane `lane` of `src`, of `bytes` bytes, zero-extended
    /// into `dst`.
    pub fn pextr(&mut self, bytes: u8, dst: Gpr, src: Xmm, lane: u8) {
        match bytes {
            2 => self.emit(0x66, false, &[0x0F, 0xC5], dst.num(), Rm::Reg(src.num()), false),
            _ => self.emit(0x66, bytes == 8, &[0x0F, 0x3A, pextr_opcode(bytes)], src.num(), Rm::Reg(dst.num()), false),
        }
        self.byte(lane);
    }

    /// `pextrb`/`pextrw`/`pextrd`/`pextrq [mem], src, lane`: stores a lane.
    pub fn pextr_m(&mut self, bytes: u8, dst: Mem, src: Xmm, lane: u8) {
        self.emit(0x66, bytes == 8, &[0x0F, 0x3A, pextr_opcode(bytes)], src.num(), Rm::Mem(dst), false);
        self.byte(lane);
    }

    /// `pinsrb`/`pinsrw`/`pinsrd`/`pinsrq dst, src, lane`: the low `bytes` of `src` into a lane.
    pub fn pinsr(&mut self, bytes: u8, dst: Xmm, src: Gpr, lane: u8) {
        let (w, opcode) = pinsr_opcode(bytes);
        self.emit(0x66, w, opcode, dst.num(), Rm::Reg(src.num()), false);
        self.byte(lane);
    }

    /// `pinsrb`/`pinsrw`/`pinsrd`/`pinsrq dst, [mem], lane`: loads a lane.
    pub fn pinsr_m(&mut self, bytes: u8, dst: Xmm, src: Mem, lane: u8) {
        let (w, opcode) = pinsr_opcode(bytes);
        self.emit(0x66, w, opcode, dst.num(), Rm::Mem(src), false);
        self.byte(lane);
    }

    /// `movdqu dst, [mem]`.
    pub fn movdqu_load(&mut self, dst: Xmm, src: Mem) {
        self.emit(0xF3, false, &[0x0F, 0x6F], dst.num(), Rm::Mem(src), false);
    }

    /// `movdqu [mem], src`.
    pub fn movdqu_store(&mut self, dst: Mem, src: Xmm) {
        self.emit(0xF3, false, &[0x0F, 0x7F], src.num(), Rm::Mem(dst), false);
    }
}

fn pextr_opcode(bytes: u8) -> u8 {
    match bytes {
        1 => 0x14,
        2 => 0x15,
        4 | 8 => 0x16,
        _ => panic!("no {bytes}-byte lane"),
    }
}

fn pinsr_opcode(bytes: u8) -> (bool, &'static [u8]) {
    match bytes {
        1 => (false, &[0x0F, 0x3A, 0x20]),
        2 => (false, &[0x0F, 0xC4]),
        4 => (false, &[0x0F, 0x3A, 0x22]),
        8 => (true, &[0x0F, 0x3A, 0x22]),
        _ => panic!("no {bytes}-byte lane"),
    }
}
