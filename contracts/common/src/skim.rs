//! The protocol's 1% skim on payouts (docs/PROTOCOL.md, "Shared rules: Skim").
//!
//! The skim is computed on a position's cumulative gross payout, so that however a payout is
//! split into withdrawals, the position's total skim is exactly `floor(total * 1%)`:
//! `skim = floor(cum_after * SKIM_BPS / BPS) - floor(cum_before * SKIM_BPS / BPS)`.

use soroban_sdk::{contractevent, Address, Env};

use crate::{host::transfer, math::mul_div_floor};

/// The skim rate in basis points: 100 bps = 1%. A protocol constant; it cannot be governed.
pub const SKIM_BPS: u64 = 100;

/// Basis-point denominator: 10,000 bps = 100%.
pub const BPS: u64 = 10_000;

/// A skim of `amount` base units of `asset` was paid to the insurance contract.
///
/// Emitted by a payout contract (stream, claims, access) in the same transaction as the payout.
/// Topics: `["skim_paid", asset]`. Data: `amount` (`i128`, base units, always `> 0`).
#[contractevent(topics = ["skim_paid"], data_format = "single-value")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct SkimPaid {
    /// The token contract the skim was paid in.
    #[topic]
    pub asset: Address,
    /// Skim in the token's base units.
    pub amount: i128,
}

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

/// Pays a gross payout of `gross` from this contract: `gross - skim` to `to` and the skim to
/// `insurance`, then emits [`SkimPaid`] if the skim is non-zero. Returns the net amount paid.
///
/// `cum_before` is the position's cumulative gross payout before this one (base units).
///
/// # Errors
/// Fails with the token's error if this contract's balance is too low or `to` can't receive
/// the token (for example a G-account without a trustline); the whole transaction then reverts.
pub fn pay_with_skim(
    e: &Env,
    token: &Address,
    to: &Address,
    insurance: &Address,
    cum_before: i128,
    gross: i128,
) -> i128 {
    let skim = skim_due(cum_before, gross);
    let net = gross - skim;
    let this = e.current_contract_address();
    if net > 0 {
        transfer(e, token, &this, to, net);
    }
    if skim > 0 {
        transfer(e, token, &this, insurance, skim);
        SkimPaid {
            asset: token.clone(),
            amount: skim,
        }
        .publish(e);
    }
    net
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
