//! Transaction envelope validation: structure, fees, Soroban limits, source account, sequence
//! number, time and ledger bounds, and ed25519 signatures (stellar-core's `commonValid` rules
//! for V1 envelopes), and fee bumps (CAP-15): a V1 transaction whose fee another account pays.

use ed25519_dalek::{Signature, VerifyingKey};
use soroban_env_host::fees::{compute_transaction_resource_fee, TransactionResources};
use stellar_xdr::{
    AccountEntry, AccountId, ContractEvent, ContractEventBody, ContractEventType, ContractEventV0,
    DecoratedSignature, DiagnosticEvent, ExtensionPoint, FeeBumpTransactionInnerTx, Hash,
    InnerTransactionResult, InnerTransactionResultExt, InnerTransactionResultPair,
    InnerTransactionResultResult as Inner, Operation, OperationBody, Preconditions, PublicKey,
    ScError, ScErrorCode, ScString, ScSymbol, ScVal, SignerKey, SorobanTransactionData,
    SorobanTransactionDataExt, Transaction, TransactionEnvelope, TransactionExt,
    TransactionResultResult as R,
};

use crate::{
    classic::{load_account, min_balance},
    settings::{Settings, BASE_FEE},
    state::is_classic,
    txn::Overlay,
};

/// The outer part of a fee-bump envelope (CAP-15).
#[derive(Clone, Debug)]
pub struct FeeBump {
    /// The account that pays the fee and signs the outer envelope.
    pub fee_source: AccountId,
    /// The outer fee, stroops: the most the fee source pays.
    pub fee: i64,
    /// The inner transaction's hash (what its signatures sign).
    pub inner_hash: [u8; 32],
    /// The outer envelope's signatures (over [`CheckedTx::hash`]).
    pub signatures: Vec<DecoratedSignature>,
}

/// A transaction that passed the checks that don't depend on ledger state.
#[derive(Clone, Debug)]
pub struct CheckedTx {
    /// Transaction hash (the signature payload's SHA-256): the outer one for a fee bump, by
    /// which the network and `getTransaction` know it.
    pub hash: [u8; 32],
    /// The envelope as submitted.
    pub envelope: TransactionEnvelope,
    /// Its transaction.
    pub tx: Transaction,
    /// The source account.
    pub source: AccountId,
    /// The Soroban data of a Soroban transaction.
    pub soroban: Option<SorobanTransactionData>,
    /// Size of the envelope's XDR, bytes.
    pub size_bytes: u32,
    /// Non-refundable resource fee the declared resources cost, stroops (0 for classic).
    pub non_refundable_fee: i64,
    /// The fee bump wrapping the transaction, if any.
    pub fee_bump: Option<FeeBump>,
}

impl CheckedTx {
    /// Stroops charged up front: the minimum inclusion fee plus the declared resource fee.
    pub fn fee_charged_up_front(&self) -> i64 {
        self.inclusion_fee_due() + self.soroban.as_ref().map_or(0, |s| s.resource_fee)
    }

    /// The inclusion fee charged: the base fee per operation, and one more for a fee bump's
    /// outer envelope (no surge pricing here).
    pub fn inclusion_fee_due(&self) -> i64 {
        let ops = self.tx.operations.len() as i64 + i64::from(self.fee_bump.is_some());
        i64::from(BASE_FEE) * ops
    }

    /// Who pays the fee: the fee bump's fee source, else the transaction's source.
    pub fn fee_payer(&self) -> &AccountId {
        self.fee_bump
            .as_ref()
            .map_or(&self.source, |f| &f.fee_source)
    }

    /// The hash the transaction's own signatures sign: the inner hash for a fee bump.
    pub fn signed_hash(&self) -> &[u8; 32] {
        self.fee_bump.as_ref().map_or(&self.hash, |f| &f.inner_hash)
    }

    /// The transaction's own signatures (the inner envelope's for a fee bump).
    pub fn signatures(&self) -> &[DecoratedSignature] {
        match &self.envelope {
            TransactionEnvelope::Tx(v1) => v1.signatures.as_slice(),
            TransactionEnvelope::TxFeeBump(fb) => {
                let FeeBumpTransactionInnerTx::Tx(inner) = &fb.tx.inner_tx;
                inner.signatures.as_slice()
            }
            TransactionEnvelope::TxV0(_) => &[],
        }
    }

