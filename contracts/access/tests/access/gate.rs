//! `has_access`: O(1), never fails; true iff `level >= min_level && now < expires_at + grace`.

use soroban_sdk::{testutils::Address as _, Address};

use crate::common::{Setup, GRACE};

#[test]
fn higher_level_grants_lower_levels_only() {
    let s = Setup::new();
    s.subscribe(2, 1);
    let a = &s.f.access;
    assert!(a.has_access(&s.fan, &s.creator, &0));
    assert!(a.has_access(&s.fan, &s.creator, &1), "a level below");
    assert!(a.has_access(&s.fan, &s.creator, &2));
    assert!(!a.has_access(&s.fan, &s.creator, &3), "a level above");
}

#[test]
fn grace_period_ends_to_the_second() {
    let s = Setup::new();
    let expires = s.subscribe(1, 1);
    s.f.jump(expires + GRACE - 1 - s.f.now());
    assert!(
        s.f.access.has_access(&s.fan, &s.creator, &1),
        "one second before the grace ends"
    );
    s.f.jump(1);
    assert!(
        !s.f.access.has_access(&s.fan, &s.creator, &1),
        "at expires_at + grace"
    );
}

#[test]
fn unknown_fan_or_creator_has_no_access() {
    let s = Setup::new();
    let stranger = Address::generate(&s.f.env);
    assert!(!s.f.access.has_access(&stranger, &s.creator, &0));
    assert!(!s.f.access.has_access(&s.fan, &stranger, &0));
    assert_eq!(s.f.access.subscription(&stranger, &s.creator), None);
}
