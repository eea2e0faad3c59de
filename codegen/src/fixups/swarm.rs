//! Repairs of the swarm objects (nodes, tasks) where the spec's shape is not what a
//! swarm manager sends.

use indexmap::IndexMap;

use super::support::*;
use super::Stale;
use crate::error::Result;
use crate::swagger::{Schema, SchemaType, Spec};

/// Parses embedded definitions the way the loader does (through a JSON value, so keys
/// come in the same sorted order) and refuses any name the spec already has.
fn new_definitions(spec: &Spec, yaml: &str, stale: &Stale) -> Result<IndexMap<String, Schema>> {
    let value: serde_json::Value = serde_yaml::from_str(yaml).expect("valid embedded YAML");
    let definitions: IndexMap<String, Schema> =
        serde_json::from_value(value).expect("valid embedded schema");
    for name in definitions.keys() {
        if spec.definitions.contains_key(name) {
            return Err(stale.at(&format!("/definitions/{name}"), "no such definition yet"));
        }
    }
    Ok(definitions)
}

fn reference(name: &str) -> Schema {
    Schema {
        reference: Some(format!("#/definitions/{name}")),
        ..Schema::default()
    }
}

/// moby's api/types/swarm/network.go (v20.10.24 to v28.5.2): the swarm's view of a
/// network, which is not the engine's `Network` (`Id`, `Driver`, `Containers`, …).
const SWARM_NETWORK: &str = r##"
SwarmNetwork:
  description: |
    A network as the swarm manager holds it (moby's `swarm.Network`): not the engine's
    `Network`.
  type: object
  properties:
    ID:
      type: string
    Version:
      type: object
      properties:
        Index:
          type: integer
          format: uint64
    CreatedAt:
      type: string
      format: dateTime
    UpdatedAt:
      type: string
      format: dateTime
    Spec:
      $ref: "#/definitions/SwarmNetworkSpec"
    DriverState:
      $ref: "#/definitions/SwarmDriver"
    IPAMOptions:
      $ref: "#/definitions/SwarmIPAMOptions"
SwarmNetworkSpec:
  description: The network's specification in the swarm (moby's `swarm.NetworkSpec`).
  type: object
  properties:
    Name:
      type: string
    Labels:
      type: object
      additionalProperties:
        type: string
    DriverConfiguration:
      $ref: "#/definitions/SwarmDriver"
    IPv6Enabled:
      type: boolean
    Internal:
      type: boolean
    Attachable:
      type: boolean
    Ingress:
      type: boolean
    IPAMOptions:
      $ref: "#/definitions/SwarmIPAMOptions"
    ConfigFrom:
      description: The network this one takes its configuration from.
      type: object
      properties:
        Network:
          type: string
    Scope:
      type: string
