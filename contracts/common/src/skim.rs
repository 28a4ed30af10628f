//! The protocol's 1% skim on payouts (docs/PROTOCOL.md, "Shared rules: Skim").
//!
//! The skim is computed on a position's cumulative gross payout, so that however a payout is
//! split into withdrawals, the position's total skim is exactly `floor(total * 1%)`:
//! `skim = floor(cum_after * SKIM_BPS / BPS) - floor(cum_before * SKIM_BPS / BPS)`.

use soroban_sdk::{contractevent, Address, Env};

use crate::host::transfer;

pub use tributary_rules::skim::{skim_due, skim_of, BPS, SKIM_BPS};

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
