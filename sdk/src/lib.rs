//! # tributary-sdk
//!
//! What wallets and backends use to work with the Tributary contracts:
//!
//! - [`generated`]: typed bindings generated from each contract's spec by `scripts/gen-sdk`:
//!   one Rust type per contract type, a builder per function returning a typed [`Call`], the
//!   error enums, and a decoder per event;
//! - [`client`]: the transaction flow over Stellar RPC (build, simulate, sign envelope and
//!   authorization entries, send, confirm), with typed errors ([`Error`]);
//! - off-chain mirrors of the protocol's rules: [`stream_math`], [`skim`], [`access`],
//!   [`merkle`] (claim campaign trees from CSV), [`claim_key`] signatures and salted
//!   position [`ids`].
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::panic))]

pub mod access;
pub mod call;
pub mod claim_key;
pub mod claim_link;
pub mod client;
pub mod deployment;
pub mod error;
pub mod events;
pub mod generated;
pub mod ids;
pub mod insurance;
#[cfg(feature = "keeper")]
pub mod keeper;
pub mod merkle;
pub mod options;
pub mod scval;
pub mod signer;
pub mod skim;
pub mod stream_math;
pub mod token;

/// The RPC client this SDK speaks through (stellar-rpc-client 28), re-exported so users need
/// not pin it themselves.
pub use stellar_rpc_client as rpc;
/// The XDR types of the public API (stellar-xdr 28: `ScAddress`, `Asset`, `ScVal`, events),
/// re-exported so users need not pin them themselves.
pub use stellar_xdr as xdr;

pub use call::Call;
pub use client::{Client, Invoked, Prepared};
pub use error::Error;
pub use options::{CallOptions, FeePercentile, FeePolicy};
pub use signer::{Sign, Signer};
