//! The test vectors the TypeScript SDK checks its helpers against (`sdk/ts/test/vectors.json`),
//! computed here by the Rust SDK, so the two SDKs never disagree: stream amounts and status,
//! the skim, `has_access`, a campaign's root and proofs, claim-key messages and signatures,
//! council proposal hashes and salted ids. Integers are decimal strings, bytes hex.
//!
//! The committed file must equal what this computes; `TRIBUTARY_BLESS=1 cargo test -p
//! tributary-sdk --test ts_vectors` rewrites it after a deliberate change.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

use serde_json::{json, Value};
use stellar_xdr::ScAddress;
use tributary_sdk::{
    access::{has_access, renewal_due, renewal_opens_at},
    claim_key::{claim_message, sign_claim},
    claim_link::{ClaimLink, LinkError},
    generated::{
        access::Subscription,
        insurance::{Action, AssetChange, Bailout, CouncilChange},
        stream::Stream,
    },
    ids::{campaign_id, stream_id},
    insurance::proposal_hash,
    merkle::CampaignTree,
    skim::{net_of, skim_due},
    stream_math::{refundable, status, streamed, withdrawable},
    Signer,
};

fn account(n: u8) -> ScAddress {
    Signer::from_bytes([n; 32]).address()
}

fn contract(n: u8) -> ScAddress {
    ScAddress::Contract(stellar_xdr::ContractId(stellar_xdr::Hash([n; 32])))
}

fn s(a: &ScAddress) -> String {
    a.to_string()
}

fn ids() -> Value {
    let cases = [
        (contract(7), account(1), 0u64),
        (contract(7), account(1), 1),
        (contract(9), account(2), u64::MAX),
        (contract(9), contract(3), 0x0123_4567_89ab_cdef),
    ];
    cases
        .iter()
        .map(|(c, creator, salt)| {
            json!({
                "contract": s(c), "creator": s(creator), "salt": salt.to_string(),
                "stream_id": stream_id(c, creator, *salt).to_string(),
                "campaign_id": campaign_id(c, creator, *salt).to_string(),
            })
        })
        .collect()
}

fn stream_json(st: &Stream) -> Value {
    json!({
        "sender": s(&st.sender), "recipient": s(&st.recipient), "token": s(&st.token),
        "deposit": st.deposit.to_string(), "withdrawn": st.withdrawn.to_string(),
        "refunded": st.refunded.to_string(), "start": st.start.to_string(),
        "cliff": st.cliff.to_string(), "end": st.end.to_string(),
        "cancelable": st.cancelable, "canceled": st.canceled, "transferable": st.transferable,
    })
}

fn streams() -> Value {
    let base = Stream {
        sender: account(1),
        recipient: account(2),
        token: contract(5),
        deposit: 1_000_000_007,
        withdrawn: 0,
        refunded: 0,
        start: 1_700_000_000,
        cliff: 1_700_000_000,
        end: 1_700_003_600,
        cancelable: true,
        canceled: false,
        transferable: false,
    };
    let with_cliff = Stream {
        cliff: 1_700_001_000,
        withdrawn: 12_345,
        ..base.clone()
    };
    let canceled = Stream {
        canceled: true,
        cancelable: false,
        refunded: 600_000_000,
        withdrawn: 100_000_000,
        ..base.clone()
    };
    let depleted = Stream {
        withdrawn: base.deposit,
        ..base.clone()
    };
    let renounced = Stream {
        cancelable: false,
        ..base.clone()
    };
    // The widest amounts: the product needs more than 128 bits.
    let huge = Stream {
        deposit: i128::MAX,
        start: 0,
        cliff: 0,
        end: u64::MAX,
        ..base.clone()
    };
    let times = [
        1_699_999_999u64,
        1_700_000_000,
        1_700_000_999,
        1_700_001_000,
        1_700_001_801,
        1_700_003_599,
        1_700_003_600,
        1_800_000_000,
    ];
    let mut out = Vec::new();
    for st in [base, with_cliff, canceled, depleted, renounced, huge] {
        for now in times.iter().copied().chain([u64::MAX / 3]) {
            out.push(json!({
                "stream": stream_json(&st), "now": now.to_string(),
                "streamed": streamed(&st, now).to_string(),
                "withdrawable": withdrawable(&st, now).to_string(),
                "refundable": refundable(&st, now).to_string(),
                "status": format!("{:?}", status(&st, now)),
            }));
        }
    }
    Value::Array(out)
}

fn skims() -> Value {
    let cases: [(i128, i128); 7] = [
        (0, 1),
        (0, 99),
        (0, 100),
        (99, 1),
        (150, 250),
        (1_000_000_007, 999_999_993),
        (i128::MAX / 200, i128::MAX / 200),
    ];
    cases
        .iter()
        .map(|(before, gross)| {
            json!({
                "cum_before": before.to_string(), "gross": gross.to_string(),
                "skim": skim_due(*before, *gross).to_string(),
                "net": net_of(*before, *gross).to_string(),
            })
        })
        .collect()
}

