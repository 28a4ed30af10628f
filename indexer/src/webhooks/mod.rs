//! Webhooks: endpoints, the transactional outbox, and what an event is to a filter.
//!
//! An event applied to the projections is enqueued for every matching endpoint in the same
//! redb write transaction ([`enqueue`], called by `ingest::apply_page`), so a crash can
//! neither lose a delivery nor invent one. [`deliver`] drains the outbox per endpoint in
//! cursor order, signing with Standard Webhooks (<https://www.standardwebhooks.com/>).

pub mod deliver;
pub mod guard;
pub mod registry;

use serde::{Deserialize, Serialize};
use stellar_xdr::{ScAddress, ScVal};
use tributary_sdk::events::Contracts;

use crate::store::{self, StoreError};

/// The webhook and live-feed settings of a running indexer.
#[derive(Clone, Debug)]
pub struct WebhooksConfig {
    /// The admin bearer token; `None` turns the webhook routes off (registered endpoints
    /// keep receiving).
    pub admin_token: Option<String>,
    /// Delivery settings.
    pub delivery: deliver::DeliveryConfig,
    /// Origins allowed to read the read-only routes from a browser; `*` = any.
    pub cors_origins: Vec<String>,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            admin_token: None,
            delivery: deliver::DeliveryConfig::default(),
            cors_origins: vec!["*".into()],
        }
    }
}

/// A registered endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Server-assigned id, from 1.
    pub id: u64,
    /// Where deliveries are POSTed (`http` or `https`).
    pub url: String,
    /// Which events it receives.
    pub filter: Filter,
    /// The Standard Webhooks signing secret, `whsec_` + base64 of 24 random bytes. Shown once,
    /// in the answer to the registration.
    pub secret: String,
    /// Registration time, Unix seconds.
    pub created_at: u64,
    /// Why deliveries stopped (failing for longer than the configured period), if they did.
    pub disabled: Option<String>,
    /// Bumped by a replay or a re-enable: the delivery lane restarts from the oldest message.
    pub generation: u64,
}

/// Which events an endpoint (or a live-feed client) receives. Empty `kinds` is every kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// Event kinds, `<family>.<event name>`: `stream.withdrawn`, `claims.claimed`,
    /// `access.renewal_failed`, `insurance.proposal_queued`, ….
    pub kinds: Vec<String>,
    /// Only events naming this address (G… or C…) in a topic or a data field.
    pub party: Option<String>,
    /// Only events of this contract (C…).
    pub contract: Option<String>,
}

impl Filter {
    /// Whether `e` passes.
    pub fn matches(&self, e: &Described) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&e.kind))
            && self.contract.as_ref().is_none_or(|c| *c == e.contract)
            && self.party.as_ref().is_none_or(|p| e.parties.contains(p))
    }
}

/// An outbox message: an event waiting for an endpoint's 2xx.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The event's kind (see [`Filter::kinds`]).
    pub kind: String,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not before this time, Unix milliseconds.
    pub next_attempt_at_ms: u64,
    /// When the event was committed, Unix milliseconds.
    pub enqueued_at_ms: u64,
    /// The last failure: a status code, a timeout or a connection error.
    pub last_error: Option<String>,
}

/// A message whose retries ran out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadDelivery {
    /// The event's kind.
    pub kind: String,
    /// Attempts made.
    pub attempts: u32,
    /// When the event was committed, Unix milliseconds.
    pub enqueued_at_ms: u64,
    /// When it was given up, Unix milliseconds.
    pub died_at_ms: u64,
    /// The last failure.
    pub last_error: String,
}

/// What a filter sees of an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Described {
    /// `<family>.<name>`.
    pub kind: String,
    /// The emitting contract.
    pub contract: String,
    /// Every address in its topics and data (strkeys).
    pub parties: Vec<String>,
}

/// The event families by contract: the prefix of a kind.
pub const FAMILIES: [&str; 4] = ["stream", "claims", "access", "insurance"];

/// Whether `kind` names an event one of the contracts emits (their specs, through the SDK).
pub fn known_kind(kind: &str) -> bool {
    use tributary_sdk::generated::{access, claims, insurance, stream};
    match kind.split_once('.') {
        Some(("stream", n)) => stream::StreamEvent::field_names(n).is_some(),
        Some(("claims", n)) => claims::ClaimsEvent::field_names(n).is_some(),
        Some(("access", n)) => access::AccessEvent::field_names(n).is_some(),
        Some(("insurance", n)) => insurance::InsuranceEvent::field_names(n).is_some(),
        _ => false,
    }
}

