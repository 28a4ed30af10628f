//! Domain logic of tiers and subscriptions. Functions take `e: &Env` first, assume
//! `contract.rs` checked authorization, and mark their steps Check / Effect / Interaction;
//! token transfers come last.
//!
//! Time is Unix seconds; amounts are base units. Paid time stacks:
//! `expires_at = max(now, expires_at) + periods * period`. A subscription keeps the value the
//! fan actually paid for its prepaid window (`prepaid` over `[window_start, expires_at)`);
//! every payment adds to the unused part of it and restarts the window at `now`. An upgrade
//! turns the unused value into `floor(unused * new_period / new_price)` seconds at the new
//! tier. One token per position: a live subscription only takes payments in its token.

use soroban_sdk::{Address, Env, Vec};
use tributary_common::{
    access::{self as rules, renewal_due},
    host::{self, now},
    insurance::is_insured,
    math::mul_div_floor,
    skim::pay_with_skim,
};

use crate::{
    errors::AccessError,
    events::{RenewalFailed, Renewed, Subscribed, TierRetired, TierSet, Upgraded},
    storage::{self, Renewal, RenewalFailure, Subscription, Tier},
};

/// `floor(a * b / c)` for `a >= 0`, `b >= 0`, `c > 0`, or `InvalidPeriods` if it overflows.
/// Used where `b > c` is allowed (value into seconds), which [`mul_div_floor`] excludes.
fn mul_div(a: i128, b: i128, c: i128) -> Result<i128, AccessError> {
    // a * b / c = (a / c) * b + (a % c) * b / c, exactly.
    let whole = (a / c).checked_mul(b);
    let part = (a % c).checked_mul(b).map(|x| x / c);
    match (whole, part) {
        (Some(w), Some(p)) => w.checked_add(p).ok_or(AccessError::InvalidPeriods),
        _ => Err(AccessError::InvalidPeriods),
    }
}

/// `price * periods` and `period * periods`, or `InvalidPeriods` for zero periods or overflow.
fn charge(tier: &Tier, periods: u32) -> Result<(i128, u64), AccessError> {
    if periods == 0 {
        return Err(AccessError::InvalidPeriods);
    }
    let gross = tier.price.checked_mul(i128::from(periods));
    let span = tier.period.checked_mul(u64::from(periods));
    match (gross, span) {
        (Some(g), Some(s)) => Ok((g, s)),
        _ => Err(AccessError::InvalidPeriods),
    }
}

/// Creates or updates tier `level` of `creator`; returns its version (1 when created).
pub fn set_tier(
    e: &Env,
    creator: &Address,
    level: u32,
    token: &Address,
    price: i128,
    period: u64,
    grace: u64,
) -> Result<u32, AccessError> {
    if price <= 0 {
        return Err(AccessError::InvalidPrice);
    }
    if period == 0 {
        return Err(AccessError::InvalidPeriod);
    }
    if !is_insured(e, &storage::get_insurance(e), token) {
        return Err(AccessError::TokenNotInsured);
    }
    let version = storage::get_tier(e, creator, level).map_or(1, |t| t.version + 1);
    let tier = Tier {
        token: token.clone(),
        price,
        period,
        grace,
        version,
        retired: false,
    };
    storage::set_tier(e, creator, level, &tier);
    TierSet {
        creator: creator.clone(),
        level,
        token: token.clone(),
        price,
        period,
        grace,
        version,
    }
    .publish(e);
    Ok(version)
}

/// Stops new subscriptions to tier `level`; existing ones run to their end.
pub fn retire_tier(e: &Env, creator: &Address, level: u32) -> Result<(), AccessError> {
    let mut tier = storage::get_tier(e, creator, level).ok_or(AccessError::TierNotFound)?;
    if tier.retired {
        return Err(AccessError::TierRetired);
    }
    tier.retired = true;
    storage::set_tier(e, creator, level, &tier);
    TierRetired {
        creator: creator.clone(),
        level,
    }
    .publish(e);
    Ok(())
}

