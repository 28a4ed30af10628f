//! `insurance` contract commands from random bytes, against the contracts in the host; any
//! docs/PROTOCOL.md invariant violation panics (a crash).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tributary_models::insurance;

fuzz_target!(|data: &[u8]| {
    let commands = tributary_models::commands::<insurance::Command>(data);
    if let Err(violation) = insurance::run(&commands) {
        panic!("{violation}\ncommands: {commands:#?}");
    }
});
