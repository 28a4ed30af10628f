// The TypeScript helpers against the vectors the Rust SDK computes (sdk/tests/ts_vectors.rs):
// every case must agree exactly. Integers in the file are decimal strings, bytes hex.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Keypair } from "@stellar/stellar-sdk";

import {
  access,
  campaignId,
  CampaignTree,
  claimLinkUrl,
  ClaimLinkError,
  claimMessage,
  fromHex,
  hasAccess,
  insurance,
  netOf,
  parseClaimLink,
  proposalHash,
  renewalDue,
  renewalOpensAt,
  refundable,
  signClaim,
  signClaimLink,
  skimDue,
  status,
  stream,
  streamed,
  streamId,
  toHex,
  verify,
  withdrawable,
} from "../dist/index.js";

const vectors = JSON.parse(readFileSync(new URL("./vectors.json", import.meta.url), "utf8"));

test("ids derive as in the Rust SDK", () => {
  assert.ok(vectors.ids.length >= 4);
  for (const v of vectors.ids) {
    assert.equal(streamId(v.contract, v.creator, BigInt(v.salt)).toString(), v.stream_id, JSON.stringify(v));
    assert.equal(campaignId(v.contract, v.creator, BigInt(v.salt)).toString(), v.campaign_id, JSON.stringify(v));
  }
});

test("stream amounts and status agree at every time", () => {
  assert.ok(vectors.stream.length >= 50);
  for (const v of vectors.stream) {
    const st: stream.Stream = {
      ...v.stream,
      deposit: BigInt(v.stream.deposit),
      withdrawn: BigInt(v.stream.withdrawn),
      refunded: BigInt(v.stream.refunded),
      start: BigInt(v.stream.start),
      cliff: BigInt(v.stream.cliff),
      end: BigInt(v.stream.end),
    };
    const now = BigInt(v.now);
    const at = `${JSON.stringify(v.stream)} at ${v.now}`;
    assert.equal(streamed(st, now).toString(), v.streamed, at);
    assert.equal(withdrawable(st, now).toString(), v.withdrawable, at);
    assert.equal(refundable(st, now).toString(), v.refundable, at);
    assert.equal(stream.StreamStatus[status(st, now)], v.status, at);
  }
});

test("the skim and the net agree", () => {
  for (const v of vectors.skim) {
    assert.equal(skimDue(BigInt(v.cum_before), BigInt(v.gross)).toString(), v.skim, JSON.stringify(v));
    assert.equal(netOf(BigInt(v.cum_before), BigInt(v.gross)).toString(), v.net, JSON.stringify(v));
  }
});

test("has_access and the renewal window agree, the u64 saturation included", () => {
  for (const v of vectors.access) {
    const s = v.subscription;
    const sub: access.Subscription | undefined = s ? {
      ...s,
      expires_at: BigInt(s.expires_at),
      grace: BigInt(s.grace),
      paid: BigInt(s.paid),
      period: BigInt(s.period),
      prepaid: BigInt(s.prepaid),
      price: BigInt(s.price),
      window_start: BigInt(s.window_start),
    } : undefined;
    assert.equal(hasAccess(sub, v.min_level, BigInt(v.now)), v.has_access, JSON.stringify(v));
    if (sub !== undefined) {
      assert.equal(renewalOpensAt(sub).toString(), v.renewal_opens_at, JSON.stringify(v));
      assert.equal(renewalDue(sub, BigInt(v.now)), v.renewal_due, JSON.stringify(v));
    }
  }
});

test("a campaign from CSV has the same root and proofs, and each proof verifies", () => {
  const tree = CampaignTree.fromCsv(vectors.campaign.csv);
  assert.equal(toHex(tree.root), vectors.campaign.root);
  assert.equal(tree.total.toString(), vectors.campaign.total);
  assert.equal(tree.count, vectors.campaign.proofs.length);
  for (const [i, proof] of vectors.campaign.proofs.entries()) {
    assert.equal(toHex(tree.proof(i)), proof, `proof ${i}`);
    assert.ok(verify(tree.root, tree.entries[i], tree.proof(i)), `proof ${i} verifies`);
    const other = tree.entries[(i + 1) % tree.count];
    assert.ok(!verify(tree.root, { ...other, index: i }, tree.proof(i)), `proof ${i} rejects another entry`);
  }
});

test("claim-key messages and signatures agree", () => {
  for (const v of vectors.claims) {
    const id = BigInt(v.id);
    assert.equal(toHex(claimMessage(v.claims, id, v.index, v.to)), v.message);
    const key = Keypair.fromRawEd25519Seed(fromHex(v.seed) as Buffer);
    assert.equal(toHex(signClaim(key, v.claims, id, v.index, v.to)), v.signature);
  }
});

test("claim links parse, print and sign as the Rust SDK's, and bad ones name the same field", () => {
  for (const v of vectors.claims) {
    const link = parseClaimLink(v.link);
    assert.deepEqual(
      { secret: toHex(link.secret), contract: link.contract, id: link.id, index: link.index },
      { secret: v.seed, contract: v.claims, id: BigInt(v.id), index: v.index },
    );
    assert.equal(claimLinkUrl("https://claim.example/c", link), v.link);
    assert.equal(toHex(signClaimLink(parseClaimLink(v.link.slice(v.link.indexOf("#"))), v.to)), v.signature);
  }
  for (const v of vectors.bad_links) {
    assert.throws(() => parseClaimLink(v.link), (e: unknown) => e instanceof ClaimLinkError && e.field === v.field, v.link);
  }
});

test("council proposal hashes agree for every action", () => {
  for (const v of vectors.proposals) {
    const [fields] = v.action.values;
    const values =
      v.action.tag === "Bailout"
        ? [{ ...fields, amount: BigInt(fields.amount), reason: fromHex(fields.reason) }]
        : [fields];
    const action = { tag: v.action.tag, values } as unknown as insurance.Action;
    assert.equal(toHex(proposalHash(v.insurance, BigInt(v.id), action, v.epoch)), v.hash, v.action.tag);
  }
});
