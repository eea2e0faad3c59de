//! Following a daemon's events across disconnects and restarts.
//!
//! `GET /events` is one long response: when the daemon restarts, a proxy drops the
//! connection or a line fails to decode, the stream just ends. A monitoring agent that
//! simply reconnects loses what happened in between, or sees events twice if it replays
//! too much. [`follow_events`] wraps any crate's `system_events` call: when the stream ends
//! or fails it reconnects with exponential backoff and asks for `since` = the time of the
//! last event it delivered, drops the replayed boundary event(s) it already delivered, and
//! tells the caller about every disconnect, failed attempt and reconnect as an item of
//! its own ([`FollowItem`]) — nothing is retried silently.
//!
//! It is generic over how the stream is opened, so every generated crate feeds it with
//! its own request builder and event model; the only thing it reads from an event is its
//! JSON form (`timeNano`, else `time`, for the cursor; the whole event for deduplication).
//!
//! What the daemon can give back is bounded by the daemon: it replays from an in-memory
//! buffer of its most recent events (256 in current engines), emptied by a restart, so
//! events recorded while a restarting daemon was shutting down, or more than the buffer
//! holds during a long gap, cannot be recovered. The [`FollowItem::Reconnected`] item
//! says how long the gap was, so the caller can resynchronise from a list call if needed.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{Stream, StreamExt};
use serde::Serialize;

#[cfg(test)]
mod tests;

/// A point in a daemon's event history: an event's `timeNano` (nanoseconds since the
/// Unix epoch, on the daemon's clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventCursor {
    time_nano: i64,
}

impl EventCursor {
    /// The cursor of an event's `timeNano`.
    pub fn from_nanos(time_nano: i64) -> Self {
        EventCursor { time_nano }
    }

    /// The cursor of a wall-clock time (used before any event was delivered).
    pub fn from_system_time(time: SystemTime) -> Self {
        let nanos = match time.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_nanos()).unwrap_or(i64::MAX),
        };
        EventCursor { time_nano: nanos }
    }

    /// Nanoseconds since the Unix epoch.
    pub fn as_nanos(&self) -> i64 {
        self.time_nano
    }

    /// The value of the `since` (or `until`) query parameter: `seconds.nanoseconds`, the
    /// form the daemon parses with full precision.
    pub fn query_value(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for EventCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NANOS: i64 = 1_000_000_000;
        write!(
            f,
            "{}.{:09}",
            self.time_nano.div_euclid(NANOS),
            self.time_nano.rem_euclid(NANOS)
        )
    }
}

/// What a [`Follow`] stream yields: the events, and every interruption between them.
#[derive(Debug)]
pub enum FollowItem<E, X> {
    /// An event, delivered once.
    Event(E),
    /// The events stream ended (`error: None`: the daemon closed it, e.g. on shutdown) or
    /// failed. `last` is the cursor the follower resumes from.
    Disconnected {
        /// Why it failed; `None` when the daemon closed the stream cleanly.
        error: Option<X>,
        /// The last event delivered, where the next connection resumes.
        last: Option<EventCursor>,
    },
    /// Opening the stream failed; the next attempt is in `retry_in`.
    ConnectFailed {
        /// Consecutive failed attempts so far (1 for the first).
        attempt: u32,
        /// Why this attempt failed.
        error: X,
        /// The back-off before the next attempt.
        retry_in: Duration,
    },
    /// The stream is open again, asking for the events since `since`: the gap is
    /// `since` .. now, `down_for` long on this side. Replayed events follow (the boundary
    /// events already delivered are left out).
    Reconnected {
        /// The cursor the replay starts from (`None`: nothing was delivered before).
        since: Option<EventCursor>,
        /// How long the stream was down, measured here.
        down_for: Duration,
        /// Attempts it took (1: the first reconnect attempt succeeded).
        attempts: u32,
    },
    /// [`Follower::max_attempts`] consecutive attempts failed: the stream ends after this.
    GaveUp {
        /// The attempts made, [`Follower::max_attempts`] of them.
        attempts: u32,
        /// The last attempt's failure.
        error: Option<X>,
    },
}

impl<E, X> FollowItem<E, X> {
    /// The event, if this item is one.
    pub fn event(self) -> Option<E> {
        match self {
            FollowItem::Event(e) => Some(e),
            _ => None,
        }
    }
}

/// Configures and starts a follower; see [`follow_events`].
#[must_use = "a follower does nothing until `stream()` is polled"]
pub struct Follower<F> {
    open: F,
    since: Option<EventCursor>,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_attempts: Option<u32>,
}

