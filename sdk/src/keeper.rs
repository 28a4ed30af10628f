//! A renewal keeper for `access` subscriptions (docs/PROTOCOL.md, `renew`), to run as
//! `tributary keeper` or embedded in a backend. Feature `keeper`.
//!
//! One [`Keeper::pass`]:
//! 1. reads the indexer's renewal queue, `GET /subscriptions?due_before=<now>&due_after=<now -
//!    lookback>` (subscriptions whose renewal window, `expires_at - min(period / 2, 1 day)`,
//!    has opened), and keeps those still before `expires_at + grace`;
//! 2. simulates `renew_many` over a batch and reads each renewal's outcome from the simulated
//!    events: one that would charge is sent; `NotDue` (another keeper, or this one before a
//!    restart, renewed it already; or the indexer lags) is skipped; any other reason
//!    (`AllowanceTooLow`, `BalanceTooLow`, `TermsWorse`, `TierRetired`, `TokenNotInsured`) is
//!    sent once per paid-up period, so that its `renewal_failed` event reaches the indexer and
//!    webhooks, and counted by reason;
//! 3. sends the batch as one transaction, refused before sending if its fee is above
//!    [`KeeperConfig::max_fee`], and reads the real outcomes from the applied events. Up to 16
//!    batches are in flight at once, numbered in order from the keeper's account, so they can
//!    land in one ledger; a batch over the network's limits is split in halves and the batch
//!    size halved for later passes.
//!
//! Idempotent and crash-safe without local state: the contract charges a period once (a
//! renewal leaves the subscription not due), so a second keeper, a retry or a restart
//! mid-batch is refused with `NotDue` and charges nothing. The fan is never charged above the
//! snapshot: the contract refuses worse terms (`TermsWorse`).

use std::{
    collections::HashSet,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use futures_util::{stream, StreamExt};
use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};
use serde::{Deserialize, Serialize};
use stellar_xdr::{ContractEvent, ContractEventBody, ScAddress, TransactionResultCode};

use tributary_rules::access::renewal_opens_at;

use crate::{
    generated::access::{AccessContract, AccessEvent, Renewal, RenewalFailure},
    CallOptions, Client, Error, Sign,
};

/// What a keeper does, and where.
#[derive(Clone, Debug)]
pub struct KeeperConfig {
    /// The indexer's base URL, e.g. `http://127.0.0.1:8080`.
    pub indexer_url: String,
    /// The access contract.
    pub access: ScAddress,
    /// Renewals per transaction (1 or more). Each reads and writes the fan's subscription,
    /// allowance and balance and the creator's balance, so the network's footprint limits
    /// bound it; `tributary keeper` defaults to 8.
    pub batch: usize,
    /// The most one transaction may bid (inclusion plus resource fee), stroops.
    pub max_fee: Option<u32>,
    /// How far back, seconds, a renewal window may have opened and still be worked; older
    /// ones are past their grace in practice. The queue is read from `now - lookback`.
    pub lookback: u64,
    /// List what would be renewed or fail, and send nothing.
    pub dry_run: bool,
}

/// One renewal the keeper sent, or in a dry run would send.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Renewed {
    /// The fan (G…).
    pub fan: String,
    /// The creator (G…).
    pub creator: String,
    /// The paid-up time before it, Unix seconds.
    pub expires_at: u64,
    /// Seconds between the window's opening and this pass.
    pub lag: u64,
}

/// One renewal that could not charge, with the contract's reason.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Failed {
    /// The fan (G…).
    pub fan: String,
    /// The creator (G…).
    pub creator: String,
    /// `AllowanceTooLow`, `BalanceTooLow`, `TermsWorse`, `TierRetired` or `TokenNotInsured`.
    pub reason: String,
    /// Whether this pass sent it (so `renewal_failed` is on chain); a failure already sent
    /// for this paid-up period is only counted.
    pub sent: bool,
}

