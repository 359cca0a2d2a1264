//! A cursor over the module bytes: bounded LEB128, fixed-width values, names and vector
//! lengths. Every read checks bounds; errors carry the absolute byte offset.

use crate::error::{Error, Result};
use crate::types::{RefType, ValType};

#[derive(Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Absolute offset of `data[0]` in the module, for error messages.
    base: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8], base: usize) -> Reader<'a> {
        Reader { data, pos: 0, base }
    }

    /// Absolute offset of the next byte.
    #[inline]
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    #[inline]
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    pub fn malformed(&self, message: impl Into<String>) -> Error {
        Error::malformed(self.offset(), message)
    }

    fn eof(&self) -> Error {
        self.malformed("unexpected end")
    }

    #[inline]
    pub fn read_u8(&mut self) -> Result<u8> {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.eof()),
        }
    }

    #[inline]
    pub fn peek_u8(&self) -> Result<u8> {
        self.data.get(self.pos).copied().ok_or_else(|| self.eof())
    }

    /// Reads `len` bytes.
    pub fn read_bytes(&mut self, len: usize) -> Result<&'a [u8]> {
        if len > self.remaining() {
            return Err(self.eof());
        }
        let bytes = &self.data[self.pos..self.pos + len];
        self.pos += len;
        Ok(bytes)
    }

    /// Splits off a sub-reader over the next `len` bytes.
    pub fn sub_reader(&mut self, len: usize) -> Result<Reader<'a>> {
        let base = self.offset();
        Ok(Reader::new(self.read_bytes(len)?, base))
    }

    /// The bytes not read yet, with their absolute base offset.
    pub fn rest(&self) -> (&'a [u8], usize) {
        (&self.data[self.pos..], self.offset())
    }

    pub fn skip_to_end(&mut self) {
        self.pos = self.data.len();
    }

    #[inline]
    pub fn read_u32(&mut self) -> Result<u32> {
        // Fast path: one byte.
        if let Some(&b) = self.data.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(b as u32);
            }
        }
        self.read_unsigned(32).map(|v| v as u32)
    }

    #[inline]
    pub fn read_u64(&mut self) -> Result<u64> {
        // Fast path: one byte (most memarg offsets).
        if let Some(&b) = self.data.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(b as u64);
            }
        }
        self.read_unsigned(64)
    }

    /// Unsigned LEB128 of at most `bits` bits: at most ceil(bits/7) bytes, and the unused bits
    /// of the last byte must be zero.
    fn read_unsigned(&mut self, bits: u32) -> Result<u64> {
        let start = self.offset();
        let mut result: u64 = 0;
        let mut shift = 0;
        loop {
            let byte = self.read_u8()?;
            let payload = (byte & 0x7F) as u64;
            if shift + 7 > bits {
                // Last permitted byte: no continuation and no bits beyond `bits`.
                if byte & 0x80 != 0 {
                    return Err(Error::malformed(start, "integer representation too long"));
                }
                if payload >> (bits - shift) != 0 {
                    return Err(Error::malformed(start, "integer too large"));
                }
            }
            result |= payload << shift;
            if byte & 0x80 == 0 {
                return Ok(result);
            }
            shift += 7;
        }
    }

    #[inline]
    pub fn read_i32(&mut self) -> Result<i32> {
        if let Some(&b) = self.data.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(((b << 1) as i8 >> 1) as i32);
            }
        }
        self.read_signed(32).map(|v| v as i32)
    }

    #[inline]
    pub fn read_i64(&mut self) -> Result<i64> {
        // Fast path: one byte, as in `read_i32`.
        if let Some(&b) = self.data.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(((b << 1) as i8 >> 1) as i64);
            }
        }
        self.read_signed(64)
    }

    /// Signed LEB128 of at most `bits` bits: the unused bits of the last byte must be a sign
    /// extension of the value.
    pub fn read_signed(&mut self, bits: u32) -> Result<i64> {
        let start = self.offset();
        let mut result: i64 = 0;
        let mut shift = 0;
        loop {
            let byte = self.read_u8()?;
            let payload = (byte & 0x7F) as i64;
            if shift + 7 >= bits {
                if byte & 0x80 != 0 {
                    return Err(Error::malformed(start, "integer representation too long"));
                }
                // The bits at and above (bits - 1 - shift) must all equal the sign bit.
                let used = bits - shift; // 1..=7
                let sign_and_unused = (byte as i8) << 1 >> used; // arithmetic shift keeps sign
                if sign_and_unused != 0 && sign_and_unused != -1 {
                    return Err(Error::malformed(start, "integer too large"));
                }
                let value = result | (payload << shift);
                let unused = 64 - bits.min(shift + 7);
                return Ok(value << unused >> unused);
            }
            result |= payload << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                let unused = 64 - shift;
                return Ok(result << unused >> unused);
            }
        }
    }

    pub fn read_f32_bits(&mut self) -> Result<u32> {
        let b = self.read_bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn read_f64_bits(&mut self) -> Result<u64> {
        let b = self.read_bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    pub fn read_array16(&mut self) -> Result<[u8; 16]> {
        let b = self.read_bytes(16)?;
        let mut a = [0u8; 16];
        a.copy_from_slice(b);
        Ok(a)
    }

    /// A vector length. Every element takes at least one byte, so a length larger than the
    /// remaining bytes is malformed; this bounds every allocation by the input size.
    pub fn read_len(&mut self) -> Result<u32> {
        let at = self.offset();
        let len = self.read_u32()?;
        if len as usize > self.remaining() {
            return Err(Error::malformed(at, "length out of bounds"));
        }
        Ok(len)
    }

    /// A vector length checked against an implementation limit.
    pub fn read_len_limited(&mut self, limit: u32, what: &str) -> Result<u32> {
        let at = self.offset();
        let len = self.read_len()?;
        if len > limit {
            return Err(Error::limit(at, format!("too many {what}: {len} (at most {limit})")));
        }
        Ok(len)
    }

    /// A name: a length-prefixed UTF-8 string.
    pub fn read_name(&mut self) -> Result<&'a str> {
        let len = self.read_u32()? as usize;
        let at = self.offset();
        if len > self.remaining() {
            return Err(Error::malformed(at, "length out of bounds"));
        }
        let bytes = self.read_bytes(len)?;
        std::str::from_utf8(bytes).map_err(|_| Error::malformed(at, "malformed UTF-8 encoding"))
    }

    pub fn read_val_type(&mut self) -> Result<ValType> {
        let at = self.offset();
        let byte = self.read_u8()?;
        ValType::from_byte(byte).ok_or_else(|| {
            let base = format!("malformed value type 0x{byte:02x}");
            Error::malformed(at, super::proposals::explain(base, super::proposals::value_type(byte)))
        })
    }

    pub fn read_ref_type(&mut self) -> Result<RefType> {
        let at = self.offset();
        let byte = self.read_u8()?;
        RefType::from_byte(byte).ok_or_else(|| {
            Error::malformed(
                at,
                super::proposals::explain("malformed reference type", super::proposals::value_type(byte)),
            )
        })
    }
}
