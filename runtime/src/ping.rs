//! `GET /_ping`: reachability plus the headers that drive version negotiation.
//!
//! `/_ping` is unversioned, so it answers on every daemon whatever API version the
//! generated crate speaks; its `Api-Version` header is the daemon's maximum.

use crate::error::Error;
use crate::transport::Transport;
use crate::version::check_api_version;

/// What the daemon says about itself in the `/_ping` headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PingInfo {
    /// `Api-Version`: the highest API version the daemon speaks.
    pub api_version: Option<String>,
    /// `OSType`: `linux` or `windows`.
    pub os_type: Option<String>,
    /// `Builder-Version`: `1` (legacy) or `2` (BuildKit) as the default builder.
    pub builder_version: Option<String>,
    /// `Swarm`: e.g. `inactive`, `active/manager`, `active/worker` (API ≥ 1.40).
    pub swarm: Option<String>,
    /// `Docker-Experimental: true`.
    pub experimental: bool,
    /// `Server`, e.g. `Docker/26.1.5 (linux)`.
    pub server: Option<String>,
}

impl PingInfo {
    /// The daemon that answered the ping, from its `Server` header (Podman's service
    /// says `Libpod/…`).
    pub fn daemon(&self) -> crate::daemon::DaemonKind {
        crate::daemon::DaemonKind::from_server(self.server.as_deref())
    }
}

impl Transport {
    /// Pings the daemon and reads its capability headers; an `Api-Version` that is no
    /// version is [`Error::Header`].
    pub async fn ping(&self) -> Result<PingInfo, Error> {
        let resp = self
            .request(http::Method::GET, "/_ping".to_owned())
            .send()
            .await?;
        let info = PingInfo::from_headers(resp.headers());
        if let Some(value) = resp.headers().get("api-version") {
            match value.to_str() {
                Ok(v) if crate::version::is_api_version(v) => {}
                _ => {
                    return Err(crate::version::bad_daemon_version(
                        &String::from_utf8_lossy(value.as_bytes()),
                    ))
                }
            }
        }
        // Drain "OK" so the connection goes back to the pool.
        resp.bytes().await?;
        Ok(info)
    }

    /// Pings and fails with [`Error::VersionTooNew`] when the daemon is older than
    /// `client_version`; a daemon that sends no `Api-Version` is given the benefit of the doubt.
    pub async fn check_version(&self, client_version: &str) -> Result<PingInfo, Error> {
        let info = self.ping().await?;
        if let Some(max) = &info.api_version {
            check_api_version(client_version, max)?;
        }
        Ok(info)
    }
}

impl PingInfo {
    /// Reads the `/_ping` response headers.
    pub fn from_headers(headers: &http::HeaderMap) -> PingInfo {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        PingInfo {
            api_version: get("api-version"),
            os_type: get("ostype"),
            builder_version: get("builder-version"),
            swarm: get("swarm"),
            experimental: get("docker-experimental")
                .is_some_and(|v| v.eq_ignore_ascii_case("true")),
            server: get("server"),
        }
    }
}
