//! `tributary_models::math::check` on random inputs; a violation panics (a crash).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tributary_models::math::{check, Input};

thread_local! {
    static ENV: soroban_sdk::Env = soroban_sdk::Env::default();
}

fuzz_target!(|input: Input| {
    ENV.with(|env| {
        if let Err(violation) = check(env, &input) {
            panic!("{violation}\ninput: {input:#?}");
        }
    });
});
