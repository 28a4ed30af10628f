//! Ingestion: a follower task pages through `getEvents` (Stellar RPC docs, "getEvents":
//! `startLedger` or a `cursor`, at most 10,000 events a page) and a writer thread applies
//! each page and stores the cursor in the same redb write transaction, so every event is
//! applied exactly once however the process dies. Backfill pages are committed in batches
//! of `batch_events`; once caught up, every page is committed.

use std::{
    sync::Arc,
    time::{Duration, UNIX_EPOCH},
};

use redb::{ReadableDatabase, ReadableTable};
use stellar_rpc_client::{Client as Rpc, Event, EventStart, EventType, GetEventsResponse};
use tokio::sync::{mpsc, watch};
use tributary_sdk::events::{decode_values, topics_and_data, Contracts};

pub use crate::progress::{wall_clock, Progress, SharedProgress};
use crate::{
    apply::{apply, ApplyError, EventMeta, Tables},
    metrics::Metrics,
    records::DeadLetter,
    store::{meta_get, meta_key, to_bytes, Store, StoreError},
};

/// Ingestion settings.
#[derive(Clone, Debug)]
pub struct IngestConfig {
    /// The followed contracts.
    pub contracts: Contracts,
    /// First ledger to read when the database has no cursor; `None` starts at the RPC's
    /// oldest retained ledger.
    pub start_ledger: Option<u32>,
    /// Events per `getEvents` page (1–10,000).
    pub page_size: usize,
    /// Events applied before a backfill commit.
    pub batch_events: usize,
    /// Wait between polls once caught up.
    pub poll: Duration,
    /// Timeout of one RPC call.
    pub rpc_timeout: Duration,
    /// First retry delay; doubles up to `max_backoff`.
    pub initial_backoff: Duration,
    /// Cap on the retry delay.
    pub max_backoff: Duration,
}

/// One `getEvents` page, as the writer gets it.
#[derive(Clone, Debug)]
pub struct Page {
    /// The page's events, in chain order.
    pub events: Vec<Event>,
    /// The RPC's cursor after this page.
    pub cursor: String,
    /// The RPC's latest ledger.
    pub latest_ledger: u32,
    /// Its close time, Unix seconds.
    pub latest_close_time: u64,
    /// Whether the page reached the latest ledger (commit now).
    pub caught_up: bool,
}

impl Page {
    /// A page from an RPC response; `limit` is the requested page size.
    pub fn from_response(r: GetEventsResponse, limit: usize) -> Self {
        let caught_up = r.events.len() < limit && cursor_ledger(&r.cursor) >= r.latest_ledger;
        Self {
            latest_close_time: r.latest_ledger_close_time.parse().unwrap_or(0),
            latest_ledger: r.latest_ledger,
            cursor: r.cursor,
            events: r.events,
            caught_up,
        }
    }

    /// The last ledger this page completes (the latest, once caught up; else the cursor's)
    /// and, when known, its close time (Unix seconds; the last event's while backfilling).
    pub fn applied(&self) -> (u32, Option<u64>) {
        if self.caught_up {
            (
                self.latest_ledger,
                Some(self.latest_close_time).filter(|t| *t > 0),
            )
        } else {
            let close = self.events.last().and_then(|e| unix(&e.ledger_closed_at));
            (cursor_ledger(&self.cursor), close)
        }
    }
}

/// The ledger of an RPC paging cursor (`"<TOID>-<event index>"`; SEP-35 TOID: the ledger
/// is the high 32 bits); 0 if it doesn't parse.
pub fn cursor_ledger(cursor: &str) -> u32 {
    cursor
        .split('-')
        .next()
        .and_then(|t| t.parse::<u64>().ok())
        .map_or(0, |toid| (toid >> 32) as u32)
}

/// Whether `cursor` is the end of its ledger (stellar-rpc's end-of-window cursor: the TOID of
/// transaction 2^20-1, operation 2^12-1, and event index 2^32-1): every event of that ledger
/// has been seen.
pub fn cursor_ends_its_ledger(cursor: &str) -> bool {
    let mut parts = cursor.split('-');
    let toid = parts.next().and_then(|t| t.parse::<u64>().ok());
    let index = parts.next().and_then(|i| i.parse::<u64>().ok());
    matches!((toid, index), (Some(t), Some(i)) if t & 0xFFFF_FFFF == 0xFFFF_FFFF && i == u64::from(u32::MAX))
}

