//! `getEvents`, with stellar-rpc 28's validation (`protocols/rpc/get_events.go`) and paging
//! (`methods/get_events.go`).

use jsonrpsee::{
    types::{ErrorObject, ErrorObjectOwned},
    RpcModule,
};
use serde::{Deserialize, Serialize};
use stellar_xdr::{Limits, ReadXdr, ScAddress, ScVal};

use super::{
    check_xdr_format, invalid_params, invalid_request, parse, rfc3339,
    xdr_json::{convert, XdrFormat},
    Shared, INVALID_PARAMS,
};
use crate::events::{
    EventId, EventKind, EventRecord, Filter, Segment, MAX_CONTRACT_IDS, MAX_FILTERS, MAX_SEGMENTS,
    MAX_TOPICS,
};

/// Page size when the request gives none.
pub const DEFAULT_LIMIT: u32 = 100;
/// Largest page a request may ask for.
pub const MAX_LIMIT: u32 = 10_000;
/// Most ledgers one request scans.
pub const LEDGER_SCAN_LIMIT: u32 = 10_000;

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    start_ledger: Option<u32>,
    end_ledger: Option<u32>,
    #[serde(default, deserialize_with = "super::null_as_default")]
    filters: Vec<FilterRequest>,
    pagination: Option<super::ledgers::Pagination>,
    xdr_format: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilterRequest {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "super::null_as_default")]
    contract_ids: Vec<String>,
    #[serde(default, deserialize_with = "super::null_as_default")]
    topics: Vec<Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Response<'a> {
    events: Vec<EventJson<'a>>,
    cursor: String,
    latest_ledger: u32,
    latest_ledger_close_time: String,
    oldest_ledger: u32,
    oldest_ledger_close_time: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventJson<'a> {
    #[serde(rename = "type")]
    kind: EventKind,
    ledger: u32,
    ledger_closed_at: String,
    contract_id: &'a str,
    id: String,
    operation_index: u32,
    transaction_index: u32,
    tx_hash: &'a str,
    in_successful_contract_call: bool,
    topic: &'a [String],
    value: &'a str,
}

impl<'a> From<&'a EventRecord> for EventJson<'a> {
    fn from(e: &'a EventRecord) -> Self {
        Self {
            kind: e.kind,
            ledger: e.id.ledger,
            ledger_closed_at: rfc3339(e.closed_at),
            contract_id: &e.contract_id,
            id: e.id.to_string(),
            operation_index: e.id.op,
            transaction_index: e.id.tx,
            tx_hash: &e.tx_hash,
            in_successful_contract_call: e.successful,
            topic: &e.topic,
            value: &e.value,
        }
    }
}

fn filter_error(i: usize, message: String) -> ErrorObjectOwned {
    invalid_params(format!("filter {} invalid: {message}", i + 1))
}

fn parse_filter(i: usize, f: &FilterRequest) -> Result<Filter, ErrorObjectOwned> {
    let mut kinds = Vec::new();
    for k in f
        .kind
        .iter()
        .flat_map(|k| k.split(','))
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        kinds.push(match k {
            "contract" => EventKind::Contract,
            "system" => EventKind::System,
            _ => {
                return Err(filter_error(
                    i,
                    "filter type invalid: if set, type must be either 'system' or 'contract'"
                        .into(),
                ))
            }
        });
    }
    if f.contract_ids.len() > MAX_CONTRACT_IDS {
        return Err(filter_error(
            i,
            format!("maximum {MAX_CONTRACT_IDS} contract IDs per filter"),
        ));
    }
    for (j, id) in f.contract_ids.iter().enumerate() {
        if !matches!(id.parse::<ScAddress>(), Ok(ScAddress::Contract(_))) {
            return Err(filter_error(i, format!("contract ID {} invalid", j + 1)));
        }
    }
    if f.topics.len() > MAX_TOPICS {
        return Err(filter_error(
            i,
            format!("maximum {MAX_TOPICS} topics per filter"),
        ));
    }
    let mut topics = Vec::new();
    for (j, t) in f.topics.iter().enumerate() {
        let topic_error = |m: String| filter_error(i, format!("topic {} invalid: {m}", j + 1));
        if t.is_empty() {
            return Err(topic_error("topic must have at least 1 segment".into()));
        }
        let mut segments = Vec::new();
        for (k, s) in t.iter().enumerate() {
            segments.push(match s.as_str() {
                "*" => Segment::Any,
                "**" if k + 1 == t.len() => Segment::Rest,
                "**" => {
                    return Err(topic_error(format!(
                        "segment {} invalid: wildcard '**' is only allowed as the last segment",
                        k + 1
                    )))
                }
                v => {
                    ScVal::from_xdr_base64(v, Limits::len(64 * 1024)).map_err(|e| {
                        ErrorObject::owned(
                            INVALID_PARAMS,
                            "invalid parameters",
                            Some(format!("topic segment {v}: {e}")),
                        )
                    })?;
                    Segment::Exact(v.to_string())
                }
            });
        }
        let counted = segments.iter().filter(|s| **s != Segment::Rest).count();
        if counted > MAX_SEGMENTS {
            return Err(topic_error(format!(
                "topic cannot have more than {MAX_SEGMENTS} segments"
            )));
        }
        topics.push(segments);
    }
    Ok(Filter {
        kinds,
        contract_ids: f.contract_ids.clone(),
        topics,
    })
}

