//! Delivery: one lane per endpoint drains its outbox in cursor order (one message in flight
//! per endpoint, so order holds; at most `max_in_flight` across endpoints), signs each attempt
//! with Standard Webhooks, retries on the schedule, and hands outcomes to the acker thread,
//! which commits them in batches. At-least-once: a crash between a 2xx and its commit sends
//! the message again with the same `webhook-id`.

use std::{
    collections::{hash_map::Entry, HashMap},
    sync::{mpsc as std_mpsc, Arc},
    time::{Duration, Instant},
};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::{
    client::legacy::{connect::HttpConnector, Client},
    rt::TokioExecutor,
};
use redb::{ReadableDatabase, ReadableTable};
use standardwebhooks::Webhook;
use tokio::sync::{watch, Semaphore};

use super::{guard::GuardedResolver, registry, DeadDelivery, Endpoint, Pending};
use crate::{
    metrics::Metrics,
    store::{self, Store, StoreError, EVENTS, OUTBOX, WEBHOOKS, WEBHOOK_DEAD_LETTERS},
};

/// Delivery settings.
#[derive(Clone, Debug)]
pub struct DeliveryConfig {
    /// Delays before the 2nd, 3rd, … attempt (each with equal jitter: between half and all of
    /// it). After the last, the message is a dead letter. Default 5 s, 5 min, 30 min, 2 h,
    /// 5 h, 10 h (Svix's schedule).
    pub schedule: Vec<Duration>,
    /// One attempt's limit (connect, send, answer). Default 10 s.
    pub timeout: Duration,
    /// Attempts in flight across all endpoints. Default 256.
    pub max_in_flight: usize,
    /// An endpoint failing continuously this long is disabled. Default 5 days.
    pub disable_after: Duration,
    /// Allow loopback, private and link-local targets (`--webhooks-allow-private`).
    pub allow_private: bool,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            schedule: [5, 300, 1_800, 7_200, 18_000, 36_000]
                .map(Duration::from_secs)
                .to_vec(),
            timeout: Duration::from_secs(10),
            max_in_flight: 256,
            disable_after: Duration::from_secs(5 * 86_400),
            allow_private: false,
        }
    }
}

