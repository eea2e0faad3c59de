//! What the archive operations answer besides bytes: the stat of a container path
//! ([`PathStat`], from the `X-Docker-Container-Path-Stat` header) and a tar archive with
//! that stat ([`Archive`]).

use base64::Engine as _;

use crate::response::ByteStream;

/// A file or directory's metadata, from the `X-Docker-Container-Path-Stat` header of
/// `ContainerArchiveInfo` (HEAD) and `ContainerArchive` (GET).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PathStat {
    /// Base name of the path.
    #[serde(default)]
    pub name: String,
    /// Size in bytes.
    #[serde(default)]
    pub size: i64,
    /// Go `os.FileMode`: permission bits plus type bits in the high bits.
    #[serde(default)]
    pub mode: u32,
    /// Modification time, RFC 3339.
    #[serde(default)]
    pub mtime: String,
    /// Target of a symbolic link (empty otherwise).
    #[serde(default, rename = "linkTarget")]
    pub link_target: String,
}

impl PathStat {
    /// The header carrying it.
    pub const HEADER: &'static str = "X-Docker-Container-Path-Stat";

    /// Decodes the header value: base64 (standard alphabet) of a JSON object.
    pub fn from_header(value: &str) -> Result<PathStat, String> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|e| format!("not base64: {e}"))?;
        serde_json::from_slice(&raw).map_err(|e| format!("not the expected JSON: {e}"))
    }

    /// Unix permission bits.
    pub fn permissions(&self) -> u32 {
        self.mode & 0o7777
    }

    /// Go's `os.ModeDir`.
    pub fn is_dir(&self) -> bool {
        self.mode & (1 << 31) != 0
    }

    /// Go's `os.ModeSymlink`.
    pub fn is_symlink(&self) -> bool {
        self.mode & (1 << 27) != 0
    }
}

/// A tar archive from a container, with the stat of the path it was taken from.
pub struct Archive {
    /// From the `X-Docker-Container-Path-Stat` header (absent on some old daemons).
    pub stat: Option<PathStat>,
    /// The tar archive as it arrives.
    pub body: ByteStream,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("stat", &self.stat)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_stat_header() {
        // What Docker 26.1 sent for a 5-byte file /tmp/x.
        let json =
            r#"{"name":"x","size":5,"mode":420,"mtime":"2026-11-22T08:00:00Z","linkTarget":""}"#;
        let header = base64::engine::general_purpose::STANDARD.encode(json);
        let stat = PathStat::from_header(&header).unwrap();
        assert_eq!(stat.name, "x");
        assert_eq!(stat.size, 5);
        assert_eq!(stat.permissions(), 0o644);
        assert!(!stat.is_dir() && !stat.is_symlink());
        let dir = PathStat {
            mode: (1 << 31) | 0o755,
            ..PathStat::default()
        };
        assert!(dir.is_dir());
        assert!(PathStat::from_header("%%%").unwrap_err().contains("base64"));
        let not_json = base64::engine::general_purpose::STANDARD.encode("[1]");
        assert!(PathStat::from_header(&not_json)
            .unwrap_err()
            .contains("JSON"));
    }
}
