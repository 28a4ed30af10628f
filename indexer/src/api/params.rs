//! Query-string parsing: every parameter is checked, and a bad one is named in the 400.

use std::collections::HashMap;

use crate::query::{address, bad, PageRequest, QueryError};

/// The query string of one request, with the parameters the route accepts.
pub struct Params {
    map: HashMap<String, String>,
}

/// Page size when `limit` is absent.
pub const DEFAULT_LIMIT: usize = 50;
/// Largest `limit`.
pub const MAX_LIMIT: usize = 500;

impl Params {
    /// Checks that every parameter is one of `allowed`.
    ///
    /// # Errors
    /// [`QueryError::BadParam`] naming an unknown parameter.
    pub fn new(map: HashMap<String, String>, allowed: &[&str]) -> Result<Self, QueryError> {
        if let Some(k) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(bad(
                k,
                format!("unknown parameter; this route takes {}", allowed.join(", ")),
            ));
        }
        Ok(Self { map })
    }

    /// An optional strkey address.
    ///
    /// # Errors
    /// [`QueryError::BadParam`].
    pub fn address(&self, name: &str) -> Result<Option<String>, QueryError> {
        self.map.get(name).map(|v| address(name, v)).transpose()
    }

    /// An optional unsigned integer.
    ///
    /// # Errors
    /// [`QueryError::BadParam`].
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, QueryError> {
        self.map
            .get(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| bad(name, format!("{v:?} is not an unsigned integer in range")))
            })
            .transpose()
    }

    /// An optional string.
    pub fn string(&self, name: &str) -> Option<String> {
        self.map.get(name).cloned()
    }

    /// `limit` (1–500, default 50) and `cursor`.
    ///
    /// # Errors
    /// [`QueryError::BadParam`] for `limit` out of range.
    pub fn page(&self) -> Result<PageRequest, QueryError> {
        let limit = self.number::<usize>("limit")?.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(bad("limit", format!("{limit} is not within 1–{MAX_LIMIT}")));
        }
        let cursor = self.string("cursor");
        if cursor.as_deref() == Some("") {
            return Err(bad("cursor", "empty"));
        }
        Ok(PageRequest { limit, cursor })
    }

    /// `at` (Unix seconds) if given, else `default`.
    ///
    /// # Errors
    /// [`QueryError::BadParam`].
    pub fn at(&self, default: impl FnOnce() -> Result<u64, QueryError>) -> Result<u64, QueryError> {
        match self.number::<u64>("at")? {
            Some(t) => Ok(t),
            None => default(),
        }
    }
}

/// Parses a path id.
///
/// # Errors
/// [`QueryError::BadParam`] naming `name`.
pub fn path_id(name: &str, v: &str) -> Result<u64, QueryError> {
    v.parse()
        .map_err(|_| bad(name, format!("{v:?} is not an unsigned 64-bit id")))
}