    /// `result` as this envelope reports it: a fee bump wraps the inner result
    /// (`txFEE_BUMP_INNER_SUCCESS` or `txFEE_BUMP_INNER_FAILED`, CAP-15).
    pub fn wrap_result(&self, result: R) -> R {
        let Some(fee_bump) = &self.fee_bump else {
            return result;
        };
        let success = matches!(result, R::TxSuccess(_));
        let pair = InnerTransactionResultPair {
            transaction_hash: Hash(fee_bump.inner_hash),
            result: InnerTransactionResult {
                fee_charged: 0,
                result: inner_result(result),
                ext: InnerTransactionResultExt::V0,
            },
        };
        if success {
            R::TxFeeBumpInnerSuccess(pair)
        } else {
            R::TxFeeBumpInnerFailed(pair)
        }
    }

    /// The refundable part of the declared resource fee, stroops.
    pub fn refundable_fee(&self) -> i64 {
        self.soroban
            .as_ref()
            .map_or(0, |s| s.resource_fee - self.non_refundable_fee)
    }

    /// The account each operation runs as.
    pub fn op_source(&self, op: &Operation) -> AccountId {
        op.source_account
            .clone()
            .map_or_else(|| self.source.clone(), |m| m.account_id())
    }
}

/// The inner result of a transaction result code (the codes a V1 transaction can have).
fn inner_result(r: R) -> Inner {
    match r {
        R::TxSuccess(x) => Inner::TxSuccess(x),
        R::TxFailed(x) => Inner::TxFailed(x),
        R::TxTooEarly => Inner::TxTooEarly,
        R::TxTooLate => Inner::TxTooLate,
        R::TxMissingOperation => Inner::TxMissingOperation,
        R::TxBadSeq => Inner::TxBadSeq,
        R::TxBadAuth => Inner::TxBadAuth,
        R::TxInsufficientBalance => Inner::TxInsufficientBalance,
        R::TxNoAccount => Inner::TxNoAccount,
        R::TxInsufficientFee => Inner::TxInsufficientFee,
        R::TxBadAuthExtra => Inner::TxBadAuthExtra,
        R::TxNotSupported => Inner::TxNotSupported,
        R::TxBadSponsorship => Inner::TxBadSponsorship,
        R::TxBadMinSeqAgeOrGap => Inner::TxBadMinSeqAgeOrGap,
        R::TxMalformed => Inner::TxMalformed,
        R::TxSorobanInvalid => Inner::TxSorobanInvalid,
        R::TxFrozenKeyAccessed => Inner::TxFrozenKeyAccessed,
        R::TxInternalError | R::TxFeeBumpInnerSuccess(_) | R::TxFeeBumpInnerFailed(_) => {
            Inner::TxInternalError
        }
    }
}

/// Why an envelope was refused before it reached the ledger: the `tx*` result code and, for
/// Soroban resource errors, stellar-core's validation-time diagnostic event
/// (`TransactionFrame::checkSorobanResources` / `validateSorobanTxForFlooding`), which
/// `sendTransaction` returns as `diagnosticEventsXdr`.
#[derive(Clone, Debug, PartialEq)]
pub struct Invalid {
    /// The transaction result code.
    pub code: R,
    /// Diagnostic events explaining it (empty for most codes).
    pub diagnostics: Vec<DiagnosticEvent>,
}

impl From<R> for Invalid {
    fn from(code: R) -> Self {
        Self {
            code,
            diagnostics: Vec::new(),
        }
    }
}

/// stellar-core's `DiagnosticEventManager::pushError`: a diagnostic event with topics
/// `["error", Error(type, code)]` and data `message` alone, or `[message, args…]`.
fn diagnostic_error(
    code: R,
    error: ScError,
    message: &str,
    args: impl IntoIterator<Item = u64>,
) -> Invalid {
    let text = ScVal::String(ScString(message.try_into().unwrap_or_default()));
    let args: Vec<ScVal> = args.into_iter().map(ScVal::U64).collect();
    let data = if args.is_empty() {
        text
    } else {
        let all: Vec<ScVal> = std::iter::once(text).chain(args).collect();
        ScVal::Vec(Some(all.try_into().unwrap_or_default()))
    };
    let topics = vec![
        ScVal::Symbol(ScSymbol("error".try_into().unwrap_or_default())),
        ScVal::Error(error),
    ];
    Invalid {
        code,
        diagnostics: vec![DiagnosticEvent {
            in_successful_contract_call: false,
            event: ContractEvent {
                ext: ExtensionPoint::V0,
                contract_id: None,
                type_: ContractEventType::Diagnostic,
                body: ContractEventBody::V0(ContractEventV0 {
                    topics: topics.try_into().unwrap_or_default(),
                    data,
                }),
            },
        }],
    }
}

