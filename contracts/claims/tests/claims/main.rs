//! Claims contract tests, run against the real WASM deployed by `tributary-fixture`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod admin;
mod claim;
mod common;
mod create;
mod million;
mod properties;
mod scenario;
