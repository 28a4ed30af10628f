//! Overflow-free fixed-point math for amounts (`i128` base units) and durations (`u64` seconds).

/// Returns `floor(a * b / c)` exactly, without overflow, for `0 <= a`, `b <= c` and `c > 0`.
///
/// # Formula
/// Write `a = q * c + r` with `0 <= r < c`. Then `a * b / c = q * b + r * b / c`, and since
/// `q * b` is an integer, `floor(a * b / c) = q * b + floor(r * b / c)`. The 256-bit product
/// `a * b` is never formed: `q * b <= a` because `b <= c`, and `r * b < 2^64 * 2^64 = 2^128`
/// fits in `u128`. The result is at most `a`.
///
/// # Rounding
/// Always down (towards zero), so a recipient is never credited more than is owed.
///
/// # Assumptions
/// Callers guarantee the preconditions; a negative `a`, `b > c` or `c == 0` returns `0`
/// rather than a wrong positive value, so misuse can only under-pay.
pub fn mul_div_floor(a: i128, b: u64, c: u64) -> i128 {
    if a <= 0 || c == 0 || b > c {
        return 0;
    }
    let a = a as u128;
    let (b, c) = (u128::from(b), u128::from(c));
    let (q, r) = (a / c, a % c);
    // q * b <= a < 2^127 and r * b < 2^128: neither overflows.
    (q * b + r * b / c) as i128
}

#[cfg(test)]
mod test {
    extern crate std;
    use super::mul_div_floor;
    use proptest::prelude::*;

    /// 256-bit reference: `floor(a * b / c)` by schoolbook long multiplication and division.
    fn reference(a: u128, b: u64, c: u64) -> u128 {
        // a * b as (hi, lo) 64-bit limbs over three words.
        let a_lo = a as u64 as u128;
        let a_hi = a >> 64;
        let lo = a_lo * b as u128;
        let hi = a_hi * b as u128 + (lo >> 64);
        let words = [hi >> 64, hi & u64::MAX as u128, lo & u64::MAX as u128];
        let mut rem: u128 = 0;
        let mut q: u128 = 0;
        for w in words {
            let cur = (rem << 64) | w;
            q = (q << 64) | (cur / c as u128);
            rem = cur % c as u128;
        }
        q
    }

    #[test]
    fn exact_at_the_extremes() {
        let max = i128::MAX;
        assert_eq!(mul_div_floor(max, 1, 1), max);
        assert_eq!(mul_div_floor(max, u64::MAX, u64::MAX), max);
        assert_eq!(
            mul_div_floor(max, u64::MAX - 1, u64::MAX),
            reference(max as u128, u64::MAX - 1, u64::MAX) as i128
        );
        assert_eq!(mul_div_floor(max, 0, 7), 0);
        assert_eq!(mul_div_floor(10, 1, 3), 3);
        assert_eq!(mul_div_floor(-5, 1, 2), 0);
        assert_eq!(mul_div_floor(5, 3, 2), 0);
        assert_eq!(mul_div_floor(5, 0, 0), 0);
    }

    proptest! {
        #[test]
        fn matches_256_bit_reference(a in 0..=i128::MAX, c in 1..=u64::MAX, b_frac in 0..=u64::MAX) {
            let b = ((u128::from(b_frac) * u128::from(c)) / u128::from(u64::MAX)) as u64;
            let got = mul_div_floor(a, b, c);
            prop_assert_eq!(got as u128, reference(a as u128, b, c));
            prop_assert!(got <= a);
        }
    }
}
