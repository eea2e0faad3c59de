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
    Fixup {
        name: "build_args_is_a_json_string",
        first: (1, 25),
        last: (1, 36),
        apply: build_args_is_a_json_string,
    },
    Fixup {
        name: "network_connect_consumes_json",
        first: (1, 25),
        last: (1, 34),
        apply: network_connect_consumes_json,
    },
    Fixup {
        name: "container_summary_is_one_container",
        first: (1, 25),
        last: (1, 39),
        apply: container_summary_is_one_container,
    },
    Fixup {
        name: "network_config_is_network_settings",
        first: (1, 25),
        last: (1, 31),
        apply: network_config_is_network_settings,
    },
    Fixup {
        name: "port_map_values_may_be_null",
        first: (1, 32),
        last: (1, 38),
        apply: port_map_values_may_be_null,
    },
    Fixup {
        name: "image_history_tags_may_be_null",
        first: (1, 25),
        last: (1, 55),
        apply: image_history_tags_may_be_null,
    },
    Fixup {
        name: "network_prune_deletes_networks",
        first: (1, 25),
        last: (1, 25),
        apply: network_prune_deletes_networks,
    },
    Fixup {
        name: "volume_list_may_be_null",
        first: (1, 25),
        last: (1, 38),
        apply: volume_list_may_be_null,
    },
    Fixup {
        name: "secret_create_body_is_required",
        first: (1, 25),
        last: (1, 55),
        apply: secret_create_body_is_required,
    },
    Fixup {
        name: "config_create_body_is_required",
        first: (1, 30),
        last: (1, 55),
        apply: config_create_body_is_required,
    },
    Fixup {
        name: "swarm_create_answers_upper_case_id",
        first: (1, 36),
        last: (1, 55),
        apply: swarm_create_answers_upper_case_id,
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

/// `ImageBuild`'s `buildargs` is declared `type: integer` although its own description
/// calls it a "JSON map of string pairs" (the daemon JSON-decodes the text into
/// `map[string]*string`); the spec says `type: string` from v1.37 on.
fn build_args_is_a_json_string(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, "ImageBuild", stale)?;
    let (i, param) = op
        .parameters
        .iter_mut()
        .enumerate()
        .find(|(_, p)| p.name == "buildargs" && p.location == "query")
        .ok_or_else(|| stale.at(&format!("{pointer}/parameters"), "a `buildargs` query parameter"))?;
    if param.ty.as_deref() != Some("integer") {
        return Err(stale.at(&format!("{pointer}/parameters/{i}/type"), "`integer`"));
    }
    param.ty = Some("string".into());
    Ok(())
}

/// `NetworkConnect` says it consumes `application/octet-stream`, yet its body is the JSON
/// object `{Container, EndpointConfig}` and the daemon decodes it as JSON
/// (`httputils.ReadJSON` in moby's `postNetworkConnect`); a raw-bytes body made the
/// generated client take untyped bytes. The spec says `application/json` from v1.35 on.
fn network_connect_consumes_json(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, "NetworkConnect", stale)?;
    if op.consumes.as_deref() != Some(&["application/octet-stream".to_owned()][..]) {
        return Err(stale.at(&format!("{pointer}/consumes"), "`[application/octet-stream]`"));
    }
    op.consumes = Some(vec!["application/json".into()]);
    Ok(())
}

