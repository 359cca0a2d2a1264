//! Calls across the embedding boundary, per engine: a host function called from wasm (a wasm
//! loop calling an imported `inc(i32) -> i32` N times) and a host call of a tiny export
//! (`add(i32, i32) -> i32`, N times from a Rust loop). wasmrt goes through its wasm.h functions
//! (the code a C host runs), on each tier; the other engines through their untyped Rust APIs
//! (`Func::new` host functions and `Func::call`: values in slices, types checked at run time),
//! the same shape of call.
//!
//! Run with: cargo build --release && taskset -c 1 target/release/calls [N [ENGINE]]
//! (ENGINE: run only the engines whose name contains it, as for a profiler.)

use std::time::{Duration, Instant};

const WAT: &str = r#"
(module
  (import "host" "inc" (func $inc (param i32) (result i32)))
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "call_host") (param $n i32) (result i32) (local $acc i32)
    loop $l
      local.get $acc
      call $inc
      local.set $acc
      local.get $n
      i32.const 1
      i32.sub
      local.tee $n
      br_if $l
    end
    local.get $acc))
"#;

/// Rounds per measurement; the median counts.
const ROUNDS: usize = 7;

/// One engine's instance: `call_host(n)` runs n host calls from wasm; `call_add(n)` makes n
/// host-to-wasm calls of `add`. Each returns a checksum.
trait Calls {
    fn call_host(&mut self, n: i32) -> i64;
    fn call_add(&mut self, n: i32) -> i64;
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Nanoseconds per call of `f(n)`: the median of `ROUNDS` rounds, after checking its checksum.
fn per_call(n: i32, expected: i64, mut f: impl FnMut(i32) -> i64) -> f64 {
    assert_eq!(f(n), expected, "checksum");
    let times = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f(n));
            start.elapsed()
        })
        .collect();
    median(times).as_nanos() as f64 / n as f64
}

// ---- wasmrt, through wasm.h ----

mod rt {
    use std::ptr;

    use wasmrt::capi::ext::*;
    use wasmrt::capi::extern_::*;
    use wasmrt::capi::func::*;
    use wasmrt::capi::instance::*;
    use wasmrt::capi::module::*;
    use wasmrt::capi::store::*;
    use wasmrt::capi::trap::*;
    use wasmrt::capi::types::*;
    use wasmrt::capi::val::*;
    use wasmrt::capi::vec::*;

    pub struct Rt {
        store: *mut wasm_store_t,
        add: *const wasm_func_t,
        call_host: *const wasm_func_t,
    }

    unsafe extern "C" fn inc(args: *const wasm_val_vec_t, results: *mut wasm_val_vec_t) -> *mut wasm_trap_t {
        let x = (*(*args).data).of.i32;
        (*(*results).data).kind = 0; // WASM_I32
        (*(*results).data).of.i32 = x.wrapping_add(1);
        ptr::null_mut()
    }

    fn i32_vec(n: usize) -> wasm_valtype_vec_t {
        let mut v = wasm_valtype_vec_t { size: 0, data: ptr::null_mut() };
        let types: Vec<*mut wasm_valtype_t> = (0..n).map(|_| wasm_valtype_new(0)).collect();
        // SAFETY: `types` holds `n` valid valtypes, whose ownership moves into the vector.
        unsafe { wasm_valtype_vec_new(&mut v, n, types.as_ptr()) };
        v
    }

