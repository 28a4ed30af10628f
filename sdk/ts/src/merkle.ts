// Claim campaign trees (docs/PROTOCOL.md, `contracts/claims`), with the rules the contract
// verifies and the Rust SDK's `merkle` module builds:
// - leaf: `sha256(sha256(0x00 ‖ xdr(ScVal::Vec[index: u32, claimant: Claimant, amount: i128])))`;
// - node: `sha256(0x01 ‖ min(a, b) ‖ max(a, b))`; an odd node at the end of a level moves up;
// - proof: the sibling hashes from the leaf up, concatenated (32 bytes each).
// Campaigns come from CSV rows `index,claimant,amount` (a header row is optional).
import { hash, nativeToScVal, StrKey, xdr } from "@stellar/stellar-sdk";

import { concat, fromHex, scValXdr } from "./bytes.js";
import { spec as claimsSpec, type Claimant } from "./generated/claims.js";

const CLAIMANT = xdr.ScSpecTypeDef.scSpecTypeUdt(new xdr.ScSpecTypeUdt({ name: "Claimant" }));

/** One campaign entry: position `0..n`, who may claim, amount in base units. */
export interface Entry {
  index: number;
  claimant: Claimant;
  amount: bigint;
}

/** Why a campaign can't be built; `line` is 1-based in the CSV where there is one. */
export class CampaignError extends Error {
  constructor(
    readonly kind: "row" | "duplicate_index" | "missing_index" | "empty" | "total_overflow",
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = "CampaignError";
  }
}

/** XDR of `ScVal::Vec[index, claimant, amount]`, the leaf's preimage. */
export function entryXdr(index: number, claimant: Claimant, amount: bigint): Uint8Array {
  return scValXdr(
    xdr.ScVal.scvVec([
      nativeToScVal(index, { type: "u32" }),
      claimsSpec.nativeToScVal(claimant, CLAIMANT),
      nativeToScVal(amount, { type: "i128" }),
    ]),
  );
}