/// `ContainerSummary` is defined as the whole *list* (`type: array`), which `ContainerList`
/// answers, but `/system/df` lists `Containers` as an array *of* `ContainerSummary`, i.e.
/// an array of arrays, and a real 20.10 engine's answer to `GET /v1.25/system/df` does not
/// decode (tests/tests/engine_system.rs). From v1.40 on the spec defines
/// `ContainerSummary` as one container and `ContainerList` as an array of it; so here.
fn container_summary_is_one_container(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let pointer = "/definitions/ContainerSummary";
    let summary = definition(spec, "ContainerSummary", stale)?;
    if summary.single_type() != Some("array") {
        return Err(stale.at(&format!("{pointer}/type"), "`array`"));
    }
    let item = summary
        .items
        .take()
        .ok_or_else(|| stale.at(&format!("{pointer}/items"), "the item schema"))?;
    let description = summary.description.take();
    *summary = *item;
    if summary.description.is_none() {
        summary.description = description;
    }
    let (op_pointer, op) = operation(spec, "ContainerList", stale)?;
    let schema = op
        .responses
        .get_mut("200")
        .and_then(|r| r.schema.as_mut())
        .filter(|s| s.reference.as_deref() == Some("#/definitions/ContainerSummary"))
        .ok_or_else(|| {
            stale.at(
                &format!("{op_pointer}/responses/200/schema"),
                "`$ref: #/definitions/ContainerSummary`",
            )
        })?;
    *schema = Schema {
        ty: Some(SchemaType::One("array".into())),
        items: Some(Box::new(Schema {
            reference: Some("#/definitions/ContainerSummary".into()),
            ..Schema::default()
        })),
        ..Schema::default()
    };
    Ok(())
}

/// The container inspect answer's `NetworkSettings` is described by `NetworkConfig`, a
/// definition marked "TODO: check is correct" that is not: it lists fields no daemon
/// sends (`Address`, `PortMapping`), lacks the ones it does (`Networks`, `IPAddress`,
/// `EndpointID`, ...), and declares `Ports` as an array of `Port` (the *list* answer's
/// shape) where daemons send the port map `{"80/tcp": [{"HostIp": …}], "443/tcp": null}`;
/// a real 20.10 engine's `GET /v1.25/containers/{id}/json` did not decode, and a client
/// could not see which networks a container is on (tests/tests/engine_containers.rs,
/// engine_networks.rs). v1.32 replaced it by `NetworkSettings`; its properties are used
/// here (all but `SecondaryIP*Addresses`, whose `Address` type these versions lack), with
/// its `PortMap` and `PortBinding` (values nullable, see `port_map_values_may_be_null`).
fn network_config_is_network_settings(spec: &mut Spec, stale: &Stale) -> Result<()> {
    const OLD: [&str; 7] = ["Address", "Bridge", "Gateway", "IPPrefixLen", "MacAddress", "PortMapping", "Ports"];
    const NETWORK_SETTINGS: &str = r##"
Bridge: {type: string, description: "Name of the network's bridge (for example, `docker0`)."}
SandboxID: {type: string, description: "SandboxID uniquely represents a container's network stack."}
HairpinMode: {type: boolean, description: "Indicates if hairpin NAT should be enabled on the virtual interface."}
LinkLocalIPv6Address: {type: string, description: "IPv6 unicast address using the link-local prefix."}
LinkLocalIPv6PrefixLen: {type: integer, description: "Prefix length of the IPv6 unicast address."}
Ports: {$ref: "#/definitions/PortMap"}
SandboxKey: {type: string, description: "SandboxKey identifies the sandbox."}
EndpointID: {type: string, description: "EndpointID uniquely represents a service endpoint in a Sandbox."}
Gateway: {type: string, description: "Gateway address for the default \"bridge\" network."}
GlobalIPv6Address: {type: string, description: "Global IPv6 address for the default \"bridge\" network."}
GlobalIPv6PrefixLen: {type: integer, description: "Mask length of the global IPv6 address."}
IPAddress: {type: string, description: "IPv4 address for the default \"bridge\" network."}
IPPrefixLen: {type: integer, description: "Mask length of the IPv4 address."}
IPv6Gateway: {type: string, description: "IPv6 gateway address for this network."}
MacAddress: {type: string, description: "MAC address for the container on the default \"bridge\" network."}
Networks:
  type: object
  description: "Information about all networks that the container is connected to."
  additionalProperties: {$ref: "#/definitions/EndpointSettings"}
"##;
    const PORTS: &str = r##"
PortBinding:
  type: object
  description: "PortBinding represents a binding between a host IP address and a host port."
  properties:
    HostIp: {type: string, description: "Host IP address that the container's port is mapped to."}
    HostPort: {type: string, description: "Host port number that the container's port is mapped to."}
PortMap:
  type: object
  description: "PortMap describes the mapping of container ports to host ports, using the\ncontainer's port-number and protocol as key in the format `<port>/<protocol>`,\nfor example, `80/udp`. A port exposed but not published maps to `null`."
  additionalProperties:
    type: array
    x-nullable: true
    items: {$ref: "#/definitions/PortBinding"}
"##;
    for name in ["PortMap", "PortBinding"] {
        if spec.definitions.contains_key(name) {
            return Err(stale.at(&format!("/definitions/{name}"), "no such definition yet"));
        }
    }
    if !spec.definitions.contains_key("EndpointSettings") {
        return Err(stale.at("/definitions/EndpointSettings", "the definition"));
    }
    let pointer = "/definitions/NetworkConfig";
    let config = definition(spec, "NetworkConfig", stale)?;
    let mut names: Vec<&str> = config.properties.keys().map(String::as_str).collect();
    names.sort_unstable();
    if names != OLD {
        return Err(stale.at(&format!("{pointer}/properties"), &format!("exactly {OLD:?}")));
    }
    config.properties = serde_yaml::from_str(NETWORK_SETTINGS).expect("valid embedded schema");
    // The loader's JSON step sorts keys; so here, for the same field order as elsewhere.
    config.properties.sort_keys();
    config.description = Some("NetworkSettings exposes the network settings in the API.".into());
    let ports: indexmap::IndexMap<String, Schema> =
        serde_yaml::from_str(PORTS).expect("valid embedded schema");
    spec.definitions.extend(ports);
    Ok(())
}

