//! Short exchanges on unix sockets over kept-alive connections (`send_json`, `send_empty`,
//! `send_text` without a request body): connection reuse, answer framing in any pieces,
//! a kept connection the daemon closed, errors, time limits, runtimes that must not share
//! connections, and hostile answers. A scripted fake daemon counts connections and
//! requests.
#![cfg(feature = "client")]

use dockwright_runtime as rt;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixListener;

/// What the fake daemon does with one request.
#[derive(Clone)]
enum Reply {
    /// Write these bytes in pieces of `piece` bytes (a short pause between them).
    Pieces(Vec<u8>, usize),
    /// Write these bytes, then close the connection.
    ThenClose(Vec<u8>),
    /// Close the connection without answering.
    Close,
    /// Never answer.
    Hang,
}

struct Fake {
    _dir: tempfile::TempDir,
    socket: std::path::PathBuf,
    connections: Arc<Mutex<usize>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Fake {
    fn transport(&self) -> rt::Transport {
        rt::Transport::unix(&self.socket).unwrap()
    }
    fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Answers requests with `replies` in order (the last one repeats).
fn fake(replies: Vec<Reply>) -> Fake {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("docker.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    let connections = Arc::new(Mutex::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let queue = Arc::new(Mutex::new(VecDeque::from(replies)));
    let (c, r) = (connections.clone(), requests.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            *c.lock().unwrap() += 1;
            let (r, queue) = (r.clone(), queue.clone());
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut reader = BufReader::new(read);
                loop {
                    // A body-less request: its head only.
                    let mut head = String::new();
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        head.push_str(&line);
                    }
                    r.lock().unwrap().push(head);
                    let reply = {
                        let mut q = queue.lock().unwrap();
                        if q.len() > 1 {
                            q.pop_front().unwrap()
                        } else {
                            q.front().cloned().unwrap()
                        }
                    };
                    match reply {
                        Reply::Pieces(bytes, piece) => {
                            for part in bytes.chunks(piece.max(1)) {
                                if write.write_all(part).await.is_err() {
                                    return;
                                }
                                tokio::time::sleep(Duration::from_millis(1)).await;
                            }
                        }
                        Reply::ThenClose(bytes) => {
                            let _ = write.write_all(&bytes).await;
                            return;
                        }
                        Reply::Close => return,
                        Reply::Hang => {
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                        }
                    }
                }
            });
        }
    });
    Fake {
        _dir: dir,
        socket,
        connections,
        requests,
    }
}

