//! Decoders for the daemon's streamed responses.
//!
//! About thirty Docker Engine operations answer with something other than one JSON
//! document: container logs and attach output in the 8-byte-header "stdcopy" framing
//! (or raw bytes when the container has a TTY), newline-delimited JSON for events and
//! stats, and progress messages for pulls, pushes and builds whose *body* may report a
//! failure although the HTTP status was 200.
//!
//! Each format has a sans-IO decoder ([`MultiplexedDecoder`], [`RawDecoder`],
//! [`NdjsonDecoder`], [`ProgressDecoder`]): bytes are pushed in, items are pulled out, and
//! nothing touches a socket. That is what makes the framing edge cases that bit other
//! clients (a frame header split across reads, `\r\n` split between chunks, a final JSON
//! object without newline, a TTY stream read as multiplexed) testable byte by byte and
//! fuzzable. The `futures` adapters ([`LogStream`], [`NdjsonStream`], [`ProgressStream`])
//! only shuttle chunks from any `Stream<Item = Result<Bytes, E>>` into a decoder.
//!
//! Every decoder obeys the same contract, spelled out on [`Decoder`]: items come out in
//! input order, how the input was split into chunks never changes the items, memory is
//! bounded by configurable limits rather than by lengths the peer *claims*, and after an
//! error that loses the framing the decoder yields nothing more.
//!
//! Items fail with the crate's one [`Error`], the type sends fail with too: the stream
//! kinds are its variants [`Error::Daemon`], [`Error::StreamDecode`],
//! [`Error::FrameTooLarge`], [`Error::Truncated`], [`Error::InvalidStreamType`],
//! [`Error::LineTooLong`], [`Error::UnknownFraming`] and [`Error::StreamRead`].

mod log_stream;
mod multiplexed;
mod ndjson;
mod progress;

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use futures_util::stream::{FusedStream, Stream};

use crate::error::{BoxError, Error};
pub use log_stream::{Framing, LogDecoder, LogStream, RawDecoder};
pub use multiplexed::{LogFrame, MultiplexedDecoder, StdStream, DEFAULT_MAX_FRAME_LEN};
pub use ndjson::{NdjsonDecoder, NdjsonStream, DEFAULT_MAX_LINE_LEN};
pub use progress::{
    daemon_error, ProgressDecoder, ProgressMessage, ProgressReport, ProgressStream,
};

/// The error of stream items before stream items and sends shared one type.
#[deprecated(note = "stream items and sends share one error type: use `Error`")]
pub type StreamError = Error;

/// A push-bytes, pull-items decoder: the sans-IO core of every stream in this module.
///
/// Driving one by hand:
///
/// 1. [`push`](Decoder::push) each chunk as it arrives;
/// 2. after each push, call [`next_item`](Decoder::next_item) until it returns `None`;
/// 3. at end of input call [`end`](Decoder::end), then drain `next_item` again: that is
///    where a final unterminated JSON line is decoded and a half-received frame is
///    reported as [`Error::Truncated`].
///
/// Guarantees every implementation keeps (and the property tests check):
/// - the sequence of items does not depend on how the input was split into chunks;
/// - no input makes it panic, loop forever, or allocate in proportion to a length field
///   it has not yet received the bytes for;
/// - once [`is_finished`](Decoder::is_finished) is true, `next_item` only returns `None`
///   and pushed bytes are ignored.
pub trait Decoder {
    /// What one decoded unit is: a log frame, a JSON value, a progress message.
    type Item;

    /// Hands the decoder the next chunk of input, in order.
    fn push(&mut self, chunk: Bytes);

    /// Signals that no more input will come.
    fn end(&mut self);

    /// The next complete item, an error, or `None` when more input (or [`end`](Decoder::end))
    /// is needed.
    fn next_item(&mut self) -> Option<Result<Self::Item, Error>>;

    /// True when `next_item` will never again produce anything: the input ended and was
    /// drained, or an error destroyed the framing.
    fn is_finished(&self) -> bool;
}

pin_project_lite::pin_project! {
    /// Feeds a byte stream into a [`Decoder`]; the shared engine of the public adapters.
    ///
    /// Kept private so the public adapters can grow mode-specific builders without
    /// exposing a generic type users would have to spell.
    #[derive(Debug)]
    struct Decoded<S, D> {
        #[pin]
        inner: S,
        decoder: D,
        // The inner stream returned `None` or an error; it must not be polled again.
        inner_done: bool,
        // We returned `None`; keep doing so (FusedStream).
        terminated: bool,
    }
}

impl<S, D> Decoded<S, D> {
    fn new(inner: S, decoder: D) -> Self {
        Decoded {
            inner,
            decoder,
            inner_done: false,
            terminated: false,
        }
    }
}

impl<S, E, D> Stream for Decoded<S, D>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
    D: Decoder,
{
    type Item = Result<D::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        if *this.terminated {
            return Poll::Ready(None);
        }
        loop {
            if let Some(item) = this.decoder.next_item() {
                return Poll::Ready(Some(item));
            }
            // Stop reading as soon as the decoder can produce nothing more: after a
            // framing error the rest of the body is noise, and an endless body (attach,
            // `follow` logs) would otherwise keep this stream alive forever.
            if this.decoder.is_finished() || *this.inner_done {
                *this.terminated = true;
                return Poll::Ready(None);
            }
            match ready!(this.inner.as_mut().poll_next(cx)) {
                Some(Ok(chunk)) => this.decoder.push(chunk),
                Some(Err(err)) => {
                    // Whatever is buffered is an incomplete item: complete ones were
                    // drained before polling. The transport error explains the loss.
                    *this.inner_done = true;
                    return Poll::Ready(Some(Err(Error::stream_read(err))));
                }
                None => {
                    *this.inner_done = true;
                    this.decoder.end();
                }
            }
        }
    }
}

impl<S, E, D> FusedStream for Decoded<S, D>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
    D: Decoder,
{
    fn is_terminated(&self) -> bool {
        self.terminated
    }
}

/// A short, printable piece of `bytes` around `at` for error messages.
///
/// Error messages must point at the offending input without echoing megabytes of it.
fn excerpt(bytes: &[u8], at: usize) -> String {
    const HALF: usize = 40;
    let at = at.min(bytes.len());
    let start = at.saturating_sub(HALF);
    let end = (at + HALF).min(bytes.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&String::from_utf8_lossy(&bytes[start..end]));
    if end < bytes.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpt_is_short_and_marks_cuts() {
        assert_eq!(excerpt(b"abc", 1), "abc");
        let long = vec![b'x'; 200];
        let e = excerpt(&long, 100);
        assert_eq!(e, format!("…{}…", "x".repeat(80)));
        assert_eq!(excerpt(&long, 0), format!("{}…", "x".repeat(40)));
        assert_eq!(excerpt(&long, 500), format!("…{}", "x".repeat(40)));
        // Cutting inside a multi-byte character must not panic.
        let s = "é".repeat(100);
        let _ = excerpt(s.as_bytes(), 41);
    }
}
