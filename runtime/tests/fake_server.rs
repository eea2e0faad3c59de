//! A scripted fake daemon for what a real one will not do on demand (cut a body short,
//! send broken JSON, fail with 500) and for asserting the exact bytes on the wire.
//! Behaviour a real daemon shows is tested in `real_engines.rs` instead.
#![cfg(feature = "client")]

use dockwright_runtime as rt;
use futures_util::StreamExt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, UnixListener};

/// One request as the fake daemon received it.
#[derive(Debug, Clone)]
struct Recorded {
    request_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the fake daemon does with one request.
enum Reply {
    /// Write these bytes, keep the connection.
    Send(Vec<u8>),
    /// Write these bytes, then close.
    SendAndClose(Vec<u8>),
    /// Wait, then write.
    Delayed(Duration, Vec<u8>),
    /// Write these bytes (a 101 head), then echo everything back.
    UpgradeEcho(Vec<u8>),
}

fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

fn json_response(status: &str, body: &str) -> Vec<u8> {
    response(
        status,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

struct Fake {
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<Mutex<usize>>,
    _dir: tempfile::TempDir,
    socket: PathBuf,
}

impl Fake {
    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
    fn transport(&self) -> rt::Transport {
        rt::Transport::unix(&self.socket).unwrap()
    }
}

async fn read_request<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Option<Recorded> {
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).await.ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if let Some(len) = find("content-length") {
        body.resize(len.parse().ok()?, 0);
        reader.read_exact(&mut body).await.ok()?;
    } else if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await.ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await.ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    Some(Recorded {
        request_line: request_line.trim_end().to_owned(),
        headers,
        body,
    })
}

async fn serve_conn<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    handler: Handler,
    log: Arc<Mutex<Vec<Recorded>>>,
) {
    let mut reader = BufReader::new(stream);
    while let Some(req) = read_request(&mut reader).await {
        log.lock().unwrap().push(req.clone());
        let reply = handler(&req);
        let stream = reader.get_mut();
        match reply {
            Reply::Send(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::SendAndClose(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::Delayed(delay, bytes) => {
                tokio::time::sleep(delay).await;
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::UpgradeEcho(head) => {
                if stream.write_all(&head).await.is_err() {
                    return;
                }
                let mut buf = [0u8; 1024];
                loop {
                    match reader.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if reader.get_mut().write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Starts a fake daemon on a unix socket in a fresh temporary folder.
fn fake(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Fake {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("fake.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    let handler: Handler = Arc::new(handler);
    let requests = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(Mutex::new(0));
    let (log, count) = (requests.clone(), connections.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            *count.lock().unwrap() += 1;
            tokio::spawn(serve_conn(stream, handler.clone(), log.clone()));
        }
    });
    Fake {
        requests,
        connections,
        _dir: dir,
        socket,
    }
}

#[tokio::test]
async fn wire_format_of_a_full_request() {
    let fake = fake(|_| Reply::Send(json_response("200 OK", r#"{"ok":true}"#)));
    let id = rt::encode_path_segment("a/b..?c#d%e f/é");
    let auth = rt::AuthConfig {
        username: Some("me".into()),
        password: Some("secret".into()),
        ..Default::default()
    };
    let mut labels = std::collections::BTreeMap::new();
    labels.insert("com.example", vec!["x=y z"]);
    let value: serde_json::Value = fake
        .transport()
        .request(rt::Method::POST, format!("/v1.41/containers/{id}/update"))
        .query("all", true)
        .query("limit", 10u32)
        .query_opt("since", None::<&str>)
        .query_opt("until", Some("now+1"))
        .query_json("filters", &labels)
        .query_repeated("changes", ["CMD a", "ENV b"])
        .header("X-Custom", "yes")
        .registry_auth(&auth)
        .json_body(&serde_json::json!({"Memory": 1}))
        .send_json()
        .await
        .unwrap();
    assert_eq!(value, serde_json::json!({"ok": true}));

    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(
        req.request_line,
        "POST /v1.41/containers/a%2Fb%2E%2E%3Fc%23d%25e%20f%2F%C3%A9/update?all=1&limit=10&until=now%2B1&filters=%7B%22com.example%22%3A%5B%22x%3Dy%20z%22%5D%7D&changes=CMD%20a&changes=ENV%20b HTTP/1.1"
    );
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("x-custom"), Some("yes"));
    assert_eq!(
        req.header("user-agent"),
        Some(concat!("dockwright/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(req.body, br#"{"Memory":1}"#);
    let auth_header = req.header("x-registry-auth").expect("X-Registry-Auth sent");
    // Padded URL-safe base64 of the JSON, as Go's base64.URLEncoding reads it.
    let decoded = decode_base64url(auth_header);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&decoded).unwrap(),
        serde_json::json!({"username": "me", "password": "secret"})
    );
}

/// Tiny decoder so the test does not trust the crate's own encoder.
fn decode_base64url(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    assert_eq!(s.len() % 4, 0, "padded");
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET
            .iter()
            .position(|a| *a == c)
            .expect("URL-safe alphabet") as u32;
        bits = (bits << 6) | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
        }
    }
    out
}

#[tokio::test]
async fn registry_config_header() {
    let fake = fake(|_| Reply::Send(response("200 OK", &[], b"")));
    let mut map = std::collections::BTreeMap::new();
    map.insert(
        "registry.example:5000".to_owned(),
        rt::AuthConfig {
            identitytoken: Some("tok".into()),
            ..Default::default()
        },
    );
    fake.transport()
        .request(rt::Method::POST, "/v1.41/build".into())
        .registry_config(&map)
        .send_empty()
        .await
        .unwrap();
    let req = &fake.requests()[0];
    let decoded = decode_base64url(req.header("x-registry-config").unwrap());
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&decoded).unwrap(),
        serde_json::json!({"registry.example:5000": {"identitytoken": "tok"}})
    );
}

#[tokio::test]
async fn tcp_loopback_sends_the_same_request_line() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let log2 = log.clone();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let handler: Handler = Arc::new(|_| Reply::Send(json_response("200 OK", "[]")));
        serve_conn(stream, handler, log2).await;
    });
    let transport = rt::Transport::tcp(&format!("tcp://{addr}")).unwrap();
    assert_eq!(transport.endpoint(), format!("tcp://{addr}"));
    let v: Vec<u8> = transport
        .request(
            rt::Method::GET,
            "/v1.44/images/library%2Fbusybox%3Alatest/history".into(),
        )
        .send_json()
        .await
        .unwrap();
    assert!(v.is_empty());
    let req = log.lock().unwrap()[0].clone();
    assert_eq!(
        req.request_line,
        "GET /v1.44/images/library%2Fbusybox%3Alatest/history HTTP/1.1"
    );
    assert_eq!(req.header("host"), Some(addr.to_string().as_str()));
}

#[tokio::test]
async fn server_error_with_json_message() {
    let fake = fake(|_| {
        Reply::Send(json_response(
            "500 Internal Server Error",
            r#"{"message":"driver failed programming external connectivity"}"#,
        ))
    });
    let err = fake
        .transport()
        .request(rt::Method::POST, "/v1.41/containers/abc/start".into())
        .send_empty()
        .await
        .unwrap_err();
    match &err {
        rt::Error::Api {
            status,
            message,
            method,
            path,
            ..
        } => {
            assert_eq!(*status, 500);
            assert_eq!(message, "driver failed programming external connectivity");
            assert_eq!(method, rt::Method::POST);
            assert_eq!(path, "/v1.41/containers/abc/start");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(err.status(), Some(500));
    assert!(!err.is_not_found());
    assert_eq!(
        err.to_string(),
        "POST /v1.41/containers/abc/start: the daemon answered 500: driver failed programming external connectivity"
    );
}

#[tokio::test]
async fn non_json_error_body_is_kept_as_text() {
    let fake = fake(|_| {
        Reply::Send(response(
            "404 Not Found",
            &[("Content-Type", "text/plain")],
            b"404 page not found\n",
        ))
    });
    let err = fake
        .transport()
        .request(rt::Method::GET, "/v1.41/nothing".into())
        .send_text()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert!(
        matches!(&err, rt::Error::Api { message, .. } if message == "404 page not found"),
        "{err:?}"
    );
}

#[tokio::test]
async fn too_new_message_becomes_version_too_new() {
    let fake = fake(|_| {
        Reply::Send(json_response(
            "400 Bad Request",
            r#"{"message":"client version 1.51 is too new. Maximum supported API version is 1.41"}"#,
        ))
    });
    let err = fake
        .transport()
        .request(rt::Method::GET, "/v1.51/version".into())
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, rt::Error::VersionTooNew { client, daemon_max } if client == "1.51" && daemon_max == "1.41"),
        "{err:?}"
    );
}

#[tokio::test]
async fn garbage_json_names_the_path() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Port {
        #[serde(rename = "PublicPort")]
        public_port: u16,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Summary {
        #[serde(rename = "Id")]
        id: String,
        #[serde(rename = "Ports")]
        ports: Vec<Port>,
    }
    let fake = fake(|_| {
        Reply::Send(json_response(
            "200 OK",
            r#"[{"Id":"a","Ports":[]},{"Id":"b","Ports":[{"PublicPort":8080},{"PublicPort":"http"}]}]"#,
        ))
    });
    let err = fake
        .transport()
        .request(rt::Method::GET, "/v1.41/containers/json".into())
        .send_json::<Vec<Summary>>()
        .await
        .unwrap_err();
    match &err {
        rt::Error::Decode {
            path,
            excerpt,
            request,
            ..
        } => {
            assert_eq!(path, "[1].Ports[1].PublicPort");
            assert!(excerpt.contains(r#""PublicPort":"http""#), "{excerpt}");
            assert_eq!(request, "GET /v1.41/containers/json");
        }
        other => panic!("unexpected {other:?}"),
    }

    let fake = fake_garbage();
    let err = fake
        .transport()
        .request(rt::Method::GET, "/v1.41/info".into())
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, rt::Error::Decode { excerpt, .. } if excerpt.contains("<html>")),
        "{err:?}"
    );
}

fn fake_garbage() -> Fake {
    fake(|_| Reply::Send(json_response("200 OK", "<html>proxy error</html>")))
}

#[tokio::test]
async fn connection_cut_mid_body() {
    // Promises 1000 bytes, sends 20, closes.
    let cut = || {
        let mut bytes =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                .to_vec();
        bytes.extend_from_slice(br#"[{"Id":"abc","Names""#);
        Reply::SendAndClose(bytes)
    };
    let fake = fake(move |_| cut());
    let err = fake
        .transport()
        .request(rt::Method::GET, "/v1.41/containers/json".into())
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::ConnectionClosed),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&fake.socket.display().to_string()),
        "{err}"
    );

    // Streaming: the chunks that arrived are delivered, then an error, never a silent end.
    let resp = fake
        .transport()
        .request(rt::Method::GET, "/v1.41/containers/abc/logs".into())
        .send()
        .await
        .unwrap();
    let mut stream = resp.bytes_stream();
    let mut got = Vec::new();
    let mut failure = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(chunk) => got.extend_from_slice(&chunk),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    assert_eq!(got, br#"[{"Id":"abc","Names""#);
    let failure = failure.expect("a truncated body must end with an error");
    assert_eq!(
        failure.transport_kind(),
        Some(rt::TransportErrorKind::ConnectionClosed),
        "{failure:?}"
    );
}

#[tokio::test]
async fn connection_closed_before_any_answer() {
    let fake = fake(|_| Reply::SendAndClose(Vec::new()));
    let err = fake
        .transport()
        .request(rt::Method::GET, "/v1.41/info".into())
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::ConnectionClosed),
        "{err:?}"
    );
}

#[tokio::test]
async fn missing_socket_says_daemon_not_running() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("docker.sock");
    let transport = rt::Transport::unix(&socket).unwrap();
    let err = transport.ping().await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::SocketMissing),
        "{err:?}"
    );
    assert!(err.is_unreachable());
    let msg = err.to_string();
    assert!(msg.contains("socket does not exist"), "{msg}");
    assert!(
        msg.contains(&format!("unix://{}", socket.display())),
        "{msg}"
    );
}

