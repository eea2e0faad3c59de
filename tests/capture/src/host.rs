//! The host states of one engine (see tests/fixtures/corpus/README.md, "Host states"),
//! created through the v1.41 crate (every engine here speaks 1.41) and removed again.
//! Every name starts with the run's name; containers run with network mode `none`.

use std::collections::HashMap;

use dockwright_runtime::{Body, Transport};
use dockwright_v1_41::client::Client;
use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::Error;

/// The objects of a run, as (what, id or name) per kind.
#[derive(Debug, Default)]
pub struct Objects {
    pub run: String,
    pub images: Vec<(String, String)>,
    pub containers: Vec<(String, String)>,
    pub volumes: Vec<(String, String)>,
    pub networks: Vec<(String, String)>,
    pub execs: Vec<(String, String)>,
    /// When the run began (seconds since the epoch), for the events sample.
    pub started: i64,
}

impl Objects {
    /// The run's label, on everything that can carry one.
    pub fn label(&self) -> HashMap<String, String> {
        HashMap::from([("org.dockwright.corpus".to_owned(), self.run.clone())])
    }

    /// The tag of the run's image.
    pub fn tag(&self) -> String {
        format!("{}:latest", self.run)
    }
}

fn to<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a body the v1.41 models accept")
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// Builds `FROM scratch` + a static busybox (plus `extra` Dockerfile lines); the image ID.
pub async fn build(
    docker: &Client,
    busybox: &[u8],
    extra: &str,
    tag: Option<&str>,
    labels: HashMap<String, String>,
) -> Result<String, Error> {
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\nCMD [\"sh\"]\n{extra}\n"
        ),
    )?;
    let bin = dir.path().join("busybox");
    std::fs::write(&bin, busybox)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755))?;
    let mut request = docker
        .image_build()
        .networkmode("none")
        .rm(true)
        .forcerm(true)
        .body(Body::build_context(dir.path()));
    if !labels.is_empty() {
        request = request.labels(labels);
    }
    if let Some(tag) = tag {
        request = request.t(tag);
    }
    let mut progress = request.await?;
    let mut id = None;
    while let Some(message) = progress.next().await {
        let message = message.map_err(|e| format!("build: {e}"))?;
        if let Some(found) = json(&message)["aux"]["ID"].as_str() {
            id = Some(found.to_owned());
        }
    }
    Ok(id.ok_or("build: no image ID in the progress")?)
}

