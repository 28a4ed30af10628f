//! `transfer`.
//!
//! transfer
//! ├── when the stream does not exist → StreamNotFound
//! ├── given not transferable → NotTransferable
//! ├── when new_recipient is the stream contract → RecipientIsContract
//! ├── when the caller is not the recipient → auth failure
//! └── when valid → the new recipient receives what is not yet withdrawn; emits transferred

use soroban_sdk::{
    testutils::{Address as _, Events as _},
    Address, Event, IntoVal, InvokeError,
};
use tributary_stream::{StreamError, Transferred};

use tributary_fixture::assert_fails_unchanged;

use crate::common::{Setup, DEPOSIT, DURATION};

#[test]
fn transfer_hands_unwithdrawn_funds_to_new_recipient() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(DURATION / 2);
    s.f.stream.withdraw(&id, &s.recipient, &(DEPOSIT / 10));
    let heir = Address::generate(&s.f.env);
    s.f.stream.transfer(&id, &heir);
    let e = &s.f.env;
    s.f.assert_auth(
        &s.recipient,
        &s.f.stream.address,
        "transfer",
        (id, heir.clone()).into_val(e),
    );
    assert_eq!(
        e.events().all().filter_by_contract(&s.f.stream.address),
        [Transferred {
            id,
            from: s.recipient.clone(),
            to: heir.clone()
        }
        .to_xdr(e, &s.f.stream.address)]
    );
    s.f.jump(DURATION);
    let net = s.f.stream.withdraw_max(&id, &heir);
    assert_eq!(net + DEPOSIT * 9 / 10 / 100, DEPOSIT * 9 / 10);
    assert_eq!(s.balance(&s.recipient), DEPOSIT / 10 - DEPOSIT / 1_000);
}

#[test]
fn transfer_rejects_bad_calls_and_leaves_state() {
    let s = Setup::new();
    let now = s.f.now();
    let id = s.stream();
    let fixed = s.f.stream.create_stream(
        &s.sender,
        &s.next_salt(),
        &s.recipient,
        &s.f.xlm.id,
        &DEPOSIT,
        &now,
        &now,
        &(now + 10),
        &true,
        &false,
    );
    let heir = Address::generate(&s.f.env);
    let st = &s.f.stream;
    assert_fails_unchanged!(
        s,
        id,
        st.try_transfer(&99, &heir),
        StreamError::StreamNotFound
    );
    assert_fails_unchanged!(
        s,
        fixed,
        st.try_transfer(&fixed, &heir),
        StreamError::NotTransferable
    );
    assert_fails_unchanged!(
        s,
        id,
        st.try_transfer(&id, &st.address),
        StreamError::RecipientIsContract
    );
    s.f.env.set_auths(&[]);
    let before = s.state(id);
    assert_eq!(st.try_transfer(&id, &heir), Err(Err(InvokeError::Abort)));
    assert_eq!(s.state(id), before);
}