fn length(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn chunked(body: &str, pieces: usize) -> Vec<u8> {
    let mut out = String::from(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    let size = body.len().div_ceil(pieces.max(1)).max(1);
    for part in body.as_bytes().chunks(size) {
        out.push_str(&format!(
            "{:x}\r\n{}\r\n",
            part.len(),
            std::str::from_utf8(part).unwrap()
        ));
    }
    out.push_str("0\r\n\r\n");
    out.into_bytes()
}

fn get(t: &rt::Transport) -> rt::RequestBuilder {
    t.request(rt::Method::GET, "/v1.41/containers/json".into())
        .query("all", true)
}

#[tokio::test]
async fn one_connection_serves_many_requests() {
    let f = fake(vec![Reply::Pieces(
        length("200 OK", r#"[{"Id":"a"}]"#),
        4096,
    )]);
    let t = f.transport();
    for _ in 0..5 {
        let v: serde_json::Value = get(&t).send_json().await.unwrap();
        assert_eq!(v, serde_json::json!([{"Id": "a"}]));
    }
    assert_eq!(f.connections(), 1);
    let requests = f.requests();
    assert_eq!(requests.len(), 5);
    assert!(
        requests[0].starts_with("GET /v1.41/containers/json?all=1 HTTP/1.1\r\n"),
        "{requests:?}"
    );
    assert!(requests[0].contains("Host: localhost\r\n"), "{requests:?}");
    assert!(
        !requests[0]
            .to_ascii_lowercase()
            .contains("connection: close"),
        "{requests:?}"
    );
}

#[tokio::test]
async fn answers_in_any_pieces_decode_the_same() {
    let body = r#"[{"Id":"0123456789abcdef","Names":["/x"],"Labels":{"a":"b"}},{"Id":"second"}]"#;
    let want: serde_json::Value = serde_json::from_str(body).unwrap();
    for piece in [1, 3, 64, 4096] {
        for answer in [
            length("200 OK", body),
            chunked(body, 1),
            chunked(body, 5),
            chunked(body, body.len()),
        ] {
            let f = fake(vec![Reply::Pieces(answer, piece)]);
            let t = f.transport();
            let v: serde_json::Value = get(&t).send_json().await.unwrap();
            assert_eq!(v, want, "pieces of {piece}");
            let again: serde_json::Value = get(&t).send_json().await.unwrap();
            assert_eq!(again, want);
            assert_eq!(
                f.connections(),
                1,
                "pieces of {piece}: the connection is kept"
            );
        }
    }
}

#[tokio::test]
async fn a_body_delimited_by_close_is_read_and_the_connection_dropped() {
    let f = fake(vec![Reply::ThenClose(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello".to_vec(),
    )]);
    let t = f.transport();
    let text = t
        .request(rt::Method::GET, "/v1.41/x".into())
        .send_text()
        .await
        .unwrap();
    assert_eq!(text, "hello");
    let text = t
        .request(rt::Method::GET, "/v1.41/x".into())
        .send_text()
        .await
        .unwrap();
    assert_eq!(text, "hello");
    assert_eq!(f.connections(), 2);
}

#[tokio::test]
async fn connection_close_is_honoured() {
    let f = fake(vec![Reply::Pieces(
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n[]".to_vec(),
        4096,
    )]);
    let t = f.transport();
    for _ in 0..3 {
        let v: Vec<u8> = get(&t).send_json().await.unwrap();
        assert!(v.is_empty());
    }
    assert_eq!(f.connections(), 3);
}

#[tokio::test]
async fn a_kept_connection_the_daemon_closed_is_replaced() {
    // First answer on connection 1, then the daemon closes it without answering the
    // second request; the request goes again on a new connection.
    let f = fake(vec![
        Reply::Pieces(length("200 OK", "[1]"), 4096),
        Reply::Close,
        Reply::Pieces(length("200 OK", "[2]"), 4096),
    ]);
    let t = f.transport();
    let v: Vec<u8> = get(&t).send_json().await.unwrap();
    assert_eq!(v, [1]);
    let v: Vec<u8> = get(&t).send_json().await.unwrap();
    assert_eq!(v, [2]);
    assert_eq!(f.connections(), 2);
    assert_eq!(f.requests().len(), 3);
}

#[tokio::test]
async fn a_kept_connection_that_breaks_mid_answer_is_not_retried() {
    // Part of the second answer arrived: the request may have taken effect, so it is an
    // error rather than a second attempt.
    let f = fake(vec![
        Reply::Pieces(length("200 OK", "[1]"), 4096),
        Reply::ThenClose(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[1,2".to_vec()),
        Reply::Pieces(length("200 OK", "[2]"), 4096),
    ]);
    let t = f.transport();
    let v: Vec<u8> = get(&t).send_json().await.unwrap();
    assert_eq!(v, [1]);
    let err = get(&t).send_json::<Vec<u8>>().await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::ConnectionClosed),
        "{err:?}"
    );
    assert_eq!(f.requests().len(), 2);
    assert_eq!(f.connections(), 1);
}

#[tokio::test]
async fn a_connection_that_breaks_mid_answer_is_an_error() {
    let f = fake(vec![Reply::ThenClose(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[1,2".to_vec(),
    )]);
    let err = get(&f.transport())
        .send_json::<Vec<u8>>()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::ConnectionClosed),
        "{err:?}"
    );
}

#[tokio::test]
async fn statuses_are_the_general_clients() {
    let f = fake(vec![
        Reply::Pieces(
            length("404 Not Found", r#"{"message":"No such container: x"}"#),
            4096,
        ),
        Reply::Pieces(b"HTTP/1.1 304 Not Modified\r\n\r\n".to_vec(), 4096),
        Reply::Pieces(b"HTTP/1.1 204 No Content\r\n\r\n".to_vec(), 4096),
        Reply::Pieces(
            length(
                "400 Bad Request",
                r#"{"message":"client version 1.51 is too new. Maximum supported API version is 1.41"}"#,
            ),
            4096,
        ),
    ]);
    let t = f.transport();
    let err = get(&t).send_json::<serde_json::Value>().await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(err.to_string().contains("No such container: x"), "{err}");
    // 304 is success for send_empty (start a started container), 204 too.
    t.request(rt::Method::POST, "/v1.41/containers/x/start".into())
        .send_empty()
        .await
        .unwrap();
    t.request(rt::Method::POST, "/v1.41/containers/x/stop".into())
        .send_empty()
        .await
        .unwrap();
    let err = get(&t).send_json::<serde_json::Value>().await.unwrap_err();
    assert!(
        matches!(&err, rt::Error::VersionTooNew { client, daemon_max } if client == "1.51" && daemon_max == "1.41"),
        "{err:?}"
    );
    // Every answer above was complete: one connection throughout.
    assert_eq!(f.connections(), 1);
    let requests = f.requests();
    assert!(
        requests[1].contains("Content-Length: 0\r\n"),
        "{requests:?}"
    );
}

#[tokio::test]
async fn decode_errors_name_the_path() {
    let f = fake(vec![Reply::Pieces(
        length("200 OK", r#"[{"n":1},{"n":"x"}]"#),
        4096,
    )]);
    #[derive(Debug, serde::Deserialize)]
    struct Item {
        #[allow(dead_code)]
        n: u8,
    }
    let err = get(&f.transport())
        .send_json::<Vec<Item>>()
        .await
        .unwrap_err();
    match err {
        rt::Error::Decode { path, request, .. } => {
            assert_eq!(path, "[1].n");
            assert_eq!(request, "GET /v1.41/containers/json");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn time_limits_apply() {
    let f = fake(vec![Reply::Hang]);
    let t = rt::Transport::builder()
        .unix(&f.socket)
        .default_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = get(&t).send_json::<serde_json::Value>().await.unwrap_err();
    assert!(matches!(err, rt::Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // A request's own limit wins over the transport's.
    let err = get(&f.transport())
        .timeout(Some(Duration::from_millis(100)))
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(matches!(err, rt::Error::Timeout { .. }), "{err:?}");
}

#[test]
fn runtimes_do_not_share_connections() {
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let f = server.block_on(async { fake(vec![Reply::Pieces(length("200 OK", "[]"), 4096)]) });
    let t = f.transport();
    for _ in 0..2 {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let _: Vec<u8> = get(&t).send_json().await.unwrap();
            let _: Vec<u8> = get(&t).send_json().await.unwrap();
        });
    }
    // Two per runtime would be one per runtime; each runtime opened its own.
    assert_eq!(f.connections(), 2);
}

#[tokio::test]
async fn a_missing_socket_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let t = rt::Transport::unix(dir.path().join("nothing.sock")).unwrap();
    let err = get(&t).send_json::<serde_json::Value>().await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::SocketMissing),
        "{err:?}"
    );
    assert!(err.is_unreachable());
    assert!(err.to_string().contains("nothing.sock"), "{err}");
}

#[tokio::test]
async fn an_endless_head_is_an_error_not_unbounded_growth() {
    let mut answer = b"HTTP/1.1 200 OK\r\nX-Filler: ".to_vec();
    answer.extend(std::iter::repeat_n(b'a', 1024 * 1024));
    let f = fake(vec![Reply::Pieces(answer, 64 * 1024)]);
    let err = get(&f.transport())
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::Other),
        "{err:?}"
    );
    assert!(err.to_string().contains("head too long"), "{err}");
}

#[tokio::test]
async fn a_malformed_answer_is_a_transport_error() {
    let f = fake(vec![Reply::ThenClose(
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec(),
    )]);
    let err = get(&f.transport())
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::Other),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&f.socket.display().to_string()),
        "{err}"
    );
}
