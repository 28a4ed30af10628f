//! Client side for the localnet tests: keys, friendbot, and the simulate → sign → send →
//! confirm flow over stellar-rpc-client, with real ed25519 signatures on the envelope and on
//! Soroban authorization entries.
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use std::time::Duration;

use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};
use stellar_rpc_client::{Client, GetTransactionResponse};
use stellar_xdr::{
    AccountId, AlphaNum4, Asset, AssetCode4, BytesM, ContractExecutable, ContractId,
    ContractIdPreimage, ContractIdPreimageFromAddress, CreateContractArgs, CreateContractArgsV2,
    DecoratedSignature, Hash, HashIdPreimage, HashIdPreimageSorobanAuthorization, HostFunction,
    InvokeContractArgs, InvokeHostFunctionOp, Limits, Memo, MuxedAccount, Operation, OperationBody,
    Preconditions, PublicKey, ScAddress, ScBytes, ScMap, ScMapEntry, ScSymbol, ScVal, ScVec,
    SequenceNumber, Signature, SignatureHint, SorobanAuthorizationEntry, SorobanCredentials,
    Transaction, TransactionEnvelope, TransactionExt, TransactionV1Envelope, Uint256, WriteXdr,
};
use tributary_fixture::{ACCESS_WASM, CLAIMS_WASM, INSURANCE_WASM, STREAM_WASM};
use tributary_localnet::server::{Config, Localnet};

/// A test account's key.
#[derive(Clone)]
pub struct Key(pub SigningKey);

impl Key {
    /// A deterministic key from a label.
    pub fn from_label(label: &str) -> Self {
        Key(SigningKey::from_bytes(
            &Sha256::digest(label.as_bytes()).into(),
        ))
    }
    pub fn public(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }
    pub fn account_id(&self) -> AccountId {
        AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(self.public())))
    }
    pub fn address(&self) -> ScAddress {
        ScAddress::Account(self.account_id())
    }
    pub fn strkey(&self) -> String {
        self.account_id().to_string()
    }
    pub fn sign_decorated(&self, payload: &[u8]) -> DecoratedSignature {
        let p = self.public();
        DecoratedSignature {
            hint: SignatureHint([p[28], p[29], p[30], p[31]]),
            signature: Signature(self.0.sign(payload).to_bytes().to_vec().try_into().unwrap()),
        }
    }
}

/// A running localnet (ledgers closed on demand) and a client for it.
pub struct Net {
    pub localnet: Localnet,
    pub client: Client,
    pub network_id: [u8; 32],
}

/// Why a transaction didn't succeed.
pub enum TxError {
    /// Simulation reported an error.
    Simulation(String),
    /// `sendTransaction` returned ERROR with this result.
    Rejected(stellar_xdr::TransactionResult),
    /// The transaction was applied and failed.
    Failed(Box<GetTransactionResponse>),
    /// The RPC call itself failed.
    Rpc(String),
}

impl TxError {
    /// Whether this is a transaction that was applied and failed with its host function
    /// trapped (`INVOKE_HOST_FUNCTION_TRAPPED`: an auth, contract or host error).
    pub fn is_trapped(&self) -> bool {
        use stellar_xdr::{InvokeHostFunctionResult, OperationResult, OperationResultTr};
        let TxError::Failed(r) = self else {
            return false;
        };
        matches!(
            r.result.as_ref().map(|t| &t.result),
            Some(stellar_xdr::TransactionResultResult::TxFailed(ops)) if matches!(
                ops.first(),
                Some(OperationResult::OpInner(OperationResultTr::InvokeHostFunction(
                    InvokeHostFunctionResult::Trapped
                )))
            )
        )
    }
}

impl std::fmt::Debug for TxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TxError::Simulation(e) => write!(f, "simulation: {e}"),
            TxError::Rejected(r) => write!(f, "rejected: {:?}", r.result),
            TxError::Failed(r) => {
                writeln!(f, "failed: {:?}", r.result.as_ref().map(|r| &r.result))?;
                for e in &r.events.diagnostic_events {
                    writeln!(f, "  {:?}", e.event.body)?;
                }
                Ok(())
            }
            TxError::Rpc(e) => write!(f, "rpc: {e}"),
        }
    }
}

