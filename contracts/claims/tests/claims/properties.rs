//! docs/PROTOCOL.md invariants 1, 2, 3 and 7 under random command sequences with time jumps: the command
//! model the `claims_commands` fuzz target runs (`tributary_models::claims`), here with a bounded
//! case count so every change exercises it.

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn random_sequences_keep_claims_invariants(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let commands = tributary_models::commands::<tributary_models::claims::Command>(&bytes);
        tributary_models::claims::run(&commands).map_err(TestCaseError::fail)?;
    }
}
