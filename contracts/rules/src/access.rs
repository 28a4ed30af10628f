//! Subscriptions' time rules (docs/PROTOCOL.md, `contracts/access`). Times are Unix seconds.
//!
//! - Access: a fan may see a creator's content at `min_level` while `level >= min_level` and
//!   `now < expires_at + grace`.
//! - Renewal window: `renew` charges only once the subscription is due, that is from
//!   [`renewal_opens_at`] `= expires_at - min(period / 2, RENEWAL_LEAD)` on. A renewal adds at
//!   least one period, so right after one the subscription is at least `period - lead > lead`
//!   from its end and no longer due: two keepers, or one keeper retrying, can't charge a fan
//!   twice for the same period, and nobody can pull a fan's allowance ahead of time.

/// The most a renewal may come before `expires_at`: one day, in seconds.
pub const RENEWAL_LEAD: u64 = 86_400;

/// Whether a subscription at `level`, paid up to `expires_at` with `grace` seconds after it,
/// grants access at `min_level` at time `now`. Saturates instead of overflowing.
pub fn has_access(level: u32, expires_at: u64, grace: u64, min_level: u32, now: u64) -> bool {
    level >= min_level && now < expires_at.saturating_add(grace)
}

/// The first second at which a subscription paid up to `expires_at`, with a `period`-second
/// period, may be renewed: `expires_at - min(period / 2, RENEWAL_LEAD)`, saturating at 0.
pub fn renewal_opens_at(expires_at: u64, period: u64) -> u64 {
    expires_at.saturating_sub((period / 2).min(RENEWAL_LEAD))
}

/// Whether `renew` may charge at `now`: `now >= renewal_opens_at(expires_at, period)`.
pub fn renewal_due(now: u64, expires_at: u64, period: u64) -> bool {
    now >= renewal_opens_at(expires_at, period)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: u64 = 86_400;

    #[test]
    fn the_window_opens_a_day_early_or_half_a_short_period_early() {
        assert_eq!(renewal_opens_at(100 * DAY, 30 * DAY), 99 * DAY);
        assert_eq!(renewal_opens_at(1_000, 60), 970);
        assert_eq!(renewal_opens_at(10, 60), 0);
        assert!(!renewal_due(969, 1_000, 60));
        assert!(renewal_due(970, 1_000, 60));
        assert!(
            renewal_due(5_000, 1_000, 60),
            "a lapsed subscription is due"
        );
    }

    #[test]
    fn access_ends_at_expiry_plus_grace_and_saturates() {
        assert!(has_access(2, 100, 10, 1, 109));
        assert!(!has_access(2, 100, 10, 1, 110));
        assert!(!has_access(1, 100, 10, 2, 0));
        assert!(has_access(1, u64::MAX, u64::MAX, 1, u64::MAX - 1));
    }

    proptest! {
        /// Whatever the state, a renewal of at least one period (stacked on
        /// `max(now, expires_at)`, as `renew` does) leaves the subscription not due.
        #[test]
        fn a_renewal_is_never_due_again_at_once(
            expires_at in 0u64..1 << 40,
            now in 0u64..1 << 40,
            period in 1u64..1 << 30,
            periods in 1u64..12,
        ) {
            prop_assume!(renewal_due(now, expires_at, period));
            let renewed = expires_at.max(now) + periods * period;
            prop_assert!(!renewal_due(now, renewed, period));
        }
    }
}
