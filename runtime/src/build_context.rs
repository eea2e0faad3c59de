//! Build contexts: a directory as the tar archive `ImageBuild` expects, filtered by its
//! `.dockerignore` the way the Docker CLI filters it.
//!
//! Which files go in is decided by the `.dockerignore` rules ([`DockerIgnore`], in
//! `dockerignore.rs`, which spells out the CLI's matching rules); the Dockerfile and
//! `.dockerignore` are always sent, as the daemon needs them. How they are written is
//! `archive.rs`.
//!
//! Archives are deterministic for a given tree: entries in sorted order (each directory
//! before its contents), owner 0:0 as the CLI sends, permissions and modification times
//! (whole seconds) preserved, nothing else from the host (no user names, no access
//! times). Symbolic links are archived as links, never followed; sockets, FIFOs and
//! devices are skipped.

mod archive;
mod dockerignore;

pub use archive::TarStream;
pub use dockerignore::{DockerIgnore, IgnoreError};

use std::collections::HashSet;
use std::fs::{self, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use archive::append;
use dockerignore::clean;

/// A directory to be sent as a build context.
#[derive(Clone, Debug)]
pub struct BuildContext {
    root: PathBuf,
    dockerfile: String,
    ignore: Option<DockerIgnore>,
}

#[derive(Debug)]
enum Kind {
    Dir,
    File,
    Symlink,
}

#[derive(Debug)]
struct Entry {
    // `/`-separated, relative to the root, for matching and for the archive name.
    name: String,
    // Relative path as the file system spells it (names need not be UTF-8).
    rel: PathBuf,
    kind: Kind,
    meta: Metadata,
}

impl BuildContext {
    /// The directory `root`, with its `Dockerfile` and its `.dockerignore` (if any).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildContext {
            root: root.into(),
            dockerfile: "Dockerfile".to_owned(),
            ignore: None,
        }
    }

    /// Names the Dockerfile (relative to the root), which is sent even if ignored.
    pub fn dockerfile(mut self, path: impl Into<String>) -> Self {
        self.dockerfile = path.into();
        self
    }

    /// Uses these rules instead of reading `<root>/.dockerignore`.
    pub fn ignore(mut self, rules: DockerIgnore) -> Self {
        self.ignore = Some(rules);
        self
    }

    /// The archive entry names, in archive order, directories ending in `/`.
    ///
    /// Lets a caller show (or a test check) what would be sent without building it.
    pub fn entries(&self) -> io::Result<Vec<String>> {
        Ok(self
            .collect()?
            .into_iter()
            .map(|e| match e.kind {
                Kind::Dir => format!("{}/", e.name),
                _ => e.name,
            })
            .collect())
    }

    /// Writes the archive into `out` and returns it.
    pub fn write_tar<W: Write>(&self, out: W) -> io::Result<W> {
        let entries = self.collect()?;
        let mut builder = tar::Builder::new(out);
        for entry in &entries {
            append(&mut builder, &self.root, entry)?;
        }
        builder.into_inner()
    }

    /// The whole archive in memory; for small contexts.
    pub fn to_vec(&self) -> io::Result<Vec<u8>> {
        self.write_tar(Vec::new())
    }

    /// The archive as a stream of chunks, produced on a background thread.
    ///
    /// File reads block, and a context can be gigabytes, so the archive is written by
    /// a dedicated thread into a small bounded channel: memory stays at a few chunks
    /// and the walk advances only as fast as the daemon reads. Dropping the stream
    /// stops the thread at its next write. Errors (an unreadable file, a bad
    /// `.dockerignore`) arrive as the last item.
    pub fn into_stream(self) -> TarStream {
        archive::spawn_writer(move |writer| self.write_tar(writer))
    }

    fn ignore_rules(&self) -> io::Result<DockerIgnore> {
        if let Some(rules) = &self.ignore {
            return Ok(rules.clone());
        }
        match fs::read(self.root.join(".dockerignore")) {
            Ok(bytes) => DockerIgnore::parse(&String::from_utf8_lossy(&bytes))
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(DockerIgnore::default()),
            Err(e) => Err(e),
        }
    }

    fn collect(&self) -> io::Result<Vec<Entry>> {
        let rules = self.ignore_rules()?;
        let dockerfile = clean(&self.dockerfile.replace('\\', "/"));
        if dockerfile == "."
            || dockerfile.starts_with("../")
            || dockerfile == ".."
            || dockerfile.starts_with('/')
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the Dockerfile {:?} must be a path inside the context directory",
                    self.dockerfile
                ),
            ));
        }
        let forced = [dockerfile, ".dockerignore".to_owned()];
        let mut entries = Vec::new();
        walk(&self.root, Path::new(""), "", &rules, &forced, &mut entries)?;

        // Keep included entries, plus the directories leading to them so that a file
        // re-included inside an excluded directory keeps its parents' metadata.
        let mut needed: HashSet<&str> = HashSet::new();
        for (entry, excluded) in &entries {
            if !excluded {
                let mut name = entry.name.as_str();
                while let Some(slash) = name.rfind('/') {
                    name = &name[..slash];
                    if !needed.insert(name) {
                        break;
                    }
                }
            }
        }
        let needed: HashSet<String> = needed.into_iter().map(str::to_owned).collect();
        Ok(entries
            .into_iter()
            .filter(|(e, excluded)| !excluded || needed.contains(&e.name))
            .map(|(e, _)| e)
            .collect())
    }
}