impl Net {
    pub async fn start() -> Net {
        Self::start_with(Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            ledger_interval: None,
            ..Config::default()
        })
        .await
    }

    pub async fn start_with(config: Config) -> Net {
        let network_id = config.settings.network_id;
        let localnet = Localnet::start(config).await.unwrap();
        let client = Client::new(&localnet.rpc_url()).unwrap();
        Net {
            localnet,
            client,
            network_id,
        }
    }

    /// Funds `key` through friendbot over HTTP.
    pub async fn fund(&self, key: &Key) {
        let url = format!("{}?addr={}", self.localnet.friendbot_url(), key.strkey());
        let (status, body) = http_get(url).await;
        assert_eq!(status, 200, "friendbot: {body}");
    }

    /// A new funded account.
    pub async fn account(&self, label: &str) -> Key {
        let k = Key::from_label(label);
        self.fund(&k).await;
        k
    }

    /// Builds, simulates, signs (envelope by `source`, address auth entries by `signers`),
    /// sends, closes a ledger and returns the confirmed transaction.
    pub async fn invoke(
        &self,
        source: &Key,
        host_fn: HostFunction,
        signers: &[&Key],
    ) -> Result<GetTransactionResponse, TxError> {
        let envelope = self.prepare(source, host_fn, signers).await?;
        self.submit(&envelope).await
    }

    /// The signed envelope, ready to send.
    pub async fn prepare(
        &self,
        source: &Key,
        host_fn: HostFunction,
        signers: &[&Key],
    ) -> Result<TransactionEnvelope, TxError> {
        let rpc = |e: stellar_rpc_client::Error| TxError::Rpc(e.to_string());
        let account = self
            .client
            .get_account(&source.strkey())
            .await
            .map_err(rpc)?;
        self.prepare_at(source, account.seq_num.0 + 1, host_fn, signers)
            .await
    }

    /// [`Net::prepare`] with an explicit sequence number.
    pub async fn prepare_at(
        &self,
        source: &Key,
        seq: i64,
        host_fn: HostFunction,
        signers: &[&Key],
    ) -> Result<TransactionEnvelope, TxError> {
        let rpc = |e: stellar_rpc_client::Error| TxError::Rpc(e.to_string());
        let op = |auth: Vec<SorobanAuthorizationEntry>| Operation {
            source_account: None,
            body: OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                host_function: host_fn.clone(),
                auth: auth.try_into().unwrap(),
            }),
        };
        let mut tx = transaction(source, seq, vec![op(vec![]).body]);
        let sim = self.simulate(&tx).await.map_err(rpc)?;
        if let Some(e) = sim.error.clone() {
            return Err(TxError::Simulation(e));
        }
        let latest = sim.latest_ledger;
        let results = sim.results().map_err(rpc)?;
        let auth = results.first().map(|r| r.auth.clone()).unwrap_or_default();
        let signed: Vec<_> = auth
            .into_iter()
            .map(|a| self.sign_auth(a, signers, latest + 100))
            .collect();
        let data = sim.transaction_data().map_err(rpc)?;
        tx.fee = 100
            + u32::try_from(data.resource_fee).unwrap_or_else(|_| panic!("resource fee {data:?}"));
        tx.operations = vec![op(signed)].try_into().unwrap();
        tx.ext = TransactionExt::V1(data);
        Ok(self.sign_envelope(tx, &[source]))
    }

    /// Simulates an unsigned `tx`.
    pub async fn simulate(
        &self,
        tx: &Transaction,
    ) -> Result<stellar_rpc_client::SimulateTransactionResponse, stellar_rpc_client::Error> {
        let unsigned = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx: tx.clone(),
            signatures: Default::default(),
        });
        self.client
            .simulate_transaction_envelope(&unsigned, None)
            .await
    }

    /// Signs `tx` by `keys`.
    pub fn sign_envelope(&self, tx: Transaction, keys: &[&Key]) -> TransactionEnvelope {
        let mut env = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx,
            signatures: Default::default(),
        });
        let hash = env.hash(self.network_id).unwrap();
        if let TransactionEnvelope::Tx(v1) = &mut env {
            v1.signatures = keys
                .iter()
                .map(|k| k.sign_decorated(&hash))
                .collect::<Vec<_>>()
                .try_into()
                .unwrap();
        }
        env
    }

    /// Signs an address-credential auth entry with the signer whose address it names, if any.
    pub fn sign_auth(
        &self,
        entry: SorobanAuthorizationEntry,
        signers: &[&Key],
        expiration: u32,
    ) -> SorobanAuthorizationEntry {
        let SorobanCredentials::Address(creds) = &entry.credentials else {
            return entry;
        };
        // With no matching signer the entry stays unsigned, and the host rejects it.
        let Some(key) = signers.iter().find(|k| k.address() == creds.address) else {
            return entry;
        };
        self.sign_auth_with(entry.clone(), key, expiration)
    }

    /// Signs an address-credential auth entry with `key`, whatever address it names.
    pub fn sign_auth_with(
        &self,
        mut entry: SorobanAuthorizationEntry,
        key: &Key,
        expiration: u32,
    ) -> SorobanAuthorizationEntry {
        let SorobanCredentials::Address(creds) = &mut entry.credentials else {
            return entry;
        };
        let preimage = HashIdPreimage::SorobanAuthorization(HashIdPreimageSorobanAuthorization {
            network_id: Hash(self.network_id),
            nonce: creds.nonce,
            signature_expiration_ledger: expiration,
            invocation: entry.root_invocation.clone(),
        });
        let payload: [u8; 32] = Sha256::digest(preimage.to_xdr(Limits::none()).unwrap()).into();
        let sig = key.0.sign(&payload).to_bytes();
        creds.signature_expiration_ledger = expiration;
        creds.signature = ScVal::Vec(Some(ScVec(
            vec![ScVal::Map(Some(ScMap(
                vec![
                    ScMapEntry {
                        key: sym("public_key"),
                        val: ScVal::Bytes(ScBytes(key.public().to_vec().try_into().unwrap())),
                    },
                    ScMapEntry {
                        key: sym("signature"),
                        val: ScVal::Bytes(ScBytes(sig.to_vec().try_into().unwrap())),
                    },
                ]
                .try_into()
                .unwrap(),
            )))]
            .try_into()
            .unwrap(),
        )));
        entry
    }

    /// Sends a signed envelope, closes a ledger, and returns the applied transaction.
    pub async fn submit(
        &self,
        envelope: &TransactionEnvelope,
    ) -> Result<GetTransactionResponse, TxError> {
        let hash = self.send(envelope).await?;
        self.localnet.close_ledger();
        self.confirm(&hash).await
    }

    /// Sends without closing a ledger; returns the hash.
    pub async fn send(&self, envelope: &TransactionEnvelope) -> Result<Hash, TxError> {
        self.client
            .send_transaction(envelope)
            .await
            .map_err(|e| match e {
                stellar_rpc_client::Error::TransactionSubmissionFailed(m) => TxError::Rpc(m),
                e => TxError::Rpc(e.to_string()),
            })
    }

    /// The applied transaction `hash`, waiting up to 10 s.
    pub async fn confirm(&self, hash: &Hash) -> Result<GetTransactionResponse, TxError> {
        for _ in 0..200 {
            let r = self
                .client
                .get_transaction(hash)
                .await
                .map_err(|e| TxError::Rpc(e.to_string()))?;
            match r.status.as_str() {
                "SUCCESS" => return Ok(r),
                "FAILED" => return Err(TxError::Failed(Box::new(r))),
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        Err(TxError::Rpc(format!("{hash} not applied")))
    }

    /// Uploads `wasm`; returns its hash.
    pub async fn upload(&self, source: &Key, wasm: &[u8]) -> [u8; 32] {
        let f = HostFunction::UploadContractWasm(BytesM::try_from(wasm.to_vec()).unwrap());
        let r = self.invoke(source, f, &[]).await.unwrap();
        match r.return_value().unwrap() {
            ScVal::Bytes(b) => b.as_slice().try_into().unwrap(),
            v => panic!("upload returned {v:?}"),
        }
    }

    /// Deploys `wasm_hash` with constructor `args`; returns the contract address.
    pub async fn deploy(
        &self,
        source: &Key,
        wasm_hash: [u8; 32],
        args: Vec<ScVal>,
        salt: u8,
    ) -> ScAddress {
        let f = HostFunction::CreateContractV2(CreateContractArgsV2 {
            contract_id_preimage: ContractIdPreimage::Address(ContractIdPreimageFromAddress {
                address: source.address(),
                salt: Uint256([salt; 32]),
            }),
            executable: ContractExecutable::Wasm(Hash(wasm_hash)),
            constructor_args: args.try_into().unwrap(),
        });
        address_of(self.invoke(source, f, &[]).await.unwrap())
    }

    /// Deploys the Stellar Asset Contract of `asset`; returns its address.
    pub async fn deploy_sac(&self, source: &Key, asset: stellar_xdr::Asset) -> ScAddress {
        let f = HostFunction::CreateContract(CreateContractArgs {
            contract_id_preimage: ContractIdPreimage::Asset(asset),
            executable: ContractExecutable::StellarAsset,
        });
        address_of(self.invoke(source, f, &[]).await.unwrap())
    }

    /// Calls `contract.function(args)` from `source`, signing auth by `signers`.
    pub async fn call(
        &self,
        source: &Key,
        contract: &ScAddress,
        function: &str,
        args: Vec<ScVal>,
        signers: &[&Key],
    ) -> Result<ScVal, TxError> {
        let r = self
            .invoke(source, call_fn(contract, function, args), signers)
            .await?;
        Ok(r.return_value().unwrap())
    }

    /// Simulates a read-only call; returns its value.
    pub async fn read(
        &self,
        source: &Key,
        contract: &ScAddress,
        function: &str,
        args: Vec<ScVal>,
    ) -> ScVal {
        let account = self.client.get_account(&source.strkey()).await.unwrap();
        let tx = transaction(
            source,
            account.seq_num.0 + 1,
            vec![OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                host_function: call_fn(contract, function, args),
                auth: Default::default(),
            })],
        );
        let env = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx,
            signatures: Default::default(),
        });
        let sim = self
            .client
            .simulate_transaction_envelope(&env, None)
            .await
            .unwrap();
        assert!(sim.error.is_none(), "{:?}", sim.error);
        sim.results().unwrap()[0].xdr.clone()
    }
}

