//! Claim keys: an ed25519 key standing in for a recipient without a wallet. The claim message
//! is `sha256("tributary-claim-v1" ‖ xdr(ScVal::Vec[claims contract, id, index, to]))`
//! (docs/PROTOCOL.md, `contracts/claims`), so a signature pays exactly one address from one entry.

use sha2::{Digest, Sha256};
use stellar_xdr::{Limits, ScAddress, WriteXdr};

use crate::{
    scval::{vec_of, ToScVal},
    signer::Signer,
};

/// The domain prefix of claim messages.
pub const CLAIM_DOMAIN: &[u8] = b"tributary-claim-v1";

/// The 32-byte message a claim key signs to pay entry `index` of campaign `id` on `claims` to
/// `to`.
pub fn claim_message(claims: &ScAddress, id: u64, index: u32, to: &ScAddress) -> [u8; 32] {
    let fields = vec_of(vec![
        claims.to_sc_val(),
        id.to_sc_val(),
        index.to_sc_val(),
        to.to_sc_val(),
    ]);
    let xdr = fields.to_xdr(Limits::none()).unwrap_or_default();
    Sha256::new()
        .chain_update(CLAIM_DOMAIN)
        .chain_update(xdr)
        .finalize()
        .into()
}

/// The claim key's signature for that payout: the `signature` argument of `claim`.
pub fn sign_claim(
    key: &Signer,
    claims: &ScAddress,
    id: u64,
    index: u32,
    to: &ScAddress,
) -> [u8; 64] {
    key.sign(&claim_message(claims, id, index, to))
}
