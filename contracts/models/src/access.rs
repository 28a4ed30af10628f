//! The access contract's commands and docs/PROTOCOL.md invariant 6: `has_access` equals a
//! plain model of the subscription rules for every sequence of tier changes, subscribes,
//! renewals, upgrades and retirements, at every time. The model also predicts which calls
//! succeed. Invariants 1–3 for payments: the contract never keeps a balance, the fan paid
//! exactly what the creator and insurance received, and insurance holds `floor(1%)` of each
//! position's cumulative gross (a position restarts when a subscription lapses).
//!
//! Value invariants (invariant 8), on the model's own ledger of what the fan paid, never on the
//! contract's stored accounting:
//! - the unused paid value the fan holds never exceeds what the fan paid for the position;
//! - an upgrade credits time worth the unused paid value at the new tier's price, to within
//!   one second's price plus one base unit, never more;
//! - a renewal never lowers the unused paid value: the contract's view of it afterwards is at
//!   least the value before plus the payment (less one base unit of rounding).

use arbitrary::Arbitrary;
use soroban_sdk::{
    testutils::{Address as _, Events as _},
    Address, Event as _,
};
use tributary_access::{RenewalFailed, RenewalFailure};
use tributary_fixture::{Fixture, UNIT};

use crate::{check, check_eq, within, Violation};

const DAY: u64 = 86_400;
const PERIOD: u64 = 30 * DAY;
const GRACE: u64 = 3 * DAY;
const PRICE: i128 = 10 * UNIT;

/// One action by the creator or the fan.
#[derive(Arbitrary, Clone, Debug)]
pub enum Command {
    /// Set a tier (levels 1–3; price 1–49 UNIT, period 1–39 days, grace 0–4 days).
    SetTier {
        /// Level.
        level: u32,
        /// Price, UNITs.
        price: i128,
        /// Period, days.
        period: u64,
        /// Grace, days.
        grace: u64,
    },
    /// Retire a tier.
    Retire {
        /// Level.
        level: u32,
    },
    /// Subscribe (levels 1–3, 1–3 periods, max price 1–59 UNIT).
    Subscribe {
        /// Level.
        level: u32,
        /// Periods.
        periods: u32,
        /// Highest acceptable price, UNITs.
        max_price: i128,
    },
    /// A keeper renews 1–2 periods.
    Renew {
        /// Periods.
        periods: u32,
    },
    /// The fan sets the contract's allowance (0–199 UNIT).
    Allow {
        /// Amount, UNITs.
        amount: i128,
    },
    /// A call with one invalid argument (kind mod 6); it must fail with its own error and
    /// change nothing.
    Invalid {
        /// Which argument is wrong.
        kind: u8,
    },
    /// An edge case with a second creator and fan (kind mod 4): a charge that overflows, an
    /// upgrade credit that overflows, an upgrade across tokens, a renewal the fan can't pay.
    Edge {
        /// Which case.
        kind: u8,
    },
    /// Let time pass (up to 50 days).
    Jump {
        /// Seconds.
        seconds: u64,
    },
}

impl Command {
    /// The command with its raw values mapped into their ranges.
    pub fn normalized(self) -> Self {
        match self {
            Command::SetTier {
                level,
                price,
                period,
                grace,
            } => Command::SetTier {
                level: 1 + level % 3,
                price: (1 + price.rem_euclid(49)) * UNIT,
                period: within(period, 1, 39) * DAY,
                grace: (grace % 5) * DAY,
            },
            Command::Retire { level } => Command::Retire {
                level: 1 + level % 3,
            },
            Command::Subscribe {
                level,
                periods,
                max_price,
            } => Command::Subscribe {
                level: 1 + level % 3,
                periods: 1 + periods % 3,
                max_price: (1 + max_price.rem_euclid(59)) * UNIT,
            },
            Command::Renew { periods } => Command::Renew {
                periods: 1 + periods % 2,
            },
            Command::Allow { amount } => Command::Allow {
                amount: amount.rem_euclid(200) * UNIT,
            },
            Command::Invalid { kind } => Command::Invalid { kind: kind % 6 },
            Command::Edge { kind } => Command::Edge { kind: kind % 4 },
            Command::Jump { seconds } => Command::Jump {
                seconds: seconds % (50 * DAY),
            },
        }
    }
}

