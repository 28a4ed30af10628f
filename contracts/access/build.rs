//! Links the contract WASM with a 32 KiB stack instead of Rust's default 1 MiB.
//!
//! Soroban charges every call for allocating the VM's initial linear memory, which Rust sizes
//! to hold the stack. Contract values live in the host, so the guest stack stays small; the
//! test suite runs every entry point on this WASM.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_FAMILY").as_deref() == Ok("wasm") {
        println!("cargo:rustc-link-arg=-zstack-size=32768");
    }
}
