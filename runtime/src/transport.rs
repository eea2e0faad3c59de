//! The connection to one daemon: unix socket, plain TCP or TLS.
//!
//! A [`Transport`] is what every generated client holds. It is cheap to clone (one
//! `Arc`), pools connections, never follows redirects (the daemon redirects
//! non-canonical paths to *other* routes) and has no overall timeout by default, because
//! logs, events, attach and wait calls legitimately run for hours.
//!
//! # One HTTP stack: reqwest over hyper, for every transport
//!
//! Every request, on every transport, goes through one `reqwest::Client` (reqwest 0.13,
//! HTTP/1.1 only). reqwest is hyper-util's pooled client with connectors for TCP, rustls
//! and, since 0.12.20, unix sockets (`ClientBuilder::unix_socket`); so the request head,
//! the response's framing (`Content-Length`, chunked, close-delimited), the connection pool
//! and upgrades (attach/exec) are hyper's, identical on the three transports. The
//! alternative was hyper-util's `legacy::Client` over connectors of our own (a unix
//! connector as hyperlocal writes one, `hyper-rustls` for TLS), which is what bollard
//! does. It would give the same framing and pool, but this crate would then own three
//! connectors, the proxy rule, the user agent, time limits and body conversions that
//! reqwest already has and already used for TCP and TLS; one builder configured once
//! (below) is the way to make every setting hold on every transport.
//!
//! What follows from it, and must stay so:
//! - **No request is ever sent twice.** reqwest's own retry layer is switched off
//!   (`retry::never()`; its default only retries HTTP/2 refusals anyway). What remains is
//!   hyper-util's rule: a request is resent on a new connection only when the pooled
//!   connection it was given closed *before any of the request was written*
//!   (`retry_canceled_requests`). A connection that fails after the request was written
//!   is an error for the caller, even when no byte of a response came back: the daemon may
//!   have executed a `kill` or a `prune`.
//! - **No response goes to the wrong call.** hyper's connection task reads the idle
//!   connection; bytes arriving there are a protocol error that closes it, and a closed
//!   idle connection is dropped from the pool instead of being handed to the next call.
//! - **The same settings everywhere**: user agent, connect and request time limits, no
//!   proxy for unix sockets and loopback addresses.
//!
//! A direct socket loop that coalesced the reads of trickling logs, and a hand-written
//! keep-alive path for short unix exchanges, used to save some client CPU; they were
//! removed for the guarantees above (BENCHMARKS.md has the figures before and after).

use crate::config;
use crate::error::{BoxError, Error, TransportErrorKind};
use crate::request::RequestBuilder;
use crate::tls::{self, TlsConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Connect timeout used unless the builder says otherwise: generous for a loaded remote
/// daemon, yet short enough that a dead address fails within a test's patience.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest response read whole unless the builder says otherwise: 64 MiB, about 60 000
/// containers in a list; far above what a daemon sends for anything but a list of tens
/// of thousands of objects, and small enough that a broken or hostile daemon cannot
/// make the client allocate without bound.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 64 * 1024 * 1024;

/// The connection to one Docker daemon. Clone it freely.
#[derive(Clone)]
pub struct Transport {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) client: reqwest::Client,
    /// Scheme, authority and optional path prefix; request paths are appended verbatim.
    pub(crate) base: String,
    pub(crate) endpoint: String,
    pub(crate) default_timeout: Option<Duration>,
    pub(crate) is_unix: bool,
    pub(crate) is_tls: bool,
    /// Largest buffered response, in bytes.
    pub(crate) max_body_size: u64,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("endpoint", &self.inner.endpoint)
            .field("default_timeout", &self.inner.default_timeout)
            .finish()
    }
}

impl Transport {
    /// The daemon the Docker CLI would use in this environment: `DOCKER_HOST`,
    /// `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`, then `DOCKER_CONTEXT` or the current
    /// context of `config.json`, else `unix:///var/run/docker.sock`.
    pub fn from_env() -> Result<Transport, Error> {
        Self::builder().from_env()?.build()
    }

    /// A daemon listening on a unix socket.
    pub fn unix(path: impl AsRef<Path>) -> Result<Transport, Error> {
        Self::builder().unix(path).build()
    }

    /// A daemon on plain TCP: `tcp://127.0.0.1:2375` or `http://...`.
    pub fn tcp(url: &str) -> Result<Transport, Error> {
        Self::builder().host(url).build()
    }

