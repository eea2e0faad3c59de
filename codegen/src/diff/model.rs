//! The change records: what `cargo xtask diff` prints, as data.
//!
//! Every record names the Rust item it is about (`dockwright_v1_47::models::HostConfig::
//! cgroupns_mode`), so a user can grep their code for it. Added and changed items are named
//! in the newer crate, removed ones in the older. Serialized as-is by `--format json`.

use serde::Serialize;

/// Everything that differs between two API versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiDiff {
    pub from: Side,
    pub to: Side,
    pub operations: OperationChanges,
    pub types: TypeChanges,
}

impl ApiDiff {
    /// True when the two versions have the same operations, parameters, filter keys,
    /// media types and types (documentation is not compared).
    pub fn is_empty(&self) -> bool {
        self.operations.added.is_empty()
            && self.operations.removed.is_empty()
            && self.operations.changed.is_empty()
            && self.types.added.is_empty()
            && self.types.removed.is_empty()
            && self.types.changed.is_empty()
    }

    /// True when the schemas say the same: no operation or type added, removed or changed,
    /// except for the `filters` keys, which the specs document only in prose (a new key
    /// in a description is still a new method on the filter type).
    pub fn schema_unchanged(&self) -> bool {
        self.operations.added.is_empty()
            && self.operations.removed.is_empty()
            && self.types.added.is_empty()
            && self.types.removed.is_empty()
            && self.types.changed.is_empty()
            && self.operations.changed.iter().all(|o| {
                o.changes.iter().all(|c| {
                    matches!(
                        c,
                        OperationChange::FilterKeyAdded { .. } | OperationChange::FilterKeyRemoved { .. }
                    )
                })
            })
    }

    /// The changed operation at `method` + `path` (the newer version's path).
    pub fn operation(&self, method: &str, path: &str) -> Option<&OperationDiff> {
        self.operations
            .changed
            .iter()
            .find(|o| o.method == method && o.path == path)
    }

    /// The changed type named `name` in the newer version.
    pub fn changed_type(&self, name: &str) -> Option<&TypeDiff> {
        self.types.changed.iter().find(|t| t.name == name)
    }
}

/// One of the two versions compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// `1.47`.
    pub version: String,
    /// `dockwright_v1_47`.
    pub crate_name: String,
    /// `v1.47.yaml`.
    pub spec_file: String,
}

/// Operations, keyed by HTTP method and path template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OperationChanges {
    pub added: Vec<OperationSummary>,
    pub removed: Vec<OperationSummary>,
    /// Operations in both versions with at least one change (a rename is a change).
    pub changed: Vec<OperationDiff>,
}

/// An operation as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationSummary {
    pub method: String,
    pub path: String,
    pub operation_id: String,
    /// `dockwright_v1_55::client::Client::image_attestations`.
    pub item: String,
}

/// The changes of one operation present in both versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationDiff {
    pub method: String,
    /// The newer version's path template.
    pub path: String,
    /// The newer version's operationId.
    pub operation_id: String,
    /// The newer version's client method.
    pub item: String,
    pub changes: Vec<OperationChange>,
}

impl OperationDiff {
    pub fn added_parameter(&self, wire_name: &str) -> Option<&ParamInfo> {
        self.changes.iter().find_map(|c| match c {
            OperationChange::ParameterAdded { parameter } if parameter.wire_name == wire_name => {
                Some(parameter)
            }
            _ => None,
        })
    }

    pub fn removed_parameter(&self, wire_name: &str) -> Option<&ParamInfo> {
        self.changes.iter().find_map(|c| match c {
            OperationChange::ParameterRemoved { parameter } if parameter.wire_name == wire_name => {
                Some(parameter)
            }
            _ => None,
        })
    }

