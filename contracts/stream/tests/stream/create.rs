//! `create_stream` and `create_streams`.
//!
//! create_stream
//! ├── when deposit <= 0 → InvalidDeposit
//! ├── when start >= end → StartNotBeforeEnd
//! ├── when cliff < start → CliffBeforeStart
//! ├── when cliff > end → CliffAfterEnd
//! ├── when end <= now → EndNotInFuture
//! ├── when sender == recipient → SenderIsRecipient
//! ├── when recipient is the stream contract → RecipientIsContract
//! ├── when the token is not insured → TokenNotInsured
//! ├── when the sender already used the salt → IdTaken
//! └── when valid
//!     ├── it escrows the deposit, stores the stream under the id its sender and salt derive
//!     ├── different senders with one salt get different ids; no entry is shared
//!     ├── it emits stream_created
//!     ├── it requires the sender's auth for the call and the deposit transfer
//!     └── given start in the past, cliff == start or cliff == end, it is accepted
//! create_streams
//! ├── when the list is empty → EmptyBatch
//! ├── when one entry is invalid → that entry's error, nothing created
//! ├── when two entries repeat a salt → IdTaken, nothing created
//! └── when valid → one derived id per entry, one transfer per token

use soroban_sdk::{
    symbol_short,
    testutils::{Address as _, AuthorizedFunction, AuthorizedInvocation, Events as _},
    vec, Address, Event, IntoVal, Symbol,
};
use tributary_fixture::UNIT;
use tributary_stream::{StreamCreated, StreamError, StreamParams, StreamStatus};

use tributary_fixture::assert_fails_unchanged;

use crate::common::{Setup, CLIFF, DEPOSIT, DURATION};

fn try_create(
    s: &Setup,
    recipient: &Address,
    token: &Address,
    deposit: i128,
    start: u64,
    cliff: u64,
    end: u64,
) -> Result<Result<u64, soroban_sdk::Error>, Result<StreamError, soroban_sdk::InvokeError>> {
    s.f.stream.try_create_stream(
        &s.sender,
        &s.next_salt(),
        recipient,
        token,
        &deposit,
        &start,
        &cliff,
        &end,
        &true,
        &false,
    )
}

#[test]
fn create_escrows_deposit_and_returns_the_salted_id() {
    let s = Setup::new();
    let before = s.balance(&s.sender);
    let (first, second) = (s.stream(), s.stream());
    assert_eq!(first, s.f.stream_id(&s.sender, 1));
    assert_eq!(second, s.f.stream_id(&s.sender, 2));
    assert_ne!(first, second);
    assert_eq!(s.balance(&s.sender), before - 2 * DEPOSIT);
    assert_eq!(s.balance(&s.f.stream.address), 2 * DEPOSIT);
    let st = s.f.stream.get_stream(&first);
    assert_eq!((st.deposit, st.withdrawn, st.refunded), (DEPOSIT, 0, 0));
    assert_eq!(
        (st.sender, st.recipient),
        (s.sender.clone(), s.recipient.clone())
    );
    assert_eq!(s.f.stream.status(&first), StreamStatus::Streaming);
}

#[test]
fn create_with_a_used_salt_fails_with_id_taken() {
    let s = Setup::new();
    let id = s.stream();
    assert_eq!(
        s.try_stream_from(&s.sender, 1),
        Err(Ok(StreamError::IdTaken))
    );
    assert_eq!(s.f.stream.get_stream(&id).deposit, DEPOSIT);
    assert_eq!(s.balance(&s.f.stream.address), DEPOSIT);
}

#[test]
fn one_salt_from_two_senders_gives_two_streams() {
    let s = Setup::new();
    let other = s.f.funded(&s.f.xlm, DEPOSIT);
    let mine = s.stream();
    let theirs = s.try_stream_from(&other, 1).unwrap().unwrap();
    assert_ne!(mine, theirs);
    assert_eq!(theirs, s.f.stream_id(&other, 1));
    assert_eq!(s.f.stream.get_stream(&theirs).sender, other);
    assert_eq!(s.f.stream.get_stream(&mine).sender, s.sender);
}

#[test]
fn create_emits_stream_created() {
    let s = Setup::new();
    let now = s.f.now();
    let id = s.stream();
    let expected = StreamCreated {
        id,
        sender: s.sender.clone(),
        recipient: s.recipient.clone(),
        token: s.f.xlm.id.clone(),
        deposit: DEPOSIT,
        start: now,
        cliff: now + CLIFF,
        end: now + DURATION,
        cancelable: true,
        transferable: true,
    };
    assert_eq!(
        s.f.env
            .events()
            .all()
            .filter_by_contract(&s.f.stream.address),
        [expected.to_xdr(&s.f.env, &s.f.stream.address)]
    );
}