struct Setup<'a> {
    f: Fixture<'a>,
    creator: Address,
    fan: Address,
}

impl Setup<'_> {
    /// Tier 1 at `PRICE` and tier 2 at twice that, both per 30 days with 3 days of grace.
    fn new() -> Self {
        let f = Fixture::create();
        let creator = Address::generate(&f.env);
        let fan = f.funded(&f.xlm, 1_001_000 * UNIT);
        let s = Setup { f, creator, fan };
        for (level, price) in [(1, PRICE), (2, 2 * PRICE)] {
            s.f.access
                .set_tier(&s.creator, &level, &s.f.xlm.id, &price, &PERIOD, &GRACE);
        }
        s
    }

    /// Approves the access contract to pull `amount` from the fan for about `days`.
    fn allow(&self, amount: i128, days: u32) {
        let live_until = self.f.env.ledger().sequence() + days * 17_280;
        self.f
            .xlm
            .token
            .approve(&self.fan, &self.f.access.address, &amount, &live_until);
    }

    fn balance(&self, who: &Address) -> i128 {
        self.f.xlm.token.balance(who)
    }
}

#[derive(Clone, Copy)]
struct Terms {
    price: i128,
    period: u64,
    grace: u64,
}

#[derive(Clone, Copy)]
struct Sub {
    level: u32,
    terms: Terms,
    expires_at: u64,
    /// What the fan paid, in base units, for `[window_start, expires_at)` not used before
    /// `window_start`: the ledger of the fan's payments, kept by the model.
    prepaid: i128,
    window_start: u64,
    /// Gross the fan paid into this position (the skim's basis), base units.
    paid: i128,
}

impl Sub {
    fn live(&self, now: u64) -> bool {
        now < self.expires_at + self.terms.grace
    }

    /// The unused paid value at `now`.
    fn unused(&self, now: u64) -> i128 {
        unused(self.prepaid, self.window_start, self.expires_at, now)
    }
}

/// `prepaid` spread evenly over `[window_start, expires_at)`: what is left of it at `now`
/// (0 from `expires_at` on).
fn unused(prepaid: i128, window_start: u64, expires_at: u64, now: u64) -> i128 {
    if now >= expires_at || window_start >= expires_at {
        return 0;
    }
    let (left, window) = (expires_at - now, expires_at - window_start);
    // prepaid <= 10^12 × 10^7 and left < 2^40: the product fits i128.
    prepaid * i128::from(left) / i128::from(window)
}

#[derive(Default)]
struct Model {
    tiers: [Option<(Terms, bool)>; 4],
    sub: Option<Sub>,
    /// The fan's allowance and the last ledger it is live in.
    allowance: (i128, u32),
    /// Everything the fan paid, and the skims of positions that lapsed.
    total_paid: i128,
    closed_skims: i128,
}

impl Model {
    /// The live position at `now`, or none (closing a lapsed one's skim basis).
    fn position(&mut self, now: u64) -> Option<Sub> {
        match self.sub {
            Some(s) if s.live(now) => Some(s),
            Some(s) => {
                self.closed_skims += s.paid / 100;
                self.sub = None;
                None
            }
            None => None,
        }
    }

    /// Pays `gross` for `[start, start + span)` at tier `t`, with `carried` unused value.
    #[allow(clippy::too_many_arguments)]
    fn pay(
        &mut self,
        now: u64,
        level: u32,
        t: Terms,
        start: u64,
        span: u64,
        gross: i128,
        carried: i128,
        paid: i128,
    ) -> u64 {
        self.total_paid += gross;
        let sub = Sub {
            level,
            terms: t,
            expires_at: start + span,
            prepaid: carried + gross,
            window_start: now,
            paid: paid + gross,
        };
        self.sub = Some(sub);
        sub.expires_at
    }

