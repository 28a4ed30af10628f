//! The transaction flow over Stellar RPC (stellar-rpc-client 28): build, simulate, restore if
//! asked, sign the authorization entries and the envelope, send, and confirm; or each step
//! apart ([`Client::prepare`], [`Client::sign`], [`Client::send_and_confirm`]) for signing
//! elsewhere.
//!
//! Sequence numbers: calls from one source account are numbered locally, one after another,
//! and each is sent before the next is numbered, so concurrent calls from one hot account
//! reach the network in order (docs: "Channel accounts" explains the bad-sequence bounce this
//! avoids). A `txBAD_SEQ` resyncs the account from the ledger and rebuilds the transaction.
//!
//! Fees: the inclusion fee is a percentile of `getFeeStats`, capped ([`FeePolicy`]); the
//! resource fee is the simulation's plus a margin. Time bounds come from the ledger clock.
//!
//! Retries: transient RPC failures (connection errors, timeouts, HTTP 5xx and 429, and
//! `TRY_AGAIN_LATER`) are retried with capped exponential backoff. A sent transaction is only
//! ever re-sent as the identical signed envelope, which can't apply twice; after an ambiguous
//! failure the SDK looks the hash up instead of building a new transaction.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use sha2::{Digest, Sha256};
use stellar_rpc_client::{
    Client as Rpc, GetTransactionResponse, LedgerStart, SendTransactionResponse,
    SimulateTransactionResponse,
};
use stellar_xdr::{
    AccountId, Asset, ContractEvent, ContractEventType, ContractExecutable, ContractIdPreimage,
    ContractIdPreimageFromAddress, CreateContractArgs, CreateContractArgsV2, DiagnosticEvent, Hash,
    HostFunction, InvokeHostFunctionOp, Limits, Memo, MuxedAccount, Operation, OperationBody,
    Preconditions, ReadXdr, RestoreFootprintOp, ScAddress, ScVal, SequenceNumber,
    SorobanAuthorizationEntry, SorobanCredentials, SorobanTransactionData, TimeBounds, TimePoint,
    Transaction, TransactionEnvelope, TransactionExt, TransactionMeta, TransactionResult,
    TransactionResultCode, TransactionV1Envelope, Uint256, WriteXdr,
};

pub use crate::options::{CallOptions, FeePercentile, FeePolicy, MIN_INCLUSION_FEE};
use crate::{
    call::Call,
    error::{contract_error_in, Error},
    signer::Sign,
};

/// Inclusion fee per operation, stroops (the network minimum).
pub const BASE_FEE: u32 = MIN_INCLUSION_FEE;
/// Ledgers an authorization signature stays valid after the latest ledger (about 8 minutes
/// of 5-second ledgers).
pub const AUTH_VALIDITY_LEDGERS: u32 = 100;

/// How transient failures are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Delay before the first retry; doubles each time.
    pub initial: Duration,
    /// Cap on the delay.
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 6,
            initial: Duration::from_millis(200),
            max: Duration::from_secs(5),
        }
    }
}

/// A confirmed transaction's outcome.
#[derive(Clone, Debug)]
pub struct Invoked<T> {
    /// The decoded return value.
    pub value: T,
    /// Transaction hash, hex.
    pub hash: String,
    /// Ledger it was applied in.
    pub ledger: u32,
    /// Fee charged, stroops.
    pub fee_charged: i64,
    /// Contract events it emitted, in order.
    pub events: Vec<ContractEvent>,
}

/// A transaction built and simulated but not signed: its authorization entries are signed
/// (by the signers given to [`Client::prepare`]), its fee and resources set. Sign it with
/// [`Client::sign`] here or elsewhere (its XDR is [`Prepared::to_xdr_base64`]), then send it
/// with [`Client::send_and_confirm`].
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The transaction.
    pub transaction: Transaction,
    /// Its sequence number.
    pub seq: i64,
}

impl Prepared {
    /// The unsigned envelope's XDR, base64: what a wallet or an offline signer takes.
    pub fn to_xdr_base64(&self) -> String {
        TransactionEnvelope::Tx(TransactionV1Envelope {
            tx: self.transaction.clone(),
            signatures: Default::default(),
        })
        .to_xdr_base64(Limits::none())
        .unwrap_or_default()
    }
}

/// The next sequence number of each source account this client sends from; a lane is locked
/// from numbering a transaction until the network accepts it.
type Lanes = Arc<Mutex<HashMap<AccountId, Arc<tokio::sync::Mutex<Option<i64>>>>>>;

/// A connection to one network through its RPC.
#[derive(Clone)]
pub struct Client {
    rpc: Rpc,
    passphrase: String,
    network_id: [u8; 32],
    retry: RetryPolicy,
    confirm_timeout: Duration,
    fees: FeePolicy,
    lanes: Lanes,
    /// The last inclusion fee read from `getFeeStats`, and when: reused for 5 seconds.
    fee_cache: Arc<Mutex<Option<(Instant, u32)>>>,
}

/// How many times a `txBAD_SEQ` resyncs and rebuilds before the error is returned.
const BAD_SEQ_REBUILDS: u32 = 3;

