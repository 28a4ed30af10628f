//! The HTTP API (axum). JSON bodies; lists take `?limit=` (1–500, default 50) and
//! `?cursor=` (a page's `next_cursor`). Errors are JSON: `{"error": "invalid_parameter",
//! "parameter": …, "message": …}` with 400, `{"error": "not_found", …}` with 404,
//! `{"error": "internal", …}` with 500. The routes are described by `/openapi.json`.

pub mod feed;
pub mod forecast;
pub mod openapi;
pub mod params;
pub mod webhooks;

use std::{collections::HashMap, net::SocketAddr, path::PathBuf, sync::Arc, time::Instant};

use axum::{
    extract::{ConnectInfo, MatchedPath, Path, Query, Request, State},
    http::{header, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};

use self::params::{path_id, Params};
use crate::{
    metrics::Metrics,
    progress::{wall_clock, SharedProgress},
    query::{address, bad, QueryError, Reader, StreamFilter},
    store::{Store, StoreError},
};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<Store>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Ingestion progress.
    pub progress: SharedProgress,
    /// The database file this instance serves (canonical path): a backup request must name
    /// it, so `indexer backup --db A` can't copy another instance's database.
    pub db_path: PathBuf,
    /// The only directory `POST /admin/backup` writes into (canonical path).
    pub backup_dir: PathBuf,
    /// Webhooks and the live feed.
    pub hooks: webhooks::Hooks,
    /// Origins allowed to read the read-only routes from a browser (`*` = any); the admin
    /// routes never answer CORS.
    pub cors_origins: Vec<String>,
    /// Recent revenue forecasts.
    pub forecasts: forecast::ForecastCache,
}

/// An error response.
pub struct ApiError(QueryError);

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        Self(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self.0 {
            QueryError::BadParam { param, message } => (
                StatusCode::BAD_REQUEST,
                json!({ "error": "invalid_parameter", "parameter": param, "message": message }),
            ),
            QueryError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                json!({ "error": "not_found", "message": format!("{what} not found") }),
            ),
            QueryError::Store(e) if e.is_corruption() => {
                tracing::error!("corrupt data: {e}");
                let table = match e {
                    StoreError::Corrupt { table, .. } => *table,
                    _ => "database",
                };
                let mut res = (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({
                        "error": "corrupt_record",
                        "table": table,
                        "message": e.to_string(),
                    })),
                )
                    .into_response();
                // Seen by the `timed` middleware, which counts it and degrades /health.
                res.extensions_mut().insert(CorruptRecord {
                    table,
                    message: e.to_string(),
                });
                return res;
            }
            QueryError::Internal(e) => {
                tracing::error!("internal: {e}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({ "error": "internal", "message": e }),
                )
            }
            QueryError::Store(e) => {
                tracing::error!("query failed: {e}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({ "error": "internal", "message": e.to_string() }),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

/// A response's note that a read found damaged data.
#[derive(Clone, Debug)]
struct CorruptRecord {
    table: &'static str,
    message: String,
}

type Result<T> = std::result::Result<T, ApiError>;
type Q = Query<HashMap<String, String>>;

/// CORS for the read-only routes (tower-http): `GET`/`HEAD` from `origins` (`*` = any), no
/// credentials.
fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| o.parse().ok()))
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([axum::http::Method::GET, axum::http::Method::HEAD])
        .allow_headers([
            header::CONTENT_TYPE,
            header::HeaderName::from_static("last-event-id"),
        ])
        .max_age(std::time::Duration::from_secs(3600))
}

async fn method_not_allowed() -> Response {
    error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route doesn't take that method; see /openapi.json".into(),
    )
}