/// The host function calling `contract.function(args)`.
pub fn call_fn(contract: &ScAddress, function: &str, args: Vec<ScVal>) -> HostFunction {
    HostFunction::InvokeContract(InvokeContractArgs {
        contract_address: contract.clone(),
        function_name: ScSymbol(function.try_into().unwrap()),
        args: args.try_into().unwrap(),
    })
}

fn address_of(r: GetTransactionResponse) -> ScAddress {
    match r.return_value().unwrap() {
        ScVal::Address(a) => a,
        v => panic!("create returned {v:?}"),
    }
}

/// A symbol value.
pub fn sym(s: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(s.try_into().unwrap()))
}

/// An i128 value.
pub fn i128_val(v: i128) -> ScVal {
    ScVal::I128(stellar_xdr::Int128Parts {
        hi: (v >> 64) as i64,
        lo: v as u64,
    })
}

/// The contract id bytes of a contract address.
pub fn contract_bytes(a: &ScAddress) -> [u8; 32] {
    match a {
        ScAddress::Contract(ContractId(Hash(h))) => *h,
        _ => panic!("not a contract: {a}"),
    }
}

/// A plain HTTP GET; returns status and body.
pub async fn http_get(url: String) -> (u16, String) {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut r = agent.get(&url).call().unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    })
    .await
    .unwrap()
}