/// Where to resume when the RPC refused `cursor` as outside its window, whose oldest ledger
/// is `oldest`: at `oldest` if the cursor ends the ledger just before it (nothing was
/// missed), else `None` (events the indexer never saw are gone: a retention gap).
pub fn resume_after_refused_cursor(cursor: &str, oldest: u32) -> Option<u32> {
    let ledger = cursor_ledger(cursor);
    (cursor_ends_its_ledger(cursor) && ledger.checked_add(1) == Some(oldest)).then_some(oldest)
}

/// What one applied page did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Events applied to the projections.
    pub applied: usize,
    /// Events already stored (skipped by their id).
    pub duplicates: usize,
    /// Events dead-lettered.
    pub dead_letters: usize,
    /// Webhook messages enqueued (one per matching endpoint and applied event).
    pub enqueued: usize,
}

fn unix(rfc3339: &str) -> Option<u64> {
    humantime::parse_rfc3339_weak(rfc3339.trim_end_matches('Z'))
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
}

/// Applies `page` and records its cursor, in the caller's transaction.
///
/// # Errors
/// [`StoreError`] only; bad events are dead-lettered.
pub fn apply_page(
    t: &mut Tables,
    contracts: &Contracts,
    page: &Page,
) -> Result<Applied, StoreError> {
    let mut out = Applied::default();
    let now_ms = crate::webhooks::now_ms();
    for e in &page.events {
        if t.events.get(e.id.as_str())?.is_some() {
            out.duplicates += 1;
            continue;
        }
        let raw = crate::store::seal(serde_json::to_vec(e).unwrap_or_default());
        t.events.insert(e.id.as_str(), raw.as_slice())?;
        match apply_event(t, contracts, e, now_ms) {
            Ok(enqueued) => {
                out.applied += 1;
                out.enqueued += enqueued;
            }
            Err(ApplyError::Store(s)) => return Err(s),
            Err(err) => {
                let letter = DeadLetter {
                    event: serde_json::to_value(e).unwrap_or_default(),
                    error: err.to_string(),
                };
                tracing::warn!("dead letter {}: {}", e.id, letter.error);
                t.dead_letters
                    .insert(e.id.as_str(), to_bytes(&letter).as_slice())?;
                out.dead_letters += 1;
            }
        }
    }
    t.meta.insert(meta_key::CURSOR, page.cursor.as_bytes())?;
    t.meta.insert(
        meta_key::LATEST_LEDGER,
        page.latest_ledger.to_string().as_bytes(),
    )?;
    t.meta.insert(
        meta_key::LATEST_CLOSE_TIME,
        page.latest_close_time.to_string().as_bytes(),
    )?;
    let (ledger, close) = page.applied();
    t.meta
        .insert(meta_key::APPLIED_LEDGER, ledger.to_string().as_bytes())?;
    if let Some(close) = close {
        t.meta
            .insert(meta_key::APPLIED_CLOSE_TIME, close.to_string().as_bytes())?;
    }
    Ok(out)
}

/// Why an event is dead-lettered: bad XDR, a shape the decoders don't know, or a position
/// no earlier event created.
#[derive(Debug, thiserror::Error)]
enum EventError {
    #[error("undecodable: {0}")]
    Decode(String),
    #[error("not a Tributary event of the followed contracts (contract {0})")]
    Unknown(String),
    #[error("ledgerClosedAt {0:?} is not an RFC 3339 time")]
    Time(String),
}

impl From<EventError> for ApplyError {
    fn from(e: EventError) -> Self {
        ApplyError::Invalid(e.to_string())
    }
}

/// Applies `e` to the projections, then enqueues it for the webhook endpoints it matches
/// (same transaction; its XDR decoded once for both). Returns the messages enqueued.
fn apply_event(
    t: &mut Tables,
    contracts: &Contracts,
    e: &Event,
    now_ms: u64,
) -> Result<usize, ApplyError> {
    let closed_at =
        unix(&e.ledger_closed_at).ok_or_else(|| EventError::Time(e.ledger_closed_at.clone()))?;
    let decode_err = |err: tributary_sdk::scval::DecodeError| EventError::Decode(err.to_string());
    let (topics, data) = topics_and_data(e).map_err(decode_err)?;
    let decoded = decode_values(contracts, &e.contract_id, &topics, &data)
        .map_err(decode_err)?
        .ok_or_else(|| EventError::Unknown(e.contract_id.clone()))?;
    let meta = EventMeta {
        id: e.id.clone(),
        ledger: e.ledger,
        closed_at,
    };
    apply(t, &meta, &decoded)?;
    if t.endpoints.is_empty() {
        return Ok(0);
    }
    let Some(d) = crate::webhooks::describe_values(contracts, &e.contract_id, &topics, &data)
    else {
        return Ok(0);
    };
    Ok(crate::webhooks::enqueue(
        &mut t.outbox,
        &t.endpoints,
        &d,
        &e.id,
        now_ms,
    )?)
}