impl<F> fmt::Debug for Follower<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Follower")
            .field("since", &self.since)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

/// Follows events through `open`, which opens the events stream from a cursor (`None`:
/// from now), e.g. with a generated client:
///
/// ```rust,ignore
/// let follow = follow_events(|since| {
///     let mut request = docker.system_events();
///     if let Some(since) = since {
///         request = request.since(since.query_value());
///     }
///     request.send()
/// })
/// .stream();
/// ```
///
/// `open` must not set `until`: a stream that ends on its own is reopened.
pub fn follow_events<F, Fut>(open: F) -> Follower<F>
where
    // Stated here (not only on `stream`) so a closure's argument type is inferred.
    F: FnMut(Option<EventCursor>) -> Fut,
{
    Follower {
        open,
        since: None,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(5),
        max_attempts: None,
    }
}

impl<F> Follower<F> {
    /// Start from this point of the daemon's history instead of now.
    pub fn since(mut self, cursor: EventCursor) -> Self {
        self.since = Some(cursor);
        self
    }

    /// The wait after the first failure (default 100 ms); it doubles with every
    /// consecutive failure up to `max` (default 5 s).
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Give up after this many consecutive failures ([`FollowItem::GaveUp`], then the
    /// stream ends). A failure is a failed open, or a connection that failed before
    /// delivering a new event. Default: never give up.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// The stream of events and interruptions. It ends only after [`FollowItem::GaveUp`].
    ///
    /// `X` is the error of opening the stream, and every item error converts into it (the
    /// generated crates: [`Error`](crate::Error) for both).
    pub fn stream<'a, Fut, S, E, X, Y>(self) -> Follow<'a, E, X>
    where
        F: FnMut(Option<EventCursor>) -> Fut + Send + 'a,
        Fut: Future<Output = Result<S, X>> + Send + 'a,
        S: Stream<Item = Result<E, Y>> + Send + 'a,
        Y: Into<X> + 'a,
        E: Serialize + Send + 'a,
        X: Send + 'a,
    {
        let state = State {
            config: Config {
                initial_backoff: self.initial_backoff,
                max_backoff: self.max_backoff,
                max_attempts: self.max_attempts,
            },
            open: self.open,
            stream: None,
            queue: VecDeque::new(),
            boundary: Boundary::new(self.since),
            down_since: None,
            failures: 0,
            delivered_on_connection: false,
            connected_once: false,
            done: false,
        };
        Follow {
            inner: futures_util::stream::unfold(state, State::next).boxed(),
        }
    }
}

/// The stream of a [`Follower`]: [`FollowItem`]s, in order.
#[must_use = "streams do nothing unless polled"]
pub struct Follow<'a, E, X> {
    inner: futures_util::stream::BoxStream<'a, FollowItem<E, X>>,
}

impl<E, X> fmt::Debug for Follow<'_, E, X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Follow").finish_non_exhaustive()
    }
}

impl<E, X> Follow<'_, E, X> {
    /// The next item (the same as `StreamExt::next`, without importing it).
    pub async fn next(&mut self) -> Option<FollowItem<E, X>> {
        self.inner.next().await
    }
}

impl<E, X> Stream for Follow<'_, E, X> {
    type Item = FollowItem<E, X>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

struct Config {
    initial_backoff: Duration,
    max_backoff: Duration,
    max_attempts: Option<u32>,
}

