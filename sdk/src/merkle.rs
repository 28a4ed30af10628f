//! Claim campaign trees (docs/PROTOCOL.md, `contracts/claims`), built with the same rules the
//! contract verifies (`tributary_rules::merkle`):
//!
//! - leaf: `sha256(sha256(0x00 ‖ xdr(ScVal::Vec[index: u32, claimant: Claimant, amount: i128])))`;
//! - node: `sha256(0x01 ‖ min(a, b) ‖ max(a, b))`; an odd node at the end of a level moves up
//!   unchanged;
//! - proof: the sibling hashes from the leaf up, concatenated (32 bytes each).
//!
//! Campaigns come from CSV rows `index,claimant,amount` (a header row is optional): the index
//! is `0..n` with each value once, the claimant a `G…`/`C…` address or a claim key's ed25519
//! public key in hex (64 digits), the amount a positive integer in base units.

use std::io::Read;

use sha2::{Digest, Sha256 as Sha};
use stellar_xdr::{Limits, ScAddress, WriteXdr};
use tributary_rules::merkle::{self, Sha256};

use crate::{
    generated::claims::Claimant,
    scval::{vec_of, ToScVal},
};

struct NativeSha;

impl Sha256 for NativeSha {
    fn sha256(&self, chunks: &[&[u8]]) -> [u8; 32] {
        let mut h = Sha::new();
        for c in chunks {
            h.update(c);
        }
        h.finalize().into()
    }
}

/// One campaign entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Position in the campaign, `0..n`.
    pub index: u32,
    /// Who may claim it.
    pub claimant: Claimant,
    /// Amount, base units.
    pub amount: i128,
}

/// Why a campaign can't be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CampaignError {
    /// A row is malformed; `line` is 1-based in the file.
    #[error("line {line}: {message}")]
    Row {
        /// Line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// An index appears twice.
    #[error("index {index} appears on lines {first} and {second}")]
    DuplicateIndex {
        /// The index.
        index: u32,
        /// Its first line.
        first: u64,
        /// Its second line.
        second: u64,
    },
    /// The indices are not `0..n`.
    #[error("indices must be 0..{count} with each once; {missing} is missing")]
    MissingIndex {
        /// Number of entries.
        count: u32,
        /// The first missing index.
        missing: u32,
    },
    /// No entries.
    #[error("the campaign has no entries")]
    Empty,
    /// The sum of amounts overflows `i128`.
    #[error("the amounts' total overflows")]
    TotalOverflow,
}

/// XDR of `ScVal::Vec[index, claimant, amount]`, the leaf's preimage.
pub fn entry_xdr(index: u32, claimant: &Claimant, amount: i128) -> Vec<u8> {
    vec_of(vec![
        index.to_sc_val(),
        claimant.to_sc_val(),
        amount.to_sc_val(),
    ])
    .to_xdr(Limits::none())
    .unwrap_or_default()
}

/// The leaf hash of an entry.
pub fn leaf(index: u32, claimant: &Claimant, amount: i128) -> [u8; 32] {
    merkle::leaf(&NativeSha, &entry_xdr(index, claimant, amount))
}

/// Whether `proof` (concatenated 32-byte siblings) leads from the entry to `root`.
pub fn verify(
    root: &[u8; 32],
    index: u32,
    claimant: &Claimant,
    amount: i128,
    proof: &[u8],
) -> bool {
    proof.len().is_multiple_of(32)
        && merkle::root_from_concat(&NativeSha, leaf(index, claimant, amount), proof) == *root
}

/// A campaign's entries and every level of its tree.
#[derive(Clone, Debug)]
pub struct CampaignTree {
    entries: Vec<Entry>,
    levels: Vec<Vec<[u8; 32]>>,
}

impl CampaignTree {
    /// Builds the tree of `entries`, which must have indices `0..n` once each.
    ///
    /// # Errors
    /// [`CampaignError::Empty`], [`CampaignError::MissingIndex`],
    /// [`CampaignError::TotalOverflow`] (duplicates show as a missing index; [`Self::from_csv`]
    /// reports them by line).
    pub fn new(mut entries: Vec<Entry>) -> Result<Self, CampaignError> {
        if entries.is_empty() {
            return Err(CampaignError::Empty);
        }
        entries.sort_by_key(|e| e.index);
        if let Some((i, _)) = entries
            .iter()
            .enumerate()
            .find(|(i, e)| e.index as usize != *i)
        {
            return Err(CampaignError::MissingIndex {
                count: entries.len() as u32,
                missing: i as u32,
            });
        }
        entries
            .iter()
            .try_fold(0i128, |t, e| t.checked_add(e.amount))
            .ok_or(CampaignError::TotalOverflow)?;
        let leaves: Vec<[u8; 32]> = entries
            .iter()
            .map(|e| leaf(e.index, &e.claimant, e.amount))
            .collect();
        let mut levels = vec![leaves];
        while let Some(level) = levels.last().filter(|l| l.len() > 1) {
            let next = level
                .chunks(2)
                .map(|p| {
                    if let [a, b] = p {
                        merkle::node(&NativeSha, a, b)
                    } else {
                        p[0]
                    }
                })
                .collect();
            levels.push(next);
        }
        Ok(Self { entries, levels })
    }

