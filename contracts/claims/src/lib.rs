//! Tributary escrowed claims: Merkle-rooted disbursement campaigns (docs/PROTOCOL.md,
//! `contracts/claims`).
//!
//! A funder escrows `total` of an insured token for up to `count` recipients listed off-chain.
//! The campaign commits to the list by a Merkle root ([`tributary_common::merkle`]). A recipient
//! claims with a Merkle proof: either a known address, or an ed25519 claim key for someone
//! without a wallet yet, who signs the address to be paid. An optional approver must approve a
//! campaign before it opens (the two-person rule). The funder can pause, resume, revoke an
//! unclaimed entry and extend the expiry; after expiry anyone can return the rest to the funder.
//! Every claim pays 1% to the insurance contract. No admin, no upgrade.
#![no_std]

mod campaign;
mod contract;
mod errors;
mod events;
mod storage;

pub use campaign::{claim_message, CLAIM_DOMAIN, MAX_DEPTH};
pub use contract::{ClaimsContract, ClaimsContractClient};
pub use errors::ClaimsError;
pub use events::{
    CampaignApproved, CampaignCreated, Claimed, ClawedBack, ExpiryExtended, Paused, Resumed,
    Revoked,
};
pub use storage::{Campaign, CampaignStatus, ClaimRequest, Claimant};
pub use tributary_common::skim::SkimPaid;
