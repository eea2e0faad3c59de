//! What ordinary host states look like to the crates, on real engines (issue #10):
//! a volume created without labels or options (`"Labels": null`, `"Options": null`), an
//! anonymous volume, an image without tags, a container without changes (`null`), typed
//! stats, and an exec started without a body (20.10 refuses an empty body: the crates send
//! `{}`, fix-up `exec_start_sends_an_empty_body`).

macro_rules! suite {
    ($c:ident) => {
        dockwright_tests::streams_prelude!($c);

        pub async fn run(engine: &Engine) {
            let name = engine.spec.name;
            let docker = client(engine);
            let Some(image) = ensure_image(&docker, engine).await else { return };

            // A volume without labels: create, inspect and list decode.
            let volume = dockwright_tests::engines::unique("nolabels");
            let created = docker
                .volume_create(from_json(serde_json::json!({ "Name": volume })))
                .await
                .unwrap_or_else(|e| panic!("{name}: create an unlabelled volume: {e}"));
            assert!(created.labels.is_empty() && created.options.is_empty(), "{name}: {created:?}");
            let inspected = docker
                .volume_inspect(&volume)
                .await
                .unwrap_or_else(|e| panic!("{name}: inspect an unlabelled volume: {e}"));
            assert!(inspected.labels.is_empty(), "{name}");
            let listed = docker.volume_list().await.unwrap_or_else(|e| panic!("{name}: volume list: {e}"));
            assert!(json(&listed)["Volumes"].as_array().unwrap().iter().any(|v| v["Name"] == volume.as_str()));

            // A container with an anonymous volume, never changed: inspect its volume, and
            // its changes (`null` on every engine) are an empty list.
            let id = create(&docker, image, serde_json::json!({"Cmd": ["sleep", "60"], "Volumes": {"/anon": {}}})).await;
            let info = json(&docker.container_inspect(id.clone()).await.expect("inspect"));
            let anonymous = info["Mounts"][0]["Name"].as_str().expect("an anonymous volume").to_owned();
            docker
                .volume_inspect(&anonymous)
                .await
                .unwrap_or_else(|e| panic!("{name}: inspect an anonymous volume: {e}"));
            let changes = docker.container_changes(id.clone()).await.unwrap_or_else(|e| panic!("{name}: changes: {e}"));
            assert!(changes.is_empty(), "{name}: {changes:?}");

            // Typed stats of a running container.
            docker.container_start(id.clone()).await.expect("start");
            let stats = within(30, "stats", docker.container_stats(id.clone()).send_once())
                .await
                .unwrap_or_else(|e| panic!("{name}: stats: {e}"));
            assert!(stats.read.is_some() && stats.memory_stats.is_some(), "{name}: {stats:?}");

            // Exec started without a body (the caller says nothing about detaching).
            let exec = docker
                .container_exec(id.clone(), from_json(serde_json::json!({
                    "AttachStdout": true, "AttachStderr": true, "Cmd": ["echo", "no body"]
                })))
                .await
                .expect("exec create");
            let exec_id = json(&exec)["Id"].as_str().unwrap().to_owned();
            let attached = within(30, "exec start", docker.exec_start(exec_id.clone()))
                .await
                .unwrap_or_else(|e| panic!("{name}: exec start without a body: {e}"));
            let (_input, output) = attached.into_parts();
            let frames = collect_frames("exec output", output).await;
            let (out, _) = dockwright_runtime::split_output(&frames);
            assert_eq!(out, b"no body\n", "{name}");

            remove(&docker, &id).await;
            let _ = docker.volume_delete(&anonymous).await;
            let _ = docker.volume_delete(&volume).await;
        }
    };
}

dockwright_tests::streams_matrix!(suite);