SwarmDriver:
  description: A driver and its options (moby's `swarm.Driver`).
  type: object
  properties:
    Name:
      type: string
    Options:
      type: object
      additionalProperties:
        type: string
SwarmIPAMOptions:
  description: The IP address management of a swarm network (moby's `swarm.IPAMOptions`).
  type: object
  properties:
    Driver:
      $ref: "#/definitions/SwarmDriver"
    Configs:
      type: array
      items:
        $ref: "#/definitions/SwarmIPAMConfig"
SwarmIPAMConfig:
  description: One IP address range of a swarm network (moby's `swarm.IPAMConfig`).
  type: object
  properties:
    Subnet:
      type: string
    Range:
      type: string
    Gateway:
      type: string
"##;

/// `NetworkAttachment.Network` (in `Task.NetworksAttachments`) refers to the engine's
/// `Network`, whose keys (`Id`, `Created`, `Driver`, …) are not the ones a manager sends:
/// the daemon's type is `swarm.NetworkAttachment{Network swarm.Network}` (moby's
/// api/types/swarm/network.go, v1.13.0 to v28.5.2) with `ID`, `Version`, `Spec`,
/// `DriverState`, `IPAMOptions` (the spec's own example shows those keys), so every crate
/// decoded it as an empty object. It becomes `SwarmNetwork`, built from the Go types.
pub(super) fn network_attachment_is_a_swarm_network(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let definitions = new_definitions(spec, SWARM_NETWORK, stale)?;
    let pointer = "/definitions/NetworkAttachment";
    let attachment = definition(spec, "NetworkAttachment", stale)?;
    let network = property(attachment, "Network", pointer, stale)?;
    if network.reference.as_deref() != Some("#/definitions/Network") {
        return Err(stale.at(
            &format!("{pointer}/properties/Network/$ref"),
            "`#/definitions/Network`",
        ));
    }
    *network = reference("SwarmNetwork");
    spec.definitions.extend(definitions);
    spec.definitions.sort_keys();
    Ok(())
}

/// v1.32's definitions of a node's status, unchanged up to v1.55.
const NODE_STATUS: &str = r##"
NodeStatus:
  description: |
    NodeStatus represents the status of a node.

    It provides the current status of the node, as seen by the manager.
  type: object
  properties:
    State:
      $ref: "#/definitions/NodeState"
    Message:
      type: string
    Addr:
      description: IP address of the node.
      type: string
NodeState:
  description: NodeState represents the state of a node.
  type: string
  enum: [unknown, down, ready, disconnected]
ManagerStatus:
  description: |
    ManagerStatus represents the status of a manager.

    It provides the current status of a node's manager component, if the node
    is a manager.
  x-nullable: true
  type: object
  properties:
    Leader:
      type: boolean
      default: false
    Reachability:
      $ref: "#/definitions/Reachability"
    Addr:
      description: The IP address and port at which the manager is reachable.
      type: string
Reachability:
  description: Reachability represents the reachability of a node.
  type: string
  enum: [unknown, unreachable, reachable]
"##;

/// `Node` lacks `Status` and `ManagerStatus` up to v1.31, but daemons send both at every
/// API version (moby's api/types/swarm/node.go: `Status NodeStatus`, `ManagerStatus
/// *ManagerStatus`, the same from v1.13.0 to v28.5.2; the handler does not reshape nodes by
/// version), so a node's state and leadership were lost. v1.32 documents them: its
/// definitions are added as they are there.
pub(super) fn node_has_status(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let definitions = new_definitions(spec, NODE_STATUS, stale)?;
    let pointer = "/definitions/Node";
    let node = definition(spec, "Node", stale)?;
    for key in ["Status", "ManagerStatus"] {
        if node.properties.contains_key(key) {
            return Err(stale.at(
                &format!("{pointer}/properties/{key}"),
                "no such property yet",
            ));
        }
    }
    node.properties
        .insert("Status".into(), reference("NodeStatus"));
    node.properties
        .insert("ManagerStatus".into(), reference("ManagerStatus"));
    spec.definitions.extend(definitions);
    spec.definitions.sort_keys();
    Ok(())
}

/// `ConfigSpec.Data` is a base64 string, not an array of strings (v1.30 only; the v1.31
/// spec says `type: string`): moby's `swarm.ConfigSpec` holds it as `[]byte`, which Go's
/// encoding/json writes as one base64 string. Evidence: the 28.5 engine's config list and
/// inspect answers at API 1.30 in tests/fixtures/corpus/engine-28.5.json (`"Data":
/// "c2VjcmV0IGRhdGE="`), which the v1.30 crate could not decode; and a v1.30 config create
/// would send an array the daemon refuses.
pub(super) fn config_spec_data_is_a_string(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let config = definition(spec, "ConfigSpec", stale)?;
    let data = property(config, "Data", "/definitions/ConfigSpec", stale)?;
    if data.single_type() != Some("array") {
        return Err(stale.at("/definitions/ConfigSpec/properties/Data", "`type: array`"));
    }
    data.ty = Some(SchemaType::One("string".into()));
    data.items = None;
    Ok(())
}

/// v1.27 spells a node's `Description.Resources` key `NanoCpus` (the counterpart of
/// `resources_nano_cpus_spelling`: that version swapped the two spellings), but a swarm
/// manager sends `NanoCPUs` (`NanoCPUs int64 json:",omitempty"` in moby's
/// api/types/swarm/task.go `Resources`, as v1.26 and v1.28 spell it). Evidence: the node
/// list and inspect answers of the 28.5 swarm at API 1.27 in
/// tests/fixtures/corpus/engine-28.5.json, whose key the v1.27 crate left unread.
pub(super) fn node_resources_nano_cpus_spelling(spec: &mut Spec, stale: &Stale) -> Result<()> {
    let pointer = "/definitions/Node/properties/Description/properties/Resources";
    let resources = definition(spec, "Node", stale)?
        .properties
        .get_mut("Description")
        .and_then(|d| d.properties.get_mut("Resources"))
        .ok_or_else(|| stale.at(pointer, "the inline Resources object"))?;
    rename_property(resources, "NanoCpus", "NanoCPUs", pointer, stale)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const SPEC: &str = r##"
swagger: "2.0"
info: {title: t, version: "1.25"}
definitions:
  Network:
    type: object
    properties:
      Id: {type: string}
  NetworkAttachment:
    type: object
    properties:
      Network:
        $ref: "#/definitions/Network"
  Node:
    type: object
    properties:
      ID: {type: string}
"##;

    fn spec() -> Spec {
        crate::swagger::parse(SPEC.as_bytes(), Path::new("v1.25.yaml"))
            .unwrap()
            .spec
    }

    fn stale(fixup: &'static str) -> Stale<'static> {
        Stale {
            file: Path::new("v1.25.yaml"),
            fixup,
        }
    }

    #[test]
    fn a_task_network_attachment_holds_a_swarm_network() {
        let mut spec = spec();
        let stale = stale("network_attachment_is_a_swarm_network");
        network_attachment_is_a_swarm_network(&mut spec, &stale).unwrap();
        let network = &spec.definitions["NetworkAttachment"].properties["Network"];
        assert_eq!(
            network.reference.as_deref(),
            Some("#/definitions/SwarmNetwork")
        );
        let swarm = &spec.definitions["SwarmNetwork"];
        for key in [
            "ID",
            "Version",
            "CreatedAt",
            "UpdatedAt",
            "Spec",
            "DriverState",
        ] {
            assert!(swarm.properties.contains_key(key), "{key}");
        }
        assert!(spec.definitions["SwarmNetworkSpec"]
            .properties
            .contains_key("Labels"));
        // The engine's Network is left as it is.
        assert!(spec.definitions["Network"].properties.contains_key("Id"));
        let err = network_attachment_is_a_swarm_network(&mut spec, &stale)
            .unwrap_err()
            .to_string();
        assert!(err.contains("/definitions/Swarm"), "{err}");
    }

    #[test]
    fn a_stale_network_attachment_is_reported_at_its_reference() {
        let mut spec = spec();
        spec.definitions
            .get_mut("NetworkAttachment")
            .unwrap()
            .properties
            .insert("Network".into(), reference("Elsewhere"));
        let err = network_attachment_is_a_swarm_network(
            &mut spec,
            &stale("network_attachment_is_a_swarm_network"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("/definitions/NetworkAttachment/properties/Network/$ref"),
            "{err}"
        );
    }

    #[test]
    fn a_node_gets_its_status_and_manager_status_once() {
        let mut spec = spec();
        let stale = stale("node_has_status");
        node_has_status(&mut spec, &stale).unwrap();
        let node = &spec.definitions["Node"];
        assert_eq!(
            node.properties["Status"].reference.as_deref(),
            Some("#/definitions/NodeStatus")
        );
        assert_eq!(
            node.properties["ManagerStatus"].reference.as_deref(),
            Some("#/definitions/ManagerStatus")
        );
        assert_eq!(
            spec.definitions["NodeState"]
                .enumeration
                .as_ref()
                .unwrap()
                .len(),
            4
        );
        let err = node_has_status(&mut spec, &stale).unwrap_err().to_string();
        assert!(err.contains("node_has_status"), "{err}");
    }
}
