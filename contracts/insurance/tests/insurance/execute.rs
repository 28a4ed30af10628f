//! `execute`, `cancel` and `expire`.
//!
//! execute
//! ├── given pending (missing approvals) → NotQueued
//! ├── when now < eta → TimelockActive
//! ├── when now > eta + 14 days → ExecutionWindowClosed
//! ├── given executed/canceled/expired → ProposalClosed
//! ├── given the balance fell below the amount → InsufficientBalance
//! └── when eta <= now <= eta + 14 days → pays the recipient; emits bailout_executed; no auth
//! cancel
//! ├── when the caller is not a member → NotMember
//! ├── given executed → ProposalClosed
//! └── when valid → canceled, can't be executed; emits proposal_canceled
//! expire
//! ├── given still approvable or executable → NotExpired
//! └── given the window closed → Expired; emits proposal_expired

use soroban_sdk::{
    testutils::{Address as _, Events as _},
    Address, Event, IntoVal, InvokeError,
};
use tributary_insurance::{
    BailoutExecuted, InsuranceError, ProposalCanceled, ProposalExpired, ProposalStatus,
    EXECUTION_WINDOW, TIMELOCK,
};

use tributary_fixture::assert_fails_unchanged;

use crate::common::{Setup, DAY, FUND};

#[test]
fn execute_at_eta_pays_recipient_without_any_auth() {
    let s = Setup::new();
    let id = s.queued_bailout(FUND / 4);
    s.f.jump(TIMELOCK);
    s.f.env.set_auths(&[]);
    s.f.insurance.execute(&id);
    let (e, ins) = (&s.f.env, &s.f.insurance.address);
    assert_eq!(e.auths(), std::vec![]);
    assert_eq!(
        e.events().all().filter_by_contract(ins),
        [BailoutExecuted {
            id,
            asset: s.f.xlm.id.clone(),
            recipient: s.victim.clone(),
            amount: FUND / 4
        }
        .to_xdr(e, ins)]
    );
    assert_eq!(s.f.xlm.token.balance(&s.victim), FUND / 4);
    assert_eq!(s.f.insurance.balance(&s.f.xlm.id), FUND * 3 / 4);
    assert_eq!(s.f.insurance.proposal(&id).status, ProposalStatus::Executed);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_execute(&id),
        InsuranceError::ProposalClosed
    );
}

#[test]
fn execute_before_eta_is_rejected() {
    let s = Setup::new();
    let id = s.queued_bailout(FUND);
    s.f.jump(TIMELOCK - 1);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_execute(&id),
        InsuranceError::TimelockActive
    );
}

#[test]
fn execute_after_window_is_rejected_and_expires() {
    let s = Setup::new();
    let id = s.queued_bailout(FUND);
    s.f.jump(TIMELOCK + EXECUTION_WINDOW);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_expire(&id),
        InsuranceError::NotExpired
    );
    s.f.jump(1);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_execute(&id),
        InsuranceError::ExecutionWindowClosed
    );
    assert_eq!(s.f.insurance.proposal(&id).status, ProposalStatus::Expired);
    s.f.env.set_auths(&[]);
    s.f.insurance.expire(&id);
    let (e, ins) = (&s.f.env, &s.f.insurance.address);
    assert_eq!(e.auths(), std::vec![], "anyone may record an expiry");
    assert_eq!(
        e.events().all().filter_by_contract(ins),
        [ProposalExpired { id }.to_xdr(e, ins)]
    );
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_expire(&id),
        InsuranceError::ProposalClosed
    );
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_execute(&id),
        InsuranceError::ProposalClosed
    );
}

#[test]
fn execute_at_the_last_second_of_the_window_pays() {
    let s = Setup::new();
    let id = s.queued_bailout(FUND);
    s.f.jump(TIMELOCK + EXECUTION_WINDOW);
    s.f.insurance.execute(&id);
    assert_eq!(s.f.xlm.token.balance(&s.victim), FUND);
}

#[test]
fn bailout_larger_than_balance_fails_at_execute() {
    let s = Setup::new();
    let a = s.queued_bailout(FUND * 3 / 4);
    let b = s.queued_bailout(FUND / 2);
    s.f.jump(TIMELOCK);
    s.f.insurance.execute(&a);
    assert_fails_unchanged!(
        s,
        b,
        s.f.insurance.try_execute(&b),
        InsuranceError::InsufficientBalance
    );
    assert_eq!(s.f.insurance.balance(&s.f.xlm.id), FUND / 4);
}

#[test]
fn any_member_can_veto_before_execution() {
    let s = Setup::new();
    let id = s.queued_bailout(FUND);
    s.f.insurance.cancel(s.member(3), &id);
    let (e, ins) = (&s.f.env, &s.f.insurance.address);
    assert_eq!(
        e.events().all().filter_by_contract(ins),
        [ProposalCanceled {
            id,
            member: s.member(3).clone()
        }
        .to_xdr(e, ins)]
    );
    s.f.assert_auth(
        s.member(3),
        ins,
        "cancel",
        (s.member(3).clone(), id).into_val(e),
    );
    s.f.jump(TIMELOCK);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_execute(&id),
        InsuranceError::ProposalClosed
    );
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_cancel(s.member(0), &id),
        InsuranceError::ProposalClosed
    );
}

#[test]
fn cancel_rejects_outsiders_missing_auth_and_executed_proposals() {
    let s = Setup::new();
    let id = s.queued_bailout(FUND);
    let other = s.bailout(1);
    let outsider = Address::generate(&s.f.env);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_cancel(&outsider, &id),
        InsuranceError::NotMember
    );
    assert_fails_unchanged!(
        s,
        9,
        s.f.insurance.try_cancel(s.member(0), &9),
        InsuranceError::ProposalNotFound
    );
    s.f.jump(TIMELOCK);
    s.f.insurance.execute(&id);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_cancel(s.member(0), &id),
        InsuranceError::ProposalClosed
    );
    s.f.env.set_auths(&[]);
    let before = s.state(other);
    assert_eq!(
        s.f.insurance.try_cancel(s.member(0), &other),
        Err(Err(InvokeError::Abort))
    );
    assert_eq!(s.state(other), before);
}

#[test]
fn lapsed_pending_proposal_can_be_marked_expired() {
    let s = Setup::new();
    let id = s.bailout(FUND);
    s.f.jump(30 * DAY);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_expire(&id),
        InsuranceError::NotExpired
    );
    s.f.jump(1);
    s.f.insurance.expire(&id);
    assert_eq!(s.f.insurance.proposal(&id).status, ProposalStatus::Expired);
    assert_fails_unchanged!(
        s,
        9,
        s.f.insurance.try_expire(&9),
        InsuranceError::ProposalNotFound
    );
}
