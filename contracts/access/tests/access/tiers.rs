//! `set_tier` and `retire_tier`.
//!
//! set_tier: creator only; price <= 0 → InvalidPrice; period == 0 → InvalidPeriod;
//!   uninsured token → TokenNotInsured; an update bumps the version and re-opens the tier.
//! retire_tier: creator only; unknown → TierNotFound; twice → TierRetired; no new
//!   subscriptions, existing ones run to their end.

use soroban_sdk::{testutils::Address as _, testutils::Events as _, Address, Event, IntoVal};
use tributary_access::{AccessError, TierRetired, TierSet};
use tributary_fixture::assert_fails_unchanged;

use crate::common::{Setup, GRACE, PERIOD, PRICE};

#[test]
fn set_tier_creates_then_bumps_the_version() {
    let s = Setup::new();
    let (e, access) = (&s.f.env, &s.f.access.address);
    assert_eq!(s.tier(3, PRICE), 1);
    assert_eq!(
        e.events().all().filter_by_contract(access),
        [TierSet {
            creator: s.creator.clone(),
            level: 3,
            token: s.f.xlm.id.clone(),
            price: PRICE,
            period: PERIOD,
            grace: GRACE,
            version: 1
        }
        .to_xdr(e, access)]
    );
    s.f.assert_auth(
        &s.creator,
        access,
        "set_tier",
        (
            s.creator.clone(),
            3u32,
            s.f.xlm.id.clone(),
            PRICE,
            PERIOD,
            GRACE,
        )
            .into_val(e),
    );
    assert_eq!(s.tier(3, 2 * PRICE), 2);
    assert_eq!(s.f.access.tier(&s.creator, &3).unwrap().price, 2 * PRICE);
}

#[test]
fn set_tier_rejects_bad_terms() {
    let s = Setup::new();
    let (a, x, c) = (&s.f.access, &s.f.xlm.id, &s.creator);
    let other = Address::generate(&s.f.env);
    assert_fails_unchanged!(
        s,
        0,
        a.try_set_tier(c, &1, x, &0, &PERIOD, &GRACE),
        AccessError::InvalidPrice
    );
    assert_fails_unchanged!(
        s,
        0,
        a.try_set_tier(c, &1, x, &PRICE, &0, &GRACE),
        AccessError::InvalidPeriod
    );
    assert_fails_unchanged!(
        s,
        0,
        a.try_set_tier(c, &1, &other, &PRICE, &PERIOD, &GRACE),
        AccessError::TokenNotInsured
    );
}

#[test]
fn retired_tier_takes_no_new_subscriptions_but_keeps_existing_ones() {
    let s = Setup::new();
    let expires = s.subscribe(1, 1);
    s.f.access.retire_tier(&s.creator, &1);
    let (e, access) = (&s.f.env, &s.f.access.address);
    assert_eq!(
        e.events().all().filter_by_contract(access),
        [TierRetired {
            creator: s.creator.clone(),
            level: 1
        }
        .to_xdr(e, access)]
    );
    s.f.assert_auth(
        &s.creator,
        access,
        "retire_tier",
        (s.creator.clone(), 1u32).into_val(e),
    );
    assert_fails_unchanged!(
        s,
        0,
        s.f.access.try_subscribe(&s.fan, &s.creator, &1, &1, &PRICE),
        AccessError::TierRetired
    );
    assert_fails_unchanged!(
        s,
        0,
        s.f.access.try_retire_tier(&s.creator, &1),
        AccessError::TierRetired
    );
    assert_fails_unchanged!(
        s,
        0,
        s.f.access.try_retire_tier(&s.creator, &9),
        AccessError::TierNotFound
    );
    s.f.jump(expires - s.f.now() - 1);
    assert!(
        s.f.access.has_access(&s.fan, &s.creator, &1),
        "the paid period runs to its end"
    );
}
