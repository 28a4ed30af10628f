// The stream contract's vesting math, off-chain (docs/PROTOCOL.md, `contracts/stream`): the
// same formulas and rounding as the contract, on a `Stream` read with `get_stream`. Times are
// Unix seconds and amounts base units, both bigint.
import { StreamStatus, type Stream } from "./generated/stream.js";

/**
 * Vested at `now`, ignoring cancellation: `0` before the cliff, `deposit` from `end`, else
 * `floor(deposit × (now − start) / (end − start))` (exact: bigint arithmetic).
 */
export function vestedAt(s: Stream, now: bigint): bigint {
  if (now < s.cliff) return 0n;
  if (now >= s.end) return s.deposit;
  return (s.deposit * (now - s.start)) / (s.end - s.start);
}

/** Streamed by `now`: frozen at the cancel for a canceled stream. */
export function streamed(s: Stream, now: bigint): bigint {
  return s.canceled ? s.deposit - s.refunded : vestedAt(s, now);
}

/** Withdrawable (gross) at `now`: `streamed − withdrawn`. */
export function withdrawable(s: Stream, now: bigint): bigint {
  return streamed(s, now) - s.withdrawn;
}

/** What a cancel at `now` would refund: the unvested part of a cancelable stream, else `0`. */
export function refundable(s: Stream, now: bigint): bigint {
  return s.cancelable && !s.canceled ? s.deposit - streamed(s, now) : 0n;
}

/**
 * The status at `now` (Sablier's lifecycle): `Depleted` once everything is paid out or
 * refunded, then `Canceled`, `Pending` before `start`, `Settled` once fully vested, else
 * `Streaming`.
 */
export function status(s: Stream, now: bigint): StreamStatus {
  if (s.withdrawn + s.refunded >= s.deposit) return StreamStatus.Depleted;
  if (s.canceled) return StreamStatus.Canceled;
  if (now < s.start) return StreamStatus.Pending;
  if (streamed(s, now) >= s.deposit) return StreamStatus.Settled;
  return StreamStatus.Streaming;
}
