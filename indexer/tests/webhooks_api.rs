//! The webhook admin routes and CORS over real HTTP, without a network to follow: the bearer
//! token (absent, missing, wrong: 404/401 and nothing changes), the SSRF guard, filter
//! validation, the secret shown once, deletion, and which routes answer CORS.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use support::{call, NO_CONTRACT};
use tributary_indexer::{
    api::{router, webhooks::Hooks, AppState},
    ingest::Progress,
    metrics::Metrics,
    store::Store,
};

const TOKEN: &str = "test-admin-token-0123456789";

async fn serve(token: Option<&str>, allow_private: bool) -> (String, tempfile::TempDir) {
    let dir = support::temp_dir("webhooks-api");
    let path = dir.path().join("api.redb");
    let store = Arc::new(Store::open(&path, None).unwrap());
    let c = NO_CONTRACT.to_string();
    let contracts = tributary_sdk::events::Contracts {
        stream: c.clone(),
        claims: c.clone(),
        access: c.clone(),
        insurance: c,
    };
    let mut hooks = Hooks::disabled(contracts);
    hooks.admin_token = token.map(Arc::from);
    hooks.allow_private = allow_private;
    let app = router(AppState {
        store,
        metrics: Arc::new(Metrics::new()),
        progress: Arc::new(Mutex::new(Progress::default())),
        db_path: path.clone(),
        backup_dir: dir.path().to_path_buf(),
        hooks,
        cors_origins: vec!["https://wallet.example".into()],
        forecasts: Default::default(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, rx) = tokio::sync::watch::channel(false);
    std::mem::forget(stop);
    tokio::spawn(tributary_indexer::http_server::serve(
        listener,
        app,
        tributary_indexer::http_server::HttpLimits::default(),
        rx,
    ));
    (base, dir)
}

fn error(v: &Value) -> &str {
    v["error"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn without_a_token_the_webhook_routes_are_off() {
    let (base, _dir) = serve(None, false).await;
    let (status, body) = call("GET", format!("{base}/webhooks"), Some(TOKEN), None).await;
    assert_eq!((status, error(&body)), (404, "webhooks_disabled"), "{body}");
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_401_and_changes_nothing() {
    let (base, _dir) = serve(Some(TOKEN), true).await;
    let register = json!({ "url": "http://127.0.0.1:9/hook" });
    for token in [None, Some("wrong-token-wrong-token"), Some("")] {
        let (status, body) = call(
            "POST",
            format!("{base}/webhooks"),
            token,
            Some(register.clone()),
        )
        .await;
        assert_eq!(
            (status, error(&body)),
            (401, "unauthorized"),
            "{token:?}: {body}"
        );
    }
    let (status, body) = call("GET", format!("{base}/webhooks"), Some(TOKEN), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["items"], json!([]), "nothing was registered");

    let (status, made) = call(
        "POST",
        format!("{base}/webhooks"),
        Some(TOKEN),
        Some(register),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_u64().unwrap();
    let (status, _) = call(
        "DELETE",
        format!("{base}/webhooks/{id}"),
        Some("nope-nope-nope-nope"),
        None,
    )
    .await;
    assert_eq!(status, 401);
    let (status, body) = call("GET", format!("{base}/webhooks/{id}"), Some(TOKEN), None).await;
    assert_eq!(status, 200, "still there: {body}");
}

#[tokio::test]
async fn private_targets_are_refused_without_the_flag() {
    let (base, _dir) = serve(Some(TOKEN), false).await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
        "http://[::1]/hook",
        "http://[fd00:ec2::254]/hook",
    ] {
        let (status, body) = call(
            "POST",
            format!("{base}/webhooks"),
            Some(TOKEN),
            Some(json!({ "url": url })),
        )
        .await;
        assert_eq!(status, 400, "{url}: {body}");
        assert_eq!(body["parameter"], "url", "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("--webhooks-allow-private"),
            "{body}"
        );
    }
    let (_, body) = call("GET", format!("{base}/webhooks"), Some(TOKEN), None).await;
    assert_eq!(body["items"], json!([]));
}

#[tokio::test]
async fn registration_validates_the_filter_and_shows_the_secret_once() {
    let (base, _dir) = serve(Some(TOKEN), true).await;
    let bad = [
        (json!({ "url": "ftp://127.0.0.1/x" }), "url"),
        (
            json!({ "url": "http://127.0.0.1/x", "kinds": ["stream.nonsense"] }),
            "kinds",
        ),
        (
            json!({ "url": "http://127.0.0.1/x", "kinds": ["withdrawn"] }),
            "kinds",
        ),
        (
            json!({ "url": "http://127.0.0.1/x", "party": "not-an-address" }),
            "party",
        ),
        (
            json!({ "url": "http://127.0.0.1/x", "contract": "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ" }),
            "contract",
        ),
    ];
    for (body, param) in bad {
        let (status, answer) = call(
            "POST",
            format!("{base}/webhooks"),
            Some(TOKEN),
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (status, answer["parameter"].as_str()),
            (400, Some(param)),
            "{body}: {answer}"
        );
    }
    let (status, answer) = call(
        "POST",
        format!("{base}/webhooks"),
        Some(TOKEN),
        Some(json!({ "url": "http://127.0.0.1/x", "unknown": 1 })),
    )
    .await;
    assert_eq!((status, error(&answer)), (422, "invalid_body"), "{answer}");

    let (status, made) = call(
        "POST",
        format!("{base}/webhooks"),
        Some(TOKEN),
        Some(json!({
            "url": "http://127.0.0.1:9/hook",
            "kinds": ["stream.withdrawn", "access.renewal_failed", "insurance.proposal_queued", "claims.claimed"],
            "party": "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ",
        })),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let secret = made["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{secret}");
    standardwebhooks::Webhook::new(secret).unwrap();
    let id = made["id"].as_u64().unwrap();
    let (_, shown) = call("GET", format!("{base}/webhooks/{id}"), Some(TOKEN), None).await;
    assert!(
        shown.get("secret").is_none(),
        "the secret is shown once: {shown}"
    );
    assert_eq!(shown["pending"], 0);
    assert_eq!(shown["filter"]["kinds"].as_array().unwrap().len(), 4);

    let (status, _) = call("DELETE", format!("{base}/webhooks/{id}"), Some(TOKEN), None).await;
    assert_eq!(status, 204);
    let (status, body) = call("GET", format!("{base}/webhooks/{id}"), Some(TOKEN), None).await;
    assert_eq!((status, error(&body)), (404, "not_found"));
    let (status, _) = call(
        "POST",
        format!("{base}/webhooks/{id}/dead-letters/replay"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(status, 404);
}

/// The raw response headers of `method` `path` with an `Origin`.
async fn headers(base: &str, method: &str, path: &str, extra: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: https://wallet.example\r\n{extra}Connection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out.split("\r\n\r\n").next().unwrap().to_ascii_lowercase()
}

#[tokio::test]
async fn read_routes_answer_cors_and_admin_routes_never_do() {
    let (base, _dir) = serve(Some(TOKEN), true).await;
    let read = headers(&base, "GET", "/health", "").await;
    assert!(
        read.contains("access-control-allow-origin: https://wallet.example"),
        "{read}"
    );
    let preflight = headers(
        &base,
        "OPTIONS",
        "/streams",
        "Access-Control-Request-Method: GET\r\n",
    )
    .await;
    assert!(
        preflight.contains("access-control-allow-methods"),
        "{preflight}"
    );
    for path in ["/webhooks", "/admin/backup"] {
        let admin = headers(
            &base,
            "OPTIONS",
            path,
            "Access-Control-Request-Method: POST\r\n",
        )
        .await;
        assert!(
            !admin.contains("access-control-allow-origin"),
            "{path}: {admin}"
        );
    }
    let other = headers(&base, "GET", "/health", "").await;
    assert!(!other.contains("https://evil.example"));
}
