//! The differ on two small hand-written specs.

use std::path::Path;

use super::model::*;
use super::*;
use crate::ir::Api;
use crate::pipeline;

fn api(yaml: &str) -> Api {
    pipeline::api_from_bytes(yaml.as_bytes(), Path::new("test.yaml")).expect("test spec lowers")
}

const OLD: &str = r##"
swagger: "2.0"
info: { title: "t", version: "1.98" }
basePath: "/v1.98"
paths:
  /things/{id}/archive:
    get:
      operationId: "ThingGetArchive"
      produces: ["application/x-tar"]
      parameters:
        - { name: "id", in: "path", required: true, type: "string" }
        - { name: "path", in: "query", required: true, type: "string" }
      responses:
        200: { description: "ok", schema: { type: "string", format: "binary" } }
  /things:
    get:
      operationId: "ThingList"
      produces: ["application/json"]
      parameters:
        - name: "filters"
          in: "query"
          type: "string"
          description: |
            Available filters:

            - `label=key`
            - `is-automated=(true|false)`
        - { name: "all", in: "query", type: "boolean" }
      responses:
        200:
          description: "ok"
          schema: { type: "array", items: { $ref: "#/definitions/Thing" } }
  /gone:
    delete:
      operationId: "GoneDelete"
      responses:
        204: { description: "ok" }
definitions:
  Thing:
    type: "object"
    properties:
      Id: { type: "string" }
      Size: { type: "integer", format: "int32" }
      NanoCpus: { type: "integer", format: "int64" }
      Driver: { $ref: "#/definitions/GraphDriver" }
      State: { type: "string", enum: ["created", "running"] }
  GraphDriver:
    type: "object"
    properties:
      Name: { type: "string" }
      Data: { type: "object", additionalProperties: { type: "string" } }
  Config:
    type: "object"
    properties:
      Hostname: { type: "string" }
      Domainname: { type: "string" }
      User: { type: "string" }
  Lonely:
    type: "object"
    properties:
      A: { type: "string" }
"##;

const NEW: &str = r##"
swagger: "2.0"
info: { title: "t", version: "1.99" }
basePath: "/v1.99"
paths:
  /things/{name}/archive:
    get:
      operationId: "ThingArchive"
      produces: ["application/x-tar", "application/vnd.docker.multiplexed-stream"]
      parameters:
        - { name: "name", in: "path", required: true, type: "string" }
        - { name: "path", in: "query", required: true, type: "string" }
      responses:
        200: { description: "ok", schema: { type: "string", format: "binary" } }
  /things:
    get:
      operationId: "ThingList"
      produces: ["application/json"]
      parameters:
        - name: "filters"
          in: "query"
          type: "string"
          description: |
            Available filters:

            - `label=key`
            - `until=<timestamp>`
        - { name: "all", in: "query", type: "boolean", required: true }
        - { name: "shared-size", in: "query", type: "boolean" }
      responses:
        200:
          description: "ok"
          schema: { type: "array", items: { $ref: "#/definitions/Thing" } }
  /volumes/{name}:
    put:
      operationId: "VolumeUpdate"
      parameters:
        - { name: "name", in: "path", required: true, type: "string" }
      responses:
        200: { description: "ok" }
definitions:
  Thing:
    type: "object"
    required: ["Id"]
    properties:
      Id: { type: "string", x-nullable: false }
      Size: { type: "integer", format: "int64" }
      NanoCPUs: { type: "integer", format: "int64" }
      Driver: { $ref: "#/definitions/GraphDriverData" }
      State: { type: "string", enum: ["created", "running", "removing"] }
      Labels: { type: "object", additionalProperties: { type: "string" } }
  GraphDriverData:
    type: "object"
    properties:
      Name: { type: "string" }
      Data: { type: "object", additionalProperties: { type: "string" } }
  Config:
    type: "object"
    properties:
      ID: { type: "string" }
      Spec: { type: "object", additionalProperties: { type: "string" } }
      User: { type: "string" }
  Other:
    type: "object"
    properties:
      A: { type: "string" }
"##;

