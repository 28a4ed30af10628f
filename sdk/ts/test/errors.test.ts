// Bad input gets a named error: campaign CSVs, claimants, hex, contract error codes.
import { test } from "node:test";
import assert from "node:assert/strict";

import { CampaignError, CampaignTree, fromHex, parseClaimant, TributaryError } from "../dist/index.js";

const G = "GAAZI4TCR3TY5OJHCTJC2A4QSY6CJWJH5IAJTGKIN2ER7LBNVKOCCWN7";

const rejects = (csv: string, kind: string, text: RegExp) =>
  assert.throws(
    () => CampaignTree.fromCsv(csv),
    (e: unknown) => e instanceof CampaignError && e.kind === kind && text.test(e.message),
    `${JSON.stringify(csv)} → ${kind}`,
  );

test("malformed campaign CSVs are refused with the line and the reason", () => {
  rejects("", "empty", /no entries/);
  rejects("index,claimant,amount\n", "empty", /no entries/);
  rejects(`0,${G}\n`, "row", /line 1: expected 3 fields/);
  rejects(`0,${G},10\nx,${G},10\n`, "row", /line 2: index "x" is not a u32/);
  rejects(`0,${G},10\n1,${G},-5\n`, "row", /line 2: amount -5 must be positive/);
  rejects(`0,${G},ten\n`, "row", /amount "ten" is not an integer/);
  rejects(`0,GBAD,10\n`, "row", /neither a G…\/C… address/);
  rejects(`0,${"zz".repeat(32)},10\n`, "row", /not a hex public key/);
  rejects(`0,${G},10\n0,${G},11\n`, "duplicate_index", /index 0 appears on lines 1 and 2/);
  rejects(`0,${G},10\n2,${G},11\n`, "missing_index", /1 is missing/);
  rejects(`0,${G},170141183460469231731687303715884105727\n1,${G},1\n`, "total_overflow", /overflows/);
});

test("claimants, hex and proofs out of range are refused", () => {
  assert.deepEqual(parseClaimant(G), { tag: "Address", values: [G] });
  assert.equal(parseClaimant("ab".repeat(32)).tag, "Key");
  assert.throws(() => fromHex("abc"), RangeError);
  const tree = CampaignTree.fromCsv(`0,${G},10\n`);
  assert.throws(() => tree.proof(1), RangeError);
  assert.equal(tree.proof(0).length, 0, "a one-entry tree's proof is empty");
});

test("contract error codes map to their contract and name", () => {
  const e = TributaryError.fromCode(117);
  assert.equal(e?.contract, "stream");
  assert.equal(e?.errorName, "IdTaken");
  assert.equal(TributaryError.fromCode(201)?.contract, "claims");
  assert.equal(TributaryError.fromCode(999), undefined);
  const fromMessage = TributaryError.from(new Error('Transaction simulation failed: "HostError: Error(Contract, #105)"'));
  assert.equal(fromMessage?.errorName, "EndNotInFuture");
  assert.equal(TributaryError.from(new Error("network down")), undefined);
  assert.equal(TributaryError.fromName("stream", "NotCancelable")?.code, 112);
});
