//! The subscription paths. Each path draws every tier's renewal probability `p` from its Beta
//! posterior and its arrival trend `(a, b)` from the fit's normal approximation, then plays
//! the days out, recording the cumulative revenue at the checkpoints asked for (the horizons,
//! and the chart's days):
//! - today's subscribers are grouped by tier and first payment's day; at each due payment
//!   (`renewal_opens_at`, when a keeper renews, then every period) `Binomial(n, 1 - p)` of
//!   those left lapse for good and the rest pay (after [`CLASSES`] payments, as for a short
//!   period, each remaining member renews `Geometric(1 - p)` times more);
//! - new subscribers arrive at each open tier as a Poisson process of rate `exp(a + b·t)` a
//!   day, pay at once, then renew the same way. They are drawn by class, which is the same
//!   law and far fewer draws: the arrival days are cut into segments within which every
//!   subscriber's payments fall before the same checkpoints, and the subscribers of a segment
//!   who make exactly `j` renewals are `Poisson(Λ·p^j·(1 - p))`, independent (Poisson
//!   thinning), `Λ` being the segment's summed rate; those renewing [`CLASSES`] times or more
//!   (a short period) are `Poisson(Λ·p^CLASSES)`, each renewing `Geometric(1 - p)` times more.
//!
//! Paths run in chunks of [`CHUNK`] with their own generator seeded from the seed and the
//! chunk's index, spread over the machine's cores; the result does not depend on how many.

use std::collections::BTreeMap;

use rand::{rngs::SmallRng, Rng, RngCore, SeedableRng};
use rand_distr::{Beta, Binomial, Distribution, Geometric, Poisson, StandardNormal};
use statrs::statistics::{Data, OrderStatistics};
use tributary_rules::access::renewal_opens_at;

use super::{fit::Fits, History, DAY};

/// Up to this many trials a binomial is drawn trial by trial.
const SMALL_N: u64 = 64;
/// Renewal classes drawn as Poisson counts; subscribers renewing more are drawn one by one.
const CLASSES: u32 = 8;
/// Paths per chunk (one generator each).
pub const CHUNK: u32 = 500;
/// The largest arrival rate a path may draw, per day: a guard on the exponential trend.
const MAX_RATE: f64 = 1e4;

/// One token's simulated revenue (net to the creator, base units) at the checkpoints.
#[derive(Clone, Debug)]
pub struct TokenPaths {
    /// Token contract (C…).
    pub token: String,
    /// Checkpoints, days from now, ascending.
    pub checkpoints: Vec<u32>,
    /// Paths.
    pub paths: u32,
    /// `cum[path * checkpoints.len() + i]`: the path's revenue over days `0..checkpoints[i]`.
    pub cum: Vec<f64>,
    /// Per checkpoint, the sum over paths of renewals of today's subscribers.
    renewals: Vec<f64>,
    /// Per checkpoint, the sum over paths of new subscribers' payments.
    new: Vec<f64>,
}

impl TokenPaths {
    fn at(&self, h: u32) -> Option<usize> {
        self.checkpoints.iter().position(|c| *c == h)
    }

    /// Every path's total over the first `h` days (`h` a checkpoint; else zeros).
    pub fn totals_at(&self, h: u32) -> Vec<f64> {
        let n = self.checkpoints.len();
        match self.at(h) {
            Some(i) => (0..self.paths as usize)
                .map(|p| self.cum[p * n + i])
                .collect(),
            None => vec![0.0; self.paths as usize],
        }
    }

    /// Mean revenue over the first `h` days from renewals and from new subscribers.
    pub fn source_means(&self, h: u32) -> (f64, f64) {
        let n = f64::from(self.paths);
        self.at(h)
            .map_or((0.0, 0.0), |i| (self.renewals[i] / n, self.new[i] / n))
    }
}

/// `qs` quantiles of `values` (statrs' order statistics, which reorder them).
pub fn quantiles(values: &mut [f64], qs: &[f64]) -> Vec<f64> {
    let mut data = Data::new(values);
    qs.iter().map(|q| data.quantile(*q)).collect()
}

/// A group of today's subscribers: same tier, token, price, period and first payment's day.
struct Group {
    tier: usize,
    token: usize,
    net: f64,
    count: u64,
    /// Per checkpoint: payments due before it (the first, then one a period).
    due: Vec<u32>,
    /// Payments due before the last checkpoint.
    most: u32,
}

/// Arrival days whose subscribers' payments fall before the same checkpoints.
struct Segment {
    days: std::ops::Range<usize>,
    /// Per checkpoint: 1 if the arrival's own payment is before it.
    paid: Vec<u32>,
    /// Per checkpoint: renewals due before it.
    due: Vec<u32>,
}

