//! Volumes through every generated crate on every engine that speaks its API version:
//! create, inspect, list (name, label, dangling filters), remove (refused while in use),
//! prune (API 1.42 changed it to leave named volumes unless `all=true`).

macro_rules! suite {
    ($api:ident, $era:ident) => {
        use $api::client::Client;
        use $api::filters::{VolumeListFilters, VolumePruneFilters};
        use $api::models::{ContainerCreateBody, HostConfig};
        use dockwright_tests::engines::{label_filter, labels, retry_busy, unique, Engine};
        use dockwright_tests::json;

        /// The volume create body: an inline type in v1.25, `VolumeCreateOptions` later.
        type VolumeCreate = dockwright_tests::if_v1_25_type!(
            $era,
            $api::models::VolumeCreateBody,
            $api::models::VolumeCreateOptions
        );

        pub async fn run(engine: &Engine) {
            let name = engine.spec.name;
            let client = Client::new(engine.transport());
            let Some(image) = dockwright_tests::shared_busybox!(client, engine) else {
                return;
            };
            let cleanup = engine.cleanup();
            let run_id = unique("vol");
            let (vol_a, vol_b) = (format!("{run_id}-a"), format!("{run_id}-b"));

            for volume in [&vol_a, &vol_b] {
                cleanup.volume(volume);
                let created = client
                    .volume_create(VolumeCreate {
                        name: Some(volume.clone()),
                        driver: Some("local".into()),
                        labels: Some(labels(&run_id)),
                        ..Default::default()
                    })
                    .await
                    .unwrap_or_else(|e| panic!("{name}: create volume: {e}"));
                assert_eq!(&created.name, volume, "{name}");
            }

            // Inspect.
            let volume = client.volume_inspect(&vol_a).await.unwrap_or_else(|e| panic!("{name}: inspect: {e}"));
            assert_eq!(volume.name, vol_a, "{name}");
            assert_eq!(volume.driver, "local", "{name}");
            assert_eq!(volume.labels, labels(&run_id), "{name}");
            assert!(volume.mountpoint.ends_with(&format!("/{vol_a}/_data")), "{name}: {}", volume.mountpoint);
            assert_eq!(json(&volume.scope), "local", "{name}");

            // A container (created, never started) that uses volume a.
            let container = client
                .container_create(ContainerCreateBody {
                    image: Some(image.clone()),
                    cmd: Some(vec!["true".into()]),
                    labels: Some(labels(&run_id)),
                    host_config: Some(HostConfig {
                        network_mode: Some("none".into()),
                        binds: Some(vec![format!("{vol_a}:/data")]),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .await
                .unwrap_or_else(|e| panic!("{name}: create container: {e}"));
            cleanup.container(&container.id);

            // List: label, name and dangling (not used by any container) filters.
            let names = |list: &[serde_json::Value]| -> Vec<String> {
                let mut names: Vec<String> = list.iter().map(|v| v["Name"].as_str().unwrap_or_default().to_owned()).collect();
                names.sort();
                names
            };
            let list = |filters: VolumeListFilters| {
                let client = &client;
                async move {
                    let answer = client
                        .volume_list()
                        .filters(filters)
                        .await
                        .unwrap_or_else(|e| panic!("{name}: list: {e}"));
                    json(&answer)["Volumes"].as_array().cloned().unwrap_or_default()
                }
            };
            let label = || {
                dockwright_tests::if_v1_25!($era, {
                    // `label` is documented from v1.27; the daemon accepts it.
                    VolumeListFilters::new().custom("label", label_filter(&run_id))
                } else {
                    VolumeListFilters::new().label(label_filter(&run_id))
                })
            };
            assert_eq!(names(&list(label()).await), [vol_a.clone(), vol_b.clone()], "{name}");
            assert_eq!(names(&list(VolumeListFilters::new().name(&vol_b)).await), [vol_b.as_str()], "{name}");
            if dockwright_tests::podman::limit(engine, dockwright_tests::podman::PodmanLimit::VolumeFiltersOred) {
                // `label` OR `dangling` / `driver`: both volumes, whatever the second key says.
                let both = [vol_a.clone(), vol_b.clone()];
                assert_eq!(names(&list(label().dangling(true)).await), both, "{name}");
                assert_eq!(names(&list(label().dangling(false)).await), both, "{name}");
                assert_eq!(names(&list(label().driver("no-such-driver")).await), both, "{name}");
            } else {
                assert_eq!(names(&list(label().dangling(true)).await), [vol_b.as_str()], "{name}");
                assert_eq!(names(&list(label().dangling(false)).await), [vol_a.as_str()], "{name}");
                assert!(list(label().driver("no-such-driver")).await.is_empty(), "{name}");
            }
            let all = client.volume_list().await.unwrap_or_else(|e| panic!("{name}: list all: {e}"));
            assert!(json(&all)["Volumes"].as_array().unwrap().iter().any(|v| v["Name"] == vol_a.as_str()));

            // Remove: refused while a container uses it.
            let err = client.volume_delete(&vol_a).await.unwrap_err();
            assert!(err.is_conflict(), "{name}: {err:?}");
            client.container_delete(&container.id).await.unwrap();
            client.volume_delete(&vol_a).await.unwrap_or_else(|e| panic!("{name}: remove: {e}"));
            assert!(client.volume_inspect(&vol_a).await.unwrap_err().is_not_found(), "{name}");
            let err = client.volume_delete(&vol_a).await.unwrap_err();
            assert!(err.is_not_found(), "{name}: {err:?}");

            // Prune this test's unused volumes (label filter).
            let prune = |filters: VolumePruneFilters| {
                let client = &client;
                async move {
                    let answer = retry_busy(|| client.volume_prune().filters(filters.clone()).send())
                        .await
                        .unwrap_or_else(|e| panic!("{name}: prune: {e}"));
                    answer.volumes_deleted.unwrap_or_default()
                }
            };
            let deleted = dockwright_tests::if_v1_25!($era, {
                prune(VolumePruneFilters::new().custom("label", label_filter(&run_id))).await
            } else {
                dockwright_tests::if_before_1_42!($era, {
                    prune(VolumePruneFilters::new().label(label_filter(&run_id))).await
                } else {
                    // From API 1.42 a prune leaves named volumes alone unless `all=true`.
                    let kept = prune(VolumePruneFilters::new().label(label_filter(&run_id))).await;
                    assert!(kept.is_empty(), "{name}: {kept:?}");
                    prune(VolumePruneFilters::new().label(label_filter(&run_id)).all(true)).await
                })
            });
            assert_eq!(deleted, [vol_b.as_str()], "{name}");
            assert!(client.volume_inspect(&vol_b).await.unwrap_err().is_not_found(), "{name}");
        }
    };
}

dockwright_tests::engine_matrix!(suite);
// Podman's Docker-compatible service, with the v1.41 crate (see `dockwright_tests::podman`).
dockwright_tests::engine_matrix!(@test v1_41_on_podman, v1_41, ENGINE_PODMAN);
