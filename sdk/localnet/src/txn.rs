//! A write overlay on the ledger state: one operation's or transaction's staged changes,
//! committed all at once or dropped, and described as `LedgerEntryChanges` for the meta.

use std::collections::BTreeMap;

use stellar_xdr::{LedgerEntry, LedgerEntryChange, LedgerEntryChanges, LedgerKey};

use crate::state::{LedgerState, StoredEntry};

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

    /// The staged changes in the meta's form: `State` then `Created`/`Updated`/`Removed`.
    pub fn changes(&self) -> LedgerEntryChanges {
        let mut out = Vec::new();
        for (key, after) in &self.writes {
            let before = self.base.get(key);
            match (before, after) {
                (None, Some(a)) => out.push(LedgerEntryChange::Created(a.entry.clone())),
                (Some(b), Some(a)) if b != a => {
                    out.push(LedgerEntryChange::State(b.entry.clone()));
                    out.push(LedgerEntryChange::Updated(a.entry.clone()));
                }
                (Some(b), None) => {
                    out.push(LedgerEntryChange::State(b.entry.clone()));
                    out.push(LedgerEntryChange::Removed(key.clone()));
                }
                _ => {}
            }
        }
        LedgerEntryChanges(out.try_into().unwrap_or_default())
    }

    /// The staged writes, to commit with [`commit`].
    pub fn into_writes(self) -> BTreeMap<LedgerKey, Option<StoredEntry>> {
        self.writes
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
