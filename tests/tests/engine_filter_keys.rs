//! Every typed filter method of the v1.41, v1.45 and v1.51 crates, sent alone (one request
//! each) to the engine of its version: none may be rejected as an invalid filter. Which
//! methods exist is read from the generated `filters.rs` of each crate, so a key the
//! generator starts offering without a request here fails the test.
//!
//! Prunes are sent so that they cannot delete anything but this test's own objects (and
//! there are none): container, image, network and volume prunes carry a `label` filter no
//! object has; build-cache prunes carry a `description` no record has and keep far more
//! storage than any cache holds. The swarm lists (configs, secrets, nodes, services,
//! tasks) answer 503 before reading the filters on an engine outside a swarm, so the
//! tests of v1.41 (20.10) and v1.51 (28.5) form a single-node swarm on their engine for
//! them (see `in_a_swarm`: nothing else of the suite uses the engine meanwhile), where
//! typed values are also seen to filter; those of v1.45 are sent outside a swarm, counted
//! as not checked and printed, and checked inside one by `engine_swarm` (the one test
//! that forms a swarm on the 26.1 engine). Image search is sent for a registry
//! on 127.0.0.1 port 1 (nothing listens there): the daemon validates the filters before
//! it connects, so a 400 is the filters' and any other error is the registry's.

use std::collections::BTreeSet;

use dockwright_tests::engines::{label_filter, labels, unique, Engine, TEST_LABEL};
use dockwright_tests::filter_methods::{generated_methods, rejected_filter};

/// What an answer may be, besides success.
#[derive(Clone, Copy, PartialEq)]
enum Allow {
    /// Only success.
    Ok,
    /// Success, or 503 "This node is not a swarm manager" (answered before the filters).
    Swarm,
    /// Success, or an error of the unreachable registry; never a 400.
    Registry,
}

/// The outcome of one request, judged; panics on a rejected filter.
fn judge(
    engine: &str,
    item: &str,
    result: Result<(), dockwright_runtime::Error>,
    allow: Allow,
    unchecked: &mut Vec<String>,
) {
    let Err(e) = result else { return };
    assert!(!rejected_filter(&e), "{engine}: {item} rejected: {e:?}");
    let status = e.status();
    match allow {
        Allow::Swarm if status == Some(503) => unchecked.push(item.to_owned()),
        // 26.1 and 28.5 answer an unreachable registry with a 400 of their own.
        Allow::Registry
            if status.is_some_and(|s| s >= 500) || e.to_string().contains("registry endpoint") => {}
        _ => panic!("{engine}: {item}: {e:?}"),
    }
}

/// What the requests of one engine found so far.
struct Cx {
    engine: &'static str,
    /// `(FiltersType, method)` of every request sent.
    sent: BTreeSet<(String, String)>,
    /// The requests answered before their filters were read.
    unchecked: Vec<String>,
}

/// `send!(cx, Type, base, method(args), allow, |f| request)`: builds `base.method(args)`,
/// sends it with `request`, judges the answer.
macro_rules! send {
    ($cx:ident, $ty:ident, $base:expr, $m:ident($($arg:expr),*), $allow:expr, |$f:ident| $call:expr) => {{
        let $f: $ty = $base.$m($($arg),*);
        let item = format!("{}::{}", stringify!($ty), stringify!($m));
        let result: Result<(), dockwright_runtime::Error> = $call;
        judge($cx.engine, &item, result, $allow, &mut $cx.unchecked);
        $cx.sent.insert((stringify!($ty).to_owned(), stringify!($m).to_owned()));
    }};
}

/// One list request per method.
macro_rules! list {
    ($cx:ident, $ty:ident, $req:expr, $allow:expr, $($m:ident($($arg:expr),*)),* $(,)?) => {$(
        send!($cx, $ty, $ty::new(), $m($($arg),*), $allow, |f| $req.filters(f).await.map(drop));
    )*};
}

/// One prune per method, each also filtered by `$nobody`, a label no object has; the
/// report must show nothing deleted.
macro_rules! prune {
    ($cx:ident, $ty:ident, $req:expr, $nobody:expr, $($m:ident($($arg:expr),*)),* $(,)?) => {$(
        send!($cx, $ty, $ty::new().label($nobody.clone()), $m($($arg),*), Allow::Ok, |f| {
            $req.filters(f).await.map(|report| {
                let report = dockwright_tests::json(&report);
                for deleted in ["ContainersDeleted", "ImagesDeleted", "NetworksDeleted", "VolumesDeleted"] {
                    let n = report[deleted].as_array().map_or(0, Vec::len);
                    assert_eq!(n, 0, "{}: a guarded prune deleted something: {report}", $cx.engine);
                }
            })
        });
    )*};
}

