//! Networks through every generated crate on every engine that speaks its API version:
//! create, inspect, list (name, label, id, driver filters), connect, disconnect, remove,
//! prune.
//!
//! Connecting needs a container that is not in network mode `none`, so the container here
//! is created on an *internal* test network and never started: no container runs outside
//! network mode `none`, and nothing is ever sent to a container address.

macro_rules! suite {
    ($api:ident, $era:ident) => {
        use $api::client::Client;
        use $api::filters::{NetworkListFilters, NetworkPruneFilters};
        use $api::models::{ContainerCreateBody, HostConfig, NetworkConnectBody, NetworkCreateBody, NetworkDisconnectBody};
        use dockwright_tests::engines::{label_filter, labels, retry_busy, unique, Engine};
        use dockwright_tests::json;

        pub async fn run(engine: &Engine) {
            let name = engine.spec.name;
            let client = Client::new(engine.transport());
            let Some(image) = dockwright_tests::shared_busybox!(client, engine) else {
                return;
            };
            let cleanup = engine.cleanup();
            let run_id = unique("net");

            // Create two internal bridge networks.
            let mut ids = Vec::new();
            for suffix in ["a", "b"] {
                let created = client
                    .network_create(NetworkCreateBody {
                        name: format!("{run_id}-{suffix}"),
                        driver: Some("bridge".into()),
                        internal: Some(true),
                        labels: Some(labels(&run_id)),
                        ..Default::default()
                    })
                    .await
                    .unwrap_or_else(|e| panic!("{name}: create network: {e}"));
                let id = json(&created)["Id"].as_str().expect("Id").to_owned();
                cleanup.network(&id);
                ids.push(id);
            }
            let (net_a, net_b) = (ids[0].clone(), ids[1].clone());
            let name_a = format!("{run_id}-a");

            // Inspect, by id and by name.
            let inspected = client.network_inspect(&net_a).await.unwrap_or_else(|e| panic!("{name}: inspect: {e}"));
            assert_eq!(inspected.name.as_deref(), Some(name_a.as_str()), "{name}");
            assert_eq!(inspected.id.as_deref(), Some(net_a.as_str()), "{name}");
            assert_eq!(inspected.driver.as_deref(), Some("bridge"), "{name}");
            assert_eq!(inspected.internal, Some(true), "{name}");
            assert_eq!(inspected.labels.as_ref(), Some(&labels(&run_id)), "{name}");
            assert_eq!(client.network_inspect(&name_a).await.unwrap().id, inspected.id);

            // List with filters.
            let listed_ids = |list: Vec<_>| -> Vec<String> {
                let mut ids: Vec<String> = list.iter().map(|n| json(n)["Id"].as_str().unwrap_or_default().to_owned()).collect();
                ids.sort();
                ids
            };
            let mut both = vec![net_a.clone(), net_b.clone()];
            both.sort();
            let by_label = client
                .network_list()
                .filters(NetworkListFilters::new().label(label_filter(&run_id)))
                .await
                .unwrap_or_else(|e| panic!("{name}: list: {e}"));
            assert_eq!(listed_ids(by_label), both, "{name}");
            let by_name = client
                .network_list()
                .filters(NetworkListFilters::new().name(&name_a))
                .await
                .unwrap();
            assert_eq!(listed_ids(by_name), [net_a.as_str()], "{name}");
            let by_id = client
                .network_list()
                .filters(NetworkListFilters::new().id(&net_b).label(label_filter(&run_id)))
                .await
                .unwrap();
            assert_eq!(listed_ids(by_id), [net_b.as_str()], "{name}");
            let not_bridge = client
                .network_list()
                .filters(NetworkListFilters::new().driver("overlay").label(label_filter(&run_id)))
                .await
                .unwrap();
            assert!(not_bridge.is_empty(), "{name}: {not_bridge:?}");
            let all = client.network_list().await.unwrap();
            assert!(all.iter().any(|n| n.id.as_deref() == Some(net_a.as_str())), "{name}");

            // A container on network a (created, never started), connected to b, then
            // disconnected again.
            let container = client
                .container_create(ContainerCreateBody {
                    image: Some(image.clone()),
                    cmd: Some(vec!["true".into()]),
                    labels: Some(labels(&run_id)),
                    host_config: Some(HostConfig {
                        network_mode: Some(name_a.clone()),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .name(format!("{run_id}-c"))
                .await
                .unwrap_or_else(|e| panic!("{name}: create container: {e}"));
            cleanup.container(&container.id);
            client
                .network_connect(
                    &net_b,
                    NetworkConnectBody {
                        container: Some(container.id.clone()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap_or_else(|e| panic!("{name}: connect: {e}"));
            let networks = json(&client.container_inspect(&container.id).await.unwrap().network_settings);
            let attached: Vec<&String> = networks["Networks"].as_object().expect("Networks").keys().collect();
            assert!(attached.contains(&&format!("{run_id}-b")), "{name}: {networks}");
            client
                .network_disconnect(
                    &net_b,
                    NetworkDisconnectBody {
                        container: Some(container.id.clone()),
                        force: Some(false),
                    },
                )
                .await
                .unwrap_or_else(|e| panic!("{name}: disconnect: {e}"));
            let networks = json(&client.container_inspect(&container.id).await.unwrap().network_settings);
            let attached: Vec<&String> = networks["Networks"].as_object().expect("Networks").keys().collect();
            assert_eq!(attached, [&name_a], "{name}: {networks}");

            // Prune this test's unused networks: both (a created container has no endpoint).
            client.container_delete(&container.id).await.unwrap();
            let prune_filters = dockwright_tests::if_v1_25!($era, {
                NetworkPruneFilters::new().custom("label", label_filter(&run_id))
            } else {
                NetworkPruneFilters::new().label(label_filter(&run_id))
            });
            // Remove b explicitly first; prune takes the rest.
            client.network_delete(&net_b).await.unwrap_or_else(|e| panic!("{name}: remove: {e}"));
            assert!(client.network_inspect(&net_b).await.unwrap_err().is_not_found(), "{name}");
            let err = client.network_delete(&net_b).await.unwrap_err();
            assert!(err.is_not_found(), "{name}: {err:?}");
            let pruned = retry_busy(|| client.network_prune().filters(prune_filters.clone()).send())
                .await
                .unwrap_or_else(|e| panic!("{name}: prune: {e}"));
            assert_eq!(json(&pruned)["NetworksDeleted"], serde_json::json!([name_a]), "{name}: {pruned:?}");
            assert!(client.network_inspect(&net_a).await.unwrap_err().is_not_found(), "{name}");
        }
    };
}

dockwright_tests::engine_matrix!(suite);
// Podman's Docker-compatible service, with the v1.41 crate (see `dockwright_tests::podman`).
dockwright_tests::engine_matrix!(@test v1_41_on_podman, v1_41, ENGINE_PODMAN);
