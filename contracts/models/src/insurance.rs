//! The insurance contract's commands and docs/PROTOCOL.md invariant 5: nothing leaves the fund
//! except an executed bailout that gathered 5 distinct approvals of the current council in the
//! current epoch, executed at `eta <= now <= eta + 14 days`.
//!
//! Consent, on the model's own record of who approved (never the contract's bitmask): every
//! member seated when a bailout was proposed approved it in the epoch it executed in, unless a
//! council change unseated that member after a full veto window (the 14-day timelock) in which
//! it could cancel the change (the `Invalid` kind 6 shows that veto succeeds).

use arbitrary::Arbitrary;
use soroban_sdk::{testutils::Address as _, Address, BytesN};
use tributary_fixture::{Fixture, UNIT};
use tributary_insurance::{Action, ProposalStatus, APPROVAL_LIFETIME, EXECUTION_WINDOW};

use crate::{check, check_eq, within, Violation};

const FUND: i128 = 1_000 * UNIT;
const DAY: u64 = 86_400;

/// One action on the insurance contract; `member` 0–4 are council seats, 5 an outsider.
#[derive(Arbitrary, Clone, Debug)]
pub enum Command {
    /// Propose a bailout of `1..=2 × FUND`.
    Propose {
        /// Caller (mod 6).
        member: u8,
        /// Amount.
        amount: i128,
    },
    /// Approve, with the current or a stale (next-epoch) hash.
    Approve {
        /// Caller (mod 6).
        member: u8,
        /// Which proposal (mod 6).
        proposal: u8,
        /// Use a hash for the wrong epoch.
        stale: bool,
    },
    /// All current members approve.
    ApproveAll {
        /// Which proposal (mod 6).
        proposal: u8,
    },
    /// Execute.
    Execute {
        /// Which proposal (mod 6).
        proposal: u8,
    },
    /// Cancel.
    Cancel {
        /// Caller (mod 6).
        member: u8,
        /// Which proposal (mod 6).
        proposal: u8,
    },
    /// Replace a seat through a full council change (bumps the epoch).
    Rotate {
        /// Seat (mod 5).
        seat: u8,
    },
    /// A skim arrives (`1..=100 × UNIT`).
    Skim {
        /// Amount.
        amount: i128,
    },
    /// Record a proposal's expiry (must fail unless it has expired).
    Expire {
        /// Which proposal (mod 6).
        proposal: u8,
    },
    /// Propose an asset-allowlist change, approve it 5-of-5, wait the timelock, execute.
    AssetChange {
        /// Proposer (mod 6).
        member: u8,
        /// Add a new asset (else remove USDC, which the fund doesn't hold).
        insured: bool,
    },
    /// A call with one invalid argument, or an execution its proposal's state no longer
    /// allows, or another deployment with a bad council or a repeated asset (kind mod 18); it
    /// must fail with its own error.
    Invalid {
        /// Which case.
        kind: u8,
    },
    /// Let time pass (up to 20 days).
    Jump {
        /// Seconds.
        seconds: u64,
    },
}

impl Command {
    /// The command with its raw values mapped into their ranges.
    pub fn normalized(self) -> Self {
        match self {
            Command::Propose { member, amount } => Command::Propose {
                member: member % 6,
                amount: 1 + amount.rem_euclid(2 * FUND),
            },
            Command::Approve {
                member,
                proposal,
                stale,
            } => Command::Approve {
                member: member % 6,
                proposal: proposal % 6,
                stale,
            },
            Command::ApproveAll { proposal } => Command::ApproveAll {
                proposal: proposal % 6,
            },
            Command::Execute { proposal } => Command::Execute {
                proposal: proposal % 6,
            },
            Command::Cancel { member, proposal } => Command::Cancel {
                member: member % 6,
                proposal: proposal % 6,
            },
            Command::Rotate { seat } => Command::Rotate { seat: seat % 5 },
            Command::Skim { amount } => Command::Skim {
                amount: 1 + amount.rem_euclid(100 * UNIT),
            },
            Command::Expire { proposal } => Command::Expire {
                proposal: proposal % 6,
            },
            Command::AssetChange { member, insured } => Command::AssetChange {
                member: member % 6,
                insured,
            },
            Command::Jump { seconds } => Command::Jump {
                seconds: within(seconds, 0, 20 * DAY - 1),
            },
            Command::Invalid { kind } => Command::Invalid { kind: kind % 18 },
        }
    }
}