/// One build-cache prune per method, each also filtered by a description no record has.
macro_rules! build_prune {
    ($cx:ident, $req:expr, $no_record:expr, $($m:ident($($arg:expr),*)),* $(,)?) => {$(
        send!($cx, BuildPruneFilters, BuildPruneFilters::new().description($no_record.clone()), $m($($arg),*), Allow::Ok, |f| {
            $req.filters(f).await.map(|report| {
                let report = dockwright_tests::json(&report);
                let n = report["CachesDeleted"].as_array().map_or(0, Vec::len);
                assert_eq!(n, 0, "{}: a guarded build prune deleted something: {report}", $cx.engine);
            })
        });
    )*};
}

/// One image search per method (the registry is unreachable on purpose).
macro_rules! search {
    ($cx:ident, $req:expr, $($m:ident($($arg:expr),*)),* $(,)?) => {$(
        send!($cx, ImageSearchFilters, ImageSearchFilters::new(), $m($($arg),*), Allow::Registry,
            |f| $req.filters(f).await.map(drop));
    )*};
}

/// One events request per method, over a window that is closed, drained to its end.
macro_rules! events {
    ($cx:ident, $req:expr, $($m:ident($($arg:expr),*)),* $(,)?) => {$(
        send!($cx, SystemEventsFilters, SystemEventsFilters::new(), $m($($arg),*), Allow::Ok, |f| {
            match $req.filters(f).await {
                Err(e) => Err(e),
                Ok(mut stream) => {
                    let drained = tokio::time::timeout(std::time::Duration::from_secs(20), async {
                        while let Some(item) = futures_util::StreamExt::next(&mut stream).await {
                            item?;
                        }
                        Ok(())
                    });
                    drained.await.unwrap_or_else(|_| panic!("{}: events did not end", $cx.engine))
                }
            }
        });
    )*};
}

