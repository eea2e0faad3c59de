//! Multiplexed log decoding throughput: one canned `docker logs` answer (stdout/stderr
//! frames of 20–200 bytes, like log lines) served over a unix socket with chunked
//! transfer encoding, consumed to the end by
//!
//! - a raw read loop of the same socket (no HTTP parsing, no decoding: the ceiling),
//! - `dockwright-v1-41`'s `container_logs` (typed `LogFrame`s),
//! - bollard 0.21's `logs` (`LogOutput`s),
//!
//! in one run, interleaved, each on a current-thread Tokio runtime; the server runs on
//! its own thread. Prints a Markdown table (median of the rounds; MB/s of log payload).
//!
//! `cargo run --release -p dockwright-bench --bin logs_throughput [-- MIB ROUNDS]`

use std::io::{Read, Write};
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;

/// The canned answer: HTTP head + chunked body of multiplexed frames.
struct Canned {
    response: Bytes,
    payload_bytes: u64,
    frames: u64,
}

fn canned(mib: usize) -> Canned {
    let target = mib * 1024 * 1024;
    let mut body = Vec::with_capacity(target + target / 10);
    let mut payload_bytes = 0u64;
    let mut frames = 0u64;
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    while (payload_bytes as usize) < target {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = 20 + (seed % 181) as usize;
        let stream = if seed & 0x100 == 0 { 1u8 } else { 2u8 };
        body.extend_from_slice(&[stream, 0, 0, 0]);
        body.extend_from_slice(&(len as u32).to_be_bytes());
        for i in 0..len - 1 {
            body.push(b'a' + ((i as u64 + seed) % 26) as u8);
        }
        body.push(b'\n');
        payload_bytes += len as u64;
        frames += 1;
    }
    let mut response = Vec::with_capacity(body.len() + body.len() / 100 + 256);
    response.extend_from_slice(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n\
          Api-Version: 1.41\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    // Go's http server flushes its 4 KiB buffer as one chunk at a time; the daemon's
    // copy loop writes 32 KiB. Use 32 KiB chunks.
    for chunk in body.chunks(32 * 1024) {
        response.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        response.extend_from_slice(chunk);
        response.extend_from_slice(b"\r\n");
    }
    response.extend_from_slice(b"0\r\n\r\n");
    Canned {
        response: Bytes::from(response),
        payload_bytes,
        frames,
    }
}

/// Serves `response` to every connection (after reading its request head), then closes.
fn serve(listener: UnixListener, response: Bytes) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let response = response.clone();
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream.write_all(&response);
            });
        }
    });
}

async fn raw(path: &Path) -> (u64, u64) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::UnixStream::connect(path).await.unwrap();
    s.write_all(
        b"GET /v1.41/containers/bench/logs?stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\n\r\n",
    )
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
    (total, 0)
}

async fn dockwright(path: &Path) -> (u64, u64) {
    let transport = dockwright_runtime::Transport::builder()
        .host(&format!("unix://{}", path.display()))
        .build()
        .unwrap();
    let docker = dockwright_v1_41::Client::new(transport);
    let mut logs = docker
        .container_logs("bench")
        .stdout(true)
        .stderr(true)
        .await
        .unwrap();
    let (mut bytes, mut frames) = (0u64, 0u64);
    while let Some(frame) = logs.next().await {
        let frame = frame.unwrap();
        bytes += frame.bytes.len() as u64;
        frames += 1;
    }
    (bytes, frames)
}

async fn bollard(path: &Path) -> (u64, u64) {
    let docker = bollard::Docker::connect_with_unix(
        path.to_str().unwrap(),
        600,
        bollard::API_DEFAULT_VERSION,
    )
    .unwrap();
    let options = bollard::query_parameters::LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .build();
    let mut logs = docker.logs("bench", Some(options));
    let (mut bytes, mut frames) = (0u64, 0u64);
    while let Some(item) = logs.next().await {
        let out = item.unwrap();
        bytes += out.as_ref().len() as u64;
        frames += 1;
    }
    (bytes, frames)
}

/// On-CPU nanoseconds of the calling thread (the client's current-thread runtime).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mib: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(128);
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let canned = canned(mib);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docker.sock");
    serve(UnixListener::bind(&path).unwrap(), canned.response.clone());

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let names = ["raw read loop", "dockwright-v1-41", "bollard 0.21"];
    let mut rates: [Vec<f64>; 3] = Default::default();
    let mut cpu: [Vec<f64>; 3] = Default::default();
    // `DOCKWRIGHT_BENCH_ONLY=1` (or 0, 2) runs one client only, for profiling.
    let only: Option<usize> = std::env::var("DOCKWRIGHT_BENCH_ONLY")
        .ok()
        .and_then(|v| v.parse().ok());
    for round in 0..=rounds {
        for (i, rate) in rates.iter_mut().enumerate() {
            if only.is_some_and(|o| o != i) {
                rate.push(f64::NAN);
                cpu[i].push(f64::NAN);
                continue;
            }
            let cpu0 = thread_cpu_ns();
            let start = Instant::now();
            let (bytes, frames) = rt.block_on(async {
                match i {
                    0 => raw(&path).await,
                    1 => dockwright(&path).await,
                    _ => bollard(&path).await,
                }
            });
            let secs = start.elapsed().as_secs_f64();
            let cpu_ms = (thread_cpu_ns() - cpu0) as f64 / 1e6;
            if i == 0 {
                assert_eq!(bytes, canned.response.len() as u64, "raw read everything");
            } else {
                assert_eq!(bytes, canned.payload_bytes, "{}: payload", names[i]);
                assert_eq!(frames, canned.frames, "{}: frames", names[i]);
            }
            // Round 0 warms up (page cache, allocator); not counted.
            if round > 0 {
                rate.push(canned.payload_bytes as f64 / 1e6 / secs);
                cpu[i].push(cpu_ms);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let m: Vec<f64> = rates.into_iter().map(median).collect();
    let c: Vec<f64> = cpu.into_iter().map(median).collect();
    println!(
        "canned stream: {mib} MiB of payload in {} frames (20–200 bytes each), {rounds} rounds, median\n",
        canned.frames
    );
    println!("| client | MB/s of payload | vs bollard | vs raw read loop | client CPU (ms) |");
    println!("|---|---:|---:|---:|---:|");
    for (i, name) in names.iter().enumerate() {
        println!(
            "| {name} | {:.0} | {:.2}× | {:.0} % | {:.0} |",
            m[i],
            m[i] / m[2],
            100.0 * m[i] / m[0],
            c[i]
        );
    }
}