fn access() -> Value {
    let sub = |level: u32, expires_at: u64, grace: u64, period: u64| Subscription {
        expires_at,
        grace,
        level,
        paid: 5_000,
        period,
        prepaid: 0,
        price: 5_000,
        token: contract(5),
        version: 1,
        window_start: 1_700_000_000,
    };
    let mut out =
        vec![json!({ "subscription": null, "min_level": 0, "now": "0", "has_access": false })];
    let subs = [
        sub(2, 1_700_000_000, 86_400, 2_592_000),
        sub(1, 1_700_000_000, 0, 60),
        sub(3, u64::MAX - 10, 100, 2_592_000),
        sub(1, 40, 0, 1_000),
    ];
    for su in &subs {
        for (min_level, now) in [
            (1u32, 0u64),
            (1, 1_699_913_599),
            (1, 1_699_913_600),
            (1, 1_699_999_969),
            (1, 1_699_999_970),
            (1, 1_699_999_999u64),
            (2, 1_700_000_000),
            (3, 1_700_000_000),
            (1, 1_700_086_399),
            (1, 1_700_086_400),
            (0, u64::MAX - 1),
            (0, u64::MAX),
        ] {
            out.push(json!({
                "subscription": {
                    "expires_at": su.expires_at.to_string(), "grace": su.grace.to_string(),
                    "level": su.level, "paid": su.paid.to_string(), "period": su.period.to_string(),
                    "prepaid": su.prepaid.to_string(), "price": su.price.to_string(),
                    "token": s(&su.token), "version": su.version,
                    "window_start": su.window_start.to_string(),
                },
                "min_level": min_level, "now": now.to_string(),
                "has_access": has_access(Some(su), min_level, now),
                "renewal_opens_at": renewal_opens_at(su).to_string(),
                "renewal_due": renewal_due(su, now),
            }));
        }
    }
    Value::Array(out)
}

fn campaign() -> Value {
    let key = Signer::from_bytes([42; 32]).public_key();
    let csv = format!(
        "index,claimant,amount\n0,{},1000\n1,{},2500\n2,{},7\n3,{},170141183460469231731687303715884100000\n4,{},1\n",
        s(&account(3)),
        hex::encode(key),
        s(&contract(8)),
        s(&account(4)),
        s(&account(3)),
    );
    let tree = CampaignTree::from_csv(csv.as_bytes()).unwrap();
    let proofs: Vec<String> = (0..tree.count())
        .map(|i| hex::encode(tree.proof(i).unwrap()))
        .collect();
    json!({
        "csv": csv, "root": hex::encode(tree.root()), "total": tree.total().to_string(),
        "proofs": proofs,
    })
}

fn claims() -> Value {
    [
        (0u64, 0u32, 11u8),
        (u64::MAX, 4_000_000_000, 12),
        (77, 3, 13),
    ]
    .iter()
    .map(|(id, index, seed)| {
        let key = Signer::from_bytes([*seed; 32]);
        let (claims, to) = (contract(6), account(seed + 1));
        let link = ClaimLink {
            secret: [*seed; 32],
            contract: claims.clone(),
            id: *id,
            index: *index,
        };
        json!({
            "claims": s(&claims), "id": id.to_string(), "index": index, "to": s(&to),
            "seed": hex::encode([*seed; 32]),
            "link": link.to_url("https://claim.example/c"),
            "message": hex::encode(claim_message(&claims, *id, *index, &to)),
            "signature": hex::encode(sign_claim(&key, &claims, *id, *index, &to)),
        })
    })
    .collect()
}

/// Links the Rust parser refuses, with the field it names (`#` for no fragment).
fn bad_links() -> Value {
    let c = s(&contract(6));
    let k = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE";
    [
        "https://claim.example/c".to_string(),
        format!("#c={c}&id=1&i=0"),
        format!("#k=AQEB&c={c}&id=1&i=0"),
        format!("#k={k}&c={}&id=1&i=0", s(&account(3))),
        format!("#k={k}&c={c}&id=18446744073709551616&i=0"),
        format!("#k={k}&c={c}&id=1&i=4294967296"),
        format!("#k={k}&c={c}&id=1"),
    ]
    .iter()
    .map(|link| {
        let field = match ClaimLink::parse(link).unwrap_err() {
            LinkError::NoFragment => "#",
            LinkError::Field { field, .. } => field,
            other => panic!("{other}"),
        };
        json!({ "link": link, "field": field })
    })
    .collect()
}

fn proposals() -> Value {
    let bailout = Bailout {
        amount: 123_456_789,
        asset: contract(5),
        reason: [0xab; 32],
        recipient: account(9),
    };
    let cases = [
        (
            Action::Bailout(bailout),
            json!({ "tag": "Bailout", "values": [{
                "amount": "123456789", "asset": s(&contract(5)),
                "reason": hex::encode([0xab; 32]), "recipient": s(&account(9)) }] }),
        ),
        (
            Action::CouncilChange(CouncilChange {
                new: account(20),
                old: account(21),
            }),
            json!({ "tag": "CouncilChange", "values": [{ "new": s(&account(20)), "old": s(&account(21)) }] }),
        ),
        (
            Action::AssetChange(AssetChange {
                asset: contract(5),
                insured: false,
            }),
            json!({ "tag": "AssetChange", "values": [{ "asset": s(&contract(5)), "insured": false }] }),
        ),
    ];
    cases
        .iter()
        .enumerate()
        .map(|(i, (action, native))| {
            let (id, epoch) = (1000 + i as u64, i as u32);
            json!({
                "insurance": s(&contract(4)), "id": id.to_string(), "action": native,
                "epoch": epoch, "hash": hex::encode(proposal_hash(&contract(4), id, action, epoch)),
            })
        })
        .collect()
}

#[test]
fn the_typescript_vectors_are_current() {
    let vectors = json!({
        "comment": "Computed by the Rust SDK (sdk/tests/ts_vectors.rs); checked by sdk/ts/test/vectors.test.ts. Integers are decimal strings, bytes hex.",
        "ids": ids(), "stream": streams(), "skim": skims(), "access": access(),
        "campaign": campaign(), "claims": claims(), "bad_links": bad_links(), "proposals": proposals(),
    });
    let text = serde_json::to_string_pretty(&vectors).unwrap() + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ts/test/vectors.json");
    if std::env::var_os("TRIBUTARY_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is stale: rerun with TRIBUTARY_BLESS=1 and commit it",
        path.display()
    );
}