macro_rules! every_key {
    ($api:ident, $era:ident, $krate:literal) => {
        use $api::client::Client;
        use $api::filters::*;
        use $api::models::{ConfigSpec, ContainerCreateBody, HostConfig, SecretSpec, ServiceSpec, SwarmInitBody};

        pub async fn run(engine: &Engine) {
            let name = engine.spec.name;
            let client = Client::new(engine.transport());
            let Some(image) = dockwright_tests::shared_busybox!(client, engine) else {
                return;
            };
            let cleanup = engine.cleanup();
            let run_id = unique("keys");
            // One created (never started) container, for the keys that name one.
            let container = client
                .container_create(ContainerCreateBody {
                    image: Some(image.clone()),
                    cmd: Some(vec!["true".into()]),
                    labels: Some(labels(&run_id)),
                    host_config: Some(HostConfig { network_mode: Some("none".into()), ..Default::default() }),
                    ..Default::default()
                })
                .name(run_id.clone())
                .await
                .unwrap_or_else(|e| panic!("{name}: create: {e}"))
                .id;
            cleanup.container(&container);
            // A label no object has: every prune carries it.
            let nobody = format!("{TEST_LABEL}={run_id}-nobody");
            let no_record = format!("dwtnone{}", run_id.replace('-', ""));

            let mut cx = Cx { engine: name, sent: BTreeSet::new(), unchecked: Vec::new() };

            list!(cx, ContainerListFilters, client.container_list().all(true), Allow::Ok,
                ancestor(image.clone()),
                before(container.clone()),
                expose("80/tcp"),
                exited(0),
                health(ContainerHealth::Healthy),
                id(container.clone()),
                isolation("default"),
                is_task(false),
                label(nobody.clone()),
                name(run_id.clone()),
                network("none"),
                publish("80/tcp"),
                since(container.clone()),
                status(ContainerStatus::Running),
                volume("/data"),
            );
            list!(cx, ImageListFilters, client.image_list(), Allow::Ok,
                before(image.clone()), dangling(true), label(nobody.clone()), reference("dwt-none*"), since(image.clone()));
            after_1_41!($era, {
                list!(cx, ImageListFilters, client.image_list(), Allow::Ok, until("1h"));
            });
            list!(cx, NetworkListFilters, client.network_list(), Allow::Ok,
                dangling(true), driver("bridge"), id("dwtnone"), label(nobody.clone()), name("dwt-none"),
                scope("local"), type_(NetworkType::Custom));
            list!(cx, VolumeListFilters, client.volume_list(), Allow::Ok,
                dangling(true), driver("local"), label(nobody.clone()), name("dwt-none"));
            list!(cx, PluginListFilters, client.plugin_list(), Allow::Ok, capability("volumedriver"), enabled(true));
            prune!(cx, ContainerPruneFilters, client.container_prune(), nobody, until("1h"), label(nobody.clone()), label_not("a=b"));
            prune!(cx, ImagePruneFilters, client.image_prune(), nobody, dangling(false), until("1h"), label(nobody.clone()), label_not("a=b"));
            prune!(cx, NetworkPruneFilters, client.network_prune(), nobody, until("1h"), label(nobody.clone()), label_not("a=b"));
            prune!(cx, VolumePruneFilters, client.volume_prune(), nobody, label(nobody.clone()), label_not("a=b"));
            after_1_41!($era, {
                prune!(cx, VolumePruneFilters, client.volume_prune(), nobody, all(true));
            });
            build_prune!(cx, client.build_prune().keep_storage(1 << 50), no_record,
                until("1h"), id(no_record.clone()), parent(no_record.clone()), type_(no_record.clone()),
                description(no_record.clone()), inuse(), shared(), private(),
            );

            // Search: a registry on loopback where nothing listens (see the module docs).
            search!(cx, client.image_search("127.0.0.1:1/dwt-none"), is_official(true), stars(3));
            v1_41_only!($era, {
                search!(cx, client.image_search("127.0.0.1:1/dwt-none"), is_automated(false));
            });

            // Events: a closed window in 1970, so the stream ends at once.
            events!(cx, client.system_events().since("1").until("2"),
                config("x"), container(run_id.clone()), daemon("x"), event("start"), image("x"), label(nobody.clone()),
                network("none"), node("x"), plugin("x"), scope("local"), secret("x"), service("x"),
                type_(EventType::Container), volume("x"),
            );

            // The judge can see a rejection: a key the daemon does not accept is a 400
            // about the filter, on a list and on the search (validated before connecting).
            let bad = client.plugin_list().filters(PluginListFilters::new().custom("enable", "true")).await;
            assert!(bad.as_ref().is_err_and(rejected_filter), "{name}: `enable` accepted: {bad:?}");
            let bad = client
                .image_search("127.0.0.1:1/dwt-none")
                .filters(ImageSearchFilters::new().custom("no-such-key", "1"))
                .await;
            assert!(bad.as_ref().is_err_and(rejected_filter), "{name}: unknown search key accepted: {bad:?}");

            // The swarm lists, last: inside a swarm formed here for v1.41 and v1.51 (after
            // every other request, which it could disturb); outside one (answered 503, not
            // checked) for v1.45, which engine_swarm checks.
            swarm_here!($era, {
                in_a_swarm(&client, engine, &image, &run_id, &mut cx).await;
            } else {
                let v = SwarmValues::placeholders();
                swarm_lists!(cx, client, Allow::Swarm, v);
            });

            let offered = generated_methods($krate);
            let missing: Vec<_> = offered.difference(&cx.sent).collect();
            let extra: Vec<_> = cx.sent.difference(&offered).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{name}: not sent: {missing:?}; not offered: {extra:?}");
            let swarm_note = if cx.unchecked.is_empty() {
                "the swarm lists were sent inside a swarm formed for the test".to_owned()
            } else {
                format!(
                    "the swarm lists answered 503 outside a swarm, before the filters (checked inside a swarm by engine_swarm instead): {}",
                    cx.unchecked.join(", ")
                )
            };
            eprintln!("{name}: {} filter methods of {} sent, none rejected; {swarm_note}", cx.sent.len(), $krate);
        }

        /// Forms a single-node swarm on the engine (loopback addresses, a listen port and
        /// a VXLAN port of its own, so that it cannot collide with another swarm on the
        /// host), creates a secret, a config and a replicated service of no replicas (no
        /// task, no container), sends every typed filter method of the swarm lists alone
        /// with values that name them, shows that typed values filter (node `role`,
        /// `membership`, `name`; service `mode`, `runtime`; secret `names`), and leaves.
        ///
        /// Nothing else of the suite uses this engine meanwhile: within this binary each
        /// engine has one test, and `cargo test` runs the binaries one after another. A
        /// guard leaves the swarm and removes `docker_gwbridge` (if the swarm made it)
        /// even when an assertion fails.
        #[allow(dead_code)]
        async fn in_a_swarm(client: &Client, engine: &Engine, image: &str, run_id: &str, cx: &mut Cx) {
            use serde_json::json;
            let name = engine.spec.name;
            // (20.10's ping has no `Swarm` header: the state is read from `info`.)
            let state = || async move {
                let info = client.system_info().await.unwrap_or_else(|e| panic!("{name}: info: {e}"));
                dockwright_tests::json(&info.swarm)["LocalNodeState"].as_str().unwrap_or_default().to_owned()
            };
            assert_eq!(
                state().await,
                "inactive",
                "{name}: the engine is already in a swarm (another test's? a run killed mid-test: POST /swarm/leave?force=1)"
            );
            let cleanup = engine.cleanup();
            if client.network_inspect("docker_gwbridge").await.is_err() {
                cleanup.network("docker_gwbridge");
            }
            cleanup.swarm();
            let listen = free_port(|a| std::net::TcpListener::bind(a).map(drop));
            let vxlan = free_port(|a| std::net::UdpSocket::bind(a).map(drop));
            let body: SwarmInitBody = serde_json::from_value(json!({
                "ListenAddr": format!("127.0.0.1:{listen}"),
                "AdvertiseAddr": "127.0.0.1",
                "DataPathPort": vxlan,
            }))
            .expect("a swarm init body");
            let node_id = client.swarm_init(body).await.unwrap_or_else(|e| panic!("{name}: swarm init: {e}"));
            let node = client.node_inspect(&node_id).await.unwrap_or_else(|e| panic!("{name}: node inspect: {e}"));
            let hostname = node.description.and_then(|d| d.hostname).expect("the node's hostname");

            let label = label_filter(run_id);
            let secret = format!("{run_id}-secret");
            let spec: SecretSpec = serde_json::from_value(json!({"Name": secret, "Labels": labels(run_id), "Data": "czNjcjN0"})).expect("a secret");
            let secret_id = client.secret_create(spec).await.unwrap_or_else(|e| panic!("{name}: secret create: {e}")).id;
            cleanup.secret(&secret_id);
            let config = format!("{run_id}-config");
            let spec: ConfigSpec = serde_json::from_value(json!({"Name": config, "Labels": labels(run_id), "Data": "eA=="})).expect("a config");
            let config_id = client.config_create(spec).await.unwrap_or_else(|e| panic!("{name}: config create: {e}")).id;
            cleanup.config(&config_id);
            let service = format!("{run_id}-svc");
            let spec: ServiceSpec = serde_json::from_value(json!({
                "Name": service,
                "Labels": labels(run_id),
                "TaskTemplate": {"ContainerSpec": {"Image": image, "Command": ["sleep", "60"]}},
                "Mode": {"Replicated": {"Replicas": 0}},
            }))
            .expect("a service");
            let service_id = client
                .service_create(spec)
                .await
                .unwrap_or_else(|e| panic!("{name}: service create: {e}"))
                .id
                .expect("the service's id");
            cleanup.service(&service_id);

            let v = SwarmValues { label: label.clone(), node_id: node_id.clone(), node_name: hostname.clone(),
                secret: secret.clone(), secret_id, config, config_id, service: service.clone(), service_id: service_id.clone() };
            swarm_lists!(cx, client, Allow::Ok, v);

            // Typed values filter.
            let nodes = |f: NodeListFilters| async move {
                let list = client.node_list().filters(f).await.unwrap_or_else(|e| panic!("{name}: node list: {e}"));
                list.into_iter().filter_map(|n| n.id).collect::<Vec<_>>()
            };
            assert_eq!(nodes(NodeListFilters::new().role("manager")).await, std::slice::from_ref(&node_id), "{name}: role=manager");
            assert_eq!(nodes(NodeListFilters::new().role("worker")).await, Vec::<String>::new(), "{name}: role=worker");
            assert_eq!(nodes(NodeListFilters::new().membership("accepted")).await, std::slice::from_ref(&node_id), "{name}: membership");
            assert_eq!(nodes(NodeListFilters::new().membership("pending")).await, Vec::<String>::new(), "{name}: membership");
            assert_eq!(nodes(NodeListFilters::new().name(hostname)).await, std::slice::from_ref(&node_id), "{name}: node name");
            let services = |f: ServiceListFilters| async move {
                let list = client.service_list().filters(f.label(label_filter(run_id))).await.unwrap_or_else(|e| panic!("{name}: service list: {e}"));
                list.into_iter().filter_map(|s| s.id).collect::<Vec<_>>()
            };
            assert_eq!(services(ServiceListFilters::new().mode("replicated")).await, std::slice::from_ref(&service_id), "{name}: mode=replicated");
            assert_eq!(services(ServiceListFilters::new().mode("global")).await, Vec::<String>::new(), "{name}: mode=global");
            assert_eq!(services(ServiceListFilters::new().runtime("container")).await, std::slice::from_ref(&service_id), "{name}: runtime=container");
            assert_eq!(services(ServiceListFilters::new().runtime("plugin")).await, Vec::<String>::new(), "{name}: runtime=plugin");
            assert_eq!(services(ServiceListFilters::new().name(&service)).await, [service_id], "{name}: service name");
            let secrets = |f: SecretListFilters| async move {
                let list = client.secret_list().filters(f).await.unwrap_or_else(|e| panic!("{name}: secret list: {e}"));
                list.into_iter().filter_map(|s| s.spec.and_then(|s| s.name)).collect::<Vec<_>>()
            };
            assert_eq!(secrets(SecretListFilters::new().names(&secret)).await, std::slice::from_ref(&secret), "{name}: secret names");
            assert_eq!(secrets(SecretListFilters::new().names(format!("{secret}-no"))).await, Vec::<String>::new(), "{name}: secret names");
            let tasks = client
                .task_list()
                .filters(TaskListFilters::new().service(&service))
                .await
                .unwrap_or_else(|e| panic!("{name}: task list: {e}"));
            assert!(tasks.is_empty(), "{name}: a service of no replicas has tasks: {tasks:?}");

            // The judge can see a rejection inside a swarm too.
            let bad = client.config_list().filters(ConfigListFilters::new().custom("names", "x")).await;
            assert!(bad.as_ref().is_err_and(rejected_filter), "{name}: `names` accepted on configs: {bad:?}");
            let bad = client.task_list().filters(TaskListFilters::new().custom("no-such-key", "x")).await;
            assert!(bad.as_ref().is_err_and(rejected_filter), "{name}: unknown task filter accepted: {bad:?}");

            client.swarm_leave().force(true).await.unwrap_or_else(|e| panic!("{name}: swarm leave: {e}"));
            assert_eq!(state().await, "inactive", "{name}: after leaving");
            drop(cleanup);
        }
    };
}

