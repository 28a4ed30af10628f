//! Contract events as `getEvents` serves them: ids, filters and cursor paging.
//!
//! Ids and matching follow stellar-rpc 28 (`db/event.go`, `protocols/rpc/get_events.go`):
//! an id is `"%019d-%010d"` of the TOID `ledger << 32 | tx << 12 | op` (tx 1-based, op
//! 0-based) and the event's index within its operation. Filters are OR'd; within one, the type,
//! contract ids and topics must all match. A topic filter matches exactly as many segments as it
//! has, `*` matches one segment, and a trailing `**` matches zero or more.

use std::{collections::VecDeque, fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// Most filters per request.
pub const MAX_FILTERS: usize = 5;
/// Most contract ids per filter.
pub const MAX_CONTRACT_IDS: usize = 5;
/// Most topic filters per filter.
pub const MAX_TOPICS: usize = 5;
/// Most segments per topic filter, not counting a trailing `**`.
pub const MAX_SEGMENTS: usize = 4;

/// An event's position: TOID parts and the index within the operation. Orders like the id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventId {
    /// Ledger sequence.
    pub ledger: u32,
    /// Application order of the transaction in its ledger, 1-based.
    pub tx: u32,
    /// Operation index, 0-based.
    pub op: u32,
    /// Index of the event within the operation, 0-based.
    pub index: u32,
}

impl EventId {
    /// The TOID: `ledger << 32 | tx << 12 | op` (SEP-35 style total order id).
    pub fn toid(&self) -> u64 {
        (u64::from(self.ledger) << 32)
            | (u64::from(self.tx & 0xF_FFFF) << 12)
            | u64::from(self.op & 0xFFF)
    }

    /// The largest id in `ledger`: stellar-rpc's end-of-window cursor.
    pub fn end_of(ledger: u32) -> Self {
        Self {
            ledger,
            tx: 0xF_FFFF,
            op: 0xFFF,
            index: u32::MAX,
        }
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:019}-{:010}", self.toid(), self.index)
    }
}

/// A cursor or event id that doesn't parse.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid event id {0}")]
pub struct BadEventId(pub String);

impl FromStr for EventId {
    type Err = BadEventId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadEventId(s.to_string());
        let (toid, index) = s.split_once('-').ok_or_else(bad)?;
        let toid: u64 = toid.parse().map_err(|_| bad())?;
        let index: u32 = index.parse().map_err(|_| bad())?;
        Ok(Self {
            ledger: (toid >> 32) as u32,
            tx: ((toid >> 12) & 0xF_FFFF) as u32,
            op: (toid & 0xFFF) as u32,
            index,
        })
    }
}

/// One stored event, with its XDR parts in base64 as served.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Position.
    pub id: EventId,
    /// `contract` or `system`.
    pub kind: EventKind,
    /// Close time of its ledger, Unix seconds.
    pub closed_at: u64,
    /// Emitting contract (C… strkey), or empty.
    pub contract_id: String,
    /// Transaction hash, hex.
    pub tx_hash: String,
    /// Whether its transaction succeeded.
    pub successful: bool,
    /// Topics: base64 `ScVal` XDR each.
    pub topic: Vec<String>,
    /// Data: base64 `ScVal` XDR.
    pub value: String,
}

/// The event types `getEvents` serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// Emitted by a contract.
    Contract,
    /// Emitted by the host.
    System,
}

/// One segment of a topic filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Exactly this base64 `ScVal`.
    Exact(String),
    /// `*`: any one segment.
    Any,
    /// `**` (last only): zero or more segments.
    Rest,
}

/// One filter of a `getEvents` request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Allowed kinds; empty allows all.
    pub kinds: Vec<EventKind>,
    /// Allowed contract ids (strkeys); empty allows all.
    pub contract_ids: Vec<String>,
    /// Topic filters, OR'd; empty allows all.
    pub topics: Vec<Vec<Segment>>,
}

impl Filter {
    /// Whether `e` passes this filter.
    pub fn matches(&self, e: &EventRecord) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&e.kind))
            && (self.contract_ids.is_empty() || self.contract_ids.contains(&e.contract_id))
            && (self.topics.is_empty() || self.topics.iter().any(|t| topic_matches(t, &e.topic)))
    }
}

fn topic_matches(filter: &[Segment], topic: &[String]) -> bool {
    match filter.split_last() {
        Some((Segment::Rest, head)) => {
            topic.len() >= head.len() && head.iter().zip(topic).all(|(f, t)| segment_matches(f, t))
        }
        _ => {
            filter.len() == topic.len()
                && filter.iter().zip(topic).all(|(f, t)| segment_matches(f, t))
        }
    }
}

fn segment_matches(f: &Segment, t: &str) -> bool {
    match f {
        Segment::Exact(v) => v == t,
        Segment::Any | Segment::Rest => true,
    }
}

/// Events in id order, for the retention window.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EventStore {
    events: VecDeque<EventRecord>,
}

