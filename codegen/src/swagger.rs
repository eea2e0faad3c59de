//! A small, tolerant serde model of the Swagger 2.0 subset the Engine API specs use.
//!
//! Tolerant where upstream is sloppy (integer response-code keys, `type: [array, string]`,
//! `$ref` with sibling keys, a property literally named `additionalProperties`), strict
//! where tolerance would hide a generator bug: constructs we cannot express (oneOf,
//! discriminator, formData, non-local `$ref`) are rejected later with their JSON pointer.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// A whole spec file, after YAML parsing.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    /// Must be `"2.0"`. Never read: serde requiring it is the check that the file is a
    /// Swagger document at all.
    #[expect(dead_code, reason = "required by serde, not read")]
    pub swagger: String,
    pub info: Info,
    #[serde(default)]
    pub base_path: Option<String>,
    #[serde(default)]
    pub consumes: Vec<String>,
    #[serde(default)]
    pub produces: Vec<String>,
    #[serde(default)]
    pub paths: IndexMap<String, PathItem>,
    #[serde(default)]
    pub definitions: IndexMap<String, Schema>,
    /// Anything that would change the meaning of the spec in ways we do not model.
    #[serde(default)]
    pub parameters: Option<Value>,
    #[serde(default)]
    pub responses: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Info {
    #[serde(default)]
    pub title: String,
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// The operations of one path, by HTTP method.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PathItem {
    pub get: Option<Operation>,
    pub put: Option<Operation>,
    pub post: Option<Operation>,
    pub delete: Option<Operation>,
    pub head: Option<Operation>,
    pub patch: Option<Operation>,
    pub options: Option<Operation>,
    #[serde(default)]
    pub parameters: Option<Value>,
}

impl PathItem {
    /// The operations in a fixed method order, so output never depends on YAML key order.
    pub fn operations(&self) -> impl Iterator<Item = (&'static str, &Operation)> {
        [
            ("get", &self.get),
            ("head", &self.head),
            ("post", &self.post),
            ("put", &self.put),
            ("patch", &self.patch),
            ("delete", &self.delete),
            ("options", &self.options),
        ]
        .into_iter()
        .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
    }

    pub fn operations_mut(&mut self) -> impl Iterator<Item = (&'static str, &mut Operation)> {
        [
            ("get", &mut self.get),
            ("head", &mut self.head),
            ("post", &mut self.post),
            ("put", &mut self.put),
            ("patch", &mut self.patch),
            ("delete", &mut self.delete),
            ("options", &mut self.options),
        ]
        .into_iter()
        .filter_map(|(m, op)| op.as_mut().map(|op| (m, op)))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    pub operation_id: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub consumes: Option<Vec<String>>,
    #[serde(default)]
    pub produces: Option<Vec<String>>,
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    #[serde(default)]
    pub responses: IndexMap<String, Response>,
    #[serde(default)]
    pub deprecated: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "in")]
    pub location: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub required: bool,
    /// Body parameters only.
    #[serde(default)]
    pub schema: Option<Schema>,
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub items: Option<Box<Schema>>,
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default, rename = "enum")]
    pub enumeration: Option<Vec<Value>>,
    #[serde(default)]
    pub collection_format: Option<String>,
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Response {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub schema: Option<Schema>,
    #[serde(default)]
    pub headers: IndexMap<String, Schema>,
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
}

/// `type:` is a string, or (upstream bug, moby/moby#35146) a list of strings.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaType {
    One(String),
    Many(Vec<String>),
}

/// `additionalProperties:` is a boolean or a schema.
#[derive(Debug, Clone)]
pub enum AdditionalProperties {
    Bool(bool),
    Schema(Box<Schema>),
}