/// `swarm_lists!(cx, client, allow, values)`: every typed filter method of the swarm
/// lists, each sent alone with a value of `values` (a [`SwarmValues`]).
macro_rules! swarm_lists {
    ($cx:ident, $client:ident, $allow:expr, $v:ident) => {
        list!(
            $cx,
            ConfigListFilters,
            $client.config_list(),
            $allow,
            id($v.config_id.clone()),
            label($v.label.clone()),
            name($v.config.clone())
        );
        list!(
            $cx,
            SecretListFilters,
            $client.secret_list(),
            $allow,
            id($v.secret_id.clone()),
            label($v.label.clone()),
            name($v.secret.clone()),
            names($v.secret.clone())
        );
        list!(
            $cx,
            NodeListFilters,
            $client.node_list(),
            $allow,
            id($v.node_id.clone()),
            label("a=b"),
            membership("accepted"),
            name($v.node_name.clone()),
            node_label("a=b"),
            role("manager")
        );
        list!(
            $cx,
            ServiceListFilters,
            $client.service_list(),
            $allow,
            id($v.service_id.clone()),
            label($v.label.clone()),
            mode("replicated"),
            name($v.service.clone()),
            runtime("container")
        );
        list!(
            $cx,
            TaskListFilters,
            $client.task_list(),
            $allow,
            desired_state("running"),
            id("x"),
            label($v.label.clone()),
            name($v.service.clone()),
            node($v.node_id.clone()),
            service($v.service.clone()),
            runtime("container")
        );
    };
}

