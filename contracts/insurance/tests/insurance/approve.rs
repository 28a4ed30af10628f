//! `approve`.
//!
//! approve
//! ├── when the caller is not a member → NotMember
//! ├── when the proposal does not exist → ProposalNotFound
//! ├── when the hash is stale or for other contents → HashMismatch
//! ├── given the member already approved → AlreadyApproved
//! ├── given more than 30 days since the proposal → ApprovalsLapsed
//! ├── given the proposal is queued/executed/canceled → NotPending
//! ├── when 4 of 5 approved → still pending, not executable (NotQueued)
//! └── when the 5th distinct member approves → queued, eta = now + 14 days;
//!     emits proposal_approved and proposal_queued; needs the member's auth

use soroban_sdk::{
    testutils::{Address as _, Events as _},
    Address, BytesN, Event, IntoVal, InvokeError,
};
use tributary_insurance::{
    InsuranceError, ProposalApproved, ProposalQueued, ProposalStatus, TIMELOCK,
};

use tributary_fixture::assert_fails_unchanged;

use crate::common::{Setup, DAY, FUND};

#[test]
fn fifth_approval_queues_with_eta_and_emits_events() {
    let s = Setup::new();
    let id = s.bailout(FUND);
    let hash = s.f.proposal_hash(id);
    s.f.approve_by(id, &s.f.council[..4]);
    s.f.insurance.approve(s.member(4), &id, &hash);
    let (e, ins) = (&s.f.env, &s.f.insurance.address);
    let eta = s.f.now() + TIMELOCK;
    assert_eq!(
        e.events().all().filter_by_contract(ins),
        [
            ProposalApproved {
                id,
                member: s.member(4).clone(),
                approvals: 5
            }
            .to_xdr(e, ins),
            ProposalQueued { id, eta }.to_xdr(e, ins),
        ]
    );
    s.f.assert_auth(
        s.member(4),
        ins,
        "approve",
        (s.member(4).clone(), id, hash).into_val(e),
    );
    let p = s.f.insurance.proposal(&id);
    assert_eq!(
        (p.status, p.eta, p.approvals),
        (ProposalStatus::Queued, eta, 0b11111)
    );
}

#[test]
fn four_approvals_do_not_queue_or_pay() {
    let s = Setup::new();
    let id = s.bailout(FUND);
    s.f.approve_by(id, &s.f.council[..4]);
    assert_eq!(s.f.insurance.proposal(&id).status, ProposalStatus::Pending);
    s.f.jump(30 * DAY);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_execute(&id),
        InsuranceError::NotQueued
    );
}

#[test]
fn same_member_approving_twice_is_rejected() {
    let s = Setup::new();
    let id = s.bailout(FUND);
    let hash = s.f.proposal_hash(id);
    s.f.insurance.approve(s.member(1), &id, &hash);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_approve(s.member(1), &id, &hash),
        InsuranceError::AlreadyApproved
    );
    assert_eq!(
        s.f.insurance.proposal(&id).approvals,
        0b00010,
        "only seat 1"
    );
}

#[test]
fn approval_with_stale_or_foreign_hash_is_rejected() {
    let s = Setup::new();
    let a = s.bailout(FUND);
    let b = s.bailout(FUND / 2);
    let i = &s.f.insurance;
    let hash_b = s.f.proposal_hash(b);
    let next_epoch = s.f.hash_for(a, &i.proposal(&a), 1);
    let zero = BytesN::from_array(&s.f.env, &[0; 32]);
    assert_fails_unchanged!(
        s,
        a,
        i.try_approve(s.member(1), &a, &hash_b),
        InsuranceError::HashMismatch
    );
    assert_fails_unchanged!(
        s,
        a,
        i.try_approve(s.member(1), &a, &next_epoch),
        InsuranceError::HashMismatch
    );
    assert_fails_unchanged!(
        s,
        a,
        i.try_approve(s.member(1), &a, &zero),
        InsuranceError::HashMismatch
    );
}

#[test]
fn non_member_cannot_approve_and_unknown_proposal_fails() {
    let s = Setup::new();
    let id = s.bailout(FUND);
    let outsider = Address::generate(&s.f.env);
    let hash = s.f.proposal_hash(id);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_approve(&outsider, &id, &hash),
        InsuranceError::NotMember
    );
    assert_fails_unchanged!(
        s,
        9,
        s.f.insurance.try_approve(s.member(0), &9, &hash),
        InsuranceError::ProposalNotFound
    );
}

#[test]
fn approval_without_member_auth_fails() {
    let s = Setup::new();
    let id = s.bailout(FUND);
    let hash = s.f.proposal_hash(id);
    s.f.env.set_auths(&[]);
    let before = s.state(id);
    assert_eq!(
        s.f.insurance.try_approve(s.member(0), &id, &hash),
        Err(Err(InvokeError::Abort))
    );
    assert_eq!(s.state(id), before);
}

#[test]
fn approvals_lapse_thirty_days_after_the_proposal() {
    let s = Setup::new();
    let id = s.bailout(FUND);
    let hash = s.f.proposal_hash(id);
    s.f.approve_by(id, &s.f.council[..4]);
    s.f.jump(30 * DAY);
    // Exactly 30 days is still inside the window; one second later it has lapsed.
    s.f.jump(1);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_approve(s.member(4), &id, &hash),
        InsuranceError::ApprovalsLapsed
    );
    assert_eq!(s.f.insurance.proposal(&id).status, ProposalStatus::Expired);
}

#[test]
fn approval_at_exactly_thirty_days_still_counts() {
    let s = Setup::new();
    let id = s.bailout(FUND);
    s.f.approve_by(id, &s.f.council[..4]);
    s.f.jump(30 * DAY);
    s.f.approve_by(id, &s.f.council[4..]);
    assert_eq!(s.f.insurance.proposal(&id).status, ProposalStatus::Queued);
}

#[test]
fn approving_a_queued_proposal_is_rejected() {
    let s = Setup::new();
    let id = s.queued_bailout(FUND);
    let hash = s.f.proposal_hash(id);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_approve(s.member(0), &id, &hash),
        InsuranceError::NotPending
    );
}
