//! Typed filters really filter on real engines (container `status`, `label`, `name`,
//! `exited`, several values of one key), and the exact query string each crate sends for
//! them, pinned against a fake daemon that records the request line.
//!
//! Image `reference`/`dangling`, network `name`/`label`/`id`/`driver` and volume
//! `name`/`label`/`dangling` filters are exercised in the images, networks and volumes
//! tests.

macro_rules! suite {
    ($api:ident, $era:ident) => {
        use $api::client::Client;
        use $api::filters::{ContainerListFilters, ContainerStatus};
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