/// Applies pages from `rx` until it closes, committing per the batch policy, then commits
/// the rest. Runs on its own thread: redb transactions are blocking.
///
/// # Errors
/// [`StoreError`]: ingestion must stop.
pub fn write_loop(
    store: &Store,
    contracts: &Contracts,
    batch_events: usize,
    mut rx: mpsc::Receiver<Page>,
    metrics: &Metrics,
    progress: &SharedProgress,
    signals: &crate::webhooks::deliver::Signals,
) -> Result<(), StoreError> {
    while let Some(first) = rx.blocking_recv() {
        let txn = store.db.begin_write()?;
        let mut pending = 0;
        let mut last = None;
        {
            let mut t = Tables::open(&txn)?;
            let mut page = Some(first);
            while let Some(p) = page.take() {
                let a = apply_page(&mut t, contracts, &p)?;
                pending += p.events.len();
                metrics
                    .events_ingested
                    .inc_by((a.applied + a.dead_letters) as u64);
                metrics.dead_letters.inc_by(a.dead_letters as u64);
                signals.set_catching_up(!p.caught_up);
                let done = p.caught_up || pending >= batch_events;
                last = Some(p);
                if !done {
                    page = rx.blocking_recv();
                }
            }
        }
        txn.commit()?;
        // Wakes the webhook lanes and the live feed.
        signals.commits.send_modify(|c| *c += 1);
        if let Some(p) = last {
            let mut g = progress.lock().unwrap_or_else(|e| e.into_inner());
            let (ledger, close) = p.applied();
            g.record_applied(ledger, close);
            metrics.lag_ledgers.set(i64::from(g.lag_ledgers()));
            metrics.lag_seconds.set(g.lag_seconds() as i64);
        }
    }
    Ok(())
}

/// How an RPC call failed.
#[derive(Debug, thiserror::Error)]
pub enum RpcFailure {
    /// Worth retrying: a timeout, a connection failure, an HTTP 5xx or 429, a malformed
    /// response, an internal RPC error (-32603), a JSON-RPC server error (-32000 to -32099,
    /// for example a provider's "server busy"), or a rate limit sent as a JSON-RPC error.
    #[error("{kind}: {message}")]
    Transient {
        /// The metric label: `timeout`, `transport`, `malformed` or `rpc`.
        kind: &'static str,
        /// What happened.
        message: String,
    },
    /// The requested ledger is outside the RPC's retention window: events are gone.
    #[error("{0}")]
    Retention(String),
    /// The request itself is wrong (JSON-RPC -32600 to -32602, -32700): retrying the same
    /// request can't help.
    #[error("RPC refused the request: {0}")]
    Refused(String),
}

/// Classifies a stellar-rpc-client error.
pub fn classify(e: stellar_rpc_client::Error) -> RpcFailure {
    use jsonrpsee_core::ClientError as C;
    let message = e.to_string();
    let transient = |kind| RpcFailure::Transient {
        kind,
        message: message.clone(),
    };
    match &e {
        stellar_rpc_client::Error::JsonRpc(c) => match c {
            C::RequestTimeout => transient("timeout"),
            C::Transport(_) | C::RestartNeeded(_) => transient("transport"),
            C::ParseError(_) | C::InvalidRequestId(_) => transient("malformed"),
            C::Call(obj) if is_out_of_window(obj.message()) => {
                RpcFailure::Retention(obj.message().to_string())
            }
            C::Call(obj) if is_request_error(obj.code()) && !is_rate_limit(obj.message()) => {
                RpcFailure::Refused(message)
            }
            // -32603 internal, -32000..-32099 server errors, rate limits and any code a
            // provider invents: the request was fine, so retry it.
            C::Call(_) => transient("rpc"),
            _ => transient("malformed"),
        },
        stellar_rpc_client::Error::InvalidResponse
        | stellar_rpc_client::Error::Serde(_)
        | stellar_rpc_client::Error::MissingResult
        | stellar_rpc_client::Error::MissingError => transient("malformed"),
        _ => RpcFailure::Refused(message),
    }
}

