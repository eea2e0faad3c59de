//! The progress of a pull, push, load or build as one terminal bar per layer, with the
//! real byte counts the daemon reports: `Downloading` fills a layer's bar, then
//! `Extracting` fills it again, and a final line names the digest.
//!
//! This lives in the runtime (feature `progress`, off by default) rather than only in
//! the examples because it is written once against [`ProgressReport`], which every
//! generated crate implements for its own progress models: the same display serves all
//! 31 API versions, and users who never draw bars do not build indicatif.

use std::collections::HashMap;

use futures_util::{Stream, StreamExt};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::stream::ProgressReport;

/// One layer as its bar ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerProgress {
    /// The id the daemon gave the layer (a short digest).
    pub id: String,
    /// The last status the daemon reported for it (`Pull complete`, `Pushed`, ...).
    pub status: String,
    /// Where the bar ended, in bytes.
    pub position: u64,
    /// The bar's length: the layer's size in bytes, once the daemon reported one.
    pub length: Option<u64>,
}

/// What a finished progress stream showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgressSummary {
    /// Every layer, in the order the daemon first named it.
    pub layers: Vec<LayerProgress>,
    /// The manifest digest a pull (`Digest: …`) or push (`TAG: digest: … size: N`) reported.
    pub digest: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Waiting,
    Transfer,
    Extract,
    Done,
}

struct Layer {
    id: String,
    bar: ProgressBar,
    phase: Phase,
    status: String,
}

type LineSink = Box<dyn FnMut(&str) + Send>;

/// Draws progress messages as bars, one per layer, and prints the rest as lines.
///
/// On a terminal the bars are drawn on stderr and lines printed above them. Without one
/// (output piped, or a hidden draw target) the bars are not drawn but still kept, and
/// every phase of every layer is printed as a line on stdout instead, as `docker pull`
/// does when piped. [`ProgressDisplay::on_line`] sends lines elsewhere.
pub struct ProgressDisplay {
    multi: MultiProgress,
    /// Bar and byte counts, once a layer's size is known.
    style: ProgressStyle,
    /// Status only, for layers without a size (waiting, or `Already exists`).
    text_style: ProgressStyle,
    plain: bool,
    layers: Vec<Layer>,
    index: HashMap<String, usize>,
    digest: Option<String>,
    sink: Option<LineSink>,
    last_line: String,
}

impl std::fmt::Debug for ProgressDisplay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgressDisplay")
            .field("plain", &self.plain)
            .field("layers", &self.layers.len())
            .field("digest", &self.digest)
            .finish()
    }
}

impl Default for ProgressDisplay {
    fn default() -> Self {
        ProgressDisplay::new()
    }
}

impl ProgressDisplay {
    /// Bars on stderr when it is a terminal; lines on stdout otherwise.
    pub fn new() -> ProgressDisplay {
        ProgressDisplay::with_target(ProgressDrawTarget::stderr())
    }

    /// Bars kept but never drawn; lines still printed (or sent to [`Self::on_line`]).
    pub fn hidden() -> ProgressDisplay {
        ProgressDisplay::with_target(ProgressDrawTarget::hidden())
    }

    /// Bars drawn to `target` (e.g. [`ProgressDrawTarget::hidden`] to keep only the
    /// figures, or a terminal of your own).
    pub fn with_target(target: ProgressDrawTarget) -> ProgressDisplay {
        let multi = MultiProgress::with_draw_target(target);
        let style = ProgressStyle::with_template(
            "{prefix:>12} {msg:<18} [{bar:30}] {bytes:>10}/{total_bytes:<10}",
        )
        .expect("a valid template")
        .progress_chars("=> ");
        let text_style =
            ProgressStyle::with_template("{prefix:>12} {msg}").expect("a valid template");
        ProgressDisplay {
            text_style,
            plain: multi.is_hidden(),
            multi,
            style,
            layers: Vec::new(),
            index: HashMap::new(),
            digest: None,
            sink: None,
            last_line: String::new(),
        }
    }

    /// Sends the lines (statuses without a layer, build output, and without a terminal
    /// the phases of each layer) to `sink` instead of printing them.
    pub fn on_line(mut self, sink: impl FnMut(&str) + Send + 'static) -> ProgressDisplay {
        self.sink = Some(Box::new(sink));
        self
    }

