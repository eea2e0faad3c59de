//! Helpers of `swarm_multinode.rs`: the swarm under test, service specs, waiting for
//! tasks, updates read-modify-write, exec in a task, the leader.

use std::collections::HashMap;
use std::time::Duration;

use dockwright_tests::engines::labels;
use dockwright_tests::engines::Cleanup;
use dockwright_tests::json;
use dockwright_tests::swarm::{wait_until, Node};
use dockwright_v1_51::client::Client;
use dockwright_v1_51::filters::TaskListFilters;
use dockwright_v1_51::models::{NodeSpec, ServiceSpec};
use futures_util::StreamExt;
use serde_json::{json as j, Value};

pub const MINUTE: Duration = Duration::from_secs(60);

/// A task's command that stops at once: busybox `sh` as PID 1 ignores SIGTERM unless it
/// traps it (the short stop grace period covers anything else).
pub const SLEEP: &str = "trap 'exit 0' TERM; sleep 600 & wait";

pub struct Swarm {
    pub nodes: [Node; 3],
    pub clients: [Client; 3],
    /// The v1.25 crate on the same sockets.
    pub old: [dockwright_v1_25::client::Client; 3],
    /// Node ids, in node order.
    pub ids: Vec<String>,
    pub image: String,
    pub run_id: String,
    pub _cleanups: Vec<Cleanup>,
}

/// A replicated service spec of busybox `sh -c CMD`, with a short stop grace period
/// (busybox as PID 1 ignores SIGTERM) and `extra` merged into the spec's JSON.
pub fn service(s: &Swarm, name: &str, replicas: i64, cmd: &str, extra: Value) -> ServiceSpec {
    let mut spec = j!({
        "Name": name,
        "Labels": labels(&s.run_id),
        "TaskTemplate": {
            "ContainerSpec": {
                "Image": s.image,
                "Command": ["sh", "-c", cmd],
                "StopGracePeriod": 1_000_000_000i64,
            },
            // Not "none": the orchestrator would never refill a slot whose task ended
            // (scaling to 0 and back up would start nothing).
            "RestartPolicy": {"Condition": "any", "Delay": 200_000_000i64},
        },
        "Mode": {"Replicated": {"Replicas": replicas}},
    });
    merge(&mut spec, extra);
    serde_json::from_value(spec).expect("a ServiceSpec")
}

pub fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (slot, value) => *slot = value,
    }
}

pub async fn create(client: &Client, spec: ServiceSpec) -> String {
    let created = client
        .service_create(spec)
        .await
        .unwrap_or_else(|e| panic!("service create: {e}"));
    created.id.expect("service ID")
}

/// The tasks of `service` that run and should, as JSON; through the v1.25 crate's filters
/// (service, desired state, and `node` when given).
pub async fn running(
    s: &Swarm,
    via: usize,
    service: &str,
    node: Option<&str>,
) -> Result<Vec<Value>, String> {
    let mut filters = dockwright_v1_25::filters::TaskListFilters::new()
        .service(service)
        .desired_state("running");
    if let Some(node) = node {
        filters = filters.node(node);
    }
    let tasks = s.old[via]
        .task_list()
        .filters(filters)
        .await
        .map_err(|e| e.to_string())?;
    Ok(tasks
        .iter()
        .map(json)
        .filter(|t| t["Status"]["State"] == "running")
        .collect())
}

/// Waits until exactly `n` tasks of `service` run; returns them.
pub async fn wait_running(s: &Swarm, service: &str, n: usize) -> Vec<Value> {
    wait_until(
        &format!("{n} running tasks of {service}"),
        MINUTE,
        || async {
            let tasks = running(s, 0, service, None).await?;
            let all = s.clients[0]
                .task_list()
                .filters(
                    TaskListFilters::new()
                        .service(service)
                        .desired_state("running"),
                )
                .await
                .map_err(|e| e.to_string())?;
            if tasks.len() == n && all.len() == n {
                Ok(tasks)
            } else {
                let states: Vec<String> = all.iter().map(|t| json(&t.status).to_string()).collect();
                Err(format!(
                    "{} running; tasks meant to run: {states:?}",
                    tasks.len()
                ))
            }
        },
    )
    .await
}

pub fn per_node(tasks: &[Value]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for t in tasks {
        *counts
            .entry(t["NodeID"].as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    counts
}

/// Inspects the service, lets `change` edit its spec, and sends the update with the
/// inspected version; returns the version it updated.
pub async fn update(client: &Client, id: &str, change: impl FnOnce(&mut Value)) -> i64 {
    let service = client.service_inspect(id).await.expect("service inspect");
    let version = json(&service.version)["Index"]
        .as_i64()
        .expect("Version.Index");
    let mut spec = json(&service.spec);
    change(&mut spec);
    client
        .service_update(
            id,
            version,
            serde_json::from_value(spec).expect("ServiceSpec"),
        )
        .await
        .unwrap_or_else(|e| panic!("service update: {e}"));
    version
}

pub async fn wait_update_state(s: &Swarm, id: &str, state: &str) {
    wait_until(&format!("update state {state}"), MINUTE, || async {
        let service = s.clients[0]
            .service_inspect(id)
            .await
            .map_err(|e| e.to_string())?;
        let status = json(&service)["UpdateStatus"].clone();
        if status["State"] == state {
            Ok(())
        } else {
            Err(status.to_string())
        }
    })
    .await
}

pub async fn set_node(s: &Swarm, node: usize, change: impl FnOnce(&mut NodeSpec)) {
    let inspected = s.clients[0]
        .node_inspect(&s.ids[node])
        .await
        .expect("node inspect");
    let version = json(&inspected.version)["Index"].as_i64().unwrap();
    let mut spec = inspected.spec.expect("Spec");
    change(&mut spec);
    s.clients[0]
        .node_update(&s.ids[node], version)
        .body(spec)
        .await
        .unwrap_or_else(|e| panic!("node update: {e}"));
}

/// Runs `cmd` in a container of the node `client` talks to; returns its stdout.
pub async fn exec(client: &Client, container: &str, cmd: &[&str]) -> String {
    let created = client
        .container_exec(
            container,
            serde_json::from_value(j!({"AttachStdout": true, "AttachStderr": true, "Cmd": cmd}))
                .unwrap(),
        )
        .await
        .unwrap_or_else(|e| panic!("exec create: {e}"));
    let attached = client
        .exec_start(created.id)
        .body(serde_json::from_value(j!({"Detach": false, "Tty": false})).unwrap())
        .await
        .unwrap_or_else(|e| panic!("exec start: {e}"));
    let (_input, output) = attached.into_parts();
    let frames: Vec<_> =
        tokio::time::timeout(MINUTE, output.map(|f| f.expect("exec output")).collect())
            .await
            .expect("exec output ends");
    let (out, err) = dockwright_runtime::split_output(&frames);
    assert!(
        err.is_empty(),
        "exec {cmd:?}: {}",
        String::from_utf8_lossy(&err)
    );
    String::from_utf8_lossy(&out).into_owned()
}

pub fn container_of(task: &Value) -> String {
    task["Status"]["ContainerStatus"]["ContainerID"]
        .as_str()
        .expect("ContainerID")
        .to_owned()
}

/// The leader's node id, as `via` sees it.
pub async fn leader(client: &Client) -> Result<String, String> {
    let nodes = client.node_list().await.map_err(|e| e.to_string())?;
    nodes
        .iter()
        .map(json)
        .find(|n| n["ManagerStatus"]["Leader"] == true)
        .and_then(|n| n["ID"].as_str().map(str::to_owned))
        .ok_or_else(|| format!("no leader in {nodes:?}"))
}
