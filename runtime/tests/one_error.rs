//! Sends and stream items fail with one error type: a failed pull is one `match`
//! whether the daemon refused the request (an HTTP error) or failed halfway (an
//! `errorDetail` inside a 200 progress stream), and `?` works on both.
#![cfg(feature = "client")]

mod support;

use dockwright_runtime as rt;
use futures_util::StreamExt;
use rt::Error;
use serde_json::Value;
use std::time::Duration;
use support::{chunk, chunked_head, json, serve, within, Kind, Step};

/// A pull as a user writes it: `?` on the send and on every item.
async fn pull(transport: &rt::Transport) -> Result<Vec<Value>, Error> {
    let mut progress = transport
        .request(rt::Method::POST, "/v1.41/images/create".into())
        .query("fromImage", "dockwright/nothing")
        .send_progress::<Value>()
        .await?;
    let mut messages = Vec::new();
    while let Some(message) = progress.next().await {
        messages.push(message?);
    }
    Ok(messages)
}

/// The one `match` that covers every way a pull fails.
fn outcome(result: Result<Vec<Value>, Error>) -> String {
    match result {
        Ok(messages) => format!("pulled ({} messages)", messages.len()),
        Err(Error::Api {
            status, message, ..
        }) => format!("refused ({status}): {message}"),
        Err(Error::Daemon { message }) => format!("failed midway: {message}"),
        Err(other) => format!("other: {other}"),
    }
}

const MISSING: &str = "manifest for dockwright/nothing:latest not found";

#[tokio::test]
async fn a_failed_pull_is_one_match_whenever_the_daemon_failed() {
    // Refused before any progress: a 404 with the daemon's JSON error body.
    let refused = serve(Kind::Unix, |_, _| {
        vec![Step::Write(json(
            "404 Not Found",
            &format!(r#"{{"message":"{MISSING}"}}"#),
        ))]
    })
    .await;
    let result = within("refused pull", pull(&refused.transport())).await;
    let err = result.as_ref().unwrap_err();
    assert_eq!(err.daemon_message(), Some(MISSING));
    assert!(!err.is_daemon_error());
    assert_eq!(outcome(result), format!("refused (404): {MISSING}"));

    // Failed after the 200: a progress message carrying errorDetail.
    let midway = serve(Kind::Unix, |_, _| {
        let body = format!(
            "{{\"status\":\"Pulling from dockwright/nothing\",\"id\":\"latest\"}}\n\
             {{\"errorDetail\":{{\"message\":\"{MISSING}\"}},\"error\":\"{MISSING}\"}}\n"
        );
        vec![
            Step::Write(
                [
                    chunked_head("application/json"),
                    chunk(body.as_bytes()),
                    chunk(b""),
                ]
                .concat(),
            ),
            Step::Close,
        ]
    })
    .await;
    let result = within("failing pull", pull(&midway.transport())).await;
    let err = result.as_ref().unwrap_err();
    assert_eq!(err.daemon_message(), Some(MISSING));
    assert!(err.is_daemon_error() && !err.ends_stream());
    assert_eq!(
        err.to_string(),
        format!("the daemon reported an error: {MISSING}")
    );
    assert_eq!(outcome(result), format!("failed midway: {MISSING}"));
}

/// A body that stalls under a stream decoder fails with the transport's own
/// `Error::Timeout` naming the request, not with a wrapped copy of it.
#[tokio::test]
async fn a_transport_error_under_a_decoder_keeps_its_variant() {
    let server = serve(Kind::Unix, |_, _| {
        vec![
            Step::Write(
                [
                    chunked_head("application/json"),
                    chunk(b"{\"status\":\"Downloading\"}\n"),
                ]
                .concat(),
            ),
            Step::Hang,
        ]
    })
    .await;
    let mut progress = within(
        "pull",
        server
            .transport()
            .request(rt::Method::POST, "/v1.41/images/create".into())
            .timeout(Some(Duration::from_millis(300)))
            .send_progress::<Value>(),
    )
    .await
    .unwrap();
    let first = within("first", progress.next()).await.unwrap().unwrap();
    assert_eq!(first["status"], "Downloading");
    let err = within("stall", progress.next()).await.unwrap().unwrap_err();
    match &err {
        Error::Timeout { request } => assert!(request.contains("/images/create"), "{err}"),
        other => panic!("not the transport's timeout: {other:?}"),
    }
    assert!(err.ends_stream());
    assert!(within("end", progress.next()).await.is_none());
}
