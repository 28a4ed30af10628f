//! Reads for the HTTP API, each in one read transaction (a consistent snapshot). Lists are
//! cursor-paginated: a page holds at most `limit` items and `next_cursor`, the opaque
//! position after its last item (`null` on the last page). Time-dependent values are
//! computed at `now` (Unix seconds) with the SDK's mirrors of the contracts' rules.

use std::str::FromStr;

use redb::{ReadTransaction, ReadableDatabase, ReadableTable};
use serde::Serialize;
use serde_json::{json, Value};
use stellar_xdr::ScAddress;
use tributary_sdk::{
    access::has_access,
    generated::{access::Subscription, stream::StreamStatus},
    stream_math,
};

use crate::{
    records::{
        AssetRecord, CampaignRecord, ClaimRecord, ProposalRecord, StreamRecord, SubscriptionRecord,
        TierRecord,
    },
    records::{CANCELED, DEPLETED},
    scval_json,
    store::{self, get_record, parse, Store, StoreError},
};

/// The council's timing, from the rules the insurance contract runs (30 and 14 days).
pub use tributary_sdk::insurance::{APPROVAL_LIFETIME, EXECUTION_WINDOW};

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// A parameter is malformed; `param` names it.
    #[error("invalid {param}: {message}")]
    BadParam {
        /// The parameter's name.
        param: String,
        /// What is wrong.
        message: String,
    },
    /// The addressed entity doesn't exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A computation failed outside the database (a forecast's task or chart).
    #[error("internal: {0}")]
    Internal(String),
}

impl From<redb::StorageError> for QueryError {
    fn from(e: redb::StorageError) -> Self {
        Self::Store(e.into())
    }
}
impl From<redb::TableError> for QueryError {
    fn from(e: redb::TableError) -> Self {
        Self::Store(e.into())
    }
}
impl From<redb::TransactionError> for QueryError {
    fn from(e: redb::TransactionError) -> Self {
        Self::Store(e.into())
    }
}

/// A malformed `param`.
pub fn bad(param: &str, message: impl Into<String>) -> QueryError {
    QueryError::BadParam {
        param: param.into(),
        message: message.into(),
    }
}

/// One page of a list.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Page<T> {
    /// The items, in key order.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` when this is the last.
    pub next_cursor: Option<String>,
}

/// Which page: `limit` items (1–500) after `cursor`.
#[derive(Clone, Debug, Default)]
pub struct PageRequest {
    /// Items per page.
    pub limit: usize,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl PageRequest {
    fn parse_cursor<T: FromStr>(&self) -> Result<Option<T>, QueryError> {
        self.cursor
            .as_deref()
            .map(|c| {
                c.parse()
                    .map_err(|_| bad("cursor", format!("{c:?} is not a cursor of this list")))
            })
            .transpose()
    }
}

/// Collects up to `limit` items of `iter` and the cursor after the last one.
fn paginate<T, E>(
    iter: impl Iterator<Item = Result<T, E>>,
    limit: usize,
    cursor: impl Fn(&T) -> String,
) -> Result<Page<T>, E> {
    let mut items = Vec::with_capacity(limit.min(64));
    let mut more = false;
    for item in iter {
        let item = item?;
        if items.len() == limit {
            more = true;
            break;
        }
        items.push(item);
    }
    let next_cursor = if more { items.last().map(cursor) } else { None };
    Ok(Page { items, next_cursor })
}

/// The parsed values of a table range (or `iter()`), in key order.
fn records<'a, K: redb::Key + 'static, T: serde::de::DeserializeOwned>(
    name: &'static str,
    rows: redb::Range<'a, K, &'static [u8]>,
) -> impl Iterator<Item = Result<T, QueryError>> + 'a {
    rows.map(move |r| {
        let (_, v) = r?;
        Ok(parse(name, v.value())?)
    })
}

/// An index entry whose record is missing: the file is corrupt.
fn dangling(table: &'static str, what: String) -> QueryError {
    QueryError::Store(StoreError::Corrupt {
        table,
        reason: format!("index names missing {what}"),
    })
}

