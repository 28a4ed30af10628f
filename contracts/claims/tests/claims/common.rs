//! Shared setup: a funded funder, a small campaign tree, and state capture.

use soroban_sdk::{Address, BytesN, InvokeError};
use tributary_claims::{Campaign, ClaimsError};
use tributary_fixture::{Fixture, UNIT};

use tributary_fixture::claims_tree::{addr, key, Tree};

pub const DAY: u64 = 86_400;
pub const WINDOW: u64 = 30 * DAY;

pub type TryResult<T> = Result<Result<T, soroban_sdk::Error>, Result<ClaimsError, InvokeError>>;

pub struct Setup<'a> {
    pub f: Fixture<'a>,
    pub funder: Address,
    pub tree: Tree,
    /// The salt of the last campaign created through this setup; each create takes the next.
    pub salt: core::cell::Cell<u64>,
}

/// Funder, claims contract and insurance XLM balances, the campaign, and which entries are
/// settled.
#[derive(Debug, PartialEq)]
pub struct State {
    pub balances: [i128; 3],
    pub campaign: Option<Campaign>,
    pub settled: std::vec::Vec<bool>,
}

impl Setup<'_> {
    /// Five entries (odd, so one node moves up unchanged): addresses at even indices, claim
    /// keys at odd ones.
    pub fn new() -> Self {
        let entries = std::vec![
            (addr(0), 100 * UNIT),
            (key(1), 50 * UNIT),
            (addr(2), 30 * UNIT),
            (key(3), 20 * UNIT),
            (addr(4), 7 * UNIT + 99),
        ];
        Self::with(Tree::new(entries))
    }

    pub fn with(tree: Tree) -> Self {
        let f = Fixture::create();
        let funder = f.funded(&f.xlm, 10_000_000 * UNIT);
        Setup {
            f,
            funder,
            tree,
            salt: core::cell::Cell::new(0),
        }
    }

    /// A salt not used yet by this setup.
    pub fn next_salt(&self) -> u64 {
        self.salt.set(self.salt.get() + 1);
        self.salt.get()
    }

    /// An open campaign for the whole tree, from now for 30 days.
    pub fn campaign(&self) -> u64 {
        self.campaign_with(&self.tree.root(&self.f.env), self.tree.total(), None)
    }

    pub fn campaign_with(&self, root: &BytesN<32>, total: i128, approver: Option<Address>) -> u64 {
        let now = self.f.now();
        let count = self.tree.entries.len() as u32;
        self.f.claims.create_campaign(
            &self.funder,
            &self.next_salt(),
            &self.f.xlm.id,
            root,
            &total,
            &count,
            &now,
            &(now + WINDOW),
            &approver,
        )
    }

    /// Claims entry `index` for its own address, or, for a key, to `to` with its signature.
    pub fn try_claim(&self, id: u64, index: u32, to: &Address) -> TryResult<i128> {
        let (who, amount) = &self.tree.entries[index as usize];
        let e = &self.f.env;
        let signature = who.signature_for(e, &self.f.claims.address, id, index, to);
        self.f.claims.try_claim(
            &id,
            &index,
            &who.claimant(e),
            amount,
            &self.tree.proof(e, index),
            to,
            &signature,
        )
    }

    /// The payout address of entry `index`: its own address, or a fresh one for a key.
    pub fn payee(&self, index: u32) -> Address {
        match &self.tree.entries[index as usize].0 {
            w @ tributary_fixture::claims_tree::Who::Addr(_) => w.address(&self.f.env),
            tributary_fixture::claims_tree::Who::Key(_) => {
                use soroban_sdk::testutils::Address as _;
                Address::generate(&self.f.env)
            }
        }
    }

    pub fn state(&self, id: u64) -> State {
        let t = &self.f.xlm.token;
        let campaign = self.f.claims.try_get_campaign(&id).ok().map(|r| r.unwrap());
        let settled = match &campaign {
            Some(c) => (0..c.count)
                .map(|i| self.f.claims.is_claimed(&id, &i))
                .collect(),
            None => std::vec![],
        };
        State {
            balances: [
                t.balance(&self.funder),
                t.balance(&self.f.claims.address),
                t.balance(&self.f.insurance.address),
            ],
            campaign,
            settled,
        }
    }
}
