//! Subscriptions off-chain (docs/PROTOCOL.md, `contracts/access`), on the rules the contract
//! runs (`tributary_rules::access`). Times are Unix seconds.
//! - Access: a fan may see a creator's content at `min_level` while `level ≥ min_level` and
//!   `now < expires_at + grace`.
//! - Renewal: `renew` charges only from `expires_at - min(period / 2, 1 day)` on.

use tributary_rules::access as rules;

use crate::generated::access::Subscription;

/// Whether `sub` grants access at `min_level` at time `now`; `false` without a subscription.
pub fn has_access(sub: Option<&Subscription>, min_level: u32, now: u64) -> bool {
    sub.is_some_and(|s| rules::has_access(s.level, s.expires_at, s.grace, min_level, now))
}

/// The first second at which a keeper's `renew` of `sub` charges:
/// `expires_at - min(period / 2, 86,400)`, saturating at 0.
pub fn renewal_opens_at(sub: &Subscription) -> u64 {
    rules::renewal_opens_at(sub.expires_at, sub.period)
}

/// Whether `renew` of `sub` at `now` would be due (it may still fail for the fan's allowance,
/// balance or the tier's terms; simulation tells).
pub fn renewal_due(sub: &Subscription, now: u64) -> bool {
    rules::renewal_due(now, sub.expires_at, sub.period)
}