/// Parses a strkey address (`G…` or `C…`, SEP-23) named `param`.
///
/// # Errors
/// [`QueryError::BadParam`].
pub fn address(param: &str, s: &str) -> Result<String, QueryError> {
    // Events name accounts (G…) and contracts (C…); a muxed M… address is an account plus
    // an off-chain id the contracts never see, so it would match nothing.
    match ScAddress::from_str(s) {
        Ok(a @ (ScAddress::Account(_) | ScAddress::Contract(_))) => Ok(a.to_string()),
        Ok(_) => Err(bad(
            param,
            format!("{s:?} is not a G… or C… address (muxed M… addresses are not indexed: use the G… account)"),
        )),
        Err(_) => Err(bad(param, format!("{s:?} is not a G… or C… strkey address"))),
    }
}

/// A stream with its values at `as_of`. Serialized as one flat object: the record's
/// fields, then `status`, `streamed`, `withdrawable`, `refundable` and `as_of`.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamView {
    /// The stored state.
    pub stream: StreamRecord,
    /// `pending`, `streaming`, `settled`, `canceled` or `depleted` at `as_of`.
    pub status: &'static str,
    /// Vested so far, base units.
    pub streamed: i128,
    /// Withdrawable now, base units.
    pub withdrawable: i128,
    /// What a cancel now would refund, base units.
    pub refundable: i128,
    /// The time these are computed at, Unix seconds.
    pub as_of: u64,
}

// Written out rather than `#[serde(flatten)]`, which buffers every field: this is the
// hottest response.
impl Serialize for StreamView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        use crate::records::amount::Amount;
        let r = &self.stream;
        let mut m = s.serialize_struct("StreamView", 19)?;
        m.serialize_field("id", &r.id)?;
        m.serialize_field("sender", &r.sender)?;
        m.serialize_field("recipient", &r.recipient)?;
        m.serialize_field("token", &r.token)?;
        m.serialize_field("deposit", &Amount(r.deposit))?;
        m.serialize_field("start", &r.start)?;
        m.serialize_field("cliff", &r.cliff)?;
        m.serialize_field("end", &r.end)?;
        m.serialize_field("cancelable", &r.cancelable)?;
        m.serialize_field("transferable", &r.transferable)?;
        m.serialize_field("canceled", &r.canceled)?;
        m.serialize_field("withdrawn", &Amount(r.withdrawn))?;
        m.serialize_field("refunded", &Amount(r.refunded))?;
        m.serialize_field("created_ledger", &r.created_ledger)?;
        m.serialize_field("status", self.status)?;
        m.serialize_field("streamed", &Amount(self.streamed))?;
        m.serialize_field("withdrawable", &Amount(self.withdrawable))?;
        m.serialize_field("refundable", &Amount(self.refundable))?;
        m.serialize_field("as_of", &self.as_of)?;
        m.end()
    }
}

/// The stream statuses, as the API spells them (the contract's `StreamStatus`).
pub const STREAM_STATUSES: [&str; 5] = ["pending", "streaming", "settled", "canceled", "depleted"];

/// How the API spells the contract's `StreamStatus` (one of [`STREAM_STATUSES`]).
pub fn stream_status_name(s: StreamStatus) -> &'static str {
    match s {
        StreamStatus::Pending => "pending",
        StreamStatus::Streaming => "streaming",
        StreamStatus::Settled => "settled",
        StreamStatus::Canceled => "canceled",
        StreamStatus::Depleted => "depleted",
    }
}

fn sc(a: &str, table: &'static str) -> Result<ScAddress, StoreError> {
    ScAddress::from_str(a).map_err(|_| StoreError::Corrupt {
        table,
        reason: format!("{a:?} is not an address"),
    })
}

/// The stream's values at `now`, by the contract's own vesting rules
/// (`tributary_rules::vesting`, through the SDK's `stream_math`).
pub fn stream_view(r: StreamRecord, now: u64) -> StreamView {
    let p = stream_math::Position {
        deposit: r.deposit,
        withdrawn: r.withdrawn,
        refunded: r.refunded,
        start: r.start,
        cliff: r.cliff,
        end: r.end,
        cancelable: r.cancelable,
        canceled: r.canceled,
    };
    StreamView {
        status: stream_status_name(stream_math::stream_status(p.status(now))),
        streamed: p.streamed(now),
        withdrawable: p.withdrawable(now),
        refundable: p.refundable(now),
        as_of: now,
        stream: r,
    }
}