/// The router with every route.
pub fn router(state: AppState) -> Router {
    let read = Router::new()
        .route("/health", get(health))
        .route("/streams", get(streams))
        .route("/streams/{id}", get(stream))
        .route("/streams/{id}/history", get(stream_history))
        .route("/campaigns/{id}", get(campaign))
        .route("/campaigns/{id}/claims", get(campaign_claims))
        .route("/campaigns/{id}/history", get(campaign_history))
        .route("/claims", get(claims))
        .route("/creators/{addr}/tiers", get(tiers))
        .route("/creators/{addr}/forecast", get(forecast::get))
        .route("/creators/{addr}/forecast.svg", get(forecast::svg))
        .route("/subscriptions", get(subscriptions))
        .route("/access/{fan}/{creator}", get(access))
        .route("/insurance", get(insurance))
        .route("/insurance/proposals", get(proposals))
        .route("/insurance/proposals/{id}", get(proposal))
        .route("/insurance/proposals/{id}/history", get(proposal_history))
        .route("/dead-letters", get(dead_letters))
        .route("/events/stream", get(feed::stream))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        // Before the CORS layer, so a preflight of a route reaches the layer.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(cors(&state.cors_origins));
    let admin = Router::new()
        .route("/webhooks", post(webhooks::register).get(webhooks::list))
        .route(
            "/webhooks/{id}",
            get(webhooks::get).delete(webhooks::delete),
        )
        .route("/webhooks/{id}/enable", post(webhooks::enable))
        .route("/webhooks/{id}/dead-letters", get(webhooks::dead_letters))
        .route("/webhooks/{id}/dead-letters/replay", post(webhooks::replay))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            webhooks::admin_auth,
        ))
        .route("/admin/backup", post(admin_backup));
    read.merge(admin)
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                Json(
                    json!({ "error": "not_found", "message": "no such route; see /openapi.json" }),
                ),
            )
        })
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), timed))
        .with_state(state)
}

/// Answers every error in the API's JSON shape, `{"error": <code>, "message": …}`, including
/// the ones axum's extractors and tower-http's layers produce as plain text (415 without a
/// JSON content type, 400/422 for a body that isn't the expected JSON, 413 for a body over
/// the limit, 408 for a request that took too long).
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let text = axum::body::to_bytes(res.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let code = match status {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    error_response(status, code, message)
}

/// The API's error shape: `status` with `{"error": code, "message": message}`.
pub fn error_response(status: StatusCode, code: &str, message: String) -> Response {
    (status, Json(json!({ "error": code, "message": message }))).into_response()
}

/// A handler's panic (tower-http's `CatchPanicLayer`), answered as a JSON 500.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = crate::store::panic_message(panic.as_ref());
    tracing::error!("handler panicked: {message}");
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        format!("handler panicked: {message}"),
    )
}

async fn timed(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let started = Instant::now();
    let res = next.run(req).await;
    s.metrics
        .query_duration
        .with_label_values(&[&route])
        .observe(started.elapsed().as_secs_f64());
    if let Some(c) = res.extensions().get::<CorruptRecord>() {
        s.metrics
            .corrupt_records
            .with_label_values(&[c.table])
            .inc();
        let mut p = s.progress.lock().unwrap_or_else(|e| e.into_inner());
        p.corrupt.get_or_insert_with(|| c.message.clone());
    }
    res
}

/// A 200 JSON response. The buffer starts at 16 KiB, so a page of 50 streams (about 30 KB)
/// regrows once; axum's `Json` starts at 128 bytes and regrows about eight times.
fn json<T: serde::Serialize>(v: &T) -> Result<Response> {
    let mut body = Vec::with_capacity(16 * 1024);
    match serde_json::to_writer(&mut body, v) {
        Ok(()) => Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response()),
        // Only a map with non-string keys fails to serialize; no response type has one.
        Err(e) => Ok((
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": "internal", "message": e.to_string() })),
        )
            .into_response()),
    }
}

fn reader(s: &AppState) -> Result<Reader> {
    Ok(Reader::new(&s.store)?)
}

async fn health(State(s): State<AppState>) -> Response {
    let p = s.progress.lock().unwrap_or_else(|e| e.into_inner()).clone();
    // Degraded (damaged data was read) and halted (ingestion stopped) both take the
    // instance out of a load balancer's rotation.
    let (status, label) = match (&p.halted, &p.corrupt) {
        (Some(_), _) => (StatusCode::SERVICE_UNAVAILABLE, "halted"),
        (None, Some(_)) => (StatusCode::SERVICE_UNAVAILABLE, "degraded"),
        (None, None) => (StatusCode::OK, "ok"),
    };
    let body = json!({
        "status": label,
        "lag_ledgers": p.lag_ledgers(),
        "lag_seconds": p.lag_seconds(),
        "applied_ledger": p.applied_ledger,
        "rpc_latest_ledger": p.rpc_latest_ledger.max(p.applied_ledger),
        "halted": p.halted,
        "corrupt": p.corrupt,
        "last_rpc_error": p.last_error,
        "last_rpc_error_at": p.last_error_at,
        "time": wall_clock(),
    });
    (status, Json(body)).into_response()
}

