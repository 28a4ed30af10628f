//! `has_access` off-chain (docs/PROTOCOL.md, `contracts/access`): a fan may see a creator's content
//! at `min_level` while `level ≥ min_level` and `now < expires_at + grace` (Unix seconds).

use crate::generated::access::Subscription;

/// Whether `sub` grants access at `min_level` at time `now`; `false` without a subscription.
pub fn has_access(sub: Option<&Subscription>, min_level: u32, now: u64) -> bool {
    sub.is_some_and(|s| s.level >= min_level && now < s.expires_at.saturating_add(s.grace))
}
