//! The `bailout_lifecycle` scenario, written deliberately to `test-snapshots/` for auditors:
//! skims accrue from a real stream, a bailout is proposed, approved 5-of-5, timelocked for
//! 14 days, and executed.

use soroban_sdk::testutils::Address as _;
use soroban_sdk::Address;
use tributary_fixture::UNIT;
use tributary_insurance::{InsuranceError, ProposalStatus, TIMELOCK};

use crate::common::{Setup, FUND};

#[test]
fn bailout_lifecycle_snapshot() {
    let s = Setup::new();
    let f = &s.f;
    // Skims reach the fund through a real stream payout.
    let sender = f.funded(&f.xlm, 500 * UNIT);
    let recipient = Address::generate(&f.env);
    let now = f.now();
    let stream = f.stream.create_stream(
        &sender,
        &1,
        &recipient,
        &f.xlm.id,
        &(500 * UNIT),
        &now,
        &now,
        &(now + 100),
        &false,
        &false,
    );
    f.jump(100);
    f.stream.withdraw_max(&stream, &recipient);
    assert_eq!(f.insurance.balance(&f.xlm.id), FUND + 5 * UNIT);
    let id = s.queued_bailout(FUND);
    f.jump(TIMELOCK);
    f.insurance.execute(&id);
    assert_eq!(f.insurance.proposal(&id).status, ProposalStatus::Executed);
    assert_eq!(f.xlm.token.balance(&s.victim), FUND);
    assert_eq!(f.insurance.balance(&f.xlm.id), 5 * UNIT);
    f.env.to_snapshot_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test-snapshots/bailout_lifecycle.json"
    ));
}

/// Attack scenario `insurance_late_approval`: a bailout gathers approvals, the council rotates,
/// and the removed member, or a stale hash, tries to complete it.
///
/// 1. Members 0–3 approve a bailout: 4 of 5.
/// 2. A council change replacing member 4 gathers the other four approvals, waits out the
///    timelock and executes: the epoch moves on.
/// 3. Old member 4 tries to approve the bailout: `NotMember`.
/// 4. The new member approves with the hash of the old epoch: `HashMismatch`.
/// 5. With the current hash, the new member's approval counts as the first of the new epoch:
///    the old approvals are void, the bailout stays pending and nothing has left the fund.
#[test]
fn insurance_late_approval_snapshot() {
    let s = Setup::new();
    let f = &s.f;
    let id = s.bailout(FUND / 2);
    f.approve_by(id, &f.council[..4]);
    let old = f.council[4].clone();
    let new = Address::generate(&f.env);
    let rotation = f
        .insurance
        .propose_council_change(&f.council[0], &old, &new);
    f.approve_by(rotation, &f.council[..4]);
    f.jump(TIMELOCK);
    f.insurance.execute(&rotation);
    let stale = f.hash_for(id, &f.insurance.proposal(&id), f.insurance.epoch() - 1);
    assert_eq!(
        f.insurance.try_approve(&old, &id, &f.proposal_hash(id)),
        Err(Ok(InsuranceError::NotMember))
    );
    assert_eq!(
        f.insurance.try_approve(&new, &id, &stale),
        Err(Ok(InsuranceError::HashMismatch))
    );
    f.insurance.approve(&new, &id, &f.proposal_hash(id));
    let p = f.insurance.proposal(&id);
    assert_eq!(
        (p.status, p.approvals.count_ones()),
        (ProposalStatus::Pending, 1)
    );
    assert_eq!(f.insurance.balance(&f.xlm.id), FUND);
    f.env.to_snapshot_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test-snapshots/insurance_late_approval.json"
    ));
}
