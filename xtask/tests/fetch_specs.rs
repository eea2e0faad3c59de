//! `fetch_specs` against a loopback HTTP server serving copies of the real specs: the only way
//! to exercise downloads here, since tests must never reach the real upstream.

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use dockwright_codegen::manifest::Manifest;
use sha2::{Digest, Sha256};
use xtask::fetch::{fetch_specs, verify_specs, FetchError};

/// The two versions served; far enough apart to be clearly different files.
const SERVED: [&str; 2] = ["1.41", "1.47"];
/// Path prefix of the mirror, so the tests also check how the base URL and file name join.
const PREFIX: &str = "/mirror/docs";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn real_manifest() -> Manifest {
    let path = workspace_root().join("spec/versions.toml");
    Manifest::load(&path).unwrap_or_else(|e| panic!("loading {}: {e}", path.display()))
}

/// The real manifest cut down to the served versions.
fn served_manifest() -> Manifest {
    let mut manifest = real_manifest();
    manifest
        .versions
        .retain(|e| SERVED.contains(&e.version.as_str()));
    assert_eq!(
        manifest.versions.len(),
        SERVED.len(),
        "manifest lacks a served version"
    );
    manifest
}

/// The local copy of the upstream specs (read-only input data, never committed).
fn engine_specs() -> PathBuf {
    let dir = std::env::var_os("DOCKER_ENGINE_SPECS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/engine-api"));
    assert!(
        dir.join("v1.47.yaml").is_file(),
        "no Engine API specs at {} (set DOCKER_ENGINE_SPECS)",
        dir.display()
    );
    dir
}

