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

    /// Sets `key` to this one value, replacing any before: for keys the daemon takes once
    /// (`until`, `dangling`, ...), where a second value is a 400 or silently wrong.
    pub fn set(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.insert(key.into(), vec![value.into()]);
        self
    }

    /// Sets `key` with no values (`{"inuse":[]}`): the presence flags of build-cache
    /// pruning, which never match a value and answer 400 to an empty string.
    /// Replaces any values set before.
    pub fn flag(mut self, key: impl Into<String>) -> Self {
        self.0.insert(key.into(), Vec::new());
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

#[cfg(test)]
mod tests {
    use super::Filters;

    #[test]
    fn custom_appends_set_replaces_flag_has_no_values() {
        let f = Filters::new()
            .custom("status", "exited")
            .custom("status", "created")
            .set("until", "1h")
            .set("until", "2h")
            .flag("inuse");
        assert_eq!(
            f.to_json(),
            r#"{"inuse":[],"status":["exited","created"],"until":["2h"]}"#
        );
        assert!(!Filters::new().flag("shared").is_empty());
        // A value after a flag makes it an ordinary key; a flag after values clears them.
        assert_eq!(
            Filters::new().flag("a").custom("a", "x").to_json(),
            r#"{"a":["x"]}"#
        );
        assert_eq!(
            Filters::new().custom("a", "x").flag("a").to_json(),
            r#"{"a":[]}"#
        );
    }
}
