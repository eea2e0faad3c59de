//! Answers: status checks, JSON decoding with paths, byte streams, hijacked connections.

use crate::error::{Error, TransportErrorKind};
use crate::request::RequestInfo;
use crate::version::parse_too_new_message;
use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A stream of body chunks, as handed to the stream decoders.
pub type ByteStream = BoxStream<'static, Result<Bytes, Error>>;

/// A successful answer whose body has not been read yet.
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
    /// rather than silently, so truncated logs or pulls are noticed.
    pub fn bytes_stream(self) -> ByteStream {
        let info = self.info;
        self.inner
            .bytes_stream()
            .map(move |chunk| chunk.map_err(|e| info.transport.map_error(e, &info.describe())))
            .boxed()
    }

    /// The whole body.
    pub async fn bytes(self) -> Result<Bytes, Error> {
        let info = self.info;
        self.inner
            .bytes()
            .await
            .map_err(|e| info.transport.map_error(e, &info.describe()))
    }

    /// The whole body as text (lossy UTF-8).
    pub async fn text(self) -> Result<String, Error> {
        let bytes = self.bytes().await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The whole body decoded as JSON.
    pub async fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let request = self.info.describe();
        let bytes = self.bytes().await?;
        decode_json(&bytes, &request)
    }
}

/// Decodes JSON, reporting the path of the failing value and the text around it.
///
/// Answers that decode (nearly all) take serde_json's plain path: tracking the path costs
/// an allocation per object key and about half of the decoding time, so it is only paid
/// again, on the same bytes, to describe a failure. The body is checked as UTF-8 once,
/// in one pass, rather than string by string.
pub fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8], request: &str) -> Result<T, Error> {
    let fast = match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    };
    if let Ok(value) = fast {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let (path, source) = match value {
        Ok(v) => match de.end() {
            Ok(()) => return Ok(v),
            Err(e) => (".".to_owned(), e),
        },
        Err(e) => (e.path().to_string(), e.into_inner()),
    };
    Err(Error::Decode {
        request: request.to_owned(),
        path,
        excerpt: excerpt(body, &source),
        source,
    })
}

/// About 60 bytes either side of where serde_json stopped.
fn excerpt(body: &[u8], err: &serde_json::Error) -> String {
    const SPAN: usize = 60;
    let offset = if err.line() == 0 {
        0
    } else {
        let line_start: usize = body
            .split(|b| *b == b'\n')
            .take(err.line() - 1)
            .map(|l| l.len() + 1)
            .sum();
        (line_start + err.column().saturating_sub(1)).min(body.len())
    };
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

/// Turns a non-success answer into the most specific error.
pub(crate) fn api_error(status: u16, body: &[u8], info: &RequestInfo) -> Error {
    #[derive(serde::Deserialize)]
    struct Message {
        message: String,
    }
    const MAX: usize = 16 * 1024;
    let message = match serde_json::from_slice::<Message>(body) {
        Ok(m) => m.message,
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

    /// Headers of the `101 Switching Protocols` answer.
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
        // A failure found by the fast path is described by the tracking one, exactly.
        let err = decode_json::<Vec<Container>>(br#"[{"Ports":[{"PublicPort":"80"}]}]"#, "GET /x").unwrap_err();
        assert!(matches!(err, Error::Decode { ref path, .. } if path == "[0].Ports[0].PublicPort"), "{err:?}");
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
