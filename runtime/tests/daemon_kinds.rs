//! The daemon's kind from the `Server` header of each answer, and the deviations of
//! Podman's Docker-compatible service the runtime absorbs, replayed byte for byte as
//! Podman 4.3.1 sends them (the real service is tested in `tests/tests/engine_podman.rs`).
#![cfg(feature = "client")]

mod support;

use dockwright_runtime as rt;
use futures_util::StreamExt;
use support::{serve, within, Kind, Step};

/// Podman's answer to `POST /containers/{id}/kill` on a stopped container.
const PODMAN_CONFLICT: &str = r#"{"cause":"container state improper","message":"can only kill running containers. abc is in state exited: container state improper","response":500}"#;

fn answer(status: &str, server: &str, content_type: &str, body: &str) -> Vec<Step> {
    vec![Step::Write(
        format!(
            "HTTP/1.1 {status}\r\nServer: {server}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )]
}

async fn kill_error(server: &'static str, status: &'static str) -> rt::Error {
    let fake = serve(Kind::Unix, move |_, _| {
        answer(status, server, "application/json", PODMAN_CONFLICT)
    })
    .await;
    within(
        "kill",
        fake.transport()
            .request(rt::Method::POST, "/v1.41/containers/abc/kill".to_owned())
            .send_empty(),
    )
    .await
    .unwrap_err()
}

#[tokio::test]
async fn a_podman_500_with_a_conflict_cause_is_a_conflict() {
    let err = kill_error("Libpod/4.3.1 (linux)", "500 Internal Server Error").await;
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.cause(), Some("container state improper"));
    assert_eq!(err.daemon(), Some(rt::DaemonKind::Podman));
    assert!(
        err.to_string().contains("can only kill running containers"),
        "{err}"
    );
}

#[tokio::test]
async fn the_same_500_from_another_daemon_is_no_conflict() {
    for server in ["Docker/26.1.5 (linux)", "nginx"] {
        let err = kill_error(server, "500 Internal Server Error").await;
        assert!(!err.is_conflict(), "{server}: {err:?}");
        assert_eq!(
            err.cause(),
            Some("container state improper"),
            "the cause is kept"
        );
    }
    let err = kill_error("Docker/26.1.5 (linux)", "409 Conflict").await;
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(err.daemon(), Some(rt::DaemonKind::Docker));
}

#[tokio::test]
async fn a_podman_miss_stays_a_miss() {
    let fake = serve(Kind::Unix, |_, _| {
        answer(
            "404 Not Found",
            "Libpod/4.3.1 (linux)",
            "application/json",
            r#"{"cause":"no such container","message":"no container with name or ID \"x\" found: no such container","response":404}"#,
        )
    })
    .await;
    let err = fake
        .transport()
        .request(rt::Method::POST, "/v1.41/containers/x/kill".to_owned())
        .send_empty()
        .await
        .unwrap_err();
    assert!(err.is_not_found() && !err.is_conflict(), "{err:?}");
    assert_eq!(err.cause(), Some("no such container"));
}

/// Podman answers a detached exec start `200 text/plain` with `"\n"`; read as frames that
/// is "stream ended inside a frame". It is an acknowledgement: no output.
#[tokio::test]
async fn a_text_plain_answer_to_a_detached_exec_start_is_no_output() {
    let fake = serve(Kind::Unix, |_, _| {
        answer(
            "200 OK",
            "Libpod/4.3.1 (linux)",
            "text/plain; charset=utf-8",
            "\n",
        )
    })
    .await;
    let attached = within(
        "exec start",
        fake.transport()
            .request(rt::Method::POST, "/v1.41/exec/abc/start".to_owned())
            .json_body(&serde_json::json!({"Detach": true}))
            .send_attach(rt::FramingRule::new("1.41").tty(Some(false))),
    )
    .await
    .expect("a detached exec start");
    let (_input, output) = attached.into_parts();
    let items: Vec<_> = within("output", output.collect::<Vec<_>>()).await;
    assert!(items.is_empty(), "{items:?}");
}

/// Docker's empty answer to the same request is still read as (no) frames.
#[tokio::test]
async fn an_empty_multiplexed_answer_is_no_output_too() {
    let fake = serve(Kind::Unix, |_, _| {
        answer(
            "200 OK",
            "Docker/20.10.24 (linux)",
            "application/vnd.docker.raw-stream",
            "",
        )
    })
    .await;
    let attached = fake
        .transport()
        .request(rt::Method::POST, "/v1.41/exec/abc/start".to_owned())
        .json_body(&serde_json::json!({"Detach": true}))
        .send_attach(rt::FramingRule::new("1.41").tty(Some(false)))
        .await
        .expect("a detached exec start");
    let (_input, output) = attached.into_parts();
    assert!(output.collect::<Vec<_>>().await.is_empty());
}