/// A tier taking new subscribers, with its arrival segments.
struct Open {
    tier: usize,
    token: usize,
    net: f64,
    segments: Vec<Segment>,
    /// Renewals due before the last checkpoint, at most (the last class).
    most: u32,
}

/// The net of a payment of `price`: less `floor(price / 100)`.
fn net(price: i128) -> f64 {
    (price - price / 100) as f64
}

/// The segments of a tier with period `period` over `days` days for `checkpoints`.
fn segments(period: u64, days: usize, checkpoints: &[u32]) -> (Vec<Segment>, u32) {
    let lead = period - renewal_opens_at(period, period);
    let profile = |d: usize| -> (Vec<u32>, Vec<u32>) {
        let paid = checkpoints
            .iter()
            .map(|c| u32::from(d < *c as usize))
            .collect();
        // Renewal k (from 1) at t0 + k·period, counted by its day: before checkpoint c while
        // t0 + k·period < c·DAY, so there are floor((c·DAY - 1 - t0) / period) of them.
        let t0 = (d as u64 * DAY + DAY / 2) as i128 - i128::from(lead);
        let due = checkpoints
            .iter()
            .map(|c| {
                let room = i128::from(*c) * i128::from(DAY) - 1 - t0;
                u32::try_from((room / i128::from(period)).max(0)).unwrap_or(u32::MAX)
            })
            .collect();
        (paid, due)
    };
    let mut out: Vec<Segment> = Vec::new();
    for d in 0..days {
        let (paid, due) = profile(d);
        match out.last_mut() {
            Some(s) if s.paid == paid && s.due == due => s.days.end = d + 1,
            _ => out.push(Segment {
                days: d..d + 1,
                paid,
                due,
            }),
        }
    }
    let most = out
        .iter()
        .flat_map(|s| s.due.iter().copied())
        .max()
        .unwrap_or(0);
    (out, most)
}

