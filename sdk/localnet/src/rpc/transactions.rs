//! Transaction methods: `sendTransaction`, `getTransaction`, `getTransactions` and
//! `simulateTransaction`.

use jsonrpsee::{
    types::{ErrorObject, ErrorObjectOwned},
    RpcModule,
};
use serde::Deserialize;
use serde_json::{json, Value};
use stellar_xdr::{
    ContractEvent, DiagnosticEvent, LedgerEntry, LedgerKey, Limits, ReadXdr, ScVal,
    SorobanAuthorizationEntry, SorobanTransactionData, TransactionEnvelope, TransactionEvent,
    TransactionMeta, TransactionResult, WriteXdr,
};

use super::{
    check_xdr_format, invalid_params,
    ledgers::{Paged, PagedRequest},
    parse,
    xdr_json::{convert, parse_format, XdrFormat},
    Shared, INVALID_PARAMS,
};
use crate::{events::EventId, history::TxRecord, node::Submission, simulate::simulate};

/// Largest transaction envelope accepted, bytes of XDR (stellar-rpc decodes at most 1 MB).
pub const MAX_ENVELOPE_BYTES: u32 = 1024 * 1024;

type Res = Result<Value, ErrorObjectOwned>;

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendRequest {
    #[serde(default)]
    transaction: String,
    xdr_format: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HashRequest {
    #[serde(default)]
    hash: String,
    xdr_format: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SimulateRequest {
    #[serde(default)]
    transaction: String,
    auth_mode: Option<String>,
    resource_config: Option<ResourceConfig>,
    xdr_format: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceConfig {
    #[serde(default)]
    instruction_leeway: u64,
}

/// Decodes a base64 envelope; `invalid_xdr` as stellar-rpc reports it.
fn decode_envelope(b64: &str) -> Result<(TransactionEnvelope, u32), ErrorObjectOwned> {
    let limits = Limits {
        depth: 500,
        len: MAX_ENVELOPE_BYTES as usize,
    };
    let envelope = TransactionEnvelope::from_xdr_base64(b64, limits)
        .map_err(|_| invalid_params("invalid_xdr"))?;
    let size = envelope
        .to_xdr(Limits::none())
        .map_err(|_| invalid_params("invalid_xdr"))?
        .len() as u32;
    Ok((envelope, size))
}

/// A transaction's fields as `getTransaction(s)` show them.
fn tx_fields(t: &TxRecord, created_at: Value) -> Value {
    let mut v = json!({
        "status": if t.success { "SUCCESS" } else { "FAILED" },
        "txHash": t.hash,
        "applicationOrder": t.application_order,
        "feeBump": t.fee_bump,
        "envelopeXdr": t.envelope_xdr,
        "resultXdr": t.result_xdr,
        "resultMetaXdr": t.meta_xdr,
        "events": { "contractEventsXdr": t.contract_events_xdr },
        "ledger": t.ledger,
        "createdAt": created_at,
    });
    if !t.transaction_events_xdr.is_empty() {
        v["events"]["transactionEventsXdr"] = json!(t.transaction_events_xdr);
    }
    if !t.diagnostic_events_xdr.is_empty() {
        v["diagnosticEventsXdr"] = json!(t.diagnostic_events_xdr);
    }
    v
}

/// A transaction's XDR fields in JSON (`getTransaction`, `getTransactions`).
fn tx_json(v: &mut Value) -> Result<(), ErrorObjectOwned> {
    convert::<TransactionEnvelope>(v, "envelopeXdr", "envelopeJson")?;
    convert::<TransactionResult>(v, "resultXdr", "resultJson")?;
    convert::<TransactionMeta>(v, "resultMetaXdr", "resultMetaJson")?;
    convert::<DiagnosticEvent>(v, "diagnosticEventsXdr", "diagnosticEventsJson")?;
    if let Some(events) = v.get_mut("events") {
        convert::<ContractEvent>(events, "contractEventsXdr", "contractEventsJson")?;
        convert::<TransactionEvent>(events, "transactionEventsXdr", "transactionEventsJson")?;
    }
    Ok(())
}

/// A simulation's XDR fields in JSON. `stateChanges[].before/after` stay, as null (stellar-rpc
/// declares them without `omitempty`).
fn simulation_json(v: &mut Value) -> Result<(), ErrorObjectOwned> {
    convert::<SorobanTransactionData>(v, "transactionData", "transactionDataJson")?;
    convert::<DiagnosticEvent>(v, "events", "eventsJson")?;
    if let Some(results) = v.get_mut("results").and_then(Value::as_array_mut) {
        for r in results {
            convert::<SorobanAuthorizationEntry>(r, "auth", "authJson")?;
            convert::<ScVal>(r, "xdr", "returnValueJson")?;
        }
    }
    if let Some(preamble) = v.get_mut("restorePreamble") {
        convert::<SorobanTransactionData>(preamble, "transactionData", "transactionDataJson")?;
    }
    if let Some(changes) = v.get_mut("stateChanges").and_then(Value::as_array_mut) {
        for c in changes {
            convert::<LedgerKey>(c, "key", "keyJson")?;
            convert::<LedgerEntry>(c, "before", "beforeJson")?;
            convert::<LedgerEntry>(c, "after", "afterJson")?;
            c["before"] = Value::Null;
            c["after"] = Value::Null;
        }
    }
    Ok(())
}

pub(super) fn register(
    m: &mut RpcModule<Shared>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    m.register_blocking_method("sendTransaction", |p, s, _| -> Res {
        let req: SendRequest = parse(&p)?;
        let format = check_xdr_format(req.xdr_format.as_deref())?;
        let (envelope, size) = decode_envelope(&req.transaction)?;
        let mut node = s.lock();
        let hash = envelope
            .hash(node.settings().network_id)
            .map_err(|_| invalid_params("invalid_hash"))?;
        let outcome = node.submit(envelope, size);
        let mut v = json!({
            "hash": hex::encode(hash),
            "latestLedger": node.header().ledger_seq,
            "latestLedgerCloseTime": node.header().scp_value.close_time.0.to_string(),
        });
        match outcome {
            Submission::Pending => v["status"] = json!("PENDING"),
            Submission::Duplicate => v["status"] = json!("DUPLICATE"),
            Submission::Rejected(result, diagnostics) => {
                v["status"] = json!("ERROR");
                v["errorResultXdr"] =
                    json!(result.to_xdr_base64(Limits::none()).unwrap_or_default());
                // stellar-rpc sends core's validation diagnostics when there are any.
                if !diagnostics.is_empty() {
                    let events: Vec<String> = diagnostics
                        .iter()
                        .map(|e| e.to_xdr_base64(Limits::none()).unwrap_or_default())
                        .collect();
                    v["diagnosticEventsXdr"] = json!(events);
                }
                if format == XdrFormat::Json {
                    convert::<TransactionResult>(&mut v, "errorResultXdr", "errorResultJson")?;
                    convert::<DiagnosticEvent>(
                        &mut v,
                        "diagnosticEventsXdr",
                        "diagnosticEventsJson",
                    )?;
                }
            }
        }
        Ok(v)
    })?;
    m.register_method("getTransaction", |p, s, _| -> Res {
        let req: HashRequest = parse(&p)?;
        let format = check_xdr_format(req.xdr_format.as_deref())?;
        if req.hash.len() != 64 {
            return Err(invalid_params(format!(
                "unexpected hash length ({})",
                req.hash.len()
            )));
        }
        // Lowercase hex, as the history keys transactions (the request may be uppercase).
        let hash = hex::encode(
            hex::decode(&req.hash).map_err(|e| invalid_params(format!("incorrect hash: {e}")))?,
        );
        let node = s.lock();
        let h = node.history();
        let mut v = match h.transactions.get(&hash) {
            Some(t) => tx_fields(t, json!(t.created_at.to_string())),
            // stellar-rpc echoes the requested hash since v23 (clients key their polling on it).
            None => json!({
                "status": "NOT_FOUND", "txHash": hash, "applicationOrder": 0,
                "feeBump": false, "events": {}, "ledger": 0, "createdAt": "0",
            }),
        };
        v["latestLedger"] = json!(h.latest().map_or(0, |l| l.sequence));
        v["latestLedgerCloseTime"] = json!(h.latest().map_or(0, |l| l.close_time).to_string());
        v["oldestLedger"] = json!(h.oldest().map_or(0, |l| l.sequence));
        v["oldestLedgerCloseTime"] = json!(h.oldest().map_or(0, |l| l.close_time).to_string());
        if format == XdrFormat::Json {
            tx_json(&mut v)?;
        }
        Ok(v)
    })?;
    m.register_method("getTransactions", |p, s, _| -> Res {
        let req: PagedRequest = parse(&p)?;
        let node = s.lock();
        let h = node.history();
        let (oldest, latest) = (
            h.oldest().map_or(0, |l| l.sequence),
            h.latest().map_or(0, |l| l.sequence),
        );
        let Paged {
            start,
            cursor,
            limit,
            format,
        } = req.validate(oldest, latest)?;
        // Cursor: the TOID of the last transaction returned (ledger << 32 | order << 12 | 1).
        let after = match (start, cursor) {
            (_, Some(c)) => {
                let toid: u64 = c.parse().map_err(|e| {
                    ErrorObject::owned(
                        INVALID_PARAMS,
                        "invalid parameters",
                        Some(format!("invalid cursor {c}: {e}")),
                    )
                })?;
                let id = EventId {
                    ledger: (toid >> 32) as u32,
                    tx: ((toid >> 12) & 0xF_FFFF) as u32,
                    op: 0,
                    index: 0,
                };
                (id.ledger, id.tx)
            }
            (Some(s), None) => (s, 0),
            (None, None) => (oldest, 0),
        };
        let mut out = Vec::new();
        let mut last = None;
        'ledgers: for seq in after.0.max(oldest)..=latest {
            let Some(l) = h.ledger(seq) else { continue };
            for (i, hash) in l.transactions.iter().enumerate() {
                let order = i as u32 + 1;
                if seq == after.0 && order <= after.1 {
                    continue;
                }
                if out.len() == limit as usize {
                    break 'ledgers;
                }
                if let Some(t) = h.transactions.get(hash) {
                    let mut v = tx_fields(t, json!(t.created_at));
                    if format == XdrFormat::Json {
                        tx_json(&mut v)?;
                    }
                    out.push(v);
                    last = Some((seq, order));
                }
            }
        }
        let cursor = last.map_or(0, |(l, o)| (u64::from(l) << 32) | (u64::from(o) << 12) | 1);
        Ok(json!({
            "transactions": out,
            "latestLedger": latest,
            "latestLedgerCloseTimestamp": h.latest().map_or(0, |l| l.close_time),
            "oldestLedger": oldest,
            "oldestLedgerCloseTimestamp": h.oldest().map_or(0, |l| l.close_time),
            "cursor": cursor.to_string(),
        }))
    })?;
    m.register_blocking_method("simulateTransaction", |p, s, _| -> Res {
        let req: SimulateRequest = parse(&p)?;
        // stellar-rpc answers a bad format in the result's `error`, not as a JSON-RPC error.
        let format = match parse_format(req.xdr_format.as_deref()) {
            Ok(f) => f,
            Err(e) => return Ok(json!({ "error": e, "latestLedger": 0 })),
        };
        let Ok((envelope, _)) = decode_envelope(&req.transaction) else {
            return Ok(json!({ "error": "Could not unmarshal transaction", "latestLedger": 0 }));
        };
        let (settings, state, ledger, latest) = {
            let node = s.lock();
            (
                node.settings().clone(),
                node.state().clone(),
                node.next_ledger_info(),
                node.header().ledger_seq,
            )
        };
        let leeway = req.resource_config.map_or(0, |r| r.instruction_leeway);
        let response = simulate(
            &settings,
            state,
            &ledger,
            latest,
            &envelope,
            req.auth_mode.as_deref(),
            leeway,
        );
        let mut v = serde_json::to_value(response)
            .map_err(|e| ErrorObject::owned(super::INTERNAL_ERROR, e.to_string(), None::<()>))?;
        if format == XdrFormat::Json {
            simulation_json(&mut v)?;
        }
        Ok(v)
    })?;
    Ok(())
}