    /// An instance of `wasm` on the given tier, with `inc` as its import.
    pub fn new(wasm: &[u8], tier: wasmrt_tier_t) -> Rt {
        // SAFETY: wasm.h used as documented; every object outlives its uses (none is freed:
        // the benchmark runs once per process).
        unsafe {
            let config = wasm_config_new();
            assert!(wasmrt_config_set_tier(config, tier), "tier {tier} is not available");
            let engine = wasm_engine_new_with_config(config);
            let store = wasm_store_new(engine);
            let mut binary = wasm_byte_vec_t { size: 0, data: ptr::null_mut() };
            wasm_byte_vec_new(&mut binary, wasm.len(), wasm.as_ptr() as *const _);
            let module = wasm_module_new(store, &binary);
            assert!(!module.is_null(), "module");
            let mut params = i32_vec(1);
            let mut results = i32_vec(1);
            let ty = wasm_functype_new(&mut params, &mut results);
            let host = wasm_func_new(store, ty, Some(inc));
            let ext = wasm_func_as_extern(host);
            let mut imports = wasm_extern_vec_t { size: 0, data: ptr::null_mut() };
            wasm_extern_vec_new(&mut imports, 1, &ext as *const _ as *const _);
            let instance = wasm_instance_new(store, module, &imports, ptr::null_mut());
            assert!(!instance.is_null(), "instance");
            let mut exports = wasm_extern_vec_t { size: 0, data: ptr::null_mut() };
            wasm_instance_exports(instance, &mut exports);
            let e = std::slice::from_raw_parts(exports.data, exports.size);
            let mut why = wasm_byte_vec_t { size: 0, data: ptr::null_mut() };
            assert!(wasmrt_module_is_compiled(module, &mut why) == (tier == 1), "compiled on tier {tier}");
            Rt { store, add: wasm_extern_as_func(e[0]), call_host: wasm_extern_as_func(e[1]) }
        }
    }

    fn i32_val(x: i32) -> wasm_val_t {
        wasm_val_t { kind: 0, of: wasm_val_union { i32: x } }
    }

    impl super::Calls for Rt {
        fn call_host(&mut self, n: i32) -> i64 {
            let args = [i32_val(n)];
            let mut results = [i32_val(0)];
            let args = wasm_val_vec_t { size: 1, data: args.as_ptr() as *mut _ };
            let mut results = wasm_val_vec_t { size: 1, data: results.as_mut_ptr() };
            // SAFETY: the vectors point to live arrays of the function's arity.
            unsafe {
                assert!(wasm_func_call(self.call_host, &args, &mut results).is_null(), "trap");
                (*results.data).of.i32 as i64
            }
        }

        fn call_add(&mut self, n: i32) -> i64 {
            let mut sum = 0i64;
            let mut a = [i32_val(0), i32_val(1)];
            let mut r = [i32_val(0)];
            for i in 0..n {
                a[0] = i32_val(i);
                let args = wasm_val_vec_t { size: 2, data: a.as_mut_ptr() };
                let mut results = wasm_val_vec_t { size: 1, data: r.as_mut_ptr() };
                // SAFETY: as above.
                unsafe {
                    assert!(wasm_func_call(self.add, &args, &mut results).is_null(), "trap");
                    sum += r[0].of.i32 as i64;
                }
            }
            sum
        }
    }

    impl Drop for Rt {
        fn drop(&mut self) {
            // SAFETY: the store is ours; its objects go with it.
            unsafe { wasm_store_delete(self.store) }
        }
    }
}

// ---- wasmi 2.0 ----

mod wi {
    use wasmi2 as w;

    pub struct Wi {
        store: w::Store<()>,
        add: w::Func,
        call_host: w::Func,
    }

    pub fn new(wasm: &[u8]) -> Wi {
        let engine = w::Engine::default();
        let module = w::Module::new(&engine, wasm).expect("module");
        let mut store = w::Store::new(&engine, ());
        let ty = w::FuncType::new([w::ValType::I32], [w::ValType::I32]);
        let inc = w::Func::new(&mut store, ty, |_caller, args, results| {
            results[0] = w::Val::I32(args[0].i32().unwrap().wrapping_add(1));
            Ok(())
        });
        let instance = w::Instance::new(&mut store, &module, &[inc.into()]).expect("instance");
        let add = instance.get_func(&store, "add").unwrap();
        let call_host = instance.get_func(&store, "call_host").unwrap();
        Wi { store, add, call_host }
    }