/// stellar-rpc's "outside the retention window" messages: `startLedger must be between…`
/// (getEvents before v23) and `start ledger (N) must be between the oldest ledger…`.
fn is_out_of_window(message: &str) -> bool {
    message.starts_with("startLedger must be")
        || message.contains("must be between the oldest ledger")
}

/// JSON-RPC 2.0's errors in the request itself: parse error, invalid request, method not
/// found, invalid params (https://www.jsonrpc.org/specification#error_object).
fn is_request_error(code: i32) -> bool {
    matches!(code, -32700 | -32600 | -32601 | -32602)
}

/// A rate limit reported as a JSON-RPC error (some providers answer HTTP 200 with one).
fn is_rate_limit(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("rate limit") || m.contains("too many requests") || m.contains("429")
}

/// `delay` with "equal jitter": between half of it and all of it, so indexers that failed
/// together don't retry in lockstep (AWS Architecture Blog, "Exponential Backoff And
/// Jitter"). The randomness is the OS's (`getrandom`).
pub(crate) fn jitter(delay: Duration) -> Duration {
    let mut b = [0u8; 8];
    let r = getrandom::fill(&mut b).map_or(0, |()| u64::from_le_bytes(b));
    let half = delay / 2;
    half + half.mul_f64((r >> 11) as f64 / (1u64 << 53) as f64)
}

/// Why the follower stopped.
#[derive(Debug, thiserror::Error)]
pub enum Halt {
    /// Events the indexer never saw have left the RPC's retention window.
    #[error("retention gap: {0}. Events in that range are no longer served by this RPC; re-index from a ledger inside its window into a fresh database, or backfill the gap from a full-history source (the ledger data lake) before resuming.")]
    RetentionGap(String),
    /// The RPC refused a request for good.
    #[error("{0}")]
    Refused(String),
    /// The database failed.
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// `--start-ledger` is ahead of the RPC's latest ledger (stellar-rpc would refuse it as
    /// outside its window, which is not a retention gap).
    #[error("--start-ledger {start} is ahead of the RPC's latest ledger {latest}: give a ledger the RPC has closed")]
    StartAhead {
        /// The configured start.
        start: u32,
        /// The RPC's latest ledger.
        latest: u32,
    },
}

impl Halt {
    /// The `indexer_ingestion_halted` reason label.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::RetentionGap(_) => "retention_gap",
            Self::Refused(_) => "rpc_refused",
            Self::Store(_) => "database",
            Self::StartAhead { .. } => "bad_start_ledger",
        }
    }
}

/// The follower: fetches pages and hands them to the writer until `stop` turns true.
pub struct Follower {
    /// The RPC.
    pub rpc: Rpc,
    /// Settings.
    pub config: IngestConfig,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Shared progress.
    pub progress: SharedProgress,
    /// The database, read for the fund's assets.
    pub store: Arc<Store>,
}