    /// Shows a whole progress stream; returns what it showed, or the first error (the
    /// daemon's, for a failed pull or build) after leaving the bars where they stopped.
    pub async fn show<S, T>(mut self, stream: S) -> Result<ProgressSummary, crate::Error>
    where
        S: Stream<Item = Result<T, crate::Error>>,
        T: ProgressReport,
    {
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            match item {
                Ok(message) => self.update(&message),
                Err(e) => {
                    self.abandon();
                    return Err(e);
                }
            }
        }
        Ok(self.finish())
    }

    /// Takes one message into account.
    pub fn update(&mut self, message: &impl ProgressReport) {
        if let Some(text) = message.stream_text() {
            for line in text.lines().map(str::trim_end).filter(|l| !l.is_empty()) {
                self.line(line);
            }
        }
        let status = message.status().unwrap_or_default();
        if let Some(digest) = digest_in(status) {
            self.digest = Some(digest.to_owned());
        }
        match message.id() {
            // `{"status":"Pulling from library/busybox","id":"latest"}`: the tag, not a layer.
            Some(id) if status.starts_with("Pulling from ") => {
                self.line(&format!("{id}: {status}"))
            }
            Some(id) => self.layer(id, status, message.current(), message.total()),
            // A status repeated without a layer id (pushes of models without `id`) is
            // printed once, not once per byte count.
            None if !status.is_empty() && self.last_line != status => {
                self.last_line = status.to_owned();
                self.line(status);
            }
            None => {}
        }
    }

    /// Ends the display: bars still running stop where they are.
    pub fn finish(self) -> ProgressSummary {
        for layer in &self.layers {
            if !layer.bar.is_finished() {
                layer.bar.finish();
            }
        }
        self.summary()
    }

    /// What has been shown so far.
    pub fn summary(&self) -> ProgressSummary {
        ProgressSummary {
            layers: self
                .layers
                .iter()
                .map(|l| LayerProgress {
                    id: l.id.clone(),
                    status: l.status.clone(),
                    position: l.bar.position(),
                    length: l.bar.length(),
                })
                .collect(),
            digest: self.digest.clone(),
        }
    }

    fn abandon(&mut self) {
        for layer in &self.layers {
            if !layer.bar.is_finished() {
                layer.bar.abandon();
            }
        }
    }

    fn line(&mut self, text: &str) {
        if let Some(sink) = &mut self.sink {
            sink(text);
        } else if self.plain {
            println!("{text}");
        } else {
            let _ = self.multi.println(text);
        }
    }

    fn layer(&mut self, id: &str, status: &str, current: Option<i64>, total: Option<i64>) {
        let index = match self.index.get(id) {
            Some(&i) => i,
            None => {
                let bar = self
                    .multi
                    .add(ProgressBar::no_length().with_style(self.text_style.clone()));
                bar.set_prefix(short(id).to_owned());
                self.layers.push(Layer {
                    id: id.to_owned(),
                    bar,
                    phase: Phase::Waiting,
                    status: String::new(),
                });
                self.index.insert(id.to_owned(), self.layers.len() - 1);
                self.layers.len() - 1
            }
        };
        let layer = &mut self.layers[index];
        let total = total.and_then(|t| u64::try_from(t).ok()).filter(|t| *t > 0);
        let current = current.and_then(|c| u64::try_from(c).ok());
        let fill = |bar: &ProgressBar| {
            if let Some(length) = bar.length() {
                bar.set_position(length);
            }
        };
        match phase_of(status) {
            Some(Phase::Transfer) | Some(Phase::Extract) => {
                let phase = phase_of(status).unwrap_or(Phase::Transfer);
                if phase != layer.phase {
                    // A new phase (extracting after downloading) fills the bar again.
                    layer.bar.set_position(0);
                    layer.phase = phase;
                }
                if let Some(total) = total {
                    if layer.bar.length().is_none() {
                        layer.bar.set_style(self.style.clone());
                    }
                    layer.bar.set_length(total);
                }
                if let Some(current) = current {
                    layer.bar.set_position(current);
                }
            }
            Some(Phase::Done) => {
                fill(&layer.bar);
                layer.phase = Phase::Done;
            }
            // `Download complete`, `Verifying Checksum`: the bytes are all there.
            Some(Phase::Waiting) => fill(&layer.bar),
            None => {}
        }
        layer.bar.set_message(status.to_owned());
        let changed = layer.status != status;
        layer.status = status.to_owned();
        if layer.phase == Phase::Done && !layer.bar.is_finished() {
            layer.bar.finish();
        }
        // Without bars: one line per phase of each layer, not one per percent.
        if self.plain && changed && !status.is_empty() {
            let text = format!("{}: {status}", short(id));
            self.line(&text);
        }
    }
}

/// Which part of the bar a status moves: `Some(Transfer)` counts bytes moved,
/// `Some(Extract)` bytes unpacked, `Some(Done)` ends the layer, `Some(Waiting)` says the
/// transfer is complete; `None` only changes the text.
fn phase_of(status: &str) -> Option<Phase> {
    const DONE: [&str; 6] = [
        "Pull complete",
        "Already exists",
        "Pushed",
        "Layer already exists",
        "Mounted from",
        "Loading layer complete",
    ];
    match status {
        "Downloading" | "Pushing" | "Loading layer" => Some(Phase::Transfer),
        "Extracting" => Some(Phase::Extract),
        "Download complete" | "Verifying Checksum" => Some(Phase::Waiting),
        s if DONE.iter().any(|d| s.starts_with(d)) => Some(Phase::Done),
        _ => None,
    }
}

