//! The change records: what `cargo xtask diff` prints, as data.
//!
//! Every record names the Rust item it is about (`dockwright_v1_47::models::HostConfig::
//! cgroupns_mode`), so a user can grep their code for it. Added and changed items are named
//! in the newer crate, removed ones in the older. Serialized as-is by `--format json`.

use serde::Serialize;

/// Everything that differs between two API versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiDiff {
    /// The older version.
    pub from: Side,
    /// The newer version.
    pub to: Side,
    /// What happened to the operations.
    pub operations: OperationChanges,
    /// What happened to the types.
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
                        OperationChange::FilterKeyAdded { .. }
                            | OperationChange::FilterKeyRemoved { .. }
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
    /// Operations only the newer version has.
    pub added: Vec<OperationSummary>,
    /// Operations only the older version has.
    pub removed: Vec<OperationSummary>,
    /// Operations in both versions with at least one change (a rename is a change).
    pub changed: Vec<OperationDiff>,
}

/// An operation as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationSummary {
    /// HTTP method (`GET`).
    pub method: String,
    /// Path template (`/images/{name}/json`).
    pub path: String,
    /// The spec's operationId.
    pub operation_id: String,
    /// `dockwright_v1_55::client::Client::image_attestations`.
    pub item: String,
}

/// The changes of one operation present in both versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationDiff {
    /// HTTP method (`GET`).
    pub method: String,
    /// The newer version's path template.
    pub path: String,
    /// The newer version's operationId.
    pub operation_id: String,
    /// The newer version's client method.
    pub item: String,
    /// What changed, in a stable order.
    pub changes: Vec<OperationChange>,
}

impl OperationDiff {
    /// The parameter added under this wire name, if any.
    pub fn added_parameter(&self, wire_name: &str) -> Option<&ParamInfo> {
        self.changes.iter().find_map(|c| match c {
            OperationChange::ParameterAdded { parameter } if parameter.wire_name == wire_name => {
                Some(parameter)
            }
            _ => None,
        })
    }

    /// The parameter removed under this wire name, if any.
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
                OperationChange::MediaTypeAdded { media_type } if added => {
                    Some(media_type.as_str())
                }
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
        /// The older operationId.
        from_operation_id: String,
        /// The newer operationId.
        to_operation_id: String,
        /// The older client method.
        from_item: String,
        /// The newer client method.
        to_item: String,
    },
    /// Same method and path up to the names of its `{parameters}`.
    PathChanged {
        /// The older path template.
        from: String,
        /// The newer path template.
        to: String,
    },
    /// A parameter only the newer version has.
    ParameterAdded {
        /// The parameter.
        parameter: ParamInfo,
    },
    /// A parameter only the older version has.
    ParameterRemoved {
        /// The parameter.
        parameter: ParamInfo,
    },
    /// Same name and location; another Rust type, requiredness or query encoding.
    ParameterChanged {
        /// As the older version has it.
        from: ParamInfo,
        /// As the newer version has it.
        to: ParamInfo,
    },
    /// A request body only the newer version takes.
    BodyAdded {
        /// The body.
        body: BodyInfo,
    },
    /// A request body only the older version takes.
    BodyRemoved {
        /// The body.
        body: BodyInfo,
    },
    /// Another media type, Rust type or requiredness of the request body.
    BodyChanged {
        /// As the older version has it.
        from: BodyInfo,
        /// As the newer version has it.
        to: BodyInfo,
    },
    /// Another Rust type of the answer.
    ResponseChanged {
        /// The older answer type.
        from: String,
        /// The newer answer type.
        to: String,
    },
    /// The stream kind of `stream_kinds::TABLE` (`None`: a plain request/response).
    StreamKindChanged {
        /// The older kind.
        from: Option<String>,
        /// The newer kind.
        to: Option<String>,
    },
    /// A media type the operation `produces` (e.g. `application/vnd.docker.multiplexed-stream`).
    MediaTypeAdded {
        /// The media type.
        media_type: String,
    },
    /// A media type the operation no longer `produces`.
    MediaTypeRemoved {
        /// The media type.
        media_type: String,
    },
    /// A documented key of the `filters` parameter.
    FilterKeyAdded {
        /// The key (`label`).
        key: String,
        /// The filter type's method for it, in the newer crate.
        item: String,
    },
    /// A key the `filters` parameter no longer documents.
    FilterKeyRemoved {
        /// The key.
        key: String,
        /// The filter type's method for it, in the older crate.
        item: String,
    },
    /// Other HTTP statuses count as success.
    SuccessCodesChanged {
        /// The older success statuses.
        from: Vec<u16>,
        /// The newer success statuses.
        to: Vec<u16>,
    },
    /// The operation became deprecated, or stopped being so.
    DeprecatedChanged {
        /// Deprecated in the older version.
        from: bool,
        /// Deprecated in the newer version.
        to: bool,
    },
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
    /// A positional argument of the client method rather than a setter.
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
    /// The media type sent (`application/json`, `application/x-tar`).
    pub media_type: String,
    /// `models::ContainerCreateBody`, or `dockwright_runtime::Body` for raw bytes.
    pub rust_type: String,
    /// The spec requires a body.
    pub required: bool,
}

/// Types, keyed by their Rust name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TypeChanges {
    /// Types only the newer version has.
    pub added: Vec<TypeSummary>,
    /// Types only the older version has.
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
    /// What changed, in a stable order.
    pub changes: Vec<TypeChange>,
}

impl TypeDiff {
    /// The JSON names of the fields added.
    pub fn added_fields(&self) -> Vec<&str> {
        self.changes
            .iter()
            .filter_map(|c| match c {
                TypeChange::FieldAdded { field } => Some(field.json_name.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The JSON names of the fields removed.
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
        /// The older Rust name.
        from_name: String,
        /// The older item.
        from_item: String,
        /// The newer item.
        to_item: String,
    },
    /// Where the type comes from (a definition, an inline schema).
    OriginChanged {
        /// The older origin.
        from: String,
        /// The newer origin.
        to: String,
    },
    /// Struct, enum or alias became another of these.
    ShapeChanged {
        /// The older shape.
        from: String,
        /// The newer shape.
        to: String,
    },
    /// A field only the newer version has.
    FieldAdded {
        /// The field.
        field: FieldInfo,
    },
    /// A field only the older version has.
    FieldRemoved {
        /// The field.
        field: FieldInfo,
    },
    /// Same JSON key; another Rust type (including `Option`), spec requiredness or name.
    FieldChanged {
        /// As the older version has it.
        from: FieldInfo,
        /// As the newer version has it.
        to: FieldInfo,
    },
    /// An enum value only the newer version has.
    VariantAdded {
        /// The variant.
        variant: VariantInfo,
    },
    /// An enum value only the older version has.
    VariantRemoved {
        /// The variant.
        variant: VariantInfo,
    },
    /// An alias now stands for another type.
    AliasChanged {
        /// The older aliased type.
        from: String,
        /// The newer aliased type.
        to: String,
    },
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldInfo {
    /// JSON key as the daemon spells it.
    pub json_name: String,
    /// The Rust field name (`cgroupns_mode`).
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
