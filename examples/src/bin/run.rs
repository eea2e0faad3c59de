//! The `docker run` flow: pull the image when it is missing, create a container, start
//! it, wait for it, print its logs (stdout to stdout, stderr to stderr), remove it, exit
//! with its status (without a command: `echo hello world`). The container is removed whichever step fails; errors are printed
//! as messages (`run: …`) with exit status 1.
//!
//! ```sh
//! cargo run -p dockwright-examples --bin run -- 127.0.0.1:5000/busybox:latest echo hello world
//! ```

use dockwright_examples::BoxError;
use dockwright_v1_41::models::{ContainerCreateBody, HostConfig};
use dockwright_v1_41::runtime::registry::ProgressDisplay;
use dockwright_v1_41::runtime::StdStream;
use dockwright_v1_41::Client;
use futures_util::StreamExt;
use std::io::Write;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let Some(image) = args.next() else {
        eprintln!("usage: run IMAGE [CMD…]");
        std::process::exit(2);
    };
    let mut cmd: Vec<String> = args.collect();
    if cmd.is_empty() {
        cmd = vec!["echo".into(), "hello world".into()];
    }
    let status = dockwright_examples::exit_on_error("run", run(image, cmd).await);
    std::process::exit(status);
}

async fn run(image: String, cmd: Vec<String>) -> Result<i32, BoxError> {
    let docker = Client::from_env()?;
    docker.check_version().await?;

    // Like `docker run`: a missing image is pulled first, its progress on stderr so
    // stdout carries only the container's output.
    if let Err(e) = docker.image_inspect(&image).await {
        if !e.is_not_found() {
            return Err(e.into());
        }
        eprintln!("Unable to find image '{image}' locally");
        let display = ProgressDisplay::new().on_line(|line| eprintln!("{line}"));
        dockwright_examples::pull(&docker, &image, display).await?;
    }

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
    let outcome = start_wait_and_print(&docker, &created.id).await;
    // Removed whether the steps above worked or not.
    let removed = docker.container_delete(&created.id).force(true).await;
    let status = outcome?;
    removed?;
    Ok(status)
}

async fn start_wait_and_print(docker: &Client, id: &str) -> Result<i32, BoxError> {
    docker.container_start(id).await?;
    let exit = docker.container_wait(id).await?;
    // Logs of a container without TTY: stdout and stderr frames, never mixed up.
    let mut logs = docker.container_logs(id).stdout(true).stderr(true).await?;
    while let Some(frame) = logs.next().await {
        let frame = frame?;
        match frame.stream {
            StdStream::Stderr => std::io::stderr().write_all(&frame.bytes)?,
            _ => std::io::stdout().write_all(&frame.bytes)?,
        }
    }
    Ok(i32::try_from(exit.status_code).unwrap_or(1))
}