/// moby/moby#39264: a port that is exposed but not published maps to `null` in `PortMap`
/// (the definition's own example shows `2377/tcp: null`), yet its values are not
/// nullable; v1.39 added `x-nullable: true`.
fn port_map_values_may_be_null(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let pointer = "/definitions/PortMap/additionalProperties";
    let map = definition(spec, "PortMap", stale)?;
    let Some(AdditionalProperties::Schema(values)) = &mut map.additional_properties else {
        return Err(stale.at(pointer, "a value schema"));
    };
    if values.x_nullable == Some(true) {
        return Err(stale.at(&format!("{pointer}/x-nullable"), "x-nullable not already true"));
    }
    values.x_nullable = Some(true);
    Ok(())
}

/// `Tags` of an image history entry is required and not nullable, yet engines 20.10, 26.1
/// and 28.5 send `"Tags": null` for every layer without a tag (all but the newest of a
/// build): `GET /images/{name}/history` did not decode (tests/tests/engine_images.rs).
fn image_history_tags_may_be_null(spec: &mut Spec, stale: &Stale) -> Result<()> {
    make_nullable(spec, "ImageHistoryResponseItem", "Tags", stale)
}

/// The network prune answer lists `VolumesDeleted` (copied from the volume prune), but
/// daemons send `NetworksDeleted`, so a v1.25 client never saw which networks went
/// (tests/tests/engine_networks.rs, 20.10 engine); v1.26 corrected the key.
fn network_prune_deletes_networks(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, "NetworkPrune", stale)?;
    let properties = op
        .responses
        .get_mut("200")
        .and_then(|r| r.schema.as_mut())
        .map(|s| &mut s.properties)
        .filter(|p| p.len() == 1 && p.contains_key("VolumesDeleted"))
        .ok_or_else(|| {
            stale.at(
                &format!("{pointer}/responses/200/schema/properties"),
                "only `VolumesDeleted`",
            )
        })?;
    let (_, mut schema) = properties.pop().expect("one property");
    if let Some(items) = &mut schema.items {
        items.description = None;
    }
    schema.description = Some("Network names that were deleted".into());
    properties.insert("NetworksDeleted".into(), schema);
    Ok(())
}

