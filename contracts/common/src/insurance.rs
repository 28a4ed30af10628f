//! The part of the insurance contract's interface that payout contracts call.

use soroban_sdk::{contractclient, vec, Address, Env, IntoVal, Symbol};

use crate::host::call;

/// The insurance contract as seen by a payout contract. Generates [`InsuranceClient`].
#[contractclient(name = "InsuranceClient")]
pub trait InsuranceInterface {
    /// Whether `asset` (a token contract address) is on the protocol's allowlist.
    /// Never fails.
    fn is_insured(env: Env, asset: Address) -> bool;
}

/// Asks the insurance contract at `insurance` whether `asset` is insured
/// (`is_insured(asset) -> bool`), through [`call`] rather than [`InsuranceClient`].
pub fn is_insured(e: &Env, insurance: &Address, asset: &Address) -> bool {
    let args = vec![e, asset.into_val(e)];
    call(e, insurance, &Symbol::new(e, "is_insured"), args)
}