fn transient(e: &stellar_rpc_client::Error) -> bool {
    use jsonrpsee_core::ClientError as C;
    match e {
        stellar_rpc_client::Error::JsonRpc(
            C::Transport(_) | C::RequestTimeout | C::RestartNeeded(_),
        ) => true,
        stellar_rpc_client::Error::JsonRpc(C::Call(obj)) => obj.code() == -32603,
        _ => false,
    }
}

impl Client {
    /// Connects to the RPC at `rpc_url` and checks that it serves the network `passphrase`.
    ///
    /// # Errors
    /// [`Error::NetworkMismatch`], [`Error::Unavailable`] or [`Error::Rpc`].
    pub async fn connect(rpc_url: &str, passphrase: &str) -> Result<Self, Error> {
        Self::connect_with(rpc_url, passphrase, RetryPolicy::default()).await
    }

    /// [`Client::connect`] with a retry policy for this and every later call.
    ///
    /// # Errors
    /// As [`Client::connect`].
    pub async fn connect_with(
        rpc_url: &str,
        passphrase: &str,
        retry: RetryPolicy,
    ) -> Result<Self, Error> {
        let rpc = Rpc::new(rpc_url)
            .map_err(|e| Error::InvalidInput(format!("RPC URL {rpc_url}: {e}")))?;
        let client = Self {
            rpc,
            passphrase: passphrase.to_string(),
            network_id: Sha256::digest(passphrase.as_bytes()).into(),
            retry,
            confirm_timeout: Duration::from_secs(30),
            fees: FeePolicy::default(),
            lanes: Arc::default(),
            fee_cache: Arc::default(),
        };
        let found = client
            .retrying(|| client.rpc.get_network())
            .await?
            .passphrase;
        if found != passphrase {
            return Err(Error::NetworkMismatch {
                expected: passphrase.into(),
                found,
            });
        }
        Ok(client)
    }

    /// The same client waiting up to `timeout` for a transaction to apply.
    pub fn with_confirm_timeout(mut self, timeout: Duration) -> Self {
        self.confirm_timeout = timeout;
        self
    }

    /// The same client setting fees by `policy`.
    pub fn with_fees(mut self, policy: FeePolicy) -> Self {
        self.fees = policy;
        self
    }

    /// The network passphrase.
    pub fn passphrase(&self) -> &str {
        &self.passphrase
    }

    /// `sha256(passphrase)`.
    pub fn network_id(&self) -> [u8; 32] {
        self.network_id
    }

    /// The underlying stellar-rpc-client.
    pub fn rpc(&self) -> &Rpc {
        &self.rpc
    }

    async fn retrying<T, F, Fut>(&self, mut f: F) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, stellar_rpc_client::Error>>,
    {
        let mut delay = self.retry.initial;
        let mut attempt = 1;
        loop {
            match f().await {
                Ok(v) => return Ok(v),
                Err(e) if transient(&e) && attempt < self.retry.attempts => {
                    tracing::warn!("RPC attempt {attempt} failed, retrying in {delay:?}: {e}");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(self.retry.max);
                    attempt += 1;
                }
                Err(e) if transient(&e) => {
                    return Err(Error::Unavailable {
                        attempts: attempt,
                        last: e.to_string(),
                    })
                }
                Err(e) => return Err(Error::Rpc(e.to_string())),
            }
        }
    }

    /// The account's current sequence number.
    ///
    /// # Errors
    /// [`Error::AccountNotFound`], or an RPC error.
    pub async fn sequence(&self, account: &str) -> Result<i64, Error> {
        let account_id: stellar_xdr::AccountId = account
            .parse()
            .map_err(|_| Error::InvalidKey(format!("{account} is not a G… address")))?;
        let key = stellar_xdr::LedgerKey::Account(stellar_xdr::LedgerKeyAccount { account_id });
        let entries = self
            .retrying(|| self.rpc.get_ledger_entries(std::slice::from_ref(&key)))
            .await?;
        let entry = entries
            .entries
            .unwrap_or_default()
            .into_iter()
            .next()
            .ok_or_else(|| Error::AccountNotFound(account.into()))?;
        match stellar_xdr::LedgerEntryData::from_xdr_base64(&entry.xdr, Limits::none()) {
            Ok(stellar_xdr::LedgerEntryData::Account(a)) => Ok(a.seq_num.0),
            _ => Err(Error::Rpc(format!(
                "account {account}: unexpected ledger entry"
            ))),
        }
    }

    /// A one-operation transaction from `source` with the minimum fee, no memo, no time bounds
    /// and no Soroban data yet.
    fn transaction(source: &AccountId, seq: i64, body: OperationBody) -> Transaction {
        Transaction {
            source_account: MuxedAccount::from(source.clone()),
            fee: BASE_FEE,
            seq_num: SequenceNumber(seq),
            cond: Preconditions::None,
            memo: Memo::None,
            operations: vec![Operation {
                source_account: None,
                body,
            }]
            .try_into()
            .unwrap_or_default(),
            ext: TransactionExt::V0,
        }
    }

