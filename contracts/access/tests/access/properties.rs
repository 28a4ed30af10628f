//! Invariant 6 of PROTOCOL.md: `has_access` equals a plain model of the subscription rules for
//! every sequence of tier changes, subscribes, renewals, upgrades and retirements, at every
//! time. The model also predicts which calls succeed. Invariants 1–3 for payments: the
//! contract never keeps a balance, the fan paid exactly what the creator and insurance
//! received, and insurance holds `floor(1%)` of the subscription's cumulative gross.

use proptest::prelude::*;
use tributary_fixture::UNIT;

use crate::common::{Setup, DAY};

#[derive(Clone, Debug)]
enum Step {
    SetTier {
        level: u32,
        price: i128,
        period: u64,
        grace: u64,
    },
    Retire {
        level: u32,
    },
    Subscribe {
        level: u32,
        periods: u32,
        max_price: i128,
    },
    Renew {
        periods: u32,
    },
    Allow {
        amount: i128,
    },
    Jump {
        seconds: u64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (1u32..4, 1i128..50, 1u64..40, 0u64..5).prop_map(|(level, p, d, g)| Step::SetTier { level, price: p * UNIT, period: d * DAY, grace: g * DAY }),
        1 => (1u32..4).prop_map(|level| Step::Retire { level }),
        3 => (1u32..4, 1u32..4, 1i128..60).prop_map(|(level, periods, m)| Step::Subscribe { level, periods, max_price: m * UNIT }),
        2 => (1u32..3).prop_map(|periods| Step::Renew { periods }),
        1 => (0i128..200).prop_map(|a| Step::Allow { amount: a * UNIT }),
        2 => (0u64..50 * DAY).prop_map(|seconds| Step::Jump { seconds }),
    ]
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
}

#[derive(Default)]
struct Model {
    tiers: [Option<(Terms, bool)>; 4],
    sub: Option<Sub>,
    /// The fan's allowance and the last ledger it is live in.
    allowance: (i128, u32),
}

impl Model {
    fn subscribe(&mut self, now: u64, level: u32, periods: u32, max_price: i128) -> Option<u64> {
        let (t, retired) = self.tiers[level as usize]?;
        if retired || t.price > max_price {
            return None;
        }
        let span = t.period * u64::from(periods);
        let start = match self.sub {
            Some(s) if s.expires_at > now => {
                if level < s.level {
                    return None;
                }
                if level == s.level {
                    s.expires_at
                } else {
                    let credit =
                        s.terms.price * i128::from(s.expires_at - now) / i128::from(s.terms.period);
                    now + (credit * i128::from(t.period) / t.price) as u64
                }
            }
            _ => now,
        };
        let sub = Sub {
            level,
            terms: t,
            expires_at: start + span,
        };
        self.sub = Some(sub);
        Some(sub.expires_at)
    }

    fn renew(&mut self, now: u64, ledger: u32, periods: u32) -> Option<bool> {
        let mut s = self.sub?;
        let ok = match self.tiers[s.level as usize] {
            Some((t, false))
                if t.price <= s.terms.price
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
            s.expires_at = s.expires_at.max(now) + t.period * u64::from(periods);
            s.terms = t;
            self.sub = Some(s);
        }
        Some(ok.is_some())
    }

    fn has_access(&self, now: u64, min_level: u32) -> bool {
        self.sub
            .is_some_and(|s| s.level >= min_level && now < s.expires_at + s.terms.grace)
    }
}

fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let s = Setup::new();
    let a = &s.f.access;
    s.f.xlm.admin.mint(&s.fan, &(1_000_000 * UNIT));
    let fan_start = s.balance(&s.fan);
    let mut m = Model::default();
    for level in 1..=2u32 {
        let t = a.tier(&s.creator, &level).unwrap();
        m.tiers[level as usize] = Some((
            Terms {
                price: t.price,
                period: t.period,
                grace: t.grace,
            },
            false,
        ));
    }
    for st in steps {
        let now = s.f.now();
        match st {
            Step::SetTier {
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
            Step::Retire { level } => {
                let r = a.try_retire_tier(&s.creator, &level);
                let expected = matches!(m.tiers[level as usize], Some((_, false)));
                prop_assert_eq!(r.is_ok(), expected);
                if let Some((_, retired)) = m.tiers[level as usize].as_mut() {
                    *retired = true;
                }
            }
            Step::Subscribe {
                level,
                periods,
                max_price,
            } => {
                let r = a.try_subscribe(&s.fan, &s.creator, &level, &periods, &max_price);
                prop_assert_eq!(
                    r.ok().map(|x| x.unwrap()),
                    m.subscribe(now, level, periods, max_price)
                );
            }
            Step::Renew { periods } => {
                let r = a.try_renew(&s.fan, &s.creator, &periods);
                let ledger = s.f.env.ledger().sequence();
                prop_assert_eq!(r.ok().map(|x| x.unwrap()), m.renew(now, ledger, periods));
            }
            Step::Allow { amount } => {
                s.allow(amount, 100);
                m.allowance = (amount, s.f.env.ledger().sequence() + 100 * 17_280);
            }
            Step::Jump { seconds } => s.f.jump(seconds),
        }
        let paid = a.subscription(&s.fan, &s.creator).map_or(0, |sub| sub.paid);
        prop_assert_eq!(s.balance(&a.address), 0);
        prop_assert_eq!(s.balance(&s.f.insurance.address), paid / 100);
        prop_assert_eq!(s.balance(&s.creator), paid - paid / 100);
        prop_assert_eq!(s.balance(&s.fan), fan_start - paid);
        let now = s.f.now();
        for min_level in 0..=3 {
            prop_assert_eq!(
                a.has_access(&s.fan, &s.creator, &min_level),
                m.has_access(now, min_level)
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn has_access_matches_the_model(steps in proptest::collection::vec(step(), 1..30)) {
        run(steps)?;
    }
}
