//! A direct read loop for long bodies that trickle in, on unix sockets: container logs.
//!
//! The daemon writes and flushes every log line as its own frame and HTTP chunk. Through
//! the general HTTP client every line costs a wake-up, a read system call and a hand-over
//! from the connection task to the body: for a bulk `docker logs` that is nearly all of
//! the client's CPU. This module sends the (body-less) request on its own connection and
//! reads the answer itself:
//!
//! - reads are coalesced: after two small reads in quick succession (a trickle) the next
//!   read waits [`TRICKLE_DELAY`] so that it takes a batch of lines; a fast producer (reads
//!   of 16 KiB and more) is never delayed, and a trickle gains at most 1 ms of latency;
//! - while a trickle lasts the socket is taken out of Tokio's epoll set ("parked"): every
//!   line the daemon writes would otherwise wake the waiting thread only to find nothing to
//!   do until the delay ends, and on an idle virtual machine each such wake-up from idle
//!   costs more than reading the line. Parked, a batch costs one timer wake-up and one
//!   non-blocking read; the socket goes back into the set when a read finds nothing (the
//!   trickle stopped) or a lot (a fast producer);
//! - the answer's head is parsed by httparse; the chunked transfer encoding is decoded in
//!   place, and all chunk payloads of one read are handed on as one piece.
//!
//! hyper's connection API with the same coalescing at the socket (the connection future
//! owned by the body stream and polled in the reader's task, no connection task) was
//! measured in its place: about 10 % more client CPU on 50 MiB of real logs than this loop
//! in the same runs, as hyper hands on every chunk (every log line) separately through its
//! body channel (BENCHMARKS.md, "Streams").
//!
//! Anything unusual (a request body, a TCP or TLS transport) goes through the general
//! client instead.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use futures_util::stream::Stream;
use tokio::io::AsyncWriteExt;
use tokio::net::UnixStream;

use crate::error::Error;
use crate::http1::{eof, io_error, parse_head, protocol_error, BodyFraming, Head, MAX_HEAD};
use crate::request::{RequestBuilder, RequestInfo};
use crate::response::{api_error, ByteStream};

/// Reads shorter than this count as a trickle.
const SMALL_READ: usize = 16 * 1024;
/// How long the next read waits after two small reads in a row.
const TRICKLE_DELAY: Duration = Duration::from_millis(1);
/// Two small reads closer than this are a trickle.
const TRICKLE_GAP: Duration = Duration::from_millis(2);
const READ_CAPACITY: usize = 128 * 1024;

/// The answer's head, and the body as a byte stream.
pub(crate) struct DirectResponse {
    pub(crate) content_type: Option<String>,
    pub(crate) body: ByteStream,
}

/// Sends `request` directly when it qualifies (unix socket, no body, nothing pending);
/// gives it back otherwise.
pub(crate) async fn send(
    request: RequestBuilder,
) -> Result<Result<DirectResponse, RequestBuilder>, Error> {
    let Some(socket) = request.direct_socket() else {
        return Ok(Err(request));
    };
    let limit = request.direct_timeout();
    let (head, info) = request.direct_head();
    // The request's time limit covers the whole answer, as on the general client.
    let deadline = limit.map(|limit| tokio::time::Instant::now() + limit);
    let opening = open(&socket, &head, &info);
    let (stream, buf, status, content_type, framing) = match deadline {
        None => opening.await?,
        Some(deadline) => tokio::time::timeout_at(deadline, opening)
            .await
            .map_err(|_| Error::Timeout {
                request: info.describe(),
            })??,
    };
    let mut body = DirectBody {
        socket: Socket::Registered(stream),
        scratch: Vec::new(),
        buf,
        framing,
        info,
        out: BytesMut::new(),
        last_small: None,
        delay: None,
        deadline: deadline.map(|d| Box::pin(tokio::time::sleep_until(d))),
        done: false,
    };
    if !(200..300).contains(&status) {
        let mut all = Vec::new();
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await {
            all.extend_from_slice(&chunk?);
            if all.len() > MAX_HEAD {
                break;
            }
        }
        return Err(api_error(status, &all, &body.info));
    }
    Ok(Ok(DirectResponse {
        content_type,
        body: Box::pin(body),
    }))
}

