//! The Stellar RPC JSON-RPC methods, served by jsonrpsee.
//!
//! Method names, parameters, response fields, error codes and messages follow stellar-rpc 28
//! (`cmd/stellar-rpc/internal/methods`) and the Stellar RPC docs
//! (<https://developers.stellar.org/docs/data/apis/rpc/api-reference/methods>). Parameters are
//! named (a JSON object). `xdrFormat` may be `base64` or `json` ([`xdr_json`]).

mod events;
mod ledgers;
mod transactions;
pub mod xdr_json;

use std::{
    path::PathBuf,
    sync::{Mutex, MutexGuard},
};

use jsonrpsee::{
    types::{ErrorObject, ErrorObjectOwned, Params},
    RpcModule,
};
use serde::de::DeserializeOwned;

use crate::node::Node;

/// JSON-RPC 2.0 "Invalid Request".
pub const INVALID_REQUEST: i32 = -32600;
/// JSON-RPC 2.0 "Invalid params".
pub const INVALID_PARAMS: i32 = -32602;
/// JSON-RPC 2.0 "Internal error".
pub const INTERNAL_ERROR: i32 = -32603;

/// What the RPC methods, friendbot and the ledger clock share.
pub struct Shared {
    node: Mutex<Node>,
    /// Woken after every ledger close.
    pub closed: tokio::sync::Notify,
    /// The friendbot URL `getNetwork` advertises.
    pub friendbot_url: String,
    /// Where state is saved, if anywhere.
    pub state_file: Option<PathBuf>,
}

impl Shared {
    /// Shares `node`.
    pub fn new(node: Node, friendbot_url: String, state_file: Option<PathBuf>) -> Self {
        Self {
            node: Mutex::new(node),
            closed: tokio::sync::Notify::new(),
            friendbot_url,
            state_file,
        }
    }

    /// Locks the node. A panic while holding the lock doesn't leave the ledger half-written
    /// (writes are staged, then committed), so a poisoned lock is taken over.
    pub fn lock(&self) -> MutexGuard<'_, Node> {
        self.node.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// An `Invalid params` error with `message`.
pub fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObject::owned(INVALID_PARAMS, message.into(), None::<()>)
}

/// An `Invalid Request` error with `message` (stellar-rpc's code for out-of-range requests).
pub fn invalid_request(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObject::owned(INVALID_REQUEST, message.into(), None::<()>)
}

/// Named parameters; absent parameters mean the defaults.
/// Reads JSON `null` as the type's default: stellar-rpc treats a null list (`filters`,
/// `contractIds`, `topics`) as empty, and the Python SDK always sends `"topics": null`.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    Ok(<Option<T> as serde::Deserialize>::deserialize(d)?.unwrap_or_default())
}

fn parse<T: DeserializeOwned + Default>(params: &Params<'_>) -> Result<T, ErrorObjectOwned> {
    match params.as_str() {
        None => Ok(T::default()),
        Some(raw) if raw.trim_start().starts_with('[') => Err(ErrorObject::owned(
            INVALID_PARAMS,
            "invalid parameters",
            Some("positional parameters are not supported"),
        )),
        Some(raw) => serde_json::from_str(raw).map_err(|e| {
            ErrorObject::owned(INVALID_PARAMS, "invalid parameters", Some(e.to_string()))
        }),
    }
}

/// The `xdrFormat` asked for; any other value is `Invalid params`, as most methods answer it.
fn check_xdr_format(format: Option<&str>) -> Result<xdr_json::XdrFormat, ErrorObjectOwned> {
    xdr_json::parse_format(format).map_err(invalid_params)
}

/// RFC 3339 UTC time of a Unix timestamp, as `ledgerClosedAt` shows it.
pub fn rfc3339(unix_seconds: u64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix_seconds);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// Every method, on `shared`.
///
/// # Errors
/// A registration error if a method name were registered twice (a bug).
pub fn module(
    shared: std::sync::Arc<Shared>,
) -> Result<RpcModule<Shared>, jsonrpsee::core::RegisterMethodError> {
    let mut m = RpcModule::from_arc(shared);
    ledgers::register(&mut m)?;
    events::register(&mut m)?;
    transactions::register(&mut m)?;
    Ok(m)
}
