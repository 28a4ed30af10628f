//! The SDK's off-chain helpers against the contracts running in the host (soroban-sdk
//! testutils, the real WASM), for random inputs: stream math, the skim, campaign trees with
//! proofs and claim-key signatures, `has_access`, and lossless conversion of the generated
//! types.
#![allow(clippy::unwrap_used, clippy::panic)]

use proptest::prelude::*;
use soroban_sdk::{
    testutils::Address as _,
    xdr::{ScVal, WriteXdr},
    Address, Bytes, BytesN, IntoVal, TryFromVal, Val,
};
use tributary_fixture::Fixture;
use tributary_sdk::{
    access, claim_key,
    generated::{access::Subscription, claims::Claimant, stream::Stream},
    ids,
    merkle::{CampaignTree, Entry},
    scval::{FromScVal, ToScVal},
    skim, stream_math, Signer,
};

/// A contract value as the SDK sees it.
fn to_sdk<T: FromScVal, V: IntoVal<soroban_sdk::Env, Val>>(f: &Fixture, v: V) -> T {
    let val: Val = v.into_val(&f.env);
    T::from_sc_val(&ScVal::try_from_val(&f.env, &val).unwrap()).unwrap()
}

fn sc_address(f: &Fixture, a: &Address) -> stellar_xdr::ScAddress {
    to_sdk(f, a.clone())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn stream_math_and_skim_match_the_contract(
        deposit in 1i128..=1_000_000_000_000_000,
        start_in in 0u64..1_000,
        cliff_in in 0u64..2_000,
        length in 1u64..5_000,
        steps in proptest::collection::vec((0u64..1_500, 0u32..=100), 1..8),
        salt in any::<u64>(),
    ) {
        let f = Fixture::create();
        let sender = f.funded(&f.xlm, deposit);
        let recipient = Address::generate(&f.env);
        let now = f.now();
        let (start, end) = (now + start_in, now + start_in + length);
        let cliff = (start + cliff_in).min(end);
        let id = f.stream.create_stream(&sender, &salt, &recipient, &f.xlm.id, &deposit, &start, &cliff, &end, &true, &false);
        prop_assert_eq!(id, ids::stream_id(&sc_address(&f, &f.stream.address), &sc_address(&f, &sender), salt));
        let mut cum_gross = 0i128;
        for (jump, percent) in steps {
            f.jump(jump);
            let s: Stream = to_sdk(&f, f.stream.get_stream(&id));
            let t = f.now();
            prop_assert_eq!(stream_math::streamed(&s, t), f.stream.streamed(&id));
            prop_assert_eq!(stream_math::withdrawable(&s, t), f.stream.withdrawable(&id));
            prop_assert_eq!(stream_math::refundable(&s, t), f.stream.refundable(&id));
            let status: tributary_sdk::generated::stream::StreamStatus = to_sdk(&f, f.stream.status(&id));
            prop_assert_eq!(stream_math::status(&s, t), status);
            let gross = stream_math::withdrawable(&s, t) * i128::from(percent) / 100;
            if gross > 0 {
                let before = f.xlm.token.balance(&f.insurance.address);
                let net = f.stream.withdraw(&id, &recipient, &gross);
                let skimmed = f.xlm.token.balance(&f.insurance.address) - before;
                prop_assert_eq!(skimmed, skim::skim_due(cum_gross, gross));
                prop_assert_eq!(net, skim::net_of(cum_gross, gross));
                cum_gross += gross;
            }
        }
    }

    #[test]
    fn campaign_trees_prove_and_claim_keys_sign_for_the_contract(
        amounts in proptest::collection::vec(1i128..1_000_000, 1..40),
        keyed in proptest::collection::vec(any::<bool>(), 40),
        picks in proptest::collection::vec(any::<proptest::sample::Index>(), 1..6),
        salt in any::<u64>(),
    ) {
        let f = Fixture::create();
        let keys: Vec<Signer> = (0..amounts.len()).map(|i| Signer::from_bytes([i as u8 + 1; 32])).collect();
        let holders: Vec<Address> = (0..amounts.len()).map(|_| Address::generate(&f.env)).collect();
        let entries: Vec<Entry> = amounts
            .iter()
            .enumerate()
            .map(|(i, a)| Entry {
                index: i as u32,
                claimant: if keyed[i] { Claimant::Key(keys[i].public_key()) } else { Claimant::Address(sc_address(&f, &holders[i])) },
                amount: *a,
            })
            .collect();
        let tree = CampaignTree::new(entries.clone()).unwrap();
        let funder = f.funded(&f.usdc, tree.total());
        let now = f.now();
        let root = BytesN::from_array(&f.env, &tree.root());
        let id = f.claims.create_campaign(&funder, &salt, &f.usdc.id, &root, &tree.total(), &tree.count(), &now, &(now + 1_000), &None);
        prop_assert_eq!(id, ids::campaign_id(&sc_address(&f, &f.claims.address), &sc_address(&f, &funder), salt));
        let claims_address = sc_address(&f, &f.claims.address);
        let mut claimed = std::collections::BTreeSet::new();
        for pick in picks {
            let e = &entries[pick.index(entries.len())];
            if !claimed.insert(e.index) {
                continue;
            }
            let proof = Bytes::from_slice(&f.env, &tree.proof(e.index).unwrap());
            let claimant_val: tributary_claims::Claimant = {
                let v = e.claimant.to_sc_val();
                let val = Val::try_from_val(&f.env, &v).unwrap();
                val.into_val(&f.env)
            };
            let (to, signature) = match &e.claimant {
                Claimant::Key(_) => {
                    let to = Address::generate(&f.env);
                    let sig = claim_key::sign_claim(&keys[e.index as usize], &claims_address, id, e.index, &sc_address(&f, &to));
                    (to, Some(BytesN::from_array(&f.env, &sig)))
                }
                Claimant::Address(_) => (holders[e.index as usize].clone(), None),
            };
            let net = f.claims.claim(&id, &e.index, &claimant_val, &e.amount, &proof, &to, &signature);
            prop_assert_eq!(net, skim::net_of(0, e.amount));
            prop_assert_eq!(f.usdc.token.balance(&to), net);
        }
    }

    #[test]
    fn has_access_matches_the_contract(
        price in 1i128..1_000_000,
        period in 1u64..10_000,
        grace in 0u64..5_000,
        periods in 1u32..5,
        jumps in proptest::collection::vec(0u64..8_000, 1..8),
        min_level in 0u32..4,
    ) {
        let f = Fixture::create();
        let creator = Address::generate(&f.env);
        let fan = f.funded(&f.usdc, price * i128::from(periods));
        f.access.set_tier(&creator, &2, &f.usdc.id, &price, &period, &grace);
        f.access.subscribe(&fan, &creator, &2, &periods, &price);
        for jump in jumps {
            f.jump(jump);
            let sub: Option<Subscription> = f.access.subscription(&fan, &creator).map(|s| to_sdk(&f, s));
            prop_assert_eq!(access::has_access(sub.as_ref(), min_level, f.now()), f.access.has_access(&fan, &creator, &min_level));
        }
    }
}

