//! Sending the operations whose response is not one JSON document: the `send_*` methods of
//! [`RequestBuilder`] that the generated builders call, and the stream types they return.
//!
//! The generated crates call these `send_*` methods for the operations the generator's
//! stream-kind table names; each one hands the body to the matching decoder of
//! [`crate::stream`]:
//!
//! | kind | method | result |
//! |---|---|---|
//! | logs (multiplexed or raw) | [`RequestBuilder::send_logs`] | [`LogOutput`]: a `Stream` of [`LogFrame`]s |
//! | hijacked attach / exec | [`RequestBuilder::send_attach`] | [`Attached`]: stdin writer + [`AttachOutput`] |
//! | NDJSON (events, stats) | [`RequestBuilder::send_json_stream`] | [`JsonStream<T>`] |
//! | progress (pull, push, build, load) | [`RequestBuilder::send_progress`] | [`Progress<T>`], daemon failures as `Err` items |
//! | tar / octets out | [`RequestBuilder::send_bytes`] | [`ByteStream`] |
//! | archive out with its stat | [`RequestBuilder::send_archive`] | [`Archive`] |
//! | path stat header | [`RequestBuilder::send_path_stat`] | [`PathStat`] |
//! | ping headers | [`RequestBuilder::send_ping`] | [`PingInfo`] |
//!
//! Whether container output is multiplexed or raw is decided by [`FramingRule`]
//! (`framing_rule.rs`), never by looking at the first bytes. The attach halves are in
//! `attach.rs`, the archive types in `container_archive.rs`, the decoders themselves in
//! [`crate::stream`].

use std::io;

use futures_util::stream::{Stream, StreamExt};

use crate::attach::{AttachInput, AttachReader, Attached};
use crate::container_archive::{Archive, PathStat};
use crate::error::{Error, TransportErrorKind};
use crate::framing_rule::FramingRule;
use crate::ping::PingInfo;
use crate::request::{check_status, RequestBuilder};
use crate::response::{ByteStream, Upgraded};
use crate::stream::{Framing, LogFrame, LogStream, NdjsonStream, ProgressStream};

/// Container output (logs) as a `Stream` of [`LogFrame`]s; items are
/// `Result<LogFrame, Error>`.
pub type LogOutput = LogStream<ByteStream>;

/// A body of newline-delimited JSON values of `T` (events, stats).
pub type JsonStream<T> = NdjsonStream<ByteStream, T>;

/// Progress messages of type `T`; a message carrying `error`/`errorDetail` is an
/// `Err(Error::Daemon { message })` item with the daemon's text.
pub type Progress<T> = ProgressStream<ByteStream, T>;

impl RequestBuilder {
    /// Sends a logs request; the response is decoded as multiplexed or raw frames as
    /// `rule` decides.
    pub async fn send_logs(self, rule: FramingRule) -> Result<LogOutput, Error> {
        let response = self.send().await?;
        let framing = rule.resolve(response.content_type()).await?;
        Ok(LogStream::new(framing, response.bytes_stream()))
    }

    /// Hijacks the connection (`Upgrade: tcp`) for attach or exec start.
    ///
    /// A 2xx response without the upgrade (a detached exec start) is not an error: the
    /// result's output is the (usually empty) body and writing input fails.
    pub async fn send_attach(self, rule: FramingRule) -> Result<Attached, Error> {
        let describe = format!("{} {}", self.method(), self.path());
        let (resp, info) = self
            .header("Connection", "Upgrade")
            .header("Upgrade", "tcp")
            .dispatch()
            .await?;
        if resp.status().as_u16() != 101 {
            let response = check_status(resp, info, false).await?;
            if crate::daemon::is_acknowledgement(response.content_type()) {
                // Podman's detached exec start: "\n" as text/plain, no output to decode.
                response.bytes().await?;
                let empty: ByteStream = Box::pin(futures_util::stream::empty());
                return Ok(Attached {
                    input: AttachInput::none(),
                    output: LogStream::new(Framing::Raw, AttachReader::body(empty)),
                });
            }
            let framing = rule.resolve(response.content_type()).await?;
            return Ok(Attached {
                input: AttachInput::none(),
                output: LogStream::new(framing, AttachReader::body(response.bytes_stream())),
            });
        }
        let headers = resp.headers().clone();
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let upgraded = resp.upgrade().await.map_err(|e| {
            info.transport
                .transport_error(TransportErrorKind::ConnectionClosed, Box::new(e))
        })?;
        let framing = match rule.resolve(content_type.as_deref()).await {
            Ok(f) => f,
            Err(e @ Error::UnknownFraming { .. }) => {
                return Err(Error::Upgrade {
                    request: describe,
                    message: e.to_string(),
                })
            }
            Err(e) => return Err(e),
        };
        let (read, write) = tokio::io::split(Upgraded::new(upgraded, headers));
        Ok(Attached {
            input: AttachInput::hijacked(write),
            output: LogStream::new(framing, AttachReader::hijacked(read)),
        })
    }