#[tokio::test]
async fn refused_tcp_port() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = rt::Transport::tcp(&format!("tcp://{addr}"))
        .unwrap()
        .ping()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::ConnectionRefused),
        "{err:?}"
    );
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
}

#[tokio::test]
async fn per_request_and_default_timeouts() {
    let slow = || Reply::Delayed(Duration::from_millis(600), json_response("200 OK", "{}"));
    let fake = fake(move |_| slow());
    let err = fake
        .transport()
        .request(rt::Method::GET, "/v1.41/info".into())
        .timeout(Some(Duration::from_millis(100)))
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, rt::Error::Timeout { request } if request == "GET /v1.41/info"),
        "{err:?}"
    );

    let with_default = rt::Transport::builder()
        .unix(&fake.socket)
        .default_timeout(Some(Duration::from_millis(100)))
        .build()
        .unwrap();
    let err = with_default
        .request(rt::Method::GET, "/v1.41/info".into())
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(matches!(err, rt::Error::Timeout { .. }), "{err:?}");
    // An explicit None lifts the transport's default (long polls, streams).
    let ok: serde_json::Value = with_default
        .request(rt::Method::GET, "/v1.41/info".into())
        .timeout(None)
        .send_json()
        .await
        .unwrap();
    assert_eq!(ok, serde_json::json!({}));
}

