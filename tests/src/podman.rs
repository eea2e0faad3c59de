//! Podman as a fourth engine: what its Docker-compatible service (Podman 4.3.1, API 1.41,
//! started by `tests/podman/podman.sh`) does differently from Docker, as named limits.
//!
//! A suite that meets one of these branches on [`limit`], which prints the limit and its
//! reason, and then asserts what Podman does instead: a limit is never a silent skip, and
//! a test fails when Podman stops deviating (the limit is then stale and goes).
//!
//! Deviations the runtime absorbs for every daemon are not limits: a 500 conflict is
//! `is_conflict()`, the `cause` of an error body is kept, a detached exec start's
//! `text/plain` answer is no output (see `dockwright_runtime::daemon` and
//! `tests/tests/engine_podman.rs`).

use crate::engines::{Engine, ENGINE_PODMAN};

/// A behaviour of Podman's Docker-compatible service that differs from Docker's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodmanLimit {
    /// Images built by Podman (Buildah) carry the label `io.buildah.version`, and
    /// containers inherit it: a container's labels are the test's plus that one.
    BuildahLabel,
    /// Podman names images fully qualified: a short tag `name:v1` is listed, inspected
    /// and untagged as `docker.io/library/name:v1`.
    QualifiedNames,
    /// Build progress is Buildah's: `STEP 1/4: FROM …` instead of `Step 1/4 : FROM …`
    /// (`Successfully built` and `Successfully tagged` follow at the end, as on Docker).
    BuildahProgress,
    /// Volume list filters of different keys are OR-ed, not AND-ed: `label` together with
    /// `dangling` or `driver` returns every volume either selects.
    VolumeFiltersOred,
    /// A container without a healthcheck reports `State.Health = {"Status": ""}`; Docker
    /// omits `Health`. `health.is_some()` does not mean a healthcheck exists.
    EmptyHealth,
    /// `GET /containers/{id}/top` answers the `ps` output unsplit: one title
    /// (`"PID   USER     COMMAND"`) and one column per process.
    TopUnsplit,
    /// Podman 4.3's compatible API has no `POST /containers/{id}/update`: it answers 404.
    NoContainerUpdate,
    /// Image history ids are bare hex (no `sha256:`), the newest entry is not the image
    /// itself, and `Tags` is null on every entry.
    History,
    /// A failing `RUN` step of a build is reported as `building at STEP "RUN …": while
    /// running runtime: exit status 1`, not `… returned a non-zero code: 1`.
    BuildahRunError,
    /// A container started again after a `kill` and then stopped with a grace period
    /// (`sleep` ignores SIGTERM, so SIGKILL ends it) is waited with `StatusCode` 2, where
    /// Docker answers 137 (observed with Podman 4.3.1; a fresh container stopped the same
    /// way is waited with 137).
    RestartedStopExitCode,
    /// Image prune and image delete report deleted images as bare hex, without the
    /// `sha256:` of their `Id`, and image delete lists the `Untagged` entry last, not first.
    DeleteReport,
    /// Events: Podman's own actions (`init`, `cleanup`, `exec_died`) beside Docker's, and
    /// events of `"Type": "system"` (`init` and `cleanup` checked in `engine_podman.rs`).
    /// Seen by hand, not asserted: a `since`/`until` window that ends at the current second
    /// returns nothing (the test's window ends a second later). Reported in issue 15 and
    /// not exercised here: the `die` filter is spelled `died`; no network events.
    Events,
}

