//! WASI programs from wazero's test data (`../shared/corpus/wazero`), built by several
//! toolchains (cargo-wasi, TinyGo, Zig, zig-cc, hand-written text), run through `wasmrt::wasi`
//! with the outputs wazero's own tests expect: `cat`, `ls` (fd_readdir), `stat` (isatty),
//! preopen listing, `poll` on stdin, sleeping, opening read-only/write-only, accepting on a
//! preopened socket, argument/environment printing, `proc_exit` (also through the old
//! `wasi_unstable` module), a TinyGo command with flags, and TinyGo reactors (`_initialize`)
//! whose non-WASI imports come from the embedder's resolver.
//!
//! Without the corpus the tests say so loudly and pass, except under CI, where they fail.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wasmrt::runtime::{CompiledModule, Engine, Extern, Store, Val};
use wasmrt::types::{FuncType, ValType};
use wasmrt::wasi::{self, DirPerms, Output, Stdin, WasiCtx, WasiCtxBuilder};

/// A fresh temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("wasmrt-wazero-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creates a temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Run {
    status: i32,
    /// Standard output and error, interleaved (as wazero's tests capture them).
    console: String,
    stdout: String,
}

/// Runs a command; `setup` adds preopens, stdin and so on to a context that already has the
/// arguments and captures stdout and stderr.
fn run(path: &Path, args: &[&str], setup: impl FnOnce(WasiCtxBuilder) -> WasiCtxBuilder) -> Run {
    let engine = Engine::new(common::config());
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reads {}: {e}", path.display()));
    let module = CompiledModule::new(&engine, &bytes).expect("compiles");
    let console: Arc<Mutex<Vec<u8>>> = Arc::default();
    let stdout: Arc<Mutex<Vec<u8>>> = Arc::default();
    let (c1, c2, out) = (console.clone(), console.clone(), stdout.clone());
    let builder = WasiCtx::builder()
        .args(args.iter().copied())
        .stdout(Output::Callback(Box::new(move |b: &[u8]| {
            c1.lock().unwrap().extend_from_slice(b);
            out.lock().unwrap().extend_from_slice(b);
        })))
        .stderr(Output::Callback(Box::new(move |b: &[u8]| c2.lock().unwrap().extend_from_slice(b))));
    let ctx = setup(builder).build().expect("context builds");
    let mut store = Store::new(&engine);
    let text = |c: &Arc<Mutex<Vec<u8>>>| String::from_utf8_lossy(&c.lock().unwrap()).into_owned();
    let status = wasi::run_command(&mut store, &module, &ctx, &mut |_, _| None)
        .unwrap_or_else(|e| panic!("{} {args:?}: {e}\n{}", path.display(), text(&console)));
    Run { status, console: text(&console), stdout: text(&stdout) }
}

fn wasi_data(corpus: &Path) -> PathBuf {
    corpus.join("imports/wasi_snapshot_preview1/testdata")
}

#[test]
fn cat_by_every_toolchain() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let example = c.join("imports/wasi_snapshot_preview1/example/testdata");
    let mut programs: Vec<PathBuf> =
        ["cargo-wasi", "tinygo", "zig", "zig-cc"].iter().map(|t| example.join(t).join("cat.wasm")).collect();
    programs.push(c.join("cmd/wazero/testdata/cat/cat-tinygo.wasm"));
    for p in &programs {
        let r = run(p, &["wasi", "test.txt"], |b| b.preopen_dir(&example, "/", DirPerms::ReadOnly));
        assert_eq!((r.status, r.stdout.as_str()), (0, "greet filesystem\n"), "{}", p.display());
        let r = run(p, &["wasi", "sub/test.txt"], |b| b.preopen_dir(&example, "/", DirPerms::ReadOnly));
        assert_eq!((r.status, r.stdout.as_str()), (0, "greet sub dir\n"), "{}", p.display());
        // Outside the preopen: the program reports an error and fails.
        let r = run(p, &["wasi", "../testdata/test.txt"], |b| b.preopen_dir(&example, "/", DirPerms::ReadOnly));
        assert_ne!(r.status, 0, "{}: escaped with ..: {}", p.display(), r.console);
    }
}

