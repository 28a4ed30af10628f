//! The redb database: one table per query shape, the raw events, the dead letters and the
//! ingestion cursor. Projections and the cursor change in the same write transaction.

use std::path::Path;

use redb::{
    Database, Key, ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition, TableHandle,
    Value, WriteTransaction,
};
use sha2::{Digest, Sha256};

/// Bumped whenever a table's layout or a record's meaning changes; a database of another
/// version is refused on open. 3: every record and raw event carries a CRC-32. 4: the
/// renewal index [`SUBSCRIPTIONS_DUE`] and the forecast's [`SUBSCRIPTION_EVENTS`].
pub const SCHEMA_VERSION: u32 = 4;

/// Ingestion state, by the keys of [`meta_key`].
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

/// The keys of the `meta` table; values are UTF-8 text unless noted.
pub mod meta_key {
    /// The schema version, a little-endian `u32`.
    pub const SCHEMA_VERSION: &str = "schema_version";
    /// The followed contracts, JSON (`ops::contracts_json`).
    pub const CONTRACTS: &str = "contracts";
    /// The last applied RPC paging position.
    pub const CURSOR: &str = "cursor";
    /// The RPC's latest ledger at the last commit.
    pub const LATEST_LEDGER: &str = "latest_ledger";
    /// Its close time, Unix seconds.
    pub const LATEST_CLOSE_TIME: &str = "latest_close_time";
    /// The last ledger whose events are all committed.
    pub const APPLIED_LEDGER: &str = "applied_ledger";
    /// Its close time, Unix seconds.
    pub const APPLIED_CLOSE_TIME: &str = "applied_close_time";
    /// The insurance council's epoch.
    pub const EPOCH: &str = "epoch";
    /// The `--start-ledger` the database was created with.
    pub const START_LEDGER: &str = "start_ledger";
}
/// Every event received, by RPC event id, as the RPC returned it (JSON with base64 XDR).
pub const EVENTS: TableDefinition<&str, &[u8]> = TableDefinition::new("events");
/// Events that could not be decoded or applied, by event id ([`crate::records::DeadLetter`]).
pub const DEAD_LETTERS: TableDefinition<&str, &[u8]> = TableDefinition::new("dead_letters");
/// Streams by id ([`crate::records::StreamRecord`]).
pub const STREAMS: TableDefinition<u64, &[u8]> = TableDefinition::new("streams");
/// `(sender, stream id)` → the stream's record (a copy, so a page is one range scan).
pub const STREAMS_BY_SENDER: TableDefinition<(&str, u64), &[u8]> =
    TableDefinition::new("streams_by_sender");
/// `(recipient, stream id)` → the stream's record (a copy, as above).
pub const STREAMS_BY_RECIPIENT: TableDefinition<(&str, u64), &[u8]> =
    TableDefinition::new("streams_by_recipient");
/// `(end, stream id)` of streams neither canceled nor depleted: their status (pending,
/// streaming or settled) depends only on the time.
pub const STREAMS_OPEN: TableDefinition<(u64, u64), ()> = TableDefinition::new("streams_open");
/// `(status code, stream id)` of canceled (3) and depleted (4) streams.
pub const STREAMS_CLOSED: TableDefinition<(u8, u64), ()> = TableDefinition::new("streams_closed");
/// `(entity, event id)`: each stream's, campaign's, proposal's, tier's and subscription's
/// events. Entities are `stream:<id>`, `campaign:<id>`, `proposal:<id>`,
/// `tier:<creator>:<level>`, `subscription:<fan>:<creator>`.
pub const HISTORY: TableDefinition<(&str, &str), ()> = TableDefinition::new("history");
/// Campaigns by id ([`crate::records::CampaignRecord`]).
pub const CAMPAIGNS: TableDefinition<u64, &[u8]> = TableDefinition::new("campaigns");
/// Settled entries by `(campaign, index)` ([`crate::records::ClaimRecord`]).
pub const CLAIMS: TableDefinition<(u64, u32), &[u8]> = TableDefinition::new("claims");
/// `(paid-to address, campaign, index)` of claims.
pub const CLAIMS_BY_RECIPIENT: TableDefinition<(&str, u64, u32), ()> =
    TableDefinition::new("claims_by_recipient");
