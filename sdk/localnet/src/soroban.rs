//! Soroban operations: `InvokeHostFunction` through soroban-env-host's end-to-end path
//! (`e2e_invoke::invoke_host_function`, the one stellar-core calls), `RestoreFootprint` and
//! `ExtendFootprintTTL`, with the per-transaction checks stellar-core adds around the host:
//! archived entries, disk-read and write bytes, entry sizes, events size, and the refundable
//! fee covering rent and events.

use sha2::{Digest, Sha256};
use soroban_env_host::{
    e2e_invoke::{
        entry_size_for_rent, extract_rent_changes, invoke_host_function, TtlLedgerEntryMeta,
    },
    fees::{compute_rent_fee, compute_transaction_resource_fee, LedgerEntryRentChange},
    xdr::{Limits, ReadXdr, WriteXdr},
    HostError, LedgerInfo, ModuleCache,
};
use stellar_xdr::{
    AccountId, ContractDataDurability, ContractEvent, DiagnosticEvent, ExtendFootprintTtlResult,
    Hash, InvokeHostFunctionOp, InvokeHostFunctionResult, InvokeHostFunctionSuccessPreImage,
    LedgerEntry, LedgerEntryData, LedgerKey, OperationResult, OperationResultTr,
    RestoreFootprintResult, ScErrorCode, ScErrorType, ScVal, SorobanTransactionData,
};

use crate::{
    envelope::{archived_indices, declared_resources, CheckedTx},
    settings::Settings,
    state::{durability, is_classic, liveness, Liveness},
    txn::Overlay,
};

/// What a Soroban operation did. Its writes are staged in the overlay only on success.
pub struct SorobanOutcome {
    /// The operation result.
    pub result: OperationResult,
    /// The return value of a successful invocation.
    pub return_value: Option<ScVal>,
    /// Contract events of a successful invocation.
    pub events: Vec<ContractEvent>,
    /// Diagnostic events (debug level), also on failure.
    pub diagnostics: Vec<DiagnosticEvent>,
    /// Refundable fee consumed: rent plus events, stroops.
    pub refundable_consumed: i64,
    /// Rent part of it, stroops.
    pub rent_fee: i64,
}

impl SorobanOutcome {
    fn failed(result: OperationResult, diagnostics: Vec<DiagnosticEvent>) -> Self {
        Self {
            result,
            return_value: None,
            events: vec![],
            diagnostics,
            refundable_consumed: 0,
            rent_fee: 0,
        }
    }

    /// Whether the operation succeeded.
    pub fn is_success(&self) -> bool {
        matches!(
            self.result,
            OperationResult::OpInner(
                OperationResultTr::InvokeHostFunction(InvokeHostFunctionResult::Success(_))
                    | OperationResultTr::RestoreFootprint(RestoreFootprintResult::Success)
                    | OperationResultTr::ExtendFootprintTtl(ExtendFootprintTtlResult::Success)
            )
        )
    }
}

fn invoke_result(r: InvokeHostFunctionResult) -> OperationResult {
    OperationResult::OpInner(OperationResultTr::InvokeHostFunction(r))
}

fn xdr_len<T: WriteXdr>(v: &T) -> u32 {
    v.to_xdr(Limits::none())
        .map_or(u32::MAX, |b| b.len() as u32)
}

/// Runs an `InvokeHostFunction` operation of `tx` as `op_source`.
pub fn invoke(
    settings: &Settings,
    modules: &ModuleCache,
    view: &mut Overlay<'_>,
    ledger: &LedgerInfo,
    tx: &CheckedTx,
    op: &InvokeHostFunctionOp,
    op_source: &AccountId,
) -> SorobanOutcome {
    let Some(data) = tx.soroban.as_ref() else {
        return SorobanOutcome::failed(invoke_result(InvokeHostFunctionResult::Malformed), vec![]);
    };
    match run_invoke(settings, modules, view, ledger, tx, data, op, op_source) {
        Ok(outcome) => outcome,
        Err(code) => SorobanOutcome::failed(invoke_result(code), vec![]),
    }
}

