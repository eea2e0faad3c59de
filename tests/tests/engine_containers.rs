//! The container lifecycle through every generated crate on every engine that speaks its
//! API version: create, inspect, list, start, top, changes, pause/unpause, rename,
//! update, restart, kill + wait, stop, `system df` with a container, remove and prune.

macro_rules! suite {
    ($api:ident, $era:ident) => {
        use $api::client::Client;
        use $api::filters::{ContainerListFilters, ContainerPruneFilters, ContainerStatus};
        use dockwright_tests::engines::{label_filter, labels, retry_busy, unique, Engine};
        use $api::models::{ContainerCreateBody, ContainerUpdateBody, HostConfig, RestartPolicy, RestartPolicyName};
        use dockwright_tests::json;
        use std::time::Duration;

        pub async fn run(engine: &Engine) {
            let name = engine.spec.name;
            let client = Client::new(engine.transport());
            let Some(image) = dockwright_tests::shared_busybox!(client, engine) else {
                return;
            };
            let cleanup = engine.cleanup();
            let run_id = unique("ctr");
            let container_name = format!("{run_id}-a");

            // Create: the typed body, network mode none (no traffic to container addresses).
            let mut container_labels = labels(&run_id);
            container_labels.insert("app".into(), "web".into());
            let created = client
                .container_create(ContainerCreateBody {
                    image: Some(image.clone()),
                    // `exec`: PID 1 is `sleep`, which ignores SIGTERM; stops use a short `t`.
                    cmd: Some(vec!["sh".into(), "-c".into(), "mkdir -p /dwt-made && exec sleep 300".into()]),
                    labels: Some(container_labels.clone()),
                    host_config: Some(no_network()),
                    ..Default::default()
                })
                .name(&container_name)
                .await
                .unwrap_or_else(|e| panic!("{name}: create: {e}"));
            let id = created.id.clone();
            cleanup.container(&id);
            assert_eq!(id.len(), 64, "{name}: {created:?}");

            // Inspect.
            let inspected = client.container_inspect(&id).await.unwrap_or_else(|e| panic!("{name}: inspect: {e}"));
            assert_eq!(inspected.id.as_deref(), Some(id.as_str()));
            assert_eq!(inspected.name.as_deref(), Some(format!("/{container_name}").as_str()));
            assert_eq!(json(&inspected.state)["Status"], "created", "{name}");
            let config = inspected.config.clone().expect("Config");
            let config_labels = config.labels.clone().map(|l| dockwright_tests::podman::without_buildah_label(engine, l));
            assert_eq!(config_labels.as_ref(), Some(&container_labels), "{name}");
            assert_eq!(
                inspected.host_config.as_ref().and_then(|h| h.network_mode.as_deref()),
                Some("none")
            );
            // The same container by name.
            let by_name = client.container_inspect(&container_name).await.unwrap();
            assert_eq!(by_name.id, inspected.id);

            // List: only this test's container, found by name and label.
            let listed = client
                .container_list()
                .all(true)
                .filters(ContainerListFilters::new().name(&container_name))
                .await
                .unwrap_or_else(|e| panic!("{name}: list: {e}"));
            assert_eq!(listed.len(), 1, "{name}: {listed:?}");
            assert_eq!(listed[0].id.as_deref(), Some(id.as_str()));
            assert_eq!(listed[0].names.as_deref(), Some(&[format!("/{container_name}")][..]));
            assert_eq!(json(&listed[0])["State"], "created", "{name}: listed");
            assert_eq!(listed[0].image.as_deref(), Some(dockwright_tests::podman::listed_name(engine, &image).as_str()));

            // Start (twice: the second is a 304, which is success).
            client.container_start(&id).await.unwrap_or_else(|e| panic!("{name}: start: {e}"));
            client.container_start(&id).await.unwrap_or_else(|e| panic!("{name}: start again: {e}"));
            let running = client.container_inspect(&id).await.unwrap();
            assert_eq!(json(&running.state)["Running"], true, "{name}: started: {:?}", running.state);
            let started_at = json(&running.state)["StartedAt"].clone();
            let running_list = client
                .container_list()
                .filters(ContainerListFilters::new().status(ContainerStatus::Running).label(label_filter(&run_id)))
                .await
                .unwrap();
            assert_eq!(running_list.len(), 1, "{name}: {running_list:?}");

            // Top: the processes of the container.
            let top = client.container_top(&id).await.unwrap_or_else(|e| panic!("{name}: top: {e}"));
            let titles = top.titles.clone().unwrap_or_default();
            let processes = top.processes.clone().unwrap_or_default();
            if dockwright_tests::podman::limit(engine, dockwright_tests::podman::PodmanLimit::TopUnsplit) {
                assert!(titles.len() == 1 && titles[0].starts_with("PID"), "{name}: {top:?}");
                assert!(processes.iter().any(|p| p.len() == 1 && p[0].contains("sleep 300")), "{name}: {top:?}");
            } else {
                assert!(titles.iter().any(|t| t == "PID"), "{name}: {top:?}");
                let cmd = titles.iter().position(|t| t == "CMD" || t == "COMMAND").expect("CMD column");
                assert!(processes.iter().any(|p| p[cmd].contains("sleep 300")), "{name}: {top:?}");
            }

            // Changes: the directory the command made (kind 1 = added).
            let changes = wait_for(|| async {
                let changes = client.container_changes(&id).await.unwrap_or_else(|e| panic!("{name}: changes: {e}"));
                let changes: Vec<serde_json::Value> = changes.iter().map(json).collect();
                changes.iter().any(|c| c["Path"] == "/dwt-made").then_some(changes)
            })
            .await
            .unwrap_or_else(|| panic!("{name}: /dwt-made never showed in the changes"));
            let made = changes.iter().find(|c| c["Path"] == "/dwt-made").unwrap();
            assert_eq!(made["Kind"], 1, "{name}: {made}");

            // Pause and unpause.
            client.container_pause(&id).await.unwrap_or_else(|e| panic!("{name}: pause: {e}"));
            let paused = client.container_inspect(&id).await.unwrap();
            assert_eq!(json(&paused.state)["Paused"], true, "{name}: paused");
            assert_eq!(json(&paused.state)["Status"], "paused", "{name}: paused");
            let paused_list = client
                .container_list()
                .filters(ContainerListFilters::new().status(ContainerStatus::Paused).label(label_filter(&run_id)))
                .await
                .unwrap();
            assert_eq!(paused_list.len(), 1, "{name}");
            client.container_unpause(&id).await.unwrap_or_else(|e| panic!("{name}: unpause: {e}"));
            assert_eq!(json(&client.container_inspect(&id).await.unwrap().state)["Paused"], false, "{name}: unpaused");

            // Rename.
            let renamed = format!("{run_id}-renamed");
            client.container_rename(&id, &renamed).await.unwrap_or_else(|e| panic!("{name}: rename: {e}"));
            let inspected = client.container_inspect(&id).await.unwrap();
            assert_eq!(inspected.name.as_deref(), Some(format!("/{renamed}").as_str()));
            let err = client.container_inspect(&container_name).await.unwrap_err();
            assert!(err.is_not_found(), "{name}: {err:?}");

            // Update: restart policy and CPU shares, seen in the inspect afterwards.
            if dockwright_tests::podman::limit(engine, dockwright_tests::podman::PodmanLimit::NoContainerUpdate) {
                let err = client.container_update(&id, ContainerUpdateBody::default()).await.unwrap_err();
                assert!(err.is_not_found(), "{name}: {err:?}");
            } else {
                client
                    .container_update(
                        &id,
                        ContainerUpdateBody {
                            cpu_shares: Some(512),
                            restart_policy: Some(RestartPolicy {
                                name: Some(RestartPolicyName::OnFailure),
                                maximum_retry_count: Some(3),
                            }),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap_or_else(|e| panic!("{name}: update: {e}"));
                let host_config = client.container_inspect(&id).await.unwrap().host_config.expect("HostConfig");
                assert_eq!(host_config.cpu_shares, Some(512), "{name}");
                let policy = json(&host_config.restart_policy);
                assert_eq!(policy["Name"], "on-failure", "{name}: {policy}");
                assert_eq!(policy["MaximumRetryCount"], 3, "{name}: {policy}");
                // Back to "no" so a kill below is not followed by a restart.
                client
                    .container_update(
                        &id,
                        ContainerUpdateBody {
                            restart_policy: Some(RestartPolicy {
                                name: Some(RestartPolicyName::No),
                                maximum_retry_count: None,
                            }),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
            }

            // Restart (sleep ignores SIGTERM: a 1 s grace period).
            client.container_restart(&id).t(1).await.unwrap_or_else(|e| panic!("{name}: restart: {e}"));
            let restarted = client.container_inspect(&id).await.unwrap();
            assert_eq!(json(&restarted.state)["Running"], true, "{name}: restarted: {:?}", restarted.state);
            assert_ne!(json(&restarted.state)["StartedAt"], started_at, "{name}");

            // Kill while a wait is pending: the wait answers with the exit code.
            let (waited, killed) = tokio::join!(client.container_wait(&id).send(), async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                client.container_kill(&id).signal("KILL").await
            });
            killed.unwrap_or_else(|e| panic!("{name}: kill: {e}"));
            let waited = waited.unwrap_or_else(|e| panic!("{name}: wait: {e}"));
            assert_eq!(json(&waited)["StatusCode"], 137, "{name}: {waited:?}");
            let exited = client.container_inspect(&id).await.unwrap();
            assert_eq!(json(&exited.state)["Status"], "exited", "{name}");
            assert_eq!(json(&exited.state)["ExitCode"], 137, "{name}");
            // Stopping a stopped container is a 304: success.
            client.container_stop(&id).t(1).await.unwrap_or_else(|e| panic!("{name}: stop stopped: {e}"));
            // Start, then a real stop.
            client.container_start(&id).await.unwrap();
            client.container_stop(&id).t(1).await.unwrap_or_else(|e| panic!("{name}: stop: {e}"));
            assert_eq!(json(&client.container_inspect(&id).await.unwrap().state)["Running"], false, "{name}: stopped");
            let waited = client.container_wait(&id).await.unwrap_or_else(|e| panic!("{name}: wait stopped: {e}"));
            if dockwright_tests::podman::limit(engine, dockwright_tests::podman::PodmanLimit::RestartedStopExitCode) {
                assert_ne!(json(&waited)["StatusCode"], 0, "{name}: {waited:?}");
            } else {
                assert_eq!(json(&waited)["StatusCode"], 137, "{name}: SIGKILL after the grace period");
            }

            // A second container, created only.
            let second = client
                .container_create(ContainerCreateBody {
                    image: Some(image.clone()),
                    cmd: Some(vec!["true".into()]),
                    labels: Some(labels(&run_id)),
                    host_config: Some(no_network()),
                    ..Default::default()
                })
                .name(format!("{run_id}-b"))
                .await
                .unwrap_or_else(|e| panic!("{name}: create second: {e}"));
            cleanup.container(&second.id);

            // system df counts this test's containers, decoded with this version's models.
            // The daemon answers concurrent df calls (other tests of this binary) with one
            // shared computation, which may predate the second container: ask again.
            let mut df_ids = Vec::new();
            for _ in 0..10 {
                let df = system_df(&client, name).await;
                df_ids = df.into_iter().filter_map(|c| c["Id"].as_str().map(str::to_owned)).collect();
                if df_ids.contains(&id) && df_ids.contains(&second.id) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            }
            assert!(df_ids.contains(&id) && df_ids.contains(&second.id), "{name}: {df_ids:?}");

            // Remove the first; prune removes exactly the second (label filter: never
            // another test's containers).
            client.container_delete(&id).v(true).await.unwrap_or_else(|e| panic!("{name}: remove: {e}"));
            let err = client.container_inspect(&id).await.unwrap_err();
            assert!(err.is_not_found(), "{name}: {err:?}");
            let err = client.container_delete(&id).await.unwrap_err();
            assert!(err.is_not_found(), "{name}: {err:?}");
            let prune_filters = dockwright_tests::if_v1_25!($era, {
                // v1.25 documents no prune filter keys; the daemon accepts `label`.
                ContainerPruneFilters::new().custom("label", label_filter(&run_id))
            } else {
                ContainerPruneFilters::new().label(label_filter(&run_id))
            });
            let pruned = retry_busy(|| client.container_prune().filters(prune_filters.clone()).send())
                .await
                .unwrap_or_else(|e| panic!("{name}: prune: {e}"));
            assert_eq!(pruned.containers_deleted, Some(vec![second.id.clone()]), "{name}: {pruned:?}");
            let left = client
                .container_list()
                .all(true)
                .filters(ContainerListFilters::new().label(label_filter(&run_id)))
                .await
                .unwrap();
            assert!(left.is_empty(), "{name}: {left:?}");
        }

        fn no_network() -> HostConfig {
            HostConfig {
                network_mode: Some("none".into()),
                ..Default::default()
            }
        }

        /// The containers of `GET /system/df` as JSON.
        async fn system_df(client: &Client, name: &str) -> Vec<serde_json::Value> {
            let df = retry_busy(|| client.system_data_usage().send())
                .await
                .unwrap_or_else(|e| panic!("{name}: system df: {e}"));
            df.containers.unwrap_or_default().iter().map(json).collect()
        }

        /// Polls `f` for up to 10 s until it gives a value.
        async fn wait_for<T, F, Fut>(f: F) -> Option<T>
        where
            F: Fn() -> Fut,
            Fut: std::future::Future<Output = Option<T>>,
        {
            for _ in 0..100 {
                if let Some(v) = f().await {
                    return Some(v);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            None
        }
    };
}

dockwright_tests::engine_matrix!(suite);
// Podman's Docker-compatible service, with the v1.41 crate (see `dockwright_tests::podman`).
dockwright_tests::engine_matrix!(@test v1_41_on_podman, v1_41, ENGINE_PODMAN);