/** The leaf hash of an entry. */
export function leaf(index: number, claimant: Claimant, amount: bigint): Uint8Array {
  return hash(hash(concat(Uint8Array.of(0), entryXdr(index, claimant, amount))));
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The parent of nodes `a` and `b`: `sha256(0x01 ‖ min ‖ max)`. */
export function node(a: Uint8Array, b: Uint8Array): Uint8Array {
  const [lo, hi] = compare(a, b) <= 0 ? [a, b] : [b, a];
  return hash(concat(Uint8Array.of(1), lo, hi));
}

/** Whether `proof` (concatenated 32-byte siblings) leads from the entry to `root`. */
export function verify(root: Uint8Array, e: Entry, proof: Uint8Array): boolean {
  if (proof.length % 32 !== 0) return false;
  let acc = leaf(e.index, e.claimant, e.amount);
  for (let i = 0; i < proof.length; i += 32) acc = node(acc, proof.subarray(i, i + 32));
  return compare(acc, root) === 0 && acc.length === root.length;
}

/**
 * A claimant: a `G…`/`C…` address, or a claim key's ed25519 public key as 64 hex digits.
 *
 * @throws RangeError naming the value when it is neither
 */
export function parseClaimant(s: string): Claimant {
  if (s.length === 64) {
    try {
      return { tag: "Key", values: [fromHex(s)] };
    } catch {
      throw new RangeError(`claimant ${JSON.stringify(s)} is not a hex public key`);
    }
  }
  if (StrKey.isValidEd25519PublicKey(s) || StrKey.isValidContract(s)) {
    return { tag: "Address", values: [s] };
  }
  throw new RangeError(
    `claimant ${JSON.stringify(s)} is neither a G…/C… address nor a hex ed25519 public key`,
  );
}

const I128_MAX = (1n << 127n) - 1n;

/** A campaign's entries and every level of its tree. */
export class CampaignTree {
  private constructor(
    readonly entries: readonly Entry[],
    private readonly levels: Uint8Array[][],
  ) {}

  /**
   * Builds the tree of `entries`, which must have indices `0..n` once each.
   *
   * @throws CampaignError `empty`, `missing_index` (duplicates show as one) or `total_overflow`
   */
  static fromEntries(entries: Entry[]): CampaignTree {
    if (entries.length === 0) throw new CampaignError("empty", "the campaign has no entries");
    const sorted = [...entries].sort((a, b) => a.index - b.index);
    const gap = sorted.findIndex((e, i) => e.index !== i);
    if (gap >= 0) {
      throw new CampaignError(
        "missing_index",
        `indices must be 0..${sorted.length} with each once; ${gap} is missing`,
      );
    }
    if (sorted.reduce((t, e) => t + e.amount, 0n) > I128_MAX) {
      throw new CampaignError("total_overflow", "the amounts' total overflows");
    }
    const levels = [sorted.map((e) => leaf(e.index, e.claimant, e.amount))];
    for (let level = levels[0]; level.length > 1; level = levels[levels.length - 1]) {
      const next: Uint8Array[] = [];
      for (let i = 0; i < level.length; i += 2) {
        next.push(i + 1 < level.length ? node(level[i], level[i + 1]) : level[i]);
      }
      levels.push(next);
    }
    return new CampaignTree(sorted, levels);
  }

  /**
   * Parses CSV rows `index,claimant,amount` (an `index,…` header row is optional; blank lines
   * are skipped) and builds the tree.
   *
   * @throws CampaignError `row` with the line of a malformed row, `duplicate_index` with both
   * lines, and the errors of {@link CampaignTree.fromEntries}
   */
  static fromCsv(text: string): CampaignTree {
    const entries: Entry[] = [];
    const seen = new Map<number, number>();
    const lines = text.split(/\r?\n/);
    let first = true;
    for (const [n, raw] of lines.entries()) {
      const line = n + 1;
      if (raw.trim() === "") continue;
      const fields = raw.split(",").map((f) => f.trim());
      const isHeader = first && fields[0] === "index";
      first = false;
      if (isHeader) continue;
      const row = (message: string) => new CampaignError("row", `line ${line}: ${message}`, line);
      if (fields.length !== 3) {
        throw row(`expected 3 fields (index,claimant,amount), found ${fields.length}`);
      }
      const [index, claimant, amount] = fields;
      if (!/^\d+$/.test(index) || Number(index) > 0xffff_ffff) {
        throw row(`index ${JSON.stringify(index)} is not a u32`);
      }
      let parsed: Claimant;
      try {
        parsed = parseClaimant(claimant);
      } catch (e) {
        throw row((e as Error).message);
      }
      if (!/^[+-]?\d+$/.test(amount)) throw row(`amount ${JSON.stringify(amount)} is not an integer`);
      const value = BigInt(amount);
      if (value <= 0n) throw row(`amount ${value} must be positive`);
      if (value > I128_MAX) throw row(`amount ${JSON.stringify(amount)} is not an integer`);
      const i = Number(index);
      const before = seen.get(i);
      if (before !== undefined) {
        throw new CampaignError(
          "duplicate_index",
          `index ${i} appears on lines ${before} and ${line}`,
          line,
        );
      }
      seen.set(i, line);
      entries.push({ index: i, claimant: parsed, amount: value });
    }
    return CampaignTree.fromEntries(entries);
  }

  /** The Merkle root (32 bytes). */
  get root(): Uint8Array {
    return this.levels[this.levels.length - 1][0];
  }

  /** Number of entries. */
  get count(): number {
    return this.entries.length;
  }

  /** Sum of the amounts, base units. */
  get total(): bigint {
    return this.entries.reduce((t, e) => t + e.amount, 0n);
  }

  /** The proof of entry `index`: sibling hashes from its leaf up, concatenated. @throws RangeError past the last index */
  proof(index: number): Uint8Array {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`no entry ${index} in a campaign of ${this.count}`);
    }
    const siblings: Uint8Array[] = [];
    let i = index;
    for (const level of this.levels.slice(0, -1)) {
      if ((i ^ 1) < level.length) siblings.push(level[i ^ 1]);
      i >>= 1;
    }
    return concat(...siblings);
  }
}
