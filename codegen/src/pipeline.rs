//! The whole pipeline for one spec file: load → fix-ups → upgrade → IR → files.

use std::path::Path;

use crate::emit::{self, GeneratedFile, RuntimeDependency};
use crate::error::{Error, Result};
use crate::ir::{self, Api};
use crate::version::ApiVersion;
use crate::{filter_rules, fixups, swagger, upgrade};

/// Reads a spec and lowers it to the IR. The version comes from the spec's `info.version`.
pub fn load_api(path: &Path) -> Result<Api> {
    let loaded = swagger::load(path)?;
    api_from_loaded(loaded)
}

/// The same, for spec bytes already in memory (`path` only names them).
pub fn api_from_bytes(bytes: &[u8], path: &Path) -> Result<Api> {
    api_from_loaded(swagger::parse(bytes, path)?)
}

fn api_from_loaded(loaded: swagger::LoadedSpec) -> Result<Api> {
    let swagger::LoadedSpec {
        path, sha256, mut spec, ..
    } = loaded;
    let version = ApiVersion::parse(&spec.info.version).map_err(|rule| Error::Spec {
        file: path.clone(),
        pointer: "/info/version".into(),
        rule,
    })?;
    let applied = fixups::apply(&mut spec, version, &path)?;
    let doc = upgrade::upgrade(&spec, &path)?;
    let mut api = ir::lower(&doc, version, &path, &sha256, applied)?;
    filter_rules::apply(&mut api, &path)?;
    Ok(api)
}

/// The files of the crate for one spec.
pub fn generate_crate(api: &Api, runtime: &RuntimeDependency) -> Result<Vec<GeneratedFile>> {
    emit::crate_files(api, runtime)
}
