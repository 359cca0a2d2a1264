//! Vectors: `wasm_X_vec_t { size, data }` and their five functions, for every element type of
//! `wasm.h`. A vector owns its elements; `new` takes ownership of the given elements, `copy`
//! deep-copies them, `delete` deletes them.
//!
//! Byte vectors (so every `wasm_name_t` the library returns) carry a hidden NUL byte after
//! their last byte, not counted in `size`, and an empty one points at a static NUL byte rather
//! than NULL: hosts that read a name as a C string (`strlen`, `printf("%s")`) read exactly the
//! name. (Only a vector that could not be allocated is NULL.)

use std::os::raw::c_char;
use std::ptr;

use super::extern_::wasm_extern_t;
use super::frame::wasm_frame_t;
use super::guard;
use super::types::{
    wasm_exporttype_t, wasm_externtype_t, wasm_functype_t, wasm_globaltype_t, wasm_importtype_t, wasm_memorytype_t,
    wasm_tabletype_t, wasm_valtype_t,
};
use super::val::wasm_val_t;

pub type wasm_byte_t = c_char;

/// How a vector copies and deletes its elements.
pub(crate) trait Element: Sized {
    /// How many blank elements follow the vector's last one in its allocation (not counted in
    /// its size): 1 for bytes, a hidden NUL terminator.
    const HIDDEN: usize = 0;
    /// `data` of an empty vector: NULL, or for bytes a static NUL byte that is never freed.
    fn empty_data() -> *mut Self {
        ptr::null_mut()
    }
    /// The value of a fresh element of `new_uninitialized`.
    fn blank() -> Self;
    /// A deep copy.
    unsafe fn copy(&self) -> Self;
    /// Releases what the element owns.
    unsafe fn delete(self);
}

/// What an empty byte vector points to: a NUL byte, so that it reads as "" (it is not freed).
static mut EMPTY_BYTES: wasm_byte_t = 0;

impl Element for wasm_byte_t {
    const HIDDEN: usize = 1;
    fn empty_data() -> *mut Self {
        // Only the address is taken: the library never writes the byte; a host may read it (the
        // NUL after an empty name).
        ptr::addr_of_mut!(EMPTY_BYTES)
    }
    fn blank() -> Self {
        0
    }
    unsafe fn copy(&self) -> Self {
        *self
    }
    unsafe fn delete(self) {}
}

/// Pointer elements own the object they point to (NULL allowed).
macro_rules! pointer_element {
    ($($t:ty => $copy:path, $delete:path;)*) => {$(
        impl Element for *mut $t {
            fn blank() -> Self {
                ptr::null_mut()
            }
            unsafe fn copy(&self) -> Self {
                if self.is_null() { ptr::null_mut() } else { $copy(*self) }
            }
            unsafe fn delete(self) {
                $delete(self)
            }
        }
    )*};
}

pointer_element! {
    wasm_valtype_t => super::types::wasm_valtype_copy, super::types::wasm_valtype_delete;
    wasm_functype_t => super::types::wasm_functype_copy, super::types::wasm_functype_delete;
    wasm_globaltype_t => super::types::wasm_globaltype_copy, super::types::wasm_globaltype_delete;
    wasm_tabletype_t => super::types::wasm_tabletype_copy, super::types::wasm_tabletype_delete;
    wasm_memorytype_t => super::types::wasm_memorytype_copy, super::types::wasm_memorytype_delete;
    wasm_externtype_t => super::types::wasm_externtype_copy, super::types::wasm_externtype_delete;
    wasm_importtype_t => super::types::wasm_importtype_copy, super::types::wasm_importtype_delete;
    wasm_exporttype_t => super::types::wasm_exporttype_copy, super::types::wasm_exporttype_delete;
    wasm_frame_t => super::frame::wasm_frame_copy, super::frame::wasm_frame_delete;
    wasm_extern_t => super::extern_::wasm_extern_copy, super::extern_::wasm_extern_delete;
}

