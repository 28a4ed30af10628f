// The official @stellar/stellar-sdk against the local network with the protocol deployed, as a
// wallet or dApp uses it. Run by sdk/cli/tests/official_clients.rs, which starts the network,
// deploys the protocol and sets RPC_URL, NETWORK_PASSPHRASE, DEPLOYMENT (a deployment.json
// path), ALICE_SECRET and BOB_SECRET (funded accounts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import {
  Address,
  contract,
  Keypair,
  nativeToScVal,
  rpc,
  scValToNative,
  StrKey,
  TransactionBuilder,
  Operation,
  Asset,
  xdr,
} from "@stellar/stellar-sdk";

const env = (name) => {
  const v = process.env[name];
  assert.ok(v, `${name} is not set`);
  return v;
};
const rpcUrl = env("RPC_URL");
const networkPassphrase = env("NETWORK_PASSPHRASE");
const deployment = JSON.parse(readFileSync(env("DEPLOYMENT"), "utf8"));
const alice = Keypair.fromSecret(env("ALICE_SECRET"));
const bob = Keypair.fromSecret(env("BOB_SECRET"));
const server = new rpc.Server(rpcUrl, { allowHttp: true });
const xlm = deployment.assets[0];

/** A typed client of `contractId` (its spec read over getLedgerEntries) signing as `who`. */
const clientFor = (contractId, who) =>
  contract.Client.from({
    contractId,
    rpcUrl,
    networkPassphrase,
    allowHttp: true,
    publicKey: who.publicKey(),
    ...contract.basicNodeSigner(who, networkPassphrase),
  });

const salt = () => BigInt.asUintN(64, BigInt(Date.now()) * 1000003n + BigInt(Math.floor(Math.random() * 1e9)));

/** A stream of `deposit` base units of XLM from alice to bob over an hour, from now. */
const streamArgs = (deposit, now = Math.floor(Date.now() / 1000)) => ({
  sender: alice.publicKey(),
  salt: salt(),
  recipient: bob.publicKey(),
  token: xlm,
  deposit,
  start: BigInt(now - 60),
  cliff: BigInt(now - 60),
  end: BigInt(now + 3600),
  cancelable: true,
  transferable: false,
});

test("rpc.Server reads health, network, versions, fees, ledgers and transactions", async () => {
  const health = await server.getHealth();
  assert.equal(health.status, "healthy");
  assert.ok(health.latestLedger >= health.oldestLedger);
  const network = await server.getNetwork();
  assert.equal(network.passphrase, networkPassphrase);
  assert.ok(network.friendbotUrl.endsWith("/friendbot"));
  const version = await server.getVersionInfo();
  assert.ok(version.protocolVersion >= 23, JSON.stringify(version));
  const fees = await server.getFeeStats();
  assert.ok(Number(fees.sorobanInclusionFee.max) >= 100);
  const latest = await server.getLatestLedger();
  assert.ok(latest.sequence >= health.latestLedger);

  const first = await server.getLedgers({ startLedger: health.oldestLedger, pagination: { limit: 2 } });
  assert.equal(first.ledgers.length, 2);
  const next = await server.getLedgers({ pagination: { cursor: first.cursor, limit: 2 } });
  assert.equal(next.ledgers[0].sequence, first.ledgers[1].sequence + 1, "the cursor continues");

  const txs = await server.getTransactions({ startLedger: health.oldestLedger, pagination: { limit: 3 } });
  assert.equal(txs.transactions.length, 3, "the deployment's transactions");
  const more = await server.getTransactions({ pagination: { cursor: txs.cursor, limit: 3 } });
  assert.ok(more.transactions[0].ledger >= txs.transactions[2].ledger);
  assert.notEqual(more.transactions[0].txHash, txs.transactions[2].txHash, "no repeat across pages");
});

