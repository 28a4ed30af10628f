//! What ingestion has reached, shared by the follower and the writer (which update it) and the
//! API and metrics (which read it), so the read side needs nothing of the write side; and the
//! wall clock both sides stamp times with.

use std::{
    sync::{Arc, Mutex},
    time::{SystemTime, UNIX_EPOCH},
};

/// What `/health` reports. Shared between the follower, the writer and the API.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Progress {
    /// The RPC's latest ledger, as of the last response.
    pub rpc_latest_ledger: u32,
    /// Its close time, Unix seconds.
    pub rpc_latest_close_time: u64,
    /// Last ledger whose events are all committed.
    pub applied_ledger: u32,
    /// Its close time (or the last applied event's), Unix seconds.
    pub applied_close_time: u64,
    /// Why ingestion stopped, if it did.
    pub halted: Option<String>,
    /// The last transient RPC error, kept until the next successful call.
    pub last_error: Option<String>,
    /// When it happened, Unix seconds.
    pub last_error_at: Option<u64>,
    /// The first damaged record a read found (`<table>: <reason>`): `/health` is degraded
    /// until the database is repaired and the instance restarted.
    pub corrupt: Option<String>,
    /// The insurance fund's on-chain balances, read each time ingestion catches up.
    pub fund: Option<crate::fund::FundBalances>,
}

impl Progress {
    /// Records the RPC's latest ledger from a response. Never moves backwards: a stale
    /// response (a load-balanced RPC whose nodes lag each other) doesn't lower it.
    pub fn record_rpc_latest(&mut self, ledger: u32, close_time: u64) {
        self.rpc_latest_ledger = self.rpc_latest_ledger.max(ledger);
        self.rpc_latest_close_time = self.rpc_latest_close_time.max(close_time);
    }

    /// Records a commit through `ledger` (closed at `close_time`, if known). Never moves
    /// backwards.
    pub fn record_applied(&mut self, ledger: u32, close_time: Option<u64>) {
        self.applied_ledger = self.applied_ledger.max(ledger);
        if let Some(close) = close_time {
            self.applied_close_time = self.applied_close_time.max(close);
        }
    }

    /// Ledgers behind the highest ledger seen (the RPC's, or an applied one if higher).
    pub fn lag_ledgers(&self) -> u32 {
        self.rpc_latest_ledger
            .max(self.applied_ledger)
            .saturating_sub(self.applied_ledger)
    }

    /// Seconds behind the latest close time seen.
    pub fn lag_seconds(&self) -> u64 {
        self.rpc_latest_close_time
            .max(self.applied_close_time)
            .saturating_sub(self.applied_close_time)
    }
}

/// Shared handle to [`Progress`].
pub type SharedProgress = Arc<Mutex<Progress>>;

/// Unix seconds now by the wall clock.
pub fn wall_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
