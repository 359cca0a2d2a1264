;; A WASI command for preopened directories (c-tests/wasi_files.c, tools/test-wasmrt-run): opens
;; "input.txt" in the directory preopened as fd 3, copies up to 4096 bytes of it to standard
;; output, then creates "copy.txt" there with the same bytes. Exit status: 0; 100 if input.txt
;; cannot be opened, 101 if it cannot be read; else the errno of creating copy.txt (76,
;; ENOTCAPABLE, in a read-only directory).
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: "input.txt"; 16: "copy.txt"; 32: opened fd; 36: bytes read or written;
  ;; 40: one iovec {1024, length}; 1024: the data.
  (data (i32.const 0) "input.txt")
  (data (i32.const 16) "copy.txt")
  (func (export "_start")
    (local $fd i32) (local $errno i32)
    ;; path_open(dirfd 3, no dirflags, path, no oflags, rights FD_READ, none, no fdflags, &fd)
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 9) (i32.const 0)
          (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32))
      (then (call $proc_exit (i32.const 100))))
    (local.set $fd (i32.load (i32.const 32)))
    (i32.store (i32.const 40) (i32.const 1024))
    (i32.store (i32.const 44) (i32.const 4096))
    (if (call $fd_read (local.get $fd) (i32.const 40) (i32.const 1) (i32.const 36))
      (then (call $proc_exit (i32.const 101))))
    (drop (call $fd_close (local.get $fd)))
    (i32.store (i32.const 44) (i32.load (i32.const 36)))
    (drop (call $fd_write (i32.const 1) (i32.const 40) (i32.const 1) (i32.const 36)))
    ;; path_open(dirfd 3, path "copy.txt", O_CREAT | O_TRUNC, rights FD_WRITE, &fd)
    (local.set $errno
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 8) (i32.const 9)
        (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 32)))
    (if (local.get $errno) (then (call $proc_exit (local.get $errno))))
    (local.set $fd (i32.load (i32.const 32)))
    (drop (call $fd_write (local.get $fd) (i32.const 40) (i32.const 1) (i32.const 36)))
    (drop (call $fd_close (local.get $fd)))))
