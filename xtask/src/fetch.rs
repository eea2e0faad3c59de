//! `cargo xtask fetch-specs`: brings the upstream Engine API specs into a local folder and
//! proves they are the bytes `spec/versions.toml` pinned.
//!
//! The specs are upstream data we may not commit, so every machine fetches its own copy; the
//! sha256 in the manifest is what makes a generated crate reproducible from that copy. A file is
//! only ever visible under its final name once its hash has been checked, so a crash, a broken
//! connection or a tampered mirror can never leave a wrong spec where the generator reads it.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use dockwright_codegen::manifest::{Manifest, VersionEntry};
use sha2::{Digest, Sha256};

/// Everything `fetch_specs` and `verify_specs` can refuse. Each message names the file or URL
/// involved, so the error alone says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The manifest does not know the requested version (or is otherwise unusable).
    #[error(transparent)]
    Manifest(#[from] dockwright_codegen::Error),
    /// A manifest `file` that is not a plain file name; joined to `dest` it could write
    /// outside the spec folder.
    #[error("manifest entry {version}: `{file}` is not a plain file name")]
    BadFileName { version: String, file: String },
    /// A local file or folder could not be read, written or renamed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The server answered, but not with the file.
    #[error("GET {url}: HTTP status {status}")]
    Http { url: String, status: u16 },
    /// No answer at all: DNS, connect, TLS, time-out or a connection cut mid-body.
    #[error("GET {url}: {source}")]
    Transport {
        url: String,
        #[source]
        source: Box<ureq::Error>,
    },
    /// The bytes are not the ones the manifest pinned.
    #[error("{}: sha256 mismatch: expected {expected}, got {actual}", path.display())]
    Checksum {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    /// Spec files the manifest names are absent from the folder.
    #[error(
        "{}: missing spec file(s): {} (run `cargo xtask fetch-specs --dest {}`)",
        dir.display(),
        files.join(", "),
        dir.display()
    )]
    Missing { dir: PathBuf, files: Vec<String> },
}

/// What a fetch did, so the caller can tell the user (and tests can check) that an up-to-date
/// folder costs no download.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchReport {
    /// Versions written by this run (absent before, or present with the wrong hash).
    pub downloaded: Vec<String>,
    /// Versions already present with the pinned hash, left untouched.
    pub up_to_date: Vec<String>,
}

/// Makes `dest` hold every manifest version (or only `only`, `"1.47"` or `"v1.47"`) with its
/// pinned sha256, downloading just what is absent or wrong.
///
/// `base_url_override` replaces `manifest.upstream`, for a mirror or a test server. Stops at the
/// first failure; files already completed by this run stay, since each one is verified.
pub fn fetch_specs(
    manifest: &Manifest,
    dest: &Path,
    base_url_override: Option<&str>,
    only: Option<&str>,
) -> Result<FetchReport, FetchError> {
    fetch_specs_with_progress(manifest, dest, base_url_override, only, &mut |_| {})
}

/// [`fetch_specs`], telling `progress` the URL of each download before it starts, so a
/// command that fetches on the user's behalf can say what it is waiting for.
pub fn fetch_specs_with_progress(
    manifest: &Manifest,
    dest: &Path,
    base_url_override: Option<&str>,
    only: Option<&str>,
    progress: &mut dyn FnMut(&str),
) -> Result<FetchReport, FetchError> {
    let entries = selected(manifest, only)?;
    fs::create_dir_all(dest).map_err(|source| io_err(dest, source))?;
    let agent = agent();
    let mut report = FetchReport::default();
    for entry in entries {
        let target = dest.join(&entry.file);
        if target.is_file() && sha256_file(&target)? == expected_hash(entry) {
            report.up_to_date.push(entry.version.clone());
            continue;
        }
        let url = match base_url_override {
            Some(base) => format!("{}/{}", base.trim_end_matches('/'), entry.file),
            None => manifest.url(entry),
        };
        progress(&url);
        download(&agent, &url, entry, dest, &target)?;
        report.downloaded.push(entry.version.clone());
    }
    Ok(report)
}