/// Connects, sends the request head and reads the answer's head: the stream, what was read
/// after the head, the status, `Content-Type` and how the body is framed.
async fn open(
    socket: &std::path::Path,
    head: &str,
    info: &RequestInfo,
) -> Result<(UnixStream, BytesMut, u16, Option<String>, BodyFraming), Error> {
    let mut stream = UnixStream::connect(socket)
        .await
        .map_err(|e| io_error(info, e))?;
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| io_error(info, e))?;

    let mut buf = BytesMut::with_capacity(READ_CAPACITY);
    let Head {
        len,
        status,
        content_type,
        framing,
        ..
    } = loop {
        if let Some(head) = parse_head(&buf).map_err(|m| protocol_error(info, &m))? {
            break head;
        }
        let n = read_some(&mut stream, &mut buf)
            .await
            .map_err(|e| io_error(info, e))?;
        if n == 0 {
            return Err(io_error(info, eof("before the response head")));
        }
    };
    buf.advance(len);
    Ok((stream, buf, status, content_type, framing))
}

async fn read_some(stream: &mut UnixStream, buf: &mut BytesMut) -> std::io::Result<usize> {
    use tokio::io::AsyncReadExt;
    buf.reserve(READ_CAPACITY / 2);
    stream.read_buf(buf).await
}

/// The connection, in Tokio's epoll set or parked outside it during a trickle.
enum Socket {
    Registered(UnixStream),
    Parked(std::os::unix::net::UnixStream),
    /// Only while switching between the two.
    Switching,
}

struct DirectBody {
    socket: Socket,
    /// Where a parked socket's reads land (reads on a std socket need initialised memory).
    scratch: Vec<u8>,
    // Received, not yet decoded bytes.
    buf: BytesMut,
    framing: BodyFraming,
    info: RequestInfo,
    // Decoded body bytes of the current read.
    out: BytesMut,
    last_small: Option<tokio::time::Instant>,
    delay: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The end of the request's time limit, if it has one.
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    done: bool,
}

impl DirectBody {
    /// Takes the socket out of Tokio's epoll set (no-op when already parked).
    fn park(&mut self) -> std::io::Result<()> {
        if let Socket::Registered(_) = self.socket {
            let Socket::Registered(stream) = std::mem::replace(&mut self.socket, Socket::Switching)
            else {
                unreachable!()
            };
            // Deregisters; the std socket stays non-blocking.
            self.socket = Socket::Parked(stream.into_std()?);
        }
        Ok(())
    }

    /// Puts a parked socket back into Tokio's epoll set.
    fn unpark(&mut self) -> std::io::Result<()> {
        if let Socket::Parked(_) = self.socket {
            let Socket::Parked(stream) = std::mem::replace(&mut self.socket, Socket::Switching)
            else {
                unreachable!()
            };
            self.socket = Socket::Registered(UnixStream::from_std(stream)?);
        }
        Ok(())
    }