    /// The outcome of `subscribe`, and the seconds an upgrade credits (spec: the unused value
    /// at the new tier's price, rounded down).
    fn subscribe(&mut self, now: u64, level: u32, periods: u32, max_price: i128) -> Option<u64> {
        let (t, retired) = self.tiers[level as usize]?;
        if retired || t.price > max_price {
            return None;
        }
        let (gross, span) = (t.price * i128::from(periods), t.period * u64::from(periods));
        let (start, carried, paid) = match self.position(now) {
            Some(s) => {
                let unused = s.unused(now);
                if s.expires_at <= now || level == s.level {
                    (s.expires_at.max(now), unused, s.paid)
                } else if level < s.level {
                    return None;
                } else {
                    let credited = unused * i128::from(t.period) / t.price;
                    (now + credited as u64, unused, s.paid)
                }
            }
            None => (now, 0, 0),
        };
        Some(self.pay(now, level, t, start, span, gross, carried, paid))
    }

    fn renew(&mut self, now: u64, ledger: u32, periods: u32) -> Option<bool> {
        let s = self.sub?;
        // Due within a day (half a period if shorter) of the paid-up end, or after it: the fan
        // is never charged ahead for a period it has already paid.
        let due = now + (s.terms.period / 2).min(DAY) >= s.expires_at;
        let ok = match self.tiers[s.level as usize] {
            Some((t, false))
                if due
                    && t.price <= s.terms.price
                    && t.period >= s.terms.period
                    && t.grace >= s.terms.grace =>
            {
                let gross = t.price * i128::from(periods);
                let live = if ledger <= self.allowance.1 {
                    self.allowance.0
                } else {
                    0
                };
                (gross <= live).then_some((t, gross))
            }
            _ => None,
        };
        if let Some((t, gross)) = ok {
            self.allowance.0 -= gross;
            let (carried, paid) = match self.position(now) {
                Some(s) => (s.unused(now), s.paid),
                None => (0, 0),
            };
            let span = t.period * u64::from(periods);
            self.pay(
                now,
                s.level,
                t,
                s.expires_at.max(now),
                span,
                gross,
                carried,
                paid,
            );
        }
        Some(ok.is_some())
    }

    /// Skims of every position: `floor(1%)` of each one's cumulative gross.
    fn skims(&self) -> i128 {
        self.closed_skims + self.sub.map_or(0, |s| s.paid / 100)
    }

    fn has_access(&self, now: u64, min_level: u32) -> bool {
        self.sub
            .is_some_and(|s| s.level >= min_level && now < s.expires_at + s.terms.grace)
    }
}

