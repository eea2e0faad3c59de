//! The repairs of wrong shapes: a type, a key, an enum, a media type the spec gets wrong.

use serde_json::Value;

use super::support::*;
use super::Stale;
use crate::error::Result;
use crate::extensions::X_NULLABLE;
use crate::swagger::{AdditionalProperties, Schema, SchemaType, Spec};

/// moby/moby#36933: `ExecIDs` in the container inspect response is a list of ids, not a
/// string (and null when there are none).
pub(super) fn exec_ids_is_an_array(spec: &mut Spec, stale: &Stale) -> Result<()> {
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
pub(super) fn ipam_options_is_a_map(spec: &mut Spec, stale: &Stale) -> Result<()> {
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
pub(super) fn restart_policy_accepts_no(spec: &mut Spec, stale: &Stale) -> Result<()> {
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
pub(super) fn cmd_multi_type_is_an_array(spec: &mut Spec, stale: &Stale) -> Result<()> {
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
pub(super) fn volumes_misplaced_additional_properties(
    spec: &mut Spec,
    stale: &Stale,
) -> Result<()> {
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
pub(super) fn swarm_healthcheck_spelling(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let pointer = "/definitions/TaskSpec/properties/ContainerSpec";
    let task = definition(spec, "TaskSpec", stale)?;
    let container = property(task, "ContainerSpec", "/definitions/TaskSpec", stale)?;
    rename_property(container, "HealthCheck", "Healthcheck", pointer, stale)
}

/// `ImageBuild`'s `buildargs` is declared `type: integer` although its own description
/// calls it a "JSON map of string pairs" (the daemon JSON-decodes the text into
/// `map[string]*string`); the spec says `type: string` from v1.37 on.
pub(super) fn build_args_is_a_json_string(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, "ImageBuild", stale)?;
    let (i, param) = op
        .parameters
        .iter_mut()
        .enumerate()
        .find(|(_, p)| p.name == "buildargs" && p.location == "query")
        .ok_or_else(|| {
            stale.at(
                &format!("{pointer}/parameters"),
                "a `buildargs` query parameter",
            )
        })?;
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
pub(super) fn network_connect_consumes_json(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let (pointer, op) = operation(spec, "NetworkConnect", stale)?;
    if op.consumes.as_deref() != Some(&["application/octet-stream".to_owned()][..]) {
        return Err(stale.at(
            &format!("{pointer}/consumes"),
            "`[application/octet-stream]`",
        ));
    }
    op.consumes = Some(vec!["application/json".into()]);
    Ok(())
}

/// `ContainerSummary` is defined as the whole *list* (`type: array`), which `ContainerList`
/// answers, but `/system/df` lists `Containers` as an array *of* `ContainerSummary`, i.e.
/// an array of arrays, and a real 20.10 engine's answer to `GET /v1.25/system/df` does not
/// decode (tests/tests/engine_system.rs). From v1.40 on the spec defines
/// `ContainerSummary` as one container and `ContainerList` as an array of it; so here.
pub(super) fn container_summary_is_one_container(spec: &mut Spec, stale: &Stale) -> Result<()> {
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
pub(super) fn network_config_is_network_settings(spec: &mut Spec, stale: &Stale) -> Result<()> {
    const OLD: [&str; 7] = [
        "Address",
        "Bridge",
        "Gateway",
        "IPPrefixLen",
        "MacAddress",
        "PortMapping",
        "Ports",
    ];
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
        return Err(stale.at(
            &format!("{pointer}/properties"),
            &format!("exactly {OLD:?}"),
        ));
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
pub(super) fn port_map_values_may_be_null(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let pointer = "/definitions/PortMap/additionalProperties";
    let map = definition(spec, "PortMap", stale)?;
    let Some(AdditionalProperties::Schema(values)) = &mut map.additional_properties else {
        return Err(stale.at(pointer, "a value schema"));
    };
    if values.x_nullable == Some(true) {
        return Err(stale.at(
            &format!("{pointer}/x-nullable"),
            &format!("{X_NULLABLE} not already true"),
        ));
    }
    values.x_nullable = Some(true);
    Ok(())
}

/// The network prune answer lists `VolumesDeleted` (copied from the volume prune), but
/// daemons send `NetworksDeleted`, so a v1.25 client never saw which networks went
/// (tests/tests/engine_networks.rs, 20.10 engine); v1.26 corrected the key.
pub(super) fn network_prune_deletes_networks(spec: &mut Spec, stale: &Stale) -> Result<()> {
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

/// `SecretCreate`'s body (the secret's spec) is not marked required, so the generated
/// call made it an optional builder method; but without it there is no name and no data,
/// and the daemon answers 400 (tests/tests/engine_swarm.rs sends one without a body).
pub(super) fn secret_create_body_is_required(spec: &mut Spec, stale: &Stale) -> Result<()> {
    body_is_required(spec, "SecretCreate", stale)
}

/// As `secret_create_body_is_required`, for `ConfigCreate` (API 1.30+).
pub(super) fn config_create_body_is_required(spec: &mut Spec, stale: &Stale) -> Result<()> {
    body_is_required(spec, "ConfigCreate", stale)
}

/// `SecretCreate` and `ConfigCreate` answer `{"ID": "…"}` (swarm's `ID` spelling, as
/// their v1.25–v1.35 inline answer said), but from v1.36 the spec points them at
/// `IdResponse`, whose key is `Id`; Go decodes keys case-insensitively, serde does not,
/// so a 26.1 engine's answer did not decode (tests/tests/engine_swarm.rs). The answer is
/// the inline `{ID}` object again (`SecretCreateResponse` / `ConfigCreateResponse`).
pub(super) fn swarm_create_answers_upper_case_id(spec: &mut Spec, stale: &Stale) -> Result<()> {
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
            .ok_or_else(|| {
                stale.at(
                    &format!("{pointer}/responses/201/schema"),
                    "`$ref: IdResponse`",
                )
            })?;
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

/// v1.27 spells the container resources' key `NanoCPUs`, but the daemon's JSON key is
/// `NanoCpus` (`NanoCPUs int64 json:"NanoCpus"` in moby's api/types/container/host_config.go
/// at v20.10.24; v1.28 spells it so): serde matches keys exactly, so a v1.27 client never
/// read (nor set) the CPU quota. Found by the corpus (tests/fixtures/corpus/, every engine
/// at 1.27).
pub(super) fn resources_nano_cpus_spelling(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let resources = definition(spec, "Resources", stale)?;
    rename_property(
        resources,
        "NanoCPUs",
        "NanoCpus",
        "/definitions/Resources",
        stale,
    )
}

/// `ImageSummary.VirtualSize` is required up to v1.42, but the daemon's Go field is
/// `VirtualSize int64 json:"VirtualSize,omitempty"` (moby's api/types/image/summary.go at
/// v26.1.5): an image of size 0 (a `FROM scratch` image with only labels) is listed
/// without it, and engines 26.1 and 28.5 answer so at every version below 1.44 (the
/// corpus, tests/fixtures/corpus/). v1.43 no longer lists it as required.
pub(super) fn image_summary_virtual_size_may_be_absent(
    spec: &mut Spec,
    stale: &Stale,
) -> Result<()> {
    let summary = definition(spec, "ImageSummary", stale)?;
    let before = summary.required.len();
    summary.required.retain(|r| r != "VirtualSize");
    if summary.required.len() == before {
        return Err(stale.at(
            "/definitions/ImageSummary/required",
            "`VirtualSize` listed as required",
        ));
    }
    Ok(())
}