#[allow(clippy::too_many_arguments)]
fn run_invoke(
    settings: &Settings,
    modules: &ModuleCache,
    view: &mut Overlay<'_>,
    ledger: &LedgerInfo,
    tx: &CheckedTx,
    data: &SorobanTransactionData,
    op: &InvokeHostFunctionOp,
    op_source: &AccountId,
) -> Result<SorobanOutcome, InvokeHostFunctionResult> {
    use InvokeHostFunctionResult as F;
    let seq = ledger.sequence_number;
    let budget = settings
        .budget(data.resources.instructions)
        .map_err(|_| F::Malformed)?;
    let fp = &data.resources.footprint;
    let restored = archived_indices(data);
    let min_persistent_until = seq + settings.min_persistent_ttl - 1;
    let mut inputs: Vec<(Option<Vec<u8>>, Option<TtlLedgerEntryMeta>)> = Vec::new();
    let mut disk_read_bytes = 0u32;
    let keys = fp
        .read_only
        .iter()
        .map(|k| (k, None))
        .chain(fp.read_write.iter().enumerate().map(|(i, k)| (k, Some(i))));
    for (key, rw_index) in keys {
        let Some(stored) = view.get(key) else {
            inputs.push((None, None));
            continue;
        };
        let bytes = stored
            .entry
            .to_xdr(Limits::none())
            .map_err(|_| F::Malformed)?;
        let size = bytes.len() as u32;
        let state = liveness(&stored, key, seq);
        let marked = rw_index.is_some_and(|i| restored.contains(&(i as u32)));
        let live_until = match (state, marked) {
            (Liveness::Expired, _) => {
                inputs.push((None, None));
                continue;
            }
            (Liveness::Archived, false) => return Err(F::EntryArchived),
            (Liveness::Archived, true) => {
                disk_read_bytes = disk_read_bytes.saturating_add(size);
                Some(min_persistent_until)
            }
            (Liveness::Live, _) => stored.live_until,
        };
        if is_classic(key) {
            disk_read_bytes = disk_read_bytes.saturating_add(size);
        }
        let ttl = match live_until {
            Some(until) if durability(key).is_some() => Some(TtlLedgerEntryMeta {
                live_until_ledger: until,
                entry_size_for_rent: entry_size_for_rent(&budget, &stored.entry, size)
                    .map_err(|_| F::Malformed)?,
            }),
            _ => None,
        };
        inputs.push((Some(bytes), ttl));
    }
    if disk_read_bytes > data.resources.disk_read_bytes {
        return Err(F::ResourceLimitExceeded);
    }
    let encode =
        |v: &dyn Fn() -> Result<Vec<u8>, stellar_xdr::Error>| v().map_err(|_| F::Malformed);
    let host_fn = encode(&|| op.host_function.to_xdr(Limits::none()))?;
    let resources = encode(&|| data.resources.to_xdr(Limits::none()))?;
    let source = encode(&|| op_source.to_xdr(Limits::none()))?;
    let auth: Vec<Vec<u8>> = op
        .auth
        .iter()
        .map(|a| a.to_xdr(Limits::none()))
        .collect::<Result<_, _>>()
        .map_err(|_| F::Malformed)?;
    let seed: [u8; 32] = Sha256::digest(tx.hash).into();
    let mut diagnostics = Vec::new();
    let result = invoke_host_function(
        &budget,
        true,
        host_fn,
        resources,
        restored,
        source,
        auth.into_iter(),
        ledger.clone(),
        inputs.into_iter(),
        seed.to_vec(),
        &mut diagnostics,
        None,
        Some(modules.clone()),
    );
    let result = match result {
        Ok(r) => r,
        Err(e) => {
            return Ok(SorobanOutcome::failed(
                invoke_result(failure_code(&e)),
                diagnostics,
            ))
        }
    };
    let encoded_value = match result.encoded_invoke_result {
        Ok(v) => v,
        Err(e) => {
            return Ok(SorobanOutcome::failed(
                invoke_result(failure_code(&e)),
                diagnostics,
            ))
        }
    };
    let fail = |code, diagnostics| Ok(SorobanOutcome::failed(invoke_result(code), diagnostics));
    // Writes: size limits and the declared write bytes.
    let mut write_bytes = 0u32;
    for change in &result.ledger_changes {
        if let Some(new) = &change.encoded_new_value {
            write_bytes = write_bytes.saturating_add(new.len() as u32);
            if !entry_fits(settings, &change.encoded_key, new) {
                return fail(F::ResourceLimitExceeded, diagnostics);
            }
        }
    }
    if write_bytes > data.resources.write_bytes {
        return fail(F::ResourceLimitExceeded, diagnostics);
    }
    let events_size = result
        .encoded_contract_events
        .iter()
        .map(|e| e.len() as u32)
        .sum::<u32>()
        .saturating_add(encoded_value.len() as u32);
    if events_size > settings.limits.contract_events_size_bytes {
        return fail(F::ResourceLimitExceeded, diagnostics);
    }
    // Refundable fee: rent plus the events' share of the resource fee.
    let rent_fee = compute_rent_fee(
        &extract_rent_changes(&result.ledger_changes),
        &settings.rent(),
        seq,
    );
    let mut resources_used = declared_resources(data, tx.size_bytes);
    resources_used.contract_events_size_bytes = events_size;
    let (_, events_fee) = compute_transaction_resource_fee(&resources_used, &settings.fees());
    let refundable_consumed = rent_fee.saturating_add(events_fee);
    if refundable_consumed > tx.refundable_fee() {
        return fail(F::InsufficientRefundableFee, diagnostics);
    }
    let return_value = ScVal::from_xdr(&encoded_value, Limits::none()).map_err(|_| F::Malformed)?;
    let events: Vec<ContractEvent> = result
        .encoded_contract_events
        .iter()
        .map(|e| ContractEvent::from_xdr(e, Limits::none()))
        .collect::<Result<_, _>>()
        .map_err(|_| F::Malformed)?;
    for change in result.ledger_changes {
        let key =
            LedgerKey::from_xdr(&change.encoded_key, Limits::none()).map_err(|_| F::Malformed)?;
        let new_until = change.ttl_change.as_ref().map(|t| t.new_live_until_ledger);
        match (change.read_only, change.encoded_new_value) {
            (true, _) => {
                if let (Some(t), Some(until)) = (&change.ttl_change, new_until) {
                    if t.new_live_until_ledger > t.old_live_until_ledger {
                        view.set_live_until(&key, until);
                    }
                }
            }
            (false, Some(new)) => {
                let entry =
                    LedgerEntry::from_xdr(&new, Limits::none()).map_err(|_| F::Malformed)?;
                view.put(entry, new_until);
            }
            (false, None) => {
                if view.get(&key).is_some() {
                    view.remove(&key);
                }
            }
        }
    }
    let preimage = InvokeHostFunctionSuccessPreImage {
        return_value: return_value.clone(),
        events: events.clone().try_into().map_err(|_| F::Malformed)?,
    };
    let hash =
        Hash(Sha256::digest(preimage.to_xdr(Limits::none()).map_err(|_| F::Malformed)?).into());
    Ok(SorobanOutcome {
        result: invoke_result(F::Success(hash)),
        return_value: Some(return_value),
        events,
        diagnostics,
        refundable_consumed,
        rent_fee,
    })
}

