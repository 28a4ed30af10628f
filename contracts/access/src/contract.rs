//! The access contract's entry points. Each one extends the instance TTL, checks
//! authorization, then calls the domain logic in `subscription.rs`, which emits the events.
//!
//! Each entry point's `///` summary is published in the contract spec (what wallets and the
//! SDK show). Its `# Errors`, `# Events` and `# Authorization` sections are rustdoc-only
//! (`cfg_attr(doc, ...)`), which keeps several KB of text out of the deployed WASM.

use soroban_sdk::{contract, contractimpl, Address, Env, Vec};
use tributary_common::ttl::extend_instance;

use crate::{
    errors::AccessError,
    storage::{self, Renewal, Subscription, Tier},
    subscription,
};

/// Tier-gated access: creator tiers and fan subscriptions, paid with a 1% skim to insurance.
#[contract]
pub struct AccessContract;

#[contractimpl]
impl AccessContract {
    /// Deploys the contract bound, immutably, to the insurance contract at `insurance`.
    pub fn __constructor(e: Env, insurance: Address) {
        storage::set_insurance(&e, &insurance);
    }

    /// Creates or updates `creator`'s tier `level`: `price` base units of `token` per `period`
    /// seconds, with `grace` seconds of access after expiry. Returns the tier's version.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`InvalidPrice` if `price <= 0`; `InvalidPeriod` if `period == 0`; `TokenNotInsured`.

# Events
`tier_set`.

# Authorization
`creator`.

# Notes
An update bumps the version and re-opens a retired tier. Existing subscriptions keep the
terms they paid at; `renew` charges them no more than their snapshot."
    )]
    pub fn set_tier(
        e: Env,
        creator: Address,
        level: u32,
        token: Address,
        price: i128,
        period: u64,
        grace: u64,
    ) -> Result<u32, AccessError> {
        extend_instance(&e);
        creator.require_auth();
        subscription::set_tier(&e, &creator, level, &token, price, period, grace)
    }

    /// Stops new subscriptions to `creator`'s tier `level`; existing ones run to their end.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`TierNotFound`; `TierRetired` if already retired.

# Events
`tier_retired`.

# Authorization
`creator`."
    )]
    pub fn retire_tier(e: Env, creator: Address, level: u32) -> Result<(), AccessError> {
        extend_instance(&e);
        creator.require_auth();
        subscription::retire_tier(&e, &creator, level)
    }

    /// Pays `periods` of `creator`'s tier `level` for `fan`, at no more than `max_price` per
    /// period; returns the new `expires_at` (Unix seconds).
    #[cfg_attr(
        doc,
        doc = "
# Errors
- `FanIsCreator`; `TierNotFound`; `TierRetired`; `PriceAboveMax` if the tier's price is above
  `max_price`; `InvalidPeriods` if `periods == 0` or the payment would overflow;
  `TokenNotInsured` if the insurance contract no longer lists the tier's token.
- `LevelBelowCurrent` while a higher level is active; `TokenMismatch` while the subscription
  is live (`now < expires_at + grace`) in another token than the tier's.

# Events
`upgraded` (when the level rises during an active subscription), `subscribed`, and
`skim_paid` when the skim is non-zero.

# Authorization
`fan`, for this call and the transfer of `price * periods` into this contract.

# Notes
The fan pays `price * periods`; the creator receives it minus the skim. Paid time stacks:
`expires_at = max(now, expires_at) + periods * period`. The subscription keeps the value
actually paid for its prepaid window; an upgrade converts the unused value into time at the
new tier's price, rounded down (docs/PROTOCOL.md, access). A payment after the subscription
lapsed starts a new position."
    )]
    pub fn subscribe(
        e: Env,
        fan: Address,
        creator: Address,
        level: u32,
        periods: u32,
        max_price: i128,
    ) -> Result<u64, AccessError> {
        extend_instance(&e);
        fan.require_auth();
        subscription::subscribe(&e, &fan, &creator, level, periods, max_price)
    }

    /// Renews `periods` of `fan`'s subscription to `creator` by pulling payment through the
    /// fan's SEP-41 allowance to this contract. Returns whether it charged.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`SubscriptionNotFound`; `InvalidPeriods` if `periods == 0` or the payment would overflow;
`TierNotFound` only if the invariant that tiers are never deleted broke. Nothing else: when it can't charge it emits `renewal_failed { reason }` and returns `false`.

# Events
`renewed` and `skim_paid`, or `renewal_failed` with `NotDue`, `AllowanceTooLow`,
`BalanceTooLow`, `TermsWorse`, `TierRetired` or `TokenNotInsured`.

# Authorization
None: any keeper may call. The fan authorized the payment by approving the allowance.

# Notes
It charges only once the subscription is due, from `expires_at - min(period / 2, 1 day)` on
(`tributary_rules::access::renewal_opens_at`); a renewal adds at least a period, so a second
keeper racing the first gets `NotDue` and charges nothing. It charges the tier's current
price, and only if that is no more than the snapshot and the period, grace and token are no
worse. The payment joins the prepaid value, so a renewal at a
lowered price never erases value paid before."
    )]
    pub fn renew(
        e: Env,
        fan: Address,
        creator: Address,
        periods: u32,
    ) -> Result<bool, AccessError> {
        extend_instance(&e);
        subscription::renew(&e, &fan, &creator, periods)
    }

    /// Renews each of `renewals` as `renew` would, in order, in one call: how a keeper batches.
    /// Returns whether each charged.
    #[cfg_attr(
        doc,
        doc = "
# Errors
As `renew`, for the first renewal that errs; then nothing in the batch happens. A renewal
that can't charge is not an error: its slot is `false` and it emits `renewal_failed`.

# Events
Those of each `renew`, in order.

# Authorization
None, as `renew`.

# Notes
The batch is bounded by the network's per-transaction footprint: each renewal reads and writes
the fan's subscription, allowance and balance and the creator's balance."
    )]
    pub fn renew_many(e: Env, renewals: Vec<Renewal>) -> Result<Vec<bool>, AccessError> {
        extend_instance(&e);
        subscription::renew_many(&e, &renewals)
    }

    /// Whether `fan` may see `creator`'s content at `min_level`: `level >= min_level` and
    /// `now < expires_at + grace`. O(1); never fails.
    pub fn has_access(e: Env, fan: Address, creator: Address, min_level: u32) -> bool {
        extend_instance(&e);
        subscription::has_access(&e, &fan, &creator, min_level)
    }

    /// `fan`'s subscription to `creator`, if any.
    pub fn subscription(e: Env, fan: Address, creator: Address) -> Option<Subscription> {
        extend_instance(&e);
        storage::get_sub(&e, &fan, &creator)
    }

    /// `creator`'s tier at `level`, if any.
    pub fn tier(e: Env, creator: Address, level: u32) -> Option<Tier> {
        extend_instance(&e);
        storage::get_tier(&e, &creator, level)
    }
}
