//! Helpers of the streaming tests (`tests/tests/streams_*.rs`): which engine runs which
//! generated crate, the busybox build context as a directory (streamed by the runtime's
//! build-context tar), and version-independent ways to build request bodies and read
//! answers.
//!
//! The suites are written once as a macro over the crate name and expanded for
//! `dockwright_v1_41` on Docker 20.10, `dockwright_v1_45` on 26.1 and `dockwright_v1_51`
//! on 28.5 ([`streams_matrix!`](crate::streams_matrix)). An engine whose variable is unset
//! skips the test locally and fails it under CI ([`crate::missing`]).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::engines::BUSYBOX_DOCKERFILE;
use crate::missing;

/// Expands `$suite!(crate)` for the three crate/engine pairs of the streaming tests, each
/// defining `pub async fn run(engine: &Engine)`, and one `#[tokio::test]` per pair:
/// `v1_41_on_20_10`, `v1_45_on_26_1`, `v1_51_on_28`.
#[macro_export]
macro_rules! streams_matrix {
    ($suite:ident) => {
        mod v1_41 {
            $suite!(dockwright_v1_41);
        }
        mod v1_45 {
            $suite!(dockwright_v1_45);
        }
        mod v1_51 {
            $suite!(dockwright_v1_51);
        }
        $crate::streams_matrix!(@test v1_41_on_20_10, v1_41, ENGINE_20_10);
        $crate::streams_matrix!(@test v1_45_on_26_1, v1_45, ENGINE_26_1);
        $crate::streams_matrix!(@test v1_51_on_28, v1_51, ENGINE_28);
    };
    (@test $name:ident, $module:ident, $engine:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let Some(engine) = $crate::engines::Engine::get($crate::engines::$engine) else {
                return;
            };
            $module::run(&engine).await;
        }
    };
}

/// Any request body or model from JSON, whatever the version's Rust type is called.
pub fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("test JSON does not fit: {e}"))
}

/// The label on every container the streaming tests create.
pub const LABEL: &str = "dockwright.streams";

/// Labels `{LABEL: value}`.
pub fn labels(value: &str) -> HashMap<String, String> {
    HashMap::from([(LABEL.to_owned(), value.to_owned())])
}

