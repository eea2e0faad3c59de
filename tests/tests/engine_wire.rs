//! Every request of a generated crate carries its `/v1.xx/` prefix: on the wire (a fake
//! daemon records the request line of a broad set of calls through four crates), and in
//! the source of all 31 generated clients (every request path literal starts with it).

use std::path::Path;

macro_rules! wire {
    ($api:ident) => {
        pub async fn run() {
            use $api::client::{Client, API_VERSION};
            use $api::models::{ContainerCreateBody, NetworkCreateBody};
            let fake = dockwright_tests::fake::FakeDaemon::start("[]");
            let client = Client::new(fake.transport());
            let hostile = "../../_ping?x#y";

            // The answers do not decode (`[]` everywhere): only the wire matters here.
            let _ = client.system_version().await;
            let _ = client.system_info().await;
            let _ = client.system_data_usage().await;
            let _ = client.system_ping().await;
            let _ = client.container_list().all(true).await;
            let _ = client
                .container_create(ContainerCreateBody::default())
                .name("n")
                .await;
            let _ = client.container_inspect("abc").await;
            let _ = client.container_start("abc").await;
            let _ = client.container_stop("abc").t(1).await;
            let _ = client.container_restart("abc").await;
            let _ = client.container_kill("abc").signal("KILL").await;
            let _ = client.container_pause("abc").await;
            let _ = client.container_unpause("abc").await;
            let _ = client.container_rename("abc", "new").await;
            let _ = client.container_top("abc").await;
            let _ = client.container_changes("abc").await;
            let _ = client.container_wait("abc").await;
            let _ = client.container_delete("abc").force(true).await;
            let _ = client.container_prune().await;
            let _ = client.container_inspect("name with/slash").await;
            let _ = client.image_list().await;
            let _ = client.image_inspect("busybox:latest").await;
            let _ = client.image_history("busybox").await;
            let _ = client.image_tag("busybox").repo("other").tag("v1").await;
            let _ = client.image_delete("other:v1").await;
            let _ = client.image_prune().await;
            let _ = client.network_list().await;
            let _ = client
                .network_create(NetworkCreateBody {
                    name: "n".into(),
                    ..Default::default()
                })
                .await;
            let _ = client.network_inspect("n").await;
            let _ = client.network_delete("n").await;
            let _ = client.network_prune().await;
            let _ = client.volume_list().await;
            let _ = client.volume_inspect("v").await;
            let _ = client.volume_delete("v").await;
            let _ = client.volume_prune().await;
            let _ = client.swarm_inspect().await;
            let _ = client.service_list().await;
            let _ = client.task_list().await;
            let _ = client.node_list().await;
            let _ = client.secret_list().await;
            let _ = client.secret_inspect("s").await;
            let _ = client.plugin_list().await;
            let _ = client.system_events().since("0").until("1").await;
            // A hostile id is refused before sending (it would be another route): nothing
            // reaches the daemon for it.
            let err = client.container_inspect(hostile).await.unwrap_err();
            assert!(err.is_not_found(), "{err:?}");

            let targets = fake.targets();
            assert!(targets.len() >= 42, "{targets:?}");
            let prefix = format!("/v{API_VERSION}/");
            for target in &targets {
                assert!(target.starts_with(&prefix), "{target} lacks {prefix}");
            }
            assert!(
                !targets
                    .iter()
                    .any(|t| t.contains("_ping?") || t.contains("..")),
                "{targets:?}"
            );
            // Path parameters stay one segment.
            assert!(
                targets.contains(&format!("{prefix}containers/name%20with%2Fslash/json")),
                "{targets:?}"
            );
            assert!(
                targets.contains(&format!("{prefix}images/busybox%3Alatest/json")),
                "{targets:?}"
            );
            assert!(
                targets.contains(&format!("{prefix}containers/abc/stop?t=1")),
                "{targets:?}"
            );
            assert!(
                targets.contains(&format!("{prefix}containers/abc/rename?name=new")),
                "{targets:?}"
            );
            assert!(targets.contains(&format!("{prefix}_ping")), "{targets:?}");

            // `ping()` and `check_version()` use the unversioned /_ping, as the daemon's
            // version negotiation requires.
            fake.clear();
            client.ping().await.unwrap();
            assert_eq!(fake.targets(), ["/_ping"]);
            // The fake daemon says Api-Version 1.99: every crate is new enough.
            client.check_version().await.unwrap();
        }
    };
}

mod v1_25 {
    wire!(dockwright_v1_25);
}
mod v1_41 {
    wire!(dockwright_v1_41);
}
mod v1_45 {
    wire!(dockwright_v1_45);
}
mod v1_51 {
    wire!(dockwright_v1_51);
}

#[tokio::test]
async fn v1_25_prefix_on_the_wire() {
    v1_25::run().await;
}

#[tokio::test]
async fn v1_41_prefix_on_the_wire() {
    v1_41::run().await;
}

#[tokio::test]
async fn v1_45_prefix_on_the_wire() {
    v1_45::run().await;
}

#[tokio::test]
async fn v1_51_prefix_on_the_wire() {
    v1_51::run().await;
}

/// Every request path in every generated client starts with that crate's prefix. The
/// generated code names the method (`dockwright_runtime::Method::GET`) right before the
/// path, a string literal or the format string of a `format!`.
#[test]
fn every_generated_request_path_is_versioned() {
    let root = dockwright_tests::workspace_root().join("generated");
    let mut crates = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let Some(version) = dir
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("v"))
        else {
            continue;
        };
        let version = version.replacen('_', ".", 1);
        let requests = check_client(&dir.join("src/client.rs"), &version);
        assert!(
            requests >= 90,
            "{}: only {requests} requests",
            dir.display()
        );
        crates += 1;
    }
    assert_eq!(crates, 31);
}

fn check_client(path: &Path, version: &str) -> usize {
    let source = std::fs::read_to_string(path).unwrap();
    let prefix = format!("\"/v{version}/");
    let mut count = 0;
    for (at, _) in source.match_indices("dockwright_runtime::Method::") {
        let rest = &source[at..];
        let quote = rest.find('"').expect("a path literal follows the method");
        let literal = &rest[quote..];
        assert!(
            literal.starts_with(&prefix),
            "{}: a request path without {prefix}: {}",
            path.display(),
            &literal[..literal.len().min(60)]
        );
        count += 1;
    }
    count
}