fn walk(
    root: &Path,
    rel: &Path,
    name: &str,
    rules: &DockerIgnore,
    forced: &[String],
    out: &mut Vec<(Entry, bool)>,
) -> io::Result<()> {
    let dir = root.join(rel);
    let mut children = fs::read_dir(&dir)
        .map_err(|e| io::Error::new(e.kind(), format!("reading {}: {e}", dir.display())))?
        .map(|r| r.map(|entry| entry.file_name()))
        .collect::<io::Result<Vec<_>>>()?;
    children.sort();
    for child in children {
        let child_rel = rel.join(&child);
        let child_name = if name.is_empty() {
            child.to_string_lossy().into_owned()
        } else {
            format!("{name}/{}", child.to_string_lossy())
        };
        let abs = root.join(&child_rel);
        let meta = fs::symlink_metadata(&abs)
            .map_err(|e| io::Error::new(e.kind(), format!("reading {}: {e}", abs.display())))?;
        let file_type = meta.file_type();
        let kind = if file_type.is_dir() {
            Kind::Dir
        } else if file_type.is_file() {
            Kind::File
        } else if file_type.is_symlink() {
            Kind::Symlink
        } else {
            continue;
        };
        let excluded = rules.is_excluded(&child_name) && !forced.contains(&child_name);
        let descend = matches!(kind, Kind::Dir)
            && (!excluded
                || rules.may_reinclude_below(&child_name)
                || forced.iter().any(|f| {
                    f.len() > child_name.len()
                        && f.starts_with(&child_name)
                        && f.as_bytes()[child_name.len()] == b'/'
                }));
        out.push((
            Entry {
                name: child_name.clone(),
                rel: child_rel.clone(),
                kind,
                meta,
            },
            excluded,
        ));
        if descend {
            walk(root, &child_rel, &child_name, rules, forced, out)?;
        }
    }
    Ok(())
}

/// The build context of `dir` (its `Dockerfile`, honouring its `.dockerignore`) as one
/// in-memory archive; for small contexts.
pub fn tar_directory(dir: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    BuildContext::new(dir.as_ref()).to_vec()
}

/// The build context of `dir` as a stream of chunks, never held whole in memory.
pub fn tar_directory_stream(dir: impl Into<PathBuf>) -> TarStream {
    BuildContext::new(dir).into_stream()
}
