// The TypeScript SDK against a fresh local network with the protocol deployed, as a wallet uses
// it. Run by sdk/cli/tests/ts_sdk.rs, which sets RPC_URL, NETWORK_PASSPHRASE, DEPLOYMENT (a
// deployment.json path), ALICE_SECRET, BOB_SECRET and COUNCIL_SECRETS (five, comma-separated).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Keypair } from "@stellar/stellar-sdk";

import {
  CampaignTree,
  campaignId,
  claimLinkUrl,
  hasAccess,
  netOf,
  parseClaimLink,
  proposalHash,
  randomSalt,
  signClaim,
  signClaimLink,
  skimDue,
  streamed,
  TIMELOCK_SECONDS,
  toHex,
  Tributary,
  TributaryError,
  WrongNetworkError,
  type Deployment,
  type insurance,
} from "../dist/index.js";

const env = (name: string): string => {
  const v = process.env[name];
  assert.ok(v, `${name} is not set`);
  return v;
};
const rpcUrl = env("RPC_URL");
const passphrase = env("NETWORK_PASSPHRASE");
const deployment: Deployment = JSON.parse(readFileSync(env("DEPLOYMENT"), "utf8"));
const alice = Keypair.fromSecret(env("ALICE_SECRET"));
const bob = Keypair.fromSecret(env("BOB_SECRET"));
const council = env("COUNCIL_SECRETS").split(",").map((s) => Keypair.fromSecret(s));
const xlm = deployment.assets[0];
const signer = (k: Keypair) => Tributary.keypairSigner(k, passphrase);
const connect = (k: Keypair) => Tributary.connect({ deployment, rpcUrl, signer: signer(k), allowHttp: true });

/** A fresh account funded by friendbot, that never pays a fee: its balance moves only by payouts. */
async function freshAccount(t: Tributary): Promise<Keypair> {
  const k = Keypair.random();
  await t.server.fundAddress(k.publicKey());
  return k;
}

/** An account's XLM balance in stroops, from its ledger entry. */
const balance = async (t: Tributary, who: string): Promise<bigint> =>
  BigInt((await t.server.getAccountEntry(who)).balance.toString());

test("a stream: create, withdraw with the 1% skim on balances, cancel", async () => {
  const a = await connect(alice);
  const b = a.as(signer(bob));
  const carol = await freshAccount(a);
  const now = await a.ledgerTime();
  const startLedger = (await a.server.getLatestLedger()).sequence;
  const deposit = 10_000_000_000n;
  const id = await a.createStream({
    recipient: bob.publicKey(),
    token: xlm,
    deposit,
    start: now - 100n,
    cliff: now - 100n,
    end: now + 3_600n,
    cancelable: true,
    transferable: false,
  });
  const st = await a.read(a.stream.get_stream({ id }));
  assert.equal(st.deposit, deposit);
  assert.equal(st.sender, alice.publicKey());

  const fundBefore = await a.read(a.insurance.balance({ asset: xlm }));
  const carolBefore = await balance(a, carol.publicKey());
  const gross = 12_345_679n;
  const net = await b.send(b.stream.withdraw({ id, to: carol.publicKey(), amount: gross }));
  assert.equal(net, netOf(0n, gross));
  assert.equal(gross - net, skimDue(0n, gross), "1% of the gross, floored");
  assert.equal((await balance(a, carol.publicKey())) - carolBefore, net, "carol received the net");
  assert.equal((await a.read(a.insurance.balance({ asset: xlm }))) - fundBefore, gross - net, "the fund received the skim");

  // The withdrawal's events, from getEvents, decoded by the spec and checked against the call.
  const { events } = await a.server.getEvents({ startLedger, filters: [{ type: "contract", contractIds: [deployment.stream] }] });
  const decoded = events.map((e) => a.decodeEvent(e)).filter((e) => e !== undefined);
  const withdrawn = decoded.find((e) => e.contract === "stream" && e.name === "Withdrawn");
  assert.deepEqual({ ...withdrawn?.data }, { id, recipient: bob.publicKey(), to: carol.publicKey(), amount: gross, net });
  assert.ok(decoded.some((e) => e.name === "StreamCreated" && e.data.id === id));
  assert.ok(decoded.some((e) => e.name === "SkimPaid" && e.data.amount === gross - net));

  const at = await a.ledgerTime();
  const refunded = await a.send(a.stream.cancel({ id }));
  const after = await a.read(a.stream.get_stream({ id }));
  assert.ok(after.canceled);
  assert.equal(after.refunded, refunded);
  assert.ok(streamed(after, at) + refunded === deposit, "what vested plus the refund is the deposit");
  await assert.rejects(a.send(a.stream.cancel({ id })), (e: unknown) => e instanceof TributaryError && e.errorName === "StreamCanceled");
});

