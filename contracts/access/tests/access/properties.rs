//! docs/PROTOCOL.md invariants 1–3 and 6 under random command sequences with time jumps: the command
//! model the `access_commands` fuzz target runs (`tributary_models::access`), here with a bounded
//! case count so every change exercises it.

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn has_access_matches_the_model(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let commands = tributary_models::commands::<tributary_models::access::Command>(&bytes);
        tributary_models::access::run(&commands).map_err(TestCaseError::fail)?;
    }
}
