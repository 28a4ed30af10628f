//! The node: ledger state, the queue of submitted transactions, and ledger close.
//!
//! `submit` validates an envelope against the latest state plus the queue and queues it;
//! `close_ledger` applies the queue in submission order, charges fees, records results, meta
//! and events, and seals a new ledger header.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};
use soroban_env_host::{HostError, LedgerInfo};
use stellar_xdr::{
    AccountId, ContractEvent, ContractEventBody, ContractEventType, ContractEventV0, ContractId,
    ContractIdPreimage, DependentTxCluster, DiagnosticEvent, ExtensionPoint,
    GeneralizedTransactionSet, Hash, HashIdPreimage, HashIdPreimageContractId, LedgerCloseMeta,
    LedgerCloseMetaExt, LedgerCloseMetaV2, LedgerEntry, LedgerEntryChanges, LedgerEntryData,
    LedgerHeader, LedgerHeaderExt, LedgerHeaderHistoryEntry, LedgerHeaderHistoryEntryExt,
    LedgerKey, Limits, OperationBody, OperationMetaV2, OperationResult, OperationResultTr,
    ParallelTxExecutionStage, ParallelTxsComponent, PublicKey, ScSymbol, ScVal,
    SorobanTransactionMetaExt, SorobanTransactionMetaExtV1, SorobanTransactionMetaV2, StellarValue,
    StellarValueExt, TimePoint, TransactionEnvelope, TransactionEvent, TransactionEventStage,
    TransactionMeta, TransactionMetaV4, TransactionPhase, TransactionResult, TransactionResultExt,
    TransactionResultMetaV1, TransactionResultPair, TransactionResultResult, TransactionResultSet,
    TransactionSetV1, TxSetComponent, TxSetComponentTxsMaybeDiscountedFee, Uint256, WriteXdr,
};

use crate::{
    classic::{self, load_account, new_account, store_account},
    envelope::{check_static, check_with_state, CheckedTx, Invalid},
    events::{EventId, EventKind, EventRecord},
    history::{History, LedgerRecord, TxRecord},
    modules::Modules,
    settings::{Settings, BASE_FEE, BASE_RESERVE, PROTOCOL_VERSION, TOTAL_COINS},
    soroban::{self, SorobanOutcome},
    state::{LedgerState, StoredEntry},
    txn::{commit, Overlay},
};

/// Lumens friendbot gives a new account, stroops (10,000 XLM, as quickstart's friendbot).
pub const FRIENDBOT_AMOUNT: i64 = 10_000 * 10_000_000;

/// What `submit` did with an envelope (`sendTransaction`'s statuses).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Submission {
    /// Queued for the next ledger.
    Pending,
    /// Already queued or applied.
    Duplicate,
    /// Invalid; the result carries the `tx*` code and a zero fee, with stellar-core's
    /// diagnostic events for Soroban resource errors.
    Rejected(TransactionResult, Vec<DiagnosticEvent>),
}

/// The single-node ledger.
pub struct Node {
    settings: Arc<Settings>,
    retention: u32,
    header: LedgerHeader,
    header_hash: [u8; 32],
    state: LedgerState,
    pending: Vec<CheckedTx>,
    pending_hashes: HashSet<[u8; 32]>,
    next_seq: HashMap<AccountId, i64>,
    history: History,
    time_offset: u64,
    root: SigningKey,
    modules: Modules,
    /// The native asset's contract, which emits the fee events.
    native_asset: ContractId,
}

/// The current Unix time, seconds.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn xdr_b64<T: WriteXdr>(v: &T) -> String {
    v.to_xdr_base64(Limits::none()).unwrap_or_default()
}

fn xdr_hash<T: WriteXdr>(v: &T) -> [u8; 32] {
    Sha256::digest(v.to_xdr(Limits::none()).unwrap_or_default()).into()
}

