// The facade a wallet or dApp starts from: a `deployment.json`, an RPC URL and a signer give
// typed clients of the four contracts, with results unwrapped and contract errors typed.
import { contract, Keypair, rpc } from "@stellar/stellar-sdk";

import { TributaryError, WrongNetworkError, type ContractName } from "./errors.js";
import * as access from "./generated/access.js";
import * as claims from "./generated/claims.js";
import * as insurance from "./generated/insurance.js";
import * as stream from "./generated/stream.js";
import { randomSalt, streamId } from "./ids.js";

/** The `deployment.json` written by `tributary deploy` (contract ids are `C…` strkeys). */
export interface Deployment {
  network_passphrase: string;
  insurance: string;
  stream: string;
  claims: string;
  access: string;
  /** The insured assets (Stellar Asset Contracts) at deploy time. */
  assets: string[];
}

/**
 * Who signs: an account (`G…`) and the two functions of `contract.ClientOptions`, as
 * `contract.basicNodeSigner(keypair, passphrase)` or a wallet such as Freighter provides them.
 */
export interface Signer {
  publicKey: string;
  signTransaction: contract.SignTransaction;
  signAuthEntry?: contract.SignAuthEntry;
}

/** Options of {@link Tributary.connect}. */
export interface ConnectOptions {
  deployment: Deployment;
  rpcUrl: string;
  signer: Signer;
  /** Allow `http://` RPC URLs (a local network). Default: `false`. */
  allowHttp?: boolean;
}

type Unwrapped<T> = T extends contract.Result<infer U> ? U : T;

/** An event of one of the deployment's contracts, decoded by its spec, with its contract. */
export type TributaryEvent =
  | ({ contract: "stream" } & stream.StreamEvent)
  | ({ contract: "claims" } & claims.ClaimsEvent)
  | ({ contract: "access" } & access.AccessEvent)
  | ({ contract: "insurance" } & insurance.InsuranceEvent);

const DECODERS = { stream: stream.decodeEvent, claims: claims.decodeEvent, access: access.decodeEvent, insurance: insurance.decodeEvent };

/** The parameters of {@link Tributary.createStream}: `create_stream`'s, less sender and salt. */
export type NewStream = Omit<stream.StreamParams, "salt">;

/** Typed clients of a Tributary deployment, signing as one signer. */
export class Tributary {
  readonly stream: stream.Client;
  readonly claims: claims.Client;
  readonly access: access.Client;
  readonly insurance: insurance.Client;
  readonly server: rpc.Server;

  private constructor(
    readonly deployment: Deployment,
    readonly rpcUrl: string,
    readonly signer: Signer,
    private readonly allowHttp: boolean,
  ) {
    const options = (contractId: string): contract.ClientOptions => ({
      contractId,
      rpcUrl,
      allowHttp,
      networkPassphrase: deployment.network_passphrase,
      publicKey: signer.publicKey,
      signTransaction: signer.signTransaction,
      signAuthEntry: signer.signAuthEntry,
    });
    this.stream = new stream.Client(options(deployment.stream));
    this.claims = new claims.Client(options(deployment.claims));
    this.access = new access.Client(options(deployment.access));
    this.insurance = new insurance.Client(options(deployment.insurance));
    this.server = new rpc.Server(rpcUrl, { allowHttp });
  }

  /**
   * Connects to `rpcUrl` and checks that it serves the deployment's network.
   *
   * @throws WrongNetworkError if the RPC's passphrase (`getNetwork`) differs
   */
  static async connect({ deployment, rpcUrl, signer, allowHttp = false }: ConnectOptions): Promise<Tributary> {
    const t = new Tributary(deployment, rpcUrl, signer, allowHttp);
    const { passphrase } = await t.server.getNetwork();
    if (passphrase !== deployment.network_passphrase) {
      throw new WrongNetworkError(deployment.network_passphrase, passphrase);
    }
    return t;
  }