/// Checks that don't depend on ledger state.
///
/// # Errors
/// [`Invalid`]: the result code, with a diagnostic event for Soroban fee and limit errors.
pub fn check_static(
    settings: &Settings,
    envelope: TransactionEnvelope,
    size_bytes: u32,
) -> Result<CheckedTx, Invalid> {
    let hash = envelope
        .hash(settings.network_id)
        .map_err(|_| Invalid::from(R::TxMalformed))?;
    let (tx, fee_bump) = match &envelope {
        TransactionEnvelope::Tx(v1) => (v1.tx.clone(), None),
        TransactionEnvelope::TxFeeBump(fb) => {
            let FeeBumpTransactionInnerTx::Tx(inner) = &fb.tx.inner_tx;
            let inner_hash = TransactionEnvelope::Tx(inner.clone())
                .hash(settings.network_id)
                .map_err(|_| Invalid::from(R::TxMalformed))?;
            let bump = FeeBump {
                fee_source: fb.tx.fee_source.clone().account_id(),
                fee: fb.tx.fee,
                inner_hash,
                signatures: fb.signatures.to_vec(),
            };
            (inner.tx.clone(), Some(bump))
        }
        TransactionEnvelope::TxV0(_) => return Err(R::TxNotSupported.into()),
    };
    if tx.operations.is_empty() {
        return Err(R::TxMissingOperation.into());
    }
    let soroban_ops = tx
        .operations
        .iter()
        .filter(|op| is_soroban(&op.body))
        .count();
    let soroban = match &tx.ext {
        TransactionExt::V1(data) => Some(data.clone()),
        TransactionExt::V0 => None,
    };
    if soroban_ops > 0 && (tx.operations.len() != 1 || soroban.is_none()) {
        return Err(R::TxMalformed.into());
    }
    if soroban_ops == 0 && soroban.is_some() {
        return Err(R::TxMalformed.into());
    }
    let resource_fee = soroban.as_ref().map_or(0, |s| s.resource_fee);
    if resource_fee < 0 {
        return Err(R::TxSorobanInvalid.into());
    }
    if resource_fee > i64::from(tx.fee) {
        return Err(diagnostic_error(
            R::TxSorobanInvalid,
            ScError::Value(ScErrorCode::ExceededLimit),
            "transaction `sorobanData.resourceFee` is higher than the full transaction fee",
            [resource_fee as u64, u64::from(tx.fee)],
        ));
    }
    let ops = tx.operations.len() as i64;
    if i64::from(tx.fee) - resource_fee < i64::from(BASE_FEE) * ops {
        return Err(R::TxInsufficientFee.into());
    }
    // CAP-15: the outer fee covers the resource fee and one base fee more than the inner
    // transaction has operations.
    if let Some(bump) = &fee_bump {
        if bump.fee - resource_fee < i64::from(BASE_FEE) * (ops + 1) {
            return Err(R::TxInsufficientFee.into());
        }
    }
    let non_refundable_fee = match &soroban {
        Some(data) => {
            let resources = declared_resources(data, size_bytes);
            check_limits(settings, &resources, data)?;
            let (non_refundable, refundable) =
                compute_transaction_resource_fee(&resources, &settings.fees());
            let due = non_refundable.saturating_add(refundable);
            if resource_fee < due {
                return Err(diagnostic_error(
                    R::TxSorobanInvalid,
                    ScError::Value(ScErrorCode::ExceededLimit),
                    "transaction `sorobanData.resourceFee` is lower than the actual Soroban \
                     resource fee",
                    [resource_fee as u64, due as u64],
                ));
            }
            non_refundable
        }
        None => 0,
    };
    let source = tx.source_account.clone().account_id();
    Ok(CheckedTx {
        hash,
        envelope,
        tx,
        source,
        soroban,
        size_bytes,
        non_refundable_fee,
        fee_bump,
    })
}

