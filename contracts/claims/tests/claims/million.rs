//! A campaign of 1,000,000 recipients: the tree is built here, the campaign is created in one
//! transaction, and random entries of both claimant kinds are claimed with depth-20 proofs.

use tributary_fixture::UNIT;

use tributary_fixture::claims_tree::{addr, key, Tree};

use crate::common::Setup;

const RECIPIENTS: u32 = 1_000_000;

#[test]
fn million_recipient_campaign_pays_random_entries() {
    // Every 1,000th entry (offset 7) is a claim key; the rest are addresses.
    let entries = (0..RECIPIENTS)
        .map(|i| {
            (
                if i % 1_000 == 7 { key(i) } else { addr(i) },
                UNIT + i128::from(i),
            )
        })
        .collect();
    let s = Setup::with(Tree::new(entries));
    let id = s.campaign();
    let e = &s.f.env;
    let c = s.f.claims.get_campaign(&id);
    assert_eq!((c.count, c.total), (RECIPIENTS, s.tree.total()));
    assert_eq!(
        s.tree.proof(e, 0).len(),
        20 * 32,
        "depth 20: twenty 32-byte siblings"
    );
    // 127 is the sign bit of a bitmap word, 128 the first bit of the next word.
    for index in [
        0, 7, 31, 127, 128, 123_456, 500_007, 654_321, 999_007, 999_999,
    ] {
        // Entries at the end sit under nodes that moved up unpaired: their proofs are shorter.
        assert!(s.tree.proof(e, index).len() <= 20 * 32);
        let to = s.payee(index);
        let amount = UNIT + i128::from(index);
        assert_eq!(s.try_claim(id, index, &to), Ok(Ok(amount - amount / 100)));
        assert_eq!(s.f.xlm.token.balance(&to), amount - amount / 100);
        assert!(s.f.claims.is_claimed(&id, &index));
    }
    assert!(!s.f.claims.is_claimed(&id, &1));
    assert!(!s.f.claims.is_claimed(&id, &126) && !s.f.claims.is_claimed(&id, &129));
}
