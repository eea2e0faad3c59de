//! A scripted fake daemon for what a real one will not do on demand (cut a body short,
//! send broken JSON, fail with 500) and for asserting the exact bytes on the wire.
//! Behaviour a real daemon shows is tested in `real_engines.rs` instead.
//!
//! The daemon is `daemon.rs`; this file checks what goes on the wire and how answers
//! that are not errors are read, `errors.rs` how failures are reported.
#![cfg(feature = "client")]

mod daemon;
mod errors;
#[path = "../support/mod.rs"]
mod support;

use daemon::{fake, json_response, response, serve_conn, Handler, Reply};
use dockwright_runtime as rt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

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