fn ls_fixture() -> TempDir {
    let dir = TempDir::new("ls");
    std::fs::write(dir.0.join("-"), b"").unwrap();
    std::fs::write(dir.0.join("ab-"), b"").unwrap();
    std::fs::create_dir(dir.0.join("a-")).unwrap();
    dir
}

#[test]
fn ls_lists_directories_in_order() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let fixture = ls_fixture();
    for tool in ["cargo-wasi", "zig-cc", "zig"] {
        let p = wasi_data(&c).join(tool).join("wasi.wasm");
        let dots = if tool == "zig-cc" { "./.\n./..\n" } else { "" };
        let ls = |args: &[&str]| {
            let mut all = vec!["wasi", "ls"];
            all.extend_from_slice(args);
            run(&p, &all, |b| b.preopen_dir(&fixture.0, "/", DirPerms::ReadOnly))
        };
        let r = ls(&["./a-"]);
        assert_eq!((r.status, r.console), (0, dots.to_owned()), "{tool} ls ./a-");
        let r = ls(&["-"]);
        assert_eq!((r.status, r.console.as_str()), (0, "ENOTDIR\n"), "{tool} ls -");
        let listing = format!("{dots}./-\n./a-\n./ab-\n");
        let r = ls(&["."]);
        assert_eq!((r.status, r.console.clone()), (0, listing.clone()), "{tool} ls .");
        let r = ls(&[".", "repeat"]);
        assert_eq!((r.status, r.console), (0, listing.repeat(2)), "{tool} ls . repeat");
    }
}

#[test]
fn ls_a_directory_with_thousands_of_entries() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let dir = TempDir::new("tons");
    for i in 0..8096 {
        std::fs::write(dir.0.join(i.to_string()), b"").unwrap();
    }
    for tool in ["cargo-wasi", "zig-cc", "zig"] {
        let p = wasi_data(&c).join(tool).join("wasi.wasm");
        let r = run(&p, &["wasi", "ls", "."], |b| b.preopen_dir(&dir.0, "/", DirPerms::ReadOnly));
        let dots = if tool == "zig-cc" { 2 } else { 0 };
        assert_eq!(r.status, 0, "{tool}");
        assert_eq!(r.console.lines().count(), 8096 + dots, "{tool}");
    }
}

#[test]
fn stat_reports_no_terminals() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let dir = TempDir::new("stat");
    for tool in ["cargo-wasi", "zig-cc", "zig", "tinygo"] {
        let p = wasi_data(&c).join(tool).join("wasi.wasm");
        let r = run(&p, &["wasi", "stat"], |b| b.preopen_dir(&dir.0, "/", DirPerms::ReadOnly));
        assert_eq!(
            (r.status, r.console.as_str()),
            (0, "stdin isatty: false\nstdout isatty: false\nstderr isatty: false\n/ isatty: false\n"),
            "{tool}"
        );
    }
}

#[test]
fn zig_lists_preopens() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let (root, tmp) = (TempDir::new("root"), TempDir::new("tmp"));
    let p = wasi_data(&c).join("zig/wasi.wasm");
    let r = run(&p, &["wasi", "preopen"], |b| {
        b.preopen_dir(&root.0, "/", DirPerms::ReadWrite).preopen_dir(&tmp.0, "/tmp", DirPerms::ReadWrite)
    });
    assert_eq!((r.status, r.console.as_str()), (0, "0: stdin\n1: stdout\n2: stderr\n3: /\n4: /tmp\n"));
}