/// A plain HTTP POST of `body` with `content_type`; returns status and body.
pub async fn http_post(url: String, content_type: &'static str, body: Vec<u8>) -> (u16, String) {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut r = agent
            .post(&url)
            .header("content-type", content_type)
            .send(&body[..])
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    })
    .await
    .unwrap()
}

/// A raw JSON-RPC call; returns the whole response object.
pub async fn rpc_raw(url: &str, method: &str, params: serde_json::Value) -> serde_json::Value {
    let body = serde_json::json!({ "jsonrpc": "2.0", "id": 7, "method": method, "params": params });
    let (_, text) = http_post(
        url.to_string(),
        "application/json",
        body.to_string().into_bytes(),
    )
    .await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method}: {e}: {text}"))
}

/// The `(code, message)` of a JSON-RPC error response.
pub fn rpc_error(v: &serde_json::Value) -> (i64, String) {
    let e = v
        .get("error")
        .unwrap_or_else(|| panic!("expected an error, got {v}"));
    (
        e["code"].as_i64().unwrap(),
        e["message"].as_str().unwrap().to_string(),
    )
}

/// An ScVal map from `(symbol, value)` pairs, sorted by key as the host requires.
pub fn struct_val(mut fields: Vec<(&str, ScVal)>) -> ScVal {
    fields.sort_by(|a, b| a.0.cmp(b.0));
    ScVal::Map(Some(ScMap(
        fields
            .into_iter()
            .map(|(k, v)| ScMapEntry {
                key: sym(k),
                val: v,
            })
            .collect::<Vec<_>>()
            .try_into()
            .unwrap(),
    )))
}

