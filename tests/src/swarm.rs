//! The three engines of `tests/swarm/swarm.sh`, each in its own network namespace, for the
//! multi-node swarm tests and the events follower test.
//!
//! Start them with `bash tests/swarm/swarm.sh up` (after `tests/engines/engines.sh up`,
//! which unpacks the 28.x engine), then `set -a; . tests/swarm/state/env; set +a`. Tests
//! reach each node only through its unix socket; the nodes' private addresses (on a bridge
//! in a namespace of its own) are only ever sent to the daemons, as swarm addresses.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::engines::{Engine, EngineSpec};
use crate::missing;

/// The three nodes (28.x engines, API 1.51).
pub const SWARM_NODES: [EngineSpec; 3] = [
    EngineSpec {
        name: "swarm node 1",
        var: "DOCKWRIGHT_SWARM_1",
        api: "1.51",
    },
    EngineSpec {
        name: "swarm node 2",
        var: "DOCKWRIGHT_SWARM_2",
        api: "1.51",
    },
    EngineSpec {
        name: "swarm node 3",
        var: "DOCKWRIGHT_SWARM_3",
        api: "1.51",
    },
];

/// One node: its engine (unix socket) and its address inside the namespaces.
#[derive(Debug, Clone)]
pub struct Node {
    /// 1, 2 or 3, as `swarm.sh stop-node N` names it.
    pub number: u8,
    pub engine: Engine,
    /// Its private address, e.g. `10.231.0.11`, for the swarm's listen/advertise addresses.
    pub addr: String,
}

/// The three nodes, or `None` (skipped locally, a failure under CI) when not started.
pub fn nodes() -> Option<[Node; 3]> {
    let mut nodes = Vec::new();
    for (i, spec) in SWARM_NODES.into_iter().enumerate() {
        let engine = Engine::get(spec)?;
        let var = format!("DOCKWRIGHT_SWARM_ADDR_{}", i + 1);
        let Some(addr) = std::env::var(&var).ok().filter(|a| !a.is_empty()) else {
            missing(&format!(
                "{var} is not set (run `bash tests/swarm/swarm.sh up`)"
            ))?;
            return None;
        };
        nodes.push(Node {
            number: i as u8 + 1,
            engine,
            addr,
        });
    }
    nodes.try_into().ok()
}

/// Runs `tests/swarm/swarm.sh ARGS` (e.g. `stop-node 1`) to completion, on a blocking
/// thread; panics with its output when it fails.
pub async fn script(args: &[&str]) {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let shown = args.join(" ");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .arg(crate::workspace_root().join("tests/swarm/swarm.sh"))
            .args(&args)
            .output()
    })
    .await
    .expect("script thread")
    .unwrap_or_else(|e| panic!("swarm.sh {shown}: {e}"));
    assert!(
        output.status.success(),
        "swarm.sh {shown} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Polls `check` every 200 ms until it returns `Some`, for at most `limit`; panics with
/// `what` and the last state `check` described otherwise.
pub async fn wait_until<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        match check().await {
            Ok(value) => return value,
            Err(state) if start.elapsed() >= limit => {
                panic!("{what}: not after {limit:?}; last seen: {state}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// Seconds since the Unix epoch of an RFC 3339 time as the daemon writes them
/// (`2026-11-29T19:00:01.123456789Z`); `None` for another form.
pub fn rfc3339_seconds(text: &str) -> Option<f64> {
    let (date, time) = text.strip_suffix('Z')?.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let mut t = hms.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, min, s) = (t.next()??, t.next()??, t.next()??);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let fraction: f64 = format!("0.{frac}").parse().ok()?;
    Some((days * 86_400 + h * 3600 + min * 60 + s) as f64 + fraction)
}

/// Standard base64 (RFC 4648, padded), as secret and config data travel.
pub fn base64(text: &str) -> String {
    use ::base64::Engine as _;
    ::base64::engine::general_purpose::STANDARD.encode(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_seconds_of_daemon_times() {
        assert_eq!(super::rfc3339_seconds("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            super::rfc3339_seconds("2026-11-29T19:00:01.5Z"),
            Some(1_795_978_801.5)
        );
        assert_eq!(super::rfc3339_seconds("yesterday"), None);
    }
}
