// Subscriptions off-chain (docs/PROTOCOL.md, `contracts/access`), times in Unix seconds:
// - `has_access`: a fan may see a creator's content at `minLevel` while `level ≥ minLevel` and
//   `now < expires_at + grace` (the sum saturating at `u64::MAX` as in the contract);
// - the renewal window: `renew` charges only from `expires_at - min(period / 2, 86,400)` on.
import type { Subscription } from "./generated/access.js";

const U64_MAX = (1n << 64n) - 1n;

/**
 * Whether `sub` grants access at `minLevel` at `now`; `false` without a subscription
 * (`get_subscription`'s `None`, `undefined` or `null`).
 */
export function hasAccess(sub: Subscription | null | undefined, minLevel: number, now: bigint): boolean {
  if (sub === undefined || sub === null) return false;
  const until = sub.expires_at + sub.grace;
  return sub.level >= minLevel && now < (until > U64_MAX ? U64_MAX : until);
}

/** The most a renewal may come before `expires_at`: one day, in seconds. */
export const RENEWAL_LEAD = 86_400n;

/** The first second a keeper's `renew` of `sub` charges: `expires_at - min(period / 2, 1 day)`, at least 0. */
export function renewalOpensAt(sub: Subscription): bigint {
  const half = sub.period / 2n;
  const lead = half < RENEWAL_LEAD ? half : RENEWAL_LEAD;
  return sub.expires_at > lead ? sub.expires_at - lead : 0n;
}

/** Whether `renew` of `sub` at `now` is due (it may still fail on the fan's allowance, balance or the tier's terms). */
export function renewalDue(sub: Subscription, now: bigint): boolean {
  return now >= renewalOpensAt(sub);
}