/// Filters of `/streams`.
#[derive(Clone, Debug, Default)]
pub struct StreamFilter {
    /// Only this sender's.
    pub sender: Option<String>,
    /// Only this recipient's.
    pub recipient: Option<String>,
    /// Only streams with this status at `now` (one of [`STREAM_STATUSES`]).
    pub status: Option<String>,
}

/// A reader over one snapshot.
pub struct Reader {
    txn: ReadTransaction,
}

impl Reader {
    /// A snapshot of `store`.
    ///
    /// # Errors
    /// [`QueryError::Store`].
    pub fn new(store: &Store) -> Result<Self, QueryError> {
        Ok(Self {
            txn: store.db.begin_read()?,
        })
    }

    /// `creator`'s history for a forecast ([`crate::creator_history::read`]), at the close
    /// time of the last applied ledger, with that ledger: what a forecast is cached by.
    ///
    /// # Errors
    /// [`QueryError::Store`].
    pub fn creator_history(
        &self,
        creator: &str,
    ) -> Result<(u32, tributary_forecast::History), QueryError> {
        let meta = self.txn.open_table(store::META)?;
        let number = |key| -> Result<u64, QueryError> {
            Ok(store::meta_get(&meta, key)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0))
        };
        let ledger = number(store::meta_key::APPLIED_LEDGER)? as u32;
        let now = number(store::meta_key::APPLIED_CLOSE_TIME)?;
        Ok((
            ledger,
            crate::creator_history::read(&self.txn, creator, now)?,
        ))
    }

    /// `max(wall clock, the latest ledger close time seen)`: the contracts' clock is the
    /// ledger's, which a local network may have advanced past the wall clock.
    ///
    /// # Errors
    /// [`QueryError::Store`].
    pub fn now(&self) -> Result<u64, QueryError> {
        let meta = self.txn.open_table(store::META)?;
        let latest = store::meta_get(&meta, store::meta_key::LATEST_CLOSE_TIME)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok(crate::progress::wall_clock().max(latest))
    }

    fn stream_record(&self, id: u64) -> Result<Option<StreamRecord>, QueryError> {
        let t = self.txn.open_table(store::STREAMS)?;
        Ok(get_record(&t, "streams", id)?)
    }

    /// Stream `id` at `now`.
    ///
    /// # Errors
    /// [`QueryError::NotFound`] or [`QueryError::Store`].
    pub fn stream(&self, id: u64, now: u64) -> Result<StreamView, QueryError> {
        let r = self
            .stream_record(id)?
            .ok_or_else(|| QueryError::NotFound(format!("stream {id}")))?;
        Ok(stream_view(r, now))
    }

    /// Streams matching `f`, by id (by end time, then id, for `pending`, `streaming` and
    /// `settled` without a party). The cursor is the last stream id.
    ///
    /// # Errors
    /// [`QueryError::BadParam`] for a bad status or cursor; [`QueryError::Store`].
    pub fn streams(
        &self,
        f: &StreamFilter,
        page: &PageRequest,
        now: u64,
    ) -> Result<Page<StreamView>, QueryError> {
        if let Some(s) = &f.status {
            if !STREAM_STATUSES.contains(&s.as_str()) {
                return Err(bad(
                    "status",
                    format!("{s:?} is not one of {}", STREAM_STATUSES.join(", ")),
                ));
            }
        }
        let after: Option<u64> = page.parse_cursor()?;
        let from = after.map_or(0, |a| a.saturating_add(1));
        let keep = |v: &StreamView| {
            f.status.as_deref().is_none_or(|s| s == v.status)
                && f.sender.as_deref().is_none_or(|s| s == v.stream.sender)
                && f.recipient
                    .as_deref()
                    .is_none_or(|r| r == v.stream.recipient)
        };
        let table = self.txn.open_table(store::STREAMS)?;
        let load = |id: u64| -> Result<StreamRecord, QueryError> {
            get_record(&table, "streams", id)?
                .ok_or_else(|| dangling("streams", format!("stream {id}")))
        };
        let load = &load;
        let records: Box<dyn Iterator<Item = Result<StreamRecord, QueryError>>> =
            match (&f.sender, &f.recipient, f.status.as_deref()) {
                (Some(party), _, _) | (None, Some(party), _) => {
                    let def = if f.sender.is_some() {
                        store::STREAMS_BY_SENDER
                    } else {
                        store::STREAMS_BY_RECIPIENT
                    };
                    let t = self.txn.open_table(def)?;
                    Box::new(records(
                        "streams",
                        t.range((party.as_str(), from)..=(party.as_str(), u64::MAX))?,
                    ))
                }
                (None, None, Some(s @ ("canceled" | "depleted"))) => {
                    let code = if s == "canceled" { CANCELED } else { DEPLETED };
                    let t = self.txn.open_table(store::STREAMS_CLOSED)?;
                    let rows = t.range((code, from)..=(code, u64::MAX))?;
                    Box::new(rows.map(move |r| {
                        let (k, _) = r?;
                        load(k.value().1)
                    }))
                }
                (None, None, Some(s)) => {
                    // Open streams: settled iff end <= now; pending and streaming end later.
                    let t = self.txn.open_table(store::STREAMS_OPEN)?;
                    let start_key = match after {
                        Some(a) => match self.stream_record(a)? {
                            Some(r) => (r.end, a.saturating_add(1)),
                            None => return Err(bad("cursor", format!("{a} is not a stream id"))),
                        },
                        None if s == "settled" => (0, 0),
                        None => (now.saturating_add(1), 0),
                    };
                    let rows = if s == "settled" {
                        t.range(start_key..(now.saturating_add(1), 0))?
                    } else {
                        t.range(start_key..)?
                    };
                    Box::new(rows.map(move |r| {
                        let (k, _) = r?;
                        load(k.value().1)
                    }))
                }
                (None, None, None) => Box::new(records("streams", table.range(from..)?)),
            };
        let views = records
            .map(|r| r.map(|r| stream_view(r, now)))
            .filter(|v| v.as_ref().map_or(true, keep));
        paginate(views, page.limit, |v| v.stream.id.to_string())
    }

    /// The events of `entity` (e.g. `stream:7`), oldest first, decoded. The cursor is the
    /// last event id.
    ///
    /// # Errors
    /// [`QueryError::Store`].
    pub fn history(&self, entity: &str, page: &PageRequest) -> Result<Page<Value>, QueryError> {
        let t = self.txn.open_table(store::HISTORY)?;
        let events = self.txn.open_table(store::EVENTS)?;
        let after = page.cursor.clone().unwrap_or_default();
        let rows = t.range((entity, after.as_str())..=(entity, "~"))?;
        let items = rows
            .map(|r| {
                r.map_err(QueryError::from)
                    .map(|(k, _)| k.value().1.to_string())
            })
            .filter(|id| id.as_ref().map_or(true, |id| *id != after))
            .map(|id| {
                let id = id?;
                let raw = events
                    .get(id.as_str())?
                    .ok_or_else(|| dangling("events", format!("event {id}")))?;
                Ok(event_json(raw.value())?)
            });
        paginate(items, page.limit, |v: &Value| {
            v["id"].as_str().unwrap_or_default().to_string()
        })
    }

    /// Campaign `id`.
    ///
    /// # Errors
    /// [`QueryError::NotFound`] or [`QueryError::Store`].
    pub fn campaign(&self, id: u64) -> Result<CampaignRecord, QueryError> {
        let t = self.txn.open_table(store::CAMPAIGNS)?;
        get_record(&t, "campaigns", id)?
            .ok_or_else(|| QueryError::NotFound(format!("campaign {id}")))
    }

    /// Campaign `id`'s claimed and revoked entries by index. The cursor is the last index.
    ///
    /// # Errors
    /// [`QueryError::NotFound`], [`QueryError::BadParam`] or [`QueryError::Store`].
    pub fn campaign_claims(
        &self,
        id: u64,
        page: &PageRequest,
    ) -> Result<Page<ClaimRecord>, QueryError> {
        self.campaign(id)?;
        let from = page
            .parse_cursor::<u32>()?
            .map_or(Some(0), |c| c.checked_add(1));
        let t = self.txn.open_table(store::CLAIMS)?;
        let Some(from) = from else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        let items = records::<_, ClaimRecord>("claims", t.range((id, from)..=(id, u32::MAX))?);
        paginate(items, page.limit, |c| c.index.to_string())
    }

    /// Claims paid to `recipient`, by campaign and index. The cursor is `campaign:index`.
    ///
    /// # Errors
    /// [`QueryError::BadParam`] or [`QueryError::Store`].
    pub fn claims_by_recipient(
        &self,
        recipient: &str,
        page: &PageRequest,
    ) -> Result<Page<ClaimRecord>, QueryError> {
        let from = match page.cursor.as_deref() {
            None => (0, 0),
            Some(c) => {
                let parsed = c
                    .split_once(':')
                    .and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u32>().ok()?)));
                let (campaign, index) =
                    parsed.ok_or_else(|| bad("cursor", format!("{c:?} is not campaign:index")))?;
                match index.checked_add(1) {
                    Some(i) => (campaign, i),
                    None => (campaign.saturating_add(1), 0),
                }
            }
        };
        let t = self.txn.open_table(store::CLAIMS_BY_RECIPIENT)?;
        let claims = self.txn.open_table(store::CLAIMS)?;
        let rows = t.range((recipient, from.0, from.1)..=(recipient, u64::MAX, u32::MAX))?;
        let items = rows.map(|r| {
            let (k, _) = r?;
            let (_, campaign, index) = k.value();
            get_record::<_, ClaimRecord>(&claims, "claims", (campaign, index))?
                .ok_or_else(|| dangling("claims", format!("claim {campaign}:{index}")))
        });
        paginate(items, page.limit, |c| format!("{}:{}", c.campaign, c.index))
    }

    /// `creator`'s tiers by level. The cursor is the last level.
    ///
    /// # Errors
    /// [`QueryError::BadParam`] or [`QueryError::Store`].
    pub fn tiers(&self, creator: &str, page: &PageRequest) -> Result<Page<TierRecord>, QueryError> {
        let Some(from) = page
            .parse_cursor::<u32>()?
            .map_or(Some(0), |c| c.checked_add(1))
        else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        let t = self.txn.open_table(store::TIERS)?;
        let items =
            records::<_, TierRecord>("tiers", t.range((creator, from)..=(creator, u32::MAX))?);
        paginate(items, page.limit, |t| t.level.to_string())
    }

    fn subscription(
        &self,
        fan: &str,
        creator: &str,
    ) -> Result<Option<SubscriptionRecord>, QueryError> {
        let t = self.txn.open_table(store::SUBSCRIPTIONS)?;
        Ok(get_record(&t, "subscriptions", (fan, creator))?)
    }

    /// Subscriptions of `fan`, of `creator`, or both (one at most). The cursor is the last
    /// item's other party (`fan:creator` without filters).
    ///
    /// # Errors
    /// [`QueryError::BadParam`] or [`QueryError::Store`].
    pub fn subscriptions(
        &self,
        fan: Option<&str>,
        creator: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<SubscriptionRecord>, QueryError> {
        let after = page.cursor.clone().unwrap_or_default();
        match (fan, creator) {
            (Some(f), Some(c)) => {
                let items = self
                    .subscription(f, c)?
                    .into_iter()
                    .filter(|_| page.cursor.is_none())
                    .map(Ok);
                paginate(items, page.limit, |s| s.creator.clone())
            }
            (Some(f), None) => {
                let t = self.txn.open_table(store::SUBSCRIPTIONS)?;
                let rows = t.range((f, after.as_str())..=(f, "~"))?;
                let items = records::<_, SubscriptionRecord>("subscriptions", rows)
                    .filter(|s| s.as_ref().map_or(true, |s| s.creator != after));
                paginate(items, page.limit, |s| s.creator.clone())
            }
            (None, Some(c)) => {
                let t = self.txn.open_table(store::SUBSCRIPTIONS_BY_CREATOR)?;
                let rows = t.range((c, after.as_str())..=(c, "~"))?;
                let items = rows
                    .map(|r| {
                        let (k, _) = r?;
                        let fan = k.value().1.to_string();
                        self.subscription(&fan, c)?
                            .ok_or_else(|| dangling("subscriptions", format!("{fan}:{c}")))
                    })
                    .filter(|s| s.as_ref().map_or(true, |s| s.fan != after));
                paginate(items, page.limit, |s| s.fan.clone())
            }
            (None, None) => {
                let (f, c) = match page.cursor.as_deref() {
                    Some(cur) => cur
                        .split_once(':')
                        .ok_or_else(|| bad("cursor", format!("{cur:?} is not fan:creator")))?,
                    None => ("", ""),
                };
                let t = self.txn.open_table(store::SUBSCRIPTIONS)?;
                let items = records::<_, SubscriptionRecord>("subscriptions", t.range((f, c)..)?)
                    .filter(|s| s.as_ref().map_or(true, |s| s.fan != f || s.creator != c));
                paginate(items, page.limit, |s| format!("{}:{}", s.fan, s.creator))
            }
        }
    }

    /// Subscriptions whose renewal window opens within `[due_after, due_before]` (Unix
    /// seconds), soonest first: what a keeper renews. The window opens at
    /// `expires_at - min(period / 2, 1 day)` ([`SubscriptionRecord::renewal_opens_at`]), and
    /// stays open after a lapse; a keeper bounds how far back it looks with `due_after`. The
    /// cursor is the last item's `opens_at:fan:creator`.
    ///
    /// # Errors
    /// [`QueryError::BadParam`] for a malformed cursor or `due_after > due_before`;
    /// [`QueryError::Store`].
    pub fn subscriptions_due(
        &self,
        due_after: u64,
        due_before: u64,
        page: &PageRequest,
    ) -> Result<Page<SubscriptionRecord>, QueryError> {
        if due_after > due_before {
            return Err(bad(
                "due_after",
                format!("{due_after} is after due_before {due_before}"),
            ));
        }
        let cursor = match page.cursor.as_deref() {
            Some(cur) => {
                let malformed = || bad("cursor", format!("{cur:?} is not opens_at:fan:creator"));
                let mut parts = cur.splitn(3, ':');
                let (Some(at), Some(fan), Some(creator)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(malformed());
                };
                Some((at.parse::<u64>().map_err(|_| malformed())?, fan, creator))
            }
            None => None,
        };
        let start = cursor.unwrap_or((due_after, "", ""));
        let t = self.txn.open_table(store::SUBSCRIPTIONS_DUE)?;
        let items = t
            .range(start..=(due_before, "~", "~"))?
            .map(|r| {
                let (k, _) = r?;
                let (_, fan, creator) = k.value();
                self.subscription(fan, creator)?
                    .ok_or_else(|| dangling("subscriptions", format!("{fan}:{creator}")))
            })
            .filter(|s| match (&cursor, s) {
                (Some((_, f, c)), Ok(s)) => s.fan != *f || s.creator != *c,
                _ => true,
            });
        paginate(items, page.limit, |s| {
            format!("{}:{}:{}", s.renewal_opens_at(), s.fan, s.creator)
        })
    }

    /// Whether `fan` may see `creator`'s content at `min_level` at `now`: the contract's
    /// `has_access` rule on the projected subscription.
    ///
    /// # Errors
    /// [`QueryError::Store`].
    pub fn access(
        &self,
        fan: &str,
        creator: &str,
        min_level: u32,
        now: u64,
    ) -> Result<Value, QueryError> {
        let sub = self.subscription(fan, creator)?;
        let generated = match &sub {
            Some(s) => Some(Subscription {
                expires_at: s.expires_at,
                grace: s.grace,
                level: s.level,
                paid: s.paid,
                period: s.period,
                price: s.price,
                token: sc(&s.token, "subscriptions")?,
                version: s.version,
                // has_access reads neither; the indexer does not project the prepaid window.
                prepaid: 0,
                window_start: 0,
            }),
            None => None,
        };
        Ok(json!({
            "fan": fan,
            "creator": creator,
            "min_level": min_level,
            "has_access": has_access(generated.as_ref(), min_level, now),
            "subscription": sub,
            "as_of": now,
        }))
    }

    /// The insurance fund: flows per asset and the council epoch.
    ///
    /// # Errors
    /// [`QueryError::Store`].
    pub fn insurance(&self) -> Result<Value, QueryError> {
        let t = self.txn.open_table(store::INSURANCE_ASSETS)?;
        let assets = records::<_, AssetRecord>("insurance_assets", t.iter()?)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(json!({ "assets": assets, "epoch": self.epoch()? }))
    }

    fn epoch(&self) -> Result<u32, QueryError> {
        let meta = self.txn.open_table(store::META)?;
        Ok(store::meta_get(&meta, store::meta_key::EPOCH)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Proposals by id, with `status` reported `expired` once the contract's `proposal`
    /// view would (approvals lapsed or the execution window closed). The cursor is the
    /// last id.
    ///
    /// # Errors
    /// [`QueryError::BadParam`] or [`QueryError::Store`].
    pub fn proposals(
        &self,
        page: &PageRequest,
        now: u64,
    ) -> Result<Page<ProposalRecord>, QueryError> {
        let from = page
            .parse_cursor::<u64>()?
            .map_or(0, |c| c.saturating_add(1));
        let epoch = self.epoch()?;
        let t = self.txn.open_table(store::PROPOSALS)?;
        let items =
            records("proposals", t.range(from..)?).map(|p| p.map(|p| with_expiry(p, epoch, now)));
        paginate(items, page.limit, |p| p.id.to_string())
    }

    /// Proposal `id` at `now` (see [`Reader::proposals`]).
    ///
    /// # Errors
    /// [`QueryError::NotFound`] or [`QueryError::Store`].
    pub fn proposal(&self, id: u64, now: u64) -> Result<ProposalRecord, QueryError> {
        let t = self.txn.open_table(store::PROPOSALS)?;
        let p = get_record(&t, "proposals", id)?
            .ok_or_else(|| QueryError::NotFound(format!("proposal {id}")))?;
        Ok(with_expiry(p, self.epoch()?, now))
    }

    /// The dead-lettered events, by id.
    ///
    /// # Errors
    /// [`QueryError::Store`].
    pub fn dead_letters(&self) -> Result<Vec<Value>, QueryError> {
        let t = self.txn.open_table(store::DEAD_LETTERS)?;
        let out = t
            .iter()?
            .map(|r| {
                let (k, v) = r?;
                let letter: crate::records::DeadLetter = parse("dead_letters", v.value())?;
                Ok::<_, QueryError>(
                    json!({ "id": k.value(), "error": letter.error, "event": letter.event }),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(out)
    }
}

/// `p` with `status` set to `expired` once the contract's `proposal(id)` would report it
/// (`contracts/insurance/src/proposal.rs`, `is_expired`).
fn with_expiry(mut p: ProposalRecord, epoch: u32, now: u64) -> ProposalRecord {
    let expired = match p.status.as_str() {
        "pending" => now > p.created_at + APPROVAL_LIFETIME,
        "queued" if p.epoch != epoch => now > p.created_at + APPROVAL_LIFETIME,
        "queued" => now > p.eta + EXECUTION_WINDOW,
        _ => false,
    };
    if expired {
        p.status = "expired".into();
    }
    p
}

/// A stored raw event as history JSON: id, ledger, close time, transaction, contract, the
/// event name, and its topics and data decoded from XDR.
///
/// # Errors
/// [`StoreError::Corrupt`] if the stored event doesn't parse.
pub fn event_json(raw: &[u8]) -> Result<Value, StoreError> {
    let e = store::parse_event(raw)?;
    let (topics, data) =
        tributary_sdk::events::topics_and_data(&e).map_err(|err| StoreError::Corrupt {
            table: "events",
            reason: err.to_string(),
        })?;
    let mut topics: Vec<Value> = topics.iter().map(scval_json::to_json).collect();
    let name = if topics.is_empty() {
        Value::Null
    } else {
        topics.remove(0)
    };
    let data = scval_json::to_json(&data);
    // Named fields from the contract spec: topics after the name, then the data vector.
    let fields = name
        .as_str()
        .and_then(tributary_sdk::events::field_names)
        .map(|(t, d)| {
            let values = match &data {
                Value::Array(items) if d.len() != 1 => items.clone(),
                other => vec![other.clone()],
            };
            let names = t.iter().chain(d.iter()).map(|n| n.to_string());
            Value::Object(
                names
                    .zip(topics.iter().chain(values.iter()).cloned())
                    .collect(),
            )
        });
    Ok(json!({
        "id": e.id,
        "ledger": e.ledger,
        "ledger_closed_at": e.ledger_closed_at,
        "tx_hash": e.tx_hash,
        "contract_id": e.contract_id,
        "event": name,
        "fields": fields,
        "topics": topics,
        "data": data,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_accounts_or_contracts_never_muxed() {
        let g = "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ";
        let c = "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC";
        assert_eq!(address("fan", g).unwrap(), g);
        assert_eq!(address("fan", c).unwrap(), c);
        // SEP-23's muxed form of the account above, id 0.
        let m = "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJUAAAAAAAAAAAACJUQ";
        match address("fan", m) {
            Err(QueryError::BadParam { param, message }) => {
                assert_eq!(param, "fan");
                assert!(message.contains("muxed"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            address("fan", "not an address"),
            Err(QueryError::BadParam { .. })
        ));
    }
}
