//! Storage TTL: a stream in use never archives, though it outlives the initial TTL.

use soroban_sdk::{
    testutils::{storage::Persistent as _, Deployer as _},
    Symbol,
};
use tributary_common::ttl::{DAY_IN_LEDGERS, INSTANCE_EXTEND_AMOUNT, POSITION_EXTEND_AMOUNT};
use tributary_fixture::MIN_PERSISTENT_TTL;

use crate::common::{Setup, DEPOSIT};

const DAY: u64 = 86_400;

fn stream_ttl(s: &Setup, id: u64) -> u32 {
    let key = (Symbol::new(&s.f.env, "Stream"), id);
    s.f.env.as_contract(&s.f.stream.address, || {
        s.f.env.storage().persistent().get_ttl(&key)
    })
}

#[test]
fn stream_in_use_stays_live_past_its_initial_ttl() {
    let s = Setup::new();
    let now = s.f.now();
    let id = s.stream_with(now, now, now + 400 * DAY);
    assert_eq!(stream_ttl(&s, id), MIN_PERSISTENT_TTL - 1);
    let initial_expiry = s.f.env.ledger().sequence() + stream_ttl(&s, id);
    // 100 days: under the 30-day threshold remains, so the next use extends.
    s.f.jump(100 * DAY);
    assert!(stream_ttl(&s, id) < 30 * DAY_IN_LEDGERS);
    s.f.stream.withdraw(&id, &s.recipient, &1);
    assert_eq!(stream_ttl(&s, id), POSITION_EXTEND_AMOUNT);
    let deployer = s.f.env.deployer();
    assert_eq!(
        deployer.get_contract_instance_ttl(&s.f.stream.address),
        INSTANCE_EXTEND_AMOUNT
    );
    assert_eq!(
        deployer.get_contract_code_ttl(&s.f.stream.address),
        INSTANCE_EXTEND_AMOUNT
    );
    // Another 100 days: 200 days in all, past the initial 120-day TTL.
    s.f.jump(100 * DAY);
    assert!(
        s.f.env.ledger().sequence() > initial_expiry,
        "past the original expiry"
    );
    assert!(s.f.stream.withdraw_max(&id, &s.recipient) > 0);
    assert_eq!(stream_ttl(&s, id), POSITION_EXTEND_AMOUNT);
    s.f.jump(200 * DAY);
    s.f.stream.withdraw_max(&id, &s.recipient);
    assert_eq!(s.balance(&s.f.stream.address), 0);
    assert_eq!(
        s.balance(&s.recipient) + s.balance(&s.f.insurance.address),
        DEPOSIT
    );
}

#[test]
fn reads_extend_the_stream_ttl_too() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(100 * DAY);
    s.f.stream.get_stream(&id);
    assert_eq!(stream_ttl(&s, id), POSITION_EXTEND_AMOUNT);
}
