//! Time limits on real engines: the transport's default limit cuts ordinary calls but not
//! long polls or streams, and a request's own `request_timeout` overrides it either way.
//!
//! The container's PID 1 is `sleep`, which ignores SIGTERM, so `container_stop` with
//! `t = N` really takes N seconds and `container_wait` blocks until it is stopped.

macro_rules! suite {
    ($api:ident, $era:ident) => {
        use dockwright_runtime::{Error, Transport};
        use dockwright_tests::engines::{labels, unique, Engine};
        use futures_util::StreamExt;
        use std::time::{Duration, Instant};
        use $api::client::Client;
        use $api::models::{ContainerCreateBody, HostConfig};

        /// The transport's default limit for every test below.
        const DEFAULT_LIMIT: Duration = Duration::from_millis(300);

        pub async fn run(engine: &Engine) {
            let name = engine.spec.name;
            let plain = Client::new(engine.transport());
            let Some(image) = dockwright_tests::shared_busybox!(plain, engine) else {
                return;
            };
            let client = Client::new(
                Transport::builder()
                    .host(&engine.host)
                    .default_timeout(Some(DEFAULT_LIMIT))
                    .build()
                    .unwrap(),
            );
            let cleanup = engine.cleanup();
            let run_id = unique("timeouts");
            let id = plain
                .container_create(ContainerCreateBody {
                    image: Some(image),
                    cmd: Some(vec![
                        "sh".into(),
                        "-c".into(),
                        "echo started; exec sleep 300".into(),
                    ]),
                    labels: Some(labels(&run_id)),
                    host_config: Some(HostConfig {
                        network_mode: Some("none".into()),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .await
                .unwrap_or_else(|e| panic!("{name}: create: {e}"))
                .id;
            cleanup.container(&id);
            plain
                .container_start(&id)
                .await
                .unwrap_or_else(|e| panic!("{name}: start: {e}"));

            // An ordinary call answered at once is not affected by the limit.
            client
                .container_inspect(&id)
                .await
                .unwrap_or_else(|e| panic!("{name}: inspect: {e}"));

            // A long poll ignores the transport's default: still waiting well after it.
            let waiting = tokio::time::timeout(
                Duration::from_millis(1500),
                client.container_wait(&id).send(),
            )
            .await;
            assert!(
                waiting.is_err(),
                "{name}: wait ended while the container runs: {waiting:?}"
            );

            // ... unless the request sets its own limit.
            let started = Instant::now();
            let err = client
                .container_wait(&id)
                .request_timeout(Duration::from_millis(400))
                .await
                .unwrap_err();
            assert!(
                matches!(err, Error::Timeout { .. }),
                "{name}: wait: {err:?}"
            );
            assert!(
                err.to_string().contains("/wait: timed out"),
                "{name}: {err}"
            );
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{name}: {:?}",
                started.elapsed()
            );

            // A stream (followed logs) ignores the default too, and ends with an error item
            // when its own limit runs out.
            let mut logs = client
                .container_logs(&id)
                .follow(true)
                .stdout(true)
                .tty(false)
                .request_timeout(Duration::from_millis(1200))
                .await
                .unwrap_or_else(|e| panic!("{name}: logs: {e}"));
            let first = tokio::time::timeout(Duration::from_secs(10), logs.next()).await;
            let first = first
                .expect("the first line arrives")
                .expect("a first item");
            let frame = first.unwrap_or_else(|e| panic!("{name}: logs item: {e}"));
            assert_eq!(&frame.bytes[..], b"started\n", "{name}");
            let started = Instant::now();
            let last = tokio::time::timeout(Duration::from_secs(10), logs.next())
                .await
                .unwrap_or_else(|_| {
                    panic!("{name}: the followed logs were not cut by their limit")
                });
            let elapsed = started.elapsed();
            match last {
                Some(Err(e)) => assert!(e.to_string().contains("timed out"), "{name}: {e}"),
                other => panic!("{name}: expected a time-out item, got {other:?}"),
            }
            assert!(
                elapsed > Duration::from_millis(400),
                "{name}: cut by the default limit: {elapsed:?}"
            );

            // An ordinary call that takes longer than the default (a stop that waits 10 s
            // for SIGTERM) is cut by it ...
            let started = Instant::now();
            let err = client.container_stop(&id).t(10).await.unwrap_err();
            assert!(
                matches!(err, Error::Timeout { .. }),
                "{name}: stop: {err:?}"
            );
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{name}: {:?}",
                started.elapsed()
            );

            // ... and given room by its own limit.
            client
                .container_stop(&id)
                .t(1)
                .request_timeout(Duration::from_secs(60))
                .await
                .unwrap_or_else(|e| panic!("{name}: stop with room: {e}"));
            let state = plain
                .container_inspect(&id)
                .await
                .unwrap()
                .state
                .expect("State");
            assert_eq!(dockwright_tests::json(&state)["Running"], false, "{name}");
        }
    };
}

dockwright_tests::engine_matrix!(suite);
