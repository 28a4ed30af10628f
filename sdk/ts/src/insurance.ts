// The insurance council's approval hash (docs/PROTOCOL.md, `contracts/insurance`): a member
// approves `sha256(xdr(ScVal::Vec[insurance contract, id, action, epoch]))`, so an approval
// can't be replayed on another proposal, contract or council epoch.
import { Address, hash, nativeToScVal, xdr } from "@stellar/stellar-sdk";

import { scValXdr } from "./bytes.js";
import { spec as insuranceSpec, type Action } from "./generated/insurance.js";

/** Seconds between the 5th approval and the earliest execution (14 days). */
export const TIMELOCK_SECONDS = 14n * 24n * 60n * 60n;

const ACTION = xdr.ScSpecTypeDef.scSpecTypeUdt(new xdr.ScSpecTypeUdt({ name: "Action" }));

/** The hash a council member approves for proposal `id` with `action` in council `epoch`. */
export function proposalHash(insurance: string, id: bigint, action: Action, epoch: number): Uint8Array {
  const preimage = xdr.ScVal.scvVec([
    new Address(insurance).toScVal(),
    nativeToScVal(id, { type: "u64" }),
    insuranceSpec.nativeToScVal(action, ACTION),
    nativeToScVal(epoch, { type: "u32" }),
  ]);
  return hash(scValXdr(preimage));
}
