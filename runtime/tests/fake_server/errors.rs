//! Failures as the client reports them: the daemon's error answers, bodies that do not
//! decode, connections cut or refused, time limits, and plain HTTP sent to a TLS port.

use crate::daemon::{fake, json_response, response, Fake, Reply};
use dockwright_runtime as rt;
use futures_util::StreamExt;
use std::time::Duration;

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
