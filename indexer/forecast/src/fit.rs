//! What a creator's history says, per tier:
//! - **Renewal probability**: `Beta(1 + renewals, 1 + lapses)`, the conjugate posterior of a
//!   Bernoulli rate under a uniform prior: with no history its mean is ½ and its spread wide.
//! - **New-subscriber arrivals**: a Poisson process with rate `exp(a + b·t)` per day (`t` in
//!   days from now, negative in the past), fitted by maximum likelihood (Newton's method) on
//!   the daily counts of the last [`WINDOW_DAYS`] days. Half a pseudo-arrival spread over the
//!   window keeps a quiet tier's rate above zero, and a `Normal(0, 0.02)` prior on the slope
//!   keeps a few arrivals from implying a steep trend. The inverse of the observed information
//!   is the parameters' covariance, which the paths sample from.

use serde::Serialize;

use super::{History, SubEventKind, DAY};

/// Days of history the arrival rate is fitted on (fewer if the creator is younger, at least
/// [`MIN_WINDOW_DAYS`]).
pub const WINDOW_DAYS: u64 = 56;
/// The shortest window.
pub const MIN_WINDOW_DAYS: u64 = 14;
/// Standard deviation of the slope's prior, per day.
const SLOPE_PRIOR_SD: f64 = 0.02;

/// One tier's fitted factors.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TierFit {
    /// Level.
    pub level: u32,
    /// Renewals seen.
    pub renewals: u32,
    /// Lapses seen.
    pub lapses: u32,
    /// New subscribers seen in the window.
    pub arrivals: u32,
    /// Posterior mean of the renewal probability: `(1 + renewals) / (2 + renewals + lapses)`.
    pub renewal_rate: f64,
    /// Beta posterior parameters.
    #[serde(skip)]
    pub beta: (f64, f64),
    /// Fitted arrivals a day now: `exp(a)`.
    pub arrival_rate: f64,
    /// Fitted growth of the arrival rate a day: `exp(b) - 1`.
    pub trend: f64,
    /// Days the arrivals were fitted on.
    pub window_days: u64,
    /// `(a, b)` and their covariance.
    #[serde(skip)]
    pub arrivals_fit: ([f64; 2], [[f64; 2]; 2]),
}

/// Every tier's fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Fits {
    /// By level, ascending.
    pub tiers: Vec<TierFit>,
}

impl Fits {
    /// The fit of `level`.
    pub fn of(&self, level: u32) -> Option<&TierFit> {
        self.tiers.iter().find(|t| t.level == level)
    }
}

/// Fits every level that has a tier, a live position or an event.
pub fn fit(h: &History) -> Fits {
    let mut levels: Vec<u32> = h
        .tiers
        .iter()
        .map(|t| t.level)
        .chain(h.positions.iter().map(|p| p.level))
        .chain(h.events.iter().map(|e| e.level))
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let first = h.events.iter().map(|e| e.at).min().unwrap_or(h.now);
    let age_days = h.now.saturating_sub(first).div_ceil(DAY);
    let window = age_days.clamp(MIN_WINDOW_DAYS, WINDOW_DAYS);
    let tiers = levels
        .into_iter()
        .map(|level| {
            let count = |kind| {
                h.events
                    .iter()
                    .filter(|e| e.level == level && e.kind == kind)
                    .count() as u32
            };
            let (renewals, lapses) = (count(SubEventKind::Renewed), count(SubEventKind::Lapsed));
            let mut daily = vec![0.0; window as usize];
            let mut arrivals = 0;
            for e in h
                .events
                .iter()
                .filter(|e| e.level == level && e.kind == SubEventKind::New)
            {
                let ago = h.now.saturating_sub(e.at) / DAY;
                if e.at < h.now && ago < window {
                    daily[(window - 1 - ago) as usize] += 1.0;
                    arrivals += 1;
                }
            }
            let (theta, cov) = poisson_log_linear(&daily);
            let beta = (1.0 + f64::from(renewals), 1.0 + f64::from(lapses));
            TierFit {
                level,
                renewals,
                lapses,
                arrivals,
                renewal_rate: beta.0 / (beta.0 + beta.1),
                beta,
                arrival_rate: theta[0].exp(),
                trend: theta[1].exp() - 1.0,
                window_days: window,
                arrivals_fit: (theta, cov),
            }
        })
        .collect();
    Fits { tiers }
}