test("fundAddress and requestAirdrop create accounts through friendbot", async () => {
  const fresh = Keypair.random();
  const funded = await server.fundAddress(fresh.publicKey());
  assert.equal(funded.status, rpc.Api.GetTransactionStatus.SUCCESS);
  const account = await server.getAccount(fresh.publicKey());
  assert.equal(account.accountId(), fresh.publicKey());
  const other = Keypair.random();
  const airdropped = await server.requestAirdrop(other.publicKey());
  assert.equal(airdropped.accountId(), other.publicKey());
});

test("fundAddress pays a contract address through the native asset's contract", async () => {
  const contractId = StrKey.encodeContract(randomBytes(32));
  const funded = await server.fundAddress(contractId);
  assert.equal(funded.status, rpc.Api.GetTransactionStatus.SUCCESS);
  // The native asset's contract has no WASM spec: read the balance by simulation.
  const account = await server.getAccount(alice.publicKey());
  const read = new TransactionBuilder(account, { fee: "100", networkPassphrase })
    .addOperation(
      Operation.invokeContractFunction({
        contract: xlm,
        function: "balance",
        args: [new Address(contractId).toScVal()],
      }),
    )
    .setTimeout(60)
    .build();
  const sim = await server.simulateTransaction(read);
  assert.ok(rpc.Api.isSimulationSuccess(sim), JSON.stringify(sim));
  assert.equal(scValToNative(sim.result.retval), 10_000n * 10_000_000n);
});

test("a stream is created, withdrawn with the 1% skim, and read back through contract.Client", async () => {
  const asAlice = await clientFor(deployment.stream, alice);
  const deposit = 1_000_000_000n;
  const create = await asAlice.create_stream(streamArgs(deposit));
  const sent = await create.signAndSend();
  // The spec's `Result<u64, StreamError>` comes back as the SDK's Ok/Err.
  const id = sent.result.unwrap();
  assert.equal(typeof id, "bigint");

  // pollTransaction on the create's hash, as a wallet that sent it itself would.
  const hash = sent.sendTransactionResponse.hash;
  const polled = await server.pollTransaction(hash, { attempts: 20 });
  assert.equal(polled.status, rpc.Api.GetTransactionStatus.SUCCESS);

  const asBob = await clientFor(deployment.stream, bob);
  const withdraw = await asBob.withdraw({ id, to: bob.publicKey(), amount: 10_000_000n });
  const net = (await withdraw.signAndSend()).result.unwrap();
  assert.equal(net, 10_000_000n - 100_000n, "the recipient gets the gross less the 1% skim");
  const stream = (await asBob.get_stream({ id })).result.unwrap();
  assert.equal(stream.withdrawn, 10_000_000n);
  assert.equal(stream.deposit, deposit);
  assert.equal(stream.sender, alice.publicKey());
});

test("signAuthEntries: a sender who is not the source account authorizes its create", async () => {
  // bob pays the fee and submits (a relayer); alice signs only her authorization entry.
  const asBob = await clientFor(deployment.stream, bob);
  const create = await asBob.create_stream(streamArgs(20_000_000n));
  assert.deepEqual(create.needsNonInvokerSigningBy(), [alice.publicKey()]);
  await create.signAuthEntries({
    address: alice.publicKey(),
    signAuthEntry: contract.basicNodeSigner(alice, networkPassphrase).signAuthEntry,
  });
  const id = (await create.signAndSend()).result.unwrap();
  const stream = (await asBob.get_stream({ id })).result.unwrap();
  assert.equal(stream.sender, alice.publicKey());
  assert.equal(stream.deposit, 20_000_000n);
});

test("a contract error is surfaced by its name from the spec", async () => {
  const asAlice = await clientFor(deployment.stream, alice);
  const bad = await asAlice.create_stream(streamArgs(0n));
  const result = bad.result;
  assert.ok(result.isErr(), "simulation refused a zero deposit");
  // The SDK maps `Error(Contract, #101)` to the error case's doc; the spec names it.
  const named = asAlice.spec
    .errorCases()
    .find((c) => c.doc.toString() === result.unwrapErr().message);
  assert.ok(named, result.unwrapErr().message);
  assert.equal(named.name.toString(), "InvalidDeposit");
  assert.equal(named.value, 101);
});

