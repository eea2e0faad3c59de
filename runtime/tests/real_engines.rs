//! Behaviour against real Docker engines (20.10, 26.1, 28.x and a TLS endpoint).
//!
//! Start them with `tests/engines/engines.sh up`, then
//! `set -a; . tests/engines/state/env; set +a; cargo test -p dockwright-runtime`.
//! A missing engine variable skips the test locally and fails it under CI.
#![cfg(feature = "client")]

use dockwright_runtime as rt;
use futures_util::StreamExt;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const E20: &str = "DOCKWRIGHT_ENGINE_20_10";
const E26: &str = "DOCKWRIGHT_ENGINE_26_1";
const E28: &str = "DOCKWRIGHT_ENGINE_28";
const TLS: &str = "DOCKWRIGHT_ENGINE_TLS";
const CERTS: &str = "DOCKWRIGHT_TLS_CERTS";
const WRONG_CERTS: &str = "DOCKWRIGHT_TLS_WRONG_CERTS";

/// The engine address in `var`, or `None` (after saying so) when it is not configured.
fn setting(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            if std::env::var_os("CI").is_some() {
                panic!("{var} is not set: the engine it names is missing (run tests/engines/engines.sh up and source tests/engines/state/env)");
            }
            eprintln!("skipping: {var} is not set (run tests/engines/engines.sh up and source tests/engines/state/env)");
            None
        }
    }
}

fn engine(var: &str) -> Option<rt::Transport> {
    let host = setting(var)?;
    Some(rt::Transport::builder().host(&host).build().unwrap())
}

/// Each unix engine with the API version it must report (28.x moves: at least 1.51).
fn engines() -> Vec<(&'static str, &'static str)> {
    vec![(E20, "1.41"), (E26, "1.45"), (E28, "1.51")]
}

#[tokio::test]
async fn ping_each_engine() {
    for (var, api) in engines() {
        let Some(t) = engine(var) else { continue };
        let info = t.ping().await.unwrap_or_else(|e| panic!("{var}: {e}"));
        let got = info.api_version.clone().expect("Api-Version header");
        if var == E28 {
            assert!(
                rt::compare_api_versions(&got, api).unwrap().is_ge(),
                "{var}: {got}"
            );
        } else {
            assert_eq!(got, api, "{var}");
        }
        assert_eq!(info.os_type.as_deref(), Some("linux"), "{var}");
        assert!(
            info.server.as_deref().unwrap_or("").starts_with("Docker/"),
            "{var}: {info:?}"
        );
        t.check_version("1.41").await.unwrap();
    }
}

#[tokio::test]
async fn raw_versioned_get() {
    for (var, api) in engines() {
        let Some(t) = engine(var) else { continue };
        let v: serde_json::Value = t
            .request(rt::Method::GET, "/v1.41/version".into())
            .send_json()
            .await
            .unwrap_or_else(|e| panic!("{var}: {e}"));
        let reported = v["ApiVersion"].as_str().expect("ApiVersion");
        assert!(
            rt::compare_api_versions(reported, api).unwrap().is_ge(),
            "{var}: {v}"
        );
        assert_eq!(v["Os"], "linux", "{var}");
        assert!(
            v["Version"].as_str().is_some_and(|s| !s.is_empty()),
            "{var}: {v}"
        );
    }
}

