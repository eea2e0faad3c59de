//! Podman's deviations that the runtime absorbs, on Podman's Docker-compatible service with
//! the v1.41 crate (and, for contrast, on Docker 20.10): the daemon kind from the ping's
//! `Server` header, conflicts answered as 500 recognised by `is_conflict()` with the
//! daemon's `cause` kept, a detached exec start's `text/plain` answer read as no output,
//! and `State.Health` of a container without a healthcheck ([`PodmanLimit::EmptyHealth`]).

use dockwright_runtime::{DaemonKind, Method};
use dockwright_tests::engines::{labels, unique, Engine, ENGINE_20_10, ENGINE_PODMAN};
use dockwright_tests::json;
use dockwright_tests::podman::{limit, PodmanLimit};
use dockwright_v1_41::client::Client;
use dockwright_v1_41::models::{ContainerCreateBody, ContainerExecBody, ExecStartBody, HostConfig};
use futures_util::StreamExt;

fn body(image: &str, run_id: &str) -> ContainerCreateBody {
    ContainerCreateBody {
        image: Some(image.to_owned()),
        cmd: Some(vec!["sleep".into(), "300".into()]),
        labels: Some(labels(run_id)),
        host_config: Some(HostConfig {
            network_mode: Some("none".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn podman_conflicts_causes_and_detached_exec() {
    let Some(engine) = Engine::get(ENGINE_PODMAN) else {
        return;
    };
    let client = Client::new(engine.transport());
    let ping = client.check_version().await.expect("ping");
    assert_eq!(ping.daemon(), DaemonKind::Podman, "{ping:?}");
    let Some(image) = dockwright_tests::shared_busybox!(client, &engine) else {
        return;
    };
    let cleanup = engine.cleanup();
    let run_id = unique("podman");
    let name = format!("{run_id}-a");
    let id = client
        .container_create(body(&image, &run_id))
        .name(&name)
        .await
        .expect("create")
        .id;
    cleanup.container(&id);

    // Each conflict is a 500 from Podman, a conflict for the runtime, with its cause.
    let conflict = |what: &str, err: dockwright_runtime::Error, cause: &str| {
        assert!(err.is_conflict(), "{what}: {err:?}");
        assert_eq!(
            err.status(),
            Some(500),
            "{what}: Podman answers 500: {err:?}"
        );
        assert_eq!(err.cause(), Some(cause), "{what}: {err:?}");
        assert_eq!(err.daemon(), Some(DaemonKind::Podman), "{what}");
    };
    let err = client
        .container_create(body(&image, &run_id))
        .name(&name)
        .await
        .unwrap_err();
    conflict("duplicate name", err, "that name is already in use");
    let err = client.container_kill(&id).await.unwrap_err();
    conflict("kill a created container", err, "container state improper");
    let exec = |id: &str| {
        client.container_exec(
            id,
            ContainerExecBody {
                cmd: Some(vec!["true".into()]),
                ..Default::default()
            },
        )
    };
    conflict(
        "exec in a container not running",
        exec(&id).await.unwrap_err(),
        "container state improper",
    );
    client.container_start(&id).await.expect("start");
    conflict(
        "delete a running container without force",
        client.container_delete(&id).await.unwrap_err(),
        "container state improper",
    );
    // A miss stays a miss: a 404 with its cause, no conflict.
    let err = client
        .container_kill(format!("{run_id}-none"))
        .await
        .unwrap_err();
    assert!(err.is_not_found() && !err.is_conflict(), "{err:?}");
    assert_eq!(err.cause(), Some("no such container"), "{err:?}");

    // A detached exec start: Podman answers 200 text/plain "\n" (checked on the wire, so
    // this test fails when Podman changes it), the typed call reads it as no output.
    let detached = || ExecStartBody {
        detach: Some(true),
        ..Default::default()
    };
    let exec_id = exec(&id).await.expect("exec create").id;
    let raw = engine
        .transport()
        .request(Method::POST, format!("/v1.41/exec/{exec_id}/start"))
        .json_body(&detached())
        .send()
        .await
        .expect("raw detached exec start");
    assert!(
        raw.content_type()
            .is_some_and(|ct| ct.starts_with("text/plain")),
        "{:?}",
        raw.content_type()
    );
    assert_eq!(&raw.bytes().await.unwrap()[..], b"\n");
    let exec_id = exec(&id).await.expect("exec create").id;
    let attached = client
        .exec_start(exec_id)
        .body(detached())
        .tty(false)
        .await
        .expect("detached exec start");
    let (_input, output) = attached.into_parts();
    let frames: Vec<_> = output.collect().await;
    assert!(frames.is_empty(), "{frames:?}");

    // No healthcheck, yet a Health object with an empty status.
    let state = json(&client.container_inspect(&id).await.unwrap().state);
    if limit(&engine, PodmanLimit::EmptyHealth) {
        assert_eq!(state["Health"]["Status"], "", "{state}");
    }
    client
        .container_delete(&id)
        .force(true)
        .await
        .expect("delete with force");
}

/// Podman's events of one container, read back with `since` and `until` (a window that
/// ends a second after the container did: Podman returns nothing for a window ending at
/// the last second), decoded by the v1.41 models: its own actions `init` and `cleanup`
/// around Docker's `create`, `start`, `die` ([`PodmanLimit::Events`]).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn podman_events_of_a_container() {
    let Some(engine) = Engine::get(ENGINE_PODMAN) else {
        return;
    };
    let client = Client::new(engine.transport());
    let Some(image) = dockwright_tests::shared_busybox!(client, &engine) else {
        return;
    };
    let cleanup = engine.cleanup();
    let run_id = unique("podman-events");
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let since = now();
    let mut create = body(&image, &run_id);
    create.cmd = Some(vec!["true".into()]);
    let id = client.container_create(create).await.expect("create").id;
    cleanup.container(&id);
    client.container_start(&id).await.expect("start");
    client.container_wait(&id).await.expect("wait");
    let events: Vec<_> = client
        .system_events()
        .since(since.to_string())
        .until((now() + 1).to_string())
        .filters(
            dockwright_v1_41::filters::SystemEventsFilters::new()
                .label(dockwright_tests::engines::label_filter(&run_id)),
        )
        .request_timeout(std::time::Duration::from_secs(30))
        .await
        .expect("events")
        .collect()
        .await;
    let actions: Vec<String> = events
        .into_iter()
        .map(|e| e.expect("an event the v1.41 models decode"))
        .filter_map(|e| e.action)
        .collect();
    for docker_action in ["create", "start", "die"] {
        assert!(actions.iter().any(|a| a == docker_action), "{actions:?}");
    }
    if limit(&engine, PodmanLimit::Events) {
        for own in ["init", "cleanup"] {
            assert!(actions.iter().any(|a| a == own), "{actions:?}");
        }
    }
}

/// For contrast: Docker's own answers are untouched (a 409 is a conflict, the kind is
/// Docker, there is no cause), and a 500 from Docker is never read as a conflict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docker_answers_keep_their_meaning() {
    let Some(engine) = Engine::get(ENGINE_20_10) else {
        return;
    };
    let client = Client::new(engine.transport());
    let ping = client.check_version().await.expect("ping");
    assert_eq!(ping.daemon(), DaemonKind::Docker, "{ping:?}");
    let err = client.container_kill(unique("none")).await.unwrap_err();
    assert!(err.is_not_found() && !err.is_conflict(), "{err:?}");
    assert_eq!(err.cause(), None, "{err:?}");
    assert_eq!(err.daemon(), Some(DaemonKind::Docker), "{err:?}");
}
