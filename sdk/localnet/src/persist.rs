//! The `--state <file>` format: the latest header, every entry with its TTL, and the retention
//! window's history, as JSON with base64 XDR. Written to a temporary file and renamed, so a
//! crash leaves either the old or the new state, never a torn one.

use std::{fs, io, path::Path};

use serde::{Deserialize, Serialize};
use stellar_xdr::{LedgerEntry, LedgerHeader, Limits, ReadXdr, WriteXdr};

use crate::{history::History, node::Node, settings::Settings, state::LedgerState};

/// Version of the state file format.
pub const FORMAT: u32 = 1;

/// Why a state file can't be used.
#[derive(Debug, thiserror::Error)]
pub enum StateFileError {
    /// Reading or writing failed.
    #[error("state file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: io::Error,
    },
    /// The file is not valid JSON of this format.
    #[error("state file {path} is corrupt: {reason}")]
    Corrupt {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The file belongs to another network.
    #[error("state file {path} is for network {found:?}, not {expected:?}")]
    WrongNetwork {
        /// The file.
        path: String,
        /// Its passphrase.
        found: String,
        /// This node's passphrase.
        expected: String,
    },
}

#[derive(Serialize, Deserialize)]
struct Saved {
    format: u32,
    passphrase: String,
    retention: u32,
    time_offset: u64,
    header: String,
    entries: Vec<SavedEntry>,
    history: History,
}

#[derive(Serialize, Deserialize)]
struct SavedEntry {
    entry: String,
    live_until: Option<u32>,
}

/// Writes the node's state to `path` atomically.
///
/// # Errors
/// [`StateFileError::Io`] if the file can't be written.
pub fn save(node: &Node, path: &Path) -> Result<(), StateFileError> {
    let io_err = |source| StateFileError::Io {
        path: path.display().to_string(),
        source,
    };
    let saved = Saved {
        format: FORMAT,
        passphrase: node.settings().passphrase.clone(),
        retention: node.retention(),
        time_offset: node.time_offset(),
        header: node
            .header()
            .to_xdr_base64(Limits::none())
            .unwrap_or_default(),
        entries: node
            .state()
            .iter()
            .map(|(_, e)| SavedEntry {
                entry: e.entry.to_xdr_base64(Limits::none()).unwrap_or_default(),
                live_until: e.live_until,
            })
            .collect(),
        history: node.history().clone(),
    };
    let json = serde_json::to_vec(&saved).map_err(|e| io_err(io::Error::other(e)))?;
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, json).map_err(io_err)?;
    fs::rename(&tmp, path).map_err(io_err)
}

/// Reads a node from `path`, for a network with `settings`.
///
/// # Errors
/// [`StateFileError`]: unreadable, corrupt, or another network's file.
pub fn load(settings: Settings, path: &Path) -> Result<Node, StateFileError> {
    let name = path.display().to_string();
    let corrupt = |reason: String| StateFileError::Corrupt {
        path: name.clone(),
        reason,
    };
    let bytes = fs::read(path).map_err(|source| StateFileError::Io {
        path: name.clone(),
        source,
    })?;
    let saved: Saved = serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    if saved.format != FORMAT {
        return Err(corrupt(format!("format {} is not {FORMAT}", saved.format)));
    }
    if saved.passphrase != settings.passphrase {
        return Err(StateFileError::WrongNetwork {
            path: name,
            found: saved.passphrase,
            expected: settings.passphrase.clone(),
        });
    }
    let header = LedgerHeader::from_xdr_base64(&saved.header, Limits::none())
        .map_err(|e| corrupt(format!("header: {e}")))?;
    let mut state = LedgerState::default();
    for (i, e) in saved.entries.iter().enumerate() {
        let entry = LedgerEntry::from_xdr_base64(&e.entry, Limits::none())
            .map_err(|err| corrupt(format!("entry {i}: {err}")))?;
        state.put(entry, e.live_until);
    }
    if saved.history.latest().map(|l| l.sequence) != Some(header.ledger_seq) {
        return Err(corrupt("history does not end at the saved header".into()));
    }
    Node::from_parts(
        settings,
        saved.retention,
        header,
        state,
        saved.history,
        saved.time_offset,
    )
    .map_err(|e| corrupt(format!("contract code: {e:?}")))
}