impl Node {
    /// A new network: ledger 1 holds the root account with every lumen. The root key is
    /// derived from the network id, as in stellar-core.
    ///
    /// # Errors
    /// A host error if the WASM module cache can't be set up.
    pub fn genesis(settings: Settings, retention: u32) -> Result<Self, HostError> {
        let root = SigningKey::from_bytes(&settings.network_id);
        let close_time = unix_now();
        let mut state = LedgerState::default();
        state.put(new_account(account_id(&root), TOTAL_COINS, 1), None);
        let header = LedgerHeader {
            ledger_version: PROTOCOL_VERSION,
            previous_ledger_hash: Hash([0; 32]),
            scp_value: StellarValue {
                tx_set_hash: Hash([0; 32]),
                close_time: TimePoint(close_time),
                upgrades: Default::default(),
                ext: StellarValueExt::Basic,
            },
            tx_set_result_hash: Hash([0; 32]),
            bucket_list_hash: Hash([0; 32]),
            ledger_seq: 1,
            total_coins: TOTAL_COINS,
            fee_pool: 0,
            inflation_seq: 0,
            id_pool: 0,
            base_fee: BASE_FEE,
            base_reserve: BASE_RESERVE,
            max_tx_set_size: 1000,
            skip_list: Default::default(),
            ext: LedgerHeaderExt::V0,
        };
        let mut node = Self::from_parts(settings, retention, header, state, History::default(), 0)?;
        let record = node.ledger_record(
            Vec::new(),
            Vec::new(),
            Vec::new(),
            GeneralizedTransactionSet::V1(empty_tx_set()),
        );
        node.history.ledgers.push_back(record);
        Ok(node)
    }

    /// Rebuilds a node from saved parts (see [`crate::persist`]).
    pub(crate) fn from_parts(
        settings: Settings,
        retention: u32,
        header: LedgerHeader,
        state: LedgerState,
        history: History,
        time_offset: u64,
    ) -> Result<Self, HostError> {
        let root = SigningKey::from_bytes(&settings.network_id);
        let native_asset = native_asset_contract(settings.network_id);
        let settings = Arc::new(settings);
        let modules = Modules::new(settings.clone(), &state)?;
        Ok(Self {
            modules,
            settings,
            retention,
            header_hash: xdr_hash(&header),
            header,
            state,
            pending: Vec::new(),
            pending_hashes: HashSet::new(),
            next_seq: HashMap::new(),
            history,
            time_offset,
            root,
            native_asset,
        })
    }

    /// Network settings.
    pub fn settings(&self) -> &Arc<Settings> {
        &self.settings
    }

    /// The latest closed ledger's header.
    pub fn header(&self) -> &LedgerHeader {
        &self.header
    }

    /// The latest closed ledger's hash.
    pub fn header_hash(&self) -> [u8; 32] {
        self.header_hash
    }

    /// The ledger state after the latest ledger.
    pub fn state(&self) -> &LedgerState {
        &self.state
    }

    /// Ledgers, transactions and events of the retention window.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The retention window, ledgers.
    pub fn retention(&self) -> u32 {
        self.retention
    }

    /// Seconds added to the wall clock for ledger close times.
    pub fn time_offset(&self) -> u64 {
        self.time_offset
    }

    /// Moves the ledger clock forward by `seconds` from the next ledger on.
    pub fn advance_time(&mut self, seconds: u64) {
        self.time_offset = self.time_offset.saturating_add(seconds);
    }

    /// Transactions waiting for the next ledger.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// The host's ledger info for simulating on top of the latest ledger: the next sequence
    /// number and the current clock.
    pub fn next_ledger_info(&self) -> LedgerInfo {
        let seq = self.header.ledger_seq + 1;
        self.settings.ledger_info(seq, self.next_close_time())
    }

    fn next_close_time(&self) -> u64 {
        (unix_now() + self.time_offset).max(self.header.scp_value.close_time.0 + 1)
    }

