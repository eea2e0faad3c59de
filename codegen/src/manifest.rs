//! `spec/versions.toml`: which Engine API versions exist, where upstream keeps them, and
//! the sha256 each downloaded copy must have.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The parsed manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Base address; a version's file is `{upstream}/{file}`.
    pub upstream: String,
    /// Every version, oldest first.
    #[serde(rename = "version")]
    pub versions: Vec<VersionEntry>,
}

/// One spec version.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionEntry {
    /// `"1.41"`.
    pub version: String,
    /// `"v1.41.yaml"`.
    pub file: String,
    /// Lower-case hex sha256 of the upstream file.
    pub sha256: String,
}

impl Manifest {
    /// Reads and validates the manifest at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses manifest text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| Error::Manifest {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        for entry in &manifest.versions {
            crate::version::ApiVersion::parse(&entry.version).map_err(|_| Error::Manifest {
                path: path.to_owned(),
                message: format!("`{}` is not a version of the form 1.NN", entry.version),
            })?;
        }
        Ok(manifest)
    }

    /// The entry for `version` (`"1.47"` or `"v1.47"`), or an error listing the known ones.
    pub fn entry(&self, version: &str) -> Result<&VersionEntry> {
        let wanted = version.trim_start_matches('v');
        self.versions
            .iter()
            .find(|e| e.version == wanted)
            .ok_or_else(|| Error::UnknownVersion {
                requested: version.to_owned(),
                known: self.versions.iter().map(|e| e.version.clone()).collect(),
            })
    }

    /// The upstream address of one version's file.
    pub fn url(&self, entry: &VersionEntry) -> String {
        format!("{}/{}", self.upstream.trim_end_matches('/'), entry.file)
    }
}
