//! `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` apply to remote daemons (as with the Docker CLI)
//! but never to a unix socket or a loopback address, on every transport. Its own test
//! binary: it sets process environment variables.
#![cfg(feature = "client")]

mod support;

use dockwright_runtime as rt;
use support::{json, serve, within, Kind, Step, KINDS};

#[tokio::test]
async fn proxies_apply_to_remote_daemons_only() {
    // The "proxy" is a fake daemon too: whatever reaches it is recorded.
    let proxy = serve(Kind::Tcp, |_, _| vec![Step::Write(json("200 OK", "[]"))]).await;
    let proxy_url = proxy
        .builder()
        .build()
        .unwrap()
        .endpoint()
        .replace("tcp://", "http://");
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        std::env::set_var(var, &proxy_url);
    }
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");

    for kind in KINDS {
        let server = serve(kind, |_, _| vec![Step::Write(json("200 OK", "[]"))]).await;
        let _: Vec<u8> = within(
            "direct",
            server
                .transport()
                .request(rt::Method::GET, "/v1.41/containers/json".into())
                .send_json(),
        )
        .await
        .unwrap();
        assert_eq!(server.requests().len(), 1, "{kind:?}: not sent directly");
    }
    assert!(
        proxy.requests().is_empty(),
        "loopback went through the proxy"
    );

    // A remote address (TEST-NET-1, never contacted) goes through the proxy.
    let remote = rt::Transport::tcp("tcp://192.0.2.1:2375").unwrap();
    let _: Vec<u8> = within(
        "proxied",
        remote
            .request(rt::Method::GET, "/v1.41/containers/json".into())
            .send_json(),
    )
    .await
    .unwrap();
    let seen = proxy.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].request_line,
        "GET http://192.0.2.1:2375/v1.41/containers/json HTTP/1.1"
    );
}
