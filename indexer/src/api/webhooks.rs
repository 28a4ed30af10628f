//! The webhook admin routes, behind a bearer token (`--admin-token-file` or
//! `INDEXER_ADMIN_TOKEN`; without one the routes answer 404 `webhooks_disabled`):
//!
//! - `POST /webhooks` `{"url", "kinds"?, "party"?, "contract"?}` → 201 with the endpoint and
//!   its signing `secret` (shown only here);
//! - `GET /webhooks`, `GET /webhooks/{id}` (no secret; `pending` and `dead_letters` counts);
//! - `DELETE /webhooks/{id}` → 204 (its outbox and dead letters go with it);
//! - `POST /webhooks/{id}/enable`: resume an endpoint disabled for failing;
//! - `GET /webhooks/{id}/dead-letters`, `POST /webhooks/{id}/dead-letters/replay`.

use std::sync::Arc;

use axum::{
    extract::{Path, Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;
use tributary_sdk::events::Contracts;

use super::{error_response, ApiError, AppState};
use crate::{
    query::{address, bad, QueryError},
    store::{Store, StoreError},
    webhooks::{deliver::Signals, guard, known_kind, registry, Filter},
};

/// What the webhook routes and the live feed share.
#[derive(Clone)]
pub struct Hooks {
    /// The admin bearer token; `None` disables the webhook routes.
    pub admin_token: Option<Arc<str>>,
    /// Wakes the dispatcher (endpoint changes) and the live feed (commits).
    pub signals: Signals,
    /// `--webhooks-allow-private`.
    pub allow_private: bool,
    /// The followed contracts: an event's kind is its contract's family and its name.
    pub contracts: Contracts,
}

impl Hooks {
    /// Webhooks off (no token), fresh signals.
    pub fn disabled(contracts: Contracts) -> Self {
        Self {
            admin_token: None,
            signals: Signals::new(),
            allow_private: false,
            contracts,
        }
    }
}

/// Rejects a request without the admin bearer token: 404 when no token is configured, 401
/// (with `WWW-Authenticate: Bearer`) for a missing or wrong one. The comparison is constant
/// time (`subtle`).
pub async fn admin_auth(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let Some(token) = &s.hooks.admin_token else {
        return error_response(
            StatusCode::NOT_FOUND,
            "webhooks_disabled",
            "webhooks are off: start the indexer with --admin-token-file or INDEXER_ADMIN_TOKEN"
                .into(),
        );
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !bool::from(given.as_bytes().ct_eq(token.as_bytes())) {
        let mut res = error_response(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this route needs `Authorization: Bearer <admin token>`".into(),
        );
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        return res;
    }
    next.run(req).await
}

/// `POST /webhooks`'s body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Register {
    /// `http`/`https` URL.
    pub url: String,
    /// Event kinds (`stream.withdrawn`, …); absent or empty = all.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Only events naming this G…/C… address.
    pub party: Option<String>,
    /// Only events of this C… contract.
    pub contract: Option<String>,
}

/// Checks a filter's parts: known kinds, strkey addresses, a contract that is a C… address.
///
/// # Errors
/// [`QueryError::BadParam`] naming the part.
pub fn filter(
    kinds: Vec<String>,
    party: Option<String>,
    contract: Option<String>,
) -> Result<Filter, QueryError> {
    if let Some(k) = kinds.iter().find(|k| !known_kind(k)) {
        return Err(bad(
            "kinds",
            format!("{k:?} is not an event kind; kinds are <stream|claims|access|insurance>.<event name>, e.g. stream.withdrawn"),
        ));
    }
    let party = party.map(|p| address("party", &p)).transpose()?;
    let contract = contract.map(|c| address("contract", &c)).transpose()?;
    if contract.as_ref().is_some_and(|c| !c.starts_with('C')) {
        return Err(bad("contract", "a contract address (C…)"));
    }
    Ok(Filter {
        kinds,
        party,
        contract,
    })
}

async fn blocking<T: Send + 'static>(
    store: &Arc<Store>,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| QueryError::Store(StoreError::Panicked(e.to_string())))?
        .map_err(|e| ApiError::from(QueryError::Store(e)))
}

fn not_found(id: u64) -> ApiError {
    QueryError::NotFound(format!("webhook endpoint {id}")).into()
}

fn changed(s: &AppState) {
    s.hooks.signals.changes.send_modify(|c| *c += 1);
}

/// `POST /webhooks`.
pub async fn register(
    State(s): State<AppState>,
    Json(b): Json<Register>,
) -> Result<Response, ApiError> {
    let f = filter(b.kinds, b.party, b.contract)?;
    let uri = guard::parse_url(&b.url).map_err(|e| bad("url", e.to_string()))?;
    let host = uri.host().unwrap_or_default().to_string();
    guard::resolve(&host, s.hooks.allow_private)
        .await
        .map_err(|e| bad("url", e.to_string()))?;
    let secret = registry::new_secret().map_err(|e| {
        QueryError::Store(StoreError::Db(redb::Error::Io(std::io::Error::other(
            format!("the OS random generator failed: {e}"),
        ))))
    })?;
    let url = b.url;
    let ep = blocking(&s.store, move |st| registry::create(st, url, f, secret)).await?;
    changed(&s);
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": ep.id,
            "url": ep.url,
            "filter": ep.filter,
            "created_at": ep.created_at,
            "secret": ep.secret,
        })),
    )
        .into_response())
}

/// `GET /webhooks`.
pub async fn list(State(s): State<AppState>) -> Result<Response, ApiError> {
    let items = blocking(&s.store, registry::list).await?;
    Ok(Json(json!({ "items": items })).into_response())
}

/// `GET /webhooks/{id}`.
pub async fn get(State(s): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = super::params::path_id("id", &id)?;
    let ep = blocking(&s.store, move |st| registry::get(st, id)).await?;
    Ok(Json(ep.ok_or_else(|| not_found(id))?).into_response())
}

/// `DELETE /webhooks/{id}`.
pub async fn delete(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = super::params::path_id("id", &id)?;
    if !blocking(&s.store, move |st| registry::delete(st, id)).await? {
        return Err(not_found(id));
    }
    changed(&s);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /webhooks/{id}/enable`.
pub async fn enable(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = super::params::path_id("id", &id)?;
    blocking(&s.store, move |st| registry::enable(st, id))
        .await?
        .ok_or_else(|| not_found(id))?;
    changed(&s);
    get(State(s), Path(id.to_string())).await
}

/// `GET /webhooks/{id}/dead-letters`.
pub async fn dead_letters(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = super::params::path_id("id", &id)?;
    let items = blocking(&s.store, move |st| registry::dead_letters(st, id))
        .await?
        .ok_or_else(|| not_found(id))?;
    Ok(Json(json!({ "items": items })).into_response())
}

/// `POST /webhooks/{id}/dead-letters/replay`.
pub async fn replay(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = super::params::path_id("id", &id)?;
    let n = blocking(&s.store, move |st| registry::replay(st, id))
        .await?
        .ok_or_else(|| not_found(id))?;
    changed(&s);
    Ok(Json(json!({ "replayed": n })).into_response())
}
