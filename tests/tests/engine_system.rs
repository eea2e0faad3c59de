//! Ping (typed headers), version, info and `system df` through every generated crate on
//! every engine that speaks its API version (see `dockwright_tests::engine_matrix`).

macro_rules! suite {
    ($api:ident, $era:ident) => {
        use $api::client::{Client, API_VERSION};
        use dockwright_runtime as rt;
        use dockwright_tests::engines::Engine;

        pub async fn run(engine: &Engine) {
            let name = engine.spec.name;
            let client = Client::new(engine.transport());

            // Typed /_ping headers.
            let ping = client.ping().await.unwrap_or_else(|e| panic!("{name}: ping: {e}"));
            let daemon_api = ping.api_version.clone().expect("Api-Version header");
            assert!(
                rt::compare_api_versions(&daemon_api, engine.spec.api).unwrap().is_ge(),
                "{name}: Api-Version {daemon_api}"
            );
            if engine.spec.name != "28" {
                assert_eq!(daemon_api, engine.spec.api, "{name}");
            }
            assert_eq!(ping.os_type.as_deref(), Some("linux"), "{name}: {ping:?}");
            assert!(
                ping.server.as_deref().is_some_and(|s| s.starts_with("Docker/")),
                "{name}: {ping:?}"
            );
            assert!(ping.swarm.is_none() || ping.swarm.as_deref().is_some_and(|s| !s.is_empty()));
            let checked = client.check_version().await.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(checked.api_version, ping.api_version);

            // The generated GET and HEAD /_ping operations read the same typed headers.
            let get = client.system_ping().await.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(get.api_version, ping.api_version, "{name}");
            assert_eq!(get.os_type, ping.os_type, "{name}");
            dockwright_tests::if_v1_25!($era, {} else {
                // HEAD /_ping is API 1.40+.
                let head = client.system_ping_head().await.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(head.api_version, ping.api_version, "{name}");
                assert_eq!(head.server, ping.server, "{name}");
            });

            // GET /version
            let version = client.system_version().await.unwrap_or_else(|e| panic!("{name}: version: {e}"));
            assert_eq!(version.api_version.as_deref(), Some(daemon_api.as_str()), "{name}");
            assert_eq!(version.os.as_deref(), Some("linux"), "{name}");
            let release = version.version.clone().expect("Version");
            assert!(release.starts_with(engine.spec.name), "{name}: {release}");
            let min = version.min_api_version.clone().expect("MinAPIVersion");
            assert!(
                rt::compare_api_versions(&min, API_VERSION).unwrap().is_le(),
                "{name}: MinAPIVersion {min} > {API_VERSION}"
            );

            // GET /info
            let info = client.system_info().await.unwrap_or_else(|e| panic!("{name}: info: {e}"));
            assert_eq!(info.os_type.as_deref(), Some("linux"), "{name}");
            assert_eq!(info.server_version.as_deref(), Some(release.as_str()), "{name}");
            assert_eq!(info.driver.as_deref(), Some("vfs"), "{name}");
            assert!(info.id.as_deref().is_some_and(|id| !id.is_empty()), "{name}");
            assert!(info.ncpu.is_some_and(|n| n > 0), "{name}");
            assert!(info.mem_total.is_some_and(|n| n > 0), "{name}");
            assert!(info.containers.is_some_and(|n| n >= 0), "{name}");

            // GET /system/df: decodes with this version's models (containers, images, volumes).
            // 20.10 refuses a second concurrent df; the matrix runs in parallel.
            let df = dockwright_tests::engines::retry_busy(|| client.system_data_usage().send())
                .await
                .unwrap_or_else(|e| panic!("{name}: system df: {e}"));
            assert!(df.layers_size.is_some_and(|n| n >= 0), "{name}");
            assert!(df.images.is_some(), "{name}: {df:?}");
            assert!(df.containers.is_some(), "{name}: {df:?}");
            assert!(df.volumes.is_some(), "{name}: {df:?}");
            let df_json = dockwright_tests::json(&df);
            for image in df_json["Images"].as_array().unwrap() {
                assert!(image["Id"].as_str().is_some_and(|id| id.starts_with("sha256:")), "{name}: {image}");
            }
        }
    };
}

dockwright_tests::engine_matrix!(suite);
