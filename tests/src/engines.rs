//! The real Docker engines of the integration tests, and what every engine test needs:
//! the engine's address, the busybox build context, unique names and labels so tests run
//! in parallel, and a guard that removes what a test created even when it fails.
//!
//! Start the engines with `bash tests/engines/engines.sh up`, then
//! `set -a; . tests/engines/state/env; set +a` before `cargo test`. An engine whose
//! variable is unset skips the test locally ("skipping: ...") and fails it under CI.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dockwright_runtime as rt;

use crate::missing;

/// One of the engines `tests/engines/engines.sh` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineSpec {
    /// Docker release, for messages: `20.10`.
    pub name: &'static str,
    /// The environment variable holding its `unix://` address.
    pub var: &'static str,
    /// The highest API version it speaks (28.x moves with sid: at least this).
    pub api: &'static str,
}

pub const ENGINE_20_10: EngineSpec = EngineSpec {
    name: "20.10",
    var: "DOCKWRIGHT_ENGINE_20_10",
    api: "1.41",
};
pub const ENGINE_26_1: EngineSpec = EngineSpec {
    name: "26.1",
    var: "DOCKWRIGHT_ENGINE_26_1",
    api: "1.45",
};
pub const ENGINE_28: EngineSpec = EngineSpec {
    name: "28",
    var: "DOCKWRIGHT_ENGINE_28",
    api: "1.51",
};

/// Podman's Docker-compatible service (`tests/podman/podman.sh`), Podman 4.3.1 speaking
/// API 1.41: it runs the v1.41 crate's suites, with its deviations named in
/// [`crate::podman::PodmanLimit`].
pub const ENGINE_PODMAN: EngineSpec = EngineSpec {
    name: "podman",
    var: "DOCKWRIGHT_ENGINE_PODMAN",
    api: "1.41",
};

/// The TLS endpoint (the 26.1 engine on `tcp://127.0.0.1:2376`) and its certificate folders.
pub const TLS_ENDPOINT: &str = "DOCKWRIGHT_ENGINE_TLS";
pub const TLS_CERTS: &str = "DOCKWRIGHT_TLS_CERTS";
pub const TLS_WRONG_CERTS: &str = "DOCKWRIGHT_TLS_WRONG_CERTS";
/// A static busybox binary (Debian's `busybox-static`).
pub const BUSYBOX: &str = "DOCKWRIGHT_BUSYBOX";

/// The label every object a test creates carries; its value is the test's own run id.
pub const TEST_LABEL: &str = "dockwright.test";

/// A setting from the environment; `None` after [`missing`] when unset.
pub fn setting(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            missing(&format!(
                "{var} is not set (run `bash tests/engines/engines.sh up` and `set -a; . tests/engines/state/env; set +a`)"
            ))?;
            None
        }
    }
}

/// A running engine.
#[derive(Debug, Clone)]
pub struct Engine {
    pub spec: EngineSpec,
    /// Its address, e.g. `unix:///run/dockwright/e261/docker.sock`.
    pub host: String,
}

impl Engine {
    /// The engine, or `None` (skipped locally, a failure under CI) when not configured.
    pub fn get(spec: EngineSpec) -> Option<Engine> {
        Some(Engine {
            spec,
            host: setting(spec.var)?,
        })
    }

    /// A fresh transport to the engine.
    pub fn transport(&self) -> rt::Transport {
        rt::Transport::builder()
            .host(&self.host)
            .build()
            .unwrap_or_else(|e| panic!("engine {}: {e}", self.spec.name))
    }