/// `Digest: sha256:…` (pull) or `TAG: digest: sha256:… size: N` (push).
fn digest_in(status: &str) -> Option<&str> {
    let rest = status
        .strip_prefix("Digest: ")
        .or_else(|| status.split_once(": digest: ").map(|(_, r)| r))?;
    rest.split_whitespace().next().filter(|d| d.contains(':'))
}

fn short(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    id.get(..12).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::{Arc, Mutex};

    fn hidden() -> (ProgressDisplay, Arc<Mutex<Vec<String>>>) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        let display = ProgressDisplay::with_target(ProgressDrawTarget::hidden())
            .on_line(move |l| sink.lock().unwrap().push(l.to_owned()));
        (display, lines)
    }

    #[test]
    fn a_pull_fills_each_bar_twice_and_ends_at_the_layer_size() {
        let (mut display, lines) = hidden();
        let messages = [
            json!({"status": "Pulling from app", "id": "one"}),
            json!({"status": "Pulling fs layer", "id": "aaa"}),
            json!({"status": "Pulling fs layer", "id": "bbb"}),
            json!({"status": "Downloading", "progressDetail": {"current": 100, "total": 5000}, "id": "aaa"}),
            json!({"status": "Verifying Checksum", "id": "aaa"}),
            json!({"status": "Download complete", "id": "aaa"}),
            json!({"status": "Download complete", "id": "bbb"}),
            json!({"status": "Extracting", "progressDetail": {"current": 32, "total": 5000}, "id": "aaa"}),
            json!({"status": "Pull complete", "id": "aaa"}),
            json!({"status": "Pull complete", "id": "bbb"}),
            json!({"status": "Digest: sha256:abc"}),
            json!({"status": "Status: Downloaded newer image for app:one"}),
        ];
        let mut lengths_after_verify = None;
        for (i, m) in messages.iter().enumerate() {
            display.update(m);
            if i == 4 {
                lengths_after_verify = Some(display.summary().layers[0].position);
            }
            if i == 7 {
                assert_eq!(
                    display.summary().layers[0].position,
                    32,
                    "extracting starts over"
                );
            }
        }
        assert_eq!(lengths_after_verify, Some(5000));
        let summary = display.finish();
        assert_eq!(summary.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(summary.layers.len(), 2, "{summary:?}");
        assert_eq!(
            (summary.layers[0].position, summary.layers[0].length),
            (5000, Some(5000))
        );
        assert_eq!(
            summary.layers[1].length, None,
            "no size was reported for bbb"
        );
        assert!(summary.layers.iter().all(|l| l.status == "Pull complete"));
        let lines = lines.lock().unwrap();
        assert_eq!(
            lines.first().map(String::as_str),
            Some("one: Pulling from app")
        );
        assert!(lines.contains(&"aaa: Downloading".to_owned()), "{lines:?}");
        assert!(
            lines.contains(&"Digest: sha256:abc".to_owned()),
            "{lines:?}"
        );
    }

    #[test]
    fn a_push_reports_its_digest_and_builds_print_their_output() {
        let (mut display, lines) = hidden();
        display.update(&json!({"status": "Pushing", "progressDetail": {"current": 10, "total": 20}, "id": "l1"}));
        display.update(&json!({"status": "Pushed", "id": "l1"}));
        for current in [1, 2] {
            let no_id =
                json!({"status": "Pushing", "progressDetail": {"current": current, "total": 9}});
            display.update(&no_id);
        }
        display.update(&json!({"status": "v1: digest: sha256:0123 size: 1369"}));
        display.update(&json!({"stream": "Step 1/2 : FROM scratch\n"}));
        let summary = display.finish();
        assert_eq!(summary.digest.as_deref(), Some("sha256:0123"));
        assert_eq!(summary.layers[0].position, 20);
        assert!(lines
            .lock()
            .unwrap()
            .contains(&"Step 1/2 : FROM scratch".to_owned()));
    }

    #[tokio::test]
    async fn an_error_item_ends_the_display_with_the_daemons_message() {
        let (display, _) = hidden();
        let items: Vec<Result<serde_json::Value, crate::Error>> = vec![
            Ok(
                json!({"status": "Downloading", "progressDetail": {"current": 1, "total": 9}, "id": "x"}),
            ),
            Err(crate::Error::Daemon {
                message: "unauthorized: authentication required".into(),
            }),
        ];
        let err = display
            .show(futures_util::stream::iter(items))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("authentication required"), "{err}");
    }
}
