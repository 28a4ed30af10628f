//! Network and ledger methods: `getHealth`, `getNetwork`, `getVersionInfo`, `getFeeStats`,
//! `getLatestLedger`, `getLedgers` and `getLedgerEntries`.

use jsonrpsee::{types::ErrorObjectOwned, RpcModule};
use serde::Deserialize;
use serde_json::{json, Value};
use stellar_xdr::{
    LedgerCloseMeta, LedgerEntryData, LedgerEntryExt, LedgerHeaderHistoryEntry, LedgerKey, Limits,
    ReadXdr, WriteXdr,
};

use super::{
    check_xdr_format, invalid_params, invalid_request, parse,
    xdr_json::{convert, parse_format, XdrFormat},
    Shared,
};
use crate::{
    config_settings::config_entry,
    settings::{BASE_FEE, PROTOCOL_VERSION},
    state::{liveness, Liveness, StoredEntry},
};

/// Most keys per `getLedgerEntries` request.
pub const MAX_LEDGER_ENTRY_KEYS: usize = 200;
/// Default and maximum page size of `getLedgers` and `getTransactions`.
pub const DEFAULT_PAGE: u32 = 50;
/// Maximum page size of `getLedgers` and `getTransactions`.
pub const MAX_PAGE: u32 = 200;

type Module = RpcModule<Shared>;
type Res = Result<Value, ErrorObjectOwned>;

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntriesRequest {
    #[serde(default)]
    keys: Vec<String>,
    xdr_format: Option<String>,
}

/// Shared paging parameters of `getLedgers` and `getTransactions`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PagedRequest {
    pub start_ledger: Option<u32>,
    pub pagination: Option<Pagination>,
    pub xdr_format: Option<String>,
}

