//! The claims contract's commands and docs/PROTOCOL.md invariants 1, 2, 3 and 7:
//!
//! 1. The contract's balance equals the campaign's remaining escrow.
//! 2. Each entry is paid at most once, and only its listed amount.
//! 3. Insurance holds exactly the sum of `floor(amount × 1%)` over claimed entries.
//! 7. A claim succeeds only with an honest entry and proof and, for a claim key, a signature
//!    over that exact `to`.

use arbitrary::Arbitrary;
use soroban_sdk::{testutils::Address as _, Address};
use tributary_fixture::{
    claims_tree::{addr, key, Tree, Who},
    Fixture, UNIT,
};

use crate::{check, check_eq, Violation};

const ENTRIES: u32 = 9;
const WINDOW: u64 = 30 * 86_400;

/// One action on a 9-entry campaign (addresses at even indices, claim keys at odd ones).
#[derive(Arbitrary, Clone, Debug)]
pub enum Command {
    /// Claim an entry. `forge`: 0 honest, 1 wrong amount, 2 another entry's proof,
    /// 3 a signature for another `to`.
    Claim {
        /// Entry index (mod 9).
        index: u32,
        /// Forgery kind (mod 4).
        forge: u8,
        /// Pay an address entry to another address (authorized by the claimant).
        to_other: bool,
    },
    /// Revoke an entry.
    Revoke {
        /// Entry index (mod 9).
        index: u32,
    },
    /// Pause the campaign.
    Pause,
    /// Resume it.
    Resume,
    /// Let time pass (up to 15 days).
    Jump {
        /// Seconds.
        seconds: u64,
    },
    /// Claw back the rest.
    Clawback,
    /// Claim 1–3 entries (repeats allowed, which must fail) in one `claim_many`.
    ClaimMany {
        /// Entry indices (mod 9).
        picks: [u32; 3],
        /// How many of them (mod 3, plus 1).
        count: u8,
    },
    /// Extend the expiry by 0–59 days (0 must fail).
    ExtendExpiry {
        /// Days.
        days: u16,
    },
    /// A second campaign with an approver: closed until approved, then open.
    Draft,
    /// A call with one invalid argument (kind mod 16); it must fail with its own error and
    /// change nothing.
    Invalid {
        /// Which argument is wrong.
        kind: u8,
    },
}

impl Command {
    /// The command with its raw values mapped into their ranges.
    pub fn normalized(self) -> Self {
        match self {
            Command::Claim {
                index,
                forge,
                to_other,
            } => Command::Claim {
                index: index % ENTRIES,
                forge: forge % 4,
                to_other,
            },
            Command::Revoke { index } => Command::Revoke {
                index: index % ENTRIES,
            },
            Command::ClaimMany { picks, count } => Command::ClaimMany {
                picks: picks.map(|p| p % ENTRIES),
                count: 1 + count % 3,
            },
            Command::ExtendExpiry { days } => Command::ExtendExpiry { days: days % 60 },
            Command::Jump { seconds } => Command::Jump {
                seconds: seconds % (WINDOW / 2),
            },
            Command::Invalid { kind } => Command::Invalid { kind: kind % 16 },
            other => other,
        }
    }
}

struct Setup<'a> {
    f: Fixture<'a>,
    funder: Address,
    tree: Tree,
    /// The last salt a valid create used; each takes the next one.
    salt: core::cell::Cell<u64>,
}

impl Setup<'_> {
    fn with(tree: Tree) -> Self {
        let f = Fixture::create();
        let funder = f.funded(&f.xlm, 10_000_000 * UNIT);
        Setup {
            f,
            funder,
            tree,
            salt: core::cell::Cell::new(0),
        }
    }

    fn next_salt(&self) -> u64 {
        self.salt.set(self.salt.get() + 1);
        self.salt.get()
    }

    fn campaign(&self) -> u64 {
        let now = self.f.now();
        self.campaign_with(self.tree.total(), now, now + WINDOW)
    }

    /// A campaign of the same tree escrowing `total`, open from `start` to `expiry`.
    fn campaign_with(&self, total: i128, start: u64, expiry: u64) -> u64 {
        let count = self.tree.entries.len() as u32;
        let root = self.tree.root(&self.f.env);
        self.f.claims.create_campaign(
            &self.funder,
            &self.next_salt(),
            &self.f.xlm.id,
            &root,
            &total,
            &count,
            &start,
            &expiry,
            &None,
        )
    }

    /// The payout address of entry `index`: its own address, or a fresh one for a key.
    fn payee(&self, index: u32) -> Address {
        match &self.tree.entries[index as usize].0 {
            w @ Who::Addr(_) => w.address(&self.f.env),
            Who::Key(_) => Address::generate(&self.f.env),
        }
    }
}

