//! `stream` contract commands from random bytes, against the contracts in the host; any
//! docs/PROTOCOL.md invariant violation panics (a crash).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tributary_models::stream;

fuzz_target!(|data: &[u8]| {
    let commands = tributary_models::commands::<stream::Command>(data);
    if let Err(violation) = stream::run(&commands) {
        panic!("{violation}\ncommands: {commands:#?}");
    }
});