#[tokio::test]
async fn hostile_ids_are_not_found_and_never_reach_another_route() {
    for (var, _) in engines() {
        let Some(t) = engine(var) else { continue };
        // Decoded by the daemon into `..` segments, which it would redirect to /version etc.
        for id in ["../version", "..", ".", "a/../../info", "../../_ping"] {
            let path = format!("/v1.41/containers/{}/json", rt::encode_path_segment(id));
            let err = t
                .request(rt::Method::GET, path)
                .send_json::<serde_json::Value>()
                .await
                .unwrap_err();
            assert!(err.is_not_found(), "{var} {id:?}: {err:?}");
        }
        // Reaches the daemon, which looks the literal name up.
        for id in ["?", "a?b=c", "#x", "%2F", "with space", "名前"] {
            let path = format!("/v1.41/containers/{}/json", rt::encode_path_segment(id));
            let err = t
                .request(rt::Method::GET, path)
                .send_json::<serde_json::Value>()
                .await
                .unwrap_err();
            assert!(err.is_not_found(), "{var} {id:?}: {err:?}");
            match &err {
                rt::Error::Api {
                    status: 404,
                    message,
                    ..
                } => {
                    assert!(
                        message.contains("No such container"),
                        "{var} {id:?}: {message}"
                    );
                    assert!(
                        message.contains(id),
                        "{var} {id:?}: the daemon saw another name: {message}"
                    );
                }
                other => panic!("{var} {id:?}: {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn too_new_version_prefix_on_20_10() {
    let Some(t) = engine(E20) else { return };
    let err = t
        .request(rt::Method::GET, "/v1.51/version".into())
        .send_json::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, rt::Error::VersionTooNew { client, daemon_max } if client == "1.51" && daemon_max == "1.41"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "this crate speaks API v1.51 but the daemon supports at most 1.41"
    );
    let err = t.check_version("1.51").await.unwrap_err();
    assert!(matches!(err, rt::Error::VersionTooNew { .. }), "{err:?}");
}

#[tokio::test]
async fn docker_host_from_an_environment_map() {
    let Some(host) = setting(E26) else { return };
    let t = rt::Transport::builder()
        .from_lookup(&|name: &str| (name == "DOCKER_HOST").then(|| host.clone()))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(t.endpoint(), host);
    assert_eq!(t.ping().await.unwrap().api_version.as_deref(), Some("1.45"));
}

#[tokio::test]
async fn finite_event_stream() {
    let Some(t) = engine(E26) else { return };
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let since = now() - 1;
    let name = format!("dockwright-rt-events-{}", std::process::id());
    t.request(rt::Method::POST, "/v1.45/volumes/create".into())
        .json_body(&serde_json::json!({"Name": name}))
        .send_json::<serde_json::Value>()
        .await
        .unwrap();
    t.request(
        rt::Method::DELETE,
        format!("/v1.45/volumes/{}", rt::encode_path_segment(&name)),
    )
    .send_empty()
    .await
    .unwrap();
    let mut filters = std::collections::BTreeMap::new();
    filters.insert("volume", vec![name.as_str()]);
    let resp = t
        .request(rt::Method::GET, "/v1.45/events".into())
        .query("since", since)
        .query("until", now() + 1)
        .query_json("filters", &filters)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.content_type(), Some("application/json"));
    let mut stream = resp.bytes_stream();
    let mut body = Vec::new();
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(30), stream.next())
        .await
        .expect("an events stream with until= ends by itself")
    {
        body.extend_from_slice(&chunk.unwrap());
    }
    let actions: Vec<String> = String::from_utf8(body)
        .unwrap()
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["Action"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(actions, ["create", "destroy"]);
}

// ---- TLS ----

fn tls_setting() -> Option<(String, String, String)> {
    Some((setting(TLS)?, setting(CERTS)?, setting(WRONG_CERTS)?))
}

#[tokio::test]
async fn tls_with_the_right_client_certificate() {
    let Some((url, certs, _)) = tls_setting() else {
        return;
    };
    let tls = rt::TlsConfig::from_cert_dir(&certs).unwrap();
    let t = rt::Transport::tls(&url, tls).unwrap();
    assert!(t.endpoint().contains("127.0.0.1:2376"), "{}", t.endpoint());
    let info = t.ping().await.unwrap();
    assert!(info.api_version.is_some());
    let v: serde_json::Value = t
        .request(rt::Method::GET, "/v1.41/version".into())
        .send_json()
        .await
        .unwrap();
    assert_eq!(v["Os"], "linux");
}

#[tokio::test]
async fn tls_from_docker_env_variables() {
    let Some((url, certs, _)) = tls_setting() else {
        return;
    };
    let env = [
        ("DOCKER_HOST", url.clone()),
        ("DOCKER_TLS_VERIFY", "1".to_owned()),
        ("DOCKER_CERT_PATH", certs.clone()),
    ];
    let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let t = rt::Transport::builder()
        .from_lookup(&lookup)
        .unwrap()
        .build()
        .unwrap();
    t.ping().await.unwrap();
}

#[tokio::test]
async fn tls_from_a_docker_context() {
    let Some((url, certs, _)) = tls_setting() else {
        return;
    };
    let config = tempfile::tempdir().unwrap();
    let id = sha256_hex("dockwright-tls");
    let meta = config.path().join("contexts/meta").join(&id);
    std::fs::create_dir_all(&meta).unwrap();
    std::fs::write(
        meta.join("meta.json"),
        serde_json::json!({"Name": "dockwright-tls", "Metadata": {}, "Endpoints": {"docker": {"Host": url, "SkipTLSVerify": false}}}).to_string(),
    )
    .unwrap();
    let tls = config.path().join("contexts/tls").join(&id).join("docker");
    std::fs::create_dir_all(&tls).unwrap();
    for f in ["ca.pem", "cert.pem", "key.pem"] {
        std::fs::copy(std::path::Path::new(&certs).join(f), tls.join(f)).unwrap();
    }
    std::fs::write(
        config.path().join("config.json"),
        r#"{"currentContext": "dockwright-tls"}"#,
    )
    .unwrap();
    let dir = config.path().to_str().unwrap().to_owned();
    let lookup = |name: &str| (name == "DOCKER_CONFIG").then(|| dir.clone());
    let t = rt::Transport::builder()
        .from_lookup(&lookup)
        .unwrap()
        .build()
        .unwrap();
    t.ping().await.unwrap();
}

/// sha256 via the system's `sha256sum`, so the test does not reuse the crate's own code.
fn sha256_hex(s: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum");
    child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_owned()
}

#[tokio::test]
async fn tls_without_a_client_certificate_is_refused() {
    let Some((url, certs, _)) = tls_setting() else {
        return;
    };
    let full = rt::TlsConfig::from_cert_dir(&certs).unwrap();
    let tls = rt::TlsConfig {
        ca_pem: full.ca_pem,
        ..Default::default()
    };
    let err = rt::Transport::tls(&url, tls)
        .unwrap()
        .ping()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::TlsHandshake),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("TLS handshake") && msg.contains("127.0.0.1:2376"),
        "{msg}"
    );
    // Go's TLS 1.3 server says why; a TLS 1.2 one would fail the handshake outright.
    assert!(
        ["CertificateRequired", "BadCertificate", "HandshakeFailure"]
            .iter()
            .any(|a| msg.contains(a)),
        "{msg}"
    );
}