/// The values the swarm-list filters are sent with: the names and ids of the test's own
/// objects inside a swarm, placeholders outside one.
struct SwarmValues {
    label: String,
    node_id: String,
    node_name: String,
    secret: String,
    secret_id: String,
    config: String,
    config_id: String,
    service: String,
    service_id: String,
}

impl SwarmValues {
    /// Outside a swarm: the daemon answers before reading the values.
    fn placeholders() -> Self {
        let x = || "x".to_owned();
        Self {
            label: "a=b".into(),
            node_id: x(),
            node_name: x(),
            secret: x(),
            secret_id: x(),
            config: x(),
            config_id: x(),
            service: x(),
            service_id: x(),
        }
    }
}

/// A port free on 127.0.0.1 now, within 1024–49151 (the daemon refuses a VXLAN port
/// outside it), as `bind` sees it.
fn free_port(bind: impl Fn((&str, u16)) -> std::io::Result<()>) -> u16 {
    let start = 20_000 + (std::process::id() % 20_000) as u16;
    (start..49_151)
        .chain(1024..start)
        .find(|&p| bind(("127.0.0.1", p)).is_ok())
        .expect("a free port")
}

/// `swarm_here!(era, { in a swarm formed here } else { outside a swarm })`: v1.41 and
/// v1.51 form one; v1.45's swarm lists are checked by engine_swarm on the 26.1 engine.
macro_rules! swarm_here {
    (v1_45, { $($then:tt)* } else { $($else:tt)* }) => {{ $($else)* }};
    ($era:ident, { $($then:tt)* } else { $($else:tt)* }) => {{ $($then)* }};
}

