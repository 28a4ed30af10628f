//! Lossless conversions between Rust values and `ScVal`, the contracts' value type
//! (stellar-xdr 28; the encodings are soroban-sdk's `#[contracttype]` rules):
//!
//! | Rust | `ScVal` |
//! |---|---|
//! | `bool`, `u32`, `i32`, `u64`, `i64`, `u128`, `i128` | `Bool`, `U32`, `I32`, `U64`, `I64`, `U128`, `I128` |
//! | `()` | `Void` |
//! | `Vec<u8>` | `Bytes` |
//! | `[u8; N]` (`BytesN<N>`) | `Bytes` of exactly `N` bytes |
//! | `String` | `String` |
//! | [`Symbol`] | `Symbol` |
//! | `ScAddress` | `Address` |
//! | `Option<T>` | `Void` or `T` |
//! | `Vec<T>` | `Vec` |
//! | `ScVal` | itself |
//! | a struct | `Map` of field name (`Symbol`) to value, sorted by name |
//! | a union | `Vec[Symbol(case), values…]` |
//! | an enum | `U32` |

use stellar_xdr::{
    Int128Parts, ScAddress, ScBytes, ScMap, ScMapEntry, ScString, ScSymbol, ScVal, ScVec,
    UInt128Parts,
};

/// A value that doesn't have the shape its type needs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode {expected} at {path}: found {found}")]
pub struct DecodeError {
    /// What was expected, e.g. `u64` or `struct Stream`.
    pub expected: String,
    /// Where in the value, e.g. `Stream.deposit` (empty at the top).
    pub path: String,
    /// A short description of what was found.
    pub found: String,
}

impl DecodeError {
    /// `expected` where `found` was.
    pub fn new(expected: impl Into<String>, found: &ScVal) -> Self {
        Self {
            expected: expected.into(),
            path: String::new(),
            found: describe(found),
        }
    }

    /// The same error, one level deeper: `segment.path`.
    pub fn at(mut self, segment: &str) -> Self {
        self.path = if self.path.is_empty() {
            segment.to_string()
        } else {
            format!("{segment}.{}", self.path)
        };
        self
    }
}

/// A short name of the value's kind and size, for errors.
pub fn describe(v: &ScVal) -> String {
    match v {
        ScVal::Vec(Some(items)) => format!("Vec of {}", items.len()),
        ScVal::Map(Some(entries)) => format!("Map of {}", entries.len()),
        ScVal::Bytes(b) => format!("Bytes of {}", b.len()),
        other => other.name().to_string(),
    }
}

/// Conversion into `ScVal`.
pub trait ToScVal {
    /// The value as the contracts encode it.
    fn to_sc_val(&self) -> ScVal;
}

/// Conversion from `ScVal`.
pub trait FromScVal: Sized {
    /// The value, or [`DecodeError`] if `v` has another shape.
    ///
    /// # Errors
    /// [`DecodeError`] naming the expected type and what was found.
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError>;
}

/// A Soroban symbol (`[a-zA-Z0-9_]`, at most 32 characters).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Symbol(pub String);

macro_rules! scalar {
    ($t:ty, $variant:ident, $name:literal) => {
        impl ToScVal for $t {
            fn to_sc_val(&self) -> ScVal {
                ScVal::$variant(*self)
            }
        }
        impl FromScVal for $t {
            fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
                match v {
                    ScVal::$variant(x) => Ok(*x),
                    other => Err(DecodeError::new($name, other)),
                }
            }
        }
    };
}

scalar!(bool, Bool, "bool");
scalar!(u32, U32, "u32");
scalar!(i32, I32, "i32");
scalar!(u64, U64, "u64");
scalar!(i64, I64, "i64");

impl ToScVal for i128 {
    fn to_sc_val(&self) -> ScVal {
        ScVal::I128(Int128Parts {
            hi: (*self >> 64) as i64,
            lo: *self as u64,
        })
    }
}

impl FromScVal for i128 {
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
        match v {
            ScVal::I128(p) => Ok((i128::from(p.hi) << 64) | i128::from(p.lo)),
            other => Err(DecodeError::new("i128", other)),
        }
    }
}

impl ToScVal for u128 {
    fn to_sc_val(&self) -> ScVal {
        ScVal::U128(UInt128Parts {
            hi: (*self >> 64) as u64,
            lo: *self as u64,
        })
    }
}

impl FromScVal for u128 {
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
        match v {
            ScVal::U128(p) => Ok((u128::from(p.hi) << 64) | u128::from(p.lo)),
            other => Err(DecodeError::new("u128", other)),
        }
    }
}

