// Claim keys: an ed25519 key standing in for a recipient without a wallet. The claim message is
// `sha256("tributary-claim-v1" ‖ xdr(ScVal::Vec[claims contract, id, index, to]))`
// (docs/PROTOCOL.md, `contracts/claims`), so a signature pays exactly one address from one
// entry.
import { Address, hash, Keypair, nativeToScVal, xdr } from "@stellar/stellar-sdk";

import { concat, scValXdr, utf8 } from "./bytes.js";

/** The domain prefix of claim messages. */
export const CLAIM_DOMAIN = "tributary-claim-v1";

/** The 32-byte message a claim key signs to pay entry `index` of campaign `id` on `claims` to `to`. */
export function claimMessage(claims: string, id: bigint, index: number, to: string): Uint8Array {
  const fields = xdr.ScVal.scvVec([
    new Address(claims).toScVal(),
    nativeToScVal(id, { type: "u64" }),
    nativeToScVal(index, { type: "u32" }),
    new Address(to).toScVal(),
  ]);
  return hash(concat(utf8(CLAIM_DOMAIN), scValXdr(fields)));
}

/** The claim key's 64-byte signature for that payout: the `signature` argument of `claim`. */
export function signClaim(
  key: Keypair,
  claims: string,
  id: bigint,
  index: number,
  to: string,
): Uint8Array {
  return new Uint8Array(key.sign(claimMessage(claims, id, index, to)));
}
