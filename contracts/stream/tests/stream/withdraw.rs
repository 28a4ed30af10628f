//! `withdraw` and `withdraw_max`.
//!
//! withdraw
//! ├── when the stream does not exist → StreamNotFound
//! ├── when amount <= 0 → InvalidAmount
//! ├── when amount > withdrawable → AmountExceedsWithdrawable
//! ├── when to is the stream contract → RecipientIsContract
//! ├── when to != recipient
//! │   ├── given the recipient's auth → pays `to`
//! │   └── given no recipient auth → auth failure, nothing moves
//! └── when valid
//!     ├── it pays net to `to` and the skim to insurance, emits skim_paid and withdrawn
//!     ├── given to == recipient, it needs no auth at all
//!     ├── given the stream was canceled, the vested part stays withdrawable
//!     └── given thousands of tiny withdrawals, total skim == floor(1% of total)
//! withdraw_max
//! ├── when nothing is withdrawable → NothingToWithdraw
//! └── when valid → withdraws everything withdrawable

use soroban_sdk::{
    testutils::{Address as _, Events as _},
    Address, Event, IntoVal, InvokeError,
};
use tributary_fixture::UNIT;
use tributary_stream::{SkimPaid, StreamError, StreamStatus, Withdrawn};

use tributary_fixture::assert_fails_unchanged;

use crate::common::{Setup, DEPOSIT, DURATION};

#[test]
fn withdraw_pays_net_and_skims_one_percent_to_insurance() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(DURATION / 2);
    let net = s.f.stream.withdraw(&id, &s.recipient, &(100 * UNIT));
    let e = &s.f.env;
    assert_eq!(
        e.events().all().filter_by_contract(&s.f.stream.address),
        [
            SkimPaid {
                asset: s.f.xlm.id.clone(),
                amount: UNIT
            }
            .to_xdr(e, &s.f.stream.address),
            Withdrawn {
                id,
                recipient: s.recipient.clone(),
                to: s.recipient.clone(),
                amount: 100 * UNIT,
                net: 99 * UNIT
            }
            .to_xdr(e, &s.f.stream.address),
        ]
    );
    assert_eq!(net, 99 * UNIT);
    assert_eq!(s.balance(&s.recipient), 99 * UNIT);
    assert_eq!(s.balance(&s.f.insurance.address), UNIT);
    assert_eq!(s.f.insurance.balance(&s.f.xlm.id), UNIT);
    assert_eq!(s.balance(&s.f.stream.address), DEPOSIT - 100 * UNIT);
    assert_eq!(s.f.stream.get_stream(&id).withdrawn, 100 * UNIT);
}

#[test]
fn withdraw_to_recipient_needs_no_auth() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(DURATION);
    s.f.env.set_auths(&[]);
    s.f.stream.withdraw(&id, &s.recipient, &UNIT);
    assert_eq!(s.f.env.auths(), std::vec![]);
    assert_eq!(s.balance(&s.recipient), UNIT - UNIT / 100);
}

#[test]
fn withdraw_to_other_address_with_recipient_auth_pays_it() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(DURATION);
    let other = Address::generate(&s.f.env);
    s.f.stream.withdraw(&id, &other, &(10 * UNIT));
    let e = &s.f.env;
    s.f.assert_auth(
        &s.recipient,
        &s.f.stream.address,
        "withdraw",
        (id, other.clone(), 10 * UNIT).into_val(e),
    );
    assert_eq!(s.balance(&other), 10 * UNIT - UNIT / 10);
    assert_eq!(s.balance(&s.recipient), 0);
}

#[test]
fn withdraw_max_to_other_address_needs_recipient_auth() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(DURATION);
    let other = Address::generate(&s.f.env);
    s.f.stream.withdraw_max(&id, &other);
    let e = &s.f.env;
    s.f.assert_auth(
        &s.recipient,
        &s.f.stream.address,
        "withdraw_max",
        (id, other.clone()).into_val(e),
    );
    assert_eq!(s.balance(&other), DEPOSIT - DEPOSIT / 100);
}

#[test]
fn withdraw_to_other_address_without_recipient_auth_fails() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(DURATION);
    let thief = Address::generate(&s.f.env);
    s.f.env.set_auths(&[]);
    let before = s.state(id);
    assert_eq!(
        s.f.stream.try_withdraw(&id, &thief, &UNIT),
        Err(Err(InvokeError::Abort))
    );
    assert_eq!(
        s.f.stream.try_withdraw_max(&id, &thief),
        Err(Err(InvokeError::Abort))
    );
    assert_eq!(s.state(id), before);
    assert_eq!(s.balance(&thief), 0);
}

