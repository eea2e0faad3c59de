//! A misbehaving daemon, and the same assertions over a unix socket, plain TCP and TLS:
//! broken answers are errors (never a panic, a hang or unbounded memory), no request is
//! sent twice, no call gets another call's answer, and every transport setting holds on
//! every transport. See `support/mod.rs` for the scripted server and `faults_streams.rs`
//! for the streamed answers.
#![cfg(feature = "client")]

mod support;

use dockwright_runtime as rt;
use rt::{Error, TransportErrorKind};
use std::time::Duration;
use support::{chunk, chunked_head, json, serve, within, Recorded, Server, Step, KINDS};

/// Runs `test` against a fake daemon of each transport in turn, each scripted by `script`:
/// the loop every test here shares, so what holds on one transport is checked on all.
async fn on_every_transport(
    script: impl Fn(usize, &Recorded) -> Vec<Step> + Clone + Send + Sync + 'static,
    mut test: impl AsyncFnMut(Server),
) {
    for kind in KINDS {
        test(serve(kind, script.clone()).await).await;
    }
}

/// A script answering every request with the same steps.
fn always(steps: Vec<Step>) -> impl Fn(usize, &Recorded) -> Vec<Step> + Clone + Send + Sync {
    move |_, _| steps.clone()
}

/// The error a GET for JSON must end in.
async fn get_json_error(server: &Server, what: &str) -> Error {
    within(
        what,
        get(&server.transport()).send_json::<serde_json::Value>(),
    )
    .await
    .unwrap_err()
}

fn get(t: &rt::Transport) -> rt::RequestBuilder {
    t.request(rt::Method::GET, "/v1.41/containers/json".into())
        .query("all", true)
}

/// A body-less POST, like `container_kill`: must never run twice.
fn kill(t: &rt::Transport) -> rt::RequestBuilder {
    t.request(rt::Method::POST, "/v1.41/containers/abc/kill".into())
}

fn is_transport(err: &Error) -> bool {
    matches!(err, Error::Transport { .. })
}

/// Answers that are not HTTP, or not HTTP this client may read, are transport errors.
#[tokio::test]
async fn broken_heads_are_errors() {
    let heads: [(&str, Vec<u8>); 4] = [
        ("garbage head", b"SSH-2.0-OpenSSH_9.2\r\n\r\n".to_vec()),
        (
            "bad status",
            b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n".to_vec(),
        ),
        (
            "conflicting Content-Lengths",
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}".to_vec(),
        ),
        (
            "absurd chunk size",
            [
                chunked_head("application/json"),
                b"fffffffffffffffffffff\r\n{}".to_vec(),
            ]
            .concat(),
        ),
    ];
    for (what, bytes) in heads {
        let script = always(vec![Step::Write(bytes), Step::Hang]);
        on_every_transport(script, async |server| {
            let err = get_json_error(&server, what).await;
            assert!(is_transport(&err), "{:?} {what}: {err:?}", server.kind);
        })
        .await;
    }
}