impl Follower {
    /// Reads the insurance fund's on-chain balance of every asset the index knows into
    /// [`Progress::fund`]; a failure is counted by kind like every RPC failure and the
    /// previous reading kept (the next catch-up tries again).
    async fn refresh_fund(&self) {
        let assets = match fund_assets(&self.store) {
            Ok(a) if !a.is_empty() => a,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!("fund assets: {e}");
                return;
            }
        };
        let keys = match crate::fund::balance_keys(&self.config.contracts.insurance, &assets) {
            Ok(k) => k,
            Err(e) => {
                tracing::warn!("fund balances: {e}");
                self.metrics
                    .rpc_errors
                    .with_label_values(&["malformed"])
                    .inc();
                return;
            }
        };
        let ledger_keys: Vec<_> = keys.iter().map(|(_, k)| k.clone()).collect();
        let kind = match self
            .attempt(self.rpc.get_full_ledger_entries(&ledger_keys))
            .await
            .map(|answer| crate::fund::balances(&keys, answer))
        {
            Ok(Ok(f)) => {
                self.lock().fund = Some(f);
                return;
            }
            Ok(Err(e)) => {
                tracing::warn!("fund balances: {e}");
                "malformed"
            }
            Err(RpcFailure::Transient { kind, .. }) => kind,
            Err(_) => "rpc",
        };
        tracing::warn!("fund balances: getLedgerEntries failed ({kind})");
        self.metrics.rpc_errors.with_label_values(&[kind]).inc();
    }

    /// One RPC call, bounded by the RPC timeout and classified.
    async fn attempt<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, stellar_rpc_client::Error>>,
    ) -> Result<T, RpcFailure> {
        match tokio::time::timeout(self.config.rpc_timeout, call).await {
            Ok(r) => r.map_err(classify),
            Err(_) => Err(RpcFailure::Transient {
                kind: "timeout",
                message: format!("no response within {:?}", self.config.rpc_timeout),
            }),
        }
    }

    /// Calls the RPC through `call` until it answers, retrying transient failures (counted by
    /// kind in `indexer_rpc_errors_total` and kept as `/health`'s last error) with capped
    /// exponential backoff; `Ok(None)` once `stop` turns true, `Err` for a failure that
    /// retrying can't fix.
    async fn retry<T, F, Fut>(
        &self,
        what: &str,
        stop: &mut watch::Receiver<bool>,
        mut call: F,
    ) -> Result<Option<T>, RpcFailure>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, stellar_rpc_client::Error>>,
    {
        let mut delay = self.config.initial_backoff;
        loop {
            match self.attempt(call()).await {
                Ok(v) => {
                    let mut g = self.lock();
                    g.last_error = None;
                    g.last_error_at = None;
                    return Ok(Some(v));
                }
                Err(RpcFailure::Transient { kind, message }) => {
                    self.metrics.rpc_errors.with_label_values(&[kind]).inc();
                    tracing::warn!("{what} failed ({kind}), retrying in {delay:?}: {message}");
                    let mut g = self.lock();
                    g.last_error = Some(format!("{kind}: {message}"));
                    g.last_error_at = Some(wall_clock());
                }
                Err(e) => return Err(e),
            }
            tokio::select! {
                _ = tokio::time::sleep(jitter(delay)) => {}
                _ = stop.changed() => return Ok(None),
            }
            delay = (delay * 2).min(self.config.max_backoff);
        }
    }

    /// `getEvents` from `start` for the four contracts, retried until it answers or `stop`.
    async fn fetch(
        &self,
        start: &EventStart,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<Option<GetEventsResponse>, Halt> {
        let ids = [
            self.config.contracts.stream.clone(),
            self.config.contracts.claims.clone(),
            self.config.contracts.access.clone(),
            self.config.contracts.insurance.clone(),
        ];
        let call = || {
            self.rpc.get_events(
                start.clone(),
                Some(EventType::Contract),
                &ids,
                &[],
                Some(self.config.page_size),
            )
        };
        match self.retry("getEvents", stop, call).await {
            Ok(r) => Ok(r),
            Err(RpcFailure::Retention(m)) => {
                self.metrics
                    .rpc_errors
                    .with_label_values(&["retention_gap"])
                    .inc();
                Err(Halt::RetentionGap(format!(
                    "{start:?} is outside the RPC's window ({m})"
                )))
            }
            Err(e) => {
                self.metrics.rpc_errors.with_label_values(&["rpc"]).inc();
                Err(Halt::Refused(e.to_string()))
            }
        }
    }

    /// Where to go on when the RPC refused `start` as outside its window: from the window's
    /// oldest ledger if `start` is a cursor that ends the ledger just before it (nothing was
    /// missed), else `None` (a retention gap, or `getHealth` didn't answer).
    async fn resume_at_window_edge(&self, start: &EventStart) -> Option<EventStart> {
        let EventStart::Cursor(c) = start else {
            return None;
        };
        let oldest = self
            .attempt(self.rpc.get_health())
            .await
            .ok()?
            .oldest_ledger;
        let next = resume_after_refused_cursor(c, oldest)?;
        tracing::info!(
            "cursor {c} ends the ledger before the RPC's window; resuming at ledger {next}"
        );
        Some(EventStart::Ledger(next))
    }

    /// `getLatestLedger`'s sequence, retried until the RPC answers (a new database whose RPC
    /// is not up yet waits for it) or `stop`.
    async fn latest_ledger(&self, stop: &mut watch::Receiver<bool>) -> Result<Option<u32>, Halt> {
        let call = || self.rpc.get_latest_ledger();
        match self.retry("getLatestLedger", stop, call).await {
            Ok(l) => Ok(l.map(|l| l.sequence)),
            Err(e) => Err(Halt::Refused(e.to_string())),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Follows from `cursor` (the database's, if any) until `stop` or a halt.
    ///
    /// # Errors
    /// [`Halt`] when ingestion can't go on without losing events.
    pub async fn run(
        &self,
        cursor: Option<String>,
        tx: mpsc::Sender<Page>,
        mut stop: watch::Receiver<bool>,
    ) -> Result<(), Halt> {
        let mut start = match (cursor, self.config.start_ledger) {
            (Some(c), _) => EventStart::Cursor(c),
            (None, Some(l)) => {
                let Some(latest) = self.latest_ledger(&mut stop).await? else {
                    return Ok(());
                };
                if l > latest {
                    return Err(Halt::StartAhead { start: l, latest });
                }
                EventStart::Ledger(l)
            }
            (None, None) => {
                // Probe for the window, then start at its oldest ledger. An RPC that is not up
                // yet is waited for, like any transient failure.
                let Some(latest) = self.latest_ledger(&mut stop).await? else {
                    return Ok(());
                };
                let Some(r) = self.fetch(&EventStart::Ledger(latest), &mut stop).await? else {
                    return Ok(());
                };
                tracing::warn!(
                    "no cursor and no --start-ledger: starting at the RPC's oldest ledger {}; earlier events are not indexed",
                    r.oldest_ledger
                );
                EventStart::Ledger(r.oldest_ledger)
            }
        };
        while !*stop.borrow() {
            let fetched = match self.fetch(&start, &mut stop).await {
                Err(Halt::RetentionGap(m)) => match self.resume_at_window_edge(&start).await {
                    Some(next) => {
                        start = next;
                        continue;
                    }
                    None => return Err(Halt::RetentionGap(m)),
                },
                other => other?,
            };
            let Some(r) = fetched else {
                return Ok(());
            };
            if let EventStart::Cursor(c) = &start {
                let have = cursor_ledger(c);
                if r.oldest_ledger > have.saturating_add(1) {
                    self.metrics
                        .rpc_errors
                        .with_label_values(&["retention_gap"])
                        .inc();
                    return Err(Halt::RetentionGap(format!(
                        "the indexer's cursor is at ledger {have} but the RPC's oldest ledger is {}",
                        r.oldest_ledger
                    )));
                }
            }
            let page = Page::from_response(r, self.config.page_size);
            {
                let mut g = self.lock();
                g.record_rpc_latest(page.latest_ledger, page.latest_close_time);
            }
            start = EventStart::Cursor(page.cursor.clone());
            let caught_up = page.caught_up;
            if tx.send(page).await.is_err() {
                return Ok(()); // the writer stopped; its error is reported by the caller
            }
            if caught_up {
                self.refresh_fund().await;
                tokio::select! {
                    _ = tokio::time::sleep(self.config.poll) => {}
                    _ = stop.changed() => {}
                }
            }
        }
        Ok(())
    }
}

/// The assets the index has seen flow into the fund (keys of `insurance_assets`).
///
/// # Errors
/// [`StoreError`].
pub fn fund_assets(store: &Store) -> Result<Vec<String>, StoreError> {
    let txn = store.db.begin_read()?;
    let t = txn.open_table(crate::store::INSURANCE_ASSETS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        out.push(row?.0.value().to_string());
    }
    Ok(out)
}

/// The stored cursor and progress of `store`.
///
/// # Errors
/// [`StoreError`].
pub fn stored_progress(store: &Store) -> Result<(Option<String>, Progress), StoreError> {
    let txn = store.db.begin_read()?;
    let meta = txn.open_table(crate::store::META)?;
    let num = |k: &str| -> Result<u64, StoreError> {
        Ok(meta_get(&meta, k)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    };
    let p = Progress {
        rpc_latest_ledger: num(meta_key::LATEST_LEDGER)? as u32,
        rpc_latest_close_time: num(meta_key::LATEST_CLOSE_TIME)?,
        applied_ledger: num(meta_key::APPLIED_LEDGER)? as u32,
        applied_close_time: num(meta_key::APPLIED_CLOSE_TIME)?,
        halted: None,
        last_error: None,
        last_error_at: None,
        corrupt: None,
        fund: None,
    };
    Ok((meta_get(&meta, meta_key::CURSOR)?, p))
}
