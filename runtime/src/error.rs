//! The one error type every generated call returns, and every streamed item too.
//!
//! Callers mostly need to tell three situations apart: the daemon said no (`Api`, or
//! `Daemon` when it said so inside a streamed response after a 200), the daemon could not
//! be reached (`Transport`), or it answered something this crate could not read
//! (`Decode`, and the stream kinds `StreamDecode`, `FrameTooLarge`, `Truncated` …).
//! Sends and stream items share the type so that a failed pull is one `match` whether
//! the daemon refused the request or failed halfway, and `?` works in both places.
//! Each variant carries enough context (endpoint, request, JSON path, file) that the
//! message alone is actionable.

use std::path::PathBuf;

/// Boxed source error; the concrete types come from several libraries.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Result alias used throughout the runtime and the generated crates.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong between a typed call and the daemon.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The daemon answered with a status the call does not treat as success.
    #[error("{method} {path}: the daemon answered {status}: {message}")]
    Api {
        /// The HTTP status, for matching (`404`, `409`…) without parsing the message.
        status: u16,
        /// The daemon's `{"message": ...}`, or the raw body text when it sent no JSON.
        message: String,
        /// The request's method, so the message says which call failed.
        method: http::Method,
        /// The request's path as sent (with the `/v1.NN` prefix and the query).
        path: String,
        /// The daemon's `cause`, when its error body has one (Podman:
        /// `{"cause": "container state improper", "message": ..., "response": 500}`).
        cause: Option<String>,
        /// The daemon that answered, from the response's `Server` header.
        daemon: crate::daemon::DaemonKind,
    },

    /// The request path could not address any object, so it was not sent.
    ///
    /// The daemon percent-decodes the path and then redirects any non-canonical form
    /// (`..`, `.`, `//`) to the cleaned path, i.e. to a *different* route (`/containers/./json`
    /// becomes the container list). No Docker object can have such a name, so the
    /// runtime refuses the request and [`Error::is_not_found`] reports it as a miss.
    #[error(
        "{method} {path}: no object can be addressed by this path ({reason}); request not sent"
    )]
    UnroutablePath {
        /// The request's method.
        method: http::Method,
        /// The path that was refused, as it would have been sent.
        path: String,
        /// Which part of the path the daemon would have rewritten.
        reason: String,
    },

    /// The daemon could not be reached, or the connection broke.
    #[error("{}", transport_message(endpoint, *kind, source))]
    Transport {
        /// Socket path or URL, as the user would write it in `DOCKER_HOST`.
        endpoint: String,
        /// The class of failure, so a caller can tell "no daemon" from a broken connection.
        kind: TransportErrorKind,
        /// The underlying I/O, hyper or TLS error.
        #[source]
        source: BoxError,
    },

    /// TLS material could not be loaded or used.
    #[error("TLS configuration: {message}{}", file.as_ref().map(|f| format!(" (file {})", f.display())).unwrap_or_default())]
    Tls {
        /// The PEM file at fault, when it came from disk.
        file: Option<PathBuf>,
        /// What was wrong with the material.
        message: String,
        /// The rustls or PEM parser's error, when one caused it.
        #[source]
        source: Option<BoxError>,
    },

    /// The daemon's response did not match the expected type.
    #[error("{request}: cannot decode the response at `{path}`: {source} (body near the error: {excerpt:?})")]
    Decode {
        /// Method and path of the request, e.g. `GET /v1.41/containers/json`.
        request: String,
        /// JSON path of the value that failed, e.g. `[3].Ports[0].PublicPort`.
        path: String,
        /// A short piece of the body around the failure.
        excerpt: String,
        /// serde_json's error, with its line and column in the body.
        #[source]
        source: serde_json::Error,
    },

    /// The generated crate speaks a newer API version than the daemon supports.
    #[error("this crate speaks API v{client} but the daemon supports at most {daemon_max}")]
    VersionTooNew {
        /// The API version of the crate that made the call (`1.45`).
        client: String,
        /// The newest API version the daemon says it speaks (`Api-Version` or its version
        /// response).
        daemon_max: String,
    },

    /// The request (or, for streamed responses, reading its body) took longer than allowed.
    #[error("{request}: timed out")]
    Timeout {
        /// Method and path of the request.
        request: String,
    },

    /// The daemon did not switch protocols for an attach/exec hijack.
    #[error("{request}: the daemon did not upgrade the connection: {message}")]
    Upgrade {
        /// Method and path of the request.
        request: String,
        /// Why the upgraded connection cannot be read (its framing could not be decided).
        message: String,
    },

    /// The daemon reported a failure inside a streamed response although the HTTP status
    /// was 200: a progress message's `error`/`errorDetail` (a pull of a missing tag, a
    /// build step that failed), or a multiplexed frame on the daemon's system-error
    /// stream (type 3).
    ///
    /// The same failure reported before the stream began is [`Error::Api`];
    /// [`Error::daemon_message`] reads the daemon's text from either.
    #[error("the daemon reported an error: {message}")]
    Daemon {
        /// The daemon's text, unchanged.
        message: String,
    },

    /// Reading the body of a streamed response failed (connection reset, TLS error …) and
    /// the failure did not come from this crate's transport, which reports its own as
    /// [`Error::Transport`] or [`Error::Timeout`] naming the request.
    #[error("reading the stream failed: {0}")]
    StreamRead(#[source] BoxError),

    /// A multiplexed frame header announced more bytes than the configured maximum.
    ///
    /// Real daemons send frames of at most a few tens of KiB; a huge length usually
    /// means the output of a TTY container is being read as multiplexed.
    #[error(
        "multiplexed frame of {len} bytes exceeds the limit of {max} bytes \
         (if the container has a TTY, its output is a raw stream, not a multiplexed one)"
    )]
    FrameTooLarge {
        /// Payload length from the frame header.
        len: u64,
        /// The decoder's configured maximum.
        max: usize,
    },

    /// A streamed response ended inside a multiplexed frame.
    #[error("stream ended inside a frame: expected {expected} more bytes, got {received}")]
    Truncated {
        /// Bytes the current frame part (8-byte header, or payload) needed.
        expected: u64,
        /// Bytes of it that arrived.
        received: u64,
    },

    /// A multiplexed frame header named a stream other than stdin, stdout, stderr or
    /// the daemon's system-error stream.
    #[error(
        "invalid stream type {0:#04x} in a multiplexed frame header \
         (if the container has a TTY, its output is a raw stream, not a multiplexed one)"
    )]
    InvalidStreamType(u8),

    /// A line of a JSON stream grew beyond the configured maximum without a newline.
    #[error("JSON stream line longer than {max} bytes")]
    LineTooLong {
        /// The decoder's configured maximum.
        max: usize,
    },

    /// One line of a JSON stream (events, stats, progress) was not valid JSON, or not of
    /// the expected shape; the stream goes on with the next line.
    #[error("cannot decode JSON stream item: {source} (near {excerpt:?})")]
    StreamDecode {
        /// A short piece of the line around the failure.
        excerpt: String,
        /// What serde_json found wrong, with the column.
        #[source]
        source: serde_json::Error,
    },

    /// Neither the response's content type nor the caller said whether a log/attach
    /// stream is multiplexed or raw.
    ///
    /// Guessing from the first byte would misread TTY output that happens to start with
    /// a byte 0–2, so the caller must pass the container's `Config.Tty`.
    #[error(
        "cannot tell whether the stream is multiplexed or raw: content type {content_type:?} \
         does not say so (daemons before API 1.42 send raw-stream for both); pass the \
         container's TTY setting as the hint"
    )]
    UnknownFraming {
        /// The content type the daemon sent, if any.
        content_type: Option<String>,
    },

    /// A response header that carries the result could not be read.
    #[error("{request}: cannot read the {name} header: {message}")]
    Header {
        /// Method and path of the request.
        request: String,
        /// The header's name (`Api-Version`, `X-Docker-Container-Path-Stat`).
        name: &'static str,
        /// Why its value could not be read.
        message: String,
    },

    /// A buffered response (JSON, text) is larger than the transport allows; nothing of it
    /// was decoded. Streams (logs, events, archives) are not limited this way.
    #[error("{request}: the answer is larger than the limit of {limit} bytes{}; raise the limit with TransportBuilder::max_body_size if such answers are expected", size.map(|s| format!(" (Content-Length: {s})")).unwrap_or_default())]
    BodyTooLarge {
        /// Method and path of the request.
        request: String,
        /// The transport's limit in bytes.
        limit: u64,
        /// The size the daemon announced, when it did.
        size: Option<u64>,
    },

    /// Invalid configuration: an unsupported `DOCKER_HOST`, a missing context, bad header text.
    #[error("configuration: {message}")]
    Config {
        /// What is wrong and, where known, where it came from (variable, context file).
        message: String,
    },
}

