//! Decode fixtures from real public Stellar RPC `getEvents` responses (sources in
//! `fixtures/getEvents/README.md`): they parse, their XDR decodes, and, offered as events of
//! a followed contract, each is dead-lettered with its raw XDR while ingestion goes on.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

use redb::ReadableDatabase;
use serde_json::Value;
use stellar_rpc_client::Event;
use tributary_indexer::{
    apply::Tables,
    ingest::{apply_page, Page},
    query::event_json,
    records::DeadLetter,
    store::{self, Store},
};
use tributary_sdk::events::Contracts;

fn fixtures() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/getEvents");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let v = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 4);
    out
}

fn events(v: &Value) -> Vec<Event> {
    serde_json::from_value(v["events"].clone()).unwrap()
}

#[test]
fn real_responses_parse_and_their_xdr_decodes() {
    for (name, v) in fixtures() {
        if name.contains("v27") {
            let r: stellar_rpc_client::GetEventsResponse =
                serde_json::from_value(v.clone()).unwrap();
            assert!(!r.events.is_empty() && !r.cursor.is_empty(), "{name}");
        }
        for e in events(&v) {
            // As the events table stores it: the RPC's JSON, sealed with its checksum.
            let raw = tributary_indexer::store::seal(serde_json::to_vec(&e).unwrap());
            let j = event_json(&raw).unwrap_or_else(|err| panic!("{name} {}: {err}", e.id));
            let first = j["event"].as_str().unwrap_or_default();
            assert!(
                ["transfer", "fee", "reflector", "fn_call", "fn_return"].contains(&first),
                "{name}: {j}"
            );
            assert!(
                j["fields"].is_null(),
                "not a Tributary event: no field names"
            );
        }
    }
}

#[test]
fn foreign_and_malformed_events_are_dead_lettered_with_their_xdr() {
    let store = Store::in_memory().unwrap();
    for (name, v) in fixtures() {
        let mut evs = events(&v);
        // Followed "contracts" that emitted these events: decoding finds no Tributary event.
        let id = evs[0].contract_id.clone();
        let contracts = Contracts {
            stream: id.clone(),
            claims: id.clone(),
            access: id.clone(),
            insurance: id,
        };
        evs[1].contract_id = evs[0].contract_id.clone();
        evs[1].value = "!!! not base64".into();
        let page = Page {
            events: evs.clone(),
            cursor: format!("{name}-cursor"),
            latest_ledger: evs[1].ledger,
            latest_close_time: 0,
            caught_up: true,
        };
        let txn = store.db.begin_write().unwrap();
        {
            let mut t = Tables::open(&txn).unwrap();
            let applied = apply_page(&mut t, &contracts, &page).unwrap();
            assert_eq!(applied.dead_letters, evs.len(), "{name}");
            let again = apply_page(&mut t, &contracts, &page).unwrap();
            assert_eq!(
                again.duplicates,
                evs.len(),
                "{name}: deduplicated by event id"
            );
        }
        txn.commit().unwrap();
        let read = store.db.begin_read().unwrap();
        let letters = read.open_table(store::DEAD_LETTERS).unwrap();
        let bad: DeadLetter = store::parse(
            "dead_letters",
            letters.get(evs[1].id.as_str()).unwrap().unwrap().value(),
        )
        .unwrap();
        assert!(
            bad.error.contains("base64 ScVal XDR"),
            "{name}: {}",
            bad.error
        );
        assert_eq!(
            bad.event["value"], "!!! not base64",
            "the raw payload is kept"
        );
        let foreign: DeadLetter = store::parse(
            "dead_letters",
            letters.get(evs[0].id.as_str()).unwrap().unwrap().value(),
        )
        .unwrap();
        assert_eq!(
            foreign.event["topic"],
            serde_json::to_value(&evs[0].topic).unwrap()
        );
        assert!(
            foreign.error.contains("not a Tributary event"),
            "{name}: {}",
            foreign.error
        );
        let meta = read.open_table(store::META).unwrap();
        assert_eq!(
            store::meta_get(&meta, "cursor").unwrap().unwrap(),
            format!("{name}-cursor"),
            "ingestion went on"
        );
    }
}