fn sample() -> ApiDiff {
    diff(&api(OLD), &api(NEW))
}

#[test]
fn a_version_against_itself_has_no_changes() {
    let a = api(NEW);
    let d = diff(&a, &a);
    assert!(d.is_empty(), "{d:#?}");
    assert!(to_markdown(&d).contains("Summary: no changes"));
}

#[test]
fn operations_are_keyed_by_method_and_path() {
    let d = sample();
    let added: Vec<_> = d
        .operations
        .added
        .iter()
        .map(|o| o.operation_id.as_str())
        .collect();
    let removed: Vec<_> = d
        .operations
        .removed
        .iter()
        .map(|o| o.operation_id.as_str())
        .collect();
    assert_eq!(added, ["VolumeUpdate"]);
    assert_eq!(removed, ["GoneDelete"]);
    assert_eq!(
        d.operations.added[0].item,
        "dockwright_v1_99::client::Client::volume_update"
    );
    assert_eq!(
        d.operations.removed[0].item,
        "dockwright_v1_98::client::Client::gone_delete"
    );

    // Renamed operation, renamed path parameter: one operation, not a removal and an addition.
    let archive = d
        .operation("GET", "/things/{name}/archive")
        .expect("archive changed");
    assert!(archive.changes.contains(&OperationChange::Renamed {
        from_operation_id: "ThingGetArchive".into(),
        to_operation_id: "ThingArchive".into(),
        from_item: "dockwright_v1_98::client::Client::thing_get_archive".into(),
        to_item: "dockwright_v1_99::client::Client::thing_archive".into(),
    }));
    assert!(archive.changes.contains(&OperationChange::PathChanged {
        from: "/things/{id}/archive".into(),
        to: "/things/{name}/archive".into(),
    }));
    assert!(archive.removed_parameter("id").is_some());
    assert_eq!(
        archive.added_parameter("name").unwrap().item,
        "dockwright_v1_99::client::Client::thing_archive"
    );
    assert_eq!(
        archive.media_types(true),
        ["application/vnd.docker.multiplexed-stream"]
    );
}

#[test]
fn parameters_and_filter_keys() {
    let d = sample();
    let list = d.operation("GET", "/things").expect("list changed");
    let shared = list
        .added_parameter("shared-size")
        .expect("shared-size added");
    assert_eq!(
        shared.item,
        "dockwright_v1_99::client::ThingListRequest::shared_size"
    );
    assert_eq!(shared.rust_type, "bool");
    assert_eq!(shared.passed_as, "setter");
    assert!(list.changes.iter().any(|c| matches!(c,
        OperationChange::ParameterChanged { from, to }
            if from.wire_name == "all" && !from.required && to.required && to.passed_as == "argument")));
    assert_eq!(list.filter_keys(true), ["until"]);
    assert_eq!(list.filter_keys(false), ["is-automated"]);
    assert!(list.changes.contains(&OperationChange::FilterKeyAdded {
        key: "until".into(),
        item: "dockwright_v1_99::filters::ThingListFilters::until".into(),
    }));
    assert!(list.changes.contains(&OperationChange::FilterKeyRemoved {
        key: "is-automated".into(),
        item: "dockwright_v1_98::filters::ThingListFilters::is_automated".into(),
    }));
}