/// A host error is a resource failure if the budget ran out, otherwise a trap.
fn failure_code(e: &HostError) -> InvokeHostFunctionResult {
    if e.error.is_type(ScErrorType::Budget) && e.error.is_code(ScErrorCode::ExceededLimit) {
        InvokeHostFunctionResult::ResourceLimitExceeded
    } else {
        InvokeHostFunctionResult::Trapped
    }
}

/// Mainnet's entry size limits for contract data keys, data entries and code.
fn entry_fits(settings: &Settings, encoded_key: &[u8], encoded_entry: &[u8]) -> bool {
    let l = &settings.limits;
    match LedgerEntry::from_xdr(encoded_entry, Limits::none()).map(|e| e.data) {
        Ok(LedgerEntryData::ContractData(_)) => {
            encoded_key.len() as u32 <= l.contract_data_key_size_bytes
                && encoded_entry.len() as u32 <= l.contract_data_entry_size_bytes
        }
        Ok(LedgerEntryData::ContractCode(c)) => {
            c.code.len() as u32 <= l.contract_code_entry_size_bytes
        }
        Ok(_) => true,
        Err(_) => false,
    }
}

fn rent_change(
    settings: &Settings,
    entry: &LedgerEntry,
    key: &LedgerKey,
    old: Option<(u32, u32)>,
    new_until: u32,
) -> Option<LedgerEntryRentChange> {
    let size = xdr_len(entry);
    let budget = settings.budget(settings.limits.instructions).ok()?;
    let size = entry_size_for_rent(&budget, entry, size).ok()?;
    let (old_size, old_until) = old.unwrap_or((0, 0));
    Some(LedgerEntryRentChange {
        is_persistent: durability(key) == Some(ContractDataDurability::Persistent),
        is_code_entry: matches!(key, LedgerKey::ContractCode(_)),
        old_size_bytes: if old.is_some() { old_size.max(size) } else { 0 },
        new_size_bytes: size,
        old_live_until_ledger: old_until,
        new_live_until_ledger: new_until,
    })
}

