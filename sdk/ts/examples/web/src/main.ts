// The web example: a development key creates a stream through the Tributary facade and the
// page shows its vesting progress from `get_stream` and the ledger clock. Configuration comes
// from the query string: `rpc` (the RPC URL) and `deployment` (deployment.json, URI-encoded).
import { Keypair } from "@stellar/stellar-sdk";
import { streamed, Tributary, type Deployment } from "@tributary/sdk";

const $ = (id: string) => document.getElementById(id) as HTMLElement;
const params = new URLSearchParams(location.search);
const rpcUrl = params.get("rpc") ?? "http://localhost:8000/rpc";
const deployment: Deployment = JSON.parse(params.get("deployment") ?? "{}");

async function main() {
  const dev = Keypair.random();
  const signer = Tributary.keypairSigner(dev, deployment.network_passphrase);
  const t = await Tributary.connect({ deployment, rpcUrl, signer, allowHttp: true });
  await t.server.fundAddress(dev.publicKey());
  $("state").textContent = `ready: ${dev.publicKey()}`;
  const button = $("create") as HTMLButtonElement;
  button.disabled = false;
  button.onclick = async () => {
    button.disabled = true;
    $("state").textContent = "creating…";
    const clicked = performance.now();
    const now = await t.ledgerTime();
    const id = await t.createStream({
      recipient: Keypair.random().publicKey(),
      token: deployment.assets[0],
      deposit: 1_000_000_000n,
      start: now,
      cliff: now,
      end: now + 60n,
      cancelable: true,
      transferable: false,
    });
    $("elapsed").textContent = `${Math.round(performance.now() - clicked)} ms`;
    $("id").textContent = id.toString();
    const stream = await t.read(t.stream.get_stream({ id }));
    // The ledger clock's offset from this machine's, so progress moves between ledgers.
    const offset = Number(await t.ledgerTime()) - Date.now() / 1000;
    $("state").textContent = "streaming";
    const tick = () => {
      const at = BigInt(Math.floor(Date.now() / 1000 + offset));
      const amount = streamed(stream, at);
      $("streamed").textContent = amount.toString();
      (($("progress") as HTMLProgressElement).value = Number((amount * 1000n) / stream.deposit));
      if (amount < stream.deposit) setTimeout(tick, 250);
      else $("state").textContent = "fully streamed";
    };
    tick();
  };
}

main().catch((e) => {
  $("state").textContent = `error: ${e instanceof Error ? e.message : String(e)}`;
});
