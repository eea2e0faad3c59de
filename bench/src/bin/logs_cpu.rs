//! Client CPU for 50 MB of logs from a real engine: one container writes 50 MiB of
//! 100-byte lines to stdout; its logs are then read to the end, in rounds, by
//! `dockwright-v1-41`, bollard 0.21 and a raw read loop (no HTTP parsing, no decoding),
//! each on a current-thread Tokio runtime. CPU is this process's on-CPU time
//! (`/proc/self/task/*/schedstat`), so it excludes the daemon. Prints a Markdown table
//! (median of the rounds).
//!
//! `DOCKER_HOST=unix:///run/dockwright/e28/docker.sock cargo run --release -p dockwright-bench --bin logs_cpu [-- MIB ROUNDS]`
//! (default host: `$DOCKWRIGHT_ENGINE_28`).

use std::time::Instant;

use dockwright_runtime::Body;
use futures_util::StreamExt;

const IMAGE: &str = "dockwright-bench/busybox:latest";

/// On-CPU nanoseconds of every thread of this process.
fn cpu_ns() -> u64 {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        if let Ok(s) = std::fs::read_to_string(task.path().join("schedstat")) {
            total += s
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    total
}

async fn ensure_image(docker: &dockwright_v1_41::Client) {
    if docker.image_inspect(IMAGE).await.is_ok() {
        return;
    }
    let busybox = std::env::var("DOCKWRIGHT_BUSYBOX").unwrap_or_else(|_| "/bin/busybox".into());
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&busybox, dir.path().join("busybox")).expect("a static busybox");
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n",
    )
    .unwrap();
    let mut progress = docker
        .image_build()
        .t(IMAGE)
        .rm(true)
        .body(Body::build_context(dir.path()))
        .await
        .unwrap();
    while let Some(item) = progress.next().await {
        item.expect("build");
    }
}

async fn raw(socket: &str, id: &str) -> u64 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::UnixStream::connect(socket).await.unwrap();
    s.write_all(format!("GET /v1.41/containers/{id}/logs?stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = s.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        total += n as u64;
    }
    total
}

async fn dockwright(docker: &dockwright_v1_41::Client, id: &str) -> u64 {
    let mut logs = docker
        .container_logs(id)
        .stdout(true)
        .stderr(true)
        .tty(false)
        .await
        .unwrap();
    let mut bytes = 0u64;
    while let Some(frame) = logs.next().await {
        bytes += frame.unwrap().bytes.len() as u64;
    }
    bytes
}

async fn bollard(socket: &str, id: &str) -> u64 {
    let docker =
        bollard::Docker::connect_with_unix(socket, 600, bollard::API_DEFAULT_VERSION).unwrap();
    let options = bollard::query_parameters::LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .build();
    let mut logs = docker.logs(id, Some(options));
    let mut bytes = 0u64;
    while let Some(item) = logs.next().await {
        bytes += item.unwrap().as_ref().len() as u64;
    }
    bytes
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mib: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(50);
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    // A third argument runs one client only (0 raw, 1 dockwright, 2 bollard): for profiling.
    let only: Option<usize> = args.get(2).and_then(|a| a.parse().ok());
    let host = std::env::var("DOCKER_HOST")
        .or_else(|_| std::env::var("DOCKWRIGHT_ENGINE_28"))
        .expect("DOCKER_HOST or DOCKWRIGHT_ENGINE_28 (a unix:// engine address)");
    let socket = host
        .strip_prefix("unix://")
        .expect("a unix:// address")
        .to_owned();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let transport = dockwright_runtime::Transport::builder()
        .host(&host)
        .build()
        .unwrap();
    let docker = dockwright_v1_41::Client::new(transport);

    let size = mib * 1024 * 1024;
    let id = rt.block_on(async {
        ensure_image(&docker).await;
        let config: dockwright_v1_41::models::ContainerCreateBody =
            serde_json::from_value(serde_json::json!({
                "Image": IMAGE,
                "Cmd": ["sh", "-c", format!("yes {} | head -c {size}", "x".repeat(99))],
                "HostConfig": {"NetworkMode": "none"},
            }))
            .unwrap();
        let created = docker.container_create(config).await.unwrap();
        docker.container_start(&created.id).await.unwrap();
        docker.container_wait(&created.id).await.unwrap();
        created.id
    });

    let names = ["raw read loop", "dockwright-v1-41", "bollard 0.21"];
    let mut cpu: [Vec<f64>; 3] = Default::default();
    let mut wall: [Vec<f64>; 3] = Default::default();
    for round in 0..=rounds {
        for i in 0..3 {
            if only.is_some_and(|o| o != i) {
                continue;
            }
            let (c0, t0) = (cpu_ns(), Instant::now());
            let bytes = rt.block_on(async {
                match i {
                    0 => raw(&socket, &id).await,
                    1 => dockwright(&docker, &id).await,
                    _ => bollard(&socket, &id).await,
                }
            });
            let (c, t) = (cpu_ns() - c0, t0.elapsed().as_secs_f64());
            if i > 0 {
                assert_eq!(bytes, size, "{}: every byte", names[i]);
            }
            if round > 0 {
                cpu[i].push(c as f64 / 1e6);
                wall[i].push(t);
            }
        }
    }
    rt.block_on(async {
        let _ = docker.container_delete(&id).force(true).await;
    });
    if only.is_some() {
        for i in 0..3 {
            if !cpu[i].is_empty() {
                println!(
                    "{}: CPU {:.0} ms, wall {:.2} s",
                    names[i],
                    median(cpu[i].clone()),
                    median(wall[i].clone())
                );
            }
        }
        return;
    }
    let cpu: Vec<f64> = cpu.into_iter().map(median).collect();
    let wall: Vec<f64> = wall.into_iter().map(median).collect();
    println!("real engine ({host}): {mib} MiB of logs (100-byte lines), {rounds} rounds, median\n");
    println!("| client | client CPU (ms) | vs bollard | wall time (s) | MB/s |");
    println!("|---|---:|---:|---:|---:|");
    for (i, name) in names.iter().enumerate() {
        println!(
            "| {name} | {:.0} | {:.2}× | {:.2} | {:.1} |",
            cpu[i],
            cpu[i] / cpu[2],
            wall[i],
            size as f64 / 1e6 / wall[i]
        );
    }
}
