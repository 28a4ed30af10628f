//! The adversarial review's repros against `access` (repros 1–4), each a test on the real WASM
//! that failed before the fix, and each an attack snapshot in `test-snapshots/` (`review_*`).
//!
//! 1. An upgrade credits the value actually paid, not time at the last snapshot price.
//! 2. A renewal at a dumped price does not erase the value prepaid before it.
//! 3. One token per live subscription: no payment in another token while it is live.
//! 4. Money enters only in insured assets: `subscribe` and `renew` check the allowlist.

use tributary_access::{AccessError, RenewalFailure};
use tributary_fixture::UNIT;
/// The insurance timelock, 14 days (the insurance contract's `TIMELOCK`).
const TIMELOCK: u64 = 14 * DAY;

use crate::{
    common::{Setup, DAY, GRACE, PERIOD, PRICE},
    renew::assert_failed,
};

/// Seconds an upgrade at `now` credited, from the `expires_at` it returned for `periods`.
fn credited(expires_at: u64, now: u64, periods: u64) -> u64 {
    expires_at - now - periods * PERIOD
}

/// Attack `review_upgrade_at_price_paid`: tier 1 = 10 per 30 days; the fan subscribes 12
/// periods (pays 120); the creator sets tier 1 to 20 and tier 2 to 40; the fan buys 1 more
/// period of tier 1 (pays 20); the fan upgrades to tier 2. The fan paid 140 for 390 days,
/// worth 105 days of tier 2; before the fix 195 days were credited (at the last price, 20).
#[test]
fn repro_1_upgrade_credits_the_value_actually_paid() {
    let s = Setup::new();
    s.subscribe(1, 12);
    s.tier(1, 2 * PRICE);
    s.tier(2, 4 * PRICE);
    s.subscribe(1, 1);
    let now = s.f.now();
    let fan_before = s.balance(&s.fan);
    let expires_at = s.subscribe(2, 1);
    assert_eq!(credited(expires_at, now, 1), 105 * DAY);
    assert_eq!(fan_before - s.balance(&s.fan), 4 * PRICE);
    let sub = s.f.access.subscription(&s.fan, &s.creator).unwrap();
    assert_eq!(
        (sub.prepaid, sub.window_start),
        (140 * UNIT + 40 * UNIT, now)
    );
    s.f.snapshot("review_upgrade_at_price_paid");
}

/// Attack `review_dumped_price_renewal`: the fan prepays 12 periods (120) and keeps an
/// allowance; the creator sets the price to 1 base unit; once due (a day before the end) a
/// keeper renews 1 period (charges 1); the creator restores the price; the fan upgrades to
/// tier 2 (20 per 30 days). The unused day of the 360 paid for (a third of a unit) and the
/// 1 base unit buy 12 hours of tier 2; before the fix 0 s were credited.
#[test]
fn repro_2_renewal_at_a_dumped_price_keeps_prepaid_value() {
    let s = Setup::new();
    s.subscribe(1, 12);
    s.tier(1, 1);
    s.until_due();
    s.allow(100 * PRICE, 30);
    assert!(s.f.access.renew(&s.fan, &s.creator, &1));
    s.tier(1, PRICE);
    let now = s.f.now();
    let expires_at = s.subscribe(2, 1);
    // floor((floor(120 UNIT / 360) + 1) × 30 days / 20 UNIT) = floor(43,200.0078) s.
    assert_eq!(credited(expires_at, now, 1), DAY / 2);
    s.f.snapshot("review_dumped_price_renewal");
}

/// Attack `review_token_switch`: tier 1 costs 99 units of XLM; the fan subscribes; the creator
/// re-sets tier 1 to 1 unit of USDC; the fan subscribes again. Before the fix the USDC payment
/// paid 1 unit of skim and the creator 0 (the skim's cumulative basis mixed tokens). Now the
/// payment in another token fails while the subscription is live; after it lapses, a new
/// position starts and the skim is 1% of the USDC payment.
#[test]
fn repro_3_one_token_per_live_subscription() {
    let s = Setup::new();
    s.tier(1, 99 * UNIT);
    s.subscribe(1, 1);
    let usdc = &s.f.usdc;
    s.f.access
        .set_tier(&s.creator, &1, &usdc.id, &UNIT, &PERIOD, &GRACE);
    usdc.admin.mint(&s.fan, &(10 * UNIT));
    assert_eq!(
        s.f.access.try_subscribe(&s.fan, &s.creator, &1, &1, &UNIT),
        Err(Ok(AccessError::TokenMismatch))
    );
    s.f.jump(PERIOD + GRACE - 1);
    assert_eq!(
        s.f.access.try_subscribe(&s.fan, &s.creator, &1, &1, &UNIT),
        Err(Ok(AccessError::TokenMismatch)),
        "still live in the grace period"
    );
    s.f.jump(1);
    s.f.access.subscribe(&s.fan, &s.creator, &1, &1, &UNIT);
    assert_eq!(usdc.token.balance(&s.f.insurance.address), UNIT / 100);
    assert_eq!(usdc.token.balance(&s.creator), UNIT - UNIT / 100);
    let sub = s.f.access.subscription(&s.fan, &s.creator).unwrap();
    assert_eq!((sub.token, sub.paid), (usdc.id.clone(), UNIT));
    s.f.snapshot("review_token_switch");
}

/// Attack `review_delisted_token`: the insurance council delists USDC while a creator's tier
/// and a fan's subscription are in USDC. Before the fix `subscribe` and `renew` still took
/// USDC; now `subscribe` fails with `TokenNotInsured` and `renew` emits
/// `renewal_failed { TokenNotInsured }` and charges nothing.
#[test]
fn repro_4_money_enters_only_in_insured_assets() {
    let s = Setup::new();
    let usdc = &s.f.usdc;
    s.f.access
        .set_tier(&s.creator, &3, &usdc.id, &PRICE, &PERIOD, &GRACE);
    usdc.admin.mint(&s.fan, &(100 * PRICE));
    s.f.access.subscribe(&s.fan, &s.creator, &3, &2, &PRICE);
    let live_until = s.f.env.ledger().sequence() + 60 * 17_280;
    usdc.token
        .approve(&s.fan, &s.f.access.address, &(10 * PRICE), &live_until);
    let i = &s.f.insurance;
    let id = i.propose_asset_change(&s.f.council[0], &usdc.id, &false);
    s.f.approve_by(id, &s.f.council);
    s.f.jump(TIMELOCK);
    i.execute(&id);
    assert_eq!(
        s.f.access.try_subscribe(&s.fan, &s.creator, &3, &1, &PRICE),
        Err(Ok(AccessError::TokenNotInsured))
    );
    s.until_due();
    let fan_usdc = usdc.token.balance(&s.fan);
    assert_failed(&s, RenewalFailure::TokenNotInsured);
    assert_eq!(usdc.token.balance(&s.fan), fan_usdc, "no charge");
    s.f.snapshot("review_delisted_token");
}