    /// A guard that removes whatever is registered with it when dropped.
    pub fn cleanup(&self) -> Cleanup {
        Cleanup {
            host: self.host.clone(),
            engine: self.spec.name,
            items: Mutex::new(Vec::new()),
        }
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A name no other test (in this process or another) uses: `dwt-<what>-<pid>-<n>`.
/// Lowercase, so it is also a valid image repository name.
pub fn unique(what: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("dwt-{what}-{}-{n}", std::process::id())
}

/// `{TEST_LABEL: run_id}`, the labels of every object of one test.
pub fn labels(run_id: &str) -> HashMap<String, String> {
    HashMap::from([(TEST_LABEL.to_owned(), run_id.to_owned())])
}

/// `dockwright.test=<run_id>`, the filter value that selects one test's objects.
pub fn label_filter(run_id: &str) -> String {
    format!("{TEST_LABEL}={run_id}")
}

/// The Dockerfile of the test image: a static busybox in an empty image, with its applets
/// installed, so containers can run `sleep`, `sh`, `top` without any registry.
pub const BUSYBOX_DOCKERFILE: &str =
    "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n";

/// The busybox build context as a tar archive: [`BUSYBOX_DOCKERFILE`] plus `extra`
/// Dockerfile lines, archived by the runtime's own [`rt::build_context::BuildContext`].
/// `None` (skipped locally, a failure under CI) without a static busybox.
pub fn busybox_context(extra: &str) -> Option<Vec<u8>> {
    let path = std::env::var(BUSYBOX).unwrap_or_else(|_| "/bin/busybox".into());
    let Ok(busybox) = std::fs::read(&path) else {
        missing(&format!(
            "{path} (a static busybox: install busybox-static)"
        ))?;
        return None;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("{BUSYBOX_DOCKERFILE}{extra}"),
    )
    .unwrap();
    let bin = dir.path().join("busybox");
    std::fs::write(&bin, busybox).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    Some(
        rt::build_context::BuildContext::new(dir.path())
            .to_vec()
            .expect("build context"),
    )
}

/// Reads a build's progress messages to the end; fails on an error item (the daemon
/// answers 200 and reports a failed build inside the stream, which the generated client
/// turns into an `Err` item). Returns the messages.
pub async fn finish_build<S, T, E>(engine: &str, stream: S) -> Vec<T>
where
    S: futures_util::Stream<Item = Result<T, E>>,
    E: std::fmt::Display,
{
    use futures_util::StreamExt;
    let mut stream = std::pin::pin!(stream);
    let mut messages = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(message) => messages.push(message),
            Err(e) => panic!("{engine}: the build failed: {e}"),
        }
    }
    messages
}

/// The tag of the image every container test runs: `dockwright-tests/busybox:latest`.
///
/// Built once per engine and process by `build` (through whichever generated client
/// the calling test uses) and kept: it is the engines' fixture image, as a pulled
/// `busybox` would be elsewhere, so parallel tests never race to build or remove it.
/// A rebuild is a cache hit and yields the same image, so nothing dangles.
pub async fn shared_image<F, Fut>(engine: &Engine, build: F) -> String
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    type Cells = Mutex<HashMap<String, Arc<tokio::sync::OnceCell<String>>>>;
    static CELLS: std::sync::OnceLock<Cells> = std::sync::OnceLock::new();
    let cell = CELLS
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(engine.host.clone())
        .or_default()
        .clone();
    cell.get_or_init(|| async {
        let tag = "dockwright-tests/busybox:latest".to_owned();
        build(tag.clone()).await;
        tag
    })
    .await
    .clone()
}

/// Something a test created, removed by [`Cleanup`] when the test ends.
#[derive(Debug, Clone)]
pub enum Created {
    Container(String),
    Image(String),
    Network(String),
    Volume(String),
    Service(String),
    Secret(String),
    Config(String),
    /// A swarm this test initialised: left with `force`.
    Swarm,
    /// A plugin (by name), removed with `force`.
    Plugin(String),
}

/// Removes what was registered with it when dropped, in reverse order, even after a
/// failed assertion. Removal goes through the runtime's plain transport with unversioned
/// paths, on a thread of its own (a drop cannot await), and ignores "not found": the test
/// usually removed the object itself through the client under test.
#[derive(Debug)]
pub struct Cleanup {
    host: String,
    engine: &'static str,
    items: Mutex<Vec<Created>>,
}

impl Cleanup {
    /// Registers an object; returns its name or id for chaining.
    pub fn add(&self, item: Created) {
        self.items.lock().unwrap().push(item);
    }

