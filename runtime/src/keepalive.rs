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

use crate::error::Error;
use crate::http1::{eof, io_error, parse_head, protocol_error, BodyFraming, Head};
use crate::request::{RequestBuilder, RequestInfo};
use crate::response::api_error;

/// Idle connections kept per transport; more concurrent callers simply open more.
const MAX_IDLE: usize = 8;
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
    let Head {
        len,
        status,
        mut framing,
        close,
        ..
    } = loop {
        if let Some(head) = parse_head(&buf).map_err(Failure::Protocol)? {
            break head;
        }
        let first = buf.is_empty();
        match read_more(stream, &mut buf).await {
            Ok(0) | Err(_) if first => {
                return Err(Failure::BeforeAnswer(eof("before the response head")))
            }
            Ok(0) => return Err(Failure::During(eof("in the response head"))),
            Ok(_) => {}
            Err(e) => return Err(Failure::During(e)),
        }
    };
    buf.advance(len);
    let mut body = BytesMut::new();
    loop {
        if framing
            .decode(&mut buf, &mut body)
            .map_err(|m| Failure::Protocol(m.into()))?
        {
            break;
        }
        if read_more(stream, &mut buf).await.map_err(Failure::During)? == 0 {
            if matches!(framing, BodyFraming::Close) {
                break;
            }
            return Err(Failure::During(eof("in the response body")));
        }
    }
    Ok(RawAnswer {
        status,
        body: body.freeze(),
        reusable: !close && buf.is_empty(),
    })
}

async fn read_more(stream: &mut UnixStream, buf: &mut BytesMut) -> std::io::Result<usize> {
    if buf.capacity() - buf.len() < READ_CHUNK / 4 {
        buf.reserve(READ_CHUNK);
    }
    stream.read_buf(buf).await
}
