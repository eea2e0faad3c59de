//! Endless NDJSON on real engines: events of a container (create, start, die) observed
//! while following; stats as one value (`stream=false`, `one-shot`) and as a stream of
//! samples.

macro_rules! suite {
    ($c:ident) => {
        dockwright_tests::streams_prelude!($c);

        pub async fn run(engine: &Engine) {
            let docker = client(engine);
            let Some(image) = ensure_image(&docker, engine).await else { return };

            // Events: subscribe first (filtered by a label only this run uses), then act.
            let mark = dockwright_tests::engines::unique("events");
            let events = within(30, "events", docker
                .system_events()
                .filters($c::filters::SystemEventsFilters::new()
                    .type_($c::filters::EventType::Container)
                    .label(format!("{}={mark}", support::LABEL))))
                .await
                .unwrap_or_else(|e| panic!("{}: events: {e}", engine.spec.name));
            let mut config = serde_json::json!({"Cmd": ["true"]});
            config["Image"] = image.into();
            config["Labels"] = serde_json::json!({ support::LABEL: mark });
            config["HostConfig"] = serde_json::json!({"NetworkMode": "none"});
            let created = docker.container_create(from_json(config)).await.expect("create");
            let id = json(&created)["Id"].as_str().unwrap().to_owned();
            docker.container_start(id.clone()).await.expect("start");
            let mut events = std::pin::pin!(events);
            let mut seen = Vec::new();
            while !seen.iter().any(|a: &String| a == "die") {
                let event = within(30, "an event", events.next()).await
                    .expect("the events stream does not end")
                    .unwrap_or_else(|e| panic!("{}: event: {e}", engine.spec.name));
                let event = json(&event);
                assert_eq!(event["Actor"]["ID"], id.as_str(), "{}: {event}", engine.spec.name);
                seen.push(event["Action"].as_str().unwrap_or_default().to_owned());
            }
            let order: Vec<&str> = seen.iter().map(String::as_str)
                .filter(|a| ["create", "start", "die"].contains(a)).collect();
            assert_eq!(order, ["create", "start", "die"], "{}: {seen:?}", engine.spec.name);
            remove(&docker, &id).await;

            // Stats of a running container.
            let id = create(&docker, image, serde_json::json!({"Cmd": ["sleep", "60"]})).await;
            docker.container_start(id.clone()).await.expect("start");
            let one = within(30, "one stats value", docker.container_stats(id.clone()).one_shot(true).send_once())
                .await
                .unwrap_or_else(|e| panic!("{}: stats: {e}", engine.spec.name));
            let one = json(&one);
            assert!(one["read"].is_string(), "{}: {one}", engine.spec.name);
            assert!(one.get("memory_stats").is_some(), "{}: {one}", engine.spec.name);
            let samples = within(30, "two stats samples", docker.container_stats(id.clone()).stream(true))
                .await
                .expect("stats stream");
            let samples: Vec<_> = within(30, "two stats samples", samples.take(2).collect::<Vec<_>>()).await;
            assert_eq!(samples.len(), 2);
            let reads: Vec<String> = samples
                .into_iter()
                .map(|s| json(&s.unwrap_or_else(|e| panic!("{}: stats: {e}", engine.spec.name)))["read"].as_str().unwrap().to_owned())
                .collect();
            assert_ne!(reads[0], reads[1], "{}: two different samples", engine.spec.name);
            remove(&docker, &id).await;
        }
    };
}

dockwright_tests::streams_matrix!(suite);
// Podman's Docker-compatible service, with the v1.41 crate (see `dockwright_tests::podman`).
dockwright_tests::streams_matrix!(@test v1_41_on_podman, v1_41, ENGINE_PODMAN);
