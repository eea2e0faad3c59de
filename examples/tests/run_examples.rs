//! Runs every example binary against real engines (Docker 20.10 and 28.5, both speak the
//! examples' API v1.41) with `DOCKER_HOST` pointing at the engine, and checks what it
//! prints. An engine whose variable is unset skips locally and fails under CI.

use std::path::Path;
use std::process::{Command, Output};

use dockwright_tests::engines::{Engine, ENGINE_20_10, ENGINE_28};
use dockwright_tests::registry::Registry;
use dockwright_tests::streams_support as support;
use dockwright_v1_41::Client;

fn example(engine: &Engine, name: &str, args: &[&str]) -> Output {
    example_with(engine, name, args, None)
}

/// Runs an example; `docker_config` is its `DOCKER_CONFIG` (default: an empty folder, so
/// the user's own config never leaks into a test).
fn example_with(
    engine: &Engine,
    name: &str,
    args: &[&str],
    docker_config: Option<&Path>,
) -> Output {
    let path = match name {
        "info" => env!("CARGO_BIN_EXE_info"),
        "run" => env!("CARGO_BIN_EXE_run"),
        "pull" => env!("CARGO_BIN_EXE_pull"),
        "push" => env!("CARGO_BIN_EXE_push"),
        "build-image" => env!("CARGO_BIN_EXE_build-image"),
        "load" => env!("CARGO_BIN_EXE_load"),
        "images" => env!("CARGO_BIN_EXE_images"),
        "prune" => env!("CARGO_BIN_EXE_prune"),
        "events" => env!("CARGO_BIN_EXE_events"),
        other => panic!("no example {other}"),
    };
    let empty = tempfile::tempdir().unwrap();
    let output = Command::new(path)
        .args(args)
        .env("DOCKER_HOST", &engine.host)
        .env("DOCKER_CONFIG", docker_config.unwrap_or(empty.path()))
        .env_remove("DOCKER_CONTEXT")
        .env_remove("DOCKER_TLS_VERIFY")
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{name} on {}: {stderr}",
        engine.spec.name
    );
    // Errors are messages (Display), not Debug dumps of the error value.
    assert!(
        !stderr.contains("Api {") && !stderr.contains("Transport {"),
        "{name}: {stderr}"
    );
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(engine: &Engine, name: &str, args: &[&str]) -> String {
    let out = example(engine, name, args);
    assert!(
        out.status.success(),
        "{name} {args:?} on {}: {}\n{}\n{}",
        engine.spec.name,
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn exercise(engine: &Engine) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let docker = Client::new(engine.transport());

    let info = ok(engine, "info", &[]);
    assert!(
        info.contains("API version:") && info.contains("this client: 1.41"),
        "{info}"
    );

    // build-image: the progress display on a build.
    let mark = dockwright_tests::engines::unique("example");
    let Some(dir) = support::busybox_dir(&format!(
        "LABEL dockwright.examples={mark}\nRUN head -c 2000000 /dev/urandom > /data\n"
    )) else {
        return;
    };
    let repo = dockwright_tests::engines::unique("examples");
    let tag = format!("{repo}:latest");
    let cleanup = engine.cleanup();
    cleanup.image(&tag);
    let built = ok(engine, "build-image", &[dir.path().to_str().unwrap(), &tag]);
    assert!(built.contains("Successfully tagged"), "{built}");

    // images with filters.
    let listed = ok(
        engine,
        "images",
        &["--reference", &repo, "--dangling", "false"],
    );
    assert!(listed.contains(&tag), "{listed}");
    let dangling = ok(
        engine,
        "images",
        &["--reference", &repo, "--dangling", "true"],
    );
    assert!(!dangling.contains(&tag), "{dangling}");

    // events, bounded, while `run` makes some; `run` prints hello world.
    let events_bin = env!("CARGO_BIN_EXE_events");
    let mut events = Command::new(events_bin)
        .args(["--max", "3", "--timeout", "60", "--type", "container"])
        .env("DOCKER_HOST", &engine.host)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("events");
    {
        // Wait for "following events" so the run below is observed.
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(events.stderr.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "following events");
    }
    let out = example(
        engine,
        "run",
        &[&tag, "sh", "-c", "echo hello world; echo oops >&2; exit 3"],
    );
    assert_eq!(text(&out.stdout), "hello world\n");
    assert_eq!(text(&out.stderr), "oops\n");
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(ok(engine, "run", &[&tag]), "hello world\n");
    let events = events.wait_with_output().expect("events ends");
    assert!(events.status.success());
    let lines = text(&events.stdout);
    assert_eq!(lines.lines().count(), 3, "{lines}");
    assert!(lines.lines().all(|l| l.contains(" container ")), "{lines}");

    // save (through the crate) → remove → load (the example): the display on a load.
    let saved = rt.block_on(async {
        let body = docker.image_get(&tag).await.expect("save");
        dockwright_v1_41::runtime::collect_bytes(body)
            .await
            .expect("save body")
    });
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), saved).unwrap();
    rt.block_on(docker.image_delete(&tag).send())
        .expect("remove");
    let loaded = ok(engine, "load", &[file.path().to_str().unwrap()]);
    assert!(loaded.contains(&format!("Loaded image: {tag}")), "{loaded}");
    // quiet=false: the layers' progress is shown, not only the result.
    assert!(loaded.contains(": Loading layer"), "{loaded}");

    // run removes its container when a later step fails (here: start, no such command).
    let out = example(engine, "run", &[&tag, "/no/such/command"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("run: ") && err.contains("/no/such/command"),
        "{err}"
    );
    let left = rt.block_on(
        docker
            .container_list()
            .all(true)
            .filters(dockwright_v1_41::filters::ContainerListFilters::new().ancestor(tag.clone()))
            .send(),
    );
    assert_eq!(
        left.expect("list").len(),
        0,
        "{}: run left its container",
        engine.spec.name
    );

    // pull from nowhere: the daemon's error, cleanly, exit 1.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let reference = format!("127.0.0.1:{port}/nothing:latest");
    let out = example(engine, "pull", &[&reference]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!("cannot pull {reference}: ")),
        "{err}"
    );
    assert!(err.contains("connection refused"), "{err}");

    // prune, limited to a label only this run uses.
    let id = rt.block_on(async {
        let created = docker
            .container_create(support::from_json(serde_json::json!({
                "Image": tag,
                "Cmd": ["true"],
                "Labels": {"dockwright.examples": mark},
                "HostConfig": {"NetworkMode": "none"},
            })))
            .await
            .expect("create");
        created.id
    });
    let pruned = ok(
        engine,
        "prune",
        &["--label", &format!("dockwright.examples={mark}")],
    );
    assert!(
        pruned.contains(&format!("deleted container {id}")),
        "{pruned}"
    );
    assert!(pruned.contains("reclaimed"), "{pruned}");

    // Last: it removes the image locally to pull it back.
    registry_examples(engine, &rt, &docker, &tag);
    let _ = rt.block_on(docker.image_delete(&tag).force(true).send());
}

