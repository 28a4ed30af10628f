//! The insurance contract's typed errors: codes 400–499.

use soroban_sdk::contracterror;

/// Every way an insurance call can fail. Codes are stable: clients match on them.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum InsuranceError {
    /// The constructor's council is not exactly 5 distinct addresses.
    InvalidCouncil = 400,
    /// The constructor's asset list repeats an asset.
    DuplicateAsset = 401,
    /// The caller (or the `old` of a council change) is not a council member.
    NotMember = 402,
    /// No proposal has this id.
    ProposalNotFound = 403,
    /// This member already approved this proposal in the current epoch.
    AlreadyApproved = 404,
    /// `proposal_hash` does not match the proposal's contents and the current epoch.
    HashMismatch = 405,
    /// The proposal is more than 30 days old and was never queued.
    ApprovalsLapsed = 406,
    /// The proposal is not pending approvals (already queued, executed, canceled or expired).
    NotPending = 407,
    /// Execute of a proposal that has not gathered its approvals.
    NotQueued = 408,
    /// Execute before the proposal's `eta`.
    TimelockActive = 409,
    /// Execute after `eta + 14 days`.
    ExecutionWindowClosed = 410,
    /// The council rotated after the proposal was queued; its approvals are void.
    StaleEpoch = 411,
    /// Execute, cancel or expire of a proposal that was executed, canceled or expired.
    ProposalClosed = 412,
    /// A bailout larger than the fund's balance of the asset.
    InsufficientBalance = 413,
    /// The asset is not on the allowlist.
    AssetNotInsured = 414,
    /// The asset is already on the allowlist.
    AssetAlreadyInsured = 415,
    // 416 (`AssetHasBalance`) is retired: a removal no longer needs a zero balance.
    /// A bailout amount `<= 0`.
    InvalidAmount = 417,
    /// A bailout recipient that is this contract.
    InvalidRecipient = 418,
    /// The member being replaced may not approve or veto their own replacement.
    NotEligible = 419,
    /// The `new` member of a council change is already on the council.
    AlreadyMember = 420,
    /// Expire of a proposal that can still be approved or executed.
    NotExpired = 421,
}
