//! The runtime's events follower (`dockwright_runtime::follow`) on three real daemons at
//! once, the nodes of `tests/swarm/swarm.sh`: node 1 is followed through the v1.41 crate
//! behind a unix-socket relay the test cuts; node 2 through the v1.51 crate, untouched;
//! node 3 through the v1.51 crate while its dockerd is restarted. Containers change on
//! every node before, during and after the interruptions. Every event each daemon recorded
//! while followed must be delivered exactly once and in the daemon's order, and every
//! interruption must be reported.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use dockwright_runtime::{follow_events, EventCursor, FollowItem};
use dockwright_tests::engines::{label_filter, labels, unique};
use dockwright_tests::json;
use dockwright_tests::relay::UnixRelay;
use dockwright_tests::swarm::{nodes, script, wait_until};
use dockwright_v1_51::client::Client;
use futures_util::{Stream, StreamExt};
use serde_json::{json as j, Value};

/// What a follower yielded, reduced to what the assertions compare.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    /// `[Type, Action, Actor.ID, timeNano]` of an event.
    Event(Value),
    Disconnected {
        error: bool,
        last: Option<i64>,
    },
    ConnectFailed,
    Reconnected {
        since: Option<i64>,
    },
    GaveUp,
}

type Log = Arc<Mutex<Vec<Seen>>>;

fn key(event: &impl serde::Serialize) -> Value {
    let e = json(event);
    j!([e["Type"], e["Action"], e["Actor"]["ID"], e["timeNano"]])
}

/// Records a follower's items until the test ends.
fn record<E: serde::Serialize>(
    follow: impl Stream<Item = FollowItem<E, dockwright_runtime::Error>> + Send + 'static,
) -> Log {
    let log: Log = Arc::default();
    let out = log.clone();
    tokio::spawn(async move {
        let mut follow = std::pin::pin!(follow);
        while let Some(item) = follow.next().await {
            let seen = match item {
                FollowItem::Event(e) => Seen::Event(key(&e)),
                FollowItem::Disconnected { error, last } => Seen::Disconnected {
                    error: error.is_some(),
                    last: last.map(|c| c.as_nanos()),
                },
                FollowItem::ConnectFailed { .. } => Seen::ConnectFailed,
                FollowItem::Reconnected { since, .. } => Seen::Reconnected {
                    since: since.map(|c| c.as_nanos()),
                },
                FollowItem::GaveUp { .. } => Seen::GaveUp,
            };
            out.lock().unwrap().push(seen);
        }
    });
    log
}

