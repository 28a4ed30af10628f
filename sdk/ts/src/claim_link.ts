// Claim links (the Rust SDK's `claim_link`; `tributary campaign keys` writes them): a claim key
// for a recipient without a wallet, handed out as
// `<base>#k=<base64url secret seed>&c=<claims contract>&id=<campaign>&i=<index>`. Browsers never
// send a URL's fragment to the server (RFC 3986 §3.5), so the page that opens the link reads the
// key from `location.hash` and claims in the browser. The link is a bearer secret: whoever holds
// it can claim the entry, once, to any address.
import { Keypair, StrKey } from "@stellar/stellar-sdk";

import { signClaim } from "./claim_key.js";

/** A parsed claim link. */
export interface ClaimLink {
  /** The claim key's ed25519 secret seed, 32 bytes. */
  secret: Uint8Array;
  /** The claims contract (C…). */
  contract: string;
  /** The campaign id (u64). */
  id: bigint;
  /** The entry index (u32). */
  index: number;
}

/** A link refused, naming the field (`k`, `c`, `id`, `i`; `#` when there is no fragment). */
export class ClaimLinkError extends Error {
  constructor(readonly field: string, reason: string) {
    super(field === "#" ? reason : `claim link field ${field}: ${reason}`);
    this.name = "ClaimLinkError";
  }
}

const U64_MAX = (1n << 64n) - 1n;

function base64urlDecode(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function base64urlEncode(b: Uint8Array): string {
  return btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Parses a claim link, or just its fragment after `#` (e.g. `location.hash`).
 * @throws {ClaimLinkError} naming the missing or malformed field.
 */
export function parseClaimLink(link: string): ClaimLink {
  const at = link.indexOf("#");
  if (at < 0) throw new ClaimLinkError("#", "a claim link carries its key after '#'");
  const fields = new Map<string, string>();
  for (const kv of link.slice(at + 1).split("&")) {
    const eq = kv.indexOf("=");
    if (eq > 0 && !fields.has(kv.slice(0, eq))) fields.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  const field = (name: string): string => {
    const v = fields.get(name);
    if (v === undefined) throw new ClaimLinkError(name, "missing");
    return v;
  };
  const secret = base64urlDecode(field("k"));
  if (secret === undefined || secret.length !== 32) throw new ClaimLinkError("k", "not 32 bytes of base64url");
  const contract = field("c");
  if (!StrKey.isValidContract(contract)) throw new ClaimLinkError("c", "not a contract address (C…)");
  const idText = field("id");
  if (!/^[0-9]{1,20}$/.test(idText) || BigInt(idText) > U64_MAX) {
    throw new ClaimLinkError("id", "not an unsigned 64-bit campaign id");
  }
  const indexText = field("i");
  if (!/^[0-9]{1,10}$/.test(indexText) || Number(indexText) > 0xffffffff) {
    throw new ClaimLinkError("i", "not an unsigned 32-bit entry index");
  }
  return { secret, contract, id: BigInt(idText), index: Number(indexText) };
}

/** The link for `link` under `base` (a claim page URL without a fragment). */
export function claimLinkUrl(base: string, link: ClaimLink): string {
  return `${base}#k=${base64urlEncode(link.secret)}&c=${link.contract}&id=${link.id}&i=${link.index}`;
}

/** The link's claim key. */
export function claimLinkKey(link: ClaimLink): Keypair {
  return Keypair.fromRawEd25519Seed(link.secret);
}

/** The `signature` argument of `claim` paying the link's entry to `to` (G… or C…). */
export function signClaimLink(link: ClaimLink, to: string): Uint8Array {
  return signClaim(claimLinkKey(link), link.contract, link.id, link.index, to);
}