    /// Sends the request and decodes the body as newline-delimited JSON values.
    pub async fn send_json_stream<T>(self) -> Result<JsonStream<T>, Error> {
        Ok(NdjsonStream::new(self.send().await?.bytes_stream()))
    }

    /// Sends the request and decodes the body as progress messages.
    pub async fn send_progress<T>(self) -> Result<Progress<T>, Error> {
        Ok(ProgressStream::new(self.send().await?.bytes_stream()))
    }

    /// Sends the request and returns the body as it arrives.
    pub async fn send_bytes(self) -> Result<ByteStream, Error> {
        Ok(self.send().await?.bytes_stream())
    }

    /// Sends the request and returns the archive body with the stat of its path.
    pub async fn send_archive(self) -> Result<Archive, Error> {
        let describe = format!("{} {}", self.method(), self.path());
        let response = self.send().await?;
        let stat = match response.header_str(PathStat::HEADER) {
            Some(v) => Some(PathStat::from_header(v).map_err(|message| Error::Header {
                request: describe,
                name: PathStat::HEADER,
                message,
            })?),
            None => None,
        };
        Ok(Archive {
            stat,
            body: response.bytes_stream(),
        })
    }

    /// Sends the request (usually `HEAD`) and decodes the `X-Docker-Container-Path-Stat`
    /// header.
    pub async fn send_path_stat(self) -> Result<PathStat, Error> {
        let describe = format!("{} {}", self.method(), self.path());
        let response = self.send().await?;
        let stat = match response.header_str(PathStat::HEADER) {
            Some(v) => PathStat::from_header(v),
            None => Err("the daemon sent no such header".to_owned()),
        }
        .map_err(|message| Error::Header {
            request: describe,
            name: PathStat::HEADER,
            message,
        })?;
        // Drain whatever body there is so the connection returns to the pool.
        response.bytes().await?;
        Ok(stat)
    }

    /// Sends a `/_ping` request and reads the daemon's capability headers.
    pub async fn send_ping(self) -> Result<PingInfo, Error> {
        let response = self.send().await?;
        let info = PingInfo::from_headers(response.headers());
        response.bytes().await?;
        Ok(info)
    }
}

/// The first item of a stream of values (e.g. `ContainerStats` with `stream=false`);
/// an empty stream is an error.
pub async fn first_item<S, T>(stream: S) -> Result<T, Error>
where
    S: Stream<Item = Result<T, Error>>,
{
    let mut stream = std::pin::pin!(stream);
    match stream.next().await {
        Some(item) => Ok(item?),
        None => Err(Error::stream_read(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the daemon closed the stream without sending a value",
        ))),
    }
}

/// Reads a whole [`ByteStream`] (for small archives and tests).
pub async fn collect_bytes(mut stream: ByteStream) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}

/// The frames' payloads concatenated per stream: `(stdout, stderr)`; console (TTY)
/// output counts as stdout. For tests and small outputs.
pub fn split_output<'a>(frames: impl IntoIterator<Item = &'a LogFrame>) -> (Vec<u8>, Vec<u8>) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    for f in frames {
        match f.stream {
            crate::stream::StdStream::Stderr => err.extend_from_slice(&f.bytes),
            _ => out.extend_from_slice(&f.bytes),
        }
    }
    (out, err)
}
