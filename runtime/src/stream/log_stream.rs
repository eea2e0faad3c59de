//! Container output as a stream: the framing of a response ([`Framing`]), raw TTY
//! bytes ([`RawDecoder`]), the choice between those and the multiplexed decoder made at
//! run time ([`LogDecoder`]), and the [`LogStream`] adapter over a body.
//!
//! A container *with* a TTY has a single pseudo-terminal, so the daemon sends its bytes
//! as they come, unframed; without one, its output is multiplexed (`multiplexed.rs`).
//! Which of the two a response is cannot be told reliably from the bytes, so the caller
//! picks (see [`Framing::detect`]).

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::{FusedStream, Stream};

use super::{BoxError, Decoded, Decoder, Error, LogFrame, MultiplexedDecoder, StdStream};

/// Sans-IO "decoder" for TTY output: every non-empty chunk becomes one
/// [`StdStream::Console`] frame, unchanged and uncopied.
///
/// There is nothing to decode, but routing raw output through the same [`Decoder`]
/// interface lets [`LogStream`] hand out one item type for both cases.
#[derive(Debug, Default)]
pub struct RawDecoder {
    queue: VecDeque<Bytes>,
    ended: bool,
}

impl RawDecoder {
    /// A new raw decoder.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Decoder for RawDecoder {
    type Item = LogFrame;

    fn push(&mut self, chunk: Bytes) {
        if !self.ended && !chunk.is_empty() {
            self.queue.push_back(chunk);
        }
    }

    fn end(&mut self) {
        self.ended = true;
    }

    fn next_item(&mut self) -> Option<Result<LogFrame, Error>> {
        self.queue.pop_front().map(|bytes| {
            Ok(LogFrame {
                stream: StdStream::Console,
                bytes,
            })
        })
    }

    fn is_finished(&self) -> bool {
        self.ended && self.queue.is_empty()
    }
}

/// How a log or attach response is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Framing {
    /// 8-byte-header frames: the container has no TTY.
    Multiplexed,
    /// Unframed bytes: the container has a TTY.
    Raw,
}

impl Framing {
    /// Content type the daemon (API 1.42+) sends for multiplexed streams.
    pub const MULTIPLEXED_CONTENT_TYPE: &'static str = "application/vnd.docker.multiplexed-stream";
    /// Content type of raw streams, and of *every* attach stream before API 1.42.
    pub const RAW_CONTENT_TYPE: &'static str = "application/vnd.docker.raw-stream";

    /// The framing a container's output uses, from its `Config.Tty`.
    pub fn from_tty(tty: bool) -> Framing {
        if tty {
            Framing::Raw
        } else {
            Framing::Multiplexed
        }
    }

    /// Decides the framing from the response's `Content-Type` and the caller's
    /// knowledge of the container's TTY setting.
    ///
    /// Only `application/vnd.docker.multiplexed-stream` is trusted: daemons before API
    /// 1.42 label multiplexed attach streams `raw-stream` too, and some versions send no
    /// content type for logs at all. Anything else defers to `tty_hint`; without one
    /// this fails with [`Error::UnknownFraming`] rather than sniffing the first
    /// byte, which would misread TTY output that starts with a byte 0–3.
    pub fn detect(content_type: Option<&str>, tty_hint: Option<bool>) -> Result<Framing, Error> {
        let essence = content_type.map(|ct| ct.split(';').next().unwrap_or("").trim());
        if essence.is_some_and(|e| e.eq_ignore_ascii_case(Self::MULTIPLEXED_CONTENT_TYPE)) {
            return Ok(Framing::Multiplexed);
        }
        match tty_hint {
            Some(tty) => Ok(Framing::from_tty(tty)),
            None => Err(Error::UnknownFraming {
                content_type: content_type.map(str::to_owned),
            }),
        }
    }
}

/// A [`MultiplexedDecoder`] or a [`RawDecoder`], chosen at run time.
#[derive(Debug)]
pub enum LogDecoder {
    /// Non-TTY output.
    Multiplexed(MultiplexedDecoder),
    /// TTY output.
    Raw(RawDecoder),
}

impl LogDecoder {
    /// A decoder for the given framing, with default limits.
    pub fn new(framing: Framing) -> Self {
        match framing {
            Framing::Multiplexed => LogDecoder::Multiplexed(MultiplexedDecoder::new()),
            Framing::Raw => LogDecoder::Raw(RawDecoder::new()),
        }
    }

