//! Client CPU per request: `GET /containers/json?all=1` with about 20 containers, 1000
//! sequential calls, by `dockwright-v1-45` and by bollard 0.21 (pinned to API 1.45 too), on
//! the same engine in the same run, against the goals of issue #9 (a ratio to bollard's
//! user+sys time, bollard opening a new connection per call, and one to the raw floor's;
//! the goals and the figures are in BENCHMARKS.md).
//!
//! CPU is this process's user+sys time from `getrusage(RUSAGE_SELF)` (all threads; the
//! daemon is another process and is not counted), around each batch of calls. Both clients
//! run on the same current-thread Tokio runtime, keep their connection alive, and decode
//! the answer into their own typed models; every batch checks the list it got. The
//! clients alternate batch by batch for `ROUNDS` rounds after a warm-up; medians are
//! printed as a Markdown table.
//!
//! `DOCKER_HOST=unix:///run/dockwright/e261/docker.sock cargo run --release -p dockwright-bench --bin list_containers [-- CALLS ROUNDS CONTAINERS]`
//! (defaults 1000, 7, 20; default host: `$DOCKWRIGHT_ENGINE_26_1`). `bench/run.sh` runs it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use dockwright_runtime::Body;
use dockwright_v1_45::client::Client;
use dockwright_v1_45::filters::ContainerListFilters;
use dockwright_v1_45::models::{ContainerCreateBody, HostConfig};
use futures_util::StreamExt;

const IMAGE: &str = "dockwright-bench/busybox:latest";

/// user+sys CPU time of this process so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(
            libc::getrusage(libc::RUSAGE_SELF, &mut usage),
            0,
            "getrusage"
        );
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

