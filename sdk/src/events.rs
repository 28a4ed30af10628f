//! Typed decoding of the four contracts' events, from either source, always checking the
//! emitting contract: the events `getEvents` returns ([`decode`]: topics and data as base64
//! `ScVal` XDR, stellar-rpc-client's `Event`) and those of an applied transaction
//! ([`decode_contract_event`]: XDR `ContractEvent`s, as in [`crate::Invoked::events`]).

use stellar_xdr::{ContractEvent, ContractEventBody, Limits, ReadXdr, ScAddress, ScVal};

use crate::{
    generated::{
        access::AccessEvent, claims::ClaimsEvent, insurance::InsuranceEvent, stream::StreamEvent,
    },
    scval::DecodeError,
};

/// The contract ids (`C…`) of one deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contracts {
    /// The stream contract.
    pub stream: String,
    /// The claims contract.
    pub claims: String,
    /// The access contract.
    pub access: String,
    /// The insurance contract.
    pub insurance: String,
}

/// An event of one of the four contracts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TributaryEvent {
    /// From the stream contract.
    Stream(StreamEvent),
    /// From the claims contract.
    Claims(ClaimsEvent),
    /// From the access contract.
    Access(AccessEvent),
    /// From the insurance contract.
    Insurance(InsuranceEvent),
}

/// The topics and data of an RPC event, decoded from base64 XDR.
///
/// # Errors
/// [`DecodeError`] if a topic or the value is not valid `ScVal` XDR.
pub fn topics_and_data(e: &stellar_rpc_client::Event) -> Result<(Vec<ScVal>, ScVal), DecodeError> {
    let xdr = |s: &str| {
        ScVal::from_xdr_base64(s, Limits::len(64 * 1024)).map_err(|err| DecodeError {
            expected: "base64 ScVal XDR".into(),
            path: String::new(),
            found: err.to_string(),
        })
    };
    let topics = e
        .topic
        .iter()
        .map(|t| xdr(t))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((topics, xdr(&e.value)?))
}

/// The typed event, if `e` comes from one of `contracts` and its topics name one of that
/// contract's events; `Ok(None)` for other contracts' and unknown events.
///
/// # Errors
/// [`DecodeError`] if the XDR is invalid or the event's values don't have its declared shape.
pub fn decode(
    contracts: &Contracts,
    e: &stellar_rpc_client::Event,
) -> Result<Option<TributaryEvent>, DecodeError> {
    let id = e.contract_id.as_str();
    if ![
        &contracts.stream,
        &contracts.claims,
        &contracts.access,
        &contracts.insurance,
    ]
    .iter()
    .any(|c| c.as_str() == id)
    {
        return Ok(None);
    }
    let (topics, data) = topics_and_data(e)?;
    decode_values(contracts, id, &topics, &data)
}

/// The typed event of a transaction's `ContractEvent` (as in [`crate::Invoked::events`]), if
/// one of `contracts` emitted it; `Ok(None)` for other contracts' and unknown events.
///
/// # Errors
/// [`DecodeError`] if the event's values don't have its declared shape.
pub fn decode_contract_event(
    contracts: &Contracts,
    e: &ContractEvent,
) -> Result<Option<TributaryEvent>, DecodeError> {
    let Some(id) = &e.contract_id else {
        return Ok(None);
    };
    let id = ScAddress::Contract(id.clone()).to_string();
    let ContractEventBody::V0(body) = &e.body;
    decode_values(contracts, &id, &body.topics, &body.data)
}

/// [`decode`] of topics and data already decoded from XDR ([`topics_and_data`]), emitted by
/// contract `id`; `Ok(None)` for other contracts and unknown events.
///
/// # Errors
/// [`DecodeError`] if the values don't have the event's declared shape.
pub fn decode_values(
    contracts: &Contracts,
    id: &str,
    topics: &[ScVal],
    data: &ScVal,
) -> Result<Option<TributaryEvent>, DecodeError> {
    Ok(if id == contracts.stream {
        StreamEvent::decode(topics, data)?.map(TributaryEvent::Stream)
    } else if id == contracts.claims {
        ClaimsEvent::decode(topics, data)?.map(TributaryEvent::Claims)
    } else if id == contracts.access {
        AccessEvent::decode(topics, data)?.map(TributaryEvent::Access)
    } else if id == contracts.insurance {
        InsuranceEvent::decode(topics, data)?.map(TributaryEvent::Insurance)
    } else {
        None
    })
}

/// The topic and data field names of the Tributary event called `name` (its first topic),
/// from the contracts' specs; `None` for other events. Event names are unique across the
/// four contracts, except `skim_paid`, which has the same fields in each.
pub fn field_names(name: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    StreamEvent::field_names(name)
        .or_else(|| ClaimsEvent::field_names(name))
        .or_else(|| AccessEvent::field_names(name))
        .or_else(|| InsuranceEvent::field_names(name))
}

/// One decoded event of a page: the RPC's event (ledger, id, transaction) and its typed value.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// The event as `getEvents` returned it.
    pub raw: stellar_rpc_client::Event,
    /// Its typed value.
    pub event: TributaryEvent,
}

/// The deployment's events from a ledger on, a page at a time: each [`Events::next_page`]
/// calls `getEvents` for the four contracts from the cursor the last page ended at (Stellar
/// RPC docs, `getEvents` pagination), so nothing is read twice or skipped. An empty page means
/// the reader is at the tip; call again later for more.
pub struct Events<'a> {
    client: &'a crate::Client,
    contracts: Contracts,
    start: Option<stellar_rpc_client::EventStart>,
    cursor: Option<String>,
    limit: usize,
}

impl<'a> Events<'a> {
    /// The events of `contracts` from ledger `from` on, `limit` (1 to 10,000) per page.
    pub fn new(client: &'a crate::Client, contracts: Contracts, from: u32, limit: usize) -> Self {
        Self {
            client,
            contracts,
            start: Some(stellar_rpc_client::EventStart::Ledger(from)),
            cursor: None,
            limit: limit.clamp(1, 10_000),
        }
    }

    /// The cursor after the last page read: store it to resume after a restart.
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// The next page, decoded; events of the contracts that no spec names are left out.
    ///
    /// # Errors
    /// [`crate::Error::Rpc`] or [`crate::Error::Unavailable`] from `getEvents` (a start ledger
    /// outside the RPC's retention window among them); [`crate::Error::Decode`] for an event
    /// whose values don't have its declared shape.
    pub async fn next_page(&mut self) -> Result<Vec<Decoded>, crate::Error> {
        let start = match (&self.cursor, &self.start) {
            (Some(c), _) => stellar_rpc_client::EventStart::Cursor(c.clone()),
            (None, Some(s)) => s.clone(),
            (None, None) => return Ok(Vec::new()),
        };
        let ids = [
            self.contracts.stream.clone(),
            self.contracts.claims.clone(),
            self.contracts.access.clone(),
            self.contracts.insurance.clone(),
        ];
        let page = self.client.get_events(start, &ids, self.limit).await?;
        self.cursor = Some(page.cursor);
        let mut out = Vec::with_capacity(page.events.len());
        for raw in page.events {
            if let Some(event) = decode(&self.contracts, &raw)? {
                out.push(Decoded { raw, event });
            }
        }
        Ok(out)
    }
}