/// One page of a search.
#[derive(Debug, PartialEq, Eq)]
pub struct Page<'a> {
    /// Matching events in id order.
    pub events: Vec<&'a EventRecord>,
    /// Where the next page starts: the last event's id on a full page, else the end of the
    /// searched window.
    pub cursor: EventId,
}

impl EventStore {
    /// Appends events; ids must be ascending and above every stored one.
    pub fn extend(&mut self, events: impl IntoIterator<Item = EventRecord>) {
        self.events.extend(events);
    }

    /// Drops events of ledgers below `oldest`.
    pub fn trim_before(&mut self, oldest: u32) {
        while self.events.front().is_some_and(|e| e.id.ledger < oldest) {
            self.events.pop_front();
        }
    }

    /// Number of stored events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether no events are stored.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Up to `limit` events with ids in `[start, end_ledger)` (`end_ledger` exclusive) that pass
    /// any of `filters` (all pass if none).
    pub fn search(
        &self,
        start: EventId,
        end_ledger: u32,
        filters: &[Filter],
        limit: usize,
    ) -> Page<'_> {
        let first = self.events.partition_point(|e| e.id < start);
        let mut events = Vec::new();
        for e in self.events.range(first..) {
            if e.id.ledger >= end_ledger {
                break;
            }
            if filters.is_empty() || filters.iter().any(|f| f.matches(e)) {
                events.push(e);
                if events.len() == limit {
                    break;
                }
            }
        }
        let cursor = match events.last() {
            Some(last) if events.len() == limit => last.id,
            _ => EventId::end_of(end_ledger.saturating_sub(1)),
        };
        Page { events, cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(ledger: u32, tx: u32, index: u32, contract: &str, topic: &[&str]) -> EventRecord {
        EventRecord {
            id: EventId {
                ledger,
                tx,
                op: 0,
                index,
            },
            kind: EventKind::Contract,
            closed_at: 0,
            contract_id: contract.into(),
            tx_hash: String::new(),
            successful: true,
            topic: topic.iter().map(|s| s.to_string()).collect(),
            value: String::new(),
        }
    }

    #[test]
    fn ids_format_and_parse_like_stellar_rpc() {
        let id = EventId {
            ledger: 1000,
            tx: 2,
            op: 0,
            index: 3,
        };
        assert_eq!(
            id.to_string(),
            format!("{:019}-{:010}", (1000u64 << 32) | (2 << 12), 3)
        );
        assert_eq!(id.to_string().parse::<EventId>(), Ok(id));
        assert_eq!(
            EventId::end_of(1000).to_string(),
            "0000004299262263295-4294967295"
        );
        assert!("12-x".parse::<EventId>().is_err());
        assert!("nohyphen".parse::<EventId>().is_err());
    }

    #[test]
    fn topic_wildcards_match_like_stellar_rpc() {
        let e = event(1, 1, 0, "C1", &["a", "b", "c"]);
        let exact = |s: &str| Segment::Exact(s.into());
        let cases = [
            (vec![exact("a"), Segment::Any, exact("c")], true),
            (vec![exact("a"), Segment::Any], false),
            (vec![exact("a"), Segment::Rest], true),
            (
                vec![exact("a"), exact("b"), exact("c"), Segment::Rest],
                true,
            ),
            (
                vec![
                    exact("a"),
                    exact("b"),
                    exact("c"),
                    exact("d"),
                    Segment::Rest,
                ],
                false,
            ),
            (vec![exact("x"), Segment::Rest], false),
            (vec![Segment::Rest], true),
        ];
        for (topic, expected) in cases {
            let f = Filter {
                topics: vec![topic.clone()],
                ..Default::default()
            };
            assert_eq!(f.matches(&e), expected, "{topic:?}");
        }
        let other_contract = Filter {
            contract_ids: vec!["C2".into()],
            ..Default::default()
        };
        assert!(!other_contract.matches(&e));
    }

    #[test]
    fn search_pages_with_a_cursor_and_ends_at_the_window() {
        let mut store = EventStore::default();
        store.extend((1..=10).map(|l| event(l, 1, 0, "C1", &["t"])));
        let first = store.search(
            EventId {
                ledger: 1,
                tx: 0,
                op: 0,
                index: 0,
            },
            11,
            &[],
            4,
        );
        assert_eq!(first.events.len(), 4);
        assert_eq!(first.cursor, first.events[3].id);
        let next_start = EventId {
            index: first.cursor.index + 1,
            ..first.cursor
        };
        let second = store.search(next_start, 11, &[], 4);
        assert_eq!(second.events[0].id.ledger, 5);
        let last = store.search(
            EventId {
                ledger: 9,
                tx: 0,
                op: 0,
                index: 0,
            },
            11,
            &[],
            4,
        );
        assert_eq!(last.events.len(), 2);
        assert_eq!(last.cursor, EventId::end_of(10));
        store.trim_before(6);
        assert_eq!(store.len(), 5);
    }
}
