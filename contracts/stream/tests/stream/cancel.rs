//! `cancel` and `renounce`.
//!
//! cancel
//! ├── when the stream does not exist → StreamNotFound
//! ├── when the caller is not the sender → auth failure
//! ├── given already canceled → StreamCanceled
//! ├── given not cancelable (created so, or renounced) → NotCancelable
//! ├── given fully vested (settled or depleted) → StreamSettled
//! └── when valid
//!     ├── it refunds the unvested part to the sender only, and emits canceled
//!     ├── given before the cliff, it refunds everything and the stream is depleted
//!     └── it never pays the recipient
//! renounce
//! ├── given canceled / not cancelable / settled → the same errors as cancel
//! └── when valid → the stream can no longer be canceled; emits renounced

use soroban_sdk::{
    testutils::{AuthorizedFunction, Events as _},
    Event, IntoVal, InvokeError,
};
use tributary_stream::{Canceled, Renounced, StreamError, StreamStatus};

use tributary_fixture::assert_fails_unchanged;

use crate::common::{Setup, DEPOSIT, DURATION};

#[test]
fn cancel_refunds_unvested_part_to_sender_only() {
    let s = Setup::new();
    let id = s.stream();
    let sender_before = s.balance(&s.sender);
    s.f.jump(DURATION * 3 / 10);
    assert_eq!(s.f.stream.refundable(&id), DEPOSIT * 7 / 10);
    assert_eq!(s.f.stream.cancel(&id), DEPOSIT * 7 / 10);
    assert_eq!(s.balance(&s.sender), sender_before + DEPOSIT * 7 / 10);
    assert_eq!(s.balance(&s.recipient), 0);
    assert_eq!(s.balance(&s.f.stream.address), DEPOSIT * 3 / 10);
    assert_eq!(s.f.stream.status(&id), StreamStatus::Canceled);
    assert_eq!(s.f.stream.refundable(&id), 0);
    s.f.jump(DURATION);
    assert_eq!(
        s.f.stream.streamed(&id),
        DEPOSIT * 3 / 10,
        "vesting stops at the cancel"
    );
}

#[test]
fn cancel_requires_sender_auth_and_emits_canceled() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(DURATION / 2);
    s.f.stream.cancel(&id);
    let e = &s.f.env;
    s.f.assert_auth(&s.sender, &s.f.stream.address, "cancel", (id,).into_val(e));
    assert_eq!(
        e.events().all().filter_by_contract(&s.f.stream.address),
        [Canceled {
            id,
            sender: s.sender.clone(),
            recipient: s.recipient.clone(),
            refunded: DEPOSIT / 2
        }
        .to_xdr(e, &s.f.stream.address)]
    );
}

#[test]
fn cancel_without_sender_auth_fails() {
    let s = Setup::new();
    let id = s.stream();
    s.f.env.set_auths(&[]);
    let before = s.state(id);
    assert_eq!(s.f.stream.try_cancel(&id), Err(Err(InvokeError::Abort)));
    assert_eq!(s.f.stream.try_renounce(&id), Err(Err(InvokeError::Abort)));
    assert_eq!(s.state(id), before);
}

#[test]
fn cancel_before_cliff_refunds_everything() {
    let s = Setup::new();
    let id = s.stream();
    s.f.jump(50);
    assert_eq!(s.f.stream.cancel(&id), DEPOSIT);
    assert_eq!(s.f.stream.status(&id), StreamStatus::Depleted);
    assert_eq!(s.f.stream.withdrawable(&id), 0);
    assert_eq!(s.balance(&s.f.stream.address), 0);
}

#[test]
fn cancel_rejects_settled_canceled_and_non_cancelable_streams() {
    let s = Setup::new();
    let st = &s.f.stream;
    assert_fails_unchanged!(s, 9, st.try_cancel(&9), StreamError::StreamNotFound);
    let settled = s.stream();
    let canceled = s.stream();
    let renounced = s.stream();
    let now = s.f.now();
    let fixed = st.create_stream(
        &s.sender,
        &s.next_salt(),
        &s.recipient,
        &s.f.xlm.id,
        &DEPOSIT,
        &now,
        &now,
        &(now + 2 * DURATION),
        &false,
        &false,
    );
    st.cancel(&canceled);
    st.renounce(&renounced);
    s.f.jump(DURATION);
    assert_fails_unchanged!(
        s,
        settled,
        st.try_cancel(&settled),
        StreamError::StreamSettled
    );
    assert_fails_unchanged!(
        s,
        canceled,
        st.try_cancel(&canceled),
        StreamError::StreamCanceled
    );
    assert_fails_unchanged!(
        s,
        renounced,
        st.try_cancel(&renounced),
        StreamError::NotCancelable
    );
    assert_fails_unchanged!(s, fixed, st.try_cancel(&fixed), StreamError::NotCancelable);
    st.withdraw_max(&settled, &s.recipient);
    assert_fails_unchanged!(
        s,
        settled,
        st.try_cancel(&settled),
        StreamError::StreamSettled
    );
}

#[test]
fn renounce_makes_stream_uncancelable_and_emits_renounced() {
    let s = Setup::new();
    let id = s.stream();
    s.f.stream.renounce(&id);
    let e = &s.f.env;
    assert_eq!(
        e.events().all().filter_by_contract(&s.f.stream.address),
        [Renounced {
            id,
            sender: s.sender.clone()
        }
        .to_xdr(e, &s.f.stream.address)]
    );
    assert_eq!(e.auths()[0].0, s.sender);
    assert_eq!(
        e.auths()[0].1.function,
        AuthorizedFunction::Contract((
            s.f.stream.address.clone(),
            soroban_sdk::Symbol::new(e, "renounce"),
            (id,).into_val(e)
        ))
    );
    assert!(!s.f.stream.get_stream(&id).cancelable);
    assert_eq!(s.f.stream.refundable(&id), 0);
    assert_fails_unchanged!(
        s,
        id,
        s.f.stream.try_cancel(&id),
        StreamError::NotCancelable
    );
}

#[test]
fn renounce_rejects_the_same_states_as_cancel() {
    let s = Setup::new();
    let st = &s.f.stream;
    let (renounced, canceled, settled) = (s.stream(), s.stream(), s.stream());
    st.renounce(&renounced);
    st.cancel(&canceled);
    assert_fails_unchanged!(s, 9, st.try_renounce(&9), StreamError::StreamNotFound);
    assert_fails_unchanged!(
        s,
        renounced,
        st.try_renounce(&renounced),
        StreamError::NotCancelable
    );
    assert_fails_unchanged!(
        s,
        canceled,
        st.try_renounce(&canceled),
        StreamError::StreamCanceled
    );
    s.f.jump(DURATION);
    assert_fails_unchanged!(
        s,
        settled,
        st.try_renounce(&settled),
        StreamError::StreamSettled
    );
}
