//! The 1% insurance skim (docs/PROTOCOL.md): `skim = floor(cum_after × 1%) − floor(cum_before × 1%)`
//! on a position's cumulative gross payout, so a position's total skim is exactly
//! `floor(total × 1%)`. The same functions the contracts run (`tributary-common`).

pub use tributary_rules::skim::{skim_due, skim_of, BPS, SKIM_BPS};

/// The net a recipient receives for a gross payout of `gross` base units after `cum_before`
/// had been paid gross: `gross − skim_due(cum_before, gross)`.
pub fn net_of(cum_before: i128, gross: i128) -> i128 {
    gross - skim_due(cum_before, gross)
}
