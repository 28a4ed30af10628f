//! An off-chain campaign builder for tests: entries, their leaf XDR, the Merkle tree and
//! proofs, using the shared rules of `tributary_common::merkle` with native SHA-256.

use ed25519_dalek::{Signer, SigningKey};
use sha2::Digest;
use soroban_sdk::{
    xdr::{Int128Parts, Limits, ScAddress, ScBytes, ScSymbol, ScVal, ScVec, WriteXdr},
    Address, BytesN, Env, TryFromVal, Vec,
};
use tributary_claims::{claim_message, Claimant};
use tributary_common::merkle::{self, Sha256};

pub struct NativeSha256;

impl Sha256 for NativeSha256 {
    fn sha256(&self, chunks: &[&[u8]]) -> [u8; 32] {
        let mut h = sha2::Sha256::new();
        for c in chunks {
            h.update(c);
        }
        h.finalize().into()
    }
}

/// Who an entry pays: an address, or a claim key (kept here to sign with).
#[derive(Clone)]
pub enum Who {
    Addr(ScAddress),
    Key(SigningKey),
}

impl Who {
    fn scval(&self) -> ScVal {
        let (tag, value) = match self {
            Who::Addr(a) => ("Address", ScVal::Address(a.clone())),
            Who::Key(k) => (
                "Key",
                ScVal::Bytes(ScBytes(
                    k.verifying_key().to_bytes().to_vec().try_into().unwrap(),
                )),
            ),
        };
        let tag = ScVal::Symbol(ScSymbol(tag.try_into().unwrap()));
        ScVal::Vec(Some(ScVec(std::vec![tag, value].try_into().unwrap())))
    }

    /// The entry's claimant as the contract sees it.
    pub fn claimant(&self, e: &Env) -> Claimant {
        match self {
            Who::Addr(a) => {
                Claimant::Address(Address::try_from_val(e, &ScVal::Address(a.clone())).unwrap())
            }
            Who::Key(k) => Claimant::Key(BytesN::from_array(e, &k.verifying_key().to_bytes())),
        }
    }

    /// The address an `Addr` entry pays.
    pub fn address(&self, e: &Env) -> Address {
        match self {
            Who::Addr(a) => Address::try_from_val(e, &ScVal::Address(a.clone())).unwrap(),
            Who::Key(_) => panic!("a claim-key entry has no address"),
        }
    }

    /// The claim key's signature over the claim message for paying `to`.
    pub fn sign(&self, e: &Env, claims: &Address, id: u64, index: u32, to: &Address) -> BytesN<64> {
        let Who::Key(k) = self else {
            panic!("only a claim key signs")
        };
        let msg = claim_message(e, claims, id, index, to).to_array();
        BytesN::from_array(e, &k.sign(&msg).to_bytes())
    }
}

/// A contract address derived from `seed`, for entries that need no real account.
pub fn addr(seed: u32) -> Who {
    let id: [u8; 32] = NativeSha256.sha256(&[b"addr", &seed.to_be_bytes()]);
    Who::Addr(ScAddress::Contract(soroban_sdk::xdr::ContractId(
        soroban_sdk::xdr::Hash(id),
    )))
}

/// A claim key derived from `seed`.
pub fn key(seed: u32) -> Who {
    Who::Key(SigningKey::from_bytes(
        &NativeSha256.sha256(&[b"key", &seed.to_be_bytes()]),
    ))
}

pub struct Tree {
    pub entries: std::vec::Vec<(Who, i128)>,
    levels: std::vec::Vec<std::vec::Vec<[u8; 32]>>,
}

/// XDR of `ScVal::Vec[index, claimant, amount]`, as the contract encodes the leaf.
pub fn entry_xdr(index: u32, who: &Who, amount: i128) -> std::vec::Vec<u8> {
    let amount = ScVal::I128(Int128Parts {
        hi: (amount >> 64) as i64,
        lo: amount as u64,
    });
    let v = std::vec![ScVal::U32(index), who.scval(), amount];
    ScVal::Vec(Some(ScVec(v.try_into().unwrap())))
        .to_xdr(Limits::none())
        .unwrap()
}

impl Tree {
    /// Builds the tree; an odd node at the end of a level moves up unchanged.
    pub fn new(entries: std::vec::Vec<(Who, i128)>) -> Self {
        let leaves: std::vec::Vec<[u8; 32]> = entries
            .iter()
            .enumerate()
            .map(|(i, (who, amount))| {
                merkle::leaf(&NativeSha256, &entry_xdr(i as u32, who, *amount))
            })
            .collect();
        let mut levels = std::vec![leaves];
        while levels.last().unwrap().len() > 1 {
            let next = levels
                .last()
                .unwrap()
                .chunks(2)
                .map(|p| {
                    if p.len() == 2 {
                        merkle::node(&NativeSha256, &p[0], &p[1])
                    } else {
                        p[0]
                    }
                })
                .collect();
            levels.push(next);
        }
        Tree { entries, levels }
    }

    pub fn root(&self, e: &Env) -> BytesN<32> {
        BytesN::from_array(e, &self.levels.last().unwrap()[0])
    }

    pub fn total(&self) -> i128 {
        self.entries.iter().map(|(_, a)| a).sum()
    }

    /// Sibling hashes from entry `index`'s leaf up to the root.
    pub fn proof(&self, e: &Env, index: u32) -> Vec<BytesN<32>> {
        let mut proof = Vec::new(e);
        let mut i = index as usize;
        for level in &self.levels[..self.levels.len() - 1] {
            let sibling = i ^ 1;
            if sibling < level.len() {
                proof.push_back(BytesN::from_array(e, &level[sibling]));
            }
            i /= 2;
        }
        proof
    }
}
