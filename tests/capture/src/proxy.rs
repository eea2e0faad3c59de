//! The recording proxy: a unix socket served by hyper that forwards every request to the
//! daemon's socket (framed by hyper's client half, never by hand) and keeps what the daemon
//! answered. The generated client talks to the proxy, so the corpus holds the daemon's raw
//! answers whatever the typed decode makes of them.
//!
//! Bodies are read whole before they are passed on: the capture asks only for answers that
//! end (events with `until`, stats with `stream=false`), and hijacking is disabled by
//! dropping the `Upgrade` request headers (a detached exec start needs none).

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING, UPGRADE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{UnixListener, UnixStream};
use tokio::task::AbortHandle;

/// One request and the daemon's answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    pub status: u16,
    pub content_type: String,
    pub body: Bytes,
}

/// A running proxy in front of one daemon socket; stops when dropped.
#[derive(Debug)]
pub struct Proxy {
    path: PathBuf,
    _dir: tempfile::TempDir,
    log: Arc<Mutex<Vec<Exchange>>>,
    acceptor: AbortHandle,
}

impl Proxy {
    /// Listens on a fresh socket in a temporary directory and forwards to `daemon`.
    pub fn start(daemon: &Path) -> std::io::Result<Proxy> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("proxy.sock");
        let listener = UnixListener::bind(&path)?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let daemon = daemon.to_owned();
        let acceptor = {
            let log = log.clone();
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    let (daemon, log) = (daemon.clone(), log.clone());
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |request| {
                            let (daemon, log) = (daemon.clone(), log.clone());
                            async move { Ok::<_, Infallible>(forward(request, &daemon, &log).await) }
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(client), service)
                            .await;
                    });
                }
            })
            .abort_handle()
        };
        Ok(Proxy {
            path,
            _dir: dir,
            log,
            acceptor,
        })
    }

    /// The proxy's socket, for the client's transport.
    pub fn socket(&self) -> &Path {
        &self.path
    }

    /// The exchanges since the last call.
    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

/// Forwards one request; a failure to reach the daemon is a 502 whose body says why.
async fn forward(
    request: Request<Incoming>,
    daemon: &Path,
    log: &Mutex<Vec<Exchange>>,
) -> Response<Full<Bytes>> {
    match try_forward(request, daemon, log).await {
        Ok(response) => response,
        Err(e) => {
            let mut response = Response::new(Full::new(Bytes::from(format!("proxy: {e}"))));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            response
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn try_forward(
    request: Request<Incoming>,
    daemon: &Path,
    log: &Mutex<Vec<Exchange>>,
) -> Result<Response<Full<Bytes>>, BoxError> {
    let (mut parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    for hop in [CONNECTION, UPGRADE, TRANSFER_ENCODING] {
        parts.headers.remove(hop);
    }
    let method = parts.method.to_string();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let stream = UnixStream::connect(daemon).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let answer = sender
        .send_request(Request::from_parts(parts, Full::new(body)))
        .await?;
    let (mut parts, body) = answer.into_parts();
    let body = body.collect().await?.to_bytes();
    for hop in [CONNECTION, UPGRADE, TRANSFER_ENCODING, CONTENT_LENGTH] {
        parts.headers.remove(hop);
    }
    log.lock().unwrap().push(Exchange {
        method,
        path,
        status: parts.status.as_u16(),
        content_type: parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body: body.clone(),
    });
    Ok(Response::from_parts(parts, Full::new(body)))
}