/// Creates the host states on the engine behind `transport`.
pub async fn setup(transport: Transport, run: &str, busybox: &[u8]) -> Result<Objects, Error> {
    let docker = Client::new(transport);
    let mut o = Objects {
        run: run.to_owned(),
        started: now() - 1,
        ..Objects::default()
    };
    let label = o.label();
    let tag = o.tag();
    let id = build(&docker, busybox, "", Some(&tag), label.clone()).await?;
    o.images.push(("tagged-labelled".into(), id));
    docker.image_tag(&tag).repo(run).tag("second").await?;
    let env = format!("ENV DWCORPUS={run}");
    let id = build(&docker, busybox, &env, None, HashMap::new()).await?;
    o.images.push(("untagged-unlabelled".into(), id));

    // Volumes: named without labels, with labels, with driver options; anonymous below.
    let volumes = [
        ("named-unlabelled", json!({"Name": format!("{run}-plain")})),
        (
            "named-labelled",
            json!({"Name": format!("{run}-labelled"), "Labels": label}),
        ),
        (
            "driver-options",
            json!({"Name": format!("{run}-opts"), "Driver": "local",
                   "DriverOpts": {"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}}),
        ),
    ];
    for (what, body) in volumes {
        let name = body["Name"].as_str().unwrap().to_owned();
        docker.volume_create(to(body)).await?;
        o.volumes.push((what.into(), name));
    }

    // Networks: user-defined with IPAM and labels; internal without labels.
    let third = 100 + std::process::id() % 100;
    let networks = [
        (
            "ipam-labelled",
            json!({"Name": format!("{run}-ipam"), "Driver": "bridge", "Labels": label,
                   "IPAM": {"Driver": "default",
                            "Config": [{"Subnet": format!("10.214.{third}.0/24"),
                                        "Gateway": format!("10.214.{third}.1")}],
                            "Options": {"foo": "bar"}},
                   "Options": {"com.docker.network.bridge.enable_icc": "true"}}),
        ),
        (
            "internal-unlabelled",
            json!({"Name": format!("{run}-internal"), "Driver": "bridge", "Internal": true}),
        ),
    ];
    for (what, body) in networks {
        let created = docker.network_create(to(body)).await?;
        o.networks
            .push((what.into(), created.id.ok_or("network create: no Id")?));
    }

    // Containers.
    let running = [
        (
            "running-mounts-health",
            json!({"Cmd": ["sleep", "600"], "Labels": label, "Env": ["A=1"], "Tty": false,
                   "Volumes": {"/anon": {}},
                   "Healthcheck": {"Test": ["CMD", "true"], "Interval": 1_000_000_000_i64,
                                   "Timeout": 1_000_000_000_i64, "Retries": 1},
                   "HostConfig": {"Mounts": [
                       {"Type": "volume", "Source": format!("{run}-labelled"), "Target": "/data"},
                       {"Type": "bind", "Source": "/tmp", "Target": "/hosttmp", "ReadOnly": true},
                       {"Type": "tmpfs", "Target": "/scratch", "TmpfsOptions": {"SizeBytes": 1_048_576}}]}}),
        ),
        (
            "running-tty-unlabelled",
            json!({"Cmd": ["sleep", "600"], "Tty": true, "OpenStdin": true}),
        ),
        ("paused", json!({"Cmd": ["sleep", "600"], "Labels": label})),
        (
            "exited",
            json!({"Cmd": ["sh", "-c", "echo hi > /f; exit 3"], "Labels": label}),
        ),
        ("created-unlabelled", json!({"Cmd": ["true"]})),
    ];
    for (what, mut body) in running {
        body["Image"] = tag.clone().into();
        body["HostConfig"]["NetworkMode"] = "none".into();
        let id = docker
            .container_create(to(body))
            .name(format!("{run}-{what}"))
            .await?
            .id;
        if what != "created-unlabelled" {
            docker.container_start(&id).await?;
        }
        match what {
            "paused" => docker.container_pause(&id).await?,
            "exited" => {
                docker.container_wait(&id).await?;
            }
            _ => {}
        }
        o.containers.push((what.into(), id));
    }
    let first = &o.containers[0].1;
    let inspected = json(&docker.container_inspect(first).await?);
    for mount in inspected["Mounts"].as_array().into_iter().flatten() {
        if mount["Destination"] == "/anon" {
            let name = mount["Name"].as_str().unwrap_or_default().to_owned();
            o.volumes.push(("anonymous".into(), name));
        }
    }
    let exec = docker
        .container_exec(first, to(json!({"Cmd": ["true"], "AttachStdout": false})))
        .await?;
    o.execs.push(("created".into(), exec.id));
    let exec = docker
        .container_exec(first, to(json!({"Cmd": ["sh", "-c", "exit 2"]})))
        .await?;
    docker
        .exec_start(&exec.id)
        .body(to(json!({"Detach": true})))
        .await?;
    o.execs.push(("finished".into(), exec.id));
    // A health check result, a finished exec.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    Ok(o)
}

/// Removes everything `setup` (and the per-version creates) made; errors are ignored, as
/// some objects may never have been created.
pub async fn teardown(transport: Transport, o: &Objects) {
    let docker = Client::new(transport);
    for (_, id) in &o.containers {
        let _ = docker.container_unpause(id).await;
        let _ = docker.container_delete(id).force(true).v(true).await;
    }
    for (_, name) in &o.volumes {
        let _ = docker.volume_delete(name).force(true).await;
    }
    for (_, id) in &o.networks {
        let _ = docker.network_delete(id).await;
    }
    let _ = docker.image_delete(format!("{}:second", o.run)).await;
    for (_, id) in &o.images {
        let _ = docker.image_delete(id).force(true).await;
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
