//! The claims contract's events. Topics carry the campaign id and the addresses involved.

use soroban_sdk::{contractevent, Address, BytesN};

use crate::storage::Claimant;

/// A campaign was created and its total escrowed.
/// Topics: `["campaign_created", id, funder]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct CampaignCreated {
    /// Campaign id.
    #[topic]
    pub id: u64,
    /// Funder.
    #[topic]
    pub funder: Address,
    /// Token contract address.
    pub token: Address,
    /// Merkle root of the recipient list.
    pub root: BytesN<32>,
    /// Escrowed total, base units.
    pub total: i128,
    /// Number of entries.
    pub count: u32,
    /// Claims open, Unix seconds.
    pub start: u64,
    /// Claims close, Unix seconds.
    pub expiry: u64,
    /// Second person who must approve, if any.
    pub approver: Option<Address>,
}

/// The approver opened a draft campaign. Topics: `["campaign_approved", id, approver]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct CampaignApproved {
    /// Campaign id.
    #[topic]
    pub id: u64,
    /// Approver.
    #[topic]
    pub approver: Address,
}

/// An entry was claimed. Topics: `["claimed", id, to]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Claimed {
    /// Campaign id.
    #[topic]
    pub id: u64,
    /// Where the net amount was paid.
    #[topic]
    pub to: Address,
    /// Entry index.
    pub index: u32,
    /// The entry's claimant.
    pub claimant: Claimant,
    /// Gross amount, base units.
    pub amount: i128,
    /// Net amount paid to `to` (`amount` minus the skim), base units.
    pub net: i128,
}

/// The funder voided an unclaimed entry and took its amount back.
/// Topics: `["revoked", id]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Revoked {
    /// Campaign id.
    #[topic]
    pub id: u64,
    /// Entry index.
    pub index: u32,
    /// Refunded amount, base units.
    pub amount: i128,
}

/// The funder paused claims. Topics: `["paused", id]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Paused {
    /// Campaign id.
    #[topic]
    pub id: u64,
}

/// The funder resumed claims. Topics: `["resumed", id]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Resumed {
    /// Campaign id.
    #[topic]
    pub id: u64,
}

/// What was left after expiry went back to the funder. Topics: `["clawed_back", id, funder]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ClawedBack {
    /// Campaign id.
    #[topic]
    pub id: u64,
    /// Funder, who received the refund.
    #[topic]
    pub funder: Address,
    /// Refunded amount, base units.
    pub amount: i128,
}

/// The funder moved the expiry later. Topics: `["expiry_extended", id]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ExpiryExtended {
    /// Campaign id.
    #[topic]
    pub id: u64,
    /// New expiry, Unix seconds.
    pub expiry: u64,
}