    /// Parses CSV rows `index,claimant,amount` and builds the tree.
    ///
    /// # Errors
    /// [`CampaignError::Row`] with the line of a malformed row, [`CampaignError::DuplicateIndex`]
    /// with both lines, and the errors of [`CampaignTree::new`].
    pub fn from_csv(reader: impl Read) -> Result<Self, CampaignError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(reader);
        let mut entries = Vec::new();
        let mut seen: std::collections::HashMap<u32, u64> = std::collections::HashMap::new();
        for (n, record) in csv.records().enumerate() {
            let line = record
                .as_ref()
                .ok()
                .and_then(|r| r.position())
                .map_or(n as u64 + 1, |p| p.line());
            let record = record.map_err(|e| CampaignError::Row {
                line,
                message: e.to_string(),
            })?;
            if n == 0 && record.get(0) == Some("index") {
                continue;
            }
            let row = |message: String| CampaignError::Row { line, message };
            let [index, claimant, amount] = [0, 1, 2].map(|i| record.get(i).unwrap_or(""));
            if record.len() != 3 {
                return Err(row(format!(
                    "expected 3 fields (index,claimant,amount), found {}",
                    record.len()
                )));
            }
            let index: u32 = index
                .parse()
                .map_err(|_| row(format!("index {index:?} is not a u32")))?;
            let claimant = parse_claimant(claimant).map_err(row)?;
            let amount: i128 = amount
                .parse()
                .map_err(|_| row(format!("amount {amount:?} is not an integer")))?;
            if amount <= 0 {
                return Err(row(format!("amount {amount} must be positive")));
            }
            if let Some(first) = seen.insert(index, line) {
                return Err(CampaignError::DuplicateIndex {
                    index,
                    first,
                    second: line,
                });
            }
            entries.push(Entry {
                index,
                claimant,
                amount,
            });
        }
        Self::new(entries)
    }

    /// The Merkle root.
    pub fn root(&self) -> [u8; 32] {
        self.levels
            .last()
            .and_then(|l| l.first())
            .copied()
            .unwrap_or_default()
    }

    /// Entries by index.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Number of entries.
    pub fn count(&self) -> u32 {
        self.entries.len() as u32
    }

    /// Sum of the amounts, base units.
    pub fn total(&self) -> i128 {
        self.entries.iter().map(|e| e.amount).sum()
    }

    /// The proof of entry `index`: sibling hashes from its leaf up, concatenated; `None` past
    /// the last index.
    pub fn proof(&self, index: u32) -> Option<Vec<u8>> {
        if index >= self.count() {
            return None;
        }
        let mut proof = Vec::with_capacity(32 * self.levels.len());
        let mut i = index as usize;
        for level in &self.levels[..self.levels.len() - 1] {
            if let Some(sibling) = level.get(i ^ 1) {
                proof.extend_from_slice(sibling);
            }
            i /= 2;
        }
        Some(proof)
    }
}

/// A claimant: a `G…`/`C…` address, or a claim key's public key as 64 hex digits.
///
/// # Errors
/// A message naming the field when it is neither.
pub fn parse_claimant(s: &str) -> Result<Claimant, String> {
    if s.len() == 64 {
        let bytes =
            hex::decode(s).map_err(|_| format!("claimant {s:?} is not a hex public key"))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| format!("claimant {s:?} is not 32 bytes"))?;
        return Ok(Claimant::Key(key));
    }
    s.parse::<ScAddress>().map(Claimant::Address).map_err(|_| {
        format!("claimant {s:?} is neither a G…/C… address nor a hex ed25519 public key")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: &str = "GAAZI4TCR3TY5OJHCTJC2A4QSY6CJWJH5IAJTGKIN2ER7LBNVKOCCWN7";

    #[test]
    fn proofs_verify_for_every_entry_and_not_for_others() {
        let entries: Vec<Entry> = (0..7)
            .map(|i| Entry {
                index: i,
                claimant: Claimant::Key([i as u8; 32]),
                amount: 10 + i as i128,
            })
            .collect();
        let tree = CampaignTree::new(entries.clone()).unwrap();
        for e in &entries {
            let proof = tree.proof(e.index).unwrap();
            assert!(verify(&tree.root(), e.index, &e.claimant, e.amount, &proof));
            assert!(!verify(
                &tree.root(),
                e.index,
                &e.claimant,
                e.amount + 1,
                &proof
            ));
        }
        assert_eq!(tree.proof(7), None);
        assert_eq!(tree.total(), (10..17i128).sum::<i128>());
    }

    #[test]
    fn csv_errors_name_the_line() {
        let key = "ab".repeat(32);
        let ok = format!("index,claimant,amount\n0,{G},5\n1,{key},7\n");
        assert_eq!(CampaignTree::from_csv(ok.as_bytes()).unwrap().count(), 2);
        let cases = [
            (
                format!("0,{G},5\n1,nope,7\n"),
                "line 2: claimant \"nope\" is neither",
            ),
            (
                format!("0,{G},5\n0,{key},7\n"),
                "index 0 appears on lines 1 and 2",
            ),
            (
                format!("0,{G},5\n2,{key},7\n"),
                "indices must be 0..2 with each once; 1 is missing",
            ),
            (format!("0,{G}\n"), "line 1: expected 3 fields"),
            (format!("0,{G},-5\n"), "line 1: amount -5 must be positive"),
            (format!("x,{G},5\n"), "line 1: index \"x\" is not a u32"),
            (String::new(), "the campaign has no entries"),
        ];
        for (csv, expected) in cases {
            let e = CampaignTree::from_csv(csv.as_bytes())
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(expected), "{csv:?}: {e}");
        }
    }
}
