//! The way into and out of compiled code (x86_64): machine code written by hand runs from
//! executable memory that is never writable at the same time; a fault at a registered trap
//! site (a load from inaccessible memory, `ud2`, `div` by zero) comes back as that trap, with
//! the caller's registers intact, on any thread; a fault anywhere else goes to the handler the
//! host installed before (checked in a child process, as such a fault ends it). Code compiled
//! with explicit bounds checks traps without any signal handler.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

use std::process::Command;

use wasmrt::jit::code_memory::CodeMemory;
use wasmrt::jit::x64::entry::{self, CompiledFn};
use wasmrt::runtime::TrapCode;

/// Runs `code` (with `sites`) as an entry trampoline, its raw values (rsi) holding `args[0]`.
fn run(code: &[u8], sites: Vec<(u32, TrapCode)>, args: &mut [u64; 1]) -> Result<(), TrapCode> {
    let memory = CodeMemory::new(code, sites).expect("code maps");
    let mut values = [args[0] as u128];
    // SAFETY: the bytes are a complete function following an entry trampoline's convention
    // (each test says what it does); it reads and writes only `values` and what it points to.
    let outcome = unsafe {
        let f: CompiledFn = std::mem::transmute(memory.base());
        entry::call(f, std::ptr::null(), std::ptr::null_mut(), values.as_mut_ptr(), 0)
    };
    args[0] = values[0] as u64;
    outcome
}

/// A page that faults on any access.
fn inaccessible_page() -> u64 {
    // SAFETY: a fresh anonymous mapping with no access, checked; never unmapped (tests only).
    let p = unsafe {
        libc::mmap(std::ptr::null_mut(), 4096, libc::PROT_NONE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0)
    };
    assert_ne!(p, libc::MAP_FAILED);
    p as u64
}

/// `mov rax, [rsi]; mov eax, [rax]; ret`: loads through the address in args[0]; the second
/// instruction, at offset 3, is a trap site.
const LOAD_THROUGH_ARG: &[u8] = &[0x48, 0x8B, 0x06, 0x8B, 0x00, 0xC3];

#[test]
fn code_runs_and_returns() {
    // mov qword [rsi], 42; ret
    let mut args = [0u64];
    assert_eq!(run(&[0x48, 0xC7, 0x06, 0x2A, 0x00, 0x00, 0x00, 0xC3], vec![], &mut args), Ok(()));
    assert_eq!(args[0], 42);
}

#[test]
fn faults_at_trap_sites_become_their_traps() {
    let page = inaccessible_page();
    let sites = vec![(3, TrapCode::MemoryOutOfBounds)];
    assert_eq!(run(LOAD_THROUGH_ARG, sites.clone(), &mut [page]), Err(TrapCode::MemoryOutOfBounds));
    // The same code with an accessible address returns; a trap leaves nothing behind.
    let value = 7u32;
    assert_eq!(run(LOAD_THROUGH_ARG, sites, &mut [&value as *const u32 as u64]), Ok(()));
    // ud2
    assert_eq!(run(&[0x0F, 0x0B], vec![(0, TrapCode::Unreachable)], &mut [0]), Err(TrapCode::Unreachable));
    // xor ecx, ecx; mov eax, 1; xor edx, edx; div ecx (offset 9)
    let divide = [0x31, 0xC9, 0xB8, 0x01, 0x00, 0x00, 0x00, 0x31, 0xD2, 0xF7, 0xF1, 0xC3];
    assert_eq!(run(&divide, vec![(9, TrapCode::IntegerDivideByZero)], &mut [0]), Err(TrapCode::IntegerDivideByZero));
}