    /// Validates an envelope (`size_bytes`: its XDR length) and queues it.
    pub fn submit(&mut self, envelope: TransactionEnvelope, size_bytes: u32) -> Submission {
        let rejected = |invalid: Invalid| {
            Submission::Rejected(
                TransactionResult {
                    fee_charged: 0,
                    result: invalid.code,
                    ext: TransactionResultExt::V0,
                },
                invalid.diagnostics,
            )
        };
        let tx = match check_static(&self.settings, envelope, size_bytes) {
            Ok(tx) => tx,
            Err(invalid) => return rejected(invalid),
        };
        if self.pending_hashes.contains(&tx.hash)
            || self
                .history
                .transactions
                .contains_key(&hex::encode(tx.hash))
        {
            return Submission::Duplicate;
        }
        let next = self.header.ledger_seq + 1;
        let view = Overlay::new(&self.state, next);
        let expected = self.next_seq.get(&tx.source).copied();
        if let Err(code) = check_with_state(&tx, &view, next, self.next_close_time(), expected) {
            return rejected(code.into());
        }
        self.next_seq.insert(tx.source.clone(), tx.tx.seq_num.0 + 1);
        self.pending_hashes.insert(tx.hash);
        self.pending.push(tx);
        Submission::Pending
    }

    /// The genesis root account's key (friendbot's source account).
    pub(crate) fn root_key(&self) -> &SigningKey {
        &self.root
    }

    /// The native asset's contract id on this network.
    pub fn native_asset(&self) -> &ContractId {
        &self.native_asset
    }

    /// The next sequence number of `source` after its queued transactions, if any are queued.
    pub(crate) fn queued_next_seq(&self, source: &AccountId) -> Option<i64> {
        self.next_seq.get(source).copied()
    }

    /// Closes the next ledger with every queued transaction; returns its sequence number.
    pub fn close_ledger(&mut self) -> u32 {
        let seq = self.header.ledger_seq + 1;
        let close_time = self.next_close_time();
        let evicted = self.state.evict_expired_temporary(seq);
        let ledger = self.settings.ledger_info(seq, close_time);
        let txs = std::mem::take(&mut self.pending);
        self.pending_hashes.clear();
        self.next_seq.clear();
        let (mut processing, mut records, mut fees) = (Vec::new(), Vec::new(), 0i64);
        // getEvents order (stellar-rpc's ids): every fee charge of the ledger, then each
        // transaction's operation events, then every refund.
        let (mut charges, mut operation_events, mut refunds) = (Vec::new(), Vec::new(), Vec::new());
        for (i, tx) in txs.iter().enumerate() {
            let applied = self.apply_tx(&ledger, i as u32 + 1, tx);
            fees += applied.meta.result.result.fee_charged;
            for (stage, event) in applied.fee_events {
                let (list, tx_index) = match stage {
                    TransactionEventStage::BeforeAllTxs => (&mut charges, 0),
                    _ => (&mut refunds, FEE_REFUND_TX_INDEX),
                };
                let id = EventId {
                    ledger: seq,
                    tx: tx_index,
                    op: 0,
                    index: list.len() as u32,
                };
                list.push(EventRecord { id, ..event });
            }
            operation_events.extend(applied.events);
            records.push(applied.record);
            processing.push(applied.meta);
        }
        self.history.events.extend(charges);
        self.history.events.extend(operation_events);
        self.history.events.extend(refunds);
        let tx_set = tx_set(&self.header_hash, &txs);
        let results = TransactionResultSet {
            results: processing
                .iter()
                .map(|p| p.result.clone())
                .collect::<Vec<_>>()
                .try_into()
                .unwrap_or_default(),
        };
        self.header = LedgerHeader {
            previous_ledger_hash: Hash(self.header_hash),
            scp_value: StellarValue {
                tx_set_hash: Hash(xdr_hash(&tx_set)),
                close_time: TimePoint(close_time),
                upgrades: Default::default(),
                ext: StellarValueExt::Basic,
            },
            tx_set_result_hash: Hash(xdr_hash(&results)),
            ledger_seq: seq,
            fee_pool: self.header.fee_pool + fees,
            ..self.header.clone()
        };
        self.header_hash = xdr_hash(&self.header);
        let record = self.ledger_record(records, processing, evicted, tx_set);
        self.history.ledgers.push_back(record);
        self.history.trim(self.retention);
        seq
    }