pub fn run(commands: &[Command]) -> Result<(), Violation> {
    let s = Setup::new();
    let a = &s.f.access;
    let fan_start = s.balance(&s.fan);
    let mut m = Model::default();
    for (level, price) in [(1, PRICE), (2, 2 * PRICE)] {
        let terms = Terms {
            price,
            period: PERIOD,
            grace: GRACE,
        };
        m.tiers[level] = Some((terms, false));
    }
    for command in commands {
        let now = s.f.now();
        let total_before = m.total_paid;
        let command = command.clone().normalized();
        // Value moves only in a payment the model expects, or in the edge cases' own
        // positions; a failed call is rolled back. Balances are cumulative, so the check at the
        // end of the input still sees a payment the model didn't expect.
        let moves = matches!(command, Command::SetTier { .. } | Command::Edge { .. });
        // An allowance or a refused call changes no one's access.
        let access = !matches!(command, Command::Allow { .. } | Command::Invalid { .. });
        match command {
            Command::SetTier {
                level,
                price,
                period,
                grace,
            } => {
                a.set_tier(&s.creator, &level, &s.f.xlm.id, &price, &period, &grace);
                m.tiers[level as usize] = Some((
                    Terms {
                        price,
                        period,
                        grace,
                    },
                    false,
                ));
            }
            Command::Retire { level } => {
                let r = a.try_retire_tier(&s.creator, &level);
                let expected = matches!(m.tiers[level as usize], Some((_, false)));
                check_eq!(
                    r.is_ok(),
                    expected,
                    "model: retire succeeds exactly for a live tier"
                );
                if let Some((_, retired)) = m.tiers[level as usize].as_mut() {
                    *retired = true;
                }
            }
            Command::Subscribe {
                level,
                periods,
                max_price,
            } => {
                let before = m.sub.filter(|x| x.live(now) && x.expires_at > now);
                let r = a.try_subscribe(&s.fan, &s.creator, &level, &periods, &max_price);
                let got = r.ok().map(|x| x.unwrap());
                check_eq!(
                    got,
                    m.subscribe(now, level, periods, max_price),
                    "invariant 6: subscribe follows the model"
                );
                if let (Some(expires_at), Some(old)) = (got, before) {
                    if level > old.level {
                        // The upgrade's credit, from the contract's answer, in value terms.
                        let t = a.tier(&s.creator, &level).unwrap();
                        let span = t.period * u64::from(periods);
                        let credited = i128::from(expires_at - span - now);
                        let worth = credited * t.price; // × 1/period: compare scaled
                        let unused = old.unused(now) * i128::from(t.period);
                        check!(
                            worth <= unused,
                            "invariant 8: an upgrade credits no more than the unused paid value"
                        );
                        check!(
                            unused - worth < t.price + i128::from(t.period),
                            "invariant 8: an upgrade credits the unused paid value, less at most \
                             one second's price and one base unit"
                        );
                    }
                }
            }
            Command::Renew { periods } => {
                let before = m.sub.filter(|x| x.live(now)).map_or(0, |x| x.unused(now));
                let paid_before = m.total_paid;
                let r = a.try_renew(&s.fan, &s.creator, &periods);
                let ledger = s.f.env.ledger().sequence();
                check_eq!(
                    r.ok().map(|x| x.unwrap()),
                    m.renew(now, ledger, periods),
                    "invariant 6: renew follows the model"
                );
                if let Some(sub) = a.subscription(&s.fan, &s.creator) {
                    // The contract's own view of the unused value after the call.
                    let after = unused(sub.prepaid, sub.window_start, sub.expires_at, now);
                    let gross = m.total_paid - paid_before;
                    check!(
                        after >= before + gross - 1,
                        "invariant 8: a renewal never lowers the unused paid value"
                    );
                }
            }
            Command::Allow { amount } => {
                s.allow(amount, 100);
                m.allowance = (amount, s.f.env.ledger().sequence() + 100 * 17_280);
            }
            Command::Invalid { kind } => {
                use tributary_access::AccessError as E;
                let xlm = &s.f.xlm.id;
                let got = match kind {
                    0 => a
                        .try_set_tier(&s.creator, &1, xlm, &0, &PERIOD, &GRACE)
                        .err(),
                    1 => a
                        .try_set_tier(&s.creator, &1, xlm, &PRICE, &0, &GRACE)
                        .err(),
                    2 => {
                        let uninsured =
                            s.f.env
                                .register_stellar_asset_contract_v2(Address::generate(&s.f.env))
                                .address();
                        a.try_set_tier(&s.creator, &1, &uninsured, &PRICE, &PERIOD, &GRACE)
                            .err()
                    }
                    3 => a
                        .try_subscribe(&s.creator, &s.creator, &1, &1, &PRICE)
                        .err(),
                    4 => a.try_subscribe(&s.fan, &s.creator, &7, &1, &PRICE).err(),
                    _ => a
                        .try_subscribe(&s.fan, &s.creator, &1, &0, &i128::MAX)
                        .err(),
                };
                // Zero periods are checked once the tier is found live.
                let zero_periods = if matches!(m.tiers[1], Some((_, true))) {
                    E::TierRetired
                } else {
                    E::InvalidPeriods
                };
                let expected = [
                    E::InvalidPrice,
                    E::InvalidPeriod,
                    E::TokenNotInsured,
                    E::FanIsCreator,
                    E::TierNotFound,
                    zero_periods,
                ][usize::from(kind)];
                check_eq!(
                    got.and_then(Result::ok),
                    Some(expected),
                    "each invalid argument has its own error"
                );
            }
            Command::Edge { kind } => {
                use tributary_access::AccessError as E;
                let (xlm, usdc) = (&s.f.xlm.id, &s.f.usdc.id);
                let creator = Address::generate(&s.f.env);
                let fan = Address::generate(&s.f.env);
                let huge = i128::MAX / 8;
                match kind {
                    0 => {
                        a.set_tier(&creator, &1, usdc, &huge, &PERIOD, &0);
                        let r = a.try_subscribe(&fan, &creator, &1, &9, &huge);
                        check_eq!(
                            r.err().and_then(Result::ok),
                            Some(E::InvalidPeriods),
                            "model: price × periods overflows"
                        );
                    }
                    1 | 2 => {
                        a.set_tier(&creator, &1, usdc, &huge, &PERIOD, &0);
                        let token2 = if kind == 1 { usdc } else { xlm };
                        a.set_tier(&creator, &2, token2, &1, &PERIOD, &0);
                        s.f.usdc.admin.mint(&fan, &huge);
                        a.subscribe(&fan, &creator, &1, &1, &huge);
                        let r = a.try_subscribe(&fan, &creator, &2, &1, &1);
                        check_eq!(
                            r.err().and_then(Result::ok),
                            Some(if kind == 1 {
                                E::InvalidPeriods
                            } else {
                                E::TokenMismatch
                            }),
                            "model: an upgrade's credit overflows, or crosses tokens"
                        );
                    }
                    _ => {
                        a.set_tier(&creator, &1, usdc, &PRICE, &PERIOD, &0);
                        s.f.usdc.admin.mint(&fan, &PRICE);
                        a.subscribe(&fan, &creator, &1, &1, &PRICE);
                        s.f.jump(PERIOD - DAY);
                        let live_until = s.f.env.ledger().sequence() + 17_280;
                        s.f.usdc
                            .token
                            .approve(&fan, &a.address, &PRICE, &live_until);
                        let r = a.try_renew(&fan, &creator, &1);
                        check_eq!(
                            r,
                            Ok(Ok(false)),
                            "model: a renewal the fan's balance can't cover fails softly"
                        );
                        let failed = RenewalFailed {
                            fan,
                            creator,
                            reason: RenewalFailure::BalanceTooLow,
                        };
                        let env = &s.f.env;
                        check_eq!(
                            env.events().all().filter_by_contract(&a.address),
                            [failed.to_xdr(env, &a.address)],
                            "model: the renewal reports BalanceTooLow"
                        );
                    }
                }
            }
            Command::Jump { seconds } => s.f.jump(seconds),
        }
        let balances = moves || m.total_paid != total_before;
        let levels: &[u32] = if access { &[1, 2, 3] } else { &[] };
        check_state(&s, &m, fan_start, balances, levels)?;
    }
    check_state(&s, &m, fan_start, true, &[0, 1, 2, 3])
}

