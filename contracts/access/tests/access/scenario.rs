//! The `access_subscription` scenario, written deliberately to `test-snapshots/` for auditors:
//! tiers, a subscription, an upgrade, a keeper renewal, a price rise the renewal refuses, and
//! the grace period running out.

use tributary_access::RenewalFailure;

use crate::common::{Setup, DAY, GRACE, PRICE};

#[test]
fn access_subscription_snapshot() {
    let s = Setup::new();
    let a = &s.f.access;
    s.subscribe(1, 1);
    s.f.jump(10 * DAY);
    s.subscribe(2, 1);
    s.allow(10 * PRICE, 120);
    s.until_due();
    assert!(a.renew(&s.fan, &s.creator, &1));
    s.tier(2, 3 * PRICE);
    s.until_due();
    assert!(
        !a.renew(&s.fan, &s.creator, &1),
        "{:?}",
        RenewalFailure::TermsWorse
    );
    let sub = a.subscription(&s.fan, &s.creator).unwrap();
    s.f.jump(sub.expires_at + GRACE - s.f.now());
    assert!(!a.has_access(&s.fan, &s.creator, &1));
    s.f.env.to_snapshot_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test-snapshots/access_subscription.json"
    ));
}

/// Attack scenario `access_raised_price_renewal`: the creator raises the price just before a
/// keeper renews, hoping to pull the new price from the fan's standing allowance.
///
/// 1. The fan subscribes to tier 1 at `PRICE` and approves an allowance for renewals.
/// 2. The creator raises tier 1 to 5 × `PRICE`.
/// 3. A keeper calls `renew`: it returns `false` with `renewal_failed { TermsWorse }`, and the
///    fan pays nothing: the renewal is bound to the terms the fan agreed to.
/// 4. A subscribe with the fan's old ceiling is refused (`PriceAboveMax`): only a fan who
///    accepts the new price explicitly pays it.
#[test]
fn access_raised_price_renewal_snapshot() {
    let s = Setup::new();
    let a = &s.f.access;
    s.subscribe(1, 1);
    s.allow(100 * PRICE, 120);
    let before = (s.balance(&s.fan), a.subscription(&s.fan, &s.creator));
    s.tier(1, 5 * PRICE);
    assert!(!a.renew(&s.fan, &s.creator, &1));
    assert_eq!(
        (s.balance(&s.fan), a.subscription(&s.fan, &s.creator)),
        before
    );
    assert_eq!(
        a.try_subscribe(&s.fan, &s.creator, &1, &1, &PRICE),
        Err(Ok(tributary_access::AccessError::PriceAboveMax))
    );
    assert_eq!(RenewalFailure::TermsWorse as u32, 2);
    s.f.env.to_snapshot_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test-snapshots/access_raised_price_renewal.json"
    ));
}
