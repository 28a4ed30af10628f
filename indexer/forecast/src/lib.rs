//! # tributary-forecast
//!
//! A creator's revenue forecast: what they will earn over the next days, per token. The
//! indexer builds the [`History`] from its tables and serves the result.
//!
//! - **Streams to the creator** are exact: the vesting rule (`tributary_rules::vesting`) gives
//!   what each schedule streams between now and the horizon (a canceled stream stopped at its
//!   cancel), less the 1% skim on the position's cumulative gross (`tributary_rules::skim`).
//! - **Subscriptions** are a Monte Carlo over paths ([`simulate`]): paid-up time is revenue
//!   already received, so only future renewals and new subscribers are random. Each tier's
//!   renewal probability is a Beta posterior from the creator's own renewals and lapses with a
//!   weak `Beta(1, 1)` prior, and its new-subscriber arrivals a Poisson process with a
//!   log-linear trend fitted by maximum likelihood on the recent window ([`fit`]); every path
//!   draws its parameters from their posteriors, so the spread includes what the history can't
//!   tell.
//!
//! Amounts are base units of each token (Stellar Asset Contracts have 7 decimals), net of the
//! skim as the creator receives them; a subscription payment's net is `price - floor(price /
//! 100)`. Times are Unix seconds; days are 86,400 s from `now`. Deterministic for a seed.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::panic))]

pub mod chart;
pub mod fit;
pub mod simulate;

use serde::Serialize;
use tributary_rules::{skim, vesting};

/// Seconds in a day.
pub const DAY: u64 = 86_400;
/// Decimals of a Stellar Asset Contract's amounts.
pub const DECIMALS: u32 = 7;

/// What happened to one of the creator's subscriptions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubEventKind {
    /// A fan's first payment, or a payment after a lapse (a new position).
    New,
    /// A renewal (or a payment before the paid-up time ran out).
    Renewed,
    /// A position ran out: not renewed by `expires_at + grace`.
    Lapsed,
}

/// One subscription event at a tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubEvent {
    /// When, Unix seconds.
    pub at: u64,
    /// The tier's level.
    pub level: u32,
    /// What happened.
    pub kind: SubEventKind,
}

/// A subscription live now (`now < expires_at + grace`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    /// The tier's level.
    pub level: u32,
    /// Token contract (C…).
    pub token: String,
    /// Price a period (snapshot), base units.
    pub price: i128,
    /// Period, seconds.
    pub period: u64,
    /// Paid until, Unix seconds.
    pub expires_at: u64,
    /// Whether its tier still renews it: not retired, terms no worse than the snapshot.
    pub renewable: bool,
    /// Whether a renewal already failed in its current window (`renewal_failed` after the
    /// window opened): it is taken as lapsing.
    pub failing: bool,
}

/// A tier new subscribers can buy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tier {
    /// Level.
    pub level: u32,
    /// Token contract (C…).
    pub token: String,
    /// Price a period, base units.
    pub price: i128,
    /// Period, seconds.
    pub period: u64,
    /// Retired tiers take no new subscribers.
    pub retired: bool,
}

/// A stream paying the creator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// Token contract (C…).
    pub token: String,
    /// Deposit, base units.
    pub deposit: i128,
    /// Start, cliff, end: Unix seconds.
    pub start: u64,
    /// Nothing is withdrawable before it.
    pub cliff: u64,
    /// Fully vested at it.
    pub end: u64,
    /// When it was canceled: vesting stopped there.
    pub canceled_at: Option<u64>,
}

/// Everything the forecast knows about a creator at `now`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// The forecast's origin, Unix seconds.
    pub now: u64,
    /// The creator's tiers.
    pub tiers: Vec<Tier>,
    /// Subscriptions live at `now`.
    pub positions: Vec<Position>,
    /// Every subscription event before `now`, any order.
    pub events: Vec<SubEvent>,
    /// Streams to the creator.
    pub streams: Vec<Schedule>,
}

/// What to forecast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Horizons, days (1–365), ascending.
    pub horizons: Vec<u32>,
    /// Monte Carlo paths (100–100,000).
    pub paths: u32,
    /// The random generator's seed.
    pub seed: u64,
    /// Whether to compute the chart's day-by-day bands ([`Forecast::bands`]).
    pub bands: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            horizons: vec![30, 60, 90],
            paths: 10_000,
            seed: 0,
            bands: false,
        }
    }
}