/// Invariants 1–3, 6 and 8 against the model after a command: `has_access` at `levels` (it
/// changes with time; level 0 answers as level 1 while tiers start at 1, so it is read at the
/// end), and the balances when `balances` (one contract call costs the fuzz target about
/// 15 µs; reading four balances after every command was most of its time).
fn check_state(
    s: &Setup,
    m: &Model,
    fan_start: i128,
    balances: bool,
    levels: &[u32],
) -> Result<(), Violation> {
    let a = &s.f.access;
    if balances {
        let (paid, skims) = (m.total_paid, m.skims());
        check_eq!(
            s.balance(&a.address),
            0,
            "invariant 1: the access contract keeps nothing"
        );
        check_eq!(
            s.balance(&s.f.insurance.address),
            skims,
            "invariant 3: each position's skim is floor(1%) of its gross, in its token"
        );
        check_eq!(
            s.balance(&s.creator),
            paid - skims,
            "invariant 2: the creator got the net"
        );
        check_eq!(
            s.balance(&s.fan),
            fan_start - paid,
            "invariant 2: the fan paid exactly the gross"
        );
    }
    let now = s.f.now();
    if let Some(sub) = m.sub {
        check!(
            sub.unused(now) <= sub.paid,
            "invariant 8: the unused paid value never exceeds what the position was paid"
        );
    }
    for min_level in levels {
        check_eq!(
            a.has_access(&s.fan, &s.creator, min_level),
            m.has_access(now, *min_level),
            "invariant 6: has_access equals the model"
        );
    }
    Ok(())
}