/// Parses a retry schedule: comma-separated durations (`5s,5m,30m,2h`, humantime syntax).
///
/// # Errors
/// A part that isn't a duration, or an empty list.
pub fn parse_schedule(s: &str) -> Result<Vec<Duration>, String> {
    let v = s
        .split(',')
        .map(|p| humantime::parse_duration(p.trim()).map_err(|e| format!("{p:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    if v.is_empty() {
        return Err("an empty schedule".into());
    }
    Ok(v)
}

/// What the writer and the API tell the dispatcher and the live feed.
#[derive(Clone, Debug)]
pub struct Signals {
    /// Bumped after every ingestion commit.
    pub commits: watch::Sender<u64>,
    /// Bumped after every endpoint change (register, delete, enable, replay).
    pub changes: watch::Sender<u64>,
    /// True while ingestion is catching up (its last page was not at the RPC's latest
    /// ledger): deliveries wait, so a backfill keeps both cores; the backlog goes out, in
    /// order, once ingestion reaches the tip. Cleared if ingestion halts.
    pub catching_up: watch::Sender<bool>,
    /// Set when the service stops: live-feed streams end, so connections can close.
    pub stopping: watch::Sender<bool>,
}

impl Signals {
    /// Fresh signals: nothing committed, not catching up.
    pub fn new() -> Self {
        Self {
            commits: watch::channel(0).0,
            changes: watch::channel(0).0,
            catching_up: watch::channel(false).0,
            stopping: watch::channel(false).0,
        }
    }

    /// Records whether ingestion is catching up (waking the lanes when it stops).
    pub fn set_catching_up(&self, behind: bool) {
        self.catching_up.send_if_modified(|c| {
            let changed = *c != behind;
            *c = behind;
            changed
        });
    }
}

impl Default for Signals {
    fn default() -> Self {
        Self::new()
    }
}

/// A lane's outcome for one message, committed by the acker.
enum Ack {
    Delivered(u64, String),
    Retry(u64, String, Pending),
    Dead(u64, String, DeadDelivery),
    Disable(u64, String),
}

type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector<GuardedResolver>>, Full<Bytes>>;

fn http_client(cfg: &DeliveryConfig) -> HttpClient {
    let mut http = HttpConnector::new_with_resolver(GuardedResolver {
        allow_private: cfg.allow_private,
    });
    http.enforce_http(false);
    http.set_connect_timeout(Some(cfg.timeout));
    http.set_nodelay(true);
    let tls = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .unwrap_or_else(|e| {
            tracing::warn!("no system TLS roots ({e}); https webhook deliveries will fail");
            hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(
                rustls::ClientConfig::builder()
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth(),
            )
        });
    let https = tls.https_or_http().enable_http1().wrap_connector(http);
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(https)
}

struct Lanes {
    store: Arc<Store>,
    client: HttpClient,
    cfg: DeliveryConfig,
    metrics: Arc<Metrics>,
    in_flight: Semaphore,
    acks: std_mpsc::Sender<Ack>,
    commits: watch::Receiver<u64>,
    catching_up: watch::Receiver<bool>,
}

/// Runs the dispatcher until `stop`: one lane per enabled endpoint, restarted when its record
/// changes (a replay or re-enable restarts it from the oldest message), and the acker thread.
pub async fn run(
    store: Arc<Store>,
    cfg: DeliveryConfig,
    metrics: Arc<Metrics>,
    signals: Signals,
    mut stop: watch::Receiver<bool>,
) {
    let (acks, rx) = std_mpsc::channel();
    let acker = {
        let (store, metrics) = (store.clone(), metrics.clone());
        std::thread::Builder::new()
            .name("webhook-acker".into())
            .spawn(move || acker(&store, &metrics, &rx))
    };
    let lanes = Arc::new(Lanes {
        store: store.clone(),
        client: http_client(&cfg),
        in_flight: Semaphore::new(cfg.max_in_flight.max(1)),
        cfg,
        metrics,
        acks,
        commits: signals.commits.subscribe(),
        catching_up: signals.catching_up.subscribe(),
    });
    let mut changes = signals.changes.subscribe();
    let mut running: HashMap<u64, (Endpoint, tokio::task::JoinHandle<()>)> = HashMap::new();
    loop {
        // A short read of a small table, done inline (as the API's reads are), so that
        // stopping leaves no blocking task holding the database.
        match registry::endpoints(&store) {
            Ok(eps) => {
                // Lanes of endpoints deleted or changed (disabled, re-enabled, replayed) stop;
                // a changed endpoint's lane restarts from its oldest message.
                running.retain(|_, (ep, task)| {
                    let keep = eps.contains(ep);
                    if !keep {
                        task.abort();
                    }
                    keep
                });
                for ep in eps.into_iter().filter(|e| e.disabled.is_none()) {
                    if let Entry::Vacant(v) = running.entry(ep.id) {
                        let task = tokio::spawn(lane(lanes.clone(), ep.clone()));
                        v.insert((ep, task));
                    }
                }
            }
            Err(e) => tracing::error!("webhooks: reading endpoints: {e}"),
        }
        tokio::select! {
            _ = changes.changed() => {}
            _ = stop.changed() => break,
        }
    }
    for (_, (_, task)) in running {
        task.abort();
        // Wait until the lane is dropped: nothing of it holds the database afterwards.
        let _ = task.await;
    }
    drop(lanes);
    if let Ok(t) = acker {
        let _ = tokio::task::spawn_blocking(move || t.join()).await;
    }
}

/// How long delivery outcomes may stay in non-durable commits.
const ACK_DURABILITY: Duration = Duration::from_millis(250);

/// Commits lane outcomes in batches: whatever arrived while the previous commit ran. Under
/// load most commits skip the fsync (redb's `Durability::None`; the ingestion writer's next
/// commit persists them too), and one at least every [`ACK_DURABILITY`] (or once the lanes
/// go quiet) is durable: a crash forgets at most that much of outcomes, whose messages are
/// then sent again (at least once; receivers de-duplicate by `webhook-id`). This keeps the
/// outcomes from taking the single redb writer from ingestion for an fsync each.
fn acker(store: &Store, metrics: &Metrics, rx: &std_mpsc::Receiver<Ack>) {
    let mut last_durable = Instant::now();
    let mut dirty = false;
    loop {
        let first = if dirty {
            match rx.recv_timeout(ACK_DURABILITY) {
                Ok(a) => Some(a),
                Err(std_mpsc::RecvTimeoutError::Timeout) => None,
                Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match rx.recv() {
                Ok(a) => Some(a),
                Err(_) => return,
            }
        };
        let mut batch: Vec<Ack> = first.into_iter().collect();
        while batch.len() < 4096 {
            match rx.try_recv() {
                Ok(a) => batch.push(a),
                Err(_) => break,
            }
        }
        let durable = batch.is_empty() || last_durable.elapsed() >= ACK_DURABILITY;
        match commit_acks(store, &batch, durable) {
            Ok(()) if durable => {
                last_durable = Instant::now();
                dirty = false;
            }
            Ok(()) => dirty = true,
            Err(e) => {
                // The messages stay in the outbox and are sent again after a restart.
                tracing::error!("webhooks: committing {} outcomes: {e}", batch.len());
                metrics.webhook_ack_errors.inc();
            }
        }
    }
}

fn commit_acks(store: &Store, batch: &[Ack], durable: bool) -> Result<(), StoreError> {
    let mut txn = store.db.begin_write()?;
    if !durable {
        txn.set_durability(redb::Durability::None)
            .map_err(|e| StoreError::Db(e.into()))?;
    }
    {
        let mut outbox = txn.open_table(OUTBOX)?;
        let mut dead = txn.open_table(WEBHOOK_DEAD_LETTERS)?;
        let mut eps = txn.open_table(WEBHOOKS)?;
        for a in batch {
            match a {
                Ack::Delivered(ep, id) => {
                    outbox.remove((*ep, id.as_str()))?;
                }
                Ack::Retry(ep, id, p) => {
                    // Not for a message the API deleted meanwhile.
                    if outbox.get((*ep, id.as_str()))?.is_some() {
                        outbox.insert((*ep, id.as_str()), store::to_bytes(p).as_slice())?;
                    }
                }
                Ack::Dead(ep, id, d) => {
                    if outbox.remove((*ep, id.as_str()))?.is_some() {
                        dead.insert((*ep, id.as_str()), store::to_bytes(d).as_slice())?;
                    }
                }
                Ack::Disable(ep, reason) => {
                    let rec: Option<Endpoint> = store::get_record(&eps, "webhooks", *ep)?;
                    if let Some(mut rec) = rec {
                        rec.disabled = Some(reason.clone());
                        eps.insert(*ep, store::to_bytes(&rec).as_slice())?;
                    }
                }
            }
        }
    }
    txn.commit()?;
    Ok(())
}

/// Up to `n` of endpoint `ep`'s messages after event `after`, each with its stored event.
fn next_messages(
    store: &Store,
    ep: u64,
    after: Option<&str>,
    n: usize,
) -> Result<Vec<(String, Pending, Vec<u8>)>, StoreError> {
    let txn = store.db.begin_read()?;
    let outbox = txn.open_table(OUTBOX)?;
    let events = txn.open_table(EVENTS)?;
    let mut out = Vec::new();
    for row in outbox.range((ep, after.unwrap_or_default())..(ep + 1, ""))? {
        let (k, v) = row?;
        let id = k.value().1;
        if Some(id) == after {
            continue;
        }
        let p: Pending = store::parse("outbox", v.value())?;
        let raw = events
            .get(id)?
            .ok_or_else(|| StoreError::Corrupt {
                table: "outbox",
                reason: format!("message for event {id}, which is not stored"),
            })?
            .value()
            .to_vec();
        out.push((id.to_string(), p, raw));
        if out.len() == n {
            break;
        }
    }
    Ok(out)
}

async fn lane(l: Arc<Lanes>, ep: Endpoint) {
    let signer = match Webhook::new(&ep.secret) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("webhook endpoint {}: unusable secret: {e}", ep.id);
            return;
        }
    };
    // The URL is parsed and an IP literal checked once per lane; a refusal fails every
    // attempt, as it would if checked each time.
    let target = super::guard::target(&ep.url, l.cfg.allow_private).map_err(|e| e.to_string());
    let mut commits = l.commits.clone();
    let mut catching_up = l.catching_up.clone();
    let mut after: Option<String> = None;
    let mut failing_since: Option<Instant> = None;
    loop {
        commits.mark_unchanged();
        // Up to 64 rows in one read transaction, inline like the API's reads.
        let batch = match next_messages(&l.store, ep.id, after.as_deref(), 64) {
            Ok(b) => b,
            Err(e) => {
                tracing::error!("webhook endpoint {}: reading the outbox: {e}", ep.id);
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if batch.is_empty() {
            // Woken by the next commit; the timeout covers a replay of this lane's endpoint
            // racing the read above.
            let _ = tokio::time::timeout(Duration::from_secs(1), commits.changed()).await;
            continue;
        }
        for (event_id, mut p, raw) in batch {
            let body = match super::body(&raw, &p.kind) {
                Ok(b) => Bytes::from(b.to_string()),
                Err(e) => {
                    // A damaged event can never be delivered as itself: dead-letter it.
                    let d = DeadDelivery {
                        kind: p.kind.clone(),
                        attempts: p.attempts,
                        enqueued_at_ms: p.enqueued_at_ms,
                        died_at_ms: super::now_ms(),
                        last_error: e.to_string(),
                    };
                    let _ = l.acks.send(Ack::Dead(ep.id, event_id.clone(), d));
                    after = Some(event_id);
                    continue;
                }
            };
            let msg_id = super::message_id(ep.id, &event_id);
            loop {
                // Ingestion first: a backfill doesn't share the CPU with its deliveries.
                while *catching_up.borrow_and_update() {
                    if catching_up.changed().await.is_err() {
                        break;
                    }
                }
                let wait = p.next_attempt_at_ms.saturating_sub(super::now_ms());
                if wait > 0 {
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                }
                let outcome = {
                    let _permit = l.in_flight.acquire().await;
                    attempt(&l, &target, &signer, &msg_id, body.clone()).await
                };
                l.metrics.webhook_attempts.inc();
                match outcome {
                    Ok(()) => {
                        failing_since = None;
                        l.metrics
                            .webhook_deliveries
                            .with_label_values(&["delivered"])
                            .inc();
                        l.metrics.webhook_latency.observe(
                            super::now_ms().saturating_sub(p.enqueued_at_ms) as f64 / 1000.0,
                        );
                        let _ = l.acks.send(Ack::Delivered(ep.id, event_id.clone()));
                        break;
                    }
                    Err(err) => {
                        p.attempts += 1;
                        p.last_error = Some(err.clone());
                        let since = *failing_since.get_or_insert_with(Instant::now);
                        if since.elapsed() >= l.cfg.disable_after {
                            let reason = format!(
                                "failing since {:.0?} ago (last error: {err}); disabled after {:?}",
                                since.elapsed(),
                                l.cfg.disable_after
                            );
                            tracing::warn!("webhook endpoint {} disabled: {reason}", ep.id);
                            let _ = l.acks.send(Ack::Retry(ep.id, event_id.clone(), p));
                            let _ = l.acks.send(Ack::Disable(ep.id, reason));
                            l.metrics
                                .webhook_deliveries
                                .with_label_values(&["endpoint_disabled"])
                                .inc();
                            return;
                        }
                        match l.cfg.schedule.get(p.attempts as usize - 1) {
                            Some(delay) => {
                                p.next_attempt_at_ms = super::now_ms()
                                    + crate::ingest::jitter(*delay).as_millis() as u64;
                                l.metrics
                                    .webhook_deliveries
                                    .with_label_values(&["retry"])
                                    .inc();
                                let _ = l.acks.send(Ack::Retry(ep.id, event_id.clone(), p.clone()));
                            }
                            None => {
                                l.metrics
                                    .webhook_deliveries
                                    .with_label_values(&["dead_letter"])
                                    .inc();
                                let d = DeadDelivery {
                                    kind: p.kind.clone(),
                                    attempts: p.attempts,
                                    enqueued_at_ms: p.enqueued_at_ms,
                                    died_at_ms: super::now_ms(),
                                    last_error: err,
                                };
                                let _ = l.acks.send(Ack::Dead(ep.id, event_id.clone(), d));
                                break;
                            }
                        }
                    }
                }
            }
            after = Some(event_id);
        }
    }
}

/// One signed POST; `Err` describes a non-2xx answer, a timeout or a connection failure.
async fn attempt(
    l: &Lanes,
    target: &Result<hyper::Uri, String>,
    signer: &Webhook,
    msg_id: &str,
    body: Bytes,
) -> Result<(), String> {
    let uri = target.clone()?;
    let ts = (super::now_ms() / 1000) as i64;
    let sig = signer
        .sign(msg_id, ts, &body)
        .map_err(|e| format!("signing: {e}"))?;
    let req = hyper::Request::post(uri)
        .header("content-type", "application/json")
        .header(
            "user-agent",
            concat!("tributary-indexer/", env!("CARGO_PKG_VERSION")),
        )
        .header(standardwebhooks::HEADER_WEBHOOK_ID, msg_id)
        .header(standardwebhooks::HEADER_WEBHOOK_TIMESTAMP, ts.to_string())
        .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, sig)
        .body(Full::new(body))
        .map_err(|e| e.to_string())?;
    let sent = tokio::time::timeout(l.cfg.timeout, async {
        let res = l.client.request(req).await.map_err(|e| {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg = format!("{msg}: {s}");
                src = s.source();
            }
            msg
        })?;
        let status = res.status();
        // Read (a bounded part of) the answer so the connection can be reused.
        let _ = Limited::new(res.into_body(), 64 * 1024).collect().await;
        Ok::<_, String>(status)
    })
    .await
    .map_err(|_| format!("no answer within {:?}", l.cfg.timeout))??;
    if sent.is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", sent.as_u16()))
    }
}