    fn ledger_record(
        &mut self,
        txs: Vec<TxRecord>,
        processing: Vec<TransactionResultMetaV1>,
        evicted: Vec<LedgerKey>,
        tx_set: GeneralizedTransactionSet,
    ) -> LedgerRecord {
        let entry = LedgerHeaderHistoryEntry {
            hash: Hash(self.header_hash),
            header: self.header.clone(),
            ext: LedgerHeaderHistoryEntryExt::V0,
        };
        let meta = LedgerCloseMeta::V2(LedgerCloseMetaV2 {
            ext: LedgerCloseMetaExt::V0,
            ledger_header: entry.clone(),
            tx_set,
            tx_processing: processing.try_into().unwrap_or_default(),
            upgrades_processing: Default::default(),
            scp_info: Default::default(),
            total_byte_size_of_live_soroban_state: 0,
            evicted_keys: evicted.try_into().unwrap_or_default(),
        });
        let hashes = txs.iter().map(|t| t.hash.clone()).collect();
        for t in txs {
            self.history.transactions.insert(t.hash.clone(), t);
        }
        LedgerRecord {
            sequence: self.header.ledger_seq,
            hash: hex::encode(self.header_hash),
            close_time: self.header.scp_value.close_time.0,
            header_xdr: xdr_b64(&self.header),
            header_entry_xdr: xdr_b64(&entry),
            meta_xdr: xdr_b64(&meta),
            transactions: hashes,
        }
    }

    fn apply_tx(&mut self, ledger: &LedgerInfo, order: u32, tx: &CheckedTx) -> Applied {
        let seq = ledger.sequence_number;
        let valid = check_with_state(
            tx,
            &Overlay::new(&self.state, seq),
            seq,
            ledger.timestamp,
            None,
        );
        if let Err(code) = valid {
            let result = TransactionResult {
                fee_charged: 0,
                result: code,
                ext: TransactionResultExt::V0,
            };
            return self.applied(
                ledger,
                order,
                tx,
                result,
                Default::default(),
                Vec::new(),
                None,
                Default::default(),
                &[],
            );
        }
        // Fee (from the fee source of a fee bump) and sequence number, kept whatever the
        // operations do.
        let upfront = tx.fee_charged_up_front();
        let fee_changes = if tx.fee_bump.is_some() {
            let paid = self.update_account(seq, tx.fee_payer(), |a| a.balance -= upfront);
            let numbered = self.update_account(seq, &tx.source, |a| {
                a.seq_num = tx.tx.seq_num.clone();
            });
            paid.iter()
                .chain(numbered.iter())
                .cloned()
                .collect::<Vec<_>>()
                .try_into()
                .unwrap_or_default()
        } else {
            self.update_account(seq, &tx.source, |a| {
                a.balance -= upfront;
                a.seq_num = tx.tx.seq_num.clone();
            })
        };
        // Operations: each commits on success; any failure rolls all of them back.
        let mut undo: BTreeMap<LedgerKey, Option<StoredEntry>> = BTreeMap::new();
        let (mut results, mut metas, mut ok, mut soroban_outcome) =
            (Vec::new(), Vec::new(), true, None);
        for op in tx.tx.operations.iter() {
            let source = tx.op_source(op);
            let mut view = Overlay::new(&self.state, seq);
            let (result, outcome) = match &op.body {
                OperationBody::InvokeHostFunction(b) => {
                    let o = soroban::invoke(
                        &self.settings,
                        self.modules.cache(),
                        &mut view,
                        ledger,
                        tx,
                        b,
                        &source,
                    );
                    (o.result.clone(), Some(o))
                }
                OperationBody::RestoreFootprint(_) => {
                    let o = soroban::restore(&self.settings, &mut view, ledger, tx);
                    (o.result.clone(), Some(o))
                }
                OperationBody::ExtendFootprintTtl(b) => {
                    let o = soroban::extend(&self.settings, &mut view, ledger, tx, b.extend_to);
                    (o.result.clone(), Some(o))
                }
                _ if load_account(&view, &source).is_none() => (OperationResult::OpNoAccount, None),
                body => (classic::apply(&mut view, &source, body), None),
            };
            let success = outcome
                .as_ref()
                .map_or_else(|| classic_success(&result), SorobanOutcome::is_success);
            if success {
                let changes = view.changes();
                let writes = view.into_writes();
                for (k, after) in &writes {
                    undo.entry(k.clone())
                        .or_insert_with(|| self.state.get(k).cloned());
                    if let Some(StoredEntry {
                        entry:
                            LedgerEntry {
                                data: LedgerEntryData::ContractCode(code),
                                ..
                            },
                        ..
                    }) = after
                    {
                        self.modules.add(code);
                    }
                }
                commit(&mut self.state, writes);
                let events = outcome
                    .as_ref()
                    .map(|o| o.events.clone())
                    .unwrap_or_default();
                metas.push(OperationMetaV2 {
                    ext: Default::default(),
                    changes,
                    events: events.try_into().unwrap_or_default(),
                });
            } else {
                ok = false;
            }
            results.push(result);
            if outcome.is_some() {
                soroban_outcome = outcome;
            }
        }
        if !ok {
            for (key, before) in undo {
                match before {
                    Some(e) => self.state.put(e.entry, e.live_until),
                    None => self.state.remove(&key),
                }
            }
            metas.clear();
        }
        // Refund of the unused refundable resource fee.
        let consumed = soroban_outcome
            .as_ref()
            .filter(|_| ok)
            .map_or(0, |o| o.refundable_consumed);
        let refund = (tx.refundable_fee() - consumed).max(0);
        let refund_changes = if refund > 0 {
            self.update_account(seq, tx.fee_payer(), |a| a.balance += refund)
        } else {
            Default::default()
        };
        let results = results.try_into().unwrap_or_default();
        let result = TransactionResult {
            fee_charged: upfront - refund,
            result: tx.wrap_result(if ok {
                TransactionResultResult::TxSuccess(results)
            } else {
                TransactionResultResult::TxFailed(results)
            }),
            ext: TransactionResultExt::V0,
        };
        let soroban_meta = soroban_outcome.map(|o| (o, consumed));
        // CAP-67: the fee charged before any transaction, and a non-zero refund after all.
        let mut fee_events = vec![(TransactionEventStage::BeforeAllTxs, upfront)];
        if refund > 0 {
            fee_events.push((TransactionEventStage::AfterAllTxs, -refund));
        }
        let mut applied = self.applied(
            ledger,
            order,
            tx,
            result,
            fee_changes,
            metas,
            soroban_meta.as_ref(),
            refund_changes,
            &fee_events,
        );
        if !ok {
            applied.events.clear();
        }
        applied
    }

