//! Acceptance: stellar-rpc-client 28 against the localnet over HTTP. Deploys the four
//! Tributary contracts from their WASM and two Stellar Asset Contracts, invokes them with
//! signed authorization entries, and reads their events back with `getEvents`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use stellar_rpc_client::EventStart;
use stellar_xdr::{AlphaNum4, Asset, AssetCode4, Limits, ReadXdr, ScAddress, ScVal, WriteXdr};
use support::{i128_val, sym, Key, Net, TxError};
use tributary_fixture::{ACCESS_WASM, CLAIMS_WASM, INSURANCE_WASM, STREAM_WASM};

const XLM: i128 = 10_000_000;

struct Deployed {
    xlm: ScAddress,
    usdc: ScAddress,
    insurance: ScAddress,
    stream: ScAddress,
    claims: ScAddress,
    access: ScAddress,
}

async fn deploy_all(net: &Net, deployer: &Key, issuer: &Key) -> Deployed {
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

fn u64_of(v: &ScVal) -> u64 {
    match v {
        ScVal::U64(n) => *n,
        v => panic!("not a u64: {v:?}"),
    }
}

fn i128_of(v: &ScVal) -> i128 {
    match v {
        ScVal::I128(p) => (i128::from(p.hi) << 64) | i128::from(p.lo),
        v => panic!("not an i128: {v:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploys_the_protocol_invokes_with_signed_auth_and_serves_its_events() {
    let net = Net::start().await;
    let deployer = net.account("deployer").await;
    let issuer = net.account("issuer").await;
    let d = deploy_all(&net, &deployer, &issuer).await;
    for id in [&d.insurance, &d.stream, &d.claims, &d.access] {
        let instance = net
            .client
            .get_contract_instance(&support::contract_bytes(id))
            .await
            .unwrap();
        assert!(matches!(
            instance.executable,
            stellar_xdr::ContractExecutable::Wasm(_)
        ));
    }

    // The sender is not the transaction source: its authorization is a signed entry.
    let sender = net.account("sender").await;
    let recipient = net.account("recipient").await;
    let relayer = net.account("relayer").await;
    let now = net.localnet.shared().lock().header().scp_value.close_time.0;
    let args = vec![
        ScVal::Address(sender.address()),
        ScVal::Address(recipient.address()),
        ScVal::Address(d.xlm.clone()),
        i128_val(1_000 * XLM),
        ScVal::U64(now),
        ScVal::U64(now),
        ScVal::U64(now + 100),
        ScVal::Bool(true),
        ScVal::Bool(false),
    ];
    // Without the sender's signature the transaction can't authorize.
    let unsigned = net
        .call(
            &relayer,
            &d.stream,
            "create_stream",
            args.clone(),
            &[&relayer],
        )
        .await;
    assert!(unsigned.is_err());
    let id = u64_of(
        &net.call(&relayer, &d.stream, "create_stream", args, &[&sender])
            .await
            .unwrap(),
    );
    assert_eq!(
        id, 1,
        "ids start at 1; the unsigned attempt changed nothing"
    );

    net.localnet.shared().lock().advance_time(50);
    let withdrawn = net
        .call(
            &relayer,
            &d.stream,
            "withdraw",
            vec![
                ScVal::U64(id),
                ScVal::Address(recipient.address()),
                i128_val(100 * XLM),
            ],
            &[],
        )
        .await
        .unwrap();
    assert_eq!(i128_of(&withdrawn), 99 * XLM, "net of the 1% skim");
    let balance = net
        .read(
            &relayer,
            &d.xlm,
            "balance",
            vec![ScVal::Address(d.insurance.clone())],
        )
        .await;
    assert_eq!(i128_of(&balance), XLM, "the skim reached insurance");

    let events = net
        .client
        .get_events(
            EventStart::Ledger(1),
            None,
            &[d.stream.to_string()],
            &[],
            Some(100),
        )
        .await
        .unwrap();
    let names: Vec<ScVal> = events
        .events
        .iter()
        .map(|e| ScVal::from_xdr_base64(&e.topic[0], Limits::none()).unwrap())
        .collect();
    assert_eq!(
        names,
        vec![sym("stream_created"), sym("skim_paid"), sym("withdrawn")]
    );
    let created = &events.events[0];
    assert_eq!(created.contract_id, d.stream.to_string());
    assert_eq!(
        created.topic[2],
        ScVal::Address(sender.address())
            .to_xdr_base64(Limits::none())
            .unwrap(),
        "topics carry the sender"
    );
    let _ = (d.claims, d.access, d.usdc);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auth_entry_signed_by_the_wrong_key_fails_and_moves_nothing() {
    let net = Net::start().await;
    let deployer = net.account("deployer").await;
    let xlm = net.deploy_sac(&deployer, Asset::Native).await;
    let alice = net.account("alice").await;
    let mallory = net.account("mallory").await;
    // A transfer from alice, sent by mallory, with the auth entry signed by mallory's key
    // under alice's address: the host rejects the signature.
    let f = support::call_fn(
        &xlm,
        "transfer",
        vec![
            ScVal::Address(alice.address()),
            ScVal::Address(mallory.address()),
            i128_val(5 * XLM),
        ],
    );
    let stellar_xdr::TransactionEnvelope::Tx(v1) =
        net.prepare(&mallory, f, &[&alice]).await.unwrap()
    else {
        panic!("v1 envelope");
    };
    let mut tx = v1.tx;
    let mut ops = tx.operations.to_vec();
    let stellar_xdr::OperationBody::InvokeHostFunction(op) = &mut ops[0].body else {
        panic!("invoke op");
    };
    let mut entries = op.auth.to_vec();
    let expiration = match &entries[0].credentials {
        stellar_xdr::SorobanCredentials::Address(c) => c.signature_expiration_ledger,
        _ => panic!("alice's entry has address credentials"),
    };
    entries[0] = net.sign_auth_with(entries[0].clone(), &mallory, expiration);
    op.auth = entries.try_into().unwrap();
    tx.operations = ops.try_into().unwrap();
    let envelope = net.sign_envelope(tx, &[&mallory]);
    match net.submit(&envelope).await {
        Err(TxError::Failed(r)) => assert!(r.result.is_some()),
        other => panic!("expected a failed transaction, got {other:?}"),
    }
    let balance = net
        .read(
            &alice,
            &xlm,
            "balance",
            vec![ScVal::Address(alice.address())],
        )
        .await;
    assert_eq!(
        i128_of(&balance),
        10_000 * XLM,
        "alice paid nothing: no fee, no transfer"
    );
}