/// Tiers by `(creator, level)` ([`crate::records::TierRecord`]).
pub const TIERS: TableDefinition<(&str, u32), &[u8]> = TableDefinition::new("tiers");
/// Subscriptions by `(fan, creator)` ([`crate::records::SubscriptionRecord`]).
pub const SUBSCRIPTIONS: TableDefinition<(&str, &str), &[u8]> =
    TableDefinition::new("subscriptions");
/// `(creator, fan)` of subscriptions.
pub const SUBSCRIPTIONS_BY_CREATOR: TableDefinition<(&str, &str), ()> =
    TableDefinition::new("subscriptions_by_creator");
/// `(renewal window opening, fan, creator)` of subscriptions: when a keeper's `renew` starts
/// to charge, `expires_at - min(period / 2, 1 day)` (`tributary_rules::access`).
pub const SUBSCRIPTIONS_DUE: TableDefinition<(u64, &str, &str), ()> =
    TableDefinition::new("subscriptions_due");
/// `(creator, time, event id)` → [`crate::records::SubEventRecord`]: each subscription's new
/// positions, renewals, lapses (a payment after one) and failed renewals, in time order per
/// creator: the history a revenue forecast fits.
pub const SUBSCRIPTION_EVENTS: TableDefinition<(&str, u64, &str), &[u8]> =
    TableDefinition::new("subscription_events");
/// The insurance fund's flows by asset ([`crate::records::AssetRecord`]).
pub const INSURANCE_ASSETS: TableDefinition<&str, &[u8]> = TableDefinition::new("insurance_assets");
/// Insurance proposals by id ([`crate::records::ProposalRecord`]).
pub const PROPOSALS: TableDefinition<u64, &[u8]> = TableDefinition::new("proposals");

/// Webhook endpoints by id ([`crate::webhooks::Endpoint`]).
pub const WEBHOOKS: TableDefinition<u64, &[u8]> = TableDefinition::new("webhooks");
/// The outbox: `(endpoint, event id)` → [`crate::webhooks::Pending`], written in the
/// transaction that applies the event, removed when the endpoint answers 2xx.
pub const OUTBOX: TableDefinition<(u64, &str), &[u8]> = TableDefinition::new("outbox");
/// `(endpoint, event id)` → [`crate::webhooks::DeadDelivery`]: retries exhausted.
pub const WEBHOOK_DEAD_LETTERS: TableDefinition<(u64, &str), &[u8]> =
    TableDefinition::new("webhook_dead_letters");

/// Calls `$apply!(table)` for every projection table (what [`Store::projections_hash`]
/// covers), and with `all` also for the bookkeeping tables.
macro_rules! tables {
    (projections, $apply:ident) => {
        $apply!(
            STREAMS,
            STREAMS_BY_SENDER,
            STREAMS_BY_RECIPIENT,
            STREAMS_OPEN,
            STREAMS_CLOSED,
            HISTORY,
            CAMPAIGNS,
            CLAIMS,
            CLAIMS_BY_RECIPIENT,
            TIERS,
            SUBSCRIPTIONS,
            SUBSCRIPTIONS_BY_CREATOR,
            SUBSCRIPTIONS_DUE,
            SUBSCRIPTION_EVENTS,
            INSURANCE_ASSETS,
            PROPOSALS,
            DEAD_LETTERS
        )
    };
    (all, $apply:ident) => {
        $apply!(META, EVENTS, WEBHOOKS, OUTBOX, WEBHOOK_DEAD_LETTERS);
        tables!(projections, $apply);
    };
}

/// Why the database can't be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// redb failed: I/O, a corrupt file, or the file is open in another process.
    #[error("database: {0}")]
    Db(#[from] redb::Error),
    /// The file was written by another schema version.
    #[error("database schema version {found} is not {SCHEMA_VERSION}; rebuild it (delete the file and re-ingest) or restore a backup of this version")]
    Schema {
        /// The stored version.
        found: u32,
    },
    /// The file follows another deployment's contracts.
    #[error("database follows contracts {stored}, not {configured}; use another --db")]
    Contracts {
        /// What the file follows (JSON).
        stored: String,
        /// What this run was given (JSON).
        configured: String,
    },
    /// A stored record doesn't parse or fails its checksum: the file is corrupt.
    #[error("corrupt record in table {table}: {reason}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The parse error or checksum mismatch.
        reason: String,
    },
    /// The file exists but is not an indexer database (empty, another format, or damaged
    /// beyond redb's repair); nothing was written to it.
    #[error("{path}: {reason}")]
    NotADatabase {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// redb panicked (a damaged page it could not read); caught at the store boundary.
    #[error("database engine failure (redb panicked): {0}")]
    Panicked(String),
}