    fn update_account(
        &mut self,
        seq: u32,
        id: &AccountId,
        f: impl FnOnce(&mut stellar_xdr::AccountEntry),
    ) -> LedgerEntryChanges {
        let mut view = Overlay::new(&self.state, seq);
        let Some(mut account) = load_account(&view, id) else {
            return Default::default();
        };
        f(&mut account);
        store_account(&mut view, account);
        let changes = view.changes();
        let writes = view.into_writes();
        commit(&mut self.state, writes);
        changes
    }

    #[allow(clippy::too_many_arguments)]
    fn applied(
        &self,
        ledger: &LedgerInfo,
        order: u32,
        tx: &CheckedTx,
        result: TransactionResult,
        fee_changes: LedgerEntryChanges,
        operations: Vec<OperationMetaV2>,
        soroban: Option<&(SorobanOutcome, i64)>,
        refund_changes: LedgerEntryChanges,
        fees: &[(TransactionEventStage, i64)],
    ) -> Applied {
        let success = matches!(
            result.result,
            TransactionResultResult::TxSuccess(_)
                | TransactionResultResult::TxFeeBumpInnerSuccess(_)
        );
        let hash_hex = hex::encode(tx.hash);
        let tx_events: Vec<TransactionEvent> = fees
            .iter()
            .map(|(stage, amount)| TransactionEvent {
                stage: *stage,
                event: fee_event(&self.native_asset, tx.fee_payer(), *amount),
            })
            .collect();
        // Their getEvents ids are set by the ledger (charges and refunds are numbered across it).
        let unnumbered = EventId {
            ledger: ledger.sequence_number,
            tx: 0,
            op: 0,
            index: 0,
        };
        let fee_events = tx_events
            .iter()
            .map(|t| {
                let record = event_record(unnumbered, ledger, &hash_hex, success, &t.event);
                (t.stage, record)
            })
            .collect();
        let events: Vec<EventRecord> = operations
            .iter()
            .enumerate()
            .flat_map(|(op, m)| {
                m.events
                    .iter()
                    .enumerate()
                    .map(move |(index, e)| (op as u32, index as u32, e))
            })
            .map(|(op, index, e)| {
                let id = EventId {
                    ledger: ledger.sequence_number,
                    tx: order,
                    op,
                    index,
                };
                event_record(id, ledger, &hash_hex, success, e)
            })
            .collect();
        let contract_events_xdr = if operations.is_empty() {
            vec![Vec::new(); tx.tx.operations.len()]
        } else {
            operations
                .iter()
                .map(|m| m.events.iter().map(xdr_b64).collect())
                .collect()
        };
        let diagnostics = soroban
            .map(|(o, _)| o.diagnostics.clone())
            .unwrap_or_default();
        let soroban_meta = soroban.map(|(o, consumed)| SorobanTransactionMetaV2 {
            ext: SorobanTransactionMetaExt::V1(SorobanTransactionMetaExtV1 {
                ext: Default::default(),
                total_non_refundable_resource_fee_charged: tx.non_refundable_fee,
                total_refundable_resource_fee_charged: *consumed,
                rent_fee_charged: if success { o.rent_fee } else { 0 },
            }),
            return_value: o.return_value.clone(),
        });
        let meta = TransactionMeta::V4(TransactionMetaV4 {
            ext: Default::default(),
            tx_changes_before: Default::default(),
            operations: operations.try_into().unwrap_or_default(),
            tx_changes_after: Default::default(),
            soroban_meta,
            events: tx_events.clone().try_into().unwrap_or_default(),
            diagnostic_events: diagnostics.clone().try_into().unwrap_or_default(),
        });
        let record = TxRecord {
            hash: hash_hex,
            ledger: ledger.sequence_number,
            application_order: order,
            created_at: ledger.timestamp,
            success,
            soroban: tx.soroban.is_some(),
            inclusion_fee: tx.fee_bump.as_ref().map_or(i64::from(tx.tx.fee), |b| b.fee)
                - tx.soroban.as_ref().map_or(0, |d| d.resource_fee),
            fee_bump: tx.fee_bump.is_some(),
            envelope_xdr: xdr_b64(&tx.envelope),
            result_xdr: xdr_b64(&result),
            meta_xdr: xdr_b64(&meta),
            contract_events_xdr,
            transaction_events_xdr: tx_events.iter().map(xdr_b64).collect(),
            diagnostic_events_xdr: diagnostics.iter().map(xdr_b64).collect(),
        };
        let meta = TransactionResultMetaV1 {
            ext: Default::default(),
            result: TransactionResultPair {
                transaction_hash: Hash(tx.hash),
                result,
            },
            fee_processing: fee_changes,
            tx_apply_processing: meta,
            post_tx_apply_fee_processing: refund_changes,
        };
        Applied {
            meta,
            record,
            events,
            fee_events,
        }
    }
}