#[tokio::test]
async fn streamed_body_is_sent_chunked() {
    let fake = fake(|_| Reply::Send(response("200 OK", &[], b"")));
    let chunks = (0..5).map(|i| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'a' + i; 1000])));
    fake.transport()
        .request(rt::Method::POST, "/v1.41/build".into())
        .body(
            rt::Body::wrap_stream(futures_util::stream::iter(chunks)),
            "application/x-tar",
        )
        .send_empty()
        .await
        .unwrap();
    let req = &fake.requests()[0];
    assert_eq!(req.header("transfer-encoding"), Some("chunked"));
    assert_eq!(req.header("content-length"), None);
    assert_eq!(req.header("content-type"), Some("application/x-tar"));
    assert_eq!(req.body.len(), 5000);
    assert_eq!(&req.body[4000..4003], b"eee");
}

#[tokio::test]
async fn not_modified_is_success_only_for_send_empty() {
    let fake = fake(|_| Reply::Send(response("304 Not Modified", &[], b"")));
    fake.transport()
        .request(rt::Method::POST, "/v1.41/containers/abc/start".into())
        .send_empty()
        .await
        .unwrap();
    let err = fake
        .transport()
        .request(rt::Method::POST, "/v1.41/containers/abc/start".into())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_modified(), "{err:?}");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let fake = fake(|_| {
        Reply::Send(response(
            "301 Moved Permanently",
            &[("Location", "/v1.41/containers/json")],
            b"",
        ))
    });
    let err = fake
        .transport()
        .request(rt::Method::GET, "/v1.41/containers/x/json".into())
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(301), "{err:?}");
    assert_eq!(
        fake.requests().len(),
        1,
        "the redirect target must not be requested"
    );
}