#[test]
fn withdraw_rejects_bad_arguments_with_typed_errors() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(DURATION / 2);
    let available = s.f.stream.withdrawable(&id);
    let st = &s.f.stream;
    assert_fails_unchanged!(
        s,
        id,
        st.try_withdraw(&99, &s.recipient, &UNIT),
        StreamError::StreamNotFound
    );
    assert_fails_unchanged!(
        s,
        id,
        st.try_withdraw(&id, &s.recipient, &0),
        StreamError::InvalidAmount
    );
    assert_fails_unchanged!(
        s,
        id,
        st.try_withdraw(&id, &s.recipient, &-5),
        StreamError::InvalidAmount
    );
    assert_fails_unchanged!(
        s,
        id,
        st.try_withdraw(&id, &s.recipient, &(available + 1)),
        StreamError::AmountExceedsWithdrawable
    );
    assert_fails_unchanged!(
        s,
        id,
        st.try_withdraw(&id, &st.address, &UNIT),
        StreamError::RecipientIsContract
    );
    assert_fails_unchanged!(
        s,
        id,
        st.try_withdraw_max(&99, &s.recipient),
        StreamError::StreamNotFound
    );
}

#[test]
fn withdraw_before_cliff_is_rejected() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(99);
    assert_eq!(s.f.stream.withdrawable(&id), 0);
    assert_fails_unchanged!(
        s,
        id,
        s.f.stream.try_withdraw(&id, &s.recipient, &1),
        StreamError::AmountExceedsWithdrawable
    );
    assert_fails_unchanged!(
        s,
        id,
        s.f.stream.try_withdraw_max(&id, &s.recipient),
        StreamError::NothingToWithdraw
    );
    s.f.jump(1);
    assert_eq!(s.f.stream.withdrawable(&id), DEPOSIT / 10);
}

#[test]
fn withdraw_max_empties_a_settled_stream_and_depletes_it() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(DURATION + 5);
    assert_eq!(s.f.stream.status(&id), StreamStatus::Settled);
    assert_eq!(
        s.f.stream.withdraw_max(&id, &s.recipient),
        DEPOSIT - DEPOSIT / 100
    );
    assert_eq!(s.f.stream.status(&id), StreamStatus::Depleted);
    assert_eq!(s.balance(&s.f.stream.address), 0);
    assert_fails_unchanged!(
        s,
        id,
        s.f.stream.try_withdraw_max(&id, &s.recipient),
        StreamError::NothingToWithdraw
    );
}

#[test]
fn withdraw_after_cancel_pays_vested_part() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(DURATION / 4);
    let refund = s.f.stream.cancel(&id);
    assert_eq!(refund, DEPOSIT * 3 / 4);
    s.f.jump(DURATION);
    assert_eq!(s.f.stream.withdrawable(&id), DEPOSIT / 4);
    assert_eq!(
        s.f.stream.withdraw_max(&id, &s.recipient),
        DEPOSIT / 4 - DEPOSIT / 400
    );
    assert_eq!(s.f.stream.status(&id), StreamStatus::Depleted);
    assert_eq!(s.balance(&s.f.stream.address), 0);
}

#[test]
fn thousands_of_tiny_withdrawals_skim_exactly_one_percent_of_total() {
    let s = Setup::new();
    let now = s.f.now();
    let deposit: i128 = 123_457;
    let id = s.stream_of(deposit, now, now, now + 1);
    s.f.jump(1);
    let (mut withdrawn, mut step, mut withdrawals) = (0, 1, 0);
    while withdrawn < deposit {
        let amount = step.min(deposit - withdrawn);
        s.f.stream.withdraw(&id, &s.recipient, &amount);
        withdrawn += amount;
        withdrawals += 1;
        step = step % 97 + 1;
    }
    assert!(withdrawals >= 2_000, "{withdrawals} withdrawals");
    assert_eq!(s.balance(&s.f.insurance.address), deposit / 100);
    assert_eq!(s.balance(&s.recipient), deposit - deposit / 100);
    assert_eq!(s.balance(&s.f.stream.address), 0);
}

#[test]
fn near_max_deposit_over_100_years_neither_overflows_nor_locks_funds() {
    let s = Setup::new();
    let deposit = i128::MAX / 2;
    s.f.xlm
        .admin
        .mint(&s.sender, &(deposit - s.balance(&s.sender)));
    let now = s.f.now();
    let century = 100 * 365 * 86_400;
    let id = s.stream_of(deposit, now, now, now + century);
    s.f.jump(century / 3);
    let third = s.f.stream.streamed(&id);
    let exact =
        (primitive_u256_mul_div(deposit as u128, (century / 3) as u128, century as u128)) as i128;
    assert_eq!(third, exact);
    s.f.stream.withdraw_max(&id, &s.recipient);
    s.f.jump(century);
    s.f.stream.withdraw_max(&id, &s.recipient);
    assert_eq!(s.balance(&s.f.stream.address), 0);
    assert_eq!(
        s.balance(&s.recipient) + s.balance(&s.f.insurance.address),
        deposit
    );
    assert_eq!(s.balance(&s.f.insurance.address), deposit / 100);
}

/// floor(a * b / c) for b, c < 2^64 by long division on 64-bit limbs (test oracle).
fn primitive_u256_mul_div(a: u128, b: u128, c: u128) -> u128 {
    let (lo, hi) = ((a & u64::MAX as u128) * b, (a >> 64) * b);
    let hi = hi + (lo >> 64);
    let limbs = [hi >> 64, hi & u64::MAX as u128, lo & u64::MAX as u128];
    let (mut q, mut r) = (0u128, 0u128);
    for l in limbs {
        let cur = (r << 64) | l;
        q = (q << 64) | (cur / c);
        r = cur % c;
    }
    q
}