    impl super::Calls for Wi {
        fn call_host(&mut self, n: i32) -> i64 {
            let mut r = [w::Val::I32(0)];
            self.call_host.call(&mut self.store, &[w::Val::I32(n)], &mut r).expect("call");
            r[0].i32().unwrap() as i64
        }

        fn call_add(&mut self, n: i32) -> i64 {
            let mut sum = 0i64;
            let mut r = [w::Val::I32(0)];
            for i in 0..n {
                self.add.call(&mut self.store, &[w::Val::I32(i), w::Val::I32(1)], &mut r).expect("call");
                sum += r[0].i32().unwrap() as i64;
            }
            sum
        }
    }
}

// ---- wasmtime (Cranelift, Winch) ----

#[allow(dead_code)]
#[path = "execute/wasmtime_engine.rs"]
mod wasmtime_engine;

mod wt {
    use super::wasmtime_engine::{self as engine, Compiler};
    use wasmtime as w;

    pub struct Wt {
        store: w::Store<()>,
        add: w::Func,
        call_host: w::Func,
    }

    pub fn new(wasm: &[u8], compiler: Compiler) -> Wt {
        let e = engine::engine(compiler).expect("engine");
        let module = engine::compile(&e, wasm).expect("module");
        let mut store = w::Store::new(&e, ());
        let ty = w::FuncType::new(&e, [w::ValType::I32], [w::ValType::I32]);
        let inc = w::Func::new(&mut store, ty, |_caller, args, results| {
            results[0] = w::Val::I32(args[0].unwrap_i32().wrapping_add(1));
            Ok(())
        });
        let instance = w::Instance::new(&mut store, &module, &[inc.into()]).expect("instance");
        let add = instance.get_func(&mut store, "add").unwrap();
        let call_host = instance.get_func(&mut store, "call_host").unwrap();
        Wt { store, add, call_host }
    }

    impl super::Calls for Wt {
        fn call_host(&mut self, n: i32) -> i64 {
            let mut r = [w::Val::I32(0)];
            self.call_host.call(&mut self.store, &[w::Val::I32(n)], &mut r).expect("call");
            r[0].unwrap_i32() as i64
        }

        fn call_add(&mut self, n: i32) -> i64 {
            let mut sum = 0i64;
            let mut r = [w::Val::I32(0)];
            for i in 0..n {
                self.add.call(&mut self.store, &[w::Val::I32(i), w::Val::I32(1)], &mut r).expect("call");
                sum += r[0].unwrap_i32() as i64;
            }
            sum
        }
    }
}

fn main() {
    let n: i32 = std::env::args().nth(1).map_or(1_000_000, |s| s.parse().expect("N"));
    let wasm = wat::parse_str(WAT).expect("wat");
    let mut engines: Vec<(&str, Box<dyn Calls>)> = vec![
        ("wasmrt (interpreter)", Box::new(rt::new(&wasm, 0))),
        ("wasmrt (jit)", Box::new(rt::new(&wasm, 1))),
        ("wasmi 2.0", Box::new(wi::new(&wasm))),
        ("wasmtime (cranelift)", Box::new(wt::new(&wasm, wasmtime_engine::Compiler::Cranelift))),
        ("wasmtime (winch)", Box::new(wt::new(&wasm, wasmtime_engine::Compiler::Winch))),
    ];
    let add_sum = (0..n as i64).map(|i| (i + 1) as i32 as i64).sum::<i64>();
    println!("{n} calls each, median of {ROUNDS} rounds; ns per call");
    println!("{:<24} {:>14} {:>14}", "engine", "host from wasm", "wasm from host");
    let only = std::env::args().nth(2).unwrap_or_default();
    for (name, e) in engines.iter_mut().filter(|(name, _)| name.contains(&only)) {
        let host = per_call(n, n as i64, |n| e.call_host(n));
        let add = per_call(n, add_sum, |n| e.call_add(n));
        println!("{name:<24} {host:>14.1} {add:>14.1}");
    }
}
