//! The swarm states, on the three 28.x nodes of `tests/swarm/swarm.sh` (never on the shared
//! engines): node 1 initialises a swarm, node 2 joins as a manager and node 3 as a worker;
//! the image is built on node 1 only, so a global service runs there and is rejected on
//! the other two (a task with an error). Made through the v1.51 crate on the nodes' own
//! sockets; everything is removed and every node leaves the swarm again.

use std::time::{Duration, Instant};

use dockwright_runtime::Transport;
use dockwright_v1_51::client::Client;
use serde_json::{json, Value};

use crate::Error;

/// The swarm's objects, as (what, id) per kind.
#[derive(Debug, Default)]
pub struct SwarmObjects {
    pub services: Vec<(String, String)>,
    pub tasks: Vec<(String, String)>,
    pub nodes: Vec<(String, String)>,
    pub secrets: Vec<(String, String)>,
    pub configs: Vec<(String, String)>,
    pub image: Option<String>,
}

fn to<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Error> {
    Ok(serde_json::from_value(value)?)
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// Forms the swarm and creates its objects; `nodes` are (transport, private address).
pub async fn setup(
    nodes: &[(Transport, String); 3],
    run: &str,
    busybox: &[u8],
    o: &mut SwarmObjects,
) -> Result<(), Error> {
    let clients: Vec<Client> = nodes.iter().map(|(t, _)| Client::new(t.clone())).collect();
    for (i, client) in clients.iter().enumerate() {
        let ping = client.ping().await?;
        if ping.swarm.as_deref().is_some_and(|s| s != "inactive") {
            return Err(format!(
                "swarm node {} is already in a swarm ({:?}): another run uses it",
                i + 1,
                ping.swarm
            )
            .into());
        }
    }
    let addr = |i: usize| nodes[i].1.clone();
    let leader = clients[0]
        .swarm_init(to(json!({"ListenAddr": format!("{}:2377", addr(0)),
                              "AdvertiseAddr": addr(0)}))?)
        .await?;
    let tokens = json(&clients[0].swarm_inspect().await?)["JoinTokens"].clone();
    for (i, role) in [(1, "Manager"), (2, "Worker")] {
        clients[i]
            .swarm_join(to(json!({
                "ListenAddr": format!("{}:2377", addr(i)), "AdvertiseAddr": addr(i),
                "RemoteAddrs": [format!("{}:2377", addr(0))],
                "JoinToken": tokens[role]}))?)
            .await?;
    }
    let tag = format!("{run}:latest");
    let label = json!({"org.dockwright.corpus": run});
    let labels = serde_json::from_value(label.clone())?;
    crate::host::build(
        &dockwright_v1_41::client::Client::new(nodes[0].0.clone()),
        busybox,
        "",
        Some(&tag),
        labels,
    )
    .await?;
    o.image = Some(tag.clone());
    let docker = &clients[0];
    let data = "c2VjcmV0IGRhdGE="; // base64 of "secret data"
    for (what, labels) in [("labelled", label.clone()), ("unlabelled", Value::Null)] {
        let mut spec = json!({"Name": format!("{run}-{what}"), "Data": data});
        if !labels.is_null() {
            spec["Labels"] = labels;
        }
        let secret = docker.secret_create(to(spec.clone())?).await?;
        o.secrets.push((what.into(), secret.id));
        let config = docker.config_create(to(spec)?).await?;
        o.configs.push((what.into(), config.id));
    }
    let file = |name: &str| json!({"Name": name, "UID": "0", "GID": "0", "Mode": 0o444});
    let services = [
        (
            "replicated-labelled",
            json!({"Name": format!("{run}-replicated"), "Labels": label,
                "TaskTemplate": {
                    "ContainerSpec": {"Image": tag, "Command": ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"],
                        "Env": ["A=1"], "StopGracePeriod": 1_000_000_000_i64,
                        "Secrets": [{"SecretID": o.secrets[0].1, "SecretName": format!("{run}-labelled"),
                                     "File": file("the-secret")}],
                        "Configs": [{"ConfigID": o.configs[0].1, "ConfigName": format!("{run}-labelled"),
                                     "File": file("/etc/the-config")}]},
                    "Placement": {"Constraints": [format!("node.id=={leader}")]},
                    "RestartPolicy": {"Condition": "any", "Delay": 200_000_000_i64}},
                "Mode": {"Replicated": {"Replicas": 1}}}),
        ),
        (
            "global-unlabelled",
            json!({"Name": format!("{run}-global"),
                "TaskTemplate": {
                    "ContainerSpec": {"Image": tag, "Command": ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"],
                        "StopGracePeriod": 1_000_000_000_i64},
                    "RestartPolicy": {"Condition": "none"}},
                "Mode": {"Global": {}}}),
        ),
    ];
    for (what, spec) in services {
        let created = docker.service_create(to(spec)?).await?;
        o.services
            .push((what.into(), created.id.ok_or("service create: no ID")?));
    }
    // Tasks: wait for the two running ones on node 1 and the rejected ones elsewhere.
    let start = Instant::now();
    let tasks = loop {
        let tasks = json(&docker.task_list().await?);
        let states: Vec<&str> = tasks
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["Status"]["State"].as_str())
            .collect();
        let running = states.iter().filter(|s| **s == "running").count();
        if (running >= 2 && states.len() >= 4) || start.elapsed() > Duration::from_secs(90) {
            break tasks;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    for task in tasks.as_array().into_iter().flatten() {
        let service = o
            .services
            .iter()
            .find(|(_, id)| task["ServiceID"] == id.as_str())
            .map(|(what, _)| what.split('-').next().unwrap_or_default())
            .unwrap_or("other");
        let what = format!(
            "{service}-{}",
            task["Status"]["State"].as_str().unwrap_or("?")
        );
        if !o.tasks.iter().any(|(w, _)| *w == what) {
            let id = task["ID"].as_str().unwrap_or_default().to_owned();
            o.tasks.push((what, id));
        }
    }
    for (i, client) in clients.iter().enumerate() {
        let info = json(&client.system_info().await?);
        let id = info["Swarm"]["NodeID"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let what = ["manager-leader", "manager", "worker"][i];
        o.nodes.push((what.into(), id));
    }
    Ok(())
}

/// Removes the swarm's objects and makes every node leave; errors are ignored.
pub async fn teardown(nodes: &[(Transport, String); 3], o: &SwarmObjects) {
    let clients: Vec<Client> = nodes.iter().map(|(t, _)| Client::new(t.clone())).collect();
    for (_, id) in &o.services {
        let _ = clients[0].service_delete(id).await;
    }
    for (_, id) in &o.secrets {
        let _ = clients[0].secret_delete(id).await;
    }
    for (_, id) in &o.configs {
        let _ = clients[0].config_delete(id).await;
    }
    for client in clients.iter().rev() {
        let _ = client.swarm_leave().force(true).await;
    }
    if let Some(image) = &o.image {
        // The tasks' containers go with the swarm; the image once they are gone.
        for _ in 0..20 {
            if clients[0].image_delete(image).force(true).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}
