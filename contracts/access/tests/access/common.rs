//! Shared setup: a creator with tiers, a funded fan, and state capture.

use soroban_sdk::{testutils::Address as _, Address};
use tributary_access::{Subscription, Tier};
use tributary_fixture::{Fixture, UNIT};

pub const DAY: u64 = 86_400;
pub const PERIOD: u64 = 30 * DAY;
pub const GRACE: u64 = 3 * DAY;
pub const PRICE: i128 = 10 * UNIT;

pub struct Setup<'a> {
    pub f: Fixture<'a>,
    pub creator: Address,
    pub fan: Address,
}

/// Fan, creator, access contract and insurance XLM balances, the fan's subscription, and the
/// creator's tiers 1 and 2.
#[derive(Debug, PartialEq)]
pub struct State {
    pub balances: [i128; 4],
    pub sub: Option<Subscription>,
    pub tiers: [Option<Tier>; 2],
}

impl Setup<'_> {
    /// Tier 1 at `PRICE` and tier 2 at twice that, both per 30 days with 3 days of grace.
    pub fn new() -> Self {
        let f = Fixture::create();
        let creator = Address::generate(&f.env);
        let fan = f.funded(&f.xlm, 1_000 * UNIT);
        let s = Setup { f, creator, fan };
        s.tier(1, PRICE);
        s.tier(2, 2 * PRICE);
        s
    }

    pub fn tier(&self, level: u32, price: i128) -> u32 {
        self.f.access.set_tier(
            &self.creator,
            &level,
            &self.f.xlm.id,
            &price,
            &PERIOD,
            &GRACE,
        )
    }

    pub fn subscribe(&self, level: u32, periods: u32) -> u64 {
        self.f
            .access
            .subscribe(&self.fan, &self.creator, &level, &periods, &i128::MAX)
    }

    /// Moves the clock to the first second the fan's subscription may be renewed: a day
    /// before it expires (monthly tiers; docs/PROTOCOL.md, `renew`).
    pub fn until_due(&self) {
        let expires_at = self
            .f
            .access
            .subscription(&self.fan, &self.creator)
            .unwrap()
            .expires_at;
        let now = self.f.env.ledger().timestamp();
        self.f.jump(expires_at - DAY - now);
    }

    /// Approves this contract to pull `amount` from the fan until about `days` from now.
    pub fn allow(&self, amount: i128, days: u32) {
        let live_until = self.f.env.ledger().sequence() + days * 17_280;
        self.f
            .xlm
            .token
            .approve(&self.fan, &self.f.access.address, &amount, &live_until);
    }

    pub fn balance(&self, who: &Address) -> i128 {
        self.f.xlm.token.balance(who)
    }

    pub fn state(&self, _: u64) -> State {
        let a = &self.f.access;
        State {
            balances: [
                self.balance(&self.fan),
                self.balance(&self.creator),
                self.balance(&a.address),
                self.balance(&self.f.insurance.address),
            ],
            sub: a.subscription(&self.fan, &self.creator),
            tiers: [a.tier(&self.creator, &1), a.tier(&self.creator, &2)],
        }
    }
}
