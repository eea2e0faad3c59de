//! The path of the value a failed decode stopped in (`[0].Ports[0].PublicPort`), found
//! after the failure from the text and the position serde_json reports.
//!
//! Why not track the path while decoding (serde_path_to_error)? That wraps the
//! deserializer, so every response type's `Deserialize` impl is compiled a second time for
//! the wrapped one: about a quarter of a generated crate's compile time, paid for an error
//! message. Here the typed decode runs once, on serde_json's plain deserializer, and only a
//! failure pays: the text is walked untyped (non-generic code, compiled once, in the
//! runtime) down to the innermost object or array element whose text holds the failing
//! position. Bodies that are not JSON at all (truncated, trailing bytes, not UTF-8) are
//! read untyped, keeping only the path, until the text breaks.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::value::RawValue;

/// One step of a path.
enum Segment {
    Key(String),
    Index(usize),
}

/// The path of the value whose text holds the position of `err` (which came from
/// decoding `text`); `.` for the whole body.
pub(crate) fn locate(text: &str, err: &serde_json::Error) -> String {
    match serde_json::from_str::<&RawValue>(text) {
        Ok(root) => {
            let mut path = Vec::new();
            if let Some(offset) = offset(text.as_bytes(), err) {
                descend(text, root, offset, &mut path);
            }
            render(&path)
        }
        // Not well-formed JSON: serde_json's own reading stops where the text breaks.
        Err(_) => untyped_failure(text.as_bytes())
            .map(|(path, _)| path)
            .unwrap_or_else(|| ".".to_owned()),
    }
}

/// Where reading `body` as untyped JSON fails, and why: `None` when it is well-formed.
///
/// The reading keeps nothing but the path to the value being read (memory in the depth
/// of the text, not its size), so the text is not held as a `serde_json::Value`.
pub(crate) fn untyped_failure(body: &[u8]) -> Option<(String, serde_json::Error)> {
    use serde::de::DeserializeSeed as _;
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut path = Vec::new();
    let read = Walk { path: &mut path }.deserialize(&mut de);
    match read.and_then(|()| de.end()) {
        Ok(()) => None,
        Err(e) => Some((render(&path), e)),
    }
}

/// Reads one JSON value, keeping in `path` the steps to the value being read: on an error
/// they stay, and name where the text broke.
struct Walk<'p> {
    path: &'p mut Vec<Segment>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Walk<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for index in 0.. {
            self.path.push(Segment::Index(index));
            let more = seq.next_element_seed(Walk { path: self.path })?;
            self.path.pop();
            if more.is_none() {
                break;
            }
        }
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            self.path.push(Segment::Key(key));
            map.next_value_seed(Walk { path: self.path })?;
            self.path.pop();
        }
        Ok(())
    }
}

/// The byte offset serde_json's position stands for in `body`: its column counts the
/// bytes read on the line, so the offset is just past the last byte read. `None` when the
/// error has no position.
pub(crate) fn offset(body: &[u8], err: &serde_json::Error) -> Option<usize> {
    if err.line() == 0 {
        return None;
    }
    let line_start: usize = body
        .split(|b| *b == b'\n')
        .take(err.line() - 1)
        .map(|l| l.len() + 1)
        .sum();
    Some((line_start + err.column()).min(body.len()))
}

/// Appends the steps from `value` down to the innermost child whose text holds `offset`,
/// its ends included: serde_json reports a wrong scalar just past it, a wrong kind of
/// value (an object for a string) at its first byte, and a missing field just past the
/// object's closing brace, which is past the end of every field's value.
fn descend(text: &str, value: &RawValue, offset: usize, path: &mut Vec<Segment>) {
    let raw = value.get();
    let child = match raw.as_bytes().first() {
        Some(b'{') => serde_json::from_str::<BTreeMap<String, &RawValue>>(raw)
            .ok()
            .and_then(|entries| {
                entries
                    .into_iter()
                    .find(|(_, v)| holds(text, v, offset))
                    .map(|(k, v)| (Segment::Key(k), v))
            }),
        Some(b'[') => serde_json::from_str::<Vec<&RawValue>>(raw)
            .ok()
            .and_then(|items| {
                items
                    .into_iter()
                    .enumerate()
                    .find(|(_, v)| holds(text, v, offset))
                    .map(|(i, v)| (Segment::Index(i), v))
            }),
        _ => None,
    };
    if let Some((segment, child)) = child {
        path.push(segment);
        descend(text, child, offset, path);
    }
}

