//! The stream contract's vesting math, off-chain (docs/PROTOCOL.md, `contracts/stream`): the same
//! formulas and rounding as `contracts/stream/src/stream.rs`, on the generated [`Stream`]. Times
//! are Unix seconds; amounts base units.

use tributary_rules::math::mul_div_floor;

use crate::generated::stream::{Stream, StreamStatus};

/// Vested at `now`, ignoring cancellation: `0` before the cliff, `deposit` from `end`, else
/// `floor(deposit × (now − start) / (end − start))` with a 256-bit-safe product.
pub fn vested_at(s: &Stream, now: u64) -> i128 {
    if now < s.cliff {
        0
    } else if now >= s.end {
        s.deposit
    } else {
        mul_div_floor(s.deposit, now - s.start, s.end - s.start)
    }
}

/// Streamed by `now`: frozen at the cancel for a canceled stream.
pub fn streamed(s: &Stream, now: u64) -> i128 {
    if s.canceled {
        s.deposit - s.refunded
    } else {
        vested_at(s, now)
    }
}

/// Withdrawable at `now`: `streamed − withdrawn`.
pub fn withdrawable(s: &Stream, now: u64) -> i128 {
    streamed(s, now) - s.withdrawn
}

/// What a cancel at `now` would refund: the unvested part of a cancelable stream, else `0`.
pub fn refundable(s: &Stream, now: u64) -> i128 {
    if s.cancelable && !s.canceled {
        s.deposit - streamed(s, now)
    } else {
        0
    }
}

/// The status at `now` (Sablier's lifecycle): `Depleted` once everything is paid out or
/// refunded, then `Canceled`, `Pending` before `start`, `Settled` once fully vested, else
/// `Streaming`.
pub fn status(s: &Stream, now: u64) -> StreamStatus {
    if s.withdrawn + s.refunded >= s.deposit {
        StreamStatus::Depleted
    } else if s.canceled {
        StreamStatus::Canceled
    } else if now < s.start {
        StreamStatus::Pending
    } else if streamed(s, now) >= s.deposit {
        StreamStatus::Settled
    } else {
        StreamStatus::Streaming
    }
}