/// What one pass found and did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PassReport {
    /// The ledger time the pass worked at, Unix seconds.
    pub at: u64,
    /// Subscriptions in the queue whose window is open and grace not over.
    pub due: usize,
    /// In the queue but past `expires_at + grace`: left alone.
    pub lapsed: usize,
    /// Renewed (or, in a dry run, that would be).
    pub renewed: Vec<Renewed>,
    /// Could not charge, by the contract's reason.
    pub failed: Vec<Failed>,
    /// Already renewed by someone else (the contract's `NotDue`).
    pub already_renewed: usize,
    /// Transactions sent.
    pub transactions: usize,
    /// Fees charged for them, stroops.
    pub fees: i64,
}

impl PassReport {
    /// Adds a batch's outcomes to the pass's.
    fn merge(&mut self, part: PassReport) {
        self.renewed.extend(part.renewed);
        self.failed.extend(part.failed);
        self.already_renewed += part.already_renewed;
        self.transactions += part.transactions;
        self.fees += part.fees;
    }
}

/// Batches simulated or sent at once.
const IN_FLIGHT: usize = 16;

/// Why a pass stopped.
#[derive(Debug, thiserror::Error)]
pub enum KeeperError {
    /// The indexer could not be read or answered something unexpected.
    #[error("indexer {url}: {reason}")]
    Indexer {
        /// The URL asked.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The network refused or failed a call (the SDK's error, e.g. a transient RPC failure
    /// or [`Error::FeeAboveCap`]).
    #[error(transparent)]
    Sdk(#[from] Error),
}

/// A subscription in the indexer's queue (the fields the keeper needs of its JSON).
#[derive(Clone, Debug, Deserialize)]
struct Queued {
    fan: String,
    creator: String,
    expires_at: u64,
    period: u64,
    grace: u64,
}

#[derive(Deserialize)]
struct QueuePage {
    items: Vec<Queued>,
    next_cursor: Option<String>,
}

/// Prometheus metrics of a keeper (names prefixed `tributary_keeper_`).
struct Metrics {
    registry: Registry,
    renewed: IntCounter,
    failed: IntCounterVec,
    already: IntCounter,
    transactions: IntCounter,
    fees: IntCounter,
    errors: IntCounter,
    lag: Histogram,
    last_renewal: IntGauge,
}

impl Metrics {
    fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("tributary_keeper".into()), None)?;
        let counter = |name: &str, help: &str| IntCounter::new(name, help);
        let m = Self {
            renewed: counter("renewed_total", "Renewals charged.")?,
            failed: IntCounterVec::new(
                Opts::new(
                    "failed_total",
                    "Renewals the contract could not charge, by reason.",
                ),
                &["reason"],
            )?,
            already: counter(
                "already_renewed_total",
                "Renewals skipped because another keeper renewed first (NotDue).",
            )?,
            transactions: counter("transactions_total", "Transactions sent.")?,
            fees: counter("fees_stroops_total", "Fees charged, stroops.")?,
            errors: counter(
                "errors_total",
                "Passes stopped by an indexer or network error.",
            )?,
            lag: Histogram::with_opts(
                HistogramOpts::new(
                    "lag_seconds",
                    "Seconds from a renewal window's opening to the renewal.",
                )
                .buckets(vec![
                    1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3_600.0, 21_600.0, 86_400.0,
                ]),
            )?,
            last_renewal: IntGauge::new(
                "last_renewal_timestamp_seconds",
                "Ledger time of the last renewal charged, Unix seconds.",
            )?,
            registry,
        };
        for c in [&m.renewed, &m.already, &m.transactions, &m.fees, &m.errors] {
            m.registry.register(Box::new(c.clone()))?;
        }
        m.registry.register(Box::new(m.failed.clone()))?;
        m.registry.register(Box::new(m.lag.clone()))?;
        m.registry.register(Box::new(m.last_renewal.clone()))?;
        Ok(m)
    }
}

/// A renewal keeper: the network client, the account that pays, and the config.
pub struct Keeper {
    client: Client,
    source: Arc<dyn Sign>,
    config: KeeperConfig,
    metrics: Metrics,
    /// `(fan, creator, expires_at)` whose failure this process already sent.
    failures_sent: Mutex<HashSet<(String, String, u64)>>,
    /// Renewals per transaction, halved on a batch over the resource limits.
    batch: AtomicUsize,
}

