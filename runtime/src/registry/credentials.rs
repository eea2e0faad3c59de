//! Registry credentials where `docker login` left them, found the way the Docker CLI
//! finds them, so a program using dockwright pulls and pushes as the user's `docker`
//! would.
//!
//! `$DOCKER_CONFIG/config.json` (else `~/.docker/config.json`) is read; for a registry:
//! 1. `credHelpers[registry]` names a helper: ask `docker-credential-<helper>`;
//! 2. else `credsStore` names one: ask it;
//! 3. else the `auths[registry]` entry: `auth` (base64 `user:password`), `identitytoken`.
//!
//! A helper is run as `docker-credential-<name> get` with the server address on stdin
//! and answers `{"ServerURL","Username","Secret"}`; the user name `<token>` means the
//! secret is an identity token. Docker Hub's key is [`DOCKER_HUB_KEY`]. Running a helper
//! blocks the calling thread (at most [`HELPER_TIMEOUT`]): from async code call this
//! through `tokio::task::spawn_blocking`, or once at start-up.
//!
//! Errors name the config file, the registry and the helper, never a secret, and
//! `Debug` of [`DockerConfig`] shows no secret either.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Deserialize;

use super::reference::{credentials_key, hostname, registry_host, DOCKER_HUB_KEY};
use crate::auth::AuthConfig;

/// How long a credential helper may take before it is killed and reported.
pub const HELPER_TIMEOUT: Duration = Duration::from_secs(30);

/// A helper's output is read up to this many bytes (a response is a few hundred).
const OUTPUT_LIMIT: u64 = 1 << 20;

/// What helpers print when they hold nothing for the address (docker-credential-helpers'
/// `ErrCredentialsNotFound`): no credentials, not a failure.
const NOT_FOUND: &str = "credentials not found in native keychain";

/// Why credentials could not be found. The message names the file, registry and helper
/// involved; it never contains a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// `config.json` could not be read or is not a Docker config.
    #[error("Docker config {}: {message}", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The registry's `auths` entry cannot be decoded.
    #[error("credentials for {registry} in {}: {message}", path.display())]
    Entry {
        /// The registry key of the entry.
        registry: String,
        /// The config file.
        path: PathBuf,
        /// What is wrong with the entry (never its secret).
        message: String,
    },
    /// The credential helper is missing, failed, or answered something unreadable.
    #[error("credential helper docker-credential-{helper} for {registry}: {message}")]
    Helper {
        /// The registry asked about.
        registry: String,
        /// The helper's suffix: `docker-credential-{helper}`.
        helper: String,
        /// How it failed (never a secret).
        message: String,
    },
}

impl From<CredentialsError> for crate::error::Error {
    fn from(e: CredentialsError) -> Self {
        crate::error::Error::config(e.to_string())
    }
}

/// The parts of `config.json` that hold credentials (everything else is ignored).
#[derive(Clone, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    auths: Option<BTreeMap<String, AuthEntry>>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: Option<BTreeMap<String, String>>,
}

#[derive(Clone, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
    #[serde(default)]
    registrytoken: Option<String>,
}

/// A credential helper's response to `get`.
#[derive(Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// The user name a helper answers when its secret is an identity token.
const TOKEN_USERNAME: &str = "<token>";

/// A Docker CLI config (`config.json`), read once, asked for credentials per registry.
#[derive(Clone)]
pub struct DockerConfig {
    path: PathBuf,
    file: ConfigFile,
    search_path: Option<OsString>,
    helper_timeout: Duration,
}

impl std::fmt::Debug for DockerConfig {
    /// Names and helpers only: the entries' secrets are never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DockerConfig")
            .field("path", &self.path)
            .field("auths", &self.auths().keys().collect::<Vec<_>>())
            .field("creds_store", &self.file.creds_store)
            .field("cred_helpers", &self.helpers())
            .field("search_path", &self.search_path)
            .finish()
    }
}

impl DockerConfig {
    /// The config the Docker CLI would read: `$DOCKER_CONFIG/config.json`, else
    /// `~/.docker/config.json`. A missing file is an empty config (no credentials).
    pub fn load() -> Result<DockerConfig, CredentialsError> {
        let lookup = |name: &str| std::env::var(name).ok();
        let dir =
            crate::config::env::config_dir(&lookup).map_err(|e| CredentialsError::Config {
                path: PathBuf::from("config.json"),
                message: e.to_string(),
            })?;
        DockerConfig::from_file(dir.join("config.json"))
    }

    /// `config.json` of a config folder (what `DOCKER_CONFIG` names).
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<DockerConfig, CredentialsError> {
        DockerConfig::from_file(dir.as_ref().join("config.json"))
    }

    /// A config file; a missing file is an empty config (no credentials).
    pub fn from_file(path: impl Into<PathBuf>) -> Result<DockerConfig, CredentialsError> {
        let path = path.into();
        let file = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| CredentialsError::Config {
                path: path.clone(),
                message: format!("not a Docker config file: {e}"),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ConfigFile::default(),
            Err(e) => {
                return Err(CredentialsError::Config {
                    path,
                    message: format!("cannot read: {e}"),
                })
            }
        };
        Ok(DockerConfig {
            path,
            file,
            search_path: None,
            helper_timeout: HELPER_TIMEOUT,
        })
    }