#[tokio::test]
async fn tls_with_the_wrong_ca_is_refused() {
    let Some((url, _, wrong)) = tls_setting() else {
        return;
    };
    let tls = rt::TlsConfig::from_cert_dir(&wrong).unwrap();
    let err = rt::Transport::tls(&url, tls)
        .unwrap()
        .ping()
        .await
        .unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::TlsHandshake),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("UnknownIssuer") || msg.contains("unknown issuer"),
        "{msg}"
    );
}

#[tokio::test]
async fn plain_http_to_the_tls_port_is_refused() {
    let Some((url, _, _)) = tls_setting() else {
        return;
    };
    let err = rt::Transport::tcp(&url).unwrap().ping().await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(rt::TransportErrorKind::TlsRequired),
        "{err:?}"
    );
    assert!(err.to_string().contains("expects TLS"), "{err}");
}

// ---- streaming upload + hijacked attach ----

/// A ustar archive, written by hand so the test depends on nothing but the runtime.
fn tar(files: &[(&str, &[u8], u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data, mode) in files {
        let mut h = [0u8; 512];
        h[..name.len()].copy_from_slice(name.as_bytes());
        let octal = |h: &mut [u8; 512], at: usize, width: usize, v: u64| {
            let s = format!("{v:0w$o}\0", w = width - 1);
            h[at..at + width].copy_from_slice(s.as_bytes());
        };
        octal(&mut h, 100, 8, u64::from(*mode));
        octal(&mut h, 108, 8, 0);
        octal(&mut h, 116, 8, 0);
        octal(&mut h, 124, 12, data.len() as u64);
        octal(&mut h, 136, 12, 0);
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

const IMAGE: &str = "dockwright-runtime-test:busybox";

/// Builds a busybox image through POST /build with a streamed (chunked) context.
async fn ensure_busybox(t: &rt::Transport, var: &str) -> bool {
    let busybox_path =
        std::env::var("DOCKWRIGHT_BUSYBOX").unwrap_or_else(|_| "/bin/busybox".into());
    let Ok(busybox) = std::fs::read(&busybox_path) else {
        if std::env::var_os("CI").is_some() {
            panic!("{busybox_path} missing: install busybox-static");
        }
        eprintln!("skipping: {busybox_path} missing");
        return false;
    };
    let dockerfile = b"FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n";
    let context = tar(&[
        ("Dockerfile", dockerfile, 0o644),
        ("busybox", &busybox, 0o755),
    ]);
    // 64 KiB pieces: exercises the chunked upload path rather than one buffer.
    let chunks: Vec<_> = context
        .chunks(64 * 1024)
        .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(c)))
        .collect();
    let resp = t
        .request(rt::Method::POST, "/v1.41/build".into())
        .query("t", IMAGE)
        .query("rm", true)
        .query("forcerm", true)
        .body(
            rt::Body::wrap_stream(futures_util::stream::iter(chunks)),
            "application/x-tar",
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("{var}: build: {e}"));
    let text = String::from_utf8_lossy(&resp.bytes().await.unwrap()).into_owned();
    assert!(!text.contains("errorDetail"), "{var}: build failed: {text}");
    true
}

#[tokio::test]
async fn attach_through_a_hijacked_connection() {
    for (var, _) in engines() {
        let Some(t) = engine(var) else { continue };
        if !ensure_busybox(&t, var).await {
            return;
        }
        let name = format!(
            "dockwright-rt-attach-{}-{}",
            std::process::id(),
            var.to_lowercase()
        );
        #[derive(serde::Deserialize)]
        struct Created {
            #[serde(rename = "Id")]
            id: String,
        }
        let created: Created = t
            .request(rt::Method::POST, "/v1.41/containers/create".into())
            .query("name", &name)
            .json_body(&serde_json::json!({
                "Image": IMAGE, "Cmd": ["cat"], "OpenStdin": true, "StdinOnce": true,
                "AttachStdin": true, "AttachStdout": true, "AttachStderr": true,
                "HostConfig": {"NetworkMode": "none"}
            }))
            .send_json()
            .await
            .unwrap_or_else(|e| panic!("{var}: create: {e}"));
        let id = rt::encode_path_segment(&created.id);
        let result = async {
            let mut io = t
                .request(rt::Method::POST, format!("/v1.41/containers/{id}/attach"))
                .query("stream", true)
                .query("stdin", true)
                .query("stdout", true)
                .query("stderr", true)
                .send_upgrade()
                .await?;
            let content_type = io.content_type().map(str::to_owned);
            t.request(rt::Method::POST, format!("/v1.41/containers/{id}/start"))
                .send_empty()
                .await?;
            io.write_all(b"hello\n").await.unwrap();
            let mut frame = [0u8; 14];
            tokio::time::timeout(Duration::from_secs(30), io.read_exact(&mut frame))
                .await
                .expect("cat echoes within 30 s")
                .unwrap();
            Ok::<_, rt::Error>((content_type, frame))
        }
        .await;
        let removed = t
            .request(rt::Method::DELETE, format!("/v1.41/containers/{id}"))
            .query("force", true)
            .send_empty()
            .await;
        let (content_type, frame) = result.unwrap_or_else(|e| panic!("{var}: {e}"));
        removed.unwrap_or_else(|e| panic!("{var}: remove: {e}"));
        // No TTY: one stdout frame, whatever the (pre-1.42) Content-Type claims.
        assert_eq!(&frame[..8], &[1, 0, 0, 0, 0, 0, 0, 6], "{var}: {frame:?}");
        assert_eq!(&frame[8..], b"hello\n", "{var}");
        assert!(
            content_type
                .as_deref()
                .is_some_and(|c| c.starts_with("application/vnd.docker.")),
            "{var}: {content_type:?}"
        );
    }
}