#[derive(Default, Deserialize)]
pub(super) struct Pagination {
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

impl PagedRequest {
    /// Validates the start and limit against `[oldest, latest]` with stellar-rpc's messages.
    pub(super) fn validate(&self, oldest: u32, latest: u32) -> Result<Paged, ErrorObjectOwned> {
        let cursor = self
            .pagination
            .as_ref()
            .and_then(|p| p.cursor.clone())
            .filter(|c| !c.is_empty());
        let limit = self
            .pagination
            .as_ref()
            .and_then(|p| p.limit)
            .filter(|l| *l > 0)
            .unwrap_or(DEFAULT_PAGE);
        // Without a cursor the start is required: a missing one reads as 0, which is out of
        // range (stellar-rpc answers -32600 for both).
        let s = self.start_ledger.unwrap_or(0);
        let mut errors = Vec::new();
        match &cursor {
            Some(c) if s != 0 => errors.push(format!(
                "startLedger ({s}) and cursor ({c}) cannot both be set"
            )),
            Some(_) => {}
            None if s < oldest || s > latest => errors.push(format!(
                "start ledger ({s}) must be between the oldest ledger: {oldest} and the latest ledger: {latest} for this rpc instance"
            )),
            None => {}
        }
        let start = (cursor.is_none()).then_some(s);
        if limit > MAX_PAGE {
            errors.push(format!("limit must not exceed {MAX_PAGE}"));
        }
        // stellar-rpc joins the format error after the paging ones, all as -32600.
        let format = parse_format(self.xdr_format.as_deref());
        if let Err(e) = &format {
            errors.push(e.clone());
        }
        match format {
            Ok(format) if errors.is_empty() => Ok(Paged {
                start,
                cursor,
                limit,
                format,
            }),
            _ => Err(invalid_request(errors.join("\n"))),
        }
    }
}

/// A validated page request.
pub(super) struct Paged {
    /// The start ledger, when there is no cursor.
    pub start: Option<u32>,
    /// The cursor, when given.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: u32,
    /// How XDR values are answered.
    pub format: XdrFormat,
}

pub(super) fn register(m: &mut Module) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    m.register_method("getHealth", |_, s, _| -> Res {
        let node = s.lock();
        let h = node.history();
        let (oldest, latest) = (h.oldest(), h.latest());
        Ok(json!({
            "status": "healthy",
            "latestLedger": latest.map_or(0, |l| l.sequence),
            // Strings, as the OpenRPC document and the Go client (`json:",string"`) have them.
            "latestLedgerCloseTime": latest.map_or(0, |l| l.close_time).to_string(),
            "oldestLedger": oldest.map_or(0, |l| l.sequence),
            "oldestLedgerCloseTime": oldest.map_or(0, |l| l.close_time).to_string(),
            "ledgerRetentionWindow": node.retention(),
        }))
    })?;
    m.register_method("getNetwork", |_, s, _| -> Res {
        let node = s.lock();
        Ok(json!({
            "friendbotUrl": s.friendbot_url,
            "passphrase": node.settings().passphrase,
            "protocolVersion": PROTOCOL_VERSION,
        }))
    })?;
    m.register_method("getVersionInfo", |_, _, _| -> Res {
        Ok(json!({
            "version": env!("CARGO_PKG_VERSION"),
            "commitHash": "",
            "buildTimestamp": "",
            "captiveCoreVersion": "tributary-localnet (soroban-env-host 29.0.1)",
            "protocolVersion": PROTOCOL_VERSION,
        }))
    })?;
    m.register_method("getFeeStats", |_, s, _| -> Res {
        let node = s.lock();
        let h = node.history();
        let window: Vec<_> = h.ledgers.iter().rev().take(50).collect();
        let (mut soroban, mut classic) = (Vec::new(), Vec::new());
        for l in &window {
            for t in l.transactions.iter().filter_map(|t| h.transactions.get(t)) {
                if t.soroban {
                    soroban.push(t.inclusion_fee)
                } else {
                    classic.push(t.inclusion_fee)
                }
            }
        }
        let latest = h.latest().map_or(0, |l| l.sequence);
        Ok(json!({
            "sorobanInclusionFee": fee_stat(soroban, window.len()),
            "inclusionFee": fee_stat(classic, window.len()),
            "latestLedger": latest,
        }))
    })?;
    m.register_method("getLatestLedger", |_, s, _| -> Res {
        let node = s.lock();
        let latest = node
            .history()
            .latest()
            .ok_or_else(|| invalid_request("no ledger closed yet"))?;
        Ok(json!({
            "id": latest.hash,
            "protocolVersion": PROTOCOL_VERSION,
            "sequence": latest.sequence,
            "closeTime": latest.close_time.to_string(),
            "headerXdr": latest.header_xdr,
            "metadataXdr": latest.meta_xdr,
        }))
    })?;
    m.register_method("getLedgers", |p, s, _| -> Res {
        let req: PagedRequest = parse(&p)?;
        let node = s.lock();
        let h = node.history();
        let (oldest, latest) = (h.oldest().map_or(0, |l| l.sequence), h.latest().map_or(0, |l| l.sequence));
        let Paged { start, cursor, limit, format } = req.validate(oldest, latest)?;
        let first = match (start, cursor) {
            (_, Some(c)) => {
                let c: u32 = c.parse().map_err(|e| super::invalid_params(format!("invalid cursor {c}: {e}")))?;
                if c < oldest || c >= latest {
                    return Err(invalid_params(format!(
                        "cursor ('{c}') must be between the oldest ledger: {oldest} and the latest ledger: {latest} for this rpc instance"
                    )));
                }
                c + 1
            }
            (Some(s), None) => s,
            (None, None) => oldest,
        };
        let mut ledgers: Vec<Value> = (first..=latest)
            .take(limit as usize)
            .filter_map(|seq| h.ledger(seq))
            .map(|l| {
                json!({
                    "hash": l.hash,
                    "sequence": l.sequence,
                    "ledgerCloseTime": l.close_time.to_string(),
                    "headerXdr": l.header_entry_xdr,
                    "metadataXdr": l.meta_xdr,
                })
            })
            .collect();
        if format == XdrFormat::Json {
            for l in &mut ledgers {
                convert::<LedgerHeaderHistoryEntry>(l, "headerXdr", "headerJson")?;
                convert::<LedgerCloseMeta>(l, "metadataXdr", "metadataJson")?;
                // stellar-rpc keeps these two fields (no `omitempty`), empty.
                l["headerXdr"] = json!("");
                l["metadataXdr"] = json!("");
            }
        }
        let cursor = ledgers.last().and_then(|l| l["sequence"].as_u64()).unwrap_or(u64::from(first.saturating_sub(1)));
        Ok(json!({
            "ledgers": ledgers,
            "latestLedger": latest,
            "latestLedgerCloseTime": h.latest().map_or(0, |l| l.close_time),
            "oldestLedger": oldest,
            "oldestLedgerCloseTime": h.oldest().map_or(0, |l| l.close_time),
            "cursor": cursor.to_string(),
        }))
    })?;
    m.register_method("getLedgerEntries", |p, s, _| -> Res {
        let req: EntriesRequest = parse(&p)?;
        let format = check_xdr_format(req.xdr_format.as_deref())?;
        if req.keys.len() > MAX_LEDGER_ENTRY_KEYS {
            return Err(invalid_params(format!(
                "key count ({}) exceeds maximum supported ({MAX_LEDGER_ENTRY_KEYS})",
                req.keys.len()
            )));
        }
        let mut keys = Vec::with_capacity(req.keys.len());
        for (i, k) in req.keys.iter().enumerate() {
            let key = LedgerKey::from_xdr_base64(k, Limits::len(64 * 1024)).map_err(|_| {
                invalid_params(format!("cannot unmarshal key value {k} at index {i}"))
            })?;
            if matches!(key, LedgerKey::Ttl(_)) {
                return Err(invalid_params(
                    "ledger ttl entries cannot be queried directly",
                ));
            }
            keys.push((k, key));
        }
        let node = s.lock();
        let latest = node.header().ledger_seq;
        let mut entries: Vec<Value> = keys
            .iter()
            .filter_map(|(raw, key)| {
                // The network's configuration lives in settings, not in the state.
                let config;
                let e = match key {
                    LedgerKey::ConfigSetting(c) => {
                        config = StoredEntry {
                            entry: config_entry(node.settings(), c.config_setting_id),
                            live_until: None,
                        };
                        &config
                    }
                    _ => node.state().get(key)?,
                };
                if liveness(e, key, latest + 1) == Liveness::Expired {
                    return None;
                }
                let mut v = json!({
                    "key": raw,
                    "xdr": e.entry.data.to_xdr_base64(Limits::none()).unwrap_or_default(),
                    "lastModifiedLedgerSeq": e.entry.last_modified_ledger_seq,
                    "extXdr": e.entry.ext.to_xdr_base64(Limits::none()).unwrap_or_default(),
                });
                if let Some(until) = e.live_until {
                    v["liveUntilLedgerSeq"] = json!(until);
                }
                Some(v)
            })
            .collect();
        if format == XdrFormat::Json {
            for e in &mut entries {
                convert::<LedgerKey>(e, "key", "keyJson")?;
                convert::<LedgerEntryData>(e, "xdr", "dataJson")?;
                convert::<LedgerEntryExt>(e, "extXdr", "extJson")?;
            }
        }
        Ok(json!({ "entries": entries, "latestLedger": latest }))
    })?;
    Ok(())
}