    /// Where `docker-credential-*` helpers are looked up (a `PATH`-style list, also the
    /// helper's own `PATH`); by default the process's `PATH`.
    pub fn search_path(mut self, path: impl Into<OsString>) -> Self {
        self.search_path = Some(path.into());
        self
    }

    /// How long a helper may take (default [`HELPER_TIMEOUT`]).
    pub fn helper_timeout(mut self, limit: Duration) -> Self {
        self.helper_timeout = limit;
        self
    }

    /// The file this config was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Credentials for the registry of an image reference (`busybox` → Docker Hub,
    /// `127.0.0.1:5000/app:1` → `127.0.0.1:5000`); `None` when the user has none.
    pub fn credentials_for_image(
        &self,
        reference: &str,
    ) -> Result<Option<AuthConfig>, CredentialsError> {
        self.credentials(registry_host(reference))
    }

    /// Credentials for a registry host (`127.0.0.1:5000`, `docker.io`) or stored key
    /// (`https://index.docker.io/v1/`); `None` when the user has none.
    pub fn credentials(&self, registry: &str) -> Result<Option<AuthConfig>, CredentialsError> {
        let key = credentials_key(registry);
        if let Some(helper) = lookup(self.helpers(), key) {
            return self.helper_credentials(helper, key);
        }
        if let Some(store) = self.file.creds_store.as_deref().filter(|s| !s.is_empty()) {
            return self.helper_credentials(store, key);
        }
        match lookup(self.auths(), key) {
            Some(entry) => self.entry_credentials(key, entry),
            None => Ok(None),
        }
    }

    /// Credentials for every registry the config knows (its `auths` and `credHelpers`
    /// entries, and what its `credsStore` lists), keyed like `config.json`: the map a
    /// build sends as `X-Registry-Config` so that `FROM` lines can pull.
    pub fn all_credentials(&self) -> Result<BTreeMap<String, AuthConfig>, CredentialsError> {
        let mut keys: Vec<String> = self.auths().keys().cloned().collect();
        keys.extend(self.helpers().keys().cloned());
        if let Some(store) = self.file.creds_store.as_deref().filter(|s| !s.is_empty()) {
            if let Some(out) = self.run_helper(store, "(all registries)", "list", "")? {
                let listed: BTreeMap<String, String> =
                    serde_json::from_slice(&out).map_err(|e| CredentialsError::Helper {
                        registry: "(all registries)".into(),
                        helper: store.to_owned(),
                        message: format!("`list` answered something that is not a JSON map: {e}"),
                    })?;
                keys.extend(listed.into_keys());
            }
        }
        let mut all = BTreeMap::new();
        for key in keys {
            if let Some(auth) = self.credentials(&key)? {
                all.insert(key, auth);
            }
        }
        Ok(all)
    }

    fn auths(&self) -> &BTreeMap<String, AuthEntry> {
        static EMPTY: BTreeMap<String, AuthEntry> = BTreeMap::new();
        self.file.auths.as_ref().unwrap_or(&EMPTY)
    }

