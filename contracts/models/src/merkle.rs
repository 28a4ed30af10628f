//! The claims Merkle rules (`tributary_common::merkle`, the code the contract runs, over the
//! fixture's tree builder): every honest proof verifies, and no forged leaf or proof does
//! (invariant 7's proof half; the signature half is in [`crate::claims`]).

use arbitrary::Arbitrary;
use soroban_sdk::Env;
use tributary_common::merkle;
use tributary_fixture::claims_tree::{addr, entry_xdr, key, NativeSha256};

use crate::{check, check_eq, Violation};

/// How to tamper with an honest claim.
#[derive(Arbitrary, Clone, Debug)]
pub enum Forge {
    /// Claim a different amount (`delta != 0`).
    Amount(i64),
    /// Present the entry under another index.
    Index(u16),
    /// Flip one bit of the proof.
    Bit(u16),
    /// Drop the last sibling.
    Truncate,
    /// Append a sibling.
    Extend([u8; 32]),
    /// Swap in another entry's claimant.
    Claimant(u16),
}

/// A campaign of 1–64 entries, a target entry, and a forgery.
#[derive(Arbitrary, Clone, Debug)]
pub struct Input {
    /// Entry amounts (the count is `1 + len % 64`).
    pub amounts: Vec<u32>,
    /// Which entries are claim keys.
    pub keyed: u64,
    /// The claimed entry.
    pub target: u16,
    /// The tampering.
    pub forge: Forge,
}

/// Every level of the tree over `leaves`, an odd node moving up unchanged.
fn levels(leaves: &[[u8; 32]]) -> Vec<Vec<[u8; 32]>> {
    let mut levels = vec![leaves.to_vec()];
    while levels[levels.len() - 1].len() > 1 {
        let next = levels[levels.len() - 1]
            .chunks(2)
            .map(|p| {
                if let [a, b] = p {
                    merkle::node(&NativeSha256, a, b)
                } else {
                    p[0]
                }
            })
            .collect();
        levels.push(next);
    }
    levels
}

/// The concatenated sibling hashes of leaf `i`, bottom-up.
fn proof_of(levels: &[Vec<[u8; 32]>], mut i: usize) -> Vec<u8> {
    let mut proof = Vec::new();
    for level in &levels[..levels.len() - 1] {
        if let Some(s) = level.get(i ^ 1) {
            proof.extend_from_slice(s);
        }
        i /= 2;
    }
    proof
}

fn root_of(leaf: [u8; 32], proof: &[u8]) -> [u8; 32] {
    merkle::root_from_concat(&NativeSha256, leaf, proof)
}

/// Checks that the honest claim verifies and the forged one doesn't.
///
/// # Errors
/// The violated property.
pub fn check(_env: &Env, input: &Input) -> Result<(), Violation> {
    let n = 1 + input.amounts.len() % 64;
    let amounts: Vec<i128> = (0..n)
        .map(|i| 1 + i128::from(*input.amounts.get(i).unwrap_or(&7)))
        .collect();
    let who = |i: usize| {
        if input.keyed >> (i % 64) & 1 == 1 {
            key(i as u32)
        } else {
            addr(i as u32)
        }
    };
    let levels = levels(
        &(0..n)
            .map(|i| merkle::leaf(&NativeSha256, &entry_xdr(i as u32, &who(i), amounts[i])))
            .collect::<Vec<_>>(),
    );
    let root = levels[levels.len() - 1][0];
    let t = usize::from(input.target) % n;
    let proof = proof_of(&levels, t);
    let leaf = |i: usize, w: &tributary_fixture::claims_tree::Who, amount: i128| {
        merkle::leaf(&NativeSha256, &entry_xdr(i as u32, w, amount))
    };
    check_eq!(
        root_of(leaf(t, &who(t), amounts[t]), &proof),
        root,
        "invariant 7: an honest proof verifies"
    );
    let forged = match &input.forge {
        Forge::Amount(delta) => {
            let delta = if *delta == 0 { 1 } else { i128::from(*delta) };
            root_of(leaf(t, &who(t), amounts[t] + delta), &proof)
        }
        Forge::Index(i) => {
            let other = usize::from(*i) % n;
            if other == t {
                return Ok(());
            }
            root_of(leaf(other, &who(t), amounts[t]), &proof)
        }
        Forge::Bit(bit) => {
            if proof.is_empty() {
                return Ok(());
            }
            let mut p = proof.clone();
            let b = usize::from(*bit) % (p.len() * 8);
            p[b / 8] ^= 1 << (b % 8);
            root_of(leaf(t, &who(t), amounts[t]), &p)
        }
        Forge::Truncate => {
            if proof.is_empty() {
                return Ok(());
            }
            root_of(leaf(t, &who(t), amounts[t]), &proof[..proof.len() - 32])
        }
        Forge::Extend(extra) => {
            let mut p = proof.clone();
            p.extend_from_slice(extra);
            root_of(leaf(t, &who(t), amounts[t]), &p)
        }
        Forge::Claimant(i) => {
            let other = usize::from(*i) % n;
            let (a, b) = (who(other), who(t));
            if entry_xdr(0, &a, 0) == entry_xdr(0, &b, 0) {
                return Ok(());
            }
            root_of(leaf(t, &a, amounts[t]), &proof)
        }
    };
    check!(
        forged != root,
        "invariant 7: a forged claim verified ({:?})",
        input.forge
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tributary_fixture::claims_tree::Tree;

    /// This builder agrees with the fixture's, which the contract tests deploy.
    #[test]
    fn the_builder_matches_the_fixtures_tree() {
        let env = Env::default();
        for n in 1..=9u32 {
            let entries: Vec<_> = (0..n)
                .map(|i| (if i % 2 == 0 { addr(i) } else { key(i) }, i128::from(i) + 1))
                .collect();
            let leaves: Vec<[u8; 32]> = entries
                .iter()
                .enumerate()
                .map(|(i, (w, a))| merkle::leaf(&NativeSha256, &entry_xdr(i as u32, w, *a)))
                .collect();
            let lv = levels(&leaves);
            let tree = Tree::new(entries);
            assert_eq!(tree.root(&env).to_array(), lv[lv.len() - 1][0]);
            for i in 0..n as usize {
                let fixture_proof: Vec<u8> = tree.proof(&env, i as u32).iter().collect();
                assert_eq!(fixture_proof, proof_of(&lv, i));
            }
        }
    }
}
