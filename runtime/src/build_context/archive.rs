//! The tar side of a build context: entries written as the CLI writes them, and the
//! archive streamed out of a background thread through a small bounded channel.

use std::fs::{self, File, Metadata};
use std::io::{self, Read, Write};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::UNIX_EPOCH;

use bytes::{Bytes, BytesMut};
use futures_util::stream::{FusedStream, Stream};

use super::{Entry, Kind};

pub(super) fn append<W: Write>(
    builder: &mut tar::Builder<W>,
    root: &Path,
    entry: &Entry,
) -> io::Result<()> {
    let mut header = tar::Header::new_gnu();
    let mtime = entry
        .meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    header.set_mtime(mtime);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mode(permissions(&entry.meta));
    let abs = root.join(&entry.rel);
    match entry.kind {
        Kind::Dir => {
            header.set_entry_type(tar::EntryType::Directory);
            header.set_size(0);
            builder.append_data(&mut header, &entry.rel, io::empty())
        }
        Kind::File => {
            let len = entry.meta.len();
            header.set_entry_type(tar::EntryType::Regular);
            header.set_size(len);
            let file = File::open(&abs)
                .map_err(|e| io::Error::new(e.kind(), format!("opening {}: {e}", abs.display())))?;
            let reader = ExactReader {
                inner: file.take(len),
                remaining: len,
                path: &abs,
            };
            builder.append_data(&mut header, &entry.rel, reader)
        }
        Kind::Symlink => {
            let target = fs::read_link(&abs)?;
            header.set_entry_type(tar::EntryType::Symlink);
            header.set_size(0);
            builder.append_link(&mut header, &entry.rel, target)
        }
    }
}

#[cfg(unix)]
fn permissions(meta: &Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn permissions(_meta: &Metadata) -> u32 {
    // Without Unix modes, the CLI marks everything executable so scripts still run.
    0o755
}

/// Reads exactly the size already written into the tar header.
///
/// A file that shrinks while being archived would otherwise leave a corrupt archive
/// (the header promises bytes that never come); growth is cut off at the header size.
struct ExactReader<'a, R> {
    inner: R,
    remaining: u64,
    path: &'a Path,
}

impl<R: Read> Read for ExactReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 || buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{} shrank while being archived", self.path.display()),
            ));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

const CHUNK_LEN: usize = 64 * 1024;
const CHANNEL_CHUNKS: usize = 4;

pub(super) struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<io::Result<Bytes>>,
    buf: BytesMut,
}

impl ChannelWriter {
    fn send_buffered(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = self.buf.split().freeze();
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "build context stream dropped"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.capacity() == 0 {
            self.buf.reserve(CHUNK_LEN);
        }
        let n = data.len().min(CHUNK_LEN - self.buf.len().min(CHUNK_LEN));
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() >= CHUNK_LEN {
            self.send_buffered()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `write` on a thread of its own, its output chunked into the returned stream
/// (see [`BuildContext::into_stream`](super::BuildContext::into_stream)).
pub(super) fn spawn_writer<F>(write: F) -> TarStream
where
    F: FnOnce(ChannelWriter) -> io::Result<ChannelWriter> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(CHANNEL_CHUNKS);
    let worker_tx = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("dockwright-build-context".to_owned())
        .spawn(move || {
            let writer = ChannelWriter {
                tx: worker_tx.clone(),
                buf: BytesMut::new(),
            };
            let result = write(writer).and_then(|mut w| w.send_buffered());
            if let Err(err) = result {
                // The receiver may be gone; then nobody needs the error.
                let _ = worker_tx.blocking_send(Err(err));
            }
        });
    if let Err(err) = spawned {
        // Nothing else holds a sender yet, so this cannot block or fail.
        let _ = tx.try_send(Err(err));
    }
    TarStream { rx, done: false }
}

/// A build context archive as a stream of byte chunks (see
/// [`BuildContext::into_stream`](super::BuildContext::into_stream)).
#[derive(Debug)]
pub struct TarStream {
    rx: tokio::sync::mpsc::Receiver<io::Result<Bytes>>,
    done: bool,
}

impl Stream for TarStream {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(Err(e))) => {
                self.done = true;
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            other => other,
        }
    }
}

impl FusedStream for TarStream {
    fn is_terminated(&self) -> bool {
        self.done
    }
}
