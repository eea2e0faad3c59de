//! Shared helpers of the integration tests: where things are, and how a test that needs
//! something missing behaves (fails under CI, skips with a reason locally).

use std::path::{Path, PathBuf};

pub mod engines;
pub mod fake;
pub mod filter_methods;
pub mod podman;
pub mod registry;
pub mod relay;
pub mod streams_support;
pub mod swarm;

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

/// The JSON form of a model, to read a field whose Rust type differs between API versions
/// (`Option<String>` in one, `String` in the next) with one expression.
pub fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("models serialize")
}

/// Expands a test suite once per generated crate and runs it on every engine that speaks
/// that crate's API version:
///
/// | crate | engines |
/// |---|---|
/// | `dockwright_v1_25` | 20.10 |
/// | `dockwright_v1_41` | 20.10, 26.1, 28 |
/// | `dockwright_v1_45` | 26.1, 28 |
/// | `dockwright_v1_51` | 28 |
///
/// Podman's Docker-compatible service joins with the v1.41 crate in the suites that add
/// `engine_matrix!(@test v1_41_on_podman, v1_41, ENGINE_PODMAN)` (see [`crate::podman`]).
///
/// `$suite` is a `macro_rules!` macro taking the crate and an era token (`v1_25`,
/// `v1_41`, `v1_45`, `v1_51`, for what only some versions have) and defining
/// `pub async fn run(engine: &dockwright_tests::engines::Engine)`. Each pair becomes one
/// `#[tokio::test]` named `v1_41_on_26_1` etc.
#[macro_export]
macro_rules! engine_matrix {
    ($suite:ident) => {
        mod v1_25 {
            $suite!(dockwright_v1_25, v1_25);
        }
        mod v1_41 {
            $suite!(dockwright_v1_41, v1_41);
        }
        mod v1_45 {
            $suite!(dockwright_v1_45, v1_45);
        }
        mod v1_51 {
            $suite!(dockwright_v1_51, v1_51);
        }
        $crate::engine_matrix!(@test v1_25_on_20_10, v1_25, ENGINE_20_10);
        $crate::engine_matrix!(@test v1_41_on_20_10, v1_41, ENGINE_20_10);
        $crate::engine_matrix!(@test v1_41_on_26_1, v1_41, ENGINE_26_1);
        $crate::engine_matrix!(@test v1_41_on_28, v1_41, ENGINE_28);
        $crate::engine_matrix!(@test v1_45_on_26_1, v1_45, ENGINE_26_1);
        $crate::engine_matrix!(@test v1_45_on_28, v1_45, ENGINE_28);
        $crate::engine_matrix!(@test v1_51_on_28, v1_51, ENGINE_28);
    };
    (@test $name:ident, $module:ident, $engine:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let Some(engine) = $crate::engines::Engine::get($crate::engines::$engine) else {
                return;
            };
            $module::run(&engine).await;
        }
    };
}

/// `if_v1_25!($era, { only v1.25 } else { every later version })`, for what the v1.25
/// crate lacks (HEAD /_ping, typed `label` filters of prune endpoints, `wait` conditions).
#[macro_export]
macro_rules! if_v1_25 {
    (v1_25, { $($then:tt)* } else { $($else:tt)* }) => {{ $($then)* }};
    ($era:ident, { $($then:tt)* } else { $($else:tt)* }) => {{ $($else)* }};
}

/// `if_before_1_42!($era, { v1.25, v1.41 } else { v1.45, v1.51 })`, for behaviour that
/// changed with API 1.42 (volume prune leaves named volumes unless `all=true`).
#[macro_export]
macro_rules! if_before_1_42 {
    (v1_25, { $($then:tt)* } else { $($else:tt)* }) => {{ $($then)* }};
    (v1_41, { $($then:tt)* } else { $($else:tt)* }) => {{ $($then)* }};
    ($era:ident, { $($then:tt)* } else { $($else:tt)* }) => {{ $($else)* }};
}

/// Builds (once per engine and process) the busybox test image through `$client`, a
/// generated client of any version, and evaluates to its tag; `None` (skipped locally,
/// a failure under CI) without a static busybox.
#[macro_export]
macro_rules! shared_busybox {
    ($client:expr, $engine:expr) => {
        match $crate::engines::busybox_context("") {
            None => None,
            Some(context) => {
                let client = &$client;
                let engine: &$crate::engines::Engine = $engine;
                Some(
                    $crate::engines::shared_image(engine, move |tag| async move {
                        let response = client
                            .image_build()
                            .t(tag)
                            .rm(true)
                            .forcerm(true)
                            .body(dockwright_runtime::Body::from(context))
                            .await
                            .unwrap_or_else(|e| panic!("{}: build: {e}", engine.spec.name));
                        $crate::engines::finish_build(engine.spec.name, response).await;
                    })
                    .await,
                )
            }
        }
    };
}

/// `if_v1_25_type!($era, TypeInV1_25, TypeLater)`: a type whose name changed after v1.25.
#[macro_export]
macro_rules! if_v1_25_type {
    (v1_25, $then:ty, $else:ty) => {
        $then
    };
    ($era:ident, $then:ty, $else:ty) => {
        $else
    };
}