    /// A daemon behind TLS: `tcp://127.0.0.1:2376` or `https://...`.
    pub fn tls(url: &str, tls: TlsConfig) -> Result<Transport, Error> {
        Self::builder().host(url).tls(tls).build()
    }

    /// Explicit configuration: address, TLS, timeouts.
    pub fn builder() -> TransportBuilder {
        TransportBuilder::default()
    }

    /// The daemon's address for messages, e.g. `unix:///run/docker.sock`.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The timeout applied to requests that do not set their own (`None` = no limit).
    pub fn default_timeout(&self) -> Option<Duration> {
        self.inner.default_timeout
    }

    /// Starts a request. `path` is absolute and already carries the `/v1.xx` prefix and
    /// encoded path parameters (see [`crate::encode_path_segment`]).
    pub fn request(&self, method: http::Method, path: String) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, path)
    }

    /// Turns a reqwest failure into an error that names this endpoint and says whether
    /// the daemon was reachable at all.
    pub(crate) fn map_error(&self, err: reqwest::Error, request: &str) -> Error {
        let kind = classify(&err, self.inner.is_unix);
        if err.is_timeout() && kind != TransportErrorKind::ConnectTimeout {
            return Error::Timeout {
                request: request.to_owned(),
            };
        }
        Error::Transport {
            endpoint: self.inner.endpoint.clone(),
            kind,
            source: Box::new(err),
        }
    }

    pub(crate) fn transport_error(&self, kind: TransportErrorKind, source: BoxError) -> Error {
        Error::Transport {
            endpoint: self.inner.endpoint.clone(),
            kind,
            source,
        }
    }
}

/// Every error in the chain, including those wrapped inside an `io::Error`, whose
/// `source()` skips the wrapped error itself (rustls errors travel that way).
fn chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
    out: &mut Vec<&'a (dyn std::error::Error + 'static)>,
) {
    out.push(err);
    if let Some(inner) = err
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        chain(inner, out);
    }
    if let Some(next) = err.source() {
        chain(next, out);
    }
}

fn classify(err: &reqwest::Error, is_unix: bool) -> TransportErrorKind {
    use std::io::ErrorKind as Io;
    let mut errors = Vec::new();
    chain(err, &mut errors);
    if errors
        .iter()
        .any(|e| e.downcast_ref::<rustls::Error>().is_some())
    {
        return TransportErrorKind::TlsHandshake;
    }
    for e in &errors {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                Io::NotFound if is_unix => return TransportErrorKind::SocketMissing,
                Io::ConnectionRefused => return TransportErrorKind::ConnectionRefused,
                Io::PermissionDenied => return TransportErrorKind::PermissionDenied,
                Io::TimedOut if err.is_connect() => return TransportErrorKind::ConnectTimeout,
                Io::ConnectionReset
                | Io::ConnectionAborted
                | Io::BrokenPipe
                | Io::UnexpectedEof => return TransportErrorKind::ConnectionClosed,
                _ => {}
            }
        }
    }
    let hyper_closed = errors.iter().any(|e| {
        e.downcast_ref::<hyper::Error>()
            .is_some_and(|h| h.is_incomplete_message() || h.is_closed() || h.is_canceled())
    });
    if err.is_connect() && err.is_timeout() {
        TransportErrorKind::ConnectTimeout
    } else if hyper_closed || err.is_body() || err.is_decode() {
        TransportErrorKind::ConnectionClosed
    } else {
        TransportErrorKind::Other
    }
}

/// Settings for a [`Transport`]; start from [`Transport::builder`].
#[derive(Debug, Clone)]
pub struct TransportBuilder {
    target: Option<Target>,
    tls: Option<TlsConfig>,
    default_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: String,
    max_body_size: u64,
}

#[derive(Debug, Clone)]
enum Target {
    Unix(PathBuf),
    Url(String),
}

impl Default for TransportBuilder {
    fn default() -> Self {
        TransportBuilder {
            target: None,
            tls: None,
            default_timeout: None,
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            user_agent: concat!("dockwright/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
        }
    }
}

impl TransportBuilder {
    /// Address in `DOCKER_HOST` syntax: `unix:///path`, `tcp://host:port`, `http://`, `https://`.
    pub fn host(mut self, host: &str) -> Self {
        self.target = Some(match host.strip_prefix("unix://") {
            Some(path) => Target::Unix(PathBuf::from(path)),
            None => Target::Url(host.to_owned()),
        });
        self
    }

