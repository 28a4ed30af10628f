//! The instance configuration shared by the payout contracts that own positions (stream and
//! claims): the insurance contract's address. Creating a position reads it and writes no
//! shared entry: ids come from [`crate::ids`], not from a counter.

use soroban_sdk::{contracttype, unwrap::UnwrapOptimized, Address, Env};

/// Instance storage key of the [`Config`].
#[contracttype]
#[derive(Clone)]
enum ConfigKey {
    Config,
}

/// A payout contract's configuration, immutable after the constructor.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Config {
    /// The insurance contract: asset allowlist and skim recipient.
    pub insurance: Address,
}

/// Stores the configuration of a new contract bound to `insurance`.
pub fn init_config(e: &Env, insurance: Address) {
    e.storage()
        .instance()
        .set(&ConfigKey::Config, &Config { insurance });
}

/// The configuration. Invariant: the constructor stored it.
pub fn get_config(e: &Env) -> Config {
    e.storage()
        .instance()
        .get(&ConfigKey::Config)
        .unwrap_optimized()
}
