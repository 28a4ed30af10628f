//! Position ids derived from the creator and a caller-chosen salt (docs/PROTOCOL.md, Shared
//! rules, "Ids"), so that creating a position writes no entry that other creators write.
//!
//! `id = u64_be(sha256(domain ‖ xdr(contract) ‖ xdr(creator) ‖ u64_be(salt))[0..8])`, where
//! `xdr(·)` is the XDR of the address as an `ScVal` (what `Address::to_xdr` yields) and
//! `domain` is the contract's ASCII domain string below. Only one creator's own creates can
//! collide; the contracts refuse an id that exists with a typed `IdTaken`.

use soroban_sdk::{xdr::ToXdr, Address, Bytes, Env};

pub use tributary_rules::ids::{CAMPAIGN_ID_DOMAIN, STREAM_ID_DOMAIN};

/// The id of the position that `creator` opens with `salt` in the calling contract.
pub fn derive_id(e: &Env, domain: &[u8], creator: &Address, salt: u64) -> u64 {
    let mut preimage = Bytes::from_slice(e, domain);
    preimage.append(&e.current_contract_address().to_xdr(e));
    preimage.append(&creator.clone().to_xdr(e));
    preimage.extend_from_array(&salt.to_be_bytes());
    let digest = e.crypto().sha256(&preimage).to_array();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}
