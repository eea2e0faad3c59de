//! A scripted misbehaving daemon on a unix socket, plain TCP on 127.0.0.1 or TLS on
//! 127.0.0.1, so that every fault test runs the same assertions over the three
//! transports. The TLS certificates are made at test time with the `openssl` tool.
#![allow(dead_code)]

use dockwright_runtime as rt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// The three transports every fault runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Unix,
    Tcp,
    Tls,
}

pub const KINDS: [Kind; 3] = [Kind::Unix, Kind::Tcp, Kind::Tls];

/// One request as the fake daemon read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub request_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One step of the fake daemon's answer to a request.
#[derive(Debug, Clone)]
pub enum Step {
    /// Write these bytes.
    Write(Vec<u8>),
    /// Pause.
    Sleep(Duration),
    /// Close the connection (without a TLS close_notify: as if the peer died).
    Close,
    /// Close the connection properly (with a TLS close_notify).
    Shutdown,
    /// Never answer (until the client goes away).
    Hang,
    /// Write `unit` again and again (at most 1 GiB) until the client stops reading.
    Flood(Vec<u8>),
}

/// What the daemon does with request number `n` (counted over all connections).
pub type Script = Arc<dyn Fn(usize, &Recorded) -> Vec<Step> + Send + Sync>;

pub struct Server {
    pub kind: Kind,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
    /// Bytes written by [`Step::Flood`] over the server's life.
    flooded: Arc<AtomicUsize>,
    address: String,
    tls: Option<rt::TlsConfig>,
    _dir: tempfile::TempDir,
}

impl Server {
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
    pub fn flooded(&self) -> usize {
        self.flooded.load(Ordering::SeqCst)
    }
    pub fn builder(&self) -> rt::TransportBuilder {
        let b = rt::Transport::builder().host(&self.address);
        match &self.tls {
            Some(tls) => b.tls(tls.clone()),
            None => b,
        }
    }
    pub fn transport(&self) -> rt::Transport {
        self.builder().build().unwrap()
    }
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Starts a fake daemon of `kind` answering with `script`.
pub async fn serve(
    kind: Kind,
    script: impl Fn(usize, &Recorded) -> Vec<Step> + Send + Sync + 'static,
) -> Server {
    let script: Script = Arc::new(script);
    let dir = tempfile::tempdir().unwrap();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let flooded = Arc::new(AtomicUsize::new(0));
    let state = (requests.clone(), connections.clone(), flooded.clone());
    let (address, tls) = match kind {
        Kind::Unix => {
            let socket = dir.path().join("docker.sock");
            let listener = tokio::net::UnixListener::bind(&socket).unwrap();
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    accepted(Box::new(stream), &script, &state);
                }
            });
            (format!("unix://{}", socket.display()), None)
        }
        Kind::Tcp | Kind::Tls => {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let (acceptor, tls) = if kind == Kind::Tls {
                let (acceptor, tls) = tls_material(&dir.path().to_owned());
                (Some(acceptor), Some(tls))
            } else {
                (None, None)
            };
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    match &acceptor {
                        None => accepted(Box::new(stream), &script, &state),
                        Some(acceptor) => {
                            let (acceptor, script, state) =
                                (acceptor.clone(), script.clone(), state.clone());
                            tokio::spawn(async move {
                                if let Ok(stream) = acceptor.accept(stream).await {
                                    accepted(Box::new(stream), &script, &state);
                                }
                            });
                        }
                    }
                }
            });
            (format!("tcp://127.0.0.1:{port}"), tls)
        }
    };
    Server {
        kind,
        requests,
        connections,
        flooded,
        address,
        tls,
        _dir: dir,
    }
}

type State = (
    Arc<Mutex<Vec<Recorded>>>,
    Arc<AtomicUsize>,
    Arc<AtomicUsize>,
);

fn accepted(stream: Box<dyn Io>, script: &Script, state: &State) {
    state.1.fetch_add(1, Ordering::SeqCst);
    tokio::spawn(serve_connection(stream, script.clone(), state.clone()));
}

async fn serve_connection(stream: Box<dyn Io>, script: Script, state: State) {
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader).await {
        let n = {
            let mut log = state.0.lock().unwrap();
            log.push(request.clone());
            log.len() - 1
        };
        for step in script(n, &request) {
            let out = reader.get_mut();
            match step {
                Step::Write(bytes) => {
                    if out.write_all(&bytes).await.is_err() || out.flush().await.is_err() {
                        return;
                    }
                }
                Step::Sleep(d) => tokio::time::sleep(d).await,
                Step::Close => return,
                Step::Shutdown => {
                    let _ = out.shutdown().await;
                    return;
                }
                Step::Hang => {
                    // Until the client closes its end.
                    let mut sink = [0u8; 1024];
                    while matches!(reader.read(&mut sink).await, Ok(n) if n > 0) {}
                    return;
                }
                Step::Flood(unit) => {
                    let mut sent = 0usize;
                    while sent < 1 << 30 {
                        if out.write_all(&unit).await.is_err() {
                            return;
                        }
                        sent += unit.len();
                        state.2.fetch_add(unit.len(), Ordering::SeqCst);
                    }
                    return;
                }
            }
        }
    }
}

/// Reads one request: head, then a `Content-Length` or chunked body.
pub async fn read_request<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Option<Recorded> {
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).await.ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let mut recorded = Recorded {
        request_line: request_line.trim_end().to_owned(),
        headers,
        body: Vec::new(),
    };
    if let Some(len) = recorded.header("content-length") {
        recorded.body.resize(len.parse().ok()?, 0);
        reader.read_exact(&mut recorded.body).await.ok()?;
    } else if recorded
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await.ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await.ok()?;
            if size == 0 {
                break;
            }
            recorded.body.extend_from_slice(&chunk[..size]);
        }
    }
    Some(recorded)
}

/// A CA and a server certificate for 127.0.0.1, made with `openssl` in `dir`.
fn tls_material(dir: &PathBuf) -> (tokio_rustls::TlsAcceptor, rt::TlsConfig) {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("the openssl tool makes the test certificates");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
    run(&[
        &["req", "-x509", "-nodes", "-days", "2"][..],
        &ec[..],
        &[
            "-subj",
            "/CN=fault test CA",
            "-keyout",
            "ca-key.pem",
            "-out",
            "ca.pem",
        ],
    ]
    .concat());
    run(&[
        &["req", "-nodes"][..],
        &ec[..],
        &[
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
        ],
    ]
    .concat());
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca-key.pem",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "cert.pem",
    ]);
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(dir.join("cert.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("key.pem")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let client = rt::TlsConfig {
        ca_pem: Some(std::fs::read(dir.join("ca.pem")).unwrap()),
        ..Default::default()
    };
    (tokio_rustls::TlsAcceptor::from(Arc::new(config)), client)
}

/// `HTTP/1.1 {status}` with `Content-Length` and a JSON content type.
pub fn json(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A chunked answer head with this content type.
pub fn chunked_head(content_type: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n")
        .into_bytes()
}

/// One chunk of a chunked body.
pub fn chunk(bytes: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", bytes.len()).into_bytes();
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
    out
}

/// Runs `f` under a time limit that fails the test rather than hanging it.
pub async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .unwrap_or_else(|_| panic!("{what}: no result within 30 s"))
}