    pub fn container(&self, id: &str) {
        self.add(Created::Container(id.to_owned()));
    }
    pub fn image(&self, name: &str) {
        self.add(Created::Image(name.to_owned()));
    }
    pub fn network(&self, id: &str) {
        self.add(Created::Network(id.to_owned()));
    }
    pub fn volume(&self, name: &str) {
        self.add(Created::Volume(name.to_owned()));
    }
    pub fn service(&self, id: &str) {
        self.add(Created::Service(id.to_owned()));
    }
    pub fn secret(&self, id: &str) {
        self.add(Created::Secret(id.to_owned()));
    }
    pub fn config(&self, id: &str) {
        self.add(Created::Config(id.to_owned()));
    }
    pub fn swarm(&self) {
        self.add(Created::Swarm);
    }
    pub fn plugin(&self, name: &str) {
        self.add(Created::Plugin(name.to_owned()));
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let items: Vec<Created> = std::mem::take(&mut *self.items.lock().unwrap());
        if items.is_empty() {
            return;
        }
        let host = self.host.clone();
        let engine = self.engine;
        let worker = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("cleanup runtime");
            runtime.block_on(remove_all(&host, engine, items))
        });
        let failures = worker
            .join()
            .unwrap_or_else(|_| vec!["cleanup panicked".into()]);
        if !failures.is_empty() {
            let message = format!("engine {engine}: cleanup failed: {}", failures.join("; "));
            if std::thread::panicking() {
                eprintln!("{message}");
            } else {
                panic!("{message}");
            }
        }
    }
}

async fn remove_all(host: &str, engine: &str, items: Vec<Created>) -> Vec<String> {
    let transport = match rt::Transport::builder()
        .host(host)
        .default_timeout(Some(Duration::from_secs(60)))
        .build()
    {
        Ok(t) => t,
        Err(e) => return vec![format!("{engine}: {e}")],
    };
    let mut failures = Vec::new();
    for item in items.into_iter().rev() {
        let e = rt::encode_path_segment;
        let (method, path) = match &item {
            Created::Container(id) => (
                rt::Method::DELETE,
                format!("/containers/{}?force=1&v=1", e(id)),
            ),
            Created::Image(name) => (rt::Method::DELETE, format!("/images/{}?force=1", e(name))),
            Created::Network(id) => (rt::Method::DELETE, format!("/networks/{}", e(id))),
            Created::Volume(name) => (rt::Method::DELETE, format!("/volumes/{}?force=1", e(name))),
            Created::Service(id) => (rt::Method::DELETE, format!("/services/{}", e(id))),
            Created::Secret(id) => (rt::Method::DELETE, format!("/secrets/{}", e(id))),
            Created::Config(id) => (rt::Method::DELETE, format!("/configs/{}", e(id))),
            Created::Swarm => (rt::Method::POST, "/swarm/leave?force=1".to_owned()),
            Created::Plugin(name) => (rt::Method::DELETE, format!("/plugins/{}?force=1", e(name))),
        };
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
            None => (path, None),
        };
        let mut request = transport.request(method, path);
        for pair in query.iter().flat_map(|q| q.split('&')) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            request = request.query(k, v);
        }
        match request.send_empty().await {
            Ok(()) => {}
            Err(err) if err.is_not_found() => {}
            // The swarm is gone (left already): so are its services, secrets, configs.
            Err(err)
                if err.status() == Some(503)
                    && matches!(
                        item,
                        Created::Swarm
                            | Created::Service(_)
                            | Created::Secret(_)
                            | Created::Config(_)
                    ) => {}
            Err(err) => failures.push(format!("{item:?}: {err}")),
        }
    }
    failures
}

/// Where the state of `tests/engines/engines.sh` lives (certificates, env file).
pub fn engines_state_dir() -> PathBuf {
    crate::workspace_root().join("tests/engines/state")
}

/// Runs `call` again while the daemon refuses it because another operation of its kind
/// is running: engines allow one `system df` (20.10) and one prune per object type at a
/// time, and the tests of the matrix share each engine.
pub async fn retry_busy<T, F, Fut>(mut call: F) -> rt::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = rt::Result<T>>,
{
    let mut attempts = 0;
    loop {
        match call().await {
            Err(e) if e.to_string().contains("already running") && attempts < 300 => {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => return other,
        }
    }
}