    /// A unix socket path.
    pub fn unix(mut self, path: impl AsRef<Path>) -> Self {
        self.target = Some(Target::Unix(path.as_ref().to_owned()));
        self
    }

    /// Use TLS with this material (`tcp://` hosts then mean `https://`).
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Timeout for requests that set none themselves. Default `None`: streaming and
    /// long-poll calls (logs, events, wait) must not be cut off.
    pub fn default_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.default_timeout = timeout;
        self
    }

    /// Limit for establishing a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// `User-Agent` header sent with every request.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Largest response read whole (JSON, text; default [`DEFAULT_MAX_BODY_SIZE`]); a larger
    /// one is [`Error::BodyTooLarge`]. Streams (logs, events, archives) are not limited.
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Host and TLS settings from the environment, as [`Transport::from_env`] uses them.
    pub fn from_env(self) -> Result<Self, Error> {
        self.from_lookup(&|name: &str| std::env::var(name).ok())
    }

    /// Like [`TransportBuilder::from_env`] but reads variables through `lookup`, e.g. a
    /// map, so that callers can resolve an environment other than the process's.
    pub fn from_lookup(mut self, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let resolved = config::env::resolve(lookup)?;
        self = self.host(&resolved.host);
        self.tls = resolved.tls;
        Ok(self)
    }

    /// Creates the transport; fails on an unsupported address or unusable TLS material.
    pub fn build(self) -> Result<Transport, Error> {
        let target = self.target.unwrap_or_else(|| {
            Target::Unix(PathBuf::from(
                config::env::DEFAULT_HOST.trim_start_matches("unix://"),
            ))
        });
        let mut client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // hyper-util's rule (resend only what never left) is the only retry.
            .retry(reqwest::retry::never())
            .user_agent(self.user_agent)
            .http1_only();
        if let Some(t) = self.connect_timeout {
            client = client.connect_timeout(t);
        }
        let (base, endpoint, is_unix, is_tls, tls_config) = match target {
            Target::Unix(path) => {
                if path.as_os_str().is_empty() {
                    return Err(Error::config("unix:// address without a socket path"));
                }
                let endpoint = format!("unix://{}", path.display());
                // reqwest ignores proxies on a unix socket; said here as well, so that an
                // `HTTP_PROXY` in the environment can never matter.
                client = client.no_proxy().unix_socket(path);
                // The host name is ignored on a unix socket but must be a valid URL.
                (
                    "http://localhost".to_owned(),
                    endpoint,
                    true,
                    false,
                    tls::unused_config(),
                )
            }
            Target::Url(url) => {
                let parsed = parse_tcp(&url, self.tls.is_some())?;
                let tls_config = match (&self.tls, parsed.tls) {
                    (Some(tls), _) => tls.to_rustls()?,
                    (None, true) => TlsConfig::default().to_rustls()?,
                    (None, false) => tls::unused_config(),
                };
                // HTTP(S)_PROXY applies to remote daemons as with the Docker CLI, but like
                // Go's ProxyFromEnvironment never to loopback addresses.
                if is_loopback(&parsed.base) {
                    client = client.no_proxy();
                }
                (parsed.base, parsed.endpoint, false, parsed.tls, tls_config)
            }
        };
        let client = client
            .tls_backend_preconfigured(tls_config)
            .build()
            .map_err(|e| {
                Error::config(format!("cannot create the HTTP client for {endpoint}: {e}"))
            })?;
        Ok(Transport {
            inner: Arc::new(Inner {
                client,
                base,
                endpoint,
                default_timeout: self.default_timeout,
                is_unix,
                is_tls,
                max_body_size: self.max_body_size,
            }),
        })
    }
}

