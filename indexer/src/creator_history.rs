//! A creator's forecast [`History`] from the indexer's tables, at `now`: tiers (`tiers`), live
//! subscriptions (`subscriptions_by_creator`), subscription events (`subscription_events`;
//! a subscription past `expires_at + grace` is a lapse at that time), and streams to the
//! creator (`streams_by_recipient`).

use redb::ReadTransaction;
use tributary_rules::access::renewal_opens_at;

use crate::{
    records::{StreamRecord, SubEventRecord, SubscriptionRecord, TierRecord},
    store::{self, get_record, parse, StoreError},
};
use tributary_forecast::{History, Position, Schedule, SubEvent, SubEventKind, Tier};

/// Reads `creator`'s history at `now`.
///
/// # Errors
/// [`StoreError`]: the database, or a corrupt record (named by table).
pub fn read(txn: &ReadTransaction, creator: &str, now: u64) -> Result<History, StoreError> {
    let tiers_table = txn.open_table(store::TIERS)?;
    let mut tiers = Vec::new();
    for row in tiers_table.range((creator, 0)..=(creator, u32::MAX))? {
        let t: TierRecord = parse("tiers", row?.1.value())?;
        tiers.push(t);
    }
    let mut events = Vec::new();
    let mut failed_at: Vec<(String, u64)> = Vec::new();
    let ev = txn.open_table(store::SUBSCRIPTION_EVENTS)?;
    for row in ev.range((creator, 0, "")..=(creator, u64::MAX, "~"))? {
        let (k, v) = row?;
        let at = k.value().1;
        let r: SubEventRecord = parse("subscription_events", v.value())?;
        let kind = match r.kind.as_str() {
            "new" => SubEventKind::New,
            "renewed" => SubEventKind::Renewed,
            "lapsed" => SubEventKind::Lapsed,
            _ => {
                failed_at.push((r.fan, at));
                continue;
            }
        };
        if at < now {
            events.push(SubEvent {
                at,
                level: r.level,
                kind,
            });
        }
    }
    let by_creator = txn.open_table(store::SUBSCRIPTIONS_BY_CREATOR)?;
    let subs = txn.open_table(store::SUBSCRIPTIONS)?;
    let mut positions = Vec::new();
    for row in by_creator.range((creator, "")..=(creator, "~"))? {
        let (k, _) = row?;
        let fan = k.value().1.to_string();
        let Some(s): Option<SubscriptionRecord> =
            get_record(&subs, "subscriptions", (fan.as_str(), creator))?
        else {
            continue;
        };
        let end = s.expires_at.saturating_add(s.grace);
        if now >= end {
            events.push(SubEvent {
                at: end,
                level: s.level,
                kind: SubEventKind::Lapsed,
            });
            continue;
        }
        let tier = tiers.iter().find(|t| t.level == s.level);
        let renewable = tier.is_some_and(|t| {
            !t.retired
                && t.token == s.token
                && t.price <= s.price
                && t.period >= s.period
                && t.grace >= s.grace
        });
        let opens = renewal_opens_at(s.expires_at, s.period);
        let failing = failed_at.iter().any(|(f, at)| *f == fan && *at >= opens);
        positions.push(Position {
            level: s.level,
            token: s.token,
            price: s.price,
            period: s.period,
            expires_at: s.expires_at,
            renewable,
            failing,
        });
    }
    let by_recipient = txn.open_table(store::STREAMS_BY_RECIPIENT)?;
    let mut streams = Vec::new();
    for row in by_recipient.range((creator, 0)..=(creator, u64::MAX))? {
        let r: StreamRecord = parse("streams_by_recipient", row?.1.value())?;
        streams.push(Schedule {
            token: r.token,
            deposit: r.deposit,
            start: r.start,
            cliff: r.cliff,
            end: r.end,
            // The record keeps what a cancel refunded, not when: a canceled stream vests no
            // more from now on.
            canceled_at: r.canceled.then_some(now),
        });
    }
    Ok(History {
        now,
        tiers: tiers
            .into_iter()
            .map(|t| Tier {
                level: t.level,
                token: t.token,
                price: t.price,
                period: t.period,
                retired: t.retired,
            })
            .collect(),
        positions,
        events,
        streams,
    })
}
