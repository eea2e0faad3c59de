//! The intermediate representation between the spec and the tokens.
//!
//! Everything the emitters and the API differ need, and nothing they must re-derive from
//! the spec: type entries with ids (assigned before conversion, so references resolve in
//! any order), operations with parameters by location, stream kinds and filter keys.
//! Every collection is ordered, which is what makes the output byte-identical across runs.

mod lower;
pub mod nullability;

pub use lower::{lower, path_parts, PathPart};

use crate::stream_kinds::StreamKind;
use crate::version::ApiVersion;

/// One API version, fully lowered.
#[derive(Debug, Clone)]
pub struct Api {
    /// The spec's `info.version`: the crate's name and every request's `/v1.NN` prefix.
    pub version: ApiVersion,
    /// Spec file name (`v1.41.yaml`), for provenance.
    pub spec_file: String,
    /// sha256 of the spec file, for provenance.
    pub spec_sha256: String,
    /// Names of the fix-ups applied to this spec, for provenance.
    pub fixups: Vec<&'static str>,
    /// All types, indexed by [`TypeId`].
    pub types: Vec<TypeDef>,
    /// All operations, in spec order.
    pub operations: Vec<Operation>,
}

impl Api {
    /// The entry a [`TypeRef::Named`] points to (ids are indices, so this cannot miss for
    /// an id of this `Api`).
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The type a spec definition became, by definition name.
    pub fn definition(&self, name: &str) -> Option<&TypeDef> {
        self.types
            .iter()
            .find(|t| matches!(&t.origin, TypeOrigin::Definition(d) if d == name))
    }

    /// An operation by its spec `operationId`, the name tables (streams, filter rules) use.
    pub fn operation(&self, operation_id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == operation_id)
    }
}

/// Index into [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Where a type came from: a named definition, or an inline schema we had to name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeOrigin {
    /// Name under `definitions` in the spec, which the diff matches across versions.
    Definition(String),
    /// JSON pointer of the inline schema.
    Inline(String),
}

/// A named Rust type to emit.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Its own index, so a `&TypeDef` can be turned back into a reference.
    pub id: TypeId,
    /// Rust type name, unique within the crate.
    pub name: String,
    /// Where in the spec it came from, for errors, docs and the diff.
    pub origin: TypeOrigin,
    /// The schema's description, raw (emitters sanitize it into rustdoc).
    pub docs: Option<String>,
    /// What Rust item it becomes.
    pub kind: TypeKind,
}

/// The Rust item a named type becomes.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A closed set of strings (plus a catch-all variant for values the spec does not list).
    StringEnum(Vec<EnumVariant>),
    /// A closed set of integers (`ChangeType`).
    IntegerEnum(Vec<IntegerVariant>),
    /// A named alias of another shape (`PortMap`, `Labels`, free-form objects...).
    Alias(TypeRef),
}

/// An object's fields: properties, `allOf` parts flattened into one list.
#[derive(Debug, Clone)]
pub struct Struct {
    /// In the order of the spec's properties, which is the order of the emitted fields.
    pub fields: Vec<Field>,
}

/// One property of an object.
#[derive(Debug, Clone)]
pub struct Field {
    /// Key in JSON, exactly as the daemon spells it.
    pub json_name: String,
    /// Rust field name.
    pub rust_name: String,
    /// The value's shape, before `optional` wraps it in `Option`.
    pub ty: TypeRef,
    /// Listed in `required` by the spec.
    pub required: bool,
    /// Becomes `Option<_>`: not required, or known to arrive as null.
    pub optional: bool,
    /// The property's description, raw.
    pub docs: Option<String>,
}

/// One value of a string enum.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// The string on the wire, kept exactly (serde renames to it).
    pub value: String,
    /// The variant's Rust name, made unique within the enum.
    pub rust_name: String,
}

/// One value of an integer enum.
#[derive(Debug, Clone)]
pub struct IntegerVariant {
    /// The number on the wire.
    pub value: i64,
    /// The variant's Rust name, from the description where it names the value.
    pub rust_name: String,
    /// Meaning from the spec's description, where it gives one.
    pub docs: Option<String>,
}