#[test]
fn create_requires_sender_auth_for_call_and_deposit() {
    let s = Setup::new();
    let now = s.f.now();
    s.stream();
    let e = &s.f.env;
    assert_eq!(
        e.auths(),
        std::vec![(
            s.sender.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    s.f.stream.address.clone(),
                    Symbol::new(e, "create_stream"),
                    (
                        s.sender.clone(),
                        1u64,
                        s.recipient.clone(),
                        s.f.xlm.id.clone(),
                        DEPOSIT,
                        now,
                        now + CLIFF,
                        now + DURATION,
                        true,
                        true,
                    )
                        .into_val(e),
                )),
                sub_invocations: std::vec![AuthorizedInvocation {
                    function: AuthorizedFunction::Contract((
                        s.f.xlm.id.clone(),
                        symbol_short!("transfer"),
                        (s.sender.clone(), s.f.stream.address.clone(), DEPOSIT).into_val(e),
                    )),
                    sub_invocations: std::vec![],
                }],
            }
        )]
    );
}

#[test]
fn create_without_sender_auth_fails() {
    let s = Setup::new();
    s.f.env.set_auths(&[]);
    let now = s.f.now();
    let r = try_create(&s, &s.recipient, &s.f.xlm.id, DEPOSIT, now, now, now + 10);
    assert_eq!(r, Err(Err(soroban_sdk::InvokeError::Abort)));
    assert_eq!(s.balance(&s.f.stream.address), 0);
}

#[test]
fn create_rejects_each_invalid_argument_with_its_error() {
    let s = Setup::new();
    let now = s.f.now();
    let (r, x) = (s.recipient.clone(), s.f.xlm.id.clone());
    let cases = [
        (
            try_create(&s, &r, &x, 0, now, now, now + 10),
            StreamError::InvalidDeposit,
        ),
        (
            try_create(&s, &r, &x, -1, now, now, now + 10),
            StreamError::InvalidDeposit,
        ),
        (
            try_create(&s, &r, &x, DEPOSIT, now + 10, now + 10, now + 10),
            StreamError::StartNotBeforeEnd,
        ),
        (
            try_create(&s, &r, &x, DEPOSIT, now + 11, now + 11, now + 10),
            StreamError::StartNotBeforeEnd,
        ),
        (
            try_create(&s, &r, &x, DEPOSIT, now, now - 1, now + 10),
            StreamError::CliffBeforeStart,
        ),
        (
            try_create(&s, &r, &x, DEPOSIT, now, now + 11, now + 10),
            StreamError::CliffAfterEnd,
        ),
        (
            try_create(&s, &r, &x, DEPOSIT, now - 20, now - 20, now),
            StreamError::EndNotInFuture,
        ),
        (
            try_create(&s, &s.sender, &x, DEPOSIT, now, now, now + 10),
            StreamError::SenderIsRecipient,
        ),
        (
            try_create(&s, &s.f.stream.address, &x, DEPOSIT, now, now, now + 10),
            StreamError::RecipientIsContract,
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got, Err(Ok(want)));
    }
    assert_eq!(s.balance(&s.f.stream.address), 0);
    assert_eq!(
        s.f.stream.try_get_stream(&s.f.stream_id(&s.sender, 1)),
        Err(Ok(StreamError::StreamNotFound))
    );
}

#[test]
fn create_rejects_uninsured_token() {
    let s = Setup::new();
    let now = s.f.now();
    let other =
        s.f.env
            .register_stellar_asset_contract_v2(Address::generate(&s.f.env));
    soroban_sdk::token::StellarAssetClient::new(&s.f.env, &other.address())
        .mint(&s.sender, &DEPOSIT);
    assert_fails_unchanged!(
        s,
        1,
        try_create(
            &s,
            &s.recipient,
            &other.address(),
            DEPOSIT,
            now,
            now,
            now + 10
        ),
        StreamError::TokenNotInsured
    );
    assert_eq!(
        soroban_sdk::token::TokenClient::new(&s.f.env, &other.address()).balance(&s.sender),
        DEPOSIT
    );
}

#[test]
fn create_accepts_start_in_the_past() {
    let s = Setup::new();
    let now = s.f.now();
    let id = s.stream_with(now - 500, now - 500, now + 500);
    assert_eq!(s.f.stream.streamed(&id), DEPOSIT / 2);
}

