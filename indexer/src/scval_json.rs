//! `ScVal` (stellar-xdr) as plain JSON, for event histories: 128-bit and larger integers as
//! decimal strings, bytes as hex, addresses as strkeys, maps with symbol keys as objects.

use serde_json::{json, Map, Value};
use stellar_xdr::ScVal;

/// `v` as JSON.
pub fn to_json(v: &ScVal) -> Value {
    match v {
        ScVal::Bool(b) => json!(b),
        ScVal::Void => Value::Null,
        ScVal::U32(n) => json!(n),
        ScVal::I32(n) => json!(n),
        ScVal::U64(n) => json!(n),
        ScVal::I64(n) => json!(n),
        ScVal::Timepoint(t) => json!(t.0),
        ScVal::Duration(d) => json!(d.0),
        ScVal::U128(p) => json!(((u128::from(p.hi) << 64) | u128::from(p.lo)).to_string()),
        ScVal::I128(p) => json!(((i128::from(p.hi) << 64) | i128::from(p.lo)).to_string()),
        ScVal::Bytes(b) => json!(hex::encode(b.as_slice())),
        ScVal::String(s) => json!(String::from_utf8_lossy(s.as_slice())),
        ScVal::Symbol(s) => json!(String::from_utf8_lossy(s.as_slice())),
        ScVal::Address(a) => json!(a.to_string()),
        ScVal::Vec(Some(items)) => Value::Array(items.iter().map(to_json).collect()),
        ScVal::Vec(None) => Value::Array(Vec::new()),
        ScVal::Map(Some(m)) => {
            let keyed: Option<Map<String, Value>> = m
                .iter()
                .map(|e| match &e.key {
                    ScVal::Symbol(s) => Some((
                        String::from_utf8_lossy(s.as_slice()).into_owned(),
                        to_json(&e.val),
                    )),
                    ScVal::String(s) => Some((
                        String::from_utf8_lossy(s.as_slice()).into_owned(),
                        to_json(&e.val),
                    )),
                    _ => None,
                })
                .collect();
            keyed.map(Value::Object).unwrap_or_else(|| {
                Value::Array(
                    m.iter()
                        .map(|e| json!([to_json(&e.key), to_json(&e.val)]))
                        .collect(),
                )
            })
        }
        other => json!(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stellar_xdr::{Int128Parts, ScMap, ScMapEntry, ScSymbol};

    #[test]
    fn amounts_are_exact_strings_and_maps_objects() {
        let i = |v: i128| {
            ScVal::I128(Int128Parts {
                hi: (v >> 64) as i64,
                lo: v as u64,
            })
        };
        assert_eq!(to_json(&i(-1)), json!("-1"));
        assert_eq!(to_json(&i(i128::MIN)), json!(i128::MIN.to_string()));
        assert_eq!(to_json(&i(i128::MAX)), json!(i128::MAX.to_string()));
        assert_eq!(to_json(&i(1 << 70)), json!((1i128 << 70).to_string()));
        let sym = |s: &str| ScVal::Symbol(ScSymbol(s.try_into().unwrap()));
        let m = ScVal::Map(Some(
            ScMap::sorted_from(vec![ScMapEntry {
                key: sym("amount"),
                val: i(5),
            }])
            .unwrap(),
        ));
        assert_eq!(to_json(&m), json!({ "amount": "5" }));
    }
}
