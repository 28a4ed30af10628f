//! Per-call options and the fee policy: memo, time bounds from the ledger clock, and the
//! inclusion fee from `getFeeStats` with a cap (Stellar RPC docs, `getFeeStats`;
//! CAP-46-7 for the resource fee).

use std::time::Duration;

use stellar_xdr::Memo;

/// Options of one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallOptions {
    /// The transaction's memo (SEP-29 for exchanges; `Memo::None` by default).
    pub memo: Memo,
    /// Time bounds: valid until the latest ledger's close time (or this machine's clock, if
    /// later) plus this. `None`: no time bounds. Default: 300 s, so a transaction that did not
    /// land is void after it and can be rebuilt safely.
    pub valid_for: Option<Duration>,
    /// The most this transaction may bid in all (inclusion fee plus resource fee), stroops;
    /// above it nothing is sent and the call fails with [`crate::Error::FeeAboveCap`]. `None`
    /// (default): only the fee policy's inclusion-fee cap applies.
    pub max_fee: Option<u32>,
}

impl Default for CallOptions {
    fn default() -> Self {
        Self {
            memo: Memo::None,
            valid_for: Some(Duration::from_secs(300)),
            max_fee: None,
        }
    }
}

/// Which percentile of recent Soroban inclusion fees (`getFeeStats.sorobanInclusionFee`) to
/// bid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeePercentile {
    /// The median.
    P50,
    /// The 90th percentile: lands in most ledgers, even under some surge.
    P90,
    /// The 99th percentile.
    P99,
    /// The highest fee seen.
    Max,
}

/// How the SDK sets a transaction's fee: the inclusion fee is the chosen percentile of recent
/// fees, at least the network minimum (100 stroops) and at most `max_inclusion`; the resource
/// fee is the simulation's plus `resource_margin_bps` (basis points) of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeePolicy {
    /// The percentile bid.
    pub percentile: FeePercentile,
    /// The cap on the inclusion fee, stroops.
    pub max_inclusion: u32,
    /// The margin on the simulated resource fee, basis points (1,000 = 10%).
    pub resource_margin_bps: u32,
}

impl Default for FeePolicy {
    fn default() -> Self {
        Self {
            percentile: FeePercentile::P90,
            max_inclusion: 10_000,
            resource_margin_bps: 1_000,
        }
    }
}

/// The network's minimum inclusion fee per operation, stroops.
pub const MIN_INCLUSION_FEE: u32 = 100;

impl FeePolicy {
    /// The inclusion fee to bid given `getFeeStats`'s Soroban distribution: the percentile,
    /// clamped to `[MIN_INCLUSION_FEE, max_inclusion]`; a value that doesn't parse counts as
    /// the minimum.
    pub fn inclusion(&self, stats: &stellar_rpc_client::FeeStat) -> u32 {
        let text = match self.percentile {
            FeePercentile::P50 => &stats.p50,
            FeePercentile::P90 => &stats.p90,
            FeePercentile::P99 => &stats.p99,
            FeePercentile::Max => &stats.max,
        };
        let fee = text.parse::<u64>().unwrap_or(0);
        u32::try_from(fee)
            .unwrap_or(u32::MAX)
            .clamp(MIN_INCLUSION_FEE, self.max_inclusion.max(MIN_INCLUSION_FEE))
    }

    /// The simulated `resource_fee` (stroops) with the margin, rounded up.
    pub fn resource(&self, resource_fee: i64) -> i64 {
        let margin =
            (i128::from(resource_fee) * i128::from(self.resource_margin_bps) + 9_999) / 10_000;
        i64::try_from(i128::from(resource_fee) + margin).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(p50: &str, p90: &str) -> stellar_rpc_client::FeeStat {
        serde_json::from_value(serde_json::json!({
            "max": "5000", "min": "100", "mode": "100", "p10": "100", "p20": "100", "p30": "100",
            "p40": "100", "p50": p50, "p60": "100", "p70": "100", "p80": "100", "p90": p90,
            "p95": "100", "p99": "4000", "transactionCount": "10", "ledgerCount": 50
        }))
        .unwrap()
    }

    #[test]
    fn the_inclusion_fee_is_the_percentile_clamped_to_the_minimum_and_the_cap() {
        let p = FeePolicy::default();
        assert_eq!(p.inclusion(&stats("100", "2500")), 2_500);
        assert_eq!(p.inclusion(&stats("100", "99999999999")), 10_000, "capped");
        assert_eq!(
            p.inclusion(&stats("100", "7")),
            MIN_INCLUSION_FEE,
            "at least the minimum"
        );
        assert_eq!(p.inclusion(&stats("100", "garbage")), MIN_INCLUSION_FEE);
        let median = FeePolicy {
            percentile: FeePercentile::P50,
            ..p
        };
        assert_eq!(median.inclusion(&stats("300", "2500")), 300);
        let max = FeePolicy {
            percentile: FeePercentile::Max,
            ..p
        };
        assert_eq!(max.inclusion(&stats("300", "2500")), 5_000);
    }

    #[test]
    fn the_resource_fee_gets_its_margin_rounded_up() {
        let p = FeePolicy::default();
        assert_eq!(p.resource(100_000), 110_000);
        assert_eq!(p.resource(1), 2);
        assert_eq!(p.resource(0), 0);
        let none = FeePolicy {
            resource_margin_bps: 0,
            ..p
        };
        assert_eq!(none.resource(12_345), 12_345);
    }
}
