//! Tributary tier-gated access: creator tiers, fan subscriptions, and `has_access`
//! (docs/PROTOCOL.md, `contracts/access`).
//!
//! One contract serves every creator. A creator sets priced tiers (a higher level grants
//! everything below it); a fan subscribes for whole periods, and paid time stacks. The price
//! and terms are snapshotted per subscription: a keeper's `renew` pulls payment through the
//! fan's SEP-41 allowance, never above the snapshot, and reports `renewal_failed` instead of
//! failing. Every payment pays 1% of the subscription's cumulative gross to the insurance
//! contract. No admin, no upgrade.
#![no_std]

mod contract;
mod errors;
mod events;
mod storage;
mod subscription;

pub use contract::{AccessContract, AccessContractClient};
pub use errors::AccessError;
pub use events::{RenewalFailed, Renewed, Subscribed, TierRetired, TierSet, Upgraded};
pub use storage::{Renewal, RenewalFailure, Subscription, Tier};
pub use tributary_common::skim::SkimPaid;
