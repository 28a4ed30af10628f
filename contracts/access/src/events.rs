//! The access contract's events. Topics carry the fan and creator addresses.

use soroban_sdk::{contractevent, Address};

use crate::storage::RenewalFailure;

/// A tier was created or updated. Topics: `["tier_set", creator, level]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct TierSet {
    /// Creator.
    #[topic]
    pub creator: Address,
    /// Tier level.
    #[topic]
    pub level: u32,
    /// Token contract address.
    pub token: Address,
    /// Price per period, base units.
    pub price: i128,
    /// Period, seconds.
    pub period: u64,
    /// Grace after expiry, seconds.
    pub grace: u64,
    /// Version, bumped by every update.
    pub version: u32,
}

/// A tier stopped taking subscriptions. Topics: `["tier_retired", creator, level]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct TierRetired {
    /// Creator.
    #[topic]
    pub creator: Address,
    /// Tier level.
    #[topic]
    pub level: u32,
}

/// A fan paid for periods of a tier. Topics: `["subscribed", fan, creator]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Subscribed {
    /// Fan.
    #[topic]
    pub fan: Address,
    /// Creator.
    #[topic]
    pub creator: Address,
    /// Tier level.
    pub level: u32,
    /// Periods paid.
    pub periods: u32,
    /// Gross amount paid, base units.
    pub amount: i128,
    /// New expiry, Unix seconds.
    pub expires_at: u64,
}

/// A keeper renewed a subscription. Topics: `["renewed", fan, creator]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Renewed {
    /// Fan.
    #[topic]
    pub fan: Address,
    /// Creator.
    #[topic]
    pub creator: Address,
    /// Periods paid.
    pub periods: u32,
    /// Gross amount paid, base units.
    pub amount: i128,
    /// New expiry, Unix seconds.
    pub expires_at: u64,
}

/// A renewal could not charge. Topics: `["renewal_failed", fan, creator]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct RenewalFailed {
    /// Fan.
    #[topic]
    pub fan: Address,
    /// Creator.
    #[topic]
    pub creator: Address,
    /// Why.
    pub reason: RenewalFailure,
}

/// A fan moved to a higher level; unused paid time was credited. Topics:
/// `["upgraded", fan, creator]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Upgraded {
    /// Fan.
    #[topic]
    pub fan: Address,
    /// Creator.
    #[topic]
    pub creator: Address,
    /// Previous level.
    pub from: u32,
    /// New level.
    pub to: u32,
    /// Seconds of the new tier bought by the credit for unused time.
    pub credited: u64,
}
