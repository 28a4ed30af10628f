import { readFileSync } from "node:fs";
import { Keypair } from "@stellar/stellar-sdk";
import { Tributary, withdrawable, type Deployment } from "@tributary/sdk";
const deployment: Deployment = JSON.parse(readFileSync(process.env.DEPLOYMENT!, "utf8"));
const alice = Keypair.fromSecret(process.env.ALICE_SECRET!);
const signer = Tributary.keypairSigner(alice, deployment.network_passphrase);
const t = await Tributary.connect({ deployment, rpcUrl: process.env.RPC_URL!, signer, allowHttp: true });

const now = await t.ledgerTime(); // contracts check times against the ledger clock
const id = await t.createStream({
  recipient: Keypair.fromSecret(process.env.BOB_SECRET!).publicKey(), token: deployment.assets[0],
  deposit: 1_000_000_000n, start: now, cliff: now, end: now + 3600n, cancelable: true, transferable: false,
});
const stream = await t.read(t.stream.get_stream({ id }));
console.log(`stream ${id}: ${withdrawable(stream, now + 1800n)} withdrawable at half time`);