    async fn simulate_tx(&self, tx: &Transaction) -> Result<SimulateTransactionResponse, Error> {
        let envelope = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx: tx.clone(),
            signatures: Default::default(),
        });
        let sim = self
            .retrying(|| self.rpc.simulate_transaction_envelope(&envelope, None))
            .await?;
        match &sim.error {
            Some(message) => Err(contract_error_in(message)
                .map_or_else(|| Error::Simulation(message.clone()), Error::Contract)),
            None => Ok(sim),
        }
    }

    /// The close time of the latest ledger, Unix seconds: the clock contracts and time bounds
    /// are checked against, which may differ from this machine's (`getLedgers`'
    /// `latestLedgerCloseTime`).
    ///
    /// # Errors
    /// RPC errors.
    pub async fn ledger_time(&self) -> Result<u64, Error> {
        let latest = self
            .retrying(|| self.rpc.get_latest_ledger())
            .await?
            .sequence;
        let ledgers = self
            .retrying(|| {
                self.rpc
                    .get_ledgers(LedgerStart::Ledger(latest), Some(1), None)
            })
            .await?;
        u64::try_from(ledgers.latest_ledger_close_time)
            .map_err(|_| Error::Rpc(format!("close time {}", ledgers.latest_ledger_close_time)))
    }

    /// One page of `getEvents` for contract events of `contract_ids` (see [`crate::events::Events`]
    /// for paging through them).
    ///
    /// # Errors
    /// RPC errors.
    pub async fn get_events(
        &self,
        start: stellar_rpc_client::EventStart,
        contract_ids: &[String],
        limit: usize,
    ) -> Result<stellar_rpc_client::GetEventsResponse, Error> {
        self.retrying(|| {
            self.rpc.get_events(
                start.clone(),
                Some(stellar_rpc_client::EventType::Contract),
                contract_ids,
                &[],
                Some(limit),
            )
        })
        .await
    }

    /// Adds a trustline from `source` to the issued `asset` (a classic `ChangeTrust`, limit
    /// `limit` or the maximum), so the account can hold it, for example USDC through its
    /// Stellar Asset Contract. Idempotent: an existing trustline gets the new limit.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for the native asset (it needs no trustline); as
    /// [`Client::send_and_confirm`].
    pub async fn change_trust(
        &self,
        source: &dyn Sign,
        asset: &Asset,
        limit: Option<i64>,
    ) -> Result<(), Error> {
        let line = match asset {
            Asset::Native => {
                return Err(Error::InvalidInput(
                    "the native asset needs no trustline".into(),
                ))
            }
            Asset::CreditAlphanum4(a) => stellar_xdr::ChangeTrustAsset::CreditAlphanum4(a.clone()),
            Asset::CreditAlphanum12(a) => {
                stellar_xdr::ChangeTrustAsset::CreditAlphanum12(a.clone())
            }
        };
        let op = OperationBody::ChangeTrust(stellar_xdr::ChangeTrustOp {
            line,
            limit: limit.unwrap_or(i64::MAX),
        });
        let hash = self
            .send_in_lane(source, |seq| {
                let op = op.clone();
                async move {
                    let mut tx = Self::transaction(&source.account_id(), seq, op);
                    tx.fee = self.inclusion_fee().await?;
                    Ok((self.sign(tx, &[source])?, seq))
                }
            })
            .await?;
        self.confirm(&hash).await.map(|_| ())
    }

    /// The inclusion fee to bid now, by the fee policy (`getFeeStats`, read at most every 5 s).
    async fn inclusion_fee(&self) -> Result<u32, Error> {
        if let Ok(cache) = self.fee_cache.lock() {
            if let Some((at, fee)) = *cache {
                if at.elapsed() < Duration::from_secs(5) {
                    return Ok(fee);
                }
            }
        }
        let stats = self.retrying(|| self.rpc.get_fee_stats()).await?;
        let fee = self.fees.inclusion(&stats.soroban_inclusion_fee);
        if let Ok(mut cache) = self.fee_cache.lock() {
            *cache = Some((Instant::now(), fee));
        }
        Ok(fee)
    }

    /// Reads a view function by simulation, with `source` as the (possibly unfunded) source
    /// account; nothing is sent.
    ///
    /// # Errors
    /// [`Error::Contract`] for the contract's own errors, [`Error::Simulation`], RPC errors.
    pub async fn read<T>(&self, source: &str, call: &Call<T>) -> Result<T, Error> {
        Ok(self.simulate(source, call).await?.0)
    }

    /// Simulates `call` from `source` (which may be unfunded; no authorization is recorded
    /// against it) and returns what it would return and the contract events it would emit,
    /// in order, from the simulation's diagnostic events (`simulateTransaction` `events`,
    /// those inside successful contract calls). Nothing is sent. State-changing calls
    /// simulate too: how a keeper learns which renewals would charge.
    ///
    /// # Errors
    /// As [`Client::read`]; [`Error::Rpc`] for an undecodable event.
    pub async fn simulate<T>(
        &self,
        source: &str,
        call: &Call<T>,
    ) -> Result<(T, Vec<ContractEvent>), Error> {
        let id: AccountId = source
            .parse()
            .map_err(|_| Error::InvalidKey(format!("{source} is not a G… address")))?;
        let body = OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
            host_function: call.host_function(),
            auth: Default::default(),
        });
        let tx = Self::transaction(&id, 0, body);
        let sim = self.simulate_tx(&tx).await?;
        let mut events = Vec::new();
        for x in &sim.events {
            let d = DiagnosticEvent::from_xdr_base64(x, Limits::none()).map_err(|e| {
                Error::Rpc(format!("simulateTransaction: an undecodable event: {e}"))
            })?;
            if d.in_successful_contract_call && d.event.type_ == ContractEventType::Contract {
                events.push(d.event);
            }
        }
        let value = sim
            .results()
            .map_err(|e| Error::Rpc(e.to_string()))?
            .into_iter()
            .next()
            .map(|r| r.xdr)
            .unwrap_or(ScVal::Void);
        Ok((call.decode(&value)?, events))
    }

    /// Invokes `call` from `source`, with `signers` authorizing the addresses the call needs
    /// besides the source account, and waits for the result. Default [`CallOptions`].
    ///
    /// # Errors
    /// [`Error::Contract`] (by name), [`Error::MissingSigner`], [`Error::Simulation`],
    /// [`Error::Rejected`], [`Error::Failed`], [`Error::Unconfirmed`], RPC errors.
    pub async fn invoke<T>(
        &self,
        source: &dyn Sign,
        call: &Call<T>,
        signers: &[&dyn Sign],
    ) -> Result<Invoked<T>, Error> {
        self.invoke_with(source, call, signers, &CallOptions::default())
            .await
    }

    /// [`Client::invoke`] with a memo and time bounds of the caller's choosing.
    ///
    /// # Errors
    /// As [`Client::invoke`].
    pub async fn invoke_with<T>(
        &self,
        source: &dyn Sign,
        call: &Call<T>,
        signers: &[&dyn Sign],
        options: &CallOptions,
    ) -> Result<Invoked<T>, Error> {
        let done = self
            .submit_with(source, call.host_function(), signers, options)
            .await?;
        typed(call, done)
    }

    /// Runs any host function (upload, deploy, invoke) from `source` with default options.
    ///
    /// # Errors
    /// As [`Client::invoke`].
    pub async fn submit(
        &self,
        source: &dyn Sign,
        host_function: HostFunction,
        signers: &[&dyn Sign],
    ) -> Result<Invoked<ScVal>, Error> {
        self.submit_with(source, host_function, signers, &CallOptions::default())
            .await
    }

    /// The lane of `account`: its locally known next sequence number, behind a lock.
    fn lane(&self, account: &AccountId) -> Arc<tokio::sync::Mutex<Option<i64>>> {
        let mut lanes = self
            .lanes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        lanes.entry(account.clone()).or_default().clone()
    }

    /// Runs `host_function` from `source`: numbers it in the account's lane, prepares, signs
    /// and sends it, releases the lane once the network has accepted it, and waits for it to
    /// apply. A `txBAD_SEQ` (another sender used the account) resyncs and rebuilds, up to 3
    /// times.
    ///
    /// # Errors
    /// As [`Client::invoke`].
    pub async fn submit_with(
        &self,
        source: &dyn Sign,
        host_function: HostFunction,
        signers: &[&dyn Sign],
        options: &CallOptions,
    ) -> Result<Invoked<ScVal>, Error> {
        self.submit_via(source, host_function, signers, options, None)
            .await
    }

    /// Invokes `call` from `source` with `sponsor` paying the fee: the transaction is `source`'s
    /// (its sequence number, its signature), wrapped in a fee bump (CAP-15) that `sponsor` signs
    /// and pays for. `source` needs no balance for fees.
    ///
    /// # Errors
    /// As [`Client::invoke`]; a rejection of the inner transaction carries its own code.
    pub async fn invoke_sponsored<T>(
        &self,
        source: &dyn Sign,
        call: &Call<T>,
        signers: &[&dyn Sign],
        sponsor: &dyn Sign,
    ) -> Result<Invoked<T>, Error> {
        let done = self
            .submit_sponsored(source, call.host_function(), signers, sponsor)
            .await?;
        typed(call, done)
    }

    /// Runs any host function from `source` with `sponsor` paying the fee (see
    /// [`Client::invoke_sponsored`]).
    ///
    /// # Errors
    /// As [`Client::invoke_sponsored`].
    pub async fn submit_sponsored(
        &self,
        source: &dyn Sign,
        host_function: HostFunction,
        signers: &[&dyn Sign],
        sponsor: &dyn Sign,
    ) -> Result<Invoked<ScVal>, Error> {
        self.submit_via(
            source,
            host_function,
            signers,
            &CallOptions::default(),
            Some(sponsor),
        )
        .await
    }

    /// Wraps the signed `inner` envelope in a fee bump (CAP-15) that `fee_source` signs and pays
    /// for: the outer fee is the inner resource fee plus the fee policy's inclusion fee for one
    /// operation more than the inner transaction has.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if `inner` is not a V1 transaction envelope or the fee overflows;
    /// the fee source's [`Error::Signing`]; RPC errors reading fees.
    pub async fn fee_bump(
        &self,
        inner: TransactionEnvelope,
        fee_source: &dyn Sign,
    ) -> Result<TransactionEnvelope, Error> {
        let TransactionEnvelope::Tx(inner) = inner else {
            return Err(Error::InvalidInput(
                "only a V1 transaction envelope can be fee-bumped".into(),
            ));
        };
        let resource_fee = match &inner.tx.ext {
            TransactionExt::V1(data) => data.resource_fee,
            TransactionExt::V0 => 0,
        };
        let ops = i64::try_from(inner.tx.operations.len()).unwrap_or(i64::MAX);
        let fee = i64::from(self.inclusion_fee().await?)
            .checked_mul(ops + 1)
            .and_then(|f| f.checked_add(resource_fee))
            .ok_or_else(|| Error::InvalidInput("fee bump fee overflows".into()))?;
        let envelope = TransactionEnvelope::TxFeeBump(stellar_xdr::FeeBumpTransactionEnvelope {
            tx: stellar_xdr::FeeBumpTransaction {
                fee_source: MuxedAccount::from(fee_source.account_id()),
                fee,
                inner_tx: stellar_xdr::FeeBumpTransactionInnerTx::Tx(inner),
                ext: stellar_xdr::FeeBumpTransactionExt::V0,
            },
            signatures: Default::default(),
        });
        self.signed(envelope, &[fee_source])
    }

    /// Sends what `build` makes from `source`'s next sequence number, in the account's lane:
    /// the lane stays locked until the network has accepted the envelope, then holds the next
    /// number (`build` returns the envelope and the last sequence number it used: a restore
    /// before a call uses two). A `txBAD_SEQ` (another sender used the account) resyncs from
    /// the ledger and builds again, up to 3 times; any other failure leaves the lane to resync.
    async fn send_in_lane<F>(
        &self,
        source: &dyn Sign,
        mut build: impl FnMut(i64) -> F,
    ) -> Result<Hash, Error>
    where
        F: std::future::Future<Output = Result<(TransactionEnvelope, i64), Error>>,
    {
        let lane = self.lane(&source.account_id());
        let mut rebuilds = 0;
        loop {
            let mut next = lane.lock().await;
            let seq = match *next {
                Some(seq) => seq,
                None => self.sequence(&source.public_strkey()).await? + 1,
            };
            let (envelope, last) = build(seq).await?;
            match self.send(&envelope).await {
                Ok(hash) => {
                    *next = Some(last + 1);
                    return Ok(hash);
                }
                Err(Error::Rejected {
                    code: TransactionResultCode::TxBadSeq,
                }) if rebuilds < BAD_SEQ_REBUILDS => {
                    tracing::warn!("{}: bad sequence {last}, resyncing", source.public_strkey());
                    *next = None;
                    rebuilds += 1;
                }
                Err(e) => {
                    // Not known to be accepted: read the sequence from the ledger next time.
                    *next = None;
                    return Err(e);
                }
            }
        }
    }

    async fn submit_via(
        &self,
        source: &dyn Sign,
        host_function: HostFunction,
        signers: &[&dyn Sign],
        options: &CallOptions,
        sponsor: Option<&dyn Sign>,
    ) -> Result<Invoked<ScVal>, Error> {
        let hash = self
            .send_in_lane(source, |seq| {
                let host_function = host_function.clone();
                async move {
                    let prepared = self
                        .prepare_from(source, seq, host_function, signers, options)
                        .await?;
                    let mut envelope = self.sign(prepared.transaction, &[source])?;
                    if let Some(sponsor) = sponsor {
                        envelope = self.fee_bump(envelope, sponsor).await?;
                    }
                    Ok((envelope, prepared.seq))
                }
            })
            .await?;
        let confirmed = self.confirm(&hash).await?;
        let (value, events) = outcome(&confirmed);
        Ok(Invoked {
            value,
            hash: confirmed.tx_hash.clone().unwrap_or_default(),
            ledger: confirmed.ledger.unwrap_or(0),
            fee_charged: confirmed.result.as_ref().map_or(0, |r| r.fee_charged),
            events,
        })
    }

    /// Builds and simulates `host_function` from the account `source` (`G…`) at its next
    /// sequence number on the ledger, with the authorization entries signed by `signers`, the
    /// fee set by the fee policy and the options' memo and time bounds; nothing is signed by
    /// the source or sent. An archived footprint is not restored here: the simulation error
    /// says so, and [`Client::submit`] restores.
    ///
    /// # Errors
    /// [`Error::Contract`], [`Error::Simulation`], [`Error::MissingSigner`], RPC errors.
    pub async fn prepare(
        &self,
        source: &str,
        host_function: HostFunction,
        signers: &[&dyn Sign],
        options: &CallOptions,
    ) -> Result<Prepared, Error> {
        let account: AccountId = source
            .parse()
            .map_err(|_| Error::InvalidKey(format!("{source} is not a G… address")))?;
        let seq = self.sequence(source).await? + 1;
        let op = |auth| invoke_op(&host_function, auth);
        let sim = self
            .simulate_tx(&Self::transaction(&account, seq, op(vec![])))
            .await?;
        if sim.restore_preamble.is_some() {
            return Err(Error::Simulation(
                "part of the footprint is archived: submit() restores it first".into(),
            ));
        }
        self.assemble(&account, seq, op, &sim, signers, options)
            .await
    }

    /// [`Client::prepare`] at sequence `seq` for a source that signs here: an archived
    /// footprint is restored first (at `seq`, the call then at `seq + 1`).
    async fn prepare_from(
        &self,
        source: &dyn Sign,
        mut seq: i64,
        host_function: HostFunction,
        signers: &[&dyn Sign],
        options: &CallOptions,
    ) -> Result<Prepared, Error> {
        let account = source.account_id();
        let op = |auth| invoke_op(&host_function, auth);
        let mut sim = self
            .simulate_tx(&Self::transaction(&account, seq, op(vec![])))
            .await?;
        if let Some(preamble) = sim.restore_preamble.take() {
            let data =
                SorobanTransactionData::from_xdr_base64(&preamble.transaction_data, Limits::none())
                    .map_err(|e| Error::Rpc(e.to_string()))?;
            self.restore(source, seq, data, preamble.min_resource_fee)
                .await?;
            seq += 1;
            sim = self
                .simulate_tx(&Self::transaction(&account, seq, op(vec![])))
                .await?;
        }
        self.assemble(&account, seq, op, &sim, signers, options)
            .await
    }

    /// The transaction of a successful simulation: authorization entries signed, fee and
    /// resources set, memo and time bounds applied.
    async fn assemble(
        &self,
        account: &AccountId,
        seq: i64,
        op: impl Fn(Vec<SorobanAuthorizationEntry>) -> OperationBody,
        sim: &SimulateTransactionResponse,
        signers: &[&dyn Sign],
        options: &CallOptions,
    ) -> Result<Prepared, Error> {
        let auth = sim
            .results()
            .map_err(|e| Error::Rpc(e.to_string()))?
            .into_iter()
            .next()
            .map(|r| r.auth)
            .unwrap_or_default();
        let expiration = sim.latest_ledger + AUTH_VALIDITY_LEDGERS;
        let mut signed = Vec::with_capacity(auth.len());
        for entry in auth {
            let entry = match &entry.credentials {
                SorobanCredentials::Address(c) => {
                    let signer = signers
                        .iter()
                        .find(|s| s.address() == c.address)
                        .ok_or_else(|| Error::MissingSigner(c.address.to_string()))?;
                    signer.authorize(entry, self.network_id, expiration)?
                }
                _ => entry,
            };
            signed.push(entry);
        }
        let mut data = sim
            .transaction_data()
            .map_err(|e| Error::Rpc(e.to_string()))?;
        data.resource_fee = self.fees.resource(data.resource_fee);
        let mut tx = Self::transaction(account, seq, op(signed));
        tx.fee = fee_with(self.inclusion_fee().await?, data.resource_fee)?;
        if let Some(cap) = options.max_fee.filter(|cap| tx.fee > *cap) {
            return Err(Error::FeeAboveCap { fee: tx.fee, cap });
        }
        tx.ext = TransactionExt::V1(data);
        tx.memo = options.memo.clone();
        if let Some(valid_for) = options.valid_for {
            // The later of the ledger clock and this machine's: a network whose clock runs
            // ahead is followed, and one idle since its last ledger (a local network that
            // closes on demand) doesn't make the bound already past.
            let wall = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let now = self.ledger_time().await?.max(wall);
            tx.cond = Preconditions::Time(TimeBounds {
                min_time: TimePoint(0),
                max_time: TimePoint(now.saturating_add(valid_for.as_secs())),
            });
        }
        Ok(Prepared {
            transaction: tx,
            seq,
        })
    }

    async fn restore(
        &self,
        source: &dyn Sign,
        seq: i64,
        data: SorobanTransactionData,
        min_fee: u64,
    ) -> Result<(), Error> {
        let mut tx = Self::transaction(
            &source.account_id(),
            seq,
            OperationBody::RestoreFootprint(RestoreFootprintOp {
                ext: Default::default(),
            }),
        );
        tx.fee = fee_with(BASE_FEE, i64::try_from(min_fee).unwrap_or(i64::MAX))?;
        tx.ext = TransactionExt::V1(data);
        self.send_and_confirm(&self.sign(tx, &[source])?)
            .await
            .map(|_| ())
    }

    /// Signs `tx` with `keys`.
    ///
    /// # Errors
    /// A key's [`Error::Signing`]; [`Error::InvalidInput`] if the transaction can't be hashed.
    pub fn sign(&self, tx: Transaction, keys: &[&dyn Sign]) -> Result<TransactionEnvelope, Error> {
        self.signed(
            TransactionEnvelope::Tx(TransactionV1Envelope {
                tx,
                signatures: Default::default(),
            }),
            keys,
        )
    }

    /// `envelope` (V1 or fee bump) with its signatures set to those of `keys` over its hash.
    fn signed(
        &self,
        mut envelope: TransactionEnvelope,
        keys: &[&dyn Sign],
    ) -> Result<TransactionEnvelope, Error> {
        let hash = envelope
            .hash(self.network_id)
            .map_err(|e| Error::InvalidInput(e.to_string()))?;
        let signatures: stellar_xdr::VecM<stellar_xdr::DecoratedSignature, 20> = keys
            .iter()
            .map(|k| k.decorated(&hash))
            .collect::<Result<Vec<_>, Error>>()?
            .try_into()
            .map_err(|_| Error::InvalidInput("more than 20 signatures".into()))?;
        match &mut envelope {
            TransactionEnvelope::Tx(v1) => v1.signatures = signatures,
            TransactionEnvelope::TxFeeBump(fb) => fb.signatures = signatures,
            TransactionEnvelope::TxV0(v0) => v0.signatures = signatures,
        }
        Ok(envelope)
    }

    /// Sends a signed envelope and waits until it is applied.
    ///
    /// # Errors
    /// [`Error::Rejected`], [`Error::Failed`] (or [`Error::Contract`] when the diagnostics name
    /// one), [`Error::Unconfirmed`], RPC errors.
    pub async fn send_and_confirm(
        &self,
        envelope: &TransactionEnvelope,
    ) -> Result<GetTransactionResponse, Error> {
        let hash = self.send(envelope).await?;
        self.confirm(&hash).await
    }

    /// Sends a signed envelope until the network accepts it (`PENDING` or `DUPLICATE`):
    /// `TRY_AGAIN_LATER` and transport failures are retried with backoff, and after an
    /// ambiguous failure the hash is looked up before the identical envelope is re-sent.
    ///
    /// # Errors
    /// [`Error::Rejected`] with the transaction result code (`sendTransaction`'s `ERROR`),
    /// [`Error::Unavailable`], RPC errors.
    pub async fn send(&self, envelope: &TransactionEnvelope) -> Result<Hash, Error> {
        let hash = Hash(
            envelope
                .hash(self.network_id)
                .map_err(|e| Error::InvalidInput(e.to_string()))?,
        );
        let xdr = envelope
            .to_xdr_base64(Limits::none())
            .map_err(|e| Error::InvalidInput(e.to_string()))?;
        let mut delay = self.retry.initial;
        for attempt in 1..=self.retry.attempts {
            let mut params = jsonrpsee_core::params::ObjectParams::new();
            params
                .insert("transaction", &xdr)
                .map_err(|e| Error::InvalidInput(e.to_string()))?;
            let sent: Result<SendTransactionResponse, _> =
                jsonrpsee_core::client::ClientT::request(
                    self.rpc.client(),
                    "sendTransaction",
                    params,
                )
                .await;
            let last = match sent {
                Ok(r) if r.status == "PENDING" || r.status == "DUPLICATE" => return Ok(hash),
                Ok(r) if r.status == "ERROR" => return Err(rejection(&r)),
                Ok(r) => format!("sendTransaction: {}", r.status),
                Err(e) => {
                    // Ambiguous: it may have reached the network. Look before resending.
                    if let Ok(r) = self.rpc.get_transaction(&hash).await {
                        if r.status != "NOT_FOUND" {
                            return Ok(hash);
                        }
                    }
                    e.to_string()
                }
            };
            if attempt == self.retry.attempts {
                return Err(Error::Unavailable {
                    attempts: attempt,
                    last,
                });
            }
            tracing::warn!(
                "sending {}: {last}; retrying in {delay:?}",
                hex::encode(hash.0)
            );
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(self.retry.max);
        }
        Err(Error::Unavailable {
            attempts: self.retry.attempts,
            last: "no attempt".into(),
        })
    }

    /// Waits until the transaction `hash` is applied.
    ///
    /// # Errors
    /// [`Error::Failed`] (or [`Error::Contract`] when the diagnostics name one),
    /// [`Error::Unconfirmed`] after the confirm timeout, RPC errors.
    pub async fn confirm(&self, hash: &Hash) -> Result<GetTransactionResponse, Error> {
        let hex_hash = hex::encode(hash.0);
        let started = Instant::now();
        let mut poll = Duration::from_millis(100);
        loop {
            match self.rpc.get_transaction(hash).await {
                Ok(r) if r.status == "SUCCESS" => return Ok(r),
                Ok(r) if r.status == "FAILED" => return Err(failure(&hex_hash, &r)),
                Ok(_) => {}
                Err(e) if transient(&e) => tracing::warn!("polling {hex_hash}: {e}"),
                Err(e) => return Err(Error::Rpc(e.to_string())),
            }
            if started.elapsed() > self.confirm_timeout {
                return Err(Error::Unconfirmed {
                    hash: hex_hash,
                    seconds: self.confirm_timeout.as_secs(),
                });
            }
            tokio::time::sleep(poll).await;
            poll = (poll * 2).min(Duration::from_secs(1));
        }
    }

    /// Uploads contract WASM; returns its hash.
    ///
    /// # Errors
    /// As [`Client::submit`].
    pub async fn upload(&self, source: &dyn Sign, wasm: &[u8]) -> Result<[u8; 32], Error> {
        let f = HostFunction::UploadContractWasm(
            wasm.to_vec()
                .try_into()
                .map_err(|_| Error::InvalidInput("WASM too large".into()))?,
        );
        let done = self.submit(source, f, &[]).await?;
        Ok(crate::scval::FromScVal::from_sc_val(&done.value)?)
    }

    /// Deploys uploaded WASM `wasm_hash` from `source` with `salt` and constructor `args`;
    /// returns the contract address.
    ///
    /// # Errors
    /// As [`Client::submit`].
    pub async fn deploy(
        &self,
        source: &dyn Sign,
        wasm_hash: [u8; 32],
        salt: [u8; 32],
        args: Vec<ScVal>,
    ) -> Result<ScAddress, Error> {
        let f = HostFunction::CreateContractV2(CreateContractArgsV2 {
            contract_id_preimage: ContractIdPreimage::Address(ContractIdPreimageFromAddress {
                address: source.address(),
                salt: Uint256(salt),
            }),
            executable: ContractExecutable::Wasm(Hash(wasm_hash)),
            constructor_args: args
                .try_into()
                .map_err(|_| Error::InvalidInput("too many constructor arguments".into()))?,
        });
        let done = self.submit(source, f, &[]).await?;
        Ok(crate::scval::FromScVal::from_sc_val(&done.value)?)
    }

    /// Deploys the Stellar Asset Contract of `asset`, or finds it deployed; returns its address.
    ///
    /// # Errors
    /// As [`Client::submit`].
    pub async fn deploy_asset(&self, source: &dyn Sign, asset: Asset) -> Result<ScAddress, Error> {
        let address = asset_contract(self.network_id, &asset);
        let preimage = ContractIdPreimage::Asset(asset);
        if let ScAddress::Contract(stellar_xdr::ContractId(Hash(bytes))) = &address {
            if self.rpc.get_contract_instance(bytes).await.is_ok() {
                return Ok(address);
            }
        }
        let f = HostFunction::CreateContract(CreateContractArgs {
            contract_id_preimage: preimage,
            executable: ContractExecutable::StellarAsset,
        });
        let done = self.submit(source, f, &[]).await?;
        Ok(crate::scval::FromScVal::from_sc_val(&done.value)?)
    }
}

