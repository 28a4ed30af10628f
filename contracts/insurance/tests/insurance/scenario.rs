//! The `bailout_lifecycle` scenario, written deliberately to `test-snapshots/` for auditors:
//! skims accrue from a real stream, a bailout is proposed, approved 5-of-5, timelocked for
//! 14 days, and executed.

use soroban_sdk::testutils::Address as _;
use soroban_sdk::Address;
use tributary_fixture::UNIT;
use tributary_insurance::{ProposalStatus, TIMELOCK};

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
