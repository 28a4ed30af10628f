//! Random claim, revoke, pause and time sequences keep PROTOCOL.md invariants 1, 2, 3 and 7:
//!
//! 1. The contract's balance equals the campaign's remaining escrow.
//! 2. Each entry is paid at most once, and only its listed amount.
//! 3. Insurance holds exactly the sum of `floor(amount * 1%)` over claimed entries.
//! 7. A claim succeeds only with an honest entry and proof and, for a claim key, a signature
//!    over that exact `to`.

use proptest::prelude::*;
use soroban_sdk::{testutils::Address as _, Address};
use tributary_fixture::UNIT;

use tributary_fixture::claims_tree::{addr, key, Tree, Who};

use crate::common::{Setup, WINDOW};

const ENTRIES: u32 = 9;

#[derive(Clone, Debug)]
enum Step {
    /// forge: 0 honest, 1 wrong amount, 2 another entry's proof, 3 signature for another `to`.
    Claim {
        index: u32,
        forge: u8,
    },
    Revoke {
        index: u32,
    },
    Pause,
    Resume,
    Jump {
        seconds: u64,
    },
    Clawback,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..ENTRIES, 0u8..4).prop_map(|(index, forge)| Step::Claim { index, forge }),
        1 => (0..ENTRIES).prop_map(|index| Step::Revoke { index }),
        1 => Just(Step::Pause),
        1 => Just(Step::Resume),
        1 => (0..WINDOW / 2).prop_map(|seconds| Step::Jump { seconds }),
        1 => Just(Step::Clawback),
    ]
}

fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
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
    for st in steps {
        match st {
            Step::Claim { index, forge } => {
                let (who, amount) = &s.tree.entries[index as usize];
                let to = s.payee(index);
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
                    prop_assert!(honest, "invariant 7: a forged claim was paid");
                    prop_assert!(!settled[index as usize], "invariant 2: paid twice");
                    prop_assert_eq!(net, amount - amount / 100);
                    settled[index as usize] = true;
                    remaining -= amount;
                    skims += amount / 100;
                    paid.push((to, net));
                }
            }
            Step::Revoke { index } => {
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
                    prop_assert!(!settled[index as usize]);
                    settled[index as usize] = true;
                    remaining -= amount;
                }
            }
            Step::Pause => {
                let _ = c.try_pause(&id);
            }
            Step::Resume => {
                let _ = c.try_resume(&id);
            }
            Step::Jump { seconds } => s.f.jump(seconds),
            Step::Clawback => {
                if let Ok(Ok(refund)) = c.try_clawback(&id) {
                    prop_assert_eq!(refund, remaining);
                    remaining = 0;
                }
            }
        }
        prop_assert_eq!(s.f.xlm.token.balance(&c.address), remaining);
        prop_assert_eq!(c.get_campaign(&id).remaining, remaining);
        prop_assert_eq!(s.f.insurance.balance(&s.f.xlm.id), skims);
        for (to, net) in &paid {
            prop_assert_eq!(s.f.xlm.token.balance(to), *net);
        }
        for i in 0..ENTRIES {
            prop_assert_eq!(c.is_claimed(&id, &i), settled[i as usize]);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]
    #[test]
    fn random_sequences_keep_claims_invariants(steps in proptest::collection::vec(step(), 1..25)) {
        run(steps)?;
    }
}
