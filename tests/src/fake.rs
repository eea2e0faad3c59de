//! A tiny fake daemon on a unix socket that records the request line of every request a
//! generated client sends, for assertions on what goes on the wire (the `/v1.xx/` prefix,
//! the exact encoding of `filters`). It answers every request with the same canned reply.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use dockwright_runtime as rt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixListener;

/// A fake daemon listening on a socket in a temporary folder; stops with the runtime.
pub struct FakeDaemon {
    _dir: tempfile::TempDir,
    socket: PathBuf,
    lines: Arc<Mutex<Vec<String>>>,
}

impl FakeDaemon {
    /// Starts answering `200 OK` with `body` as JSON to every request (`[]` suits list
    /// calls; other calls may then fail to decode, which does not matter for the wire).
    pub fn start(body: &'static str) -> FakeDaemon {
        let dir = tempfile::tempdir().expect("temporary directory");
        let socket = dir.path().join("docker.sock");
        let listener = UnixListener::bind(&socket).expect("bind the fake daemon");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let recorded = lines.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut reader = BufReader::new(read);
                    while let Some(line) = read_request(&mut reader).await {
                        recorded.lock().unwrap().push(line);
                        let reply = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.99\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if write.write_all(reply.as_bytes()).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        FakeDaemon {
            _dir: dir,
            socket,
            lines,
        }
    }

    /// A transport to the fake daemon.
    pub fn transport(&self) -> rt::Transport {
        rt::Transport::unix(&self.socket).expect("transport")
    }

    /// The request lines received so far, e.g. `GET /v1.41/containers/json?all=1 HTTP/1.1`.
    pub fn request_lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// The request targets (path and query) received so far.
    pub fn targets(&self) -> Vec<String> {
        self.request_lines()
            .iter()
            .map(|l| l.split(' ').nth(1).unwrap_or_default().to_owned())
            .collect()
    }

    /// Forgets the requests received so far.
    pub fn clear(&self) {
        self.lines.lock().unwrap().clear();
    }
}

/// Reads one request (head and body) and returns its request line.
async fn read_request<R: tokio::io::AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
) -> Option<String> {
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).await.ok()? == 0 {
        return None;
    }
    let mut length = 0usize;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        if k.eq_ignore_ascii_case("content-length") {
            length = v.trim().parse().ok()?;
        } else if k.eq_ignore_ascii_case("transfer-encoding")
            && v.trim().eq_ignore_ascii_case("chunked")
        {
            chunked = true;
        }
    }
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await.ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await.ok()?;
            if size == 0 {
                break;
            }
        }
    } else {
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await.ok()?;
    }
    Some(request_line.trim_end().to_owned())
}