/// Checks that `dir` holds every manifest version (or only `only`) with its pinned sha256, for
/// code that reads specs from a folder it did not fetch itself (`--specs DIR`,
/// `DOCKER_ENGINE_SPECS`).
///
/// A wrong file is reported at once (file and both hashes); absent files are collected and
/// reported together, so one run lists everything a fetch has to bring.
pub fn verify_specs(manifest: &Manifest, dir: &Path, only: Option<&str>) -> Result<(), FetchError> {
    let mut missing = Vec::new();
    for entry in selected(manifest, only)? {
        let path = dir.join(&entry.file);
        if path.is_file() {
            verify_file(entry, &path)?;
        } else {
            missing.push(entry.file.clone());
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(FetchError::Missing {
            dir: dir.to_owned(),
            files: missing,
        })
    }
}

/// Checks one spec file against its manifest entry, for a caller about to read just that
/// version.
pub fn verify_file(entry: &VersionEntry, path: &Path) -> Result<(), FetchError> {
    let actual = sha256_file(path)?;
    let expected = expected_hash(entry);
    if actual == expected {
        Ok(())
    } else {
        Err(FetchError::Checksum {
            path: path.to_owned(),
            expected,
            actual,
        })
    }
}

/// The entries to work on, each with a file name checked before any path is built from it.
fn selected<'m>(
    manifest: &'m Manifest,
    only: Option<&str>,
) -> Result<Vec<&'m VersionEntry>, FetchError> {
    let entries = match only {
        Some(version) => vec![manifest.entry(version)?],
        None => manifest.versions.iter().collect(),
    };
    for entry in &entries {
        let plain = !entry.file.is_empty()
            && !entry.file.starts_with('.')
            && !entry.file.contains(['/', '\\'])
            && Path::new(&entry.file).file_name() == Some(entry.file.as_ref());
        if !plain {
            return Err(FetchError::BadFileName {
                version: entry.version.clone(),
                file: entry.file.clone(),
            });
        }
    }
    Ok(entries)
}

/// Hex digests are compared in lower case: the manifest promises that, but a hand-edited upper
/// case hash should not look like a tampered download.
fn expected_hash(entry: &VersionEntry) -> String {
    entry.sha256.trim().to_ascii_lowercase()
}

/// Time-outs keep a stalled mirror from hanging the build forever; status codes are handled
/// here so the error can carry the URL. Proxies from the environment (and `NO_PROXY`) are
/// honoured, as ureq does by default.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_global(Some(Duration::from_secs(300)))
        .user_agent(concat!("dockwright-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Streams the body into a hidden temporary file beside `target`, hashing as it goes, and
/// renames it into place only when the hash matches: same folder, so the rename is atomic.
fn download(
    agent: &ureq::Agent,
    url: &str,
    entry: &VersionEntry,
    dest: &Path,
    target: &Path,
) -> Result<(), FetchError> {
    let transport = |source: ureq::Error| FetchError::Transport {
        url: url.to_owned(),
        source: Box::new(source),
    };
    let response = agent.get(url).call().map_err(transport)?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(FetchError::Http {
            url: url.to_owned(),
            status,
        });
    }
    let mut body = response.into_body().into_reader();

    let temp = TempFile {
        path: dest.join(format!(".{}.part-{}", entry.file, std::process::id())),
        keep: false,
    };
    let file = File::create(&temp.path).map_err(|source| io_err(&temp.path, source))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    {
        let mut out = io::BufWriter::new(&file);
        loop {
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(transport(ureq::Error::Io(e))),
            };
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])
                .map_err(|source| io_err(&temp.path, source))?;
        }
        out.flush().map_err(|source| io_err(&temp.path, source))?;
    }
    file.sync_all()
        .map_err(|source| io_err(&temp.path, source))?;
    // Closed before the rename, which some platforms refuse on an open file.
    drop(file);
    let actual = hex(&hasher.finalize());
    let expected = expected_hash(entry);
    if actual != expected {
        // `temp` is dropped here, which deletes it: nothing is left behind.
        return Err(FetchError::Checksum {
            path: target.to_owned(),
            expected,
            actual,
        });
    }
    temp.persist(target)
}

/// A partially written download that deletes itself unless it is renamed into place, so every
/// early return above cleans up without extra code.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    fn persist(mut self, target: &Path) -> Result<(), FetchError> {
        fs::rename(&self.path, target).map_err(|source| io_err(target, source))?;
        self.keep = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Streams rather than reading whole files: cheap either way at a few hundred KiB, but it keeps
/// the function safe to point at anything.
fn sha256_file(path: &Path) -> Result<String, FetchError> {
    let mut file = File::open(path).map_err(|source| io_err(path, source))?;
    let mut hasher = Sha256::new();
    io::copy(&mut file, &mut hasher).map_err(|source| io_err(path, source))?;
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn io_err(path: &Path, source: io::Error) -> FetchError {
    FetchError::Io {
        path: path.to_owned(),
        source,
    }
}