/// The resources a Soroban transaction declares, with no contract events yet.
pub fn declared_resources(data: &SorobanTransactionData, size_bytes: u32) -> TransactionResources {
    let fp = &data.resources.footprint;
    let classic = fp
        .read_only
        .iter()
        .chain(fp.read_write.iter())
        .filter(|k| is_classic(k))
        .count();
    TransactionResources {
        instructions: data.resources.instructions,
        disk_read_entries: (classic + archived_indices(data).len()) as u32,
        write_entries: fp.read_write.len() as u32,
        disk_read_bytes: data.resources.disk_read_bytes,
        write_bytes: data.resources.write_bytes,
        contract_events_size_bytes: 0,
        transaction_size_bytes: size_bytes,
    }
}

/// Indices into the read-write footprint of archived entries to restore first.
pub fn archived_indices(data: &SorobanTransactionData) -> &[u32] {
    match &data.ext {
        SorobanTransactionDataExt::V1(ext) => ext.archived_soroban_entries.as_slice(),
        SorobanTransactionDataExt::V0 => &[],
    }
}

/// Network limits on declared resources, in stellar-core's order, each with its diagnostic.
fn check_limits(
    settings: &Settings,
    r: &TransactionResources,
    data: &SorobanTransactionData,
) -> Result<(), Invalid> {
    let l = &settings.limits;
    let fp = &data.resources.footprint;
    let footprint = (fp.read_only.len() + fp.read_write.len()) as u32;
    let budget = ScError::Budget(ScErrorCode::ExceededLimit);
    let storage = ScError::Storage(ScErrorCode::ExceededLimit);
    let checks = [
        (
            r.instructions,
            l.instructions,
            budget,
            "transaction instructions resources exceed network config limit",
        ),
        (
            r.disk_read_bytes,
            l.disk_read_bytes,
            storage.clone(),
            "transaction byte-read resources exceed network config limit",
        ),
        (
            r.write_bytes,
            l.write_bytes,
            storage.clone(),
            "transaction byte-write resources exceed network config limit",
        ),
        (
            footprint,
            l.footprint_entries,
            storage.clone(),
            "the number of entries in transaction footprint exceeds the network config limit",
        ),
        (
            r.disk_read_entries,
            l.disk_read_entries,
            storage.clone(),
            "transaction entry-read resources exceed network config limit",
        ),
        (
            r.write_entries,
            l.write_entries,
            storage,
            "transaction entry-write resources exceed network config limit",
        ),
        (
            r.transaction_size_bytes,
            l.tx_size_bytes,
            ScError::Budget(ScErrorCode::ExceededLimit),
            "transaction size exceeds network config limit",
        ),
    ];
    for (used, limit, error, message) in checks {
        if used > limit {
            return Err(diagnostic_error(
                R::TxSorobanInvalid,
                error,
                message,
                [u64::from(used), u64::from(limit)],
            ));
        }
    }
    if archived_indices(data)
        .iter()
        .any(|i| (*i as usize) >= fp.read_write.len())
    {
        return Err(diagnostic_error(
            R::TxSorobanInvalid,
            ScError::Value(ScErrorCode::InvalidInput),
            "archived entry index is out of the read-write footprint",
            [],
        ));
    }
    Ok(())
}

fn is_soroban(op: &OperationBody) -> bool {
    matches!(
        op,
        OperationBody::InvokeHostFunction(_)
            | OperationBody::ExtendFootprintTtl(_)
            | OperationBody::RestoreFootprint(_)
    )
}

/// Checks against the ledger: bounds at (`ledger_seq`, `close_time`), the source account, the
/// sequence number (`expected_seq`, the next unused one), signatures and the fee balance. For a
/// fee bump, a failure of the inner transaction's checks comes back wrapped in
/// `txFEE_BUMP_INNER_FAILED`, as stellar-core reports it; the fee source's own checks (it exists,
/// signed the outer envelope, can pay) come back unwrapped.
pub fn check_with_state(
    tx: &CheckedTx,
    view: &Overlay<'_>,
    ledger_seq: u32,
    close_time: u64,
    expected_seq: Option<i64>,
) -> Result<(), R> {
    let source = check_inner(tx, view, ledger_seq, close_time, expected_seq)
        .map_err(|code| tx.wrap_result(code))?;
    let payer = match &tx.fee_bump {
        None => source,
        Some(bump) => {
            let Some(payer) = load_account(view, &bump.fee_source) else {
                return Err(R::TxNoAccount);
            };
            check_signatures(std::slice::from_ref(&payer), &tx.hash, &bump.signatures)?;
            payer
        }
    };
    if payer.balance - min_balance(&payer) < tx.fee_charged_up_front() {
        return Err(R::TxInsufficientBalance);
    }
    Ok(())
}

