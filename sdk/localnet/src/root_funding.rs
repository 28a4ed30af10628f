//! Friendbot's transactions from the root account: creating a `G…` account, and paying lumens
//! to a `C…` contract through the native asset's contract, as stellar/friendbot does for
//! contract addresses (`NewPaymentToContract`: `transfer(bot, contract, amount)` authorized by
//! the source account, simulated for its footprint and fee).

use ed25519_dalek::Signer;
use stellar_xdr::{
    AccountId, ContractExecutable, ContractId, ContractIdPreimage, CreateAccountOp,
    CreateContractArgs, DecoratedSignature, HostFunction, InvokeContractArgs, InvokeHostFunctionOp,
    LedgerKey, LedgerKeyContractData, Limits, Memo, MuxedAccount, Operation, OperationBody,
    Preconditions, ReadXdr, ScAddress, ScSymbol, ScVal, SequenceNumber, Signature, SignatureHint,
    SorobanAuthorizationEntry, SorobanTransactionData, Transaction, TransactionEnvelope,
    TransactionExt, TransactionV1Envelope, Uint256, WriteXdr,
};

use crate::{
    classic::load_account,
    node::{account_id, Node, Submission, FRIENDBOT_AMOUNT},
    settings::BASE_FEE,
    simulate::simulate,
    txn::Overlay,
};

/// What a funding of a contract queued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContractFunding {
    /// The native asset's contract didn't exist; its deployment is queued (hash). Fund again
    /// once it is applied.
    DeployingNativeAsset([u8; 32]),
    /// The payment is queued (hash).
    Paying([u8; 32]),
}

/// Why a funding wasn't queued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FundingError {
    /// The address already holds the starting balance (friendbot's wording).
    AlreadyFunded,
    /// Simulation refused the payment (its message).
    Simulation(String),
    /// The network refused the transaction.
    Refused(Submission),
}

impl Node {
    /// Queues a friendbot payment creating `destination` with [`FRIENDBOT_AMOUNT`]; returns
    /// the transaction hash.
    ///
    /// # Errors
    /// The submission's rejection (`opALREADY_EXISTS` surfaces only at apply); an already
    /// queued funding is `Duplicate`.
    pub fn fund(&mut self, destination: AccountId) -> Result<[u8; 32], Submission> {
        let op = OperationBody::CreateAccount(CreateAccountOp {
            destination,
            starting_balance: FRIENDBOT_AMOUNT,
        });
        let tx = self.root_transaction(op);
        self.submit_as_root(tx)
    }

    /// Queues a payment of [`FRIENDBOT_AMOUNT`] stroops of lumens to the contract `to`, or,
    /// if the native asset's contract isn't deployed yet, its deployment.
    ///
    /// # Errors
    /// [`FundingError`]: the contract already holds the starting balance, simulation failed,
    /// or the transaction was refused.
    pub fn fund_contract(&mut self, to: ContractId) -> Result<ContractFunding, FundingError> {
        let native = self.native_asset().clone();
        let instance = LedgerKey::ContractData(LedgerKeyContractData {
            contract: ScAddress::Contract(native.clone()),
            key: ScVal::LedgerKeyContractInstance,
            durability: stellar_xdr::ContractDataDurability::Persistent,
        });
        if self.state().get(&instance).is_none() {
            let deploy = HostFunction::CreateContract(CreateContractArgs {
                contract_id_preimage: ContractIdPreimage::Asset(stellar_xdr::Asset::Native),
                executable: ContractExecutable::StellarAsset,
            });
            return self
                .invoke_as_root(deploy)
                .map(ContractFunding::DeployingNativeAsset);
        }
        let to = ScAddress::Contract(to);
        let call = |name: &str, args: Vec<ScVal>| {
            HostFunction::InvokeContract(InvokeContractArgs {
                contract_address: ScAddress::Contract(native.clone()),
                function_name: ScSymbol(name.try_into().unwrap_or_default()),
                args: args.try_into().unwrap_or_default(),
            })
        };
        // stellar/friendbot reads the balance first and refuses a funded address.
        let (_, balance) =
            self.simulate_as_root(call("balance", vec![ScVal::Address(to.clone())]))?;
        if let ScVal::I128(b) = &balance {
            if i128::from(b) >= i128::from(FRIENDBOT_AMOUNT) {
                return Err(FundingError::AlreadyFunded);
            }
        }
        let root = ScAddress::Account(account_id(self.root_key()));
        let amount = ScVal::from(i128::from(FRIENDBOT_AMOUNT));
        self.invoke_as_root(call(
            "transfer",
            vec![ScVal::Address(root), ScVal::Address(to), amount],
        ))
        .map(ContractFunding::Paying)
    }

