//! The access contract's typed errors: codes 300–399.

use soroban_sdk::contracterror;

/// Every way an access call can fail. Codes are stable: clients match on them.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum AccessError {
    /// The creator has no tier at this level.
    TierNotFound = 300,
    /// A tier price `<= 0`.
    InvalidPrice = 301,
    /// A tier period of 0 seconds.
    InvalidPeriod = 302,
    /// The tier is retired: no new subscriptions or upgrades.
    TierRetired = 303,
    /// `periods == 0`, or a payment or time that would overflow.
    InvalidPeriods = 304,
    /// The tier's price is above the fan's `max_price`.
    PriceAboveMax = 305,
    /// A creator subscribing to themselves.
    FanIsCreator = 306,
    /// Subscribing below the fan's active level; wait for it to expire.
    LevelBelowCurrent = 307,
    /// A payment in another token than the live subscription's (one token per position).
    TokenMismatch = 308,
    /// Renew of a subscription that does not exist.
    SubscriptionNotFound = 309,
    /// The tier's token is not on the insurance contract's allowlist.
    TokenNotInsured = 310,
}