struct Applied {
    meta: TransactionResultMetaV1,
    record: TxRecord,
    events: Vec<EventRecord>,
    /// The fee charge and refund, for getEvents (ids assigned by the ledger).
    fee_events: Vec<(TransactionEventStage, EventRecord)>,
}

/// stellar-rpc's transaction index for refund events (the TOID's largest, `2^20 - 1`), so they
/// sort after every transaction of the ledger.
pub const FEE_REFUND_TX_INDEX: u32 = 0xF_FFFF;

/// `e` as `getEvents` serves it, at `id` in `ledger`, from transaction `tx_hash`.
fn event_record(
    id: EventId,
    ledger: &LedgerInfo,
    tx_hash: &str,
    successful: bool,
    e: &ContractEvent,
) -> EventRecord {
    let ContractEventBody::V0(body) = &e.body;
    EventRecord {
        id,
        kind: match e.type_ {
            ContractEventType::System => EventKind::System,
            _ => EventKind::Contract,
        },
        closed_at: ledger.timestamp,
        contract_id: e
            .contract_id
            .as_ref()
            .map(|c| stellar_xdr::ScAddress::Contract(c.clone()).to_string())
            .unwrap_or_default(),
        tx_hash: tx_hash.to_string(),
        successful,
        topic: body.topics.iter().map(xdr_b64).collect(),
        value: xdr_b64(&body.data),
    }
}

