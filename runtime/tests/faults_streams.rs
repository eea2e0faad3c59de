//! The fault suite's streams (logs, events, byte bodies) over a unix socket, plain TCP
//! and TLS: broken frames, an endless line and a stalled body end the stream with an
//! error; a single line is handed on at once. See `faults.rs` for the rest.
#![cfg(feature = "client")]

mod support;

use dockwright_runtime as rt;
use futures_util::StreamExt;
use rt::Error;
use std::time::Duration;
use support::{chunk, chunked_head, serve, within, Step, KINDS};

/// A body-less POST that never gets an answer.
fn kill(t: &rt::Transport) -> rt::RequestBuilder {
    t.request(rt::Method::POST, "/v1.41/containers/abc/kill".into())
}

fn logs(t: &rt::Transport) -> rt::RequestBuilder {
    t.request(rt::Method::GET, "/v1.41/containers/abc/logs".into())
        .query("stdout", true)
}

#[tokio::test]
async fn broken_log_frames_end_the_stream_with_an_error() {
    let mux = "application/vnd.docker.multiplexed-stream";
    for kind in KINDS {
        let server = serve(kind, move |n, _| {
            let frame: &[u8] = match n {
                0 => &[1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
                _ => &[7, 0, 0, 0, 0, 0, 0, 1, b'x'],
            };
            vec![
                Step::Write(
                    [
                        chunked_head(mux),
                        chunk(b"\x01\0\0\0\0\0\0\x02ok"),
                        chunk(frame),
                    ]
                    .concat(),
                ),
                Step::Hang,
            ]
        })
        .await;
        let transport = server.transport();
        for n in 0..2 {
            let mut stream = within(
                "logs",
                logs(&transport).send_logs(rt::FramingRule::new("1.45")),
            )
            .await
            .unwrap();
            let first = within("frame", stream.next()).await.unwrap().unwrap();
            assert_eq!(&first.bytes[..], b"ok");
            let err = within("bad frame", stream.next())
                .await
                .unwrap()
                .unwrap_err();
            match n {
                0 => assert!(
                    matches!(
                        err,
                        Error::FrameTooLarge {
                            len: 0xffff_ffff,
                            ..
                        }
                    ),
                    "{kind:?}: {err:?}"
                ),
                _ => assert!(
                    matches!(err, Error::InvalidStreamType(7)),
                    "{kind:?}: {err:?}"
                ),
            }
            assert!(within("end", stream.next()).await.is_none(), "{kind:?}");
        }
    }
}

#[tokio::test]
async fn an_endless_ndjson_line_is_an_error() {
    for kind in KINDS {
        let server = serve(kind, |_, _| {
            vec![
                Step::Write(
                    [
                        chunked_head("application/json"),
                        chunk(b"{\"a\":1}\n{\"b\":\""),
                    ]
                    .concat(),
                ),
                Step::Flood(chunk(&[b'a'; 16384])),
            ]
        })
        .await;
        let events = server
            .transport()
            .request(rt::Method::GET, "/v1.41/events".into());
        let mut stream = within("events", events.send_json_stream::<serde_json::Value>())
            .await
            .unwrap();
        assert_eq!(
            within("1", stream.next()).await.unwrap().unwrap(),
            serde_json::json!({"a": 1})
        );
        let err = within("line", stream.next()).await.unwrap().unwrap_err();
        assert!(
            matches!(err, Error::LineTooLong { .. }),
            "{kind:?}: {err:?}"
        );
        assert!(within("end", stream.next()).await.is_none());
    }
}

/// A stream that stalls is cut by the request's time limit, as an `Error::Timeout`.
#[tokio::test]
async fn a_stalled_stream_is_cut_by_request_timeout() {
    for kind in KINDS {
        let server = serve(kind, |_, _| {
            vec![
                Step::Write([chunked_head("application/octet-stream"), chunk(b"first")].concat()),
                Step::Hang,
            ]
        })
        .await;
        let started = std::time::Instant::now();
        let mut body = within(
            "bytes",
            logs(&server.transport())
                .timeout(Some(Duration::from_millis(500)))
                .send_bytes(),
        )
        .await
        .unwrap();
        assert_eq!(
            &within("first", body.next()).await.unwrap().unwrap()[..],
            b"first"
        );
        let err = within("stall", body.next()).await.unwrap().unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{kind:?}: {err:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "{kind:?}");
        // The transport's default limit, on a call that never gets an answer.
        let server = serve(kind, |_, _| vec![Step::Hang]).await;
        let transport = server
            .builder()
            .default_timeout(Some(Duration::from_millis(300)))
            .build()
            .unwrap();
        let err = within("hang", kill(&transport).send_empty())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{kind:?}: {err:?}");
    }
}

/// A single log line the daemon writes reaches the caller at once, not when more
/// follow: nothing between the socket and the decoder waits to batch reads.
#[tokio::test]
async fn a_single_log_line_arrives_without_delay() {
    let mux = "application/vnd.docker.multiplexed-stream";
    for kind in KINDS {
        let server = serve(kind, move |_, _| {
            vec![
                Step::Write(chunked_head(mux)),
                Step::Sleep(Duration::from_millis(100)),
                Step::Write(chunk(b"\x01\0\0\0\0\0\0\x05line\n")),
                Step::Hang,
            ]
        })
        .await;
        let mut stream = within(
            "logs",
            logs(&server.transport()).send_logs(rt::FramingRule::new("1.45")),
        )
        .await
        .unwrap();
        let started = std::time::Instant::now();
        let frame = within("line", stream.next()).await.unwrap().unwrap();
        assert_eq!(&frame.bytes[..], b"line\n");
        let waited = started.elapsed();
        // Written 100 ms after the head; a few ms of scheduling are allowed on a busy machine.
        assert!(
            waited < Duration::from_millis(100 + 50),
            "{kind:?}: the line took {waited:?}"
        );
    }
}
