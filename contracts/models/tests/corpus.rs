//! Replays every committed fuzz input (`fuzz/corpus/<target>/`) of the four command targets
//! against the real WASM: the fuzzer runs the natively registered contracts for throughput
//! (`fuzz/Cargo.toml`, feature `native` on by default), and this test keeps the deployed
//! artifact under the same invariants. Inputs decode exactly as in `fuzz/fuzz_targets/`.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use tributary_models::{access, claims, commands, insurance, stream, Violation};

// The replay must run the WASM: a build with the `native` feature (feature unification from
// another crate) fails to compile here instead of passing without checking the artifact.
const _: () = assert!(
    !tributary_fixture::NATIVE,
    "the corpus replay needs the WASM build: no `native` feature"
);

/// The corpus files of `target`, sorted by name so a failure reproduces.
fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no corpus", dir.display());
    files
}

/// Runs `run` on every input of `target`; panics naming the first file that violates.
fn replay(target: &str, run: impl Fn(&[u8]) -> Result<(), Violation>) {
    for file in corpus(target) {
        let bytes = std::fs::read(&file).unwrap();
        if let Err(v) = run(&bytes) {
            panic!("{}: {v}", file.display());
        }
    }
}

#[test]
fn stream_corpus_keeps_the_invariants_on_the_wasm() {
    replay("stream_commands", |b| stream::run(&commands(b)));
}

#[test]
fn claims_corpus_keeps_the_invariants_on_the_wasm() {
    replay("claims_commands", |b| claims::run(&commands(b)));
}

#[test]
fn access_corpus_keeps_the_invariants_on_the_wasm() {
    replay("access_commands", |b| access::run(&commands(b)));
}

#[test]
fn insurance_corpus_keeps_the_invariants_on_the_wasm() {
    replay("insurance_commands", |b| insurance::run(&commands(b)));
}
