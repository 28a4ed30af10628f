//! The HTTP server's connection handling and limits. Each bound is a well-kept library's:
//! hyper's header-read timeout (slow or idle clients), tower-http's request timeout (a body
//! that never arrives), body size limit and panic catcher (a panic answers a JSON 500), and a
//! semaphore on accepted connections. Errors they produce are answered in the API's JSON
//! shape by [`crate::api::json_errors`]; hyper's own refusals of unparsable requests (431
//! headers too large, 400) happen before any handler and keep hyper's empty body.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{extract::Request, Router};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::conn::auto,
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::watch};
use tower::{Service, ServiceBuilder};
use tower_http::{
    catch_panic::CatchPanicLayer, limit::RequestBodyLimitLayer, timeout::TimeoutLayer,
};

/// The server's bounds.
#[derive(Clone, Copy, Debug)]
pub struct HttpLimits {
    /// Time a client has to send a request's headers, and how long a kept-alive connection
    /// may sit idle before the next request (hyper's `header_read_timeout`).
    pub header_read_timeout: Duration,
    /// Time a whole request may take, body included; 408 after it.
    pub request_timeout: Duration,
    /// Largest request body, bytes; 413 above it.
    pub max_body_bytes: usize,
    /// Connections served at once; further ones wait in the listen backlog.
    pub max_connections: usize,
}

/// Longest request target (path and query), bytes; 414 above it.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Most header bytes (names and values), bytes; 431 above them. hyper itself refuses requests
/// whose head exceeds its read buffer (about 400 KiB) before any handler runs.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Refuses oversized request targets (414) and headers (431) in the API's JSON error shape,
/// well below hyper's own limits.
async fn request_head_limits(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::StatusCode;
    let refuse = crate::api::error_response;
    let uri = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    let headers: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.as_bytes().len())
        .sum();
    if uri > MAX_URI_BYTES {
        return refuse(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the request target is {uri} bytes; at most {MAX_URI_BYTES}"),
        );
    }
    if headers > MAX_HEADER_BYTES {
        return refuse(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!("the headers are {headers} bytes; at most {MAX_HEADER_BYTES}"),
        );
    }
    next.run(req).await
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 64 * 1024,
            max_connections: 1024,
        }
    }
}

/// Serves `app` on `listener` within `limits` until `stop` turns true; open connections are
/// then closed gracefully.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: HttpLimits,
    mut stop: watch::Receiver<bool>,
) {
    let app = app.layer(
        ServiceBuilder::new()
            // Outermost, so the layers below answer in JSON too.
            .layer(axum::middleware::from_fn(crate::api::json_errors))
            .layer(axum::middleware::from_fn(request_head_limits))
            .layer(CatchPanicLayer::custom(crate::api::panic_response))
            .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
            .layer(TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                limits.request_timeout,
            )),
    );
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!("accept: {e}");
                    continue;
                }
            },
            _ = stop.wait_for(|s| *s) => return,
        };
        let mut svc = app.clone();
        let service = tower::service_fn(move |mut req: Request<hyper::body::Incoming>| {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo::<SocketAddr>(peer));
            svc.call(req.map(axum::body::Body::new))
        });
        let mut conn_stop = stop.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let mut builder = auto::Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout);
            let conn =
                builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            tokio::pin!(conn);
            let stopping = tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!("connection from {peer}: {e}");
                    }
                    false
                }
                _ = conn_stop.wait_for(|s| *s) => true,
            };
            if stopping {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
        });
    }
}