async fn ensure_image(docker: &Client) {
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

/// `calls` sequential list calls; returns how many containers the last answer held.
async fn dockwright(docker: &Client, calls: usize) -> usize {
    let mut seen = 0;
    for _ in 0..calls {
        seen = docker
            .container_list()
            .all(true)
            .await
            .expect("dockwright list")
            .len();
    }
    seen
}

async fn bollard(docker: &bollard::Docker, calls: usize) -> usize {
    let mut seen = 0;
    for _ in 0..calls {
        let options = bollard::query_parameters::ListContainersOptionsBuilder::default()
            .all(true)
            .build();
        seen = docker
            .list_containers(Some(options))
            .await
            .expect("bollard list")
            .len();
    }
    seen
}

/// The floor: one keep-alive connection, the request written by hand, the answer read with
/// a plain loop (Content-Length or chunked), decoded into the same dockwright models.
async fn raw(socket: &str, calls: usize) -> usize {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::UnixStream::connect(socket).await.unwrap();
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut seen = 0;
    for _ in 0..calls {
        s.write_all(b"GET /v1.45/containers/json?all=1 HTTP/1.1\r\nHost: docker\r\n\r\n")
            .await
            .unwrap();
        buf.clear();
        let (head_end, length, chunked) = loop {
            let n = s.read_buf(&mut buf).await.unwrap();
            assert!(n > 0, "closed");
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&buf[..p]).unwrap().to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map(|v| v.trim().parse::<usize>().unwrap());
                break (p + 4, length, head.contains("transfer-encoding: chunked"));
            }
        };
        let body: Vec<u8> = if let Some(length) = length {
            while buf.len() < head_end + length {
                s.read_buf(&mut buf).await.unwrap();
            }
            buf[head_end..head_end + length].to_vec()
        } else {
            assert!(chunked);
            let mut body = Vec::new();
            let mut at = head_end;
            loop {
                let line_end = loop {
                    if let Some(p) = buf[at..].windows(2).position(|w| w == b"\r\n") {
                        break at + p;
                    }
                    s.read_buf(&mut buf).await.unwrap();
                };
                let size = usize::from_str_radix(
                    std::str::from_utf8(&buf[at..line_end]).unwrap().trim(),
                    16,
                )
                .unwrap();
                while buf.len() < line_end + 2 + size + 2 {
                    s.read_buf(&mut buf).await.unwrap();
                }
                body.extend_from_slice(&buf[line_end + 2..line_end + 2 + size]);
                at = line_end + 2 + size + 2;
                if size == 0 {
                    break;
                }
            }
            body
        };
        let list: Vec<dockwright_v1_45::models::ContainerSummary> =
            serde_json::from_slice(&body).unwrap();
        seen = list.len();
    }
    seen
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let calls = args.first().copied().unwrap_or(1000);
    let rounds = args.get(1).copied().unwrap_or(7);
    let containers = args.get(2).copied().unwrap_or(20);
    let host = std::env::var("DOCKER_HOST")
        .or_else(|_| std::env::var("DOCKWRIGHT_ENGINE_26_1"))
        .expect("DOCKER_HOST or DOCKWRIGHT_ENGINE_26_1 (a unix:// engine address)");
    assert!(
        host.starts_with("unix://"),
        "a unix:// engine address: {host}"
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let transport = dockwright_runtime::Transport::builder()
        .host(&host)
        .build()
        .unwrap();
    let docker = Client::new(transport);
    let version = bollard::ClientVersion {
        major_version: 1,
        minor_version: 45,
    };
    let peer = bollard::Docker::connect_with_unix(&host, 120, &version).unwrap();

    // ~20 containers, created (not started), network mode none, labelled for removal.
    let label = format!("dockwright.bench=list-{}", std::process::id());
    let (key, value) = label.split_once('=').unwrap();
    let ids: Vec<String> = rt.block_on(async {
        docker
            .check_version()
            .await
            .expect("an engine speaking API 1.45");
        ensure_image(&docker).await;
        let mut ids = Vec::new();
        for _ in 0..containers {
            let created = docker
                .container_create(ContainerCreateBody {
                    image: Some(IMAGE.into()),
                    cmd: Some(vec!["true".into()]),
                    labels: Some(HashMap::from([(key.to_owned(), value.to_owned())])),
                    host_config: Some(HostConfig {
                        network_mode: Some("none".into()),
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .await
                .expect("create");
            ids.push(created.id);
        }
        ids
    });
    let total = rt.block_on(async { docker.container_list().all(true).await.unwrap().len() });

    let names = [
        "dockwright-v1-45",
        "bollard 0.21 (API 1.45)",
        "raw keep-alive loop + same models",
    ];
    let mut cpu: [Vec<f64>; 3] = Default::default();
    let mut wall: [Vec<f64>; 3] = Default::default();
    let socket = host.strip_prefix("unix://").unwrap().to_owned();
    // Round 0 warms up both (connections, allocator, page cache) and is not counted.
    for round in 0..=rounds {
        // Alternate which client goes first, so neither always follows the other.
        let order = if round % 2 == 0 { [0, 1, 2] } else { [1, 0, 2] };
        // `BENCH_ONLY=0` or `1` runs one client alone (for a profiler).
        let only: Option<usize> = std::env::var("BENCH_ONLY")
            .ok()
            .and_then(|v| v.parse().ok());
        for i in order.into_iter().filter(|i| only.is_none_or(|o| o == *i)) {
            let (c0, t0) = (cpu_time(), Instant::now());
            let seen = rt.block_on(async {
                match i {
                    0 => dockwright(&docker, calls).await,
                    1 => bollard(&peer, calls).await,
                    _ => raw(&socket, calls).await,
                }
            });
            let (c, t) = (cpu_time() - c0, t0.elapsed());
            assert!(seen >= containers, "{}: saw {seen} containers", names[i]);
            if round > 0 {
                cpu[i].push(c.as_secs_f64() * 1e3);
                wall[i].push(t.as_secs_f64() * 1e3);
            }
        }
    }

    rt.block_on(async {
        for id in &ids {
            let _ = docker.container_delete(id).force(true).await;
        }
        let left = docker
            .container_list()
            .all(true)
            .filters(ContainerListFilters::new().label(&label))
            .await
            .unwrap();
        assert!(left.is_empty(), "containers left behind: {left:?}");
    });

    if cpu.iter().any(Vec::is_empty) {
        return;
    }
    let cpu: Vec<f64> = cpu.into_iter().map(median).collect();
    let wall: Vec<f64> = wall.into_iter().map(median).collect();
    println!(
        "engine {host}: {calls} sequential `GET /containers/json?all=1` per batch, {total} containers listed, {rounds} rounds (median)\n"
    );
    println!("| client | user+sys CPU (ms) per {calls} calls | µs CPU per call | vs bollard | wall (ms) |");
    println!("|---|---:|---:|---:|---:|");
    for (i, name) in names.iter().enumerate() {
        println!(
            "| {name} | {:.0} | {:.1} | {:.2}× | {:.0} |",
            cpu[i],
            cpu[i] * 1e3 / calls as f64,
            cpu[i] / cpu[1],
            wall[i]
        );
    }
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    let (ratio, floor) = (cpu[0] / cpu[1], cpu[0] / cpu[2]);
    println!(
        "\nratio dockwright / bollard (user+sys): {ratio:.2} (goal ≤ 0.80: {})",
        met(ratio <= 0.80)
    );
    println!(
        "ratio dockwright / raw floor (user+sys): {floor:.2} (goal ≤ 1.30: {})",
        met(floor <= 1.30)
    );
}
