//! The crate front page's worked examples: the seed scenarios (the `docker run` flow, a pull
//! with progress, a list with filters, a build from a directory, following logs, events,
//! exec with stdin, TLS from the environment), each a `no_run` doctest, so `cargo test
//! --doc` compiles every one against the crate's own operations. A scenario whose
//! operations the version lacks is left out of that version's page.

use crate::ir::Api;

/// (title, operations it needs, body). `CRATE` is replaced by the crate's name.
const SCENARIOS: &[(&str, &[&str], &str)] = &[
    (
        "`docker run`: pull, create, start, wait, print the output, remove",
        &["ImageCreate", "ContainerCreate", "ContainerStart", "ContainerWait", "ContainerLogs", "ContainerDelete"],
        r#"use CRATE::models::{ContainerCreateBody, HostConfig};
use CRATE::prelude::*;
use futures_util::StreamExt;

let docker = Client::from_env()?;
let mut pull = docker.image_create().from_image("busybox").tag("latest").await?;
while let Some(step) = pull.next().await {
    step?; // a failed pull is an `Err` item
}
let created = docker
    .container_create(ContainerCreateBody {
        image: Some("busybox:latest".into()),
        cmd: Some(vec!["echo".into(), "hello".into()]),
        host_config: Some(HostConfig { network_mode: Some("none".into()), ..Default::default() }),
        ..Default::default()
    })
    .await?;
docker.container_start(&created.id).await?;
let exit = docker.container_wait(&created.id).await?;
let mut logs = docker.container_logs(&created.id).stdout(true).stderr(true).await?;
while let Some(frame) = logs.next().await {
    let frame = frame?;
    match frame.stream {
        StdStream::Stderr => eprint!("{}", frame.text_lossy()),
        _ => print!("{}", frame.text_lossy()),
    }
}
docker.container_delete(&created.id).force(true).await?;
println!("exit status {}", exit.status_code);"#,
    ),
    (
        "Pull with progress: one line per layer update, and one `match` for a failed pull",
        &["ImageCreate"],
        r#"use CRATE::prelude::*;
use futures_util::StreamExt;

let docker = Client::from_env()?;
// The send and the stream's items fail with the same `Error`: `?` works on both.
let pulled = async {
    let mut pull = docker.image_create().from_image("alpine").tag("3").await?;
    while let Some(message) = pull.next().await {
        let message = message?;
        let (current, total) = (message.current().unwrap_or(0), message.total().unwrap_or(0));
        println!("{} {} {current}/{total}", message.id().unwrap_or(""), message.status().unwrap_or(""));
    }
    Ok::<_, Error>(())
}
.await;
// The daemon refuses a pull before any progress (`Api`) or fails it halfway (`Daemon`).
match pulled {
    Ok(()) => println!("pulled"),
    Err(Error::Api { message, .. } | Error::Daemon { message }) => eprintln!("pull failed: {message}"),
    Err(other) => return Err(other.into()),
}"#,
    ),
    (
        "List with filters: the exited containers of one label",
        &["ContainerList"],
        r#"use CRATE::prelude::*;

let docker = Client::from_env()?;
let exited = docker
    .container_list()
    .all(true)
    .filters(ContainerListFilters::new().custom("status", "exited").label("app=web"))
    .await?;
for c in exited {
    println!("{:?} {:?}", c.id, c.names);
}"#,
    ),
    (
        "Build from a directory (tarred while it is sent, `.dockerignore` honoured)",
        &["ImageBuild"],
        r#"use CRATE::prelude::*;
use futures_util::StreamExt;

let docker = Client::from_env()?;
let mut build = docker.image_build().t("app:dev").body(Body::build_context("./app")).await?;
while let Some(message) = build.next().await {
    print!("{}", message?.stream_text().unwrap_or_default()); // a failing step is an `Err`
}"#,
    ),
    (
        "Follow logs: stdout and stderr apart, until the container stops",
        &["ContainerLogs"],
        r#"use CRATE::prelude::*;
use futures_util::StreamExt;

let docker = Client::from_env()?;
let mut logs = docker.container_logs("web").follow(true).stdout(true).stderr(true).tail("10").await?;
while let Some(frame) = logs.next().await {
    let frame = frame?;
    if frame.stream == StdStream::Stderr {
        eprint!("{}", frame.text_lossy());
    } else {
        print!("{}", frame.text_lossy());
    }
}"#,
    ),
    (
        "Events: what happens to containers, as it happens",
        &["SystemEvents"],
        r#"use CRATE::prelude::*;
use futures_util::StreamExt;

let docker = Client::from_env()?;
let mut events = docker.system_events().filters(SystemEventsFilters::new().type_(EventType::Container)).await?;
while let Some(event) = events.next().await {
    println!("{:?}", event?);
}"#,
    ),
    (
        "Exec with stdin: feed a process in a running container and read its output",
        &["ContainerExec", "ExecStart"],
        r#"use CRATE::models::ContainerExecBody;
use CRATE::prelude::*;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

let docker = Client::from_env()?;
let exec = docker
    .container_exec("web", ContainerExecBody {
        cmd: Some(vec!["wc".into(), "-l".into()]),
        attach_stdin: Some(true),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        ..Default::default()
    })
    .await?;
let (mut stdin, mut output) = docker.exec_start(&exec.id).await?.into_parts();
stdin.write_all(b"one\ntwo\n").await?;
stdin.shutdown().await?; // end of input: `wc` answers
while let Some(frame) = output.next().await {
    print!("{}", frame?.text_lossy());
}"#,
    ),
    (
        "TLS from the environment, as the Docker CLI: `DOCKER_HOST=tcp://…:2376`, `DOCKER_TLS_VERIFY=1`, `DOCKER_CERT_PATH`",
        &[],
        r#"use CRATE::prelude::*;

let docker = Client::from_env()?;
docker.check_version().await?; // a daemon too old for this crate is an error here
// The same, explicitly:
let tls = TlsConfig::from_cert_dir("/etc/docker/client-certs")?;
let docker = Client::new(Transport::tls("tcp://daemon.example:2376", tls)?);
println!("{:?}", docker.ping().await?.api_version);"#,
    ),
];