/// push, then run and pull of an image that is only in the registry, with the
/// credentials `docker login` would have written.
fn registry_examples(engine: &Engine, rt: &tokio::runtime::Runtime, docker: &Client, local: &str) {
    let Some(registry) = Registry::get() else {
        return;
    };
    let name = engine.spec.name;
    let login = tempfile::tempdir().unwrap();
    std::fs::write(
        login.path().join("config.json"),
        registry.login_config().to_string(),
    )
    .unwrap();
    let repo = registry.unique_repo("examples");
    let reference = format!("{repo}:v1");
    let cleanup = engine.cleanup(); // removes the image even when an assertion fails
    cleanup.image(&reference);
    rt.block_on(docker.image_tag(local).repo(repo.clone()).tag("v1").send())
        .expect("tag");

    let out = example_with(engine, "push", &[&reference], Some(login.path()));
    let pushed = text(&out.stdout);
    assert!(
        out.status.success(),
        "{name}: {pushed}{}",
        text(&out.stderr)
    );
    let digest = pushed
        .lines()
        .last()
        .and_then(|l| l.strip_prefix(&format!("pushed {reference} (digest ")))
        .and_then(|l| l.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{name}: {pushed}"))
        .to_owned();
    // Per layer (`<id>: Pushed`) once the generated PushImageInfo has its `id` (issue #10).
    assert!(pushed.contains("Pushed\n"), "{name}: {pushed}");

    // run pulls what is missing (progress on stderr, the container's output alone on stdout).
    rt.block_on(docker.image_delete(&reference).send())
        .expect("remove");
    rt.block_on(docker.image_delete(local).send())
        .expect("remove");
    let out = example_with(
        engine,
        "run",
        &[&reference, "echo", "pulled and ran"],
        Some(login.path()),
    );
    let err = text(&out.stderr);
    assert_eq!(text(&out.stdout), "pulled and ran\n", "{name}: {err}");
    assert!(
        err.contains(&format!("Unable to find image '{reference}' locally")),
        "{name}: {err}"
    );
    assert!(
        err.contains(": Pull complete") && err.contains(&format!("Digest: {digest}")),
        "{name}: {err}"
    );

    // pull: the phases of each layer, then the digest.
    rt.block_on(docker.image_delete(&reference).send())
        .expect("remove");
    let out = example_with(engine, "pull", &[&reference], Some(login.path()));
    let pulled = text(&out.stdout);
    assert!(
        out.status.success(),
        "{name}: {pulled}{}",
        text(&out.stderr)
    );
    for phase in [": Pulling fs layer", ": Extracting", ": Pull complete"] {
        assert!(pulled.contains(phase), "{name}: {phase}: {pulled}");
    }
    // A small layer can finish before the daemon reports any progress: then it goes from
    // "Pulling fs layer" straight to "Download complete", with no "Downloading" line.
    assert!(
        pulled.contains(": Downloading") || pulled.contains(": Download complete"),
        "{name}: no download phase: {pulled}"
    );
    assert!(
        pulled.ends_with(&format!("pulled {reference} (digest {digest})\n")),
        "{name}: {pulled}"
    );
    // Without credentials: the daemon's message.
    let out = example(engine, "pull", &[&reference]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!("cannot pull {reference}: "))
            && err.contains("no basic auth credentials"),
        "{err}"
    );
    let _ = rt.block_on(docker.image_delete(&reference).force(true).send());
}

#[test]
fn examples_on_20_10() {
    if let Some(engine) = Engine::get(ENGINE_20_10) {
        exercise(&engine);
    }
}

#[test]
fn examples_on_28_5() {
    if let Some(engine) = Engine::get(ENGINE_28) {
        exercise(&engine);
    }
}
