//! Writes the command targets' seed inputs (`tributary_models::seeds`) to
//! `fuzz/corpus/<target>/seed-<name>`; the same bytes on every run.
//!
//! `cargo run -p tributary-models --example fuzz_seeds [CORPUS_DIR]` (default `fuzz/corpus`).

use std::{path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or("fuzz/corpus".into()));
    for target in [
        "stream_commands",
        "claims_commands",
        "access_commands",
        "insurance_commands",
    ] {
        let seeds = match tributary_models::seeds::seeds(target) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("fuzz_seeds: {e}");
                return ExitCode::FAILURE;
            }
        };
        for (name, bytes) in seeds {
            let path = dir.join(target).join(format!("seed-{name}"));
            if let Err(e) = std::fs::write(&path, bytes) {
                eprintln!("fuzz_seeds: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
        println!(
            "{target}: {} seeds",
            tributary_models::seeds::cases(target).len()
        );
    }
    ExitCode::SUCCESS
}