fn spec_bytes(version: &str) -> Vec<u8> {
    let path = engine_specs().join(format!("v{version}.yaml"));
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn sorted_listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A one-thread HTTP/1.1 responder serving the files of `root` under `PREFIX`, answering every
/// request with `Connection: close`, and counting the requests it got.
struct Server {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    _root: tempfile::TempDir,
}

impl Server {
    /// Serves `files` (name → bytes), written into a fresh temp folder first.
    fn start(files: &[(&str, Vec<u8>)]) -> Server {
        let root = tempfile::tempdir().unwrap();
        let mut served = HashMap::new();
        for (name, bytes) in files {
            let path = root.path().join(name);
            fs::write(&path, bytes).unwrap();
            served.insert(format!("{PREFIX}/{name}"), path);
        }
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (requests, stop) = (requests.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    requests.fetch_add(1, Ordering::SeqCst);
                    let _ = answer(stream, &served);
                }
            })
        };
        Server {
            addr,
            requests,
            stop,
            thread: Some(thread),
            _root: root,
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}{PREFIX}", self.addr)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the blocking accept so the thread sees the flag and ends.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(mut stream: TcpStream, served: &HashMap<String, PathBuf>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        if stream.read(&mut byte)? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("");
    let (status, body) = match served.get(path) {
        Some(file) => ("200 OK", fs::read(file)?),
        None => ("404 Not Found", b"not found\n".to_vec()),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

fn serve_real(versions: &[&str]) -> Server {
    let files: Vec<(String, Vec<u8>)> = versions
        .iter()
        .map(|v| (format!("v{v}.yaml"), spec_bytes(v)))
        .collect();
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    Server::start(&files)
}

#[test]
fn fetches_served_versions_then_downloads_nothing_on_a_second_run() {
    let server = serve_real(&SERVED);
    let manifest = served_manifest();
    let dest = tempfile::tempdir().unwrap();

    let report = fetch_specs(&manifest, dest.path(), Some(&server.base_url()), None).unwrap();
    assert_eq!(report.downloaded, SERVED);
    assert!(report.up_to_date.is_empty());
    assert_eq!(server.requests(), 2);
    for v in SERVED {
        assert_eq!(
            fs::read(dest.path().join(format!("v{v}.yaml"))).unwrap(),
            spec_bytes(v)
        );
    }
    // No temporary file survives a successful run.
    assert_eq!(sorted_listing(dest.path()), ["v1.41.yaml", "v1.47.yaml"]);
    verify_specs(&manifest, dest.path(), None).unwrap();

    let again = fetch_specs(&manifest, dest.path(), Some(&server.base_url()), None).unwrap();
    assert!(again.downloaded.is_empty(), "{again:?}");
    assert_eq!(again.up_to_date, SERVED);
    assert_eq!(
        server.requests(),
        2,
        "an up-to-date folder must cost no request"
    );
}

#[test]
fn only_fetches_one_version_of_the_full_manifest() {
    let server = serve_real(&SERVED);
    let manifest = real_manifest();
    let dest = tempfile::tempdir().unwrap();

    let report = fetch_specs(
        &manifest,
        dest.path(),
        Some(&server.base_url()),
        Some("v1.47"),
    )
    .unwrap();
    assert_eq!(report.downloaded, ["1.47"]);
    assert_eq!(server.requests(), 1);
    assert_eq!(sorted_listing(dest.path()), ["v1.47.yaml"]);
    verify_specs(&manifest, dest.path(), Some("1.47")).unwrap();

    let err = fetch_specs(
        &manifest,
        dest.path(),
        Some(&server.base_url()),
        Some("9.99"),
    )
    .unwrap_err();
    assert!(matches!(err, FetchError::Manifest(_)), "{err:?}");
    assert!(err.to_string().contains("9.99"), "{err}");
    assert_eq!(server.requests(), 1);
}

#[test]
fn a_wrong_local_copy_is_replaced() {
    let server = serve_real(&["1.47"]);
    let manifest = real_manifest();
    let dest = tempfile::tempdir().unwrap();
    fs::write(dest.path().join("v1.47.yaml"), b"stale\n").unwrap();

    let report = fetch_specs(
        &manifest,
        dest.path(),
        Some(&server.base_url()),
        Some("1.47"),
    )
    .unwrap();
    assert_eq!(report.downloaded, ["1.47"]);
    assert_eq!(
        fs::read(dest.path().join("v1.47.yaml")).unwrap(),
        spec_bytes("1.47")
    );
    assert_eq!(sorted_listing(dest.path()), ["v1.47.yaml"]);
}

#[test]
fn a_tampered_download_is_rejected_and_leaves_no_file() {
    let mut tampered = spec_bytes("1.47");
    tampered.extend_from_slice(b"\n# tampered\n");
    let server = Server::start(&[("v1.47.yaml", tampered.clone())]);
    let manifest = real_manifest();
    let expected = manifest.entry("1.47").unwrap().sha256.clone();
    let actual = sha256_hex(&tampered);
    let dest = tempfile::tempdir().unwrap();

    let err = fetch_specs(
        &manifest,
        dest.path(),
        Some(&server.base_url()),
        Some("1.47"),
    )
    .unwrap_err();
    assert!(matches!(err, FetchError::Checksum { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("v1.47.yaml"), "{msg}");
    assert!(msg.contains(&expected), "{msg}");
    assert!(msg.contains(&actual), "{msg}");
    assert!(
        sorted_listing(dest.path()).is_empty(),
        "{:?}",
        sorted_listing(dest.path())
    );
}

#[test]
fn a_404_names_the_url() {
    let server = Server::start(&[]);
    let manifest = real_manifest();
    let dest = tempfile::tempdir().unwrap();

    let err = fetch_specs(
        &manifest,
        dest.path(),
        Some(&server.base_url()),
        Some("1.47"),
    )
    .unwrap_err();
    assert!(
        matches!(err, FetchError::Http { status: 404, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("{}/v1.47.yaml", server.base_url())),
        "{msg}"
    );
    assert!(msg.contains("404"), "{msg}");
    assert!(sorted_listing(dest.path()).is_empty());
}

#[test]
fn an_unreachable_server_names_the_url() {
    // A port that was just free: nothing listens there any more.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let base = format!("http://{addr}");
    let dest = tempfile::tempdir().unwrap();

    let err = fetch_specs(&real_manifest(), dest.path(), Some(&base), Some("1.41")).unwrap_err();
    assert!(matches!(err, FetchError::Transport { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&format!("{base}/v1.41.yaml")),
        "{err}"
    );
    assert!(sorted_listing(dest.path()).is_empty());
}

#[test]
fn a_manifest_file_name_cannot_escape_the_destination() {
    let server = serve_real(&["1.47"]);
    let mut manifest = served_manifest();
    manifest.versions[0].file = "../escape.yaml".into();
    let dest = tempfile::tempdir().unwrap();

    let err = fetch_specs(&manifest, dest.path(), Some(&server.base_url()), None).unwrap_err();
    assert!(matches!(err, FetchError::BadFileName { .. }), "{err:?}");
    assert!(err.to_string().contains("../escape.yaml"), "{err}");
    assert_eq!(server.requests(), 0);
}

#[test]
fn verify_specs_names_a_wrong_file_and_lists_missing_ones() {
    let manifest = served_manifest();
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("v1.41.yaml"), spec_bytes("1.41")).unwrap();

    let err = verify_specs(&manifest, dir.path(), None).unwrap_err();
    assert!(matches!(err, FetchError::Missing { .. }), "{err:?}");
    assert!(err.to_string().contains("v1.47.yaml"), "{err}");
    verify_specs(&manifest, dir.path(), Some("1.41")).unwrap();

    let tampered = b"swagger: '2.0'\n".to_vec();
    fs::write(dir.path().join("v1.47.yaml"), &tampered).unwrap();
    let err = verify_specs(&manifest, dir.path(), None).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, FetchError::Checksum { .. }), "{err:?}");
    assert!(msg.contains("v1.47.yaml"), "{msg}");
    assert!(
        msg.contains(&manifest.entry("1.47").unwrap().sha256),
        "{msg}"
    );
    assert!(msg.contains(&sha256_hex(&tampered)), "{msg}");

    // The untouched local copy of every version passes as is.
    verify_specs(&real_manifest(), &engine_specs(), None).unwrap();
}

/// `cargo xtask codegen` without a spec folder: the missing spec is fetched into the
/// cache (checked against its sha256), then generated, giving exactly the checked-in
/// crate; a second run costs no request.
#[test]
fn codegen_without_a_folder_fetches_what_is_missing_then_generates() {
    let server = serve_real(&["1.41"]);
    let manifest = real_manifest();
    let cache = tempfile::tempdir().unwrap();
    let root = workspace_root();

    let dir = xtask::codegen::prepare_specs(
        &manifest,
        None,
        cache.path(),
        Some(&server.base_url()),
        Some("1.41"),
    )
    .unwrap();
    assert_eq!(dir, cache.path());
    assert_eq!(server.requests(), 1);
    assert_eq!(sorted_listing(cache.path()), ["v1.41.yaml"]);

    let crates = xtask::codegen::generate(&root, &dir, Some("1.41")).unwrap();
    assert_eq!(crates.len(), 1);
    let stale = xtask::codegen::stale_files(&root, &crates);
    assert!(
        stale.is_empty(),
        "generated from the fetched spec, generated/v1_41 differs: {stale:?}"
    );

    xtask::codegen::prepare_specs(
        &manifest,
        None,
        cache.path(),
        Some(&server.base_url()),
        Some("1.41"),
    )
    .unwrap();
    assert_eq!(
        server.requests(),
        1,
        "a complete cache must cost no request"
    );
}

/// With a folder (`--specs DIR` or `DOCKER_ENGINE_SPECS`) nothing is fetched, even when the
/// folder lacks the file: the generator names the missing file instead.
#[test]
fn codegen_with_a_folder_never_touches_the_network() {
    let server = serve_real(&["1.41"]);
    let manifest = real_manifest();
    let folder = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().join("cache");

    let dir = xtask::codegen::prepare_specs(
        &manifest,
        Some(folder.path().to_owned()),
        &cache_dir,
        Some(&server.base_url()),
        Some("1.41"),
    )
    .unwrap();
    assert_eq!(dir, folder.path());
    assert_eq!(server.requests(), 0);
    assert!(!cache_dir.exists(), "the cache is not even created");
    let err = xtask::codegen::generate(&workspace_root(), &dir, Some("1.41"))
        .err()
        .expect("no spec file");
    assert!(
        err.contains("v1.41.yaml") && err.contains("missing"),
        "{err}"
    );
    assert_eq!(server.requests(), 0);
}
