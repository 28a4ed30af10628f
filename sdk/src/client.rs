//! The transaction flow over Stellar RPC (stellar-rpc-client 28): build, simulate, restore if
//! asked, sign the authorization entries and the envelope, send, and confirm.
//!
//! Retries: transient RPC failures (connection errors, timeouts, HTTP 5xx and 429, and
//! `TRY_AGAIN_LATER`) are retried with capped exponential backoff. A sent transaction is only
//! ever re-sent as the identical signed envelope, which can't apply twice; after an ambiguous
//! failure the SDK looks the hash up instead of building a new transaction.

use std::time::Duration;

use sha2::{Digest, Sha256};
use stellar_rpc_client::{Client as Rpc, GetTransactionResponse, SimulateTransactionResponse};
use stellar_xdr::{
    Asset, ContractEvent, ContractExecutable, ContractIdPreimage, ContractIdPreimageFromAddress,
    CreateContractArgs, CreateContractArgsV2, Hash, HostFunction, InvokeHostFunctionOp, Limits,
    Memo, MuxedAccount, Operation, OperationBody, Preconditions, ReadXdr, RestoreFootprintOp,
    ScAddress, ScVal, SequenceNumber, SorobanAuthorizationEntry, SorobanCredentials,
    SorobanTransactionData, Transaction, TransactionEnvelope, TransactionExt, TransactionMeta,
    TransactionResult, TransactionV1Envelope, Uint256,
};

use crate::{
    call::Call,
    error::{contract_error_in, Error},
    signer::Signer,
};

/// Inclusion fee per operation, stroops (the network minimum).
pub const BASE_FEE: u32 = 100;
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

