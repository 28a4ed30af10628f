//! What the node remembers of closed ledgers and applied transactions, for the retention
//! window: `getLedgers`, `getTransaction(s)` and `getEvents` read from here.

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::events::EventStore;

/// A closed ledger as `getLedgers` serves it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LedgerRecord {
    /// Sequence number.
    pub sequence: u32,
    /// Header hash, hex.
    pub hash: String,
    /// Close time, Unix seconds.
    pub close_time: u64,
    /// Base64 `LedgerHeader` XDR (`getLatestLedger`'s `headerXdr`).
    pub header_xdr: String,
    /// Base64 `LedgerHeaderHistoryEntry` XDR (`getLedgers`' `headerXdr`).
    pub header_entry_xdr: String,
    /// Base64 `LedgerCloseMeta` XDR.
    pub meta_xdr: String,
    /// Hashes of its transactions (hex), in application order.
    pub transactions: Vec<String>,
}

/// An applied transaction as `getTransaction` serves it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TxRecord {
    /// Hash, hex.
    pub hash: String,
    /// Ledger it was applied in.
    pub ledger: u32,
    /// Application order within the ledger, 1-based.
    pub application_order: u32,
    /// Ledger close time, Unix seconds.
    pub created_at: u64,
    /// Whether it succeeded.
    pub success: bool,
    /// Whether it is a Soroban transaction.
    pub soroban: bool,
    /// Its inclusion fee bid: the fee minus the declared resource fee, stroops.
    pub inclusion_fee: i64,
    /// Base64 `TransactionEnvelope`.
    pub envelope_xdr: String,
    /// Base64 `TransactionResult`.
    pub result_xdr: String,
    /// Base64 `TransactionMeta` (V4).
    pub meta_xdr: String,
    /// Base64 `ContractEvent`s, one list per operation.
    pub contract_events_xdr: Vec<Vec<String>>,
    /// Base64 `TransactionEvent`s (CAP-67 fee events: the charge, then any refund).
    #[serde(default)]
    pub transaction_events_xdr: Vec<String>,
    /// Whether the envelope is a fee bump (CAP-15); `getTransaction`'s `feeBump`.
    #[serde(default)]
    pub fee_bump: bool,
    /// Base64 `DiagnosticEvent`s.
    pub diagnostic_events_xdr: Vec<String>,
}

/// Ledgers, transactions and events of the retention window.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct History {
    /// Closed ledgers, oldest first.
    pub ledgers: VecDeque<LedgerRecord>,
    /// Applied transactions by hash (hex).
    pub transactions: HashMap<String, TxRecord>,
    /// Contract events.
    pub events: EventStore,
}

impl History {
    /// The oldest ledger still held.
    pub fn oldest(&self) -> Option<&LedgerRecord> {
        self.ledgers.front()
    }

    /// The newest ledger.
    pub fn latest(&self) -> Option<&LedgerRecord> {
        self.ledgers.back()
    }

    /// The record of ledger `seq`, if held.
    pub fn ledger(&self, seq: u32) -> Option<&LedgerRecord> {
        let first = self.ledgers.front()?.sequence;
        self.ledgers.get(seq.checked_sub(first)? as usize)
    }

    /// Keeps the newest `window` ledgers and what belongs to them.
    pub fn trim(&mut self, window: u32) {
        while self.ledgers.len() > window.max(1) as usize {
            if let Some(old) = self.ledgers.pop_front() {
                for h in &old.transactions {
                    self.transactions.remove(h);
                }
            }
        }
        if let Some(oldest) = self.ledgers.front() {
            self.events.trim_before(oldest.sequence);
        }
    }
}