pub fn run(commands: &[Command]) -> Result<(), Violation> {
    let entries = (0..ENTRIES)
        .map(|i| {
            (
                if i % 2 == 0 { addr(i) } else { key(i) },
                (i128::from(i) + 1) * 37 * UNIT + 63,
            )
        })
        .collect();
    let s = Setup::with(Tree::new(entries));
    let id = s.campaign();
    let e = &s.f.env;
    let c = &s.f.claims;
    let mut settled = [false; ENTRIES as usize];
    let mut remaining = s.tree.total();
    let mut skims = 0i128;
    let mut paid: Vec<(Address, i128)> = Vec::new();
    // Escrow of approved second campaigns, which nobody claims from.
    let mut other_escrow = 0i128;
    for command in commands {
        let paid_before = paid.len();
        let totals_before = (remaining, other_escrow, skims);
        // The entries the command names: only their bits can change.
        let mut named: Vec<u32> = Vec::new();
        match command.clone().normalized() {
            Command::Claim {
                index,
                forge,
                to_other,
            } => {
                named.push(index);
                let (who, amount) = &s.tree.entries[index as usize];
                let to = if to_other {
                    Address::generate(e)
                } else {
                    s.payee(index)
                };
                let proof = s.tree.proof(
                    e,
                    if forge == 2 {
                        (index + 1) % ENTRIES
                    } else {
                        index
                    },
                );
                let amount_arg = if forge == 1 { amount + 1 } else { *amount };
                let signature = match who {
                    Who::Key(_) if forge == 3 => {
                        Some(who.sign(e, &c.address, id, index, &Address::generate(e)))
                    }
                    Who::Key(_) => Some(who.sign(e, &c.address, id, index, &to)),
                    Who::Addr(_) => None,
                };
                let r = c.try_claim(
                    &id,
                    &index,
                    &who.claimant(e),
                    &amount_arg,
                    &proof,
                    &to,
                    &signature,
                );
                if let Ok(Ok(net)) = r {
                    let honest = forge == 0 || (forge == 3 && matches!(who, Who::Addr(_)));
                    check!(honest, "invariant 7: a forged claim was paid");
                    check!(!settled[index as usize], "invariant 2: paid twice");
                    check_eq!(
                        net,
                        amount - amount / 100,
                        "invariant 3: net of the 1% skim"
                    );
                    settled[index as usize] = true;
                    remaining -= amount;
                    skims += amount / 100;
                    paid.push((to, net));
                }
            }
            Command::Revoke { index } => {
                named.push(index);
                let (who, amount) = &s.tree.entries[index as usize];
                if c.try_revoke(
                    &id,
                    &index,
                    &who.claimant(e),
                    amount,
                    &s.tree.proof(e, index),
                )
                .is_ok()
                {
                    check!(
                        !settled[index as usize],
                        "invariant 2: revoked a settled entry"
                    );
                    settled[index as usize] = true;
                    remaining -= amount;
                }
            }
            Command::Pause => {
                let _ = c.try_pause(&id);
            }
            Command::Resume => {
                let _ = c.try_resume(&id);
            }
            Command::Jump { seconds } => s.f.jump(seconds),
            Command::ClaimMany { picks, count } => {
                let picks = &picks[..usize::from(count)];
                named.extend(picks);
                let mut requests = soroban_sdk::Vec::new(e);
                let mut payees = Vec::new();
                for &index in picks {
                    let (who, amount) = &s.tree.entries[index as usize];
                    let to = s.payee(index);
                    let signature = match who {
                        Who::Key(_) => Some(who.sign(e, &c.address, id, index, &to)),
                        Who::Addr(_) => None,
                    };
                    requests.push_back(tributary_claims::ClaimRequest {
                        id,
                        index,
                        claimant: who.claimant(e),
                        amount: *amount,
                        proof: s.tree.proof(e, index),
                        to: to.clone(),
                        signature,
                    });
                    payees.push((index, to, *amount));
                }
                if let Ok(Ok(total_net)) = c.try_claim_many(&requests) {
                    let mut sum = 0;
                    for (index, to, amount) in payees {
                        check!(
                            !settled[index as usize],
                            "invariant 2: paid twice in a batch"
                        );
                        settled[index as usize] = true;
                        remaining -= amount;
                        skims += amount / 100;
                        sum += amount - amount / 100;
                        paid.push((to, amount - amount / 100));
                    }
                    check_eq!(
                        total_net,
                        sum,
                        "invariant 3: the batch's net is each entry's net"
                    );
                }
            }
            Command::ExtendExpiry { days } => {
                let expiry = c.get_campaign(&id).expiry;
                let r = c.try_extend_expiry(&id, &(expiry + u64::from(days) * 86_400));
                if days == 0 {
                    check!(r.is_err(), "model: an expiry that isn't later is refused");
                }
            }
            Command::Draft => {
                let approver = Address::generate(e);
                let now = s.f.now();
                let count = s.tree.entries.len() as u32;
                let root = s.tree.root(e);
                let draft = c.create_campaign(
                    &s.funder,
                    &s.next_salt(),
                    &s.f.xlm.id,
                    &root,
                    &s.tree.total(),
                    &count,
                    &now,
                    &(now + WINDOW),
                    &Some(approver),
                );
                let (who, amount) = &s.tree.entries[0];
                let early = c.try_claim(
                    &draft,
                    &0,
                    &who.claimant(e),
                    amount,
                    &s.tree.proof(e, 0),
                    &s.payee(0),
                    &None,
                );
                check_eq!(
                    early,
                    Err(Ok(tributary_claims::ClaimsError::CampaignInDraft)),
                    "model: a draft pays nothing"
                );
                c.approve(&draft);
                check_eq!(
                    c.get_campaign(&draft).status,
                    tributary_claims::CampaignStatus::Active,
                    "model: approval opens it"
                );
                other_escrow += s.tree.total();
            }
            Command::Invalid { kind } => {
                use tributary_claims::ClaimsError as E;
                let now = s.f.now();
                let count = ENTRIES;
                let root = s.tree.root(e);
                let xlm = &s.f.xlm.id;
                let create = |total: i128,
                              count: u32,
                              token: &Address,
                              (start, expiry): (u64, u64),
                              approver: Option<Address>| {
                    c.try_create_campaign(
                        &s.funder,
                        &u64::MAX,
                        token,
                        &root,
                        &total,
                        &count,
                        &start,
                        &expiry,
                        &approver,
                    )
                    .err()
                    .and_then(Result::ok)
                };
                let open = (now, now + WINDOW);
                let total = s.tree.total();
                // Claims of entry 0 (bob's address) on a fresh campaign of `total` escrow.
                let (who, amount) = &s.tree.entries[0];
                let claim = |id: u64, index: u32, amount: i128, proof, to: &Address| {
                    c.try_claim(&id, &index, &who.claimant(e), &amount, &proof, to, &None)
                        .err()
                        .and_then(Result::ok)
                };
                let payee = s.payee(0);
                let mut fresh = |total: i128, start: u64| {
                    other_escrow += total;
                    s.campaign_with(total, start, now + WINDOW)
                };
                let got = match kind {
                    0 => create(0, count, xlm, open, None),
                    1 => create(total, 0, xlm, open, None),
                    2 => create(total, count, xlm, (now + 10, now + 10), None),
                    3 => create(total, count, xlm, (now.saturating_sub(10), now), None),
                    4 => create(total, count, xlm, open, Some(s.funder.clone())),
                    5 => {
                        let uninsured = e
                            .register_stellar_asset_contract_v2(Address::generate(e))
                            .address();
                        create(total, count, &uninsured, open, None)
                    }
                    6 => {
                        let short = soroban_sdk::Bytes::from_slice(e, &[0; 31]);
                        claim(fresh(total, now), 0, *amount, short, &payee)
                    }
                    7 => claim(fresh(total, now), 0, 0, s.tree.proof(e, 0), &payee),
                    8 => claim(
                        fresh(total, now),
                        count,
                        *amount,
                        s.tree.proof(e, 0),
                        &payee,
                    ),
                    9 => claim(fresh(1, now), 0, *amount, s.tree.proof(e, 0), &payee),
                    10 => claim(
                        fresh(total, now + 100),
                        0,
                        *amount,
                        s.tree.proof(e, 0),
                        &payee,
                    ),
                    11 => claim(
                        fresh(total, now),
                        0,
                        *amount,
                        s.tree.proof(e, 0),
                        &c.address,
                    ),
                    12 => c.try_approve(&fresh(total, now)).err().and_then(Result::ok),
                    15 => c
                        .try_create_campaign(
                            &s.funder,
                            &s.salt.get(), // the latest valid create's: its id exists
                            xlm,
                            &root,
                            &total,
                            &count,
                            &open.0,
                            &open.1,
                            &None,
                        )
                        .err()
                        .and_then(Result::ok),
                    13 => c
                        .try_claim_many(&soroban_sdk::Vec::new(e))
                        .err()
                        .and_then(Result::ok),
                    _ => c.try_is_claimed(&id, &count).err().and_then(Result::ok),
                };
                let expected = [
                    E::InvalidTotal,
                    E::InvalidCount,
                    E::StartNotBeforeExpiry,
                    E::ExpiryNotInFuture,
                    E::ApproverIsFunder,
                    E::TokenNotInsured,
                    E::InvalidProof,
                    E::InvalidAmount,
                    E::IndexOutOfRange,
                    E::InsufficientEscrow,
                    E::NotStarted,
                    E::RecipientIsContract,
                    E::NotDraft,
                    E::EmptyBatch,
                    E::IndexOutOfRange,
                    E::IdTaken,
                ][usize::from(kind)];
                check_eq!(
                    got,
                    Some(expected),
                    "each invalid argument has its own error"
                );
            }
            Command::Clawback => {
                if let Ok(Ok(refund)) = c.try_clawback(&id) {
                    check_eq!(
                        refund,
                        remaining,
                        "invariant 1: clawback returns the remaining escrow"
                    );
                    remaining = 0;
                }
            }
        }
        let state = State {
            remaining: remaining + other_escrow,
            stored: remaining,
            skims,
            settled: &settled,
        };
        // Value moves only where the model expects it; a move it doesn't expect persists in
        // the cumulative balances and fails the check at the end.
        let moved = totals_before != (remaining, other_escrow, skims);
        state.check(&s, id, moved, &paid[paid_before..], &named)?;
    }
    // Everything at the end: every payee and every entry.
    let all: Vec<u32> = (0..ENTRIES).collect();
    State {
        remaining: remaining + other_escrow,
        stored: remaining,
        skims,
        settled: &settled,
    }
    .check(&s, id, true, &paid, &all)
}

