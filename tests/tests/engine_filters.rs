//! Typed filters really filter on real engines: container `status` (an enum, with `Other`
//! for words the crate does not know), `health` (an enum), `is-task` (a `bool`), `exited`
//! (an integer), `label`, `name`, several values of one key, the negated `label!` of a
//! prune, and plugin `enabled` (a `bool`) and `capability`, shown on a disabled plugin
//! created without a registry on each engine; plus the exact query string each crate sends,
//! pinned against a fake daemon that records the request line (presence flags as `[]`,
//! keys taken once replaced).
//!
//! Image `reference`/`dangling`, network `name`/`label`/`id`/`driver` and volume
//! `name`/`label`/`dangling` filters are exercised in the images, networks and volumes
//! tests; `engine_filter_keys` sends every typed filter method once.

macro_rules! suite {
    ($api:ident, $era:ident) => {
        use $api::client::Client;
        use $api::filters::{ContainerHealth, ContainerListFilters, ContainerStatus};
        use $api::models::{ContainerCreateBody, HostConfig};
        use dockwright_tests::engines::{label_filter, labels, unique, Engine};

        pub async fn run(engine: &Engine) {
            let name = engine.spec.name;
            let client = Client::new(engine.transport());
            let Some(image) = dockwright_tests::shared_busybox!(client, engine) else {
                return;
            };
            let cleanup = engine.cleanup();
            let run_id = unique("flt");

            // web-1 exits, web-2 is only created, db-1 exits.
            let mut ids = std::collections::HashMap::new();
            for (suffix, app, start) in [("web-1", "web", true), ("web-2", "web", false), ("db-1", "db", true)] {
                let mut container_labels = labels(&run_id);
                container_labels.insert("app".into(), app.into());
                let created = client
                    .container_create(ContainerCreateBody {
                        image: Some(image.clone()),
                        cmd: Some(vec!["true".into()]),
                        labels: Some(container_labels),
                        host_config: Some(HostConfig {
                            network_mode: Some("none".into()),
                            ..Default::default()
                        }),
                        ..Default::default()
                    })
                    .name(format!("{run_id}-{suffix}"))
                    .await
                    .unwrap_or_else(|e| panic!("{name}: create: {e}"));
                cleanup.container(&created.id);
                if start {
                    client.container_start(&created.id).await.unwrap_or_else(|e| panic!("{name}: start: {e}"));
                    let waited = client.container_wait(&created.id).await.unwrap_or_else(|e| panic!("{name}: wait: {e}"));
                    assert_eq!(dockwright_tests::json(&waited)["StatusCode"], 0, "{name}");
                }
                ids.insert(suffix, created.id);
            }
            let mine = || ContainerListFilters::new().label(label_filter(&run_id));
            let found = |filters: ContainerListFilters| {
                let client = &client;
                let ids = &ids;
                async move {
                    let list = client
                        .container_list()
                        .all(true)
                        .filters(filters)
                        .await
                        .unwrap_or_else(|e| panic!("{name}: list: {e}"));
                    let mut names: Vec<&str> = list
                        .iter()
                        .map(|c| {
                            let id = c.id.as_deref().unwrap_or_default();
                            *ids.iter().find(|(_, v)| v.as_str() == id).map(|(k, _)| k).expect("one of this test's containers")
                        })
                        .collect();
                    names.sort_unstable();
                    names
                }
            };

            // The list is served from a snapshot the daemon updates just after a wait
            // returns: give it a moment to show both exits.
            for _ in 0..50 {
                if found(mine().status(ContainerStatus::Exited)).await.len() == 2 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert_eq!(found(mine()).await, ["db-1", "web-1", "web-2"], "{name}: label");
            assert_eq!(found(mine().status(ContainerStatus::Exited)).await, ["db-1", "web-1"], "{name}: status");
            assert_eq!(found(mine().status(ContainerStatus::Created)).await, ["web-2"], "{name}: status created");
            // Several values of one key: any of them.
            assert_eq!(found(mine().status(ContainerStatus::Created).status(ContainerStatus::Exited)).await, ["db-1", "web-1", "web-2"], "{name}");
            // Several labels: all of them.
            assert_eq!(found(mine().label("app=web")).await, ["web-1", "web-2"], "{name}: two labels");
            assert_eq!(found(mine().status(ContainerStatus::Exited).label("app=web")).await, ["web-1"], "{name}: status+label");
            assert_eq!(found(mine().label("app=none")).await, Vec::<&str>::new(), "{name}");
            assert_eq!(found(mine().exited(0)).await, ["db-1", "web-1"], "{name}: exited");
            assert_eq!(found(mine().name(format!("{run_id}-db-1"))).await, ["db-1"], "{name}: name");
            assert_eq!(found(mine().id(&ids["web-2"])).await, ["web-2"], "{name}: id");
            // Without `all`, only running containers: none of these.
            let running = client.container_list().filters(mine()).await.unwrap();
            assert!(running.is_empty(), "{name}: {running:?}");
            // `is-task` as a bool: `true`/`false` on the wire (20.10 rejects `1`).
            assert_eq!(found(mine().is_task(false)).await, ["db-1", "web-1", "web-2"], "{name}: is-task");
            assert_eq!(found(mine().is_task(true)).await, Vec::<&str>::new(), "{name}: is-task");
            assert_eq!(found(mine().exited(1)).await, Vec::<&str>::new(), "{name}: exited 1");
            // No health check: health `none`.
            assert_eq!(found(mine().health(ContainerHealth::None)).await, ["db-1", "web-1", "web-2"], "{name}: health none");
            // `Other` sends its word as it is: the daemon's own check answers.
            let err = client
                .container_list()
                .filters(mine().status(ContainerStatus::Other("Running".into())))
                .await
                .expect_err("status=Running");
            assert_eq!(err.status(), Some(400), "{name}: {err:?}");

            health(&client, engine, &image, &cleanup).await;
            label_not(&client, engine, &run_id, &ids).await;
            plugins(&client, engine).await;
        }

        /// Two running containers, one whose check passes and one whose check fails: the
        /// typed `health` values find each.
        async fn health(client: &Client, engine: &Engine, image: &str, cleanup: &dockwright_tests::engines::Cleanup) {
            let name = engine.spec.name;
            let run_id = unique("flthc");
            let mut ids = Vec::new();
            for check in ["true", "false"] {
                // From JSON: the health-check model's name differs between versions.
                let body: ContainerCreateBody = serde_json::from_value(serde_json::json!({
                    "Image": image,
                    "Cmd": ["sleep", "60"],
                    "Labels": labels(&run_id),
                    "Healthcheck": {"Test": ["CMD", check], "Interval": 200_000_000, "Timeout": 2_000_000_000, "Retries": 1},
                    "HostConfig": {"NetworkMode": "none"},
                }))
                .expect("a container body");
                let id = client.container_create(body).await.unwrap_or_else(|e| panic!("{name}: create: {e}")).id;
                cleanup.container(&id);
                client.container_start(&id).await.unwrap_or_else(|e| panic!("{name}: start: {e}"));
                ids.push(id);
            }
            let with = |health: ContainerHealth| {
                let filters = ContainerListFilters::new().label(label_filter(&run_id)).health(health);
                async move {
                    let list = client.container_list().filters(filters).await.unwrap_or_else(|e| panic!("{name}: list: {e}"));
                    list.into_iter().filter_map(|c| c.id).collect::<Vec<_>>()
                }
            };
            let mut settled = false;
            for _ in 0..100 {
                if with(ContainerHealth::Healthy).await == ids[..1] && with(ContainerHealth::Unhealthy).await == ids[1..] {
                    settled = true;
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert!(settled, "{name}: healthy {:?}, unhealthy {:?}, want {ids:?}", with(ContainerHealth::Healthy).await, with(ContainerHealth::Unhealthy).await);
            assert_eq!(with(ContainerHealth::Starting).await, Vec::<String>::new(), "{name}: starting");
            assert_eq!(with(ContainerHealth::None).await, Vec::<String>::new(), "{name}: none");
        }

        /// `label!` on a prune: of this test's stopped containers, only those *without*
        /// `app=web` go (the prune also carries the test's own label, so nothing else can).
        async fn label_not(client: &Client, engine: &Engine, run_id: &str, ids: &std::collections::HashMap<&str, String>) {
            dockwright_tests::if_v1_25!($era, {
                // The v1.25 crate documents no prune keys.
                let _ = (client, engine, run_id, ids);
            } else {
                use $api::filters::ContainerPruneFilters;
                let name = engine.spec.name;
                let pruned = client
                    .container_prune()
                    .filters(ContainerPruneFilters::new().label(label_filter(run_id)).label_not("app=web"))
                    .await
                    .unwrap_or_else(|e| panic!("{name}: prune: {e}"));
                assert_eq!(pruned.containers_deleted.unwrap_or_default(), [ids["db-1"].clone()], "{name}: label!");
                let left = client
                    .container_list()
                    .all(true)
                    .filters(ContainerListFilters::new().label(label_filter(run_id)))
                    .await
                    .unwrap_or_else(|e| panic!("{name}: list: {e}"));
                assert_eq!(left.len(), 2, "{name}: {left:?}");
            })
        }

        /// `enabled` as a bool splits the installed plugins, decoded by the typed list.
        /// Through the crate of the engine's own version (v1.41 on 20.10, v1.45 on 26.1,
        /// v1.51 on 28.5) a disabled plugin is then created without a registry
        /// (`plugin_create` with a tar of `config.json` and a busybox `rootfs/`), so the
        /// filter is seen to filter: it is listed by `enabled(false)` and not by
        /// `enabled(true)`; inspected, its `Interface.Types` are the daemon's strings
        /// (fix-up `plugin_interface_types_are_strings`), and the typed `plugin_delete`
        /// takes the daemon's empty answer (fix-up `plugin_delete_answers_no_body`).
        /// Plugins named by a test (`dwt-plugin-…`) may come and go while another test
        /// of the same engine lists them, so the counts leave them out.
        async fn plugins(client: &Client, engine: &Engine) {
            dockwright_tests::if_v1_25!($era, {
                // The v1.25 crate has no plugin filters.
                let _ = (client, engine);
            } else {
            use $api::filters::PluginListFilters;
            let name = engine.spec.name;
            let settled = |list: Vec<$api::models::Plugin>| {
                list.into_iter().filter(|p| !p.name.starts_with("dwt-plugin-")).collect::<Vec<_>>()
            };
            let all = settled(client.plugin_list().await.unwrap_or_else(|e| panic!("{name}: plugins: {e}")));
            let enabled = client.plugin_list().filters(PluginListFilters::new().enabled(true)).await.unwrap_or_else(|e| panic!("{name}: {e}"));
            let disabled = client.plugin_list().filters(PluginListFilters::new().enabled(false)).await.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(enabled.iter().all(|p| p.enabled), "{name}: {enabled:?}");
            assert!(disabled.iter().all(|p| !p.enabled), "{name}: {disabled:?}");
            assert_eq!(settled(enabled).len() + settled(disabled).len(), all.len(), "{name}");
            if engine.spec.api != $api::client::API_VERSION {
                return;
            }

            let Some(archive) = crate::plugin_archive() else { return };
            let cleanup = engine.cleanup();
            let plugin = format!("{}:latest", unique("plugin"));
            cleanup.plugin(&plugin);
            client
                .plugin_create(&plugin)
                .body(dockwright_runtime::Body::from(archive))
                .await
                .unwrap_or_else(|e| panic!("{name}: creating a plugin without a registry: {e}"));
            // (name, enabled) of the plugins listed under a typed filter, typed answers.
            let listed = |filters: Option<PluginListFilters>| async move {
                let request = client.plugin_list();
                let request = match filters {
                    Some(filters) => request.filters(filters),
                    None => request,
                };
                let list = request.await.unwrap_or_else(|e| panic!("{name}: typed plugin list: {e}"));
                list.into_iter().map(|p| (p.name, p.enabled)).collect::<Vec<_>>()
            };
            let has = |list: &[(String, bool)]| list.iter().any(|(n, _)| *n == plugin);
            let all = listed(None).await;
            assert!(all.contains(&(plugin.clone(), false)), "{name}: {plugin} not listed as disabled: {all:?}");
            let disabled = listed(Some(PluginListFilters::new().enabled(false))).await;
            assert!(has(&disabled), "{name}: enabled(false) misses {plugin}: {disabled:?}");
            assert!(disabled.iter().all(|(_, e)| !e), "{name}: {disabled:?}");
            let enabled = listed(Some(PluginListFilters::new().enabled(true))).await;
            assert!(!has(&enabled), "{name}: enabled(true) lists {plugin}: {enabled:?}");
            assert!(enabled.iter().all(|(_, e)| *e), "{name}: {enabled:?}");
            // `capability` filters on what `Interface.Types` names.
            let volume_drivers = listed(Some(PluginListFilters::new().capability("volumedriver"))).await;
            assert!(has(&volume_drivers), "{name}: capability=volumedriver misses {plugin}: {volume_drivers:?}");
            let log_drivers = listed(Some(PluginListFilters::new().capability("logdriver"))).await;
            assert!(!has(&log_drivers), "{name}: capability=logdriver lists {plugin}: {log_drivers:?}");
            let inspected = client.plugin_inspect(&plugin).await.unwrap_or_else(|e| panic!("{name}: typed plugin inspect: {e}"));
            assert_eq!(inspected.config.interface.types, ["docker.volumedriver/1.0"], "{name}");
            assert_eq!(inspected.config.interface.socket, "dwt.sock", "{name}");
            // The typed removal: the daemon answers 200 with no body.
            client.plugin_delete(&plugin).await.unwrap_or_else(|e| panic!("{name}: remove {plugin}: {e}"));
            let left = listed(None).await;
            assert!(!has(&left), "{name}: {plugin} still listed after removal: {left:?}");
            let gone = client.plugin_inspect(&plugin).await.expect_err("a removed plugin");
            assert!(gone.is_not_found(), "{name}: {gone:?}");
            eprintln!("{name}: a created disabled plugin is decoded, listed by enabled(false) and capability, not by enabled(true), and removed");
            })
        }

        /// The query strings on the wire, against a fake daemon.
        pub async fn wire() {
            use $api::filters::{ImageListFilters, VolumePruneFilters};
            let fake = dockwright_tests::fake::FakeDaemon::start("[]");
            let client = Client::new(fake.transport());
            let v = $api::client::API_VERSION;

            let _ = client
                .container_list()
                .all(true)
                .filters(ContainerListFilters::new().status(ContainerStatus::Exited))
                .await;
            let _ = client
                .container_list()
                .filters(ContainerListFilters::new().status(ContainerStatus::Exited).label("app=web"))
                .await;
            // Several values of one key keep their order; keys are sorted.
            let _ = client
                .container_list()
                .filters(ContainerListFilters::new().status(ContainerStatus::Exited).status(ContainerStatus::Created).name("a b"))
                .await;
            // An empty filter set sends no `filters` at all.
            let _ = client.container_list().filters(ContainerListFilters::new()).await;
            let _ = client
                .image_list()
                .filters(ImageListFilters::new().dangling(true).reference("busybox:*"))
                .await;
            let _ = client.volume_prune().filters(VolumePruneFilters::new().custom("label", "x=1")).await;
            assert_eq!(
                fake.targets(),
                [
                    format!("/v{v}/containers/json?all=1&filters=%7B%22status%22%3A%5B%22exited%22%5D%7D"),
                    format!("/v{v}/containers/json?filters=%7B%22label%22%3A%5B%22app%3Dweb%22%5D%2C%22status%22%3A%5B%22exited%22%5D%7D"),
                    format!("/v{v}/containers/json?filters=%7B%22name%22%3A%5B%22a%20b%22%5D%2C%22status%22%3A%5B%22exited%22%2C%22created%22%5D%7D"),
                    format!("/v{v}/containers/json"),
                    format!("/v{v}/images/json?filters=%7B%22dangling%22%3A%5B%22true%22%5D%2C%22reference%22%3A%5B%22busybox%3A%2A%22%5D%7D"),
                    format!("/v{v}/volumes/prune?filters=%7B%22label%22%3A%5B%22x%3D1%22%5D%7D"),
                ]
            );

            // Presence flags are sent as `[]`, keys taken once keep the last value, `label!`
            // is its own key.
            dockwright_tests::if_v1_25!($era, {} else {
                use $api::filters::{BuildPruneFilters, ContainerPruneFilters, PluginListFilters};
                fake.clear();
                let _ = client.build_prune().filters(BuildPruneFilters::new().inuse().until("1h").until("2h")).await;
                let _ = client.plugin_list().filters(PluginListFilters::new().enabled(true).enabled(false)).await;
                let _ = client
                    .container_prune()
                    .filters(ContainerPruneFilters::new().label_not("a=b").custom_flag("x"))
                    .await;
                assert_eq!(
                    fake.targets(),
                    [
                        format!("/v{v}/build/prune?filters=%7B%22inuse%22%3A%5B%5D%2C%22until%22%3A%5B%222h%22%5D%7D"),
                        format!("/v{v}/plugins?filters=%7B%22enabled%22%3A%5B%22false%22%5D%7D"),
                        format!("/v{v}/containers/prune?filters=%7B%22label%21%22%3A%5B%22a%3Db%22%5D%2C%22x%22%3A%5B%5D%7D"),
                    ]
                );
            });

            // The other JSON-encoded query parameters are encoded once, from typed values.
            fake.clear();
            let build_labels = std::collections::HashMap::from([("app".to_owned(), "web".to_owned())]);
            let _ = client
                .image_build()
                .t("x:1")
                .labels(build_labels.clone())
                .buildargs(build_labels)
                .cachefrom(vec!["a:1".into(), "b:2".into()])
                .body(dockwright_runtime::Body::from(Vec::new()))
                .await;
            assert_eq!(
                fake.targets(),
                [format!(
                    "/v{v}/build?t=x%3A1&cachefrom=%5B%22a%3A1%22%2C%22b%3A2%22%5D&buildargs=%7B%22app%22%3A%22web%22%7D&labels=%7B%22app%22%3A%22web%22%7D"
                )]
            );
        }
    };
}

dockwright_tests::engine_matrix!(suite);

/// A plugin as `POST /plugins/create` takes it, needing no registry: `config.json` (a
/// volume driver that is never enabled, so its entrypoint never runs) and a `rootfs/`
/// holding the static busybox. `None` (skipped locally, a failure under CI) without one.
fn plugin_archive() -> Option<Vec<u8>> {
    let path =
        std::env::var(dockwright_tests::engines::BUSYBOX).unwrap_or_else(|_| "/bin/busybox".into());
    let Ok(busybox) = std::fs::read(&path) else {
        dockwright_tests::missing(&format!(
            "{path} (a static busybox: install busybox-static)"
        ))?;
        return None;
    };
    let config = serde_json::json!({
        "Description": "dockwright test plugin (never enabled)",
        "Documentation": "https://docs.docker.com/engine/extend/",
        "Entrypoint": ["/bin/busybox", "sleep", "3600"],
        "Interface": {"Types": ["docker.volumedriver/1.0"], "Socket": "dwt.sock"},
        "Network": {"Type": "none"},
        "Linux": {"Capabilities": null, "AllowAllDevices": false, "Devices": null},
    });
    let mut archive = tar::Builder::new(Vec::new());
    let mut add = |path: &str, mode: u32, kind: tar::EntryType, data: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(kind);
        header.set_mode(mode);
        header.set_size(data.len() as u64);
        archive
            .append_data(&mut header, path, data)
            .expect("tar entry");
    };
    add(
        "config.json",
        0o644,
        tar::EntryType::Regular,
        config.to_string().as_bytes(),
    );
    add("rootfs/", 0o755, tar::EntryType::Directory, b"");
    add("rootfs/bin/", 0o755, tar::EntryType::Directory, b"");
    add(
        "rootfs/bin/busybox",
        0o755,
        tar::EntryType::Regular,
        &busybox,
    );
    Some(archive.into_inner().expect("tar archive"))
}

#[tokio::test]
async fn wire_v1_25() {
    v1_25::wire().await;
}

#[tokio::test]
async fn wire_v1_41() {
    v1_41::wire().await;
}

#[tokio::test]
async fn wire_v1_45() {
    v1_45::wire().await;
}

#[tokio::test]
async fn wire_v1_51() {
    v1_51::wire().await;
}
