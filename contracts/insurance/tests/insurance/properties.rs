//! Invariant 5 of PROTOCOL.md under random action sequences with time jumps: nothing leaves
//! the fund except an executed bailout that gathered 5 distinct approvals of the current
//! council in the current epoch, executed at `eta <= now <= eta + 14 days`.

use proptest::prelude::*;
use soroban_sdk::{testutils::Address as _, Address};
use tributary_fixture::UNIT;
use tributary_insurance::{Action, ProposalStatus, EXECUTION_WINDOW};

use crate::common::{Setup, DAY, FUND};

#[derive(Clone, Debug)]
enum Step {
    Propose {
        member: usize,
        amount: i128,
    },
    Approve {
        member: usize,
        proposal: usize,
        stale: bool,
    },
    ApproveAll {
        proposal: usize,
    },
    Execute {
        proposal: usize,
    },
    Cancel {
        member: usize,
        proposal: usize,
    },
    Rotate {
        seat: usize,
    },
    Skim {
        amount: i128,
    },
    Jump {
        seconds: u64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..6, 1i128..=2 * FUND).prop_map(|(member, amount)| Step::Propose { member, amount }),
        (0usize..6, 0usize..6, any::<bool>()).prop_map(|(member, proposal, stale)| Step::Approve {
            member,
            proposal,
            stale
        }),
        (0usize..6).prop_map(|proposal| Step::ApproveAll { proposal }),
        (0usize..6).prop_map(|proposal| Step::Execute { proposal }),
        (0usize..6, 0usize..6).prop_map(|(member, proposal)| Step::Cancel { member, proposal }),
        (0usize..5).prop_map(|seat| Step::Rotate { seat }),
        (1i128..=100 * UNIT).prop_map(|amount| Step::Skim { amount }),
        (0u64..20 * DAY).prop_map(|seconds| Step::Jump { seconds }),
    ]
}

fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let s = Setup::new();
    let i = &s.f.insurance;
    let outsider = Address::generate(&s.f.env);
    let mut council: Vec<Address> = s.f.council.clone();
    let mut proposals: Vec<u64> = Vec::new();
    let mut expected_fund = FUND;
    let mut paid = 0i128;
    let who = |council: &Vec<Address>, m: usize| {
        if m < 5 {
            council[m].clone()
        } else {
            outsider.clone()
        }
    };
    for st in steps {
        match st {
            Step::Propose { member, amount } => {
                if let Ok(Ok(id)) = i.try_propose_bailout(
                    &who(&council, member),
                    &s.f.xlm.id,
                    &amount,
                    &s.victim,
                    &s.reason(),
                ) {
                    prop_assert!(member < 5 && amount <= expected_fund);
                    proposals.push(id);
                }
            }
            Step::Approve {
                member,
                proposal,
                stale,
            } => {
                let Some(&id) = proposals.get(proposal) else {
                    continue;
                };
                let hash = if stale {
                    s.f.hash_for(id, &i.proposal(&id), i.epoch() + 1)
                } else {
                    s.f.proposal_hash(id)
                };
                let r = i.try_approve(&who(&council, member), &id, &hash);
                prop_assert!(r.is_err() || (member < 5 && !stale));
            }
            Step::ApproveAll { proposal } => {
                let Some(&id) = proposals.get(proposal) else {
                    continue;
                };
                let hash = s.f.proposal_hash(id);
                for m in &council {
                    let _ = i.try_approve(m, &id, &hash);
                }
            }
            Step::Execute { proposal } => {
                let Some(&id) = proposals.get(proposal) else {
                    continue;
                };
                let p = i.proposal(&id);
                let (now, epoch) = (s.f.now(), i.epoch());
                let Action::Bailout(b) = p.action.clone() else {
                    unreachable!()
                };
                if i.try_execute(&id).is_ok() {
                    // The only way out: check every precondition independently.
                    prop_assert_eq!(p.status, ProposalStatus::Queued);
                    prop_assert_eq!(p.epoch, epoch);
                    // Every one of the 5 current seats approved in this epoch.
                    prop_assert_eq!(p.approvals, 0b11111);
                    prop_assert!(p.eta <= now && now <= p.eta + EXECUTION_WINDOW);
                    expected_fund -= b.amount;
                    paid += b.amount;
                }
            }
            Step::Cancel { member, proposal } => {
                let Some(&id) = proposals.get(proposal) else {
                    continue;
                };
                if i.try_cancel(&who(&council, member), &id).is_ok() {
                    prop_assert!(member < 5);
                }
            }
            Step::Rotate { seat } => {
                let new = Address::generate(&s.f.env);
                let old = council[seat].clone();
                let proposer = council[(seat + 1) % 5].clone();
                let id = i.propose_council_change(&proposer, &old, &new);
                let others: Vec<Address> = council.iter().filter(|m| **m != old).cloned().collect();
                s.f.approve_by(id, &others);
                s.f.jump(tributary_insurance::TIMELOCK);
                i.execute(&id);
                council[seat] = new;
            }
            Step::Skim { amount } => {
                s.f.xlm.admin.mint(&i.address, &amount);
                expected_fund += amount;
            }
            Step::Jump { seconds } => s.f.jump(seconds),
        }
        prop_assert_eq!(i.balance(&s.f.xlm.id), expected_fund);
        prop_assert_eq!(s.f.xlm.token.balance(&s.victim), paid);
        prop_assert_eq!(i.council().len(), 5);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn funds_leave_only_through_fully_approved_timelocked_bailouts(steps in proptest::collection::vec(step(), 1..40)) {
        run(steps)?;
    }
}
