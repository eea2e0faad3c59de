//! Responses: status checks, JSON decoding with paths, byte streams, hijacked connections.

use crate::error::{Error, TransportErrorKind};
use crate::request::RequestInfo;
use crate::version::parse_too_new_message;
use bytes::{Bytes, BytesMut};
use futures_util::stream::{BoxStream, StreamExt};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tracing::Instrument;

/// A stream of body chunks, as handed to the stream decoders.
pub type ByteStream = BoxStream<'static, Result<Bytes, Error>>;

/// A successful response whose body has not been read yet.
pub struct Response {
    inner: reqwest::Response,
    info: RequestInfo,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("request", &self.info.describe())
            .field("status", &self.inner.status())
            .finish()
    }
}

impl Response {
    pub(crate) fn new(inner: reqwest::Response, info: RequestInfo) -> Self {
        Response { inner, info }
    }

    /// The HTTP status (2xx, or 304 for `send_empty` callers).
    pub fn status(&self) -> u16 {
        self.inner.status().as_u16()
    }

    /// All response headers.
    pub fn headers(&self) -> &http::HeaderMap {
        self.inner.headers()
    }

    /// One header as text, if present and valid UTF-8.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.inner.headers().get(name)?.to_str().ok()
    }

    /// `Content-Type`, which tells e.g. multiplexed from raw log streams.
    pub fn content_type(&self) -> Option<&str> {
        self.header_str("content-type")
    }

    /// The body as it arrives; a broken connection ends the stream with an error
    /// rather than silently, so truncated logs or pulls are noticed. Streams are not
    /// bounded in size: their decoders bound each item.
    pub fn bytes_stream(self) -> ByteStream {
        let info = self.info;
        let span = info.span.clone();
        self.inner
            .bytes_stream()
            .map(move |chunk| chunk.map_err(|e| info.transport.map_error(e, &info.describe())))
            .map(move |item| {
                let _enter = span.enter();
                item
            })
            .boxed()
    }

    /// The whole body, at most the transport's
    /// [`max_body_size`](crate::TransportBuilder::max_body_size); a longer one is
    /// [`Error::BodyTooLarge`] (decided from `Content-Length` before reading, when the
    /// daemon sends one).
    pub async fn bytes(self) -> Result<Bytes, Error> {
        let Response { mut inner, info } = self;
        let status = inner.status().as_u16();
        let limit = info.transport.inner.max_body_size;
        let read = async {
            let too_large = |size: Option<u64>| Error::BodyTooLarge {
                request: info.describe(),
                limit,
                size,
            };
            let announced = inner.content_length();
            if announced.is_some_and(|len| len > limit) {
                return Err(too_large(announced));
            }
            let map = |e| info.transport.map_error(e, &info.describe());
            // Most responses arrive as one chunk: kept as it is, copied only when a second
            // one follows.
            let Some(first) = inner.chunk().await.map_err(map)? else {
                return Ok(Bytes::new());
            };
            if first.len() as u64 > limit {
                return Err(too_large(None));
            }
            let Some(second) = inner.chunk().await.map_err(map)? else {
                return Ok(first);
            };
            let capacity = announced.unwrap_or(0).min(limit) as usize;
            let mut body = BytesMut::with_capacity(capacity.max(first.len() + second.len()));
            let mut next = Some(second);
            body.extend_from_slice(&first);
            while let Some(chunk) = next {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(too_large(None));
                }
                body.extend_from_slice(&chunk);
                next = inner.chunk().await.map_err(map)?;
            }
            Ok(body.freeze())
        }
        .instrument(info.span.clone())
        .await;
        match &read {
            Ok(_) => info.finished(Some(status), None),
            Err(e) => info.finished(Some(status), Some(e)),
        }
        read
    }

    /// The whole body as text (lossy UTF-8), bounded like [`Response::bytes`].
    pub async fn text(self) -> Result<String, Error> {
        let bytes = self.bytes().await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The whole body decoded as JSON, bounded like [`Response::bytes`].
    ///
    /// Responses above [`OFFLOAD_DECODE_ABOVE`] bytes are decoded on Tokio's blocking
    /// threads: a list of tens of megabytes takes long enough to stall the other tasks of
    /// the caller's thread, and the request's time limit still applies to it.
    pub async fn json<T: serde::de::DeserializeOwned + Send + 'static>(self) -> Result<T, Error> {
        let value = self.json_erased(crate::send::decode_erased::<T>).await?;
        crate::send::unbox(value)
    }

    /// [`Response::json`] with the decoding passed as a plain function: this async code
    /// then exists once in the runtime rather than once per response type in every
    /// generated crate (see [`crate::SendFuture`]).
    pub(crate) async fn json_erased(
        self,
        decode: crate::send::ErasedDecoder,
    ) -> Result<Erased, Error> {
        let request = self.info.describe();
        let deadline = self.info.deadline;
        let bytes = self.bytes().await?;
        if bytes.len() <= OFFLOAD_DECODE_ABOVE || tokio::runtime::Handle::try_current().is_err() {
            return decode(&bytes, &request);
        }
        let describe = request.clone();
        let decoding = tokio::task::spawn_blocking(move || decode(&bytes, &describe));
        let joined = match deadline {
            None => decoding.await,
            Some(deadline) => tokio::time::timeout_at(deadline, decoding)
                .await
                .map_err(|_| Error::Timeout { request })?,
        };
        joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }
}

