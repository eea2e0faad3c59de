//! The swarm objects' shapes repaired by fix-ups, decoded by the generated models:
//! `NetworksAttachments[].Network` is a swarm network (fix-up
//! `network_attachment_is_a_swarm_network`) and a v1.25 node has `Status` and
//! `ManagerStatus` (fix-up `node_has_status`). The answers in tests/fixtures/swarm are
//! built from the daemon's Go types, not captured (their README says why): what is
//! checked is that the parts the fix-ups repair come back whole when re-encoded, which
//! fails if a key is typed wrong or dropped (before the fix-ups, the network decoded as
//! an empty object and the node's status was dropped).

use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/swarm")
        .join(name);
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// Decodes `json` as `T`, re-encodes it and returns the value of `key` before and after.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(
    json: &Value,
    key: &str,
) -> (Value, Value) {
    let decoded: T = serde_json::from_value(json.clone()).unwrap();
    let again = serde_json::to_value(&decoded).unwrap();
    (json[key].clone(), again[key].clone())
}

#[test]
fn a_task_network_attachment_keeps_its_swarm_network() {
    let task = fixture("task.json");
    assert_eq!(
        task["NetworksAttachments"][0]["Network"]["Spec"]["Name"],
        "dwt-overlay"
    );
    let (sent, kept) = round_trip::<dockwright_v1_25::models::Task>(&task, "NetworksAttachments");
    assert_eq!(sent, kept, "v1.25");
    let (sent, kept) = round_trip::<dockwright_v1_51::models::Task>(&task, "NetworksAttachments");
    assert_eq!(sent, kept, "v1.51");
    // Typed access, not a map of leftovers.
    let task: dockwright_v1_51::models::Task = serde_json::from_value(task).unwrap();
    let network = task
        .networks_attachments
        .unwrap()
        .remove(0)
        .network
        .unwrap();
    assert_eq!(network.id.as_deref(), Some("4qvuz4ko70xaltuqbt8956gd1"));
    let spec = network.spec.unwrap();
    assert_eq!(spec.name.as_deref(), Some("dwt-overlay"));
    assert_eq!(spec.attachable, Some(true));
}

#[test]
fn a_v1_25_node_keeps_its_status_and_manager_status() {
    let node = fixture("node.json");
    for key in ["Status", "ManagerStatus"] {
        let (sent, kept) = round_trip::<dockwright_v1_25::models::Node>(&node, key);
        assert!(sent.is_object(), "{key}");
        assert_eq!(sent, kept, "v1.25 {key}");
        let (sent, kept) = round_trip::<dockwright_v1_51::models::Node>(&node, key);
        assert_eq!(sent, kept, "v1.51 {key}");
    }
    let node: dockwright_v1_25::models::Node = serde_json::from_value(node).unwrap();
    assert_eq!(node.manager_status.unwrap().leader, Some(true));
    assert_eq!(
        node.status.unwrap().state,
        Some(dockwright_v1_25::models::NodeState::Ready)
    );
}
