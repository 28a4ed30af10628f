//! `claim` and `claim_many`.
//!
//! claim
//! ├── given draft / paused / clawed back → CampaignInDraft / CampaignPaused / CampaignClosed
//! ├── when now < start → NotStarted; when now >= expiry → CampaignExpired
//! ├── when to is the contract → RecipientIsContract
//! ├── when amount <= 0 → InvalidAmount; when index >= count → IndexOutOfRange
//! ├── given already claimed → AlreadySettled
//! ├── when the proof is for another index, another campaign, or the amount is wrong → InvalidProof
//! ├── given the leaves sum to more than the escrow → InsufficientEscrow
//! ├── Address claimant
//! │   ├── when to == claimant → pays with no auth at all
//! │   └── when to != claimant → needs the claimant's auth
//! └── Key claimant
//!     ├── when there is no signature → MissingSignature
//!     ├── when the signature is for another `to`, or another campaign → rejected
//!     └── when valid → pays `to` with no auth; emits claimed and skim_paid

use soroban_sdk::{
    testutils::Address as _, testutils::Events as _, vec, Address, BytesN, Event, IntoVal,
    InvokeError,
};
use tributary_claims::{CampaignStatus, ClaimRequest, Claimed, ClaimsError, SkimPaid};
use tributary_fixture::{assert_fails_unchanged, UNIT};

use tributary_fixture::claims_tree::{addr, Tree};

use crate::common::{Setup, WINDOW};

#[test]
fn address_claim_to_itself_needs_no_auth_and_skims_one_percent() {
    let s = Setup::new();
    let id = s.campaign();
    let to = s.payee(0);
    s.f.env.set_auths(&[]);
    assert_eq!(s.try_claim(id, 0, &to), Ok(Ok(99 * UNIT)));
    let (e, claims) = (&s.f.env, &s.f.claims.address);
    assert_eq!(
        e.events().all().filter_by_contract(claims),
        [
            SkimPaid {
                asset: s.f.xlm.id.clone(),
                amount: UNIT
            }
            .to_xdr(e, claims),
            Claimed {
                id,
                to: to.clone(),
                index: 0,
                claimant: s.tree.entries[0].0.claimant(e),
                amount: 100 * UNIT,
                net: 99 * UNIT
            }
            .to_xdr(e, claims),
        ]
    );
    assert_eq!(e.auths(), std::vec![]);
    assert_eq!(s.f.xlm.token.balance(&to), 99 * UNIT);
    assert_eq!(s.f.insurance.balance(&s.f.xlm.id), UNIT);
    assert!(s.f.claims.is_claimed(&id, &0));
    assert_eq!(
        s.f.claims.get_campaign(&id).remaining,
        s.tree.total() - 100 * UNIT
    );
}

#[test]
fn address_claim_to_another_address_needs_the_claimants_auth() {
    let s = Setup::new();
    let id = s.campaign();
    let (who, amount) = &s.tree.entries[2];
    let e = &s.f.env;
    let other = Address::generate(e);
    let proof = s.tree.proof(e, 2);
    s.f.claims
        .claim(&id, &2, &who.claimant(e), amount, &proof, &other, &None);
    s.f.assert_auth(
        &who.address(e),
        &s.f.claims.address,
        "claim",
        (
            id,
            2u32,
            who.claimant(e),
            *amount,
            proof.clone(),
            other.clone(),
            None::<BytesN<64>>,
        )
            .into_val(e),
    );
    assert_eq!(s.f.xlm.token.balance(&other), amount - amount / 100);
    // Without that authorization, nothing moves.
    let (who4, amount4) = &s.tree.entries[4];
    s.f.env.set_auths(&[]);
    let before = s.state(id);
    let r = s.f.claims.try_claim(
        &id,
        &4,
        &who4.claimant(e),
        amount4,
        &s.tree.proof(e, 4),
        &other,
        &None,
    );
    assert_eq!(r, Err(Err(InvokeError::Abort)));
    assert_eq!(s.state(id), before);
}

#[test]
fn key_claim_pays_the_signed_address_without_auth() {
    let s = Setup::new();
    let id = s.campaign();
    let to = s.payee(1);
    s.f.env.set_auths(&[]);
    assert_eq!(s.try_claim(id, 1, &to), Ok(Ok(50 * UNIT - 50 * UNIT / 100)));
    assert_eq!(s.f.env.auths(), std::vec![]);
    assert_eq!(s.f.xlm.token.balance(&to), 50 * UNIT - 50 * UNIT / 100);
}

