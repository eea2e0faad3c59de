//! The follower against a scripted source: each `open` plays the next connection of a
//! script (refused, or some items then an end or an error), like a daemon that replays
//! `since` inclusively.

use super::*;
use futures_util::stream::{self, BoxStream};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Ev {
    #[serde(rename = "timeNano")]
    t: i64,
    id: &'static str,
    #[serde(skip_serializing_if = "HashMap::is_empty")]
    attrs: HashMap<String, String>,
}

fn ev(t: i64, id: &'static str) -> Ev {
    Ev {
        t,
        id,
        attrs: HashMap::new(),
    }
}

enum Conn {
    Refused(&'static str),
    /// Items, then the end of the stream.
    Open(Vec<Result<Ev, String>>),
}

type Opened = BoxStream<'static, Result<Ev, String>>;

/// The opener of a script, and the `since` of every open.
#[allow(clippy::type_complexity)]
fn scripted(
    script: Vec<Conn>,
) -> (
    impl FnMut(Option<EventCursor>) -> futures_util::future::Ready<Result<Opened, String>> + Send,
    Arc<Mutex<Vec<Option<EventCursor>>>>,
) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = calls.clone();
    let mut script = VecDeque::from(script);
    let open = move |since| {
        seen.lock().unwrap().push(since);
        futures_util::future::ready(match script.pop_front() {
            Some(Conn::Refused(e)) => Err(e.to_owned()),
            Some(Conn::Open(items)) => Ok(stream::iter(items).boxed()),
            // Past the script: a quiet, open stream.
            None => Ok(stream::pending().boxed()),
        })
    };
    (open, calls)
}

fn quick<F>(follower: Follower<F>) -> Follower<F> {
    follower.backoff(Duration::from_millis(1), Duration::from_millis(8))
}

async fn take<F, Fut, S>(follower: Follower<F>, n: usize) -> Vec<FollowItem<Ev, String>>
where
    F: FnMut(Option<EventCursor>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<S, String>> + Send + 'static,
    S: Stream<Item = Result<Ev, String>> + Send + 'static,
{
    let items = follower.stream().take(n).collect::<Vec<_>>();
    tokio::time::timeout(Duration::from_secs(10), items)
        .await
        .expect("the follower yields the expected items")
}

/// A compact form of the items for assertions.
fn summary(items: &[FollowItem<Ev, String>]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            FollowItem::Event(e) => format!("event {} {}", e.t, e.id),
            FollowItem::Disconnected { error, last } => {
                format!(
                    "disconnected {error:?} last={:?}",
                    last.map(|c| c.as_nanos())
                )
            }
            FollowItem::ConnectFailed {
                attempt,
                error,
                retry_in,
            } => format!("connect failed #{attempt} {error} retry in {retry_in:?}"),
            FollowItem::Reconnected {
                since, attempts, ..
            } => format!(
                "reconnected since={:?} attempts={attempts}",
                since.map(|c| c.as_nanos())
            ),
            FollowItem::GaveUp { attempts, error } => {
                format!("gave up after {attempts}: {error:?}")
            }
        })
        .collect()
}

#[tokio::test]
async fn resumes_from_the_last_event_and_drops_the_replayed_boundary() {
    let (open, calls) = scripted(vec![
        Conn::Open(vec![Ok(ev(10, "a")), Ok(ev(20, "b")), Ok(ev(20, "c"))]),
        // The daemon replays `since=20` inclusively: b and c again, then d (also at 20,
        // recorded after the cut) and e.
        Conn::Open(vec![
            Ok(ev(20, "b")),
            Ok(ev(20, "c")),
            Ok(ev(20, "d")),
            Ok(ev(30, "e")),
        ]),
    ]);
    let items = take(quick(follow_events(open)), 7).await;
    assert_eq!(
        summary(&items),
        [
            "event 10 a",
            "event 20 b",
            "event 20 c",
            "disconnected None last=Some(20)",
            "reconnected since=Some(20) attempts=1",
            "event 20 d",
            "event 30 e",
        ]
    );
    assert_eq!(
        *calls.lock().unwrap(),
        [None, Some(EventCursor::from_nanos(20))]
    );
}

#[tokio::test]
async fn failures_are_reported_with_a_growing_backoff_then_the_reconnect() {
    let (open, calls) = scripted(vec![
        Conn::Open(vec![Ok(ev(5, "a")), Err("connection reset".into())]),
        Conn::Refused("refused 1"),
        Conn::Refused("refused 2"),
        Conn::Refused("refused 3"),
        Conn::Open(vec![Ok(ev(5, "a")), Ok(ev(6, "b"))]),
    ]);
    let follower = follow_events(open).backoff(Duration::from_millis(2), Duration::from_millis(5));
    let items = take(follower, 7).await;
    assert_eq!(
        summary(&items),
        [
            "event 5 a",
            "disconnected Some(\"connection reset\") last=Some(5)",
            "connect failed #1 refused 1 retry in 2ms",
            "connect failed #2 refused 2 retry in 4ms",
            "connect failed #3 refused 3 retry in 5ms",
            "reconnected since=Some(5) attempts=4",
            "event 6 b",
        ]
    );
    assert_eq!(calls.lock().unwrap().len(), 5);
}