/// A fee distribution as stellar-rpc reports it: nearest-rank percentiles, strings.
fn fee_stat(mut fees: Vec<i64>, ledgers: usize) -> Value {
    fees.sort_unstable();
    let pct = |p: usize| -> String {
        if fees.is_empty() {
            return BASE_FEE.to_string();
        }
        let rank = (p * fees.len()).div_ceil(100).max(1);
        fees[rank - 1].to_string()
    };
    let mode = {
        let mut best = (i64::from(BASE_FEE), 0usize);
        let mut i = 0;
        while i < fees.len() {
            let j = fees[i..].iter().take_while(|f| **f == fees[i]).count();
            if j > best.1 {
                best = (fees[i], j);
            }
            i += j;
        }
        best.0.to_string()
    };
    json!({
        "max": fees.last().copied().unwrap_or(i64::from(BASE_FEE)).to_string(),
        "min": fees.first().copied().unwrap_or(i64::from(BASE_FEE)).to_string(),
        "mode": mode,
        "p10": pct(10), "p20": pct(20), "p30": pct(30), "p40": pct(40), "p50": pct(50),
        "p60": pct(60), "p70": pct(70), "p80": pct(80), "p90": pct(90), "p95": pct(95), "p99": pct(99),
        "transactionCount": fees.len().to_string(),
        "ledgerCount": ledgers,
    })
}