// Hand-written instead of `#[serde(untagged)]`: an untagged enum buffers its input (so
// errors inside lose their path) and fails with "data did not match any variant of
// untagged enum", which tells a spec author nothing. These say what was expected.
impl<'de> Deserialize<'de> for SchemaType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = SchemaType;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a type name (`string`, `object`, ...) or a list of type names")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SchemaType, E> {
                Ok(SchemaType::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<SchemaType, A::Error> {
                Vec::<String>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(SchemaType::Many)
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for AdditionalProperties {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = AdditionalProperties;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`true`, `false` or a schema")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<AdditionalProperties, E> {
                Ok(AdditionalProperties::Bool(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<AdditionalProperties, A::Error> {
                Schema::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|s| AdditionalProperties::Schema(Box::new(s)))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// One schema node. Every field is optional: a `$ref` node may carry siblings
/// (`x-nullable`, `description`) that Swagger says to ignore but Docker relies on.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
    #[serde(default, rename = "type")]
    pub ty: Option<SchemaType>,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub properties: IndexMap<String, Schema>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub additional_properties: Option<AdditionalProperties>,
    #[serde(default)]
    pub items: Option<Box<Schema>>,
    #[serde(default)]
    pub all_of: Vec<Schema>,
    #[serde(default, rename = "enum")]
    pub enumeration: Option<Vec<Value>>,
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub example: Option<Value>,
    #[serde(default, rename = "x-nullable")]
    pub x_nullable: Option<bool>,
    #[serde(default, rename = "x-omitempty")]
    pub x_omitempty: Option<bool>,
    #[serde(default, rename = "x-go-type")]
    pub x_go_type: Option<Value>,
    #[serde(default)]
    pub read_only: Option<bool>,
    // Constructs the Engine API never uses. Kept so that their appearance is an error
    // naming the pointer, not a silently wrong type.
    #[serde(default)]
    pub one_of: Option<Value>,
    #[serde(default)]
    pub any_of: Option<Value>,
    #[serde(default)]
    pub not: Option<Value>,
    #[serde(default)]
    pub discriminator: Option<Value>,
}

impl Schema {
    /// The single `type:` value, if there is exactly one.
    pub fn single_type(&self) -> Option<&str> {
        match &self.ty {
            Some(SchemaType::One(t)) => Some(t),
            _ => None,
        }
    }
}

/// A loaded spec with the facts about its file that end up in provenance headers and errors.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    pub path: PathBuf,
    /// Lower-case hex sha256 of the file's bytes.
    pub sha256: String,
    pub spec: Spec,
}

/// Reads and parses one spec file.
pub fn load(path: &Path) -> Result<LoadedSpec> {
    let bytes = std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::MissingSpec {
                path: path.to_owned(),
                hint: "set --specs DIR or DOCKER_ENGINE_SPECS, or run `cargo xtask fetch-specs`"
                    .into(),
            }
        } else {
            Error::Io {
                path: path.to_owned(),
                source,
            }
        }
    })?;
    parse(&bytes, path)
}

/// Parses spec bytes; `path` names the file in errors and provenance.
pub fn parse(bytes: &[u8], path: &Path) -> Result<LoadedSpec> {
    use sha2::Digest;
    let sha256 = hex(&sha2::Sha256::digest(bytes));
    // Bounded before the YAML parser sees it: libyaml's work grows with the square of the
    // nesting depth, and its own recursion limit applies only after a whole document is read.
    crate::nesting::check(bytes).map_err(|message| Error::Yaml {
        file: path.to_owned(),
        message,
    })?;
    let yaml: serde_yaml::Value = serde_yaml::from_slice(bytes).map_err(|e| Error::Yaml {
        file: path.to_owned(),
        message: e.to_string(),
    })?;
    let json = yaml_to_json(yaml, path, &mut String::new())?;
    check_root(&json).map_err(|(pointer, rule)| Error::Spec {
        file: path.to_owned(),
        pointer,
        rule,
    })?;
    let spec: Spec = serde_path_to_error::deserialize(&json).map_err(|e| Error::Spec {
        file: path.to_owned(),
        pointer: pointer_of(e.path()),
        rule: e.inner().to_string(),
    })?;
    Ok(LoadedSpec {
        path: path.to_owned(),
        sha256,
        spec,
    })
}