/// The unused part of `sub`'s prepaid value at `t`, in base units (docs/PROTOCOL.md, access,
/// "Prepaid value"): `floor(prepaid * (expires_at - max(t, window_start)) /
/// (expires_at - window_start))`, and 0 from `expires_at` on. Rounds down (the contract's
/// favour); never overflows ([`mul_div_floor`]).
pub fn unused_value(sub: &Subscription, t: u64) -> i128 {
    if t >= sub.expires_at || sub.window_start >= sub.expires_at {
        return 0;
    }
    let window = sub.expires_at - sub.window_start;
    mul_div_floor(
        sub.prepaid,
        sub.expires_at - t.max(sub.window_start),
        window,
    )
}

/// Whether `sub` is live at `t`: `t < expires_at + grace`. A payment to a live subscription
/// continues its position (token, skim basis, prepaid value); otherwise a new one starts.
fn is_live(sub: &Subscription, t: u64) -> bool {
    t < sub.expires_at.saturating_add(sub.grace)
}

/// Pays `periods` of tier `level` for `fan`; returns the new `expires_at`.
pub fn subscribe(
    e: &Env,
    fan: &Address,
    creator: &Address,
    level: u32,
    periods: u32,
    max_price: i128,
) -> Result<u64, AccessError> {
    // Check
    if fan == creator {
        return Err(AccessError::FanIsCreator);
    }
    let tier = storage::get_tier(e, creator, level).ok_or(AccessError::TierNotFound)?;
    if tier.retired {
        return Err(AccessError::TierRetired);
    }
    if tier.price > max_price {
        return Err(AccessError::PriceAboveMax);
    }
    let (gross, span) = charge(&tier, periods)?;
    let insurance = storage::get_insurance(e);
    if !is_insured(e, &insurance, &tier.token) {
        return Err(AccessError::TokenNotInsured);
    }
    let t = now(e);
    let mut upgraded = None;
    // (paid time starts at, skim basis, unused prepaid value carried over)
    let (start, paid, carried) = match storage::get_sub(e, fan, creator) {
        Some(s) if is_live(&s, t) => {
            if s.token != tier.token {
                return Err(AccessError::TokenMismatch);
            }
            let unused = unused_value(&s, t);
            if s.expires_at <= t || level == s.level {
                // In grace, or more of the same level: paid time stacks.
                (s.expires_at.max(t), s.paid, unused)
            } else if level < s.level {
                return Err(AccessError::LevelBelowCurrent);
            } else {
                // Upgrade: the unused value buys time at the new tier's price, rounded down.
                let credited = mul_div(unused, i128::from(tier.period), tier.price)?;
                let credited = u64::try_from(credited).map_err(|_| AccessError::InvalidPeriods)?;
                upgraded = Some((s.level, credited));
                let start = t.checked_add(credited).ok_or(AccessError::InvalidPeriods)?;
                (start, s.paid, unused)
            }
        }
        _ => (t, 0, 0),
    };
    let expires_at = start.checked_add(span).ok_or(AccessError::InvalidPeriods)?;
    // Effect
    let sub = Subscription {
        level,
        token: tier.token.clone(),
        price: tier.price,
        period: tier.period,
        grace: tier.grace,
        version: tier.version,
        expires_at,
        paid: paid + gross,
        prepaid: carried + gross,
        window_start: t,
    };
    storage::set_sub(e, fan, creator, &sub);
    // Interaction: the payment passes through this contract, which pays the skim.
    let this = e.current_contract_address();
    host::transfer(e, &tier.token, fan, &this, gross);
    pay_with_skim(e, &tier.token, creator, &insurance, paid, gross);
    if let Some((from, credited)) = upgraded {
        Upgraded {
            fan: fan.clone(),
            creator: creator.clone(),
            from,
            to: level,
            credited,
        }
        .publish(e);
    }
    Subscribed {
        fan: fan.clone(),
        creator: creator.clone(),
        level,
        periods,
        amount: gross,
        expires_at,
    }
    .publish(e);
    Ok(expires_at)
}

