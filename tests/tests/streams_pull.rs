//! ImageCreate (pull) from a registry that does not answer (a closed port on 127.0.0.1):
//! an `Err` carrying the daemon's message, promptly, never a hang.

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
            let outcome = within(120, "pull", async {
                match docker
                    .image_create()
                    .from_image(reference.clone())
                    .tag("latest")
                    .await
                {
                    // Failed before any progress was written: the daemon's HTTP error.
                    Err(e) => e.to_string(),
                    // Failed after: an error item.
                    Ok(progress) => {
                        let items: Vec<_> = progress.collect().await;
                        match items.into_iter().find_map(Result::err) {
                            Some(StreamError::Daemon { message }) => message,
                            Some(other) => {
                                panic!("{}: not a daemon error: {other}", engine.spec.name)
                            }
                            None => {
                                panic!("{}: the pull of {reference} succeeded?", engine.spec.name)
                            }
                        }
                    }
                }
            })
            .await;
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
