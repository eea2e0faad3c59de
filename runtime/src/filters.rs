//! Encoding of the Engine API `filters` query parameter.
//!
//! The daemon reads `filters` as a JSON-encoded `map[string][]string`. Generated crates
//! wrap [`Filters`] in one type per endpoint whose methods are that endpoint's documented
//! keys; [`Filters::custom`] stays available for keys a newer daemon accepts.

use std::collections::BTreeMap;

/// A set of filter keys with their values, in the daemon's `map[string][]string` shape.
///
/// A `BTreeMap` keeps the encoded query string deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters(BTreeMap<String, Vec<String>>);

impl Filters {
    /// An empty filter set (encodes as `{}`; callers usually omit the parameter then).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one value for `key`; repeated calls for the same key accumulate (OR semantics).
    pub fn custom(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.entry(key.into()).or_default().push(value.into());
        self
    }

    /// True when no key was set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values set so far, by key.
    pub fn as_map(&self) -> &BTreeMap<String, Vec<String>> {
        &self.0
    }

    /// The JSON text the daemon expects as the value of `filters=`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).expect("a map of strings always serializes")
    }
}

impl serde::Serialize for Filters {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}
