//! docs/PROTOCOL.md invariants 5 under random command sequences with time jumps: the command
//! model the `insurance_commands` fuzz target runs (`tributary_models::insurance`), here with a bounded
//! case count so every change exercises it.

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn funds_leave_only_through_fully_approved_timelocked_bailouts(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let commands = tributary_models::commands::<tributary_models::insurance::Command>(&bytes);
        tributary_models::insurance::run(&commands).map_err(TestCaseError::fail)?;
    }
}

#[test]
fn every_invalid_kind_fails_with_its_own_error() {
    use tributary_models::insurance::{run, Command};
    // The constructor's refusals (15–17) first, then every call the state doesn't allow.
    let commands: Vec<Command> = (15..18)
        .chain(0..15)
        .map(|kind| Command::Invalid { kind })
        .collect();
    run(&commands).unwrap();
}