fn events(log: &Log) -> Vec<Value> {
    log.lock()
        .unwrap()
        .iter()
        .filter_map(|s| match s {
            Seen::Event(e) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

/// `n` short-lived labelled containers: create, start, (exit), remove.
async fn churn(client: &Client, image: &str, run_id: &str, n: usize) {
    for _ in 0..n {
        let body = serde_json::from_value(j!({
            "Image": image, "Cmd": ["true"], "Labels": labels(run_id),
            "HostConfig": {"NetworkMode": "none"},
        }))
        .unwrap();
        let id = client.container_create(body).await.expect("create").id;
        client.container_start(&id).await.expect("start");
        client.container_wait(&id).await.expect("wait");
        client
            .container_delete(&id)
            .force(true)
            .await
            .expect("remove");
    }
}

/// What the daemon recorded, from its own buffer: `since` .. now, same filters.
async fn recorded(client: &Client, run_id: &str, since: EventCursor) -> Vec<Value> {
    let until = EventCursor::from_system_time(SystemTime::now() + Duration::from_millis(1));
    let mut stream = client
        .system_events()
        .since(since.query_value())
        .until(until.query_value())
        .filters(
            dockwright_v1_51::filters::SystemEventsFilters::new()
                .type_("container".into())
                .label(label_filter(run_id)),
        )
        .await
        .expect("events");
    let mut out = Vec::new();
    while let Some(event) = stream.next().await {
        out.push(key(&event.expect("event")));
    }
    out
}

async fn delivered(what: &str, log: &Log, expected: &[Value]) {
    wait_until(what, Duration::from_secs(60), || async {
        let got = events(log);
        if got.len() >= expected.len() {
            Ok(())
        } else {
            Err(format!("{} of {}", got.len(), expected.len()))
        }
    })
    .await;
    // A moment for anything extra (a duplicate) to arrive too.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        events(log),
        expected,
        "{what}: delivered exactly once, in order"
    );
}

/// The interruption was reported: a `Disconnected`, then failed attempts while the daemon
/// was out of reach, then a `Reconnected`; each names the cursor of the latest event
/// delivered before it (`start` before any), which is where the follower resumed.
fn assert_gap_reported(what: &str, log: &Log, start: EventCursor) {
    let log = log.lock().unwrap().clone();
    let mut latest: Option<i64> = None;
    let mut phase = 0; // 0: before the disconnect, 1: disconnected, 2: a failed attempt seen, 3: back
    for item in &log {
        match item {
            Seen::Event(e) => latest = latest.max(e[3].as_i64()),
            Seen::Disconnected { last, .. } => {
                assert_eq!(*last, latest.or(Some(start.as_nanos())), "{what}: {log:?}");
                phase = phase.max(1);
            }
            Seen::ConnectFailed => {
                assert!(phase >= 1, "{what}: {log:?}");
                phase = phase.max(2);
            }
            Seen::Reconnected { since } => {
                assert_eq!(
                    *since,
                    latest.or(Some(start.as_nanos())),
                    "{what}: resumed from the latest event: {log:?}"
                );
                if phase == 2 {
                    phase = 3;
                }
            }
            Seen::GaveUp => panic!("{what}: gave up: {log:?}"),
        }
    }
    assert_eq!(
        phase, 3,
        "{what}: disconnect, failed attempts, reconnect expected in {log:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follows_three_daemons_through_a_cut_and_a_restart() {
    let Some(nodes) = nodes() else {
        return;
    };
    let clients = nodes.clone().map(|n| Client::new(n.engine.transport()));
    let mut image = String::new();
    for (node, client) in nodes.iter().zip(&clients) {
        let Some(tag) = dockwright_tests::shared_busybox!(client, &node.engine) else {
            return;
        };
        image = tag;
    }
    let run_id = unique("follow");
    let start = EventCursor::from_system_time(SystemTime::now());

    // Node 1: the v1.41 crate through the relay.
    let socket = nodes[0]
        .engine
        .host
        .strip_prefix("unix://")
        .expect("a unix socket")
        .to_owned();
    let relay = UnixRelay::start(socket.as_ref()).expect("relay");
    let old = dockwright_v1_41::client::Client::new(
        dockwright_runtime::Transport::builder()
            .host(&relay.host())
            .build()
            .expect("relay transport"),
    );
    let filters41 = dockwright_v1_41::filters::SystemEventsFilters::new()
        .type_("container".into())
        .label(label_filter(&run_id));
    let log1 = record(
        follow_events(move |since: Option<EventCursor>| {
            let (client, filters) = (old.clone(), filters41.clone());
            async move {
                let mut request = client.system_events().filters(filters);
                if let Some(since) = since {
                    request = request.since(since.query_value());
                }
                request.await
            }
        })
        .since(start)
        .backoff(Duration::from_millis(50), Duration::from_millis(400))
        .stream(),
    );
    // Nodes 2 and 3: the v1.51 crate, directly.
    let follower = |client: Client| {
        let filters = dockwright_v1_51::filters::SystemEventsFilters::new()
            .type_("container".into())
            .label(label_filter(&run_id));
        follow_events(move |since: Option<EventCursor>| {
            let (client, filters) = (client.clone(), filters.clone());
            async move {
                let mut request = client.system_events().filters(filters);
                if let Some(since) = since {
                    request = request.since(since.query_value());
                }
                request.await
            }
        })
        .since(start)
        .backoff(Duration::from_millis(50), Duration::from_millis(400))
        .stream()
    };
    let log2 = record(follower(clients[1].clone()));
    let log3 = record(follower(clients[2].clone()));

    // Before any interruption.
    tokio::join!(
        churn(&clients[0], &image, &run_id, 2),
        churn(&clients[1], &image, &run_id, 2),
        churn(&clients[2], &image, &run_id, 2),
    );
    // Node 3's buffer does not survive its restart: what it recorded so far, now.
    let before_restart = recorded(&clients[2], &run_id, start).await;
    assert_eq!(
        before_restart.len(),
        8,
        "create, start, die, destroy twice: {before_restart:?}"
    );
    delivered("node 3 before its restart", &log3, &before_restart).await;

    // The interruptions, at the same time: node 1's connection is cut while its containers
    // change; node 3 restarts and its containers change once it is back; node 2 goes on.
    let cut = async {
        relay.cut_and_hold();
        churn(&clients[0], &image, &run_id, 2).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        relay.resume();
    };
    let restart = async {
        script(&["stop-node", "3"]).await;
        script(&["start-node", "3"]).await;
        churn(&clients[2], &image, &run_id, 2).await;
    };
    tokio::join!(cut, restart, churn(&clients[1], &image, &run_id, 3));
    // And after.
    tokio::join!(
        churn(&clients[0], &image, &run_id, 1),
        churn(&clients[1], &image, &run_id, 1),
        churn(&clients[2], &image, &run_id, 1),
    );

    let truth1 = recorded(&clients[0], &run_id, start).await;
    let truth2 = recorded(&clients[1], &run_id, start).await;
    let mut truth3 = before_restart;
    truth3.extend(recorded(&clients[2], &run_id, start).await);
    assert_eq!((truth1.len(), truth2.len(), truth3.len()), (20, 24, 20));
    delivered("node 1 (cut)", &log1, &truth1).await;
    delivered("node 2 (untouched)", &log2, &truth2).await;
    delivered("node 3 (restarted)", &log3, &truth3).await;

    assert_gap_reported("node 1 (cut)", &log1, start);
    assert_gap_reported("node 3 (restarted)", &log3, start);
    let untouched = log2.lock().unwrap().clone();
    assert!(
        untouched.iter().all(|s| matches!(s, Seen::Event(_))),
        "node 2: {untouched:?}"
    );
    eprintln!(
        "node 1: {:?}",
        log1.lock()
            .unwrap()
            .iter()
            .filter(|s| !matches!(s, Seen::Event(_)))
            .collect::<Vec<_>>()
    );
    eprintln!(
        "node 3: {:?}",
        log3.lock()
            .unwrap()
            .iter()
            .filter(|s| !matches!(s, Seen::Event(_)))
            .collect::<Vec<_>>()
    );
}
