//! ImageBuild on real engines: a build context streamed from a directory (honouring its
//! `.dockerignore`), progress messages in order, the image afterwards; a failing
//! Dockerfile step is an `Err` item carrying the daemon's message.

macro_rules! suite {
    ($c:ident) => {
        dockwright_tests::streams_prelude!($c);

        pub async fn run(engine: &Engine) {
            let docker = client(engine);
            let Some(dir) = support::busybox_dir("LABEL dockwright.streams=build\n") else {
                return;
            };
            let tag = format!("{}:latest", dockwright_tests::engines::unique("build"));
            let mut progress = within(
                60,
                "build request",
                docker
                    .image_build()
                    .t(tag.clone())
                    .rm(true)
                    .forcerm(true)
                    .body(Body::build_context(dir.path())),
            )
            .await
            .unwrap_or_else(|e| panic!("{}: build: {e}", engine.spec.name));
            let mut steps = Vec::new();
            let mut text = String::new();
            let mut image_id = None;
            while let Some(item) = within(300, "build progress", progress.next()).await {
                let message =
                    item.unwrap_or_else(|e| panic!("{}: build failed: {e}", engine.spec.name));
                if let Some(s) = message.stream_text() {
                    text.push_str(s);
                    if let Some(n) = dockwright_tests::podman::build_step(engine, s) {
                        steps.push(n);
                    }
                }
                if let Some(id) = json(&message)["aux"]["ID"].as_str() {
                    image_id = Some(id.to_owned());
                }
            }
            // FROM, COPY, RUN, LABEL: four steps, announced in order.
            assert_eq!(steps, vec![1, 2, 3, 4], "{}: {text}", engine.spec.name);
            assert!(
                text.contains("Successfully built"),
                "{}: {text}",
                engine.spec.name
            );
            assert!(
                text.contains(&format!("Successfully tagged {tag}")),
                "{}: {text}",
                engine.spec.name
            );
            let image = docker
                .image_inspect(tag.clone())
                .await
                .expect("the built image exists");
            let image = json(&image);
            assert_eq!(image["Config"]["Labels"]["dockwright.streams"], "build");
            if let Some(id) = image_id {
                assert_eq!(image["Id"], id.as_str(), "aux ID is the image");
            }
            let _ = docker.image_delete(tag.clone()).force(true).await;

            // A step that fails: the daemon answered 200 and reports it in the stream.
            let Some(dir) = support::busybox_dir("RUN [\"/bin/busybox\", \"false\"]\n") else {
                return;
            };
            let tag = format!("{}:latest", dockwright_tests::engines::unique("broken"));
            let progress = docker
                .image_build()
                .t(tag.clone())
                .rm(true)
                .forcerm(true)
                .body(Body::build_context(dir.path()))
                .await
                .unwrap_or_else(|e| panic!("{}: build: {e}", engine.spec.name));
            let items: Vec<_> = within(300, "broken build", progress.collect()).await;
            let errors: Vec<_> = items.iter().filter_map(|i| i.as_ref().err()).collect();
            assert_eq!(errors.len(), 1, "{}: {items:?}", engine.spec.name);
            match errors[0] {
                dockwright_runtime::Error::Daemon { message } => assert!(
                    if dockwright_tests::podman::limit(
                        engine,
                        dockwright_tests::podman::PodmanLimit::BuildahRunError
                    ) {
                        message.contains("while running runtime: exit status 1")
                    } else {
                        message.contains("returned a non-zero code: 1")
                    },
                    "{}: {message}",
                    engine.spec.name
                ),
                other => panic!("{}: not a daemon error: {other:?}", engine.spec.name),
            }
            assert!(docker.image_inspect(tag).await.unwrap_err().is_not_found());
        }
    };
}

dockwright_tests::streams_matrix!(suite);
// Podman's Docker-compatible service, with the v1.41 crate (see `dockwright_tests::podman`).
dockwright_tests::streams_matrix!(@test v1_41_on_podman, v1_41, ENGINE_PODMAN);
