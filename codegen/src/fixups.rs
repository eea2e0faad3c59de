//! Named repairs of known upstream spec bugs, each applied to the versions that have it.
//!
//! Every fix-up cites the upstream issue and fails loudly (`Error::FixupStale`) when the
//! pattern it repairs is not there any more: a repair nobody needs should be noticed,
//! not silently carried forward.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::swagger::{AdditionalProperties, Schema, SchemaType, Spec};
use crate::version::ApiVersion;

type FixupFn = fn(&mut Spec, &Stale) -> Result<()>;

/// One fix-up and the versions (inclusive) it applies to.
pub struct Fixup {
    pub name: &'static str,
    pub first: (u16, u16),
    pub last: (u16, u16),
    pub apply: FixupFn,
}

/// The table. Order matters only where two fix-ups touch the same schema (none do).
pub const FIXUPS: &[Fixup] = &[
    Fixup {
        name: "image_summary_null_lists",
        first: (1, 25),
        last: (1, 55),
        apply: image_summary_null_lists,
    },
    Fixup {
        name: "graph_driver_data_may_be_null",
        first: (1, 28),
        last: (1, 55),
        apply: graph_driver_data_may_be_null,
    },
    Fixup {
        name: "volume_options_may_be_null",
        first: (1, 25),
        last: (1, 55),
        apply: volume_options_may_be_null,
    },
    Fixup {
        name: "exec_ids_is_an_array",
        first: (1, 25),
        last: (1, 37),
        apply: exec_ids_is_an_array,
    },
    Fixup {
        name: "ipam_options_is_a_map",
        first: (1, 25),
        last: (1, 38),
        apply: ipam_options_is_a_map,
    },
    Fixup {
        name: "restart_policy_accepts_no",
        first: (1, 25),
        last: (1, 39),
        apply: restart_policy_accepts_no,
    },
    Fixup {
        name: "cmd_multi_type_is_an_array",
        first: (1, 25),
        last: (1, 34),
        apply: cmd_multi_type_is_an_array,
    },
    Fixup {
        name: "volumes_misplaced_additional_properties",
        first: (1, 25),
        last: (1, 36),
        apply: volumes_misplaced_additional_properties,
    },
    Fixup {
        name: "swarm_healthcheck_spelling",
        first: (1, 27),
        last: (1, 55),
        apply: swarm_healthcheck_spelling,
    },
];

/// What a fix-up needs to report that its pattern is gone.
pub struct Stale<'a> {
    file: &'a Path,
    fixup: &'static str,
}

impl Stale<'_> {
    fn at(&self, pointer: &str, expected: &str) -> Error {
        Error::FixupStale {
            file: self.file.to_owned(),
            fixup: self.fixup,
            pointer: pointer.to_owned(),
            expected: expected.to_owned(),
        }
    }
}

/// Applies every fix-up that covers `version`; returns their names for provenance.
pub fn apply(spec: &mut Spec, version: ApiVersion, file: &Path) -> Result<Vec<&'static str>> {
    let mut applied = Vec::new();
    for fixup in FIXUPS {
        let v = (version.major, version.minor);
        if v < fixup.first || v > fixup.last {
            continue;
        }
        let stale = Stale {
            file,
            fixup: fixup.name,
        };
        (fixup.apply)(spec, &stale)?;
        applied.push(fixup.name);
    }
    Ok(applied)
}

fn definition<'s>(spec: &'s mut Spec, name: &str, stale: &Stale) -> Result<&'s mut Schema> {
    spec.definitions
        .get_mut(name)
        .ok_or_else(|| stale.at(&format!("/definitions/{name}"), "the definition"))
}

fn property<'s>(
    schema: &'s mut Schema,
    name: &str,
    pointer: &str,
    stale: &Stale,
) -> Result<&'s mut Schema> {
    schema
        .properties
        .get_mut(name)
        .ok_or_else(|| stale.at(&format!("{pointer}/properties/{name}"), "the property"))
}

/// moby/moby#44424, #45556: `RepoTags`, `RepoDigests` and `Labels` are required and not
/// nullable, yet daemons send `null` for images without tags or labels.
fn image_summary_null_lists(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let summary = definition(spec, "ImageSummary", stale)?;
    for name in ["RepoTags", "RepoDigests", "Labels"] {
        if !summary.required.iter().any(|r| r == name) {
            return Err(stale.at(
                "/definitions/ImageSummary/required",
                &format!("`{name}` listed as required"),
            ));
        }
        let prop = property(summary, name, "/definitions/ImageSummary", stale)?;
        if prop.x_nullable == Some(true) {
            return Err(stale.at(
                &format!("/definitions/ImageSummary/properties/{name}/x-nullable"),
                "x-nullable not already true",
            ));
        }
        prop.x_nullable = Some(true);
    }
    Ok(())
}