/// A CAP-67 fee event: emitted by the native asset's contract, topics `["fee", payer]`, data
/// the i128 amount in stroops (positive: charged, negative: refunded).
fn fee_event(native: &ContractId, payer: &AccountId, amount: i64) -> ContractEvent {
    let topics = vec![
        ScVal::Symbol(ScSymbol("fee".try_into().unwrap_or_default())),
        ScVal::Address(stellar_xdr::ScAddress::Account(payer.clone())),
    ];
    ContractEvent {
        ext: ExtensionPoint::V0,
        contract_id: Some(native.clone()),
        type_: ContractEventType::Contract,
        body: ContractEventBody::V0(ContractEventV0 {
            topics: topics.try_into().unwrap_or_default(),
            data: ScVal::from(i128::from(amount)),
        }),
    }
}

/// The native asset's contract id on the network `network_id` (CAP-46-6: the SHA-256 of the
/// `HashIdPreimage::ContractId` of `ContractIdPreimage::FromAsset(Native)`).
pub fn native_asset_contract(network_id: [u8; 32]) -> ContractId {
    let preimage = HashIdPreimage::ContractId(HashIdPreimageContractId {
        network_id: Hash(network_id),
        contract_id_preimage: ContractIdPreimage::Asset(stellar_xdr::Asset::Native),
    });
    ContractId(Hash(xdr_hash(&preimage)))
}

fn classic_success(result: &OperationResult) -> bool {
    use stellar_xdr::{ChangeTrustResult, CreateAccountResult, PaymentResult};
    matches!(
        result,
        OperationResult::OpInner(
            OperationResultTr::CreateAccount(CreateAccountResult::Success)
                | OperationResultTr::Payment(PaymentResult::Success)
                | OperationResultTr::ChangeTrust(ChangeTrustResult::Success)
        )
    )
}

/// The account id of an ed25519 key.
pub fn account_id(key: &SigningKey) -> AccountId {
    AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(
        key.verifying_key().to_bytes(),
    )))
}

fn empty_tx_set() -> TransactionSetV1 {
    TransactionSetV1 {
        previous_ledger_hash: Hash([0; 32]),
        phases: Default::default(),
    }
}

/// The ledger's transaction set: classic transactions in phase 0, Soroban ones in phase 1's
/// single stage and cluster (they run sequentially here).
fn tx_set(previous: &[u8; 32], txs: &[CheckedTx]) -> GeneralizedTransactionSet {
    let (soroban, classic): (Vec<_>, Vec<_>) = txs.iter().partition(|t| t.soroban.is_some());
    let envelopes = |v: Vec<&CheckedTx>| {
        v.into_iter()
            .map(|t| t.envelope.clone())
            .collect::<Vec<_>>()
    };
    let classic_phase = TransactionPhase::V0(
        vec![TxSetComponent::TxsetCompTxsMaybeDiscountedFee(
            TxSetComponentTxsMaybeDiscountedFee {
                base_fee: None,
                txs: envelopes(classic).try_into().unwrap_or_default(),
            },
        )]
        .try_into()
        .unwrap_or_default(),
    );
    let soroban_phase = TransactionPhase::V1(ParallelTxsComponent {
        base_fee: None,
        execution_stages: vec![ParallelTxExecutionStage(
            vec![DependentTxCluster(
                envelopes(soroban).try_into().unwrap_or_default(),
            )]
            .try_into()
            .unwrap_or_default(),
        )]
        .try_into()
        .unwrap_or_default(),
    });
    GeneralizedTransactionSet::V1(TransactionSetV1 {
        previous_ledger_hash: Hash(*previous),
        phases: vec![classic_phase, soroban_phase]
            .try_into()
            .unwrap_or_default(),
    })
}