impl StoreError {
    /// Whether the error means the data on disk is damaged (as opposed to I/O or a busy
    /// file): what flips `/health` to degraded.
    pub fn is_corruption(&self) -> bool {
        matches!(
            self,
            Self::Corrupt { .. }
                | Self::NotADatabase { .. }
                | Self::Panicked(_)
                | Self::Db(redb::Error::Corrupted(_))
        )
    }
}

/// Runs `f`, turning a panic inside it (redb panics on some damaged pages) into
/// [`StoreError::Panicked`].
///
/// # Errors
/// `f`'s error, or [`StoreError::Panicked`].
pub fn catch_panic<T>(f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|p| Err(StoreError::Panicked(panic_message(p.as_ref()))))
}

/// The message a panic was raised with (`panic!` passes a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                Self::Db(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// Bytes of the CRC-32 stored after every record and raw event.
const CHECKSUM_BYTES: usize = 4;

/// `payload` followed by its CRC-32 (IEEE, little-endian; `crc32fast`): the form every record
/// and raw event is stored in, so a damaged value is detected on read (see [`unseal`]).
pub fn seal(mut payload: Vec<u8>) -> Vec<u8> {
    let sum = crc32fast::hash(&payload);
    payload.extend_from_slice(&sum.to_le_bytes());
    payload
}

/// The payload of a value stored by [`seal`], after checking its CRC-32.
///
/// # Errors
/// [`StoreError::Corrupt`] naming `table` if the value is shorter than a checksum or the
/// checksum doesn't match.
pub fn unseal<'a>(table: &'static str, stored: &'a [u8]) -> Result<&'a [u8], StoreError> {
    let Some(split) = stored.len().checked_sub(CHECKSUM_BYTES) else {
        return Err(StoreError::Corrupt {
            table,
            reason: format!("a {}-byte value is shorter than its checksum", stored.len()),
        });
    };
    let (payload, sum) = stored.split_at(split);
    let expected = u32::from_le_bytes(sum.try_into().unwrap_or_default());
    let actual = crc32fast::hash(payload);
    if actual != expected {
        return Err(StoreError::Corrupt {
            table,
            reason: format!("checksum mismatch (stored {expected:08x}, computed {actual:08x})"),
        });
    }
    Ok(payload)
}

/// Decodes a stored record of `table`. Records are MessagePack (the `rmp-serde` compact form:
/// a struct is an array of its fields in declaration order), about half the size of their
/// JSON and several times faster to decode, sealed with a CRC-32; a change of any record's
/// fields bumps [`SCHEMA_VERSION`].
///
/// # Errors
/// [`StoreError::Corrupt`] naming the table.
pub fn parse<T: serde::de::DeserializeOwned>(
    table: &'static str,
    bytes: &[u8],
) -> Result<T, StoreError> {
    rmp_serde::from_slice(unseal(table, bytes)?).map_err(|e| StoreError::Corrupt {
        table,
        reason: e.to_string(),
    })
}

/// Parses JSON: `meta` values, and (sealed) raw events through [`parse_event`].
///
/// # Errors
/// [`StoreError::Corrupt`] naming the table.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    table: &'static str,
    bytes: &[u8],
) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        table,
        reason: e.to_string(),
    })
}

/// A raw event of the `events` table: the RPC's JSON, sealed.
///
/// # Errors
/// [`StoreError::Corrupt`] naming `events`.
pub fn parse_event(stored: &[u8]) -> Result<stellar_rpc_client::Event, StoreError> {
    parse_json("events", unseal("events", stored)?)
}

/// The record at `key` in `table`, decoded; `None` if absent.
///
/// # Errors
/// [`StoreError::Db`], or [`StoreError::Corrupt`] naming `name` if it doesn't decode.
pub fn get_record<'k, K: Key + 'static, T: serde::de::DeserializeOwned>(
    table: &impl ReadableTable<K, &'static [u8]>,
    name: &'static str,
    key: impl std::borrow::Borrow<K::SelfType<'k>>,
) -> Result<Option<T>, StoreError> {
    table.get(key)?.map(|v| parse(name, v.value())).transpose()
}