/// The volume list answer's `Volumes` and `Warnings` are required and explicitly
/// `x-nullable: false`, yet a 20.10 engine answers `"Warnings": null` (and `"Volumes":
/// null` when there is none: Go's nil slice), so `GET /v1.25/volumes` did not decode
/// (tests/tests/engine_volumes.rs). From v1.39 the answer is `VolumeListResponse`, whose
/// fields are optional.
fn volume_list_may_be_null(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, "VolumeList", stale)?;
    let pointer = format!("{pointer}/responses/200/schema");
    let schema = op
        .responses
        .get_mut("200")
        .and_then(|r| r.schema.as_mut())
        .ok_or_else(|| stale.at(&pointer, "an inline answer schema"))?;
    for name in ["Volumes", "Warnings"] {
        if !schema.required.iter().any(|r| r == name) {
            return Err(stale.at(&format!("{pointer}/required"), &format!("`{name}` listed as required")));
        }
        let prop = property(schema, name, &pointer, stale)?;
        if prop.x_nullable != Some(false) {
            return Err(stale.at(&format!("{pointer}/properties/{name}/x-nullable"), "`false`"));
        }
        prop.x_nullable = Some(true);
    }
    Ok(())
}

/// `SecretCreate`'s body (the secret's spec) is not marked required, so the generated
/// call made it an optional builder method; but without it there is no name and no data,
/// and the daemon answers 400 (tests/tests/engine_swarm.rs sends one without a body).
fn secret_create_body_is_required(spec: &mut Spec, stale: &Stale) -> Result<()> {
    body_is_required(spec, "SecretCreate", stale)
}

/// As `secret_create_body_is_required`, for `ConfigCreate` (API 1.30+).
fn config_create_body_is_required(spec: &mut Spec, stale: &Stale) -> Result<()> {
    body_is_required(spec, "ConfigCreate", stale)
}

/// `SecretCreate` and `ConfigCreate` answer `{"ID": "…"}` (swarm's `ID` spelling, as
/// their v1.25–v1.35 inline answer said), but from v1.36 the spec points them at
/// `IdResponse`, whose key is `Id`; Go decodes keys case-insensitively, serde does not,
/// so a 26.1 engine's answer did not decode (tests/tests/engine_swarm.rs). The answer is
/// the inline `{ID}` object again (`SecretCreateResponse` / `ConfigCreateResponse`).
fn swarm_create_answers_upper_case_id(spec: &mut Spec, stale: &Stale) -> Result<()> {
    for (id, what) in [("SecretCreate", "secret"), ("ConfigCreate", "config")] {
        let (pointer, op) = operation(spec, id, stale)?;
        let schema = op
            .responses
            .get_mut("201")
            .and_then(|r| r.schema.as_mut())
            .filter(|s| {
                matches!(
                    s.reference.as_deref(),
                    Some("#/definitions/IdResponse" | "#/definitions/IDResponse")
                )
            })
            .ok_or_else(|| stale.at(&format!("{pointer}/responses/201/schema"), "`$ref: IdResponse`"))?;
        *schema = Schema {
            ty: Some(SchemaType::One("object".into())),
            required: vec!["ID".into()],
            properties: [(
                "ID".to_owned(),
                Schema {
                    description: Some(format!("The ID of the created {what}.")),
                    ..string_schema()
                },
            )]
            .into_iter()
            .collect(),
            ..Schema::default()
        };
    }
    Ok(())
}

/// Marks the body parameter of `operation_id` required, or reports the pattern stale.
fn body_is_required(spec: &mut Spec, operation_id: &str, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, operation_id, stale)?;
    let (i, body) = op
        .parameters
        .iter_mut()
        .enumerate()
        .find(|(_, p)| p.location == "body")
        .ok_or_else(|| stale.at(&format!("{pointer}/parameters"), "a body parameter"))?;
    if body.required {
        return Err(stale.at(&format!("{pointer}/parameters/{i}/required"), "not already true"));
    }
    body.required = true;
    Ok(())
}

/// The operation with this `operationId` and its JSON pointer, or the pattern is stale.
fn operation<'s>(
    spec: &'s mut Spec,
    id: &str,
    stale: &Stale,
) -> Result<(String, &'s mut crate::swagger::Operation)> {
    spec.paths
        .iter_mut()
        .flat_map(|(path, item)| {
            item.operations_mut()
                .map(move |(method, op)| (format!("/paths/{}/{method}", path.replace('/', "~1")), op))
        })
        .find(|(_, op)| op.operation_id.as_deref() == Some(id))
        .ok_or_else(|| stale.at("/paths", &format!("operation `{id}`")))
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