test("contract.Client.from reads each of the four contracts' specs", async () => {
  const expected = {
    stream: "create_stream",
    claims: "create_campaign",
    access: "subscribe",
    insurance: "propose_bailout",
  };
  for (const [name, method] of Object.entries(expected)) {
    const c = await clientFor(deployment[name], alice);
    assert.equal(typeof c[method], "function", `${name}.${method}`);
  }
  const access = await clientFor(deployment.access, alice);
  const has = (await access.has_access({ fan: alice.publicKey(), creator: bob.publicKey(), min_level: 1 })).result;
  assert.equal(has, false);
});

test("getEvents pages through the stream contract's events with a cursor", async () => {
  const health = await server.getHealth();
  const filters = [{ type: "contract", contractIds: [deployment.stream] }];
  const seen = [];
  let page = await server.getEvents({ startLedger: health.oldestLedger, filters, limit: 1 });
  while (page.events.length > 0 && seen.length < 50) {
    seen.push(...page.events);
    page = await server.getEvents({ cursor: page.cursor, filters, limit: 1 });
  }
  const ids = seen.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, "no event twice");
  assert.ok(seen.length >= 4, `stream_created, withdrawn, skim_paid…: ${seen.length}`);
  assert.ok(seen.every((e) => e.contractId.toString() === deployment.stream));
  const names = seen.map((e) => scValToNative(e.topic[0]));
  assert.ok(names.includes("stream_created"), names.join(","));
});

test("a classic payment built with TransactionBuilder is sent and polled", async () => {
  const account = await server.getAccount(alice.publicKey());
  const tx = new TransactionBuilder(account, { fee: "100", networkPassphrase })
    .addOperation(Operation.payment({ destination: bob.publicKey(), asset: Asset.native(), amount: "1" }))
    .setTimeout(60)
    .build();
  tx.sign(alice);
  const sent = await server.sendTransaction(tx);
  assert.equal(sent.status, "PENDING", JSON.stringify(sent));
  const done = await server.pollTransaction(sent.hash, { attempts: 20 });
  assert.equal(done.status, rpc.Api.GetTransactionStatus.SUCCESS);
});

test("a fee bump built with TransactionBuilder.buildFeeBumpTransaction: bob pays alice's fee", async () => {
  const before = async (who) => BigInt((await server.getAccountEntry(who.publicKey())).balance.toString());
  const [aliceBefore, bobBefore] = [await before(alice), await before(bob)];
  const inner = new TransactionBuilder(await server.getAccount(alice.publicKey()), { fee: "100", networkPassphrase })
    .addOperation(Operation.payment({ destination: bob.publicKey(), asset: Asset.native(), amount: "1" }))
    .setTimeout(60)
    .build();
  inner.sign(alice);
  const bump = TransactionBuilder.buildFeeBumpTransaction(bob, "200", inner, networkPassphrase);
  bump.sign(bob);
  const sent = await server.sendTransaction(bump);
  assert.equal(sent.status, "PENDING", JSON.stringify(sent));
  assert.equal(sent.hash, Buffer.from(bump.hash()).toString("hex"), "known by the outer hash");
  const done = await server.pollTransaction(sent.hash, { attempts: 20 });
  assert.equal(done.status, rpc.Api.GetTransactionStatus.SUCCESS);
  assert.equal(done.feeBump, true);
  assert.equal(done.resultXdr.result.type, "txFeeBumpInnerSuccess");
  const fee = BigInt(done.resultXdr.feeCharged);
  assert.equal(await before(alice), aliceBefore - 10_000_000n, "alice paid 1 XLM and no fee");
  assert.equal(await before(bob), bobBefore + 10_000_000n - fee, "bob received 1 XLM and paid the fee");

  // Signed by alice instead of the fee source: refused.
  const next = new TransactionBuilder(await server.getAccount(alice.publicKey()), { fee: "100", networkPassphrase })
    .addOperation(Operation.payment({ destination: bob.publicKey(), asset: Asset.native(), amount: "1" }))
    .setTimeout(60)
    .build();
  next.sign(alice);
  const forged = TransactionBuilder.buildFeeBumpTransaction(bob, "200", next, networkPassphrase);
  forged.sign(alice);
  const refused = await server.sendTransaction(forged);
  assert.equal(refused.status, "ERROR", JSON.stringify(refused));
  assert.equal(refused.errorResult.result.type, "txBadAuth");
});

