//! The whole pipeline for one spec file: load → fix-ups → upgrade → IR → files.

use std::path::Path;

use crate::emit::{self, GeneratedFile, RuntimeDependency};
use crate::error::{Error, Result};
use crate::ir::{self, Api};
use crate::version::ApiVersion;
use crate::{filter_rules, fixups, swagger, upgrade};

/// The manifest this generator was built with (spec/versions.toml).
const MANIFEST: &str = include_str!("../../spec/versions.toml");

/// Whether a spec file is one of the manifest's (by sha256): for those, a fix-up whose
/// pattern is absent is an error (`fixups::Mode::Manifest`); any other spec (a newer
/// version, a patched copy, a test's) is `fixups::Mode::Foreign`.
pub fn is_published(sha256: &str) -> bool {
    static PUBLISHED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    PUBLISHED
        .get_or_init(|| {
            crate::manifest::Manifest::parse(MANIFEST, Path::new("spec/versions.toml"))
                .map(|m| m.versions.into_iter().map(|v| v.sha256).collect())
                .unwrap_or_default()
        })
        .iter()
        .any(|s| s == sha256)
}

/// Reads a spec and lowers it to the IR. The version comes from the spec's `info.version`.
pub fn load_api(path: &Path) -> Result<Api> {
    load_api_with_notes(path).map(|(api, _)| api)
}

/// The same, for spec bytes already in memory (`path` only names them).
pub fn api_from_bytes(bytes: &[u8], path: &Path) -> Result<Api> {
    api_from_loaded(swagger::parse(bytes, path)?).map(|(api, _)| api)
}

/// [`load_api`], also returning what a spec outside the manifest did not need: one note
/// ("fix-up `x` not needed for FILE (…)") per fix-up whose pattern is absent.
pub fn load_api_with_notes(path: &Path) -> Result<(Api, Vec<String>)> {
    api_from_loaded(swagger::load(path)?)
}

fn api_from_loaded(loaded: swagger::LoadedSpec) -> Result<(Api, Vec<String>)> {
    let swagger::LoadedSpec {
        path,
        sha256,
        mut spec,
        ..
    } = loaded;
    let version = ApiVersion::parse(&spec.info.version).map_err(|rule| Error::Spec {
        file: path.clone(),
        pointer: "/info/version".into(),
        rule,
    })?;
    let mode = if is_published(&sha256) {
        fixups::Mode::Manifest
    } else {
        fixups::Mode::Foreign
    };
    let report = fixups::apply_with(&mut spec, version, &path, mode)?;
    let doc = upgrade::upgrade(&spec, &path)?;
    let mut api = ir::lower(&doc, version, &path, &sha256, report.applied)?;
    let strict = matches!(mode, fixups::Mode::Manifest);
    let mut not_needed = report.not_needed;
    not_needed.extend(filter_rules::apply(&mut api, &path, strict)?);
    Ok((api, not_needed))
}

/// The files of the crate for one spec.
pub fn generate_crate(api: &Api, runtime: &RuntimeDependency) -> Result<Vec<GeneratedFile>> {
    emit::crate_files(api, runtime)
}

/// [`generate_crate`] with the module `changes`: the report against the previous version.
pub fn generate_crate_with_changes(
    api: &Api,
    runtime: &RuntimeDependency,
    changes: Option<&str>,
) -> Result<Vec<GeneratedFile>> {
    emit::crate_files_with_changes(api, runtime, changes)
}