#[test]
fn key_signature_replayed_with_another_to_is_rejected() {
    let s = Setup::new();
    let id = s.campaign();
    let e = &s.f.env;
    let (who, amount) = &s.tree.entries[1];
    let (to, thief) = (Address::generate(e), Address::generate(e));
    let sig = Some(who.sign(e, &s.f.claims.address, id, 1, &to));
    let proof = s.tree.proof(e, 1);
    let before = s.state(id);
    let r =
        s.f.claims
            .try_claim(&id, &1, &who.claimant(e), amount, &proof, &thief, &sig);
    assert_eq!(
        r,
        Err(Err(InvokeError::Abort)),
        "a front-runner can't redirect the payout"
    );
    assert_eq!(s.state(id), before);
    assert_eq!(s.f.xlm.token.balance(&thief), 0);
    assert!(s
        .f
        .claims
        .try_claim(&id, &1, &who.claimant(e), amount, &proof, &to, &sig)
        .is_ok());
}

#[test]
fn key_signature_replayed_on_another_campaign_is_rejected() {
    let s = Setup::new();
    let (first, second) = (s.campaign(), s.campaign());
    let e = &s.f.env;
    let (who, amount) = &s.tree.entries[3];
    let to = Address::generate(e);
    let sig = Some(who.sign(e, &s.f.claims.address, first, 3, &to));
    let proof = s.tree.proof(e, 3);
    s.f.claims
        .claim(&first, &3, &who.claimant(e), amount, &proof, &to, &sig);
    let before = s.state(second);
    assert_eq!(
        s.f.claims
            .try_claim(&second, &3, &who.claimant(e), amount, &proof, &to, &sig),
        Err(Err(InvokeError::Abort))
    );
    assert_eq!(s.state(second), before);
}

#[test]
fn key_claim_without_signature_is_rejected() {
    let s = Setup::new();
    let id = s.campaign();
    let e = &s.f.env;
    let (who, amount) = &s.tree.entries[1];
    let to = Address::generate(e);
    assert_fails_unchanged!(
        s,
        id,
        s.f.claims.try_claim(
            &id,
            &1,
            &who.claimant(e),
            amount,
            &s.tree.proof(e, 1),
            &to,
            &None
        ),
        ClaimsError::MissingSignature
    );
}

#[test]
fn double_claim_is_rejected() {
    let s = Setup::new();
    let id = s.campaign();
    let to = s.payee(0);
    s.try_claim(id, 0, &to).unwrap().unwrap();
    assert_fails_unchanged!(s, id, s.try_claim(id, 0, &to), ClaimsError::AlreadySettled);
}

#[test]
fn bad_proofs_and_entries_are_rejected() {
    let s = Setup::new();
    let id = s.campaign();
    let e = &s.f.env;
    let c = &s.f.claims;
    let (who, amount) = &s.tree.entries[0];
    let to = who.address(e);
    let (claimant, proof) = (who.claimant(e), s.tree.proof(e, 0));
    // A proof for another index.
    assert_fails_unchanged!(
        s,
        id,
        c.try_claim(&id, &0, &claimant, amount, &s.tree.proof(e, 2), &to, &None),
        ClaimsError::InvalidProof
    );
    // The right proof under another index.
    assert_fails_unchanged!(
        s,
        id,
        c.try_claim(&id, &2, &claimant, amount, &proof, &to, &None),
        ClaimsError::InvalidProof
    );
    // A wrong amount.
    assert_fails_unchanged!(
        s,
        id,
        c.try_claim(&id, &0, &claimant, &(amount + 1), &proof, &to, &None),
        ClaimsError::InvalidProof
    );
    // A proof whose length is not whole 32-byte hashes, or deeper than MAX_DEPTH.
    let mut ragged = proof.clone();
    ragged.push_back(0);
    assert_fails_unchanged!(
        s,
        id,
        c.try_claim(&id, &0, &claimant, amount, &ragged, &to, &None),
        ClaimsError::InvalidProof
    );
    let too_deep =
        soroban_sdk::Bytes::from_slice(e, &[7u8; 32 * (tributary_claims::MAX_DEPTH + 1)]);
    assert_fails_unchanged!(
        s,
        id,
        c.try_claim(&id, &0, &claimant, amount, &too_deep, &to, &None),
        ClaimsError::InvalidProof
    );
    // A proof from another campaign's tree.
    let other = Tree::new(std::vec![(addr(0), 100 * UNIT), (addr(9), 1)]);
    assert_fails_unchanged!(
        s,
        id,
        c.try_claim(&id, &0, &claimant, amount, &other.proof(e, 0), &to, &None),
        ClaimsError::InvalidProof
    );
    assert_fails_unchanged!(
        s,
        id,
        c.try_claim(&id, &5, &claimant, amount, &proof, &to, &None),
        ClaimsError::IndexOutOfRange
    );
    assert_fails_unchanged!(
        s,
        id,
        c.try_claim(&id, &0, &claimant, &0, &proof, &to, &None),
        ClaimsError::InvalidAmount
    );
    assert_fails_unchanged!(
        s,
        id,
        c.try_claim(&id, &0, &claimant, amount, &proof, &c.address, &None),
        ClaimsError::RecipientIsContract
    );
    assert_fails_unchanged!(
        s,
        id,
        c.try_claim(&9, &0, &claimant, amount, &proof, &to, &None),
        ClaimsError::CampaignNotFound
    );
}

