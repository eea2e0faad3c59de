//! Every typed filter method of the v1.41, v1.45 and v1.51 crates, sent alone (one request
//! each) to the engine of its version: none may be rejected as an invalid filter. Which
//! methods exist is read from the generated `filters.rs` of each crate, so a key the
//! generator starts offering without a request here fails the test.
//!
//! Prunes are sent so that they cannot delete anything but this test's own objects (and
//! there are none): container, image, network and volume prunes carry a `label` filter no
//! object has; build-cache prunes carry a `description` no record has and keep far more
//! storage than any cache holds. The swarm lists (configs, secrets, nodes, services,
//! tasks) answer 503 before reading the filters on an engine outside a swarm; here they
//! count as sent but not checked, and the test prints them. Those of the v1.45 crate are
//! checked inside a swarm by `engine_swarm` (the one test that forms a swarm on the 26.1
//! engine; forming a second one here would race it); those of v1.41 and v1.51 are not,
//! and the test says so. Image search is sent for a registry
//! on 127.0.0.1 port 1 (nothing listens there): the daemon validates the filters before
//! it connects, so a 400 is the filters' and any other error is the registry's.

use std::collections::BTreeSet;

use dockwright_tests::engines::{labels, unique, Engine, TEST_LABEL};
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
        use $api::models::{ContainerCreateBody, HostConfig};

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
            list!(cx, ConfigListFilters, client.config_list(), Allow::Swarm, id("x"), label("a=b"), name("x"));
            list!(cx, SecretListFilters, client.secret_list(), Allow::Swarm, id("x"), label("a=b"), name("x"), names("x"));
            list!(cx, NodeListFilters, client.node_list(), Allow::Swarm,
                id("x"), label("a=b"), membership("accepted"), name("x"), node_label("a=b"), role("manager"));
            list!(cx, ServiceListFilters, client.service_list(), Allow::Swarm,
                id("x"), label("a=b"), mode("replicated"), name("x"), runtime("container"));
            list!(cx, TaskListFilters, client.task_list(), Allow::Swarm,
                desired_state("running"), id("x"), label("a=b"), name("x"), node("x"), service("x"), runtime("container"));

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

            let offered = generated_methods($krate);
            let missing: Vec<_> = offered.difference(&cx.sent).collect();
            let extra: Vec<_> = cx.sent.difference(&offered).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{name}: not sent: {missing:?}; not offered: {extra:?}");
            let swarm_note = if $krate == "v1_45" {
                "checked inside a swarm by engine_swarm instead"
            } else {
                "so not checked: no test forms a swarm on this engine"
            };
            eprintln!(
                "{name}: {} filter methods of {} sent, none rejected; the swarm lists answered 503 outside a swarm, before the filters, {swarm_note}: {}",
                cx.sent.len(),
                $krate,
                cx.unchecked.join(", ")
            );
        }
    };
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