#[test]
fn generated_types_round_trip_through_the_host() {
    let f = Fixture::create();
    let sender = f.funded(&f.xlm, 1_000);
    let recipient = Address::generate(&f.env);
    let now = f.now();
    let id = f.stream.create_stream(
        &sender,
        &7,
        &recipient,
        &f.xlm.id,
        &1_000,
        &now,
        &now,
        &(now + 10),
        &true,
        &true,
    );
    let contract_value = f.stream.get_stream(&id);
    let s: Stream = to_sdk(&f, contract_value.clone());
    assert_eq!(s.deposit, 1_000);
    assert_eq!(s.sender, sc_address(&f, &sender));
    // SDK → ScVal → host → contract type: the same stream, byte for byte.
    let back = Val::try_from_val(&f.env, &s.to_sc_val()).unwrap();
    let back: tributary_stream::Stream = back.into_val(&f.env);
    assert_eq!(back, contract_value);
    let xdr_sdk = s.to_sc_val().to_xdr(stellar_xdr::Limits::none()).unwrap();
    let host_val: Val = contract_value.into_val(&f.env);
    let xdr_host = ScVal::try_from_val(&f.env, &host_val)
        .unwrap()
        .to_xdr(stellar_xdr::Limits::none())
        .unwrap();
    assert_eq!(xdr_sdk, xdr_host);
}

#[test]
fn the_approval_hash_is_the_one_the_insurance_contract_accepts() {
    let f = Fixture::create();
    let recipient = Address::generate(&f.env);
    let reason = BytesN::from_array(&f.env, &[7; 32]);
    f.xlm.admin.mint(&f.insurance.address, &100);
    let id = f
        .insurance
        .propose_bailout(&f.council[0], &f.xlm.id, &5, &recipient, &reason);
    let action: tributary_sdk::generated::insurance::Action =
        to_sdk(&f, f.insurance.proposal(&id).action);
    let hash = tributary_sdk::insurance::proposal_hash(
        &sc_address(&f, &f.insurance.address),
        id,
        &action,
        f.insurance.epoch(),
    );
    assert_eq!(hash, f.proposal_hash(id).to_array());
    for member in &f.council {
        f.insurance
            .approve(member, &id, &BytesN::from_array(&f.env, &hash));
    }
    let status: tributary_sdk::generated::insurance::ProposalStatus =
        to_sdk(&f, f.insurance.proposal(&id).status);
    assert_eq!(
        status,
        tributary_sdk::generated::insurance::ProposalStatus::Queued
    );
}

#[test]
fn generated_event_decoders_read_the_contracts_events() {
    use soroban_sdk::testutils::Events as _;
    use tributary_sdk::generated::stream::StreamEvent;
    let f = Fixture::create();
    let sender = f.funded(&f.xlm, 1_000);
    let recipient = Address::generate(&f.env);
    let now = f.now();
    let id = f.stream.create_stream(
        &sender,
        &7,
        &recipient,
        &f.xlm.id,
        &1_000,
        &now,
        &now,
        &(now + 10),
        &true,
        &false,
    );
    f.jump(5);
    f.stream.withdraw(&id, &recipient, &500);
    let events = f.env.events().all().filter_by_contract(&f.stream.address);
    let decoded: Vec<StreamEvent> = events
        .events()
        .iter()
        .map(|e| {
            let soroban_sdk::xdr::ContractEventBody::V0(body) = &e.body;
            StreamEvent::decode(&body.topics, &body.data)
                .unwrap()
                .expect("a stream event")
        })
        .collect();
    match &decoded[..] {
        [StreamEvent::SkimPaid(skim), StreamEvent::Withdrawn(w)] => {
            assert_eq!((skim.amount, w.id, w.amount), (5, id, 500));
            assert_eq!(w.to, sc_address(&f, &recipient));
        }
        other => panic!("unexpected events {other:?}"),
    }
    // Another contract's topics decode to nothing rather than to a wrong event.
    assert_eq!(
        StreamEvent::decode(&[tributary_sdk::scval::symbol("transfer")], &ScVal::Void),
        Ok(None)
    );
}
