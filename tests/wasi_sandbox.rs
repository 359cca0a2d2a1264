//! The WASI sandbox and the ABI details, through a test module that re-exports WASI functions
//! (wrapped in wasm functions so they run with the module's memory):
//! - escape attempts: absolute paths, "..", symbolic links pointing outside (relative,
//!   absolute, through directories, chains, dangling, with a trailing slash), links created by
//!   the guest, renames and hard links out of the preopen; each refused with its errno and no
//!   host file outside touched;
//! - rights: read-only preopens and descriptors cannot write, rights only shrink;
//! - bad guest pointers and lengths give `EFAULT`;
//! - descriptors of the wrong kind (`ENOTDIR`, `ENOTSOCK`, `EBADF`);
//! - the `wasi_unstable` layouts (seek whence order, 56-byte filestat, 56-byte subscription);
//! - `proc_exit`, standard stream plumbing, reactors.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use wasmrt::runtime::{CompiledModule, Engine, Extern, Instance, Store, Val};
use wasmrt::wasi::{self, Capture, DirPerms, Errno, Output, Stdin, WasiCtx, WasiCtxBuilder};

/// WASI functions the test module wraps: module, name, parameters ('i' i32, 'I' i64).
const WRAPPED: &[(&str, &str, &str)] = &[
    ("wasi_snapshot_preview1", "args_get", "ii"),
    ("wasi_snapshot_preview1", "args_sizes_get", "ii"),
    ("wasi_snapshot_preview1", "environ_get", "ii"),
    ("wasi_snapshot_preview1", "clock_time_get", "iIi"),
    ("wasi_snapshot_preview1", "fd_close", "i"),
    ("wasi_snapshot_preview1", "fd_fdstat_get", "ii"),
    ("wasi_snapshot_preview1", "fd_fdstat_set_rights", "iII"),
    ("wasi_snapshot_preview1", "fd_filestat_get", "ii"),
    ("wasi_snapshot_preview1", "fd_filestat_set_size", "iI"),
    ("wasi_snapshot_preview1", "fd_prestat_dir_name", "iii"),
    ("wasi_snapshot_preview1", "fd_read", "iiii"),
    ("wasi_snapshot_preview1", "fd_readdir", "iiiIi"),
    ("wasi_snapshot_preview1", "fd_seek", "iIii"),
    ("wasi_snapshot_preview1", "fd_write", "iiii"),
    ("wasi_snapshot_preview1", "path_create_directory", "iii"),
    ("wasi_snapshot_preview1", "path_filestat_get", "iiiii"),
    ("wasi_snapshot_preview1", "path_link", "iiiiiii"),
    ("wasi_snapshot_preview1", "path_open", "iiiiiIIii"),
    ("wasi_snapshot_preview1", "path_readlink", "iiiiii"),
    ("wasi_snapshot_preview1", "path_remove_directory", "iii"),
    ("wasi_snapshot_preview1", "path_rename", "iiiiii"),
    ("wasi_snapshot_preview1", "path_symlink", "iiiii"),
    ("wasi_snapshot_preview1", "path_unlink_file", "iii"),
    ("wasi_snapshot_preview1", "poll_oneoff", "iiii"),
    ("wasi_snapshot_preview1", "random_get", "ii"),
    ("wasi_snapshot_preview1", "sock_accept", "iii"),
    ("wasi_snapshot_preview1", "sock_recv", "iiiiii"),
    ("wasi_snapshot_preview1", "sock_send", "iiiii"),
    ("wasi_snapshot_preview1", "sock_shutdown", "ii"),
    ("wasi_unstable", "fd_seek", "iIii"),
    ("wasi_unstable", "fd_filestat_get", "ii"),
    ("wasi_unstable", "path_filestat_get", "iiiii"),
    ("wasi_unstable", "poll_oneoff", "iiii"),
    ("wasi_unstable", "path_open", "iiiiiIIii"),
];

fn wrapper_wat() -> String {
    let mut wat = String::from("(module\n");
    let ty = |c: char| if c == 'I' { "i64" } else { "i32" };
    for (i, (module, name, params)) in WRAPPED.iter().enumerate() {
        let ps: Vec<&str> = params.chars().map(ty).collect();
        wat += &format!("  (import \"{module}\" \"{name}\" (func $f{i} (param {}) (result i32)))\n", ps.join(" "));
    }
    wat += "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))\n";
    wat += "  (memory (export \"memory\") 1)\n";
    for (i, (module, name, params)) in WRAPPED.iter().enumerate() {
        let ps: Vec<&str> = params.chars().map(ty).collect();
        let export = if *module == "wasi_unstable" { format!("unstable_{name}") } else { name.to_string() };
        let gets: String = (0..ps.len()).map(|k| format!("local.get {k} ")).collect();
        wat += &format!("  (func (export \"{export}\") (param {}) (result i32) {gets}call $f{i})\n", ps.join(" "));
    }
    wat += "  (func (export \"exit\") (param i32) local.get 0 call $exit)\n";
    wat += "  (func (export \"_start\") i32.const 7 call $exit)\n";
    wat += ")\n";
    wat
}

/// Where the test module keeps things in its memory.
const RESULT: u32 = 0;
const PATH_A: u32 = 1024;
const PATH_B: u32 = 2048;
const BUF: u32 = 4096;
const IOVS: u32 = 8192;

const PREOPEN: u32 = 3;
const READ_ONLY: u32 = 4;

const FOLLOW: u32 = 1;
const O_CREAT: u32 = 1;
const O_DIRECTORY: u32 = 2;
const O_TRUNC: u32 = 8;
const R_FD_READ: u64 = 1 << 1;
const R_FD_SEEK: u64 = 1 << 2;
const R_FD_WRITE: u64 = 1 << 6;
const R_FD_TELL: u64 = 1 << 5;
const R_FD_FILESTAT_GET: u64 = 1 << 21;
const R_FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
/// What `Guest::open` asks for.
const R_READING: u64 = R_FD_READ | R_FD_SEEK | R_FD_TELL | R_FD_FILESTAT_GET;

