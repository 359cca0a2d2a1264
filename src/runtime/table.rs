//! Tables: growable vectors of elements, each a reference in raw encoding (see `value`) with,
//! for a function, how compiled code calls it (`VMTableElement`, made by
//! `Store::table_element`).

use super::trap::TrapCode;
use super::vmctx::{VMTable, VMTableElement};
use crate::types::TableType;

#[derive(Debug)]
pub struct Table {
    pub ty: TableType,
    /// The elements; only `grow` changes their number (and may move them).
    pub elements: Vec<VMTableElement>,
    /// The effective maximum: the declared one, capped by the store's limit.
    pub max: u64,
    /// The definition compiled code reads (see `vmctx`), kept current by `grow`.
    definition: Box<VMTable>,
}

// SAFETY: `definition` points into `elements`, owned by the table; a store and its objects
// belong to one thread at a time.
unsafe impl Send for Table {}

impl Table {
    pub fn new(ty: TableType, init: VMTableElement, limit: u64) -> Option<Table> {
        let max = ty.limits.max.unwrap_or(u32::MAX as u64).min(limit);
        if ty.limits.min > max {
            return None;
        }
        let mut elements = vec![init; ty.limits.min as usize];
        let definition = Box::new(VMTable { elements: elements.as_mut_ptr(), length: elements.len() as u64 });
        Some(Table { ty, elements, max, definition })
    }

    /// The table's definition for compiled code: valid for the table's lifetime.
    pub fn definition(&self) -> *const VMTable {
        &*self.definition
    }

    pub fn size(&self) -> u32 {
        self.elements.len() as u32
    }

    /// Grows by `delta` elements set to `init`; returns the old size, or `None` past the maximum.
    pub fn grow(&mut self, delta: u64, init: VMTableElement) -> Option<u32> {
        let old = self.elements.len() as u64;
        let new = old.checked_add(delta).filter(|&n| n <= self.max)?;
        self.elements.try_reserve(delta as usize).ok()?;
        self.elements.resize(new as usize, init);
        *self.definition = VMTable { elements: self.elements.as_mut_ptr(), length: new };
        Some(old as u32)
    }

    /// The raw reference at `index`.
    pub fn get(&self, index: u32) -> Result<u64, TrapCode> {
        self.elements.get(index as usize).map(|e| e.raw as u64).ok_or(TrapCode::TableOutOfBounds)
    }

    pub fn set(&mut self, index: u32, value: VMTableElement) -> Result<(), TrapCode> {
        let slot = self.elements.get_mut(index as usize).ok_or(TrapCode::TableOutOfBounds)?;
        *slot = value;
        Ok(())
    }

    pub fn fill(&mut self, start: u32, value: VMTableElement, len: u32) -> Result<(), TrapCode> {
        let end = (start as u64 + len as u64) as usize;
        if end > self.elements.len() {
            return Err(TrapCode::TableOutOfBounds);
        }
        self.elements[start as usize..end].fill(value);
        Ok(())
    }
}
