//! Seed inputs for the command fuzz targets: for each case a command model can reach only
//! through one specific command (an invalid argument, an edge case), a short byte string
//! that decodes to it. Chance finds such a case only after many executions, if at all; the
//! seeds put every one in the corpus (`cargo run -p tributary-models --example
//! fuzz_seeds` writes them to `fuzz/corpus/<target>/seed-<name>`).
//!
//! A case is a list of patterns, one per leading command: the command's `Debug` form after
//! [`normalized`](crate::stream::Command::normalized) must contain every `&`-separated part.
//! The byte strings come from a deterministic search (SplitMix64 from a fixed state), so the
//! files are the same on every run.

use std::fmt::Debug;

use arbitrary::Arbitrary;

use crate::{access, claims, commands, insurance, stream};

/// Byte strings tried per case before giving up.
pub const TRIES: u32 = 2_000_000;

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn matches(debug: &str, pattern: &str) -> bool {
    pattern.split('&').all(|part| debug.contains(part))
}

/// The first byte string (of 5–64 bytes) whose decoded, normalized commands begin with
/// commands matching `case`, or `None` after `tries` byte strings.
pub fn find<C>(case: &[String], normalize: fn(C) -> C, tries: u32) -> Option<Vec<u8>>
where
    C: for<'a> Arbitrary<'a> + Debug,
{
    let mut rng = SplitMix(0x5eed);
    for _ in 0..tries {
        let len = 5 + (rng.next() % 60) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let decoded: Vec<C> = commands(&bytes);
        if decoded.len() < case.len() {
            continue;
        }
        let hit = decoded
            .into_iter()
            .zip(case)
            .all(|(c, pattern)| matches(&format!("{:?}", normalize(c)), pattern));
        if hit {
            return Some(bytes);
        }
    }
    None
}

/// `(name, case)` for each seed of the fuzz target `target` (`stream_commands`,
/// `claims_commands`, `access_commands`, `insurance_commands`); empty for another.
pub fn cases(target: &str) -> Vec<(String, Vec<String>)> {
    let one = |name: String, pattern: String| (name, vec![pattern]);
    let invalid = |kinds: u8| {
        (0..kinds)
            .map(move |k| one(format!("invalid-{k}"), format!("Invalid {{ kind: {k} }}")))
            .collect::<Vec<_>>()
    };
    let owned = |name: &str, case: &[&str]| {
        (
            name.to_string(),
            case.iter().map(|s| (*s).to_string()).collect(),
        )
    };
    match target {
        "stream_commands" => {
            let mut v: Vec<_> = invalid(14)
                .into_iter()
                .filter(|(n, _)| n != "invalid-9" && n != "invalid-13")
                .collect();
            v.push(owned(
                "invalid-9",
                &["Create {&transferable: true", "Invalid { kind: 9 }"],
            ));
            // IdTaken needs a stream to exist: a batch (always valid), then a salt it used.
            v.push(owned("invalid-13", &["Batch {", "Invalid { kind: 13 }"]));
            v.push(owned(
                "withdraw-max-to-other",
                &["Create {", "WithdrawMax { stream: 0, to_other: true }"],
            ));
            v.push(owned(
                "not-transferable",
                &["Create {&transferable: false", "Transfer { stream: 0 }"],
            ));
            v
        }
        "claims_commands" => {
            let mut v = invalid(16);
            v.push(owned(
                "claim-to-other",
                &["Claim { index: 0, forge: 0, to_other: true }"],
            ));
            v
        }
        "access_commands" => {
            let mut v = invalid(6);
            v.extend((0..4).map(|k| one(format!("edge-{k}"), format!("Edge {{ kind: {k} }}"))));
            v
        }
        "insurance_commands" => invalid(18),
        _ => Vec::new(),
    }
}

/// Every seed of `target` as `(name, bytes)`.
///
/// # Errors
/// The name of a case no search matched.
pub fn seeds(target: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    cases(target)
        .into_iter()
        .map(|(name, case)| {
            let found = match target {
                "stream_commands" => find(&case, stream::Command::normalized, TRIES),
                "claims_commands" => find(&case, claims::Command::normalized, TRIES),
                "access_commands" => find(&case, access::Command::normalized, TRIES),
                _ => find(&case, insurance::Command::normalized, TRIES),
            };
            found
                .map(|bytes| (name.clone(), bytes))
                .ok_or_else(|| format!("{target}: no seed found for {name} ({case:?})"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_has_a_seed_that_decodes_to_it() {
        for target in [
            "stream_commands",
            "claims_commands",
            "access_commands",
            "insurance_commands",
        ] {
            let seeds = seeds(target).unwrap();
            assert_eq!(seeds.len(), cases(target).len(), "{target}");
        }
        let case = vec!["Invalid { kind: 3 }".to_string()];
        let bytes = find(&case, claims::Command::normalized, TRIES).unwrap();
        let first = commands::<claims::Command>(&bytes).remove(0).normalized();
        assert_eq!(format!("{first:?}"), "Invalid { kind: 3 }");
    }

    #[test]
    fn an_impossible_case_has_no_seed() {
        let case = vec!["Invalid { kind: 99 }".to_string()];
        assert_eq!(find(&case, claims::Command::normalized, TRIES), None);
    }
}