/// The shape of a value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A type of [`Api::types`] (a definition or a named inline schema).
    Named(TypeId),
    /// `type: string` without an enum (formats such as `date-time` stay strings).
    String,
    /// `type: boolean`.
    Bool,
    /// `type: integer`, as wide as its `format` says.
    Integer(IntWidth),
    /// `type: number`.
    Float,
    /// `type: array` of the item shape.
    Array(Box<TypeRef>),
    /// JSON object keyed by strings.
    Map(Box<TypeRef>),
    /// A value that may explicitly be null inside a collection (`PortMap` values).
    Nullable(Box<TypeRef>),
    /// The `enum: [{}]` map values of `Volumes` / `ExposedPorts`: an empty object.
    EmptyObject,
    /// A free-form value the spec does not describe.
    Json,
    /// A value held on the heap because its type contains itself (`Node.Next: $ref Node`):
    /// a struct field on a cycle of by-value fields, which would otherwise be infinitely large.
    Boxed(Box<TypeRef>),
}

/// Integer widths by `format`; no format means i64 (daemons overflow i32 in practice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntWidth {
    /// `format: int32`.
    I32,
    /// `format: int64`, `int`, or no format.
    I64,
    /// `format: uint8`.
    U8,
    /// `format: uint16`.
    U16,
    /// `format: uint32`.
    U32,
    /// `format: uint64` (sizes that overflow `i64` in Go's `uint64`).
    U64,
}

/// One HTTP operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// operationId (`ContainerList`).
    pub id: String,
    /// Rust method name (`container_list`).
    pub rust_name: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template without the version prefix (`/containers/{id}/json`).
    pub path: String,
    /// The spec's one-line summary, the first line of the method's docs.
    pub summary: Option<String>,
    /// The spec's description, raw.
    pub docs: Option<String>,
    /// The spec's tags (`Container`, `Image`…), which group methods in the docs.
    pub tags: Vec<String>,
    /// Path, query and header parameters, in spec order (the body is apart).
    pub params: Vec<Param>,
    /// The request body, when the spec has a body parameter.
    pub body: Option<Body>,
    /// What a successful response carries.
    pub response: ResponseKind,
    /// Set for the operations the stream-kind table names.
    pub stream: Option<StreamKind>,
    /// Media types the operation says it produces.
    pub produces: Vec<String>,
    /// Success status codes declared by the spec.
    pub success_codes: Vec<u16>,
    /// Marked `deprecated` by the spec: the method gets `#[deprecated]`.
    pub deprecated: bool,
}

/// Where a parameter travels, which decides how the request builder sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    /// Substituted into the path template, percent-encoded.
    Path,
    /// In the query string, as [`QueryEncoding`] says.
    Query,
    /// An HTTP header (`X-Registry-Auth`).
    Header,
}

/// How a query value goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryEncoding {
    /// `key=value`.
    Plain,
    /// `key=<JSON>` (filters, buildargs, labels, platform...).
    Json,
    /// `key=a&key=b`.
    Repeated,
}

/// One path, query or header parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name on the wire.
    pub wire_name: String,
    /// The builder method's name (snake case, keywords escaped).
    pub rust_name: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// The value's shape.
    pub ty: TypeRef,
    /// Required by the spec: an argument of the method rather than a builder setter.
    pub required: bool,
    /// The parameter's description, raw.
    pub docs: Option<String>,
    /// The spec's `default`, quoted in the docs (the daemon applies it, not the client).
    pub default: Option<serde_json::Value>,
    /// How a query value is written (meaningless for path and header parameters).
    pub encoding: QueryEncoding,
    /// Set on `filters` parameters: the keys documented for this endpoint in this version.
    pub filter_keys: Option<Vec<FilterKey>>,
}

/// A documented key of a `filters` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterKey {
    /// The key as the daemon reads it (`label`, `dangling`).
    pub key: String,
    /// The description's bullet for this key.
    pub docs: String,
    /// How its values are typed (`crate::filter_rules` sets it where the daemon is strict).
    pub value: crate::filter_keys::FilterValue,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// The body parameter's name in the spec (for docs and diffs).
    pub name: String,
    /// The `Content-Type` sent (the first of the operation's `consumes`).
    pub media_type: String,
    /// JSON of a type, or bytes.
    pub ty: BodyType,
    /// Required by the spec: an argument of the method rather than a setter.
    pub required: bool,
    /// The body parameter's description, raw.
    pub docs: Option<String>,
    /// The body sent when the caller gives none (the schema's `default`), e.g. `{}` for
    /// `ExecStart`, which a 20.10 daemon refuses to start without a body.
    pub default: Option<serde_json::Value>,
}

/// How a request body is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyType {
    /// A value serialized with serde_json.
    Json(TypeRef),
    /// Raw bytes (tar archives, plain text).
    Bytes,
}

/// What a successful answer's body is decoded into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseKind {
    /// No body worth reading.
    Empty,
    /// A value decoded with serde_json.
    Json(TypeRef),
    /// Plain text (`/_ping` answers `OK`).
    Text,
    /// Bytes the caller reads as a stream.
    Bytes,
}