    /// Which framing this decoder reads.
    pub fn framing(&self) -> Framing {
        match self {
            LogDecoder::Multiplexed(_) => Framing::Multiplexed,
            LogDecoder::Raw(_) => Framing::Raw,
        }
    }
}

impl Decoder for LogDecoder {
    type Item = LogFrame;

    fn push(&mut self, chunk: Bytes) {
        match self {
            LogDecoder::Multiplexed(d) => d.push(chunk),
            LogDecoder::Raw(d) => d.push(chunk),
        }
    }

    fn end(&mut self) {
        match self {
            LogDecoder::Multiplexed(d) => d.end(),
            LogDecoder::Raw(d) => d.end(),
        }
    }

    fn next_item(&mut self) -> Option<Result<LogFrame, Error>> {
        match self {
            LogDecoder::Multiplexed(d) => d.next_item(),
            LogDecoder::Raw(d) => d.next_item(),
        }
    }

    fn is_finished(&self) -> bool {
        match self {
            LogDecoder::Multiplexed(d) => d.is_finished(),
            LogDecoder::Raw(d) => d.is_finished(),
        }
    }
}

pin_project_lite::pin_project! {
    /// Container output (logs, attach, exec) as a stream of [`LogFrame`]s.
    ///
    /// Wraps any body stream of `Result<Bytes, E>`. The stream ends when the body ends,
    /// or right after an error that loses the framing; dropping it drops the body (and
    /// so closes a hijacked attach connection).
    #[derive(Debug)]
    pub struct LogStream<S> {
        #[pin]
        inner: Decoded<S, LogDecoder>,
    }
}

impl<S> LogStream<S> {
    /// Decodes `stream` with the given framing.
    pub fn new(framing: Framing, stream: S) -> Self {
        LogStream {
            inner: Decoded::new(stream, LogDecoder::new(framing)),
        }
    }

    /// Output of a container without a TTY.
    pub fn multiplexed(stream: S) -> Self {
        Self::new(Framing::Multiplexed, stream)
    }

    /// Output of a container with a TTY.
    pub fn raw(stream: S) -> Self {
        Self::new(Framing::Raw, stream)
    }

    /// Picks the framing with [`Framing::detect`]; fails when neither the content type
    /// nor the hint decides it.
    pub fn from_content_type(
        content_type: Option<&str>,
        tty_hint: Option<bool>,
        stream: S,
    ) -> Result<Self, Error> {
        Ok(Self::new(Framing::detect(content_type, tty_hint)?, stream))
    }

    /// Sets the largest accepted frame payload (multiplexed only; raw chunks are
    /// passed through whatever their size).
    pub fn with_max_frame_len(mut self, max: usize) -> Self {
        if let LogDecoder::Multiplexed(d) = &mut self.inner.decoder {
            d.set_max_frame_len(max);
        }
        self
    }

    /// The framing being decoded.
    pub fn framing(&self) -> Framing {
        self.inner.decoder.framing()
    }
}

impl<S, E> Stream for LogStream<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
{
    type Item = Result<LogFrame, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project().inner.poll_next(cx)
    }
}

impl<S, E> FusedStream for LogStream<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
{
    fn is_terminated(&self) -> bool {
        self.inner.is_terminated()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_detection() {
        let m = Framing::detect(
            Some("application/vnd.docker.multiplexed-stream; charset=utf-8"),
            Some(true),
        );
        assert_eq!(
            m.unwrap(),
            Framing::Multiplexed,
            "content type wins over a hint"
        );
        assert_eq!(
            Framing::detect(Some("Application/VND.Docker.Multiplexed-Stream"), None).unwrap(),
            Framing::Multiplexed
        );
        // Before 1.42, raw-stream is sent for multiplexed streams too: only the hint decides.
        assert_eq!(
            Framing::detect(Some(Framing::RAW_CONTENT_TYPE), Some(false)).unwrap(),
            Framing::Multiplexed
        );
        assert_eq!(
            Framing::detect(Some(Framing::RAW_CONTENT_TYPE), Some(true)).unwrap(),
            Framing::Raw
        );
        assert_eq!(Framing::detect(None, Some(true)).unwrap(), Framing::Raw);
        let err = Framing::detect(Some(Framing::RAW_CONTENT_TYPE), None).unwrap_err();
        assert!(
            matches!(&err, Error::UnknownFraming { content_type: Some(ct) } if ct == Framing::RAW_CONTENT_TYPE),
            "{err:?}"
        );
        assert!(matches!(
            Framing::detect(None, None),
            Err(Error::UnknownFraming { content_type: None })
        ));
    }
}
