//! The claims campaigns' Merkle tree (docs/PROTOCOL.md, `contracts/claims`), shared by the contract
//! and off-chain tools so the two can never disagree.
//!
//! - Leaf: `sha256(sha256(0x00 ‖ xdr(index: u32, claimant: Claimant, amount: i128)))`, where
//!   the XDR is that of the `ScVal::Vec` of the three values. Hashing twice, with a prefix
//!   inner nodes never have, means a leaf can't be passed off as an inner node.
//! - Inner node: `sha256(0x01 ‖ min(a, b) ‖ max(a, b))`. Sorted pairs make a proof a plain
//!   list of sibling hashes, with no left/right flags.
//!
//! The module is pure: the caller supplies SHA-256 through [`Sha256`] (the host's in the
//! contract, a library's off-chain).

/// Prefix of a leaf's inner hash.
pub const LEAF_PREFIX: u8 = 0x00;
/// Prefix of an inner node's hash.
pub const NODE_PREFIX: u8 = 0x01;

/// SHA-256 over the concatenation of `chunks`.
pub trait Sha256 {
    /// `sha256(chunks[0] ‖ chunks[1] ‖ …)`.
    fn sha256(&self, chunks: &[&[u8]]) -> [u8; 32];
}

/// The leaf hash of an entry, from the XDR of `ScVal::Vec[index, claimant, amount]`.
pub fn leaf<H: Sha256 + ?Sized>(h: &H, entry_xdr: &[u8]) -> [u8; 32] {
    let inner = h.sha256(&[&[LEAF_PREFIX], entry_xdr]);
    h.sha256(&[&inner])
}

/// Writes the preimage of the parent of 32-byte nodes `a` and `b` into `pre`:
/// `0x01 ‖ min(a, b) ‖ max(a, b)`.
pub fn write_node_preimage(pre: &mut [u8; 65], a: &[u8], b: &[u8]) {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    pre[0] = NODE_PREFIX;
    pre[1..33].copy_from_slice(lo);
    pre[33..].copy_from_slice(hi);
}

/// The parent of two nodes: `sha256(0x01 ‖ min(a, b) ‖ max(a, b))`.
pub fn node<H: Sha256 + ?Sized>(h: &H, a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut pre = [0u8; 65];
    write_node_preimage(&mut pre, a, b);
    h.sha256(&[&pre])
}

/// The root reached from `leaf` through the sibling hashes of `proof`, bottom-up.
pub fn root<H: Sha256 + ?Sized>(
    h: &H,
    leaf: [u8; 32],
    proof: impl IntoIterator<Item = [u8; 32]>,
) -> [u8; 32] {
    proof
        .into_iter()
        .fold(leaf, |acc, sibling| node(h, &acc, &sibling))
}

/// The root reached from `leaf` through a proof given as concatenated 32-byte sibling hashes,
/// bottom-up. One preimage buffer serves every level, which keeps the work per level small in
/// a contract. The caller checks that `proof.len()` is a multiple of 32.
pub fn root_from_concat<H: Sha256 + ?Sized>(h: &H, leaf: [u8; 32], proof: &[u8]) -> [u8; 32] {
    let mut pre = [0u8; 65];
    let mut acc = leaf;
    for sibling in proof.chunks_exact(32) {
        write_node_preimage(&mut pre, &acc, sibling);
        acc = h.sha256(&[&pre]);
    }
    acc
}

#[cfg(test)]
mod test {
    extern crate std;
    use super::{leaf, node, root, root_from_concat, Sha256};

    /// A stand-in hash for testing the tree's shape: not cryptographic, only injective enough.
    struct Fnv;
    impl Sha256 for Fnv {
        fn sha256(&self, chunks: &[&[u8]]) -> [u8; 32] {
            let mut out = [0u8; 32];
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for (i, b) in chunks.iter().flat_map(|c| c.iter()).enumerate() {
                h = (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
                out[i % 32] ^= h as u8;
            }
            out[..8].copy_from_slice(&h.to_le_bytes());
            out
        }
    }

    #[test]
    fn node_is_order_independent_and_domain_separated() {
        let (a, b) = ([1u8; 32], [2u8; 32]);
        assert_eq!(node(&Fnv, &a, &b), node(&Fnv, &b, &a));
        assert_ne!(leaf(&Fnv, &[1, 2, 3]), Fnv.sha256(&[&[1, 2, 3]]));
        assert_ne!(node(&Fnv, &a, &b), Fnv.sha256(&[&a, &b]));
    }

    #[test]
    fn root_folds_proof_bottom_up() {
        let leaves: std::vec::Vec<[u8; 32]> = (0u8..4).map(|i| leaf(&Fnv, &[i])).collect();
        let l = node(&Fnv, &leaves[0], &leaves[1]);
        let r = node(&Fnv, &leaves[2], &leaves[3]);
        let top = node(&Fnv, &l, &r);
        assert_eq!(root(&Fnv, leaves[2], [leaves[3], l]), top);
        assert_ne!(root(&Fnv, leaves[2], [leaves[1], l]), top);
        assert_eq!(root(&Fnv, top, []), top);
        let concat = [leaves[3], l].concat();
        assert_eq!(root_from_concat(&Fnv, leaves[2], &concat), top);
        assert_eq!(root_from_concat(&Fnv, top, &[]), top);
    }
}
