//! `xdrFormat`: `base64` (the default) or `json`. In JSON mode stellar-rpc replaces each
//! base64 XDR field `fooXdr` with `fooJson`, the value rendered by stellar-xdr's serde form (its
//! `xdr2json` library is `serde_json::to_string` of the decoded type, stellar-xdr 28.0.0), and
//! drops the base64 field; an empty list is left out. Inputs (envelopes, keys, topic filters)
//! stay base64. Field names per method: stellar-rpc `protocols/rpc/*.go`.

use jsonrpsee::types::{ErrorObject, ErrorObjectOwned};
use serde::Serialize;
use serde_json::Value;
use stellar_xdr::{Limits, ReadXdr};

use super::INTERNAL_ERROR;

/// How a response encodes XDR values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XdrFormat {
    /// Base64 XDR strings (`…Xdr` fields).
    Base64,
    /// stellar-xdr's JSON (`…Json` fields).
    Json,
}

/// Parses `xdrFormat`; absent or empty means base64.
///
/// # Errors
/// stellar-rpc's message for any other value: `got 'x': expected base64, json for optional
/// 'xdrFormat'` (each method wraps it in its own error code).
pub fn parse_format(format: Option<&str>) -> Result<XdrFormat, String> {
    match format {
        None | Some("" | "base64") => Ok(XdrFormat::Base64),
        Some("json") => Ok(XdrFormat::Json),
        Some(other) => Err(format!(
            "got '{other}': expected base64, json for optional 'xdrFormat'"
        )),
    }
}

/// Decodes a base64 value, or each value of a (nested) list, as `T`'s JSON.
fn to_json<T: ReadXdr + Serialize>(v: &Value) -> Result<Value, ErrorObjectOwned> {
    match v {
        Value::String(b64) => {
            let decoded = T::from_xdr_base64(b64, Limits::none()).map_err(|e| {
                ErrorObject::owned(
                    INTERNAL_ERROR,
                    format!("xdr_to_json() failed: couldn't read {b64}: {e}"),
                    None::<()>,
                )
            })?;
            serde_json::to_value(decoded)
                .map_err(|e| ErrorObject::owned(INTERNAL_ERROR, e.to_string(), None::<()>))
        }
        Value::Array(items) => items.iter().map(to_json::<T>).collect::<Result<_, _>>(),
        other => Ok(other.clone()),
    }
}

/// In `obj`, replaces the base64 field `from` by its JSON in `to` (left out when empty).
/// Absent fields are left alone.
///
/// # Errors
/// An internal error if the stored XDR doesn't decode (a bug: the node wrote it).
pub fn convert<T: ReadXdr + Serialize>(
    obj: &mut Value,
    from: &str,
    to: &str,
) -> Result<(), ErrorObjectOwned> {
    let Some(map) = obj.as_object_mut() else {
        return Ok(());
    };
    let Some(raw) = map.remove(from) else {
        return Ok(());
    };
    let json = to_json::<T>(&raw)?;
    if !json.as_array().is_some_and(Vec::is_empty) {
        map.insert(to.to_string(), json);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use stellar_xdr::{ScVal, WriteXdr};

    #[test]
    fn formats_parse_like_stellar_rpc() {
        assert_eq!(parse_format(None), Ok(XdrFormat::Base64));
        assert_eq!(parse_format(Some("")), Ok(XdrFormat::Base64));
        assert_eq!(parse_format(Some("json")), Ok(XdrFormat::Json));
        assert_eq!(
            parse_format(Some("yaml")),
            Err("got 'yaml': expected base64, json for optional 'xdrFormat'".into())
        );
    }

    #[test]
    fn a_field_becomes_its_json_and_empty_lists_are_left_out() {
        let b64 = ScVal::U32(7).to_xdr_base64(Limits::none()).unwrap();
        let mut v = json!({ "value": b64, "topic": [b64, b64], "none": [] });
        convert::<ScVal>(&mut v, "value", "valueJson").unwrap();
        convert::<ScVal>(&mut v, "topic", "topicJson").unwrap();
        convert::<ScVal>(&mut v, "none", "noneJson").unwrap();
        convert::<ScVal>(&mut v, "absent", "absentJson").unwrap();
        assert_eq!(
            v,
            json!({ "valueJson": { "u32": 7 }, "topicJson": [{ "u32": 7 }, { "u32": 7 }] })
        );
        let mut bad = json!({ "value": "not xdr" });
        assert_eq!(
            convert::<ScVal>(&mut bad, "value", "valueJson")
                .unwrap_err()
                .code(),
            INTERNAL_ERROR
        );
    }
}
