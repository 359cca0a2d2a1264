//! `Arena`: the store's storage for one kind of object. Objects are addressed by a stable
//! `u32` index; freeing one makes its slot available to the next insertion, so a store that
//! creates and frees objects in a loop keeps a constant size.

use std::ops::{Index, IndexMut};

pub(crate) struct Arena<T> {
    slots: Vec<Option<T>>,
    /// Indices of empty slots, reused last-freed first.
    free: Vec<u32>,
}

impl<T> Arena<T> {
    pub fn new() -> Arena<T> {
        Arena { slots: Vec::new(), free: Vec::new() }
    }

    /// Stores `value`; returns its index.
    pub fn insert(&mut self, value: T) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(value);
                i
            }
            None => {
                self.slots.push(Some(value));
                self.slots.len() as u32 - 1
            }
        }
    }

    /// The index the next `insert` will return.
    pub fn next_index(&self) -> u32 {
        self.free.last().copied().unwrap_or(self.slots.len() as u32)
    }

    /// Removes the object at `index`, returning it (None if the slot is empty).
    pub fn remove(&mut self, index: u32) -> Option<T> {
        let value = self.slots.get_mut(index as usize)?.take()?;
        self.free.push(index);
        Some(value)
    }

    /// The number of live objects.
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// One more than the highest index in use so far (the size of a mark bitmap).
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.slots.get(index)?.as_ref()
    }

    /// Live objects with their indices.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| Some((i as u32, s.as_ref()?)))
    }
}

#[cold]
#[inline(never)]
fn dead_slot(index: usize) -> ! {
    panic!("store object {index} was used after it was freed")
}

/// Indexing a freed slot is a bug in the runtime (objects are freed only when unreachable).
impl<T> Index<usize> for Arena<T> {
    type Output = T;

    #[inline]
    fn index(&self, index: usize) -> &T {
        match self.slots.get(index) {
            Some(Some(v)) => v,
            _ => dead_slot(index),
        }
    }
}

impl<T> IndexMut<usize> for Arena<T> {
    #[inline]
    fn index_mut(&mut self, index: usize) -> &mut T {
        match self.slots.get_mut(index) {
            Some(Some(v)) => v,
            _ => dead_slot(index),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Arena;

    #[test]
    fn freed_slots_are_reused_and_not_counted() {
        let mut a = Arena::new();
        let x = a.insert("x");
        let y = a.insert("y");
        assert_eq!((x, y, a.len()), (0, 1, 2));
        assert_eq!(a.remove(x), Some("x"));
        assert_eq!(a.remove(x), None);
        assert_eq!((a.len(), a.get(0)), (1, None));
        assert_eq!(a.next_index(), 0);
        assert_eq!(a.insert("z"), 0);
        assert_eq!(a.next_index(), 2);
        assert_eq!((a[0], a[1], a.capacity()), ("z", "y", 2));
        assert_eq!(a.iter().map(|(i, v)| (i, *v)).collect::<Vec<_>>(), [(0, "z"), (1, "y")]);
    }

    #[test]
    #[should_panic(expected = "used after it was freed")]
    fn indexing_a_freed_slot_panics() {
        let mut a = Arena::new();
        let x = a.insert(1);
        a.remove(x);
        let _ = a[x as usize];
    }
}