    /// Simulates `f` from the root account: the transaction ready to sign (footprint, fee,
    /// auth) and the returned value.
    fn simulate_as_root(&self, f: HostFunction) -> Result<(Transaction, ScVal), FundingError> {
        let op = OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
            host_function: f,
            auth: Default::default(),
        });
        let mut tx = self.root_transaction(op);
        let envelope = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx: tx.clone(),
            signatures: Default::default(),
        });
        let sim = simulate(
            self.settings(),
            self.state().clone(),
            &self.next_ledger_info(),
            self.header().ledger_seq,
            &envelope,
            None,
            0,
        );
        if let Some(e) = sim.error {
            return Err(FundingError::Simulation(e));
        }
        let decode = |what: &str| FundingError::Simulation(format!("undecodable {what}"));
        let data = SorobanTransactionData::from_xdr_base64(
            sim.transaction_data.unwrap_or_default(),
            Limits::none(),
        )
        .map_err(|_| decode("transaction data"))?;
        let result = sim.results.unwrap_or_default().into_iter().next();
        let value = match &result {
            Some(r) => {
                ScVal::from_xdr_base64(&r.xdr, Limits::none()).map_err(|_| decode("value"))?
            }
            None => ScVal::Void,
        };
        let auth = result
            .map(|r| r.auth)
            .unwrap_or_default()
            .iter()
            .map(|a| SorobanAuthorizationEntry::from_xdr_base64(a, Limits::none()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| decode("auth"))?;
        let mut ops = tx.operations.to_vec();
        if let Some(OperationBody::InvokeHostFunction(op)) = ops.first_mut().map(|o| &mut o.body) {
            op.auth = auth.try_into().unwrap_or_default();
        }
        tx.operations = ops.try_into().unwrap_or_default();
        tx.fee = BASE_FEE.saturating_add(u32::try_from(data.resource_fee).unwrap_or(u32::MAX));
        tx.ext = TransactionExt::V1(data);
        Ok((tx, value))
    }

    /// Simulates `f` from the root account, then signs and queues it; returns its hash.
    fn invoke_as_root(&mut self, f: HostFunction) -> Result<[u8; 32], FundingError> {
        let (tx, _) = self.simulate_as_root(f)?;
        self.submit_as_root(tx).map_err(FundingError::Refused)
    }

    /// A classic-fee transaction of `op` from the root account at its next sequence number.
    fn root_transaction(&self, op: OperationBody) -> Transaction {
        let source = account_id(self.root_key());
        let seq = self.queued_next_seq(&source).unwrap_or_else(|| {
            load_account(&Overlay::new(self.state(), 0), &source).map_or(1, |a| a.seq_num.0 + 1)
        });
        Transaction {
            source_account: MuxedAccount::Ed25519(Uint256(
                self.root_key().verifying_key().to_bytes(),
            )),
            fee: BASE_FEE,
            seq_num: SequenceNumber(seq),
            cond: Preconditions::None,
            memo: Memo::None,
            operations: vec![Operation {
                source_account: None,
                body: op,
            }]
            .try_into()
            .unwrap_or_default(),
            ext: TransactionExt::V0,
        }
    }

    /// Signs `tx` with the root key and queues it; returns its hash.
    fn submit_as_root(&mut self, tx: Transaction) -> Result<[u8; 32], Submission> {
        let mut envelope = TransactionEnvelope::Tx(TransactionV1Envelope {
            tx,
            signatures: Default::default(),
        });
        let hash = envelope
            .hash(self.settings().network_id)
            .map_err(|_| Submission::Duplicate)?;
        let key = self.root_key();
        let signature = key.sign(&hash).to_bytes();
        let hint = key.verifying_key().to_bytes();
        if let TransactionEnvelope::Tx(v1) = &mut envelope {
            v1.signatures = vec![DecoratedSignature {
                hint: SignatureHint([hint[28], hint[29], hint[30], hint[31]]),
                signature: Signature(signature.to_vec().try_into().unwrap_or_default()),
            }]
            .try_into()
            .unwrap_or_default();
        }
        let size = envelope
            .to_xdr(Limits::none())
            .map_or(0, |b| b.len() as u32);
        match self.submit(envelope, size) {
            Submission::Pending => Ok(hash),
            other => Err(other),
        }
    }
}