#[tokio::test]
async fn unroutable_paths_never_reach_the_wire() {
    let fake = fake(|_| Reply::Send(json_response("200 OK", "[]")));
    for id in ["..", ".", "../version", "a/../../info", ""] {
        let path = format!("/v1.41/containers/{}/json", rt::encode_path_segment(id));
        let err = fake
            .transport()
            .request(rt::Method::GET, path)
            .send_json::<serde_json::Value>()
            .await
            .unwrap_err();
        assert!(err.is_not_found(), "{id:?}: {err:?}");
        assert!(
            matches!(err, rt::Error::UnroutablePath { .. }),
            "{id:?}: {err:?}"
        );
    }
    assert_eq!(*fake.connections.lock().unwrap(), 0);
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn bad_header_value_is_a_config_error() {
    let fake = fake(|_| Reply::Send(json_response("200 OK", "{}")));
    let err = fake
        .transport()
        .request(rt::Method::GET, "/v1.41/info".into())
        .header("X-Bad", "line\nbreak")
        .send_empty()
        .await
        .unwrap_err();
    assert!(matches!(err, rt::Error::Config { .. }), "{err:?}");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn plain_http_to_a_tls_port_says_so() {
    // Go's TLS server answers a plain HTTP request exactly like this.
    let fake = fake(|_| {
        Reply::SendAndClose(
            b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"
                .to_vec(),
        )
    });
    let err = fake.transport().ping().await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::TlsRequired),
        "{err:?}"
    );
    assert!(err.to_string().contains("expects TLS"), "{err}");
}

