//! Access contract tests, run against the real WASM deployed by `tributary-fixture`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod gate;
mod properties;
mod renew;
mod review;
mod scenario;
mod subscribe;
mod tiers;
