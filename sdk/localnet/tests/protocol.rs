//! Acceptance: stellar-rpc-client 28 against the localnet over HTTP. Deploys the four
//! Tributary contracts from their WASM and two Stellar Asset Contracts, invokes them with
//! signed authorization entries, and reads their events back with `getEvents`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use stellar_rpc_client::EventStart;
use stellar_xdr::{Asset, Limits, ReadXdr, ScAddress, ScVal, WriteXdr};
use support::{deploy_all, i128_of, i128_val, sym, u64_of, Net, TxError, XLM};

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
        ScVal::U64(7),
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
    assert!(
        unsigned.as_ref().is_err_and(TxError::is_trapped),
        "applied and trapped at the sender's missing authorization: {unsigned:?}"
    );
    let id = u64_of(
        &net.call(&relayer, &d.stream, "create_stream", args, &[&sender])
            .await
            .unwrap(),
    );
    let derived = {
        use sha2::{Digest, Sha256};
        let xdr = |a: &ScAddress| ScVal::Address(a.clone()).to_xdr(Limits::none()).unwrap();
        let digest = Sha256::new()
            .chain_update(b"tributary-stream-id-v1")
            .chain_update(xdr(&d.stream))
            .chain_update(xdr(&sender.address()))
            .chain_update(7u64.to_be_bytes())
            .finalize();
        u64::from_be_bytes(digest[..8].try_into().unwrap())
    };
    assert_eq!(id, derived, "the id derives from the sender and salt 7");

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

/// Repro 7 of the adversarial review on the network: 20 senders each simulate `create_stream`
/// (and then `create_campaign`) against the same ledger, all 20 are sent, and all 20 apply.
/// With one id counter every simulation named the same next id and all but one failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_creators_simulated_against_one_ledger_all_succeed() {
    let net = Net::start().await;
    let deployer = net.account("deployer").await;
    let issuer = net.account("issuer").await;
    let d = deploy_all(&net, &deployer, &issuer).await;
    let recipient = net.account("recipient").await;
    let mut creators = Vec::new();
    for i in 0..20 {
        creators.push(net.account(&format!("creator {i}")).await);
    }
    let now = net.localnet.shared().lock().header().scp_value.close_time.0;
    let stream_args = |c: &support::Key| {
        vec![
            ScVal::Address(c.address()),
            ScVal::U64(1), // one salt for all: ids differ by creator
            ScVal::Address(recipient.address()),
            ScVal::Address(d.xlm.clone()),
            i128_val(10 * XLM),
            ScVal::U64(now),
            ScVal::U64(now),
            ScVal::U64(now + 1_000),
            ScVal::Bool(true),
            ScVal::Bool(false),
        ]
    };
    let campaign_args = |c: &support::Key| {
        vec![
            ScVal::Address(c.address()),
            ScVal::U64(1),
            ScVal::Address(d.xlm.clone()),
            ScVal::Bytes(vec![7u8; 32].try_into().unwrap()),
            i128_val(10 * XLM),
            ScVal::U32(1),
            ScVal::U64(now),
            ScVal::U64(now + 1_000),
            ScVal::Void,
        ]
    };
    for (contract, function, args) in [
        (
            &d.stream,
            "create_stream",
            &stream_args as &dyn Fn(&support::Key) -> Vec<ScVal>,
        ),
        (&d.claims, "create_campaign", &campaign_args),
    ] {
        let ledger = net.localnet.shared().lock().header().ledger_seq;
        let mut envelopes = Vec::new();
        for c in &creators {
            let f = support::call_fn(contract, function, args(c));
            envelopes.push(net.prepare(c, f, &[]).await.unwrap());
        }
        assert_eq!(
            net.localnet.shared().lock().header().ledger_seq,
            ledger,
            "every {function} was simulated against the same ledger"
        );
        let mut hashes = Vec::new();
        for e in &envelopes {
            hashes.push(net.send(e).await.unwrap());
        }
        net.localnet.close_ledger();
        let mut ids = std::collections::BTreeSet::new();
        for h in &hashes {
            let applied = net
                .confirm(h)
                .await
                .unwrap_or_else(|e| panic!("{function}: {e:?}"));
            ids.insert(u64_of(&applied.return_value().unwrap()));
        }
        assert_eq!(ids.len(), 20, "{function}: 20 distinct ids");
    }
}
