//! `subscribe`.
//!
//! subscribe
//! ├── when fan == creator → FanIsCreator; periods == 0 → InvalidPeriods
//! ├── given no tier → TierNotFound; a retired tier → TierRetired
//! ├── when the price is above max_price → PriceAboveMax
//! ├── given a higher level active → LevelBelowCurrent
//! ├── given an upgrade to a tier in another token → TokenMismatch
//! └── when valid
//!     ├── the fan pays price * periods; the creator gets it minus the skim
//!     ├── paid time stacks on an active subscription
//!     ├── an upgrade credits unused paid time pro rata at the price paid
//!     └── the skim over many payments is exactly floor(1% of the total)

use soroban_sdk::{
    symbol_short,
    testutils::{AuthorizedFunction, AuthorizedInvocation, Events as _},
    Event, IntoVal, Symbol,
};
use tributary_access::{AccessError, SkimPaid, Subscribed, Upgraded};
use tributary_fixture::{assert_fails_unchanged, UNIT};

use crate::common::{Setup, DAY, PERIOD, PRICE};

#[test]
fn subscribe_pays_creator_net_and_insurance_the_skim() {
    let s = Setup::new();
    let now = s.f.now();
    let expires = s.f.access.subscribe(&s.fan, &s.creator, &1, &3, &PRICE);
    let (e, access) = (&s.f.env, &s.f.access.address);
    assert_eq!(
        e.events().all().filter_by_contract(access),
        [
            SkimPaid {
                asset: s.f.xlm.id.clone(),
                amount: 3 * PRICE / 100
            }
            .to_xdr(e, access),
            Subscribed {
                fan: s.fan.clone(),
                creator: s.creator.clone(),
                level: 1,
                periods: 3,
                amount: 3 * PRICE,
                expires_at: now + 3 * PERIOD
            }
            .to_xdr(e, access),
        ]
    );
    assert_eq!(
        e.auths(),
        std::vec![(
            s.fan.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    access.clone(),
                    Symbol::new(e, "subscribe"),
                    (s.fan.clone(), s.creator.clone(), 1u32, 3u32, PRICE).into_val(e)
                )),
                sub_invocations: std::vec![AuthorizedInvocation {
                    function: AuthorizedFunction::Contract((
                        s.f.xlm.id.clone(),
                        symbol_short!("transfer"),
                        (s.fan.clone(), access.clone(), 3 * PRICE).into_val(e)
                    )),
                    sub_invocations: std::vec![],
                }],
            }
        )]
    );
    assert_eq!(expires, now + 3 * PERIOD);
    assert_eq!(s.balance(&s.fan), 1_000 * UNIT - 3 * PRICE);
    assert_eq!(s.balance(&s.creator), 3 * PRICE - 3 * PRICE / 100);
    assert_eq!(s.balance(&s.f.insurance.address), 3 * PRICE / 100);
    assert_eq!(s.balance(access), 0);
    let sub = s.f.access.subscription(&s.fan, &s.creator).unwrap();
    assert_eq!(
        (sub.level, sub.price, sub.version, sub.paid),
        (1, PRICE, 1, 3 * PRICE)
    );
}

#[test]
fn paid_time_stacks() {
    let s = Setup::new();
    let first = s.subscribe(1, 1);
    s.f.jump(10 * DAY);
    assert_eq!(
        s.subscribe(1, 2),
        first + 2 * PERIOD,
        "stacked on the unexpired time"
    );
    s.f.jump(3 * PERIOD);
    let now = s.f.now();
    assert_eq!(
        s.subscribe(1, 1),
        now + PERIOD,
        "a lapsed subscription starts from now"
    );
}

#[test]
fn upgrade_credits_unused_time_pro_rata() {
    let s = Setup::new();
    let expires = s.subscribe(1, 1);
    s.f.jump(10 * DAY);
    let now = s.f.now();
    let unused = expires - now;
    let credit = PRICE * i128::from(unused) / i128::from(PERIOD);
    let credited = (credit * i128::from(PERIOD) / (2 * PRICE)) as u64;
    assert_eq!(s.subscribe(2, 1), now + credited + PERIOD);
    let (e, access) = (&s.f.env, &s.f.access.address);
    let events = e.events().all().filter_by_contract(access);
    assert!(events.events().contains(
        &Upgraded {
            fan: s.fan.clone(),
            creator: s.creator.clone(),
            from: 1,
            to: 2,
            credited
        }
        .to_xdr(e, access)
    ));
    // 20 unused days at half the price buy 10 days, less under a second: both steps round
    // down, in the contract's favour.
    assert_eq!(credited, 10 * DAY - 1);
    assert_eq!(
        s.f.access.subscription(&s.fan, &s.creator).unwrap().level,
        2
    );
}

#[test]
fn subscribe_rejects_bad_requests() {
    let s = Setup::new();
    let (a, f, c) = (&s.f.access, &s.fan, &s.creator);
    assert_fails_unchanged!(
        s,
        0,
        a.try_subscribe(c, c, &1, &1, &PRICE),
        AccessError::FanIsCreator
    );
    assert_fails_unchanged!(
        s,
        0,
        a.try_subscribe(f, c, &1, &0, &PRICE),
        AccessError::InvalidPeriods
    );
    assert_fails_unchanged!(
        s,
        0,
        a.try_subscribe(f, c, &7, &1, &PRICE),
        AccessError::TierNotFound
    );
    a.set_tier(c, &4, &s.f.xlm.id, &(i128::MAX / 2), &PERIOD, &0);
    assert_fails_unchanged!(
        s,
        0,
        a.try_subscribe(f, c, &4, &3, &i128::MAX),
        AccessError::InvalidPeriods
    );
    // max_price protects the fan from a price raised under them.
    s.tier(1, PRICE + 1);
    assert_fails_unchanged!(
        s,
        0,
        a.try_subscribe(f, c, &1, &1, &PRICE),
        AccessError::PriceAboveMax
    );
    s.subscribe(2, 1);
    assert_fails_unchanged!(
        s,
        0,
        a.try_subscribe(f, c, &1, &1, &i128::MAX),
        AccessError::LevelBelowCurrent
    );
    let usdc = s.f.usdc.id.clone();
    a.set_tier(c, &3, &usdc, &PRICE, &PERIOD, &0);
    assert_fails_unchanged!(
        s,
        0,
        a.try_subscribe(f, c, &3, &1, &i128::MAX),
        AccessError::TokenMismatch
    );
}

#[test]
fn many_payments_skim_exactly_one_percent_of_the_total() {
    let s = Setup::new();
    s.tier(1, 333);
    for _ in 0..40 {
        s.subscribe(1, 1);
    }
    assert_eq!(s.balance(&s.f.insurance.address), 40 * 333 / 100);
    assert_eq!(s.balance(&s.creator), 40 * 333 - 40 * 333 / 100);
    assert_eq!(
        s.f.access.subscription(&s.fan, &s.creator).unwrap().paid,
        40 * 333
    );
}