test("a campaign claimed by address and by a claim link, with a proof built in TypeScript", async () => {
  const a = await connect(alice);
  const b = a.as(signer(bob));
  const key = Keypair.random();
  const carol = await freshAccount(a);
  const tree = CampaignTree.fromCsv(
    `index,claimant,amount\n0,${bob.publicKey()},300000000\n1,${toHex(key.rawPublicKey())},200000000\n2,${alice.publicKey()},1\n`,
  );
  const now = await a.ledgerTime();
  const salt = randomSalt();
  const id = await a.send(
    a.claims.create_campaign({
      funder: alice.publicKey(),
      salt,
      token: xlm,
      root: tree.root,
      total: tree.total,
      count: tree.count,
      start: now - 10n,
      expiry: now + 86_400n,
      approver: undefined,
    }),
  );
  assert.equal(id, campaignId(deployment.claims, alice.publicKey(), salt), "the id derived in TypeScript");

  const byAddress = await b.send(
    b.claims.claim({ id, index: 0, claimant: tree.entries[0].claimant, amount: 300_000_000n, proof: tree.proof(0), to: bob.publicKey(), signature: undefined }),
  );
  assert.equal(byAddress, netOf(0n, 300_000_000n));

  // The key's holder has no account, only the claim link the funder sent (as `tributary
  // campaign keys` writes it): the page parses it, signs for carol, and bob submits. The
  // key's signature consents, and pays only the address it names.
  const url = claimLinkUrl("https://claim.example/c", { secret: key.rawSecretKey(), contract: deployment.claims, id, index: 1 });
  const link = parseClaimLink(url);
  assert.deepEqual([link.contract, link.id, link.index], [deployment.claims, id, 1]);
  const carolBefore = await balance(a, carol.publicKey());
  const signature = signClaimLink(link, carol.publicKey());
  assert.deepEqual(signature, signClaim(key, deployment.claims, id, 1, carol.publicKey()));
  await assert.rejects(
    b.send(b.claims.claim({ id, index: 1, claimant: tree.entries[1].claimant, amount: 200_000_000n, proof: tree.proof(1), to: bob.publicKey(), signature })),
  );
  const byKey = await b.send(
    b.claims.claim({ id, index: 1, claimant: tree.entries[1].claimant, amount: 200_000_000n, proof: tree.proof(1), to: carol.publicKey(), signature }),
  );
  assert.equal((await balance(a, carol.publicKey())) - carolBefore, byKey);
  assert.ok(await a.read(a.claims.is_claimed({ id, index: 1 })));

  // The same signature can't pay twice.
  await assert.rejects(
    b.send(b.claims.claim({ id, index: 1, claimant: tree.entries[1].claimant, amount: 200_000_000n, proof: tree.proof(1), to: carol.publicKey(), signature })),
    (e: unknown) => e instanceof TributaryError && e.contract === "claims" && e.errorName === "AlreadySettled",
  );
});

