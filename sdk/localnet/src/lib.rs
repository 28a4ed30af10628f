//! # tributary-localnet
//!
//! A single-node Stellar development network that speaks the Stellar RPC JSON-RPC API over
//! HTTP and executes transactions with soroban-env-host 29.0.1's end-to-end invoke path, the
//! code stellar-core runs.
//!
//! **What it is:** one process holding the ledger in memory (optionally saved to a state file),
//! closing ledgers on a fixed cadence or on demand, with real ed25519 signatures, sequence
//! numbers, Soroban authorization, footprints, Mainnet resource limits and fees, TTLs and
//! archival, the classic operations a wallet needs (create account, payment, change trust), a
//! friendbot, and the RPC methods wallets, stellar-cli and the indexer use.
//!
//! **What it is not:** a consensus network (there is one node and no SCP), a full classic
//! ledger (no offers, claimable balances, liquidity pools, sponsorships, set-options or fee
//! bumps), nor a history archive (it keeps only its retention window).
//!
//! Start it with [`server::Localnet::start`] or the `localnet` binary.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::panic))]

pub mod classic;
pub mod config_settings;
pub mod envelope;
pub mod events;
mod friendbot;
pub mod history;
pub mod modules;
pub mod node;
pub mod persist;
pub mod root_funding;
pub mod rpc;
pub mod server;
pub mod settings;
pub mod simulate;
pub mod soroban;
pub mod state;
pub mod txn;