#[test]
fn create_accepts_cliff_at_start_and_at_end() {
    let s = Setup::new();
    let now = s.f.now();
    let at_start = s.stream_with(now, now, now + 1_000);
    let at_end = s.stream_with(now, now + 1_000, now + 1_000);
    s.f.jump(1);
    assert_eq!(s.f.stream.streamed(&at_start), DEPOSIT / 1_000);
    assert_eq!(s.f.stream.streamed(&at_end), 0);
    s.f.jump(998);
    assert_eq!(s.f.stream.withdrawable(&at_end), 0);
    s.f.jump(1);
    assert_eq!(s.f.stream.withdrawable(&at_end), DEPOSIT);
}

#[test]
fn create_accepts_one_unit_deposit() {
    let s = Setup::new();
    let now = s.f.now();
    let id = s.stream_of(1, now, now, now + 100);
    s.f.jump(99);
    assert_eq!(s.f.stream.withdrawable(&id), 0);
    s.f.jump(1);
    assert_eq!(s.f.stream.withdraw_max(&id, &s.recipient), 1);
    assert_eq!(s.balance(&s.recipient), 1);
    assert_eq!(s.balance(&s.f.insurance.address), 0);
    assert_eq!(s.f.stream.status(&id), StreamStatus::Depleted);
}

fn params(s: &Setup, token: &Address, deposit: i128) -> StreamParams {
    let now = s.f.now();
    StreamParams {
        salt: s.next_salt(),
        recipient: s.recipient.clone(),
        token: token.clone(),
        deposit,
        start: now,
        cliff: now,
        end: now + DURATION,
        cancelable: true,
        transferable: false,
    }
}

#[test]
fn create_streams_derives_one_id_per_entry_with_one_transfer_per_token() {
    let s = Setup::new();
    s.f.usdc.admin.mint(&s.sender, &(10 * UNIT));
    let e = &s.f.env;
    let batch = vec![
        e,
        params(&s, &s.f.xlm.id, 3 * UNIT),
        params(&s, &s.f.usdc.id, 10 * UNIT),
        params(&s, &s.f.xlm.id, 4 * UNIT),
    ];
    let ids = s.f.stream.create_streams(&s.sender, &batch);
    let expected = vec![
        e,
        s.f.stream_id(&s.sender, 1),
        s.f.stream_id(&s.sender, 2),
        s.f.stream_id(&s.sender, 3),
    ];
    assert_eq!(ids, expected);
    assert_eq!(
        s.f.env
            .events()
            .all()
            .filter_by_contract(&s.f.stream.address)
            .events()
            .len(),
        3
    );
    let transfers: std::vec::Vec<_> = e.auths()[0]
        .1
        .sub_invocations
        .iter()
        .map(|i| i.function.clone())
        .collect();
    assert_eq!(
        transfers,
        std::vec![
            AuthorizedFunction::Contract((
                s.f.xlm.id.clone(),
                symbol_short!("transfer"),
                (s.sender.clone(), s.f.stream.address.clone(), 7 * UNIT).into_val(e)
            )),
            AuthorizedFunction::Contract((
                s.f.usdc.id.clone(),
                symbol_short!("transfer"),
                (s.sender.clone(), s.f.stream.address.clone(), 10 * UNIT).into_val(e)
            )),
        ]
    );
    assert_eq!(s.balance(&s.f.stream.address), 7 * UNIT);
    assert_eq!(s.f.usdc.token.balance(&s.f.stream.address), 10 * UNIT);
    assert_eq!(
        s.f.stream.get_stream(&ids.get(2).unwrap()).deposit,
        4 * UNIT
    );
}

#[test]
fn create_streams_rejects_empty_and_invalid_batches_atomically() {
    let s = Setup::new();
    let e = &s.f.env;
    assert_fails_unchanged!(
        s,
        1,
        s.f.stream.try_create_streams(&s.sender, &vec![e]),
        StreamError::EmptyBatch
    );
    let bad = vec![e, params(&s, &s.f.xlm.id, UNIT), params(&s, &s.f.xlm.id, 0)];
    assert_fails_unchanged!(
        s,
        1,
        s.f.stream.try_create_streams(&s.sender, &bad),
        StreamError::InvalidDeposit
    );
    let first = params(&s, &s.f.xlm.id, UNIT);
    let repeated = vec![e, first.clone(), first.clone()];
    assert_fails_unchanged!(
        s,
        s.f.stream_id(&s.sender, first.salt),
        s.f.stream.try_create_streams(&s.sender, &repeated),
        StreamError::IdTaken
    );
}
