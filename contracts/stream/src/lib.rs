//! Tributary payment streams: linear vesting with an optional cliff, cancel, renounce and
//! transfer (docs/PROTOCOL.md, `contracts/stream`).
//!
//! A sender escrows `deposit` of an insured token for a recipient. It vests linearly from
//! `start` to `end`; nothing is withdrawable before `cliff`. Every withdrawal pays 1% of the
//! cumulative gross payout to the insurance contract. The contract has no admin and no upgrade.
#![no_std]

mod contract;
mod errors;
mod events;
mod storage;
mod stream;

pub use contract::{StreamContract, StreamContractClient};
pub use errors::StreamError;
pub use events::{Canceled, Renounced, StreamCreated, Transferred, Withdrawn};
pub use storage::{Stream, StreamParams, StreamStatus};
pub use stream::vested_at;
pub use tributary_common::skim::SkimPaid;