/// Marks a required, non-nullable property as nullable, or reports the pattern stale.
fn make_nullable(spec: &mut Spec, definition_name: &str, property_name: &str, stale: &Stale) -> Result<()> {
    let pointer = format!("/definitions/{definition_name}");
    let schema = definition(spec, definition_name, stale)?;
    if !schema.required.iter().any(|r| r == property_name) {
        return Err(stale.at(&format!("{pointer}/required"), &format!("`{property_name}` listed as required")));
    }
    let prop = property(schema, property_name, &pointer, stale)?;
    if prop.x_nullable == Some(true) {
        return Err(stale.at(&format!("{pointer}/properties/{property_name}/x-nullable"), "x-nullable not already true"));
    }
    prop.x_nullable = Some(true);
    Ok(())
}

/// The graph driver's `Data` is required and not nullable, yet engines 20.10, 26.1 and
/// 28.5 send `"Data": null` for drivers without data (`vfs`): see
/// tests/fixtures/responses/*/container-inspect.json. Before 1.28 `Data` was optional; the
/// definition is `GraphDriverData` from 1.28 and `DriverData` later.
fn graph_driver_data_may_be_null(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let name = ["GraphDriverData", "DriverData"]
        .into_iter()
        .find(|n| spec.definitions.contains_key(*n))
        .ok_or_else(|| stale.at("/definitions/DriverData", "a graph driver definition"))?;
    make_nullable(spec, name, "Data", stale)
}

/// A volume's `Options` is required and not nullable, yet engines 20.10, 26.1 and 28.5
/// send `"Options": null` for a volume created without options: see
/// tests/fixtures/responses/*/volume-inspect.json.
fn volume_options_may_be_null(spec: &mut Spec, stale: &Stale) -> Result<()> {
    make_nullable(spec, "Volume", "Options", stale)
}

/// moby/moby#36933: `ExecIDs` in the container inspect response is a list of ids, not a
/// string (and null when there are none).
fn exec_ids_is_an_array(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let pointer = "/paths/~1containers~1{id}~1json/get/responses/200/schema/properties/ExecIDs";
    let schema = spec
        .paths
        .get_mut("/containers/{id}/json")
        .and_then(|p| p.get.as_mut())
        .and_then(|op| op.responses.get_mut("200"))
        .and_then(|r| r.schema.as_mut())
        .and_then(|s| s.properties.get_mut("ExecIDs"))
        .ok_or_else(|| stale.at(pointer, "the ExecIDs property"))?;
    if schema.single_type() != Some("string") {
        return Err(stale.at(pointer, "`type: string`"));
    }
    schema.ty = Some(SchemaType::One("array".into()));
    schema.items = Some(Box::new(string_schema()));
    schema.x_nullable = Some(true);
    Ok(())
}

/// docker/for-linux#524: `IPAM.Options` is a map of strings, not an array of maps.
fn ipam_options_is_a_map(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let ipam = definition(spec, "IPAM", stale)?;
    let options = property(ipam, "Options", "/definitions/IPAM", stale)?;
    if options.single_type() != Some("array") {
        return Err(stale.at("/definitions/IPAM/properties/Options", "`type: array`"));
    }
    options.ty = Some(SchemaType::One("object".into()));
    options.items = None;
    options.additional_properties = Some(AdditionalProperties::Schema(Box::new(string_schema())));
    Ok(())
}

/// moby/moby#42621: the restart policy `"no"` (the default!) is missing from the enum, and
/// `""` too before 1.26.
fn restart_policy_accepts_no(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let policy = definition(spec, "RestartPolicy", stale)?;
    let name = property(policy, "Name", "/definitions/RestartPolicy", stale)?;
    let values = name
        .enumeration
        .as_mut()
        .ok_or_else(|| stale.at("/definitions/RestartPolicy/properties/Name/enum", "an enum"))?;
    if values.iter().any(|v| v == "no") {
        return Err(stale.at(
            "/definitions/RestartPolicy/properties/Name/enum",
            "no `\"no\"` value",
        ));
    }
    if !values.iter().any(|v| v == "") {
        values.insert(0, Value::String(String::new()));
    }
    values.insert(1, Value::String("no".into()));
    Ok(())
}

