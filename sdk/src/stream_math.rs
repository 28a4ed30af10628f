//! The stream contract's vesting math, off-chain (docs/PROTOCOL.md, `contracts/stream`): the
//! contract's own rules (`tributary_rules::vesting`, which the contract runs too), on the
//! generated [`Stream`]. Times are Unix seconds; amounts base units.

pub use tributary_rules::vesting::{Position, Status};

use crate::generated::stream::{Stream, StreamStatus};

/// The stream's vesting inputs.
pub fn position(s: &Stream) -> Position {
    Position {
        deposit: s.deposit,
        withdrawn: s.withdrawn,
        refunded: s.refunded,
        start: s.start,
        cliff: s.cliff,
        end: s.end,
        cancelable: s.cancelable,
        canceled: s.canceled,
    }
}

/// Vested at `now`, ignoring cancellation: `0` before the cliff, `deposit` from `end`, else
/// `floor(deposit × (now − start) / (end − start))` with a 256-bit-safe product.
pub fn vested_at(s: &Stream, now: u64) -> i128 {
    position(s).vested_at(now)
}

/// Streamed by `now`: frozen at the cancel for a canceled stream.
pub fn streamed(s: &Stream, now: u64) -> i128 {
    position(s).streamed(now)
}

/// Withdrawable at `now`: `streamed − withdrawn`.
pub fn withdrawable(s: &Stream, now: u64) -> i128 {
    position(s).withdrawable(now)
}

/// What a cancel at `now` would refund: the unvested part of a cancelable stream, else `0`.
pub fn refundable(s: &Stream, now: u64) -> i128 {
    position(s).refundable(now)
}

/// The status at `now` (Sablier's lifecycle): `Depleted` once everything is paid out or
/// refunded, then `Canceled`, `Pending` before `start`, `Settled` once fully vested, else
/// `Streaming`.
pub fn status(s: &Stream, now: u64) -> StreamStatus {
    stream_status(position(s).status(now))
}

/// The generated `StreamStatus` of a rules [`Status`].
pub fn stream_status(s: Status) -> StreamStatus {
    match s {
        Status::Pending => StreamStatus::Pending,
        Status::Streaming => StreamStatus::Streaming,
        Status::Settled => StreamStatus::Settled,
        Status::Canceled => StreamStatus::Canceled,
        Status::Depleted => StreamStatus::Depleted,
    }
}
