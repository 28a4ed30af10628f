//! The claims contract's typed errors: codes 200–299.

use soroban_sdk::contracterror;

/// Every way a claims call can fail. Codes are stable: clients match on them.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum ClaimsError {
    /// No campaign has this id.
    CampaignNotFound = 200,
    /// `total <= 0`.
    InvalidTotal = 201,
    /// `count == 0`.
    InvalidCount = 202,
    /// `start >= expiry`.
    StartNotBeforeExpiry = 203,
    /// `expiry <= now`.
    ExpiryNotInFuture = 204,
    /// The approver is the funder: the two-person rule needs two people.
    ApproverIsFunder = 205,
    /// The token is not on the insurance contract's allowlist.
    TokenNotInsured = 206,
    /// Approve of a campaign that is not awaiting approval.
    NotDraft = 207,
    /// Claim from a campaign that still awaits its approver.
    CampaignInDraft = 208,
    /// Claim from a paused campaign, or pause of a paused one.
    CampaignPaused = 209,
    /// The campaign was clawed back.
    CampaignClosed = 210,
    /// Claim before the campaign's start.
    NotStarted = 211,
    /// Claim at or after the campaign's expiry.
    CampaignExpired = 212,
    /// `index >= count`.
    IndexOutOfRange = 213,
    /// The entry was already claimed or revoked.
    AlreadySettled = 214,
    /// The leaf and proof do not lead to the campaign's root.
    InvalidProof = 215,
    /// `amount <= 0`.
    InvalidAmount = 216,
    /// The campaign's remaining escrow is below the amount: the leaves sum to more than `total`.
    InsufficientEscrow = 217,
    /// A claim-key entry without a signature.
    MissingSignature = 218,
    /// Clawback before the expiry.
    NotExpired = 219,
    /// `new_expiry` is not later than the current expiry.
    ExpiryNotLater = 220,
    /// Resume of a campaign that is not paused.
    NotPaused = 221,
    /// The payout address is this contract, which would lock the funds.
    RecipientIsContract = 222,
    /// `claim_many` with an empty list.
    EmptyBatch = 223,
    /// A campaign with the id that `funder` and `salt` derive exists already: pick another salt.
    IdTaken = 224,
}
