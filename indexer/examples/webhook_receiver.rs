//! Receives Tributary indexer webhooks and verifies each signature (Standard Webhooks).
//! `WEBHOOK_SECRET=whsec_… PORT=8090 cargo run -p tributary-indexer --example webhook_receiver`
use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
    Router,
};
use standardwebhooks::Webhook;

async fn tributary(State(wh): State<Arc<Webhook>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    match wh.verify(&body, &headers) {
        // Verified: handle it, de-duplicating by the `webhook-id` header.
        Ok(()) => StatusCode::NO_CONTENT,
        Err(_) => StatusCode::BAD_REQUEST, // a bad signature, or a timestamp over 5 min off
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let wh = Webhook::new(&std::env::var("WEBHOOK_SECRET")?)?; // the whsec_… shown at registration
    let app = Router::new()
        .route("/", post(tributary))
        .with_state(Arc::new(wh));
    let port = std::env::var("PORT").unwrap_or_else(|_| "8090".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