#[test]
fn claims_outside_the_window_or_while_paused_are_rejected() {
    let s = Setup::new();
    let e = &s.f.env;
    let now = s.f.now();
    let late = s.f.claims.create_campaign(
        &s.funder,
        &s.next_salt(),
        &s.f.xlm.id,
        &s.tree.root(e),
        &s.tree.total(),
        &5,
        &(now + 100),
        &(now + 200),
        &None,
    );
    let to = s.payee(0);
    assert_fails_unchanged!(s, late, s.try_claim(late, 0, &to), ClaimsError::NotStarted);
    s.f.jump(200);
    assert_fails_unchanged!(
        s,
        late,
        s.try_claim(late, 0, &to),
        ClaimsError::CampaignExpired
    );
    let id = s.campaign();
    s.f.claims.pause(&id);
    assert_fails_unchanged!(s, id, s.try_claim(id, 0, &to), ClaimsError::CampaignPaused);
    s.f.claims.resume(&id);
    assert!(s.try_claim(id, 0, &to).is_ok());
    s.f.jump(WINDOW);
    assert_fails_unchanged!(
        s,
        id,
        s.try_claim(id, 2, &s.payee(2)),
        ClaimsError::CampaignExpired
    );
    s.f.claims.clawback(&id);
    assert_fails_unchanged!(
        s,
        id,
        s.try_claim(id, 2, &s.payee(2)),
        ClaimsError::CampaignClosed
    );
}

#[test]
fn claims_never_take_the_escrow_below_zero() {
    let s = Setup::new();
    // Total covers entry 0 (100) and entry 2 (30) but not entry 4 as well.
    let id = s.campaign_with(&s.tree.root(&s.f.env), 135 * UNIT, None);
    let other = s.campaign();
    s.try_claim(id, 0, &s.payee(0)).unwrap().unwrap();
    s.try_claim(id, 2, &s.payee(2)).unwrap().unwrap();
    assert_fails_unchanged!(
        s,
        id,
        s.try_claim(id, 4, &s.payee(4)),
        ClaimsError::InsufficientEscrow
    );
    assert_eq!(s.f.claims.get_campaign(&id).remaining, 5 * UNIT);
    assert_eq!(
        s.f.claims.get_campaign(&other).remaining,
        s.tree.total(),
        "another campaign's escrow is untouched"
    );
}

#[test]
fn claim_many_pays_every_entry_or_none() {
    let s = Setup::new();
    let id = s.campaign();
    let e = &s.f.env;
    let request = |index: u32, to: &Address| {
        let (who, amount) = &s.tree.entries[index as usize];
        let signature = who.signature_for(e, &s.f.claims.address, id, index, to);
        ClaimRequest {
            id,
            index,
            claimant: who.claimant(e),
            amount: *amount,
            proof: s.tree.proof(e, index),
            to: to.clone(),
            signature,
        }
    };
    let (to0, to1) = (s.payee(0), s.payee(1));
    assert_fails_unchanged!(
        s,
        id,
        s.f.claims.try_claim_many(&vec![e]),
        ClaimsError::EmptyBatch
    );
    let mut bad = request(2, &s.payee(2));
    bad.amount += 1;
    assert_fails_unchanged!(
        s,
        id,
        s.f.claims.try_claim_many(&vec![e, request(0, &to0), bad]),
        ClaimsError::InvalidProof
    );
    let nets =
        s.f.claims
            .claim_many(&vec![e, request(0, &to0), request(1, &to1)]);
    assert_eq!(nets, 99 * UNIT + 50 * UNIT - 50 * UNIT / 100);
    assert!(s.f.claims.is_claimed(&id, &0) && s.f.claims.is_claimed(&id, &1));
    assert_eq!(s.f.claims.get_campaign(&id).status, CampaignStatus::Active);
}

#[test]
fn claim_many_needs_each_redirected_claimants_auth() {
    let s = Setup::new();
    let id = s.campaign();
    let e = &s.f.env;
    let (who, amount) = &s.tree.entries[2];
    let other = Address::generate(e);
    let request = ClaimRequest {
        id,
        index: 2,
        claimant: who.claimant(e),
        amount: *amount,
        proof: s.tree.proof(e, 2),
        to: other.clone(),
        signature: None,
    };
    let batch = vec![e, request];
    assert_eq!(s.f.claims.claim_many(&batch), amount - amount / 100);
    s.f.assert_auth(
        &who.address(e),
        &s.f.claims.address,
        "claim_many",
        (batch,).into_val(e),
    );
}
