// The 1% insurance skim (docs/PROTOCOL.md, "The skim"): on a position's cumulative gross
// payout, `skim = floor(cum_after × 1%) − floor(cum_before × 1%)`, so a position's total skim
// is exactly `floor(total × 1%)`. Amounts are base units (bigint).

/** The skim rate in basis points. */
export const SKIM_BPS = 100n;
/** Basis points in one. */
export const BPS = 10_000n;

/** `floor(cum × 1%)`: the skim on a cumulative gross payout `cum` (`cum ≥ 0`). */
export function skimOf(cum: bigint): bigint {
  return (cum * SKIM_BPS) / BPS;
}

/** The skim on a payout of `gross` after `cumBefore` had been paid gross. */
export function skimDue(cumBefore: bigint, gross: bigint): bigint {
  return skimOf(cumBefore + gross) - skimOf(cumBefore);
}

/** What the recipient receives for that payout: `gross − skimDue(cumBefore, gross)`. */
export function netOf(cumBefore: bigint, gross: bigint): bigint {
  return gross - skimDue(cumBefore, gross);
}
