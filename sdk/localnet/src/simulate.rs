//! `simulateTransaction` through soroban-simulation 29.0.1, with stellar-rpc 28's request
//! rules and response shape (`methods/simulate_transaction.go`).
//!
//! Since protocol 23 an invocation that touches archived entries restores them itself (the
//! footprint lists them in `archived_soroban_entries`), so `restorePreamble` is only returned
//! for an `ExtendFootprintTTL` whose keys are archived, as stellar-rpc does.

use std::rc::Rc;

use serde::Serialize;
use sha2::{Digest, Sha256};
use soroban_env_host::{
    e2e_invoke::{RecordingInvocationAuthMode, RecordingInvocationAuthParams},
    LedgerInfo,
};
use soroban_simulation::simulation::{
    simulate_extend_ttl_op, simulate_invoke_host_function_op, simulate_restore_op,
    SimulationAdjustmentConfig, SimulationAdjustmentFactor,
};
use soroban_simulation::AutoRestoringSnapshotSource;
use stellar_xdr::{
    LedgerEntry, Limits, Memo, OperationBody, SorobanTransactionData, TransactionEnvelope,
    TransactionExt, WriteXdr,
};

use crate::{
    settings::Settings,
    state::{LedgerState, Snapshot},
};

/// The response of `simulateTransaction`. Failures are reported in `error`, not as JSON-RPC
/// errors, as stellar-rpc does.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulateResponse {
    /// Why the simulation failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Base64 `SorobanTransactionData` to attach to the transaction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_data: Option<String>,
    /// Minimum resource fee, stroops, as a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_resource_fee: Option<String>,
    /// Base64 `DiagnosticEvent`s.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// The invocation's result: one entry with auth entries and the return value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<SimulateResult>>,
    /// A restore to send first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_preamble: Option<RestorePreamble>,
    /// Entries the invocation would change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_changes: Option<Vec<StateChange>>,
    /// The ledger simulated on top of.
    pub latest_ledger: u32,
}

/// The invocation result of a simulation.
#[derive(Debug, Serialize)]
pub struct SimulateResult {
    /// Base64 `SorobanAuthorizationEntry`s to sign.
    pub auth: Vec<String>,
    /// Base64 `ScVal` return value.
    pub xdr: String,
}

/// A `RestoreFootprint` transaction to send before the simulated one.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestorePreamble {
    /// Base64 `SorobanTransactionData` for the restore.
    pub transaction_data: String,
    /// Its minimum resource fee, stroops, decimal string.
    pub min_resource_fee: String,
}

/// One entry the invocation would change: base64 `LedgerKey` and `LedgerEntry` XDR.
#[derive(Debug, Serialize)]
pub struct StateChange {
    /// `created`, `updated` or `deleted`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The entry's key.
    pub key: String,
    /// The entry before, if any.
    pub before: Option<String>,
    /// The entry after, if any.
    pub after: Option<String>,
}

fn b64<T: WriteXdr>(v: &T) -> String {
    v.to_xdr_base64(Limits::none()).unwrap_or_default()
}

fn fail(error: impl Into<String>, latest_ledger: u32) -> SimulateResponse {
    SimulateResponse {
        error: Some(error.into()),
        latest_ledger,
        ..Default::default()
    }
}