struct Setup<'a> {
    f: Fixture<'a>,
    victim: Address,
}

impl Setup<'_> {
    fn new() -> Self {
        let f = Fixture::create();
        f.xlm.admin.mint(&f.insurance.address, &FUND);
        let victim = Address::generate(&f.env);
        Setup { f, victim }
    }

    fn reason(&self) -> BytesN<32> {
        BytesN::from_array(&self.f.env, &[7; 32])
    }

    /// Approves proposal `id` by every member of `council` but `old` (the member a council
    /// change replaces), waits out the timelock, and executes it.
    fn pass(
        &self,
        council: &[Address],
        id: u64,
        old: Option<&Address>,
    ) -> Result<
        Result<(), soroban_sdk::ConversionError>,
        Result<tributary_insurance::InsuranceError, soroban_sdk::InvokeError>,
    > {
        let eligible: Vec<Address> = council
            .iter()
            .filter(|m| Some(*m) != old)
            .cloned()
            .collect();
        self.f.approve_by(id, &eligible);
        self.f.jump(tributary_insurance::TIMELOCK);
        self.f.insurance.try_execute(&id)
    }
}

pub fn run(commands: &[Command]) -> Result<(), Violation> {
    let s = Setup::new();
    let i = &s.f.insurance;
    let outsider = Address::generate(&s.f.env);
    let mut council: Vec<Address> = s.f.council.clone();
    let mut proposals: Vec<u64> = Vec::new();
    // Consent records: the council seated at each bailout's proposal; each approval that
    // succeeded, with the model's epoch (`rotations` so far); each rotation's unseated member
    // and how long its change was open to a veto.
    let mut seated: std::collections::BTreeMap<u64, Vec<Address>> = Default::default();
    let mut approvals: Vec<(u64, Address, u32)> = Vec::new();
    let mut unseated: Vec<(Address, u64)> = Vec::new();
    let mut rotations = 0u32;
    // Proposals whose expiry has been recorded.
    let mut recorded: Vec<u64> = Vec::new();
    let mut expected_fund = FUND;
    let mut paid = 0i128;
    let who = |council: &Vec<Address>, m: usize| {
        if m < 5 {
            council[m].clone()
        } else {
            outsider.clone()
        }
    };
    for command in commands {
        let command = command.clone().normalized();
        // Funds, seats and the allowlist change only through an execution (or a skim); a
        // proposal, an approval, a veto, an expiry or time only change proposals, which the
        // commands check as they go. The end of the input checks everything.
        let executes = !matches!(
            command,
            Command::Propose { .. }
                | Command::Approve { .. }
                | Command::ApproveAll { .. }
                | Command::Cancel { .. }
                | Command::Expire { .. }
                | Command::Jump { .. }
        );
        match command {
            Command::Propose { member, amount } => {
                if let Ok(Ok(id)) = i.try_propose_bailout(
                    &who(&council, member as usize),
                    &s.f.xlm.id,
                    &amount,
                    &s.victim,
                    &s.reason(),
                ) {
                    check!(
                        (member as usize) < 5 && amount <= expected_fund,
                        "invariant 5: only a member proposes, within the fund"
                    );
                    proposals.push(id);
                    seated.insert(id, council.clone());
                }
            }
            Command::Approve {
                member,
                proposal,
                stale,
            } => {
                let Some(&id) = proposals.get(proposal as usize) else {
                    continue;
                };
                let hash = if stale {
                    s.f.hash_for(id, &i.proposal(&id), i.epoch() + 1)
                } else {
                    s.f.proposal_hash(id)
                };
                let approver = who(&council, member as usize);
                let r = i.try_approve(&approver, &id, &hash);
                if r.is_ok() {
                    approvals.push((id, approver, rotations));
                }
                check!(
                    r.is_err() || ((member as usize) < 5 && !stale),
                    "invariant 5: only a current member approves the current hash"
                );
            }
            Command::ApproveAll { proposal } => {
                let Some(&id) = proposals.get(proposal as usize) else {
                    continue;
                };
                let hash = s.f.proposal_hash(id);
                for m in &council {
                    if i.try_approve(m, &id, &hash).is_ok() {
                        approvals.push((id, m.clone(), rotations));
                    }
                }
            }
            Command::Execute { proposal } => {
                let Some(&id) = proposals.get(proposal as usize) else {
                    continue;
                };
                let p = i.proposal(&id);
                let (now, epoch) = (s.f.now(), i.epoch());
                let Action::Bailout(b) = p.action.clone() else {
                    unreachable!()
                };
                if i.try_execute(&id).is_ok() {
                    // The only way out: check every precondition independently.
                    check_eq!(
                        p.status,
                        ProposalStatus::Queued,
                        "invariant 5: executed only when queued"
                    );
                    check_eq!(p.epoch, epoch, "invariant 5: approved in the current epoch");
                    // Every one of the 5 current seats approved in this epoch.
                    check_eq!(p.approvals, 0b11111, "invariant 5: all five seats approved");
                    check!(
                        p.eta <= now && now <= p.eta + EXECUTION_WINDOW,
                        "invariant 5: inside the execution window"
                    );
                    for m in seated.get(&id).into_iter().flatten().chain(council.iter()) {
                        let approved = approvals.contains(&(id, m.clone(), rotations));
                        let vetoable = unseated
                            .iter()
                            .any(|(old, open)| old == m && *open >= tributary_insurance::TIMELOCK);
                        check!(
                            approved || (vetoable && !council.contains(m)),
                            "consent: every member seated at the proposal, and every member \
                             seated now, approved it in this epoch (or was unseated after a \
                             full veto window)"
                        );
                    }
                    expected_fund -= b.amount;
                    paid += b.amount;
                }
            }
            Command::Cancel { member, proposal } => {
                let Some(&id) = proposals.get(proposal as usize) else {
                    continue;
                };
                if i.try_cancel(&who(&council, member as usize), &id).is_ok() {
                    check!((member as usize) < 5, "invariant 5: only a member cancels");
                }
            }
            Command::Rotate { seat } => {
                let new = Address::generate(&s.f.env);
                let old = council[seat as usize].clone();
                let proposer = council[(seat as usize + 1) % 5].clone();
                let id = i.propose_council_change(&proposer, &old, &new);
                let proposed_at = s.f.now();
                check!(
                    s.pass(&council, id, Some(&old)).is_ok(),
                    "model: a rotation approved by the other four executes"
                );
                unseated.push((old, s.f.now() - proposed_at));
                council[seat as usize] = new;
                rotations += 1;
            }
            Command::Skim { amount } => {
                s.f.xlm.admin.mint(&i.address, &amount);
                expected_fund += amount;
            }
            Command::Expire { proposal } => {
                let Some(&id) = proposals.get(proposal as usize) else {
                    continue;
                };
                let p = i.proposal(&id);
                let (now, epoch) = (s.f.now(), i.epoch());
                let lapsed = match p.status {
                    ProposalStatus::Pending => now > p.created_at + APPROVAL_LIFETIME,
                    ProposalStatus::Queued if p.epoch != epoch => {
                        now > p.created_at + APPROVAL_LIFETIME
                    }
                    ProposalStatus::Queued => now > p.eta + EXECUTION_WINDOW,
                    // The view reports a lapsed proposal as `Expired` before anyone records it;
                    // recording succeeds once.
                    ProposalStatus::Expired => !recorded.contains(&id),
                    _ => false,
                };
                let r = i.try_expire(&id);
                if r.is_ok() {
                    recorded.push(id);
                }
                check_eq!(
                    r.is_ok(),
                    lapsed,
                    "model: expire succeeds exactly for a lapsed, open proposal"
                );
            }
            Command::AssetChange { member, insured } => {
                let asset = if insured {
                    s.f.env
                        .register_stellar_asset_contract_v2(Address::generate(&s.f.env))
                        .address()
                } else {
                    s.f.usdc.id.clone()
                };
                if !insured && !i.is_insured(&asset) {
                    continue;
                }
                if let Ok(Ok(id)) =
                    i.try_propose_asset_change(&who(&council, member as usize), &asset, &insured)
                {
                    check!((member as usize) < 5, "invariant 5: only a member proposes");
                    check!(
                        s.pass(&council, id, None).is_ok(),
                        "model: an asset change approved by all five executes"
                    );
                    check_eq!(
                        i.is_insured(&asset),
                        insured,
                        "the allowlist follows the executed change"
                    );
                }
            }
            Command::Invalid { kind } => {
                use tributary_insurance::InsuranceError as E;
                let env = &s.f.env;
                let (xlm, usdc) = (&s.f.xlm.id, &s.f.usdc.id);
                let fresh = || Address::generate(env);
                let uninsured = || {
                    env.register_stellar_asset_contract_v2(Address::generate(env))
                        .address()
                };
                let m0 = council[0].clone();
                fn err<T, C>(
                    r: Result<Result<T, C>, Result<E, soroban_sdk::InvokeError>>,
                ) -> Option<E> {
                    r.err().and_then(Result::ok)
                }
                let reason = s.reason();
                let (got, expected) = match kind {
                    0 => (
                        err(i.try_propose_bailout(&m0, xlm, &0, &s.victim, &reason)),
                        E::InvalidAmount,
                    ),
                    // Any asset may be paid, listed or not, but only what the fund holds of it.
                    1 => (
                        err(i.try_propose_bailout(&m0, &uninsured(), &1, &s.victim, &reason)),
                        E::InsufficientBalance,
                    ),
                    2 => (
                        err(i.try_propose_bailout(&m0, xlm, &1, &i.address, &reason)),
                        E::InvalidRecipient,
                    ),
                    3 => (
                        err(i.try_propose_council_change(&m0, &council[1], &council[2])),
                        E::AlreadyMember,
                    ),
                    4 => (
                        err(i.try_propose_asset_change(&m0, xlm, &true)),
                        E::AssetAlreadyInsured,
                    ),
                    5 => (
                        err(i.try_propose_asset_change(&m0, &uninsured(), &false)),
                        E::AssetNotInsured,
                    ),
                    6 => {
                        // The member a council change replaces may veto it (and it's closed).
                        let id = i.propose_council_change(&m0, &council[1], &fresh());
                        check!(
                            i.try_cancel(&council[1], &id).is_ok(),
                            "the replaced member vetoes its own replacement"
                        );
                        let r = i.try_approve(&council[0], &id, &s.f.proposal_hash(id));
                        (err(r), E::NotPending)
                    }
                    7 => {
                        let id = i.propose_council_change(&m0, &council[1], &fresh());
                        let r = i.try_approve(&council[1], &id, &s.f.proposal_hash(id));
                        (err(r), E::NotEligible)
                    }
                    8 => {
                        if expected_fund == 0 {
                            continue;
                        }
                        let first = i.propose_bailout(&m0, xlm, &expected_fund, &s.victim, &reason);
                        let second =
                            i.propose_bailout(&m0, xlm, &expected_fund, &s.victim, &reason);
                        s.f.approve_by(second, &council);
                        check!(
                            s.pass(&council, first, None).is_ok(),
                            "model: a valid bailout"
                        );
                        paid += expected_fund;
                        expected_fund = 0;
                        (err(i.try_execute(&second)), E::InsufficientBalance)
                    }
                    9 => {
                        let new = fresh();
                        let first = i.propose_council_change(&m0, &council[0], &new);
                        let second = i.propose_council_change(&council[2], &council[1], &new);
                        let proposed_at = s.f.now();
                        check!(
                            s.pass(&council, first, Some(&council[0].clone())).is_ok(),
                            "model: a valid rotation"
                        );
                        unseated.push((council[0].clone(), s.f.now() - proposed_at));
                        council[0] = new;
                        rotations += 1;
                        let old = council[1].clone();
                        (err(s.pass(&council, second, Some(&old))), E::AlreadyMember)
                    }
                    10 => {
                        let asset = uninsured();
                        let first = i.propose_asset_change(&m0, &asset, &true);
                        let second = i.propose_asset_change(&m0, &asset, &true);
                        s.f.approve_by(second, &council);
                        check!(
                            s.pass(&council, first, None).is_ok(),
                            "model: a valid listing"
                        );
                        (err(i.try_execute(&second)), E::AssetAlreadyInsured)
                    }
                    11 => {
                        if !i.is_insured(usdc) {
                            continue;
                        }
                        let first = i.propose_asset_change(&m0, usdc, &false);
                        let second = i.propose_asset_change(&m0, usdc, &false);
                        s.f.approve_by(second, &council);
                        check!(
                            s.pass(&council, first, None).is_ok(),
                            "model: a valid delisting"
                        );
                        (err(i.try_execute(&second)), E::AssetNotInsured)
                    }
                    13 => {
                        // Any member may veto a council change.
                        let id = i.propose_council_change(&m0, &council[1], &fresh());
                        check!(i.try_cancel(&council[2], &id).is_ok(), "model: a veto");
                        (err(i.try_cancel(&council[3], &id)), E::ProposalClosed)
                    }
                    14 => {
                        if expected_fund == 0 {
                            continue;
                        }
                        let id = i.propose_bailout(&m0, xlm, &1, &s.victim, &reason);
                        s.f.approve_by(id, &council);
                        s.f.jump(tributary_insurance::TIMELOCK + EXECUTION_WINDOW + 1);
                        (err(i.try_execute(&id)), E::ExecutionWindowClosed)
                    }
                    15..=17 => {
                        // Another deployment: a repeated member, four members, or a repeated
                        // asset. The constructor refuses it; this fund is untouched.
                        let mut members: std::vec::Vec<Address> = (0..5).map(|_| fresh()).collect();
                        let mut assets = vec![xlm.clone(), usdc.clone()];
                        let expected = match kind {
                            15 => {
                                members[4] = members[0].clone();
                                E::InvalidCouncil
                            }
                            16 => {
                                members.pop();
                                E::InvalidCouncil
                            }
                            _ => {
                                assets.push(xlm.clone());
                                E::DuplicateAsset
                            }
                        };
                        let got =
                            s.f.try_deploy_insurance(&members, &assets)
                                .err()
                                .and_then(|msg| {
                                    [E::InvalidCouncil, E::DuplicateAsset]
                                        .into_iter()
                                        .find(|c| {
                                            msg.contains(&format!(
                                                "Error(Contract, #{})",
                                                *c as u32
                                            ))
                                        })
                                });
                        (got, expected)
                    }
                    _ => {
                        // A dust donation can't block a removal, and what the fund holds of a
                        // delisted asset stays payable: delist a held asset, bail it out, list
                        // it again.
                        let asset = uninsured();
                        let listing = i.propose_asset_change(&m0, &asset, &true);
                        check!(s.pass(&council, listing, None).is_ok(), "model: a listing");
                        soroban_sdk::token::StellarAssetClient::new(env, &asset)
                            .mint(&i.address, &1);
                        let removal = i.propose_asset_change(&m0, &asset, &false);
                        check!(
                            s.pass(&council, removal, None).is_ok(),
                            "a removal executes although the fund holds the asset"
                        );
                        let payout = i.propose_bailout(&m0, &asset, &1, &s.victim, &reason);
                        check!(
                            s.pass(&council, payout, None).is_ok(),
                            "a delisted asset the fund holds stays payable"
                        );
                        (err(i.try_execute(&payout)), E::ProposalClosed)
                    }
                };
                check_eq!(got, Some(expected), "each invalid call has its own error");
            }
            Command::Jump { seconds } => s.f.jump(seconds),
        }
        if executes {
            check_fund(&s, expected_fund, paid)?;
        }
    }
    check_fund(&s, expected_fund, paid)
}

/// Invariant 5's balances and the council's shape: the fund holds exactly what the model
/// expects, the recipient got exactly the bailouts, five seats, XLM insured.
fn check_fund(s: &Setup, expected_fund: i128, paid: i128) -> Result<(), Violation> {
    let i = &s.f.insurance;
    check!(
        i.assets().contains(&s.f.xlm.id),
        "XLM stays insured while the fund holds it"
    );
    check_eq!(
        i.balance(&s.f.xlm.id),
        expected_fund,
        "invariant 5: nothing else leaves the fund"
    );
    check_eq!(
        s.f.xlm.token.balance(&s.victim),
        paid,
        "invariant 5: the recipient got exactly the bailouts"
    );
    check_eq!(i.council().len(), 5, "the council keeps five seats");
    Ok(())
}
