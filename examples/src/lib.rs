//! Runnable examples of `dockwright-v1-41` (API v1.41: Docker 20.10 and every later
//! engine), each a binary that talks to the daemon `DOCKER_HOST` names (or the default
//! socket), like the Docker CLI, and uses the registry credentials `docker login` left
//! in `$DOCKER_CONFIG/config.json` (else `~/.docker/config.json`):
//!
//! | binary | what it shows |
//! |---|---|
//! | `run IMAGE [CMD…]` | the `docker run` flow: pull when missing, create, start, wait, logs (stdout and stderr kept apart), remove |
//! | `pull IMAGE[:TAG\|@DIGEST]` | a pull with one progress bar per layer (real bytes, download then extract) and the digest |
//! | `push IMAGE[:TAG]` | the same display driving a push |
//! | `build-image DIR TAG` | the same display driving a build of a directory (honouring `.dockerignore`) |
//! | `load FILE` | the same display driving `docker load` of a tar file, streamed |
//! | `images [--reference P] [--dangling true/false]` | listing images with typed filters |
//! | `prune [--label K=V]` | pruning stopped containers and dangling images (optionally by label) |
//! | `events [--max N] [--timeout SECS] [--type T]` | following events, bounded |
//! | `info` | what the daemon says about itself |
//!
//! The progress display is the runtime's own (`runtime::registry::ProgressDisplay`,
//! feature `progress`), so any program can show the same bars; this library holds what
//! several examples share around it.

use std::time::Duration;

use dockwright_v1_41::runtime::registry::{
    credentials_for_image, DockerConfig, ProgressDisplay, ProgressSummary,
};
use dockwright_v1_41::runtime::{self, AuthConfig, ProgressReport};
use dockwright_v1_41::Client;
use futures_util::Stream;

/// The boxed error the examples' bodies return.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Shows a progress stream (pull, push, build, load) with one bar per layer (on stderr
/// when it is a terminal; else one line per phase on stdout) and returns what it showed,
/// or the daemon's error if the operation failed.
pub async fn show_progress<S, T>(stream: S) -> Result<ProgressSummary, runtime::Error>
where
    S: Stream<Item = Result<T, runtime::Error>>,
    T: ProgressReport,
{
    ProgressDisplay::new().show(stream).await
}

/// Pulls `reference` (`name`, `name:tag`, `name@sha256:…`) with the user's credentials
/// for its registry, shown on `display`.
pub async fn pull(
    docker: &Client,
    reference: &str,
    display: ProgressDisplay,
) -> Result<ProgressSummary, BoxError> {
    let (image, tag) = split_reference(reference);
    let mut request = docker.image_create().from_image(image);
    if let Some(tag) = tag {
        request = request.tag(tag);
    }
    if let Some(auth) = credentials(reference).await? {
        request = request.x_registry_auth(auth);
    }
    Ok(display.show(request.await?).await?)
}

/// The credentials `docker pull reference` would use (`None`: pull anonymously). A
/// credential helper is a process: it runs off the async worker threads.
pub async fn credentials(reference: &str) -> Result<Option<AuthConfig>, BoxError> {
    let reference = reference.to_owned();
    Ok(tokio::task::spawn_blocking(move || credentials_for_image(&reference)).await??)
}

/// Every credential of the user's Docker config, for a build's `X-Registry-Config`.
pub async fn all_credentials() -> Result<std::collections::BTreeMap<String, AuthConfig>, BoxError> {
    Ok(tokio::task::spawn_blocking(|| DockerConfig::load()?.all_credentials()).await??)
}

/// `name:tag` → (`name`, `tag`); `name` → (`name`, `latest`); `name@digest` → (whole, none).
/// A `:` before the last `/` belongs to the registry host (`127.0.0.1:5000/app`).
pub fn split_reference(reference: &str) -> (String, Option<String>) {
    if reference.contains('@') {
        return (reference.to_owned(), None);
    }
    match reference
        .rsplit_once(':')
        .filter(|(_, tag)| !tag.contains('/'))
    {
        Some((name, tag)) => (name.to_owned(), Some(tag.to_owned())),
        None => (reference.to_owned(), Some("latest".to_owned())),
    }
}

/// Ends an example: an error is printed with `Display` (`what: message`) and exits 1.
pub fn exit_on_error<T>(what: &str, result: Result<T, BoxError>) -> T {
    result.unwrap_or_else(|e| {
        eprintln!("{what}: {e}");
        std::process::exit(1)
    })
}

/// `--name value` from the arguments, if present.
pub fn option(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// A duration in whole seconds from `--name SECS`, or `default`.
pub fn seconds(args: &[String], name: &str, default: u64) -> Duration {
    Duration::from_secs(
        option(args, name)
            .and_then(|s| s.parse().ok())
            .unwrap_or(default),
    )
}

#[cfg(test)]
mod tests {
    use super::split_reference;

    #[test]
    fn references_split_like_docker_pull() {
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            split_reference("busybox"),
            ("busybox".into(), some("latest"))
        );
        assert_eq!(
            split_reference("busybox:1.36"),
            ("busybox".into(), some("1.36"))
        );
        assert_eq!(
            split_reference("127.0.0.1:5000/app"),
            ("127.0.0.1:5000/app".into(), some("latest"))
        );
        assert_eq!(
            split_reference("127.0.0.1:5000/app:v1"),
            ("127.0.0.1:5000/app".into(), some("v1"))
        );
        assert_eq!(
            split_reference("app@sha256:00"),
            ("app@sha256:00".into(), None)
        );
    }
}