/// Encodes a record for storage, sealed (see [`parse`]).
pub fn to_bytes<T: serde::Serialize>(v: &T) -> Vec<u8> {
    // Records are plain structs of strings, integers and JSON values: encoding can't fail.
    seal(rmp_serde::to_vec(v).unwrap_or_default())
}

/// The open database.
pub struct Store {
    /// The redb handle; readers use `begin_read`, the ingestion writer `begin_write`.
    pub db: Database,
}

/// redb's page cache: bounds the indexer's memory regardless of the database size.
pub const CACHE_BYTES: usize = 64 << 20;

impl Store {
    /// Opens (or creates) the database at `path`, creating every table, and checks the
    /// schema version and the followed contracts (`contracts_json`, if given).
    ///
    /// # Errors
    /// [`StoreError::Schema`], [`StoreError::Contracts`], or [`StoreError::Db`] for I/O,
    /// corruption, or a file another process has open.
    ///
    /// An existing file is checked first: a 0-byte or foreign file is refused
    /// ([`StoreError::NotADatabase`]), and redb's integrity check (page checksums and tree
    /// structure) runs over the whole file, repairing what redb can and refusing the rest. A
    /// redb panic on a damaged page is [`StoreError::Panicked`].
    pub fn open(path: &Path, contracts_json: Option<&str>) -> Result<Self, StoreError> {
        let not_db = |reason: String| StoreError::NotADatabase {
            path: path.display().to_string(),
            reason,
        };
        let existed = match std::fs::metadata(path) {
            Ok(m) if m.len() == 0 => {
                return Err(not_db(
                    "the file is empty (0 bytes), not an indexer database; delete it to start a \
                     new one"
                        .into(),
                ))
            }
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| StoreError::Db(redb::Error::Io(e)))?;
                }
                false
            }
            Err(e) => return Err(StoreError::Db(redb::Error::Io(e))),
        };
        let db = catch_panic(|| {
            let mut db = Database::builder()
                .set_cache_size(CACHE_BYTES)
                .create(path)
                .map_err(|e| match e {
                    // redb reports a foreign file's header as invalid data.
                    redb::DatabaseError::Storage(redb::StorageError::Io(io))
                        if io.kind() != std::io::ErrorKind::InvalidData =>
                    {
                        StoreError::Db(redb::Error::Io(io))
                    }
                    redb::DatabaseError::DatabaseAlreadyOpen => {
                        StoreError::Db(redb::Error::DatabaseAlreadyOpen)
                    }
                    other => not_db(format!("not a readable redb database: {other}")),
                })?;
            if existed {
                match db.check_integrity() {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(
                        "{}: redb found damage and repaired it (the last commits may be lost)",
                        path.display()
                    ),
                    Err(e) => return Err(not_db(format!("failed redb's integrity check: {e}"))),
                }
            }
            Ok(db)
        })?;
        catch_panic(|| Self::init(db, contracts_json))
    }

    /// An in-memory database (for `verify`'s rebuild and tests).
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn in_memory() -> Result<Self, StoreError> {
        let db = Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?;
        Self::init(db, None)
    }

    fn init(db: Database, contracts_json: Option<&str>) -> Result<Self, StoreError> {
        // An initialized file of this schema and deployment is opened without a write, so
        // opening a backup leaves its checksum valid.
        if let Ok(txn) = db.begin_read() {
            if let Ok(meta) = txn.open_table(META) {
                let version = meta_get(&meta, meta_key::SCHEMA_VERSION)?;
                let contracts = meta_get(&meta, meta_key::CONTRACTS)?;
                let current = version.is_some_and(|v| v.as_bytes() == SCHEMA_VERSION.to_le_bytes());
                let same = contracts_json.is_none_or(|c| contracts.as_deref() == Some(c));
                if current && same {
                    drop(meta);
                    drop(txn);
                    return Ok(Self { db });
                }
            }
        }
        let txn = db.begin_write()?;
        {
            create_tables(&txn)?;
            let mut meta = txn.open_table(META)?;
            let version = meta
                .get(meta_key::SCHEMA_VERSION)?
                .map(|v| u32::from_le_bytes(v.value().try_into().unwrap_or([0xff; 4])));
            match version {
                Some(found) if found != SCHEMA_VERSION => return Err(StoreError::Schema { found }),
                Some(_) => {}
                None => {
                    meta.insert(
                        meta_key::SCHEMA_VERSION,
                        SCHEMA_VERSION.to_le_bytes().as_slice(),
                    )?;
                }
            }
            if let Some(configured) = contracts_json {
                let stored = meta
                    .get(meta_key::CONTRACTS)?
                    .map(|v| String::from_utf8_lossy(v.value()).into_owned());
                match stored {
                    Some(stored) if stored != configured => {
                        return Err(StoreError::Contracts {
                            stored,
                            configured: configured.to_string(),
                        })
                    }
                    Some(_) => {}
                    None => {
                        meta.insert(meta_key::CONTRACTS, configured.as_bytes())?;
                    }
                }
            }
        }
        txn.commit()?;
        Ok(Self { db })
    }

    /// A value of the `meta` table, as a string.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let txn = self.db.begin_read()?;
        meta_get(&txn.open_table(META)?, key)
    }

    /// Sets a value of the `meta` table.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        txn.open_table(META)?.insert(key, value.as_bytes())?;
        txn.commit()?;
        Ok(())
    }

    /// SHA-256 over every projection table (not the raw events or the cursor), in key
    /// order: equal hashes mean equal projections.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn projections_hash(&self) -> Result<String, StoreError> {
        projections_hash(&self.db)
    }

    /// Copies every table, as of one read transaction, into a new database at `path`: a
    /// consistent snapshot while the writer keeps committing.
    ///
    /// # Errors
    /// [`StoreError::Db`], including when `path` exists.
    pub fn copy_to(&self, path: &Path) -> Result<(), StoreError> {
        if path.exists() {
            return Err(StoreError::Db(redb::Error::Io(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("{} exists", path.display()),
            ))));
        }
        let src = self.db.begin_read()?;
        let dst = Database::create(path)?;
        let txn = dst.begin_write()?;
        macro_rules! each {
            ($($t:expr),*) => {$( copy_table(&src, &txn, $t)?; )*};
        }
        tables!(all, each);
        txn.commit()?;
        Ok(())
    }
}

