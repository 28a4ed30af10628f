//! The instance configuration shared by the payout contracts that number their positions:
//! the insurance contract's address and the next position id, kept in one instance entry so
//! creating a position reads and writes a single key.

use soroban_sdk::{contracttype, unwrap::UnwrapOptimized, Address, Env};

/// Instance storage key of the [`Config`].
#[contracttype]
#[derive(Clone)]
enum ConfigKey {
    Config,
}

/// A payout contract's configuration: immutable but for the id counter.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Config {
    /// The insurance contract: asset allowlist and skim recipient.
    pub insurance: Address,
    /// The id the next position gets (starts at 1).
    pub next_id: u64,
}

/// Stores the configuration of a new contract bound to `insurance`, with ids from 1.
pub fn init_config(e: &Env, insurance: Address) {
    set_config(
        e,
        &Config {
            insurance,
            next_id: 1,
        },
    );
}

/// The configuration. Invariant: the constructor stored it.
pub fn get_config(e: &Env) -> Config {
    e.storage()
        .instance()
        .get(&ConfigKey::Config)
        .unwrap_optimized()
}

/// Replaces the configuration.
pub fn set_config(e: &Env, config: &Config) {
    e.storage().instance().set(&ConfigKey::Config, config);
}

/// Reserves `count` consecutive ids from `config` (as read by [`get_config`]), stores the
/// advanced counter, and returns the first id.
pub fn take_ids(e: &Env, config: &mut Config, count: u64) -> u64 {
    let first = config.next_id;
    config.next_id += count;
    set_config(e, config);
    first
}
