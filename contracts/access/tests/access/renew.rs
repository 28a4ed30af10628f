//! `renew`: a keeper pulls payment through the fan's allowance; it never fails to charge with
//! an error, it reports `renewal_failed { reason }`.
//!
//! renew
//! ├── given a subscription not yet due (more than a day, or half a short period, before its
//! │   end), or one a keeper just renewed → renewal_failed(NotDue), nobody charged
//! ├── given no subscription → SubscriptionNotFound; periods == 0 → InvalidPeriods
//! ├── given a retired tier → renewal_failed(TierRetired)
//! ├── given a raised price (or worse terms) → renewal_failed(TermsWorse), nobody charged more
//! ├── given an allowance too low, or expired → renewal_failed(AllowanceTooLow)
//! ├── given a balance too low → renewal_failed(BalanceTooLow)
//! ├── when it can charge → stacks periods, pays creator and skim; no auth; emits renewed
//! └── renew_many → each in order; a hard error in one undoes the batch

use soroban_sdk::{
    testutils::{Address as _, Events as _},
    vec, Address, Event,
};
use tributary_access::{AccessError, Renewal, RenewalFailed, RenewalFailure, Renewed};
use tributary_fixture::{assert_fails_unchanged, UNIT};

use crate::common::{Setup, DAY, PERIOD, PRICE};

pub fn assert_failed(s: &Setup, reason: RenewalFailure) {
    let before = s.state(0);
    assert!(!s.f.access.renew(&s.fan, &s.creator, &1));
    let (e, access) = (&s.f.env, &s.f.access.address);
    assert_eq!(
        e.events().all().filter_by_contract(access),
        [RenewalFailed {
            fan: s.fan.clone(),
            creator: s.creator.clone(),
            reason
        }
        .to_xdr(e, access)]
    );
    assert_eq!(s.state(0), before);
}

#[test]
fn a_renewal_before_the_window_or_twice_in_it_is_not_due() {
    let s = Setup::new();
    s.subscribe(1, 1);
    s.allow(10 * PRICE, 60);
    s.f.jump(PERIOD - DAY - 1);
    assert_failed(&s, RenewalFailure::NotDue);
    s.f.jump(1);
    assert!(s.f.access.renew(&s.fan, &s.creator, &1));
    // A second keeper racing the first: the period is paid, so nothing more is taken.
    assert_failed(&s, RenewalFailure::NotDue);
    assert_eq!(
        s.f.xlm.token.allowance(&s.fan, &s.f.access.address),
        9 * PRICE
    );
}

#[test]
fn a_due_renewal_stacks_a_period_without_any_auth() {
    let s = Setup::new();
    let expires = s.subscribe(1, 1);
    s.allow(10 * PRICE, 60);
    s.until_due();
    s.f.env.set_auths(&[]);
    assert!(s.f.access.renew(&s.fan, &s.creator, &1));
    let (e, access) = (&s.f.env, &s.f.access.address);
    assert_eq!(e.auths(), std::vec![]);
    let events = e.events().all().filter_by_contract(access);
    assert!(events.events().contains(
        &Renewed {
            fan: s.fan.clone(),
            creator: s.creator.clone(),
            periods: 1,
            amount: PRICE,
            expires_at: expires + PERIOD
        }
        .to_xdr(e, access)
    ));
    assert_eq!(
        s.f.access
            .subscription(&s.fan, &s.creator)
            .unwrap()
            .expires_at,
        expires + PERIOD
    );
    assert_eq!(s.balance(&s.creator), 2 * (PRICE - PRICE / 100));
    assert_eq!(s.f.xlm.token.allowance(&s.fan, access), 9 * PRICE);
}

#[test]
fn price_rise_does_not_charge_existing_subscribers_more() {
    let s = Setup::new();
    s.subscribe(1, 1);
    s.until_due();
    s.allow(100 * PRICE, 60);
    s.tier(1, 2 * PRICE);
    assert_failed(&s, RenewalFailure::TermsWorse);
    // A price cut is passed on: the renewal charges the lower price and snapshots it.
    s.tier(1, PRICE / 2);
    let before = s.balance(&s.fan);
    assert!(s.f.access.renew(&s.fan, &s.creator, &1));
    assert_eq!(s.balance(&s.fan), before - PRICE / 2);
    assert_eq!(
        s.f.access.subscription(&s.fan, &s.creator).unwrap().price,
        PRICE / 2
    );
}

#[test]
fn expired_or_short_allowance_reports_allowance_too_low() {
    let s = Setup::new();
    s.subscribe(1, 1);
    s.until_due();
    assert_failed(&s, RenewalFailure::AllowanceTooLow);
    s.allow(PRICE - 1, 60);
    assert_failed(&s, RenewalFailure::AllowanceTooLow);
    s.allow(PRICE, 1);
    s.f.jump(2 * DAY);
    assert_eq!(
        s.f.xlm.token.allowance(&s.fan, &s.f.access.address),
        0,
        "live_until_ledger passed"
    );
    assert_failed(&s, RenewalFailure::AllowanceTooLow);
}

#[test]
fn short_balance_reports_balance_too_low() {
    let s = Setup::new();
    s.subscribe(1, 1);
    s.until_due();
    s.allow(i128::MAX, 60);
    let rest = s.balance(&s.fan);
    s.f.xlm
        .token
        .transfer(&s.fan, &s.f.insurance.address, &(rest - PRICE + 1));
    assert_failed(&s, RenewalFailure::BalanceTooLow);
}

#[test]
fn retired_tier_reports_tier_retired() {
    let s = Setup::new();
    s.subscribe(1, 1);
    s.until_due();
    s.allow(10 * PRICE, 60);
    s.f.access.retire_tier(&s.creator, &1);
    assert_failed(&s, RenewalFailure::TierRetired);
}

#[test]
fn renew_errors_only_on_bad_input() {
    let s = Setup::new();
    assert_fails_unchanged!(
        s,
        0,
        s.f.access.try_renew(&s.fan, &s.creator, &1),
        AccessError::SubscriptionNotFound
    );
    s.subscribe(1, 1);
    assert_fails_unchanged!(
        s,
        0,
        s.f.access.try_renew(&s.fan, &s.creator, &0),
        AccessError::InvalidPeriods
    );
    assert_eq!(s.balance(&s.fan), 1_000 * UNIT - PRICE);
}

/// `renew_many`: each renewal as `renew`, in order; a hard error undoes the whole batch.
#[test]
fn renew_many_renews_in_order_and_a_bad_entry_undoes_the_batch() {
    let s = Setup::new();
    let expires = s.subscribe(1, 1);
    s.allow(10 * PRICE, 60);
    s.until_due();
    let e = &s.f.env;
    let once = Renewal {
        fan: s.fan.clone(),
        creator: s.creator.clone(),
        periods: 1,
    };
    let stranger = Renewal {
        fan: Address::generate(e),
        ..once.clone()
    };
    assert_fails_unchanged!(
        s,
        0,
        s.f.access
            .try_renew_many(&vec![e, once.clone(), stranger.clone()]),
        AccessError::SubscriptionNotFound
    );
    // The same subscription twice: the second finds the period paid.
    assert_eq!(
        s.f.access.renew_many(&vec![e, once.clone(), once.clone()]),
        vec![e, true, false]
    );
    let sub = s.f.access.subscription(&s.fan, &s.creator).unwrap();
    assert_eq!(sub.expires_at, expires + PERIOD);
    assert_eq!(s.balance(&s.fan), 1_000 * UNIT - 2 * PRICE);
    assert_eq!(s.f.access.renew_many(&vec![e]), vec![e]);
}
