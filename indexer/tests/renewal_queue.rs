//! The renewal queue, `GET /subscriptions?due_before=&due_after=`: subscriptions whose renewal
//! window (`expires_at - min(period / 2, 1 day)`) opens within the bounds, soonest first,
//! paged by `opens_at:fan:creator`; bad bounds and cursors are typed 400s.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use tributary_indexer::{
    query::{PageRequest, QueryError, Reader},
    records::SubscriptionRecord,
    store::{self, to_bytes, Store},
};

const DAY: u64 = 86_400;

fn account(i: u8) -> String {
    stellar_strkey::ed25519::PublicKey([i; 32])
        .to_string()
        .as_str()
        .into()
}

fn sub(fan: u8, creator: u8, expires_at: u64, period: u64) -> SubscriptionRecord {
    SubscriptionRecord {
        fan: account(fan),
        creator: account(creator),
        level: 1,
        token: "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC".into(),
        price: 10,
        period,
        grace: DAY,
        version: 1,
        expires_at,
        paid: 10,
    }
}

/// Writes `subs` and their queue entries as the projection does.
fn put(store: &Store, subs: &[SubscriptionRecord]) {
    let txn = store.db.begin_write().unwrap();
    {
        let mut t = txn.open_table(store::SUBSCRIPTIONS).unwrap();
        let mut q = txn.open_table(store::SUBSCRIPTIONS_DUE).unwrap();
        for s in subs {
            t.insert((s.fan.as_str(), s.creator.as_str()), to_bytes(s).as_slice())
                .unwrap();
            q.insert(
                (s.renewal_opens_at(), s.fan.as_str(), s.creator.as_str()),
                (),
            )
            .unwrap();
        }
    }
    txn.commit().unwrap();
}

fn page(limit: usize, cursor: Option<String>) -> PageRequest {
    PageRequest { limit, cursor }
}

#[test]
fn the_queue_is_ordered_by_window_bounded_and_paged() {
    let dir = support::temp_dir("queue");
    let store = Store::open(&dir.path().join("db.redb"), None).unwrap();
    // Monthly tiers open a day early; a 60-second tier opens 30 s early.
    let subs = [
        sub(1, 9, 100 * DAY, 30 * DAY), // opens 99 days
        sub(2, 9, 50 * DAY, 30 * DAY),  // 49 days
        sub(3, 9, 60 * DAY, 30 * DAY),  // 59 days
        sub(4, 8, 50 * DAY + 60, 60),   // 50 days + 30 s
        sub(5, 8, 10 * DAY, 30 * DAY),  // 9 days
    ];
    put(&store, &subs);
    let r = Reader::new(&store).unwrap();
    let fans = |p: &tributary_indexer::query::Page<SubscriptionRecord>| -> Vec<String> {
        p.items.iter().map(|s| s.fan.clone()).collect()
    };
    let all = r.subscriptions_due(0, 60 * DAY, &page(50, None)).unwrap();
    let order = [5, 2, 4, 3].map(account).to_vec();
    assert_eq!(fans(&all), order, "soonest window first; 99 days not yet");
    assert_eq!(all.next_cursor, None);
    // Bounds are inclusive: exactly at the opening is due; after_due drops older windows.
    let at = r
        .subscriptions_due(49 * DAY, 49 * DAY, &page(50, None))
        .unwrap();
    assert_eq!(fans(&at), vec![account(2)]);
    // Pages of 1 walk the same order, with nothing repeated or lost.
    let (mut walked, mut cursor) = (Vec::new(), None);
    loop {
        let p = r.subscriptions_due(0, 60 * DAY, &page(1, cursor)).unwrap();
        walked.extend(fans(&p));
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(walked, order);
    // A renewal moves the entry: the projection removes the old key and adds the new one.
    let renewed = sub(5, 8, 40 * DAY, 30 * DAY);
    {
        let txn = store.db.begin_write().unwrap();
        {
            let mut q = txn.open_table(store::SUBSCRIPTIONS_DUE).unwrap();
            q.remove((
                subs[4].renewal_opens_at(),
                account(5).as_str(),
                account(8).as_str(),
            ))
            .unwrap();
        }
        txn.commit().unwrap();
    }
    put(&store, &[renewed]);
    let r = Reader::new(&store).unwrap();
    let moved = r.subscriptions_due(0, 60 * DAY, &page(50, None)).unwrap();
    assert_eq!(fans(&moved), [5, 2, 4, 3].map(account).to_vec());
    assert_eq!(moved.items[0].expires_at, 40 * DAY);

    // Bad bounds and cursors are named.
    let bad = |e: QueryError| match e {
        QueryError::BadParam { param, .. } => param,
        other => panic!("{other}"),
    };
    assert_eq!(
        bad(r.subscriptions_due(2, 1, &page(5, None)).unwrap_err()),
        "due_after"
    );
    for cursor in ["12", "x:a:b", "12:only"] {
        let e = r
            .subscriptions_due(0, 9, &page(5, Some(cursor.into())))
            .unwrap_err();
        assert_eq!(bad(e), "cursor", "{cursor}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_route_refuses_mixed_or_partial_filters() {
    let dir = support::temp_dir("queue-http");
    let running = support::start_idle(dir.path()).await;
    let base = format!("http://{}", running.addr);
    let fan = account(1);
    for (query, param) in [
        (format!("due_before=10&fan={fan}"), "fan"),
        ("due_after=10".to_string(), "due_after"),
        ("due_before=1&due_after=2".to_string(), "due_after"),
        ("due_before=-1".to_string(), "due_before"),
        ("due_before=10&cursor=nope".to_string(), "cursor"),
    ] {
        let (status, body) = support::get(format!("{base}/subscriptions?{query}")).await;
        assert_eq!(
            (status, body["parameter"].as_str()),
            (400, Some(param)),
            "{query}: {body}"
        );
    }
    let (status, body) = support::get(format!("{base}/subscriptions?due_before=10")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"], serde_json::json!([]));
    running.stop().await;
}