/// The address of `asset`'s Stellar Asset Contract on the network with `network_id`:
/// `sha256(xdr(HashIdPreimage::ContractId { network_id, Asset(asset) }))` (CAP-46-6).
pub fn asset_contract(network_id: [u8; 32], asset: &Asset) -> ScAddress {
    let preimage = stellar_xdr::HashIdPreimage::ContractId(stellar_xdr::HashIdPreimageContractId {
        network_id: Hash(network_id),
        contract_id_preimage: ContractIdPreimage::Asset(asset.clone()),
    });
    let bytes = stellar_xdr::WriteXdr::to_xdr(&preimage, Limits::none()).unwrap_or_default();
    ScAddress::Contract(stellar_xdr::ContractId(Hash(Sha256::digest(bytes).into())))
}

/// The operation invoking `host_function` with the authorization entries `auth`.
fn invoke_op(host_function: &HostFunction, auth: Vec<SorobanAuthorizationEntry>) -> OperationBody {
    OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
        host_function: host_function.clone(),
        auth: auth.try_into().unwrap_or_default(),
    })
}

/// `done` with its return value decoded as `call`'s.
fn typed<T>(call: &Call<T>, done: Invoked<ScVal>) -> Result<Invoked<T>, Error> {
    Ok(Invoked {
        value: call.decode(&done.value)?,
        hash: done.hash,
        ledger: done.ledger,
        fee_charged: done.fee_charged,
        events: done.events,
    })
}

