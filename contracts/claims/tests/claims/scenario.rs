//! The `claims_campaign` scenario, written deliberately to `test-snapshots/` for auditors: a
//! two-person campaign with both claimant kinds, a revoke, and a clawback after expiry.

use soroban_sdk::testutils::Address as _;
use soroban_sdk::Address;

use crate::common::{Setup, WINDOW};

#[test]
fn claims_campaign_snapshot() {
    let s = Setup::new();
    let e = &s.f.env;
    let approver = Address::generate(e);
    let id = s.campaign_with(&s.tree.root(e), s.tree.total(), Some(approver));
    s.f.claims.approve(&id);
    s.try_claim(id, 0, &s.payee(0)).unwrap().unwrap();
    s.try_claim(id, 1, &s.payee(1)).unwrap().unwrap();
    let (who, amount) = &s.tree.entries[3];
    s.f.claims
        .revoke(&id, &3, &who.claimant(e), amount, &s.tree.proof(e, 3));
    s.f.jump(WINDOW);
    let refund = s.f.claims.clawback(&id);
    assert_eq!(refund, s.tree.entries[2].1 + s.tree.entries[4].1);
    assert_eq!(s.f.xlm.token.balance(&s.f.claims.address), 0);
    e.to_snapshot_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test-snapshots/claims_campaign.json"
    ));
}
