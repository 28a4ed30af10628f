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
    assert!(a.renew(&s.fan, &s.creator, &1));
    s.tier(2, 3 * PRICE);
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
