//! Swarm mode through the v1.45 crate on the 26.1 engine, in one test function (one swarm
//! per host can hold its ports, so it must not race itself): init on 127.0.0.1, swarm and
//! node inspect, services (create, inspect, update from the inspected spec, list, tasks,
//! remove), secrets and configs (create, inspect, list, remove), every typed filter
//! method of the swarm lists sent alone (none rejected), leave. A guard leaves the
//! swarm and removes what was created even when an assertion fails.
//!
//! The service runs busybox `sh` (two lines of output, then `sleep`) with no network
//! attached (services cannot use network mode `none`); its output is read back through
//! the service's and the task's logs.

use dockwright_runtime as rt;
use dockwright_tests::engines::{label_filter, labels, unique, Engine, ENGINE_26_1};
use dockwright_tests::json;
use dockwright_tests::swarm::base64;
use dockwright_v1_45::client::Client;
use dockwright_v1_45::filters::{
    ConfigListFilters, NodeListFilters, SecretListFilters, ServiceListFilters, TaskListFilters,
};
use dockwright_v1_45::models::{
    ConfigSpec, SecretSpec, ServiceSpec, ServiceSpecMode, ServiceSpecModeReplicated, SwarmInitBody,
    TaskSpec, TaskSpecContainerSpec, TaskSpecRestartPolicy, TaskSpecRestartPolicyCondition,
};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swarm_services_secrets_configs_on_26_1() {
    let Some(engine) = Engine::get(ENGINE_26_1) else {
        return;
    };
    let client = Client::new(engine.transport());
    let Some(image) = dockwright_tests::shared_busybox!(client, &engine) else {
        return;
    };
    let ping = client.ping().await.unwrap();
    assert_eq!(
        ping.swarm.as_deref(),
        Some("inactive"),
        "the 26.1 engine is already in a swarm (a previous run killed mid-test? leave it with POST /swarm/leave?force=1)"
    );

    let cleanup = engine.cleanup();
    let run_id = unique("swarm");
    // `swarm init` creates the `docker_gwbridge` network, which outlives the swarm:
    // removed after leaving (registered before the swarm, so it runs after it).
    let had_gwbridge = client.network_inspect("docker_gwbridge").await.is_ok();
    if !had_gwbridge {
        cleanup.network("docker_gwbridge");
    }
    // Leaving removes the swarm's services, secrets and configs too.
    cleanup.swarm();

    // Init on loopback only.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let node_id = client
        .swarm_init(SwarmInitBody {
            listen_addr: Some(format!("127.0.0.1:{port}")),
            advertise_addr: Some("127.0.0.1".into()),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("swarm init: {e}"));
    assert!(!node_id.is_empty());
    let ping = client.ping().await.unwrap();
    assert_eq!(ping.swarm.as_deref(), Some("active/manager"), "{ping:?}");

    // Swarm and node.
    let swarm = client
        .swarm_inspect()
        .await
        .unwrap_or_else(|e| panic!("swarm inspect: {e}"));
    assert!(
        swarm.id.as_deref().is_some_and(|id| !id.is_empty()),
        "{swarm:?}"
    );
    assert!(json(&swarm)["JoinTokens"]["Worker"]
        .as_str()
        .is_some_and(|t| t.starts_with("SWMTKN-")));
    let info = client.system_info().await.unwrap();
    let swarm_info = json(&info.swarm);
    assert_eq!(swarm_info["LocalNodeState"], "active", "{swarm_info}");
    assert_eq!(swarm_info["NodeID"], node_id.as_str());
    assert_eq!(swarm_info["NodeAddr"], "127.0.0.1");
    let nodes = client
        .node_list()
        .await
        .unwrap_or_else(|e| panic!("node list: {e}"));
    assert_eq!(nodes.len(), 1, "{nodes:?}");
    assert_eq!(nodes[0].id.as_deref(), Some(node_id.as_str()));
    let managers = client
        .node_list()
        .filters(NodeListFilters::new().role("manager"))
        .await
        .unwrap();
    assert_eq!(managers.len(), 1);
    let workers = client
        .node_list()
        .filters(NodeListFilters::new().role("worker"))
        .await
        .unwrap();
    assert!(workers.is_empty(), "{workers:?}");
    let node = client
        .node_inspect(&node_id)
        .await
        .unwrap_or_else(|e| panic!("node inspect: {e}"));
    let node_json = json(&node);
    assert_eq!(node_json["Status"]["State"], "ready", "{node_json}");
    assert_eq!(node_json["Status"]["Addr"], "127.0.0.1", "{node_json}");
    assert_eq!(node_json["ManagerStatus"]["Leader"], true, "{node_json}");
    assert_eq!(node_json["Spec"]["Role"], "manager", "{node_json}");
    assert!(client
        .node_inspect("no-such-node")
        .await
        .unwrap_err()
        .is_not_found());

    // Secrets.
    let secret_name = format!("{run_id}-secret");
    let secret = client
        .secret_create(SecretSpec {
            name: Some(secret_name.clone()),
            labels: Some(labels(&run_id)),
            data: Some(base64("s3cr3t value")),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("secret create: {e}"));
    let secret_id = secret.id.clone();
    cleanup.secret(&secret_id);
    let inspected = client
        .secret_inspect(&secret_id)
        .await
        .unwrap_or_else(|e| panic!("secret inspect: {e}"));
    let spec = inspected.spec.clone().expect("Spec");
    assert_eq!(spec.name.as_deref(), Some(secret_name.as_str()));
    assert_eq!(spec.labels.as_ref(), Some(&labels(&run_id)));
    assert_eq!(
        spec.data, None,
        "the daemon never gives a secret's data back"
    );
    let listed = client
        .secret_list()
        .filters(SecretListFilters::new().name(&secret_name))
        .await
        .unwrap_or_else(|e| panic!("secret list: {e}"));
    assert_eq!(
        listed.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        [Some(secret_id.clone())]
    );
    let by_label = client
        .secret_list()
        .filters(SecretListFilters::new().label(label_filter(&run_id)))
        .await
        .unwrap();
    assert_eq!(by_label.len(), 1);
    // Without a spec the daemon refuses (why the generated call takes the body as an argument).
    let err = client
        .transport()
        .request(rt::Method::POST, "/v1.45/secrets/create".into())
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err:?}");

    // Configs.
    let config_name = format!("{run_id}-config");
    let config = client
        .config_create(ConfigSpec {
            name: Some(config_name.clone()),
            labels: Some(labels(&run_id)),
            data: Some(base64("key = value\n")),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("config create: {e}"));
    let config_id = config.id.clone();
    cleanup.config(&config_id);
    let inspected = client
        .config_inspect(&config_id)
        .await
        .unwrap_or_else(|e| panic!("config inspect: {e}"));
    let spec = inspected.spec.clone().expect("Spec");
    assert_eq!(spec.name.as_deref(), Some(config_name.as_str()));
    // Unlike a secret, a config's data comes back.
    assert_eq!(spec.data.as_deref(), Some(base64("key = value\n").as_str()));
    let listed = client
        .config_list()
        .filters(ConfigListFilters::new().name(&config_name))
        .await
        .unwrap_or_else(|e| panic!("config list: {e}"));
    assert_eq!(
        listed.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        [Some(config_id.clone())]
    );
    let err = client
        .transport()
        .request(rt::Method::POST, "/v1.45/configs/create".into())
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err:?}");

    // A replicated service running busybox `sleep`, no networks attached.
    let service_name = format!("{run_id}-svc");
    let created = client
        .service_create(ServiceSpec {
            name: Some(service_name.clone()),
            labels: Some(labels(&run_id)),
            task_template: Some(TaskSpec {
                container_spec: Some(TaskSpecContainerSpec {
                    image: Some(image.clone()),
                    command: Some(vec![
                        "sh".into(),
                        "-c".into(),
                        "echo svc-hello; echo svc-oops >&2; exec sleep 300".into(),
                    ]),
                    stop_grace_period: Some(1_000_000_000),
                    ..Default::default()
                }),
                restart_policy: Some(TaskSpecRestartPolicy {
                    condition: Some(TaskSpecRestartPolicyCondition::None),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            mode: Some(ServiceSpecMode {
                replicated: Some(ServiceSpecModeReplicated { replicas: Some(1) }),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("service create: {e}"));
    let service_id = created.id.clone().expect("ID");
    cleanup.service(&service_id);

    let service = client
        .service_inspect(&service_id)
        .await
        .unwrap_or_else(|e| panic!("service inspect: {e}"));
    let spec = service.spec.clone().expect("Spec");
    assert_eq!(spec.name.as_deref(), Some(service_name.as_str()));
    assert_eq!(json(&spec)["Mode"]["Replicated"]["Replicas"], 1);
    assert_eq!(
        json(&spec)["TaskTemplate"]["ContainerSpec"]["Command"][0],
        "sh"
    );
    let version = json(&service.version)["Index"]
        .as_i64()
        .expect("Version.Index");
    assert_eq!(
        client
            .service_inspect(&service_name)
            .await
            .unwrap()
            .id
            .as_deref(),
        Some(service_id.as_str())
    );

    // Tasks: the scheduler makes one for the replica (it may fail to start; fine).
    let mut tasks = Vec::new();
    for _ in 0..100 {
        tasks = client
            .task_list()
            .filters(TaskListFilters::new().service(&service_name))
            .await
            .unwrap_or_else(|e| panic!("task list: {e}"));
        if !tasks.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!tasks.is_empty(), "no task for the service");
    assert!(
        tasks
            .iter()
            .all(|t| t.service_id.as_deref() == Some(service_id.as_str())),
        "{tasks:?}"
    );
    let task_id = tasks[0].id.clone().expect("ID");
    let task = client
        .task_inspect(&task_id)
        .await
        .unwrap_or_else(|e| panic!("task inspect: {e}"));
    assert_eq!(task.id.as_deref(), Some(task_id.as_str()));

    // The task's container runs: its output through the service's and the task's logs,
    // multiplexed stdout/stderr frames (the TTY flag is read from the inspected spec).
    let mut state = serde_json::Value::Null;
    for _ in 0..200 {
        let task = client.task_inspect(&task_id).await.unwrap();
        state = json(&task.status)["State"].clone();
        if state != "new"
            && state != "pending"
            && state != "assigned"
            && state != "accepted"
            && state != "preparing"
            && state != "ready"
            && state != "starting"
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state, "running", "the service's task did not start");
    let mut service_lines = Vec::new();
    for _ in 0..100 {
        service_lines = log_lines(
            client
                .service_logs(&service_id)
                .stdout(true)
                .stderr(true)
                .await,
        )
        .await;
        if service_lines.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    service_lines.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        service_lines,
        [
            (rt::StdStream::Stdout, "svc-hello\n".to_owned()),
            (rt::StdStream::Stderr, "svc-oops\n".to_owned())
        ]
    );
    let task_lines = log_lines(client.task_logs(&task_id).stderr(true).await).await;
    assert_eq!(
        task_lines,
        [(rt::StdStream::Stderr, "svc-oops\n".to_owned())]
    );
    let err = client
        .task_logs("no-such-task")
        .stdout(true)
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");

    // Update from the inspected spec, sent back as it is apart from the changes.
    let mut updated_spec = spec.clone();
    let mut updated_labels = labels(&run_id);
    updated_labels.insert("stage".into(), "updated".into());
    updated_spec.labels = Some(updated_labels.clone());
    updated_spec.mode = Some(ServiceSpecMode {
        replicated: Some(ServiceSpecModeReplicated { replicas: Some(0) }),
        ..Default::default()
    });
    let answer = client
        .service_update(&service_id, version, updated_spec)
        .await
        .unwrap_or_else(|e| panic!("service update: {e}"));
    assert!(json(&answer).is_object(), "{answer:?}");
    let service = client.service_inspect(&service_id).await.unwrap();
    assert_eq!(
        service.spec.as_ref().and_then(|s| s.labels.as_ref()),
        Some(&updated_labels)
    );
    assert_eq!(json(&service.spec)["Mode"]["Replicated"]["Replicas"], 0);
    assert!(json(&service.version)["Index"].as_i64().unwrap() > version);
    // The old version is now out of date: the update is refused.
    let err = client
        .service_update(&service_id, version, spec)
        .await
        .unwrap_err();
    assert!(err.status().is_some_and(|s| s >= 400), "{err:?}");

    // List.
    let listed = client
        .service_list()
        .filters(ServiceListFilters::new().name(&service_name))
        .await
        .unwrap_or_else(|e| panic!("service list: {e}"));
    assert_eq!(
        listed.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        [Some(service_id.clone())]
    );
    let by_label = client
        .service_list()
        .filters(
            ServiceListFilters::new()
                .label("stage=updated")
                .label(label_filter(&run_id)),
        )
        .await
        .unwrap();
    assert_eq!(by_label.len(), 1);
    let replicated = client
        .service_list()
        .filters(
            ServiceListFilters::new()
                .mode("global")
                .label(label_filter(&run_id)),
        )
        .await
        .unwrap();
    assert!(replicated.is_empty(), "{replicated:?}");

    // Every typed filter of the swarm lists, sent alone while the swarm and the service
    // exist (outside a swarm the daemon answers 503 before reading the filters;
    // `engine_filter_keys` leaves them to this test).
    every_swarm_list_filter(&client, &run_id, &node_id, &service_name).await;

    // Remove.
    client
        .service_delete(&service_id)
        .await
        .unwrap_or_else(|e| panic!("service remove: {e}"));
    assert!(client
        .service_inspect(&service_id)
        .await
        .unwrap_err()
        .is_not_found());
    client
        .secret_delete(&secret_id)
        .await
        .unwrap_or_else(|e| panic!("secret remove: {e}"));
    assert!(client
        .secret_inspect(&secret_id)
        .await
        .unwrap_err()
        .is_not_found());
    client
        .config_delete(&config_id)
        .await
        .unwrap_or_else(|e| panic!("config remove: {e}"));
    assert!(client
        .config_inspect(&config_id)
        .await
        .unwrap_err()
        .is_not_found());

    // Leave (a manager must force it).
    client
        .swarm_leave()
        .force(true)
        .await
        .unwrap_or_else(|e| panic!("swarm leave: {e}"));
    let ping = client.ping().await.unwrap();
    assert_eq!(ping.swarm.as_deref(), Some("inactive"));
    let err = client.swarm_inspect().await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err:?}");
    if !had_gwbridge {
        client
            .network_delete("docker_gwbridge")
            .await
            .unwrap_or_else(|e| panic!("remove docker_gwbridge: {e}"));
    }
}

/// Sends each typed filter method of the v1.45 swarm lists alone (one request each) and
/// asserts every one is answered with success; the methods are those the generated
/// `filters.rs` offers, so a new key without a request here fails. A key the daemon does
/// not read is rejected as an invalid filter on the same lists (the negative control:
/// the check can see a rejection), and so is `names` on configs (secrets only).
async fn every_swarm_list_filter(client: &Client, run_id: &str, node_id: &str, service: &str) {
    use dockwright_tests::filter_methods::{generated_methods, rejected_filter, SWARM_LISTS};
    let mut sent = std::collections::BTreeSet::new();
    let label = label_filter(run_id);
    macro_rules! each {
        ($ty:ident, $list:ident, $($m:ident($($arg:expr),*)),* $(,)?) => {$(
            let item = concat!(stringify!($ty), "::", stringify!($m));
            let answer = client.$list().filters($ty::new().$m($($arg),*)).await;
            if let Err(e) = answer {
                assert!(!rejected_filter(&e), "26.1 in a swarm: {item} rejected: {e:?}");
                panic!("26.1 in a swarm: {item}: {e:?}");
            }
            sent.insert((stringify!($ty).to_owned(), stringify!($m).to_owned()));
        )*};
    }
    each!(
        ConfigListFilters,
        config_list,
        id("x"),
        label(label.clone()),
        name("x")
    );
    each!(
        SecretListFilters,
        secret_list,
        id("x"),
        label(label.clone()),
        name("x"),
        names("x")
    );
    each!(
        NodeListFilters,
        node_list,
        id(node_id),
        label("a=b"),
        membership("accepted"),
        name("x"),
        node_label("a=b"),
        role("manager")
    );
    each!(
        ServiceListFilters,
        service_list,
        id("x"),
        label(label.clone()),
        mode("replicated"),
        name(service),
        runtime("container")
    );
    each!(
        TaskListFilters,
        task_list,
        desired_state("running"),
        id("x"),
        label(label.clone()),
        name("x"),
        node(node_id),
        service(service),
        runtime("container")
    );

    let offered: std::collections::BTreeSet<_> = generated_methods("v1_45")
        .into_iter()
        .filter(|(ty, _)| SWARM_LISTS.contains(&ty.as_str()))
        .collect();
    let missing: Vec<_> = offered.difference(&sent).collect();
    let extra: Vec<_> = sent.difference(&offered).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "swarm list filters not sent: {missing:?}; not offered: {extra:?}"
    );

    let bad = client
        .config_list()
        .filters(ConfigListFilters::new().custom("no-such-key", "x"))
        .await;
    assert!(
        bad.as_ref().is_err_and(rejected_filter),
        "unknown config filter accepted: {bad:?}"
    );
    let bad = client
        .task_list()
        .filters(TaskListFilters::new().custom("no-such-key", "x"))
        .await;
    assert!(
        bad.as_ref().is_err_and(rejected_filter),
        "unknown task filter accepted: {bad:?}"
    );
    let bad = client
        .config_list()
        .filters(ConfigListFilters::new().custom("names", "x"))
        .await;
    assert!(
        bad.as_ref().is_err_and(rejected_filter),
        "`names` accepted on configs: {bad:?}"
    );
    eprintln!(
        "26.1 in a swarm: {} filter methods of the v1.45 swarm lists sent, none rejected",
        sent.len()
    );
}

/// The frames of a (non-followed) logs answer, as (stream, text) pairs.
async fn log_lines(logs: rt::Result<rt::LogOutput>) -> Vec<(rt::StdStream, String)> {
    use futures_util::StreamExt;
    let mut logs = logs.unwrap_or_else(|e| panic!("logs: {e}"));
    let mut lines = Vec::new();
    while let Some(frame) = logs.next().await {
        let frame = frame.unwrap_or_else(|e| panic!("logs item: {e}"));
        lines.push((
            frame.stream,
            String::from_utf8_lossy(&frame.bytes).into_owned(),
        ));
    }
    lines
}