    /// One non-blocking read of the parked socket into `buf`.
    fn read_parked(&mut self) -> std::io::Result<usize> {
        use std::io::Read;
        let Socket::Parked(stream) = &mut self.socket else {
            unreachable!("read_parked on a registered socket");
        };
        if self.scratch.is_empty() {
            self.scratch = vec![0; READ_CAPACITY / 2];
        }
        let n = loop {
            match stream.read(&mut self.scratch) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        self.buf.extend_from_slice(&self.scratch[..n]);
        Ok(n)
    }

    /// The socket reached its end: the body's end, or an error inside a framed body.
    fn end_of_input(&mut self) -> Option<Result<Bytes, Error>> {
        self.done = true;
        match self.framing {
            BodyFraming::Close => None,
            _ => Some(Err(io_error(&self.info, eof("inside the body")))),
        }
    }
}

impl Stream for DirectBody {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            if let Some(deadline) = &mut this.deadline {
                if deadline.as_mut().poll(cx).is_ready() {
                    this.done = true;
                    return Poll::Ready(Some(Err(Error::Timeout {
                        request: this.info.describe(),
                    })));
                }
            }
            // What is already buffered first (the part of the body that came with the head).
            match this.framing.decode(&mut this.buf, &mut this.out) {
                Ok(complete) => {
                    if complete {
                        this.done = true;
                    }
                    if !this.out.is_empty() {
                        return Poll::Ready(Some(Ok(this.out.split().freeze())));
                    }
                    if complete {
                        return Poll::Ready(None);
                    }
                }
                Err(message) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(protocol_error(&this.info, message))));
                }
            }
            if this.delay.is_some() {
                // A trickle: wait out the delay parked, then take what came in meanwhile.
                if let Err(e) = this.park() {
                    this.done = true;
                    return Poll::Ready(Some(Err(io_error(&this.info, e))));
                }
                if let Some(delay) = &mut this.delay {
                    std::task::ready!(delay.as_mut().poll(cx));
                }
                this.delay = None;
                match this.read_parked() {
                    Ok(0) => return Poll::Ready(this.end_of_input()),
                    Ok(n) if n < SMALL_READ => {
                        // Still a trickle: wait again, still parked.
                        this.delay = Some(Box::pin(tokio::time::sleep(TRICKLE_DELAY)));
                        continue;
                    }
                    Ok(_) => {
                        // A fast producer: plain reads from now on.
                        this.last_small = None;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        // Nothing for a whole delay: the trickle stopped.
                        this.last_small = None;
                    }
                    Err(e) => {
                        this.done = true;
                        return Poll::Ready(Some(Err(io_error(&this.info, e))));
                    }
                }
                if let Err(e) = this.unpark() {
                    this.done = true;
                    return Poll::Ready(Some(Err(io_error(&this.info, e))));
                }
                continue;
            }
            let Socket::Registered(stream) = &mut this.socket else {
                unreachable!("a parked socket always has a delay pending");
            };
            this.buf.reserve(READ_CAPACITY / 2);
            let n = std::task::ready!(tokio_util::io::poll_read_buf(
                Pin::new(stream),
                cx,
                &mut this.buf
            ))
            .map_err(|e| {
                this.done = true;
                io_error(&this.info, e)
            })?;
            if n == 0 {
                return Poll::Ready(this.end_of_input());
            }
            // Read coalescing: two small reads in quick succession make a trickle.
            let now = tokio::time::Instant::now();
            if n < SMALL_READ {
                if this.last_small.is_some_and(|t| now - t < TRICKLE_GAP) {
                    this.delay = Some(Box::pin(tokio::time::sleep(TRICKLE_DELAY)));
                }
                this.last_small = Some(now);
            } else {
                this.last_small = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TransportErrorKind;
    use futures_util::StreamExt;
    use tokio::io::AsyncReadExt;

    /// Serves `response` once, written in pieces of `piece` bytes, after reading a head.
    async fn serve(response: Vec<u8>, piece: usize) -> (tempfile::TempDir, crate::Transport) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sock");
        let listener = tokio::net::UnixListener::bind(&path).unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut b = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = s.read(&mut b).await.unwrap();
                head.extend_from_slice(&b[..n]);
            }
            assert!(head.starts_with(b"GET /v1.41/containers/x/logs?stdout=1 HTTP/1.1\r\n"));
            for p in response.chunks(piece) {
                s.write_all(p).await.unwrap();
                s.flush().await.unwrap();
            }
        });
        let transport = crate::Transport::unix(&path).unwrap();
        (dir, transport)
    }

    fn request(t: &crate::Transport) -> RequestBuilder {
        t.request(http::Method::GET, "/v1.41/containers/x/logs".into())
            .query("stdout", "1")
    }

    async fn body_of(response: &[u8], piece: usize) -> Result<(Option<String>, Vec<u8>), Error> {
        let (_dir, t) = serve(response.to_vec(), piece).await;
        let direct = match send(request(&t)).await? {
            Ok(d) => d,
            Err(_) => panic!("a unix GET goes direct"),
        };
        let mut body = direct.body;
        let mut out = Vec::new();
        while let Some(chunk) = body.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok((direct.content_type, out))
    }

    #[tokio::test]
    async fn chunked_body_in_any_pieces() {
        let response = b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n\
            Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\n\r\n";
        for piece in [1, 2, 3, 7, 1000] {
            let (ct, body) = body_of(response, piece).await.unwrap();
            assert_eq!(
                ct.as_deref(),
                Some("application/vnd.docker.multiplexed-stream")
            );
            assert_eq!(body, b"hello 0123456789", "pieces of {piece}");
        }
    }

    #[tokio::test]
    async fn length_and_close_delimited_bodies() {
        let (_, body) = body_of(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 2)
            .await
            .unwrap();
        assert_eq!(body, b"abc");
        let (_, body) = body_of(b"HTTP/1.1 200 OK\r\n\r\nuntil close", 4)
            .await
            .unwrap();
        assert_eq!(body, b"until close");
    }

    #[tokio::test]
    async fn errors() {
        let err = body_of(
            b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 31\r\n\r\n{\"message\":\"No such container\"}",
            5,
        )
        .await
        .unwrap_err();
        assert!(err.is_not_found(), "{err}");
        assert!(err.to_string().contains("No such container"), "{err}");
        // Cut inside a chunk: an error, not a silently short body.
        let err = body_of(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort",
            3,
        )
        .await
        .unwrap_err();
        assert_eq!(
            err.transport_kind(),
            Some(TransportErrorKind::ConnectionClosed),
            "{err}"
        );
        let err = body_of(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            3,
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("bad chunk size"), "{err}");
        // Not HTTP: a transport error naming the socket, whatever else is sent.
        let err = body_of(b"SSH-2.0-OpenSSH_9.6\r\n\r\n", 4)
            .await
            .unwrap_err();
        assert_eq!(
            err.transport_kind(),
            Some(TransportErrorKind::Other),
            "{err}"
        );
        assert!(err.to_string().contains("malformed response head"), "{err}");
        assert!(err.to_string().contains("d.sock"), "{err}");
        // An endless head is an error once it passes the limit, not unbounded growth.
        let mut endless = b"HTTP/1.1 200 OK\r\nX-Filler: ".to_vec();
        endless.extend(std::iter::repeat_n(b'a', 256 * 1024));
        let err = body_of(&endless, 16 * 1024).await.unwrap_err();
        assert!(err.to_string().contains("head too long"), "{err}");
    }

    /// A trickle of small chunks, a pause, a fast burst, another trickle: the socket is
    /// parked and put back in between, and every byte arrives once and in order, in far
    /// fewer pieces than the daemon's chunks.
    #[tokio::test(flavor = "current_thread")]
    async fn trickles_are_read_in_batches_and_nothing_is_lost() {
        use std::io::{Read, Write};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sock");
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let mut expected = Vec::new();
        let mut chunks = Vec::new();
        let trickle = |from: usize, chunks: &mut Vec<(Vec<u8>, u64)>, expected: &mut Vec<u8>| {
            for i in from..from + 400 {
                let line = format!("line {i}\n").into_bytes();
                expected.extend_from_slice(&line);
                chunks.push((line, 100)); // 100 µs apart
            }
        };
        trickle(0, &mut chunks, &mut expected);
        chunks.last_mut().unwrap().1 = 50_000; // a pause: the trickle stops
        let burst: Vec<u8> = (0..256 * 1024).map(|i| b'a' + (i % 26) as u8).collect();
        expected.extend_from_slice(&burst);
        chunks.push((burst, 0));
        trickle(400, &mut chunks, &mut expected);
        let count = chunks.len();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut head = [0u8; 1024];
            let _ = s.read(&mut head).unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                .unwrap();
            for (data, pause) in chunks {
                s.write_all(format!("{:x}\r\n", data.len()).as_bytes())
                    .unwrap();
                s.write_all(&data).unwrap();
                s.write_all(b"\r\n").unwrap();
                std::thread::sleep(Duration::from_micros(pause));
            }
            s.write_all(b"0\r\n\r\n").unwrap();
        });
        let t = crate::Transport::unix(&path).unwrap();
        let Ok(direct) = send(request(&t)).await.unwrap() else {
            panic!("a unix GET goes direct")
        };
        let mut body = direct.body;
        let (mut got, mut pieces) = (Vec::new(), 0);
        while let Some(piece) = body.next().await {
            got.extend_from_slice(&piece.unwrap());
            pieces += 1;
        }
        server.join().unwrap();
        assert_eq!(got.len(), expected.len());
        assert!(got == expected, "bytes lost, repeated or reordered");
        assert!(
            pieces < count / 4,
            "{pieces} pieces for {count} chunks: the trickle was not batched"
        );
    }

    /// Answers with `response`, then keeps the connection open without writing more.
    async fn serve_then_hang(response: &'static [u8]) -> (tempfile::TempDir, crate::Transport) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sock");
        let listener = tokio::net::UnixListener::bind(&path).unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut b = [0u8; 1024];
            let _ = s.read(&mut b).await;
            let _ = s.write_all(response).await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
        });
        let transport = crate::Transport::unix(&path).unwrap();
        (dir, transport)
    }

    #[tokio::test]
    async fn the_time_limit_covers_the_head_and_the_body() {
        // A body that stops coming: the stream ends with a time-out item.
        let (_dir, t) =
            serve_then_hang(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                .await;
        let Ok(direct) = send(request(&t).timeout(Some(Duration::from_millis(300))))
            .await
            .unwrap()
        else {
            panic!("a unix GET goes direct")
        };
        let mut body = direct.body;
        assert_eq!(&body.next().await.unwrap().unwrap()[..], b"hello");
        let started = std::time::Instant::now();
        let err = body.next().await.unwrap().unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        assert!(err.to_string().contains("/logs: timed out"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(body.next().await.is_none());
        // No head at all.
        let (_dir, t) = serve_then_hang(b"").await;
        let err = send(request(&t).timeout(Some(Duration::from_millis(200))))
            .await
            .err()
            .expect("a time-out");
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    }
}