/// `after_1_41!(era, { ... })`: only in the crates after v1.41.
macro_rules! after_1_41 {
    (v1_41, { $($t:tt)* }) => {};
    ($era:ident, { $($t:tt)* }) => { $($t)* };
}

/// `v1_41_only!(era, { ... })`.
macro_rules! v1_41_only {
    (v1_41, { $($t:tt)* }) => { $($t)* };
    ($era:ident, { $($t:tt)* }) => {};
}

mod v1_41 {
    use super::*;
    every_key!(dockwright_v1_41, v1_41, "v1_41");
}
mod v1_45 {
    use super::*;
    every_key!(dockwright_v1_45, v1_45, "v1_45");
}
mod v1_51 {
    use super::*;
    every_key!(dockwright_v1_51, v1_51, "v1_51");
}

macro_rules! on_engine {
    ($test:ident, $module:ident, $engine:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            let Some(engine) = Engine::get(dockwright_tests::engines::$engine) else {
                return;
            };
            $module::run(&engine).await;
        }
    };
}

on_engine!(every_filter_key_of_v1_41_on_20_10, v1_41, ENGINE_20_10);
on_engine!(every_filter_key_of_v1_45_on_26_1, v1_45, ENGINE_26_1);
on_engine!(every_filter_key_of_v1_51_on_28, v1_51, ENGINE_28);

/// A key the daemon still accepts but the crate leaves out because it is deprecated is
/// named, with the reason, in the filter type's docs: image search `is-automated` from
/// v1.45 (offered, typed, by v1.41), build prune `unused-for` (a synonym of `until`).
#[test]
fn deprecated_keys_left_out_are_documented() {
    let docs_of = |krate: &str, ty: &str| {
        let path =
            dockwright_tests::workspace_root().join(format!("generated/{krate}/src/filters.rs"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let end = text
            .find(&format!("pub struct {ty}("))
            .unwrap_or_else(|| panic!("{krate}: no {ty}"));
        let start = text[..end].rfind("\n\n").unwrap_or(0);
        text[start..end].to_owned()
    };
    for krate in ["v1_45", "v1_51", "v1_55"] {
        let search = docs_of(krate, "ImageSearchFilters");
        assert!(
            search.contains("Left out on purpose: `is-automated`, deprecated"),
            "{krate}: {search}"
        );
        let build = docs_of(krate, "BuildPruneFilters");
        assert!(
            build.contains("Left out on purpose: `unused-for`, a deprecated synonym of `until`"),
            "{krate}: {build}"
        );
        let offered = generated_methods(krate);
        assert!(
            !offered.contains(&("ImageSearchFilters".into(), "is_automated".into())),
            "{krate}"
        );
    }
    let search = docs_of("v1_41", "ImageSearchFilters");
    assert!(!search.contains("is-automated`, deprecated"), "{search}");
    assert!(
        generated_methods("v1_41").contains(&("ImageSearchFilters".into(), "is_automated".into()))
    );
}
