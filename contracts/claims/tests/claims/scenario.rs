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

/// Attack scenario `claims_front_running`: a watcher copies claims from the mempool.
///
/// 1. The holder of claim key 1 signs the claim message paying `alice` and broadcasts it.
/// 2. Mallory copies the signature into a claim paying herself: the signature covers `to`, so
///    the host rejects it and nothing changes.
/// 3. Mallory front-runs the exact transaction instead: it pays `alice`, as signed.
/// 4. The original transaction then fails with `AlreadySettled`; `alice` was paid once.
/// 5. Mallory claims address entry 0 for herself: the entry's address must authorize, so it
///    fails without that authorization.
#[test]
fn claims_front_running_snapshot() {
    let s = Setup::new();
    let e = &s.f.env;
    let c = &s.f.claims;
    let id = s.campaign();
    let (alice, mallory) = (Address::generate(e), Address::generate(e));
    let (who, amount) = &s.tree.entries[1];
    let proof = s.tree.proof(e, 1);
    let signature = who.signature_for(e, &c.address, id, 1, &alice);
    let before = s.state(id);
    // The host's ed25519 check traps: not a contract error, an abort of the invocation.
    assert_eq!(
        c.try_claim(
            &id,
            &1,
            &who.claimant(e),
            amount,
            &proof,
            &mallory,
            &signature
        ),
        Err(Err(soroban_sdk::InvokeError::Abort))
    );
    assert_eq!(s.state(id), before, "a copied signature changes nothing");
    let net = c.claim(
        &id,
        &1,
        &who.claimant(e),
        amount,
        &proof,
        &alice,
        &signature,
    );
    assert_eq!(s.f.xlm.token.balance(&alice), net);
    assert_eq!(
        c.try_claim(
            &id,
            &1,
            &who.claimant(e),
            amount,
            &proof,
            &alice,
            &signature
        ),
        Err(Ok(tributary_claims::ClaimsError::AlreadySettled))
    );
    let (who0, amount0) = &s.tree.entries[0];
    e.set_auths(&[]);
    // The entry's address didn't authorize: the host's auth check aborts the invocation.
    assert_eq!(
        c.try_claim(
            &id,
            &0,
            &who0.claimant(e),
            amount0,
            &s.tree.proof(e, 0),
            &mallory,
            &None
        ),
        Err(Err(soroban_sdk::InvokeError::Abort))
    );
    assert_eq!(s.f.xlm.token.balance(&mallory), 0);
    e.to_snapshot_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test-snapshots/claims_front_running.json"
    ));
}
