//! A large buffered JSON answer is decoded off the caller's thread (issue #9): the
//! request's time limit still cuts a decode that runs long, and the other tasks of a
//! current-thread runtime keep running while it lasts. Run over every transport.
//!
//! The slow decode is a model whose `Deserialize` takes seconds: a daemon cannot make
//! serde slow on demand, and a real answer large enough to take seconds would make the
//! test slow and its timing depend on the machine.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dockwright_runtime as rt;
use rt::Error;
use support::{json, serve, within, Step, KINDS};

/// How long one decode of [`SlowToDecode`] takes.
const DECODE: Duration = Duration::from_secs(3);
/// The request's time limit: far below [`DECODE`], far above reading 2 MiB locally.
const LIMIT: Duration = Duration::from_millis(800);

/// A JSON string whose decoding takes [`DECODE`].
#[derive(Debug)]
struct SlowToDecode(String);

impl<'de> serde::Deserialize<'de> for SlowToDecode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        std::thread::sleep(DECODE);
        String::deserialize(d).map(SlowToDecode)
    }
}

/// An answer above `OFFLOAD_DECODE_ABOVE`, so that it is decoded on the blocking pool.
fn large_answer() -> String {
    let body = format!("\"{}\"", "a".repeat(2 * rt::OFFLOAD_DECODE_ABOVE));
    String::from_utf8(json("200 OK", &body)).unwrap()
}

/// A fake daemon of `kind` that answers every request with `answer`.
async fn serve_always(kind: support::Kind, answer: &str) -> support::Server {
    let answer = answer.to_owned();
    serve(kind, move |_, _| {
        vec![Step::Write(answer.clone().into_bytes())]
    })
    .await
}

fn get(t: &rt::Transport) -> rt::RequestBuilder {
    t.request(rt::Method::GET, "/v1.41/containers/json".into())
}

/// Counts ticks of a 10 ms interval on the current runtime until dropped.
struct Ticker {
    ticks: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Ticker {
    fn start() -> Ticker {
        let ticks = Arc::new(AtomicUsize::new(0));
        let counter = ticks.clone();
        let task = tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(10));
            loop {
                every.tick().await;
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        Ticker { ticks, task }
    }
    fn ticks(&self) -> usize {
        self.ticks.load(Ordering::SeqCst)
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_long_decode_is_cut_by_the_time_limit_and_blocks_no_other_task() {
    let answer = large_answer();
    for kind in KINDS {
        let server = serve_always(kind, &answer).await;
        let transport = server.transport();
        let ticker = Ticker::start();
        let started = Instant::now();
        let err = within(
            "a decode under a time limit",
            get(&transport)
                .timeout(Some(LIMIT))
                .send_json::<SlowToDecode>(),
        )
        .await
        .unwrap_err();
        let took = started.elapsed();
        assert!(matches!(err, Error::Timeout { .. }), "{kind:?}: {err:?}");
        assert!(
            took < DECODE - Duration::from_millis(500),
            "{kind:?}: the call returned after {took:?}: the time limit of {LIMIT:?} did not cut the decode"
        );
        // 10 ms ticks during a wait of at least LIMIT: about 80 if the thread stayed free.
        assert!(
            ticker.ticks() >= 20,
            "{kind:?}: {} ticks in {took:?}: the decode blocked the runtime's thread",
            ticker.ticks()
        );
        assert_eq!(server.requests().len(), 1, "{kind:?}");
    }
}

/// The control: without a time limit the same answer decodes, on every transport, and
/// the runtime's thread still runs other tasks meanwhile.
#[tokio::test(flavor = "current_thread")]
async fn a_long_decode_without_a_time_limit_completes() {
    let answer = large_answer();
    for kind in KINDS {
        let server = serve_always(kind, &answer).await;
        let transport = server.transport();
        let ticker = Ticker::start();
        let decoded = within("a slow decode", get(&transport).send_json::<SlowToDecode>())
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(decoded.0.len(), 2 * rt::OFFLOAD_DECODE_ABOVE, "{kind:?}");
        assert!(
            ticker.ticks() >= 100,
            "{kind:?}: {} ticks during a {DECODE:?} decode: it blocked the runtime's thread",
            ticker.ticks()
        );
    }
}
