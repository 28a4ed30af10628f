//! Storage layout of the access contract: one key enum, typed accessors.
//!
//! Instance: the insurance contract's address. Persistent: one entry per tier
//! `(creator, level)` and one per subscription `(fan, creator)`, extended on every read and
//! write.

use soroban_sdk::{contracttype, unwrap::UnwrapOptimized, Address, Env};
use tributary_common::ttl::{read_persistent, write_persistent};

#[contracttype]
#[derive(Clone)]
enum DataKey {
    /// Instance: the insurance contract (`Address`), set once by the constructor.
    Insurance,
    /// Persistent: a creator's tier at a level.
    Tier(Address, u32),
    /// Persistent: a fan's subscription to a creator.
    Sub(Address, Address),
}

/// A creator's tier. Amounts are base units, times seconds.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Tier {
    /// Token contract address; insured when set.
    pub token: Address,
    /// Price per period, `> 0`.
    pub price: i128,
    /// Period length, `> 0`.
    pub period: u64,
    /// Access kept after expiry.
    pub grace: u64,
    /// Starts at 1; bumped by every update.
    pub version: u32,
    /// No new subscriptions once set.
    pub retired: bool,
}

/// A fan's subscription to one creator, with the terms it was paid at.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Subscription {
    /// Tier level; grants every level at or below it.
    pub level: u32,
    /// Token paid in.
    pub token: Address,
    /// Price per period paid (snapshot), base units.
    pub price: i128,
    /// Period length paid (snapshot), seconds.
    pub period: u64,
    /// Grace after expiry (snapshot), seconds.
    pub grace: u64,
    /// Tier version paid for (snapshot).
    pub version: u32,
    /// Paid until, Unix seconds.
    pub expires_at: u64,
    /// Cumulative gross paid by this position, base units: the skim's basis. A position
    /// starts when a subscription is new or had lapsed (`now >= expires_at + grace`).
    pub paid: i128,
    /// Prepaid value, base units: what the fan paid for `[window_start, expires_at)` that was
    /// not used before `window_start` (docs/PROTOCOL.md, access, "Prepaid value").
    pub prepaid: i128,
    /// Start of the prepaid window, Unix seconds: the time of the last payment or upgrade.
    pub window_start: u64,
}

/// One renewal of a batch ([`crate::AccessContract::renew_many`]): renew `periods` periods of
/// `fan`'s subscription to `creator`.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Renewal {
    /// The subscriber.
    pub fan: Address,
    /// The creator subscribed to.
    pub creator: Address,
    /// Periods to add, at least 1.
    pub periods: u32,
}

/// Why a renewal did not charge.
#[contracttype]
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum RenewalFailure {
    /// The fan's allowance to this contract is below the payment (or has expired).
    AllowanceTooLow = 0,
    /// The fan's balance is below the payment.
    BalanceTooLow = 1,
    /// The tier's terms are now worse than the snapshot (price, period, grace or token).
    TermsWorse = 2,
    /// The tier was retired.
    TierRetired = 3,
    /// The insurance contract no longer lists the subscription's token.
    TokenNotInsured = 4,
    /// Not due yet: the renewal window opens at `expires_at - min(period / 2, 1 day)`. Also
    /// what a second keeper gets after another renewed the same period first.
    NotDue = 5,
}

pub fn get_insurance(e: &Env) -> Address {
    e.storage()
        .instance()
        .get(&DataKey::Insurance)
        .unwrap_optimized() // Invariant: the constructor sets the insurance address.
}

pub fn set_insurance(e: &Env, insurance: &Address) {
    e.storage().instance().set(&DataKey::Insurance, insurance);
}

/// Reads a tier and extends its TTL.
pub fn get_tier(e: &Env, creator: &Address, level: u32) -> Option<Tier> {
    read_persistent(e, &DataKey::Tier(creator.clone(), level))
}

/// Writes a tier and extends its TTL.
pub fn set_tier(e: &Env, creator: &Address, level: u32, tier: &Tier) {
    write_persistent(e, &DataKey::Tier(creator.clone(), level), tier);
}

/// Reads a subscription and extends its TTL.
pub fn get_sub(e: &Env, fan: &Address, creator: &Address) -> Option<Subscription> {
    read_persistent(e, &DataKey::Sub(fan.clone(), creator.clone()))
}

/// Writes a subscription and extends its TTL.
pub fn set_sub(e: &Env, fan: &Address, creator: &Address, sub: &Subscription) {
    write_persistent(e, &DataKey::Sub(fan.clone(), creator.clone()), sub);
}