#[test]
fn zig_cc_polls_stdin() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let p = wasi_data(&c).join("zig-cc/wasi.wasm");
    let r = run(&p, &["wasi", "poll"], |b| b.stdin(Stdin::Bytes(b"test".to_vec())));
    assert_eq!((r.status, r.console.as_str()), (0, "STDIN\n"));
    let r = run(&p, &["wasi", "poll", "0", "500"], |b| b.stdin(Stdin::Bytes(b"test".to_vec())));
    assert_eq!((r.status, r.console.as_str()), (0, "STDIN\n"));
    // End of file counts as readable.
    let r = run(&p, &["wasi", "poll", "0", "500"], |b| b.stdin(Stdin::Null));
    assert_eq!((r.status, r.console.as_str()), (0, "STDIN\n"));
    // A pipe nobody writes to: the poll times out.
    let (reader, _writer) = std::os::unix::net::UnixStream::pair().unwrap();
    let start = Instant::now();
    let r = run(&p, &["wasi", "poll", "0", "500"], |b| {
        b.stdin(Stdin::File(std::fs::File::from(std::os::fd::OwnedFd::from(reader))))
    });
    assert_eq!((r.status, r.console.as_str()), (0, "NOINPUT\n"));
    assert!(start.elapsed() >= Duration::from_millis(500));
}

#[test]
fn zig_cc_sleeps() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let p = wasi_data(&c).join("zig-cc/wasi.wasm");
    let start = Instant::now();
    let r = run(&p, &["wasi", "sleepmillis", "100"], |b| b);
    assert_eq!((r.status, r.console.as_str()), (0, "OK\n"));
    assert!(start.elapsed() >= Duration::from_millis(100));
}

#[test]
fn zig_cc_open_read_only_and_write_only_enforced() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let p = wasi_data(&c).join("zig-cc/wasi.wasm");
    for cmd in ["open-rdonly", "open-wronly"] {
        let dir = TempDir::new(cmd);
        let r = run(&p, &["wasi", cmd], |b| b.preopen_dir(&dir.0, "/", DirPerms::ReadWrite));
        assert_eq!((r.status, r.console.trim()), (0, "OK"), "{cmd}");
    }
}

#[test]
fn zig_cc_accepts_on_a_preopened_socket() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let p = wasi_data(&c).join("zig-cc/wasi.wasm");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let client = std::thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"wazero").unwrap();
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
    });
    let r = run(&p, &["wasi", "sock"], |b| b.preopen_listener(listener));
    client.join().unwrap();
    // This build of the program prints what it received (wazero's newer one adds "OK").
    assert_eq!((r.status, r.console.as_str()), (0, "wazero\n"));
}

#[test]
fn hand_written_programs() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let cmd = c.join("cmd/wazero/testdata");
    let r = run(&cmd.join("wasi_arg.wasm"), &["prog", "a", "b"], |b| b);
    assert_eq!((r.status, r.stdout.as_str()), (0, "prog\0a\0b\0"));
    let r = run(&cmd.join("wasi_env.wasm"), &["prog"], |b| b.env("FOO", "bar"));
    assert_eq!((r.status, r.stdout.as_str()), (0, "FOO=bar\0"));
    let dir = TempDir::new("bear");
    std::fs::write(dir.0.join("bear.txt"), b"pooh\n").unwrap();
    let r = run(&cmd.join("wasi_fd.wasm"), &["prog"], |b| b.preopen_dir(&dir.0, "/", DirPerms::ReadOnly));
    assert_eq!((r.status, r.stdout.as_str()), (0, "pooh\n"));
    // No exported memory: WASI uses the module's memory anyway.
    let r = run(&cmd.join("wasi_random_get.wasm"), &["prog"], |b| b);
    assert_eq!(r.status, 0);
    let r = run(&cmd.join("exit_on_start_unstable.wasm"), &["prog"], |b| b);
    assert_eq!(r.status, 2);
    let data = wasi_data(&c);
    let r = run(&data.join("exit_on_start.wasm"), &["prog"], |b| b);
    assert_eq!(r.status, 2);
    let r = run(&data.join("exit_on_start_unstable.wasm"), &["prog"], |b| b);
    assert_eq!(r.status, 2);
    let r = run(&data.join("print_args.wasm"), &["wasi", "x"], |b| b);
    assert_eq!((r.status, r.stdout.as_str()), (0, "wasi\0x\0"));
    let r =
        run(&data.join("print_prestat_dirname.wasm"), &["wasi"], |b| b.preopen_dir(&dir.0, "/", DirPerms::ReadOnly));
    assert_eq!((r.status, r.stdout.as_str()), (0, "/"));
}