macro_rules! declare_vec {
    ($($vec:ident of $elem:ty: $new_empty:ident, $new_uninitialized:ident, $new:ident, $copy:ident, $delete:ident;)*) => {$(
        #[repr(C)]
        pub struct $vec {
            pub size: usize,
            pub data: *mut $elem,
        }

        impl $vec {
            pub(crate) fn from_vec(mut v: Vec<$elem>) -> $vec {
                let hidden = <$elem as Element>::HIDDEN;
                if v.is_empty() {
                    return $vec { size: 0, data: <$elem as Element>::empty_data() };
                }
                let size = v.len();
                v.extend((0..hidden).map(|_| <$elem as Element>::blank()));
                $vec { size, data: Box::into_raw(v.into_boxed_slice()) as *mut $elem }
            }

            /// The elements, borrowed.
            ///
            /// SAFETY (for callers): the vector is valid: `data` points to `size` elements or
            /// `size` is 0.
            pub(crate) unsafe fn as_slice(&self) -> &[$elem] {
                if self.size == 0 || self.data.is_null() {
                    &[]
                } else {
                    std::slice::from_raw_parts(self.data, self.size)
                }
            }

            /// Takes the elements (and their ownership) out, leaving the vector empty.
            ///
            /// SAFETY (for callers): the vector is valid and was made by this library.
            pub(crate) unsafe fn take(&mut self) -> Vec<$elem> {
                let hidden = <$elem as Element>::HIDDEN;
                let v = if self.data.is_null() || self.data == <$elem as Element>::empty_data() {
                    Vec::new()
                } else {
                    let all = ptr::slice_from_raw_parts_mut(self.data, self.size + hidden);
                    let mut v = Box::from_raw(all).into_vec();
                    v.truncate(self.size);
                    v
                };
                self.size = 0;
                self.data = ptr::null_mut();
                v
            }
        }

        /// Makes `out` an empty vector.
        #[no_mangle]
        pub unsafe extern "C" fn $new_empty(out: *mut $vec) {
            guard((), || {
                if !out.is_null() {
                    out.write($vec::from_vec(Vec::new()));
                }
            })
        }

        /// Makes `out` a vector of `size` blank elements (zero bytes, NULL pointers, i32 zeros);
        /// an empty vector if that much memory cannot be allocated.
        #[no_mangle]
        pub unsafe extern "C" fn $new_uninitialized(out: *mut $vec, size: usize) {
            guard((), || {
                if !out.is_null() {
                    let mut v = Vec::new();
                    if v.try_reserve_exact(size.saturating_add(<$elem as Element>::HIDDEN)).is_ok() {
                        v.extend((0..size).map(|_| <$elem as Element>::blank()));
                        out.write($vec::from_vec(v));
                    } else {
                        out.write($vec { size: 0, data: ptr::null_mut() });
                    }
                }
            })
        }

        /// Makes `out` a vector of the `size` elements at `data`, taking their ownership.
        #[no_mangle]
        pub unsafe extern "C" fn $new(out: *mut $vec, size: usize, data: *const $elem) {
            guard((), || {
                if out.is_null() {
                    return;
                }
                let v = if size == 0 || data.is_null() {
                    Vec::new()
                } else {
                    std::slice::from_raw_parts(data, size).iter().map(|e| ptr::read(e)).collect()
                };
                out.write($vec::from_vec(v));
            })
        }

        /// Makes `out` a deep copy of `src` (an empty vector if `src` is NULL).
        #[no_mangle]
        pub unsafe extern "C" fn $copy(out: *mut $vec, src: *const $vec) {
            guard((), || {
                if out.is_null() {
                    return;
                }
                let v = if src.is_null() { Vec::new() } else { (*src).as_slice().iter().map(|e| e.copy()).collect() };
                out.write($vec::from_vec(v));
            })
        }

        /// Deletes the elements and frees the vector, leaving it empty. NULL does nothing.
        #[no_mangle]
        pub unsafe extern "C" fn $delete(v: *mut $vec) {
            guard((), || {
                if !v.is_null() {
                    for e in (*v).take() {
                        e.delete();
                    }
                }
            })
        }
    )*};
}

