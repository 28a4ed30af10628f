//! The protocol's pure rules (docs/PROTOCOL.md), `no_std` and with no dependency, shared by the
//! contracts (through `tributary-common`) and the SDK, so that the two can never disagree and
//! the SDK builds without soroban-sdk or the host:
//! - [`access`]: a subscription's access and renewal window;
//! - [`math`]: overflow-free `floor(a * b / c)` for amounts times durations;
//! - [`skim`]: the 1% skim on a position's cumulative gross payout;
//! - [`merkle`]: the claims campaigns' Merkle leaf, node and proof rules;
//! - [`ids`]: the domain strings of position ids;
//! - [`council`]: the insurance council's size and timing;
//! - [`vesting`]: a stream's streamed, withdrawable and refundable amounts and status.
#![no_std]

pub mod access;
pub mod council;
pub mod ids;
pub mod math;
pub mod merkle;
pub mod skim;
pub mod vesting;