fn is_loopback(base: &str) -> bool {
    let Some(host) = reqwest::Url::parse(base).ok().and_then(|u| {
        u.host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned())
    }) else {
        return false;
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

struct TcpTarget {
    base: String,
    endpoint: String,
    tls: bool,
}

/// `tcp://`, `http://` or `https://` → the URL requests are built on.
fn parse_tcp(url: &str, have_tls: bool) -> Result<TcpTarget, Error> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        Error::config(format!(
            "{url:?} is not a Docker host address (expected unix://, tcp://, http:// or https://)"
        ))
    })?;
    let tls = match scheme {
        "tcp" => have_tls,
        "http" if have_tls => {
            return Err(Error::config(format!(
                "{url:?} says plain http:// but TLS material was given; use tcp:// or https://"
            )))
        }
        "http" => false,
        "https" => true,
        "npipe" | "ssh" | "fd" => {
            return Err(Error::config(format!(
                "{scheme}:// daemon addresses are not supported ({url:?})"
            )))
        }
        _ => {
            return Err(Error::config(format!(
                "{url:?}: unknown scheme {scheme:?} (expected unix://, tcp://, http:// or https://)"
            )))
        }
    };
    let (authority, prefix) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return Err(Error::config(format!("{url:?} has no host")));
    }
    // Docker's convention: 2376 for TLS, 2375 for plain, when the port is left out.
    let has_port = authority.rsplit_once(':').is_some_and(|(host, port)| {
        !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
            && (!host.starts_with('[') || host.ends_with(']'))
    });
    let authority = if has_port {
        authority.to_owned()
    } else {
        format!("{authority}:{}", if tls { 2376 } else { 2375 })
    };
    let base = format!(
        "{}://{authority}{prefix}",
        if tls { "https" } else { "http" }
    );
    reqwest::Url::parse(&base)
        .map_err(|e| Error::config(format!("{url:?} is not a valid address: {e}")))?;
    let endpoint = match scheme {
        "tcp" if tls => format!("tcp://{authority}{prefix} (TLS)"),
        "tcp" => format!("tcp://{authority}{prefix}"),
        _ => base.clone(),
    };
    Ok(TcpTarget {
        base,
        endpoint,
        tls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_addresses() {
        let t = parse_tcp("tcp://127.0.0.1:2375", false).unwrap();
        assert_eq!(
            (t.base.as_str(), t.endpoint.as_str(), t.tls),
            ("http://127.0.0.1:2375", "tcp://127.0.0.1:2375", false)
        );
        let t = parse_tcp("tcp://127.0.0.1:2376", true).unwrap();
        assert_eq!(
            (t.base.as_str(), t.endpoint.as_str(), t.tls),
            ("https://127.0.0.1:2376", "tcp://127.0.0.1:2376 (TLS)", true)
        );
        let t = parse_tcp("tcp://docker.example", false).unwrap();
        assert_eq!(t.base, "http://docker.example:2375");
        let t = parse_tcp("https://docker.example", false).unwrap();
        assert_eq!(
            (t.base.as_str(), t.tls),
            ("https://docker.example:2376", true)
        );
        let t = parse_tcp("http://[::1]:2375/prefix/", false).unwrap();
        assert_eq!(t.base, "http://[::1]:2375/prefix");
        let t = parse_tcp("tcp://[::1]", false).unwrap();
        assert_eq!(t.base, "http://[::1]:2375");
    }

    #[test]
    fn loopback_detection() {
        assert!(is_loopback("http://127.0.0.1:2375"));
        assert!(is_loopback("https://127.1.2.3:2376"));
        assert!(is_loopback("http://[::1]:2375"));
        assert!(is_loopback("http://LOCALHOST:2375"));
        assert!(!is_loopback("http://192.0.2.1:2375"));
        assert!(!is_loopback("https://docker.example:2376"));
    }

    #[test]
    fn unsupported_addresses_are_config_errors() {
        for (url, tls, needle) in [
            ("ssh://me@host", false, "not supported"),
            ("npipe:////./pipe/docker_engine", false, "not supported"),
            ("ftp://x", false, "unknown scheme"),
            ("127.0.0.1:2375", false, "not a Docker host address"),
            ("http://127.0.0.1:2376", true, "plain http://"),
            ("tcp://", false, "no host"),
        ] {
            match parse_tcp(url, tls) {
                Err(Error::Config { message }) => {
                    assert!(message.contains(needle), "{url}: {message}")
                }
                Err(other) => panic!("{url}: unexpected {other:?}"),
                Ok(_) => panic!("{url}: accepted"),
            }
        }
    }

    #[test]
    fn endpoints_are_human_readable() {
        let t = Transport::unix("/run/docker.sock").unwrap();
        assert_eq!(t.endpoint(), "unix:///run/docker.sock");
        let t = Transport::builder()
            .host("unix:///tmp/x.sock")
            .build()
            .unwrap();
        assert_eq!(t.endpoint(), "unix:///tmp/x.sock");
        let t = Transport::tcp("tcp://127.0.0.1:2375").unwrap();
        assert_eq!(t.endpoint(), "tcp://127.0.0.1:2375");
        assert_eq!(t.default_timeout(), None);
        assert!(matches!(Transport::unix(""), Err(Error::Config { .. })));
    }
}