/// The front page's "Examples" section as doc lines (without the leading space).
pub fn front_page(api: &Api) -> Vec<String> {
    let krate = api.version.crate_name();
    let mut out = vec!["# Examples".to_owned(), String::new()];
    for (title, needs, body) in SCENARIOS {
        if !needs.iter().all(|id| api.operation(id).is_some()) {
            continue;
        }
        out.push(format!("**{title}**"));
        out.push(String::new());
        out.push("```no_run".to_owned());
        out.push("# async fn demo() -> Result<(), Box<dyn std::error::Error>> {".to_owned());
        out.extend(body.replace("CRATE", &krate).lines().map(str::to_owned));
        out.push("# Ok(())".to_owned());
        out.push("# }".to_owned());
        out.push("```".to_owned());
        out.push(String::new());
    }
    out
}

/// The front page's usage example: the typed `status` filter of the container list where
/// the version has it, else a version check.
pub(crate) fn usage_example(api: &Api, crate_name: &str) -> String {
    if api
        .operation("ContainerList")
        .and_then(super::filters::filter_param)
        .and_then(|p| p.filter_keys.as_ref())
        .is_some_and(|keys| keys.iter().any(|k| k.key == "status"))
    {
        format!(
            "use {crate_name}::{{client::Client, filters::{{ContainerListFilters, ContainerStatus}}}};\n\nlet docker = Client::from_env()?;\nlet running = docker\n    .container_list()\n    .filters(ContainerListFilters::new().status(ContainerStatus::Running))\n    .send()\n    .await?;\nprintln!(\"{{}} running containers\", running.len());"
        )
    } else {
        format!(
            "use {crate_name}::client::Client;\n\nlet docker = Client::from_env()?;\nlet ping = docker.check_version().await?;\nprintln!(\"{{:?}}\", ping.api_version);"
        )
    }
}

/// Whether the version has the events operation that `follow_events` follows (the front
/// page's section on following events is left out otherwise).
pub(crate) fn has_events(api: &Api) -> bool {
    api.operation("SystemEvents").is_some()
}
