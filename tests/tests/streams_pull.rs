//! ImageCreate (pull) from a registry that does not answer (a closed port on 127.0.0.1):
//! an `Err` carrying the daemon's message, promptly, never a hang; one `match` on the one
//! error type covers the failure whether it came before the stream or inside it.

macro_rules! suite {
    ($c:ident) => {
        dockwright_tests::streams_prelude!($c);

        pub async fn run(engine: &Engine) {
            let docker = client(engine);
            // A port nothing listens on: bind one, note it, close it.
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let reference = format!("127.0.0.1:{port}/dockwright/nothing");
            // `?` on the send and on every item, then one `match`: depending on the
            // version the daemon fails this pull before any progress (an HTTP error,
            // `Error::Api`) or inside the 200 stream (an `errorDetail`, `Error::Daemon`).
            let result = within(120, "pull", async {
                let mut progress = docker
                    .image_create()
                    .from_image(reference.clone())
                    .tag("latest")
                    .await?;
                while let Some(item) = progress.next().await {
                    item?;
                }
                Ok::<_, dockwright_runtime::Error>(())
            })
            .await;
            let outcome = match result {
                Err(
                    dockwright_runtime::Error::Api { message, .. }
                    | dockwright_runtime::Error::Daemon { message },
                ) => message,
                Err(other) => panic!("{}: not a daemon error: {other}", engine.spec.name),
                Ok(()) => panic!("{}: the pull of {reference} succeeded?", engine.spec.name),
            };
            assert!(
                outcome.contains(&format!("127.0.0.1:{port}")),
                "{}: {outcome}",
                engine.spec.name
            );
            assert!(
                outcome.contains("connection refused"),
                "{}: {outcome}",
                engine.spec.name
            );
        }
    };
}

dockwright_tests::streams_matrix!(suite);
