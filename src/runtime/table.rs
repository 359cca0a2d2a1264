//! Tables: growable vectors of references in raw encoding (see `value`).

use super::trap::TrapCode;
use crate::types::TableType;

#[derive(Debug)]
pub struct Table {
    pub ty: TableType,
    pub elements: Vec<u64>,
    /// The effective maximum: the declared one, capped by the store's limit.
    pub max: u64,
}

impl Table {
    pub fn new(ty: TableType, init: u64, limit: u64) -> Option<Table> {
        let max = ty.limits.max.unwrap_or(u32::MAX as u64).min(limit);
        if ty.limits.min > max {
            return None;
        }
        Some(Table { ty, elements: vec![init; ty.limits.min as usize], max })
    }

    pub fn size(&self) -> u32 {
        self.elements.len() as u32
    }

    /// Grows by `delta` elements set to `init`; returns the old size, or `None` past the maximum.
    pub fn grow(&mut self, delta: u64, init: u64) -> Option<u32> {
        let old = self.elements.len() as u64;
        let new = old.checked_add(delta).filter(|&n| n <= self.max)?;
        self.elements.try_reserve(delta as usize).ok()?;
        self.elements.resize(new as usize, init);
        Some(old as u32)
    }

    pub fn get(&self, index: u32) -> Result<u64, TrapCode> {
        self.elements.get(index as usize).copied().ok_or(TrapCode::TableOutOfBounds)
    }

    pub fn set(&mut self, index: u32, value: u64) -> Result<(), TrapCode> {
        let slot = self.elements.get_mut(index as usize).ok_or(TrapCode::TableOutOfBounds)?;
        *slot = value;
        Ok(())
    }

    pub fn fill(&mut self, start: u32, value: u64, len: u32) -> Result<(), TrapCode> {
        let end = (start as u64 + len as u64) as usize;
        if end > self.elements.len() {
            return Err(TrapCode::TableOutOfBounds);
        }
        self.elements[start as usize..end].fill(value);
        Ok(())
    }
}
