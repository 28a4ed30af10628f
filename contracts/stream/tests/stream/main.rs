//! Stream contract tests, run against the real WASM deployed by `tributary-fixture`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod cancel;
mod common;
mod create;
mod properties;
mod reads;
mod scenario;
mod transfer;
mod ttl;
mod withdraw;
