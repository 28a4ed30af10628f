// Typed errors: a contract error code from a failed simulation, a failed transaction or an
// `Err` result, mapped to its contract and name. Codes are in disjoint ranges (stream 100–199,
// claims 200–299, access 300–399, insurance 400–499; docs/PROTOCOL.md, "Errors").
import { AccessError } from "./generated/access.js";
import { ClaimsError } from "./generated/claims.js";
import { InsuranceError } from "./generated/insurance.js";
import { StreamError } from "./generated/stream.js";

type Names<T> = T[keyof T] extends { message: infer M } ? M : never;

/** The contract an error belongs to. */
export type ContractName = "stream" | "claims" | "access" | "insurance";

/** Every contract error's name, across the four contracts. */
export type ContractErrorName =
  | Names<typeof StreamError>
  | Names<typeof ClaimsError>
  | Names<typeof AccessError>
  | Names<typeof InsuranceError>;

const TABLES: [ContractName, Readonly<Record<number, { message: string }>>][] = [
  ["stream", StreamError],
  ["claims", ClaimsError],
  ["access", AccessError],
  ["insurance", InsuranceError],
];

/** A contract refused a call: `contract`, the numeric `code` and its `errorName`. */
export class TributaryError extends Error {
  constructor(
    readonly contract: ContractName,
    readonly code: number,
    readonly errorName: ContractErrorName,
    options?: { cause?: unknown },
  ) {
    super(`${contract}: ${errorName} (error ${code})`, options);
    this.name = "TributaryError";
  }

  /** The error with contract error `code`, or `undefined` if no contract has it. */
  static fromCode(code: number, cause?: unknown): TributaryError | undefined {
    for (const [contract, table] of TABLES) {
      const e = table[code];
      if (e) return new TributaryError(contract, code, e.message as ContractErrorName, { cause });
    }
    return undefined;
  }

  /** The error `name` of `contract`, or `undefined` if it has none by that name. */
  static fromName(contract: ContractName, name: string, cause?: unknown): TributaryError | undefined {
    const table = TABLES.find(([c]) => c === contract)?.[1] ?? {};
    const entry = Object.entries(table).find(([, e]) => e.message === name);
    return entry ? new TributaryError(contract, Number(entry[0]), name as ContractErrorName, { cause }) : undefined;
  }

  /**
   * The contract error inside `e` (a thrown SDK error whose message carries the host's
   * `Error(Contract, #N)`, as simulation and transaction failures do), else `undefined`.
   */
  static from(e: unknown): TributaryError | undefined {
    if (e instanceof TributaryError) return e;
    for (let at: unknown = e, depth = 0; at !== undefined && at !== null && depth < 4; depth++) {
      const text = at instanceof Error ? at.message : String(at);
      const m = /Error\(Contract, #(\d+)\)/.exec(text);
      if (m) return TributaryError.fromCode(Number(m[1]), e);
      at = at instanceof Error ? at.cause : undefined;
    }
    return undefined;
  }
}

/** The RPC serves another network than the deployment was made for. */
export class WrongNetworkError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`the RPC serves "${actual}", the deployment is on "${expected}"`);
    this.name = "WrongNetworkError";
  }
}
