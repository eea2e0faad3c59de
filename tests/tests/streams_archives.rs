//! Tar bodies in and out on real engines: container export; archive put → stat → get of
//! a file (bytes equal); image save → remove → load. Bodies in are streamed
//! (`Body::from_reader`, `Body::wrap_stream`), bodies out are byte streams.

macro_rules! suite {
    ($c:ident) => {
        dockwright_tests::streams_prelude!($c);

        pub async fn run(engine: &Engine) {
            let docker = client(engine);
            let Some(image) = ensure_image(&docker, engine).await else { return };
            let id = create(&docker, image, serde_json::json!({"Cmd": ["true"]})).await;

            // Export: the container's filesystem as a tar stream.
            let export = docker.container_export(id.clone()).await.expect("export");
            let tar = within(60, "export", dockwright_runtime::collect_bytes(export)).await.expect("export body");
            let entries = support::untar(&tar);
            assert!(entries.get("bin/busybox").is_some_and(|b| b.len() > 100_000), "{}", engine.spec.name);

            // Put a file (streamed from a reader), stat it, get it back.
            let contents: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
            let archive = support::tar_of("hello.bin", &contents);
            docker
                .put_container_archive(id.clone(), "/", Body::from_reader(std::io::Cursor::new(archive)))
                .await
                .unwrap_or_else(|e| panic!("{}: put archive: {e}", engine.spec.name));
            let stat = docker.container_archive_info(id.clone(), "/hello.bin").await.expect("stat");
            assert_eq!(stat.name, "hello.bin");
            assert_eq!(stat.size, contents.len() as i64);
            assert_eq!(stat.permissions(), 0o644);
            assert!(!stat.is_dir());
            let dir = docker.container_archive_info(id.clone(), "/bin").await.expect("stat dir");
            assert!(dir.is_dir(), "{}: {dir:?}", engine.spec.name);
            let missing = docker.container_archive_info(id.clone(), "/no/such/file").await.unwrap_err();
            assert!(missing.is_not_found(), "{}: {missing}", engine.spec.name);
            let got = docker.container_archive(id.clone(), "/hello.bin").await.expect("get archive");
            assert_eq!(got.stat.as_ref(), Some(&stat));
            let tar = dockwright_runtime::collect_bytes(got.body).await.expect("archive body");
            assert!(support::untar(&tar)["hello.bin"] == contents, "{}: bytes differ", engine.spec.name);
            remove(&docker, &id).await;

            // Save → remove → load of an image of its own (a child of the test image).
            let Some(dir) = support::busybox_dir(&format!("LABEL dockwright.streams={}\n", dockwright_tests::engines::unique("save"))) else { return };
            let tag = format!("{}:v1", dockwright_tests::engines::unique("saved"));
            let build = docker.image_build().t(tag.clone()).rm(true).body(Body::build_context(dir.path())).await.expect("build");
            for item in within(300, "build", build.collect::<Vec<_>>()).await {
                item.unwrap_or_else(|e| panic!("{}: build: {e}", engine.spec.name));
            }
            let saved = docker.image_get(tag.clone()).await.expect("save");
            let saved = within(120, "save", dockwright_runtime::collect_bytes(saved)).await.expect("save body");
            assert!(support::untar(&saved).contains_key("manifest.json"), "{}", engine.spec.name);
            docker.image_delete(tag.clone()).await.expect("remove");
            assert!(docker.image_inspect(tag.clone()).await.unwrap_err().is_not_found());
            let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = saved
                .chunks(16 * 1024)
                .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
                .collect();
            let load = docker
                .image_load()
                .body(Body::wrap_stream(futures_util::stream::iter(chunks)))
                .await
                .expect("load");
            let messages = within(120, "load", load.collect::<Vec<_>>()).await;
            let text: String = messages
                .iter()
                .map(|m| m.as_ref().unwrap_or_else(|e| panic!("{}: load: {e}", engine.spec.name)))
                .filter_map(|m| m.stream_text())
                .collect();
            assert!(text.contains(&format!("Loaded image: {tag}")), "{}: {text:?}", engine.spec.name);
            docker.image_inspect(tag.clone()).await.expect("loaded again");
            let _ = docker.image_delete(tag).force(true).await;
        }
    };
}

dockwright_tests::streams_matrix!(suite);