/// A decoded value whose type only the caller knows.
pub(crate) type Erased = Box<dyn std::any::Any + Send>;

/// Buffered JSON responses larger than this are decoded off the async runtime's thread.
pub const OFFLOAD_DECODE_ABOVE: usize = 1024 * 1024;

/// Up to `limit` bytes of the body, for error messages; read errors end it early.
pub(crate) async fn read_prefix(mut resp: reqwest::Response, limit: usize) -> Bytes {
    let mut body = BytesMut::new();
    while body.len() < limit {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let take = chunk.len().min(limit - body.len());
                body.extend_from_slice(&chunk[..take]);
            }
            _ => break,
        }
    }
    body.freeze()
}

/// Decodes JSON, reporting the path of the failing value and the text around it.
///
/// One typed pass, on serde_json's plain deserializer: each response type's deserializer
/// is compiled once. A failure's path is found afterwards from the text (the runtime's
/// `json_path` module), so tracking it costs neither decoding time nor a second compiled
/// copy of every deserializer. The body is checked as UTF-8 once, in one pass, rather than
/// string by string; a body that is not UTF-8 (Go's encoder never writes one) is a decode
/// error naming the path of the string that holds the bad bytes.
pub fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8], request: &str) -> Result<T, Error> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(not_utf8(body, request));
    };
    serde_json::from_str(text).map_err(|source| Error::Decode {
        request: request.to_owned(),
        path: crate::json_path::locate(text, &source),
        excerpt: excerpt(body, &source),
        source,
    })
}

/// The decode error of a body that is not UTF-8: where serde_json's own reading (as
/// untyped JSON, which checks every string) stops, and the path of that value.
fn not_utf8(body: &[u8], request: &str) -> Error {
    let (path, source) = crate::json_path::untyped_failure(body).unwrap_or_else(|| {
        (
            ".".to_owned(),
            <serde_json::Error as serde::de::Error>::custom("the response is not UTF-8 text"),
        )
    });
    Error::Decode {
        request: request.to_owned(),
        path,
        excerpt: excerpt(body, &source),
        source,
    }
}

/// About 60 bytes either side of where serde_json stopped.
fn excerpt(body: &[u8], err: &serde_json::Error) -> String {
    const SPAN: usize = 60;
    // Centred on the last byte serde_json read.
    let offset = crate::json_path::offset(body, err).map_or(0, |o| o.saturating_sub(1));
    let start = offset.saturating_sub(SPAN);
    let end = (offset + SPAN).min(body.len());
    let mut text = String::from_utf8_lossy(&body[start..end]).into_owned();
    if start > 0 {
        text.insert(0, '…');
    }
    if end < body.len() {
        text.push('…');
    }
    text
}

/// Turns a non-success response into the most specific error.
pub(crate) fn api_error(
    status: u16,
    body: &[u8],
    info: &RequestInfo,
    daemon: crate::daemon::DaemonKind,
) -> Error {
    #[derive(serde::Deserialize)]
    struct Message {
        message: String,
        #[serde(default)]
        cause: Option<String>,
    }
    const MAX: usize = 16 * 1024;
    let mut cause = None;
    let message = match serde_json::from_slice::<Message>(body) {
        Ok(m) => {
            cause = m.cause;
            m.message
        }
        Err(_) => {
            let text = String::from_utf8_lossy(&body[..body.len().min(MAX)]);
            let text = text.trim();
            if text.is_empty() {
                http::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("no message")
                    .to_owned()
            } else {
                text.to_owned()
            }
        }
    };
    if let Some((client, daemon_max)) = parse_too_new_message(&message) {
        return Error::VersionTooNew { client, daemon_max };
    }
    // Go's TLS server answers a plain-HTTP request with this 400 before any routing.
    if status == 400
        && !info.transport.inner.is_tls
        && message.contains("HTTP request to an HTTPS server")
    {
        return info
            .transport
            .transport_error(TransportErrorKind::TlsRequired, message.into());
    }
    Error::Api {
        status,
        message,
        method: info.method.clone(),
        path: info.path.clone(),
        cause,
        daemon,
    }
}

