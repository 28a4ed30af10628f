//! Stream and campaign ids, off-chain (docs/PROTOCOL.md, Shared rules, "Ids"): the id of a
//! position is `u64_be(sha256(domain ‖ xdr(contract) ‖ xdr(creator) ‖ u64_be(salt))[0..8])`,
//! where `xdr(·)` is an address's `ScVal` XDR. A client picks a random salt ([`random_salt`])
//! and knows the id before it sends the transaction. Tested against the contracts' own
//! derivation in `tests/host_parity.rs`.

use sha2::{Digest, Sha256};
use stellar_xdr::{Limits, ScAddress, WriteXdr};

use crate::scval::ToScVal;

/// Domain string of stream ids (`tributary_rules::ids::STREAM_ID_DOMAIN`).
pub const STREAM_ID_DOMAIN: &[u8] = tributary_rules::ids::STREAM_ID_DOMAIN;
/// Domain string of campaign ids (`tributary_rules::ids::CAMPAIGN_ID_DOMAIN`).
pub const CAMPAIGN_ID_DOMAIN: &[u8] = tributary_rules::ids::CAMPAIGN_ID_DOMAIN;

/// A salt from the operating system's RNG. Two creates by one creator with the same salt would
/// derive the same id (the second fails with `IdTaken`); 64 random bits make that negligible.
///
/// # Panics
/// If the operating system has no random source (`getrandom` fails), which leaves no safe way
/// to pick a salt.
pub fn random_salt() -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    u64::from_be_bytes(bytes)
}

/// The id that `creator` gets with `salt` from the contract at `contract`, under `domain`.
pub fn derive_id(domain: &[u8], contract: &ScAddress, creator: &ScAddress, salt: u64) -> u64 {
    let xdr = |a: &ScAddress| a.to_sc_val().to_xdr(Limits::none()).unwrap_or_default();
    let digest: [u8; 32] = Sha256::new()
        .chain_update(domain)
        .chain_update(xdr(contract))
        .chain_update(xdr(creator))
        .chain_update(salt.to_be_bytes())
        .finalize()
        .into();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The id of the stream that `sender` creates with `salt` on the stream contract `stream`.
pub fn stream_id(stream: &ScAddress, sender: &ScAddress, salt: u64) -> u64 {
    derive_id(STREAM_ID_DOMAIN, stream, sender, salt)
}

/// The id of the campaign that `funder` creates with `salt` on the claims contract `claims`.
pub fn campaign_id(claims: &ScAddress, funder: &ScAddress, salt: u64) -> u64 {
    derive_id(CAMPAIGN_ID_DOMAIN, claims, funder, salt)
}