    fn helpers(&self) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.file.cred_helpers.as_ref().unwrap_or(&EMPTY)
    }

    fn entry_credentials(
        &self,
        key: &str,
        entry: &AuthEntry,
    ) -> Result<Option<AuthConfig>, CredentialsError> {
        let bad = |message: &str| CredentialsError::Entry {
            registry: key.to_owned(),
            path: self.path.clone(),
            message: message.to_owned(),
        };
        let mut auth = AuthConfig {
            username: entry.username.clone().filter(|s| !s.is_empty()),
            password: entry.password.clone().filter(|s| !s.is_empty()),
            email: entry.email.clone().filter(|s| !s.is_empty()),
            serveraddress: Some(key.to_owned()),
            identitytoken: entry.identitytoken.clone().filter(|s| !s.is_empty()),
            registrytoken: entry.registrytoken.clone().filter(|s| !s.is_empty()),
        };
        if let Some(encoded) = entry
            .auth
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|_| bad("`auth` is not base64"))?;
            let text = String::from_utf8(decoded).map_err(|_| bad("`auth` is not UTF-8 text"))?;
            let (user, password) = text
                .split_once(':')
                .ok_or_else(|| bad("`auth` is not of the form user:password"))?;
            auth.username = Some(user.to_owned());
            auth.password = Some(password.to_owned());
        }
        let empty = auth.username.is_none()
            && auth.password.is_none()
            && auth.identitytoken.is_none()
            && auth.registrytoken.is_none();
        Ok((!empty).then_some(auth))
    }

    fn helper_credentials(
        &self,
        helper: &str,
        key: &str,
    ) -> Result<Option<AuthConfig>, CredentialsError> {
        let Some(out) = self.run_helper(helper, key, "get", key)? else {
            return Ok(None);
        };
        let answer: HelperAnswer =
            serde_json::from_slice(&out).map_err(|e| CredentialsError::Helper {
                registry: key.to_owned(),
                helper: helper.to_owned(),
                // serde's message names the field or position, never the value.
                message: format!(
                    "answered something that is not {{\"ServerURL\",\"Username\",\"Secret\"}}: {e}"
                ),
            })?;
        if answer.secret.is_empty() && answer.username.is_empty() {
            return Ok(None);
        }
        let mut auth = AuthConfig {
            serveraddress: Some(key.to_owned()),
            ..AuthConfig::default()
        };
        if answer.username == TOKEN_USERNAME {
            auth.identitytoken = Some(answer.secret);
        } else {
            auth.username = Some(answer.username);
            auth.password = Some(answer.secret);
        }
        Ok(Some(auth))
    }

    /// Runs `docker-credential-<helper> <action>` with `input` on stdin; `None` when
    /// the helper says it holds nothing.
    fn run_helper(
        &self,
        helper: &str,
        registry: &str,
        action: &str,
        input: &str,
    ) -> Result<Option<Vec<u8>>, CredentialsError> {
        let fail = |message: String| CredentialsError::Helper {
            registry: registry.to_owned(),
            helper: helper.to_owned(),
            message,
        };
        // The name becomes part of a program name: no paths, no options.
        if helper.is_empty()
            || helper.starts_with('-')
            || !helper
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(fail("not a valid helper name".into()));
        }
        let program = format!("docker-credential-{helper}");
        let mut command = Command::new(&program);
        command
            .arg(action)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(path) = &self.search_path {
            command.env("PATH", path);
        }
        let mut child = command.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                fail(format!("{program} is not installed (not found on PATH)"))
            }
            _ => fail(format!("cannot run {program}: {e}")),
        })?;
        if let Some(mut stdin) = child.stdin.take() {
            // A helper that exits without reading its input closes the pipe: its exit
            // status tells what happened, so a write error here is not the story.
            let _ = stdin.write_all(input.as_bytes());
        }
        let stdout = read_in_background(child.stdout.take());
        let stderr = read_in_background(child.stderr.take());
        let deadline = Instant::now() + self.helper_timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(fail(format!(
                        "{program} did not answer within {:.1} s; stopped it",
                        self.helper_timeout.as_secs_f64()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => return Err(fail(format!("waiting for {program}: {e}"))),
            }
        };
        let collect = |rx: mpsc::Receiver<Vec<u8>>| {
            rx.recv_timeout(Duration::from_secs(5)).unwrap_or_default()
        };
        let out = collect(stdout);
        let err = collect(stderr);
        if status.success() {
            return Ok(Some(out));
        }
        // Helpers print their error on stdout (docker-credential-helpers) or stderr.
        let said = format!(
            "{} {}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&err)
        );
        let said = said.split_whitespace().collect::<Vec<_>>().join(" ");
        if said.contains(NOT_FOUND) {
            return Ok(None);
        }
        let said: String = said.chars().take(300).collect();
        Err(fail(format!(
            "{program} {action} failed ({status}): {said}"
        )))
    }
}

/// Reads a pipe to its end (bounded) on a thread, so a helper never blocks on a full pipe.
fn read_in_background<R: Read + Send + 'static>(pipe: Option<R>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    if let Some(pipe) = pipe {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.take(OUTPUT_LIMIT).read_to_end(&mut bytes);
            let _ = tx.send(bytes);
        });
    }
    rx
}

/// The stored entry (or helper) for `key`: the exact key first, then any entry whose
/// key names the same host (`https://127.0.0.1:5000/v2/` for `127.0.0.1:5000`), as the
/// CLI's file store does. Docker Hub's aliases all meet at [`DOCKER_HUB_KEY`].
fn lookup<'a, V>(map: &'a BTreeMap<String, V>, key: &str) -> Option<&'a V> {
    fn canonical(key: &str) -> &str {
        match credentials_key(hostname(key)) {
            DOCKER_HUB_KEY => DOCKER_HUB_KEY,
            _ => hostname(key),
        }
    }
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| canonical(k) == canonical(key))
            .map(|(_, v)| v)
    })
}

/// The credentials `docker pull REFERENCE` would use, from the user's Docker config
/// ([`DockerConfig::load`]); `None` when the user has none for that registry.
pub fn credentials_for_image(reference: &str) -> Result<Option<AuthConfig>, CredentialsError> {
    DockerConfig::load()?.credentials_for_image(reference)
}

/// The `X-Registry-Config` header value of a build (`image_build().x_registry_config(…)`):
/// credentials per registry key, e.g. from [`DockerConfig::all_credentials`], encoded as
/// the daemon decodes them (URL-safe base64 of the JSON map). The daemon pulls a `FROM`
/// image of a registry with the entry whose key names that registry.
pub fn registry_config_header(credentials: &BTreeMap<String, AuthConfig>) -> String {
    // A map of strings to structs of strings: serialising it cannot fail.
    crate::auth::encode_header(credentials).expect("credentials serialise to JSON")
}

#[cfg(test)]
#[path = "credentials_tests.rs"]
mod tests;
