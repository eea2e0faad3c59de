//! The one error type every generated call returns.
//!
//! Callers mostly need to tell three situations apart: the daemon said no (`Api`), the
//! daemon could not be reached (`Transport`), or it answered something this crate could
//! not read (`Decode`). Each variant carries enough context (endpoint, request, JSON
//! path, file) that the message alone is actionable.

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
        /// The daemon that answered, from the answer's `Server` header.
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

    /// The daemon's answer did not match the expected type.
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
        /// answer).
        daemon_max: String,
    },

    /// The request (or, for streamed answers, reading its body) took longer than allowed.
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

    /// Decoding a streamed answer failed, or the daemon reported a failure inside it
    /// (a progress message's `errorDetail`: [`StreamError::Daemon`](crate::stream::StreamError::Daemon)).
    #[error(transparent)]
    Stream(#[from] crate::stream::StreamError),

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

    /// A buffered answer (JSON, text) is larger than the transport allows; nothing of it
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

    /// The daemon that sent an [`Error::Api`], from the answer's `Server` header.
    pub fn daemon(&self) -> Option<crate::daemon::DaemonKind> {
        match self {
            Error::Api { daemon, .. } => Some(*daemon),
            _ => None,
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
