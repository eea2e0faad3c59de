//! A real three-node swarm (three 28.x engines in network namespaces, `tests/swarm/swarm.sh`)
//! driven through the v1.51 crate, with the v1.25 crate (the oldest with the swarm calls)
//! for reads, scheduling filters and autolock. Each node is reached only through its unix
//! socket; the nodes' private addresses are only sent to the daemons.
//!
//! One test function, in scenario order, because every scenario shares the one swarm:
//! forming (3 managers), spreading and scaling, a rolling update, a stale update, rollback,
//! drain, secrets and configs across nodes, an overlay network's `tasks.NAME` DNS, the
//! service logs of all nodes, leader failover, and autolock. Guards make every node leave
//! the swarm even when an assertion fails.

#[path = "swarm_multinode/leadership.rs"]
mod leadership;
#[path = "swarm_multinode/support.rs"]
mod support;

use std::collections::{BTreeSet, HashMap};

use dockwright_tests::engines::{labels, unique, Cleanup};
use dockwright_tests::json;
use dockwright_tests::swarm::{nodes, rfc3339_seconds, wait_until};
use dockwright_v1_51::client::Client;
use dockwright_v1_51::models::{NodeSpecAvailability, SwarmInitBody, SwarmJoinBody};
use futures_util::StreamExt;
use leadership::{autolock, failover};
use serde_json::{json as j, Value};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_node_swarm() {
    let Some(nodes) = nodes() else {
        return;
    };
    let clients = nodes.clone().map(|n| Client::new(n.engine.transport()));
    let old = nodes
        .clone()
        .map(|n| dockwright_v1_25::client::Client::new(n.engine.transport()));
    let mut image = String::new();
    for (node, client) in nodes.iter().zip(&clients) {
        let ping = client
            .ping()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", node.engine.spec.name));
        if ping.swarm.as_deref() != Some("inactive") {
            // Left over from a run killed mid-test: these engines exist only for the tests.
            let _ = client.swarm_leave().force(true).await;
        }
        let Some(tag) = dockwright_tests::shared_busybox!(client, &node.engine) else {
            return;
        };
        image = tag;
    }
    // Registered first, dropped last: every node leaves the swarm (and its services go).
    let cleanups: Vec<Cleanup> = nodes
        .iter()
        .map(|n| {
            let c = n.engine.cleanup();
            c.swarm();
            c
        })
        .collect();
    let mut swarm = Swarm {
        nodes,
        clients,
        old,
        ids: Vec::new(),
        image,
        run_id: unique("swarm3"),
        _cleanups: cleanups,
    };
    let t = std::time::Instant::now();
    form(&mut swarm).await;
    eprintln!("formed in {:?}", t.elapsed());
    spread_scale_update_rollback(&swarm).await;
    eprintln!("services done at {:?}", t.elapsed());
    drain(&swarm).await;
    secrets_and_configs(&swarm).await;
    overlay_dns(&swarm).await;
    logs_of_every_node(&swarm).await;
    eprintln!("drain/secrets/overlay/logs done at {:?}", t.elapsed());
    failover(&swarm).await;
    eprintln!("failover done at {:?}", t.elapsed());
    autolock(&swarm).await;
    eprintln!("autolock done at {:?}", t.elapsed());
}