/// Why a connection failed, so callers (and the message) can tell "no daemon" from the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The unix socket does not exist: the daemon is not running, or the path is wrong.
    SocketMissing,
    /// Nothing listens at the address (or a stale socket file is left behind).
    ConnectionRefused,
    /// The socket exists but this user may not open it.
    PermissionDenied,
    /// Connecting took longer than the connect timeout.
    ConnectTimeout,
    /// The TLS handshake failed: unknown CA, wrong host name, client certificate refused.
    TlsHandshake,
    /// The endpoint speaks TLS but the transport was configured for plain HTTP.
    TlsRequired,
    /// The connection was closed or reset mid-request or mid-body.
    ConnectionClosed,
    /// Any other I/O or protocol failure.
    Other,
}

fn transport_message(endpoint: &str, kind: TransportErrorKind, source: &BoxError) -> String {
    let what = match kind {
        TransportErrorKind::SocketMissing => {
            "Docker daemon not reachable: the socket does not exist (is the daemon running?)"
        }
        TransportErrorKind::ConnectionRefused => {
            "Docker daemon not reachable: connection refused (is the daemon running?)"
        }
        TransportErrorKind::PermissionDenied => {
            "Docker daemon not reachable: permission denied on the socket"
        }
        TransportErrorKind::ConnectTimeout => "Docker daemon not reachable: connect timed out",
        TransportErrorKind::TlsHandshake => "TLS handshake with the Docker daemon failed",
        TransportErrorKind::TlsRequired => {
            "the Docker daemon expects TLS but the request was sent as plain HTTP (use a TLS transport / DOCKER_TLS_VERIFY)"
        }
        TransportErrorKind::ConnectionClosed => "connection to the Docker daemon was closed",
        TransportErrorKind::Other => "transport error talking to the Docker daemon",
    };
    format!("{what} at {endpoint}: {}", source_chain(source.as_ref()))
}