#[test]
fn tinygo_cli_with_flags() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let p = c.join("examples/cli/testdata/cli.wasm");
    let r = run(&p, &["cli", "3", "1"], |b| b);
    assert_eq!((r.status, r.stdout.trim()), (0, "result: 4"));
    let r = run(&p, &["cli", "-sub=true", "3", "1"], |b| b);
    assert_eq!((r.status, r.stdout.trim()), (0, "result: 2"));
    let r = run(&p, &["cli", "x"], |b| b);
    assert_eq!((r.status, r.stdout.trim()), (1, "bad arguments"));
}

#[test]
fn tinygo_reactors_initialize_and_take_host_imports() {
    let Some(c) = common::corpus_dir("wazero", "wazero WASI programs") else { return };
    let engine = Engine::new(common::config());
    let mut store = Store::new(&engine);

    // examples/basic: `add` after `_initialize`.
    let bytes = std::fs::read(c.join("examples/basic/testdata/add.wasm")).unwrap();
    let module = CompiledModule::new(&engine, &bytes).unwrap();
    let ctx = WasiCtx::builder().build().unwrap();
    let instance = wasi::instantiate(&mut store, &module, &ctx, &mut |_, _| None).expect("reactor instantiates");
    let Some(Extern::Func(add)) = store.instance_export(instance, "add") else { panic!("exports add") };
    let args: Vec<Val> = store
        .func_type(add)
        .unwrap()
        .params()
        .iter()
        .enumerate()
        .map(|(i, t)| if *t == ValType::I64 { Val::I64(i as i64 + 20) } else { Val::I32(i as i32 + 20) })
        .collect();
    let sum = store.call(add, &args).expect("add runs");
    assert!(matches!(sum[0], Val::I32(41) | Val::I64(41)), "{sum:?}");

    // examples/allocation/tinygo: the host writes a name into guest memory, `greet` calls back
    // the host's `env.log` with the greeting.
    let bytes = std::fs::read(c.join("examples/allocation/tinygo/testdata/greet.wasm")).unwrap();
    let module = CompiledModule::new(&engine, &bytes).unwrap();
    let logged: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = logged.clone();
    let mut resolver = move |store: &mut Store, import: &wasmrt::decode::Import| -> Option<Extern> {
        if (import.module.as_str(), import.name.as_str()) != ("env", "log") {
            return None;
        }
        let sink = sink.clone();
        let ty = FuncType::new(&[ValType::I32, ValType::I32], &[]);
        Some(Extern::Func(store.new_host_func(
            ty,
            Arc::new(move |caller, args, _| {
                let (Val::I32(ptr), Val::I32(len)) = (args[0], args[1]) else { unreachable!() };
                let instance = caller.instance.expect("called from wasm");
                let Some(Extern::Memory(m)) = caller.store.instance_export(instance, "memory") else { panic!() };
                let data = caller.store.memory(m).unwrap().data();
                let text = &data[ptr as u32 as usize..][..len as u32 as usize];
                sink.lock().unwrap().push(String::from_utf8_lossy(text).into_owned());
                Ok(())
            }),
        )))
    };
    let ctx = WasiCtx::builder().build().unwrap();
    let instance = wasi::instantiate(&mut store, &module, &ctx, &mut resolver).expect("reactor instantiates");
    let func = |name: &str| match store.instance_export(instance, name) {
        Some(Extern::Func(f)) => f,
        _ => panic!("exports {name}"),
    };
    let (malloc, greet) = (func("malloc"), func("greet"));
    let name = b"wazero";
    let ptr = match store.call(malloc, &[Val::I32(name.len() as i32)]).unwrap()[0] {
        Val::I32(p) => p,
        other => panic!("malloc returned {other:?}"),
    };
    let Some(Extern::Memory(m)) = store.instance_export(instance, "memory") else { panic!() };
    store.memory_mut(m).unwrap().data_mut()[ptr as usize..][..name.len()].copy_from_slice(name);
    store.call(greet, &[Val::I32(ptr), Val::I32(name.len() as i32)]).expect("greet runs");
    assert_eq!(logged.lock().unwrap().as_slice(), ["wasm >> Hello, wazero!"]);
}