impl Config {
    /// The wait before attempt `failures + 1`.
    fn delay(&self, failures: u32) -> Duration {
        if failures == 0 {
            return Duration::ZERO;
        }
        let factor = 1u32 << (failures - 1).min(20);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// The last delivered time and the identities of the events delivered at exactly that
/// time: the daemon replays `since` inclusively, so these come back after a reconnect.
struct Boundary {
    cursor: Option<EventCursor>,
    seen: Vec<String>,
}

impl Boundary {
    fn new(since: Option<EventCursor>) -> Self {
        Boundary {
            cursor: since,
            seen: Vec::new(),
        }
    }

    /// Records a delivered event; false when it was delivered already.
    fn admit(&mut self, time: Option<EventCursor>, identity: String) -> bool {
        let Some(time) = time else {
            // No time to resume from: always delivered, never a cursor.
            return true;
        };
        match self.cursor {
            Some(cursor) if time == cursor => {
                if self.seen.contains(&identity) {
                    return false;
                }
                self.seen.push(identity);
            }
            // Later, or earlier (the daemon stamps before it publishes, so live events
            // can be slightly out of order): a new boundary only when later.
            Some(cursor) if time < cursor => {}
            _ => {
                self.cursor = Some(time);
                self.seen.clear();
                self.seen.push(identity);
            }
        }
        true
    }
}

type BoxedStream<'a, E, X> = Pin<Box<dyn Stream<Item = Result<E, X>> + Send + 'a>>;

struct State<'a, F, E, X> {
    config: Config,
    open: F,
    stream: Option<BoxedStream<'a, E, X>>,
    queue: VecDeque<FollowItem<E, X>>,
    boundary: Boundary,
    /// When the last connection was lost (for `down_for`).
    down_since: Option<Instant>,
    /// Consecutive failures (failed opens, connections that failed without progress).
    failures: u32,
    delivered_on_connection: bool,
    connected_once: bool,
    done: bool,
}

impl<'a, F, Fut, S, E, X, Y> State<'a, F, E, X>
where
    F: FnMut(Option<EventCursor>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<S, X>> + Send + 'a,
    S: Stream<Item = Result<E, Y>> + Send + 'a,
    Y: Into<X> + 'a,
    E: Serialize + Send + 'a,
    X: Send + 'a,
{
    async fn next(mut self) -> Option<(FollowItem<E, X>, Self)> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some((item, self));
            }
            if self.done {
                return None;
            }
            match self.stream.as_mut() {
                Some(stream) => match stream.next().await {
                    Some(Ok(event)) => {
                        let (time, identity) = mark_of(&event);
                        if self.boundary.admit(time, identity) {
                            self.failures = 0;
                            self.delivered_on_connection = true;
                            return Some((FollowItem::Event(event), self));
                        }
                    }
                    Some(Err(error)) => self.lost(Some(error)),
                    None => self.lost(None),
                },
                None => self.connect().await,
            }
        }
    }

    fn lost(&mut self, error: Option<X>) {
        self.stream = None;
        self.down_since = Some(Instant::now());
        if error.is_some() && !self.delivered_on_connection {
            // A connection that fails before any new event (e.g. a line that never
            // decodes) counts as a failure, so its retries back off too.
            self.failures += 1;
        }
        self.queue.push_back(FollowItem::Disconnected {
            error,
            last: self.boundary.cursor,
        });
        if self.exhausted() {
            self.give_up(None);
        }
    }

    async fn connect(&mut self) {
        let delay = self.config.delay(self.failures);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if self.boundary.cursor.is_none() && self.connected_once {
            // Nothing delivered yet: resume from when the first connection was lost.
            let lost = self
                .down_since
                .map_or_else(SystemTime::now, |down| SystemTime::now() - down.elapsed());
            self.boundary.cursor = Some(EventCursor::from_system_time(lost));
        }
        let since = self.boundary.cursor;
        match (self.open)(since).await {
            Ok(stream) => {
                self.stream = Some(Box::pin(stream.map(|item| item.map_err(Into::into))));
                self.delivered_on_connection = false;
                if self.connected_once {
                    self.queue.push_back(FollowItem::Reconnected {
                        since,
                        down_for: self.down_since.map_or(Duration::ZERO, |d| d.elapsed()),
                        attempts: self.failures + 1,
                    });
                }
                self.connected_once = true;
            }
            Err(error) => {
                self.failures += 1;
                if self.exhausted() {
                    self.give_up(Some(error));
                } else {
                    self.queue.push_back(FollowItem::ConnectFailed {
                        attempt: self.failures,
                        error,
                        retry_in: self.config.delay(self.failures),
                    });
                }
            }
        }
    }

    fn give_up(&mut self, error: Option<X>) {
        self.queue.push_back(FollowItem::GaveUp {
            attempts: self.failures,
            error,
        });
        self.done = true;
    }

    fn exhausted(&self) -> bool {
        self.config
            .max_attempts
            .is_some_and(|max| self.failures >= max)
    }
}

/// An event's cursor (`timeNano`, else `time` in seconds) and its identity (its JSON
/// with sorted keys: maps decode into hash maps whose order differs between copies).
fn mark_of<E: Serialize>(event: &E) -> (Option<EventCursor>, String) {
    let value = serde_json::to_value(event).unwrap_or(serde_json::Value::Null);
    let time = value
        .get("timeNano")
        .and_then(|t| t.as_i64())
        .or_else(|| {
            value
                .get("time")
                .and_then(|t| t.as_i64())
                .and_then(|s| s.checked_mul(1_000_000_000))
        })
        .map(EventCursor::from_nanos);
    let mut identity = String::new();
    canonical(&value, &mut identity);
    (time, identity)
}

fn canonical(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let sorted: BTreeMap<&String, &serde_json::Value> = map.iter().collect();
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                canonical(v, out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}