/// Simulates `envelope` on `state` at the next ledger (`ledger`); `latest` is the last closed
/// one. `auth_mode` is `enforce`, `record`, `record_allow_nonroot` or absent (enforce when the
/// operation carries auth entries, else record). `instruction_leeway` is added to the
/// simulated instructions.
pub fn simulate(
    settings: &Settings,
    state: LedgerState,
    ledger: &LedgerInfo,
    latest: u32,
    envelope: &TransactionEnvelope,
    auth_mode: Option<&str>,
    instruction_leeway: u64,
) -> SimulateResponse {
    let TransactionEnvelope::Tx(v1) = envelope else {
        return fail("Could not unmarshal transaction", 0);
    };
    let tx = &v1.tx;
    if tx.operations.len() != 1 {
        return fail("Transaction contains more than one operation", 0);
    }
    if tx.memo != Memo::None {
        return fail(
            "Transaction contains a memo. Soroban transactions do not support memos.",
            0,
        );
    }
    let op = &tx.operations[0];
    let source = op
        .source_account
        .clone()
        .unwrap_or_else(|| tx.source_account.clone())
        .account_id();
    let mut adjust = SimulationAdjustmentConfig::default_adjustment();
    adjust.instructions = SimulationAdjustmentFactor::new(
        adjust.instructions.multiplicative_factor,
        adjust
            .instructions
            .additive_factor
            .saturating_add(u32::try_from(instruction_leeway).unwrap_or(u32::MAX)),
    );
    let network = settings.network_config();
    let data = match &tx.ext {
        TransactionExt::V1(d) => Some(d),
        TransactionExt::V0 => None,
    };
    let needs_data = "To perform a SimulateTransaction for ExtendFootprintTtl or RestoreFootprint operations, SorobanTransactionData must be provided";
    match &op.body {
        OperationBody::InvokeHostFunction(invoke) => {
            let mode = match (auth_mode, invoke.auth.is_empty()) {
                (Some("enforce"), _) | (None, false) => RecordingInvocationAuthMode::Enforcing(invoke.auth.to_vec()),
                (Some("record"), true) | (None, true) => {
                    RecordingInvocationAuthMode::Recording(RecordingInvocationAuthParams::new(true, false))
                }
                (Some("record_allow_nonroot"), true) => {
                    RecordingInvocationAuthMode::Recording(RecordingInvocationAuthParams::new(false, false))
                }
                (Some("record" | "record_allow_nonroot"), false) => {
                    return fail("cannot set authMode to 'record' with an auth footprint", 0)
                }
                (Some(_), _) => {
                    return fail("optional 'authMode' must be one of enforce,record,record_allow_nonroot when included", 0)
                }
            };
            let seed: [u8; 32] = Sha256::digest(b64(envelope)).into();
            let snapshot = Rc::new(Snapshot(state));
            let result = simulate_invoke_host_function_op(
                snapshot,
                &network,
                &adjust,
                ledger,
                invoke.host_function.clone(),
                mode,
                &source,
                seed,
                true,
            );
            let r = match result {
                Ok(r) => r,
                Err(e) => return fail(format!("{e:#}"), latest),
            };
            let events = r.diagnostic_events.iter().map(b64).collect();
            let value = match r.invoke_result {
                Ok(v) => v,
                Err(e) => {
                    return SimulateResponse {
                        events,
                        // As stellar-rpc: the error, then the host's debug event log
                        // ("Event log (newest first): …"), from `HostError`'s Debug.
                        ..fail(format!("{e:?}"), latest)
                    };
                }
            };
            let Some(data) = r.transaction_data else {
                return SimulateResponse {
                    events,
                    ..fail("simulation produced no transaction data", latest)
                };
            };
            let state_changes = r
                .modified_entries
                .iter()
                .map(|d| {
                    let key = d
                        .state_after
                        .as_ref()
                        .or(d.state_before.as_ref())
                        .map(LedgerEntry::to_key);
                    StateChange {
                        kind: match (&d.state_before, &d.state_after) {
                            (None, _) => "created",
                            (Some(_), Some(_)) => "updated",
                            (Some(_), None) => "deleted",
                        },
                        key: key.as_ref().map(b64).unwrap_or_default(),
                        before: d.state_before.as_ref().map(b64),
                        after: d.state_after.as_ref().map(b64),
                    }
                })
                .collect();
            SimulateResponse {
                transaction_data: Some(b64(&data)),
                min_resource_fee: Some(data.resource_fee.to_string()),
                events,
                results: Some(vec![SimulateResult {
                    auth: r.auth.iter().map(b64).collect(),
                    xdr: b64(&value),
                }]),
                state_changes: Some(state_changes),
                latest_ledger: latest,
                ..Default::default()
            }
        }
        OperationBody::ExtendFootprintTtl(extend) => {
            let Some(data) = data else {
                return fail(needs_data, latest);
            };
            if auth_mode.is_some() {
                return fail(
                    "cannot set authMode with non-InvokeHostFunction operations",
                    0,
                );
            }
            let keys = data.resources.footprint.read_only.to_vec();
            // As stellar-rpc does: extend on a view where archived keys are restored, and
            // return that restore as the preamble.
            let restoring = match AutoRestoringSnapshotSource::new(Rc::new(Snapshot(state)), ledger)
            {
                Ok(s) => s,
                Err(e) => return fail(format!("{e:#}"), latest),
            };
            let extended = simulate_extend_ttl_op(
                &restoring,
                &network,
                &adjust,
                ledger,
                &keys,
                extend.extend_to,
            );
            let restore = restoring.simulate_restore_keys_op(&network, &adjust, ledger);
            match (extended, restore) {
                (Ok(r), Ok(restore)) => SimulateResponse {
                    restore_preamble: restore.map(|r| preamble(&r.transaction_data)),
                    ..data_only(&r.transaction_data, latest)
                },
                (Err(e), _) | (_, Err(e)) => fail(format!("{e:#}"), latest),
            }
        }
        OperationBody::RestoreFootprint(_) => {
            let Some(data) = data else {
                return fail(needs_data, latest);
            };
            if auth_mode.is_some() {
                return fail(
                    "cannot set authMode with non-InvokeHostFunction operations",
                    0,
                );
            }
            let keys = data.resources.footprint.read_write.to_vec();
            match simulate_restore_op(&Snapshot(state), &network, &adjust, ledger, &keys) {
                Ok(r) => data_only(&r.transaction_data, latest),
                Err(e) => fail(format!("{e:#}"), latest),
            }
        }
        other => fail(
            format!(
                "transaction contains unsupported operation type: OperationType{}",
                op_name(other)
            ),
            0,
        ),
    }
}

fn data_only(data: &SorobanTransactionData, latest: u32) -> SimulateResponse {
    SimulateResponse {
        transaction_data: Some(b64(data)),
        min_resource_fee: Some(data.resource_fee.to_string()),
        latest_ledger: latest,
        ..Default::default()
    }
}

fn preamble(data: &SorobanTransactionData) -> RestorePreamble {
    RestorePreamble {
        transaction_data: b64(data),
        min_resource_fee: data.resource_fee.to_string(),
    }
}

fn op_name(body: &OperationBody) -> String {
    let name = body.name();
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