/// The model's totals after a command, checked against the chain. After each command only the
/// totals it changed, the payees it paid and the entries it named are read (one contract call costs the fuzz target
/// about 15 µs; reading every payee and entry after every command was most of its time), and
/// everything at the end of the input: balances are cumulative, so a payment the model didn't
/// expect still shows there.
struct State<'a> {
    /// Escrow the contract holds over all campaigns, base units.
    remaining: i128,
    /// The fuzzed campaign's remaining escrow.
    stored: i128,
    /// What insurance holds.
    skims: i128,
    /// Which entries are settled.
    settled: &'a [bool],
}

impl State<'_> {
    fn check(
        &self,
        s: &Setup,
        id: u64,
        totals: bool,
        payees: &[(Address, i128)],
        entries: &[u32],
    ) -> Result<(), Violation> {
        let c = &s.f.claims;
        if totals {
            check_eq!(
                s.f.xlm.token.balance(&c.address),
                self.remaining,
                "invariant 1: conservation"
            );
            check_eq!(
                c.get_campaign(&id).remaining,
                self.stored,
                "invariant 1: stored escrow"
            );
            check_eq!(
                s.f.insurance.balance(&s.f.xlm.id),
                self.skims,
                "invariant 3: skims"
            );
        }
        for (to, net) in payees {
            check_eq!(
                s.f.xlm.token.balance(to),
                *net,
                "invariant 2: each payee got exactly its net"
            );
        }
        for &i in entries {
            check_eq!(
                c.is_claimed(&id, &i),
                self.settled[i as usize],
                "invariant 2: the settled bitmap"
            );
        }
        Ok(())
    }
}