/// The inclusion fee plus `resource_fee`, as a transaction fee.
fn fee_with(inclusion: u32, resource_fee: i64) -> Result<u32, Error> {
    u32::try_from(resource_fee)
        .ok()
        .and_then(|f| f.checked_add(inclusion))
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "resource fee {resource_fee} exceeds a transaction's maximum fee"
            ))
        })
}

/// The return value and contract events of an applied transaction.
fn outcome(r: &GetTransactionResponse) -> (ScVal, Vec<ContractEvent>) {
    let value = r.return_value().unwrap_or(ScVal::Void);
    let events = match &r.result_meta {
        Some(TransactionMeta::V4(m)) => m
            .operations
            .iter()
            .flat_map(|o| o.events.iter().cloned())
            .collect(),
        Some(TransactionMeta::V3(m)) => m
            .soroban_meta
            .as_ref()
            .map(|s| s.events.to_vec())
            .unwrap_or_default(),
        _ => r.events.contract_events.iter().flatten().cloned().collect(),
    };
    (value, events)
}

/// The typed rejection of a `sendTransaction` `ERROR`: its result code, or for a fee bump
/// whose inner transaction failed its checks (`txFEE_BUMP_INNER_FAILED`), the inner code.
fn rejection(r: &SendTransactionResponse) -> Error {
    let code = r
        .error_result_xdr
        .as_deref()
        .and_then(|x| TransactionResult::from_xdr_base64(x, Limits::none()).ok())
        .map(|t| match &t.result {
            stellar_xdr::TransactionResultResult::TxFeeBumpInnerFailed(pair) => {
                // The two code enums share their values (Stellar-transaction.x).
                TransactionResultCode::try_from(pair.result.result.discriminant() as i32)
                    .unwrap_or(TransactionResultCode::TxFeeBumpInnerFailed)
            }
            other => other.discriminant(),
        });
    match code {
        Some(code) => Error::Rejected { code },
        None => Error::Rpc("sendTransaction: ERROR without a readable errorResultXdr".into()),
    }
}

/// The error of a failed transaction: a named contract error when the diagnostics carry one.
fn failure(hash: &str, r: &GetTransactionResponse) -> Error {
    for e in &r.events.diagnostic_events {
        let stellar_xdr::ContractEventBody::V0(b) = &e.event.body;
        let found = b
            .topics
            .iter()
            .chain(std::iter::once(&b.data))
            .find_map(|v| match v {
                ScVal::Error(stellar_xdr::ScError::Contract(code)) => {
                    crate::generated::ContractError::from_code(*code)
                }
                _ => None,
            });
        if let Some(c) = found {
            return Error::Contract(c);
        }
    }
    Error::Failed {
        hash: hash.to_string(),
        code: r
            .result
            .as_ref()
            .map(|t: &TransactionResult| t.result.discriminant()),
        result: r.result.as_ref().map_or_else(
            || "unknown".to_string(),
            |t: &TransactionResult| format!("{:?}", t.result),
        ),
    }
}