/// The maximum-likelihood `(a, b)` of counts `y[i]` on day `t_i = i - n + 0.5` (the last day
/// ends now) under `Poisson(exp(a + b·t))`, with half a pseudo-count spread over the days and
/// the slope's prior, and the inverse observed information as their covariance.
pub fn poisson_log_linear(y: &[f64]) -> ([f64; 2], [[f64; 2]; 2]) {
    let n = y.len() as f64;
    let pseudo = 0.5 / n;
    let t = |i: usize| i as f64 - n + 0.5;
    let total: f64 = y.iter().sum::<f64>() + 0.5;
    let mut theta = [(total / n).ln(), 0.0];
    let mut info = [[0.0; 2]; 2];
    for _ in 0..50 {
        let (mut g, mut h) = ([0.0, -theta[1] / SLOPE_PRIOR_SD.powi(2)], [[0.0; 2]; 2]);
        h[1][1] = 1.0 / SLOPE_PRIOR_SD.powi(2);
        for (i, yi) in y.iter().enumerate() {
            let ti = t(i);
            let mu = (theta[0] + theta[1] * ti).min(30.0).exp();
            let r = yi + pseudo - mu;
            g[0] += r;
            g[1] += r * ti;
            h[0][0] += mu;
            h[0][1] += mu * ti;
            h[1][1] += mu * ti * ti;
        }
        h[1][0] = h[0][1];
        info = h;
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        if det <= 0.0 || !det.is_finite() {
            break;
        }
        let step = [
            (h[1][1] * g[0] - h[0][1] * g[1]) / det,
            (h[0][0] * g[1] - h[1][0] * g[0]) / det,
        ];
        theta[0] += step[0];
        theta[1] += step[1];
        if step[0].abs() < 1e-9 && step[1].abs() < 1e-9 {
            break;
        }
    }
    let det = info[0][0] * info[1][1] - info[0][1] * info[1][0];
    let cov = if det > 0.0 && det.is_finite() {
        [
            [info[1][1] / det, -info[0][1] / det],
            [-info[1][0] / det, info[0][0] / det],
        ]
    } else {
        [[1.0, 0.0], [0.0, SLOPE_PRIOR_SD.powi(2)]]
    };
    (theta, cov)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_rate_is_found_with_no_trend() {
        let y = vec![3.0; 56];
        let (theta, cov) = poisson_log_linear(&y);
        assert!((theta[0].exp() - 3.0).abs() < 0.05, "{theta:?}");
        assert!(theta[1].abs() < 1e-3, "{theta:?}");
        assert!(cov[0][0] > 0.0 && cov[1][1] > 0.0);
    }

    #[test]
    fn a_doubling_over_the_window_is_a_positive_trend() {
        let y: Vec<f64> = (0..56)
            .map(|i| (2.0 * (i as f64 / 56.0 * 2f64.ln()).exp()).round())
            .collect();
        let (theta, _) = poisson_log_linear(&y);
        assert!(theta[1] > 0.005, "{theta:?}");
        assert!((theta[0].exp() - 4.0).abs() < 0.8, "{theta:?}");
    }

    #[test]
    fn no_arrivals_is_a_small_positive_rate() {
        let (theta, _) = poisson_log_linear(&[0.0; 30]);
        let rate = theta[0].exp();
        assert!(rate > 0.0 && rate < 0.05, "{rate}");
    }
}
