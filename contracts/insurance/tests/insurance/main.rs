//! Insurance contract tests, run against the real WASM deployed by `tributary-fixture`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod approve;
mod assets;
mod common;
mod council;
mod execute;
mod properties;
mod propose;
mod scenario;
