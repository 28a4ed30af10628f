//! Unit tests of the access projections on an in-memory database: a subscription's place in
//! the renewal queue follows its payments, and its history (new, renewed, failed, a lapse
//! before a payment after it) is what a forecast reads back.

use redb::{backends::InMemoryBackend, Database, ReadableDatabase, ReadableTable};
use tributary_forecast::SubEventKind;
use tributary_sdk::generated::access::{
    AccessEvent, RenewalFailed, RenewalFailure, Renewed, Subscribed, TierSet,
};
use tributary_sdk::{events::TributaryEvent, xdr::ScAddress};

use super::{apply, EventMeta, Tables};
use crate::{records::SubEventRecord, store};

const DAY: u64 = 86_400;
const PERIOD: u64 = 30 * DAY;
const GRACE: u64 = 3 * DAY;

fn account(i: u8) -> ScAddress {
    stellar_strkey::ed25519::PublicKey([i; 32])
        .to_string()
        .as_str()
        .parse()
        .unwrap()
}

fn token() -> ScAddress {
    "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC"
        .parse()
        .unwrap()
}

/// Applies `events` in order, each at its close time, in one write transaction per event.
fn run(db: &Database, events: &[(u64, AccessEvent)]) {
    for (i, (at, e)) in events.iter().enumerate() {
        let txn = db.begin_write().unwrap();
        {
            let mut t = Tables::open(&txn).unwrap();
            let m = EventMeta {
                id: format!("{:019}-{i:010}", at),
                ledger: i as u32 + 1,
                closed_at: *at,
            };
            apply(&mut t, &m, &TributaryEvent::Access(e.clone())).unwrap();
        }
        txn.commit().unwrap();
    }
}

fn queue(db: &Database) -> Vec<u64> {
    let txn = db.begin_read().unwrap();
    let t = txn.open_table(store::SUBSCRIPTIONS_DUE).unwrap();
    t.iter().unwrap().map(|r| r.unwrap().0.value().0).collect()
}

fn history(db: &Database, creator: &str) -> Vec<(u64, String)> {
    let txn = db.begin_read().unwrap();
    let t = txn.open_table(store::SUBSCRIPTION_EVENTS).unwrap();
    t.range((creator, 0, "")..=(creator, u64::MAX, "~"))
        .unwrap()
        .map(|r| {
            let (k, v) = r.unwrap();
            let e: SubEventRecord = store::parse("subscription_events", v.value()).unwrap();
            (k.value().1, e.kind)
        })
        .collect()
}

#[test]
fn a_subscription_moves_through_the_queue_and_its_history_is_kept() {
    let db = Database::builder()
        .create_with_backend(InMemoryBackend::new())
        .unwrap();
    let (fan, creator) = (account(1), account(2));
    let t0 = 1_000 * DAY;
    let tier = AccessEvent::TierSet(TierSet {
        creator: creator.clone(),
        level: 1,
        token: token(),
        price: 100,
        period: PERIOD,
        grace: GRACE,
        version: 1,
    });
    let subscribed = |at: u64| {
        AccessEvent::Subscribed(Subscribed {
            fan: fan.clone(),
            creator: creator.clone(),
            level: 1,
            periods: 1,
            amount: 100,
            expires_at: at + PERIOD,
        })
    };
    run(&db, &[(t0, tier), (t0, subscribed(t0))]);
    assert_eq!(
        queue(&db),
        [t0 + PERIOD - DAY],
        "the window opens a day early"
    );

    // A keeper renews in the window: the entry moves a period on, the old one is gone.
    let renewed = AccessEvent::Renewed(Renewed {
        fan: fan.clone(),
        creator: creator.clone(),
        periods: 1,
        amount: 100,
        expires_at: t0 + 2 * PERIOD,
    });
    let failed = AccessEvent::RenewalFailed(RenewalFailed {
        fan: fan.clone(),
        creator: creator.clone(),
        reason: RenewalFailure::AllowanceTooLow,
    });
    let window = t0 + PERIOD - DAY;
    run(&db, &[(window, renewed), (window + 2 * PERIOD, failed)]);
    assert_eq!(queue(&db), [t0 + 2 * PERIOD - DAY]);

    // Long after it lapsed, the fan pays again: a lapse at the old end plus grace, then new.
    let back = t0 + 5 * PERIOD;
    run(&db, &[(back, subscribed(back))]);
    assert_eq!(queue(&db), [back + PERIOD - DAY]);
    let c = creator.to_string();
    assert_eq!(
        history(&db, &c),
        [
            (t0, "new".to_string()),
            (window, "renewed".to_string()),
            (t0 + 2 * PERIOD + GRACE, "lapsed".to_string()),
            (window + 2 * PERIOD, "failed".to_string()),
            (back, "new".to_string()),
        ]
    );

    // What a forecast reads back: the events before now, and the live subscription.
    let txn = db.begin_read().unwrap();
    let h = crate::creator_history::read(&txn, &c, back + DAY).unwrap();
    let kinds: Vec<SubEventKind> = h.events.iter().map(|e| e.kind).collect();
    use SubEventKind::{Lapsed, New, Renewed as Renewal};
    assert_eq!(kinds, [New, Renewal, Lapsed, New]);
    assert_eq!(h.positions.len(), 1);
    let p = &h.positions[0];
    assert!(p.renewable && !p.failing, "{p:?}");
    assert_eq!(p.expires_at, back + PERIOD);
}
