//! Shared setup: a fixture, a funded sender, a recipient, and state capture for
//! "a failure changes nothing" assertions.

use soroban_sdk::{testutils::Address as _, Address};
use tributary_fixture::{Fixture, UNIT};
use tributary_stream::{Stream, StreamError};

pub const DEPOSIT: i128 = 1_000 * UNIT;
pub const CLIFF: u64 = 100;
pub const DURATION: u64 = 1_000;

/// What `try_create_stream` returns.
pub type TryCreate =
    Result<Result<u64, soroban_sdk::Error>, Result<StreamError, soroban_sdk::InvokeError>>;

pub struct Setup<'a> {
    pub f: Fixture<'a>,
    pub sender: Address,
    pub recipient: Address,
    /// The salt of the last stream created through this setup; each create takes the next.
    pub salt: core::cell::Cell<u64>,
}

/// Balances of sender, recipient, stream contract and insurance, plus a stream's state.
#[derive(Debug, PartialEq)]
pub struct State {
    pub balances: [i128; 4],
    pub stream: Option<Stream>,
}

impl Setup<'_> {
    pub fn new() -> Self {
        let f = Fixture::create();
        let sender = f.funded(&f.xlm, 1_000_000 * UNIT);
        let recipient = Address::generate(&f.env);
        Setup {
            f,
            sender,
            recipient,
            salt: core::cell::Cell::new(0),
        }
    }

    /// A salt not used yet by this setup.
    pub fn next_salt(&self) -> u64 {
        self.salt.set(self.salt.get() + 1);
        self.salt.get()
    }

    /// A cancelable, transferable stream of `DEPOSIT` from now, with a 100 s cliff, over 1,000 s.
    pub fn stream(&self) -> u64 {
        let now = self.f.now();
        self.stream_with(now, now + CLIFF, now + DURATION)
    }

    pub fn stream_with(&self, start: u64, cliff: u64, end: u64) -> u64 {
        self.stream_of(DEPOSIT, start, cliff, end)
    }

    /// A cancelable, transferable XLM stream of `deposit` base units.
    pub fn stream_of(&self, deposit: i128, start: u64, cliff: u64, end: u64) -> u64 {
        let created = self.try_stream(&self.sender, self.next_salt(), deposit, start, cliff, end);
        created.unwrap().unwrap()
    }

    /// `try_create_stream` of a cancelable, transferable `DEPOSIT` stream from `sender` to the
    /// recipient with `salt`, vesting from now over `DURATION`.
    pub fn try_stream_from(&self, sender: &Address, salt: u64) -> TryCreate {
        let now = self.f.now();
        self.try_stream(sender, salt, DEPOSIT, now, now, now + DURATION)
    }

    /// `try_create_stream` of a cancelable, transferable XLM stream to the recipient.
    fn try_stream(
        &self,
        sender: &Address,
        salt: u64,
        deposit: i128,
        start: u64,
        cliff: u64,
        end: u64,
    ) -> TryCreate {
        self.f.stream.try_create_stream(
            sender,
            &salt,
            &self.recipient,
            &self.f.xlm.id,
            &deposit,
            &start,
            &cliff,
            &end,
            &true,
            &true,
        )
    }

    pub fn balance(&self, who: &Address) -> i128 {
        self.f.xlm.token.balance(who)
    }

    pub fn state(&self, id: u64) -> State {
        let t = &self.f.xlm.token;
        State {
            balances: [
                t.balance(&self.sender),
                t.balance(&self.recipient),
                t.balance(&self.f.stream.address),
                t.balance(&self.f.insurance.address),
            ],
            stream: self.f.stream.try_get_stream(&id).ok().map(|r| r.unwrap()),
        }
    }
}