test("tiers, subscribe and has_access", async () => {
  const creator = await connect(alice);
  const fan = creator.as(signer(bob));
  const version = await creator.send(
    creator.access.set_tier({ creator: alice.publicKey(), level: 2, token: xlm, price: 50_000_000n, period: 2_592_000n, grace: 86_400n }),
  );
  assert.equal(version, 1, "a new tier's first version");
  assert.equal(await fan.read(fan.access.has_access({ fan: bob.publicKey(), creator: alice.publicKey(), min_level: 1 })), false);
  const expiresAt = await fan.send(
    fan.access.subscribe({ fan: bob.publicKey(), creator: alice.publicKey(), level: 2, periods: 1, max_price: 50_000_000n }),
  );
  const sub = await fan.read(fan.access.subscription({ fan: bob.publicKey(), creator: alice.publicKey() }));
  assert.equal(sub?.expires_at, expiresAt);
  const now = await fan.ledgerTime();
  for (const min of [1, 2, 3]) {
    const onChain = await fan.read(fan.access.has_access({ fan: bob.publicKey(), creator: alice.publicKey(), min_level: min }));
    assert.equal(onChain, min <= 2);
    assert.equal(hasAccess(sub, min, now), onChain, `level ${min}: the TypeScript rule agrees`);
  }
  await assert.rejects(
    fan.send(fan.access.subscribe({ fan: bob.publicKey(), creator: alice.publicKey(), level: 9, periods: 1, max_price: 1n })),
    (e: unknown) => e instanceof TributaryError && e.contract === "access",
  );
});

test("bad input: a contract error by name, the wrong network", async () => {
  const a = await connect(alice);
  const now = await a.ledgerTime();
  await assert.rejects(
    a.createStream({ recipient: bob.publicKey(), token: xlm, deposit: 1n, start: now - 10n, cliff: now - 10n, end: now - 5n, cancelable: true, transferable: false }),
    (e: unknown) => e instanceof TributaryError && e.contract === "stream" && e.code === 105 && e.errorName === "EndNotInFuture",
  );
  await assert.rejects(
    Tributary.connect({ deployment: { ...deployment, network_passphrase: "Test SDF Network ; September 2015" }, rpcUrl, signer: signer(alice), allowHttp: true }),
    (e: unknown) => e instanceof WrongNetworkError && e.actual === passphrase,
  );
});

// Last: it moves the ledger clock 14 days ahead.
test("a 5-of-5 bailout with approval hashes computed in TypeScript", async () => {
  const members = await Promise.all(council.map(connect));
  const [first] = members;
  const recipient = await freshAccount(first);
  const fund = await first.read(first.insurance.balance({ asset: xlm }));
  assert.ok(fund > 0n, "the skims of the tests above are in the fund");
  const reason = new Uint8Array(32).fill(7);
  const id = await first.send(
    first.insurance.propose_bailout({ member: council[0].publicKey(), asset: xlm, amount: fund, recipient: recipient.publicKey(), reason }),
  );
  const epoch = await first.read(first.insurance.epoch());
  const action: insurance.Action = { tag: "Bailout", values: [{ amount: fund, asset: xlm, reason, recipient: recipient.publicKey() }] };
  const hash = proposalHash(deployment.insurance, id, action, epoch);
  await assert.rejects(
    first.send(first.insurance.approve({ member: council[0].publicKey(), id, proposal_hash: new Uint8Array(32) })),
    (e: unknown) => e instanceof TributaryError && e.contract === "insurance",
    "a wrong hash is refused",
  );
  for (const [i, m] of members.entries()) {
    await m.send(m.insurance.approve({ member: council[i].publicKey(), id, proposal_hash: hash }));
  }
  await assert.rejects(first.send(first.insurance.execute({ id })), (e: unknown) => e instanceof TributaryError && e.contract === "insurance", "the timelock holds");

  const moved = await fetch(rpcUrl.replace(/\/rpc$/, `/localnet/advance-time?seconds=${TIMELOCK_SECONDS}`), { method: "POST" });
  assert.equal(moved.status, 200);
  await new Promise((r) => setTimeout(r, 1_500));
  const before = await balance(first, recipient.publicKey());
  // Bound the transaction by the ledger clock, now 14 days ahead of the wall clock.
  await first.send(first.insurance.execute({ id }, { timeoutInSeconds: Number(TIMELOCK_SECONDS) + 300 }));
  assert.equal((await balance(first, recipient.publicKey())) - before, fund, "the recipient received the bailout");
  assert.equal(await first.read(first.insurance.balance({ asset: xlm })), 0n);
});
