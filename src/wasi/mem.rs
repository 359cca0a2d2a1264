//! Checked guest memory access: the only place WASI functions touch the guest's linear memory.
//! Every access names a guest address and a length; a range that does not lie entirely inside
//! the memory is refused with `EFAULT` (computed with overflow-checked arithmetic), so a bad
//! guest pointer can never reach host memory outside the guest's.

use super::types::Errno;

/// A guest's linear memory, borrowed for the duration of one WASI call.
pub struct GuestMemory<'a> {
    data: &'a mut [u8],
}

/// One element of an `iovec`/`ciovec` array: a guest buffer.
#[derive(Clone, Copy, Debug)]
pub struct IoVec {
    pub ptr: u32,
    pub len: u32,
}

impl<'a> GuestMemory<'a> {
    pub fn new(data: &'a mut [u8]) -> GuestMemory<'a> {
        GuestMemory { data }
    }

    fn range(&self, ptr: u32, len: u32) -> Result<std::ops::Range<usize>, Errno> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::FAULT)?;
        if end > self.data.len() {
            return Err(Errno::FAULT);
        }
        Ok(start..end)
    }

    /// The `len` bytes at `ptr`.
    pub fn slice(&self, ptr: u32, len: u32) -> Result<&[u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&self.data[r])
    }

    /// The `len` bytes at `ptr`, writable.
    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.data[r])
    }

    /// Copies `bytes` to `ptr`.
    pub fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
        let len = u32::try_from(bytes.len()).map_err(|_| Errno::FAULT)?;
        self.slice_mut(ptr, len)?.copy_from_slice(bytes);
        Ok(())
    }

    fn array<const N: usize>(&self, ptr: u32) -> Result<[u8; N], Errno> {
        let mut b = [0u8; N];
        b.copy_from_slice(self.slice(ptr, N as u32)?);
        Ok(b)
    }

    pub fn read_u8(&self, ptr: u32) -> Result<u8, Errno> {
        Ok(self.array::<1>(ptr)?[0])
    }

    pub fn read_u16(&self, ptr: u32) -> Result<u16, Errno> {
        self.array(ptr).map(u16::from_le_bytes)
    }

    pub fn read_u32(&self, ptr: u32) -> Result<u32, Errno> {
        self.array(ptr).map(u32::from_le_bytes)
    }

    pub fn read_u64(&self, ptr: u32) -> Result<u64, Errno> {
        self.array(ptr).map(u64::from_le_bytes)
    }

    pub fn write_u8(&mut self, ptr: u32, v: u8) -> Result<(), Errno> {
        self.write(ptr, &[v])
    }

    pub fn write_u16(&mut self, ptr: u32, v: u16) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    pub fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    pub fn write_u64(&mut self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// A guest string (UTF-8, `len` bytes at `ptr`); `EILSEQ` if it is not valid UTF-8.
    pub fn read_str(&self, ptr: u32, len: u32) -> Result<String, Errno> {
        let bytes = self.slice(ptr, len)?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| Errno::ILSEQ)
    }

    /// An `iovec` array of `count` elements at `ptr`. Each buffer is checked too.
    pub fn iovecs(&self, ptr: u32, count: u32) -> Result<Vec<IoVec>, Errno> {
        let bytes = self.slice(ptr, count.checked_mul(8).ok_or(Errno::FAULT)?)?;
        let mut out = Vec::with_capacity(count as usize);
        for chunk in bytes.chunks_exact(8) {
            let v = IoVec {
                ptr: u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]),
                len: u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]),
            };
            self.range(v.ptr, v.len)?;
            out.push(v);
        }
        Ok(out)
    }

    /// Concatenates the buffers of `iovs` (for writes).
    pub fn gather(&self, iovs: &[IoVec]) -> Result<Vec<u8>, Errno> {
        let mut out = Vec::new();
        for v in iovs {
            out.extend_from_slice(self.slice(v.ptr, v.len)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_is_fault() {
        let mut bytes = vec![0u8; 16];
        let mut m = GuestMemory::new(&mut bytes);
        assert_eq!(m.read_u32(12), Ok(0));
        assert_eq!(m.read_u32(13), Err(Errno::FAULT));
        assert_eq!(m.read_u64(u32::MAX), Err(Errno::FAULT));
        assert_eq!(m.slice(u32::MAX, u32::MAX).err(), Some(Errno::FAULT));
        assert_eq!(m.write(15, &[1, 2]), Err(Errno::FAULT));
        assert!(m.write(14, &[1, 2]).is_ok());
        assert_eq!(m.iovecs(0, u32::MAX).err(), Some(Errno::FAULT));
    }

    #[test]
    fn iovec_buffers_are_checked() {
        let mut bytes = vec![0u8; 32];
        bytes[0..4].copy_from_slice(&8u32.to_le_bytes());
        bytes[4..8].copy_from_slice(&100u32.to_le_bytes());
        let m = GuestMemory::new(&mut bytes);
        assert_eq!(m.iovecs(0, 1).err(), Some(Errno::FAULT));
    }
}