/// moby/moby#35146, #35721: `Cmd`/`Entrypoint` declared as `type: [array, string]`. The
/// daemon always answers with an array and accepts one, so the array it is.
fn cmd_multi_type_is_an_array(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let mut found = 0;
    let multi = SchemaType::Many(vec!["array".into(), "string".into()]);
    visit_schemas(spec, &mut |schema| {
        if schema.ty.as_ref() == Some(&multi) {
            schema.ty = Some(SchemaType::One("array".into()));
            if schema.items.is_none() {
                schema.items = Some(Box::new(string_schema()));
            }
            found += 1;
        }
    });
    if found == 0 {
        return Err(stale.at("/definitions", "a `type: [array, string]` schema"));
    }
    Ok(())
}

/// moby/moby#35946: `Volumes` declares a *property* named `additionalProperties` where it
/// means the map's value schema.
fn volumes_misplaced_additional_properties(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let mut found = 0;
    visit_schemas(spec, &mut |schema| {
        if let Some(value) = schema.properties.shift_remove("additionalProperties") {
            schema.additional_properties = Some(AdditionalProperties::Schema(Box::new(value)));
            found += 1;
        }
    });
    if found == 0 {
        return Err(stale.at(
            "/definitions",
            "a property literally named `additionalProperties`",
        ));
    }
    Ok(())
}

/// moby/moby#53422: the swarm container spec spells the key `HealthCheck`; the daemon's
/// JSON (Go field tag) is `Healthcheck`, and serde, unlike Go, matches keys exactly.
fn swarm_healthcheck_spelling(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let pointer = "/definitions/TaskSpec/properties/ContainerSpec";
    let task = definition(spec, "TaskSpec", stale)?;
    let container = property(task, "ContainerSpec", "/definitions/TaskSpec", stale)?;
    let index = container
        .properties
        .get_index_of("HealthCheck")
        .ok_or_else(|| stale.at(&format!("{pointer}/properties/HealthCheck"), "the property"))?;
    let (_, value) = container
        .properties
        .shift_remove_index(index)
        .expect("index just found");
    container
        .properties
        .shift_insert(index, "Healthcheck".into(), value);
    Ok(())
}

fn string_schema() -> Schema {
    Schema {
        ty: Some(SchemaType::One("string".into())),
        ..Schema::default()
    }
}

/// Calls `f` on every schema node of the spec, definitions and operations alike.
fn visit_schemas(spec: &mut Spec, f: &mut dyn FnMut(&mut Schema)) {
    fn walk(schema: &mut Schema, f: &mut dyn FnMut(&mut Schema)) {
        f(schema);
        for p in schema.properties.values_mut() {
            walk(p, f);
        }
        if let Some(AdditionalProperties::Schema(s)) = &mut schema.additional_properties {
            walk(s, f);
        }
        if let Some(items) = &mut schema.items {
            walk(items, f);
        }
        for s in &mut schema.all_of {
            walk(s, f);
        }
    }
    for schema in spec.definitions.values_mut() {
        walk(schema, f);
    }
    for item in spec.paths.values_mut() {
        for (_, op) in item.operations_mut() {
            for param in &mut op.parameters {
                if let Some(s) = &mut param.schema {
                    walk(s, f);
                }
            }
            for response in op.responses.values_mut() {
                if let Some(s) = &mut response.schema {
                    walk(s, f);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixup_whose_pattern_is_gone_fails_loudly() {
        let yaml = br#"
swagger: "2.0"
info: {title: t, version: "1.40"}
definitions:
  RestartPolicy:
    properties:
      Name:
        type: string
        enum: ["", "no", "always"]
"#;
        let mut spec = crate::swagger::parse(yaml, Path::new("v1.40.yaml"))
            .unwrap()
            .spec;
        let stale = Stale {
            file: Path::new("v1.40.yaml"),
            fixup: "restart_policy_accepts_no",
        };
        let err = restart_policy_accepts_no(&mut spec, &stale)
            .unwrap_err()
            .to_string();
        assert!(err.contains("v1.40.yaml"), "{err}");
        assert!(err.contains("restart_policy_accepts_no"), "{err}");
        assert!(
            err.contains("/definitions/RestartPolicy/properties/Name/enum"),
            "{err}"
        );
    }
}
