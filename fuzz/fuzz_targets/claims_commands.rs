//! `claims` contract commands from random bytes, against the contracts in the host; any
//! docs/PROTOCOL.md invariant violation panics (a crash).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tributary_models::claims;

fuzz_target!(|data: &[u8]| {
    let commands = tributary_models::commands::<claims::Command>(data);
    if let Err(violation) = claims::run(&commands) {
        panic!("{violation}\ncommands: {commands:#?}");
    }
});