/// One token's forecast at one horizon, base units (net to the creator).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TokenForecast {
    /// Token contract (C…).
    pub token: String,
    /// Its decimals.
    pub decimals: u32,
    /// Mean of the total.
    pub mean: f64,
    /// 2.5th, 50th and 97.5th percentiles of the total.
    pub p2_5: f64,
    /// Median.
    pub p50: f64,
    /// 97.5th percentile.
    pub p97_5: f64,
    /// From streams: exact.
    pub streams: f64,
    /// Mean from renewals of today's subscribers.
    pub renewals: f64,
    /// Mean from new subscribers (their first payments and renewals).
    pub new_subscribers: f64,
}

/// The forecast at one horizon.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HorizonForecast {
    /// Days from now.
    pub days: u32,
    /// Per token.
    pub tokens: Vec<TokenForecast>,
}

/// A creator's forecast: per horizon and token, with the fitted factors.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Forecast {
    /// The origin, Unix seconds.
    pub now: u64,
    /// Paths simulated.
    pub paths: u32,
    /// The seed.
    pub seed: u64,
    /// Per horizon.
    pub horizons: Vec<HorizonForecast>,
    /// What the history says, per tier.
    pub factors: Vec<fit::TierFit>,
    /// Live subscriptions at `now`.
    pub subscribers: usize,
    /// Streams to the creator.
    pub streams: usize,
    /// Per token, day by day: the bands the chart draws (with [`Params::bands`]).
    #[serde(skip)]
    pub bands: Vec<chart::Bands>,
}

/// Why a forecast can't be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ForecastError {
    /// A parameter out of range (named).
    #[error("{param}: {message}")]
    BadParam {
        /// `horizons`, `paths` or `seed`.
        param: &'static str,
        /// Why.
        message: String,
    },
}

impl Params {
    /// Checks the ranges.
    ///
    /// # Errors
    /// [`ForecastError::BadParam`].
    pub fn check(&self) -> Result<(), ForecastError> {
        let bad = |param, message: &str| {
            Err(ForecastError::BadParam {
                param,
                message: message.into(),
            })
        };
        if self.horizons.is_empty() || self.horizons.len() > 12 {
            return bad("horizons", "1 to 12 horizons");
        }
        if self.horizons.iter().any(|h| !(1..=365).contains(h)) {
            return bad("horizons", "each within 1–365 days");
        }
        if self.horizons.windows(2).any(|w| w[0] >= w[1]) {
            return bad("horizons", "strictly ascending");
        }
        if !(100..=100_000).contains(&self.paths) {
            return bad("paths", "within 100–100,000");
        }
        Ok(())
    }
}

