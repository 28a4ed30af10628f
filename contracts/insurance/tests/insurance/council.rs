//! `propose_council_change`: the lost-key path, and what a rotation does to approvals.
//!
//! propose_council_change
//! ├── when the caller or `old` is not a member → NotMember
//! ├── when `new` is already a member → AlreadyMember
//! └── when valid
//!     ├── `old` can't approve (NotEligible) but can veto its own replacement
//!     ├── the other 4 approvals queue it; after 14 days execute swaps the seat, bumps epoch
//!     └── the epoch bump voids approvals of other proposals (pending and queued)

use soroban_sdk::{testutils::Address as _, testutils::Events as _, Address, Event, IntoVal};
use tributary_insurance::{
    CouncilChangeRequested, CouncilChanged, InsuranceError, ProposalStatus, TIMELOCK,
};

use tributary_fixture::assert_fails_unchanged;

use crate::common::{Setup, FUND};

/// Replaces member 4 (the lost key) by a new address, approved by members 0–3.
fn rotate(s: &Setup) -> (u64, Address) {
    let new = Address::generate(&s.f.env);
    let id =
        s.f.insurance
            .propose_council_change(s.member(0), s.member(4), &new);
    s.f.approve_by(id, &s.f.council[..4]);
    (id, new)
}

#[test]
fn lost_key_is_replaced_by_the_other_four_after_the_timelock() {
    let s = Setup::new();
    let new = Address::generate(&s.f.env);
    let id =
        s.f.insurance
            .propose_council_change(s.member(0), s.member(4), &new);
    let (e, ins) = (&s.f.env, &s.f.insurance.address);
    assert_eq!(
        e.events().all().filter_by_contract(ins),
        [CouncilChangeRequested {
            id,
            proposer: s.member(0).clone(),
            old: s.member(4).clone(),
            new: new.clone()
        }
        .to_xdr(e, ins)]
    );
    s.f.approve_by(id, &s.f.council[..4]);
    assert_eq!(s.f.insurance.proposal(&id).status, ProposalStatus::Queued);
    s.f.jump(TIMELOCK - 1);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_execute(&id),
        InsuranceError::TimelockActive
    );
    s.f.jump(1);
    s.f.insurance.execute(&id);
    assert_eq!(
        e.events().all().filter_by_contract(ins),
        [CouncilChanged {
            id,
            old: s.member(4).clone(),
            new: new.clone(),
            epoch: 1
        }
        .to_xdr(e, ins)]
    );
    let council = s.f.insurance.council();
    assert_eq!(s.f.insurance.epoch(), 1);
    assert!(council.contains(&new) && !council.contains(s.member(4)));
    // The new council can pay out: the fund was never frozen.
    let mut members = s.f.council[..4].to_vec();
    members.push(new);
    let bailout = s.bailout(FUND);
    s.f.approve_by(bailout, &members);
    s.f.jump(TIMELOCK);
    s.f.insurance.execute(&bailout);
    assert_eq!(s.f.xlm.token.balance(&s.victim), FUND);
}

#[test]
fn replaced_member_cannot_approve_its_replacement() {
    let s = Setup::new();
    let new = Address::generate(&s.f.env);
    let id =
        s.f.insurance
            .propose_council_change(s.member(1), s.member(4), &new);
    let hash = s.f.proposal_hash(id);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_approve(s.member(4), &id, &hash),
        InsuranceError::NotEligible
    );
}

/// Repro 5 of the adversarial review: `cancel` by `old` on the council change that removes
/// it returned `NotEligible`, so four colluding members could replace the fifth and pass a
/// bailout 28 days later. Any current member may now veto any pending proposal.
#[test]
fn repro_replaced_member_vetoes_its_own_replacement() {
    let s = Setup::new();
    let new = Address::generate(&s.f.env);
    let id =
        s.f.insurance
            .propose_council_change(s.member(1), s.member(4), &new);
    let colluders: std::vec::Vec<_> = (0..4).map(|m| s.member(m).clone()).collect();
    s.f.approve_by(id, &colluders);
    assert_eq!(s.f.insurance.proposal(&id).status, ProposalStatus::Queued);
    s.f.insurance.cancel(s.member(4), &id);
    assert_eq!(s.f.insurance.proposal(&id).status, ProposalStatus::Canceled);
    s.f.jump(TIMELOCK);
    assert_eq!(
        s.f.insurance.try_execute(&id),
        Err(Ok(InsuranceError::ProposalClosed))
    );
    assert_eq!(
        s.f.insurance.council(),
        soroban_sdk::Vec::from_slice(&s.f.env, &s.f.council)
    );
    assert_eq!(s.f.insurance.epoch(), 0);
    s.f.snapshot("review_replaced_member_veto");
}

#[test]
fn council_change_rejects_bad_input() {
    let s = Setup::new();
    let i = &s.f.insurance;
    let (outsider, new) = (Address::generate(&s.f.env), Address::generate(&s.f.env));
    assert_fails_unchanged!(
        s,
        1,
        i.try_propose_council_change(&outsider, s.member(4), &new),
        InsuranceError::NotMember
    );
    assert_fails_unchanged!(
        s,
        1,
        i.try_propose_council_change(s.member(0), &outsider, &new),
        InsuranceError::NotMember
    );
    assert_fails_unchanged!(
        s,
        1,
        i.try_propose_council_change(s.member(0), s.member(4), s.member(1)),
        InsuranceError::AlreadyMember
    );
}

#[test]
fn rotation_voids_pending_approvals() {
    let s = Setup::new();
    let bailout = s.bailout(FUND);
    s.f.approve_by(bailout, &s.f.council[..4]);
    let old_hash = s.f.proposal_hash(bailout);
    let (rotation, new) = rotate(&s);
    s.f.jump(TIMELOCK);
    s.f.insurance.execute(&rotation);
    // An approval signed before the rotation no longer verifies.
    assert_fails_unchanged!(
        s,
        bailout,
        s.f.insurance.try_approve(s.member(3), &bailout, &old_hash),
        InsuranceError::HashMismatch
    );
    // The new member's approval starts a fresh set: the 4 old approvals do not count.
    s.f.approve_by(bailout, std::slice::from_ref(&new));
    let p = s.f.insurance.proposal(&bailout);
    assert_eq!(
        (p.status, p.epoch, p.approvals),
        (ProposalStatus::Pending, 1, 0b10000),
        "only seat 4 (the new member) counts"
    );
}

#[test]
fn late_approval_after_rotation_cannot_execute_a_queued_proposal() {
    let s = Setup::new();
    let bailout = s.queued_bailout(FUND);
    let (rotation, _) = rotate(&s);
    s.f.jump(TIMELOCK);
    s.f.insurance.execute(&rotation);
    assert_fails_unchanged!(
        s,
        bailout,
        s.f.insurance.try_execute(&bailout),
        InsuranceError::StaleEpoch
    );
    assert_eq!(s.f.xlm.token.balance(&s.victim), 0);
}

#[test]
fn propose_council_change_needs_member_auth() {
    let s = Setup::new();
    let new = Address::generate(&s.f.env);
    s.f.insurance
        .propose_council_change(s.member(0), s.member(4), &new);
    let e = &s.f.env;
    s.f.assert_auth(
        s.member(0),
        &s.f.insurance.address,
        "propose_council_change",
        (s.member(0).clone(), s.member(4).clone(), new).into_val(e),
    );
}
