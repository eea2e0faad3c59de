//! Progress streams: pulls, pushes, imports, loads, builds, plugin installs.
//!
//! These operations answer 200 as soon as they start, so a failure halfway (a layer
//! that does not exist, a build step that exits non-zero) can only be reported inside
//! the body, as a message carrying `error` and/or `errorDetail.message`. A client that
//! only checks the status reports success for a failed pull; this module turns such a
//! message into an `Err` item.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::{FusedStream, Stream};
use serde::de::DeserializeOwned;

use super::{BoxError, Decoded, Decoder, Error, NdjsonDecoder};

/// A progress message that may announce the failure of the whole operation.
///
/// Generated crates implement it for their `CreateImageInfo`, `PushImageInfo` and
/// `BuildInfo` models, usually by calling [`daemon_error`].
pub trait ProgressMessage {
    /// The daemon's error text when this message reports a failure.
    fn error_message(&self) -> Option<String>;
}

/// The failure a progress message reports, from its `error` and `errorDetail.message`
/// fields (pass `Some("")` for an `errorDetail` without a message).
///
/// `errorDetail` is the structured field the daemon's own client checks; `error` is its
/// deprecated twin, still the only one some daemons and registries fill. An error field
/// that is present but empty still means failure, hence the generic fallback text.
pub fn daemon_error(error: Option<&str>, detail_message: Option<&str>) -> Option<String> {
    fn non_empty(s: Option<&str>) -> Option<&str> {
        s.map(str::trim).filter(|s| !s.is_empty())
    }
    if let Some(message) = non_empty(detail_message).or_else(|| non_empty(error)) {
        return Some(message.to_owned());
    }
    if error.is_some() || detail_message.is_some() {
        return Some("the daemon reported an error without a message".to_owned());
    }
    None
}

/// Untyped progress messages, for callers that only relay them.
impl ProgressMessage for serde_json::Value {
    fn error_message(&self) -> Option<String> {
        let error = match self.get("error") {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(v.as_str().unwrap_or("")),
        };
        let detail = match self.get("errorDetail") {
            None | Some(serde_json::Value::Null) => None,
            Some(d) => Some(d.get("message").and_then(|m| m.as_str()).unwrap_or("")),
        };
        daemon_error(error, detail)
    }
}

/// Sans-IO decoder of progress messages: an [`NdjsonDecoder`] that turns messages
/// reporting a failure into [`Error::Daemon`].
///
/// Decoding continues after such an error (the daemon normally closes the stream right
/// after it, but any message it still sends is delivered).
pub struct ProgressDecoder<T> {
    inner: NdjsonDecoder<T>,
}

impl<T> fmt::Debug for ProgressDecoder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProgressDecoder")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<T> Default for ProgressDecoder<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> ProgressDecoder<T> {
    /// A decoder with the default line limit.
    pub fn new() -> Self {
        ProgressDecoder {
            inner: NdjsonDecoder::new(),
        }
    }

    /// Wraps a configured NDJSON decoder.
    pub fn from_ndjson(inner: NdjsonDecoder<T>) -> Self {
        ProgressDecoder { inner }
    }
}

fn check<T: ProgressMessage>(item: Result<T, Error>) -> Result<T, Error> {
    let message = item?;
    match message.error_message() {
        Some(message) => Err(Error::Daemon { message }),
        None => Ok(message),
    }
}

impl<T: DeserializeOwned + ProgressMessage> Decoder for ProgressDecoder<T> {
    type Item = T;

    fn push(&mut self, chunk: Bytes) {
        self.inner.push(chunk);
    }

    fn end(&mut self) {
        self.inner.end();
    }

    fn next_item(&mut self) -> Option<Result<T, Error>> {
        self.inner.next_item().map(check)
    }

    fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }
}

pin_project_lite::pin_project! {
    /// A progress body as a stream of messages, failing with [`Error::Daemon`]
    /// where the daemon reports that the operation failed.
    ///
    /// Consume it to the end (or to the first error): the operation's outcome is only
    /// known then, whatever the HTTP status said.
    pub struct ProgressStream<S, T> {
        #[pin]
        inner: Decoded<S, ProgressDecoder<T>>,
    }
}

