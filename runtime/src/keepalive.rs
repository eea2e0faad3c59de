//! Short exchanges on unix sockets over kept-alive connections, without the general HTTP
//! client: the JSON, empty and text answers of almost every generated call.
//!
//! A daemon answers a list or inspect call in one or two reads. Through the general client
//! each call also pays for building a URL, a request and header map, a pool checkout and
//! the hand-over between the caller's future and the connection task; for a container list
//! that was a third of the client's CPU. Here the request head is written by hand on an
//! idle connection of this transport (or a new one), the answer's head is parsed by
//! httparse and its body read in place (`Content-Length` or chunked), and the connection
//! goes back to the transport's idle list when the answer allows it.
//!
//! hyper's own connection API (`client::conn::http1`, the connection future polled in the
//! caller's task instead of spawned) was tried in its place and cost about 15 % more CPU
//! per container list (BENCHMARKS.md, "Client CPU per request"), which put the goal at
//! risk; the framing below stays, the head parsing is httparse's.
//!
//! Only body-less requests on unix transports come here (see
//! `RequestBuilder::direct_socket`); everything else uses the general client. Idle
//! connections belong to the Tokio runtime that opened them and are only reused there.

use std::path::Path;
use std::sync::Mutex;

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

use crate::error::{Error, TransportErrorKind};
use crate::request::{RequestBuilder, RequestInfo};
use crate::response::api_error;

/// Idle connections kept per transport; more concurrent callers simply open more.
const MAX_IDLE: usize = 8;
const MAX_HEAD: usize = 64 * 1024;
/// More header lines than this make the head malformed (the daemon sends about 8).
const MAX_HEADERS: usize = 64;
const READ_CHUNK: usize = 64 * 1024;

/// The idle connections of one transport, with the runtime each belongs to.
#[derive(Default)]
pub(crate) struct IdleConnections(Mutex<Vec<(tokio::runtime::Id, UnixStream)>>);

impl IdleConnections {
    fn take(&self, runtime: tokio::runtime::Id) -> Option<UnixStream> {
        let mut idle = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let at = idle.iter().rposition(|(id, _)| *id == runtime)?;
        Some(idle.swap_remove(at).1)
    }

    fn put(&self, runtime: tokio::runtime::Id, stream: UnixStream) {
        let mut idle = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() >= MAX_IDLE {
            // Make room by dropping one of another runtime (likely gone), else keep none.
            match idle.iter().position(|(id, _)| *id != runtime) {
                Some(at) => drop(idle.swap_remove(at)),
                None => return,
            }
        }
        idle.push((runtime, stream));
    }
}

/// A complete answer with a success status.
pub(crate) struct Answer {
    pub(crate) body: Bytes,
    pub(crate) info: RequestInfo,
}

/// Sends `request` on a kept-alive unix connection when it qualifies and reads the whole
/// answer; gives the request back when it does not qualify. A status outside 2xx (and
/// 304 when `accept_304`) is the same error the general client gives.
pub(crate) async fn exchange(
    request: RequestBuilder,
    accept_304: bool,
) -> Result<Result<Answer, RequestBuilder>, Error> {
    let Ok(runtime) = tokio::runtime::Handle::try_current().map(|h| h.id()) else {
        return Ok(Err(request));
    };
    if matches!(
        request.method(),
        &http::Method::HEAD | &http::Method::CONNECT
    ) {
        return Ok(Err(request));
    }
    let Some(socket) = request.direct_socket() else {
        return Ok(Err(request));
    };
    let (head, info, timeout) = request.keepalive_head();
    let run = exchange_on(&socket, runtime, head.as_bytes(), &info, accept_304);
    let answer = match timeout {
        None => run.await?,
        Some(limit) => tokio::time::timeout(limit, run)
            .await
            .map_err(|_| Error::Timeout {
                request: info.describe(),
            })??,
    };
    Ok(Ok(Answer { body: answer, info }))
}