async fn form(s: &mut Swarm) {
    let [n1, n2, n3] = &s.nodes;
    let [c1, ..] = &s.clients;
    let id1 = c1
        .swarm_init(SwarmInitBody {
            listen_addr: Some(format!("{}:2377", n1.addr)),
            advertise_addr: Some(n1.addr.clone()),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("swarm init: {e}"));
    let inspected = s.old[0]
        .swarm_inspect()
        .await
        .expect("swarm inspect (v1.25)");
    let token = json(&inspected)["JoinTokens"]["Manager"]
        .as_str()
        .expect("manager join token")
        .to_owned();
    assert!(token.starts_with("SWMTKN-"), "{token}");
    for (node, client) in [(n2, &s.clients[1]), (n3, &s.clients[2])] {
        client
            .swarm_join(SwarmJoinBody {
                listen_addr: format!("{}:2377", node.addr),
                advertise_addr: Some(node.addr.clone()),
                remote_addrs: vec![format!("{}:2377", n1.addr)],
                join_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap_or_else(|e| panic!("{}: swarm join: {e}", node.engine.spec.name));
    }
    let addrs: BTreeSet<String> = s.nodes.iter().map(|n| n.addr.clone()).collect();
    let listed = wait_until("three ready managers", MINUTE, || async {
        let nodes = s.clients[0].node_list().await.map_err(|e| e.to_string())?;
        let ready: Vec<Value> = nodes
            .iter()
            .map(json)
            .filter(|n| {
                n["Status"]["State"] == "ready" && n["ManagerStatus"]["Reachability"] == "reachable"
            })
            .collect();
        if ready.len() == 3 {
            Ok(ready)
        } else {
            Err(format!("{nodes:?}"))
        }
    })
    .await;
    let seen: BTreeSet<String> = listed
        .iter()
        .map(|n| n["Status"]["Addr"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(seen, addrs, "node addresses");
    assert!(
        listed.iter().all(|n| n["Spec"]["Role"] == "manager"),
        "{listed:?}"
    );
    let leaders: Vec<&Value> = listed
        .iter()
        .filter(|n| n["ManagerStatus"]["Leader"] == true)
        .collect();
    assert_eq!(leaders.len(), 1);
    assert_eq!(
        leaders[0]["ID"],
        id1.as_str(),
        "node 1 initialised the swarm and leads"
    );
    // Node ids in node order, from each node's own view of itself.
    for client in &s.clients {
        let info = client.system_info().await.expect("info");
        s.ids.push(
            json(&info)["Swarm"]["NodeID"]
                .as_str()
                .expect("NodeID")
                .to_owned(),
        );
    }
    assert_eq!(s.ids[0], id1);
    // The v1.25 crate lists the same nodes (its spec's Node has no Status or ManagerStatus
    // yet: those fields are simply not decoded there).
    let old: BTreeSet<String> = s.old[2]
        .node_list()
        .await
        .expect("node list (v1.25)")
        .iter()
        .filter_map(|n| n.id.clone())
        .collect();
    assert_eq!(old, s.ids.iter().cloned().collect::<BTreeSet<_>>());
}

async fn spread_scale_update_rollback(s: &Swarm) {
    let c1 = &s.clients[0];
    let name = format!("{}-web", s.run_id);
    let id = create(
        c1,
        service(
            s,
            &name,
            3,
            SLEEP,
            j!({"TaskTemplate": {"ContainerSpec": {"Env": ["STAGE=1"]}}}),
        ),
    )
    .await;
    let tasks = wait_running(s, &id, 3).await;
    assert_eq!(
        per_node(&tasks).len(),
        3,
        "3 tasks spread over the 3 nodes: {tasks:?}"
    );
    for node in &s.ids {
        let on_node = running(s, 1, &name, Some(node)).await.unwrap();
        assert_eq!(on_node.len(), 1, "one task on {node}: {on_node:?}");
    }

    // Scale to 6 (two per node) and to 0.
    update(c1, &id, |spec| {
        spec["Mode"]["Replicated"]["Replicas"] = j!(6)
    })
    .await;
    let tasks = wait_running(s, &id, 6).await;
    assert!(
        per_node(&tasks).values().all(|&n| n == 2),
        "{:?}",
        per_node(&tasks)
    );
    update(c1, &id, |spec| {
        spec["Mode"]["Replicated"]["Replicas"] = j!(0)
    })
    .await;
    wait_running(s, &id, 0).await;
    update(c1, &id, |spec| {
        spec["Mode"]["Replicated"]["Replicas"] = j!(3)
    })
    .await;
    wait_running(s, &id, 3).await;

    // A rolling update, one task at a time with 1.5 s between tasks.
    let before = update(c1, &id, |spec| {
        spec["TaskTemplate"]["ContainerSpec"]["Env"] = j!(["STAGE=2"]);
        spec["Labels"]["stage"] = j!("2");
        spec["UpdateConfig"] =
            j!({"Parallelism": 1, "Delay": 1_500_000_000i64, "Order": "stop-first"});
    })
    .await;
    wait_update_state(s, &id, "completed").await;
    let tasks = wait_running(s, &id, 3).await;
    assert!(
        tasks
            .iter()
            .all(|t| t["Spec"]["ContainerSpec"]["Env"] == j!(["STAGE=2"])),
        "{tasks:?}"
    );
    let mut started: Vec<f64> = tasks
        .iter()
        .map(|t| rfc3339_seconds(t["CreatedAt"].as_str().unwrap_or_default()).expect("CreatedAt"))
        .collect();
    started.sort_by(f64::total_cmp);
    for pair in started.windows(2) {
        assert!(
            pair[1] - pair[0] >= 1.4,
            "task by task, 1.5 s apart: {started:?}"
        );
    }

    // The version the update was made against is stale now: the daemon's conflict.
    let spec = c1.service_inspect(&id).await.unwrap().spec.expect("Spec");
    let err = c1.service_update(&id, before, spec).await.unwrap_err();
    match &err {
        dockwright_runtime::Error::Api {
            status, message, ..
        } => {
            // 28.5 answers 500 with swarmkit's gRPC text ("rpc error: code = Unknown desc =
            // update out of sequence"), not 409: `is_conflict()` is false, the message says it.
            assert!(message.contains("update out of sequence"), "{err}");
            assert!(matches!(*status, 409 | 500), "{err}");
        }
        other => panic!("expected the daemon's answer, got {other:?}"),
    }

    // Rollback to the previous spec.
    let service = c1.service_inspect(&id).await.unwrap();
    let version = json(&service.version)["Index"].as_i64().unwrap();
    c1.service_update(&id, version, service.spec.clone().unwrap())
        .rollback("previous")
        .await
        .unwrap_or_else(|e| panic!("rollback: {e}"));
    wait_update_state(s, &id, "rollback_completed").await;
    let service = json(&c1.service_inspect(&id).await.unwrap());
    assert_eq!(
        service["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"],
        j!(["STAGE=1"])
    );
    assert_eq!(service["Spec"]["Labels"].get("stage"), None, "{service}");
    let tasks = wait_running(s, &id, 3).await;
    assert!(tasks
        .iter()
        .all(|t| t["Spec"]["ContainerSpec"]["Env"] == j!(["STAGE=1"])));
    c1.service_delete(&id).await.expect("service remove");
}

async fn drain(s: &Swarm) {
    let name = format!("{}-drain", s.run_id);
    let id = create(&s.clients[0], service(s, &name, 3, SLEEP, j!({}))).await;
    let tasks = wait_running(s, &id, 3).await;
    assert_eq!(per_node(&tasks).len(), 3);
    set_node(s, 2, |spec| {
        spec.availability = Some(NodeSpecAvailability::Drain);
        spec.labels = Some(HashMap::from([("dwt.zone".to_owned(), "c".to_owned())]));
    })
    .await;
    let node3 = s.ids[2].clone();
    let moved = wait_until("tasks moved off the drained node", MINUTE, || async {
        let tasks = running(s, 0, &id, None).await?;
        if tasks.len() == 3 && tasks.iter().all(|t| t["NodeID"] != node3.as_str()) {
            Ok(tasks)
        } else {
            Err(format!("{tasks:?}"))
        }
    })
    .await;
    assert_eq!(per_node(&moved).len(), 2, "rescheduled on the two others");
    let inspected = s.clients[1].node_inspect(&node3).await.unwrap();
    let spec = inspected.spec.clone().unwrap();
    assert_eq!(spec.availability, Some(NodeSpecAvailability::Drain));
    assert_eq!(
        spec.labels
            .as_ref()
            .and_then(|l| l.get("dwt.zone"))
            .map(String::as_str),
        Some("c")
    );
    set_node(s, 2, |spec| {
        spec.availability = Some(NodeSpecAvailability::Active);
        spec.labels = Some(HashMap::new());
    })
    .await;
    let spec = s.clients[2]
        .node_inspect(&node3)
        .await
        .unwrap()
        .spec
        .unwrap();
    assert_eq!(spec.availability, Some(NodeSpecAvailability::Active));
    assert!(spec.labels.unwrap_or_default().is_empty());
    s.clients[0]
        .service_delete(&id)
        .await
        .expect("service remove");
}

async fn secrets_and_configs(s: &Swarm) {
    let b64 = dockwright_tests::swarm::base64;
    let c1 = &s.clients[0];
    let secret = c1
        .secret_create(serde_json::from_value(j!({"Name": format!("{}-secret", s.run_id), "Labels": labels(&s.run_id), "Data": b64("s3cr3t across nodes")})).unwrap())
        .await
        .expect("secret create")
        .id;
    let config = c1
        .config_create(serde_json::from_value(j!({"Name": format!("{}-config", s.run_id), "Labels": labels(&s.run_id), "Data": b64("key = value\n")})).unwrap())
        .await
        .expect("config create")
        .id;
    // Created through node 1, run on node 3 only.
    let name = format!("{}-files", s.run_id);
    let extra = j!({"TaskTemplate": {
        "ContainerSpec": {
            "Secrets": [{"SecretID": secret, "SecretName": format!("{}-secret", s.run_id),
                         "File": {"Name": "the-secret", "UID": "0", "GID": "0", "Mode": 0o400}}],
            "Configs": [{"ConfigID": config, "ConfigName": format!("{}-config", s.run_id),
                         "File": {"Name": "/etc/the-config", "UID": "0", "GID": "0", "Mode": 0o444}}],
        },
        "Placement": {"Constraints": [format!("node.id=={}", s.ids[2])]},
    }});
    let id = create(c1, service(s, &name, 1, SLEEP, extra)).await;
    let tasks = wait_running(s, &id, 1).await;
    assert_eq!(tasks[0]["NodeID"], s.ids[2].as_str());
    let container = container_of(&tasks[0]);
    assert_eq!(
        exec(
            &s.clients[2],
            &container,
            &["cat", "/run/secrets/the-secret"]
        )
        .await,
        "s3cr3t across nodes"
    );
    assert_eq!(
        exec(&s.clients[2], &container, &["cat", "/etc/the-config"]).await,
        "key = value\n"
    );
    c1.service_delete(&id).await.expect("service remove");
    wait_until("the secret is free", MINUTE, || async {
        c1.secret_delete(&secret).await.map_err(|e| e.to_string())
    })
    .await;
    wait_until("the config is free", MINUTE, || async {
        c1.config_delete(&config).await.map_err(|e| e.to_string())
    })
    .await;
}

async fn overlay_dns(s: &Swarm) {
    let c1 = &s.clients[0];
    let net = format!("{}-ov", s.run_id);
    let network = c1
        .network_create(serde_json::from_value(j!({"Name": net, "Driver": "overlay", "Attachable": true, "Labels": labels(&s.run_id)})).unwrap())
        .await
        .unwrap_or_else(|e| panic!("overlay network create: {e}"));
    let net_id = json(&network)["Id"].as_str().expect("Id").to_owned();
    // DNS round robin: VIPs need IPVS, which this kernel lacks.
    let name = format!("{}-dns", s.run_id);
    let extra =
        j!({"TaskTemplate": {"Networks": [{"Target": net_id}]}, "EndpointSpec": {"Mode": "dnsrr"}});
    let id = create(c1, service(s, &name, 3, SLEEP, extra)).await;
    let tasks = wait_running(s, &id, 3).await;
    assert_eq!(per_node(&tasks).len(), 3);
    // The tasks' only network is the overlay (dnsrr without published ports: no ingress).
    // Its ID is not read: the spec types `NetworksAttachments[].Network` as the engine's
    // `Network` (`Id`), but the daemon sends a swarm network object (`ID`), so every
    // generated crate decodes that object empty.
    let task_addrs: BTreeSet<String> = tasks
        .iter()
        .flat_map(|t| {
            t["NetworksAttachments"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .flat_map(|a| a["Addresses"].as_array().cloned().unwrap_or_default())
        .map(|a| {
            a.as_str()
                .unwrap_or_default()
                .split('/')
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(task_addrs.len(), 3, "{tasks:?}");
    // From the task on node 2: every task's address, whichever node it runs on.
    let on_2 = tasks
        .iter()
        .find(|t| t["NodeID"] == s.ids[1].as_str())
        .expect("a task on node 2");
    let container = container_of(on_2);
    let query = format!("tasks.{name}");
    let resolved = wait_until("tasks.NAME resolves to every task", MINUTE, || async {
        let out = exec(&s.clients[1], &container, &["nslookup", &query]).await;
        let found: BTreeSet<String> = task_addrs
            .iter()
            .filter(|a| out.contains(a.as_str()))
            .cloned()
            .collect();
        if found == task_addrs {
            Ok(out)
        } else {
            Err(out)
        }
    })
    .await;
    assert!(resolved.contains("Address"), "{resolved}");
    c1.service_delete(&id).await.expect("service remove");
    wait_until("the overlay network is free", MINUTE, || async {
        c1.network_delete(&net_id).await.map_err(|e| e.to_string())
    })
    .await;
}

async fn logs_of_every_node(s: &Swarm) {
    let c1 = &s.clients[0];
    let name = format!("{}-logs", s.run_id);
    let extra = j!({"TaskTemplate": {
        "ContainerSpec": {"Env": ["SLOT={{.Task.Slot}}", "NODE={{.Node.Hostname}}"]},
        "Placement": {"MaxReplicas": 1},
    }});
    let id = create(
        c1,
        service(
            s,
            &name,
            3,
            "echo \"slot $SLOT on $NODE\"; echo \"err $SLOT\" >&2; trap 'exit 0' TERM; sleep 600 & wait",
            extra,
        ),
    )
    .await;
    wait_running(s, &id, 3).await;
    let lines = wait_until("a line of every task", MINUTE, || async {
        let mut logs = c1
            .service_logs(&id)
            .stdout(true)
            .stderr(true)
            .await
            .map_err(|e| e.to_string())?;
        let mut lines = BTreeSet::new();
        while let Some(frame) = logs.next().await {
            let frame = frame.map_err(|e| e.to_string())?;
            lines.insert(String::from_utf8_lossy(&frame.bytes).trim_end().to_owned());
        }
        if lines.len() == 6 {
            Ok(lines)
        } else {
            Err(format!("{lines:?}"))
        }
    })
    .await;
    let expected: BTreeSet<String> = ["err 1", "err 2", "err 3"]
        .into_iter()
        .map(String::from)
        .collect();
    assert!(expected.is_subset(&lines), "{lines:?}");
    let hosts: BTreeSet<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("slot ").and_then(|l| l.split(" on ").nth(1)))
        .collect();
    assert_eq!(
        hosts,
        BTreeSet::from(["dwsw-n1", "dwsw-n2", "dwsw-n3"]),
        "{lines:?}"
    );
    c1.service_delete(&id).await.expect("service remove");
}
