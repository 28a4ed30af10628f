//! `pause`, `resume`, `revoke`, `clawback`, `extend_expiry`, and TTL.
//!
//! pause / resume: funder only; pause needs Active (CampaignPaused / CampaignInDraft /
//!   CampaignClosed otherwise), resume needs Paused (NotPaused).
//! revoke: funder only; voids an unclaimed entry and refunds it unskimmed;
//!   claimed → AlreadySettled; bad proof → InvalidProof; clawed back → CampaignClosed.
//! clawback: anyone, at or after expiry (NotExpired before); refunds the remainder once
//!   (CampaignClosed after).
//! extend_expiry: funder only; only later (ExpiryNotLater); not after clawback.

use soroban_sdk::{testutils::Events as _, Event, IntoVal, InvokeError, Symbol};
use tributary_claims::{ClaimsError, ClawedBack, ExpiryExtended, Paused, Resumed, Revoked};
use tributary_common::ttl::POSITION_EXTEND_AMOUNT;
use tributary_fixture::{assert_fails_unchanged, UNIT};

use crate::common::{Setup, DAY, WINDOW};

#[test]
fn pause_and_resume_are_the_funders() {
    let s = Setup::new();
    let id = s.campaign();
    let (e, claims) = (&s.f.env, &s.f.claims.address);
    s.f.claims.pause(&id);
    assert_eq!(
        e.events().all().filter_by_contract(claims),
        [Paused { id }.to_xdr(e, claims)]
    );
    s.f.assert_auth(&s.funder, claims, "pause", (id,).into_val(e));
    assert_fails_unchanged!(
        s,
        id,
        s.f.claims.try_pause(&id),
        ClaimsError::CampaignPaused
    );
    s.f.claims.resume(&id);
    assert_eq!(
        e.events().all().filter_by_contract(claims),
        [Resumed { id }.to_xdr(e, claims)]
    );
    s.f.assert_auth(&s.funder, claims, "resume", (id,).into_val(e));
    assert_fails_unchanged!(s, id, s.f.claims.try_resume(&id), ClaimsError::NotPaused);
    s.f.env.set_auths(&[]);
    let before = s.state(id);
    assert_eq!(s.f.claims.try_pause(&id), Err(Err(InvokeError::Abort)));
    assert_eq!(s.state(id), before);
}

#[test]
fn revoke_refunds_an_unclaimed_entry_unskimmed() {
    let s = Setup::new();
    let id = s.campaign();
    let e = &s.f.env;
    let (who, amount) = &s.tree.entries[3];
    let before = s.f.xlm.token.balance(&s.funder);
    s.f.claims
        .revoke(&id, &3, &who.claimant(e), amount, &s.tree.proof(e, 3));
    let claims = &s.f.claims.address;
    assert_eq!(
        e.events().all().filter_by_contract(claims),
        [Revoked {
            id,
            index: 3,
            amount: *amount
        }
        .to_xdr(e, claims)]
    );
    assert_eq!(
        e.auths()[0].1.function,
        soroban_sdk::testutils::AuthorizedFunction::Contract((
            claims.clone(),
            Symbol::new(e, "revoke"),
            (id, 3u32, who.claimant(e), *amount, s.tree.proof(e, 3)).into_val(e),
        ))
    );
    assert_eq!(e.auths()[0].0, s.funder);
    assert_eq!(s.f.xlm.token.balance(&s.funder), before + amount);
    assert_eq!(s.f.insurance.balance(&s.f.xlm.id), 0);
    assert!(s.f.claims.is_claimed(&id, &3));
    assert_fails_unchanged!(
        s,
        id,
        s.try_claim(id, 3, &s.payee(3)),
        ClaimsError::AlreadySettled
    );
}

#[test]
fn revoke_after_claim_or_with_bad_proof_is_rejected() {
    let s = Setup::new();
    let id = s.campaign();
    let e = &s.f.env;
    s.try_claim(id, 0, &s.payee(0)).unwrap().unwrap();
    let (who, amount) = &s.tree.entries[0];
    let c = &s.f.claims;
    assert_fails_unchanged!(
        s,
        id,
        c.try_revoke(&id, &0, &who.claimant(e), amount, &s.tree.proof(e, 0)),
        ClaimsError::AlreadySettled
    );
    let (who2, amount2) = &s.tree.entries[2];
    assert_fails_unchanged!(
        s,
        id,
        c.try_revoke(
            &id,
            &2,
            &who2.claimant(e),
            &(amount2 - 1),
            &s.tree.proof(e, 2)
        ),
        ClaimsError::InvalidProof
    );
}