async fn exchange_on(
    socket: &Path,
    runtime: tokio::runtime::Id,
    head: &[u8],
    info: &RequestInfo,
    accept_304: bool,
) -> Result<Bytes, Error> {
    let idle = &info.transport.inner.idle;
    // A kept connection the daemon has closed fails before any byte of an answer; the
    // request did not reach it, so it is sent once more on a new connection.
    if let Some(mut stream) = idle.take(runtime) {
        match round_trip(&mut stream, head).await {
            Ok(answer) => return finish(answer, stream, runtime, info, accept_304),
            Err(Failure::BeforeAnswer(_)) => {}
            Err(Failure::During(e)) => return Err(io_error(info, e)),
            Err(Failure::Protocol(m)) => return Err(protocol_error(info, &m)),
        }
    }
    let mut stream = UnixStream::connect(socket)
        .await
        .map_err(|e| io_error(info, e))?;
    match round_trip(&mut stream, head).await {
        Ok(answer) => finish(answer, stream, runtime, info, accept_304),
        Err(Failure::BeforeAnswer(e) | Failure::During(e)) => Err(io_error(info, e)),
        Err(Failure::Protocol(m)) => Err(protocol_error(info, &m)),
    }
}

fn finish(
    answer: RawAnswer,
    stream: UnixStream,
    runtime: tokio::runtime::Id,
    info: &RequestInfo,
    accept_304: bool,
) -> Result<Bytes, Error> {
    if answer.reusable {
        info.transport.inner.idle.put(runtime, stream);
    }
    let status = answer.status;
    if (200..300).contains(&status) || (accept_304 && status == 304) {
        Ok(answer.body)
    } else {
        Err(api_error(status, &answer.body, info))
    }
}

enum Failure {
    /// Nothing of an answer arrived (the write failed, or the connection closed first).
    BeforeAnswer(std::io::Error),
    /// The connection broke while the answer was being read.
    During(std::io::Error),
    /// The answer is not HTTP/1.1 as this reader knows it.
    Protocol(String),
}

struct RawAnswer {
    status: u16,
    body: Bytes,
    /// Fully read, framed, and the daemon did not ask to close.
    reusable: bool,
}

async fn round_trip(stream: &mut UnixStream, head: &[u8]) -> Result<RawAnswer, Failure> {
    stream
        .write_all(head)
        .await
        .map_err(Failure::BeforeAnswer)?;
    let mut buf = BytesMut::with_capacity(READ_CHUNK);
    // The head, parsed by httparse once it is complete.
    let (head_len, status, mut close, length, chunked) = loop {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut headers);
        match response.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let status = response.code.unwrap_or_default();
                if (100..200).contains(&status) {
                    return Err(Failure::Protocol("unexpected informational status".into()));
                }
                let mut length = None;
                let mut chunked = false;
                let mut close = response.version == Some(0);
                for header in response.headers.iter() {
                    let value = std::str::from_utf8(header.value).unwrap_or_default().trim();
                    if header.name.eq_ignore_ascii_case("content-length") {
                        length = Some(
                            value
                                .parse::<usize>()
                                .map_err(|_| Failure::Protocol("bad Content-Length".into()))?,
                        );
                    } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
                        chunked = value.to_ascii_lowercase().contains("chunked");
                    } else if header.name.eq_ignore_ascii_case("connection") {
                        close = value.to_ascii_lowercase().contains("close");
                    }
                }
                break (len, status, close, length, chunked);
            }
            Ok(httparse::Status::Partial) => {}
            Err(e) => return Err(Failure::Protocol(format!("malformed response head: {e}"))),
        }
        if buf.len() > MAX_HEAD {
            return Err(Failure::Protocol("response head too long".into()));
        }
        let first = buf.is_empty();
        match read_more(stream, &mut buf).await {
            Ok(0) | Err(_) if first => {
                return Err(Failure::BeforeAnswer(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "connection closed before the response head",
                )))
            }
            Ok(0) => return Err(Failure::During(eof("in the response head"))),
            Ok(_) => {}
            Err(e) => return Err(Failure::During(e)),
        }
    };
    buf.advance(head_len);

    let body = if status == 204 || status == 304 {
        Bytes::new()
    } else if chunked {
        read_chunked(stream, &mut buf).await?
    } else if let Some(length) = length {
        while buf.len() < length {
            if read_more(stream, &mut buf).await.map_err(Failure::During)? == 0 {
                return Err(Failure::During(eof("in the response body")));
            }
        }
        buf.split_to(length).freeze()
    } else {
        // Delimited by the end of the connection.
        close = true;
        while read_more(stream, &mut buf).await.map_err(Failure::During)? != 0 {}
        buf.split().freeze()
    };
    Ok(RawAnswer {
        status,
        body,
        reusable: !close && buf.is_empty(),
    })
}