const sha256 = (bytes) => createHash("sha256").update(bytes).digest();

/** PROTOCOL.md, claims: sha256(sha256(0x00 ‖ xdr(Vec[index: u32, claimant, amount: i128]))). */
const leaf = (index, claimantAddress, amount) => {
  const claimant = xdr.ScVal.scvVec([
    xdr.ScVal.scvSymbol("Address"),
    new Address(claimantAddress).toScVal(),
  ]);
  const entry = xdr.ScVal.scvVec([
    nativeToScVal(index, { type: "u32" }),
    claimant,
    nativeToScVal(amount, { type: "i128" }),
  ]);
  return sha256(sha256(Buffer.concat([Buffer.from([0]), entry.toXDR()])));
};

test("a campaign is created and claimed with a Merkle proof through contract.Client", async () => {
  const amount = 5_000_000n;
  const now = Math.floor(Date.now() / 1000);
  // A one-recipient campaign: the root is bob's leaf and the proof is empty.
  const root = leaf(0, bob.publicKey(), amount);
  const asAlice = await clientFor(deployment.claims, alice);
  const create = await asAlice.create_campaign({
    funder: alice.publicKey(),
    salt: salt(),
    token: xlm,
    root,
    total: amount,
    count: 1,
    start: BigInt(now - 60),
    expiry: BigInt(now + 3600),
    approver: undefined,
  });
  const id = (await create.signAndSend()).result.unwrap();
  const asBob = await clientFor(deployment.claims, bob);
  const claimArgs = {
    id,
    index: 0,
    claimant: { tag: "Address", values: [bob.publicKey()] },
    amount,
    proof: Buffer.alloc(0),
    to: bob.publicKey(),
    signature: undefined,
  };
  const claim = await asBob.claim(claimArgs);
  const net = (await claim.signAndSend()).result.unwrap();
  assert.equal(net, amount - amount / 100n, "the claimant gets the amount less the 1% skim");
  const again = await asBob.claim(claimArgs);
  assert.ok(again.result.isErr(), "an index is claimed once");
});

test("a creator sets a tier and a fan subscribes through contract.Client", async () => {
  const period = 30n * 86_400n;
  const price = 2_000_000n;
  const asBob = await clientFor(deployment.access, bob);
  const tier = await asBob.set_tier({
    creator: bob.publicKey(),
    level: 1,
    token: xlm,
    price,
    period,
    grace: 86_400n,
  });
  await tier.signAndSend();
  const asAlice = await clientFor(deployment.access, alice);
  const before = (await asAlice.has_access({ fan: alice.publicKey(), creator: bob.publicKey(), min_level: 1 })).result;
  assert.equal(before, false);
  const subscribe = await asAlice.subscribe({
    fan: alice.publicKey(),
    creator: bob.publicKey(),
    level: 1,
    periods: 2,
    max_price: price,
  });
  const expiresAt = (await subscribe.signAndSend()).result.unwrap();
  const now = BigInt(Math.floor(Date.now() / 1000));
  assert.ok(expiresAt >= now + 2n * period - 120n && expiresAt <= now + 2n * period + 120n, `${expiresAt}`);
  const after = (await asAlice.has_access({ fan: alice.publicKey(), creator: bob.publicKey(), min_level: 1 })).result;
  assert.equal(after, true);
});
