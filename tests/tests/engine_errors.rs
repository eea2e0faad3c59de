//! Errors a caller must be able to tell apart, on real engines: a daemon too old for the
//! crate (`Error::VersionTooNew`, naming both versions), and path parameters that hold
//! `/`, `..`, `?`, `#` failing as not-found without reaching another route.

use dockwright_runtime::Error;
use dockwright_tests::engines::{Engine, ENGINE_20_10};

/// The v1.51 crate against the 20.10 engine (API 1.41 at most).
#[tokio::test]
async fn v1_51_against_20_10_is_version_too_new() {
    let Some(engine) = Engine::get(ENGINE_20_10) else {
        return;
    };
    let client = dockwright_v1_51::client::Client::new(engine.transport());
    let check = |err: Error, what: &str| {
        let message = err.to_string();
        assert!(
            matches!(&err, Error::VersionTooNew { client, daemon_max } if client == "1.51" && daemon_max == "1.41"),
            "{what}: {err:?}"
        );
        assert!(
            message.contains("daemon supports at most 1.41"),
            "{what}: {message}"
        );
        assert!(message.contains("1.51"), "{what}: {message}");
        assert_eq!(
            message,
            "this crate speaks API v1.51 but the daemon supports at most 1.41"
        );
    };
    // Up front, from the /_ping headers.
    check(client.check_version().await.unwrap_err(), "check_version");
    // From an ordinary call: the daemon refuses the /v1.51/ prefix with a 400.
    check(client.system_version().await.unwrap_err(), "system_version");
    check(
        client.container_list().all(true).await.unwrap_err(),
        "container_list",
    );
    check(
        client.container_inspect("anything").await.unwrap_err(),
        "container_inspect",
    );
    // /_ping itself is unversioned and still answers.
    let ping = client.ping().await.unwrap();
    assert_eq!(ping.api_version.as_deref(), Some("1.41"));

    // The v1.45 crate is too new as well; v1.41 and v1.25 are fine.
    let err = dockwright_v1_45::client::Client::new(engine.transport())
        .system_info()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::VersionTooNew { client, daemon_max } if client == "1.45" && daemon_max == "1.41"),
        "{err:?}"
    );
    dockwright_v1_41::client::Client::new(engine.transport())
        .check_version()
        .await
        .unwrap();
    dockwright_v1_25::client::Client::new(engine.transport())
        .check_version()
        .await
        .unwrap();
}

macro_rules! suite {
    ($api:ident, $era:ident) => {
        use dockwright_runtime::Error;
        use dockwright_tests::engines::Engine;
        use $api::client::Client;

        pub async fn run(engine: &Engine) {
            let name = engine.spec.name;
            let client = Client::new(engine.transport());
            // Decoded by the daemon into `.`/`..` segments, which it would answer with a
            // redirect to another route (`/containers/../version` → `/version`): refused
            // before sending, and reported as not found.
            for id in [
                "..",
                ".",
                "../version",
                "a/../../info",
                "../../_ping",
                "../json",
            ] {
                let err = client.container_inspect(id).await.unwrap_err();
                assert!(err.is_not_found(), "{name} {id:?}: {err:?}");
                assert!(
                    matches!(err, Error::UnroutablePath { .. }),
                    "{name} {id:?}: {err:?}"
                );
                let err = client.image_inspect(id).await.unwrap_err();
                assert!(err.is_not_found(), "{name} {id:?}: {err:?}");
                let err = client.volume_inspect(id).await.unwrap_err();
                assert!(err.is_not_found(), "{name} {id:?}: {err:?}");
                let err = client.network_inspect(id).await.unwrap_err();
                assert!(err.is_not_found(), "{name} {id:?}: {err:?}");
            }
            // Sent as one encoded segment: the daemon looks up the literal name (its
            // message repeats it) and finds nothing; no other route answers.
            for id in [
                "a/b",
                "?",
                "a?b=c",
                "#x",
                "x#",
                "%2F",
                "with space",
                "名前",
                "a/..b",
            ] {
                let err = client.container_inspect(id).await.unwrap_err();
                assert!(err.is_not_found(), "{name} {id:?}: {err:?}");
                match &err {
                    Error::Api {
                        status: 404,
                        message,
                        ..
                    } => {
                        assert!(
                            message.contains("No such container"),
                            "{name} {id:?}: {message}"
                        );
                        assert!(
                            message.contains(id),
                            "{name} {id:?}: the daemon saw another name: {message}"
                        );
                    }
                    other => panic!("{name} {id:?}: {other:?}"),
                }
                let err = client.container_delete(id).force(true).await.unwrap_err();
                assert!(err.is_not_found(), "{name} {id:?}: {err:?}");
                let err = client.container_top(id).await.unwrap_err();
                assert!(err.is_not_found(), "{name} {id:?}: {err:?}");
                let err = client.volume_inspect(id).await.unwrap_err();
                assert!(err.is_not_found(), "{name} {id:?}: {err:?}");
                let err = client.network_inspect(id).await.unwrap_err();
                assert!(err.is_not_found(), "{name} {id:?}: {err:?}");
            }
            // Image names may hold `/` (repositories) and `:` (tags); a missing one is a 404.
            let err = client.image_inspect("no/such/repo:tag").await.unwrap_err();
            assert!(err.is_not_found(), "{name}: {err:?}");
            // `?` and `#` cannot be in an image reference: the image route answers 400
            // "invalid reference format" (the literal name reached it, nothing else did).
            for reference in ["no-such-image?x=1", "x#frag"] {
                match client.image_inspect(reference).await.unwrap_err() {
                    Error::Api {
                        status: 400,
                        message,
                        path,
                        ..
                    } => {
                        assert!(
                            message.contains("invalid reference format"),
                            "{name} {reference:?}: {message}"
                        );
                        assert!(
                            path.ends_with("/json") && path.contains("/images/"),
                            "{name}: {path}"
                        );
                    }
                    other => panic!("{name} {reference:?}: {other:?}"),
                }
            }
        }
    };
}

dockwright_tests::engine_matrix!(suite);