/// A hijacked connection (attach, exec start): raw bytes both ways.
///
/// Whether the bytes are multiplexed frames depends on the container's TTY setting;
/// `content_type()` tells on API ≥ 1.42 only (older daemons say `raw-stream` either way).
pub struct Upgraded {
    io: reqwest::Upgraded,
    headers: http::HeaderMap,
}

impl std::fmt::Debug for Upgraded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upgraded")
            .field("content_type", &self.content_type())
            .finish()
    }
}

impl Upgraded {
    pub(crate) fn new(io: reqwest::Upgraded, headers: http::HeaderMap) -> Self {
        Upgraded { io, headers }
    }

    /// Headers of the `101 Switching Protocols` response.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// `application/vnd.docker.multiplexed-stream` or `application/vnd.docker.raw-stream`.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get("content-type")?.to_str().ok()
    }
}

impl AsyncRead for Upgraded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Upgraded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Port {
        #[serde(rename = "PublicPort")]
        public_port: Option<u16>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Container {
        #[serde(rename = "Ports")]
        ports: Vec<Port>,
    }

    #[test]
    fn decode_errors_name_the_path_and_show_the_text() {
        let body = br#"[{"Ports":[]},{"Ports":[{"PublicPort":80},{"PublicPort":70000}]}]"#;
        let err = decode_json::<Vec<Container>>(body, "GET /v1.41/containers/json").unwrap_err();
        match &err {
            Error::Decode {
                path,
                excerpt,
                request,
                ..
            } => {
                assert_eq!(path, "[1].Ports[1].PublicPort");
                assert!(excerpt.contains("70000"), "{excerpt}");
                assert_eq!(request, "GET /v1.41/containers/json");
            }
            other => panic!("unexpected {other:?}"),
        }
        let msg = err.to_string();
        assert!(
            msg.contains("[1].Ports[1].PublicPort") && msg.contains("GET /v1.41/containers/json"),
            "{msg}"
        );
    }

    #[test]
    fn decodes_what_the_tracking_path_decodes() {
        let body = br#"[{"Ports":[{"PublicPort":80}]},{"Ports":[]}]"#;
        let got = decode_json::<Vec<Container>>(body, "GET /x").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].ports[0].public_port, Some(80));
        // A failure's path is found in the text afterwards.
        let err = decode_json::<Vec<Container>>(br#"[{"Ports":[{"PublicPort":"80"}]}]"#, "GET /x")
            .unwrap_err();
        assert!(
            matches!(err, Error::Decode { ref path, .. } if path == "[0].Ports[0].PublicPort"),
            "{err:?}"
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_a_decode_error_with_a_path() {
        let body = b"[{\"Ports\":[]},{\"Names\":[\"a\xffb\"]}]";
        let err = decode_json::<serde_json::Value>(body, "GET /x").unwrap_err();
        assert!(
            matches!(err, Error::Decode { ref path, .. } if path == "[1].Names[0]"),
            "{err:?}"
        );
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let err = decode_json::<serde_json::Value>(b"{} x", "GET /x").unwrap_err();
        assert!(
            matches!(err, Error::Decode { ref path, .. } if path == "."),
            "{err:?}"
        );
    }

    #[test]
    fn excerpt_is_bounded() {
        let mut body = vec![b' '; 500];
        body.extend_from_slice(b"{\"a\": tru }");
        body.extend(std::iter::repeat_n(b' ', 500));
        let err = decode_json::<serde_json::Value>(&body, "GET /x").unwrap_err();
        let Error::Decode { excerpt, .. } = err else {
            panic!()
        };
        assert!(excerpt.contains("tru"), "{excerpt:?}");
        assert!(excerpt.chars().count() <= 122, "{}", excerpt.len());
    }
}