/// An ScVal vector.
pub fn vec_val(items: Vec<ScVal>) -> ScVal {
    ScVal::Vec(Some(ScVec(items.try_into().unwrap())))
}

/// One lumen in stroops.
pub const XLM: i128 = 10_000_000;

/// The deployed protocol.
pub struct Deployed {
    pub xlm: ScAddress,
    pub usdc: ScAddress,
    pub insurance: ScAddress,
    pub stream: ScAddress,
    pub claims: ScAddress,
    pub access: ScAddress,
}

/// Deploys both SACs (XLM and USDC issued by `issuer`) and the four contracts.
pub async fn deploy_all(net: &Net, deployer: &Key, issuer: &Key) -> Deployed {
    let xlm = net.deploy_sac(deployer, Asset::Native).await;
    let usdc = net
        .deploy_sac(
            deployer,
            Asset::CreditAlphanum4(AlphaNum4 {
                asset_code: AssetCode4(*b"USDC"),
                issuer: issuer.account_id(),
            }),
        )
        .await;
    let council: Vec<ScVal> = (0..5)
        .map(|i| ScVal::Address(Key::from_label(&format!("council {i}")).address()))
        .collect();
    let insurance_wasm = net.upload(deployer, INSURANCE_WASM).await;
    let insurance = net
        .deploy(
            deployer,
            insurance_wasm,
            vec![
                ScVal::Vec(Some(council.try_into().unwrap())),
                ScVal::Vec(Some(
                    vec![ScVal::Address(xlm.clone()), ScVal::Address(usdc.clone())]
                        .try_into()
                        .unwrap(),
                )),
            ],
            1,
        )
        .await;
    let mut ids = Vec::new();
    for (salt, wasm) in [(2, STREAM_WASM), (3, CLAIMS_WASM), (4, ACCESS_WASM)] {
        let hash = net.upload(deployer, wasm).await;
        ids.push(
            net.deploy(
                deployer,
                hash,
                vec![ScVal::Address(insurance.clone())],
                salt,
            )
            .await,
        );
    }
    let access = ids.pop().unwrap();
    let claims = ids.pop().unwrap();
    let stream = ids.pop().unwrap();
    Deployed {
        xlm,
        usdc,
        insurance,
        stream,
        claims,
        access,
    }
}

/// The u64 in `v`.
pub fn u64_of(v: &ScVal) -> u64 {
    match v {
        ScVal::U64(n) => *n,
        v => panic!("not a u64: {v:?}"),
    }
}

/// The i128 in `v`.
pub fn i128_of(v: &ScVal) -> i128 {
    match v {
        ScVal::I128(p) => (i128::from(p.hi) << 64) | i128::from(p.lo),
        v => panic!("not an i128: {v:?}"),
    }
}

impl Net {
    /// A classic transaction of `ops` from `source`, signed and applied.
    pub async fn classic(
        &self,
        source: &Key,
        ops: Vec<OperationBody>,
    ) -> Result<GetTransactionResponse, TxError> {
        let account = self
            .client
            .get_account(&source.strkey())
            .await
            .map_err(|e| TxError::Rpc(e.to_string()))?;
        let tx = transaction(source, account.seq_num.0 + 1, ops);
        let envelope = self.sign_envelope(tx, &[source]);
        self.submit(&envelope).await
    }

