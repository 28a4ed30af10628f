//! `GET /creators/{addr}/forecast` (JSON) and `/creators/{addr}/forecast.svg` (the fan chart):
//! a creator's revenue forecast (`tributary_forecast`) at the last applied ledger, computed on
//! the blocking pool and cached per (creator, applied ledger, horizons, paths, seed).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Response},
};

use super::{json, params::Params, reader, AppState, Result, Q};
use tributary_forecast::{self as forecast, chart, Forecast};

use crate::query::{address, bad, QueryError};

/// Forecasts kept; the oldest half is dropped when full.
const CACHED: usize = 256;

/// (creator, applied ledger, horizons, paths, seed, with the chart's bands).
type Key = (String, u32, Vec<u32>, u32, u64, bool);

/// A forecast and what it was computed for.
type Entry = (Key, Arc<Forecast>);

/// Recent forecasts.
#[derive(Clone, Default)]
pub struct ForecastCache(Arc<Mutex<Vec<Entry>>>);

impl ForecastCache {
    fn get(&self, key: &Key) -> Option<Arc<Forecast>> {
        let cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache.iter().find(|(k, _)| k == key).map(|(_, f)| f.clone())
    }

    fn put(&self, key: Key, f: Arc<Forecast>) {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHED {
            cache.drain(..CACHED / 2);
        }
        cache.push((key, f));
    }
}

/// The forecast's parameter error as the API's 400 naming the parameter.
fn bad_param(e: forecast::ForecastError) -> QueryError {
    let forecast::ForecastError::BadParam { param, message } = e;
    bad(param, message)
}

/// `horizons` (comma-separated days, default `30,60,90`), `paths` (default 10,000), `seed`
/// (default 0).
fn params(q: HashMap<String, String>) -> Result<forecast::Params> {
    let p = Params::new(q, &["horizons", "paths", "seed"])?;
    let mut out = forecast::Params::default();
    if let Some(h) = p.string("horizons") {
        out.horizons = h
            .split(',')
            .map(|d| d.trim().parse::<u32>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| bad("horizons", format!("{h:?} is not comma-separated days")))?;
    }
    if let Some(n) = p.number::<u32>("paths")? {
        out.paths = n;
    }
    if let Some(seed) = p.number::<u64>("seed")? {
        out.seed = seed;
    }
    out.check().map_err(bad_param)?;
    Ok(out)
}

/// The forecast for `addr` with the query's parameters, from the cache or computed.
async fn compute(
    s: &AppState,
    addr: &str,
    q: HashMap<String, String>,
    bands: bool,
) -> Result<Arc<Forecast>> {
    let creator = address("addr", addr)?;
    let params = forecast::Params {
        bands,
        ..params(q)?
    };
    let (ledger, history) = reader(s)?.creator_history(&creator)?;
    let key = (
        creator,
        ledger,
        params.horizons.clone(),
        params.paths,
        params.seed,
        bands,
    );
    if let Some(f) = s.forecasts.get(&key) {
        return Ok(f);
    }
    let f = tokio::task::spawn_blocking(move || forecast::forecast(&history, &params))
        .await
        .map_err(|e| QueryError::Internal(e.to_string()))?
        .map_err(bad_param)?;
    let f = Arc::new(f);
    s.forecasts.put(key, f.clone());
    Ok(f)
}

/// `GET /creators/{addr}/forecast`.
pub async fn get(
    State(s): State<AppState>,
    Path(addr): Path<String>,
    Query(q): Q,
) -> Result<Response> {
    json(&*compute(&s, &addr, q, false).await?)
}

/// `GET /creators/{addr}/forecast.svg`.
pub async fn svg(
    State(s): State<AppState>,
    Path(addr): Path<String>,
    Query(q): Q,
) -> Result<Response> {
    let f = compute(&s, &addr, q, true).await?;
    let title = format!("Revenue forecast of {addr}, {} paths", f.paths);
    let body = chart::svg(&f.bands, &title).map_err(QueryError::Internal)?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], body).into_response())
}
