//! The two halves of a hijacked attach or exec connection: the container's stdin as an
//! `AsyncWrite` ([`AttachInput`]) and its output as byte chunks ([`AttachReader`]) that
//! [`AttachOutput`] decodes into log frames.
//!
//! [`RequestBuilder::send_attach`](crate::RequestBuilder::send_attach) (in `send_streamed.rs`)
//! makes them; this file only holds the types.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::{Stream, StreamExt};
use tokio::io::{AsyncWrite, ReadHalf, WriteHalf};
use tokio_util::io::ReaderStream;

use crate::response::{ByteStream, Upgraded};
use crate::stream::{Framing, LogStream};

/// The output half of a hijacked attach or exec, as [`LogFrame`](crate::LogFrame)s. It
/// ends when the container (or exec'd process) exits and the daemon closes the connection.
pub type AttachOutput = LogStream<AttachReader>;

/// A hijacked attach or exec: write the container's stdin to `input`, read its output
/// from `output`.
///
/// `input.shutdown()` half-closes the connection: the container sees end of input on
/// its stdin (with `StdinOnce` it is then closed), while its output keeps coming until
/// it exits. Dropping both halves closes the connection.
#[derive(Debug)]
pub struct Attached {
    /// The container's stdin ([`AsyncWrite`]).
    pub input: AttachInput,
    /// The container's output as frames.
    pub output: AttachOutput,
}

impl Attached {
    /// The two halves.
    pub fn into_parts(self) -> (AttachInput, AttachOutput) {
        (self.input, self.output)
    }

    /// The framing the output is decoded with.
    pub fn framing(&self) -> Framing {
        self.output.framing()
    }
}

/// The writing half of a hijacked connection: the container's stdin.
#[derive(Debug)]
pub struct AttachInput {
    inner: Option<WriteHalf<Upgraded>>,
}

fn not_hijacked() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "the daemon answered without hijacking the connection (e.g. a detached exec start): there is no stdin to write to",
    )
}

impl AsyncWrite for AttachInput {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.inner {
            Some(w) => Pin::new(w).poll_write(cx, buf),
            None => Poll::Ready(Err(not_hijacked())),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.inner {
            Some(w) => Pin::new(w).poll_flush(cx),
            None => Poll::Ready(Ok(())),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.inner {
            Some(w) => Pin::new(w).poll_shutdown(cx),
            None => Poll::Ready(Ok(())),
        }
    }
}

/// The reading half of a hijacked connection as byte chunks (or, when the daemon did not
/// hijack, the plain response body).
pub struct AttachReader {
    inner: ReaderInner,
}

enum ReaderInner {
    Upgraded(ReaderStream<ReadHalf<Upgraded>>),
    Body(ByteStream),
}

impl std::fmt::Debug for AttachReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.inner {
            ReaderInner::Upgraded(_) => "AttachReader(upgraded)",
            ReaderInner::Body(_) => "AttachReader(body)",
        })
    }
}

/// Read size of the hijacked connection: the daemon's copy buffer is 32 KiB.
const ATTACH_READ_CAPACITY: usize = 64 * 1024;

impl Stream for AttachReader {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.inner {
            ReaderInner::Upgraded(r) => r.poll_next_unpin(cx),
            ReaderInner::Body(b) => b
                .poll_next_unpin(cx)
                .map(|item| item.map(|r| r.map_err(io::Error::other))),
        }
    }
}

impl AttachInput {
    /// No stdin to write to: the daemon answered without hijacking the connection.
    pub(crate) fn none() -> Self {
        AttachInput { inner: None }
    }

    /// The writing half of the hijacked connection.
    pub(crate) fn hijacked(write: WriteHalf<Upgraded>) -> Self {
        AttachInput { inner: Some(write) }
    }
}

impl AttachReader {
    /// The reading half of the hijacked connection.
    pub(crate) fn hijacked(read: ReadHalf<Upgraded>) -> Self {
        AttachReader {
            inner: ReaderInner::Upgraded(ReaderStream::with_capacity(read, ATTACH_READ_CAPACITY)),
        }
    }

    /// The plain response body, when the daemon did not hijack.
    pub(crate) fn body(body: ByteStream) -> Self {
        AttachReader {
            inner: ReaderInner::Body(body),
        }
    }
}