    /// A `RestoreFootprint` (`read_write` keys) or `ExtendFootprintTTL` (`read_only` keys)
    /// transaction, simulated for its resources and fee; returns it signed with the simulation.
    pub async fn ttl_op(
        &self,
        source: &Key,
        body: OperationBody,
        footprint: stellar_xdr::LedgerFootprint,
    ) -> (
        TransactionEnvelope,
        stellar_rpc_client::SimulateTransactionResponse,
    ) {
        let account = self.client.get_account(&source.strkey()).await.unwrap();
        let mut tx = transaction(source, account.seq_num.0 + 1, vec![body]);
        tx.ext = TransactionExt::V1(stellar_xdr::SorobanTransactionData {
            ext: stellar_xdr::SorobanTransactionDataExt::V0,
            resources: stellar_xdr::SorobanResources {
                footprint,
                instructions: 0,
                disk_read_bytes: 0,
                write_bytes: 0,
            },
            resource_fee: 0,
        });
        let sim = self.simulate(&tx).await.unwrap();
        assert!(sim.error.is_none(), "{:?}", sim.error);
        let data = sim.transaction_data().unwrap();
        tx.fee = 100 + u32::try_from(data.resource_fee).unwrap();
        tx.ext = TransactionExt::V1(data);
        (self.sign_envelope(tx, &[source]), sim)
    }

    /// The live-until ledger `getLedgerEntries` reports for `key`, if the entry is served.
    pub async fn live_until(&self, key: &stellar_xdr::LedgerKey) -> Option<u32> {
        let r = self
            .client
            .get_ledger_entries(std::slice::from_ref(key))
            .await
            .unwrap();
        r.entries
            .unwrap_or_default()
            .first()
            .map(|e| e.live_until_ledger_seq_ledger_seq.unwrap_or(0))
    }

    /// The current sequence number of `key`'s account.
    pub async fn seq(&self, key: &Key) -> i64 {
        self.client
            .get_account(&key.strkey())
            .await
            .unwrap()
            .seq_num
            .0
    }

    /// The latest closed ledger.
    pub fn latest(&self) -> u32 {
        self.localnet.shared().lock().header().ledger_seq
    }
}

/// A POST over a raw socket that reads the response while still writing the body, for
/// requests the server answers before reading them whole (oversized ones). Returns the status
/// and body.
pub async fn http_post_streaming(
    addr: std::net::SocketAddr,
    path: &'static str,
    body: Vec<u8>,
) -> (u16, String) {
    use std::io::{Read, Write};
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        let mut writer = stream.try_clone().unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let write = std::thread::spawn(move || {
            let _ = writer.write_all(head.as_bytes()).and_then(|_| writer.write_all(&body));
        });
        let mut response = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            response.extend_from_slice(&buf[..n]);
        }
        let _ = write.join();
        let text = String::from_utf8_lossy(&response).to_string();
        let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
    })
    .await
    .unwrap()
}

/// A transaction of `ops` from `source` with sequence number `seq` and the base fee per
/// operation; no memo, no bounds, no Soroban data.
pub fn transaction(source: &Key, seq: i64, ops: Vec<OperationBody>) -> Transaction {
    Transaction {
        source_account: MuxedAccount::Ed25519(Uint256(source.public())),
        fee: 100 * ops.len() as u32,
        seq_num: SequenceNumber(seq),
        cond: Preconditions::None,
        memo: Memo::None,
        operations: ops
            .into_iter()
            .map(|body| Operation {
                source_account: None,
                body,
            })
            .collect::<Vec<_>>()
            .try_into()
            .unwrap(),
        ext: TransactionExt::V0,
    }
}

/// `create_streams` parameters: a stream of `deposit` base units of `token` to `recipient`,
/// vesting from `start` over 10,000 seconds with no cliff, with id salt `salt`.
pub fn stream_params(
    salt: u64,
    recipient: &Key,
    token: &ScAddress,
    deposit: i128,
    start: u64,
) -> ScVal {
    struct_val(vec![
        ("salt", ScVal::U64(salt)),
        ("recipient", ScVal::Address(recipient.address())),
        ("token", ScVal::Address(token.clone())),
        ("deposit", i128_val(deposit)),
        ("start", ScVal::U64(start)),
        ("cliff", ScVal::U64(start)),
        ("end", ScVal::U64(start + 10_000)),
        ("cancelable", ScVal::Bool(true)),
        ("transferable", ScVal::Bool(false)),
    ])
}