/// SHA-256 over every projection table of `db` (see [`Store::projections_hash`]); works on
/// a read-only open, which leaves a backup's bytes (and checksum) untouched.
///
/// # Errors
/// [`StoreError::Db`].
pub fn projections_hash(db: &impl ReadableDatabase) -> Result<String, StoreError> {
    let txn = db.begin_read()?;
    let mut h = Sha256::new();
    macro_rules! each {
            ($($t:expr),*) => {$( hash_table(&txn, $t, &mut h)?; )*};
        }
    tables!(projections, each);
    Ok(hex::encode(h.finalize()))
}

/// A `meta` value as a string.
///
/// # Errors
/// [`StoreError::Db`].
pub fn meta_get(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> Result<Option<String>, StoreError> {
    Ok(meta
        .get(key)?
        .map(|v| String::from_utf8_lossy(v.value()).into_owned()))
}

fn create_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    macro_rules! each {
        ($($t:expr),*) => {$( txn.open_table($t)?; )*};
    }
    tables!(all, each);
    Ok(())
}

fn hash_table<K: Key + 'static, V: Value + 'static>(
    txn: &ReadTransaction,
    def: TableDefinition<K, V>,
    h: &mut Sha256,
) -> Result<(), StoreError> {
    let table = txn.open_table(def)?;
    h.update(def.name().as_bytes());
    for row in table.iter()? {
        let (k, v) = row?;
        let (k, v) = (k.value(), v.value());
        let (k, v) = (K::as_bytes(&k), V::as_bytes(&v));
        let (k, v): (&[u8], &[u8]) = (k.as_ref(), v.as_ref());
        h.update((k.len() as u64).to_le_bytes());
        h.update(k);
        h.update((v.len() as u64).to_le_bytes());
        h.update(v);
    }
    Ok(())
}

fn copy_table<K: Key + 'static, V: Value + 'static>(
    src: &ReadTransaction,
    dst: &WriteTransaction,
    def: TableDefinition<K, V>,
) -> Result<(), StoreError> {
    let from = src.open_table(def)?;
    let mut to = dst.open_table(def)?;
    for row in from.iter()? {
        let (k, v) = row?;
        to.insert(k.value(), v.value())?;
    }
    Ok(())
}
