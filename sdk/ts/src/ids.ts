// Stream and campaign ids, off-chain (docs/PROTOCOL.md, Shared rules, "Ids"): the id of a
// position is `u64_be(sha256(domain ‖ xdr(contract) ‖ xdr(creator) ‖ u64_be(salt))[0..8])`,
// where `xdr(·)` is an address's `ScVal` XDR. The Rust SDK's `ids` module, checked against it by
// the shared vectors.
import { hash } from "@stellar/stellar-sdk";

import { addressXdr, concat, readU64be, u64be, utf8 } from "./bytes.js";

/** Domain string of stream ids. */
export const STREAM_ID_DOMAIN = "tributary-stream-id-v1";
/** Domain string of campaign ids. */
export const CAMPAIGN_ID_DOMAIN = "tributary-campaign-id-v1";

/**
 * A salt from the platform's cryptographic RNG (`crypto.getRandomValues`). Two creates by one
 * creator with one salt derive one id (the second fails with `IdTaken`).
 */
export function randomSalt(): bigint {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return readU64be(bytes);
}

/** The id that `creator` gets with `salt` (a `u64`) from `contract`, under `domain`. */
export function deriveId(domain: string, contract: string, creator: string, salt: bigint): bigint {
  const digest = hash(concat(utf8(domain), addressXdr(contract), addressXdr(creator), u64be(salt)));
  return readU64be(digest);
}

/** The id of the stream that `sender` creates with `salt` on the stream contract `stream`. */
export function streamId(stream: string, sender: string, salt: bigint): bigint {
  return deriveId(STREAM_ID_DOMAIN, stream, sender, salt);
}

/** The id of the campaign that `funder` creates with `salt` on the claims contract `claims`. */
export function campaignId(claims: string, funder: string, salt: bigint): bigint {
  return deriveId(CAMPAIGN_ID_DOMAIN, claims, funder, salt);
}
