//! Storage TTL rules shared by every Tributary contract (docs/PROTOCOL.md, "Storage TTL").
//!
//! TTLs are counted in ledgers (about 5 seconds each). Instance storage, and with it the
//! contract's WASM code entry, is extended on every call. A position's persistent entry is
//! extended whenever it is read or written. An extension happens only once the remaining TTL
//! has fallen below the threshold, so most calls pay no rent.
//! The amounts stay within mainnet's `maxEntryTTL` (3,110,400 ledgers, about 180 days).

use soroban_sdk::{Env, IntoVal, TryFromVal, Val};

/// Ledgers per day at the nominal 5-second close time.
pub const DAY_IN_LEDGERS: u32 = 17_280;

/// Instance storage is extended once its remaining TTL is below this (30 days).
pub const INSTANCE_TTL_THRESHOLD: u32 = 30 * DAY_IN_LEDGERS;
/// Instance storage is extended to this TTL (120 days).
pub const INSTANCE_EXTEND_AMOUNT: u32 = 120 * DAY_IN_LEDGERS;

/// A position's persistent entry is extended once its remaining TTL is below this (30 days).
pub const POSITION_TTL_THRESHOLD: u32 = 30 * DAY_IN_LEDGERS;
/// A position's persistent entry is extended to this TTL (120 days).
pub const POSITION_EXTEND_AMOUNT: u32 = 120 * DAY_IN_LEDGERS;

/// Extends this contract's instance (and its code entry) per the instance constants.
pub fn extend_instance(e: &Env) {
    e.storage()
        .instance()
        .extend_ttl(INSTANCE_TTL_THRESHOLD, INSTANCE_EXTEND_AMOUNT);
}

/// Reads a persistent entry and, if it exists, extends its TTL per the position constants.
pub fn read_persistent<K, V>(e: &Env, key: &K) -> Option<V>
where
    K: IntoVal<Env, Val>,
    V: TryFromVal<Env, Val>,
{
    let value = e.storage().persistent().get(key)?;
    e.storage()
        .persistent()
        .extend_ttl(key, POSITION_TTL_THRESHOLD, POSITION_EXTEND_AMOUNT);
    Some(value)
}

/// Writes a persistent entry and extends its TTL per the position constants.
pub fn write_persistent<K, V>(e: &Env, key: &K, value: &V)
where
    K: IntoVal<Env, Val>,
    V: IntoVal<Env, Val>,
{
    e.storage().persistent().set(key, value);
    e.storage()
        .persistent()
        .extend_ttl(key, POSITION_TTL_THRESHOLD, POSITION_EXTEND_AMOUNT);
}
