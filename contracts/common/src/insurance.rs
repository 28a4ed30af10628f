//! The part of the insurance contract's interface that payout contracts call.

use soroban_sdk::{contractclient, Address, Env};

/// The insurance contract as seen by a payout contract. Generates [`InsuranceClient`].
#[contractclient(name = "InsuranceClient")]
pub trait InsuranceInterface {
    /// Whether `asset` (a token contract address) is on the protocol's allowlist.
    /// Never fails.
    fn is_insured(env: Env, asset: Address) -> bool;
}