/// Whether `offset` lies in `value`'s text, or just past it (`value` borrows from `text`).
fn holds(text: &str, value: &RawValue, offset: usize) -> bool {
    let start = value.get().as_ptr() as usize - text.as_ptr() as usize;
    (start..=start + value.get().len()).contains(&offset)
}

/// serde_path_to_error's spelling: `a.b[0].c`, `.` for the root.
fn render(path: &[Segment]) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) if out.is_empty() => out.push_str(key),
            Segment::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path `locate` gives for decoding `text` as `T`, which must fail.
    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let err = serde_json::from_str::<T>(text).unwrap_err();
        locate(text, &err)
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Port {
        #[serde(rename = "PublicPort")]
        public_port: Option<u16>,
        #[serde(rename = "Type")]
        kind: String,
    }

    #[test]
    fn the_same_paths_as_serde_path_to_error() {
        let cases = [
            r#"[{"PublicPort": "80", "Type": "tcp"}]"#,
            r#"[{"PublicPort": 80, "Type": "tcp"}, {"PublicPort": 70000, "Type": "tcp"}]"#,
            "[{\"PublicPort\": 1,\n \"Type\": 7}]",
            r#"[{"Type": "tcp"}, {"PublicPort": 2}]"#,
            r#"[{"Type": "tcp", "PublicPort": [1]}]"#,
            r#"{"a": 1}"#,
            r#"[{"Type": "tcp"}, 5]"#,
            r#"[{"Type": {"x": 1}}]"#,
            r#"[{"Type": "tcp", "PublicPort": {}}]"#,
            r#"[{"Type": "tcp", "PublicPort": null}, {"Type": "udp", "PublicPort": -1}]"#,
            "[\n  {\n    \"Type\": \"tcp\"\n  },\n  {\n    \"Type\": null\n  }\n]\n",
            "[\n  {\n    \"PublicPort\": 1\n  }\n]",
        ];
        for text in cases {
            let tracked = serde_path_to_error::deserialize::<_, Vec<Port>>(
                &mut serde_json::Deserializer::from_str(text),
            )
            .unwrap_err();
            assert_eq!(
                path_of::<Vec<Port>>(text),
                tracked.path().to_string(),
                "{text}"
            );
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Container {
        #[serde(rename = "Ports")]
        ports: Vec<Port>,
        #[serde(rename = "Id")]
        id: String,
    }

    #[test]
    fn nested_objects_the_same_paths_as_serde_path_to_error() {
        let cases = [
            r#"{"Ports": [{"Type": "tcp"}, {"PublicPort": 2}], "Id": "a"}"#,
            r#"{"Ports": [{"Type": "tcp"}, {"Type": "udp", "PublicPort": 2}]}"#,
            r#"{"Ports": [{"Type": "tcp"}], "Id": 7}"#,
            r#"{"Ports": {"Type": "tcp"}, "Id": "a"}"#,
            r#"{"Id": "a", "Ports": [{"Type": ["tcp"]}]}"#,
        ];
        for text in cases {
            let tracked = serde_path_to_error::deserialize::<_, Container>(
                &mut serde_json::Deserializer::from_str(text),
            )
            .unwrap_err();
            assert_eq!(
                path_of::<Container>(text),
                tracked.path().to_string(),
                "{text}"
            );
        }
    }

    #[test]
    fn keys_nest_with_dots_and_escapes_are_read() {
        let text = r#"{"Config": {"Labels": {"a\"b": 1}}}"#;
        type Nested = std::collections::HashMap<
            String,
            std::collections::HashMap<String, std::collections::HashMap<String, String>>,
        >;
        assert_eq!(path_of::<Nested>(text), "Config.Labels.a\"b");
    }

    #[test]
    fn text_that_is_not_json_is_located_by_the_untyped_reading() {
        assert_eq!(
            path_of::<Vec<Port>>(r#"[{"Type": "tcp"}, {"Type": tru}]"#),
            "[1].Type"
        );
        assert_eq!(path_of::<Vec<Port>>("[] x"), ".");
        assert_eq!(path_of::<Vec<Port>>(r#"[{"Type": "tc"#), "[0].Type");
    }
}