/// The kind, contract and parties of a raw RPC event; `None` for an event of another contract
/// or without a symbol name.
pub fn describe(contracts: &Contracts, e: &stellar_rpc_client::Event) -> Option<Described> {
    let (topics, data) = tributary_sdk::events::topics_and_data(e).ok()?;
    describe_values(contracts, &e.contract_id, &topics, &data)
}

/// [`describe`] of topics and data already decoded, emitted by contract `contract`.
pub fn describe_values(
    contracts: &Contracts,
    contract: &str,
    topics: &[ScVal],
    data: &ScVal,
) -> Option<Described> {
    let family = [
        &contracts.stream,
        &contracts.claims,
        &contracts.access,
        &contracts.insurance,
    ]
    .iter()
    .position(|c| *c == contract)
    .map(|i| FAMILIES[i])?;
    let ScVal::Symbol(name) = topics.first()? else {
        return None;
    };
    let mut parties = Vec::new();
    for v in topics.iter().skip(1).chain(std::iter::once(data)) {
        addresses(v, &mut parties);
    }
    Some(Described {
        kind: format!("{family}.{}", name.to_utf8_string_lossy()),
        contract: contract.to_string(),
        parties,
    })
}

fn addresses(v: &ScVal, out: &mut Vec<String>) {
    match v {
        ScVal::Address(a @ (ScAddress::Account(_) | ScAddress::Contract(_))) => {
            let s = a.to_string();
            if !out.contains(&s) {
                out.push(s);
            }
        }
        ScVal::Vec(Some(items)) => items.iter().for_each(|i| addresses(i, out)),
        ScVal::Map(Some(entries)) => entries.iter().for_each(|e| {
            addresses(&e.key, out);
            addresses(&e.val, out);
        }),
        _ => {}
    }
}

/// The endpoints that receive new events (not disabled), read in the writer's transaction.
///
/// # Errors
/// [`StoreError`].
pub fn active(
    table: &impl redb::ReadableTable<u64, &'static [u8]>,
) -> Result<Vec<Endpoint>, StoreError> {
    let mut out = Vec::new();
    for row in table.iter()? {
        let (_, v) = row?;
        let ep: Endpoint = store::parse("webhooks", v.value())?;
        if ep.disabled.is_none() {
            out.push(ep);
        }
    }
    Ok(out)
}

/// Enqueues event `event_id` (described by `d`) for every endpoint in `endpoints` whose
/// filter it passes, in the caller's write transaction. Returns how many messages were
/// enqueued.
///
/// # Errors
/// [`StoreError`].
pub fn enqueue(
    outbox: &mut redb::Table<'_, (u64, &'static str), &'static [u8]>,
    endpoints: &[Endpoint],
    d: &Described,
    event_id: &str,
    now_ms: u64,
) -> Result<usize, StoreError> {
    let mut n = 0;
    for ep in endpoints.iter().filter(|ep| ep.filter.matches(d)) {
        let msg = Pending {
            kind: d.kind.clone(),
            attempts: 0,
            next_attempt_at_ms: 0,
            enqueued_at_ms: now_ms,
            last_error: None,
        };
        outbox.insert((ep.id, event_id), store::to_bytes(&msg).as_slice())?;
        n += 1;
    }
    Ok(n)
}

/// The Standard Webhooks `webhook-id` of event `event_id` for endpoint `endpoint`: the same
/// on every attempt, so a receiver de-duplicates by it.
pub fn message_id(endpoint: u64, event_id: &str) -> String {
    format!("msg_{endpoint}_{event_id}")
}

/// Unix milliseconds now.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The delivery body of a stored raw event: the event as the history routes serve it
/// (`query::event_json`: id, ledger, close time, transaction hash, contract, name, fields,
/// topics, data) plus `type` (the kind) and `cursor` (the event id, a `getEvents` cursor).
///
/// # Errors
/// [`StoreError::Corrupt`] if the stored event doesn't parse.
pub fn body(raw: &[u8], kind: &str) -> Result<serde_json::Value, StoreError> {
    let mut v = crate::query::event_json(raw)?;
    if let Some(o) = v.as_object_mut() {
        let id = o.get("id").cloned().unwrap_or_default();
        o.insert("type".into(), kind.into());
        o.insert("cursor".into(), id);
    }
    Ok(v)
}
