//! Shared, non-contract code for the Tributary contracts.
//!
//! Everything here is `no_std` and compiles into each contract's WASM:
//! - [`config`]: the insurance address of the stream and claims contracts;
//! - [`ids`]: position ids derived from the creator and a salt;
//! - [`host`]: the ledger time and token calls without the SDK's panicking conversions;
//! - [`access`], [`council`], [`math`], [`merkle`], [`vesting`]: re-exported from `tributary-rules`, the pure rules the
//!   SDK shares;
//! - [`skim`]: the protocol's 1% skim on payouts and the `skim_paid` event;
//! - [`ttl`]: storage TTL constants and the instance-extension helper;
//! - [`insurance`]: the client interface that payout contracts call on the insurance contract;
//! - [`vec`]: `Vec` helpers that keep `core::fmt` out of the WASM.
#![no_std]

pub mod config;
pub mod host;
pub mod ids;
pub mod insurance;
pub use tributary_rules::{access, council, math, merkle, vesting};
pub mod skim;
pub mod ttl;
pub mod vec;