/// A build-context directory: [`BUSYBOX_DOCKERFILE`] plus `extra` lines, the static busybox, and
/// a `.dockerignore` that keeps a decoy file out. `None` (skipped locally, a failure under
/// CI) without a static busybox.
pub fn busybox_dir(extra: &str) -> Option<tempfile::TempDir> {
    let path = std::env::var("DOCKWRIGHT_BUSYBOX").unwrap_or_else(|_| "/bin/busybox".into());
    let Ok(busybox) = std::fs::read(&path) else {
        missing(&format!(
            "{path} (a static busybox: install busybox-static)"
        ))?;
        return None;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    write(
        dir.path(),
        "Dockerfile",
        format!("{BUSYBOX_DOCKERFILE}{extra}").as_bytes(),
    );
    write(dir.path(), "busybox", &busybox);
    write(dir.path(), "ignored.bin", &[0u8; 4096]);
    write(dir.path(), ".dockerignore", b"ignored.bin\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.path().join("busybox"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    Some(dir)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
}

/// The image every streaming test runs, built once per engine and process by `build`
/// (through the calling test's generated crate) and kept.
pub const IMAGE: &str = "dockwright-streams/busybox:latest";

/// Runs `build` once per engine address in this process; later callers wait for it.
pub async fn once_per_engine<F, Fut>(host: &str, build: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    type Cells = Mutex<HashMap<String, Arc<tokio::sync::OnceCell<()>>>>;
    static CELLS: std::sync::OnceLock<Cells> = std::sync::OnceLock::new();
    let cell = CELLS
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(host.to_owned())
        .or_default()
        .clone();
    cell.get_or_init(build).await;
}

/// Fails the test after `secs` seconds instead of hanging.
pub async fn within<T>(secs: u64, what: &str, fut: impl std::future::IntoFuture<Output = T>) -> T {
    match tokio::time::timeout(Duration::from_secs(secs), fut.into_future()).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: no answer within {secs} s"),
    }
}

/// The entries of a tar archive: path → contents (regular files only).
pub fn untar(bytes: &[u8]) -> HashMap<String, Vec<u8>> {
    use std::io::Read;
    let mut out = HashMap::new();
    let mut archive = tar::Archive::new(bytes);
    for entry in archive.entries().expect("a tar archive") {
        let mut entry = entry.expect("a tar entry");
        let path = entry.path().expect("a path").to_string_lossy().into_owned();
        let mut data = Vec::new();
        if entry.header().entry_type().is_file() {
            entry.read_to_end(&mut data).expect("entry data");
        }
        out.insert(path, data);
    }
    out
}

/// A tar archive of one file.
pub fn tar_of(name: &str, contents: &[u8]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(contents.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(1_700_000_000);
    header.set_cksum();
    builder
        .append_data(&mut header, name, contents)
        .expect("tar entry");
    builder.into_inner().expect("tar archive")
}

/// The helpers every streaming suite needs, for the generated crate `$c`: a client, the
/// test image, containers with network mode `none` that are removed again.
#[macro_export]
macro_rules! streams_prelude {
    ($c:ident) => {
        #[allow(unused_imports)]
        use $c::client::Client;
        #[allow(unused_imports)]
        use $crate::engines::Engine;
        #[allow(unused_imports)]
        use $crate::json;
        #[allow(unused_imports)]
        use $crate::streams_support::{self as support, from_json, within};
        #[allow(unused_imports)]
        use dockwright_runtime::{Body, ProgressReport, StdStream};
        #[allow(unused_imports)]
        use futures_util::StreamExt;
        #[allow(unused_imports)]
        use tokio::io::AsyncWriteExt;

        #[allow(dead_code)]
        pub fn client(engine: &Engine) -> Client {
            Client::new(engine.transport())
        }

        /// Builds the test image through `ImageBuild` (once per engine and process);
        /// `None` without a static busybox.
        #[allow(dead_code)]
        pub async fn ensure_image(docker: &Client, engine: &Engine) -> Option<&'static str> {
            let dir = support::busybox_dir("")?;
            support::once_per_engine(&engine.host, || async move {
                let mut progress = docker
                    .image_build()
                    .t(support::IMAGE)
                    .rm(true)
                    .forcerm(true)
                    .body(Body::build_context(dir.path()))
                    .await
                    .unwrap_or_else(|e| panic!("{}: build: {e}", engine.spec.name));
                while let Some(item) = within(300, "building the test image", progress.next()).await {
                    item.unwrap_or_else(|e| panic!("{}: build failed: {e}", engine.spec.name));
                }
            })
            .await;
            Some(support::IMAGE)
        }

        /// Creates a container of `image` from `config` (Cmd, Tty, ...), labelled, with
        /// network mode `none`; returns its id.
        #[allow(dead_code)]
        pub async fn create(docker: &Client, image: &str, mut config: serde_json::Value) -> String {
            config["Image"] = image.into();
            config["Labels"] = serde_json::json!({ support::LABEL: "1" });
            config["HostConfig"] = serde_json::json!({ "NetworkMode": "none" });
            let created = docker
                .container_create(from_json(config))
                .name($crate::engines::unique("ctr"))
                .await
                .expect("container create");
            json(&created)["Id"].as_str().expect("an id").to_owned()
        }

        /// Removes a container, whatever its state.
        #[allow(dead_code)]
        pub async fn remove(docker: &Client, id: &str) {
            let _ = docker.container_delete(id).force(true).v(true).await;
        }

        /// Collects log/attach frames to the end; panics on an error item.
        #[allow(dead_code)]
        pub async fn collect_frames<S>(what: &str, stream: S) -> Vec<dockwright_runtime::LogFrame>
        where
            S: futures_util::Stream<Item = Result<dockwright_runtime::LogFrame, dockwright_runtime::Error>>,
        {
            let mut stream = std::pin::pin!(stream);
            let mut out = Vec::new();
            while let Some(item) = within(60, what, stream.next()).await {
                out.push(item.unwrap_or_else(|e| panic!("{what}: {e}")));
            }
            out
        }
    };
}
