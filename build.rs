// Build script: gives the shared library (cdylib) an ELF SONAME, so that a program linked
// against libwasmrt.so records "libwasmrt.so" as its dependency rather than the path the library
// was linked from; and chooses how the interpreter's handlers pass control on (cfg
// `wasmrt_tail_dispatch`: sibling calls, which LLVM turns into jumps only when optimizing and
// on targets where it does so reliably; see src/interp/handlers.rs). No generated code, no
// native dependencies.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-check-cfg=cfg(wasmrt_tail_dispatch)");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let (os, family, arch) = (var("CARGO_CFG_TARGET_OS"), var("CARGO_CFG_TARGET_FAMILY"), var("CARGO_CFG_TARGET_ARCH"));
    if family == "unix" && os != "macos" && os != "ios" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwasmrt.so");
    }
    let optimizing = matches!(var("OPT_LEVEL").as_str(), "2" | "3");
    if optimizing && matches!(arch.as_str(), "x86_64" | "aarch64") {
        println!("cargo:rustc-cfg=wasmrt_tail_dispatch");
    }
}
