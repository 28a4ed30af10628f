//! Operations: backup (a consistent copy plus a SHA-256 sidecar in `sha256sum` format),
//! restore (checksum and schema verified before anything is replaced) and verify (rebuild
//! the projections from the stored raw events and compare).

use std::{
    fs,
    io::Read,
    path::{Path, PathBuf},
};

use redb::{ReadableDatabase, ReadableTable};
use sha2::{Digest, Sha256};
use tributary_sdk::events::Contracts;

use crate::{
    apply::Tables,
    ingest::{apply_page, Page},
    store::{self, parse_json, Store, StoreError},
};

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The backup's checksum doesn't match its sidecar: it is damaged.
    #[error(
        "checksum mismatch for {path}: expected {expected}, found {found}; nothing was replaced"
    )]
    Checksum {
        /// The backup.
        path: PathBuf,
        /// From the sidecar.
        expected: String,
        /// Of the file.
        found: String,
    },
    /// The target database is open in a running indexer.
    #[error("{0} is in use; stop the indexer before restoring")]
    InUse(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OpsError + '_ {
    move |source| OpsError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The sidecar of `backup`: `<backup>.sha256`.
pub fn sidecar(backup: &Path) -> PathBuf {
    let mut s = backup.as_os_str().to_owned();
    s.push(".sha256");
    PathBuf::from(s)
}

/// SHA-256 of a file, hex.
///
/// # Errors
/// [`OpsError::Io`].
pub fn file_sha256(path: &Path) -> Result<String, OpsError> {
    let mut f = fs::File::open(path).map_err(io(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Writes a consistent copy of `store` to `path` (which must not exist) and its sidecar;
/// returns the checksum.
///
/// # Errors
/// [`OpsError`].
pub fn backup(store: &Store, path: &Path) -> Result<String, OpsError> {
    store.copy_to(path)?;
    let sum = file_sha256(path)?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    fs::write(sidecar(path), format!("{sum}  {name}\n")).map_err(io(path))?;
    Ok(sum)
}

/// Replaces the database at `db` with `backup` after checking the backup's checksum and
/// schema. The target must not be open.
///
/// # Errors
/// [`OpsError::Checksum`], [`OpsError::InUse`], [`OpsError::Io`] or a schema error; in
/// every case `db` is untouched.
pub fn restore(backup: &Path, db: &Path) -> Result<(), OpsError> {
    let side = sidecar(backup);
    let expected = fs::read_to_string(&side).map_err(io(&side))?;
    let expected = expected
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    let staged = PathBuf::from(format!("{}.restoring", db.display()));
    fs::copy(backup, &staged).map_err(io(backup))?;
    let found = file_sha256(&staged)?;
    if found != expected {
        let _ = fs::remove_file(&staged);
        return Err(OpsError::Checksum {
            path: backup.to_path_buf(),
            expected,
            found,
        });
    }
    let checked = Store::open(&staged, None).map(drop);
    if let Err(e) = checked {
        let _ = fs::remove_file(&staged);
        return Err(e.into());
    }
    if db.exists() {
        if let Err(redb::DatabaseError::DatabaseAlreadyOpen) = redb::Database::open(db) {
            let _ = fs::remove_file(&staged);
            return Err(OpsError::InUse(db.to_path_buf()));
        }
    }
    fs::rename(&staged, db).map_err(io(db))
}

/// What `verify` found.
#[derive(Clone, Debug, serde::Serialize, PartialEq, Eq)]
pub struct VerifyReport {
    /// Raw events stored.
    pub events: u64,
    /// Hash of the stored projections.
    pub stored: String,
    /// Hash of the projections rebuilt from the raw events.
    pub rebuilt: String,
    /// Whether they are equal.
    pub ok: bool,
}

/// The followed contracts stored in the database, if any.
///
/// # Errors
/// [`StoreError`].
pub fn stored_contracts(db: &impl ReadableDatabase) -> Result<Option<Contracts>, StoreError> {
    let txn = db.begin_read()?;
    let Some(json) = store::meta_get(&txn.open_table(store::META)?, store::meta_key::CONTRACTS)?
    else {
        return Ok(None);
    };
    let v: serde_json::Value = parse_json("meta", json.as_bytes())?;
    let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    Ok(Some(Contracts {
        stream: field("stream"),
        claims: field("claims"),
        access: field("access"),
        insurance: field("insurance"),
    }))
}

/// The JSON under which a database records its contracts.
pub fn contracts_json(c: &Contracts) -> String {
    serde_json::json!({
        "stream": c.stream, "claims": c.claims, "access": c.access, "insurance": c.insurance,
    })
    .to_string()
}

/// [`verify`] of the database file at `path`, opened read-only; a redb panic on a damaged
/// page is caught and reported.
///
/// # Errors
/// [`OpsError::Store`]: [`StoreError::NotADatabase`] if the file can't be opened,
/// [`StoreError::Panicked`], or [`verify`]'s errors.
pub fn verify_file(path: &Path) -> Result<VerifyReport, OpsError> {
    let mut report = None;
    store::catch_panic(|| {
        let db = redb::ReadOnlyDatabase::open(path).map_err(|e| StoreError::NotADatabase {
            path: path.display().to_string(),
            reason: format!(
                "can't be opened read-only (stop the indexer first, or verify a backup): {e}"
            ),
        })?;
        report = Some(verify(&db));
        Ok(())
    })?;
    report
        .unwrap_or_else(|| Err(StoreError::Panicked("verify ended without a report".into()).into()))
}

/// Rebuilds every projection from the stored raw events of `db` (opened read-only, or the
/// service's [`Store::db`]) in an in-memory database and compares the hashes.
///
/// # Errors
/// [`OpsError::Store`], also when the database records no contracts.
pub fn verify(db: &impl ReadableDatabase) -> Result<VerifyReport, OpsError> {
    let contracts = stored_contracts(db)?.ok_or_else(|| StoreError::Corrupt {
        table: "meta",
        reason: "no contracts recorded; nothing was ever ingested".into(),
    })?;
    let rebuilt = Store::in_memory()?;
    let src = db.begin_read().map_err(StoreError::from)?;
    let events = src.open_table(store::EVENTS).map_err(StoreError::from)?;
    let txn = rebuilt.db.begin_write().map_err(StoreError::from)?;
    let mut count = 0;
    {
        let mut t = Tables::open(&txn)?;
        let mut page = Vec::with_capacity(1000);
        for row in events.iter().map_err(StoreError::from)? {
            let (_, v) = row.map_err(StoreError::from)?;
            page.push(store::parse_event(v.value())?);
            count += 1;
            if page.len() == 1000 {
                replay(&mut t, &contracts, std::mem::take(&mut page))?;
            }
        }
        replay(&mut t, &contracts, page)?;
    }
    txn.commit().map_err(StoreError::from)?;
    let (stored, rebuilt) = (store::projections_hash(db)?, rebuilt.projections_hash()?);
    Ok(VerifyReport {
        events: count,
        ok: stored == rebuilt,
        stored,
        rebuilt,
    })
}

fn replay(
    t: &mut Tables,
    contracts: &Contracts,
    events: Vec<stellar_rpc_client::Event>,
) -> Result<(), StoreError> {
    let page = Page {
        events,
        cursor: String::new(),
        latest_ledger: 0,
        latest_close_time: 0,
        caught_up: false,
    };
    apply_page(t, contracts, &page).map(drop)
}