/// Decodes a chunked body; `buf` holds what was read after the head.
async fn read_chunked(stream: &mut UnixStream, buf: &mut BytesMut) -> Result<Bytes, Failure> {
    let mut body = BytesMut::new();
    loop {
        let line_end = loop {
            if let Some(pos) = find(buf, b"\r\n") {
                break pos;
            }
            if buf.len() > MAX_HEAD {
                return Err(Failure::Protocol("chunk size line too long".into()));
            }
            if read_more(stream, buf).await.map_err(Failure::During)? == 0 {
                return Err(Failure::During(eof("in a chunk size")));
            }
        };
        let line = std::str::from_utf8(&buf[..line_end])
            .map_err(|_| Failure::Protocol("bad chunk size".into()))?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| Failure::Protocol("bad chunk size".into()))?;
        buf.advance(line_end + 2);
        if size == 0 {
            // Trailers (none expected) end with an empty line.
            loop {
                if let Some(pos) = find(buf, b"\r\n") {
                    buf.advance(pos + 2);
                    if pos == 0 {
                        return Ok(body.freeze());
                    }
                    continue;
                }
                if read_more(stream, buf).await.map_err(Failure::During)? == 0 {
                    return Err(Failure::During(eof("after the last chunk")));
                }
            }
        }
        while buf.len() < size + 2 {
            if read_more(stream, buf).await.map_err(Failure::During)? == 0 {
                return Err(Failure::During(eof("in a chunk")));
            }
        }
        if &buf[size..size + 2] != b"\r\n" {
            return Err(Failure::Protocol("chunk not followed by CRLF".into()));
        }
        if body.is_empty() {
            // Usually the only chunk: taken without a copy.
            body = buf.split_to(size);
        } else {
            body.extend_from_slice(&buf[..size]);
            buf.advance(size);
        }
        buf.advance(2);
    }
}

async fn read_more(stream: &mut UnixStream, buf: &mut BytesMut) -> std::io::Result<usize> {
    if buf.capacity() - buf.len() < READ_CHUNK / 4 {
        buf.reserve(READ_CHUNK);
    }
    stream.read_buf(buf).await
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn eof(where_: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        format!("connection closed {where_}"),
    )
}

fn io_error(info: &RequestInfo, e: std::io::Error) -> Error {
    use std::io::ErrorKind as Io;
    let kind = match e.kind() {
        Io::NotFound => TransportErrorKind::SocketMissing,
        Io::ConnectionRefused => TransportErrorKind::ConnectionRefused,
        Io::PermissionDenied => TransportErrorKind::PermissionDenied,
        Io::ConnectionReset | Io::ConnectionAborted | Io::BrokenPipe | Io::UnexpectedEof => {
            TransportErrorKind::ConnectionClosed
        }
        _ => TransportErrorKind::Other,
    };
    info.transport.transport_error(kind, Box::new(e))
}

fn protocol_error(info: &RequestInfo, message: &str) -> Error {
    info.transport.transport_error(
        TransportErrorKind::Other,
        format!("{}: {message}", info.describe()).into(),
    )
}
