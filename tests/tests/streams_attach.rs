//! Hijacked connections on real engines: attach with stdin to `cat` (what goes in comes
//! back, shutting the writer down ends the container's input and so its output), and exec
//! with stdin and output, the exit code read from ExecInspect.

macro_rules! suite {
    ($c:ident) => {
        dockwright_tests::streams_prelude!($c);

        pub async fn run(engine: &Engine) {
            let docker = client(engine);
            let Some(image) = ensure_image(&docker, engine).await else { return };

            // Attach to `cat` before it starts, write, half-close, read back.
            let id = create(&docker, image, serde_json::json!({
                "Cmd": ["cat"],
                "OpenStdin": true,
                "StdinOnce": true,
                "AttachStdin": true,
                "AttachStdout": true,
                "AttachStderr": true,
                "Tty": false,
            })).await;
            let attached = within(30, "attach", docker
                .container_attach(id.clone())
                .stream(true)
                .stdin(true)
                .stdout(true)
                .stderr(true))
                .await
                .unwrap_or_else(|e| panic!("{}: attach: {e}", engine.spec.name));
            assert_eq!(attached.framing(), dockwright_runtime::stream::Framing::Multiplexed);
            let (mut input, output) = attached.into_parts();
            docker.container_start(id.clone()).await.expect("start");
            let sent: Vec<u8> = (0..20_000u32).flat_map(|i| format!("line {i}\n").into_bytes()).collect();
            let writer = async {
                input.write_all(&sent).await.expect("write stdin");
                input.write_all(b"\x00\x01\x02 binary too\n").await.expect("write stdin");
                input.shutdown().await.expect("half-close");
                input
            };
            let (_input, frames) = tokio::join!(writer, collect_frames("attach output", output));
            let (out, err) = dockwright_runtime::split_output(&frames);
            let mut expected = sent.clone();
            expected.extend_from_slice(b"\x00\x01\x02 binary too\n");
            assert_eq!(out.len(), expected.len(), "{}", engine.spec.name);
            assert!(out == expected, "{}: attach output differs", engine.spec.name);
            assert!(err.is_empty());
            let status = within(30, "wait", docker.container_wait(id.clone())).await.expect("wait");
            assert_eq!(json(&status)["StatusCode"], 0);
            remove(&docker, &id).await;

            // Exec with stdin, stdout and stderr in a running container.
            let id = create(&docker, image, serde_json::json!({"Cmd": ["sleep", "60"]})).await;
            docker.container_start(id.clone()).await.expect("start");
            let exec = docker
                .container_exec(id.clone(), from_json(serde_json::json!({
                    "AttachStdin": true,
                    "AttachStdout": true,
                    "AttachStderr": true,
                    "Cmd": ["sh", "-c", "cat; echo 'to stderr' >&2; exit 3"],
                })))
                .await
                .expect("exec create");
            let exec_id = json(&exec)["Id"].as_str().unwrap().to_owned();
            let attached = within(30, "exec start", docker
                .exec_start(exec_id.clone())
                .body(from_json(serde_json::json!({"Detach": false, "Tty": false}))))
                .await
                .unwrap_or_else(|e| panic!("{}: exec start: {e}", engine.spec.name));
            let (mut input, output) = attached.into_parts();
            let writer = async {
                input.write_all(b"through exec\n").await.expect("write");
                input.shutdown().await.expect("half-close");
            };
            let ((), frames) = tokio::join!(writer, collect_frames("exec output", output));
            let (out, err) = dockwright_runtime::split_output(&frames);
            assert_eq!(out, b"through exec\n", "{}", engine.spec.name);
            assert_eq!(err, b"to stderr\n", "{}", engine.spec.name);
            let mut code = serde_json::Value::Null;
            for _ in 0..50 {
                let inspect = json(&docker.exec_inspect(exec_id.clone()).await.expect("exec inspect"));
                if inspect["Running"] == false {
                    code = inspect["ExitCode"].clone();
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert_eq!(code, 3, "{}", engine.spec.name);

            // Detached exec: no hijack, an empty output, and input that refuses writes.
            let exec = docker
                .container_exec(id.clone(), from_json(serde_json::json!({"Cmd": ["true"]})))
                .await
                .expect("exec create");
            let exec_id = json(&exec)["Id"].as_str().unwrap().to_owned();
            let attached = docker
                .exec_start(exec_id)
                .body(from_json(serde_json::json!({"Detach": true})))
                .tty(false)
                .await
                .unwrap_or_else(|e| panic!("{}: detached exec start: {e}", engine.spec.name));
            let (mut input, output) = attached.into_parts();
            assert!(collect_frames("detached exec", output).await.is_empty());
            assert!(input.write_all(b"x").await.is_err());
            remove(&docker, &id).await;
        }
    };
}

dockwright_tests::streams_matrix!(suite);
// Podman's Docker-compatible service, with the v1.41 crate (see `dockwright_tests::podman`).
dockwright_tests::streams_matrix!(@test v1_41_on_podman, v1_41, ENGINE_PODMAN);
