//! A stream's vesting (docs/PROTOCOL.md, `contracts/stream`, "Math"): what has streamed, what
//! is withdrawable and refundable, and the lifecycle status at a time. The stream contract, the
//! SDK and the indexer all compute them here. Amounts are base units, times Unix seconds.

use crate::math::mul_div_floor;

/// The amounts, times and flags of a stream that its vesting depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// Escrowed amount.
    pub deposit: i128,
    /// Cumulative gross amount withdrawn.
    pub withdrawn: i128,
    /// Amount refunded to the sender by a cancel.
    pub refunded: i128,
    /// Vesting start.
    pub start: u64,
    /// Cliff: nothing vests before it (`start <= cliff <= end`).
    pub cliff: u64,
    /// Vesting end (`> start`).
    pub end: u64,
    /// Whether the sender may still cancel.
    pub cancelable: bool,
    /// Whether the stream was canceled (vesting froze then).
    pub canceled: bool,
}

/// A stream's lifecycle status (Sablier's), with the codes of the contract's `StreamStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Before `start`.
    Pending = 0,
    /// Vesting, with funds still to vest.
    Streaming = 1,
    /// Fully vested, not fully withdrawn.
    Settled = 2,
    /// Canceled, with a vested part still to withdraw.
    Canceled = 3,
    /// Nothing left to withdraw or refund.
    Depleted = 4,
}

impl Position {
    /// Vested at `now`, ignoring cancellation: `0` before the cliff, `deposit` from `end`,
    /// else `floor(deposit * (now - start) / (end - start))`, never overflowing.
    pub fn vested_at(&self, now: u64) -> i128 {
        if now < self.cliff {
            0
        } else if now >= self.end {
            self.deposit
        } else {
            // cliff >= start, so now >= start here.
            mul_div_floor(self.deposit, now - self.start, self.end - self.start)
        }
    }

    /// Streamed by `now`: frozen at the cancel for a canceled stream.
    pub fn streamed(&self, now: u64) -> i128 {
        if self.canceled {
            self.deposit - self.refunded
        } else {
            self.vested_at(now)
        }
    }

    /// Withdrawable (gross) at `now`: `streamed - withdrawn`.
    pub fn withdrawable(&self, now: u64) -> i128 {
        self.streamed(now) - self.withdrawn
    }

    /// What a cancel at `now` would refund: the unvested part of a cancelable stream, else `0`.
    pub fn refundable(&self, now: u64) -> i128 {
        if self.cancelable && !self.canceled {
            self.deposit - self.streamed(now)
        } else {
            0
        }
    }

    /// The status at `now`: `Depleted` once everything is paid out or refunded, then
    /// `Canceled`, `Pending` before `start`, `Settled` once fully vested, else `Streaming`.
    pub fn status(&self, now: u64) -> Status {
        if self.withdrawn + self.refunded >= self.deposit {
            Status::Depleted
        } else if self.canceled {
            Status::Canceled
        } else if now < self.start {
            Status::Pending
        } else if self.streamed(now) >= self.deposit {
            Status::Settled
        } else {
            Status::Streaming
        }
    }
}
