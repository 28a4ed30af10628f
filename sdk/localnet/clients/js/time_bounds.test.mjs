// Time bounds after `POST /localnet/advance-time`: the network checks them against the ledger
// clock as stellar-core does, so a transaction bounded by the wall clock (the SDK's default,
// `setTimeout` / `timeoutInSeconds` from `Date.now()`) is too late once the ledger clock is
// ahead. Bound it by the ledger clock (`getLatestLedger().closeTime`) or add the offset to the
// timeout. Run by sdk/cli/tests/official_clients.rs on a network of its own (RPC_URL, …).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Asset, contract, Keypair, Operation, rpc, TransactionBuilder } from "@stellar/stellar-sdk";

const rpcUrl = process.env.RPC_URL;
const networkPassphrase = process.env.NETWORK_PASSPHRASE;
const deployment = JSON.parse(readFileSync(process.env.DEPLOYMENT, "utf8"));
const alice = Keypair.fromSecret(process.env.ALICE_SECRET);
const bob = Keypair.fromSecret(process.env.BOB_SECRET);
const server = new rpc.Server(rpcUrl, { allowHttp: true });
const DAY = 86_400;

const payment = async (bounds) => {
  const builder = new TransactionBuilder(await server.getAccount(alice.publicKey()), {
    fee: "100",
    networkPassphrase,
    ...(bounds ? { timebounds: bounds } : {}),
  }).addOperation(Operation.payment({ destination: bob.publicKey(), asset: Asset.native(), amount: "1" }));
  const tx = (bounds ? builder : builder.setTimeout(60)).build();
  tx.sign(alice);
  return server.sendTransaction(tx);
};

test("after the ledger clock moves a day ahead, wall-clock bounds are too late", async () => {
  const moved = await fetch(rpcUrl.replace(/\/rpc$/, "/localnet/advance-time?seconds=" + DAY), { method: "POST" });
  const body = await moved.json();
  assert.equal(body.timeOffset, DAY, JSON.stringify(body));
  assert.ok(body.nextCloseTime >= Math.floor(Date.now() / 1000) + DAY, JSON.stringify(body));
  // Wait for a ledger closed on the new clock.
  await new Promise((r) => setTimeout(r, 1500));

  const late = await payment();
  assert.equal(late.status, "ERROR", JSON.stringify(late));
  assert.equal(late.errorResult.result.type, "txTooLate");

  // Bounded by the ledger clock, the same payment goes through.
  const { closeTime } = await server.getLatestLedger();
  const sent = await payment({ minTime: 0, maxTime: Number(closeTime) + 300 });
  assert.equal(sent.status, "PENDING", JSON.stringify(sent));
  const done = await server.pollTransaction(sent.hash, { attempts: 20 });
  assert.equal(done.status, rpc.Api.GetTransactionStatus.SUCCESS);
});

test("contract.Client calls go through with the offset added to timeoutInSeconds", async () => {
  const client = (timeoutInSeconds) =>
    contract.Client.from({
      contractId: deployment.access,
      rpcUrl,
      networkPassphrase,
      allowHttp: true,
      publicKey: bob.publicKey(),
      timeoutInSeconds,
      ...contract.basicNodeSigner(bob, networkPassphrase),
    });
  const args = { creator: bob.publicKey(), level: 1, token: deployment.assets[0], price: 1_000_000n, period: 2_592_000n, grace: 0n };
  const late = await (await client(300)).set_tier(args);
  // The default 300 s window from the wall clock: sendTransaction's ERROR, txTOO_LATE.
  await assert.rejects(late.signAndSend(), /"status": "ERROR"[\s\S]*"result": "tx_too_late"/);
  const onTime = await (await client(DAY + 300)).set_tier(args);
  const sent = await onTime.signAndSend();
  assert.equal(sent.result.unwrap(), 1);
});
