//! `corpus-capture`: records the corpus of real answers (tests/fixtures/corpus/) through each
//! API version's own generated client. Run by `tests/fixtures/capture.sh --corpus [e2010
//! e261 e28]` after `tests/engines/engines.sh up` (and `tests/swarm/swarm.sh up` for the
//! swarm objects, recorded with the 28.x engine's answers; `--no-swarm` skips them).
//!
//! For each engine: the host states are created (`host.rs`), then for every API version
//! from 1.25 to the engine's own, the crate of that version asks every JSON endpoint of the
//! corpus through a recording proxy (`proxy.rs`) in front of the daemon's unix socket; the
//! raw answers are kept, deduplicated by shape (`record.rs`), and what the typed call made
//! of each is printed per version. Everything created is removed again.

mod host;
mod proxy;
mod record;
mod swarm;
mod versions;

use std::path::{Path, PathBuf};

use dockwright_runtime::Transport;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The engines of tests/engines/engines.sh: (argument, variable with its `unix://` URL).
const ENGINES: [(&str, &str); 3] = [
    ("e2010", "DOCKWRIGHT_ENGINE_20_10"),
    ("e261", "DOCKWRIGHT_ENGINE_26_1"),
    ("e28", "DOCKWRIGHT_ENGINE_28"),
];

fn setting(var: &str) -> Result<String, Error> {
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            format!("{var} is not set (source tests/engines/state/env, tests/swarm/state/env)")
                .into()
        })
}

fn socket(var: &str) -> Result<PathBuf, Error> {
    let url = setting(var)?;
    let path = url
        .strip_prefix("unix://")
        .ok_or_else(|| format!("{var}={url}: not a unix:// address"))?;
    Ok(PathBuf::from(path))
}

/// The run's name: unique among concurrent runs on the shared engines.
fn run_name(engine: &str) -> String {
    format!("dwcorpus-{}-{engine}", std::process::id())
}

/// Engine release (`28.5`), full version and API version of the daemon behind `socket`.
async fn identify(socket: &Path) -> Result<(String, String, String), Error> {
    let docker = dockwright_v1_41::client::Client::new(Transport::unix(socket)?);
    let version = serde_json::to_value(docker.system_version().await?)?;
    let full = version["Version"].as_str().unwrap_or_default().to_owned();
    let api = version["ApiVersion"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let short = full.split('.').take(2).collect::<Vec<_>>().join(".");
    Ok((short, full, api))
}

fn top_minor(api: &str) -> Result<u32, Error> {
    api.strip_prefix("1.")
        .and_then(|m| m.parse().ok())
        .ok_or_else(|| format!("API version {api}").into())
}

/// The corpus of one engine at every version it speaks.
async fn capture_engine(
    socket: &Path,
    name: &str,
    busybox: &[u8],
) -> Result<(String, String, String, record::Corpus), Error> {
    let (short, full, api) = identify(socket).await?;
    eprintln!("[capture] {name}: engine {full}, API 1.25-{api}");
    let proxy = proxy::Proxy::start(socket)?;
    let mut corpus = record::Corpus::default();
    let run = run_name(name);
    let result = host::setup(Transport::unix(socket)?, &run, busybox).await;
    let objects = match result {
        Ok(objects) => objects,
        Err(e) => {
            let partial = host::Objects {
                run: run.clone(),
                ..Default::default()
            };
            host::teardown(Transport::unix(socket)?, &partial).await;
            return Err(format!("{name}: setup: {e}").into());
        }
    };
    for minor in 25..=top_minor(&api)? {
        versions::host(minor, &proxy, &objects, &mut corpus).await;
    }
    host::teardown(Transport::unix(socket)?, &objects).await;
    Ok((short, full, api, corpus))
}

/// The swarm's objects at every version node 1 speaks.
async fn capture_swarm(busybox: &[u8]) -> Result<(String, record::Corpus), Error> {
    let mut nodes = Vec::new();
    for n in 1..=3 {
        let transport = Transport::unix(socket(&format!("DOCKWRIGHT_SWARM_{n}"))?)?;
        nodes.push((transport, setting(&format!("DOCKWRIGHT_SWARM_ADDR_{n}"))?));
    }
    let nodes: [(Transport, String); 3] = nodes.try_into().unwrap();
    let manager = socket("DOCKWRIGHT_SWARM_1")?;
    let (short, full, api) = identify(&manager).await?;
    eprintln!("[capture] swarm: 3 nodes of engine {full}, API 1.25-{api}");
    let mut objects = swarm::SwarmObjects::default();
    let run = run_name("swarm");
    let mut corpus = record::Corpus::default();
    let result = swarm::setup(&nodes, &run, busybox, &mut objects).await;
    if result.is_ok() {
        let proxy = proxy::Proxy::start(&manager)?;
        for minor in 25..=top_minor(&api)? {
            versions::swarm(minor, &proxy, &objects, &mut corpus).await;
        }
    }
    swarm::teardown(&nodes, &objects).await;
    result.map_err(|e| format!("swarm: setup: {e}"))?;
    Ok((short, corpus))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Error> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let with_swarm = !args.iter().any(|a| a == "--no-swarm");
    args.retain(|a| a != "--no-swarm");
    if args.is_empty() {
        args = ENGINES.iter().map(|(a, _)| (*a).to_owned()).collect();
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/corpus");
    let busybox_path = setting("DOCKWRIGHT_BUSYBOX").unwrap_or_else(|_| "/bin/busybox".into());
    let busybox = std::fs::read(&busybox_path)
        .map_err(|e| format!("{busybox_path} (a static busybox): {e}"))?;
    let mut jobs = Vec::new();
    for arg in &args {
        let (_, var) = ENGINES
            .iter()
            .find(|(a, _)| a == arg)
            .ok_or_else(|| format!("unknown engine {arg} (e2010 e261 e28, --no-swarm)"))?;
        let sock = socket(var)?;
        let busybox = &busybox;
        jobs.push(async move { capture_engine(&sock, arg, busybox).await });
    }
    let swarm_job = async {
        if with_swarm && args.iter().any(|a| a == "e28") {
            Some(capture_swarm(&busybox).await)
        } else {
            None
        }
    };
    let (results, swarm) = tokio::join!(futures_util::future::join_all(jobs), swarm_job);
    let mut swarm = match swarm {
        Some(Ok(found)) => Some(found),
        Some(Err(e)) => return Err(e),
        None => None,
    };
    let mut failed = false;
    for result in results {
        let (short, full, api, mut corpus) = result?;
        if let Some((_, found)) = swarm.take_if(|(s, _)| *s == short) {
            corpus.merge(found);
        }
        let path = out.join(format!("engine-{short}.json"));
        std::fs::write(&path, corpus.to_file(&full, &api))?;
        eprintln!(
            "[capture] {full}: {} answers kept -> {}\n[capture] {full}: typed calls per version: {}",
            corpus.len(),
            path.display(),
            corpus.tally()
        );
        for problem in &corpus.problems {
            eprintln!("[capture] {full}: {problem}");
        }
        failed |= !corpus.problems.is_empty();
    }
    if let Some((short, _)) = swarm {
        return Err(format!("the swarm runs engine {short}, which was not captured").into());
    }
    if failed {
        return Err("some calls failed (listed above); the corpus files are written".into());
    }
    Ok(())
}
