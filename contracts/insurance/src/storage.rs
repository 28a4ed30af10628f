//! Storage layout of the insurance contract: one key enum, typed accessors.
//!
//! Instance: the council, the epoch, the asset allowlist and the next proposal id (all small
//! and read together). Persistent: one entry per proposal, extended on every read and write.

use soroban_sdk::{contracttype, unwrap::UnwrapOptimized, Address, BytesN, Env, Vec};
use tributary_common::ttl::{read_persistent, write_persistent};

use crate::errors::InsuranceError;

#[contracttype]
#[derive(Clone)]
enum DataKey {
    /// Instance: `Vec<Address>`, exactly 5 distinct members.
    Council,
    /// Instance: `u32`, bumped by every executed council change.
    Epoch,
    /// Instance: `Vec<Address>`, the insured token contracts.
    Assets,
    /// Instance: `u64`, the id the next proposal gets (starts at 1).
    NextId,
    /// Persistent: a proposal by id.
    Proposal(u64),
}

/// A bailout: pay `amount` of `asset` to `recipient`.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Bailout {
    /// Token contract address; must be insured.
    pub asset: Address,
    /// Amount, base units, `> 0`.
    pub amount: i128,
    /// Who is paid.
    pub recipient: Address,
    /// Off-chain reference (for example the hash of an incident report).
    pub reason: BytesN<32>,
}

/// Replace council member `old` by `new`.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct CouncilChange {
    /// Member to replace.
    pub old: Address,
    /// Replacement, not yet a member.
    pub new: Address,
}

/// Add (`insured = true`) or remove `asset` from the allowlist.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct AssetChange {
    /// Token contract address.
    pub asset: Address,
    /// Whether the asset should be insured.
    pub insured: bool,
}

/// What a proposal does when executed.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Action {
    /// Pay out of the fund.
    Bailout(Bailout),
    /// Rotate one council seat; bumps the epoch.
    CouncilChange(CouncilChange),
    /// Change the asset allowlist.
    AssetChange(AssetChange),
}

/// Where a proposal is in its life.
#[contracttype]
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum ProposalStatus {
    /// Gathering approvals.
    Pending = 0,
    /// Fully approved; executable from `eta` to `eta + 14 days`.
    Queued = 1,
    /// Executed.
    Executed = 2,
    /// Vetoed by a member.
    Canceled = 3,
    /// Marked expired by `expire`.
    Expired = 4,
}

/// A proposal as stored. Times are Unix seconds.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Proposal {
    /// What it does.
    pub action: Action,
    /// The member who proposed it.
    pub proposer: Address,
    /// When it was proposed; approvals lapse 30 days later.
    pub created_at: u64,
    /// The council epoch its `approvals` belong to.
    pub epoch: u32,
    /// Council seats that approved in `epoch`, as a bitmask: bit `i` set means the member at
    /// index `i` of `council()` approved. Fixed-size, so approving never grows the entry.
    pub approvals: u32,
    /// Earliest execution time once queued; `0` before.
    pub eta: u64,
    /// Lifecycle status.
    pub status: ProposalStatus,
}

pub fn get_council(e: &Env) -> Vec<Address> {
    e.storage()
        .instance()
        .get(&DataKey::Council)
        .unwrap_optimized() // Invariant: the constructor sets the council.
}

pub fn set_council(e: &Env, council: &Vec<Address>) {
    e.storage().instance().set(&DataKey::Council, council);
}

pub fn get_epoch(e: &Env) -> u32 {
    e.storage().instance().get(&DataKey::Epoch).unwrap_or(0)
}

pub fn set_epoch(e: &Env, epoch: u32) {
    e.storage().instance().set(&DataKey::Epoch, &epoch);
}

pub fn get_assets(e: &Env) -> Vec<Address> {
    e.storage()
        .instance()
        .get(&DataKey::Assets)
        .unwrap_optimized() // Invariant: the constructor sets the asset list.
}

pub fn set_assets(e: &Env, assets: &Vec<Address>) {
    e.storage().instance().set(&DataKey::Assets, assets);
}

/// Reserves and returns the next proposal id.
pub fn take_id(e: &Env) -> u64 {
    let id: u64 = e.storage().instance().get(&DataKey::NextId).unwrap_or(1);
    e.storage().instance().set(&DataKey::NextId, &(id + 1));
    id
}

/// Reads a proposal and extends its TTL.
pub fn get_proposal(e: &Env, id: u64) -> Result<Proposal, InsuranceError> {
    read_persistent(e, &DataKey::Proposal(id)).ok_or(InsuranceError::ProposalNotFound)
}

/// Writes a proposal and extends its TTL.
pub fn set_proposal(e: &Env, id: u64, p: &Proposal) {
    write_persistent(e, &DataKey::Proposal(id), p);
}
