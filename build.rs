// Build script: only gives the shared library (cdylib) an ELF SONAME, so that a program linked
// against libwasmrt.so records "libwasmrt.so" as its dependency rather than the path the library
// was linked from. Nothing else: the crate has no generated code and no native dependencies.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let family = std::env::var("CARGO_CFG_TARGET_FAMILY").unwrap_or_default();
    if family == "unix" && os != "macos" && os != "ios" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwasmrt.so");
    }
}
