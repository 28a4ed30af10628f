//! The demo's webhook receiver: a local HTTP endpoint that verifies each delivery's Standard
//! Webhooks signature with the `standardwebhooks` crate, as a backend would, and keeps what
//! it verified for the banner.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
    Router,
};

/// One verified delivery.
#[derive(Clone, Debug)]
pub struct Verified {
    /// `webhook-id`.
    pub id: String,
    /// The event kind (`type` in the body).
    pub kind: String,
    /// The event's cursor.
    pub cursor: String,
}

/// The running receiver.
#[derive(Clone)]
pub struct Receiver {
    /// Where it listens; deliveries go to `/tributary`.
    pub addr: SocketAddr,
    secret: Arc<Mutex<Option<standardwebhooks::Webhook>>>,
    verified: Arc<Mutex<Vec<Verified>>>,
}

impl Receiver {
    /// Starts on `127.0.0.1`, on a free port.
    ///
    /// # Errors
    /// The port can't be bound.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let r = Self {
            addr: listener.local_addr()?,
            secret: Arc::default(),
            verified: Arc::default(),
        };
        let app = Router::new()
            .route("/tributary", post(accept))
            .with_state(r.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!("webhook receiver: {e}");
            }
        });
        Ok(r)
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("http://{}/tributary", self.addr)
    }

    /// Sets the signing secret the registration returned.
    ///
    /// # Errors
    /// The secret isn't a `whsec_…` base64 key.
    pub fn set_secret(&self, secret: &str) -> Result<(), standardwebhooks::WebhookError> {
        let wh = standardwebhooks::Webhook::new(secret)?;
        *self.secret.lock().unwrap_or_else(|e| e.into_inner()) = Some(wh);
        Ok(())
    }

    /// What it verified so far, in arrival order.
    pub fn verified(&self) -> Vec<Verified> {
        self.verified
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

async fn accept(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let checked = r
        .secret
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map(|wh| wh.verify(&body, &headers));
    match checked {
        Some(Ok(())) => {}
        Some(Err(e)) => {
            tracing::warn!("webhook receiver: rejected a delivery: {e}");
            return StatusCode::BAD_REQUEST;
        }
        None => return StatusCode::SERVICE_UNAVAILABLE,
    }
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    let id = headers
        .get("webhook-id")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_string();
    r.verified
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Verified {
            id,
            kind: text("type"),
            cursor: text("cursor"),
        });
    StatusCode::NO_CONTENT
}
