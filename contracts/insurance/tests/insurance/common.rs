//! Shared setup: a funded fund, a bailout proposal, and state capture.

use soroban_sdk::{testutils::Address as _, Address, BytesN};
use tributary_fixture::{Fixture, UNIT};
use tributary_insurance::Proposal;

pub const FUND: i128 = 1_000 * UNIT;
pub const DAY: u64 = 86_400;

pub struct Setup<'a> {
    pub f: Fixture<'a>,
    pub victim: Address,
}

/// The fund's balances, the victim's XLM, the epoch and a proposal as stored.
#[derive(Debug, PartialEq)]
pub struct State {
    pub fund: [i128; 2],
    pub victim: i128,
    pub epoch: u32,
    pub proposal: Option<Proposal>,
}

impl Setup<'_> {
    /// A fund holding `FUND` XLM (as if from skims).
    pub fn new() -> Self {
        let f = Fixture::create();
        f.xlm.admin.mint(&f.insurance.address, &FUND);
        let victim = Address::generate(&f.env);
        Setup { f, victim }
    }

    pub fn member(&self, i: usize) -> &Address {
        &self.f.council[i]
    }

    pub fn reason(&self) -> BytesN<32> {
        BytesN::from_array(&self.f.env, &[7; 32])
    }

    /// A bailout of `amount` XLM to the victim, proposed by member 0.
    pub fn bailout(&self, amount: i128) -> u64 {
        self.f.insurance.propose_bailout(
            self.member(0),
            &self.f.xlm.id,
            &amount,
            &self.victim,
            &self.reason(),
        )
    }

    /// A bailout approved by all 5 members (queued, eta = now + 14 days).
    pub fn queued_bailout(&self, amount: i128) -> u64 {
        let id = self.bailout(amount);
        self.f.approve_by(id, &self.f.council);
        id
    }

    pub fn state(&self, id: u64) -> State {
        let i = &self.f.insurance;
        State {
            fund: [i.balance(&self.f.xlm.id), i.balance(&self.f.usdc.id)],
            victim: self.f.xlm.token.balance(&self.victim),
            epoch: i.epoch(),
            proposal: i.try_proposal(&id).ok().map(|r| r.unwrap()),
        }
    }
}