#[test]
fn a_trap_restores_the_callers_registers() {
    // Clobbers rbx, rbp, r12-r15 (all callee-saved), then ud2 at offset 42.
    let mut code = Vec::new();
    for prefix_and_reg in [
        [0x48, 0xC7, 0xC3],
        [0x48, 0xC7, 0xC5],
        [0x49, 0xC7, 0xC4],
        [0x49, 0xC7, 0xC5],
        [0x49, 0xC7, 0xC6],
        [0x49, 0xC7, 0xC7],
    ] {
        code.extend_from_slice(&prefix_and_reg);
        code.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]); // mov reg, -1
    }
    let site = code.len() as u32;
    code.extend_from_slice(&[0x0F, 0x0B]);
    let memory = CodeMemory::new(&code, vec![(site, TrapCode::Unreachable)]).expect("code maps");
    // SAFETY: as in `run`; the code touches no memory.
    let f: CompiledFn = unsafe { std::mem::transmute(memory.base()) };
    // Values live across the calls, in whatever registers the compiler picks.
    let (mut a, mut b, mut c) = (1u64, 2u64, 3u64);
    for i in 0..1000u64 {
        // SAFETY: as above.
        let r = unsafe { entry::call(f, std::ptr::null(), std::ptr::null_mut(), [0u128].as_mut_ptr(), 0) };
        assert_eq!(r, Err(TrapCode::Unreachable));
        (a, b, c) = (a.wrapping_mul(3).wrapping_add(i), b ^ a, c.wrapping_add(b));
    }
    let (mut x, mut y, mut z) = (1u64, 2u64, 3u64);
    for i in 0..1000u64 {
        (x, y, z) = (x.wrapping_mul(3).wrapping_add(i), y ^ x, z.wrapping_add(y));
    }
    assert_eq!((a, b, c), (x, y, z));
}

#[test]
fn traps_work_on_other_threads_and_small_stacks() {
    let page = inaccessible_page();
    let threads: Vec<_> = [256 * 1024, 2 << 20]
        .into_iter()
        .map(|size| {
            std::thread::Builder::new()
                .stack_size(size)
                .spawn(move || {
                    for _ in 0..100 {
                        let r = run(LOAD_THROUGH_ARG, vec![(3, TrapCode::MemoryOutOfBounds)], &mut [page]);
                        assert_eq!(r, Err(TrapCode::MemoryOutOfBounds));
                    }
                })
                .expect("thread starts")
        })
        .collect();
    for t in threads {
        t.join().expect("no crash");
    }
}

#[test]
fn code_memory_is_never_writable_and_executable() {
    let memory = CodeMemory::new(&[0xC3], vec![]).expect("code maps");
    let maps = std::fs::read_to_string("/proc/self/maps").expect("maps are readable");
    let base = memory.base() as usize;
    let line = maps
        .lines()
        .find(|l| {
            let (range, _) = l.split_once(' ').unwrap_or_default();
            let (start, end) = range.split_once('-').unwrap_or_default();
            let (start, end) = (usize::from_str_radix(start, 16), usize::from_str_radix(end, 16));
            matches!((start, end), (Ok(s), Ok(e)) if s <= base && base < e)
        })
        .expect("the code's mapping is listed");
    assert!(line.split_whitespace().nth(1) == Some("r-xp"), "code mapping is {line}");
    assert!(maps.lines().all(|l| l.split_whitespace().nth(1) != Some("rwxp")), "a mapping is writable and executable");
}

/// In a child process (this test binary run again with WASMRT_CHAIN_CHILD set): a fault that
/// is not at a trap site reaches the handler installed before wasmrt's, which exits with 42.
#[test]
fn other_faults_go_to_the_hosts_handler() {
    if let Ok(case) = std::env::var("WASMRT_CHAIN_CHILD") {
        extern "C" fn host_handler(_: libc::c_int) {
            // SAFETY: _exit is async-signal-safe.
            unsafe { libc::_exit(42) };
        }
        // SAFETY: installs a plain handler for SIGSEGV in this child process.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = host_handler as *const () as usize;
            libc::sigaction(libc::SIGSEGV, &action, std::ptr::null_mut());
        }
        let page = inaccessible_page();
        // Registering code with a trap site installs wasmrt's handlers, after the host's.
        assert_eq!(run(&[0xC3, 0x0F, 0x0B], vec![(1, TrapCode::Unreachable)], &mut [0]), Ok(()));
        match case.as_str() {
            // SAFETY: deliberately faults, outside compiled code.
            "outside" => unsafe {
                std::ptr::read_volatile(page as *const u32);
            },
            // In compiled code, at an instruction that is not a trap site.
            _ => drop(run(LOAD_THROUGH_ARG, vec![], &mut [page])),
        }
        std::process::exit(1);
    }
    for case in ["outside", "not-a-site"] {
        let status = Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", "other_faults_go_to_the_hosts_handler", "--nocapture", "--test-threads=1"])
            .env("WASMRT_CHAIN_CHILD", case)
            .status()
            .expect("child runs");
        assert_eq!(status.code(), Some(42), "{case}: the host's handler did not run ({status})");
    }
}