    /// Filter keys added (`true`) or removed (`false`), by key.
    pub fn filter_keys(&self, added: bool) -> Vec<&str> {
        self.changes
            .iter()
            .filter_map(|c| match c {
                OperationChange::FilterKeyAdded { key, .. } if added => Some(key.as_str()),
                OperationChange::FilterKeyRemoved { key, .. } if !added => Some(key.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Media types added to (`true`) or removed from (`false`) `produces`.
    pub fn media_types(&self, added: bool) -> Vec<&str> {
        self.changes
            .iter()
            .filter_map(|c| match c {
                OperationChange::MediaTypeAdded { media_type } if added => Some(media_type.as_str()),
                OperationChange::MediaTypeRemoved { media_type } if !added => {
                    Some(media_type.as_str())
                }
                _ => None,
            })
            .collect()
    }
}

/// One change of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum OperationChange {
    /// Same method and path, another operationId (and so another client method).
    Renamed {
        from_operation_id: String,
        to_operation_id: String,
        from_item: String,
        to_item: String,
    },
    /// Same method and path up to the names of its `{parameters}`.
    PathChanged { from: String, to: String },
    ParameterAdded { parameter: ParamInfo },
    ParameterRemoved { parameter: ParamInfo },
    /// Same name and location; another Rust type, requiredness or query encoding.
    ParameterChanged { from: ParamInfo, to: ParamInfo },
    BodyAdded { body: BodyInfo },
    BodyRemoved { body: BodyInfo },
    BodyChanged { from: BodyInfo, to: BodyInfo },
    ResponseChanged { from: String, to: String },
    /// The stream kind of `stream_kinds::TABLE` (`None`: a plain request/response).
    StreamKindChanged { from: Option<String>, to: Option<String> },
    /// A media type the operation `produces` (e.g. `application/vnd.docker.multiplexed-stream`).
    MediaTypeAdded { media_type: String },
    MediaTypeRemoved { media_type: String },
    /// A documented key of the `filters` parameter.
    FilterKeyAdded { key: String, item: String },
    FilterKeyRemoved { key: String, item: String },
    SuccessCodesChanged { from: Vec<u16>, to: Vec<u16> },
    DeprecatedChanged { from: bool, to: bool },
}

/// A parameter as the client takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamInfo {
    /// Name on the wire (`shared-size`).
    pub wire_name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    /// The Rust type the client takes (`bool`, `Vec<String>`, `filters::ImageListFilters`).
    pub rust_type: String,
    pub required: bool,
    /// `plain`, `json` or `repeated`.
    pub encoding: String,
    /// Where it is set: the client method (`dockwright_v1_42::client::Client::volume_update`)
    /// for a positional argument, else the request builder's setter
    /// (`dockwright_v1_42::client::ImageListRequest::shared_size`).
    pub item: String,
    /// `argument` (positional in the client method) or `setter` (builder method).
    pub passed_as: String,
    /// The argument's or setter's Rust name (`shared_size`).
    pub rust_name: String,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyInfo {
    pub media_type: String,
    /// `models::ContainerCreateBody`, or `dockwright_runtime::Body` for raw bytes.
    pub rust_type: String,
    pub required: bool,
}

/// Types, keyed by their Rust name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TypeChanges {
    pub added: Vec<TypeSummary>,
    pub removed: Vec<TypeSummary>,
    /// Types in both versions (or renamed) with at least one change.
    pub changed: Vec<TypeDiff>,
}

/// A type as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeSummary {
    /// Rust name (`ContainerStatsResponse`).
    pub name: String,
    /// `dockwright_v1_48::models::ContainerStatsResponse`.
    pub item: String,
    /// `struct (12 fields)`, `string enum (3 variants)`, `alias of HashMap<String, String>`.
    pub shape: String,
    /// `definition ContainerStatsResponse` or `inline /definitions/…` (a JSON pointer).
    pub origin: String,
}

/// The changes of one type present in both versions (or renamed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeDiff {
    /// The newer version's Rust name.
    pub name: String,
    /// The newer version's item.
    pub item: String,
    /// The older version's Rust name when the type was renamed.
    pub renamed_from: Option<String>,
    /// More than half of the old fields (or enum values) are gone *and* more than half of
    /// the new ones are new: the same name now means something else
    /// (`Config`: container config up to 1.29, swarm config from 1.30).
    pub changed_meaning: bool,
    pub changes: Vec<TypeChange>,
}

impl TypeDiff {
    pub fn added_fields(&self) -> Vec<&str> {
        self.changes
            .iter()
            .filter_map(|c| match c {
                TypeChange::FieldAdded { field } => Some(field.json_name.as_str()),
                _ => None,
            })
            .collect()
    }

    pub fn removed_fields(&self) -> Vec<&str> {
        self.changes
            .iter()
            .filter_map(|c| match c {
                TypeChange::FieldRemoved { field } => Some(field.json_name.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// One change of a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum TypeChange {
    /// Another Rust name for what is recognizably the same type.
    Renamed {
        from_name: String,
        from_item: String,
        to_item: String,
    },
    /// Where the type comes from (a definition, an inline schema).
    OriginChanged { from: String, to: String },
    /// Struct, enum or alias became another of these.
    ShapeChanged { from: String, to: String },
    FieldAdded { field: FieldInfo },
    FieldRemoved { field: FieldInfo },
    /// Same JSON key; another Rust type (including `Option`), spec requiredness or name.
    FieldChanged { from: FieldInfo, to: FieldInfo },
    VariantAdded { variant: VariantInfo },
    VariantRemoved { variant: VariantInfo },
    /// An alias now stands for another type.
    AliasChanged { from: String, to: String },
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldInfo {
    /// JSON key as the daemon spells it.
    pub json_name: String,
    pub rust_name: String,
    /// Full Rust type, `Option<…>` included (`Option<Vec<String>>`).
    pub rust_type: String,
    /// Listed in the spec's `required`.
    pub required: bool,
    /// `dockwright_v1_47::models::HostConfig::cgroupns_mode`.
    pub item: String,
}

/// An enum variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantInfo {
    /// The value on the wire: `"running"` (quoted) for string enums, `1` for integer enums.
    pub value: String,
    /// `dockwright_v1_42::models::MountType::Cluster`.
    pub item: String,
}
