//! Storage layout of the claims contract: one key enum, typed accessors.
//!
//! Instance: `tributary_common::config::Config` (insurance address, next id).
//! Persistent: one entry per campaign, and one bitmap entry per 128 entry indices that have
//! been claimed or revoked. A campaign's storage grows only as claims arrive.

use soroban_sdk::{contracttype, Address, Bytes, BytesN, Env};
use tributary_common::ttl::{read_persistent, write_persistent};

use crate::errors::ClaimsError;

#[contracttype]
#[derive(Clone)]
enum DataKey {
    /// Persistent: a campaign by id.
    Campaign(u64),
    /// Persistent: 128-bit bitmap (an `i128`, bit `i % 128`) of the settled (claimed or
    /// revoked) entries `128 * word .. 128 * word + 127` of a campaign.
    Settled(u64, u32),
}

/// Who may claim an entry.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Claimant {
    /// A known G- or C-address.
    Address(Address),
    /// An ed25519 claim key (public key) held by a recipient without a wallet yet.
    Key(BytesN<32>),
}

/// A campaign's lifecycle status. Expiry is derived from the ledger time, not stored.
#[contracttype]
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum CampaignStatus {
    /// Awaiting its approver.
    Draft = 0,
    /// Open for claims between `start` and `expiry`.
    Active = 1,
    /// Paused by the funder.
    Paused = 2,
    /// The remainder went back to the funder; closed for good.
    ClawedBack = 3,
}

/// A campaign as stored. Amounts are base units, times Unix seconds.
///
/// Invariant: `0 <= remaining <= total`, and the contract's token balance covers the sum of
/// every campaign's `remaining`.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Campaign {
    /// Funder.
    pub funder: Address,
    /// Token contract address.
    pub token: Address,
    /// Merkle root of the recipient list.
    pub root: BytesN<32>,
    /// Escrowed total.
    pub total: i128,
    /// Escrow not yet claimed, revoked or clawed back.
    pub remaining: i128,
    /// Number of entries; indices are `0 .. count`.
    pub count: u32,
    /// Claims open.
    pub start: u64,
    /// Claims close; clawback opens.
    pub expiry: u64,
    /// Second person who must approve, if any.
    pub approver: Option<Address>,
    /// Lifecycle status.
    pub status: CampaignStatus,
}

/// One claim in `claim_many`: the arguments of `claim`.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ClaimRequest {
    /// Campaign id.
    pub id: u64,
    /// Entry index.
    pub index: u32,
    /// Entry claimant.
    pub claimant: Claimant,
    /// Entry amount, base units.
    pub amount: i128,
    /// Merkle proof: sibling hashes from the leaf up, concatenated, 32 bytes each.
    pub proof: Bytes,
    /// Where to pay.
    pub to: Address,
    /// Claim-key signature, for a `Key` claimant.
    pub signature: Option<BytesN<64>>,
}

/// Reads a campaign and extends its TTL.
pub fn get_campaign(e: &Env, id: u64) -> Result<Campaign, ClaimsError> {
    read_persistent(e, &DataKey::Campaign(id)).ok_or(ClaimsError::CampaignNotFound)
}

/// Whether a campaign with `id` exists (the entry is in the footprint either way).
pub fn has_campaign(e: &Env, id: u64) -> bool {
    e.storage().persistent().has(&DataKey::Campaign(id))
}

/// Writes a campaign and extends its TTL.
pub fn set_campaign(e: &Env, id: u64, c: &Campaign) {
    write_persistent(e, &DataKey::Campaign(id), c);
}

/// The bitmap word holding entry `index`, and the entry's bit in it. The word is an `i128`
/// used as 128 bits (bit 127 is the sign bit), which needs no extra host conversions.
pub fn get_settled(e: &Env, id: u64, index: u32) -> (i128, i128) {
    let word = read_persistent(e, &DataKey::Settled(id, index / 128)).unwrap_or(0);
    (word, 1i128 << (index % 128))
}

/// Writes the bitmap word holding entry `index`.
pub fn set_settled(e: &Env, id: u64, index: u32, word: i128) {
    write_persistent(e, &DataKey::Settled(id, index / 128), &word);
}