#[tokio::test]
async fn an_endless_head_is_an_error_not_unbounded_growth() {
    let script = always(vec![
        Step::Write(b"HTTP/1.1 200 OK\r\n".to_vec()),
        Step::Flood(b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".to_vec()),
    ]);
    on_every_transport(script, async |server| {
        let kind = server.kind;
        let err = within("endless head", get(&server.transport()).send_empty())
            .await
            .unwrap_err();
        assert!(is_transport(&err), "{kind:?}: {err:?}");
        // hyper gives up after its header buffer (~400 KiB); the socket buffers add a few MiB.
        assert!(
            server.flooded() < 32 << 20,
            "{kind:?}: {}",
            server.flooded()
        );
    })
    .await;
}

#[tokio::test]
async fn short_bodies_and_cut_chunks_are_connection_errors() {
    let answers: [(&str, Vec<u8>); 2] = [
        (
            "short body",
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[1,2"
                .to_vec(),
        ),
        (
            "cut chunk",
            [chunked_head("application/json"), b"10\r\n[1,2".to_vec()].concat(),
        ),
    ];
    for (what, bytes) in answers {
        let script = always(vec![Step::Write(bytes), Step::Close]);
        on_every_transport(script, async |server| {
            let err = get_json_error(&server, what).await;
            assert_eq!(
                err.transport_kind(),
                Some(TransportErrorKind::ConnectionClosed),
                "{:?} {what}: {err:?}",
                server.kind
            );
        })
        .await;
    }
}

/// The daemon read the request and the connection died before any answer: the daemon
/// may have executed it, so the caller gets an error and the request is not sent again,
/// on a new connection as on a reused one.
#[tokio::test]
async fn a_request_that_left_is_never_sent_twice() {
    // A new connection.
    on_every_transport(always(vec![Step::Close]), async |server| {
        let kind = server.kind;
        let err = within("closed", kill(&server.transport()).send_empty())
            .await
            .unwrap_err();
        assert!(is_transport(&err), "{kind:?}: {err:?}");
        assert_eq!(server.requests().len(), 1, "{kind:?}");
    })
    .await;
    // A kept-alive connection: the first call succeeds, the second is read and dropped.
    let script = |n, _: &Recorded| match n {
        0 => vec![Step::Write(json("204 No Content", ""))],
        _ => vec![Step::Close],
    };
    on_every_transport(script, async |server| {
        let kind = server.kind;
        let transport = server.transport();
        within("first", kill(&transport).send_empty())
            .await
            .unwrap();
        let err = within("second", kill(&transport).send_empty())
            .await
            .unwrap_err();
        assert!(is_transport(&err), "{kind:?}: {err:?}");
        assert_eq!(server.requests().len(), 2, "{kind:?}: sent once each");
        assert_eq!(server.connections(), 1, "{kind:?}");
    })
    .await;
}

/// A pooled connection the daemon closed while it was idle is dropped; the next call
/// goes out on a new connection and succeeds.
#[tokio::test]
async fn a_pooled_connection_closed_while_idle_is_replaced() {
    on_every_transport(
        |n, _| vec![Step::Write(json("200 OK", &n.to_string())), Step::Close],
        async |server| {
            let kind = server.kind;
            let transport = server.transport();
            for n in 0..3 {
                let got: u32 = within("call", get(&transport).send_json()).await.unwrap();
                assert_eq!(got, n, "{kind:?}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert_eq!(server.requests().len(), 3, "{kind:?}");
            assert_eq!(server.connections(), 3, "{kind:?}");
        },
    )
    .await;
}

/// Bytes the daemon sends on an idle connection are never taken for the next answer.
#[tokio::test]
async fn unsolicited_bytes_never_answer_another_call() {
    /// Four calls on one kept-alive connection, each answered with its own number.
    async fn four_calls(server: Server, pause: Duration) {
        let (kind, transport) = (server.kind, server.transport());
        for n in 0..4 {
            let got: u32 = within("call", get(&transport).send_json()).await.unwrap();
            assert_eq!(got, n, "{kind:?}: call {n} got another call's answer");
            tokio::time::sleep(pause).await;
        }
        assert_eq!(server.requests().len(), 4, "{kind:?}");
    }
    let later = |n: usize, _: &Recorded| {
        vec![
            Step::Write(json("200 OK", &n.to_string())),
            Step::Sleep(Duration::from_millis(20)),
            Step::Write(json("200 OK", "666")),
        ]
    };
    on_every_transport(later, async |server| {
        four_calls(server, Duration::from_millis(100)).await
    })
    .await;
    // Sent right behind the answer, in the same write.
    let behind = |n: usize, _: &Recorded| {
        vec![Step::Write(
            [json("200 OK", &n.to_string()), json("200 OK", "666")].concat(),
        )]
    };
    on_every_transport(behind, async |server| {
        four_calls(server, Duration::from_millis(50)).await
    })
    .await;
}

#[tokio::test]
async fn kept_alive_connections_serve_many_calls_in_any_pieces() {
    on_every_transport(
        |n, _| {
            let body = format!("[{n},\"{}\"]", "x".repeat(3000));
            let answer = if n % 2 == 0 {
                json("200 OK", &body)
            } else {
                [
                    chunked_head("application/json"),
                    chunk(&body.as_bytes()[..5]),
                    chunk(&body.as_bytes()[5..]),
                    b"0\r\n\r\n".to_vec(),
                ]
                .concat()
            };
            // In pieces of 7 bytes.
            answer
                .chunks(7)
                .flat_map(|p| {
                    [
                        Step::Write(p.to_vec()),
                        Step::Sleep(Duration::from_micros(100)),
                    ]
                })
                .collect()
        },
        async |server| {
            let kind = server.kind;
            let transport = server.transport();
            for n in 0..6u64 {
                let (got, _): (u64, String) =
                    within("call", get(&transport).send_json()).await.unwrap();
                assert_eq!(got, n, "{kind:?}");
            }
            assert_eq!(server.connections(), 1, "{kind:?}");
        },
    )
    .await;
}

#[tokio::test]
async fn http_1_0_close_delimited_answers_and_100_continue() {
    on_every_transport(
        |n, _| match n % 2 {
            0 => vec![
                Step::Write(
                    b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n[1,2,3]".to_vec(),
                ),
                // On TLS, an end without close_notify could be a truncation: an error.
                Step::Shutdown,
            ],
            _ => vec![Step::Write(
                [
                    b"HTTP/1.1 100 Continue\r\n\r\n".to_vec(),
                    json("200 OK", "[4]"),
                ]
                .concat(),
            )],
        },
        async |server| {
            let kind = server.kind;
            let transport = server.transport();
            let got: Vec<u8> = within("1.0", get(&transport).send_json()).await.unwrap();
            assert_eq!(got, [1, 2, 3], "{kind:?}");
            let got: Vec<u8> = within("100", get(&transport).send_json()).await.unwrap();
            assert_eq!(got, [4], "{kind:?}");
            assert_eq!(server.connections(), 2, "{kind:?}");
        },
    )
    .await;
}

/// Buffered answers stop at the transport's limit with a named error; the client stops
/// reading there, so its memory stays bounded whatever the daemon sends.
#[tokio::test]
async fn oversized_answers_are_a_named_error() {
    const LIMIT: u64 = 1 << 20;
    on_every_transport(
        |n, _| match n {
            0 => vec![
                Step::Write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 209715200\r\n\r\n".to_vec()),
                Step::Flood(b"{\"Id\":\"0123456789abcdef\"},".repeat(100)),
            ],
            _ => vec![
                Step::Write([chunked_head("application/json"), chunk(b"[")].concat()),
                Step::Flood(chunk(&b"{\"Id\":\"0123456789abcdef\"},".repeat(100))),
            ],
        },
        async |server| {
        let kind = server.kind;
        let transport = server.builder().max_body_size(LIMIT).build().unwrap();
        let err = within(
            "announced",
            get(&transport).send_json::<serde_json::Value>(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::BodyTooLarge {
                    limit: LIMIT,
                    size: Some(209715200),
                    ..
                }
            ),
            "{kind:?}: {err:?}"
        );
        assert!(err.to_string().contains("max_body_size"), "{err}");
        let err = within("chunked", get(&transport).send_text())
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::BodyTooLarge {
                    limit: LIMIT,
                    size: None,
                    ..
                }
            ),
            "{kind:?}: {err:?}"
        );
        assert!(
            server.flooded() < 64 << 20,
            "{kind:?}: the client kept reading: {}",
            server.flooded()
        );
    })
    .await;
}

#[tokio::test]
async fn error_bodies_are_read_up_to_a_small_cap() {
    on_every_transport(
        |_, _| {
            vec![
                Step::Write(
                    b"HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
                        .to_vec(),
                ),
                Step::Flood(chunk(&[b'x'; 4096])),
            ]
        },
        async |server| {
            let kind = server.kind;
            let err = within("500", kill(&server.transport()).send_empty())
                .await
                .unwrap_err();
            match &err {
                Error::Api {
                    status: 500,
                    message,
                    ..
                } => {
                    assert!(
                        message.len() <= 64 * 1024 && message.starts_with("xxxx"),
                        "{kind:?}"
                    )
                }
                other => panic!("{kind:?}: {other:?}"),
            }
            assert!(
                server.flooded() < 32 << 20,
                "{kind:?}: {}",
                server.flooded()
            );
        },
    )
    .await;
}

/// Every transport setting holds on every transport: the daemon receives the same
/// request over the unix socket, TCP and TLS (all but `Host`).
#[tokio::test]
async fn the_same_request_reaches_the_daemon_on_every_transport() {
    let mut seen = Vec::new();
    on_every_transport(
        |_, _| vec![Step::Write(json("200 OK", "{}"))],
        async |server| {
            let kind = server.kind;
            let transport = server
                .builder()
                .user_agent("fault-suite/1")
                .build()
                .unwrap();
            let _: serde_json::Value =
                within("get", get(&transport).header("X-Custom", "yes").send_json())
                    .await
                    .unwrap();
            within("post", kill(&transport).send_empty()).await.unwrap();
            let _: serde_json::Value = within(
                "body",
                transport
                    .request(rt::Method::POST, "/v1.41/containers/create".into())
                    .json_body(&serde_json::json!({"Image": "busybox"}))
                    .send_json(),
            )
            .await
            .unwrap();
            let _ = within("text", get(&transport).send_text()).await.unwrap();
            let mut requests = server.requests();
            for r in &mut requests {
                assert_eq!(r.header("user-agent"), Some("fault-suite/1"), "{kind:?}");
                r.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("host"));
            }
            seen.push((kind, requests));
        },
    )
    .await;
    for (kind, requests) in &seen[1..] {
        assert_eq!(
            requests, &seen[0].1,
            "{kind:?} differs from {:?}",
            seen[0].0
        );
    }
}

/// A malformed `Api-Version` is the daemon's fault: a header error naming it.
#[tokio::test]
async fn a_malformed_api_version_is_a_protocol_error() {
    on_every_transport(
        |_, _| {
            vec![Step::Write(
                b"HTTP/1.1 200 OK\r\nApi-Version: one.forty\r\nContent-Length: 2\r\n\r\nOK"
                    .to_vec(),
            )]
        },
        async |server| {
            let kind = server.kind;
            let err = within("ping", server.transport().check_version("1.41"))
                .await
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Header {
                        name: "Api-Version",
                        ..
                    }
                ),
                "{kind:?}: {err:?}"
            );
            assert!(err.to_string().contains("Api-Version"), "{err}");
        },
    )
    .await;
}

/// A connection belongs to the Tokio runtime that opened it: once that runtime is gone,
/// the next runtime opens its own instead of writing to a dead one.
#[test]
fn runtimes_do_not_share_connections() {
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    for kind in KINDS {
        let server = server_runtime
            .block_on(async { serve(kind, |_, _| vec![Step::Write(json("200 OK", "[]"))]).await });
        let transport = server.transport();
        for _ in 0..2 {
            let client = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            client.block_on(async {
                let _: Vec<u8> = within("1", get(&transport).send_json()).await.unwrap();
                let _: Vec<u8> = within("2", get(&transport).send_json()).await.unwrap();
            });
        }
        assert_eq!(server.connections(), 2, "{kind:?}: one per runtime");
    }
}
