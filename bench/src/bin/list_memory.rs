//! Peak memory of one buffered answer: a container list of about 20 MB (realistic
//! Docker 26.1 summaries, repeated) served by an in-process fake daemon on a unix socket,
//! decoded by `dockwright-v1-45`'s `container_list`. Prints the growth of the process's
//! peak resident set (`VmHWM`) during the call; the answer is built (and counted in the
//! baseline) before the call starts.
//!
//! `cargo run --release -p dockwright-bench --bin list_memory [-- MB [decode]]` (default
//! 20; `decode`: only decode the same bytes with `decode_json`, no HTTP, for comparison).
//! Each measurement runs in a process of its own, as freed memory stays resident.

use dockwright_v1_45::client::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ITEM: &str = r#"{"Id":"8dfafdbc3a40c3a8f4a5b1e9d3a2f1e0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4","Names":["/dockwright-bench-container-000001"],"Image":"dockwright-bench/busybox:latest","ImageID":"sha256:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741","Command":"/bin/sh -c 'while true; do sleep 3600; done'","Created":1732867200,"Ports":[{"PrivatePort":8080,"Type":"tcp"}],"Labels":{"com.example.bench":"dockwright","com.example.owner":"list_memory","org.opencontainers.image.source":"https://example.invalid/repo"},"State":"exited","Status":"Exited (0) 2 hours ago","HostConfig":{"NetworkMode":"none"},"NetworkSettings":{"Networks":{"none":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"","NetworkID":"5b3a1c8e9d7f6a4b2c0e8d6f4a2b0c8e6d4f2a0b8c6e4d2f0a8b6c4e2d0f8a6b","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DriverOpts":null,"DNSNames":null}}},"Mounts":[{"Type":"volume","Name":"bench-data","Source":"/var/lib/docker/volumes/bench-data/_data","Destination":"/data","Driver":"local","Mode":"z","RW":true,"Propagation":""}]}"#;

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mb: usize = std::env::args().nth(1).map_or(20, |v| v.parse().unwrap());
    let count = mb * 1_000_000 / (ITEM.len() + 1);
    let mut body = Vec::with_capacity(count * (ITEM.len() + 1) + 2);
    body.push(b'[');
    for i in 0..count {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(ITEM.as_bytes());
    }
    body.push(b']');
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let answer: &'static [u8] = Box::leak([head.into_bytes(), body].concat().into_boxed_slice());

    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("docker.sock");
    let listener = tokio::net::UnixListener::bind(&socket).unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                // One body-less request per call: answer each head.
                while let Ok(n) = stream.read(&mut buf).await {
                    if n == 0 || stream.write_all(answer).await.is_err() {
                        return;
                    }
                }
            });
        }
    });

    let docker = Client::new(dockwright_runtime::Transport::unix(&socket).unwrap());
    println!(
        "| what | answer | containers | peak RSS growth | growth / answer |\n|---|---|---|---|---|"
    );
    let row = |what: &str, growth: u64| {
        println!(
            "| {what} | {:.1} MB | {count} | {} MiB | {:.2}x |",
            answer.len() as f64 / 1e6,
            growth / 1024,
            growth as f64 * 1024.0 / answer.len() as f64,
        )
    };
    if std::env::args().nth(2).as_deref() != Some("decode") {
        let before = peak_kib();
        let list = docker.container_list().all(true).await.expect("list");
        row(
            "`container_list()` over the unix socket",
            peak_kib() - before,
        );
        assert_eq!(list.len(), count);
        return;
    }
    // The decoded values alone, from the answer already in memory: what any client pays.
    let before = peak_kib();
    let body = &answer[answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
    let list: Vec<dockwright_v1_45::models::ContainerSummary> =
        dockwright_runtime::decode_json(body, "decode").expect("decode");
    row(
        "`decode_json` of the same bytes, no HTTP",
        peak_kib() - before,
    );
    assert_eq!(list.len(), count);
}
