//! Newline-delimited JSON: events, stats, and (through [`super::progress`]) progress
//! messages.
//!
//! The daemon writes one JSON document per line, but the transport splits the body
//! wherever it likes, the last document of a finite stream may lack its newline, and
//! newer daemons also offer `application/json-seq` (RFC 7464, each record prefixed by
//! the RS byte 0x1E). One decoder accepts all of these.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_util::stream::{FusedStream, Stream};
use serde::de::DeserializeOwned;

use super::{excerpt, BoxError, Decoded, Decoder, Error};

/// Default for [`NdjsonDecoder::with_max_line_len`]: 8 MiB.
///
/// The daemon's largest lines (build traces, `docker stats` of big hosts) are far below
/// this; a line beyond it means the peer is not sending NDJSON, and buffering it
/// further would only grow memory without bound.
pub const DEFAULT_MAX_LINE_LEN: usize = 8 * 1024 * 1024;

const RS: u8 = 0x1e;

fn is_separator(b: u8) -> bool {
    b == b'\n' || b == RS
}

/// Sans-IO decoder of a stream of JSON values of type `T`.
///
/// Accepted input:
/// - values separated by `\n` or `\r\n` (the `\r` is JSON whitespace);
/// - RS-prefixed records of `application/json-seq` (RS acts as a separator);
/// - several values on one line (`{…}{…}` or `{…} {…}`), decoded in order;
/// - blank lines, skipped;
/// - a final value without newline, decoded at [`end`](Decoder::end).
///
/// A line that is not valid JSON, or not a `T`, yields [`Error::StreamDecode`] and
/// decoding continues with the next line: the newline still delimits the following
/// values, and for endless streams (events) one odd message should not end the
/// subscription. A line longer than the maximum (measured without its `\n`) yields
/// [`Error::LineTooLong`] and ends the stream: its end cannot be trusted to come.
/// The check happens as soon as the unterminated part exceeds the limit, so at most
/// `max_line_len` bytes plus one pushed chunk are ever buffered.
pub struct NdjsonDecoder<T> {
    buf: BytesMut,
    // Length of the unterminated tail of `buf` (bytes after the last separator).
    partial_len: usize,
    max_line_len: usize,
    pending: VecDeque<Result<T, Error>>,
    // The unterminated tail exceeded the limit; it was dropped and the error is due once
    // the complete lines before it have been yielded.
    overflowed: bool,
    ended: bool,
    finished: bool,
    _item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for NdjsonDecoder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NdjsonDecoder")
            .field("buffered", &self.buf.len())
            .field("max_line_len", &self.max_line_len)
            .field("pending", &self.pending.len())
            .field("ended", &self.ended)
            .field("finished", &self.finished)
            .finish()
    }
}

impl<T> Default for NdjsonDecoder<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> NdjsonDecoder<T> {
    /// A decoder with the [default line limit](DEFAULT_MAX_LINE_LEN).
    pub fn new() -> Self {
        NdjsonDecoder {
            buf: BytesMut::new(),
            partial_len: 0,
            max_line_len: DEFAULT_MAX_LINE_LEN,
            pending: VecDeque::new(),
            overflowed: false,
            ended: false,
            finished: false,
            _item: PhantomData,
        }
    }

    /// Sets the longest accepted line, which bounds the memory one incomplete line can
    /// hold.
    pub fn with_max_line_len(mut self, max: usize) -> Self {
        self.max_line_len = max;
        self
    }

    /// The configured line limit.
    pub fn max_line_len(&self) -> usize {
        self.max_line_len
    }

    /// Memory currently held by the line buffer (its capacity, not just its contents).
    ///
    /// Exposed so callers (and tests) can check that memory stays bounded by the line
    /// limit whatever the peer sends.
    pub fn retained_bytes(&self) -> usize {
        self.buf.capacity()
    }

    fn release_buffer(&mut self) {
        self.buf = BytesMut::new();
        self.partial_len = 0;
    }
}

impl<T: DeserializeOwned> NdjsonDecoder<T> {
    /// Decodes every value on one line (without its separator) into `pending`.
    fn decode_line(&mut self, line: &[u8]) {
        if line.len() > self.max_line_len {
            self.pending.push_back(Err(Error::LineTooLong {
                max: self.max_line_len,
            }));
            self.finished = true;
            self.release_buffer();
            return;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let mut values = serde_json::Deserializer::from_slice(line).into_iter::<T>();
        loop {
            match values.next() {
                None => break,
                Some(Ok(value)) => self.pending.push_back(Ok(value)),
                Some(Err(source)) => {
                    // The line holds no `\n`, so serde's column is a byte offset into it.
                    let at = source.column().saturating_sub(1);
                    self.pending.push_back(Err(Error::StreamDecode {
                        excerpt: excerpt(line, at),
                        source,
                    }));
                    break;
                }
            }
        }
    }
}

impl<T: DeserializeOwned> Decoder for NdjsonDecoder<T> {
    type Item = T;

