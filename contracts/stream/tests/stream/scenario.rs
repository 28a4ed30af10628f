//! The `stream_lifecycle` scenario, written deliberately to `test-snapshots/` for auditors:
//! create two streams, withdraw part-way, transfer one, cancel the other, and drain both.

use soroban_sdk::{testutils::Address as _, Address};

use crate::common::{Setup, DEPOSIT, DURATION};

#[test]
fn stream_lifecycle_snapshot() {
    let s = Setup::new();
    let st = &s.f.stream;
    let (a, b) = (s.stream(), s.stream());
    s.f.jump(DURATION / 4);
    st.withdraw(&a, &s.recipient, &(DEPOSIT / 8));
    let heir = Address::generate(&s.f.env);
    st.transfer(&a, &heir);
    let refund = st.cancel(&b);
    assert_eq!(refund, DEPOSIT * 3 / 4);
    s.f.jump(DURATION);
    st.withdraw_max(&a, &heir);
    st.withdraw_max(&b, &s.recipient);
    assert_eq!(s.balance(&st.address), 0);
    assert_eq!(
        s.balance(&s.f.insurance.address),
        (DEPOSIT + DEPOSIT / 4) / 100
    );
    s.f.env.to_snapshot_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test-snapshots/stream_lifecycle.json"
    ));
}

/// Attack scenario `stream_cancel_withdraw_race`: the sender tries to beat the recipient's
/// withdrawal with a cancel. The order within a ledger changes nothing.
///
/// 1. The sender creates two identical cancelable streams, A and B, and 40% of the time passes.
/// 2. On A, the recipient's `withdraw_max` lands first, then the sender's `cancel`.
/// 3. On B, the sender's `cancel` lands first, then the recipient's `withdraw_max`.
/// 4. Either way the recipient gets the vested 40% (less the 1% skim) and the sender the
///    unvested 60%: vesting freezes at the cancel, and the vested part stays withdrawable.
#[test]
fn stream_cancel_withdraw_race_snapshot() {
    let s = Setup::new();
    let st = &s.f.stream;
    let now = s.f.now();
    let (a, b) = (
        s.stream_with(now, now, now + DURATION),
        s.stream_with(now, now, now + DURATION),
    );
    s.f.jump(DURATION * 4 / 10);
    let vested = DEPOSIT * 4 / 10;
    let net_a = st.withdraw_max(&a, &s.recipient);
    let refund_a = st.cancel(&a);
    let refund_b = st.cancel(&b);
    let net_b = st.withdraw_max(&b, &s.recipient);
    assert_eq!((net_a, refund_a), (vested - vested / 100, DEPOSIT - vested));
    assert_eq!(
        (net_b, refund_b),
        (net_a, refund_a),
        "the order doesn't matter"
    );
    assert_eq!(s.balance(&st.address), 0);
    assert_eq!(s.balance(&s.f.insurance.address), 2 * (vested / 100));
    s.f.env.to_snapshot_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../test-snapshots/stream_cancel_withdraw_race.json"
    ));
}

/// Repro 7 of the adversarial review, attack `review_concurrent_creates`: two senders create a
/// stream in the same ledger with the same salt. Before salted ids both creates read and wrote
/// the contract's id counter, so the second one simulated against the same ledger named the
/// wrong stream key and failed ("key outside of the footprint"). Now their written entries are
/// disjoint except the pooled escrow's token balance, which every deposit into the contract
/// writes (a SAC balance entry, not a protocol key); the same holds for campaigns.
#[test]
fn repro_7_creates_by_two_senders_share_no_protocol_entry() {
    let s = Setup::new();
    let other = s.f.funded(&s.f.xlm, DEPOSIT);
    let create = |sender: &Address| s.try_stream_from(sender, 1).unwrap().unwrap();
    let (mine, written_a) = s.f.written_by(|| create(&s.sender));
    let (theirs, written_b) = s.f.written_by(|| create(&other));
    assert_ne!(mine, theirs);
    let shared: std::vec::Vec<_> = written_a.intersection(&written_b).collect();
    let escrow = escrow_balance_key(&s.f.xlm.id, &s.f.stream.address);
    assert_eq!(
        shared,
        [&escrow],
        "only the escrow's token balance is shared"
    );
    s.f.snapshot("review_concurrent_creates");
}

/// The XDR `LedgerKey` of `holder`'s balance entry in the Stellar Asset Contract `token`.
fn escrow_balance_key(token: &Address, holder: &Address) -> std::vec::Vec<u8> {
    use soroban_sdk::xdr::{
        ContractDataDurability, LedgerKey, LedgerKeyContractData, Limits, ScAddress, ScSymbol,
        ScVal, ScVec, WriteXdr,
    };
    let addr = |a: &Address| ScAddress::from(a);
    let key = ScVal::Vec(Some(ScVec(
        std::vec![
            ScVal::Symbol(ScSymbol("Balance".try_into().unwrap())),
            ScVal::Address(addr(holder)),
        ]
        .try_into()
        .unwrap(),
    )));
    LedgerKey::ContractData(LedgerKeyContractData {
        contract: addr(token),
        key,
        durability: ContractDataDurability::Persistent,
    })
    .to_xdr(Limits::none())
    .unwrap()
}