/// Simulates `paths` paths, recording each at `checkpoints` (days, ascending). One
/// [`TokenPaths`] per token seen, by token.
pub fn run(
    h: &History,
    fits: &Fits,
    checkpoints: &[u32],
    paths: u32,
    seed: u64,
) -> Vec<TokenPaths> {
    let days = checkpoints.last().copied().unwrap_or(0) as usize;
    let mut tokens: Vec<String> = h
        .positions
        .iter()
        .map(|p| p.token.clone())
        .chain(
            h.tiers
                .iter()
                .filter(|t| !t.retired)
                .map(|t| t.token.clone()),
        )
        .chain(h.streams.iter().map(|s| s.token.clone()))
        .collect();
    tokens.sort();
    tokens.dedup();
    let token = |t: &str| tokens.iter().position(|x| x == t).unwrap_or(0);
    let tier = |level: u32| fits.tiers.iter().position(|t| t.level == level);
    let mut groups: BTreeMap<(usize, usize, i128, u64, u64), u64> = BTreeMap::new();
    for p in h.positions.iter().filter(|p| p.renewable && !p.failing) {
        let Some(t) = tier(p.level) else { continue };
        // Grouped by the day of the first payment (at its middle): revenue is counted by day.
        let first =
            renewal_opens_at(p.expires_at, p.period).saturating_sub(h.now) / DAY * DAY + DAY / 2;
        *groups
            .entry((t, token(&p.token), p.price, p.period, first))
            .or_default() += 1;
    }
    let groups: Vec<Group> = groups
        .into_iter()
        .map(|((tier, token, price, period, first), count)| {
            // Payment k (from 0) at first + k·period: before checkpoint c while it is before
            // c·DAY, so there are floor((c·DAY - 1 - first) / period) + 1 of them.
            let due: Vec<u32> = checkpoints
                .iter()
                .map(|c| {
                    let end = u64::from(*c) * DAY;
                    if first >= end || period == 0 {
                        u32::from(first < end)
                    } else {
                        u32::try_from((end - 1 - first) / period + 1).unwrap_or(u32::MAX)
                    }
                })
                .collect();
            Group {
                tier,
                token,
                net: net(price),
                count,
                most: due.last().copied().unwrap_or(0),
                due,
            }
        })
        .collect();
    let open: Vec<Open> = h
        .tiers
        .iter()
        .filter(|t| !t.retired && t.period > 0)
        .filter_map(|t| {
            let (segments, most) = segments(t.period, days, checkpoints);
            Some(Open {
                tier: tier(t.level)?,
                token: token(&t.token),
                net: net(t.price),
                segments,
                most,
            })
        })
        .collect();
    let plan = Plan {
        fits,
        groups: &groups,
        open: &open,
        tokens: tokens.len(),
        days,
        checkpoints,
        seed,
    };
    let chunks = paths.div_ceil(CHUNK);
    let run_chunk = |c: u32| plan.chunk(c, ((c + 1) * CHUNK).min(paths) - c * CHUNK);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4) as u32;
    let mut results: Vec<(u32, Chunk)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|w| {
                let run_chunk = &run_chunk;
                s.spawn(move || {
                    (w..chunks)
                        .step_by(threads as usize)
                        .map(|c| (c, run_chunk(c)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(c, _)| *c);
    let n = checkpoints.len();
    (0..tokens.len())
        .map(|k| {
            let mut out = TokenPaths {
                token: tokens[k].clone(),
                checkpoints: checkpoints.to_vec(),
                paths,
                cum: Vec::with_capacity(paths as usize * n),
                renewals: vec![0.0; n],
                new: vec![0.0; n],
            };
            for (_, chunk) in &results {
                out.cum.extend_from_slice(&chunk.cum[k]);
                for i in 0..n {
                    out.renewals[i] += chunk.renewals[k][i];
                    out.new[i] += chunk.new[k][i];
                }
            }
            out
        })
        .collect()
}

/// One chunk's paths, per token.
#[derive(Default)]
struct Chunk {
    cum: Vec<Vec<f64>>,
    renewals: Vec<Vec<f64>>,
    new: Vec<Vec<f64>>,
}

/// What every path plays out.
struct Plan<'a> {
    fits: &'a Fits,
    groups: &'a [Group],
    open: &'a [Open],
    tokens: usize,
    days: usize,
    checkpoints: &'a [u32],
    seed: u64,
}

impl Plan<'_> {
    fn chunk(&self, chunk: u32, paths: u32) -> Chunk {
        let mut rng = SmallRng::seed_from_u64(
            self.seed ^ (u64::from(chunk) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let (n, tiers) = (self.checkpoints.len(), self.fits.tiers.len());
        let mut out = Chunk {
            cum: vec![Vec::with_capacity(paths as usize * n); self.tokens],
            renewals: vec![vec![0.0; n]; self.tokens],
            new: vec![vec![0.0; n]; self.tokens],
        };
        let mut p = vec![Chance::default(); tiers];
        let mut lapse = vec![Chance::default(); tiers];
        let mut ab = vec![[0.0; 2]; tiers];
        let mut renew_cp = vec![vec![0.0; n]; self.tokens];
        let mut new_cp = vec![vec![0.0; n]; self.tokens];
        let mut rates = vec![0.0; self.days];
        for _ in 0..paths {
            for (i, t) in self.fits.tiers.iter().enumerate() {
                let renew = Beta::new(t.beta.0, t.beta.1).map_or(0.5, |b| b.sample(&mut rng));
                p[i] = Chance::new(renew);
                lapse[i] = Chance::new(1.0 - renew);
                let ([a, b], c) = t.arrivals_fit;
                // (a, b) ~ N(theta, cov) through the covariance's Cholesky factor.
                let l00 = c[0][0].max(0.0).sqrt();
                let l10 = if l00 > 0.0 { c[1][0] / l00 } else { 0.0 };
                let l11 = (c[1][1] - l10 * l10).max(0.0).sqrt();
                let (z0, z1): (f64, f64) = (rng.sample(StandardNormal), rng.sample(StandardNormal));
                ab[i] = [a + l00 * z0, b + l10 * z0 + l11 * z1];
            }
            for k in 0..self.tokens {
                renew_cp[k].fill(0.0);
                new_cp[k].fill(0.0);
            }
            for g in self.groups {
                // Members renewing exactly j times lapse at their (j + 1)th due payment: a
                // Binomial of those left each time; the rest, past CLASSES, one by one.
                let mut add = |renewals: u32, count: u64| {
                    for (i, cp) in renew_cp[g.token].iter_mut().enumerate() {
                        *cp += count as f64 * f64::from(renewals.min(g.due[i])) * g.net;
                    }
                };
                let classes = g.most.min(CLASSES);
                let mut left = g.count;
                for j in 0..classes {
                    if left == 0 {
                        break;
                    }
                    let lapsed = lapse[g.tier].binomial(&mut rng, left);
                    left -= lapsed;
                    if lapsed > 0 {
                        add(j, lapsed);
                    }
                }
                if left > 0 {
                    beyond(&mut rng, left, classes, g.most, lapse[g.tier].p, add);
                }
            }
            for o in self.open {
                let (Chance { p: renew, .. }, [a, b]) = (p[o.tier], ab[o.tier]);
                // exp(a + b·(day + ½)), one multiplication a day.
                let (mut next, growth) = ((a + b * 0.5).exp(), b.exp());
                for r in &mut rates {
                    *r = next.min(MAX_RATE);
                    next *= growth;
                }
                for s in &o.segments {
                    let total: f64 = rates[s.days.clone()].iter().sum();
                    let mut add = |renewals: u32, count: f64| {
                        for (i, cp) in new_cp[o.token].iter_mut().enumerate() {
                            *cp += count * f64::from(s.paid[i] + renewals.min(s.due[i])) * o.net;
                        }
                    };
                    // Classes of exactly j renewals, j < CLASSES, each a Poisson count.
                    let classes = o.most.min(CLASSES);
                    let mut reach = total; // Λ·p^j
                    for j in 0..classes {
                        let mean = reach * (1.0 - renew);
                        reach *= renew;
                        if mean > 0.0 {
                            let count = Poisson::new(mean).map_or(0.0, |d| d.sample(&mut rng));
                            if count > 0.0 {
                                add(j, count);
                            }
                        }
                    }
                    // The rest renew at least CLASSES times (short periods): few, one by one,
                    // each renewing a further Geometric(1 - p) times, at most `most` in all.
                    if reach > 0.0 {
                        let rest = Poisson::new(reach).map_or(0.0, |d| d.sample(&mut rng)) as u64;
                        beyond(&mut rng, rest, classes, o.most, 1.0 - renew, |r, n| {
                            add(r, n as f64);
                        });
                    }
                }
            }
            for k in 0..self.tokens {
                for i in 0..n {
                    out.cum[k].push(renew_cp[k][i] + new_cp[k][i]);
                    out.renewals[k][i] += renew_cp[k][i];
                    out.new[k][i] += new_cp[k][i];
                }
            }
        }
        out
    }
}

/// `n` members who renewed `classes` times: when no more payments are due before the last
/// checkpoint (`classes == most`) they are credited together; else each renews a further
/// `Geometric(lapse)` times, at most `most` in all. Calls `add(renewals, members)`.
fn beyond(
    rng: &mut SmallRng,
    n: u64,
    classes: u32,
    most: u32,
    lapse: f64,
    mut add: impl FnMut(u32, u64),
) {
    if classes == most {
        add(most, n);
        return;
    }
    let more = Geometric::new(lapse).ok();
    for _ in 0..n {
        let extra = more.as_ref().map_or(u64::MAX, |d| d.sample(rng));
        let renewals = u64::from(classes).saturating_add(extra);
        add(u32::try_from(renewals).unwrap_or(u32::MAX).min(most), 1);
    }
}

/// A probability, ready for [`Chance::binomial`].
#[derive(Clone, Copy, Debug, Default)]
struct Chance {
    p: f64,
    /// `p · 2^16`, rounded.
    threshold: u64,
}

impl Chance {
    fn new(p: f64) -> Self {
        let p = p.clamp(0.0, 1.0);
        Self {
            p,
            threshold: (p * 65_536.0 + 0.5) as u64,
        }
    }

    /// `Binomial(n, p)`: while `n` is small, trial by trial, four to a 64-bit draw (each
    /// 16-bit lane below `p · 2^16` is a success, so `p` counts to 1/65,536), several times
    /// faster than setting up rand_distr's sampler; rand_distr's above.
    fn binomial(self, rng: &mut SmallRng, n: u64) -> u64 {
        if n > SMALL_N {
            return Binomial::new(n, self.p).map_or(0, |b| b.sample(rng));
        }
        let mut successes = 0;
        let mut left = n;
        while left > 0 {
            let bits = rng.next_u64();
            for lane in 0..left.min(4) {
                successes += u64::from((bits >> (16 * lane)) & 0xffff < self.threshold);
            }
            left = left.saturating_sub(4);
        }
        successes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_share_their_payments_before_each_checkpoint() {
        // A 30-day period renews a day early: an arrival on day d renews on d + 29, d + 59, ….
        let (segs, most) = segments(30 * DAY, 90, &[30, 60, 90]);
        assert_eq!(
            most, 3,
            "an arrival on day 0 renews three times before day 90"
        );
        let day = |d: usize| segs.iter().find(|s| s.days.contains(&d)).unwrap();
        assert_eq!(
            (day(0).paid.clone(), day(0).due.clone()),
            (vec![1, 1, 1], vec![1, 2, 3])
        );
        assert_eq!(
            (day(1).paid.clone(), day(1).due.clone()),
            (vec![1, 1, 1], vec![0, 1, 2])
        );
        assert_eq!(
            (day(45).paid.clone(), day(45).due.clone()),
            (vec![0, 1, 1], vec![0, 0, 1])
        );
        assert_eq!(
            (day(89).paid.clone(), day(89).due.clone()),
            (vec![0, 0, 1], vec![0, 0, 0])
        );
        assert_eq!(segs.iter().map(|s| s.days.len()).sum::<usize>(), 90);
    }
}
