//! The `docker run` flow: create a container, start it, wait for it, print its logs
//! (stdout to stdout, stderr to stderr), remove it, exit with its status.
//!
//! ```sh
//! DOCKER_HOST=unix:///var/run/docker.sock cargo run -p dockwright-examples --bin run -- busybox echo hello world
//! ```

use dockwright_v1_41::models::{ContainerCreateBody, HostConfig};
use dockwright_v1_41::runtime::StdStream;
use dockwright_v1_41::Client;
use futures_util::StreamExt;
use std::io::Write;

#[tokio::main]
async fn main() -> Result<(), dockwright_examples::BoxError> {
    let mut args = std::env::args().skip(1);
    let image = args.next().unwrap_or_else(|| "busybox".to_owned());
    let mut cmd: Vec<String> = args.collect();
    if cmd.is_empty() {
        cmd = vec!["echo".into(), "hello world".into()];
    }

    let docker = Client::from_env()?;
    docker.check_version().await?;

    let created = docker
        .container_create(ContainerCreateBody {
            image: Some(image),
            cmd: Some(cmd),
            host_config: Some(HostConfig {
                network_mode: Some("none".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await?;
    docker.container_start(&created.id).await?;
    let exit = docker.container_wait(&created.id).await?;

    // Logs of a container without TTY: stdout and stderr frames, never mixed up.
    let mut logs = docker
        .container_logs(&created.id)
        .stdout(true)
        .stderr(true)
        .await?;
    while let Some(frame) = logs.next().await {
        let frame = frame?;
        match frame.stream {
            StdStream::Stderr => std::io::stderr().write_all(&frame.bytes)?,
            _ => std::io::stdout().write_all(&frame.bytes)?,
        }
    }
    docker.container_delete(&created.id).await?;
    std::process::exit(i32::try_from(exit.status_code).unwrap_or(1));
}
