//! A minimal Server-Sent Events client over a raw TCP connection (as a browser's
//! `EventSource` reads the feed): sends `Last-Event-ID` when resuming, parses `id:`/`event:`/
//! `data:` fields, ignores comments.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// One received event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    /// `id:`.
    pub id: String,
    /// `event:`.
    pub event: String,
    /// `data:` (joined lines).
    pub data: String,
}

/// An open feed.
pub struct Feed {
    lines: tokio::io::Lines<BufReader<tokio::net::TcpStream>>,
}

impl Feed {
    /// Opens `path` on `base` (`http://host:port`), resuming after `last_event_id`.
    pub async fn open(base: &str, path: &str, last_event_id: Option<&str>) -> Self {
        let addr = base.trim_start_matches("http://");
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let resume = last_event_id.map_or(String::new(), |id| format!("Last-Event-ID: {id}\r\n"));
        let req = format!(
            "GET {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{resume}\r\n"
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut lines = BufReader::new(s).lines();
        let status = lines.next_line().await.unwrap().unwrap();
        assert!(status.contains(" 200 "), "{status}");
        // HTTP/1.0: the body is not chunked, it ends when the server closes.
        while let Some(l) = lines.next_line().await.unwrap() {
            if l.is_empty() {
                break;
            }
        }
        Self { lines }
    }

    /// The next event, within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<SseEvent> {
        tokio::time::timeout(wait, async {
            let (mut id, mut event, mut data) = (String::new(), String::new(), Vec::new());
            while let Some(l) = self.lines.next_line().await.unwrap() {
                if let Some(v) = l.strip_prefix("id:") {
                    id = v.trim().to_string();
                } else if let Some(v) = l.strip_prefix("event:") {
                    event = v.trim().to_string();
                } else if let Some(v) = l.strip_prefix("data:") {
                    data.push(v.trim_start().to_string());
                } else if l.is_empty() && !data.is_empty() {
                    return Some(SseEvent {
                        id,
                        event,
                        data: data.join("\n"),
                    });
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
    }
}
