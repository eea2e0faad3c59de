//! Which daemon answered: Docker, or Podman's Docker-compatible service
//! (`podman system service`), and the few places where the runtime must know.
//!
//! Every response carries the daemon's `Server` header (`Docker/26.1.5 (linux)`,
//! `Libpod/4.3.1 (linux)`), error responses included. The runtime reads it from the response
//! at hand rather than remembering it from a ping: that needs no state in the transport,
//! holds for the very first request, and stays right when a socket is served by another
//! daemon after a restart.
//!
//! Podman's deviations handled here (verified against Podman 4.3.1, API 1.41):
//! - conflicts come back as `500` with a `cause` naming the conflict instead of `409`
//!   ([`Error::is_conflict`](crate::Error::is_conflict) recognises them, on Podman only);
//! - a detached exec start is answered `200 text/plain` with a body of one newline instead
//!   of an empty body; the runtime reads such a response as no output, for every daemon.

/// The daemon behind a response, from its `Server` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DaemonKind {
    /// `Server: Docker/…`: the Docker Engine.
    Docker,
    /// `Server: Libpod/…`: Podman's Docker-compatible service.
    Podman,
    /// No `Server` header, or one naming something else (a proxy, a test server).
    #[default]
    Other,
}

impl DaemonKind {
    /// The kind named by a `Server` header value; `None` or an unknown product is `Other`.
    pub fn from_server(server: Option<&str>) -> Self {
        let product = server
            .and_then(|s| s.split('/').next())
            .map(str::trim)
            .unwrap_or("");
        if product.eq_ignore_ascii_case("Libpod") {
            DaemonKind::Podman
        } else if product.eq_ignore_ascii_case("Docker") {
            DaemonKind::Docker
        } else {
            DaemonKind::Other
        }
    }

    /// The kind named by the `Server` header of a response.
    pub fn from_headers(headers: &http::HeaderMap) -> Self {
        Self::from_server(
            headers
                .get(http::header::SERVER)
                .and_then(|v| v.to_str().ok()),
        )
    }
}

/// The `cause` values with which Podman answers `500` where Docker answers `409 Conflict`:
/// Podman's error sentinels (libpod `define` and containers/storage), which Podman puts in
/// the `cause` field of its error body. Observed: kill or pause a stopped container, delete
/// a running one without force, exec in a stopped container (`container state improper`),
/// create with a name in use (`that name is already in use`).
pub const PODMAN_CONFLICT_CAUSES: &[&str] = &[
    "container state improper",
    "that name is already in use",
    "container already exists",
    "volume already exists",
    "network already exists",
    "volume is being used",
    "image is in use by a container",
];

/// True when an error response is a conflict: a `409` from any daemon, or a `500` from
/// Podman whose `cause` is one of [`PODMAN_CONFLICT_CAUSES`]. Other daemons' `500`s are
/// never reinterpreted.
pub(crate) fn is_conflict(daemon: DaemonKind, status: u16, cause: Option<&str>) -> bool {
    status == 409
        || (daemon == DaemonKind::Podman
            && status == 500
            && cause.is_some_and(|c| PODMAN_CONFLICT_CAUSES.contains(&c.trim())))
}

/// True when a `2xx` response to an attach or exec start that did not switch protocols
/// carries a plain-text acknowledgement rather than output: Podman answers a detached
/// exec start `200 text/plain` with a body of `"\n"`, which is no multiplexed frame
/// (Docker sends an empty body). Output is only ever sent as a Docker stream type
/// (`application/vnd.docker.*`) or, before API 1.42, without a content type.
pub(crate) fn is_acknowledgement(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/plain"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_server_headers() {
        assert_eq!(
            DaemonKind::from_server(Some("Libpod/4.3.1 (linux)")),
            DaemonKind::Podman
        );
        assert_eq!(
            DaemonKind::from_server(Some("Docker/26.1.5 (linux)")),
            DaemonKind::Docker
        );
        assert_eq!(DaemonKind::from_server(Some("nginx")), DaemonKind::Other);
        assert_eq!(DaemonKind::from_server(None), DaemonKind::Other);
    }

    #[test]
    fn podman_conflicts_only_from_podman() {
        let cause = Some("container state improper");
        assert!(is_conflict(DaemonKind::Podman, 500, cause));
        assert!(!is_conflict(DaemonKind::Docker, 500, cause));
        assert!(!is_conflict(DaemonKind::Other, 500, cause));
        assert!(!is_conflict(
            DaemonKind::Podman,
            500,
            Some("no such container")
        ));
        assert!(!is_conflict(DaemonKind::Podman, 500, None));
        assert!(is_conflict(DaemonKind::Docker, 409, None));
    }

    #[test]
    fn acknowledgements() {
        assert!(is_acknowledgement(Some("text/plain; charset=utf-8")));
        assert!(!is_acknowledgement(Some(
            "application/vnd.docker.multiplexed-stream"
        )));
        assert!(!is_acknowledgement(None));
    }
}