declare_vec! {
    wasm_byte_vec_t of wasm_byte_t: wasm_byte_vec_new_empty, wasm_byte_vec_new_uninitialized, wasm_byte_vec_new, wasm_byte_vec_copy, wasm_byte_vec_delete;
    wasm_valtype_vec_t of *mut wasm_valtype_t: wasm_valtype_vec_new_empty, wasm_valtype_vec_new_uninitialized, wasm_valtype_vec_new, wasm_valtype_vec_copy, wasm_valtype_vec_delete;
    wasm_functype_vec_t of *mut wasm_functype_t: wasm_functype_vec_new_empty, wasm_functype_vec_new_uninitialized, wasm_functype_vec_new, wasm_functype_vec_copy, wasm_functype_vec_delete;
    wasm_globaltype_vec_t of *mut wasm_globaltype_t: wasm_globaltype_vec_new_empty, wasm_globaltype_vec_new_uninitialized, wasm_globaltype_vec_new, wasm_globaltype_vec_copy, wasm_globaltype_vec_delete;
    wasm_tabletype_vec_t of *mut wasm_tabletype_t: wasm_tabletype_vec_new_empty, wasm_tabletype_vec_new_uninitialized, wasm_tabletype_vec_new, wasm_tabletype_vec_copy, wasm_tabletype_vec_delete;
    wasm_memorytype_vec_t of *mut wasm_memorytype_t: wasm_memorytype_vec_new_empty, wasm_memorytype_vec_new_uninitialized, wasm_memorytype_vec_new, wasm_memorytype_vec_copy, wasm_memorytype_vec_delete;
    wasm_externtype_vec_t of *mut wasm_externtype_t: wasm_externtype_vec_new_empty, wasm_externtype_vec_new_uninitialized, wasm_externtype_vec_new, wasm_externtype_vec_copy, wasm_externtype_vec_delete;
    wasm_importtype_vec_t of *mut wasm_importtype_t: wasm_importtype_vec_new_empty, wasm_importtype_vec_new_uninitialized, wasm_importtype_vec_new, wasm_importtype_vec_copy, wasm_importtype_vec_delete;
    wasm_exporttype_vec_t of *mut wasm_exporttype_t: wasm_exporttype_vec_new_empty, wasm_exporttype_vec_new_uninitialized, wasm_exporttype_vec_new, wasm_exporttype_vec_copy, wasm_exporttype_vec_delete;
    wasm_val_vec_t of wasm_val_t: wasm_val_vec_new_empty, wasm_val_vec_new_uninitialized, wasm_val_vec_new, wasm_val_vec_copy, wasm_val_vec_delete;
    wasm_frame_vec_t of *mut wasm_frame_t: wasm_frame_vec_new_empty, wasm_frame_vec_new_uninitialized, wasm_frame_vec_new, wasm_frame_vec_copy, wasm_frame_vec_delete;
    wasm_extern_vec_t of *mut wasm_extern_t: wasm_extern_vec_new_empty, wasm_extern_vec_new_uninitialized, wasm_extern_vec_new, wasm_extern_vec_copy, wasm_extern_vec_delete;
}

/// `wasm_name_t` is a byte vector.
pub type wasm_name_t = wasm_byte_vec_t;
/// `wasm_message_t` is a NUL-terminated byte vector.
pub type wasm_message_t = wasm_byte_vec_t;

impl wasm_byte_vec_t {
    pub(crate) fn from_str(s: &str) -> wasm_byte_vec_t {
        wasm_byte_vec_t::from_vec(s.bytes().map(|b| b as c_char).collect())
    }

    /// A NUL-terminated message.
    pub(crate) fn message(s: &str) -> wasm_byte_vec_t {
        wasm_byte_vec_t::from_vec(s.bytes().chain(std::iter::once(0)).map(|b| b as c_char).collect())
    }

    /// The bytes, borrowed. SAFETY: as for `as_slice`.
    pub(crate) unsafe fn bytes(&self) -> &[u8] {
        let s = self.as_slice();
        std::slice::from_raw_parts(s.as_ptr() as *const u8, s.len())
    }
}
