//! ContainerLogs on real engines: without a TTY the exact stdout and stderr bytes, kept
//! apart; with a TTY the raw stream, exactly; `follow` ends when the container exits.
//! The framing comes from the Content-Type (API >= 1.42), the caller's `.tty(..)`, or the
//! container's inspect answer (API 1.41 on 20.10 sends no Content-Type for logs).

macro_rules! suite {
    ($c:ident) => {
        dockwright_tests::streams_prelude!($c);

        async fn run_to_end(docker: &Client, image: &str, config: serde_json::Value) -> String {
            let id = create(docker, image, config).await;
            docker.container_start(id.clone()).await.expect("start");
            within(60, "wait", docker.container_wait(id.clone())).await.expect("wait");
            id
        }

        pub async fn run(engine: &Engine) {
            let docker = client(engine);
            let Some(image) = ensure_image(&docker, engine).await else { return };

            // No TTY: multiplexed, stdout and stderr apart, byte for byte (with non-ASCII
            // text and no trailing newline; the json-file driver stores lines as JSON
            // strings, so bytes that are not UTF-8 would come back replaced).
            let id = run_to_end(&docker, image, serde_json::json!({
                "Cmd": ["sh", "-c", "printf 'out one\\nout two\\n'; printf 'err \\303\\251 one\\n' >&2; printf 'tail'"],
                "Tty": false,
            })).await;
            let logs = docker.container_logs(id.clone()).stdout(true).stderr(true).await.expect("logs");
            let frames = collect_frames("logs", logs).await;
            let (out, err) = dockwright_runtime::split_output(&frames);
            assert_eq!(out, b"out one\nout two\ntail", "{}", engine.spec.name);
            assert_eq!(err, "err é one\n".as_bytes(), "{}", engine.spec.name);
            assert!(frames.iter().all(|f| matches!(f.stream, StdStream::Stdout | StdStream::Stderr)));
            // The caller's statement gives the same.
            let logs = docker.container_logs(id.clone()).stdout(true).stderr(true).tty(false).await.expect("logs");
            assert_eq!(dockwright_runtime::split_output(&collect_frames("logs", logs).await), (out, err));
            // Only stderr.
            let logs = docker.container_logs(id.clone()).stderr(true).await.expect("logs");
            let (o, e) = dockwright_runtime::split_output(&collect_frames("logs", logs).await);
            assert!(o.is_empty());
            assert_eq!(e, "err é one\n".as_bytes());
            remove(&docker, &id).await;

            // TTY: one raw stream, exactly as the terminal wrote it.
            let id = run_to_end(&docker, image, serde_json::json!({
                "Cmd": ["sh", "-c", "printf 'tty out\\n'; printf '\\001\\002 tty err\\n' >&2"],
                "Tty": true,
            })).await;
            for hint in [None, Some(true)] {
                let mut request = docker.container_logs(id.clone()).stdout(true).stderr(true);
                if let Some(tty) = hint {
                    request = request.tty(tty);
                }
                let frames = collect_frames("tty logs", request.await.expect("logs")).await;
                assert!(frames.iter().all(|f| f.stream == StdStream::Console), "{}: {frames:?}", engine.spec.name);
                let raw: Vec<u8> = frames.iter().flat_map(|f| f.bytes.iter().copied()).collect();
                assert_eq!(raw, b"tty out\r\n\x01\x02 tty err\r\n", "{}", engine.spec.name);
            }
            remove(&docker, &id).await;

            // A container that does not exist: the daemon's 404, before any stream.
            let Err(missing) = docker.container_logs(dockwright_tests::engines::unique("missing")).stdout(true).await else {
                panic!("{}: logs of a missing container", engine.spec.name)
            };
            assert!(missing.is_not_found(), "{}: {missing}", engine.spec.name);

            // follow: the stream ends when the container exits.
            let id = create(&docker, image, serde_json::json!({
                "Cmd": ["sh", "-c", "echo first; sleep 1; echo second"],
            })).await;
            docker.container_start(id.clone()).await.expect("start");
            let logs = docker.container_logs(id.clone()).stdout(true).follow(true).await.expect("logs");
            let (out, _) = dockwright_runtime::split_output(&collect_frames("follow", logs).await);
            assert_eq!(out, b"first\nsecond\n", "{}", engine.spec.name);
            remove(&docker, &id).await;
        }
    };
}

dockwright_tests::streams_matrix!(suite);
// Podman's Docker-compatible service, with the v1.41 crate (see `dockwright_tests::podman`).
dockwright_tests::streams_matrix!(@test v1_41_on_podman, v1_41, ENGINE_PODMAN);