/// Why renewing `sub` at `tier`'s current terms for `gross` can't charge, if it can't.
fn renewal_failure(
    e: &Env,
    fan: &Address,
    sub: &Subscription,
    tier: &Tier,
    gross: i128,
    insurance: &Address,
) -> Option<RenewalFailure> {
    if !renewal_due(now(e), sub.expires_at, sub.period) {
        return Some(RenewalFailure::NotDue);
    }
    if tier.retired {
        return Some(RenewalFailure::TierRetired);
    }
    if tier.token != sub.token
        || tier.price > sub.price
        || tier.period < sub.period
        || tier.grace < sub.grace
    {
        return Some(RenewalFailure::TermsWorse);
    }
    if !is_insured(e, insurance, &sub.token) {
        return Some(RenewalFailure::TokenNotInsured);
    }
    if host::allowance(e, &sub.token, fan, &e.current_contract_address()) < gross {
        return Some(RenewalFailure::AllowanceTooLow);
    }
    if host::balance(e, &sub.token, fan) < gross {
        return Some(RenewalFailure::BalanceTooLow);
    }
    None
}

/// Renews `periods` of `fan`'s subscription through their allowance. Returns whether it
/// charged; when it can't, it emits `renewal_failed` and changes nothing else.
pub fn renew(e: &Env, fan: &Address, creator: &Address, periods: u32) -> Result<bool, AccessError> {
    // Check
    let mut sub = storage::get_sub(e, fan, creator).ok_or(AccessError::SubscriptionNotFound)?;
    // Invariant: tiers are never deleted, so a subscription's tier exists.
    let tier = storage::get_tier(e, creator, sub.level).ok_or(AccessError::TierNotFound)?;
    // The charge is at the tier's current price, which the checks keep at or below the snapshot.
    let (gross, span) = charge(&tier, periods)?;
    let insurance = storage::get_insurance(e);
    if let Some(reason) = renewal_failure(e, fan, &sub, &tier, gross, &insurance) {
        RenewalFailed {
            fan: fan.clone(),
            creator: creator.clone(),
            reason,
        }
        .publish(e);
        return Ok(false);
    }
    // Effect: equal or better terms become the new snapshot; the payment joins the prepaid
    // value, so a renewal at a lowered price never erases value paid before.
    let t = now(e);
    let (cum_before, carried) = if is_live(&sub, t) {
        (sub.paid, unused_value(&sub, t))
    } else {
        (0, 0)
    };
    sub.expires_at = sub
        .expires_at
        .max(t)
        .checked_add(span)
        .ok_or(AccessError::InvalidPeriods)?;
    sub.price = tier.price;
    sub.period = tier.period;
    sub.grace = tier.grace;
    sub.version = tier.version;
    sub.paid = cum_before + gross;
    sub.prepaid = carried + gross;
    sub.window_start = t;
    storage::set_sub(e, fan, creator, &sub);
    // Interaction
    let this = e.current_contract_address();
    host::transfer_from(e, &sub.token, &this, fan, &this, gross);
    pay_with_skim(e, &sub.token, creator, &insurance, cum_before, gross);
    Renewed {
        fan: fan.clone(),
        creator: creator.clone(),
        periods,
        amount: gross,
        expires_at: sub.expires_at,
    }
    .publish(e);
    Ok(true)
}

/// Each of `renewals` through [`renew`], in order; the first error undoes the whole batch.
pub fn renew_many(e: &Env, renewals: &Vec<Renewal>) -> Result<Vec<bool>, AccessError> {
    let mut charged = Vec::new(e);
    for r in renewals.iter() {
        charged.push_back(renew(e, &r.fan, &r.creator, r.periods)?);
    }
    Ok(charged)
}

/// `level >= min_level && now < expires_at + grace`; `false` without a subscription.
pub fn has_access(e: &Env, fan: &Address, creator: &Address, min_level: u32) -> bool {
    match storage::get_sub(e, fan, creator) {
        Some(s) => rules::has_access(s.level, s.expires_at, s.grace, min_level, now(e)),
        None => false,
    }
}
