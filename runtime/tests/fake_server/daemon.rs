//! The fake daemon itself: a unix socket (or any accepted stream) whose answers a test
//! scripts per request, recording each request as it arrived on the wire.

use dockwright_runtime as rt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::UnixListener;

use crate::support::read_request;
/// Requests are read, and recorded, as `support/mod.rs` reads them for the fault tests.
pub use crate::support::Recorded;

/// What the fake daemon does with one request.
pub enum Reply {
    /// Write these bytes, keep the connection.
    Send(Vec<u8>),
    /// Write these bytes, then close.
    SendAndClose(Vec<u8>),
    /// Wait, then write.
    Delayed(Duration, Vec<u8>),
    /// Write these bytes (a 101 head), then echo everything back.
    UpgradeEcho(Vec<u8>),
}

pub fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

pub fn json_response(status: &str, body: &str) -> Vec<u8> {
    response(
        status,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

pub type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

pub struct Fake {
    requests: Arc<Mutex<Vec<Recorded>>>,
    pub connections: Arc<Mutex<usize>>,
    _dir: tempfile::TempDir,
    pub socket: PathBuf,
}

impl Fake {
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
    pub fn transport(&self) -> rt::Transport {
        rt::Transport::unix(&self.socket).unwrap()
    }
}

pub async fn serve_conn<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    handler: Handler,
    log: Arc<Mutex<Vec<Recorded>>>,
) {
    let mut reader = BufReader::new(stream);
    while let Some(req) = read_request(&mut reader).await {
        log.lock().unwrap().push(req.clone());
        let reply = handler(&req);
        let stream = reader.get_mut();
        match reply {
            Reply::Send(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::SendAndClose(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::Delayed(delay, bytes) => {
                tokio::time::sleep(delay).await;
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::UpgradeEcho(head) => {
                if stream.write_all(&head).await.is_err() {
                    return;
                }
                let mut buf = [0u8; 1024];
                loop {
                    match reader.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if reader.get_mut().write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Starts a fake daemon on a unix socket in a fresh temporary folder.
pub fn fake(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Fake {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("fake.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    let handler: Handler = Arc::new(handler);
    let requests = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(Mutex::new(0));
    let (log, count) = (requests.clone(), connections.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            *count.lock().unwrap() += 1;
            tokio::spawn(serve_conn(stream, handler.clone(), log.clone()));
        }
    });
    Fake {
        requests,
        connections,
        _dir: dir,
        socket,
    }
}