/// What must be true of the document as a whole before its parts are read: a mapping that
/// says `swagger: "2.0"` and has an `info`. Anything else (an empty file, an OpenAPI 3
/// document) is told that only Swagger 2.0 is read.
fn check_root(json: &Value) -> Result<(), (String, String)> {
    const ONLY: &str = "only Swagger 2.0 specs (`swagger: \"2.0\"`) are read";
    let Value::Object(root) = json else {
        let found = match json {
            Value::Null => "an empty document".to_owned(),
            other => format!("{} at the top", json_kind(other)),
        };
        return Err((
            String::new(),
            format!("expected a Swagger 2.0 document, found {found}; {ONLY}"),
        ));
    };
    if let Some(v) = root.get("openapi") {
        return Err((
            "/openapi".into(),
            format!("an OpenAPI {} document: {ONLY}", v.as_str().unwrap_or("3")),
        ));
    }
    match root.get("swagger") {
        None => Err((
            String::new(),
            format!("no `swagger` version at the top; {ONLY}"),
        )),
        Some(Value::String(v)) if v == "2.0" => match root.get("info") {
            Some(Value::Object(_)) => Ok(()),
            Some(other) => Err((
                "/info".into(),
                format!(
                    "expected a mapping with `version: \"1.NN\"`, found {}",
                    json_kind(other)
                ),
            )),
            None => Err((
                String::new(),
                "missing `info` (with `version: \"1.NN\"`)".into(),
            )),
        },
        Some(other) => Err((
            "/swagger".into(),
            format!("expected \"2.0\", found {other}; {ONLY}"),
        )),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// The RFC 6901 pointer of a serde path, one reference token per segment (so a key such as
/// `os.version` or `/containers/{id}/json` stays one token, escaped).
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&escape_pointer(key)),
            Segment::Enum { variant } => out.push_str(&escape_pointer(variant)),
            Segment::Unknown => {
                // Nothing past here can be named: point at what can.
                out.pop();
                break;
            }
        }
    }
    out
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// YAML allows non-string keys (`200:` is an integer); JSON and our model want strings.
fn yaml_to_json(value: serde_yaml::Value, file: &Path, pointer: &mut String) -> Result<Value> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                out.push(yaml_to_json(item, file, pointer)?);
                pointer.truncate(len);
            }
            Value::Array(out)
        }
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(Error::Spec {
                            file: file.to_owned(),
                            pointer: pointer.clone(),
                            rule: format!("mapping keys must be scalars, found {other:?}"),
                        })
                    }
                };
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape_pointer(&key));
                let v = yaml_to_json(v, file, pointer)?;
                pointer.truncate(len);
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value, file, pointer)?,
    })
}

/// The definition a local `$ref` names (`#/definitions/a~1b` → `a/b`), or `None` for any
/// other reference.
pub fn ref_target(reference: &str) -> Option<String> {
    let token = reference.strip_prefix("#/definitions/")?;
    if token.is_empty() || token.contains('/') {
        return None;
    }
    Some(token.replace("~1", "/").replace("~0", "~"))
}

/// RFC 6901 escaping of one reference token.
pub fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_response_keys_and_multi_type_are_tolerated() {
        let yaml = br#"
swagger: "2.0"
info: {title: t, version: "1.99"}
paths:
  /x:
    get:
      operationId: X
      responses:
        200:
          description: ok
          schema:
            type: [array, string]
definitions: {}
"#;
        let spec = parse(yaml, Path::new("t.yaml")).unwrap().spec;
        let op = spec.paths["/x"].get.as_ref().unwrap();
        let schema = op.responses["200"].schema.as_ref().unwrap();
        assert_eq!(
            schema.ty,
            Some(SchemaType::Many(vec!["array".into(), "string".into()]))
        );
    }

    #[test]
    fn type_errors_name_the_pointer() {
        let yaml = br#"
swagger: "2.0"
info: {title: t, version: "1"}
paths: {}
definitions:
  A:
    required: "not-a-list"
"#;
        let err = parse(yaml, Path::new("bad.yaml")).unwrap_err().to_string();
        assert!(err.contains("bad.yaml"), "{err}");
        assert!(err.contains("/definitions/A/required"), "{err}");
    }

    #[test]
    fn malformed_yaml_names_the_file() {
        let err = parse(b"swagger: [", Path::new("broken.yaml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("broken.yaml: malformed YAML"), "{err}");
    }
}
