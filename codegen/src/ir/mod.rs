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
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The type a spec definition became, by definition name.
    pub fn definition(&self, name: &str) -> Option<&TypeDef> {
        self.types
            .iter()
            .find(|t| matches!(&t.origin, TypeOrigin::Definition(d) if d == name))
    }

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
    Definition(String),
    /// JSON pointer of the inline schema.
    Inline(String),
}

/// A named Rust type to emit.
#[derive(Debug, Clone)]
pub struct TypeDef {
    pub id: TypeId,
    /// Rust type name, unique within the crate.
    pub name: String,
    pub origin: TypeOrigin,
    pub docs: Option<String>,
    pub kind: TypeKind,
}

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

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// Key in JSON, exactly as the daemon spells it.
    pub json_name: String,
    /// Rust field name.
    pub rust_name: String,
    pub ty: TypeRef,
    /// Listed in `required` by the spec.
    pub required: bool,
    /// Becomes `Option<_>`: not required, or known to arrive as null.
    pub optional: bool,
    pub docs: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub value: String,
    pub rust_name: String,
}

#[derive(Debug, Clone)]
pub struct IntegerVariant {
    pub value: i64,
    pub rust_name: String,
    /// Meaning from the spec's description, where it gives one.
    pub docs: Option<String>,
}

/// The shape of a value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    Named(TypeId),
    String,
    Bool,
    Integer(IntWidth),
    Float,
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
    I32,
    I64,
    U8,
    U16,
    U32,
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
    pub summary: Option<String>,
    pub docs: Option<String>,
    pub tags: Vec<String>,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// What a successful response carries.
    pub response: ResponseKind,
    /// Set for the operations the stream-kind table names.
    pub stream: Option<StreamKind>,
    /// Media types the operation says it produces.
    pub produces: Vec<String>,
    /// Success status codes declared by the spec.
    pub success_codes: Vec<u16>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
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

#[derive(Debug, Clone)]
pub struct Param {
    /// Name on the wire.
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Option<String>,
    pub default: Option<serde_json::Value>,
    pub encoding: QueryEncoding,
    /// Set on `filters` parameters: the keys documented for this endpoint in this version.
    pub filter_keys: Option<Vec<FilterKey>>,
}

/// A documented key of a `filters` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterKey {
    pub key: String,
    /// The description's bullet for this key.
    pub docs: String,
    /// How its values are typed (`crate::filter_rules` sets it where the daemon is strict).
    pub value: crate::filter_keys::FilterValue,
}

#[derive(Debug, Clone)]
pub struct Body {
    /// The body parameter's name in the spec (for docs and diffs).
    pub name: String,
    pub media_type: String,
    pub ty: BodyType,
    pub required: bool,
    pub docs: Option<String>,
    /// The body sent when the caller gives none (the schema's `default`), e.g. `{}` for
    /// `ExecStart`, which a 20.10 daemon refuses to start without a body.
    pub default: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyType {
    Json(TypeRef),
    /// Raw bytes (tar archives, plain text).
    Bytes,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseKind {
    /// No body worth reading.
    Empty,
    Json(TypeRef),
    /// Plain text (`/_ping` answers `OK`).
    Text,
    /// Bytes the caller reads as a stream.
    Bytes,
}
