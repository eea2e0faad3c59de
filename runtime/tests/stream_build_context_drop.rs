//! Dropping a build-context stream must stop its worker thread.
//!
//! A separate test binary because it counts the process's threads by name, which tests
//! running in parallel in the same process would disturb.
#![cfg(feature = "client")]

use std::time::{Duration, Instant};

use dockwright_runtime::build_context::tar_directory_stream;
use futures_util::StreamExt;

fn workers() -> usize {
    // Linux shows thread names (cut to 15 bytes) under /proc/self/task/*/comm.
    std::fs::read_dir("/proc/self/task")
        .map(|tasks| {
            tasks
                .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
                .filter(|name| name.starts_with("dockwright-buil"))
                .count()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn dropping_the_stream_stops_the_worker() {
    if !std::path::Path::new("/proc/self/task").exists() {
        eprintln!("no /proc: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.bin"), vec![1u8; 8 << 20]).unwrap();
    let mut s = tar_directory_stream(dir.path());
    assert!(s.next().await.unwrap().is_ok());
    // The worker is blocked on the full channel now.
    assert_eq!(workers(), 1);
    drop(s);
    let deadline = Instant::now() + Duration::from_secs(10);
    while workers() > 0 {
        assert!(
            Instant::now() < deadline,
            "worker still running 10 s after the drop"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