/// With explicit bounds checks, compiled code traps without signals: in a process that only
/// runs such code, every kind of trap comes back (with its backtrace) and the actions for
/// SIGSEGV, SIGBUS, SIGILL and SIGFPE stay what they were (the Rust runtime's own, or none).
#[test]
fn explicit_bounds_checks_need_no_signal_handler() {
    use wasmrt::runtime::{BoundsChecks, CompiledModule, Config, Engine, Extern, Store, Tier, Val};
    if std::env::var("WASMRT_EXPLICIT_CHILD").is_err() {
        let output = Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", "explicit_bounds_checks_need_no_signal_handler", "--nocapture", "--test-threads=1"])
            .env("WASMRT_EXPLICIT_CHILD", "1")
            .output()
            .expect("child runs");
        assert!(output.status.success(), "child: {}", String::from_utf8_lossy(&output.stdout));
        return;
    }
    let actions = || {
        [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE].map(|signal| {
            // SAFETY: queries the current action only.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                assert_eq!(libc::sigaction(signal, std::ptr::null(), &mut action), 0);
                (signal, action.sa_sigaction)
            }
        })
    };
    let before = actions();
    let wat = r#"(module $m
        (memory 1)
        (func $load (export "load") (param i32) (result i32) (i32.load (local.get 0)))
        (func (export "nested") (param i32) (result i32) (i32.add (call $load (local.get 0)) (i32.const 1)))
        (func (export "div") (param i32) (result i32) (i32.div_s (i32.const -2147483648) (local.get 0)))
        (func (export "unreachable") (param i32) (result i32) unreachable)
        (func $deep (export "deep") (param i32) (result i32) (call $deep (local.get 0))))"#;
    let config = Config { tier: Tier::Jit, bounds_checks: BoundsChecks::Explicit, ..Config::default() };
    let engine = Engine::new(config);
    let mut store = Store::new(&engine);
    let module = CompiledModule::new(&engine, &wat::parse_str(wat).expect("parses")).expect("compiles");
    assert_eq!(wasmrt::jit::compiled(&module), Ok(()));
    let instance = store.instantiate(&module, &[]).expect("instantiates");
    let call = |store: &mut Store, name: &str, arg: i32| {
        let Some(Extern::Func(f)) = store.instance_export(instance, name) else { panic!("{name}") };
        store.call(f, &[Val::I32(arg)])
    };
    assert_eq!(call(&mut store, "load", 65532).expect("in bounds")[0], Val::I32(0));
    for (name, arg, code) in [
        ("load", 65533, TrapCode::MemoryOutOfBounds),
        ("nested", -1, TrapCode::MemoryOutOfBounds),
        ("div", 0, TrapCode::IntegerDivideByZero),
        ("div", -1, TrapCode::IntegerOverflow),
        ("unreachable", 0, TrapCode::Unreachable),
        ("deep", 0, TrapCode::CallStackExhausted),
    ] {
        let trap = call(&mut store, name, arg).expect_err(name);
        assert_eq!(trap.code, code, "{name}");
        assert!(!trap.frames.is_empty(), "{name}: frames");
    }
    let frames = call(&mut store, "nested", -1).expect_err("traps").frames.clone();
    assert_eq!(frames.iter().map(|f| f.func_index).collect::<Vec<_>>(), [0, 1], "the trapping frame, then its caller");
    assert_eq!(actions(), before, "signal actions changed");
}
