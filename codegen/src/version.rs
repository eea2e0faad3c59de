//! Engine API version numbers (`1.41`), as they appear in spec file names, crate names and
//! the `/v1.41/` request prefix.

use std::fmt;

/// A `major.minor` Engine API version. Ordered numerically, so `1.9 < 1.10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    /// Always 1 so far.
    pub major: u16,
    /// 25 … 55 for the published specs.
    pub minor: u16,
}

impl ApiVersion {
    /// Parses `1.41` or `v1.41`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().trim_start_matches('v');
        let (major, minor) = t
            .split_once('.')
            .ok_or_else(|| format!("`{text}` is not a version of the form 1.NN"))?;
        let parse = |s: &str| {
            s.parse::<u16>()
                .map_err(|_| format!("`{text}` is not a version of the form 1.NN"))
        };
        Ok(Self {
            major: parse(major)?,
            minor: parse(minor)?,
        })
    }

    /// `v1_41`: the folder under `generated/`.
    pub fn folder_name(self) -> String {
        format!("v{}_{}", self.major, self.minor)
    }

    /// `dockwright-v1-41`: the package name.
    pub fn package_name(self) -> String {
        format!("dockwright-v{}-{}", self.major, self.minor)
    }

    /// `dockwright_v1_41`: the library name.
    pub fn crate_name(self) -> String {
        format!("dockwright_v{}_{}", self.major, self.minor)
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}