async fn streams(State(s): State<AppState>, Query(q): Q) -> Result<Response> {
    let p = Params::new(
        q,
        &["sender", "recipient", "status", "limit", "cursor", "at"],
    )?;
    let r = reader(&s)?;
    let now = p.at(|| r.now())?;
    let filter = StreamFilter {
        sender: p.address("sender")?,
        recipient: p.address("recipient")?,
        status: p.string("status"),
    };
    json(&r.streams(&filter, &p.page()?, now)?)
}

async fn stream(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Response> {
    let p = Params::new(q, &["at"])?;
    let id = path_id("id", &id)?;
    let r = reader(&s)?;
    let now = p.at(|| r.now())?;
    json(&r.stream(id, now)?)
}

async fn history(
    s: &AppState,
    kind: &str,
    id: &str,
    q: HashMap<String, String>,
) -> Result<Response> {
    let p = Params::new(q, &["limit", "cursor"])?;
    let id = path_id("id", id)?;
    let r = reader(s)?;
    match kind {
        "stream" => r.stream(id, 0).map(drop)?,
        "campaign" => r.campaign(id).map(drop)?,
        _ => r.proposal(id, 0).map(drop)?,
    }
    json(&r.history(&format!("{kind}:{id}"), &p.page()?)?)
}

async fn stream_history(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Response> {
    history(&s, "stream", &id, q).await
}

async fn campaign_history(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Response> {
    history(&s, "campaign", &id, q).await
}

async fn proposal_history(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Response> {
    history(&s, "proposal", &id, q).await
}

async fn campaign(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Response> {
    Params::new(q, &[])?;
    let id = path_id("id", &id)?;
    json(&reader(&s)?.campaign(id)?)
}

async fn campaign_claims(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Response> {
    let p = Params::new(q, &["limit", "cursor"])?;
    let id = path_id("id", &id)?;
    json(&reader(&s)?.campaign_claims(id, &p.page()?)?)
}

async fn claims(State(s): State<AppState>, Query(q): Q) -> Result<Response> {
    let p = Params::new(q, &["recipient", "limit", "cursor"])?;
    let recipient = p
        .address("recipient")?
        .ok_or_else(|| bad("recipient", "required"))?;
    json(&reader(&s)?.claims_by_recipient(&recipient, &p.page()?)?)
}

async fn tiers(
    State(s): State<AppState>,
    Path(addr): Path<String>,
    Query(q): Q,
) -> Result<Response> {
    let p = Params::new(q, &["limit", "cursor"])?;
    let creator = address("addr", &addr)?;
    json(&reader(&s)?.tiers(&creator, &p.page()?)?)
}

/// `/subscriptions`: by fan and/or creator, or, with `due_before`, the renewal queue.
async fn subscriptions(State(s): State<AppState>, Query(q): Q) -> Result<Response> {
    let p = Params::new(
        q,
        &[
            "fan",
            "creator",
            "due_before",
            "due_after",
            "limit",
            "cursor",
        ],
    )?;
    let (fan, creator) = (p.address("fan")?, p.address("creator")?);
    let (due_before, due_after) = (
        p.number::<u64>("due_before")?,
        p.number::<u64>("due_after")?,
    );
    match due_before {
        Some(before) => {
            if let Some(other) = ["fan", "creator"]
                .into_iter()
                .find(|k| p.string(k).is_some())
            {
                return Err(bad(other, "can't be combined with due_before").into());
            }
            let after = due_after.unwrap_or(0);
            json(&reader(&s)?.subscriptions_due(after, before, &p.page()?)?)
        }
        None if due_after.is_some() => Err(bad("due_after", "needs due_before").into()),
        None => json(&reader(&s)?.subscriptions(fan.as_deref(), creator.as_deref(), &p.page()?)?),
    }
}

async fn access(
    State(s): State<AppState>,
    Path((fan, creator)): Path<(String, String)>,
    Query(q): Q,
) -> Result<Response> {
    let p = Params::new(q, &["min_level", "at"])?;
    let fan = address("fan", &fan)?;
    let creator = address("creator", &creator)?;
    let min_level = p.number::<u32>("min_level")?.unwrap_or(0);
    let r = reader(&s)?;
    let now = p.at(|| r.now())?;
    json(&r.access(&fan, &creator, min_level, now)?)
}

/// The indexed flows per asset, beside the fund's on-chain balance (read by the follower
/// each time it catches up): `onchain_balance` (base units, string) and `diverges` (the
/// indexed `balance` differs from it, e.g. after a direct transfer into the fund; `null`
/// until the index has applied the ledger of the on-chain reading).
async fn insurance(State(s): State<AppState>, Query(q): Q) -> Result<Response> {
    Params::new(q, &[])?;
    let mut v = reader(&s)?.insurance()?;
    let (fund, applied) = {
        let p = s.progress.lock().unwrap_or_else(|e| e.into_inner());
        (p.fund.clone(), p.applied_ledger)
    };
    if let (Some(f), Some(assets)) = (&fund, v["assets"].as_array_mut()) {
        for a in assets {
            let onchain = a["asset"].as_str().and_then(|k| f.balances.get(k)).copied();
            let indexed = a["balance"].as_str().and_then(|b| b.parse::<i128>().ok());
            a["onchain_balance"] = json!(onchain.map(|b| b.to_string()));
            a["diverges"] = match (onchain, indexed) {
                (Some(o), Some(i)) if applied >= f.ledger => json!(o != i),
                _ => Value::Null,
            };
        }
    }
    v["onchain"] = json!(fund.map(|f| json!({ "ledger": f.ledger, "checked_at": f.checked_at })));
    json(&v)
}

async fn proposals(State(s): State<AppState>, Query(q): Q) -> Result<Response> {
    let p = Params::new(q, &["limit", "cursor", "at"])?;
    let r = reader(&s)?;
    let now = p.at(|| r.now())?;
    json(&r.proposals(&p.page()?, now)?)
}

async fn proposal(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Q,
) -> Result<Response> {
    let p = Params::new(q, &["at"])?;
    let id = path_id("id", &id)?;
    let r = reader(&s)?;
    let now = p.at(|| r.now())?;
    json(&r.proposal(id, now)?)
}

async fn dead_letters(State(s): State<AppState>, Query(q): Q) -> Result<Response> {
    Params::new(q, &[])?;
    json(&json!({ "items": reader(&s)?.dead_letters()? }))
}

async fn metrics(State(s): State<AppState>) -> impl IntoResponse {
    let store = s.store.clone();
    if let Ok(Ok((depth, oldest))) =
        tokio::task::spawn_blocking(move || crate::webhooks::registry::queue_depth(&store.db)).await
    {
        s.metrics.webhook_queue_depth.set(depth as i64);
        let age = oldest.map_or(0, |o| crate::webhooks::now_ms().saturating_sub(o) / 1000);
        s.metrics.webhook_oldest_age_seconds.set(age as i64);
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
}

async fn openapi() -> Json<Value> {
    Json(openapi::document())
}

/// `POST /admin/backup` with `{"path": "<absolute file>", "db": "<database>"}`, from loopback
/// only: what `indexer backup` calls while the service holds the database. `db` must be the
/// file this instance serves (400 `db` otherwise), and `path` absolute and inside the
/// backup directory (400 `path`).
async fn admin_backup(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(body): Json<Value>,
) -> Result<Response> {
    if !peer.ip().is_loopback() {
        return Err(bad("peer", "backups are taken from the indexer's own host only").into());
    }
    let path = body["path"]
        .as_str()
        .ok_or_else(|| bad("path", "a file path is required"))?;
    let path = PathBuf::from(path);
    if !path.is_absolute() {
        return Err(bad("path", "an absolute path is required").into());
    }
    // Only inside the backup directory: the parent, resolved (symlinks, `..`), must be it or
    // below it.
    let inside = path
        .parent()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .is_some_and(|p| p.starts_with(&s.backup_dir));
    if !inside || path.file_name().is_none() {
        return Err(bad(
            "path",
            format!(
                "backups are written inside {} only (the indexer's --backup-dir)",
                s.backup_dir.display()
            ),
        )
        .into());
    }
    let asked = body["db"]
        .as_str()
        .ok_or_else(|| bad("db", "the database to back up is required"))?;
    let asked = std::fs::canonicalize(asked).unwrap_or_else(|_| PathBuf::from(asked));
    if asked != s.db_path {
        return Err(bad(
            "db",
            format!(
                "this indexer serves {}, not {}",
                s.db_path.display(),
                asked.display()
            ),
        )
        .into());
    }
    let store = s.store.clone();
    let sum = tokio::task::spawn_blocking(move || crate::ops::backup(&store, &path))
        .await
        .map_err(|e| bad("path", e.to_string()))?
        .map_err(|e| bad("path", e.to_string()))?;
    json(&json!({ "sha256": sum }))
}
