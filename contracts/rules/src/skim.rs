//! The protocol's 1% skim on payouts (docs/PROTOCOL.md, "Shared rules: Skim").
//!
//! The skim is computed on a position's cumulative gross payout, so that however a payout is
//! split into withdrawals, the position's total skim is exactly `floor(total * 1%)`:
//! `skim = floor(cum_after * SKIM_BPS / BPS) - floor(cum_before * SKIM_BPS / BPS)`.

use crate::math::mul_div_floor;

/// The skim rate in basis points: 100 bps = 1%. A protocol constant; it cannot be governed.
pub const SKIM_BPS: u64 = 100;

/// Basis-point denominator: 10,000 bps = 100%.
pub const BPS: u64 = 10_000;

/// The total skim owed on a cumulative gross payout `cum` (base units): `floor(cum * 1%)`.
///
/// Returns `0` for `cum <= 0`. Never overflows (see [`mul_div_floor`]).
pub fn skim_of(cum: i128) -> i128 {
    mul_div_floor(cum, SKIM_BPS, BPS)
}

/// The skim due on a payout of `gross` when `cum_before` had already been paid gross.
///
/// Equals `skim_of(cum_before + gross) - skim_of(cum_before)`; `0 <= result <= gross`.
/// The caller guarantees `cum_before + gross` does not overflow (both are bounded by an escrow).
pub fn skim_due(cum_before: i128, gross: i128) -> i128 {
    skim_of(cum_before + gross) - skim_of(cum_before)
}

#[cfg(test)]
mod test {
    use super::{skim_due, skim_of};
    use proptest::prelude::*;

    #[test]
    fn skim_is_one_percent_rounded_down() {
        assert_eq!(skim_of(0), 0);
        assert_eq!(skim_of(99), 0);
        assert_eq!(skim_of(100), 1);
        assert_eq!(skim_of(12_345), 123);
        assert_eq!(skim_of(i128::MAX), i128::MAX / 100);
        assert_eq!(skim_of(-1), 0);
    }

    proptest! {
        #[test]
        fn split_payouts_skim_exactly_one_percent(parts in proptest::collection::vec(0i128..1_000_000, 1..50)) {
            let mut cum = 0;
            let mut total_skim = 0;
            for g in parts {
                let s = skim_due(cum, g);
                prop_assert!(s >= 0 && s <= g);
                total_skim += s;
                cum += g;
            }
            prop_assert_eq!(total_skim, cum / 100);
        }
    }
}