impl<S: fmt::Debug, T> fmt::Debug for ProgressStream<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProgressStream")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<S, T> ProgressStream<S, T> {
    /// Decodes `stream` as progress messages.
    pub fn new(stream: S) -> Self {
        ProgressStream {
            inner: Decoded::new(stream, ProgressDecoder::new()),
        }
    }

    /// Sets the longest accepted line.
    pub fn with_max_line_len(mut self, max: usize) -> Self {
        let decoder = &mut self.inner.decoder.inner;
        *decoder = std::mem::take(decoder).with_max_line_len(max);
        self
    }
}

impl<S, E, T> Stream for ProgressStream<S, T>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
    T: DeserializeOwned + ProgressMessage,
{
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project().inner.poll_next(cx)
    }
}

impl<S, E, T> FusedStream for ProgressStream<S, T>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
    T: DeserializeOwned + ProgressMessage,
{
    fn is_terminated(&self) -> bool {
        self.inner.is_terminated()
    }
}

/// A typed view of a progress message, for progress displays (one bar per layer id).
///
/// Generated crates implement it for their `CreateImageInfo`, `PushImageInfo` and
/// `BuildInfo` models (fields a version lacks answer `None`).
pub trait ProgressReport {
    /// The layer or object the message is about.
    fn id(&self) -> Option<&str> {
        None
    }
    /// `Downloading`, `Pull complete`, ...
    fn status(&self) -> Option<&str> {
        None
    }
    /// The daemon's own rendering of the progress bar.
    fn progress_text(&self) -> Option<&str> {
        None
    }
    /// Bytes done so far, when the message counts bytes.
    fn current(&self) -> Option<i64> {
        None
    }
    /// Bytes in total, when known.
    fn total(&self) -> Option<i64> {
        None
    }
    /// Free text output (build steps, `Loaded image: …`).
    fn stream_text(&self) -> Option<&str> {
        None
    }
}

impl ProgressReport for serde_json::Value {
    fn id(&self) -> Option<&str> {
        self.get("id")?.as_str()
    }
    fn status(&self) -> Option<&str> {
        self.get("status")?.as_str()
    }
    fn progress_text(&self) -> Option<&str> {
        self.get("progress")?.as_str()
    }
    fn current(&self) -> Option<i64> {
        self.get("progressDetail")?.get("current")?.as_i64()
    }
    fn total(&self) -> Option<i64> {
        self.get("progressDetail")?.get("total")?.as_i64()
    }
    fn stream_text(&self) -> Option<&str> {
        self.get("stream")?.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_progress_report() {
        let v = serde_json::json!({"id": "abc", "status": "Downloading",
            "progressDetail": {"current": 5, "total": 10}, "progress": "[=>  ]"});
        assert_eq!(v.id(), Some("abc"));
        assert_eq!(v.status(), Some("Downloading"));
        assert_eq!((v.current(), v.total()), (Some(5), Some(10)));
        assert_eq!(v.progress_text(), Some("[=>  ]"));
        assert_eq!(v.stream_text(), None);
    }
    use serde_json::json;

    #[test]
    fn daemon_error_prefers_the_detail() {
        assert_eq!(daemon_error(None, None), None);
        assert_eq!(
            daemon_error(Some("short"), Some("long")).as_deref(),
            Some("long")
        );
        assert_eq!(
            daemon_error(Some("short"), Some("")).as_deref(),
            Some("short")
        );
        assert_eq!(daemon_error(Some("only"), None).as_deref(), Some("only"));
        assert_eq!(
            daemon_error(Some(""), None).as_deref(),
            Some("the daemon reported an error without a message")
        );
    }

    #[test]
    fn value_messages() {
        assert_eq!(json!({"status": "Pulling"}).error_message(), None);
        assert_eq!(
            json!({"error": null, "errorDetail": null}).error_message(),
            None
        );
        assert_eq!(
            json!({"errorDetail": {"message": "manifest unknown"}, "error": "x"})
                .error_message()
                .as_deref(),
            Some("manifest unknown")
        );
        assert_eq!(
            json!({"error": "denied"}).error_message().as_deref(),
            Some("denied")
        );
        assert!(json!({"errorDetail": {"code": 1}})
            .error_message()
            .is_some());
    }
}
