// `has_access` off-chain (docs/PROTOCOL.md, `contracts/access`): a fan may see a creator's
// content at `minLevel` while `level ≥ minLevel` and `now < expires_at + grace` (Unix seconds,
// the sum saturating at `u64::MAX` as in the contract).
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