impl ToScVal for () {
    fn to_sc_val(&self) -> ScVal {
        ScVal::Void
    }
}

impl FromScVal for () {
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
        match v {
            ScVal::Void => Ok(()),
            other => Err(DecodeError::new("void", other)),
        }
    }
}

impl ToScVal for Vec<u8> {
    fn to_sc_val(&self) -> ScVal {
        ScVal::Bytes(ScBytes(self.clone().try_into().unwrap_or_default()))
    }
}

impl FromScVal for Vec<u8> {
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
        match v {
            ScVal::Bytes(b) => Ok(b.to_vec()),
            other => Err(DecodeError::new("Bytes", other)),
        }
    }
}

impl<const N: usize> ToScVal for [u8; N] {
    fn to_sc_val(&self) -> ScVal {
        ScVal::Bytes(ScBytes(self.to_vec().try_into().unwrap_or_default()))
    }
}

impl<const N: usize> FromScVal for [u8; N] {
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
        match v {
            ScVal::Bytes(b) => b
                .as_slice()
                .try_into()
                .map_err(|_| DecodeError::new(format!("BytesN<{N}>"), v)),
            other => Err(DecodeError::new(format!("BytesN<{N}>"), other)),
        }
    }
}

impl ToScVal for String {
    fn to_sc_val(&self) -> ScVal {
        ScVal::String(ScString(
            self.as_bytes().to_vec().try_into().unwrap_or_default(),
        ))
    }
}

impl FromScVal for String {
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
        match v {
            ScVal::String(s) => {
                String::from_utf8(s.to_vec()).map_err(|_| DecodeError::new("UTF-8 String", v))
            }
            other => Err(DecodeError::new("String", other)),
        }
    }
}

impl ToScVal for Symbol {
    fn to_sc_val(&self) -> ScVal {
        symbol(&self.0)
    }
}

impl FromScVal for Symbol {
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
        match v {
            ScVal::Symbol(s) => Ok(Symbol(s.to_utf8_string_lossy())),
            other => Err(DecodeError::new("Symbol", other)),
        }
    }
}

impl ToScVal for ScAddress {
    fn to_sc_val(&self) -> ScVal {
        ScVal::Address(self.clone())
    }
}

impl FromScVal for ScAddress {
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
        match v {
            ScVal::Address(a) => Ok(a.clone()),
            other => Err(DecodeError::new("Address", other)),
        }
    }
}

impl ToScVal for ScVal {
    fn to_sc_val(&self) -> ScVal {
        self.clone()
    }
}

impl FromScVal for ScVal {
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
        Ok(v.clone())
    }
}

impl<T: ToScVal> ToScVal for Option<T> {
    fn to_sc_val(&self) -> ScVal {
        self.as_ref().map_or(ScVal::Void, ToScVal::to_sc_val)
    }
}

impl<T: FromScVal> FromScVal for Option<T> {
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
        match v {
            ScVal::Void => Ok(None),
            other => T::from_sc_val(other).map(Some),
        }
    }
}

impl<T: ToScVal> ToScVal for [T] {
    fn to_sc_val(&self) -> ScVal {
        vec_of(self.iter().map(ToScVal::to_sc_val).collect())
    }
}

impl<T: ToScVal> ToScVal for Vec<T> {
    fn to_sc_val(&self) -> ScVal {
        self.as_slice().to_sc_val()
    }
}

impl<T: FromScVal> FromScVal for Vec<T> {
    fn from_sc_val(v: &ScVal) -> Result<Self, DecodeError> {
        items(v, "Vec")?
            .iter()
            .enumerate()
            .map(|(i, x)| T::from_sc_val(x).map_err(|e| e.at(&i.to_string())))
            .collect()
    }
}

/// A `Symbol` value. Names longer than 32 characters or outside `[a-zA-Z0-9_]` don't occur in
/// the contracts' specs; such a name becomes an empty symbol.
pub fn symbol(name: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(name.try_into().unwrap_or_default()))
}

/// A `Vec` value.
pub fn vec_of(items: Vec<ScVal>) -> ScVal {
    ScVal::Vec(Some(ScVec(items.try_into().unwrap_or_default())))
}

/// The items of a `Vec` value; `what` names the expected type in the error.
///
/// # Errors
/// [`DecodeError`] if `v` is not a `Vec`.
pub fn items<'a>(v: &'a ScVal, what: &str) -> Result<&'a [ScVal], DecodeError> {
    match v {
        ScVal::Vec(Some(items)) => Ok(items.as_slice()),
        other => Err(DecodeError::new(what, other)),
    }
}