  /** A signer of `keypair` on `networkPassphrase` (`contract.basicNodeSigner`). */
  static keypairSigner(keypair: Keypair, networkPassphrase: string): Signer {
    return { publicKey: keypair.publicKey(), ...contract.basicNodeSigner(keypair, networkPassphrase) };
  }

  /** The same deployment and RPC, signing as `signer`. */
  as(signer: Signer): Tributary {
    return new Tributary(this.deployment, this.rpcUrl, signer, this.allowHttp);
  }

  /**
   * Signs and sends a state change built by one of the clients, waits for it, and returns the
   * entry point's value, unwrapped.
   *
   * @throws TributaryError for a contract error (in simulation or on chain); the SDK's own
   * errors (`contract.AssembledTransaction.Errors`, RPC failures) otherwise
   */
  async send<T>(built: Promise<contract.AssembledTransaction<T>> | contract.AssembledTransaction<T>): Promise<Unwrapped<T>> {
    try {
      const tx = await built;
      const sent = await tx.signAndSend();
      return unwrap(this.contractName(tx), sent.result);
    } catch (e) {
      throw TributaryError.from(e) ?? e;
    }
  }

  /**
   * The value of a read call (simulation only), unwrapped.
   *
   * @throws TributaryError for a contract error
   */
  async read<T>(built: Promise<contract.AssembledTransaction<T>> | contract.AssembledTransaction<T>): Promise<Unwrapped<T>> {
    try {
      const tx = await built;
      return unwrap(this.contractName(tx), tx.result);
    } catch (e) {
      throw TributaryError.from(e) ?? e;
    }
  }

  /**
   * Creates a stream from the signer with a random salt, and returns its id (derived before
   * sending and checked against the contract's).
   */
  async createStream(params: NewStream): Promise<bigint> {
    const salt = randomSalt();
    const expected = streamId(this.deployment.stream, this.signer.publicKey, salt);
    const id = await this.send(this.stream.create_stream({ sender: this.signer.publicKey, salt, ...params }));
    if (id !== expected) throw new Error(`stream id ${id} differs from the derived ${expected}`);
    return id;
  }

  /**
   * Decodes an event from `getEvents` (`rpc.Api.EventResponse`) if one of this deployment's
   * contracts emitted it and its spec declares it; `undefined` for any other event, so events
   * of other contracts with the same topics are never taken for ours.
   */
  decodeEvent(e: rpc.Api.EventResponse): TributaryEvent | undefined {
    const name = this.contractOf(e.contractId?.contractId());
    if (!name) return undefined;
    const decoded = DECODERS[name](e.topic, e.value);
    return decoded && ({ contract: name, ...decoded } as TributaryEvent);
  }

  /** Which of the deployment's contracts `id` is, if any. */
  private contractOf(id: string | undefined): ContractName | undefined {
    return (["stream", "claims", "access", "insurance"] as const).find((n) => this.deployment[n] === id);
  }

  private contractName(tx: contract.AssembledTransaction<unknown>): ContractName {
    const name = this.contractOf(tx.options.contractId);
    if (!name) throw new Error(`${tx.options.contractId} is not a contract of this deployment`);
    return name;
  }

  /**
   * The close time (Unix seconds) of the latest ledger (`getLatestLedger`): the clock the
   * contracts check `start`, `end` and expiries against, which may differ from the wall clock.
   */
  async ledgerTime(): Promise<bigint> {
    return BigInt((await this.server.getLatestLedger()).closeTime);
  }

}

function unwrap<T>(contractName: ContractName, value: T): Unwrapped<T> {
  const r = value as unknown as { isErr?: () => boolean; unwrap: () => unknown; unwrapErr: () => { message: string } };
  if (r && typeof r.isErr === "function") {
    if (r.isErr()) {
      const name = r.unwrapErr().message;
      throw TributaryError.fromName(contractName, name) ?? new Error(`${contractName}: ${name}`);
    }
    return r.unwrap() as Unwrapped<T>;
  }
  return value as Unwrapped<T>;
}
