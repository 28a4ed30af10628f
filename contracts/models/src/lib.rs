//! Command models of the Tributary contracts. Each module has an `arbitrary` `Command` enum
//! (raw values, mapped into meaningful ranges when applied) and a `run` that applies a list of
//! commands from random callers with time jumps to the contracts in the host, through the
//! `try_` clients, and checks docs/PROTOCOL.md's invariants after every command. The same `run`
//! serves the property tests (`cargo test`) and the fuzz targets (`fuzz/`); a violation comes
//! back as `Err` naming the invariant, and the fuzz targets turn it into a crash.
#![allow(clippy::unwrap_used, clippy::panic)]

pub mod access;
pub mod claims;
pub mod insurance;
pub mod math;
pub mod merkle;
pub mod seeds;
pub mod stream;

/// An invariant violation: which one and how.
pub type Violation = String;

/// Fails the run with a message naming the invariant unless `cond` holds.
#[macro_export]
macro_rules! check {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!("{} ({}:{}): {}", format!($($msg)+), file!(), line!(), stringify!($cond)));
        }
    };
}

/// Fails the run unless `a == b`, showing both.
#[macro_export]
macro_rules! check_eq {
    ($a:expr, $b:expr, $($msg:tt)+) => {{
        let (a, b) = (&$a, &$b);
        if a != b {
            return Err(format!("{} ({}:{}): {:?} != {:?}", format!($($msg)+), file!(), line!(), a, b));
        }
    }};
}

/// Decodes a command list from raw bytes (what the fuzzer and the property tests generate).
pub fn commands<'a, C: arbitrary::Arbitrary<'a>>(data: &'a [u8]) -> Vec<C> {
    let mut u = arbitrary::Unstructured::new(data);
    let mut out = Vec::new();
    while !u.is_empty() && out.len() < 64 {
        match C::arbitrary(&mut u) {
            Ok(c) => out.push(c),
            Err(_) => break,
        }
    }
    out
}

/// `raw` mapped into `lo..=hi`.
pub fn within(raw: u64, lo: u64, hi: u64) -> u64 {
    lo + raw % (hi - lo + 1)
}