/// The forecast of `history` with `params`: exact streams plus the subscription paths.
///
/// # Errors
/// [`ForecastError::BadParam`] for parameters out of range.
pub fn forecast(history: &History, params: &Params) -> Result<Forecast, ForecastError> {
    params.check()?;
    let fits = fit::fit(history);
    let days = params.horizons.last().copied().unwrap_or(0);
    let mut checkpoints = params.horizons.clone();
    if params.bands {
        checkpoints.extend(chart::days(days));
        checkpoints.sort_unstable();
        checkpoints.dedup();
    }
    let sims = simulate::run(history, &fits, &checkpoints, params.paths, params.seed);
    let mut horizons = Vec::new();
    for &h in &params.horizons {
        let tokens = sims
            .iter()
            .map(|s| {
                let streams = streams_net(history, &s.token, h);
                let (renewals, new_subscribers) = s.source_means(h);
                let mut totals = s.totals_at(h);
                let q = simulate::quantiles(&mut totals, &[0.025, 0.5, 0.975]);
                TokenForecast {
                    token: s.token.clone(),
                    decimals: DECIMALS,
                    mean: streams + renewals + new_subscribers,
                    p2_5: streams + q[0],
                    p50: streams + q[1],
                    p97_5: streams + q[2],
                    streams,
                    renewals,
                    new_subscribers,
                }
            })
            .collect();
        horizons.push(HorizonForecast { days: h, tokens });
    }
    let bands = if params.bands {
        sims.iter()
            .map(|s| chart::Bands::of(s, |d| streams_net(history, &s.token, d)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Forecast {
        now: history.now,
        paths: params.paths,
        seed: params.seed,
        horizons,
        factors: fits.tiers.clone(),
        subscribers: history.positions.len(),
        streams: history.streams.len(),
        bands,
    })
}

/// What the creator's streams in `token` vest over the next `days`, net of the skim.
pub fn streams_net(history: &History, token: &str, days: u32) -> f64 {
    let until = history.now.saturating_add(u64::from(days) * DAY);
    history
        .streams
        .iter()
        .filter(|s| s.token == token)
        .map(|s| {
            let schedule = vesting::Position {
                deposit: s.deposit,
                withdrawn: 0,
                refunded: 0,
                start: s.start,
                cliff: s.cliff,
                end: s.end,
                cancelable: true,
                canceled: false,
            };
            // A canceled stream vested until its cancel, and no further.
            let at = |t: u64| schedule.vested_at(s.canceled_at.map_or(t, |c| t.min(c)));
            let (before, after) = (at(history.now), at(until));
            let gross = after - before;
            (gross - skim::skim_due(before, gross)) as f64
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creator() -> History {
        let now = 100 * DAY;
        History {
            now,
            tiers: vec![Tier {
                level: 1,
                token: "T".into(),
                price: 1_000,
                period: 30 * DAY,
                retired: false,
            }],
            positions: (0..20)
                .map(|i| Position {
                    level: 1,
                    token: "T".into(),
                    price: 1_000,
                    period: 30 * DAY,
                    expires_at: now + i * DAY,
                    renewable: true,
                    failing: false,
                })
                .collect(),
            events: (0..60)
                .map(|i| SubEvent {
                    at: now - i * DAY - 1,
                    level: 1,
                    kind: if i % 3 == 0 {
                        SubEventKind::Lapsed
                    } else {
                        SubEventKind::New
                    },
                })
                .collect(),
            streams: vec![Schedule {
                token: "T".into(),
                deposit: 9_000,
                start: now - 10 * DAY,
                cliff: now - 10 * DAY,
                end: now + 80 * DAY,
                canceled_at: None,
            }],
        }
    }

    #[test]
    fn a_seed_gives_one_forecast_and_another_seed_another() {
        let p = Params {
            paths: 1_000,
            seed: 5,
            ..Params::default()
        };
        let a = forecast(&creator(), &p).unwrap();
        assert_eq!(a, forecast(&creator(), &p).unwrap());
        assert_ne!(a, forecast(&creator(), &Params { seed: 6, ..p }).unwrap());
    }

    #[test]
    fn streams_are_exact_and_a_cancel_stops_them() {
        let mut h = creator();
        // 9,000 over 90 days: 100 a day; 30 days vest 3,000, less floor(1%) of the cumulative.
        assert_eq!(
            streams_net(&h, "T", 30),
            3_000.0 - (4_000 / 100 - 1_000 / 100) as f64
        );
        h.streams[0].canceled_at = Some(h.now);
        assert_eq!(streams_net(&h, "T", 30), 0.0);
        assert_eq!(streams_net(&h, "other", 30), 0.0);
    }

    #[test]
    fn bad_parameters_are_named() {
        let bad = |p: Params| match forecast(&creator(), &p) {
            Err(ForecastError::BadParam { param, .. }) => param,
            Ok(_) => "accepted",
        };
        assert_eq!(
            bad(Params {
                horizons: vec![],
                ..Params::default()
            }),
            "horizons"
        );
        assert_eq!(
            bad(Params {
                horizons: vec![60, 30],
                ..Params::default()
            }),
            "horizons"
        );
        assert_eq!(
            bad(Params {
                horizons: vec![0],
                ..Params::default()
            }),
            "horizons"
        );
        assert_eq!(
            bad(Params {
                paths: 10,
                ..Params::default()
            }),
            "paths"
        );
    }

    #[test]
    fn the_quantiles_bracket_the_mean_and_the_sources_add_up() {
        let f = forecast(
            &creator(),
            &Params {
                paths: 2_000,
                ..Params::default()
            },
        )
        .unwrap();
        for h in &f.horizons {
            let t = &h.tokens[0];
            assert!(t.p2_5 <= t.p50 && t.p50 <= t.p97_5, "{t:?}");
            assert!(t.p2_5 <= t.mean && t.mean <= t.p97_5, "{t:?}");
            assert!((t.mean - (t.streams + t.renewals + t.new_subscribers)).abs() < 1e-6);
        }
        let (a, b) = (&f.horizons[0].tokens[0], &f.horizons[2].tokens[0]);
        assert!(a.mean < b.mean, "revenue accumulates");
    }
}