/// A struct value: a `Map` of `Symbol(name)` to value, sorted by name.
pub fn struct_of(mut fields: Vec<(&str, ScVal)>) -> ScVal {
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let entries: Vec<ScMapEntry> = fields
        .into_iter()
        .map(|(k, v)| ScMapEntry {
            key: symbol(k),
            val: v,
        })
        .collect();
    ScVal::Map(Some(ScMap(entries.try_into().unwrap_or_default())))
}

/// The values of a struct's fields `names` (in that order) from a `Map` value that has exactly
/// those keys; `what` names the struct in errors.
///
/// # Errors
/// [`DecodeError`] if `v` isn't a map with exactly these field names.
pub fn fields<'a>(v: &'a ScVal, what: &str, names: &[&str]) -> Result<Vec<&'a ScVal>, DecodeError> {
    let ScVal::Map(Some(entries)) = v else {
        return Err(DecodeError::new(what, v));
    };
    if entries.len() != names.len() {
        return Err(DecodeError::new(
            format!("{what} with {} fields", names.len()),
            v,
        ));
    }
    names
        .iter()
        .map(|name| {
            entries
                .iter()
                .find(|e| matches!(&e.key, ScVal::Symbol(s) if s.as_slice() == name.as_bytes()))
                .map(|e| &e.val)
                .ok_or_else(|| DecodeError::new(format!("{what} field {name}"), v))
        })
        .collect()
}

/// The case name and values of a union value `Vec[Symbol(case), values…]`.
///
/// # Errors
/// [`DecodeError`] if `v` isn't a `Vec` starting with a symbol.
pub fn union_case<'a>(v: &'a ScVal, what: &str) -> Result<(String, &'a [ScVal]), DecodeError> {
    match items(v, what)?.split_first() {
        Some((ScVal::Symbol(s), rest)) => Ok((s.to_utf8_string_lossy(), rest)),
        _ => Err(DecodeError::new(what, v)),
    }
}

/// `values` if there are exactly `n` of them; `what` names them in the error.
///
/// # Errors
/// [`DecodeError`] if there are more or fewer.
pub fn expect_len<'a>(
    values: &'a [ScVal],
    n: usize,
    what: &str,
) -> Result<&'a [ScVal], DecodeError> {
    if values.len() == n {
        Ok(values)
    } else {
        Err(DecodeError::new(
            format!("{n} {what}"),
            &vec_of(values.to_vec()),
        ))
    }
}

/// The topics after `prefix`, if `topics` starts with those symbols.
pub fn strip_prefix<'a>(topics: &'a [ScVal], prefix: &[&str]) -> Option<&'a [ScVal]> {
    if topics.len() < prefix.len() {
        return None;
    }
    let (head, rest) = topics.split_at(prefix.len());
    head.iter()
        .zip(prefix)
        .all(|(t, p)| matches!(t, ScVal::Symbol(s) if s.as_slice() == p.as_bytes()))
        .then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_bytes_round_trip_at_their_edges() {
        for x in [i128::MIN, -1, 0, 1, i128::MAX] {
            assert_eq!(i128::from_sc_val(&x.to_sc_val()), Ok(x));
        }
        for x in [0u128, u128::MAX] {
            assert_eq!(u128::from_sc_val(&x.to_sc_val()), Ok(x));
        }
        let key = [7u8; 32];
        assert_eq!(<[u8; 32]>::from_sc_val(&key.to_sc_val()), Ok(key));
        assert!(
            <[u8; 64]>::from_sc_val(&key.to_sc_val()).is_err(),
            "length is checked"
        );
        assert_eq!(Option::<u64>::from_sc_val(&ScVal::Void), Ok(None));
        assert_eq!(
            Vec::<u32>::from_sc_val(&vec![1u32, 2].to_sc_val()),
            Ok(vec![1, 2])
        );
    }

    #[test]
    fn decode_errors_name_the_path() {
        let v = struct_of(vec![("a", 1u32.to_sc_val())]);
        let e = fields(&v, "S", &["a", "b"]).unwrap_err();
        assert_eq!(e.expected, "S with 2 fields");
        let e = u64::from_sc_val(&1u32.to_sc_val())
            .unwrap_err()
            .at("amount")
            .at("S");
        assert_eq!(e.to_string(), "cannot decode u64 at S.amount: found U32");
    }
}