struct Guest {
    store: Store,
    instance: Instance,
}

impl Guest {
    fn new(ctx: &WasiCtx) -> Guest {
        let engine = Engine::new(common::config());
        let bytes = wat::parse_str(wrapper_wat()).expect("wrapper module parses");
        let module = CompiledModule::new(&engine, &bytes).expect("compiles");
        let mut store = Store::new(&engine);
        let instance = wasi::instantiate(&mut store, &module, ctx, &mut |_, _| None).expect("instantiates");
        Guest { store, instance }
    }

    fn memory(&mut self) -> &mut [u8] {
        let Some(Extern::Memory(m)) = self.store.instance_export(self.instance, "memory") else { panic!() };
        self.store.memory_mut(m).unwrap().data_mut()
    }

    fn put(&mut self, at: u32, bytes: &[u8]) {
        self.memory()[at as usize..][..bytes.len()].copy_from_slice(bytes);
    }

    fn get(&mut self, at: u32, len: usize) -> Vec<u8> {
        self.memory()[at as usize..][..len].to_vec()
    }

    fn u32_at(&mut self, at: u32) -> u32 {
        u32::from_le_bytes(self.get(at, 4).try_into().unwrap())
    }

    fn u64_at(&mut self, at: u32) -> u64 {
        u64::from_le_bytes(self.get(at, 8).try_into().unwrap())
    }

    /// Calls a wrapped function; returns its errno.
    fn call(&mut self, name: &str, args: &[Val]) -> Errno {
        let Some(Extern::Func(f)) = self.store.instance_export(self.instance, name) else { panic!("no {name}") };
        match self.store.call(f, args).unwrap_or_else(|t| panic!("{name} trapped: {t}"))[0] {
            Val::I32(e) => Errno(e as u16),
            other => panic!("{other:?}"),
        }
    }

    /// Puts `path` at `at`; returns (ptr, len) arguments.
    fn path(&mut self, at: u32, path: &str) -> [Val; 2] {
        self.put(at, path.as_bytes());
        [Val::I32(at as i32), Val::I32(path.len() as i32)]
    }

    fn open_with(&mut self, dir: u32, lookup: u32, path: &str, oflags: u32, rights: u64) -> Result<u32, Errno> {
        let [p, l] = self.path(PATH_A, path);
        let args = [
            Val::I32(dir as i32),
            Val::I32(lookup as i32),
            p,
            l,
            Val::I32(oflags as i32),
            Val::I64(rights as i64),
            Val::I64(rights as i64),
            Val::I32(0),
            Val::I32(RESULT as i32),
        ];
        match self.call("path_open", &args) {
            Errno::SUCCESS => Ok(self.u32_at(RESULT)),
            e => Err(e),
        }
    }

    fn open(&mut self, path: &str) -> Result<u32, Errno> {
        self.open_with(PREOPEN, 0, path, 0, R_READING)
    }

    fn open_follow(&mut self, path: &str) -> Result<u32, Errno> {
        self.open_with(PREOPEN, FOLLOW, path, 0, R_READING)
    }

    /// `path_filestat_get`; returns the errno.
    fn stat(&mut self, dir: u32, lookup: u32, path: &str) -> Errno {
        let [p, l] = self.path(PATH_A, path);
        self.call("path_filestat_get", &[Val::I32(dir as i32), Val::I32(lookup as i32), p, l, Val::I32(BUF as i32)])
    }

    /// A call on (dir, path).
    fn path_call(&mut self, name: &str, dir: u32, path: &str) -> Errno {
        let [p, l] = self.path(PATH_A, path);
        self.call(name, &[Val::I32(dir as i32), p, l])
    }

    /// A call on (dir, path_a, dir, path_b) (rename) or with lookup flags (link).
    fn two_paths(&mut self, name: &str, from: &str, to: &str) -> Errno {
        let [p1, l1] = self.path(PATH_A, from);
        let [p2, l2] = self.path(PATH_B, to);
        let d = Val::I32(PREOPEN as i32);
        match name {
            "path_rename" => self.call(name, &[d, p1, l1, d, p2, l2]),
            "path_link" => self.call(name, &[d, Val::I32(0), p1, l1, d, p2, l2]),
            "path_link_follow" => self.call("path_link", &[d, Val::I32(FOLLOW as i32), p1, l1, d, p2, l2]),
            _ => panic!(),
        }
    }

    fn symlink(&mut self, target: &str, path: &str) -> Errno {
        let [p1, l1] = self.path(PATH_A, target);
        let [p2, l2] = self.path(PATH_B, path);
        self.call("path_symlink", &[p1, l1, Val::I32(PREOPEN as i32), p2, l2])
    }

    /// Writes `data` to `fd` with one iovec; returns errno and bytes written.
    fn write(&mut self, fd: u32, data: &[u8]) -> (Errno, u32) {
        self.put(BUF, data);
        let mut iov = BUF.to_le_bytes().to_vec();
        iov.extend_from_slice(&(data.len() as u32).to_le_bytes());
        self.put(IOVS, &iov);
        let e =
            self.call("fd_write", &[Val::I32(fd as i32), Val::I32(IOVS as i32), Val::I32(1), Val::I32(RESULT as i32)]);
        (e, self.u32_at(RESULT))
    }

    /// Reads up to `len` bytes from `fd`.
    fn read(&mut self, fd: u32, len: u32) -> Result<Vec<u8>, Errno> {
        let mut iov = BUF.to_le_bytes().to_vec();
        iov.extend_from_slice(&len.to_le_bytes());
        self.put(IOVS, &iov);
        match self.call("fd_read", &[Val::I32(fd as i32), Val::I32(IOVS as i32), Val::I32(1), Val::I32(RESULT as i32)])
        {
            Errno::SUCCESS => {
                let n = self.u32_at(RESULT) as usize;
                Ok(self.get(BUF, n))
            }
            e => Err(e),
        }
    }
}

