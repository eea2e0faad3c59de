//! Runnable examples of `dockwright-v1-41` (API v1.41: Docker 20.10 and every later
//! engine), each a binary that talks to the daemon `DOCKER_HOST` names (or the default
//! socket), like the Docker CLI:
//!
//! | binary | what it shows |
//! |---|---|
//! | `run IMAGE [CMD…]` | the `docker run` flow: create, start, wait, logs (stdout and stderr kept apart) |
//! | `pull IMAGE[:TAG]` | a pull with one progress bar per layer; a failed pull prints the daemon's error |
//! | `build-image DIR TAG` | the same progress display driving a build of a directory (honouring `.dockerignore`) |
//! | `load FILE` | the same progress display driving `docker load` of a tar file, streamed |
//! | `images [--reference P] [--dangling true/false]` | listing images with typed filters |
//! | `prune [--label K=V]` | pruning stopped containers and dangling images (optionally by label) |
//! | `events [--max N] [--timeout SECS] [--type T]` | following events, bounded |
//! | `info` | what the daemon says about itself |
//!
//! This library holds what several of them share: the progress display.

use std::collections::HashMap;
use std::time::Duration;

use dockwright_v1_41::runtime::{self, ProgressReport, StreamError};
use futures_util::{Stream, StreamExt};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// The boxed error the examples' `main` returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Shows a progress stream (pull, push, build, load) with one bar per layer id, and
/// returns the daemon's error if the operation failed.
///
/// Messages without an id (`Digest: …`, `Status: …`, build output) are printed as lines.
/// When stderr is not a terminal the bars are hidden and every message is printed
/// as a line instead, so logs and tests see the same information.
pub async fn show_progress<S, T>(stream: S) -> Result<(), runtime::Error>
where
    S: Stream<Item = Result<T, StreamError>>,
    T: ProgressReport,
{
    let multi = MultiProgress::new();
    let plain = multi.is_hidden();
    let style = ProgressStyle::with_template("{prefix:>12} {msg:<20} [{bar:30}] {bytes}/{total_bytes}")
        .expect("a valid template")
        .progress_chars("=> ");
    let mut bars: HashMap<String, ProgressBar> = HashMap::new();
    let mut last: HashMap<String, String> = HashMap::new();
    let print = |line: &str| {
        if plain {
            println!("{line}");
        } else {
            let _ = multi.println(line);
        }
    };
    let mut stream = std::pin::pin!(stream);
    while let Some(item) = stream.next().await {
        let message = match item {
            Ok(m) => m,
            Err(e) => {
                for bar in bars.values() {
                    bar.abandon();
                }
                return Err(e.into());
            }
        };
        if let Some(text) = message.stream_text() {
            let text = text.trim_end();
            if !text.is_empty() {
                print(text);
            }
        }
        let status = message.status().unwrap_or_default();
        match message.id() {
            Some(id) if !plain => {
                let bar = bars.entry(id.to_owned()).or_insert_with(|| {
                    let bar = multi.add(ProgressBar::new(0).with_style(style.clone()));
                    bar.set_prefix(short(id).to_owned());
                    bar
                });
                if let Some(total) = message.total().filter(|t| *t > 0) {
                    bar.set_length(total as u64);
                }
                if let Some(current) = message.current() {
                    bar.set_position(current.max(0) as u64);
                }
                bar.set_message(status.to_owned());
                if is_final(status) {
                    bar.finish();
                }
            }
            // Without bars, one line per phase of each layer (not per percent).
            Some(id) if last.get(id).map(String::as_str) != Some(status) => {
                print(&format!("{}: {status}", short(id)));
                last.insert(id.to_owned(), status.to_owned());
            }
            Some(_) => {}
            None if !status.is_empty() => print(status),
            None => {}
        }
    }
    for bar in bars.values() {
        if !bar.is_finished() {
            bar.finish();
        }
    }
    Ok(())
}

fn short(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    &id[..id.len().min(12)]
}

fn is_final(status: &str) -> bool {
    ["Pull complete", "Already exists", "Pushed", "Layer already exists", "Loading layer complete", "Download complete"]
        .iter()
        .any(|s| status.starts_with(s))
}

/// `--name value` from the arguments, if present.
pub fn option(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// A duration in whole seconds from `--name SECS`, or `default`.
pub fn seconds(args: &[String], name: &str, default: u64) -> Duration {
    Duration::from_secs(
        option(args, name)
            .and_then(|s| s.parse().ok())
            .unwrap_or(default),
    )
}