impl PodmanLimit {
    /// Every limit, for the crates' documentation and the report of a run.
    pub const ALL: &'static [PodmanLimit] = &[
        PodmanLimit::BuildahLabel,
        PodmanLimit::QualifiedNames,
        PodmanLimit::BuildahProgress,
        PodmanLimit::VolumeFiltersOred,
        PodmanLimit::EmptyHealth,
        PodmanLimit::TopUnsplit,
        PodmanLimit::NoContainerUpdate,
        PodmanLimit::History,
        PodmanLimit::BuildahRunError,
        PodmanLimit::RestartedStopExitCode,
        PodmanLimit::DeleteReport,
        PodmanLimit::Events,
    ];

    /// Why the limit exists: what Podman does instead of what Docker does.
    pub fn reason(self) -> &'static str {
        match self {
            PodmanLimit::BuildahLabel => {
                "Buildah labels its images io.buildah.version; containers inherit it"
            }
            PodmanLimit::QualifiedNames => {
                "short image names are qualified as docker.io/library/<name>"
            }
            PodmanLimit::BuildahProgress => {
                "build progress says `STEP n/m:` instead of `Step n/m :`"
            }
            PodmanLimit::VolumeFiltersOred => "volume list filters of different keys are OR-ed",
            PodmanLimit::EmptyHealth => "State.Health is {\"Status\": \"\"} without a healthcheck",
            PodmanLimit::TopUnsplit => "top answers the ps lines unsplit: one title, one column",
            PodmanLimit::NoContainerUpdate => "no POST /containers/{id}/update (404)",
            PodmanLimit::History => {
                "history ids are bare hex and not the image's, Tags always null"
            }
            PodmanLimit::BuildahRunError => {
                "a failed RUN step says `while running runtime: exit status 1`"
            }
            PodmanLimit::RestartedStopExitCode => {
                "wait after kill, start, stop answers StatusCode 2, not 137"
            }
            PodmanLimit::DeleteReport => {
                "deleted images are reported without `sha256:`, the untag last"
            }
            PodmanLimit::Events => "since+until, `died` for `die`, no network events, own actions",
        }
    }
}

impl Engine {
    /// True for Podman's Docker-compatible service.
    pub fn is_podman(&self) -> bool {
        self.spec == ENGINE_PODMAN
    }
}

/// True when `engine` is Podman and so meets `limit`; says so on stderr. The caller then
/// asserts Podman's own behaviour instead of Docker's.
pub fn limit(engine: &Engine, limit: PodmanLimit) -> bool {
    if !engine.is_podman() {
        return false;
    }
    eprintln!("podman limit {limit:?}: {}", limit.reason());
    true
}

/// The name under which the engine lists an image tagged `tag` (a short `name:tag`):
/// the tag itself, or on Podman the qualified name, `docker.io/library/<tag>` for a
/// one-component name ([`PodmanLimit::QualifiedNames`]).
pub fn listed_name(engine: &Engine, tag: &str) -> String {
    if !limit(engine, PodmanLimit::QualifiedNames) {
        return tag.to_owned();
    }
    // Docker's normalisation: a first component with `.` or `:` (or `localhost`) is a
    // registry; otherwise the registry is docker.io, and a one-component name is `library/`.
    match tag.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => tag.to_owned(),
        Some(_) => format!("docker.io/{tag}"),
        None => format!("docker.io/library/{tag}"),
    }
}

/// The labels a container of the busybox test image reports: `labels`, plus on Podman
/// the `io.buildah.version` label inherited from the image ([`PodmanLimit::BuildahLabel`]),
/// whose value must be a version.
pub fn without_buildah_label(
    engine: &Engine,
    mut labels: std::collections::HashMap<String, String>,
) -> std::collections::HashMap<String, String> {
    if limit(engine, PodmanLimit::BuildahLabel) {
        let version = labels.remove("io.buildah.version");
        assert!(
            version
                .as_deref()
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit())),
            "podman: no io.buildah.version label: {version:?}"
        );
    }
    labels
}

/// The build step number of a progress line: `Step 2/4 : …` (Docker), or
/// `STEP 2/4: …` on Podman ([`PodmanLimit::BuildahProgress`]).
pub fn build_step(engine: &Engine, line: &str) -> Option<u32> {
    let rest = if limit(engine, PodmanLimit::BuildahProgress) {
        line.strip_prefix("STEP ")?
    } else {
        line.strip_prefix("Step ")?
    };
    rest.split('/').next()?.parse().ok()
}

/// How image prune and delete report the deletion of image `id` (`sha256:…`): the id, or
/// on Podman its bare hex ([`PodmanLimit::DeleteReport`]).
pub fn deleted_id(engine: &Engine, id: &str) -> String {
    if limit(engine, PodmanLimit::DeleteReport) {
        id.strip_prefix("sha256:").unwrap_or(id).to_owned()
    } else {
        id.to_owned()
    }
}