/// A temporary tree: `outside/` (never reachable), `sandbox/` (preopened read-write as "/"),
/// `ro/` (preopened read-only as "/ro").
struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(tag: &str) -> Fixture {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("wasmrt-sandbox-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let outside = root.join("outside");
        let sandbox = root.join("sandbox");
        let ro = root.join("ro");
        for d in [&outside, &sandbox, &ro, &sandbox.join("dir")] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(outside.join("secret.txt"), b"secret").unwrap();
        std::fs::write(sandbox.join("file.txt"), b"inside").unwrap();
        std::fs::write(ro.join("ro.txt"), b"read only").unwrap();
        let link = |target: &Path, name: &str| std::os::unix::fs::symlink(target, sandbox.join(name)).unwrap();
        link(Path::new("../outside/secret.txt"), "link_out_rel");
        link(&outside.join("secret.txt"), "link_out_abs");
        link(Path::new("../outside"), "link_dir_out");
        link(Path::new("../outside/new.txt"), "dangling_out");
        link(Path::new("loop2"), "loop1");
        link(Path::new("loop1"), "loop2");
        link(Path::new("dir/up2"), "chain");
        std::os::unix::fs::symlink("../../outside", sandbox.join("dir/up2")).unwrap();
        link(Path::new("file.txt"), "link_in");
        link(Path::new("dir/../file.txt"), "link_in_dotdot");
        Fixture { root }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn builder(&self) -> WasiCtxBuilder {
        WasiCtx::builder().arg("test").preopen_dir(self.path("sandbox"), "/", DirPerms::ReadWrite).preopen_dir(
            self.path("ro"),
            "/ro",
            DirPerms::ReadOnly,
        )
    }

    fn guest(&self) -> Guest {
        Guest::new(&self.builder().build().unwrap())
    }

    /// The outside directory is as the fixture made it.
    fn assert_outside_untouched(&self) {
        let mut names: Vec<String> = std::fs::read_dir(self.path("outside"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["secret.txt"]);
        assert_eq!(std::fs::read(self.path("outside/secret.txt")).unwrap(), b"secret");
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[test]
fn plain_paths_inside_work() {
    let f = Fixture::new("inside");
    let mut g = f.guest();
    let fd = g.open("file.txt").expect("opens");
    assert_eq!(g.read(fd, 100), Ok(b"inside".to_vec()));
    let fd = g.open("dir/../file.txt").expect(".. inside the sandbox is fine");
    assert_eq!(g.read(fd, 100), Ok(b"inside".to_vec()));
    let fd = g.open("./dir/./../dir/.././file.txt").expect("dots");
    assert_eq!(g.read(fd, 100), Ok(b"inside".to_vec()));
    let fd = g.open_follow("link_in").expect("a link inside is followed");
    assert_eq!(g.read(fd, 100), Ok(b"inside".to_vec()));
    let fd = g.open_follow("link_in_dotdot").expect("a link with .. inside");
    assert_eq!(g.read(fd, 100), Ok(b"inside".to_vec()));
    assert_eq!(g.open("link_in"), Err(Errno::LOOP), "not followed without SYMLINK_FOLLOW");
    assert!(g.open_with(PREOPEN, 0, ".", O_DIRECTORY, 0).is_ok());
}

#[test]
fn absolute_paths_are_refused() {
    let f = Fixture::new("abs");
    let mut g = f.guest();
    assert_eq!(g.open("/etc/passwd"), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open(&f.path("outside/secret.txt").to_string_lossy()), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open("/file.txt"), Err(Errno::NOTCAPABLE));
    assert_eq!(g.stat(PREOPEN, 0, "/etc"), Errno::NOTCAPABLE);
    assert_eq!(g.path_call("path_create_directory", PREOPEN, "/tmp/x"), Errno::NOTCAPABLE);
}

#[test]
fn dot_dot_cannot_leave_the_preopen() {
    let f = Fixture::new("dotdot");
    let mut g = f.guest();
    assert_eq!(g.open(".."), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open("../outside/secret.txt"), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open("dir/../../outside/secret.txt"), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open("dir/../dir/../../sandbox/file.txt"), Err(Errno::NOTCAPABLE));
    assert_eq!(g.stat(PREOPEN, 0, ".."), Errno::NOTCAPABLE);
    assert_eq!(g.path_call("path_create_directory", PREOPEN, "../outside/made"), Errno::NOTCAPABLE);
    assert_eq!(g.path_call("path_unlink_file", PREOPEN, "../outside/secret.txt"), Errno::NOTCAPABLE);
    assert_eq!(g.path_call("path_remove_directory", PREOPEN, "../outside"), Errno::NOTCAPABLE);
    // A descriptor opened on a subdirectory cannot climb above itself either.
    let sub = g.open_with(PREOPEN, 0, "dir", O_DIRECTORY, R_FD_READ).expect("opens dir");
    assert_eq!(g.open_with(sub, 0, "../file.txt", 0, R_FD_READ), Err(Errno::NOTCAPABLE));
    f.assert_outside_untouched();
}

#[test]
fn symlinks_cannot_point_outside() {
    let f = Fixture::new("symlinks");
    let mut g = f.guest();
    assert_eq!(g.open_follow("link_out_rel"), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open_follow("link_out_abs"), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open_follow("link_dir_out/secret.txt"), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open("link_dir_out/secret.txt"), Err(Errno::NOTCAPABLE), "intermediate links are followed");
    assert_eq!(g.open_follow("chain/secret.txt"), Err(Errno::NOTCAPABLE), "a chain of links");
    assert_eq!(g.open("link_dir_out/"), Err(Errno::NOTCAPABLE), "a trailing slash follows");
    assert_eq!(g.open("link_out_rel"), Err(Errno::LOOP), "not followed: the link itself");
    assert_eq!(g.open("link_out_abs"), Err(Errno::LOOP));
    assert_eq!(g.open_follow("loop1"), Err(Errno::LOOP));
    assert_eq!(g.stat(PREOPEN, FOLLOW, "link_out_abs"), Errno::NOTCAPABLE);
    assert_eq!(g.stat(PREOPEN, 0, "link_out_abs"), Errno::SUCCESS, "the link itself may be inspected");
    assert_eq!(g.stat(PREOPEN, 0, "link_dir_out/"), Errno::NOTCAPABLE);
    // Creating through a dangling link pointing outside.
    assert_eq!(g.open_with(PREOPEN, FOLLOW, "dangling_out", O_CREAT, R_FD_WRITE), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open_with(PREOPEN, 0, "dangling_out", O_CREAT, R_FD_WRITE), Err(Errno::LOOP));
    assert_eq!(g.path_call("path_create_directory", PREOPEN, "link_dir_out/made"), Errno::NOTCAPABLE);
    assert_eq!(g.path_call("path_create_directory", PREOPEN, "dangling_out/"), Errno::EXIST, "not followed");
    assert_eq!(g.path_call("path_unlink_file", PREOPEN, "link_dir_out/secret.txt"), Errno::NOTCAPABLE);
    assert_eq!(g.path_call("path_remove_directory", PREOPEN, "link_dir_out/"), Errno::NOTDIR);
    assert_eq!(g.path_call("path_unlink_file", PREOPEN, "link_dir_out/"), Errno::NOTDIR);
    // Reading a link's text is fine.
    let [p, l] = g.path(PATH_A, "link_out_rel");
    let args = [Val::I32(PREOPEN as i32), p, l, Val::I32(BUF as i32), Val::I32(256), Val::I32(RESULT as i32)];
    assert_eq!(g.call("path_readlink", &args), Errno::SUCCESS);
    let n = g.u32_at(RESULT) as usize;
    assert_eq!(g.get(BUF, n), b"../outside/secret.txt");
    f.assert_outside_untouched();
}

#[test]
fn guest_made_links_cannot_point_outside() {
    let f = Fixture::new("made");
    let mut g = f.guest();
    assert_eq!(g.symlink("/etc/passwd", "abs"), Errno::NOTCAPABLE);
    assert!(!f.path("sandbox/abs").exists());
    // A relative link may be made, but never followed out.
    assert_eq!(g.symlink("../outside/secret.txt", "rel"), Errno::SUCCESS);
    assert_eq!(g.open_follow("rel"), Err(Errno::NOTCAPABLE));
    assert_eq!(g.symlink("dir", "to_dir"), Errno::SUCCESS);
    assert_eq!(g.open("to_dir/../../outside/secret.txt"), Err(Errno::NOTCAPABLE));
    f.assert_outside_untouched();
}

#[test]
fn renames_and_hard_links_stay_inside() {
    let f = Fixture::new("rename");
    let mut g = f.guest();
    assert_eq!(g.two_paths("path_rename", "file.txt", "../outside/stolen.txt"), Errno::NOTCAPABLE);
    assert_eq!(g.two_paths("path_rename", "../outside/secret.txt", "got.txt"), Errno::NOTCAPABLE);
    assert_eq!(g.two_paths("path_rename", "file.txt", "link_dir_out/stolen.txt"), Errno::NOTCAPABLE);
    assert_eq!(g.two_paths("path_link", "file.txt", "../outside/linked.txt"), Errno::NOTCAPABLE);
    assert_eq!(g.two_paths("path_link", "../outside/secret.txt", "linked.txt"), Errno::NOTCAPABLE);
    assert_eq!(g.two_paths("path_link_follow", "link_out_rel", "linked.txt"), Errno::NOTCAPABLE);
    assert_eq!(g.two_paths("path_link_follow", "link_dir_out/secret.txt", "linked.txt"), Errno::NOTCAPABLE);
    // Without following, a hard link to the link itself: following it still cannot escape.
    assert_eq!(g.two_paths("path_link", "link_out_rel", "linked_link"), Errno::SUCCESS);
    assert_eq!(g.open_follow("linked_link"), Err(Errno::NOTCAPABLE));
    // Into the read-only preopen: no rights.
    let [p1, l1] = g.path(PATH_A, "file.txt");
    let [p2, l2] = g.path(PATH_B, "moved.txt");
    let args = [Val::I32(PREOPEN as i32), p1, l1, Val::I32(READ_ONLY as i32), p2, l2];
    assert_eq!(g.call("path_rename", &args), Errno::NOTCAPABLE);
    // Inside, renames work.
    assert_eq!(g.two_paths("path_rename", "file.txt", "dir/renamed.txt"), Errno::SUCCESS);
    assert_eq!(std::fs::read(f.path("sandbox/dir/renamed.txt")).unwrap(), b"inside");
    f.assert_outside_untouched();
    assert!(!f.path("ro/moved.txt").exists());
}

#[test]
fn read_only_preopen_cannot_be_modified() {
    let f = Fixture::new("ro");
    let mut g = f.guest();
    let fd = g.open_with(READ_ONLY, 0, "ro.txt", 0, R_FD_READ).expect("reading is allowed");
    assert_eq!(g.read(fd, 100), Ok(b"read only".to_vec()));
    assert_eq!(g.open_with(READ_ONLY, 0, "new.txt", O_CREAT, R_FD_WRITE), Err(Errno::NOTCAPABLE));
    assert_eq!(g.open_with(READ_ONLY, 0, "ro.txt", O_TRUNC, R_FD_WRITE), Err(Errno::NOTCAPABLE));
    // Asking for write rights gets a descriptor without them.
    let fd = g.open_with(READ_ONLY, 0, "ro.txt", 0, R_FD_READ | R_FD_WRITE | R_FD_FILESTAT_SET_SIZE).unwrap();
    assert_eq!(g.write(fd, b"overwritten").0, Errno::NOTCAPABLE);
    assert_eq!(g.call("fd_filestat_set_size", &[Val::I32(fd as i32), Val::I64(0)]), Errno::NOTCAPABLE);
    assert_eq!(g.path_call("path_unlink_file", READ_ONLY, "ro.txt"), Errno::NOTCAPABLE);
    assert_eq!(g.path_call("path_create_directory", READ_ONLY, "d"), Errno::NOTCAPABLE);
    assert_eq!(g.path_call("path_remove_directory", READ_ONLY, "."), Errno::NOTCAPABLE);
    // A directory opened beneath it inherits the restriction.
    let sub = g.open_with(READ_ONLY, 0, ".", O_DIRECTORY, u64::MAX).unwrap();
    assert_eq!(g.open_with(sub, 0, "new.txt", O_CREAT, R_FD_WRITE), Err(Errno::NOTCAPABLE));
    assert_eq!(std::fs::read(f.path("ro/ro.txt")).unwrap(), b"read only");
    assert!(!f.path("ro/new.txt").exists());
}

#[test]
fn rights_only_shrink() {
    let f = Fixture::new("rights");
    let mut g = f.guest();
    let fd = g.open_with(PREOPEN, 0, "file.txt", 0, R_FD_READ | R_FD_WRITE | R_FD_SEEK).unwrap();
    let set = |g: &mut Guest, base: u64| {
        g.call("fd_fdstat_set_rights", &[Val::I32(fd as i32), Val::I64(base as i64), Val::I64(0)])
    };
    assert_eq!(set(&mut g, R_FD_READ | R_FD_SEEK), Errno::SUCCESS);
    assert_eq!(g.write(fd, b"x").0, Errno::NOTCAPABLE);
    assert_eq!(set(&mut g, R_FD_READ | R_FD_WRITE | R_FD_SEEK), Errno::NOTCAPABLE);
    assert_eq!(g.call("fd_fdstat_get", &[Val::I32(fd as i32), Val::I32(BUF as i32)]), Errno::SUCCESS);
    assert_eq!(g.u64_at(BUF + 8), R_FD_READ | R_FD_SEEK);
    // Read-only descriptors of a writable preopen cannot write either.
    let fd = g.open_with(PREOPEN, 0, "file.txt", 0, R_FD_READ).unwrap();
    assert_eq!(g.write(fd, b"x").0, Errno::NOTCAPABLE);
    assert_eq!(std::fs::read(f.path("sandbox/file.txt")).unwrap(), b"inside");
}

#[test]
fn bad_pointers_are_efault() {
    let f = Fixture::new("fault");
    let mut g = f.guest();
    let end = 65536i32;
    let d = Val::I32(PREOPEN as i32);
    // A path beyond memory, or running off its end.
    let open = |g: &mut Guest, ptr: i32, len: i32, out: i32| {
        let args = [d, Val::I32(0), Val::I32(ptr), Val::I32(len), Val::I32(0), Val::I64(0), Val::I64(0), Val::I32(0)];
        let mut all = args.to_vec();
        all.push(Val::I32(out));
        g.call("path_open", &all)
    };
    assert_eq!(open(&mut g, end, 1, 0), Errno::FAULT);
    assert_eq!(open(&mut g, end - 2, 8, 0), Errno::FAULT);
    assert_eq!(open(&mut g, 0, -1, 0), Errno::FAULT);
    assert_eq!(open(&mut g, -1, -1, 0), Errno::FAULT);
    // The result pointer: the file opens but the descriptor number cannot be stored.
    g.put(PATH_A, b"file.txt");
    assert_eq!(open(&mut g, PATH_A as i32, 8, end - 2), Errno::FAULT);
    // iovecs out of range, or pointing out of range.
    let write = |g: &mut Guest, iovs: i32, n: i32, out: i32| {
        g.call("fd_write", &[Val::I32(1), Val::I32(iovs), Val::I32(n), Val::I32(out)])
    };
    assert_eq!(write(&mut g, end - 4, 1, 0), Errno::FAULT);
    assert_eq!(write(&mut g, 0, i32::MAX, 0), Errno::FAULT);
    let mut iov = (end as u32 - 10).to_le_bytes().to_vec();
    iov.extend_from_slice(&100u32.to_le_bytes());
    g.put(IOVS, &iov);
    assert_eq!(write(&mut g, IOVS as i32, 1, 0), Errno::FAULT);
    let mut iov = 0u32.to_le_bytes().to_vec();
    iov.extend_from_slice(&u32::MAX.to_le_bytes());
    g.put(IOVS, &iov);
    assert_eq!(write(&mut g, IOVS as i32, 1, 0), Errno::FAULT);
    // fd_read into memory out of range.
    let fd = g.open("file.txt").unwrap();
    let mut iov = (end as u32 - 2).to_le_bytes().to_vec();
    iov.extend_from_slice(&16u32.to_le_bytes());
    g.put(IOVS, &iov);
    assert_eq!(
        g.call("fd_read", &[Val::I32(fd as i32), Val::I32(IOVS as i32), Val::I32(1), Val::I32(0)]),
        Errno::FAULT
    );
    // Other functions.
    assert_eq!(g.call("args_get", &[Val::I32(end - 2), Val::I32(0)]), Errno::FAULT);
    assert_eq!(g.call("args_sizes_get", &[Val::I32(-4), Val::I32(0)]), Errno::FAULT);
    assert_eq!(g.call("random_get", &[Val::I32(end - 10), Val::I32(11)]), Errno::FAULT);
    assert_eq!(g.call("random_get", &[Val::I32(end - 10), Val::I32(10)]), Errno::SUCCESS);
    assert_eq!(g.call("clock_time_get", &[Val::I32(0), Val::I64(0), Val::I32(end - 7)]), Errno::FAULT);
    assert_eq!(g.call("fd_filestat_get", &[Val::I32(fd as i32), Val::I32(end - 63)]), Errno::FAULT);
    assert_eq!(g.call("fd_readdir", &[d, Val::I32(end - 10), Val::I32(100), Val::I64(0), Val::I32(0)]), Errno::FAULT);
    assert_eq!(g.call("poll_oneoff", &[Val::I32(end - 47), Val::I32(0), Val::I32(1), Val::I32(0)]), Errno::FAULT);
    assert_eq!(g.call("poll_oneoff", &[Val::I32(0), Val::I32(0), Val::I32(i32::MAX), Val::I32(0)]), Errno::FAULT);
}

#[test]
fn descriptors_of_the_wrong_kind() {
    let f = Fixture::new("kinds");
    let mut g = f.guest();
    assert_eq!(g.open_with(1, 0, "file.txt", 0, R_FD_READ), Err(Errno::NOTDIR));
    assert_eq!(g.open_with(99, 0, "file.txt", 0, R_FD_READ), Err(Errno::BADF));
    let file = g.open("file.txt").unwrap();
    assert_eq!(g.open_with(file, 0, "x", 0, R_FD_READ), Err(Errno::NOTDIR));
    assert_eq!(g.open_with(PREOPEN, 0, "file.txt", O_DIRECTORY, 0), Err(Errno::NOTDIR));
    assert_eq!(g.read(PREOPEN, 10), Err(Errno::ISDIR));
    // Sockets: none is preopened.
    assert_eq!(g.call("sock_accept", &[Val::I32(PREOPEN as i32), Val::I32(0), Val::I32(0)]), Errno::NOTSOCK);
    assert_eq!(g.call("sock_accept", &[Val::I32(99), Val::I32(0), Val::I32(0)]), Errno::BADF);
    assert_eq!(g.call("sock_shutdown", &[Val::I32(1), Val::I32(3)]), Errno::NOTSOCK);
    assert_eq!(g.call("sock_shutdown", &[Val::I32(99), Val::I32(3)]), Errno::BADF);
    let recv = [Val::I32(file as i32), Val::I32(IOVS as i32), Val::I32(0), Val::I32(0), Val::I32(0), Val::I32(4)];
    assert_eq!(g.call("sock_recv", &recv), Errno::NOTSOCK);
    let send = [Val::I32(2), Val::I32(IOVS as i32), Val::I32(0), Val::I32(0), Val::I32(0)];
    assert_eq!(g.call("sock_send", &send), Errno::NOTSOCK);
    assert_eq!(g.call("fd_close", &[Val::I32(99)]), Errno::BADF);
    assert_eq!(g.call("fd_close", &[Val::I32(file as i32)]), Errno::SUCCESS);
    assert_eq!(g.call("fd_close", &[Val::I32(file as i32)]), Errno::BADF);
}

#[test]
fn preopen_names_and_directory_listing() {
    let f = Fixture::new("names");
    let mut g = f.guest();
    assert_eq!(g.call("fd_prestat_dir_name", &[Val::I32(4), Val::I32(BUF as i32), Val::I32(3)]), Errno::SUCCESS);
    assert_eq!(g.get(BUF, 3), b"/ro");
    assert_eq!(g.call("fd_prestat_dir_name", &[Val::I32(4), Val::I32(BUF as i32), Val::I32(2)]), Errno::NAMETOOLONG);
    let args = [Val::I32(PREOPEN as i32), Val::I32(BUF as i32), Val::I32(4096), Val::I64(0), Val::I32(RESULT as i32)];
    assert_eq!(g.call("fd_readdir", &args), Errno::SUCCESS);
    let used = g.u32_at(RESULT) as usize;
    let buf = g.get(BUF, used);
    let mut names = Vec::new();
    let mut at = 0;
    while at + 24 <= buf.len() {
        let len = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
        names.push(String::from_utf8_lossy(&buf[at + 24..at + 24 + len]).into_owned());
        at += 24 + len;
    }
    assert_eq!(names[..2], [".", ".."]);
    assert!(names.contains(&"file.txt".to_owned()) && names.contains(&"link_out_abs".to_owned()));
    assert!(!names.contains(&"secret.txt".to_owned()));
}

#[test]
fn wasi_unstable_layouts() {
    let f = Fixture::new("unstable");
    let mut g = f.guest();
    // filestat: 56 bytes, nlink u32 @20, size u64 @24.
    let fd = g.open("file.txt").unwrap();
    g.put(BUF, &[0xAA; 80]);
    assert_eq!(g.call("unstable_fd_filestat_get", &[Val::I32(fd as i32), Val::I32(BUF as i32)]), Errno::SUCCESS);
    assert_eq!(g.get(BUF + 16, 1), [4], "regular file");
    assert_eq!(g.u32_at(BUF + 20), 1, "nlink");
    assert_eq!(g.u64_at(BUF + 24), 6, "size");
    assert_eq!(g.get(BUF + 56, 1), [0xAA], "nothing written past 56 bytes");
    let [p, l] = g.path(PATH_A, "file.txt");
    let args = [Val::I32(PREOPEN as i32), Val::I32(0), p, l, Val::I32(BUF as i32)];
    assert_eq!(g.call("unstable_path_filestat_get", &args), Errno::SUCCESS);
    assert_eq!(g.u64_at(BUF + 24), 6);
    // Preview1: size @32.
    assert_eq!(g.call("fd_filestat_get", &[Val::I32(fd as i32), Val::I32(BUF as i32)]), Errno::SUCCESS);
    assert_eq!(g.u64_at(BUF + 32), 6);
    // Escapes are refused there too.
    let [p, l] = g.path(PATH_A, "../outside/secret.txt");
    let args = [Val::I32(PREOPEN as i32), Val::I32(0), p, l, Val::I32(BUF as i32)];
    assert_eq!(g.call("unstable_path_filestat_get", &args), Errno::NOTCAPABLE);
    // whence: unstable END = 1, SET = 2, CUR = 0.
    let seek = |g: &mut Guest, name: &str, off: i64, whence: i32| {
        let e = g.call(name, &[Val::I32(fd as i32), Val::I64(off), Val::I32(whence), Val::I32(RESULT as i32)]);
        (e, g.u64_at(RESULT))
    };
    assert_eq!(seek(&mut g, "unstable_fd_seek", -2, 1), (Errno::SUCCESS, 4), "END");
    assert_eq!(seek(&mut g, "unstable_fd_seek", 1, 2), (Errno::SUCCESS, 1), "SET");
    assert_eq!(seek(&mut g, "unstable_fd_seek", 2, 0), (Errno::SUCCESS, 3), "CUR");
    assert_eq!(seek(&mut g, "fd_seek", -2, 2), (Errno::SUCCESS, 4), "preview1 END");
    assert_eq!(seek(&mut g, "fd_seek", 1, 0), (Errno::SUCCESS, 1), "preview1 SET");
    // poll_oneoff: a 56-byte clock subscription (identifier @16, id @24, timeout @32).
    let mut sub = vec![0u8; 56];
    sub[0..8].copy_from_slice(&0x1234u64.to_le_bytes());
    sub[8] = 0; // clock
    sub[16..24].copy_from_slice(&99u64.to_le_bytes());
    sub[24..28].copy_from_slice(&1u32.to_le_bytes()); // monotonic
    sub[32..40].copy_from_slice(&1_000_000u64.to_le_bytes()); // 1 ms
    g.put(BUF, &sub);
    let args = [Val::I32(BUF as i32), Val::I32(IOVS as i32), Val::I32(1), Val::I32(RESULT as i32)];
    let start = std::time::Instant::now();
    assert_eq!(g.call("unstable_poll_oneoff", &args), Errno::SUCCESS);
    assert!(start.elapsed() >= std::time::Duration::from_millis(1));
    assert_eq!(g.u32_at(RESULT), 1);
    assert_eq!(g.u64_at(IOVS), 0x1234);
    assert_eq!(g.get(IOVS + 8, 3), [0, 0, 0], "no error, clock event");
    // The same bytes read with the preview1 layout: clock id 99 is invalid.
    assert_eq!(g.call("poll_oneoff", &args), Errno::SUCCESS);
    assert_eq!(u16::from_le_bytes(g.get(IOVS + 8, 2).try_into().unwrap()), Errno::INVAL.0);
}

#[test]
fn proc_exit_ends_the_run_with_its_status() {
    let engine = Engine::new(common::config());
    let bytes = wat::parse_str(wrapper_wat()).unwrap();
    let module = CompiledModule::new(&engine, &bytes).unwrap();
    let ctx = WasiCtx::builder().build().unwrap();
    let mut store = Store::new(&engine);
    assert_eq!(wasi::run_command(&mut store, &module, &ctx, &mut |_, _| None).unwrap(), 7);
    assert_eq!(ctx.exit_code(), Some(7));
    // As a trap from a plain call.
    let mut g = Guest::new(&ctx);
    let Some(Extern::Func(exit)) = g.store.instance_export(g.instance, "exit") else { panic!() };
    let trap = g.store.call(exit, &[Val::I32(42)]).unwrap_err();
    assert_eq!(trap.exit_code, Some(42));
    // A command that returns exits 0; one that traps is an error.
    let ok = CompiledModule::new(&engine, &wat::parse_str(r#"(module (func (export "_start")))"#).unwrap()).unwrap();
    assert_eq!(wasi::run_command(&mut store, &ok, &ctx, &mut |_, _| None).unwrap(), 0);
    let bad = r#"(module (func (export "_start") unreachable))"#;
    let bad = CompiledModule::new(&engine, &wat::parse_str(bad).unwrap()).unwrap();
    assert!(matches!(wasi::run_command(&mut store, &bad, &ctx, &mut |_, _| None), Err(wasi::WasiError::Trap(_))));
    // Unknown imports are link errors unless the resolver provides them.
    let other = r#"(module (import "env" "f" (func)) (import "wasi_snapshot_preview1" "nope" (func)))"#;
    let other = CompiledModule::new(&engine, &wat::parse_str(other).unwrap()).unwrap();
    let err = wasi::imports(&mut store, &other, &ctx, &mut |_, _| None).unwrap_err();
    assert!(err.to_string().contains("\"env\" \"f\""), "{err}");
}

#[test]
fn standard_streams() {
    let f = Fixture::new("stdio");
    let called: Arc<Mutex<Vec<u8>>> = Arc::default();
    let sink = called.clone();
    let err = Capture::new();
    let out_file = f.path("sandbox/out.txt");
    let ctx = f
        .builder()
        .stdin(Stdin::Bytes(b"hello stdin".to_vec()))
        .stdout(Output::Callback(Box::new(move |b| sink.lock().unwrap().extend_from_slice(b))))
        .stderr(Output::Capture(err.clone()))
        .env("KEY", "value")
        .build()
        .unwrap();
    let mut g = Guest::new(&ctx);
    assert_eq!(g.read(0, 5), Ok(b"hello".to_vec()));
    assert_eq!(g.read(0, 100), Ok(b" stdin".to_vec()));
    assert_eq!(g.read(0, 100), Ok(Vec::new()), "end of input");
    assert_eq!(g.write(1, b"to stdout"), (Errno::SUCCESS, 9));
    assert_eq!(g.write(2, b"to stderr"), (Errno::SUCCESS, 9));
    assert_eq!(g.write(0, b"x").0, Errno::NOTCAPABLE, "stdin is not writable");
    assert_eq!(called.lock().unwrap().as_slice(), b"to stdout");
    assert_eq!(err.to_string_lossy(), "to stderr");
    assert_eq!(g.call("environ_get", &[Val::I32(BUF as i32), Val::I32(PATH_A as i32)]), Errno::SUCCESS);
    assert_eq!(g.get(PATH_A, 10), b"KEY=value\0");
    // Output to a file.
    let ctx = WasiCtx::builder().stdout(Output::File(std::fs::File::create(&out_file).unwrap())).build().unwrap();
    let mut g = Guest::new(&ctx);
    assert_eq!(g.write(1, b"to a file"), (Errno::SUCCESS, 9));
    assert_eq!(std::fs::read(&out_file).unwrap(), b"to a file");
}

/// The 46 functions of `wasi_snapshot_preview1` with their signatures from the WASI witx
/// ('i' i32, 'I' i64, then '>' and the result), written out independently of the
/// implementation's table.
const PREVIEW1_SIGNATURES: &[(&str, &str)] = &[
    ("args_get", "ii>i"),
    ("args_sizes_get", "ii>i"),
    ("environ_get", "ii>i"),
    ("environ_sizes_get", "ii>i"),
    ("clock_res_get", "ii>i"),
    ("clock_time_get", "iIi>i"),
    ("fd_advise", "iIIi>i"),
    ("fd_allocate", "iII>i"),
    ("fd_close", "i>i"),
    ("fd_datasync", "i>i"),
    ("fd_fdstat_get", "ii>i"),
    ("fd_fdstat_set_flags", "ii>i"),
    ("fd_fdstat_set_rights", "iII>i"),
    ("fd_filestat_get", "ii>i"),
    ("fd_filestat_set_size", "iI>i"),
    ("fd_filestat_set_times", "iIIi>i"),
    ("fd_pread", "iiiIi>i"),
    ("fd_prestat_get", "ii>i"),
    ("fd_prestat_dir_name", "iii>i"),
    ("fd_pwrite", "iiiIi>i"),
    ("fd_read", "iiii>i"),
    ("fd_readdir", "iiiIi>i"),
    ("fd_renumber", "ii>i"),
    ("fd_seek", "iIii>i"),
    ("fd_sync", "i>i"),
    ("fd_tell", "ii>i"),
    ("fd_write", "iiii>i"),
    ("path_create_directory", "iii>i"),
    ("path_filestat_get", "iiiii>i"),
    ("path_filestat_set_times", "iiiiIIi>i"),
    ("path_link", "iiiiiii>i"),
    ("path_open", "iiiiiIIii>i"),
    ("path_readlink", "iiiiii>i"),
    ("path_remove_directory", "iii>i"),
    ("path_rename", "iiiiii>i"),
    ("path_symlink", "iiiii>i"),
    ("path_unlink_file", "iii>i"),
    ("poll_oneoff", "iiii>i"),
    ("proc_exit", "i>"),
    ("proc_raise", "i>i"),
    ("random_get", "ii>i"),
    ("sched_yield", ">i"),
    ("sock_accept", "iii>i"),
    ("sock_recv", "iiiiii>i"),
    ("sock_send", "iiiii>i"),
    ("sock_shutdown", "ii>i"),
];

fn importer_wat(module: &str, skip: &[&str]) -> String {
    let ty = |c: char| if c == 'I' { "i64" } else { "i32" };
    let mut wat = String::from("(module\n");
    for (name, sig) in PREVIEW1_SIGNATURES.iter().filter(|(n, _)| !skip.contains(n)) {
        let (params, results) = sig.split_once('>').unwrap();
        let ps: Vec<&str> = params.chars().map(ty).collect();
        let rs: Vec<&str> = results.chars().map(ty).collect();
        wat +=
            &format!("  (import \"{module}\" \"{name}\" (func (param {}) (result {})))\n", ps.join(" "), rs.join(" "));
    }
    wat + "  (memory (export \"memory\") 1))\n"
}

#[test]
fn every_function_links_with_its_signature() {
    assert_eq!(PREVIEW1_SIGNATURES.len(), 46);
    let mut names: Vec<&str> = PREVIEW1_SIGNATURES.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    assert_eq!(wasi::function_names(wasi::PREVIEW1), names);
    let engine = Engine::new(common::config());
    let ctx = WasiCtx::builder().build().unwrap();
    for (module, skip) in [(wasi::PREVIEW1, &[][..]), (wasi::UNSTABLE, &["sock_accept"][..])] {
        let bytes = wat::parse_str(importer_wat(module, skip)).unwrap();
        let compiled = CompiledModule::new(&engine, &bytes).unwrap();
        let mut store = Store::new(&engine);
        wasi::instantiate(&mut store, &compiled, &ctx, &mut |_, _| None)
            .unwrap_or_else(|e| panic!("{module}: every function links: {e}"));
    }
    assert_eq!(wasi::function_names(wasi::UNSTABLE).len(), 45, "snapshot 0 has no sock_accept");
}

#[test]
fn a_long_poll_can_be_interrupted() {
    let ctx = WasiCtx::builder().build().unwrap();
    let mut g = Guest::new(&ctx);
    // One clock subscription: an hour on the monotonic clock.
    let mut sub = vec![0u8; 48];
    sub[16..20].copy_from_slice(&1u32.to_le_bytes());
    sub[24..32].copy_from_slice(&3_600_000_000_000u64.to_le_bytes());
    g.put(BUF, &sub);
    let handle = g.store.interrupt_handle();
    let interrupter = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        handle.interrupt();
    });
    let Some(Extern::Func(poll)) = g.store.instance_export(g.instance, "poll_oneoff") else { panic!() };
    let start = std::time::Instant::now();
    let args = [Val::I32(BUF as i32), Val::I32(IOVS as i32), Val::I32(1), Val::I32(RESULT as i32)];
    let trap = g.store.call(poll, &args).expect_err("interrupted");
    interrupter.join().unwrap();
    assert_eq!(trap.code, wasmrt::runtime::TrapCode::Interrupted);
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    // The store is usable again.
    assert_eq!(g.call("random_get", &[Val::I32(0), Val::I32(4)]), Errno::SUCCESS);
}
