//! docs/PROTOCOL.md invariants 1–4 under random command sequences with time jumps: the command
//! model the `stream_commands` fuzz target runs (`tributary_models::stream`), here with a bounded
//! case count so every change exercises it.

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn random_sequences_keep_invariants(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let commands = tributary_models::commands::<tributary_models::stream::Command>(&bytes);
        tributary_models::stream::run(&commands).map_err(TestCaseError::fail)?;
    }
}
