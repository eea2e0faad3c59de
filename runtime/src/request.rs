//! Building and sending one request.
//!
//! Generated code describes a call as a chain (`query`, `header`, `json_body`, ...) and
//! ends it with the `send_*` that matches the endpoint's response. Builder methods never
//! fail; the first problem (a value that will not serialize, a bad header) is kept and
//! returned by the `send_*` call, so generated code has a single `?`.

use crate::auth::{self, AuthConfig};
use crate::body::Body;
use crate::error::{Error, TransportErrorKind};
use crate::path::check_routable;
use crate::query::{push_pair, QueryValue};
use crate::response::{self, Response, Upgraded};
use crate::transport::Transport;
use std::collections::BTreeMap;
use std::time::Duration;
use tracing::Instrument;

/// One request under construction; consumed by a `send_*` method.
#[must_use = "a request does nothing until one of the send_* methods is awaited"]
pub struct RequestBuilder {
    transport: Transport,
    method: http::Method,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Option<(Body, String)>,
    /// `None`: the transport's default; `Some(None)`: explicitly unlimited.
    timeout: Option<Option<Duration>>,
    error: Option<Error>,
}

impl std::fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Header values are left out: X-Registry-Auth carries credentials.
        f.debug_struct("RequestBuilder")
            .field("endpoint", &self.transport.endpoint())
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl RequestBuilder {
    pub(crate) fn new(transport: Transport, method: http::Method, path: String) -> Self {
        RequestBuilder {
            transport,
            method,
            path,
            query: String::new(),
            headers: Vec::new(),
            body: None,
            timeout: None,
            error: None,
        }
    }

    fn fail(mut self, err: Error) -> Self {
        self.error.get_or_insert(err);
        self
    }

    /// Adds `key=value`.
    pub fn query(mut self, key: &str, value: impl QueryValue) -> Self {
        push_pair(&mut self.query, key, &value.to_query_value());
        self
    }

    /// Adds `key=value` when `value` is `Some`.
    pub fn query_opt(self, key: &str, value: Option<impl QueryValue>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Adds `key=<JSON text of value>`, the daemon's encoding for maps and lists
    /// (`filters`, `buildargs`, `labels`, `platform`).
    pub fn query_json(self, key: &str, value: &impl serde::Serialize) -> Self {
        match serde_json::to_string(value) {
            Ok(json) => self.query(key, json),
            Err(e) => self.fail(Error::config(format!(
                "query parameter {key}: cannot encode as JSON: {e}"
            ))),
        }
    }

    /// Adds `key=a&key=b...`, the daemon's encoding for string lists such as `cachefrom`
    /// on old versions or `changes` on commit.
    pub fn query_repeated<V: QueryValue>(
        mut self,
        key: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        for v in values {
            push_pair(&mut self.query, key, &v.to_query_value());
        }
        self
    }

    /// Adds a header (replacing none: repeated names are sent repeatedly).
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// `X-Registry-Auth` for pull, push, service create/update, plugin install.
    pub fn registry_auth(self, auth: &AuthConfig) -> Self {
        match auth::encode_header(auth) {
            Ok(v) => self.header("X-Registry-Auth", v),
            Err(e) => self.fail(Error::config(format!("X-Registry-Auth: {e}"))),
        }
    }

    /// `X-Registry-Config` for builds: credentials per registry address.
    pub fn registry_config(self, map: &BTreeMap<String, AuthConfig>) -> Self {
        match auth::encode_header(map) {
            Ok(v) => self.header("X-Registry-Config", v),
            Err(e) => self.fail(Error::config(format!("X-Registry-Config: {e}"))),
        }
    }

    /// A JSON request body.
    pub fn json_body(self, value: &impl serde::Serialize) -> Self {
        match serde_json::to_vec(value) {
            Ok(json) => self.body(Body::from(json), "application/json"),
            Err(e) => self.fail(Error::config(format!(
                "request body: cannot encode as JSON: {e}"
            ))),
        }
    }

    /// A body of any type, e.g. a tar stream with `application/x-tar`.
    pub fn body(mut self, body: Body, content_type: &str) -> Self {
        self.body = Some((body, content_type.to_owned()));
        self
    }

    /// Limit for this request including reading its body; `None` = no limit, whatever
    /// the transport's default is.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The path, with its `/vX.Y` prefix, without the query.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `METHOD /path` for messages.
    fn describe(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Sends the request and returns the raw reqwest response, whatever its status.
    pub(crate) async fn dispatch(self) -> Result<(reqwest::Response, RequestInfo), Error> {
        if let Some(err) = self.error {
            return Err(err);
        }
        if let Err(reason) = check_routable(&self.path) {
            return Err(Error::UnroutablePath {
                method: self.method,
                path: self.path,
                reason,
            });
        }
        let inner = &self.transport.inner;
        let mut url = format!("{}{}", inner.base, self.path);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        let url = reqwest::Url::parse(&url).map_err(|e| {
            Error::config(format!(
                "{} {}: not a valid URL: {e}",
                self.method, self.path
            ))
        })?;
        let mut req = inner.client.request(self.method.clone(), url);
        for (name, value) in &self.headers {
            let name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::config(format!("header name {name:?}: {e}")))?;
            let value = http::HeaderValue::from_str(value).map_err(|e| {
                Error::config(format!("header {name}: value not allowed in HTTP: {e}"))
            })?;
            req = req.header(name, value);
        }
        if let Some((body, content_type)) = self.body {
            req = req
                .header(http::header::CONTENT_TYPE, content_type)
                .body(body.0);
        }
        let limit = self.timeout.unwrap_or(inner.default_timeout);
        if let Some(t) = limit {
            req = req.timeout(t);
        }
        let started = tokio::time::Instant::now();
        // The query is left out: it can carry values the caller would not log.
        let span = tracing::debug_span!(
            "docker_request",
            method = %self.method,
            path = %self.path,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let info = RequestInfo {
            transport: self.transport.clone(),
            method: self.method,
            path: self.path,
            deadline: limit.map(|t| started + t),
            started,
            span,
        };
        let resp = req
            .send()
            .instrument(info.span.clone())
            .await
            .map_err(|e| {
                let err = info.transport.map_error(e, &info.describe());
                info.finished(None, Some(&err));
                err
            })?;
        if !info.span.is_disabled() {
            // Time to the response's head; a buffered response records it again once read.
            info.span.record("status", resp.status().as_u16());
            let elapsed = info.started.elapsed().as_secs_f64() * 1000.0;
            info.span.record("duration_ms", elapsed);
        }
        Ok((resp, info))
    }

    /// Sends the request; any status outside 2xx becomes [`Error::Api`]. The body is
    /// left unread for streaming.
    pub async fn send(self) -> Result<Response, Error> {
        let (resp, info) = self.dispatch().await?;
        check_status(resp, info, false).await
    }

    /// Sends the request and decodes a JSON response; decode errors name the JSON path.
    pub async fn send_json<T: serde::de::DeserializeOwned + Send + 'static>(
        self,
    ) -> Result<T, Error> {
        self.send().await?.json().await
    }

    /// Sends the request and ignores the response; 304 (already started/stopped) is success.
    pub async fn send_empty(self) -> Result<(), Error> {
        let (resp, info) = self.dispatch().await?;
        let resp = check_status(resp, info, true).await?;
        // Read to the end so the connection returns to the pool.
        resp.bytes().await.map(drop)
    }

    /// Sends the request and returns the response as text (lossy UTF-8).
    pub async fn send_text(self) -> Result<String, Error> {
        self.send().await?.text().await
    }

    /// Hijacks the connection for attach/exec: sends `Connection: Upgrade` and
    /// `Upgrade: tcp`, and returns the raw duplex stream after `101 Switching Protocols`.
    pub async fn send_upgrade(self) -> Result<Upgraded, Error> {
        let describe = self.describe();
        let (resp, info) = self
            .header("Connection", "Upgrade")
            .header("Upgrade", "tcp")
            .dispatch()
            .await?;
        let status = resp.status().as_u16();
        if status != 101 {
            let resp = check_status(resp, info, false).await?;
            // A 2xx without switching protocols: daemons answer so only to clients that do
            // not ask for an upgrade, and the stream cannot be written to then.
            return Err(Error::Upgrade {
                request: describe,
                message: format!("expected 101 Switching Protocols, got {}", resp.status()),
            });
        }
        let headers = resp.headers().clone();
        let upgraded = resp.upgrade().await.map_err(|e| {
            info.transport
                .transport_error(TransportErrorKind::ConnectionClosed, Box::new(e))
        })?;
        Ok(Upgraded::new(upgraded, headers))
    }
}

/// What a response needs to know about its request for error messages, limits and
/// tracing.
#[derive(Clone)]
pub(crate) struct RequestInfo {
    pub(crate) transport: Transport,
    pub(crate) method: http::Method,
    pub(crate) path: String,
    /// When the request's time limit runs out (`None`: no limit).
    pub(crate) deadline: Option<tokio::time::Instant>,
    pub(crate) started: tokio::time::Instant,
    /// `docker_request{method, path, status, duration_ms}`; disabled (and nearly free)
    /// without a subscriber.
    pub(crate) span: tracing::Span,
}

impl RequestInfo {
    pub(crate) fn describe(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Records the duration so far and emits one debug event in the request's span:
    /// when a buffered response has been read, or the request failed.
    pub(crate) fn finished(&self, status: Option<u16>, error: Option<&Error>) {
        if self.span.is_disabled() {
            return;
        }
        let elapsed = self.started.elapsed().as_secs_f64() * 1000.0;
        self.span.record("duration_ms", elapsed);
        let _enter = self.span.enter();
        match error {
            None => tracing::debug!(status, duration_ms = elapsed, "answer read"),
            Some(error) => tracing::debug!(duration_ms = elapsed, %error, "request failed"),
        }
    }
}

/// Error bodies are read up to this size; the daemon's messages are a few hundred bytes,
/// and whatever is cut only shortens the message.
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

pub(crate) async fn check_status(
    resp: reqwest::Response,
    info: RequestInfo,
    accept_304: bool,
) -> Result<Response, Error> {
    let status = resp.status().as_u16();
    if (200..300).contains(&status) || (accept_304 && status == 304) {
        return Ok(Response::new(resp, info));
    }
    let daemon = crate::daemon::DaemonKind::from_headers(resp.headers());
    let body = response::read_prefix(resp, ERROR_BODY_LIMIT).await;
    let err = response::api_error(status, &body, &info, daemon);
    info.finished(Some(status), Some(&err));
    Err(err)
}
