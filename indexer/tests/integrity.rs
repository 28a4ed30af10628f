//! Damaged data is detected before it is served (issue 15, F4): every record and raw event
//! carries a CRC-32 checked on read (a typed 500 naming the table, counted in `/metrics`,
//! `/health` degraded); at open, a 0-byte or foreign file is refused and redb's integrity
//! check runs; a flipped byte or a zeroed page in the file is never served as truth, and a
//! redb panic is caught at the store boundary.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use redb::ReadableDatabase;

use tributary_indexer::{
    http_server::HttpLimits,
    ops,
    query::{PageRequest, QueryError, Reader},
    service,
    store::{self, Store, StoreError},
};

/// A sealed value with one payload byte flipped: its checksum no longer matches.
fn damaged(payload: &[u8]) -> Vec<u8> {
    let mut v = store::seal(payload.to_vec());
    v[0] ^= 0x20;
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_record_is_a_typed_500_counted_and_degrading_health() {
    let tmp = support::temp_dir("damaged-record");
    let path = tmp.path().join("indexer.redb");
    {
        let cfg = support::standalone("", path.clone(), 1, HttpLimits::default());
        let s = Store::open(&path, Some(&ops::contracts_json(&cfg.ingest.contracts))).unwrap();
        let txn = s.db.begin_write().unwrap();
        txn.open_table(store::STREAMS)
            .unwrap()
            .insert(5, damaged(b"a stream record").as_slice())
            .unwrap();
        txn.commit().unwrap();
    }
    let running = service::start(support::standalone(
        "http://127.0.0.1:9/rpc",
        path,
        1,
        HttpLimits::default(),
    ))
    .await
    .unwrap();
    let base = format!("http://{}", running.addr);
    let (status, health) = support::get(format!("{base}/health")).await;
    assert_eq!(
        (status, health["status"].as_str()),
        (200, Some("ok")),
        "{health}"
    );

    let (status, body) = support::get(format!("{base}/streams/5")).await;
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["error"], "corrupt_record", "{body}");
    assert_eq!(body["table"], "streams", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("checksum mismatch"),
        "{body}"
    );
    let (status, health) = support::get(format!("{base}/health")).await;
    assert_eq!(
        (status, health["status"].as_str()),
        (503, Some("degraded")),
        "{health}"
    );
    assert!(
        health["corrupt"].as_str().unwrap().contains("streams"),
        "{health}"
    );
    let (_, metrics) = support::get(format!("{base}/metrics")).await;
    let metrics = metrics.as_str().unwrap().to_string();
    assert!(
        metrics.contains("indexer_corrupt_records_total{table=\"streams\"} 1"),
        "{metrics}"
    );
    running.stop().await;
}

#[test]
fn a_damaged_raw_event_is_a_typed_error_naming_the_events_table() {
    let s = Store::in_memory().unwrap();
    let txn = s.db.begin_write().unwrap();
    let id = "0000000021474840576-0000000000";
    txn.open_table(store::EVENTS)
        .unwrap()
        .insert(id, damaged(br#"{"type":"contract"}"#).as_slice())
        .unwrap();
    txn.open_table(store::HISTORY)
        .unwrap()
        .insert(("stream:5", id), ())
        .unwrap();
    txn.commit().unwrap();
    let page = PageRequest {
        limit: 10,
        cursor: None,
    };
    match Reader::new(&s).unwrap().history("stream:5", &page) {
        Err(QueryError::Store(StoreError::Corrupt { table, reason })) => {
            assert_eq!(table, "events");
            assert!(reason.contains("checksum mismatch"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn empty_and_foreign_files_are_refused_untouched() {
    let tmp = support::temp_dir("refused");
    let empty = tmp.path().join("empty.redb");
    std::fs::write(&empty, b"").unwrap();
    match Store::open(&empty, None) {
        Err(e @ StoreError::NotADatabase { .. }) => {
            assert!(e.to_string().contains("empty (0 bytes)"), "{e}");
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a 0-byte file was taken as a new database"),
    }
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0, "left empty");
    let foreign = tmp.path().join("notes.redb");
    std::fs::write(
        &foreign,
        b"these are somebody's notes, not a database\n".repeat(200),
    )
    .unwrap();
    let before = std::fs::read(&foreign).unwrap();
    match Store::open(&foreign, None) {
        Err(e @ StoreError::NotADatabase { .. }) => assert!(e.is_corruption(), "{e}"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a foreign file was opened"),
    }
    assert_eq!(std::fs::read(&foreign).unwrap(), before, "left as it was");
}

/// A database of `n` sealed stream records, each holding `marker` and its id.
fn write_records(path: &std::path::Path, n: u64, marker: &str) {
    let s = Store::open(path, None).unwrap();
    let txn = s.db.begin_write().unwrap();
    {
        let mut t = txn.open_table(store::STREAMS).unwrap();
        for id in 0..n {
            let payload = format!("{marker}-{id:08}-{}", "x".repeat(200));
            t.insert(id, store::seal(payload.into_bytes()).as_slice())
                .unwrap();
        }
    }
    txn.commit().unwrap();
}

/// Whether every record reads back intact, or the damage is reported as corruption. Never
/// panics and never returns a damaged record as good.
fn damage_is_caught(path: &std::path::Path, marker: &str, n: u64) {
    match Store::open(path, None) {
        Err(e) => assert!(e.is_corruption(), "refused at open, as corruption: {e}"),
        Ok(s) => {
            let read = store::catch_panic(|| {
                let txn = s.db.begin_read()?;
                let t = txn.open_table(store::STREAMS)?;
                for id in 0..n {
                    let Some(v) = t.get(id)? else { continue };
                    let payload = store::unseal("streams", v.value())?;
                    let text = String::from_utf8_lossy(payload);
                    assert!(
                        text.starts_with(&format!("{marker}-{id:08}-")),
                        "record {id} served damaged: {text}"
                    );
                }
                Ok(())
            });
            if let Err(e) = read {
                assert!(e.is_corruption(), "reported as corruption: {e}");
            }
        }
    }
}

#[test]
fn a_flipped_byte_in_the_file_is_never_served_as_truth() {
    let tmp = support::temp_dir("flipped");
    let path = tmp.path().join("indexer.redb");
    let marker = "GSENDERMARKERAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    write_records(&path, 500, marker);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker.as_bytes())
        .expect("the marker is in the file")
        + 3;
    bytes[at] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    damage_is_caught(&path, marker, 500);
}

#[test]
fn a_zeroed_page_is_refused_or_reported_without_a_panic() {
    let tmp = support::temp_dir("zeroed");
    let path = tmp.path().join("indexer.redb");
    let marker = "GZEROMARKER";
    write_records(&path, 2_000, marker);
    let mut bytes = std::fs::read(&path).unwrap();
    // The page holding record 1000 (a leaf of the streams table).
    let needle = format!("{marker}-00001000-");
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .expect("record 1000 is in the file");
    let page = at / 4096 * 4096;
    bytes[page..page + 4096].fill(0);
    std::fs::write(&path, &bytes).unwrap();
    damage_is_caught(&path, marker, 2_000);
    // `indexer verify` on the same file reports instead of panicking.
    if let Err(e) = ops::verify_file(&path) {
        assert!(!e.to_string().is_empty());
    }
}
