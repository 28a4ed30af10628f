//! Ledger behaviour over RPC: the classic operations a wallet needs, TTL archival with
//! automatic and explicit restore and TTL extension, temporary-entry expiry, and the state
//! file across a restart.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use stellar_xdr::{
    AlphaNum4, Asset, AssetCode4, ChangeTrustAsset, ChangeTrustOp, ContractDataDurability,
    CreateAccountOp, ExtendFootprintTtlOp, ExtensionPoint, Hash, LedgerFootprint, LedgerKey,
    LedgerKeyContractCode, MuxedAccount, OperationBody, OperationResult, OperationResultTr,
    PaymentOp, PaymentResult, RestoreFootprintOp, ScVal, TransactionEnvelope, TransactionExt,
    TransactionResultResult, Uint256,
};
use support::{i128_of, i128_val, Key, Net, TxError, XLM};
use tributary_localnet::{
    server::{Config, Localnet, StartError},
    settings::{Settings, PASSPHRASE},
};

fn pay(to: &Key, asset: Asset, amount: i64) -> OperationBody {
    OperationBody::Payment(PaymentOp {
        destination: MuxedAccount::Ed25519(Uint256(to.public())),
        asset,
        amount,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn classic_operations_move_lumens_and_credit_that_the_asset_contract_sees() {
    let net = Net::start().await;
    let alice = net.account("alice").await;
    let issuer = net.account("issuer").await;
    let carol = Key::from_label("carol");
    net.classic(
        &alice,
        vec![OperationBody::CreateAccount(CreateAccountOp {
            destination: carol.account_id(),
            starting_balance: 100 * XLM as i64,
        })],
    )
    .await
    .unwrap();
    net.classic(&alice, vec![pay(&carol, Asset::Native, 5 * XLM as i64)])
        .await
        .unwrap();
    let carol_account = net.client.get_account(&carol.strkey()).await.unwrap();
    assert_eq!(carol_account.balance, 105 * XLM as i64);

    let usdc = Asset::CreditAlphanum4(AlphaNum4 {
        asset_code: AssetCode4(*b"USDC"),
        issuer: issuer.account_id(),
    });
    let line = ChangeTrustAsset::CreditAlphanum4(AlphaNum4 {
        asset_code: AssetCode4(*b"USDC"),
        issuer: issuer.account_id(),
    });
    net.classic(
        &carol,
        vec![OperationBody::ChangeTrust(ChangeTrustOp {
            line,
            limit: 1_000 * XLM as i64,
        })],
    )
    .await
    .unwrap();
    net.classic(&issuer, vec![pay(&carol, usdc.clone(), 50 * XLM as i64)])
        .await
        .unwrap();
    let sac = net.deploy_sac(&issuer, usdc.clone()).await;
    let balance = net
        .read(
            &carol,
            &sac,
            "balance",
            vec![ScVal::Address(carol.address())],
        )
        .await;
    assert_eq!(
        i128_of(&balance),
        50 * XLM,
        "the SAC reads carol's trustline"
    );

    // Through the SAC, carol pays alice, who has no trustline: the transfer fails.
    let no_trust = net
        .call(
            &carol,
            &sac,
            "transfer",
            vec![
                ScVal::Address(carol.address()),
                ScVal::Address(alice.address()),
                i128_val(XLM),
            ],
            &[],
        )
        .await;
    // Refused in simulation with the SAC's `TrustlineMissingError` (13).
    assert!(
        matches!(&no_trust, Err(TxError::Simulation(m)) if m.contains("Error(Contract, #13)")),
        "{no_trust:?}"
    );

    // An underfunded payment fails with its operation code; only the fee and sequence move.
    let before = net.client.get_account(&carol.strkey()).await.unwrap();
    match net
        .classic(&carol, vec![pay(&alice, Asset::Native, 1_000 * XLM as i64)])
        .await
    {
        Err(TxError::Failed(r)) => {
            let result = r.result.unwrap();
            assert!(matches!(
                result.result,
                TransactionResultResult::TxFailed(ops)
                    if ops[0] == OperationResult::OpInner(OperationResultTr::Payment(PaymentResult::Underfunded))
            ));
            let after = net.client.get_account(&carol.strkey()).await.unwrap();
            assert_eq!(after.balance, before.balance - result.fee_charged);
            assert_eq!(after.seq_num.0, before.seq_num.0 + 1);
        }
        other => panic!("expected an underfunded payment, got {other:?}"),
    }
}

/// A network whose TTLs are short enough to watch entries expire: persistent entries live 20
/// ledgers, temporary ones 5.
async fn short_ttl_net() -> Net {
    let settings = Settings {
        min_persistent_ttl: 20,
        min_temp_ttl: 5,
        max_entry_ttl: 1_000,
        ..Settings::mainnet_like(PASSPHRASE)
    };
    Net::start_with(Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ledger_interval: None,
        settings,
        ..Config::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archived_code_is_restored_automatically_or_explicitly_and_ttls_extend() {
    let net = short_ttl_net().await;
    let deployer = net.account("deployer").await;
    let hash = net.upload(&deployer, tributary_fixture::STREAM_WASM).await;
    let key = LedgerKey::ContractCode(LedgerKeyContractCode { hash: Hash(hash) });
    let uploaded_at = net.latest();
    assert_eq!(net.live_until(&key).await, Some(uploaded_at + 19));

    // Past its TTL the code is archived; uploading it again restores it in the same
    // transaction (the simulated footprint marks it for automatic restoration).
    for _ in 0..25 {
        net.localnet.close_ledger();
    }
    assert!(net.live_until(&key).await.unwrap() < net.latest());
    let f = stellar_xdr::HostFunction::UploadContractWasm(
        tributary_fixture::STREAM_WASM.to_vec().try_into().unwrap(),
    );
    let TransactionEnvelope::Tx(v1) = net.prepare(&deployer, f, &[]).await.unwrap() else {
        panic!()
    };
    let TransactionExt::V1(data) = &v1.tx.ext else {
        panic!("soroban data")
    };
    assert!(
        matches!(&data.ext, stellar_xdr::SorobanTransactionDataExt::V1(e) if e.archived_soroban_entries.as_slice() == [0])
    );
    net.submit(&TransactionEnvelope::Tx(v1)).await.unwrap();
    assert_eq!(net.live_until(&key).await, Some(net.latest() + 19));

    // Archived again: an extension's simulation asks for a restore first, RestoreFootprint
    // brings it back, and ExtendFootprintTTL extends it.
    for _ in 0..25 {
        net.localnet.close_ledger();
    }
    let extend = OperationBody::ExtendFootprintTtl(ExtendFootprintTtlOp {
        ext: ExtensionPoint::V0,
        extend_to: 500,
    });
    let read_only = LedgerFootprint {
        read_only: vec![key.clone()].try_into().unwrap(),
        read_write: Default::default(),
    };
    let (_, sim) = net
        .ttl_op(&deployer, extend.clone(), read_only.clone())
        .await;
    assert!(
        sim.restore_preamble.is_some(),
        "extending an archived entry needs a restore"
    );
    let restore = OperationBody::RestoreFootprint(RestoreFootprintOp {
        ext: ExtensionPoint::V0,
    });
    let read_write = LedgerFootprint {
        read_only: Default::default(),
        read_write: vec![key.clone()].try_into().unwrap(),
    };
    let (tx, _) = net.ttl_op(&deployer, restore, read_write).await;
    let restored = net.submit(&tx).await.unwrap();
    assert_eq!(net.live_until(&key).await, Some(net.latest() + 19));
    // The meta shows the restore as stellar-core does since protocol 23 (what `stellar
    // contract restore` reads): the code entry and its TTL entry `Restored`.
    assert_eq!(
        ttl_changes(&restored, &key),
        vec![("restored", net.latest() + 19)]
    );
    let (tx, sim) = net.ttl_op(&deployer, extend, read_only).await;
    assert!(sim.restore_preamble.is_none());
    let extended = net.submit(&tx).await.unwrap();
    assert_eq!(net.live_until(&key).await, Some(net.latest() + 500));
    // `stellar contract extend` reads the new live-until ledger from the TTL entry's update.
    assert_eq!(
        ttl_changes(&extended, &key),
        vec![
            ("state", net.latest() - 1 + 19),
            ("updated", net.latest() + 500)
        ]
    );
}

/// The changes to `key`'s TTL entry in a transaction's meta: (kind, live-until ledger).
fn ttl_changes(
    tx: &stellar_rpc_client::GetTransactionResponse,
    key: &LedgerKey,
) -> Vec<(&'static str, u32)> {
    use stellar_xdr::{LedgerEntryChange as C, LedgerEntryData, TransactionMeta};
    let Some(TransactionMeta::V4(meta)) = &tx.result_meta else {
        panic!("V4 meta")
    };
    let expected = tributary_localnet::txn::ttl_key(key);
    let mut out = Vec::new();
    for change in meta.operations.iter().flat_map(|op| op.changes.iter()) {
        let (kind, entry) = match change {
            C::Created(e) => ("created", e),
            C::Updated(e) => ("updated", e),
            C::State(e) => ("state", e),
            C::Restored(e) => ("restored", e),
            C::Removed(_) => continue,
        };
        if let LedgerEntryData::Ttl(t) = &entry.data {
            if entry.to_key() == expected {
                out.push((kind, t.live_until_ledger_seq));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_temporary_entry_is_gone() {
    let net = short_ttl_net().await;
    let alice = net.account("alice").await;
    let bob = net.account("bob").await;
    let xlm = net.deploy_sac(&alice, Asset::Native).await;
    // An allowance is a temporary entry living until its expiration ledger.
    let expiration = net.latest() + 8;
    let approve = support::call_fn(
        &xlm,
        "approve",
        vec![
            ScVal::Address(alice.address()),
            ScVal::Address(bob.address()),
            i128_val(XLM),
            ScVal::U32(expiration),
        ],
    );
    let envelope = net.prepare(&alice, approve, &[]).await.unwrap();
    let TransactionEnvelope::Tx(v1) = &envelope else {
        panic!()
    };
    let TransactionExt::V1(data) = &v1.tx.ext else {
        panic!()
    };
    let allowance = data
        .resources
        .footprint
        .read_write
        .iter()
        .find(|k| matches!(k, LedgerKey::ContractData(d) if d.durability == ContractDataDurability::Temporary))
        .cloned()
        .unwrap();
    net.submit(&envelope).await.unwrap();
    assert_eq!(net.live_until(&allowance).await, Some(expiration));
    let owner_and_spender = vec![
        ScVal::Address(alice.address()),
        ScVal::Address(bob.address()),
    ];
    let allowed = net
        .read(&bob, &xlm, "allowance", owner_and_spender.clone())
        .await;
    assert_eq!(i128_of(&allowed), XLM);
    while net.latest() <= expiration {
        net.localnet.close_ledger();
    }
    assert_eq!(net.live_until(&allowance).await, None, "evicted");
    let allowed = net
        .read(&bob, &xlm, "allowance", owner_and_spender.clone())
        .await;
    assert_eq!(i128_of(&allowed), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_survives_a_restart_and_a_bad_state_file_is_refused() {
    let dir = tempfile::Builder::new()
        .prefix("localnet-state-")
        .tempdir()
        .unwrap();
    let path = dir.path().join("state.json");
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ledger_interval: None,
        state_file: Some(path.clone()),
        ..Config::default()
    };
    let net = Net::start_with(config.clone()).await;
    let alice = net.account("alice").await;
    let hash = net.upload(&alice, tributary_fixture::STREAM_WASM).await;
    let balance = net
        .client
        .get_account(&alice.strkey())
        .await
        .unwrap()
        .balance;
    let latest = net.latest();
    let tx_count = net.localnet.shared().lock().history().transactions.len();
    net.localnet.shutdown().await.unwrap();

    let net = Net::start_with(config.clone()).await;
    assert_eq!(net.latest(), latest);
    assert_eq!(
        net.client
            .get_account(&alice.strkey())
            .await
            .unwrap()
            .balance,
        balance
    );
    let code = LedgerKey::ContractCode(LedgerKeyContractCode { hash: Hash(hash) });
    assert!(net.live_until(&code).await.is_some());
    assert_eq!(
        net.localnet.shared().lock().history().transactions.len(),
        tx_count
    );
    // The restored node keeps going: the module cache was rebuilt from the state.
    let stream = net
        .deploy(&alice, hash, vec![ScVal::Address(alice.address())], 9)
        .await;
    assert!(matches!(stream, stellar_xdr::ScAddress::Contract(_)));
    net.localnet.shutdown().await.unwrap();

    let other = Config {
        settings: Settings::mainnet_like("Some Other Network"),
        ..config.clone()
    };
    assert!(matches!(
        Localnet::start(other).await,
        Err(StartError::StateFile(_))
    ));
    std::fs::write(&path, b"{ not json").unwrap();
    match Localnet::start(config).await {
        Err(StartError::StateFile(e)) => assert!(e.to_string().contains("is corrupt"), "{e}"),
        Err(e) => panic!("expected a state file error, got {e}"),
        Ok(_) => panic!("a corrupt state file was accepted"),
    }
}