impl Keeper {
    /// A keeper paying fees from `source`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a batch of 0.
    pub fn new(client: Client, source: Arc<dyn Sign>, config: KeeperConfig) -> Result<Self, Error> {
        if config.batch == 0 {
            return Err(Error::InvalidInput("a keeper's batch is at least 1".into()));
        }
        let metrics = Metrics::new().map_err(|e| Error::InvalidInput(e.to_string()))?;
        Ok(Self {
            batch: AtomicUsize::new(config.batch),
            client,
            source,
            config,
            metrics,
            failures_sent: Mutex::default(),
        })
    }

    /// The Prometheus text exposition of this keeper's metrics.
    pub fn metrics_text(&self) -> String {
        let mut out = Vec::new();
        // Encoding into a Vec fails only for metric families that can't be written, which
        // the fixed set above never produces.
        let _ = TextEncoder::new().encode(&self.metrics.registry.gather(), &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Counts a pass that stopped on `error` (for `run` loops that retry).
    pub fn count_error(&self, error: &KeeperError) {
        self.metrics.errors.inc();
        tracing::warn!(%error, "keeper pass stopped; retrying");
    }

    /// One pass over the queue at the ledger's current time. See the module docs.
    ///
    /// # Errors
    /// [`KeeperError::Indexer`], [`KeeperError::Sdk`]. Renewals sent before the error stand;
    /// the next pass finds the rest (what was renewed is no longer due).
    pub async fn pass(&self) -> Result<PassReport, KeeperError> {
        let now = self.client.ledger_time().await?;
        let mut report = PassReport {
            at: now,
            ..PassReport::default()
        };
        let mut open = Vec::new();
        for q in self.queue(now).await? {
            if now >= q.expires_at.saturating_add(q.grace) {
                report.lapsed += 1;
            } else {
                open.push(q);
            }
        }
        report.due = open.len();
        // Failures sent for periods the queue no longer reaches are forgotten, so a
        // long-running keeper's memory stays bounded.
        let oldest = now.saturating_sub(self.config.lookback);
        if let Ok(mut sent) = self.failures_sent.lock() {
            sent.retain(|(_, _, expires_at)| *expires_at >= oldest);
        }
        // Batches go out together, up to IN_FLIGHT at a time: the SDK numbers one account's
        // transactions in order, so they can land in the same ledger.
        let mut pending: Vec<&[Queued]> = open.chunks(self.batch()).collect();
        while !pending.is_empty() {
            // The futures are made first: a lazy `map` in the stream keeps its closure's
            // lifetime generic, and the pass would no longer be `Send` for `tokio::spawn`.
            let batches: Vec<_> = pending.iter().map(|b| self.renew_batch(now, b)).collect();
            let results: Vec<_> = stream::iter(batches).buffered(IN_FLIGHT).collect().await;
            let (mut retry, mut error) = (Vec::new(), None);
            for (b, r) in pending.iter().zip(results) {
                match r {
                    Ok(part) => report.merge(part),
                    // Too big for one transaction: halve the batch for this and later passes.
                    Err(KeeperError::Sdk(e)) if b.len() > 1 && over_limits(&e) => {
                        let half = b.len() / 2;
                        tracing::warn!(
                            size = b.len(),
                            "a renewal batch exceeded the resource limits; halving"
                        );
                        self.batch.fetch_min(half, Ordering::Relaxed);
                        retry.extend(b.chunks(half));
                    }
                    Err(e) => error = error.or(Some(e)),
                }
            }
            if let Some(e) = error {
                return Err(e);
            }
            pending = retry;
        }
        Ok(report)
    }

    /// Renewals per transaction now: [`KeeperConfig::batch`], halved each time a batch
    /// exceeded the network's per-transaction resource limits.
    pub fn batch(&self) -> usize {
        self.batch.load(Ordering::Relaxed)
    }

    /// Runs passes every `interval` until `stop` resolves; a failed pass is counted, logged,
    /// and retried after a backoff doubling from `interval` up to 16 × `interval`.
    /// `on_pass` sees every report.
    pub async fn run(
        &self,
        interval: Duration,
        stop: impl std::future::Future<Output = ()>,
        mut on_pass: impl FnMut(&PassReport),
    ) {
        tokio::pin!(stop);
        let mut wait = interval;
        loop {
            match self.pass().await {
                Ok(report) => {
                    on_pass(&report);
                    wait = interval;
                }
                Err(e) => {
                    self.count_error(&e);
                    wait = (wait * 2).min(interval * 16);
                }
            }
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// The indexer's renewal queue at `now`, every page.
    async fn queue(&self, now: u64) -> Result<Vec<Queued>, KeeperError> {
        let base = self.config.indexer_url.trim_end_matches('/');
        let after = now.saturating_sub(self.config.lookback);
        let mut cursor: Option<String> = None;
        let mut all = Vec::new();
        loop {
            let mut url =
                format!("{base}/subscriptions?due_before={now}&due_after={after}&limit=500");
            if let Some(c) = &cursor {
                url.push_str("&cursor=");
                url.push_str(&percent_encode(c));
            }
            let page: QueuePage = get_json(url).await?;
            all.extend(page.items);
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => return Ok(all),
            }
        }
    }

    /// Simulates `batch`, sends what charges and the failures not sent yet for this paid-up
    /// period, and records the applied outcomes in `report` and the metrics.
    async fn renew_batch(&self, now: u64, batch: &[Queued]) -> Result<PassReport, KeeperError> {
        let mut report = PassReport::default();
        let renewals = batch
            .iter()
            .map(|q| {
                Ok(Renewal {
                    fan: address(&q.fan)?,
                    creator: address(&q.creator)?,
                    periods: 1,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let access = AccessContract::new(self.config.access.clone());
        let source = self.source.public_strkey();
        let (charges, events) = self
            .client
            .simulate(&source, &access.renew_many(&renewals))
            .await?;
        let forecast = self.reasons(&events);
        // What to send: each with the subscription it renews.
        // What to send, and what is only reported (merged into `report` once the batch is
        // done, so a batch retried in halves is not counted twice).
        let mut send: Vec<(&Queued, Renewal)> = Vec::new();
        let (mut skipped, mut unsent) = (0, Vec::new());
        for ((q, r), charges) in batch.iter().zip(&renewals).zip(charges) {
            match (charges, reason_of(&forecast, r)) {
                (true, _) => send.push((q, r.clone())),
                (false, None | Some(RenewalFailure::NotDue)) => skipped += 1,
                (false, Some(reason)) => {
                    if self.config.dry_run || self.failure_sent(q) {
                        unsent.push(failed(q, reason, false));
                    } else {
                        send.push((q, r.clone()));
                    }
                }
            }
        }
        if self.config.dry_run || send.is_empty() {
            report
                .renewed
                .extend(send.iter().map(|(q, _)| renewed(q, now)));
            report.already_renewed += skipped;
            report.failed.extend(unsent);
            return Ok(report);
        }
        let options = CallOptions {
            max_fee: self.config.max_fee,
            ..CallOptions::default()
        };
        let call = access.renew_many(&send.iter().map(|x| x.1.clone()).collect::<Vec<_>>());
        let done = self
            .client
            .invoke_with(self.source.as_ref(), &call, &[], &options)
            .await?;
        report.already_renewed += skipped;
        report.failed.extend(unsent);
        report.transactions += 1;
        report.fees += done.fee_charged;
        self.metrics.transactions.inc();
        self.metrics
            .fees
            .inc_by(u64::try_from(done.fee_charged).unwrap_or(0));
        // The applied events are the truth; the simulation was a forecast.
        let applied = self.reasons(&done.events);
        for ((q, r), charged) in send.iter().zip(&done.value) {
            match (*charged, reason_of(&applied, r)) {
                (true, _) => {
                    let x = renewed(q, now);
                    self.metrics.renewed.inc();
                    self.metrics.lag.observe(x.lag as f64);
                    self.metrics
                        .last_renewal
                        .set(i64::try_from(now).unwrap_or(i64::MAX));
                    report.renewed.push(x);
                }
                (false, None | Some(RenewalFailure::NotDue)) => {
                    self.metrics.already.inc();
                    report.already_renewed += 1;
                }
                (false, Some(reason)) => {
                    self.metrics
                        .failed
                        .with_label_values(&[&format!("{reason:?}")])
                        .inc();
                    if let Ok(mut sent) = self.failures_sent.lock() {
                        sent.insert((q.fan.clone(), q.creator.clone(), q.expires_at));
                    }
                    report.failed.push(failed(q, reason, true));
                }
            }
        }
        Ok(report)
    }

    /// Whether this process already sent `q`'s failure for its current paid-up period.
    fn failure_sent(&self, q: &Queued) -> bool {
        self.failures_sent
            .lock()
            .is_ok_and(|s| s.contains(&(q.fan.clone(), q.creator.clone(), q.expires_at)))
    }

    /// `(fan, creator, reason)` of the access contract's `renewal_failed` events in `events`.
    fn reasons(&self, events: &[ContractEvent]) -> Vec<(ScAddress, ScAddress, RenewalFailure)> {
        events
            .iter()
            .filter(|e| {
                e.contract_id
                    .as_ref()
                    .map(|id| ScAddress::Contract(id.clone()))
                    == Some(self.config.access.clone())
            })
            .filter_map(|e| {
                let ContractEventBody::V0(b) = &e.body;
                match AccessEvent::decode(&b.topics, &b.data) {
                    Ok(Some(AccessEvent::RenewalFailed(x))) => Some((x.fan, x.creator, x.reason)),
                    _ => None,
                }
            })
            .collect()
    }
}

/// The reason `renewal_failed` gave for `r`, if it failed.
fn reason_of(
    reasons: &[(ScAddress, ScAddress, RenewalFailure)],
    r: &Renewal,
) -> Option<RenewalFailure> {
    reasons
        .iter()
        .find(|(fan, creator, _)| *fan == r.fan && *creator == r.creator)
        .map(|x| x.2)
}

fn renewed(q: &Queued, now: u64) -> Renewed {
    Renewed {
        fan: q.fan.clone(),
        creator: q.creator.clone(),
        expires_at: q.expires_at,
        lag: now.saturating_sub(renewal_opens_at(q.expires_at, q.period)),
    }
}

fn failed(q: &Queued, reason: RenewalFailure, sent: bool) -> Failed {
    Failed {
        fan: q.fan.clone(),
        creator: q.creator.clone(),
        reason: format!("{reason:?}"),
        sent,
    }
}

/// Whether `e` says a batch is too big for one transaction (the simulation does not enforce
/// the network's per-transaction limits): the network refuses it on submission
/// (`txSOROBAN_INVALID`: declared resources above its limits) or fails it when applied
/// (`ResourceLimitExceeded`).
fn over_limits(e: &Error) -> bool {
    matches!(e, Error::Failed { result, .. } if result.contains("ResourceLimitExceeded"))
        || matches!(
            e,
            Error::Rejected {
                code: TransactionResultCode::TxSorobanInvalid
            }
        )
        || matches!(e, Error::Simulation(m) if m.contains("limit"))
}

fn address(s: &str) -> Result<ScAddress, Error> {
    s.parse()
        .map_err(|_| Error::InvalidInput(format!("the indexer served {s:?} as an address")))
}

/// Percent-encodes a cursor (`opens_at:fan:creator`: digits, strkeys and `:`).
fn percent_encode(s: &str) -> String {
    s.replace(':', "%3A")
}

/// `GET url` as JSON, on the blocking pool (ureq), with a 10-second timeout.
async fn get_json<T: serde::de::DeserializeOwned + Send + 'static>(
    url: String,
) -> Result<T, KeeperError> {
    let fail = |url: &str, reason: String| KeeperError::Indexer {
        url: url.to_string(),
        reason,
    };
    let u = url.clone();
    let body = tokio::task::spawn_blocking(move || -> Result<String, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent.get(&u).call().map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?;
        if status == 200 {
            Ok(body)
        } else {
            Err(format!("HTTP {status}: {body}"))
        }
    })
    .await
    .map_err(|e| fail(&url, e.to_string()))?
    .map_err(|e| fail(&url, e))?;
    serde_json::from_str(&body).map_err(|e| fail(&url, format!("unexpected JSON: {e}")))
}
