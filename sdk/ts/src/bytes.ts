// Byte helpers shared by the hashing rules: concatenation, hex, big-endian integers and the
// `ScVal` XDR of addresses (the preimage encoding of docs/PROTOCOL.md, "Ids").
import { Address, xdr } from "@stellar/stellar-sdk";

/** The bytes of `parts`, in order. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The bytes of the hex string `hex` (even length, `0-9a-fA-F` only).
 *
 * @throws RangeError on any other string
 */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new RangeError(`not hex: ${JSON.stringify(hex)}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** `value` as 8 big-endian bytes (`u64_be`). @throws RangeError outside `0..2^64` */
export function u64be(value: bigint): Uint8Array {
  if (value < 0n || value >= 1n << 64n) throw new RangeError(`not a u64: ${value}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value);
  return out;
}

/** The `u64` in the first 8 bytes of `bytes`, big-endian. */
export function readU64be(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
}

/** The XDR of `ScVal::Address` for a `G…` or `C…` strkey. @throws on a malformed strkey */
export function addressXdr(address: string): Uint8Array {
  return toBytes(new Address(address).toScVal().toXDR());
}

/** The XDR bytes of `val`. */
export function scValXdr(val: xdr.ScVal): Uint8Array {
  return toBytes(val.toXDR());
}

function toBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** UTF-8 bytes of `s`. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