    fn push(&mut self, chunk: Bytes) {
        if self.finished || self.ended || self.overflowed || chunk.is_empty() {
            return;
        }
        let last_sep = chunk.iter().rposition(|&b| is_separator(b));
        let new_partial = match last_sep {
            Some(pos) => chunk.len() - pos - 1,
            None => self.partial_len + chunk.len(),
        };
        if new_partial <= self.max_line_len {
            self.buf.extend_from_slice(&chunk);
            self.partial_len = new_partial;
            return;
        }
        // The unterminated line is already too long whatever follows: keep only the
        // complete lines before it, and never buffer the excess.
        match last_sep {
            Some(pos) => self.buf.extend_from_slice(&chunk[..=pos]),
            None => {
                let keep = self.buf.len() - self.partial_len;
                self.buf.truncate(keep);
            }
        }
        self.partial_len = 0;
        self.overflowed = true;
        if self.buf.is_empty() {
            self.release_buffer();
        }
    }

    fn end(&mut self) {
        self.ended = true;
    }

    fn next_item(&mut self) -> Option<Result<T, Error>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            if self.buf.len() > self.partial_len {
                // A complete line is buffered: its separator lies before the tail.
                let pos = self
                    .buf
                    .iter()
                    .position(|&b| is_separator(b))
                    .expect("a separator precedes the unterminated tail");
                let line = self.buf.split_to(pos + 1);
                self.decode_line(&line[..pos]);
                continue;
            }
            if self.overflowed {
                self.pending.push_back(Err(Error::LineTooLong {
                    max: self.max_line_len,
                }));
                self.finished = true;
                self.release_buffer();
                continue;
            }
            if !self.ended {
                if self.buf.is_empty() && self.buf.capacity() > 64 * 1024 {
                    // Do not keep a large buffer alive across a quiet endless stream.
                    self.release_buffer();
                }
                return None;
            }
            // End of input: the unterminated tail is the last line.
            self.finished = true;
            let tail = std::mem::take(&mut self.buf);
            self.release_buffer();
            self.decode_line(&tail);
        }
    }

    fn is_finished(&self) -> bool {
        self.pending.is_empty() && (self.finished || (self.ended && self.buf.is_empty()))
    }
}

pin_project_lite::pin_project! {
    /// A body of newline-delimited JSON as a stream of `T`.
    ///
    /// Used for `SystemEvents` and `ContainerStats`; see [`NdjsonDecoder`] for the
    /// accepted input and which errors end the stream.
    pub struct NdjsonStream<S, T> {
        #[pin]
        inner: Decoded<S, NdjsonDecoder<T>>,
    }
}

impl<S: fmt::Debug, T> fmt::Debug for NdjsonStream<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NdjsonStream")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<S, T> NdjsonStream<S, T> {
    /// Decodes `stream` as NDJSON.
    pub fn new(stream: S) -> Self {
        NdjsonStream {
            inner: Decoded::new(stream, NdjsonDecoder::new()),
        }
    }

    /// Sets the longest accepted line.
    pub fn with_max_line_len(mut self, max: usize) -> Self {
        self.inner.decoder.max_line_len = max;
        self
    }
}

impl<S, E, T> Stream for NdjsonStream<S, T>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
    T: DeserializeOwned,
{
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project().inner.poll_next(cx)
    }
}

impl<S, E, T> FusedStream for NdjsonStream<S, T>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
    T: DeserializeOwned,
{
    fn is_terminated(&self) -> bool {
        self.inner.is_terminated()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn multi_chunk_line_is_found_without_rescanning_state() {
        let mut d = NdjsonDecoder::<Value>::new();
        d.push(Bytes::from_static(b"{\"a\":"));
        assert!(d.next_item().is_none());
        d.push(Bytes::from_static(b"1}\n{\"b\""));
        assert_eq!(d.next_item().unwrap().unwrap(), json!({"a": 1}));
        assert!(d.next_item().is_none());
        d.push(Bytes::from_static(b":2}"));
        assert!(d.next_item().is_none());
        d.end();
        assert_eq!(d.next_item().unwrap().unwrap(), json!({"b": 2}));
        assert!(d.next_item().is_none());
        assert!(d.is_finished());
    }

    #[test]
    fn error_excerpt_points_at_the_second_value() {
        let mut d = NdjsonDecoder::<Value>::new();
        let mut line = format!("{{\"pad\":\"{}\"}}", "p".repeat(100)).into_bytes();
        line.extend_from_slice(b"{\"x\": tru}\n");
        d.push(Bytes::from(line));
        assert!(d.next_item().unwrap().is_ok());
        match d.next_item() {
            Some(Err(Error::StreamDecode { excerpt, .. })) => {
                assert!(excerpt.contains("tru}"), "{excerpt}");
            }
            other => panic!("{other:?}"),
        }
    }
}