/// Runs a `RestoreFootprint` operation: archived persistent entries in the read-write
/// footprint come back live until `seq + min_persistent_ttl - 1`.
pub fn restore(
    settings: &Settings,
    view: &mut Overlay<'_>,
    ledger: &LedgerInfo,
    tx: &CheckedTx,
) -> SorobanOutcome {
    use RestoreFootprintResult as F;
    let out = |r| OperationResult::OpInner(OperationResultTr::RestoreFootprint(r));
    let Some(data) = tx.soroban.as_ref() else {
        return SorobanOutcome::failed(out(F::Malformed), vec![]);
    };
    let fp = &data.resources.footprint;
    if !fp.read_only.is_empty()
        || fp
            .read_write
            .iter()
            .any(|k| durability(k) != Some(ContractDataDurability::Persistent))
    {
        return SorobanOutcome::failed(out(F::Malformed), vec![]);
    }
    let seq = ledger.sequence_number;
    let until = seq + settings.min_persistent_ttl - 1;
    let (mut read, mut written, mut changes) = (0u32, 0u32, Vec::new());
    for key in fp.read_write.iter() {
        let Some(stored) = view.get(key) else {
            continue;
        };
        if liveness(&stored, key, seq) != Liveness::Archived {
            continue;
        }
        let size = xdr_len(&stored.entry);
        read = read.saturating_add(size);
        written = written.saturating_add(size);
        changes.extend(rent_change(settings, &stored.entry, key, None, until));
        view.set_live_until(key, until);
    }
    finish_ttl_op(
        settings,
        data,
        tx,
        seq,
        read,
        written,
        &changes,
        out(F::Success),
        out(F::ResourceLimitExceeded),
        out(F::InsufficientRefundableFee),
    )
}

/// Runs an `ExtendFootprintTTL` operation: live entries in the read-only footprint live until
/// at least `seq + extend_to` (at most `seq + max_entry_ttl - 1`).
pub fn extend(
    settings: &Settings,
    view: &mut Overlay<'_>,
    ledger: &LedgerInfo,
    tx: &CheckedTx,
    extend_to: u32,
) -> SorobanOutcome {
    use ExtendFootprintTtlResult as F;
    let out = |r| OperationResult::OpInner(OperationResultTr::ExtendFootprintTtl(r));
    let Some(data) = tx.soroban.as_ref() else {
        return SorobanOutcome::failed(out(F::Malformed), vec![]);
    };
    let fp = &data.resources.footprint;
    if !fp.read_write.is_empty()
        || fp.read_only.iter().any(|k| durability(k).is_none())
        || extend_to >= settings.max_entry_ttl
    {
        return SorobanOutcome::failed(out(F::Malformed), vec![]);
    }
    let seq = ledger.sequence_number;
    let target = seq + extend_to;
    let mut changes = Vec::new();
    for key in fp.read_only.iter() {
        let Some(stored) = view.get(key) else {
            continue;
        };
        let Some(old_until) = stored.live_until else {
            continue;
        };
        if liveness(&stored, key, seq) != Liveness::Live || old_until >= target {
            continue;
        }
        let size = xdr_len(&stored.entry);
        changes.extend(rent_change(
            settings,
            &stored.entry,
            key,
            Some((size, old_until)),
            target,
        ));
        view.set_live_until(key, target);
    }
    finish_ttl_op(
        settings,
        data,
        tx,
        seq,
        0,
        0,
        &changes,
        out(F::Success),
        out(F::ResourceLimitExceeded),
        out(F::InsufficientRefundableFee),
    )
}

#[allow(clippy::too_many_arguments)]
fn finish_ttl_op(
    settings: &Settings,
    data: &SorobanTransactionData,
    tx: &CheckedTx,
    seq: u32,
    read: u32,
    written: u32,
    changes: &[LedgerEntryRentChange],
    success: OperationResult,
    over_limit: OperationResult,
    underpaid: OperationResult,
) -> SorobanOutcome {
    if read > data.resources.disk_read_bytes || written > data.resources.write_bytes {
        return SorobanOutcome::failed(over_limit, vec![]);
    }
    let rent_fee = compute_rent_fee(changes, &settings.rent(), seq);
    if rent_fee > tx.refundable_fee() {
        return SorobanOutcome::failed(underpaid, vec![]);
    }
    SorobanOutcome {
        result: success,
        return_value: None,
        events: vec![],
        diagnostics: vec![],
        refundable_consumed: rent_fee,
        rent_fee,
    }
}
