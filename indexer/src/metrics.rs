//! Prometheus metrics (the `prometheus` crate), served at `/metrics` in the text exposition
//! format.

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

/// Every metric the indexer exports.
pub struct Metrics {
    registry: Registry,
    /// `indexer_events_ingested_total`: events committed (dead letters included).
    pub events_ingested: IntCounter,
    /// `indexer_dead_letters_total`: events that could not be decoded or applied.
    pub dead_letters: IntCounter,
    /// `indexer_rpc_errors_total{kind}`: failed RPC calls by kind (`timeout`, `transport`,
    /// `malformed`, `rpc`, `retention_gap`).
    pub rpc_errors: IntCounterVec,
    /// `indexer_lag_ledgers`: the RPC's latest ledger minus the last applied one.
    pub lag_ledgers: IntGauge,
    /// `indexer_lag_seconds`: the RPC's latest ledger close time minus the applied one.
    pub lag_seconds: IntGauge,
    /// `indexer_ingestion_halted{reason}`: 1 while ingestion is stopped for `reason`.
    pub halted: IntGaugeVec,
    /// `indexer_query_duration_seconds{route}`: HTTP handler latency.
    pub query_duration: HistogramVec,
    /// `indexer_corrupt_records_total{table}`: reads that found a damaged record (checksum
    /// mismatch, undecodable bytes) or a redb failure on a damaged page.
    pub corrupt_records: IntCounterVec,
    /// Webhook attempts by outcome: `delivered`, `retry`, `dead_letter`, `endpoint_disabled`.
    pub webhook_deliveries: IntCounterVec,
    /// Webhook attempts made.
    pub webhook_attempts: IntCounter,
    /// From the event's commit to the endpoint's 2xx, seconds.
    pub webhook_latency: Histogram,
    /// Failed commits of delivery outcomes (the messages are sent again).
    pub webhook_ack_errors: IntCounter,
    /// Messages in the outbox (set when `/metrics` is read).
    pub webhook_queue_depth: IntGauge,
    /// Age of the oldest message in the outbox, seconds (set when `/metrics` is read).
    pub webhook_oldest_age_seconds: IntGauge,
    /// Connected live-feed (SSE) clients.
    pub sse_clients: IntGauge,
    /// Live-feed clients dropped for reading too slowly.
    pub sse_dropped: IntCounter,
}

impl Metrics {
    /// Registers every metric in a fresh registry.
    ///
    /// # Panics
    /// Never: names and labels are constants, registered once.
    #[allow(clippy::unwrap_used)]
    pub fn new() -> Self {
        let registry = Registry::new();
        let counter = |name: &str, help: &str| {
            let c = IntCounter::new(name, help).unwrap();
            registry.register(Box::new(c.clone())).unwrap();
            c
        };
        let gauge = |name: &str, help: &str| {
            let g = IntGauge::new(name, help).unwrap();
            registry.register(Box::new(g.clone())).unwrap();
            g
        };
        let events_ingested = counter("indexer_events_ingested_total", "Events committed.");
        let dead_letters = counter(
            "indexer_dead_letters_total",
            "Events that could not be decoded or applied, kept in the dead-letter table.",
        );
        let rpc_errors = IntCounterVec::new(
            Opts::new("indexer_rpc_errors_total", "Failed RPC calls by kind."),
            &["kind"],
        )
        .unwrap();
        registry.register(Box::new(rpc_errors.clone())).unwrap();
        let lag_ledgers = gauge("indexer_lag_ledgers", "Ledgers behind the RPC's latest.");
        let lag_seconds = gauge(
            "indexer_lag_seconds",
            "Seconds behind the RPC's latest close.",
        );
        let halted = IntGaugeVec::new(
            Opts::new(
                "indexer_ingestion_halted",
                "1 while ingestion is stopped, by reason.",
            ),
            &["reason"],
        )
        .unwrap();
        registry.register(Box::new(halted.clone())).unwrap();
        let query_duration = HistogramVec::new(
            HistogramOpts::new("indexer_query_duration_seconds", "HTTP handler latency.").buckets(
                vec![
                    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
                    0.25, 1.0,
                ],
            ),
            &["route"],
        )
        .unwrap();
        registry.register(Box::new(query_duration.clone())).unwrap();
        let corrupt_records = IntCounterVec::new(
            Opts::new(
                "indexer_corrupt_records_total",
                "Reads that found a damaged record, by table.",
            ),
            &["table"],
        )
        .unwrap();
        registry
            .register(Box::new(corrupt_records.clone()))
            .unwrap();
        let webhook_deliveries = IntCounterVec::new(
            Opts::new(
                "indexer_webhook_deliveries_total",
                "Webhook attempts by outcome (delivered, retry, dead_letter, endpoint_disabled).",
            ),
            &["outcome"],
        )
        .unwrap();
        registry
            .register(Box::new(webhook_deliveries.clone()))
            .unwrap();
        let webhook_attempts = counter("indexer_webhook_attempts_total", "Webhook POSTs made.");
        let webhook_latency = Histogram::with_opts(
            HistogramOpts::new(
                "indexer_webhook_delivery_latency_seconds",
                "From the event's commit to the endpoint's 2xx.",
            )
            .buckets(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 60.0, 600.0, 3_600.0, 36_000.0,
            ]),
        )
        .unwrap();
        registry
            .register(Box::new(webhook_latency.clone()))
            .unwrap();
        let webhook_ack_errors = counter(
            "indexer_webhook_ack_errors_total",
            "Failed commits of delivery outcomes (those messages are sent again).",
        );
        let webhook_queue_depth = gauge(
            "indexer_webhook_queue_depth",
            "Messages waiting in the webhook outbox.",
        );
        let webhook_oldest_age_seconds = gauge(
            "indexer_webhook_oldest_undelivered_age_seconds",
            "Age of the oldest message in the webhook outbox.",
        );
        let sse_clients = gauge("indexer_sse_clients", "Connected live-feed clients.");
        let sse_dropped = counter(
            "indexer_sse_dropped_total",
            "Live-feed clients dropped for reading too slowly.",
        );
        Self {
            registry,
            events_ingested,
            dead_letters,
            rpc_errors,
            lag_ledgers,
            lag_seconds,
            halted,
            query_duration,
            corrupt_records,
            webhook_deliveries,
            webhook_attempts,
            webhook_latency,
            webhook_ack_errors,
            webhook_queue_depth,
            webhook_oldest_age_seconds,
            sse_clients,
            sse_dropped,
        }
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding into a Vec can't fail for well-formed metric families.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
