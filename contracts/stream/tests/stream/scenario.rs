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