/// A connection to one network through its RPC.
#[derive(Clone)]
pub struct Client {
    rpc: Rpc,
    passphrase: String,
    network_id: [u8; 32],
    retry: RetryPolicy,
    confirm_timeout: Duration,
}

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

    /// A one-operation transaction from `source` with the base fee and no Soroban data yet.
    fn transaction(source: &stellar_xdr::AccountId, seq: i64, body: OperationBody) -> Transaction {
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

    /// Reads a view function by simulation, with `source` as the (possibly unfunded) source
    /// account; nothing is sent.
    ///
    /// # Errors
    /// [`Error::Contract`] for the contract's own errors, [`Error::Simulation`], RPC errors.
    pub async fn read<T>(&self, source: &str, call: &Call<T>) -> Result<T, Error> {
        let id: stellar_xdr::AccountId = source
            .parse()
            .map_err(|_| Error::InvalidKey(format!("{source} is not a G… address")))?;
        let body = OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
            host_function: call.host_function(),
            auth: Default::default(),
        });
        let tx = Self::transaction(&id, 0, body);
        let sim = self.simulate_tx(&tx).await?;
        let value = sim
            .results()
            .map_err(|e| Error::Rpc(e.to_string()))?
            .into_iter()
            .next()
            .map(|r| r.xdr)
            .unwrap_or(ScVal::Void);
        Ok(call.decode(&value)?)
    }

    /// Invokes `call` from `source`, with `signers` authorizing the addresses the call needs
    /// besides the source account, and waits for the result.
    ///
    /// # Errors
    /// [`Error::Contract`] (by name), [`Error::MissingSigner`], [`Error::Simulation`],
    /// [`Error::Rejected`], [`Error::Failed`], [`Error::Unconfirmed`], RPC errors.
    pub async fn invoke<T>(
        &self,
        source: &Signer,
        call: &Call<T>,
        signers: &[&Signer],
    ) -> Result<Invoked<T>, Error> {
        let done = self.submit(source, call.host_function(), signers).await?;
        Ok(Invoked {
            value: call.decode(&done.value)?,
            hash: done.hash,
            ledger: done.ledger,
            fee_charged: done.fee_charged,
            events: done.events,
        })
    }

    /// Runs any host function (upload, deploy, invoke) from `source`.
    ///
    /// # Errors
    /// As [`Client::invoke`].
    pub async fn submit(
        &self,
        source: &Signer,
        host_function: HostFunction,
        signers: &[&Signer],
    ) -> Result<Invoked<ScVal>, Error> {
        let mut seq = self.sequence(&source.public_strkey()).await? + 1;
        let op = |auth: Vec<SorobanAuthorizationEntry>| {
            OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                host_function: host_function.clone(),
                auth: auth.try_into().unwrap_or_default(),
            })
        };
        let mut sim = self
            .simulate_tx(&Self::transaction(&source.account_id(), seq, op(vec![])))
            .await?;
        if let Some(preamble) = sim.restore_preamble.take() {
            let data =
                SorobanTransactionData::from_xdr_base64(&preamble.transaction_data, Limits::none())
                    .map_err(|e| Error::Rpc(e.to_string()))?;
            self.restore(source, seq, data, preamble.min_resource_fee)
                .await?;
            seq += 1;
            sim = self
                .simulate_tx(&Self::transaction(&source.account_id(), seq, op(vec![])))
                .await?;
        }
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
                    signer.sign_auth(entry, self.network_id, expiration)
                }
                _ => entry,
            };
            signed.push(entry);
        }
        let data = sim
            .transaction_data()
            .map_err(|e| Error::Rpc(e.to_string()))?;
        let mut tx = Self::transaction(&source.account_id(), seq, op(signed));
        tx.fee = fee_with(data.resource_fee)?;
        tx.ext = TransactionExt::V1(data);
        let confirmed = self.send_and_confirm(&self.sign(tx, &[source])).await?;
        let (value, events) = outcome(&confirmed);
        Ok(Invoked {
            value,
            hash: confirmed.tx_hash.clone().unwrap_or_default(),
            ledger: confirmed.ledger.unwrap_or(0),
            fee_charged: confirmed.result.as_ref().map_or(0, |r| r.fee_charged),
            events,
        })
    }

    async fn restore(
        &self,
        source: &Signer,
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
        tx.fee = fee_with(i64::try_from(min_fee).unwrap_or(i64::MAX))?;
        tx.ext = TransactionExt::V1(data);
        self.send_and_confirm(&self.sign(tx, &[source]))
            .await
            .map(|_| ())
    }

    /// Signs `tx` with `keys`.
    pub fn sign(&self, tx: Transaction, keys: &[&Signer]) -> TransactionEnvelope {
        let mut envelope = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx,
            signatures: Default::default(),
        });
        if let Ok(hash) = envelope.hash(self.network_id) {
            if let TransactionEnvelope::Tx(v1) = &mut envelope {
                v1.signatures = keys
                    .iter()
                    .map(|k| k.sign_decorated(&hash))
                    .collect::<Vec<_>>()
                    .try_into()
                    .unwrap_or_default();
            }
        }
        envelope
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
        let hash = Hash(
            envelope
                .hash(self.network_id)
                .map_err(|e| Error::InvalidInput(e.to_string()))?,
        );
        let hex_hash = hex::encode(hash.0);
        let mut delay = self.retry.initial;
        for attempt in 1..=self.retry.attempts {
            match self.rpc.send_transaction(envelope).await {
                Ok(_) => break,
                Err(stellar_rpc_client::Error::TransactionSubmissionFailed(m))
                    if !m.contains("No status yet") =>
                {
                    return Err(Error::Rejected(
                        m.lines().next().unwrap_or("").trim().to_string(),
                    ));
                }
                Err(e) => {
                    // Ambiguous: it may have reached the network. Look before resending the
                    // identical envelope.
                    if let Ok(r) = self.rpc.get_transaction(&hash).await {
                        if r.status != "NOT_FOUND" {
                            break;
                        }
                    }
                    if attempt == self.retry.attempts {
                        return Err(Error::Unavailable {
                            attempts: attempt,
                            last: e.to_string(),
                        });
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(self.retry.max);
                }
            }
        }
        let started = std::time::Instant::now();
        let mut poll = Duration::from_millis(100);
        loop {
            match self.rpc.get_transaction(&hash).await {
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
    pub async fn upload(&self, source: &Signer, wasm: &[u8]) -> Result<[u8; 32], Error> {
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
        source: &Signer,
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
    pub async fn deploy_asset(&self, source: &Signer, asset: Asset) -> Result<ScAddress, Error> {
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

/// The base fee plus `resource_fee`, as a transaction fee.
fn fee_with(resource_fee: i64) -> Result<u32, Error> {
    u32::try_from(resource_fee)
        .ok()
        .and_then(|f| f.checked_add(BASE_FEE))
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
    let result = r.result.as_ref().map_or_else(
        || "unknown".to_string(),
        |t: &TransactionResult| format!("{:?}", t.result),
    );
    Error::Failed {
        hash: hash.to_string(),
        result,
    }
}
