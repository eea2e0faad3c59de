//! The registry of the integration tests: `tests/registry/registry.sh up` starts the CNCF
//! distribution registry on 127.0.0.1:5000 with htpasswd auth and writes its address,
//! user and password to `tests/registry/state/env` (`DOCKWRIGHT_REGISTRY*`). Tests read
//! the variables, else that file; without either they skip locally and fail under CI.

use dockwright_runtime as rt;

use crate::missing;

pub const ADDRESS: &str = "DOCKWRIGHT_REGISTRY";
pub const USER: &str = "DOCKWRIGHT_REGISTRY_USER";
pub const PASSWORD: &str = "DOCKWRIGHT_REGISTRY_PASSWORD";

/// The running registry and its one account.
#[derive(Clone)]
pub struct Registry {
    /// `127.0.0.1:5000`.
    pub address: String,
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("address", &self.address)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// The registry, or `None` (skipped locally, a failure under CI) when not started.
    pub fn get() -> Option<Registry> {
        let file =
            std::fs::read_to_string(crate::workspace_root().join("tests/registry/state/env"))
                .unwrap_or_default();
        let value = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .or_else(|| {
                    file.lines()
                        .filter_map(|l| l.strip_prefix("export "))
                        .filter_map(|l| l.split_once('='))
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| v.trim().to_owned())
                })
        };
        match (value(ADDRESS), value(USER), value(PASSWORD)) {
            (Some(address), Some(user), Some(password)) => Some(Registry {
                address,
                user,
                password,
            }),
            _ => {
                missing("the test registry (run `bash tests/registry/registry.sh up`)")?;
                None
            }
        }
    }

    /// The right credentials, as a typed `X-Registry-Auth`.
    pub fn auth(&self) -> rt::AuthConfig {
        rt::AuthConfig {
            username: Some(self.user.clone()),
            password: Some(self.password.clone()),
            serveraddress: Some(self.address.clone()),
            ..Default::default()
        }
    }

    /// The right user with a wrong password.
    pub fn wrong_auth(&self) -> rt::AuthConfig {
        rt::AuthConfig {
            password: Some(format!("not-{}", self.password)),
            ..self.auth()
        }
    }

    /// A repository of this registry no other test uses: `127.0.0.1:5000/dwt-<what>-…`.
    pub fn unique_repo(&self, what: &str) -> String {
        format!("{}/{}", self.address, crate::engines::unique(what))
    }

    /// What `docker login 127.0.0.1:5000` writes into `config.json` (the `auths` entry).
    pub fn login_config(&self) -> serde_json::Value {
        use base64::Engine as _;
        let auth = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.user, self.password));
        serde_json::json!({ "auths": { self.address.clone(): { "auth": auth } } })
    }
}

/// Size of each generated layer of [`layered_dockerfile`]: random data, so compression
/// cannot shrink what is pushed and pulled.
pub const LAYER_BYTES: usize = 2_500_000;

/// How many layers of generated data [`layered_dockerfile`] adds.
pub const DATA_LAYERS: usize = 3;

/// A Dockerfile adding [`DATA_LAYERS`] layers of [`LAYER_BYTES`] random bytes each to
/// `base`; `mark` (a label) keeps the build cache from reusing another test's layers.
pub fn layered_dockerfile(base: &str, mark: &str) -> String {
    let mut dockerfile = format!("FROM {base}\nLABEL dockwright.registry.mark={mark}\n");
    for n in 1..=DATA_LAYERS {
        dockerfile.push_str(&format!(
            "RUN head -c {LAYER_BYTES} /dev/urandom > /data-{n}.bin\n"
        ));
    }
    dockerfile
}

/// A build context of just a Dockerfile, as a tar archive.
pub fn dockerfile_context(dockerfile: &str) -> Vec<u8> {
    crate::streams_support::tar_of("Dockerfile", dockerfile.as_bytes())
}

/// Runs a progress request (pull, push, build) to its end within `secs` seconds: the
/// messages, or the daemon's message when it failed, whether before any progress (an
/// HTTP error) or inside the stream (an `Err` item).
pub async fn outcome<T, Fut>(what: &str, secs: u64, request: Fut) -> Result<Vec<T>, String>
where
    Fut: std::future::IntoFuture<Output = rt::Result<rt::Progress<T>>>,
    rt::Progress<T>: futures_util::Stream<Item = Result<T, rt::Error>>,
{
    use futures_util::StreamExt;
    crate::streams_support::within(secs, what, async {
        let progress = request.await.map_err(|e| e.to_string())?;
        let mut progress = std::pin::pin!(progress);
        let mut items = Vec::new();
        while let Some(item) = progress.next().await {
            items.push(item.map_err(|e| e.to_string())?);
        }
        Ok(items)
    })
    .await
}
