//! HTTP limits (issue 15): slow and idle clients are disconnected, a body that never arrives
//! times out, oversized targets, headers and bodies and framework rejections are answered in the API's JSON error
//! shape, and connections beyond the cap wait. No RPC is needed: the API serves an empty
//! database while the follower retries an address where nothing listens.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    time::{Duration, Instant},
};

use serde_json::Value;
use tributary_indexer::{
    http_server::HttpLimits,
    service::{self, Running},
};

/// An RPC address where nothing listens: the follower retries while the API serves.
const NO_RPC: &str = "http://127.0.0.1:9/rpc";

async fn start(dir: &std::path::Path, http: HttpLimits) -> Running {
    service::start(support::standalone(
        NO_RPC,
        dir.join("indexer.redb"),
        1,
        http,
    ))
    .await
    .unwrap()
}

/// Sends `request` raw and reads until the server closes or `wait` passes; returns what was
/// read and whether the server closed the connection.
async fn raw(addr: SocketAddr, request: Vec<u8>, wait: Duration) -> (String, bool) {
    tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(wait)).unwrap();
        s.write_all(&request).unwrap();
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        let closed = loop {
            match s.read(&mut buf) {
                Ok(0) => break true,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionReset) => break true,
                Err(_) => break false,
            }
        };
        (String::from_utf8_lossy(&out).into_owned(), closed)
    })
    .await
    .unwrap()
}

/// The status and JSON body of a raw HTTP/1.1 response.
fn response(text: &str) -> (u16, Value) {
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    let json = serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {text:?}"));
    (status, json)
}

fn request(method: &str, path: &str, headers: &[&str], body: &str) -> Vec<u8> {
    let mut r = format!("{method} {path} HTTP/1.1\r\nHost: indexer\r\nConnection: close\r\n");
    for h in headers {
        r.push_str(h);
        r.push_str("\r\n");
    }
    r.push_str("\r\n");
    r.push_str(body);
    r.into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_idle_and_oversized_requests_are_bounded_and_answered_in_json() {
    let tmp = tempfile::tempdir().unwrap();
    let limits = HttpLimits {
        header_read_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_millis(500),
        max_body_bytes: 1024,
        max_connections: 64,
    };
    let running = start(tmp.path(), limits).await;
    let addr = running.addr;

    // Headers that never end: the connection is closed after the header-read timeout.
    let started = Instant::now();
    let (text, closed) = raw(
        addr,
        b"GET /health HTTP/1.1\r\nHost: indexer\r\n".to_vec(),
        Duration::from_secs(5),
    )
    .await;
    assert!(closed, "a slow client is disconnected: {text:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    // A kept-alive connection is closed once idle for the same time.
    let started = Instant::now();
    let keep = b"GET /openapi.json HTTP/1.1\r\nHost: indexer\r\n\r\n".to_vec();
    let (text, closed) = raw(addr, keep, Duration::from_secs(5)).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text:?}");
    assert!(closed, "an idle kept-alive connection is closed");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    // A Content-Length larger than the body sent: 408 in JSON after the request timeout.
    let started = Instant::now();
    let short = request(
        "POST",
        "/admin/backup",
        &["Content-Type: application/json", "Content-Length: 100"],
        "{\"path\":",
    );
    let (text, _) = raw(addr, short, Duration::from_secs(5)).await;
    let (status, body) = response(&text);
    assert_eq!(
        (status, body["error"].as_str()),
        (408, Some("timeout")),
        "{body}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    // Framework rejections, each in the JSON error shape.
    let big = format!("{{\"path\":\"/{}\"}}", "a".repeat(2000));
    let cases = [
        (
            request(
                "POST",
                "/admin/backup",
                &[
                    "Content-Type: application/json",
                    &format!("Content-Length: {}", big.len()),
                ],
                &big,
            ),
            413,
            "body_too_large",
        ),
        (
            request("POST", "/health", &["Content-Length: 0"], ""),
            405,
            "method_not_allowed",
        ),
        (
            request(
                "GET",
                &format!("/streams?sender={}", "G".repeat(9_000)),
                &[],
                "",
            ),
            414,
            "uri_too_long",
        ),
        (
            request(
                "GET",
                "/health",
                &[&format!("X-Padding: {}", "p".repeat(17_000))],
                "",
            ),
            431,
            "headers_too_large",
        ),
        (
            request("POST", "/admin/backup", &["Content-Length: 2"], "{}"),
            415,
            "unsupported_media_type",
        ),
        (
            request(
                "POST",
                "/admin/backup",
                &["Content-Type: application/json", "Content-Length: 1"],
                "{",
            ),
            400,
            "invalid_body",
        ),
    ];
    for (req, status, code) in cases {
        let (text, _) = raw(addr, req, Duration::from_secs(5)).await;
        let (got, body) = response(&text);
        assert_eq!(
            (got, body["error"].as_str()),
            (status, Some(code)),
            "{text}"
        );
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let tmp = tempfile::tempdir().unwrap();
    let limits = HttpLimits {
        header_read_timeout: Duration::from_secs(10),
        max_connections: 2,
        ..HttpLimits::default()
    };
    let running = start(tmp.path(), limits).await;
    let addr = running.addr;
    // Two connections that hold their slots (they send nothing).
    let held: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let third = tokio::spawn(raw(
        addr,
        request("GET", "/openapi.json", &[], ""),
        Duration::from_secs(10),
    ));
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        !third.is_finished(),
        "the third connection waits while two are held"
    );
    drop(held);
    let (text, _) = third.await.unwrap();
    assert!(
        text.starts_with("HTTP/1.1 200"),
        "served once a slot frees: {text:?}"
    );
    running.stop().await;
}
