//! The runtime operations that code of every tier performs on its instance's tables,
//! memories and segments: grow, get/set/size, fill, copy, init, and segment drops, with the
//! specification's bounds checks and traps. Indices are the instance's own (its index
//! spaces); operands are raw values. A tier calls these rather than reaching into the store.

use super::engine::SigId;
use super::store::Store;
use super::trap::TrapCode;
use super::vmctx::VMTableElement;

/// The store index of table `table` of `instance`.
fn table_of(store: &Store, instance: u32, table: u32) -> usize {
    store.instances[instance as usize].tables[table as usize] as usize
}

/// The store index of memory `memory` of `instance`.
fn memory_of(store: &Store, instance: u32, memory: u32) -> usize {
    store.instances[instance as usize].memories[memory as usize] as usize
}

/// The element of table `t` (a store index) holding raw reference `raw`.
fn element_for(store: &Store, t: usize, raw: u64) -> VMTableElement {
    store.table_element(store.tables[t].ty.element.into(), raw)
}

/// `call_indirect`'s checks: the store function at `index` of table `table` of `instance`, if
/// it has signature `expected`; else the trap (out of bounds, null element, another signature).
#[inline]
pub fn indirect_callee(store: &Store, instance: u32, table: u32, index: u32, expected: SigId) -> Result<u32, TrapCode> {
    let t = table_of(store, instance, table);
    let element = store.tables[t].elements.get(index as usize).ok_or(TrapCode::UndefinedElement)?;
    if element.raw == 0 {
        return Err(TrapCode::UninitializedElement);
    }
    // Signatures are interned engine-wide: one comparison checks the type.
    if element.sig != expected {
        return Err(TrapCode::IndirectCallTypeMismatch);
    }
    Ok(element.raw - 1)
}

/// `end` of the range `start..start + len`, if it fits in `size`.
fn range_end(start: u32, len: u32, size: usize) -> Option<usize> {
    let end = start as u64 + len as u64;
    (end <= size as u64).then_some(end as usize)
}

/// `memory.grow`: the old size in pages, or `u32::MAX` (-1) if the memory cannot grow so far.
pub fn memory_grow(store: &mut Store, instance: u32, memory: u32, delta: u32) -> u32 {
    let m = memory_of(store, instance, memory);
    store.memories[m].grow(delta as u64).map_or(u32::MAX, |old| old as u32)
}

/// `memory.fill`.
pub fn memory_fill(store: &mut Store, instance: u32, memory: u32, d: u32, value: u8, len: u32) -> Result<(), TrapCode> {
    let m = memory_of(store, instance, memory);
    let m = &mut store.memories[m];
    let end = range_end(d, len, m.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    m.data_mut()[d as usize..end].fill(value);
    Ok(())
}

/// `memory.copy` (the ranges may overlap when the memories are the same).
pub fn memory_copy(
    store: &mut Store,
    instance: u32,
    dst: u32,
    src: u32,
    d: u32,
    s: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let (dst, src) = (memory_of(store, instance, dst), memory_of(store, instance, src));
    let src_end = range_end(s, len, store.memories[src].len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    let dst_end = range_end(d, len, store.memories[dst].len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    if dst == src {
        store.memories[dst].data_mut().copy_within(s as usize..src_end, d as usize);
    } else {
        // Between two memories (multi-memory): through a copy, as the store lends one at a time.
        let bytes = store.memories[src].data_mut()[s as usize..src_end].to_vec();
        store.memories[dst].data_mut()[d as usize..dst_end].copy_from_slice(&bytes);
    }
    Ok(())
}

/// `memory.init` from data segment `data` (a dropped segment is empty).
pub fn memory_init(
    store: &mut Store,
    instance: u32,
    data: u32,
    memory: u32,
    d: u32,
    s: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let entity = &store.instances[instance as usize];
    let module = entity.module.clone();
    let range =
        if entity.data_dropped[data as usize] { 0..0 } else { module.module.raw.data[data as usize].bytes.clone() };
    let src_end = range_end(s, len, range.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    let m = memory_of(store, instance, memory);
    let m = &mut store.memories[m];
    let dst_end = range_end(d, len, m.len()).ok_or(TrapCode::MemoryOutOfBounds)?;
    let bytes = &module.module.bytes[range.start + s as usize..range.start + src_end];
    m.data_mut()[d as usize..dst_end].copy_from_slice(bytes);
    Ok(())
}

/// `data.drop`.
pub fn data_drop(store: &mut Store, instance: u32, data: u32) {
    store.instances[instance as usize].data_dropped[data as usize] = true;
}

/// `table.get`.
pub fn table_get(store: &Store, instance: u32, table: u32, index: u32) -> Result<u64, TrapCode> {
    store.tables[table_of(store, instance, table)].get(index)
}

/// `table.set`.
pub fn table_set(store: &mut Store, instance: u32, table: u32, index: u32, value: u64) -> Result<(), TrapCode> {
    let t = table_of(store, instance, table);
    let value = element_for(store, t, value);
    store.tables[t].set(index, value)
}

/// `table.size`.
pub fn table_size(store: &Store, instance: u32, table: u32) -> u32 {
    store.tables[table_of(store, instance, table)].size()
}

/// `table.grow`: the old size, or `u32::MAX` (-1) if the table cannot grow so far.
pub fn table_grow(store: &mut Store, instance: u32, table: u32, delta: u32, init: u64) -> u32 {
    let t = table_of(store, instance, table);
    let init = element_for(store, t, init);
    store.tables[t].grow(delta as u64, init).unwrap_or(u32::MAX)
}

/// `table.fill`.
pub fn table_fill(
    store: &mut Store,
    instance: u32,
    table: u32,
    start: u32,
    value: u64,
    len: u32,
) -> Result<(), TrapCode> {
    let t = table_of(store, instance, table);
    let value = element_for(store, t, value);
    store.tables[t].fill(start, value, len)
}

/// `table.copy` (the ranges may overlap when the tables are the same).
pub fn table_copy(
    store: &mut Store,
    instance: u32,
    dst: u32,
    src: u32,
    d: u32,
    s: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let (dst, src) = (table_of(store, instance, dst), table_of(store, instance, src));
    let src_end = range_end(s, len, store.tables[src].elements.len()).ok_or(TrapCode::TableOutOfBounds)?;
    let dst_end = range_end(d, len, store.tables[dst].elements.len()).ok_or(TrapCode::TableOutOfBounds)?;
    if dst == src {
        store.tables[dst].elements.copy_within(s as usize..src_end, d as usize);
    } else {
        let items = store.tables[src].elements[s as usize..src_end].to_vec();
        store.tables[dst].elements[d as usize..dst_end].copy_from_slice(&items);
    }
    Ok(())
}

/// `table.init` from element segment `elem` (a dropped segment is empty).
pub fn table_init(
    store: &mut Store,
    instance: u32,
    elem: u32,
    table: u32,
    d: u32,
    s: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let t = table_of(store, instance, table);
    let items = &store.instances[instance as usize].elements[elem as usize];
    let src_end = range_end(s, len, items.len()).ok_or(TrapCode::TableOutOfBounds)?;
    let dst_end = range_end(d, len, store.tables[t].elements.len()).ok_or(TrapCode::TableOutOfBounds)?;
    let items = items[s as usize..src_end].to_vec();
    store.tables[t].elements[d as usize..dst_end].copy_from_slice(&items);
    Ok(())
}

/// `elem.drop`.
pub fn elem_drop(store: &mut Store, instance: u32, elem: u32) {
    store.instances[instance as usize].elements[elem as usize] = Box::new([]);
}
