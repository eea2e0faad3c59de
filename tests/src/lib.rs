//! Shared helpers of the integration tests: where things are, and how a test that needs
//! something missing behaves (fails under CI, skips with a reason locally).

use std::path::{Path, PathBuf};

pub mod streams_support;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives one level below the root")
        .to_owned()
}

/// True when running under CI, where nothing may skip.
pub fn under_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Fails under CI, prints why and returns `None` locally.
pub fn missing(what: &str) -> Option<std::convert::Infallible> {
    if under_ci() {
        panic!("required under CI but missing: {what}");
    }
    eprintln!("skipping: {what}");
    None
}

/// The folder of upstream spec files: `DOCKER_ENGINE_SPECS`, else `../shared/engine-api`
/// beside the checkout, else `spec/cache/`. `None` (after printing why) when none has them.
pub fn specs_dir() -> Option<PathBuf> {
    let root = workspace_root();
    let candidates = [
        std::env::var_os("DOCKER_ENGINE_SPECS").map(PathBuf::from),
        Some(root.join("../shared/engine-api")),
        Some(root.join("spec/cache")),
    ];
    for dir in candidates.into_iter().flatten() {
        if dir.join("v1.25.yaml").is_file() {
            return Some(dir);
        }
    }
    missing("the spec files (set DOCKER_ENGINE_SPECS or run `cargo xtask fetch-specs`)")?;
    None
}

/// The environment variable that rewrites snapshots instead of comparing them.
pub const UPDATE_SNAPSHOTS: &str = "DOCKWRIGHT_UPDATE_SNAPSHOTS";

/// Compares `actual` with the snapshot file at `path` (relative to the root), or rewrites
/// it when `DOCKWRIGHT_UPDATE_SNAPSHOTS=1`. Returns a description of the mismatch.
pub fn check_snapshot(path: &Path, actual: &str) -> Result<(), String> {
    let full = workspace_root().join(path);
    if std::env::var_os(UPDATE_SNAPSHOTS).is_some() {
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&full, actual).map_err(|e| e.to_string())?;
        return Ok(());
    }
    match std::fs::read_to_string(&full) {
        Ok(expected) if expected == actual => Ok(()),
        Ok(expected) => {
            let line = expected
                .lines()
                .zip(actual.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
            Err(format!(
                "{} is stale (first difference at line {}); update with `{UPDATE_SNAPSHOTS}=1 cargo test -p dockwright-tests`",
                path.display(),
                line + 1
            ))
        }
        Err(_) => Err(format!(
            "{} is missing; create it with `{UPDATE_SNAPSHOTS}=1 cargo test -p dockwright-tests`",
            path.display()
        )),
    }
}