#[test]
fn clawback_returns_the_remainder_after_expiry_once() {
    let s = Setup::new();
    let id = s.campaign();
    s.try_claim(id, 0, &s.payee(0)).unwrap().unwrap();
    assert_fails_unchanged!(s, id, s.f.claims.try_clawback(&id), ClaimsError::NotExpired);
    s.f.jump(WINDOW - 1);
    assert_fails_unchanged!(s, id, s.f.claims.try_clawback(&id), ClaimsError::NotExpired);
    s.f.jump(1);
    let before = s.f.xlm.token.balance(&s.funder);
    s.f.env.set_auths(&[]);
    let refund = s.f.claims.clawback(&id);
    let (e, claims) = (&s.f.env, &s.f.claims.address);
    assert_eq!(e.auths(), std::vec![]);
    assert_eq!(refund, s.tree.total() - 100 * UNIT);
    assert_eq!(
        e.events().all().filter_by_contract(claims),
        [ClawedBack {
            id,
            funder: s.funder.clone(),
            amount: refund
        }
        .to_xdr(e, claims)]
    );
    assert_eq!(s.f.xlm.token.balance(&s.funder), before + refund);
    assert_eq!(s.f.xlm.token.balance(claims), 0);
    s.f.env.mock_all_auths();
    assert_fails_unchanged!(
        s,
        id,
        s.f.claims.try_clawback(&id),
        ClaimsError::CampaignClosed
    );
    let (who, amount) = &s.tree.entries[2];
    assert_fails_unchanged!(
        s,
        id,
        s.f.claims
            .try_revoke(&id, &2, &who.claimant(e), amount, &s.tree.proof(e, 2)),
        ClaimsError::CampaignClosed
    );
    assert_fails_unchanged!(
        s,
        id,
        s.f.claims.try_extend_expiry(&id, &(s.f.now() + DAY)),
        ClaimsError::CampaignClosed
    );
}

#[test]
fn extend_expiry_only_moves_later() {
    let s = Setup::new();
    let id = s.campaign();
    let expiry = s.f.claims.get_campaign(&id).expiry;
    assert_fails_unchanged!(
        s,
        id,
        s.f.claims.try_extend_expiry(&id, &expiry),
        ClaimsError::ExpiryNotLater
    );
    s.f.claims.extend_expiry(&id, &(expiry + DAY));
    let (e, claims) = (&s.f.env, &s.f.claims.address);
    assert_eq!(
        e.events().all().filter_by_contract(claims),
        [ExpiryExtended {
            id,
            expiry: expiry + DAY
        }
        .to_xdr(e, claims)]
    );
    s.f.assert_auth(
        &s.funder,
        claims,
        "extend_expiry",
        (id, expiry + DAY).into_val(e),
    );
    s.f.jump(WINDOW);
    assert!(
        s.try_claim(id, 0, &s.payee(0)).is_ok(),
        "claims stay open until the new expiry"
    );
}

#[test]
fn campaign_in_use_stays_live_past_its_initial_ttl() {
    let s = Setup::new();
    let id = s.campaign();
    s.f.claims.extend_expiry(&id, &(s.f.now() + 400 * DAY));
    let key = (Symbol::new(&s.f.env, "Campaign"), id);
    let ttl = || {
        s.f.env.as_contract(&s.f.claims.address, || {
            use soroban_sdk::testutils::storage::Persistent as _;
            s.f.env.storage().persistent().get_ttl(&key)
        })
    };
    for index in [0u32, 2, 4] {
        s.f.jump(100 * DAY);
        assert!(s.try_claim(id, index, &s.payee(index)).is_ok());
        assert_eq!(ttl(), POSITION_EXTEND_AMOUNT);
    }
    assert!(
        s.f.claims.is_claimed(&id, &4),
        "300 days in, past the 120-day initial TTL"
    );
}