#[test]
fn fields_and_variants() {
    let d = sample();
    let thing = d.changed_type("Thing").expect("Thing changed");
    assert!(!thing.changed_meaning);
    assert_eq!(thing.added_fields(), ["Labels"]);
    let changed = |json: &str| {
        thing.changes.iter().find_map(|c| match c {
            TypeChange::FieldChanged { from, to } if to.json_name == json => Some((from, to)),
            _ => None,
        })
    };
    let (from, to) = changed("Size").expect("Size retyped");
    assert_eq!(
        (from.rust_type.as_str(), to.rust_type.as_str()),
        ("Option<i32>", "Option<i64>")
    );
    let (from, to) = changed("Id").expect("Id now required");
    assert_eq!(
        (from.rust_type.as_str(), to.rust_type.as_str()),
        ("Option<String>", "String")
    );
    assert_eq!(to.item, "dockwright_v1_99::models::Thing::id");
    let (from, to) = changed("Driver").expect("Driver's type renamed");
    assert_eq!(from.rust_type, "Option<models::GraphDriver>");
    assert_eq!(to.rust_type, "Option<models::GraphDriverData>");

    // A JSON key that only changed case is the same field.
    let (from, to) = thing
        .changes
        .iter()
        .find_map(|c| match c {
            TypeChange::FieldChanged { from, to } if to.json_name == "NanoCPUs" => Some((from, to)),
            _ => None,
        })
        .expect("NanoCpus → NanoCPUs");
    assert_eq!(from.json_name, "NanoCpus");
    assert_eq!(from.rust_type, to.rust_type);
    assert!(thing.removed_fields().is_empty());

    let state = d.changed_type("ThingState").expect("inline enum changed");
    assert!(state.changes.contains(&TypeChange::VariantAdded {
        variant: VariantInfo {
            value: "\"removing\"".into(),
            item: "dockwright_v1_99::models::ThingState::Removing".into(),
        }
    }));
}

#[test]
fn renamed_and_repurposed_types() {
    let d = sample();
    // Referred to from the same place and the same fields: a rename.
    let gd = d
        .changed_type("GraphDriverData")
        .expect("GraphDriver renamed");
    assert_eq!(gd.renamed_from.as_deref(), Some("GraphDriver"));
    assert!(!d.types.added.iter().any(|t| t.name == "GraphDriverData"));
    // Same fields but nothing points from one to the other: removed and added.
    assert!(d.types.removed.iter().any(|t| t.name == "Lonely"));
    assert!(d.types.added.iter().any(|t| t.name == "Other"));

    let config = d.changed_type("Config").expect("Config changed");
    assert!(config.changed_meaning, "{config:#?}");
    assert_eq!(config.removed_fields(), ["Domainname", "Hostname"]);
    assert_eq!(config.added_fields(), ["ID", "Spec"]);
    assert!(!d.changed_type("Thing").unwrap().changed_meaning);
}

#[test]
fn output_is_deterministic_and_names_items() {
    let (a, b) = (api(OLD), api(NEW));
    let md = to_markdown(&diff(&a, &b));
    assert_eq!(md, to_markdown(&diff(&a, &b)));
    assert!(md.starts_with("# API changes: v1.98 → v1.99\n"));
    assert!(md.contains("- filter key added: `dockwright_v1_99::filters::ThingListFilters::until` (key `until`)"), "{md}");
    assert!(
        md.contains("### `dockwright_v1_99::models::Config` (changed meaning)"),
        "{md}"
    );
    assert!(
        md.contains("media type added to `produces`: `application/vnd.docker.multiplexed-stream`")
    );
    let json: serde_json::Value = serde_json::from_str(&to_json(&diff(&a, &b))).unwrap();
    assert_eq!(json["to"]["crate_name"], "dockwright_v1_99");
    assert_eq!(
        json["operations"]["added"][0]["operation_id"],
        "VolumeUpdate"
    );
    assert!(json["types"]["changed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "Config" && t["changed_meaning"] == true));
}

#[test]
fn snapshot_names() {
    let v = |s| crate::version::ApiVersion::parse(s).unwrap();
    assert_eq!(snapshot_file_name(v("1.46"), v("1.47")), "v1.46..v1.47.md");
}

#[test]
fn filter_keys_alone_are_not_a_schema_change() {
    let old = api(OLD);
    let text = OLD.replace(
        "- `is-automated=(true|false)`",
        "- `is-automated=(true|false)`\n            - `stars=<n>`",
    );
    let new = api(&text);
    let d = diff(&old, &new);
    assert!(!d.is_empty());
    assert!(d.schema_unchanged(), "{d:#?}");
    assert_eq!(
        d.operation("GET", "/things").unwrap().filter_keys(true),
        ["stars"]
    );
    assert!(to_markdown(&d).contains("The schemas are unchanged"));
    assert!(!sample().schema_unchanged());
}
