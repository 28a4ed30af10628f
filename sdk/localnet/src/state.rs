//! The ledger state: every live and archived entry, keyed by `LedgerKey`, with its TTL.
//!
//! Entries with a TTL (contract data and code) whose `live_until` is below the current
//! ledger are expired: persistent ones stay here as archived (they can be restored), temporary
//! ones are deleted when the next ledger closes, as on the real network.

use std::{collections::BTreeMap, rc::Rc, sync::Arc};

use soroban_env_host::{
    storage::{EntryWithLiveUntil, SnapshotSource},
    xdr::{ContractDataDurability, LedgerEntry, LedgerEntryData, LedgerKey},
    HostError,
};

/// One stored entry: the `LedgerEntry` and its live-until ledger (entries with a TTL only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    /// The entry, with `last_modified_ledger_seq` set by the ledger that last wrote it.
    pub entry: LedgerEntry,
    /// Last ledger the entry is live in; `None` for classic entries.
    pub live_until: Option<u32>,
}

/// Whether an entry is live, archived (persistent, expired) or gone (temporary, expired).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    /// Readable and writable.
    Live,
    /// Persistent entry past its TTL: needs a restore before use.
    Archived,
    /// Temporary entry past its TTL: as if it never existed.
    Expired,
}

/// The whole ledger state. Cloning is cheap (copy-on-write), so readers such as simulation take
/// a snapshot and don't hold the node's lock.
#[derive(Clone, Debug, Default)]
pub struct LedgerState {
    entries: Arc<BTreeMap<LedgerKey, Arc<StoredEntry>>>,
}

impl LedgerState {
    /// The stored entry for `key`, whatever its liveness.
    pub fn get(&self, key: &LedgerKey) -> Option<&StoredEntry> {
        self.entries.get(key).map(Arc::as_ref)
    }

    /// The stored entry for `key` if it is live at ledger `seq`.
    pub fn get_live(&self, key: &LedgerKey, seq: u32) -> Option<&StoredEntry> {
        self.get(key)
            .filter(|e| liveness(e, key, seq) == Liveness::Live)
    }

    /// Inserts or replaces an entry.
    pub fn put(&mut self, entry: LedgerEntry, live_until: Option<u32>) {
        let key = entry.to_key();
        Arc::make_mut(&mut self.entries).insert(key, Arc::new(StoredEntry { entry, live_until }));
    }

    /// Removes an entry.
    pub fn remove(&mut self, key: &LedgerKey) {
        Arc::make_mut(&mut self.entries).remove(key);
    }

    /// Deletes temporary entries expired at ledger `seq`; returns their keys.
    pub fn evict_expired_temporary(&mut self, seq: u32) -> Vec<LedgerKey> {
        let expired: Vec<LedgerKey> = self
            .entries
            .iter()
            .filter(|(k, e)| liveness(e, k, seq) == Liveness::Expired)
            .map(|(k, _)| k.clone())
            .collect();
        if !expired.is_empty() {
            let map = Arc::make_mut(&mut self.entries);
            for k in &expired {
                map.remove(k);
            }
        }
        expired
    }

    /// Every entry, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&LedgerKey, &StoredEntry)> {
        self.entries.iter().map(|(k, v)| (k, v.as_ref()))
    }

    /// Number of entries, archived ones included.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The liveness of `entry` (stored under `key`) at ledger `seq`.
pub fn liveness(entry: &StoredEntry, key: &LedgerKey, seq: u32) -> Liveness {
    match (entry.live_until, durability(key)) {
        (Some(until), Some(d)) if until < seq => match d {
            ContractDataDurability::Persistent => Liveness::Archived,
            ContractDataDurability::Temporary => Liveness::Expired,
        },
        _ => Liveness::Live,
    }
}

/// The durability of a key with a TTL: contract code is persistent. `None` for classic keys.
pub fn durability(key: &LedgerKey) -> Option<ContractDataDurability> {
    match key {
        LedgerKey::ContractData(k) => Some(k.durability),
        LedgerKey::ContractCode(_) => Some(ContractDataDurability::Persistent),
        _ => None,
    }
}

/// Whether an entry lives in classic (disk) state rather than Soroban's in-memory state.
pub fn is_classic(key: &LedgerKey) -> bool {
    matches!(key, LedgerKey::Account(_) | LedgerKey::Trustline(_))
}

/// Whether the entry data is of a kind this network stores.
pub fn is_supported(data: &LedgerEntryData) -> bool {
    matches!(
        data,
        LedgerEntryData::Account(_)
            | LedgerEntryData::Trustline(_)
            | LedgerEntryData::ContractData(_)
            | LedgerEntryData::ContractCode(_)
    )
}

/// A read-only view of the state for soroban-simulation: entries as stored, expired ones
/// included, so the recording host can plan their automatic restoration.
pub struct Snapshot(pub LedgerState);

impl SnapshotSource for Snapshot {
    fn get(&self, key: &Rc<LedgerKey>) -> Result<Option<EntryWithLiveUntil>, HostError> {
        Ok(self
            .0
            .get(key)
            .map(|e| (Rc::new(e.entry.clone()), e.live_until)))
    }
}
