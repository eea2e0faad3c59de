//! The generated clients over TLS (the 26.1 engine on `tcp://127.0.0.1:2376`, client
//! certificates required): the right client certificate works; no client certificate, a
//! CA that did not sign the server's certificate, and plain HTTP are each refused with an
//! error that says which.

use dockwright_runtime::{Error, TlsConfig, Transport, TransportErrorKind};
use dockwright_tests::engines::{setting, TLS_CERTS, TLS_ENDPOINT, TLS_WRONG_CERTS};

/// Endpoint, right certificates, wrong certificates; `None` when not configured.
fn tls_setting() -> Option<(String, String, String)> {
    Some((
        setting(TLS_ENDPOINT)?,
        setting(TLS_CERTS)?,
        setting(TLS_WRONG_CERTS)?,
    ))
}

#[tokio::test]
async fn the_right_client_certificate_works() {
    let Some((url, certs, _)) = tls_setting() else {
        return;
    };
    let tls = TlsConfig::from_cert_dir(&certs).unwrap();
    let transport = Transport::tls(&url, tls).unwrap();
    assert!(
        transport.endpoint().contains("(TLS)"),
        "{}",
        transport.endpoint()
    );

    let v1_45 = dockwright_v1_45::client::Client::new(transport.clone());
    let ping = v1_45
        .check_version()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ping.api_version.as_deref(), Some("1.45"));
    let version = v1_45.system_version().await.unwrap();
    assert_eq!(version.os.as_deref(), Some("linux"));
    assert!(
        version
            .version
            .as_deref()
            .is_some_and(|v| v.starts_with("26.1")),
        "{version:?}"
    );
    v1_45.container_list().all(true).await.unwrap();
    v1_45.image_list().await.unwrap();
    let err = v1_45
        .container_inspect("no-such-container")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");

    // Another crate on a clone of the same transport (one connection pool).
    let v1_41 = dockwright_v1_41::client::Client::new(transport);
    let info = v1_41.system_info().await.unwrap();
    assert_eq!(info.os_type.as_deref(), Some("linux"));
}

#[tokio::test]
async fn no_client_certificate_is_refused() {
    let Some((url, certs, _)) = tls_setting() else {
        return;
    };
    let full = TlsConfig::from_cert_dir(&certs).unwrap();
    let tls = TlsConfig {
        ca_pem: full.ca_pem,
        ..Default::default()
    };
    let client = dockwright_v1_45::client::Client::new(Transport::tls(&url, tls).unwrap());
    for err in [
        client.check_version().await.unwrap_err(),
        client.system_version().await.unwrap_err(),
    ] {
        assert_eq!(
            err.transport_kind(),
            Some(TransportErrorKind::TlsHandshake),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.contains("TLS handshake with the Docker daemon failed"),
            "{message}"
        );
        assert!(message.contains("127.0.0.1:2376"), "{message}");
        // The server says why (TLS 1.3 alert), or refuses the handshake outright.
        assert!(
            ["CertificateRequired", "BadCertificate", "HandshakeFailure"]
                .iter()
                .any(|alert| message.contains(alert)),
            "{message}"
        );
        assert!(!err.is_unreachable(), "the daemon was reached: {err:?}");
    }
}

#[tokio::test]
async fn a_wrong_ca_is_refused() {
    let Some((url, _, wrong)) = tls_setting() else {
        return;
    };
    let tls = TlsConfig::from_cert_dir(&wrong).unwrap();
    let client = dockwright_v1_45::client::Client::new(Transport::tls(&url, tls).unwrap());
    let err = client.system_info().await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(TransportErrorKind::TlsHandshake),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("TLS handshake"), "{message}");
    assert!(
        message.contains("UnknownIssuer") || message.contains("unknown issuer"),
        "{message}"
    );
}

#[tokio::test]
async fn plain_http_to_the_tls_port_is_refused() {
    let Some((url, _, _)) = tls_setting() else {
        return;
    };
    let client = dockwright_v1_45::client::Client::new(Transport::tcp(&url).unwrap());
    for err in [
        client.ping().await.unwrap_err(),
        client.container_list().await.unwrap_err(),
    ] {
        assert_eq!(
            err.transport_kind(),
            Some(TransportErrorKind::TlsRequired),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(message.contains("expects TLS"), "{message}");
        assert!(message.contains("tcp://127.0.0.1:2376"), "{message}");
    }
}

#[tokio::test]
async fn missing_certificate_files_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let err = TlsConfig::from_cert_dir(dir.path()).unwrap_err();
    match &err {
        Error::Tls {
            file: Some(file), ..
        } => {
            assert!(file.starts_with(dir.path()), "{err:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string().contains(dir.path().to_str().unwrap()),
        "{err}"
    );
}