/// Joins a source chain into one line; reqwest's own message ("error sending request")
/// says little, the interesting part is usually two or three levels down.
fn source_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = e.source();
    }
    out
}

impl Error {
    /// The HTTP status the daemon answered with, for [`Error::Api`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True for a 404 from the daemon, and for a path that cannot name any object.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Error::Api { status: 404, .. } | Error::UnroutablePath { .. }
        )
    }

    /// True for a 409 (name in use, container running, ...), and for the 500 with which
    /// Podman answers such conflicts (see [`crate::daemon::PODMAN_CONFLICT_CAUSES`]).
    pub fn is_conflict(&self) -> bool {
        match self {
            Error::Api {
                status,
                cause,
                daemon,
                ..
            } => crate::daemon::is_conflict(*daemon, *status, cause.as_deref()),
            _ => false,
        }
    }

    /// The daemon's `cause` of an [`Error::Api`], when its error body had one (Podman).
    pub fn cause(&self) -> Option<&str> {
        match self {
            Error::Api { cause, .. } => cause.as_deref(),
            _ => None,
        }
    }

    /// The daemon that sent an [`Error::Api`], from the response's `Server` header.
    pub fn daemon(&self) -> Option<crate::daemon::DaemonKind> {
        match self {
            Error::Api { daemon, .. } => Some(*daemon),
            _ => None,
        }
    }

    /// The daemon's own text of a failure it reported: the `message` of an
    /// [`Error::Api`] (refused before any response) or of an [`Error::Daemon`] (failed
    /// inside a streamed response, e.g. a pull's `errorDetail`).
    pub fn daemon_message(&self) -> Option<&str> {
        match self {
            Error::Api { message, .. } | Error::Daemon { message } => Some(message),
            _ => None,
        }
    }

    /// True when the daemon reported the failure inside a streamed response
    /// ([`Error::Daemon`]): the bytes were readable, the operation failed.
    pub fn is_daemon_error(&self) -> bool {
        matches!(self, Error::Daemon { .. })
    }

    /// True for the errors after which a stream yields nothing more: they destroy the
    /// framing ([`Error::FrameTooLarge`], [`Error::Truncated`],
    /// [`Error::InvalidStreamType`], [`Error::LineTooLong`]) or the connection. After
    /// [`Error::StreamDecode`] (one bad line, its neighbours still delimited) and
    /// [`Error::Daemon`] (a well-formed message) decoding continues.
    pub fn ends_stream(&self) -> bool {
        !matches!(self, Error::StreamDecode { .. } | Error::Daemon { .. })
    }

    /// Wraps an error of the byte stream under a decoder as [`Error::StreamRead`]; one
    /// that already is an [`Error`] (also inside an `io::Error`) is returned unchanged.
    pub fn stream_read(err: impl Into<BoxError>) -> Self {
        let err: BoxError = err.into();
        let err = match err.downcast::<Error>() {
            Ok(own) => return *own,
            Err(other) => other,
        };
        match err.downcast::<std::io::Error>() {
            Ok(io) if io.get_ref().is_some_and(|inner| inner.is::<Error>()) => {
                let kind = io.kind();
                match io.into_inner().map(|inner| inner.downcast::<Error>()) {
                    Some(Ok(own)) => *own,
                    Some(Err(inner)) => {
                        Error::StreamRead(Box::new(std::io::Error::new(kind, inner)))
                    }
                    None => Error::StreamRead(Box::new(std::io::Error::from(kind))),
                }
            }
            Ok(io) => Error::StreamRead(io),
            Err(other) => Error::StreamRead(other),
        }
    }

    /// True for a 304 (start an already started container, stop a stopped one).
    pub fn is_not_modified(&self) -> bool {
        self.status() == Some(304)
    }

    /// True when the daemon could not be reached at all (as opposed to a broken exchange).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportErrorKind::SocketMissing
                    | TransportErrorKind::ConnectionRefused
                    | TransportErrorKind::PermissionDenied
                    | TransportErrorKind::ConnectTimeout,
                ..
            }
        )
    }

    /// The transport failure kind, for [`Error::Transport`].
    pub fn transport_kind(&self) -> Option<TransportErrorKind> {
        match self {
            Error::Transport { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    pub(crate) fn tls(
        file: Option<PathBuf>,
        message: impl Into<String>,
        source: Option<BoxError>,
    ) -> Self {
        Error::Tls {
            file,
            message: message.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_read_keeps_own_errors_and_wraps_the_rest() {
        let own = || Error::Timeout {
            request: "GET /v1.41/containers/x/logs".into(),
        };
        assert!(matches!(Error::stream_read(own()), Error::Timeout { .. }));
        // The attach reader hands body errors on inside an io::Error.
        let inside = std::io::Error::other(own());
        assert!(matches!(Error::stream_read(inside), Error::Timeout { .. }));
        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let err = Error::stream_read(reset);
        assert!(matches!(err, Error::StreamRead(_)), "{err:?}");
        assert_eq!(err.to_string(), "reading the stream failed: reset by peer");
        let bare = Error::stream_read(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(matches!(bare, Error::StreamRead(_)), "{bare:?}");
    }
}
