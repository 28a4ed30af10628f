//! Small `soroban_sdk::Vec` helpers that stay off the SDK's panicking iterator paths.
//!
//! `Vec::iter`, `Vec::first_index_of` and `Map::keys` unwrap conversion results with
//! `Result::unwrap`, which links `core::fmt` into the WASM (about 8 KB). These helpers use
//! `get_unchecked`, which the SDK compiles to a trap instead.

use soroban_sdk::{Address, Env, Vec};

/// Index of the first element equal to `item`, or `None`. O(n) host calls.
pub fn index_of(items: &Vec<Address>, item: &Address) -> Option<u32> {
    (0..items.len()).find(|&i| items.get_unchecked(i) == *item)
}

/// Whether `items` holds `item`. Unlike `Vec::contains`, it needs no extra host function.
pub fn contains(items: &Vec<Address>, item: &Address) -> bool {
    index_of(items, item).is_some()
}

/// Whether any address appears twice. O(n²) comparisons; meant for short lists.
pub fn has_duplicates(items: &Vec<Address>) -> bool {
    (0..items.len()).any(|i| index_of(items, &items.get_unchecked(i)) != Some(i))
}

/// `items` with the element at `index` replaced by `item` (`None`: removed), rebuilt with
/// `push_back` only, so the contract needs neither the `vec_put` nor the `vec_del` host
/// function. O(n); meant for short lists.
pub fn with_replaced(
    e: &Env,
    items: &Vec<Address>,
    index: u32,
    item: Option<&Address>,
) -> Vec<Address> {
    let mut out = Vec::new(e);
    for i in 0..items.len() {
        if i != index {
            out.push_back(items.get_unchecked(i));
        } else if let Some(item) = item {
            out.push_back(item.clone());
        }
    }
    out
}

#[cfg(test)]
mod test {
    use super::{has_duplicates, index_of, with_replaced};
    use soroban_sdk::{testutils::Address as _, vec, Address, Env};

    #[test]
    fn finds_first_index_and_duplicates() {
        let e = Env::default();
        let (a, b, c) = (
            Address::generate(&e),
            Address::generate(&e),
            Address::generate(&e),
        );
        let v = vec![&e, a.clone(), b.clone(), a.clone()];
        assert_eq!(index_of(&v, &a), Some(0));
        assert_eq!(index_of(&v, &b), Some(1));
        assert_eq!(index_of(&v, &c), None);
        assert!(has_duplicates(&v));
        assert!(!has_duplicates(&vec![&e, a.clone(), b.clone(), c.clone()]));
        assert_eq!(
            with_replaced(&e, &v, 1, Some(&c)),
            vec![&e, a.clone(), c.clone(), a.clone()]
        );
        assert_eq!(
            with_replaced(&e, &v, 0, None),
            vec![&e, b.clone(), a.clone()]
        );
        assert_eq!(with_replaced(&e, &v, 2, None), vec![&e, a, b]);
    }
}