pub(super) fn register(
    m: &mut RpcModule<Shared>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    m.register_method(
        "getEvents",
        |p, s, _| -> Result<Box<serde_json::value::RawValue>, ErrorObjectOwned> {
            let req: Request = parse(&p)?;
            let format = check_xdr_format(req.xdr_format.as_deref())?;
            let cursor = req
                .pagination
                .as_ref()
                .and_then(|p| p.cursor.clone())
                .filter(|c| !c.is_empty());
            let limit = req
                .pagination
                .as_ref()
                .and_then(|p| p.limit)
                .filter(|l| *l > 0)
                .unwrap_or(DEFAULT_LIMIT);
            let start_ledger = req.start_ledger.unwrap_or(0);
            if cursor.is_some() && (start_ledger != 0 || req.end_ledger.unwrap_or(0) != 0) {
                return Err(invalid_params(
                    "ledger ranges and cursor cannot both be set",
                ));
            }
            if cursor.is_none() && start_ledger == 0 {
                return Err(invalid_params("startLedger must be positive"));
            }
            if limit > MAX_LIMIT {
                return Err(invalid_params(format!("limit must not exceed {MAX_LIMIT}")));
            }
            if req.filters.len() > MAX_FILTERS {
                return Err(invalid_params(format!(
                    "maximum {MAX_FILTERS} filters per request"
                )));
            }
            let filters = req
                .filters
                .iter()
                .enumerate()
                .map(|(i, f)| parse_filter(i, f))
                .collect::<Result<Vec<_>, _>>()?;
            let start = match &cursor {
                Some(c) => {
                    let id: EventId = c.parse().map_err(|e: crate::events::BadEventId| {
                        ErrorObject::owned(
                            INVALID_PARAMS,
                            "invalid parameters",
                            Some(e.to_string()),
                        )
                    })?;
                    EventId {
                        index: id.index.wrapping_add(1),
                        ..id
                    }
                }
                None => EventId {
                    ledger: start_ledger,
                    tx: 0,
                    op: 0,
                    index: 0,
                },
            };
            let node = s.lock();
            let h = node.history();
            let (oldest, latest) = match (h.oldest(), h.latest()) {
                (Some(o), Some(l)) => (o, l),
                _ => return Err(invalid_request("no ledger closed yet")),
            };
            if start.ledger < oldest.sequence || start.ledger > latest.sequence {
                return Err(invalid_request(format!(
                    "startLedger must be within the ledger range: {} - {}",
                    oldest.sequence, latest.sequence
                )));
            }
            let mut end = start
                .ledger
                .saturating_add(LEDGER_SCAN_LIMIT)
                .min(latest.sequence + 1);
            if let Some(e) = req.end_ledger.filter(|e| *e != 0) {
                end = end.min(e);
            }
            let page = h.events.search(start, end, &filters, limit as usize);
            let response = Response {
                events: page.events.into_iter().map(EventJson::from).collect(),
                cursor: page.cursor.to_string(),
                latest_ledger: latest.sequence,
                latest_ledger_close_time: latest.close_time.to_string(),
                oldest_ledger: oldest.sequence,
                oldest_ledger_close_time: oldest.close_time.to_string(),
            };
            let internal = |e: serde_json::Error| {
                ErrorObject::owned(super::INTERNAL_ERROR, e.to_string(), None::<()>)
            };
            if format == XdrFormat::Json {
                let mut v = serde_json::to_value(&response).map_err(internal)?;
                if let Some(events) = v
                    .get_mut("events")
                    .and_then(serde_json::Value::as_array_mut)
                {
                    for e in events {
                        convert::<ScVal>(e, "topic", "topicJson")?;
                        convert::<ScVal>(e, "value", "valueJson")?;
                    }
                }
                return serde_json::value::to_raw_value(&v).map_err(internal);
            }
            // Serialized here, under the lock, so the page borrows the store instead of copying it.
            serde_json::value::to_raw_value(&response).map_err(internal)
        },
    )?;
    Ok(())
}