/// The transaction's own checks: bounds, source, sequence number and signatures; its source
/// account when they pass.
fn check_inner(
    tx: &CheckedTx,
    view: &Overlay<'_>,
    ledger_seq: u32,
    close_time: u64,
    expected_seq: Option<i64>,
) -> Result<AccountEntry, R> {
    check_bounds(&tx.tx.cond, ledger_seq, close_time)?;
    let Some(source) = load_account(view, &tx.source) else {
        return Err(R::TxNoAccount);
    };
    let next = expected_seq.unwrap_or(source.seq_num.0 + 1);
    if tx.tx.seq_num.0 != next {
        return Err(R::TxBadSeq);
    }
    let mut signers = vec![source.clone()];
    for op in tx.tx.operations.iter() {
        let id = tx.op_source(op);
        if signers.iter().all(|a| a.account_id != id) {
            let Some(account) = load_account(view, &id) else {
                // stellar-core: an operation whose source account doesn't exist fails the
                // transaction with opNO_ACCOUNT.
                let results = vec![stellar_xdr::OperationResult::OpNoAccount];
                return Err(R::TxFailed(results.try_into().unwrap_or_default()));
            };
            signers.push(account);
        }
    }
    check_signatures(&signers, tx.signed_hash(), tx.signatures())?;
    Ok(source)
}

/// `txBAD_AUTH` unless each of `accounts` reaches its threshold with `signatures` over `hash`,
/// `txBAD_AUTH_EXTRA` if a signature serves none of them.
fn check_signatures(
    accounts: &[AccountEntry],
    hash: &[u8; 32],
    signatures: &[DecoratedSignature],
) -> Result<(), R> {
    let mut used = vec![false; signatures.len()];
    for account in accounts {
        if !has_enough_weight(account, hash, signatures, &mut used) {
            return Err(R::TxBadAuth);
        }
    }
    if used.iter().any(|u| !u) {
        return Err(R::TxBadAuthExtra);
    }
    Ok(())
}

fn check_bounds(cond: &Preconditions, ledger_seq: u32, close_time: u64) -> Result<(), R> {
    let (time, ledgers) = match cond {
        Preconditions::None => (None, None),
        Preconditions::Time(t) => (Some(t), None),
        Preconditions::V2(v2) => (v2.time_bounds.as_ref(), v2.ledger_bounds.as_ref()),
    };
    if let Some(t) = time {
        if close_time < t.min_time.0 {
            return Err(R::TxTooEarly);
        }
        if t.max_time.0 != 0 && close_time > t.max_time.0 {
            return Err(R::TxTooLate);
        }
    }
    if let Some(l) = ledgers {
        if ledger_seq < l.min_ledger {
            return Err(R::TxTooEarly);
        }
        if l.max_ledger != 0 && ledger_seq >= l.max_ledger {
            return Err(R::TxTooLate);
        }
    }
    Ok(())
}

/// Whether the valid signatures of `account`'s ed25519 signers reach its medium threshold.
fn has_enough_weight(
    account: &AccountEntry,
    hash: &[u8; 32],
    signatures: &[DecoratedSignature],
    used: &mut [bool],
) -> bool {
    let PublicKey::PublicKeyTypeEd25519(master) = &account.account_id.0;
    let mut keys: Vec<([u8; 32], u32)> = vec![(master.0, u32::from(account.thresholds.0[0]))];
    for s in account.signers.iter() {
        if let SignerKey::Ed25519(k) = &s.key {
            keys.push((k.0, s.weight));
        }
    }
    let needed = u32::from(account.thresholds.0[2]).max(1);
    let mut weight = 0u32;
    for (key, key_weight) in keys {
        if key_weight == 0 {
            continue;
        }
        let hint = &key[28..];
        let Ok(vk) = VerifyingKey::from_bytes(&key) else {
            continue;
        };
        let found = signatures.iter().enumerate().find(|(_, s)| {
            s.hint.0 == hint
                && Signature::from_slice(s.signature.as_slice())
                    .is_ok_and(|sig| vk.verify_strict(hash, &sig).is_ok())
        });
        if let Some((i, _)) = found {
            used[i] = true;
            weight = weight.saturating_add(key_weight.min(255));
        }
    }
    weight >= needed
}
