import { contract, Keypair, rpc } from "@stellar/stellar-sdk";
const rpcUrl = process.env.RPC_URL ?? "http://127.0.0.1:8000/rpc";
const networkPassphrase = "Standalone Network ; February 2017";
const server = new rpc.Server(rpcUrl, { allowHttp: true });
const fan = Keypair.random();
await server.fundAddress(fan.publicKey()); // friendbot: 10,000 XLM
const access = await contract.Client.from({ contractId: process.env.ACCESS, rpcUrl, networkPassphrase,
  allowHttp: true, publicKey: fan.publicKey(), ...contract.basicNodeSigner(fan, networkPassphrase) });
const { result } = await access.has_access({ fan: fan.publicKey(), creator: fan.publicKey(), min_level: 1 });
console.log(`ledger ${(await server.getLatestLedger()).sequence}: has_access = ${result}`);
