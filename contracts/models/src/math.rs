//! The stream contract's vesting math (`tributary_stream::vested_at`, the function the contract
//! runs) against a 256-bit reference: `0` before the cliff, `deposit` from `end`, else
//! `floor(deposit × (now − start) / (end − start))` computed exactly, for any deposit up to
//! `i128::MAX` and any times.

use arbitrary::Arbitrary;
use soroban_sdk::{testutils::Address as _, Address, Env};
use tributary_stream::{vested_at, Stream};

use crate::{check, check_eq, Violation};

/// Raw inputs, mapped to a valid schedule by [`check`].
#[derive(Arbitrary, Clone, Debug)]
pub struct Input {
    /// Deposit (made positive).
    pub deposit: i128,
    /// Start, Unix seconds.
    pub start: u64,
    /// Duration (at least 1).
    pub duration: u64,
    /// Cliff offset from start (at most the duration).
    pub cliff_after: u64,
    /// Time of the reading.
    pub now: u64,
}

/// `floor(a × b / c)` for `a < 2^127`, `b <= c`, `c > 0`, by schoolbook 64-bit limbs.
pub fn reference_mul_div(a: u128, b: u64, c: u64) -> u128 {
    // a × b as three 64-bit limbs, most significant first.
    let lo = (a as u64 as u128) * u128::from(b);
    let hi = (a >> 64) * u128::from(b) + (lo >> 64);
    let limbs = [(hi >> 64) as u64, hi as u64, lo as u64];
    let mut rem: u128 = 0;
    let mut q = [0u64; 3];
    for (i, limb) in limbs.iter().enumerate() {
        let cur = (rem << 64) | u128::from(*limb);
        q[i] = (cur / u128::from(c)) as u64;
        rem = cur % u128::from(c);
    }
    (u128::from(q[1]) << 64) | u128::from(q[2])
}

/// Checks one reading against the reference, its bounds, and monotonicity in time.
///
/// # Errors
/// The violated property.
pub fn check(env: &Env, input: &Input) -> Result<(), Violation> {
    // One Env serves many inputs: create no host objects per input (they would accumulate).
    thread_local! {
        static WHO: std::cell::RefCell<Option<Address>> = const { std::cell::RefCell::new(None) };
    }
    let who = WHO.with(|w| {
        w.borrow_mut()
            .get_or_insert_with(|| Address::generate(env))
            .clone()
    });
    let deposit = 1 + input.deposit.rem_euclid(i128::MAX);
    let duration = input.duration.max(1);
    let start = input.start.min(u64::MAX - duration);
    let end = start + duration;
    // u128: `duration + 1` overflows u64 at u64::MAX (the fuzzer's first find).
    let cliff = start + (u128::from(input.cliff_after) % (u128::from(duration) + 1)) as u64;
    let s = Stream {
        sender: who.clone(),
        recipient: who.clone(),
        token: who,
        deposit,
        start,
        cliff,
        end,
        withdrawn: 0,
        refunded: 0,
        cancelable: true,
        canceled: false,
        transferable: false,
    };
    let now = input.now;
    let expected = if now < cliff {
        0
    } else if now >= end {
        deposit
    } else {
        reference_mul_div(deposit as u128, now - start, end - start) as i128
    };
    let vested = vested_at(&s, now);
    check_eq!(
        vested,
        expected,
        "stream math: vested_at equals the 256-bit reference"
    );
    check!(
        (0..=deposit).contains(&vested),
        "invariant 4: 0 <= streamed <= deposit"
    );
    if now < u64::MAX {
        check!(
            vested_at(&s, now + 1) >= vested,
            "invariant 4: streamed never decreases"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_is_exact_at_the_extremes() {
        let max = i128::MAX as u128;
        assert_eq!(reference_mul_div(max, u64::MAX, u64::MAX), max);
        assert_eq!(reference_mul_div(max, 1, 2), max / 2);
        assert_eq!(
            reference_mul_div(max, u64::MAX - 1, u64::MAX),
            max - max / u128::from(u64::MAX) - 1
        );
        assert_eq!(reference_mul_div(10, 1, 3), 3);
    }

    /// Regression (fuzz/artifacts/stream_math, the first crash): a duration of `u64::MAX`
    /// overflowed the harness's cliff computation.
    #[test]
    fn regression_maximal_duration() {
        let env = Env::default();
        let input = Input {
            deposit: i128::MAX,
            start: 0,
            duration: u64::MAX,
            cliff_after: u64::MAX,
            now: u64::MAX - 1,
        };
        check(&env, &input).unwrap();
        let input = Input {
            deposit: 5,
            start: u64::MAX,
            duration: u64::MAX,
            cliff_after: 3,
            now: 2,
        };
        check(&env, &input).unwrap();
    }
}