#[tokio::test]
async fn ping_reads_the_headers() {
    let fake = fake(|_| {
        Reply::Send(response(
            "200 OK",
            &[
                ("Api-Version", "1.45"),
                ("OSType", "linux"),
                ("Builder-Version", "2"),
                ("Swarm", "inactive"),
                ("Docker-Experimental", "true"),
                ("Server", "Docker/26.1.5 (linux)"),
            ],
            b"OK",
        ))
    });
    let transport = fake.transport();
    let info = transport.ping().await.unwrap();
    assert_eq!(info.api_version.as_deref(), Some("1.45"));
    assert_eq!(info.os_type.as_deref(), Some("linux"));
    assert_eq!(info.builder_version.as_deref(), Some("2"));
    assert_eq!(info.swarm.as_deref(), Some("inactive"));
    assert!(info.experimental);
    assert_eq!(fake.requests()[0].request_line, "GET /_ping HTTP/1.1");
    assert!(transport.check_version("1.45").await.is_ok());
    let err = transport.check_version("1.51").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "this crate speaks API v1.51 but the daemon supports at most 1.45"
    );
}

#[tokio::test]
async fn upgrade_gives_a_duplex_stream() {
    let fake = fake(|_| {
        Reply::UpgradeEcho(
            b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n".to_vec(),
        )
    });
    let mut io = fake
        .transport()
        .request(rt::Method::POST, "/v1.45/containers/abc/attach".into())
        .query("stream", true)
        .query("stdin", true)
        .send_upgrade()
        .await
        .unwrap();
    assert_eq!(
        io.content_type(),
        Some("application/vnd.docker.multiplexed-stream")
    );
    io.write_all(b"hello over the hijacked connection")
        .await
        .unwrap();
    let mut buf = vec![0; 34];
    tokio::time::timeout(Duration::from_secs(5), io.read_exact(&mut buf))
        .await
        .expect("echo arrives")
        .unwrap();
    assert_eq!(buf, b"hello over the hijacked connection");
    let req = &fake.requests()[0];
    assert_eq!(
        req.request_line,
        "POST /v1.45/containers/abc/attach?stream=1&stdin=1 HTTP/1.1"
    );
    assert!(req
        .header("connection")
        .unwrap()
        .eq_ignore_ascii_case("upgrade"));
    assert_eq!(req.header("upgrade"), Some("tcp"));
}

#[tokio::test]
async fn upgrade_refused_with_200_is_a_clear_error() {
    let fake = fake(|_| Reply::Send(response("200 OK", &[], b"")));
    let err = fake
        .transport()
        .request(rt::Method::POST, "/v1.41/exec/abc/start".into())
        .send_upgrade()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, rt::Error::Upgrade { message, .. } if message.contains("101")),
        "{err:?}"
    );
}
