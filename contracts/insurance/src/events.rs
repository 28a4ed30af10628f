//! The insurance contract's events. Topics carry the proposal id and the addresses involved.

use soroban_sdk::{contractevent, Address, BytesN};

/// A bailout was proposed. Topics: `["bailout_requested", id, proposer]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct BailoutRequested {
    /// Proposal id.
    #[topic]
    pub id: u64,
    /// Proposing member.
    #[topic]
    pub proposer: Address,
    /// Token contract address.
    pub asset: Address,
    /// Amount, base units.
    pub amount: i128,
    /// Who would be paid.
    pub recipient: Address,
    /// Off-chain reference (for example the hash of an incident report).
    pub reason: BytesN<32>,
}

/// A council change was proposed. Topics: `["council_change_requested", id, proposer]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct CouncilChangeRequested {
    /// Proposal id.
    #[topic]
    pub id: u64,
    /// Proposing member.
    #[topic]
    pub proposer: Address,
    /// Member to replace.
    pub old: Address,
    /// Replacement.
    pub new: Address,
}

/// An asset allowlist change was proposed. Topics: `["asset_change_requested", id, proposer]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct AssetChangeRequested {
    /// Proposal id.
    #[topic]
    pub id: u64,
    /// Proposing member.
    #[topic]
    pub proposer: Address,
    /// Token contract address.
    pub asset: Address,
    /// `true` to add, `false` to remove.
    pub insured: bool,
}

/// A member approved a proposal. Topics: `["proposal_approved", id, member]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ProposalApproved {
    /// Proposal id.
    #[topic]
    pub id: u64,
    /// Approving member.
    #[topic]
    pub member: Address,
    /// Approvals gathered in the current epoch, this one included.
    pub approvals: u32,
}

/// A proposal gathered its approvals and is timelocked. Topics: `["proposal_queued", id]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ProposalQueued {
    /// Proposal id.
    #[topic]
    pub id: u64,
    /// Earliest execution time, Unix seconds (`now + 14 days`).
    pub eta: u64,
}

/// A bailout was paid. Topics: `["bailout_executed", id, asset, recipient]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct BailoutExecuted {
    /// Proposal id.
    #[topic]
    pub id: u64,
    /// Token contract address.
    #[topic]
    pub asset: Address,
    /// Who was paid.
    #[topic]
    pub recipient: Address,
    /// Amount paid, base units.
    pub amount: i128,
}

/// A member vetoed a proposal. Topics: `["proposal_canceled", id, member]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ProposalCanceled {
    /// Proposal id.
    #[topic]
    pub id: u64,
    /// Vetoing member.
    #[topic]
    pub member: Address,
}

/// A proposal was marked expired: its approvals lapsed or its execution window closed.
/// Topics: `["proposal_expired", id]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ProposalExpired {
    /// Proposal id.
    #[topic]
    pub id: u64,
}

/// A council change was executed; the epoch was bumped. Topics: `["council_changed", id]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct CouncilChanged {
    /// Proposal id.
    #[topic]
    pub id: u64,
    /// Removed member.
    pub old: Address,
    /// Added member.
    pub new: Address,
    /// The new council epoch.
    pub epoch: u32,
}

/// An asset allowlist change was executed. Topics: `["asset_changed", id, asset]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct AssetChanged {
    /// Proposal id.
    #[topic]
    pub id: u64,
    /// Token contract address.
    #[topic]
    pub asset: Address,
    /// Whether the asset is now insured.
    pub insured: bool,
}
