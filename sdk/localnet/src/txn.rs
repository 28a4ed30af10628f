//! A write overlay on the ledger state: one operation's or transaction's staged changes,
//! committed all at once or dropped, and described as `LedgerEntryChanges` for the meta.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use stellar_xdr::{
    Hash, LedgerEntry, LedgerEntryChange, LedgerEntryChanges, LedgerEntryData, LedgerEntryExt,
    LedgerKey, LedgerKeyTtl, Limits, TtlEntry, WriteXdr,
};

use crate::state::{liveness, LedgerState, Liveness, StoredEntry};

/// Staged writes over a base state. `None` stages a removal.
pub struct Overlay<'a> {
    base: &'a LedgerState,
    seq: u32,
    writes: BTreeMap<LedgerKey, Option<StoredEntry>>,
}

impl<'a> Overlay<'a> {
    /// An empty overlay for writes made in ledger `seq`.
    pub fn new(base: &'a LedgerState, seq: u32) -> Self {
        Self {
            base,
            seq,
            writes: BTreeMap::new(),
        }
    }

    /// The ledger these writes belong to.
    pub fn seq(&self) -> u32 {
        self.seq
    }

    /// The entry as this overlay sees it.
    pub fn get(&self, key: &LedgerKey) -> Option<StoredEntry> {
        match self.writes.get(key) {
            Some(staged) => staged.clone(),
            None => self.base.get(key).cloned(),
        }
    }

    /// Stages `entry`, stamping `last_modified_ledger_seq`.
    pub fn put(&mut self, mut entry: LedgerEntry, live_until: Option<u32>) {
        entry.last_modified_ledger_seq = self.seq;
        self.writes
            .insert(entry.to_key(), Some(StoredEntry { entry, live_until }));
    }

    /// Stages a TTL change only (entry unchanged).
    pub fn set_live_until(&mut self, key: &LedgerKey, live_until: u32) {
        if let Some(mut e) = self.get(key) {
            e.live_until = Some(live_until);
            self.writes.insert(key.clone(), Some(e));
        }
    }

    /// Stages a removal.
    pub fn remove(&mut self, key: &LedgerKey) {
        self.writes.insert(key.clone(), None);
    }

    /// The staged changes in the meta's form, as stellar-core records them since protocol 23:
    /// for each entry `State` then `Updated`, or `Created`, or `State` then `Removed`; an
    /// entry with a TTL has a separate TTL entry (`LedgerKey::Ttl`, keyed by the SHA-256 of the
    /// entry's key XDR) whose changes follow all data changes, as the TTL key type sorts last.
    /// An archived entry brought back (restore op or automatic restore) is `Restored` with its
    /// old value, then `Updated` if it was also modified; its TTL is `Restored` with the new
    /// live-until ledger (`TransactionMeta.cpp`, `processOpLedgerEntryChanges`; CAP-66).
    pub fn changes(&self) -> LedgerEntryChanges {
        let mut out = Vec::new();
        let mut ttl = Vec::new();
        for (key, after) in &self.writes {
            let before = self.base.get(key);
            let archived = before.is_some_and(|b| liveness(b, key, self.seq) == Liveness::Archived);
            match (before, after) {
                (None, Some(a)) => {
                    out.push(LedgerEntryChange::Created(a.entry.clone()));
                    ttl.extend(
                        a.live_until
                            .map(|u| LedgerEntryChange::Created(ttl_entry(key, u, self.seq))),
                    );
                }
                (Some(b), Some(a)) if archived => {
                    let mut restored = b.entry.clone();
                    if b.entry != a.entry {
                        restored.last_modified_ledger_seq = self.seq;
                    }
                    out.push(LedgerEntryChange::Restored(restored));
                    if b.entry.data != a.entry.data {
                        out.push(LedgerEntryChange::Updated(a.entry.clone()));
                    }
                    ttl.extend(
                        a.live_until
                            .map(|u| LedgerEntryChange::Restored(ttl_entry(key, u, self.seq))),
                    );
                }
                (Some(b), Some(a)) => {
                    if b.entry != a.entry {
                        out.push(LedgerEntryChange::State(b.entry.clone()));
                        out.push(LedgerEntryChange::Updated(a.entry.clone()));
                    }
                    if let (Some(old), Some(new)) = (b.live_until, a.live_until) {
                        if old != new {
                            let lm = b.entry.last_modified_ledger_seq;
                            ttl.push(LedgerEntryChange::State(ttl_entry(key, old, lm)));
                            ttl.push(LedgerEntryChange::Updated(ttl_entry(key, new, self.seq)));
                        }
                    }
                }
                (Some(b), None) => {
                    out.push(LedgerEntryChange::State(b.entry.clone()));
                    out.push(LedgerEntryChange::Removed(key.clone()));
                    if let Some(old) = b.live_until {
                        let lm = b.entry.last_modified_ledger_seq;
                        ttl.push(LedgerEntryChange::State(ttl_entry(key, old, lm)));
                        ttl.push(LedgerEntryChange::Removed(ttl_key(key)));
                    }
                }
                (None, None) => {}
            }
        }
        out.extend(ttl);
        LedgerEntryChanges(out.try_into().unwrap_or_default())
    }

    /// The staged writes, to commit with [`commit`].
    pub fn into_writes(self) -> BTreeMap<LedgerKey, Option<StoredEntry>> {
        self.writes
    }
}

/// The TTL entry's key for an entry with a TTL: the SHA-256 of the entry key's XDR.
pub fn ttl_key(key: &LedgerKey) -> LedgerKey {
    LedgerKey::Ttl(LedgerKeyTtl {
        key_hash: ttl_hash(key),
    })
}

fn ttl_hash(key: &LedgerKey) -> Hash {
    let bytes = key.to_xdr(Limits::none()).unwrap_or_default();
    Hash(Sha256::digest(bytes).into())
}

/// The TTL entry of `key`: live until ledger `live_until`, last written in ledger `modified`.
pub fn ttl_entry(key: &LedgerKey, live_until: u32, modified: u32) -> LedgerEntry {
    LedgerEntry {
        last_modified_ledger_seq: modified,
        data: LedgerEntryData::Ttl(TtlEntry {
            key_hash: ttl_hash(key),
            live_until_ledger_seq: live_until,
        }),
        ext: LedgerEntryExt::V0,
    }
}

/// Applies staged writes to the state.
pub fn commit(state: &mut LedgerState, writes: BTreeMap<LedgerKey, Option<StoredEntry>>) {
    for (key, after) in writes {
        match after {
            Some(e) => state.put(e.entry, e.live_until),
            None => state.remove(&key),
        }
    }
}
