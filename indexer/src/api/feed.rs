//! `GET /events/stream`: the live feed, as Server-Sent Events (WHATWG HTML, "Server-sent
//! events"). Each event's SSE `id` is its event id (a `getEvents` cursor), its `event` its kind,
//! its `data` the webhook body. Filters: `kinds` (comma-separated), `party`, `contract`.
//!
//! It starts after the `Last-Event-ID` header (what browsers send on reconnecting), else
//! after `?after=<event id>`, else at the newest event, and reads committed events in id
//! order: a resumed client sees neither a gap nor a duplicate. Each client has a buffer of
//! [`FEED_BUFFER`] events; a client that falls that far behind is disconnected (and may
//! resume), so it can't hold the indexer up. A comment every 15 s keeps proxies from closing
//! an idle feed.

use std::{collections::HashMap, convert::Infallible, ops::Bound, sync::Arc, time::Duration};

use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use redb::{ReadableDatabase, ReadableTable};
use tokio::sync::mpsc;
use tokio_stream::{wrappers::ReceiverStream, StreamExt};

use super::{params::Params, webhooks::filter, ApiError, AppState};
use crate::{
    metrics::Metrics,
    query::bad,
    store::{self, Store, StoreError, EVENTS},
    webhooks::{self, Filter},
};

/// Events buffered per client before it is dropped as too slow.
pub const FEED_BUFFER: usize = 1024;

/// Whether `s` has the shape of an RPC event id (`<19 digits>-<10 digits>`, digits and one
/// dash; stellar-rpc's `toid`-based id).
fn event_id_like(s: &str) -> bool {
    s.len() <= 40
        && s.split_once('-').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        })
}

/// `GET /events/stream`.
pub async fn stream(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let p = Params::new(q, &["kinds", "party", "contract", "after"])?;
    let kinds = p
        .string("kinds")
        .map(|k| {
            k.split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let f = filter(kinds, p.string("party"), p.string("contract"))?;
    let resume = match headers.get("last-event-id") {
        Some(v) => Some(
            v.to_str()
                .ok()
                .filter(|v| event_id_like(v))
                .ok_or_else(|| bad("Last-Event-ID", "not an event id (<ledger toid>-<index>)"))?
                .to_string(),
        ),
        None => p
            .string("after")
            .map(|a| {
                if event_id_like(&a) {
                    Ok(a)
                } else {
                    Err(bad("after", "not an event id (<ledger toid>-<index>)"))
                }
            })
            .transpose()?,
    };
    let store = s.store.clone();
    let start = match resume {
        Some(id) => Some(id),
        None => tokio::task::spawn_blocking(move || newest(&store))
            .await
            .map_err(|e| {
                super::ApiError::from(crate::query::QueryError::Store(StoreError::Panicked(
                    e.to_string(),
                )))
            })?
            .map_err(|e| super::ApiError::from(crate::query::QueryError::Store(e)))?,
    };
    let (tx, rx) = mpsc::channel(FEED_BUFFER);
    tokio::spawn(produce(s.clone(), f, start, tx));
    let events = ReceiverStream::new(rx).map(Ok::<_, Infallible>);
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

fn newest(store: &Store) -> Result<Option<String>, StoreError> {
    let txn = store.db.begin_read()?;
    let t = txn.open_table(EVENTS)?;
    let last = t.last()?.map(|(k, _)| k.value().to_string());
    Ok(last)
}

/// Up to `n` committed events after `after`, in id order.
fn read_after(
    store: &Store,
    after: Option<&str>,
    n: usize,
) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let txn = store.db.begin_read()?;
    let t = txn.open_table(EVENTS)?;
    let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
    let mut out = Vec::new();
    for row in t.range::<&str>((lower, Bound::Unbounded))?.take(n) {
        let (k, v) = row?;
        out.push((k.value().to_string(), v.value().to_vec()));
    }
    Ok(out)
}

/// Counts the client while it is connected.
struct Connected(Arc<Metrics>);
impl Drop for Connected {
    fn drop(&mut self) {
        self.0.sse_clients.dec();
    }
}

async fn produce(s: AppState, f: Filter, mut after: Option<String>, tx: mpsc::Sender<Event>) {
    s.metrics.sse_clients.inc();
    let _connected = Connected(s.metrics.clone());
    let mut commits = s.hooks.signals.commits.subscribe();
    let mut stopping = s.hooks.signals.stopping.subscribe();
    loop {
        commits.mark_unchanged();
        if *stopping.borrow_and_update() {
            // The service is stopping: end the stream so the connection can close.
            return;
        }
        // Up to 256 events in one read transaction, inline like the API's reads.
        let rows = match read_after(&s.store, after.as_deref(), 256) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!("live feed: {e}");
                return;
            }
        };
        if rows.is_empty() {
            tokio::select! {
                _ = commits.changed() => continue,
                _ = stopping.changed() => return,
                () = tx.closed() => return,
            }
        }
        for (id, raw) in rows {
            let event = store::parse_event(&raw)
                .ok()
                .and_then(|e| webhooks::describe(&s.hooks.contracts, &e))
                .filter(|d| f.matches(d))
                .and_then(|d| {
                    webhooks::body(&raw, &d.kind).ok().map(|b| {
                        Event::default()
                            .id(id.clone())
                            .event(d.kind)
                            .data(b.to_string())
                    })
                });
            after = Some(id);
            let Some(event) = event else { continue };
            match tx.try_send(event) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(_)) => {
                    s.metrics.sse_dropped.inc();
                    return;
                }
                Err(mpsc::error::TrySendError::Closed(_)) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::event_id_like;

    #[test]
    fn event_ids_are_digits_dash_digits() {
        assert!(event_id_like("0000000124554055680-0000000001"));
        for bad in ["", "-", "12-", "-12", "12", "a-1", "1-2-3", "1 -2"] {
            assert!(!event_id_like(bad), "{bad}");
        }
    }
}