#[tokio::test]
async fn gives_up_after_max_attempts_and_ends() {
    let (open, _) = scripted(vec![
        Conn::Refused("no daemon"),
        Conn::Refused("no daemon"),
        Conn::Refused("still none"),
    ]);
    let items = take(quick(follow_events(open)).max_attempts(3), 100).await;
    assert_eq!(
        summary(&items),
        [
            "connect failed #1 no daemon retry in 1ms",
            "connect failed #2 no daemon retry in 2ms",
            "gave up after 3: Some(\"still none\")",
        ]
    );
}

#[tokio::test]
async fn a_line_that_never_decodes_backs_off_and_counts_as_a_failure() {
    // Each connection fails before delivering anything new: no tight loop.
    let (open, calls) = scripted(vec![
        Conn::Open(vec![Ok(ev(1, "a")), Err("bad line".into())]),
        Conn::Open(vec![Ok(ev(1, "a")), Err("bad line".into())]),
        Conn::Open(vec![Ok(ev(1, "a")), Err("bad line".into())]),
    ]);
    let items = take(quick(follow_events(open)).max_attempts(2), 100).await;
    assert_eq!(
        summary(&items),
        [
            "event 1 a",
            "disconnected Some(\"bad line\") last=Some(1)",
            "reconnected since=Some(1) attempts=1",
            "disconnected Some(\"bad line\") last=Some(1)",
            "reconnected since=Some(1) attempts=2",
            "disconnected Some(\"bad line\") last=Some(1)",
            "gave up after 2: None",
        ]
    );
    assert_eq!(calls.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn without_any_event_it_resumes_from_when_the_connection_was_lost() {
    let before = EventCursor::from_system_time(SystemTime::now());
    let (open, calls) = scripted(vec![
        Conn::Open(vec![]),
        Conn::Open(vec![Ok(ev(i64::MAX, "x"))]),
    ]);
    let items = take(quick(follow_events(open)), 3).await;
    assert!(matches!(
        items[0],
        FollowItem::Disconnected {
            error: None,
            last: None
        }
    ));
    let after = EventCursor::from_system_time(SystemTime::now());
    let calls = calls.lock().unwrap();
    let since = calls[1].expect("a cursor from the local clock");
    assert!(
        before <= since && since <= after,
        "{before} <= {since} <= {after}"
    );
    assert!(matches!(items[2], FollowItem::Event(Ev { id: "x", .. })));
}

#[tokio::test]
async fn an_initial_cursor_is_sent_on_the_first_open() {
    let (open, calls) = scripted(vec![Conn::Open(vec![Ok(ev(7, "a")), Ok(ev(8, "b"))])]);
    let items = take(follow_events(open).since(EventCursor::from_nanos(7)), 2).await;
    assert_eq!(summary(&items), ["event 7 a", "event 8 b"]);
    assert_eq!(*calls.lock().unwrap(), [Some(EventCursor::from_nanos(7))]);
}

#[tokio::test]
async fn identity_ignores_map_order_and_late_stamped_events_are_kept() {
    let mut one = ev(3, "a");
    let mut two = ev(3, "a");
    for i in 0..20 {
        one.attrs.insert(format!("k{i}"), format!("v{i}"));
    }
    for i in (0..20).rev() {
        two.attrs.insert(format!("k{i}"), format!("v{i}"));
    }
    assert_eq!(mark_of(&one), mark_of(&two));
    let (open, _) = scripted(vec![
        // 4 arrives after 5 (stamped before it was published): delivered, cursor stays 5.
        Conn::Open(vec![Ok(one), Ok(ev(5, "b")), Ok(ev(4, "late"))]),
        Conn::Open(vec![Ok(ev(5, "b")), Ok(ev(6, "c"))]),
    ]);
    let mut items = take(quick(follow_events(open)), 6).await;
    items.retain(|i| matches!(i, FollowItem::Event(_) | FollowItem::Reconnected { .. }));
    assert_eq!(
        summary(&items),
        [
            "event 3 a",
            "event 5 b",
            "event 4 late",
            "reconnected since=Some(5) attempts=1",
            "event 6 c"
        ]
    );
}

#[test]
fn cursor_query_values() {
    assert_eq!(
        EventCursor::from_nanos(1_700_000_000_123_456_789).query_value(),
        "1700000000.123456789"
    );
    assert_eq!(EventCursor::from_nanos(5).to_string(), "0.000000005");
    assert_eq!(EventCursor::from_nanos(-1).to_string(), "-1.999999999");
    assert_eq!(
        EventCursor::from_system_time(UNIX_EPOCH + Duration::from_millis(1500)).as_nanos(),
        1_500_000_000
    );
}

#[test]
fn backoff_doubles_up_to_the_limit() {
    let config = Config {
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(1),
        max_attempts: None,
    };
    let delays: Vec<_> = (0..7).map(|n| config.delay(n).as_millis()).collect();
    assert_eq!(delays, [0, 100, 200, 400, 800, 1000, 1000]);
    assert_eq!(config.delay(u32::MAX), Duration::from_secs(1));
}
