//! The stream contract's typed errors: codes 100–199.

use soroban_sdk::contracterror;

/// Every way a stream call can fail. Codes are stable: clients match on them.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum StreamError {
    /// No stream has this id.
    StreamNotFound = 100,
    /// `deposit <= 0`.
    InvalidDeposit = 101,
    /// `start >= end`.
    StartNotBeforeEnd = 102,
    /// `cliff < start`.
    CliffBeforeStart = 103,
    /// `cliff > end`.
    CliffAfterEnd = 104,
    /// `end <= now`: the stream would be fully vested at creation.
    EndNotInFuture = 105,
    /// `sender == recipient`.
    SenderIsRecipient = 106,
    /// The recipient or payout address is this contract, which would lock the funds.
    RecipientIsContract = 107,
    /// The token is not on the insurance contract's allowlist.
    TokenNotInsured = 108,
    /// A withdrawal amount `<= 0`.
    InvalidAmount = 109,
    /// A withdrawal amount above what is withdrawable now.
    AmountExceedsWithdrawable = 110,
    /// `withdraw_max` when nothing is withdrawable.
    NothingToWithdraw = 111,
    /// Cancel or renounce of a stream that is not (or no longer) cancelable.
    NotCancelable = 112,
    /// Cancel or renounce of a stream that has fully vested.
    StreamSettled = 113,
    /// Cancel or renounce of a stream that was already canceled.
    StreamCanceled = 114,
    /// Transfer of a stream created with `transferable = false`.
    NotTransferable = 115,
    /// `create_streams` with an empty list.
    EmptyBatch = 116,
    /// A stream with the id that `sender` and `salt` derive exists already: pick another salt.
    IdTaken = 117,
}
